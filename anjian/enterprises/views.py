"""Pages of the enterprise registry: list with filters, create/edit, the enterprise's whole file
(一企一档: registry, the sections every app provides through core.dossier, change history,
timeline), operating-status change, supervision assignment (一企一牌), void, and the
supervision blind spots (监管盲区).

Reads go through ``Enterprise.objects.for_user`` (directly or via the selectors), so an
enterprise outside the user's jurisdiction answers 404; writes need the app policy's right
(``policy.py``, 403 otherwise) and go through ``enterprises.services``. The enterprise page's
buttons are the steps ``core.workflow.available_steps`` offers the user on it; forms post the
version of the record they showed, so a change made on a stale page shows the conflict.
"""

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anjian.core.dossier import attach_cells, build_sections
from anjian.core.events import event_label
from anjian.core.history import history_rows
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.core.services import events_for
from anjian.core.workflow import available_steps

from . import events, selectors, services
from .choices import OPERATING_STATUS_MACHINE, STATUS_STEPS, OperatingStatus
from .forms import (
    SORT_ORDERS,
    EnterpriseForm,
    EnterpriseListFilter,
    StatusForm,
    SupervisionForm,
    VoidForm,
)
from .models import Enterprise, Supervision
from .policy import policy

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)


def _posted(request):
    """The POST data to bind a form to, or None on GET (an empty POST still binds and errs)."""
    return request.POST if request.method == "POST" else None


def _posted_version(request) -> int | None:
    """The version of the enterprise the page showed (a hidden field), or None when not posted."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _require(user, action: str, enterprise: Enterprise | None = None) -> None:
    if not policy.can(user, action, enterprise):
        raise PermissionDenied


def _scoped_enterprise(user, pk: int) -> Enterprise:
    """The enterprise if it is in the user's scope (and not voided), else 404."""
    return scoped_object_or_404(user, Enterprise.objects.select_related("region", "industry", "grid"), pk=pk)


@login_required
def enterprise_list(request):
    """The registry in the user's jurisdiction: filters, sort, 50 per page, export link."""
    user = request.user
    # region__parent: the county is shown next to the township (same-named towns exist).
    queryset = selectors.enterprise_list(user).select_related("region__parent")
    filterset = EnterpriseListFilter(request.GET or None, queryset=queryset, user=user)
    sort = filterset.sort
    page_obj = Paginator(filterset.qs.order_by(*SORT_ORDERS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    # The columns other apps add (risk grade, open hazards): one query each for the page.
    columns = attach_cells(user, page_obj.object_list)
    return render(request, "enterprises/list.html", {
        "filter": filterset,
        "form": filterset.form,
        "page_obj": page_obj,
        "columns": columns,
        "sort": sort,
        "can_add": policy.can(user, "register"),
        "can_import": policy.can(user, "import"),
        # An enterprise user sees one row; a filter bar would only be noise.
        "show_filters": scope_of(user).kind != ENTERPRISE_SCOPE,
    })


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    """Register an enterprise through services.create_enterprise."""
    user = request.user
    _require(user, "register")
    form = EnterpriseForm(_posted(request), user=user)
    done = submit(request, form, lambda data: services.create_enterprise(actor=user, data=form.service_data()),
                  success=lambda made: _("Enterprise “%(name)s” registered.") % {"name": made.name},
                  then=lambda made: reverse("enterprises:detail", args=[made.pk]))
    return done or form_page(request, "enterprises/form.html", {"form": form, "enterprise": None})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    """Edit the registry fields through services.update_enterprise (field history is kept)."""
    user = request.user
    enterprise = _scoped_enterprise(user, pk)
    _require(user, "edit", enterprise)
    # The form works on a copy so a rejected edit does not show up in the page title.
    form = EnterpriseForm(_posted(request), instance=copy.copy(enterprise), user=user)
    detail = reverse("enterprises:detail", args=[enterprise.pk])
    if request.method == "POST" and form.is_valid() and not form.changed_service_data(enterprise):
        messages.info(request, _("Nothing was changed."))
        return redirect(detail)
    done = submit(request, form, lambda data: services.update_enterprise(
        enterprise, actor=user, data=form.changed_service_data(enterprise),
        expected_version=_posted_version(request)), success=_("Changes saved."), then=detail)
    return done or form_page(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


def _timeline(enterprise: Enterprise, limit: int = 100) -> list[dict]:
    """Event rows as the template shows them: translated action and state names."""
    states = dict(OperatingStatus.choices)
    rows = []
    for event in events_for(enterprise)[:limit]:
        data = event.data or {}
        details = []
        if event.action == "supervision_assigned":
            details = [(_("Department"), data.get("department", "")), (_("Responsible leader"), data.get("leader", "")),
                       (_("Supervising officer"), data.get("officer", ""))]
        elif event.action == "status_changed" and data.get("on"):
            details = [(_("Effective date"), data["on"])]
        elif event.action == "tags_changed":
            details = [(_("Added"), "、".join(data.get("added", []))), (_("Removed"), "、".join(data.get("removed", [])))]
        rows.append({
            "at": event.at, "actor": event.actor, "label": event_label(event.action, "enterprises"),
            "from_state": states.get(event.from_state, event.from_state),
            "to_state": states.get(event.to_state, event.to_state),
            "comment": event.comment, "details": [d for d in details if d[1]],
        })
    return rows


@login_required
def enterprise_detail(request, pk: int):
    """The enterprise's whole file (一企一档): the registry, then the sections the apps provide
    (core.dossier: supervision plate, risks, major hazard sources, hazards, inspections,
    accidents, warnings — each counted in the user's scope, linking to its filtered list), the
    change history and the timeline."""
    user = request.user
    enterprise = get_object_or_404(selectors.enterprise_list(user).select_related("region__parent"), pk=pk)
    steps = set(available_steps(OPERATING_STATUS_MACHINE, policy, user, enterprise))
    return render(request, "enterprises/detail.html", {
        "enterprise": enterprise,
        "sections": build_sections(user, enterprise),
        "history": history_rows(enterprise, limit=100),
        "timeline": _timeline(enterprise),
        "can_edit": events.ENTERPRISE_UPDATED in steps,
        "can_change_status": any(step.action in steps for step in STATUS_STEPS.values()),
        "can_assign": events.SUPERVISION_ASSIGNED in steps,
        "can_void": "void" in steps,
    })


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_status(request, pk: int):
    """Change the operating status (operating / suspended / closed) with a date and reason."""
    user = request.user
    enterprise = _scoped_enterprise(user, pk)
    _require(user, "change_status", enterprise)
    form = StatusForm(_posted(request), enterprise=enterprise, user=user)
    done = submit(request, form, lambda data: services.change_operating_status(
        enterprise, actor=user, status=data["status"], on=data["on"], reason=data["reason"],
        expected_version=_posted_version(request)),
        success=_("Operating status changed."), then=reverse("enterprises:detail", args=[enterprise.pk]))
    return done or form_page(request, "enterprises/status.html", {"form": form, "enterprise": enterprise})


@login_required
@require_http_methods(["GET", "POST"])
def supervision_assign(request, pk: int):
    """Hang a new supervision plate; the current one (if any) ends and stays in the history."""
    user = request.user
    enterprise = _scoped_enterprise(user, pk)
    _require(user, "assign_supervision", enterprise)
    current = scoped_list(request, Supervision, enterprise=enterprise, is_current=True) \
        .select_related("department").first()
    initial = {"started_on": timezone.localdate()}
    if current:
        # Re-assignment usually changes the officer only; start from the current plate.
        initial.update(department=current.department_id, leader_name=current.leader_name,
                       leader_phone=current.leader_phone)
    form = SupervisionForm(_posted(request), initial=initial, user=user, enterprise=enterprise)
    done = submit(request, form, lambda data: services.assign_supervision(
        enterprise, actor=user, department=data["department"], leader_name=data["leader_name"],
        leader_phone=data["leader_phone"], officer=data["officer"], officer_name=data["officer_name"],
        officer_phone=data["officer_phone"], started_on=data["started_on"], note=data["note"],
        expected_version=_posted_version(request)),
        success=_("Supervision assigned."), then=reverse("enterprises:detail", args=[enterprise.pk]))
    return done or form_page(request, "enterprises/supervision.html", {
        "form": form, "enterprise": enterprise, "current": current,
        "closed": enterprise.status == OperatingStatus.CLOSED,
        "no_departments": not form.fields["department"].queryset.exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_void(request, pk: int):
    """Void the enterprise with a reason: it leaves every list but is never deleted."""
    user = request.user
    enterprise = _scoped_enterprise(user, pk)
    _require(user, "void", enterprise)
    form = VoidForm(_posted(request))
    done = submit(request, form, lambda data: services.void_enterprise(
        enterprise, actor=user, reason=data["reason"], expected_version=_posted_version(request)),
        success=_("Enterprise “%(name)s” voided.") % {"name": enterprise.name}, then="enterprises:list")
    return done or form_page(request, "enterprises/void.html", {"form": form, "enterprise": enterprise})


@login_required
def blind_spots(request):
    """Existing enterprises with no current supervision (监管盲区), and the coverage rate."""
    user = request.user
    params = request.GET or None
    filterset = EnterpriseListFilter(params, queryset=selectors.blind_spots(user).select_related("region__parent"),
                                     user=user,
                                     only=("region", "industry"), with_sort=False)
    qs = filterset.qs.order_by("region_path", "id")
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # Coverage over the same slice (same region/industry filters), in one aggregate query.
    existing = scoped_list(request, Enterprise).exclude(status=OperatingStatus.CLOSED)
    base = EnterpriseListFilter(params, queryset=existing, user=user, only=("region", "industry"),
                                with_sort=False).qs
    current = Exists(Supervision.objects.filter(enterprise=OuterRef("pk"), is_current=True))
    totals = base.aggregate(existing=Count("id"), supervised=Count("id", filter=Q(current)))
    coverage = (100.0 * totals["supervised"] / totals["existing"]) if totals["existing"] else None
    return render(request, "enterprises/blind_spots.html", {
        "filter": filterset,
        "form": filterset.form,
        "page_obj": page_obj,
        "existing": totals["existing"],
        "supervised": totals["supervised"],
        "coverage": coverage,
        "can_assign": policy.can(user, "assign_supervision"),
    })

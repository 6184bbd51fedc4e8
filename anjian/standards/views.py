"""Pages of the standards library: the checklist list (filters, export), a checklist version
with its items, versions, change history and timeline, a new version, deactivate /
reactivate, and the major-hazard criteria catalogue grouped by document and section with
the certainty of each.

Every logged-in user reads the library (reference data, not jurisdiction-scoped); changes
are for system administrators (the app policy; 403 otherwise) and go through
``standards.services``; the deactivate/reactivate buttons are the steps
``core.workflow.available_steps`` offers on the checklist version.
Detailed edits of single items and criteria are made in the Django admin, which keeps the
same history and events.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anjian.core.events import event_label
from anjian.core.history import history_rows
from anjian.core.models import Event
from anjian.core.pages import form_page, submit
from anjian.core.workflow import available_steps

from . import events as codes
from . import selectors, services
from .choices import ACTIVITY_MACHINE, Certainty
from .filters import ChecklistStatus, active_unless_asked
from .forms import ActivateForm, ChecklistListFilter, CriteriaFilterForm, DeactivateForm, NewVersionForm
from .models import CheckItem, Checklist
from .policy import policy

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)

# Deactivation events carry these states; version events carry version labels, shown as they are.
EVENT_STATES = {"active": gettext_lazy("Active"), "inactive": gettext_lazy("Deactivated")}
STATUS_LABELS = {
    "in_force": gettext_lazy("In force"),
    "upcoming": gettext_lazy("Not yet in force"),
    "superseded": gettext_lazy("Superseded"),
    "inactive": gettext_lazy("Deactivated"),
}


def _posted(request):
    """The POST data to bind a form to, or None on GET (an empty POST still binds and errs)."""
    return request.POST if request.method == "POST" else None


def _require_admin(user) -> None:
    if not policy.can(user, "manage"):
        raise PermissionDenied


@login_required
def checklist_list(request):
    """Checklist versions: search, industry (with its parents and sub-sectors), version status
    (current ones by default), 50 per page, and the Excel export of the same selection."""
    params = request.GET.copy()
    if not params.get("status"):
        params["status"] = ChecklistStatus.CURRENT
    queryset = active_unless_asked(selectors.checklists_with_counts(), params)
    filterset = ChecklistListFilter(params, queryset=queryset)
    page_obj = Paginator(filterset.qs.order_by("code", "-effective_from", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    today = timezone.localdate()
    for checklist in page_obj:
        checklist.status = services.version_status(checklist, today)
        checklist.status_label = STATUS_LABELS[checklist.status]
    return render(request, "standards/list.html", {
        "filter": filterset,
        "form": filterset.form,
        "page_obj": page_obj,
        "export_query": params.urlencode(),
        "is_admin": policy.can(request.user, "manage"),
    })


def _timeline(checklist: Checklist, items: list[CheckItem], limit: int = 100) -> list[dict]:
    """Events of the checklist version and of its items, newest first (one query)."""
    types = ContentType.objects.get_for_models(Checklist, CheckItem)
    item_names = {str(i.pk): f"{i.item_no} {i.content[:30]}".strip() for i in items}
    events = (Event.objects.filter(
        Q(content_type=types[Checklist], object_id=str(checklist.pk))
        | Q(content_type=types[CheckItem], object_id__in=list(item_names)))
        .select_related("actor").order_by("-at", "-id")[:limit])
    rows = []
    for event in events:
        data = event.data or {}
        details = []
        if event.content_type_id == types[CheckItem].pk:
            details.append((_("Item"), item_names.get(event.object_id, event.object_id)))
        if event.action == codes.VERSION_CREATED and data.get("effective_from"):
            details.append((_("Takes effect on"), data["effective_from"]))
        if event.action == codes.VERSION_CLOSED and data.get("effective_to"):
            details.append((_("Ends on"), data["effective_to"][-1]))
        if data.get("file"):
            details.append((_("File"), data["file"]))
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "standards"),
                     "from_state": EVENT_STATES.get(event.from_state, event.from_state),
                     "to_state": EVENT_STATES.get(event.to_state, event.to_state), "comment": event.comment,
                     "details": details})
    return rows


@login_required
def checklist_detail(request, pk: int):
    """One checklist version: its items, every version of its code, change history, timeline."""
    # An enterprise's own checklist opens too, within the user's jurisdiction.
    checklist = get_object_or_404(selectors.readable_checklists(request.user), pk=pk)
    items = list(checklist.items.select_related("criterion__document").order_by("sort", "id"))
    active_items = [i for i in items if i.is_active]
    today = timezone.localdate()
    versions = list(services.checklist_versions(checklist))
    for version in versions:
        version.status = services.version_status(version, today)
        version.status_label = STATUS_LABELS[version.status]
    status = services.version_status(checklist, today)
    is_admin = policy.can(request.user, "manage")
    steps = available_steps(ACTIVITY_MACHINE, policy, request.user, checklist)
    return render(request, "standards/detail.html", {
        "checklist": checklist,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "items": active_items,
        "inactive_count": len(items) - len(active_items),
        "major_count": sum(1 for i in active_items if i.is_major_criterion),
        "versions": versions,
        "history": history_rows(checklist, limit=50),
        "timeline": _timeline(checklist, items),
        "is_admin": is_admin,
        "can_deactivate": codes.DEACTIVATED in steps,
        "can_reactivate": codes.REACTIVATED in steps,
        "export_query": f"code={checklist.code}&version={checklist.version}&status=all",
        "admin_url": reverse("admin:standards_checklist_change", args=[checklist.pk]) if is_admin else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def checklist_new_version(request, pk: int):
    """Start a new version on a date (items copied; the version in force ends the day before)."""
    _require_admin(request.user)
    checklist = get_object_or_404(selectors.checklists(), pk=pk)
    form = NewVersionForm(_posted(request), initial={
        "version": services.next_version_label(checklist.code), "name": checklist.name})
    done = submit(
        request, form,
        lambda data: services.new_checklist_version(
            checklist, actor=request.user, effective_from=data["effective_from"], version=data["version"],
            name=data["name"], note=data["note"]),
        success=lambda new: _("Version %(version)s created.") % {"version": new.version},
        then=lambda new: reverse("standards:detail", args=[new.pk]))
    return done or form_page(request, "standards/new_version.html", {"form": form, "checklist": checklist})


@login_required
@require_http_methods(["GET", "POST"])
def checklist_set_active(request, pk: int, active: bool):
    """Deactivate a checklist version with a reason (it is kept, not deleted), or reactivate it."""
    _require_admin(request.user)
    checklist = get_object_or_404(selectors.checklists(), pk=pk)
    form = (ActivateForm if active else DeactivateForm)(_posted(request))
    done = submit(
        request, form,
        lambda data: services.set_checklist_active(checklist, actor=request.user, active=active,
                                                   reason=form.cleaned_data["reason"]),
        success=_("Checklist reactivated.") if active else _("Checklist deactivated."),
        then=reverse("standards:detail", args=[checklist.pk]))
    return done or form_page(request, "standards/set_active.html", {"form": form, "checklist": checklist, "active": active})


CERTAINTY_BADGES = {
    Certainty.CONFIRMED_TWICE: "badge-operating",
    Certainty.CONFIRMED: "badge-info",
    Certainty.CODE: "badge-suspended",
    Certainty.DERIVED: "badge-muted",
    Certainty.VARIANTS: "badge-suspended",
    Certainty.UNCONFIRMED: "badge-risk",
}


def catalogue(params) -> tuple[CriteriaFilterForm, list]:
    """The catalogue's documents (filtered) each with ``sections``: [(section, [criteria])]."""
    form = CriteriaFilterForm(params or None)
    documents, criteria, narrowed = selectors.catalogue_selection(form.values() if params else {})
    documents = list(documents)
    today = timezone.localdate()
    by_document: dict[int, list] = {}
    for criterion in criteria.filter(document_id__in=[d.pk for d in documents]):
        by_document.setdefault(criterion.document_id, []).append(criterion)
    out = []
    for document in documents:
        rows = by_document.get(document.pk, [])
        if narrowed and not rows:
            continue  # a text search shows only the documents it found something in
        sections: dict[str, list] = {}  # in order of first appearance, even if an edit moved one item
        for criterion in rows:
            sections.setdefault(criterion.section, []).append(criterion)
        document.sections = list(sections.items())
        document.shown = len(rows)
        document.unconfirmed = sum(1 for c in rows if not c.is_confirmed)
        document.badge = CERTAINTY_BADGES.get(document.certainty, "badge-muted")
        document.superseded = bool(document.effective_to and document.effective_to < today)
        document.upcoming = bool(document.effective_from and document.effective_from > today)
        out.append(document)
    return form, out


@login_required
def criteria_catalogue(request):
    """The national major-hazard criteria, grouped by document and section, with certainty marks."""
    form, documents = catalogue(request.GET)
    return render(request, "standards/criteria.html", {
        "form": form,
        "documents": documents,
        "total": sum(d.shown for d in documents),
        "certainties": [(value, label, CERTAINTY_BADGES[value]) for value, label in Certainty.choices],
        "export_query": request.GET.urlencode(),
    })

"""Pages of the enforcement app: the shared page plumbing (lists, one step per small form, the
timeline) and the expert pool, officers' certificates and declared conflicts. The plans, draws,
inspections, cases, statistics and the public page are in ``views_*.py``.

Reads go through ``core.pages`` (``for_user``: out of scope is 404, like a missing record); every
change goes through ``enforcement.services``. A step's form posts the record's ``version``: a
stale page shows the conflict and changes nothing. A step the user may not take now is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from anjian.core.events import event_label, event_state_labels
from anjian.core.forms import add_service_errors
from anjian.core.history import history_rows
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import ConflictError, events_for
from anjian.core.workflow import StateMachine, available_steps

from . import forms as f
from . import services
from .choices import CERTIFICATE_MACHINE, CONFLICT_MACHINE, EXPERT_MACHINE, ConflictState
from .models import ConflictDeclaration, EnforcementCertificate, Expert
from .policy import policy

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)


# --- plumbing shared by every page of the app ------------------------------------------------------

def posted(request):
    return request.POST if request.method == "POST" else None


def paginate(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def crumbs(*items) -> list[tuple[str, str]]:
    return [(_("Enforcement"), reverse("enforcement:home")), *items]


def timeline(obj, limit: int = 100) -> list[dict[str, Any]]:
    """The record's events in words (the action's and the states' names, the comment)."""
    rows = []
    for event in events_for(obj)[:limit]:
        from_state, to_state = event_state_labels(event)
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "enforcement"),
                     "from_state": from_state, "to_state": to_state, "comment": event.comment})
    return rows


def buttons(machine: StateMachine, user, obj, url: Callable[[str], str], *, skip=(), primary=(),
            labels: dict | None = None) -> list[dict[str, str]]:
    """The step buttons of ``obj`` for ``user``: exactly the steps of ``machine`` its state,
    guards and the policy allow now (``core.workflow.available_steps``)."""
    out = []
    for name in available_steps(machine, policy, user, obj):
        if name in skip:
            continue
        out.append({"name": name, "label": (labels or {}).get(name) or machine[name].label, "url": url(name),
                    "style": "danger" if name == "void" else ("primary" if name in primary else "")})
    return out


@dataclass
class StepSpec:
    """One step page: its form, title, button and what it runs (``run(obj, user, data)``, data
    being the form's cleaned data without the version, which is passed as ``version``)."""

    form: type
    title: Any
    button: Any
    run: Callable[..., Any]
    style: str = ""
    initial: Callable[[Any], dict] | None = None
    form_kwargs: Callable[[Any, Any], dict] | None = None


def step_page(request, obj, action: str, specs: dict[str, StepSpec], machine: StateMachine | None, *,
              back: str, done: str | None = None, title_object: str = "", extra: dict | None = None,
              allowed: bool | None = None, template: str = "enforcement/step.html"):
    """One step on one record through its small form: 404 for an unknown step, 403 when the user
    may not take it now; the service's refusals next to the fields, a conflict above the form."""
    spec = specs.get(action)
    if spec is None:
        raise Http404
    if allowed is None:
        allowed = action in available_steps(machine, policy, request.user, obj)
    if not allowed:
        raise PermissionDenied
    kwargs = spec.form_kwargs(obj, request.user) if spec.form_kwargs else {}
    form = spec.form(posted(request), request.FILES or None, record=obj, user=request.user,
                     initial=spec.initial(obj) if spec.initial else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            result = spec.run(obj, request.user, data, version)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not do this."))
        else:
            messages.success(request, _("Saved: %(action)s.") % {"action": spec.title})
            target = done(result) if callable(done) else (done or back)
            return redirect(target)
    return render(request, template, {
        "form": form, "spec": spec, "record": obj, "title_object": title_object or str(obj), "back": back,
        "crumbs": crumbs((title_object or str(obj), back), (spec.title, "")), **(extra or {})})


def create_page(request, *, form, run: Callable, title, back: str, allowed: bool, done: Callable[[Any], str],
                template: str = "enforcement/form.html", extra: dict | None = None):
    """A page that creates a record through a service (``run(form) -> record``)."""
    if not allowed:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            record = run(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not do this."))
        else:
            messages.success(request, _("Saved."))
            return redirect(done(record))
    return render(request, template, {"form": form, "title": title, "back": back,
                                      "crumbs": crumbs((title, "")), **(extra or {})})


def edit_page(request, obj, *, form, run: Callable, title, back: str, allowed: bool):
    """A page that corrects a record through a service (``run(form, version) -> record``)."""
    if not allowed:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            run(form, request.POST.get("version") or None)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(request, "enforcement/form.html", {"form": form, "title": title, "back": back, "record": obj,
                                                     "crumbs": crumbs((str(obj), back), (title, ""))})


# --- the hub -----------------------------------------------------------------------------------

@login_required
def home(request):
    """监管执法: what the enforcement year holds for the user, with links to every part."""
    from . import selectors

    return render(request, "enforcement/home.html", {
        "crumbs": [(_("Enforcement"), "")], "summary": selectors.hub_summary(request.user),
        "is_officer": policy.can(request.user, "add_expert") or request.user.is_system_admin,
    })


# --- expert pool --------------------------------------------------------------------------------

EXPERT_SORTS = {"name": ("name", "id"), "-id": ("-id",)}


@login_required
def expert_list(request):
    """专家库: the experts of the pools in the user's jurisdiction."""
    base = scoped_list(request, Expert).select_related("region")
    filterset = f.ExpertListFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    counts = qs.order_by().aggregate(total=Count("id"), **{
        s.value: Count("id", filter=Q(state=s.value)) for s in EXPERT_MACHINE.states})
    page_obj = paginate(request, qs.order_by("name", "id").prefetch_related("fields"))
    return render(request, "enforcement/experts.html", {
        "crumbs": crumbs((_("Expert pool"), "")), "form": filterset.form, "page_obj": page_obj, "counts": counts,
        "can_add": policy.can(request.user, "add_expert")})


@login_required
@require_http_methods(["GET", "POST"])
def expert_create(request):
    form = f.ExpertForm(posted(request), user=request.user)
    return create_page(
        request, form=form, title=_("Add an expert to the pool"), back=reverse("enforcement:experts"),
        allowed=policy.can(request.user, "add_expert"),
        run=lambda form: services.create_expert(actor=request.user, data=form.service_data(),
                                                fields=form.cleaned_data["fields_of_expertise"]),
        done=lambda e: reverse("enforcement:expert", args=[e.pk]))


@login_required
def expert_detail(request, pk: int):
    expert = scoped_object_or_404(request, Expert.objects.select_related("region", "employer", "user"),
                                  include_voided=True, pk=pk)
    from . import selectors

    return render(request, "enforcement/expert_detail.html", {
        "crumbs": crumbs((_("Expert pool"), reverse("enforcement:experts")), (expert.name, "")), "expert": expert,
        "buttons": buttons(EXPERT_MACHINE, request.user, expert, lambda a: (
            reverse("enforcement:expert_edit", args=[pk]) if a == "update"
            else reverse("enforcement:expert_step", args=[pk, a]))),
        "fields": list(expert.fields.order_by("code")),
        "conflicts": list(scoped_list(request, ConflictDeclaration).filter(expert=expert)
                          .select_related("enterprise")[:50]),
        "work": selectors.expert_work(request.user, expert),
        "events": timeline(expert), "history": history_rows(expert),
        "available_today": expert.is_available_on(timezone.localdate())})


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk: int):
    expert = scoped_object_or_404(request, Expert, pk=pk)
    form = f.ExpertForm(posted(request), instance=Expert.objects.get(pk=pk), user=request.user)
    return edit_page(
        request, expert, form=form, title=_("Correct the expert"), back=reverse("enforcement:expert", args=[pk]),
        allowed="update" in available_steps(EXPERT_MACHINE, policy, request.user, expert),
        run=lambda form, version: services.update_expert(
            expert, actor=request.user, data=form.service_data(), fields=form.cleaned_data["fields_of_expertise"],
            version=version))


EXPERT_STEPS = {
    "mark_unavailable": StepSpec(f.UnavailableForm, gettext_lazy("Mark unavailable"), gettext_lazy("Save"),
                                 lambda o, u, d, v: services.mark_expert_unavailable(o, actor=u, until=d["until"],
                                                                                     reason=d["reason"], version=v)),
    "mark_available": StepSpec(f.ConfirmForm, gettext_lazy("Available again"), pgettext_lazy("enforcement", "Confirm"),
                               lambda o, u, d, v: services.mark_expert_available(o, actor=u, version=v)),
    "retire": StepSpec(f.ReasonForm, gettext_lazy("Retire from the pool"), gettext_lazy("Retire"),
                       lambda o, u, d, v: services.retire_expert(o, actor=u, reason=d["reason"], version=v)),
    "void": StepSpec(f.ReasonForm, pgettext_lazy("enforcement", "Void"), pgettext_lazy("enforcement", "Void"),
                     lambda o, u, d, v: services.void_expert(o, actor=u, reason=d["reason"], version=v), "danger"),
}


@login_required
@require_http_methods(["GET", "POST"])
def expert_step(request, pk: int, action: str):
    expert = scoped_object_or_404(request, Expert, pk=pk)
    back = reverse("enforcement:expert", args=[pk])
    return step_page(request, expert, action, EXPERT_STEPS, EXPERT_MACHINE, back=back,
                     done=reverse("enforcement:experts") if action == "void" else back)


# --- officers: certificates and conflicts -----------------------------------------------------

@login_required
def officers(request):
    """执法人员: the officers of the jurisdiction with their certificates (valid today or not) and
    the conflicts they declared."""
    from . import selectors

    page_obj = paginate(request, f.officers_of(request.user))
    rows = selectors.officer_rows(request.user, list(page_obj.object_list))
    return render(request, "enforcement/officers.html", {
        "crumbs": crumbs((_("Enforcement officers"), "")), "page_obj": page_obj, "rows": rows,
        "can_add": policy.can(request.user, "add_certificate"),
        "can_declare": policy.can(request.user, "declare_conflict")})


@login_required
def certificate_list(request):
    base = scoped_list(request, EnforcementCertificate).select_related("officer")
    filterset = f.CertificateListFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    return render(request, "enforcement/certificates.html", {
        "crumbs": crumbs((_("Enforcement officers"), reverse("enforcement:officers")), (_("Certificates"), "")),
        "form": filterset.form, "page_obj": paginate(request, qs.order_by("officer__name", "-issued_on", "id")),
        "today": timezone.localdate(), "can_add": policy.can(request.user, "add_certificate")})


@login_required
@require_http_methods(["GET", "POST"])
def certificate_create(request):
    form = f.CertificateForm(posted(request), user=request.user,
                             initial={"officer": request.GET.get("officer")} if request.method == "GET" else None)
    return create_page(
        request, form=form, title=_("Record an enforcement certificate"), back=reverse("enforcement:certificates"),
        allowed=policy.can(request.user, "add_certificate"),
        run=lambda form: services.record_certificate(
            actor=request.user, officer=form.cleaned_data["officer"],
            data={k: v for k, v in form.cleaned_data.items() if k != "officer"}),
        done=lambda c: reverse("enforcement:certificate", args=[c.pk]))


@login_required
def certificate_detail(request, pk: int):
    cert = scoped_object_or_404(request, EnforcementCertificate.objects.select_related("officer"),
                                include_voided=True, pk=pk)
    return render(request, "enforcement/certificate_detail.html", {
        "crumbs": crumbs((_("Certificates"), reverse("enforcement:certificates")), (cert.number, "")), "cert": cert,
        "valid_today": cert.is_valid_on(timezone.localdate()),
        "buttons": buttons(CERTIFICATE_MACHINE, request.user, cert,
                           lambda a: reverse("enforcement:certificate_step", args=[pk, a])),
        "events": timeline(cert), "history": history_rows(cert)})


CERTIFICATE_STEPS = {
    name: StepSpec(f.CommentForm if name == "reinstate" else f.ReasonForm, CERTIFICATE_MACHINE[name].label,
                   CERTIFICATE_MACHINE[name].label,
                   (lambda name: lambda o, u, d, v: services.certificate_step(
                       o, name, actor=u, comment=d.get("reason") or d.get("comment", ""), version=v))(name))
    for name in ("suspend", "reinstate", "revoke")
}
CERTIFICATE_STEPS["void"] = StepSpec(f.ReasonForm, pgettext_lazy("enforcement", "Void"),
                                     pgettext_lazy("enforcement", "Void"),
                                     lambda o, u, d, v: services.void_certificate(o, actor=u, reason=d["reason"],
                                                                                  version=v), "danger")


@login_required
@require_http_methods(["GET", "POST"])
def certificate_step(request, pk: int, action: str):
    cert = scoped_object_or_404(request, EnforcementCertificate, pk=pk)
    back = reverse("enforcement:certificate", args=[pk])
    return step_page(request, cert, action, CERTIFICATE_STEPS, CERTIFICATE_MACHINE, back=back)


@login_required
def conflict_list(request):
    base = scoped_list(request, ConflictDeclaration).select_related("officer", "expert", "enterprise")
    filterset = f.ConflictListFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page_obj = paginate(request, qs.order_by("-declared_on", "-id"))
    for row in page_obj:
        row.actions = buttons(CONFLICT_MACHINE, request.user, row,
                              lambda a, pk=row.pk: reverse("enforcement:conflict_step", args=[pk, a]))
    return render(request, "enforcement/conflicts.html", {
        "crumbs": crumbs((_("Enforcement officers"), reverse("enforcement:officers")), (_("Declared conflicts"), "")),
        "form": filterset.form, "page_obj": page_obj, "in_force": ConflictState.IN_FORCE,
        "can_declare": policy.can(request.user, "declare_conflict")})


@login_required
@require_http_methods(["GET", "POST"])
def conflict_create(request):
    initial = {k: request.GET.get(k) for k in ("officer", "expert", "enterprise") if request.GET.get(k)}
    form = f.ConflictForm(posted(request), user=request.user, initial=initial or None)

    def run(form):
        data = dict(form.cleaned_data)
        enterprise, officer, expert = data.pop("enterprise"), data.pop("officer"), data.pop("expert")
        return services.declare_conflict(actor=request.user, enterprise=enterprise, officer=officer, expert=expert,
                                         data=data)

    return create_page(request, form=form, title=_("Declare a conflict of interest"),
                       back=reverse("enforcement:conflicts"), allowed=policy.can(request.user, "declare_conflict"),
                       run=run, done=lambda c: reverse("enforcement:conflicts"))


CONFLICT_STEPS = {
    "end": StepSpec(f.CommentForm, CONFLICT_MACHINE["end"].label, CONFLICT_MACHINE["end"].label,
                    lambda o, u, d, v: services.end_conflict(o, actor=u, comment=d["comment"], version=v)),
    "void": StepSpec(f.ReasonForm, pgettext_lazy("enforcement", "Void"), pgettext_lazy("enforcement", "Void"),
                     lambda o, u, d, v: services.void_conflict(o, actor=u, reason=d["reason"], version=v), "danger"),
}


@login_required
@require_http_methods(["GET", "POST"])
def conflict_step(request, pk: int, action: str):
    decl = scoped_object_or_404(request, ConflictDeclaration, pk=pk)
    return step_page(request, decl, action, CONFLICT_STEPS, CONFLICT_MACHINE, back=reverse("enforcement:conflicts"))


"""Pages of the annual enforcement plans: the plans, one plan with its progress and its
enterprises (key ones first, those behind schedule marked), adding enterprises by the enterprise
list's filters, setting one enterprise's visits, and the frequency table with its sources."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from anjian.core.history import history_rows
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.workflow import available_steps

from . import forms as f
from . import selectors, services
from .choices import PLAN_MACHINE
from .models import EnforcementPlan, FrequencyUplift, PlanEntry
from .policy import policy
from .rules import behind_schedule
from .views import StepSpec, buttons, create_page, crumbs, edit_page, paginate, posted, step_page, timeline


def _plans_crumb():
    return (_("Enforcement plans"), reverse("enforcement:plans"))


@login_required
def plan_list(request):
    """执法计划: the plans of the departments in the user's jurisdiction, newest year first."""
    form = f.PlanListFilter(request.GET or None)
    qs = scoped_list(request, EnforcementPlan).select_related("department__region")
    if form.is_valid():
        if form.cleaned_data.get("year"):
            qs = qs.filter(year=form.cleaned_data["year"])
        if form.cleaned_data.get("state"):
            qs = qs.filter(state=form.cleaned_data["state"])
    page_obj = paginate(request, qs.order_by("-year", "region_path", "id"))
    for plan in page_obj:
        plan.progress = selectors.plan_progress(plan)
    return render(request, "enforcement/plans.html", {
        "crumbs": crumbs((_("Enforcement plans"), "")), "form": form, "page_obj": page_obj,
        "can_add": policy.can(request.user, "add_plan")})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = f.PlanForm(posted(request), user=request.user)

    def run(form):
        data = dict(form.cleaned_data)
        department, year = data.pop("department"), data.pop("year")
        return services.create_plan(actor=request.user, department=department, year=year, data=data)

    return create_page(request, form=form, title=_("New annual enforcement plan"), back=reverse("enforcement:plans"),
                       allowed=policy.can(request.user, "add_plan"), run=run,
                       done=lambda p: reverse("enforcement:plan", args=[p.pk]))


PRIMARY = {"approve", "add_enterprises"}


@login_required
def plan_detail(request, pk: int):
    plan = scoped_object_or_404(request, EnforcementPlan.objects.select_related("department__region", "approved_by"),
                                include_voided=True, pk=pk)
    form = f.PlanEntryFilter(request.GET or None)
    entries = scoped_list(request, PlanEntry).filter(plan=plan).select_related("enterprise")
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            entries = entries.filter(enterprise__name__icontains=data["q"].strip())
        if data.get("key") in ("true", "false"):
            entries = entries.filter(is_key=data["key"] == "true")
        if data.get("behind"):
            entries = behind_schedule(entries, today)
    page_obj = paginate(request, entries.order_by("-is_key", "-planned_visits", "enterprise__name", "id"))
    for e in page_obj:
        e.plan = plan  # one plan for the page: no query per row
        e.behind = plan.state == "approved" and plan.year == today.year and e.is_behind(today)
        e.expected = e.expected_by(today) if plan.year == today.year else e.planned_visits
    return render(request, "enforcement/plan_detail.html", {
        "crumbs": crumbs(_plans_crumb(), (plan.title, "")), "plan": plan, "form": form, "page_obj": page_obj,
        "progress": selectors.plan_progress(plan, today), "can_edit": "set_visits" in available_steps(
            PLAN_MACHINE, policy, request.user, plan),
        "buttons": buttons(PLAN_MACHINE, request.user, plan, lambda a: (
            reverse("enforcement:plan_edit", args=[pk]) if a == "update" else
            reverse("enforcement:plan_add", args=[pk]) if a == "add_enterprises" else
            reverse("enforcement:plan_step", args=[pk, a])),
            skip=("set_visits", "remove_entries"), primary=PRIMARY),
        "events": timeline(plan), "history": history_rows(plan)})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = scoped_object_or_404(request, EnforcementPlan, pk=pk)
    form = f.PlanForm(posted(request), instance=EnforcementPlan.objects.get(pk=pk), user=request.user)
    return edit_page(request, plan, form=form, title=_("Correct the plan"),
                     back=reverse("enforcement:plan", args=[pk]),
                     allowed="update" in available_steps(PLAN_MACHINE, policy, request.user, plan),
                     run=lambda form, version: services.update_plan(plan, actor=request.user,
                                                                   data=dict(form.cleaned_data), version=version))


def _add(plan, user, data, version):
    form = data.pop("_form")
    return services.add_enterprises(plan, actor=user, enterprises=form.enterprises(user), is_key=data["is_key"],
                                    version=version)


class _AddForm(f.AddEnterprisesForm):
    def clean(self):
        data = super().clean()
        data["_form"] = self
        return data


ADD_STEP = {"add_enterprises": StepSpec(_AddForm, gettext_lazy("Add enterprises"), gettext_lazy("Add"), _add)}


@login_required
@require_http_methods(["GET", "POST"])
def plan_add(request, pk: int):
    """Add the enterprises the filters pick (in the department's region and the user's jurisdiction)."""
    plan = scoped_object_or_404(request, EnforcementPlan, pk=pk)
    back = reverse("enforcement:plan", args=[pk])
    return step_page(request, plan, "add_enterprises", ADD_STEP, PLAN_MACHINE, back=back, extra={
        "notes": [_("Each enterprise's planned visits are computed from its risk grade, open major hazards, and "
                    "last year's accidents and cases (the frequency table); enterprises already in the plan or "
                    "closed are left out.")]})


PLAN_STEPS = {
    "approve": StepSpec(f.CommentForm, pgettext_lazy("plan", "Approve"), pgettext_lazy("plan", "Approve"),
                        lambda o, u, d, v: services.approve_plan(o, actor=u, comment=d["comment"], version=v)),
    "revise": StepSpec(f.ReasonForm, pgettext_lazy("plan", "Revise"), pgettext_lazy("plan", "Revise"),
                       lambda o, u, d, v: services.revise_plan(o, actor=u, reason=d["reason"], version=v)),
    "close": StepSpec(f.CommentForm, pgettext_lazy("plan", "Close"), pgettext_lazy("plan", "Close"),
                      lambda o, u, d, v: services.close_plan(o, actor=u, comment=d["comment"], version=v)),
    "refresh": StepSpec(f.ConfirmForm, gettext_lazy("Recompute frequencies"), gettext_lazy("Recompute"),
                        lambda o, u, d, v: services.refresh_plan(o, actor=u, version=v)),
    "void": StepSpec(f.ReasonForm, pgettext_lazy("enforcement", "Void"), pgettext_lazy("enforcement", "Void"),
                     lambda o, u, d, v: services.void_plan(o, actor=u, reason=d["reason"], version=v), "danger"),
}


@login_required
@require_http_methods(["GET", "POST"])
def plan_step(request, pk: int, action: str):
    plan = scoped_object_or_404(request, EnforcementPlan, pk=pk)
    back = reverse("enforcement:plan", args=[pk])
    return step_page(request, plan, action, PLAN_STEPS, PLAN_MACHINE, back=back,
                     done=reverse("enforcement:plans") if action == "void" else back)


@login_required
def plan_entry(request, pk: int):
    """One enterprise of a plan: its factors, planned and done visits, and the inspections counted."""
    entry = scoped_object_or_404(request, PlanEntry.objects.select_related("plan__department", "enterprise"),
                                 include_voided=True, pk=pk)
    today = timezone.localdate()
    return render(request, "enforcement/plan_entry.html", {
        "crumbs": crumbs(_plans_crumb(), (entry.plan.title, reverse("enforcement:plan", args=[entry.plan_id])),
                         (entry.enterprise.name, "")),
        "entry": entry, "expected": entry.expected_by(today), "behind": entry.is_behind(today),
        "inspections": selectors.entry_inspections(request.user, entry),
        "can_inspect": entry.plan.state == "approved" and policy.can(request.user, "add_inspection"),
        "can_edit": not entry.is_voided and "set_visits" in available_steps(PLAN_MACHINE, policy, request.user,
                                                                              entry.plan),
        "uplifts": dict(FrequencyUplift.objects.values_list("factor", "extra_visits"))})


def _set_visits(entry, user, data, version):
    return services.set_visits(entry, actor=user, planned_visits=data["planned_visits"], reason=data["reason"],
                               is_key=data["is_key"], version=version)


def _remove(entry, user, data, version):
    return services.remove_entries(entry.plan, actor=user, entry_ids=[entry.pk], reason=data["reason"],
                                   version=version)


ENTRY_STEPS = {
    "set_visits": StepSpec(f.SetVisitsForm, gettext_lazy("Set planned visits"), pgettext_lazy("enforcement", "Save"),
                           _set_visits, initial=lambda e: {"planned_visits": e.planned_visits, "is_key": e.is_key,
                                                           "reason": e.override_reason, "version": e.plan.version}),
    "remove_entries": StepSpec(f.ReasonForm, gettext_lazy("Remove from the plan"), gettext_lazy("Remove"), _remove,
                               "danger", initial=lambda e: {"version": e.plan.version}),
}


@login_required
@require_http_methods(["GET", "POST"])
def plan_entry_step(request, pk: int, action: str):
    entry = scoped_object_or_404(request, PlanEntry.objects.select_related("plan", "enterprise"), pk=pk)
    if action not in ENTRY_STEPS:
        raise PermissionDenied
    allowed = action in available_steps(PLAN_MACHINE, policy, request.user, entry.plan)
    back = reverse("enforcement:plan_entry", args=[pk])
    return step_page(request, entry, action, ENTRY_STEPS, None, back=back, allowed=allowed,
                     title_object=entry.enterprise.name,
                     done=reverse("enforcement:plan", args=[entry.plan_id]) if action == "remove_entries" else back)


@login_required
def frequency_table(request):
    """The frequency table: base visits by risk grade and the uplifts, each with its source."""
    from anjian.risks.models import SupervisionFrequency

    return render(request, "enforcement/frequency.html", {
        "crumbs": crumbs(_plans_crumb(), (_("Inspection frequency table"), "")),
        "base": SupervisionFrequency.objects.all(), "uplifts": FrequencyUplift.objects.all()})

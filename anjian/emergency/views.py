"""Pages of the emergency app under /emergency/: plans, drills, rescue teams, the supplies and
equipment ledger, disposal cards (with the PDF and the public page), the duty roster and the duty
log, and the regulatory numbers. Every ledger has the same pages — a list with filters, one record
with its steps, files, timeline and history, the forms — declared once per ledger (``LEDGERS``).
Reads go through the scoped helpers (``core.pages``); writes through ``emergency.services``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.events import event_label, event_state_labels
from anjian.core.history import history_rows
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, attachments_for, events_for
from anjian.core.workflow import available_steps

from . import selectors, services
from .choices import DRILL_MACHINE, LOG_MACHINE, PLAN_MACHINE, SHIFT_MACHINE, PlanState
from .documents import card_content, card_response, public_url
from .filters import (
    DisposalCardFilter,
    DrillFilter,
    DutyLogFilter,
    DutyShiftFilter,
    EmergencyPlanFilter,
    RescueTeamFilter,
    SupplyFilter,
)
from .forms import CardForm, DrillForm, LogForm, PlanForm, ShiftForm, StepForm, SupplyForm, TeamForm
from .models import (
    DisposalCard,
    Drill,
    DutyLogEntry,
    DutyShift,
    EmergencyParameter,
    EmergencyPlan,
    RescueTeam,
    Supply,
)
from .policy import policy

PAGE_SIZE = 30


def _d(value) -> str:
    return value.isoformat() if value else "—"


def _dt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _owner(obj) -> str:
    return obj.enterprise.name if obj.enterprise_id else str(_("Region: %(name)s") % {"name": obj.region.name})


@dataclass
class Ledger:
    """One ledger's pages: its model, list columns, detail fields, form, creation and steps."""

    key: str
    name: str  # the URL name of one record
    model: type[models.Model]
    title: Any
    filter_class: type
    form_class: type
    columns: list[tuple[Any, Callable[[Any], Any]]]
    fields: list[tuple[Any, Callable[[Any], Any]]]
    create: Callable[[Any, Any], Any]
    perm: str  # the model name in permissions
    select_related: tuple[str, ...] = ()
    machine: Any = None
    right: str = "manage"
    #: step → (service call(obj, user, cleaned data), the inputs it needs)
    steps: dict[str, tuple[Callable, tuple[str, ...]]] = field(default_factory=dict)
    editable: Callable[[Any], bool] = lambda obj: True
    intro: Any = ""
    regional: bool = False  # the regulators' own pages


V = "version"


def _plan_steps() -> dict:
    return {
        "publish": (lambda o, u, d: services.publish_plan(o, actor=u, approved_by_name=d["name"],
                                                          published_on=d["day"], files=d["files"], version=d[V]),
                    ("name", "day", "files")),
        "submit": (lambda o, u, d: services.submit_plan(o, actor=u, submitted_on=d["day"], files=d["files"],
                                                        version=d[V]), ("day",)),
        "accept": (lambda o, u, d: services.accept_filing(o, actor=u, filing_number=d["number"], filed_on=d["day"],
                                                          version=d[V]), ("number", "day")),
        "return": (lambda o, u, d: services.return_filing(o, actor=u, reason=d["reason"], version=d[V]), ("reason",)),
        "evaluate": (lambda o, u, d: services.evaluate_plan(o, actor=u, conclusion=d["text"], evaluated_on=d["day"],
                                                            needs_revision=d["needs_revision"], files=d["files"],
                                                            version=d[V]), ("text", "day", "needs_revision")),
        "require_revision": (lambda o, u, d: services.require_revision(o, actor=u, trigger=d["trigger"],
                                                                       reason=d["reason"], version=d[V]),
                             ("trigger", "reason")),
        "revise": (lambda o, u, d: services.revise_plan(o, actor=u, comment=d["reason"], files=d["files"],
                                                        version=d[V]), ("reason", "files")),
        "void": (lambda o, u, d: services.void_record(o, actor=u, reason=d["reason"], version=d[V]), ("reason",)),
    }


def _void():
    return {"void": (lambda o, u, d: services.void_record(o, actor=u, reason=d["reason"], version=d[V]),
                     ("reason",))}


def _create_plan(request, form):
    return services.create_plan(actor=request.user, enterprise=form.cleaned_data["enterprise"],
                                data=form.service_data(), files=form.cleaned_data.get("documents") or ())


def _create_drill(request, form):
    d = form.cleaned_data
    if d.get("held"):
        return services.record_drill(actor=request.user, enterprise=d["enterprise"], data={
            k: v for k, v in form.service_data().items() if v not in (None, "") or k == "evaluation"},
            held_on=d.get("held_on"), photos=d.get("photos") or ())
    return services.create_drill(actor=request.user, enterprise=d["enterprise"], data={
        k: v for k, v in form.service_data().items() if k != "evaluation" or v})


def _owned(create):
    def run(request, form):
        return create(actor=request.user, data=form.service_data(), enterprise=form.cleaned_data.get("enterprise"),
                      region=form.cleaned_data.get("region"))
    return run


LEDGERS: dict[str, Ledger] = {}


def _register(ledger: Ledger) -> None:
    LEDGERS[ledger.key] = ledger


_register(Ledger(
    key="plans", name="plan", model=EmergencyPlan, title=gettext_lazy("Emergency plans"),
    filter_class=EmergencyPlanFilter, form_class=PlanForm, perm="emergencyplan", machine=PLAN_MACHINE,
    select_related=("enterprise",), create=_create_plan, steps=_plan_steps(),
    editable=lambda o: o.state == PlanState.DRAFT,
    intro=gettext_lazy("Comprehensive, special and on-site plans of the enterprises: signed and published by the "
                       "principal, filed with the regulator within 20 working days, drilled, evaluated every three "
                       "years (high-risk enterprises) and revised after an accident, a drill finding or a change."),
    columns=[(pgettext_lazy("emergency plan", "Title"), lambda o: o.title),
             (pgettext_lazy("emergency", "Enterprise"), lambda o: o.enterprise.name),
             (pgettext_lazy("emergency plan", "Kind"), lambda o: o.get_kind_display()),
             (pgettext_lazy("emergency plan", "Version"), lambda o: o.revision),
             (pgettext_lazy("emergency plan", "State"), lambda o: o.get_state_display())],
    fields=[(pgettext_lazy("emergency", "Enterprise"), lambda o: o.enterprise.name),
            (pgettext_lazy("emergency plan", "Kind"), lambda o: o.get_kind_display()),
            (pgettext_lazy("emergency plan", "Version"), lambda o: o.revision),
            (pgettext_lazy("emergency plan", "Scope and main risks"), lambda o: o.scope or "—"),
            (gettext_lazy("Signed by (principal)"), lambda o: o.approved_by_name or "—"),
            (pgettext_lazy("emergency plan", "Published on"), lambda o: _d(o.published_on)),
            (gettext_lazy("Submitted for filing on"), lambda o: _d(o.submitted_on)),
            (gettext_lazy("Filing registration number"), lambda o: o.filing_number or "—"),
            (pgettext_lazy("emergency plan", "Filed on"), lambda o: _d(o.filed_on)),
            (gettext_lazy("Reasons for return"), lambda o: o.return_reason or "—"),
            (gettext_lazy("Last evaluated on"), lambda o: _d(o.evaluated_on)),
            (gettext_lazy("Evaluation conclusion"), lambda o: o.evaluation or "—"),
            (gettext_lazy("Last drilled on"), lambda o: _d(o.last_drill_on)),
            (gettext_lazy("Revision required because of"), lambda o: o.get_revision_trigger_display() or "—"),
            (gettext_lazy("Revision reason"), lambda o: o.revision_reason or "—")],
))

_register(Ledger(
    key="drills", name="drill", model=Drill, title=gettext_lazy("Drills"), filter_class=DrillFilter,
    form_class=DrillForm, perm="drill", machine=DRILL_MACHINE, select_related=("enterprise", "plan"),
    create=_create_drill, editable=lambda o: o.state == "planned",
    steps={"hold": (lambda o, u, d: services.hold_drill(o, actor=u, held_on=d["day"], participant_count=d["count"] or 0,
                                                        evaluation=d["text"], photos=d["files"], version=d[V]),
                    ("day", "count", "text", "files")),
           "add_problem": (lambda o, u, d: services.add_problem(o, actor=u, description=d["text"],
                                                                needs_revision=d["needs_revision"], version=d[V]),
                           ("text", "needs_revision")),
           "raise_hazard": (lambda o, u, d: services.raise_problem_hazard(
               _problem(o, d["problem"]), actor=u, deadline=d["day"], version=d[V]), ("problem", "day")),
           **_void()},
    intro=gettext_lazy("The yearly drill plan and the drills held: comprehensive or special plans at least once a "
                       "year, on-site plans at least every half year. A problem a drill finds can become a hazard."),
    columns=[(pgettext_lazy("drill", "Kind"), lambda o: o.get_kind_display()),
             (pgettext_lazy("emergency", "Enterprise"), lambda o: o.enterprise.name),
             (pgettext_lazy("drill", "Planned for"), lambda o: _d(o.planned_on)),
             (pgettext_lazy("drill", "Held on"), lambda o: _d(o.held_on)),
             (pgettext_lazy("drill", "State"), lambda o: o.get_state_display())],
    fields=[(pgettext_lazy("emergency", "Enterprise"), lambda o: o.enterprise.name),
            (gettext_lazy("Plan drilled"), lambda o: o.plan.title if o.plan_id else "—"),
            (pgettext_lazy("drill", "Form"), lambda o: o.get_form_display()),
            (gettext_lazy("Scenario"), lambda o: o.scenario),
            (pgettext_lazy("drill", "Planned for"), lambda o: _d(o.planned_on)),
            (pgettext_lazy("drill", "Held on"), lambda o: _d(o.held_on)),
            (gettext_lazy("Participants"), lambda o: f"{o.participants or '—'}（{o.participant_count}）"),
            (pgettext_lazy("drill", "Evaluation"), lambda o: o.evaluation or "—")],
))

_register(Ledger(
    key="teams", name="team", model=RescueTeam, title=gettext_lazy("Rescue teams"), filter_class=RescueTeamFilter,
    form_class=TeamForm, perm="rescueteam", select_related=("enterprise", "region"), create=_owned(services.create_team),
    steps=_void(), intro=gettext_lazy("Rescue teams of the enterprises and of the regions, with their 24-hour contacts."),
    columns=[(pgettext_lazy("rescue team", "Name"), lambda o: o.name), (gettext_lazy("Belongs to"), _owner),
             (pgettext_lazy("rescue team", "Kind"), lambda o: o.get_kind_display()),
             (pgettext_lazy("rescue team", "Leader"), lambda o: o.leader), (gettext_lazy("24-hour contact phone"), lambda o: o.phone)],
    fields=[(gettext_lazy("Belongs to"), _owner), (pgettext_lazy("rescue team", "Kind"), lambda o: o.get_kind_display()),
            (gettext_lazy("Specialty"), lambda o: o.specialty or "—"), (pgettext_lazy("rescue team", "Leader"), lambda o: o.leader),
            (gettext_lazy("24-hour contact phone"), lambda o: o.phone), (gettext_lazy("Members"), lambda o: o.members),
            (gettext_lazy("Base (address)"), lambda o: o.base or "—")],
))

_register(Ledger(
    key="supplies", name="supply", model=Supply, title=gettext_lazy("Emergency supplies and equipment"),
    filter_class=SupplyFilter, form_class=SupplyForm, perm="supply", select_related=("enterprise", "region"),
    create=_owned(services.create_supply), steps=_void(),
    intro=gettext_lazy("The ledger of emergency supplies and equipment: quantities against the minimum to keep, "
                       "storage places, keepers and expiry dates. Expired or short lines are warned."),
    columns=[(pgettext_lazy("supply", "Name"), lambda o: o.name), (gettext_lazy("Belongs to"), _owner),
             (pgettext_lazy("supply", "Quantity"), lambda o: f"{o.quantity} {o.unit}"),
             (gettext_lazy("Storage place"), lambda o: o.storage_place),
             (gettext_lazy("Expires on"), lambda o: _d(o.expires_on))],
    fields=[(gettext_lazy("Belongs to"), _owner), (pgettext_lazy("supply", "Category"), lambda o: o.get_category_display()),
            (gettext_lazy("Specification"), lambda o: o.specification or "—"),
            (pgettext_lazy("supply", "Quantity"), lambda o: f"{o.quantity} {o.unit}"),
            (gettext_lazy("Minimum to keep"), lambda o: o.minimum_quantity),
            (gettext_lazy("Storage place"), lambda o: o.storage_place), (gettext_lazy("Keeper"), lambda o: o.keeper or "—"),
            (pgettext_lazy("supply", "Phone"), lambda o: o.phone or "—"),
            (gettext_lazy("Expires on"), lambda o: _d(o.expires_on))],
))

_register(Ledger(
    key="cards", name="card", model=DisposalCard, title=gettext_lazy("Emergency disposal cards"),
    filter_class=DisposalCardFilter, form_class=CardForm, perm="disposalcard", select_related=("enterprise",),
    create=lambda request, form: services.create_card(actor=request.user, enterprise=form.cleaned_data["enterprise"],
                                                      data=form.service_data()),
    steps={"renew": (lambda o, u, d: services.renew_card_token(o, actor=u, version=d[V]), ()), **_void()},
    intro=gettext_lazy("On-site emergency disposal cards of posts and places, printed with a QR code to a public "
                       "page."),
    columns=[(gettext_lazy("Post or place"), lambda o: o.post),
             (pgettext_lazy("emergency", "Enterprise"), lambda o: o.enterprise.name)],
    fields=[(pgettext_lazy("emergency", "Enterprise"), lambda o: o.enterprise.name),
            (gettext_lazy("Main risks"), lambda o: o.risks), (gettext_lazy("Disposal steps"), lambda o: o.steps),
            (gettext_lazy("How to report"), lambda o: o.reporting or "—"),
            (gettext_lazy("Cautions"), lambda o: o.cautions or "—"),
            (gettext_lazy("Emergency contacts"), lambda o: o.contacts or "—")],
))

_register(Ledger(
    key="duty/shifts", name="shift", model=DutyShift, title=gettext_lazy("Duty roster"), filter_class=DutyShiftFilter,
    form_class=ShiftForm, perm="dutyshift", machine=SHIFT_MACHINE, right="duty", select_related=("region",),
    create=lambda request, form: services.schedule_shift(actor=request.user, region=form.cleaned_data["region"],
                                                         data=form.service_data()),
    steps={"start": (lambda o, u, d: services.start_shift(o, actor=u, version=d[V]), ()),
           "hand_over": (lambda o, u, d: services.hand_over(o, actor=u, note=d["text"], to=d["to"], version=d[V]),
                         ("text", "to")), **_void()},
    editable=lambda o: o.state == "scheduled", regional=True,
    intro=gettext_lazy("The 24-hour duty roster of the regulator: leader and officer on duty, the duty phone and the "
                       "handover of each shift."),
    columns=[(gettext_lazy("Starts at"), lambda o: _dt(o.starts_at)), (gettext_lazy("Ends at"), lambda o: _dt(o.ends_at)),
             (gettext_lazy("Leader on duty"), lambda o: o.leader), (gettext_lazy("Officer on duty"), lambda o: o.officer),
             (pgettext_lazy("duty shift", "State"), lambda o: o.get_state_display())],
    fields=[(pgettext_lazy("emergency", "Region"), lambda o: o.region.name),
            (gettext_lazy("Starts at"), lambda o: _dt(o.starts_at)), (gettext_lazy("Ends at"), lambda o: _dt(o.ends_at)),
            (gettext_lazy("Leader on duty"), lambda o: o.leader), (gettext_lazy("Officer on duty"), lambda o: o.officer),
            (gettext_lazy("Duty phone"), lambda o: o.phone), (gettext_lazy("Handover note"), lambda o: o.handover_note or "—"),
            (gettext_lazy("Handed over to"), lambda o: o.handed_over_to or "—")],
))


def _accident_link(o) -> str:
    return o.accident.number if o.accident_id else "—"


_register(Ledger(
    key="duty/log", name="log", model=DutyLogEntry, title=gettext_lazy("Duty log"), filter_class=DutyLogFilter,
    form_class=LogForm, perm="dutylogentry", machine=LOG_MACHINE, right="duty", select_related=("region", "accident"),
    create=lambda request, form: services.log_information(actor=request.user, region=form.cleaned_data["region"],
                                                          data=form.service_data()),
    steps={"link_accident": (lambda o, u, d: services.link_accident(o, actor=u, accident=_accident(u, d["accident"]),
                                                                    version=d[V]), ("accident",)),
           "close": (lambda o, u, d: services.close_entry(o, actor=u, handling=d["text"], version=d[V]), ("text",)),
           **_void()},
    editable=lambda o: o.state == "open", regional=True,
    intro=gettext_lazy("Information received on duty: accident reports, disasters, alarms and instructions, with what "
                       "was done; an accident report links to its accident record."),
    columns=[(gettext_lazy("Received at"), lambda o: _dt(o.received_at)),
             (pgettext_lazy("duty log", "Category"), lambda o: o.get_category_display()),
             (gettext_lazy("Reported by"), lambda o: o.reporter),
             (pgettext_lazy("duty log", "State"), lambda o: o.get_state_display())],
    fields=[(pgettext_lazy("emergency", "Region"), lambda o: o.region.name),
            (gettext_lazy("Received at"), lambda o: _dt(o.received_at)),
            (pgettext_lazy("duty log", "Category"), lambda o: o.get_category_display()),
            (gettext_lazy("Reported by"), lambda o: f"{o.reporter} {o.phone}".strip()),
            (pgettext_lazy("duty log", "Content"), lambda o: o.summary),
            (gettext_lazy("Handling"), lambda o: o.handling or "—"),
            (gettext_lazy("Accident report"), _accident_link)],
))


def _problem(drill, pk):
    problem = drill.problems.filter(pk=pk).first() if pk else None
    if problem is None:
        raise ValidationError({"problem": _("Choose a problem of this drill.")})
    return problem


def _accident(user, pk):
    found = selectors.accident_for(user, pk)
    if found is None:
        raise ValidationError({"accident": _("No such accident in your jurisdiction.")})
    return found


# --- the pages -----------------------------------------------------------------------------------------

def _crumbs(ledger: Ledger, *extra):
    return [(_("Emergency preparedness"), reverse("emergency:plans")), (ledger.title, reverse(f"emergency:{ledger.key.replace('/', '_')}")), *extra]


def _can_add(user, ledger: Ledger) -> bool:
    return user.has_perm(f"emergency.add_{ledger.perm}") and policy.can(user, ledger.right, None)


def _steps(ledger: Ledger, user, obj) -> list[dict]:
    if ledger.machine is not None:
        names = [a for a in available_steps(ledger.machine, policy, user, obj) if a in ledger.steps]
        labels = {a: ledger.machine[a].label for a in names}
    else:
        names = [a for a in ledger.steps if not obj.is_voided and policy.can(user, ledger.right, obj)]
        labels = {"void": pgettext_lazy("emergency", "Void"), "renew": _("Renew the public address")}
    if not user.has_perm(f"emergency.change_{ledger.perm}"):
        return []
    return [{"action": a, "label": labels[a], "needs": ledger.steps[a][1]} for a in names if a != "raise_hazard"]


def _timeline(obj) -> list[dict]:
    rows = []
    for event in events_for(obj)[:100]:
        from_state, to_state = event_state_labels(event)
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "emergency"),
                     "from_state": from_state, "to_state": to_state, "comment": event.comment})
    return rows


def ledger_list(request, ledger: Ledger):
    user = request.user
    qs = scoped_list(user, ledger.model).select_related(*ledger.select_related)
    filterset = ledger.filter_class(request.GET or None, queryset=qs)
    rows_qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page_obj = Paginator(rows_qs.order_by(*ledger.model._meta.ordering), PAGE_SIZE).get_page(request.GET.get("page"))
    for name in ("enterprise", "region", "plan"):
        if name in filterset.form.fields:
            filterset.form.fields[name].widget = forms.HiddenInput()
    rows = [{"pk": o.pk, "cells": [fn(o) for _label, fn in ledger.columns], "voided": o.is_voided}
            for o in page_obj.object_list]
    return render(request, "emergency/list.html", {
        "ledger": ledger, "form": filterset.form, "page_obj": page_obj, "rows": rows,
        "headers": [label for label, _fn in ledger.columns], "detail_name": f"emergency:{ledger.name}",
        "create_url": reverse(f"emergency:{ledger.name}_create") if _can_add(user, ledger) else "",
        "crumbs": _crumbs(ledger)})


def _get(request, ledger: Ledger, pk: int):
    return scoped_object_or_404(request.user, ledger.model.objects.select_related(*ledger.select_related), pk=pk)


def ledger_detail(request, ledger: Ledger, pk: int):
    user = request.user
    obj = _get(request, ledger, pk)
    context = {"ledger": ledger, "record": obj, "fields": [(label, fn(obj)) for label, fn in ledger.fields],
               "steps": _steps(ledger, user, obj), "step_form": StepForm(),
               "action_url": reverse(f"emergency:{ledger.name}_step", args=[pk]),
               "edit_url": reverse(f"emergency:{ledger.name}_edit", args=[pk])
               if not obj.is_voided and ledger.editable(obj) and user.has_perm(f"emergency.change_{ledger.perm}")
               and policy.can(user, ledger.right, obj) else "",
               "files": list(attachments_for(obj)), "events": _timeline(obj), "history": history_rows(obj),
               "crumbs": _crumbs(ledger, (str(obj), ""))}
    if isinstance(obj, EmergencyPlan):
        context["dues"] = [(label, _d(day)) for label, day in zip(
            (_("Filing due"), _("Filing check due"), _("Evaluation due"), _("Next drill due"), _("Revision due")),
            selectors.due_dates(obj).values(), strict=True) if day]
        context["drills"] = list(obj.drills.filter(is_voided=False).order_by("-planned_on")[:10])
    if isinstance(obj, Drill):
        context["problems"] = list(obj.problems.select_related("hazard").order_by("id"))
        context["can_raise"] = "raise_hazard" in available_steps(DRILL_MACHINE, policy, user, obj) and \
            user.has_perm("emergency.change_drill")
    if isinstance(obj, DisposalCard):
        context["public_url"] = public_url(request, obj)
        context["pdf_url"] = reverse("emergency:card_pdf", args=[pk])
    return render(request, "emergency/detail.html", context)


def ledger_form(request, ledger: Ledger, pk: int | None = None):
    user = request.user
    obj = _get(request, ledger, pk) if pk else None
    if obj is None:
        if not _can_add(user, ledger):
            raise PermissionDenied
    elif not (user.has_perm(f"emergency.change_{ledger.perm}") and policy.can(user, ledger.right, obj)):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("enterprise", "region", "plan") if request.GET.get(k, "").isdigit()}
    form = ledger.form_class(request.POST or None, request.FILES or None, instance=obj, user=user,
                             initial=initial)
    if obj is None:
        done = submit(request, form, lambda data: ledger.create(request, form), success=_("Saved."),
                      then=lambda rec: reverse(f"emergency:{ledger.name}", args=[rec.pk]))
    else:
        fields = [f for f in form.fields if f in form.Meta.fields]
        done = submit(request, form, lambda data: services.update_record(
            ledger.model.objects.get(pk=obj.pk), actor=user, data={k: data[k] for k in fields},
            version=obj.version), success=_("Saved."), then=reverse(f"emergency:{ledger.name}", args=[pk]))
    title = (_("New: %(what)s") if obj is None else _("Edit: %(what)s")) % {"what": ledger.model._meta.verbose_name}
    return done or form_page(request, "emergency/form.html", {
        "form": form, "title": title, "crumbs": _crumbs(ledger, (title, "")),
        "cancel": reverse(f"emergency:{ledger.name}", args=[pk]) if pk else
        reverse(f"emergency:{ledger.key.replace('/', '_')}")})


def ledger_step(request, ledger: Ledger, pk: int):
    obj = _get(request, ledger, pk)
    user = request.user
    back = reverse(f"emergency:{ledger.name}", args=[pk])
    def right(action: str) -> str:
        return ledger.machine[action].policy_action if ledger.machine and action in ledger.machine else ledger.right

    if not (user.has_perm(f"emergency.change_{ledger.perm}") and any(policy.can(user, right(a), obj)
                                                                     for a in ledger.steps)):
        raise PermissionDenied
    form = StepForm(request.POST, request.FILES, actions=[(a, a) for a in ledger.steps])
    if not form.is_valid():
        messages.error(request, "; ".join(m for errs in form.errors.values() for m in errs))
        return redirect(back)
    action = form.cleaned_data["action"]
    if not policy.can(user, right(action), obj):
        raise PermissionDenied
    try:
        ledger.steps[action][0](obj, user, form.cleaned_data)
    except ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect(back)


def _bind(view, ledger):
    def page(request, *args, **kwargs):
        return view(request, ledger, *args, **kwargs)
    page.__name__ = f"{view.__name__}_{ledger.name}"
    page.__doc__ = f"{view.__doc__ or view.__name__} of {ledger.model._meta.verbose_name_plural}"
    return page


def pages(ledger: Ledger) -> dict[str, Callable]:
    """The four views of a ledger, logged in; writes by POST only."""
    return {
        "list": login_required(require_GET(_bind(ledger_list, ledger))),
        "detail": login_required(require_GET(_bind(ledger_detail, ledger))),
        "form": login_required(require_http_methods(["GET", "POST"])(_bind(ledger_form, ledger))),
        "step": login_required(require_POST(_bind(ledger_step, ledger))),
    }


@login_required
@require_GET
def card_pdf(request, pk: int):
    return card_response(request, _get(request, LEDGERS["cards"], pk))


@require_GET
def card_public(request, token: str):
    """The public read-only page of a disposal card (no login): only the card."""
    card = get_object_or_404(DisposalCard.objects.select_related("enterprise"), card_token=token, is_voided=False)
    response = render(request, "emergency/card_public.html", {"card": card_content(card)})
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def parameters(request):
    """The regulatory numbers with their sources."""
    return render(request, "emergency/parameters.html", {
        "rows": EmergencyParameter.objects.order_by("code"),
        "crumbs": [(_("Emergency preparedness"), reverse("emergency:plans")), (_("Regulatory numbers"), "")]})

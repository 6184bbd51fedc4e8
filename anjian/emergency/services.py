"""Every change in the emergency app goes through these services and the one write path
(``core.workflow``): lock, version (409 on a stale copy), the actor's right (``policy``), the state
machine's step and guards (``choices``), the change, field history and the event, in one
transaction. Pages, the API and the demo call them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import Attachment
from anjian.core.services import ConflictError, attachments_for
from anjian.core.workflow import StateMachine, Unchanged, create, perform_step, void

from . import events
from .choices import (
    DRILL_MACHINE,
    IN_FORCE,
    LOG_MACHINE,
    MAIN_KINDS,
    PLAN_MACHINE,
    SHIFT_MACHINE,
    PlanKind,
    PlanState,
    RevisionTrigger,
)
from .models import (
    DisposalCard,
    Drill,
    DrillProblem,
    DutyLogEntry,
    DutyShift,
    EmergencyPlan,
    RescueTeam,
    Supply,
    new_card_token,
)
from .policy import policy

PLAN_FIELDS = frozenset({"kind", "title", "scope", "is_demo"})
DRILL_FIELDS = frozenset({"plan", "kind", "form", "scenario", "planned_on", "participants", "participant_count",
                          "evaluation", "is_demo"})
TEAM_FIELDS = frozenset({"name", "kind", "specialty", "leader", "phone", "members", "base", "is_demo"})
SUPPLY_FIELDS = frozenset({"category", "name", "specification", "unit", "quantity", "minimum_quantity",
                           "storage_place", "keeper", "phone", "expires_on", "is_demo"})
CARD_FIELDS = frozenset({"post", "risks", "steps", "reporting", "cautions", "contacts", "is_demo"})
SHIFT_FIELDS = frozenset({"starts_at", "ends_at", "leader", "officer", "phone", "is_demo"})
LOG_FIELDS = frozenset({"received_at", "category", "reporter", "phone", "summary", "handling", "shift", "is_demo"})

#: The right each model's plain edits and voids need.
RIGHT = {EmergencyPlan: "manage", Drill: "manage", RescueTeam: "manage", Supply: "manage", DisposalCard: "manage",
         DutyShift: "duty", DutyLogEntry: "duty"}
MACHINES = {EmergencyPlan: PLAN_MACHINE, Drill: DRILL_MACHINE, DutyShift: SHIFT_MACHINE, DutyLogEntry: LOG_MACHINE}


def machine_of(obj: models.Model) -> StateMachine | None:
    """The state machine of a record of this app (None for the ledgers without states)."""
    return MACHINES.get(type(obj))


def _check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})


def _copy_enterprise(row: models.Model, enterprise) -> None:
    row.enterprise = enterprise
    row.region_path = enterprise.region_path
    row.industry_id = enterprise.industry_id
    row.grid_id = enterprise.grid_id


def _copy_owner(row: models.Model, enterprise, region) -> None:
    """A resource of ``enterprise`` (its region), or of ``region`` when no enterprise is named."""
    if enterprise is not None:
        row.enterprise = enterprise
        row.region_id = enterprise.region_id
        row.region_path = enterprise.region_path
        row.grid_id = enterprise.grid_id
    elif region is not None:
        row.region = region
        row.region_path = region.path
    else:
        raise ValidationError({"region": _("Name the enterprise or the region it belongs to.")})


def _text(value: str | None, field: str, message: str, limit: int = 1000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value[:limit]


def _not_future(day: date | None, field: str) -> date:
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({field: _("The day cannot be in the future.")})
    return day


def _step(obj, action: str, *, actor, change=None, version: int | None = None, comment: str = "",
          data: dict | None = None, files: Iterable = (), file_kind: str = Attachment.Kind.DOCUMENT,
          right: str | None = None, outcome: bool = False):
    done = perform_step(obj, action, actor=actor, policy=policy, machine=machine_of(obj), change=change,
                        expected_version=version, comment=comment, data=data, files=files, file_kind=file_kind,
                        right=right, outcome=outcome)
    return done if done is not None else obj


def _create(obj, *, actor, files: Iterable = (), file_kind: str = Attachment.Kind.PHOTO, action: str = "created"):
    return create(obj, actor=actor, policy=policy, right=RIGHT[type(obj)], action=action, files=files,
                  file_kind=file_kind)


def update_record(obj: models.Model, *, actor, data: Mapping[str, Any], version: int | None = None) -> models.Model:
    """Edit the plain fields of a record (a plan only while it is a draft; a drill while it is
    planned, or its evaluation once held)."""
    allowed = {EmergencyPlan: PLAN_FIELDS, Drill: DRILL_FIELDS, RescueTeam: TEAM_FIELDS, Supply: SUPPLY_FIELDS,
               DisposalCard: CARD_FIELDS, DutyShift: SHIFT_FIELDS, DutyLogEntry: LOG_FIELDS}[type(obj)]
    _check_fields(data, allowed - {"is_demo"})

    def change(locked):
        if isinstance(locked, EmergencyPlan) and locked.state != PlanState.DRAFT:
            raise ValidationError({"state": _("A published plan is changed by a revision (a new version).")})
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        if not changed:
            raise Unchanged
        for k in changed:
            setattr(locked, k, data[k])
        locked.full_clean(exclude=["enterprise", "region", "industry", "grid", "card_token"])
        if isinstance(locked, Drill):
            _check_drill(locked)

    return _step(obj, events.UPDATED, actor=actor, change=change, version=version, right=RIGHT[type(obj)])


def void_record(obj: models.Model, *, actor, reason: str, version: int | None = None) -> models.Model:
    """Void a record entered in error (never deleted); the reason is the event's comment."""
    return void(obj, actor=actor, policy=policy, reason=reason, expected_version=version, right=RIGHT[type(obj)],
                machine=machine_of(obj))


# --- plans -------------------------------------------------------------------------------------------

def create_plan(*, actor, enterprise, data: dict[str, Any], files: Iterable = ()) -> EmergencyPlan:
    """Enter a plan (a draft) with its documents."""
    _check_fields(data, PLAN_FIELDS)
    plan = EmergencyPlan(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_enterprise(plan, enterprise)
    return _create(plan, actor=actor, files=files, file_kind=Attachment.Kind.DOCUMENT)


def publish_plan(plan: EmergencyPlan, *, actor, approved_by_name: str, published_on: date | None = None,
                 files: Iterable = (), version: int | None = None) -> EmergencyPlan:
    """The principal signed the plan and it is published (公布): the filing period runs from the
    day published."""
    name = _text(approved_by_name, "approved_by_name", _("Name the principal who signed the plan."), 50)
    day = _not_future(published_on, "published_on")

    def change(locked):
        if not files and not attachments_for(locked).exists():
            raise ValidationError({"files": _("Attach the plan's document before publishing it.")})
        locked.approved_by_name, locked.published_on = name, day

    return _step(plan, "publish", actor=actor, change=change, version=version, files=files,
                 data={"published_on": day.isoformat()})


def submit_plan(plan: EmergencyPlan, *, actor, submitted_on: date | None = None, files: Iterable = (),
                version: int | None = None) -> EmergencyPlan:
    """Submit the published (or returned) plan for filing with the regulator (备案)."""
    day = _not_future(submitted_on, "submitted_on")

    def change(locked):
        if day < locked.published_on:
            raise ValidationError({"submitted_on": _("A plan is submitted after it is published.")})
        locked.submitted_on = day
        locked.return_reason = ""

    return _step(plan, "submit", actor=actor, change=change, version=version, files=files)


def accept_filing(plan: EmergencyPlan, *, actor, filing_number: str, filed_on: date | None = None,
                  version: int | None = None) -> EmergencyPlan:
    """The regulator checked the materials and files the plan (备案登记, with its number)."""
    number = _text(filing_number, "filing_number", _("Give the filing registration number."), 60)
    day = _not_future(filed_on, "filed_on")

    def change(locked):
        locked.filing_number, locked.filed_on = number, day

    return _step(plan, "accept", actor=actor, change=change, version=version, data={"filing_number": number})


def return_filing(plan: EmergencyPlan, *, actor, reason: str, version: int | None = None) -> EmergencyPlan:
    """The regulator returns the filing, naming everything that is missing; the enterprise
    submits it again."""
    reason = _text(reason, "reason", _("Give the reasons for returning the filing."))

    def change(locked):
        locked.return_reason = reason

    return _step(plan, "return", actor=actor, change=change, version=version, comment=reason[:200])


def evaluate_plan(plan: EmergencyPlan, *, actor, conclusion: str, evaluated_on: date | None = None,
                  needs_revision: bool = False, files: Iterable = (), version: int | None = None) -> EmergencyPlan:
    """Record the periodic evaluation (评估) and its conclusion; a conclusion that the plan must be
    revised requires the revision from that day."""
    text = _text(conclusion, "conclusion", _("Give the evaluation's conclusion."), 2000)
    day = _not_future(evaluated_on, "evaluated_on")

    def change(locked):
        locked.evaluated_on, locked.evaluation = day, text
        if needs_revision and locked.revision_required_on is None:
            locked.revision_trigger, locked.revision_reason = RevisionTrigger.EVALUATION, text[:1000]
            locked.revision_required_on = day

    return _step(plan, "evaluate", actor=actor, change=change, version=version, files=files,
                 data={"needs_revision": bool(needs_revision)})


def _require(locked: EmergencyPlan, trigger: str, reason: str, day: date) -> None:
    if locked.revision_required_on is None:  # the earliest requirement keeps its clock
        locked.revision_required_on = day
    locked.revision_trigger, locked.revision_reason = trigger, reason[:1000]


def require_revision(plan: EmergencyPlan, *, actor, trigger: str, reason: str, day: date | None = None,
                     version: int | None = None) -> EmergencyPlan:
    """An accident, a drill finding or a change (令第2号 第三十六条) requires the plan's revision;
    the revision period runs from ``day``."""
    if trigger not in RevisionTrigger.values:
        raise ValidationError({"trigger": _("Choose why the plan must be revised.")})
    reason = _text(reason, "reason", _("Give the reason for the revision."))
    day = _not_future(day, "day")
    return _step(plan, "require_revision", actor=actor, change=lambda locked: _require(locked, trigger, reason, day),
                 version=version, comment=reason[:200], data={"trigger": trigger})


def revise_plan(plan: EmergencyPlan, *, actor, comment: str = "", files: Iterable = (),
                version: int | None = None) -> EmergencyPlan:
    """Start the plan's next version: a draft again (the revised document attached), to be
    published and filed anew; the revision requirement is met. The earlier version stays in the
    history."""
    def change(locked):
        locked.revision += 1
        for name in ("approved_by_name", "filing_number", "return_reason", "revision_reason", "revision_trigger"):
            setattr(locked, name, "")
        for name in ("published_on", "submitted_on", "filed_on", "revision_required_on"):
            setattr(locked, name, None)

    return _step(plan, "revise", actor=actor, change=change, version=version, comment=comment[:200], files=files)


# --- drills ---------------------------------------------------------------------------------------------

def _check_drill(drill: Drill) -> None:
    if drill.plan_id is not None:
        plan = drill.plan
        if plan.enterprise_id != drill.enterprise_id or plan.is_voided:
            raise ValidationError({"plan": _("Choose a plan of the same enterprise.")})
        if plan.kind != drill.kind:
            raise ValidationError({"kind": _("The drill's kind is the kind of the plan drilled.")})
    elif drill.kind == PlanKind.ONSITE:
        raise ValidationError({"plan": _("Name the on-site disposal plan drilled.")})


def create_drill(*, actor, enterprise, data: dict[str, Any]) -> Drill:
    """Plan a drill (an entry of the yearly drill plan)."""
    _check_fields(data, DRILL_FIELDS)
    drill = Drill(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_enterprise(drill, enterprise)
    _check_drill(drill)
    return _create(drill, actor=actor)


def _mark_drilled(drill: Drill, day: date) -> int:
    """The plans a held drill counts for get their last drill day: the on-site plan drilled; for
    a comprehensive or special drill, every comprehensive and special plan of the enterprise (the
    yearly minimum is one drill of either kind, 令第2号 第三十三条)."""
    plans = EmergencyPlan.objects.filter(enterprise_id=drill.enterprise_id, is_voided=False)
    plans = plans.filter(kind__in=MAIN_KINDS) if drill.kind in MAIN_KINDS else plans.filter(pk=drill.plan_id)
    plans = plans.filter(models.Q(last_drill_on__isnull=True) | models.Q(last_drill_on__lt=day))
    return plans.update(last_drill_on=day)


def hold_drill(drill: Drill, *, actor, held_on: date | None = None, participants: str = "",
               participant_count: int = 0, evaluation: str = "", photos: Iterable = (),
               version: int | None = None) -> Drill:
    """Record the drill as held: the day, who took part, the evaluation and the photos. The plans
    it drilled count it for their cadence."""
    day = _not_future(held_on, "held_on")
    text = _text(evaluation, "evaluation", _("Give the drill's evaluation."), 3000)

    def change(locked):
        locked.held_on, locked.evaluation = day, text
        locked.participants = (participants or locked.participants)[:2000]
        locked.participant_count = participant_count or locked.participant_count
        _mark_drilled(locked, day)

    return _step(drill, "hold", actor=actor, change=change, version=version, files=photos,
                 file_kind=Attachment.Kind.PHOTO, data={"held_on": day.isoformat()})


def record_drill(*, actor, enterprise, data: dict[str, Any], held_on: date | None = None,
                 photos: Iterable = ()) -> Drill:
    """Enter a drill already held, in one step (planned for the day it was held, then held)."""
    data = dict(data)
    evaluation = data.pop("evaluation", "")
    day = _not_future(held_on, "held_on")
    data.setdefault("planned_on", day)
    with transaction.atomic():
        drill = create_drill(actor=actor, enterprise=enterprise, data=data)
        return hold_drill(drill, actor=actor, held_on=day, evaluation=evaluation, photos=photos)


def add_problem(drill: Drill, *, actor, description: str, needs_revision: bool = False,
                version: int | None = None) -> DrillProblem:
    """Record a problem the drill found; one that needs the plan revised requires the drilled
    plan's revision (trigger: a drill finding)."""
    text = _text(description, "description", _("Describe the problem found."), 2000)

    def change(locked):
        problem = DrillProblem(drill=locked, description=text, needs_revision=needs_revision,
                               is_demo=locked.is_demo)
        _copy_enterprise(problem, locked.enterprise)
        problem.save()
        if needs_revision and locked.plan_id:
            plan = EmergencyPlan.objects.select_for_update().get(pk=locked.plan_id)
            if plan.state in IN_FORCE:
                require_revision(plan, actor=actor, trigger=RevisionTrigger.DRILL, reason=text,
                                 day=locked.held_on)
        return problem

    return _step(drill, "add_problem", actor=actor, change=change, version=version, comment=text[:200],
                 outcome=True).result


def raise_problem_hazard(problem: DrillProblem, *, actor, deadline: date, location: str = "",
                         version: int | None = None) -> Any:
    """"A drill problem becomes a hazard in one step": report it to the hazard ledger through
    ``hazards.services.report_hazard`` (the enterprise, the drill's day, the problem as the
    description, a management factor), then link it to the problem. A second raise is a conflict."""
    from anjian.hazards import services as hazard_services
    from anjian.hazards.choices import HazardGrade
    from anjian.standards.choices import HazardFactor

    def change(locked):
        found = DrillProblem.objects.select_for_update().get(pk=problem.pk)
        if found.drill_id != locked.pk:
            raise ValidationError({"problem": _("This problem is not part of the drill.")})
        if found.hazard_id is not None:
            raise ConflictError(_("A hazard was already raised from this problem."))
        held = datetime.combine(locked.held_on, datetime.min.time().replace(hour=12))
        found_at = min(timezone.make_aware(held), timezone.now())
        hazard = hazard_services.report_hazard(actor=actor, enterprise=locked.enterprise, data={
            "location": (location or locked.enterprise.address or locked.enterprise.name)[:200],
            "description": _("Found in the drill of %(day)s: %(problem)s") % {
                "day": locked.held_on.isoformat(), "problem": found.description},
            "category": HazardFactor.MANAGEMENT, "grade": HazardGrade.GENERAL, "found_at": found_at,
            "deadline": deadline})
        found.hazard = hazard
        found.save(update_fields=["hazard"])
        return hazard

    return _step(problem.drill, "raise_hazard", actor=actor, change=change, version=version, outcome=True,
                 data={"problem": problem.pk}).result


# --- teams, supplies, cards ---------------------------------------------------------------------------

def create_team(*, actor, data: dict[str, Any], enterprise=None, region=None) -> RescueTeam:
    """Enter a rescue team of an enterprise, or of a region."""
    _check_fields(data, TEAM_FIELDS)
    team = RescueTeam(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_owner(team, enterprise, region)
    return _create(team, actor=actor)


def create_supply(*, actor, data: dict[str, Any], enterprise=None, region=None) -> Supply:
    """Enter a line of the supplies and equipment ledger of an enterprise, or of a region."""
    _check_fields(data, SUPPLY_FIELDS)
    supply = Supply(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_owner(supply, enterprise, region)
    return _create(supply, actor=actor)


def create_card(*, actor, enterprise, data: dict[str, Any]) -> DisposalCard:
    """Enter the emergency disposal card of a post or place."""
    _check_fields(data, CARD_FIELDS)
    card = DisposalCard(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_enterprise(card, enterprise)
    return _create(card, actor=actor)


def renew_card_token(card: DisposalCard, *, actor, version: int | None = None) -> DisposalCard:
    """Give the card a new public address: the printed QR codes stop working (a leaked card)."""
    def change(locked):
        locked.card_token = new_card_token()

    return _step(card, events.CARD_TOKEN_RENEWED, actor=actor, change=change, version=version, right="manage")


# --- duty -----------------------------------------------------------------------------------------------

def schedule_shift(*, actor, region, data: dict[str, Any]) -> DutyShift:
    """Put a shift on the duty roster of ``region``."""
    _check_fields(data, SHIFT_FIELDS)
    shift = DutyShift(**data, region=region, region_path=region.path,
                      created_by=actor if getattr(actor, "pk", None) else None)
    if shift.starts_at and shift.ends_at and shift.ends_at <= shift.starts_at:
        raise ValidationError({"ends_at": _("A shift ends after it starts.")})
    if shift.starts_at and shift.ends_at and shift.ends_at - shift.starts_at > timedelta(hours=48):
        raise ValidationError({"ends_at": _("A shift lasts at most 48 hours.")})
    return _create(shift, actor=actor)


def start_shift(shift: DutyShift, *, actor, version: int | None = None) -> DutyShift:
    """The officer takes over the duty."""
    return _step(shift, "start", actor=actor, version=version)


def hand_over(shift: DutyShift, *, actor, note: str, to: str, version: int | None = None) -> DutyShift:
    """Hand the duty over to the next officer, with a note of what is pending."""
    note = _text(note, "note", _("Write what is handed over (pending matters)."), 2000)
    to = _text(to, "to", _("Name who takes over."), 50)

    def change(locked):
        locked.handover_note, locked.handed_over_to = note, to

    return _step(shift, "hand_over", actor=actor, change=change, version=version, comment=note[:200])


def log_information(*, actor, region, data: dict[str, Any]) -> DutyLogEntry:
    """Enter information received on duty in the duty log of ``region``."""
    _check_fields(data, LOG_FIELDS)
    entry = DutyLogEntry(**data, region=region, region_path=region.path,
                         created_by=actor if getattr(actor, "pk", None) else None)
    if entry.received_at and entry.received_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    if entry.shift_id and entry.shift.region_path != region.path:
        raise ValidationError({"shift": _("Choose a shift of the same region.")})
    return _create(entry, actor=actor)


def link_accident(entry: DutyLogEntry, *, actor, accident, version: int | None = None) -> DutyLogEntry:
    """Link the accident report the entry led to (the accident must lie in the entry's region)."""
    from anjian.accidents.models import Accident

    if not Accident.objects.for_user(actor).filter(pk=accident.pk).exists():
        raise ValidationError({"accident": _("This accident is outside your jurisdiction.")})
    if not accident.region_path.startswith(entry.region_path):
        raise ValidationError({"accident": _("The accident lies outside the entry's region.")})

    def change(locked):
        locked.accident = accident

    return _step(entry, "link_accident", actor=actor, change=change, version=version,
                 data={"accident": accident.pk})


def close_entry(entry: DutyLogEntry, *, actor, handling: str, version: int | None = None) -> DutyLogEntry:
    """Close the entry with what was done."""
    text = _text(handling, "handling", _("Write how it was handled."), 3000)

    def change(locked):
        locked.handling = text

    return _step(entry, "close", actor=actor, change=change, version=version)


__all__ = [
    "create_plan", "publish_plan", "submit_plan", "accept_filing", "return_filing", "evaluate_plan",
    "require_revision", "revise_plan", "create_drill", "hold_drill", "record_drill", "add_problem",
    "raise_problem_hazard", "create_team", "create_supply", "create_card", "renew_card_token", "schedule_shift",
    "start_shift", "hand_over", "log_information", "link_accident", "close_entry", "update_record", "void_record",
    "machine_of",
]

"""Every change to inspections goes through here: duties, the scheduled tasks (the daily job),
inspection records and their item results, and "a found item becomes a hazard in one step".

Each function is atomic, checks the actor's right (role + jurisdiction) and writes an event
row. Rights:

- self-inspections: the enterprise's own users, for their enterprise;
- government inspections: regulator and industry-department officers, in their jurisdiction;
- grid patrols: grid officers, in their grid; expert inspections: experts, in their scope;
- duties: the enterprise's own users, and regulator/industry officers in their jurisdiction;
- system administrators: everything.

Until the role groups carry this app's model permissions (see ``permissions.py``), the
services are the guard: they check role and scope, never model permissions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anjian.core.models import Attachment, Event
from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.services import ConflictError, attach_files, attachments_for, record_event, void_record
from anjian.enterprises.choices import OperatingStatus
from anjian.enterprises.models import Enterprise
from anjian.hazards.choices import HazardGrade
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.standards.choices import HazardFactor
from anjian.standards.models import CheckItem, Checklist

from .choices import SOURCE_BY_KIND, InspectionKind, ItemResult, RecordState, TaskState
from .models import InspectionCadence, InspectionDuty, InspectionItemResult, InspectionRecord, InspectionTask

# Which roles do which kind of inspection (self-inspections: the enterprise's own users).
KIND_ROLES: dict[str, frozenset[str]] = {
    InspectionKind.GOVERNMENT: frozenset({Role.REGULATOR, Role.INDUSTRY_OFFICER}),
    InspectionKind.GRID: frozenset({Role.GRID_OFFICER}),
    InspectionKind.EXPERT: frozenset({Role.EXPERT}),
}
# Besides the enterprise itself, who may set up an enterprise's self-inspection duties.
DUTY_ROLES = frozenset({Role.REGULATOR, Role.INDUSTRY_OFFICER})

# A hazard raised from an item is due this many days after it was raised unless a deadline
# is given (the page pre-fills it, the API may send another).
DEFAULT_RECTIFICATION_DAYS = 30
# Rows written per INSERT by the scheduling job.
SCHEDULE_BATCH = 2000

DUTY_FIELDS = frozenset({"name", "cadence", "checklist", "responsible_name", "responsible_user", "active_from",
                         "active_to", "is_demo"})
DUTY_EDITABLE = DUTY_FIELDS - {"is_demo"}
RECORD_FIELDS = frozenset({"location", "inspected_at", "inspector_names", "summary", "is_demo"})
RECORD_EDITABLE = RECORD_FIELDS - {"is_demo"}
HAZARD_OVERRIDES = frozenset({"location", "description", "category", "grade", "criterion", "deadline",
                              "finder_name",
                              # a major grade by the general definition (hazards issue #10)
                              "definition_condition", "definition_justification"})


# --- rights ------------------------------------------------------------------------------

def _is_admin(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_system_admin", False))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def in_scope(actor, enterprise: Enterprise) -> bool:
    """Whether ``enterprise`` is in the actor's jurisdiction (and not voided)."""
    return Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists()


def is_own_enterprise(actor, enterprise: Enterprise) -> bool:
    scope = scope_of(actor)
    return scope.kind == ENTERPRISE and scope.enterprise_id == enterprise.pk


def allowed_kinds(actor) -> list[str]:
    """The kinds of inspection ``actor`` may record (drives the choices on the page)."""
    if _is_admin(actor):
        return list(InspectionKind.values)
    role = getattr(actor, "role", None)
    if role == Role.ENTERPRISE:
        return [InspectionKind.SELF]
    return [kind for kind, roles in KIND_ROLES.items() if role in roles]


def can_inspect(actor, enterprise: Enterprise, kind: str) -> bool:
    """Whether ``actor`` may record an inspection of ``kind`` at ``enterprise``."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if _is_admin(actor):
        return True
    if kind == InspectionKind.SELF:
        return is_own_enterprise(actor, enterprise)
    return getattr(actor, "role", None) in KIND_ROLES.get(kind, ()) and in_scope(actor, enterprise)


def can_edit_record(actor, record: InspectionRecord) -> bool:
    """Whoever may record this kind of inspection at this enterprise may fill in, submit,
    raise hazards from and void the record (a team fills one record in together)."""
    return not record.is_voided and can_inspect(actor, record.enterprise, record.kind)


def can_manage_duties(actor, enterprise: Enterprise) -> bool:
    """The enterprise's own users and the regulator/industry officers over it."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if _is_admin(actor):
        return True
    if is_own_enterprise(actor, enterprise):
        return True
    return getattr(actor, "role", None) in DUTY_ROLES and in_scope(actor, enterprise)


def _copy_enterprise_keys(row, enterprise: Enterprise) -> None:
    row.region_path = enterprise.region_path
    row.industry_id = enterprise.industry_id
    row.grid_id = enterprise.grid_id


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _display_name(user) -> str:
    return (getattr(user, "name", "") or user.get_username())[:50] if user is not None else ""


# --- duties ------------------------------------------------------------------------------

def _check_checklist_owner(checklist: Checklist | None, enterprise_id: int) -> None:
    """A checklist is the library's (no enterprise) or the enterprise's own: another
    enterprise's own checklist cannot be used (nor even confirmed to exist)."""
    if checklist is not None and checklist.enterprise_id is not None and checklist.enterprise_id != enterprise_id:
        raise ValidationError({"checklist": _("This checklist belongs to another enterprise.")})


def _check_duty(duty: InspectionDuty) -> None:
    if duty.cadence_id is None:
        raise ValidationError({"cadence": _("Choose how often the inspection recurs.")})
    if not duty.cadence.is_active:
        raise ValidationError({"cadence": _("This cadence is no longer in use.")})
    if duty.checklist_id is not None and not duty.checklist.is_active:
        raise ValidationError({"checklist": _("This checklist is no longer in use.")})
    _check_checklist_owner(duty.checklist, duty.enterprise_id)
    user = duty.responsible_user
    if user is not None and not (user.role == Role.ENTERPRISE and user.scope_enterprise_id == duty.enterprise_id
                                 and user.is_active):
        raise ValidationError({"responsible_user": _("The responsible person must be a user of this enterprise.")})
    if user is not None and not duty.responsible_name.strip():
        duty.responsible_name = _display_name(user)
    if duty.active_to is not None and duty.active_from and duty.active_to < duty.active_from:
        raise ValidationError({"active_to": _("The end date cannot be before the start date.")})


@transaction.atomic
def create_duty(*, actor, enterprise: Enterprise, data: Mapping[str, Any]) -> InspectionDuty:
    """Give ``enterprise`` a self-inspection duty (e.g. 车间周查 with a checklist). The task of the
    current period is created with it when the duty is in force today; the daily job makes
    the later ones."""
    _require(can_manage_duties(actor, enterprise), _("You may not set up inspection duties for this enterprise."))
    unknown = set(data) - DUTY_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    if enterprise.status == OperatingStatus.CLOSED:
        raise ValidationError({"enterprise": _("A closed enterprise has no inspection duties.")})
    duty = InspectionDuty(enterprise=enterprise, created_by=_user_or_none(actor), **data)
    if not (duty.name or "").strip() and duty.cadence_id:
        duty.name = duty.cadence.name
    duty.name = (duty.name or "").strip()
    duty.responsible_name = (duty.responsible_name or "").strip()
    _copy_enterprise_keys(duty, enterprise)
    _check_duty(duty)
    duty.full_clean()
    duty._history_user = actor
    duty.save()
    record_event(duty, "created", actor=actor, data={"cadence": duty.cadence.code, "enterprise": enterprise.pk})
    # The current period's task at once, so the enterprise sees it today rather than after
    # tonight's job (which would create the same task; the job skips it).
    schedule_duty(duty)
    return duty


@transaction.atomic
def update_duty(duty: InspectionDuty, *, actor, data: Mapping[str, Any]) -> InspectionDuty:
    """Change a duty's name, checklist, responsible person or dates. The cadence and the start
    date are fixed once tasks were scheduled (past periods must keep their meaning): end the
    duty and create another instead."""
    duty = InspectionDuty.objects.select_for_update(of=("self",)).select_related("cadence", "enterprise").get(pk=duty.pk)
    _require(can_manage_duties(actor, duty.enterprise), _("You may not change this duty."))
    if duty.is_voided:
        raise ValidationError({"is_voided": _("This duty is voided.")})
    changed = []
    for name, value in data.items():
        if name not in DUTY_EDITABLE:
            raise ValidationError({name: _("This field cannot be changed here.")})
        field = InspectionDuty._meta.get_field(name)
        if getattr(duty, field.attname) != (value.pk if hasattr(value, "pk") else value):
            changed.append(name)
        setattr(duty, name, value)
    if not changed:
        return duty
    if {"cadence", "active_from"} & set(changed) and duty.tasks.exists():
        raise ValidationError({next(n for n in ("cadence", "active_from") if n in changed):
                               _("Tasks were already scheduled for this duty: end it and create a new one.")})
    duty.name = (duty.name or "").strip() or duty.cadence.name
    _check_duty(duty)
    duty.full_clean()
    duty._history_user = actor
    duty.save()
    record_event(duty, "updated", actor=actor, data={"fields": sorted(changed)})
    return duty


@transaction.atomic
def void_duty(duty: InspectionDuty, *, actor, reason: str) -> InspectionDuty:
    """Void a duty entered in error (never delete it); its open tasks are cancelled, done and
    missed ones stay as they were."""
    _require(can_manage_duties(actor, duty.enterprise), _("You may not void this duty."))
    duty = void_record(duty, actor=actor, reason=reason)
    cancelled = InspectionTask.objects.filter(duty=duty, state=TaskState.OPEN).update(state=TaskState.CANCELLED)
    if cancelled:
        record_event(duty, "tasks_cancelled", actor=actor, data={"tasks": cancelled})
    return duty


# --- the schedule (daily job) ------------------------------------------------------------

def active_duties(cadence: InspectionCadence, today: date):
    """Duties of ``cadence`` that are in force on ``today`` at an operating enterprise.
    Suspended and closed enterprises produce nothing, so they get no tasks."""
    return (InspectionDuty.objects.filter(cadence=cadence, is_voided=False, active_from__lte=today)
            .filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
            .filter(enterprise__is_voided=False, enterprise__status=OperatingStatus.OPERATING))


def schedule_tasks(today: date | None = None) -> int:
    """Create the task of the current period for every active duty; returns how many were created.

    Idempotent: a duty that already has its task for the period is skipped (and the unique
    constraint on duty + period start settles a race with a second run). Works cadence by
    cadence, each in its own transaction with one ``tasks_scheduled`` event on the cadence —
    an event per task would double the writes of a province-wide run for no reader; a run
    cut short is simply completed by the next one. Duties are read in keyset pages of
    ``SCHEDULE_BATCH``, so memory stays flat at any scale."""
    today = today or timezone.localdate()
    total = 0
    for cadence in InspectionCadence.objects.filter(is_active=True).order_by("sort", "pk"):
        total += _schedule_cadence(cadence, today)
    return total


@transaction.atomic
def _schedule_cadence(cadence: InspectionCadence, today: date) -> int:
    start, due = cadence.period_of(today)
    has_task = InspectionTask.objects.filter(duty=OuterRef("pk"), period_start=start)
    pending = (active_duties(cadence, today).filter(~Exists(has_task)).order_by("pk")
               .values_list("pk", "enterprise_id", "region_path", "industry_id", "grid_id", "is_demo"))
    now = timezone.now()
    created, last = 0, 0
    while True:
        rows = list(pending.filter(pk__gt=last)[:SCHEDULE_BATCH])
        if not rows:
            break
        InspectionTask.objects.bulk_create(
            [InspectionTask(duty_id=pk, cadence=cadence, enterprise_id=ent, region_path=path, industry_id=ind,
                            grid_id=grid, period_start=start, due_date=due, is_demo=demo, created_at=now)
             for pk, ent, path, ind, grid, demo in rows],
            ignore_conflicts=True,
        )
        created += len(rows)
        last = rows[-1][0]
    if created:
        record_event(cadence, "tasks_scheduled", data={"date": today.isoformat(), "period_start": start.isoformat(),
                                                       "due_date": due.isoformat(), "tasks": created})
    return created


@transaction.atomic
def schedule_duty(duty: InspectionDuty, today: date | None = None) -> InspectionTask | None:
    """Create the current period's task of one duty if it is active today and has none yet
    (the task and its event together: atomic also when called on its own)."""
    today = today or timezone.localdate()
    if not active_duties(duty.cadence, today).filter(pk=duty.pk).exists():
        return None
    start, due = duty.cadence.period_of(today)
    task, created = InspectionTask.objects.get_or_create(
        duty=duty, period_start=start,
        defaults={"cadence": duty.cadence, "enterprise_id": duty.enterprise_id, "region_path": duty.region_path,
                  "industry_id": duty.industry_id, "grid_id": duty.grid_id, "due_date": due,
                  "is_demo": duty.is_demo})
    if created:
        record_event(duty, "task_scheduled", data={"task": task.pk, "period_start": start.isoformat(),
                                                   "due_date": due.isoformat()})
    return task


def mark_missed_tasks(today: date | None = None) -> int:
    """Open tasks whose due date is before ``today`` become missed; returns how many.

    One set-based UPDATE per cadence (on the state + due date index), each with a
    ``tasks_missed`` event on the cadence. The warning about a missed self-inspection reads
    ``selectors.missed_tasks_qs()``."""
    today = today or timezone.localdate()
    total = 0
    for cadence in InspectionCadence.objects.order_by("sort", "pk"):
        with transaction.atomic():
            count = (InspectionTask.objects.filter(state=TaskState.OPEN, due_date__lt=today, cadence=cadence)
                     .update(state=TaskState.MISSED))
            if count:
                record_event(cadence, "tasks_missed", data={"date": today.isoformat(), "tasks": count})
        total += count
    return total


def run_schedule(today: date | None = None) -> dict[str, int]:
    """The daily job: close the past periods (missed), then open the current ones."""
    today = today or timezone.localdate()
    missed = mark_missed_tasks(today)
    scheduled = schedule_tasks(today)
    return {"missed": missed, "scheduled": scheduled}


# --- records -----------------------------------------------------------------------------

def _lock_record(record: InspectionRecord, *, draft: bool = True) -> InspectionRecord:
    """Re-read the record under a row lock; refuse a voided one and, with ``draft``, a submitted one."""
    locked = (InspectionRecord.objects.select_for_update(of=("self",)).select_related("enterprise", "task")
              .get(pk=record.pk))
    if locked.is_voided:
        raise ValidationError({"is_voided": _("This inspection record is voided.")})
    if draft and locked.state != RecordState.DRAFT:
        raise ConflictError(_("This inspection record has already been submitted."), current_state=locked.state)
    return locked


def _check_time(inspected_at) -> None:
    if inspected_at is not None and inspected_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"inspected_at": _("The inspection time cannot be in the future.")})


@transaction.atomic
def start_record(*, actor, enterprise: Enterprise | None = None, kind: str = InspectionKind.SELF,
                 task: InspectionTask | None = None, checklist: Checklist | None = None,
                 data: Mapping[str, Any] | None = None) -> InspectionRecord:
    """Start an inspection record (a draft). For a task, the enterprise and the checklist come
    from the task's duty and the kind is a self-inspection. With a checklist, one result row is
    created per active check item, in the checklist's order, copying the item's text."""
    data = dict(data or {})
    unknown = set(data) - RECORD_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": _("Unknown kind of inspection.")})
    if task is not None:
        task = (InspectionTask.objects.select_for_update(of=("self",)).select_related("duty__checklist", "enterprise")
                .get(pk=task.pk))
        if enterprise is not None and enterprise.pk != task.enterprise_id:
            raise ValidationError({"task": _("This task belongs to another enterprise.")})
        enterprise = task.enterprise
        if kind != InspectionKind.SELF:
            raise ValidationError({"kind": _("A scheduled task is fulfilled by a self-inspection.")})
        if task.state != TaskState.OPEN:
            raise ValidationError({"task": _("This task is no longer open.")})
        if task.records.filter(is_voided=False, state=RecordState.DRAFT).exists():
            raise ValidationError({"task": _("A record for this task is already being filled in.")})
        checklist = checklist or task.duty.checklist
    if enterprise is None:
        raise ValidationError({"enterprise": _("Choose the enterprise inspected.")})
    _require(can_inspect(actor, enterprise, kind), _("You may not record this kind of inspection here."))
    if checklist is not None and not checklist.is_active:
        raise ValidationError({"checklist": _("This checklist is no longer in use.")})
    _check_checklist_owner(checklist, enterprise.pk)
    record = InspectionRecord(enterprise=enterprise, kind=kind, task=task, checklist=checklist,
                              inspector=_user_or_none(actor), created_by=_user_or_none(actor), **data)
    if not record.inspector_names.strip() and record.inspector is not None:
        record.inspector_names = _display_name(actor)
    _check_time(record.inspected_at)
    _copy_enterprise_keys(record, enterprise)
    record.full_clean()
    record.save()
    count = 0
    if checklist is not None:
        items = CheckItem.objects.filter(checklist=checklist, is_active=True).order_by("sort", "id")
        rows = [InspectionItemResult(record=record, check_item=item, item_no=item.item_no, content=item.content,
                                     sort=(i + 1) * 10) for i, item in enumerate(items)]
        InspectionItemResult.objects.bulk_create(rows)
        count = len(rows)
    record_event(record, "started", actor=actor, to_state=RecordState.DRAFT,
                 data={"kind": kind, "task": task.pk if task else None,
                       "checklist": checklist.pk if checklist else None, "items": count})
    return record


@transaction.atomic
def update_record(record: InspectionRecord, *, actor, data: Mapping[str, Any]) -> InspectionRecord:
    """Correct the draft's header: location, time, inspectors, summary."""
    record = _lock_record(record)
    _require(can_edit_record(actor, record), _("You may not change this inspection record."))
    changed = []
    for name, value in data.items():
        if name not in RECORD_EDITABLE:
            raise ValidationError({name: _("This field cannot be changed here.")})
        if getattr(record, name) != value:
            changed.append(name)
            setattr(record, name, value)
    if not changed:
        return record
    _check_time(record.inspected_at)
    record.full_clean()
    record.save()
    record_event(record, "updated", actor=actor, data={"fields": sorted(changed)})
    return record


@transaction.atomic
def add_item(record: InspectionRecord, *, actor, content: str, item_no: str = "") -> InspectionItemResult:
    """Add a check item by hand (an inspection without a checklist, or something the checklist
    does not cover)."""
    record = _lock_record(record)
    _require(can_edit_record(actor, record), _("You may not change this inspection record."))
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("Describe what was checked.")})
    last = record.items.aggregate(m=Max("sort"))["m"] or 0
    item = InspectionItemResult.objects.create(record=record, content=content, item_no=(item_no or "").strip()[:20],
                                               sort=last + 10)
    record_event(record, "item_added", actor=actor, data={"item": item.pk})
    return item


@transaction.atomic
def record_results(record: InspectionRecord, *, actor, results: Iterable[Mapping[str, Any]]
                   ) -> list[InspectionItemResult]:
    """Set the results of some items of a draft: each entry names ``item`` (a result row or its
    id), ``result`` (pass / hazard_found / not_applicable, or empty to leave it unset),
    optionally ``note`` and ``photos`` (uploaded files, attached to the item).

    An item whose hazard was already raised stays "hazard found"."""
    record = _lock_record(record)
    _require(can_edit_record(actor, record), _("You may not change this inspection record."))
    entries = list(results)
    ids: list[int] = []
    for entry in entries:
        key = getattr(entry.get("item"), "pk", entry.get("item"))
        try:
            ids.append(int(key))
        except (TypeError, ValueError):
            raise ValidationError({"results": _("Each result must name its item.")}) from None
    items = {item.pk: item for item in record.items.filter(pk__in=ids)}
    now = timezone.now()
    changed: list[InspectionItemResult] = []
    uploads: list[tuple[InspectionItemResult, list]] = []
    for entry, pk in zip(entries, ids, strict=True):
        item = items.get(pk)
        if item is None:
            raise ValidationError({"results": _("Item %(id)s is not part of this record.") % {"id": pk}})
        value = entry.get("result", item.result) or ""
        if value and value not in ItemResult.values:
            raise ValidationError({"result": _("Unknown result “%(value)s”.") % {"value": value}})
        if item.hazard_id and value != ItemResult.HAZARD_FOUND:
            raise ValidationError({"result": _("A hazard was already raised from item “%(item)s”; its result "
                                               "stays “hazard found”.") % {"item": item.content[:40]}})
        note = entry.get("note", item.note)
        note = (note or "").strip()
        if (value, note) != (item.result, item.note):
            item.result, item.note = value, note
            item.checked_at = now if value else None
            if item not in changed:
                changed.append(item)
        if entry.get("photos"):
            uploads.append((item, list(entry["photos"])))
    if changed:
        InspectionItemResult.objects.bulk_update(changed, ["result", "note", "checked_at"])
    if changed or uploads:
        event = record_event(record, "results_recorded", actor=actor,
                             data={"items": [i.pk for i in changed], "photos": [i.pk for i, _f in uploads]})
        for item, files in uploads:
            attach_files(item, files, actor=actor, kind=Attachment.Kind.PHOTO, event=event)
        InspectionRecord.objects.filter(pk=record.pk).update(updated_at=now)
    return changed


def set_item_result(item: InspectionItemResult, *, actor, result: str, note: str | None = None,
                    photos: Iterable = ()) -> InspectionItemResult:
    """Set the result of one item (see ``record_results``)."""
    entry: dict[str, Any] = {"item": item.pk, "result": result, "photos": list(photos)}
    if note is not None:
        entry["note"] = note
    record_results(item.record, actor=actor, results=[entry])
    item.refresh_from_db()
    return item


@transaction.atomic
def attach_item_photos(item: InspectionItemResult, *, actor, photos: Iterable) -> list[Attachment]:
    """Add photos to an item of a draft record."""
    record = _lock_record(item.record)
    _require(can_edit_record(actor, record), _("You may not change this inspection record."))
    files = list(photos)
    if not files:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    event = record_event(record, "photos_added", actor=actor, data={"item": item.pk, "photos": len(files)})
    return attach_files(item, files, actor=actor, kind=Attachment.Kind.PHOTO, event=event)


def hazard_defaults(item: InspectionItemResult, record: InspectionRecord, today: date | None = None
                    ) -> dict[str, Any]:
    """What a hazard raised from ``item`` says unless told otherwise: the record's place and
    time, the item's text and note, the check item's factor class, and — when failing the
    check item is itself a major hazard — grade major with its criterion."""
    today = today or timezone.localdate()
    check_item = item.check_item
    description = item.content
    if item.note:
        description = _("%(content)s — found: %(note)s") % {"content": item.content, "note": item.note}
    values: dict[str, Any] = {
        "location": (record.location or record.enterprise.address or record.enterprise.name)[:200],
        "description": description,
        "category": check_item.hazard_factor if check_item else HazardFactor.MANAGEMENT,
        "check_item": check_item,
        "grade": HazardGrade.GENERAL,
        "criterion": None,
        "found_at": record.inspected_at,
        "deadline": today + timedelta(days=DEFAULT_RECTIFICATION_DAYS),
        "finder": record.inspector,
        "finder_name": (record.inspector_names or _display_name(record.inspector))[:50],
    }
    if check_item is not None and check_item.is_major_criterion and _criterion_applies(check_item, record):
        values["grade"] = HazardGrade.MAJOR
        values["criterion"] = check_item.criterion
    return values


def _criterion_applies(check_item, record: InspectionRecord) -> bool:
    """Whether the check item's criterion applies to the record's enterprise on the day inspected
    (hazards issue #10): a sector checklist holds its sub-sectors' items (工贸: 冶金, 建材, …), and
    failing another sub-sector's item is no major hazard by that criterion, so it is raised as a
    general hazard (the inspector can still grade it major)."""
    from anjian.standards.selectors import criteria_for_industries

    if check_item.criterion_id is None:
        return True  # no criterion named: the hazards service asks for one, as before
    code = record.enterprise.industry.code
    day = timezone.localdate(record.inspected_at)
    return criteria_for_industries([code], on=day).filter(pk=check_item.criterion_id).exists()


@transaction.atomic
def raise_hazard_from_item(result: InspectionItemResult, *, actor, data: Mapping[str, Any] | None = None,
                           photos: Iterable = ()) -> Hazard:
    """"A found item becomes a hazard in one step": report it to the hazard ledger (through
    ``hazards.services.report_hazard``) with the record's enterprise and place, the item's
    text, factor class, grade and criterion, the source that matches the record's kind, and
    the item's photos (plus any ``photos`` uploaded now); then link the hazard to the item.

    ``data`` may override the location, description, category, grade, criterion, deadline and
    finder's name, or grade the hazard major by the general definition (condition and
    justification). The criterion must apply to the enterprise's industry (hazards.services). Works on drafts and on submitted records (a found item may be raised after
    the record was submitted); a second raise of the same item is a conflict."""
    from anjian.hazards import services as hazard_services

    record = _lock_record(result.record, draft=False)
    item = InspectionItemResult.objects.select_for_update(of=("self",)).select_related("check_item").get(pk=result.pk)
    _require(can_edit_record(actor, record), _("You may not raise hazards from this inspection record."))
    if item.record_id != record.pk:
        raise ValidationError({"item": _("This item is not part of the record.")})
    if item.hazard_id is not None:
        raise ConflictError(_("A hazard was already raised from this item."))
    if item.result != ItemResult.HAZARD_FOUND:
        raise ValidationError({"result": _("Only an item where a hazard was found can be raised as a hazard.")})
    overrides = dict(data or {})
    unknown = set(overrides) - HAZARD_OVERRIDES
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    values = hazard_defaults(item, record)
    values.update({k: v for k, v in overrides.items() if v not in (None, "")})
    if overrides.get("grade") == HazardGrade.GENERAL:
        values["criterion"] = None  # an explicit "general" drops the check item's criterion
    if overrides.get("definition_condition") and not overrides.get("criterion"):
        values["criterion"] = None  # the general definition instead of the check item's criterion
    if values.get("criterion") is None:
        values.pop("criterion")
    if values.get("finder") is None:
        values.pop("finder")
    new_photos = list(photos)
    hazard = hazard_services.report_hazard(actor=actor, enterprise=record.enterprise, data=values,
                                           photos=new_photos, source=SOURCE_BY_KIND[record.kind])
    shared = _share_photos(item, hazard, actor)
    item.hazard = hazard
    item.save(update_fields=["hazard"])
    record_event(record, "hazard_raised", actor=actor,
                 data={"item": item.pk, "hazard": hazard.pk, "number": hazard.number, "grade": hazard.grade,
                       "photos": shared + len(new_photos)})
    return hazard


def _share_photos(item: InspectionItemResult, hazard: Hazard, actor) -> int:
    """The item's photos become the hazard's too, tied to the hazard's "reported" event. The
    stored files are shared, not copied: attachments are never deleted, so sharing is safe."""
    photos = list(attachments_for(item).filter(kind=Attachment.Kind.PHOTO))
    if not photos:
        return 0
    ct = ContentType.objects.get_for_model(Hazard)
    event = (Event.objects.filter(content_type=ct, object_id=str(hazard.pk), action="reported")
             .order_by("-id").first())
    Attachment.objects.bulk_create([
        Attachment(content_type=ct, object_id=str(hazard.pk), event=event, kind=Attachment.Kind.PHOTO,
                   file=photo.file.name, name=photo.name, size=photo.size,
                   uploaded_by_id=photo.uploaded_by_id or getattr(_user_or_none(actor), "pk", None))
        for photo in photos
    ])
    return len(photos)


@transaction.atomic
def submit_record(record: InspectionRecord, *, actor) -> InspectionRecord:
    """Submit a draft: every item must have a result (a record without items needs a summary).
    A record for a task completes it — also when the job marked the task missed meanwhile, as
    long as the inspection itself took place by the task's due date."""
    record = _lock_record(record)
    _require(can_edit_record(actor, record), _("You may not submit this inspection record."))
    items = record.items.all()
    unset = items.filter(result="").count()
    if unset:
        raise ValidationError({"items": ngettext("%(count)d item has no result yet.",
                                                 "%(count)d items have no result yet.", unset) % {"count": unset}})
    if not items.exists() and not record.summary.strip():
        raise ValidationError({"summary": _("Add the items checked, or summarise the inspection.")})
    record.state = RecordState.SUBMITTED
    record.submitted_at = timezone.now()
    record.save(update_fields=["state", "submitted_at", "updated_at"])
    task_done = False
    if record.task_id:
        task = InspectionTask.objects.select_for_update().get(pk=record.task_id)
        in_time = timezone.localdate(record.inspected_at) <= task.due_date
        if task.state == TaskState.OPEN or (task.state == TaskState.MISSED and in_time):
            old = task.state
            task.state, task.record, task.done_at = TaskState.DONE, record, record.submitted_at
            task.save(update_fields=["state", "record", "done_at"])
            record_event(task, "done", actor=actor, from_state=old, to_state=TaskState.DONE,
                         data={"record": record.pk})
            task_done = True
    counts = dict.fromkeys(ItemResult.values, 0)
    for value in items.values_list("result", flat=True):
        counts[value] = counts.get(value, 0) + 1
    record_event(record, "submitted", actor=actor, from_state=RecordState.DRAFT, to_state=RecordState.SUBMITTED,
                 data={"results": counts, "task_done": task_done})
    return record


@transaction.atomic
def void_inspection_record(record: InspectionRecord, *, actor, reason: str) -> InspectionRecord:
    """Void a record entered in error (never delete it). A task it fulfilled is open again, or
    missed if its due date has passed; hazards raised from it stay in the ledger."""
    _require(_is_admin(actor) or can_edit_record(actor, record), _("You may not void this inspection record."))
    record = void_record(record, actor=actor, reason=reason)
    task = InspectionTask.objects.select_for_update().filter(record=record).first()
    if task is not None:
        old = task.state
        task.state = TaskState.OPEN if task.due_date >= timezone.localdate() else TaskState.MISSED
        task.record, task.done_at = None, None
        task.save(update_fields=["state", "record", "done_at"])
        record_event(task, "reopened", actor=actor, from_state=old, to_state=task.state, comment=reason,
                     data={"record": record.pk})
    return record

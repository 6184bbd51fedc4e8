"""Every change to inspections goes through here: duties, the scheduled tasks (the daily job),
inspection records and their item results, and "a found item becomes a hazard in one step".

Every change of a duty or a record is a step of the one write path (``core.workflow``): the
row is locked, a stale copy is a conflict (409), the actor's right is the app policy's
(``policy.py``), a record's steps are those of ``choices.RECORD_MACHINE`` (source states and
guards) and a task's those of ``choices.TASK_MACHINE``; the version is bumped and the event
written in the same transaction. The caller's copy follows its own steps
(``core.workflow.follow``), so a page or a test can take several steps on one record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from anjian.core.models import Attachment, Event
from anjian.core.services import ConflictError, attach_files, attachments_for, record_event
from anjian.core.workflow import Unchanged, create, follow, lock, perform, perform_step, void
from anjian.enterprises.choices import OperatingStatus
from anjian.enterprises.models import Enterprise
from anjian.hazards.choices import HazardGrade
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.standards.choices import HazardFactor
from anjian.standards.models import CheckItem, Checklist

from . import events
from .choices import (
    RECORD_MACHINE,
    SOURCE_BY_KIND,
    TASK_MACHINE,
    InspectionKind,
    ItemResult,
    RecordState,
    TaskState,
)
from .models import InspectionCadence, InspectionDuty, InspectionItemResult, InspectionRecord, InspectionTask
from .policy import policy

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
        raise ValidationError({"active_to": pgettext("inspection duty", "The end date cannot be before the start date.")})


@transaction.atomic
def create_duty(*, actor, enterprise: Enterprise, data: Mapping[str, Any]) -> InspectionDuty:
    """Give ``enterprise`` a self-inspection duty (e.g. 车间周查 with a checklist). The task of the
    current period is created with it when the duty is in force today; the daily job makes
    the later ones."""
    policy.require(actor, "add_duty", enterprise, _("You may not set up inspection duties for this enterprise."))
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
    # The right was decided above, on the enterprise, before the duty's own checks.
    create(duty, actor=actor, policy=None, action=events.DUTY_CREATED,
           data={"cadence": duty.cadence.code, "enterprise": enterprise.pk})
    # The current period's task at once, so the enterprise sees it today rather than after
    # tonight's job (which would create the same task; the job skips it).
    schedule_duty(duty)
    return duty


def update_duty(duty: InspectionDuty, *, actor, data: Mapping[str, Any],
                expected_version: int | None = None) -> InspectionDuty:
    """Change a duty's name, checklist, responsible person or dates. The cadence and the start
    date are fixed once tasks were scheduled (past periods must keep their meaning): end the
    duty and create another instead. Nothing changed, nothing is written."""
    written: dict[str, Any] = {}

    def change(locked: InspectionDuty) -> None:
        changed = []
        for name, value in data.items():
            if name not in DUTY_EDITABLE:
                raise ValidationError({name: _("This field cannot be changed here.")})
            field = InspectionDuty._meta.get_field(name)
            if getattr(locked, field.attname) != (value.pk if hasattr(value, "pk") else value):
                changed.append(name)
            setattr(locked, name, value)
        if not changed:
            raise Unchanged
        if {"cadence", "active_from"} & set(changed) and locked.tasks.exists():
            raise ValidationError({next(n for n in ("cadence", "active_from") if n in changed):
                                   _("Tasks were already scheduled for this duty: end it and create a new one.")})
        locked.name = (locked.name or "").strip() or locked.cadence.name
        _check_duty(locked)
        locked.full_clean()
        written["fields"] = sorted(changed)  # the event's data, written by perform after this

    return perform_step(duty, events.DUTY_UPDATED, actor=actor, policy=policy, right="change_duty", change=change,
                        expected_version=expected_version, data=written) or duty


@transaction.atomic
def void_duty(duty: InspectionDuty, *, actor, reason: str, expected_version: int | None = None) -> InspectionDuty:
    """Void a duty entered in error (never delete it); its open tasks are cancelled, done and
    missed ones stay as they were."""
    voided = void(duty, actor=actor, policy=policy, right="void_duty", reason=reason,
                  expected_version=expected_version)
    follow(duty, voided)
    step = TASK_MACHINE[events.TASK_CANCELLED]
    # Set-based: the step's declared sources and target, one event on the duty for them all.
    cancelled = (InspectionTask.objects.filter(duty=voided, state__in=step.sources)
                 .update(state=step.target, version=F("version") + 1))
    if cancelled:
        record_event(voided, events.TASKS_CANCELLED, actor=actor, data={"tasks": cancelled})
    return voided


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
        record_event(cadence, events.TASKS_SCHEDULED, data={"date": today.isoformat(), "period_start": start.isoformat(),
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
        record_event(duty, events.TASK_SCHEDULED, data={"task": task.pk, "period_start": start.isoformat(),
                                                   "due_date": due.isoformat()})
    return task


def mark_missed_tasks(today: date | None = None) -> int:
    """Open tasks whose due date is before ``today`` become missed; returns how many.

    One set-based UPDATE per cadence (on the state + due date index), each with a
    ``tasks_missed`` event on the cadence. The warning about a missed self-inspection reads
    ``selectors.missed_tasks_qs()``. The tasks take ``TASK_MACHINE``'s "missed" step, set-based:
    its declared sources and target, its guard (the period is over) as the filter on the due
    date; each task's version is bumped as a step does."""
    today = today or timezone.localdate()
    step = TASK_MACHINE[events.TASK_MISSED]
    total = 0
    for cadence in InspectionCadence.objects.order_by("sort", "pk"):
        with transaction.atomic():
            count = (InspectionTask.objects.filter(state__in=step.sources, due_date__lt=today, cadence=cadence)
                     .update(state=step.target, version=F("version") + 1))
            if count:
                record_event(cadence, events.TASKS_MISSED, data={"date": today.isoformat(), "tasks": count})
        total += count
    return total


def run_schedule(today: date | None = None) -> dict[str, int]:
    """The daily job: close the past periods (missed), then open the current ones."""
    today = today or timezone.localdate()
    missed = mark_missed_tasks(today)
    scheduled = schedule_tasks(today)
    return {"missed": missed, "scheduled": scheduled}


# --- records -----------------------------------------------------------------------------

def _check_time(inspected_at) -> None:
    if inspected_at is not None and inspected_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"inspected_at": _("The inspection time cannot be in the future.")})


def _record_step(record: InspectionRecord, action: str, *, actor, change, expected_version: int | None,
                 data: dict[str, Any] | None = None, outcome: bool = False):
    """Take ``action`` (a step of ``RECORD_MACHINE``) on ``record`` through the write path."""
    return perform_step(record, action, actor=actor, policy=policy, machine=RECORD_MACHINE, change=change,
                        expected_version=expected_version, data=data, outcome=outcome)


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
        # Locked (two people starting the same task at once get one draft between them) and
        # checked against the copy given: a task that changed meanwhile (the nightly job marked
        # it missed) is a conflict, as for any versioned record.
        task = lock(task)
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
    record = InspectionRecord(enterprise=enterprise, kind=kind, task=task, checklist=checklist,
                              inspector=_user_or_none(actor), created_by=_user_or_none(actor), **data)
    policy.require(actor, "inspect", record, _("You may not record this kind of inspection here."))
    if checklist is not None and not checklist.is_active:
        raise ValidationError({"checklist": _("This checklist is no longer in use.")})
    _check_checklist_owner(checklist, enterprise.pk)
    if not record.inspector_names.strip() and record.inspector is not None:
        record.inspector_names = _display_name(actor)
    _check_time(record.inspected_at)
    _copy_enterprise_keys(record, enterprise)
    written: dict[str, Any] = {"kind": kind, "task": task.pk if task else None,
                               "checklist": checklist.pk if checklist else None, "items": 0}

    def add_items(saved: InspectionRecord) -> None:
        if checklist is None:
            return
        items = CheckItem.objects.filter(checklist=checklist, is_active=True).order_by("sort", "id")
        rows = [InspectionItemResult(record=saved, check_item=item, item_no=item.item_no, content=item.content,
                                     sort=(i + 1) * 10) for i, item in enumerate(items)]
        InspectionItemResult.objects.bulk_create(rows)
        written["items"] = len(rows)

    # The right was decided above, with the message that names what was refused.
    create(record, actor=actor, policy=None, action=events.RECORD_STARTED, prepare=add_items, event=False)
    # The event names the state the record starts in, which core.workflow.create does not write.
    record_event(record, events.RECORD_STARTED, actor=actor, to_state=RecordState.DRAFT, data=written)
    return record


def update_record(record: InspectionRecord, *, actor, data: Mapping[str, Any],
                  expected_version: int | None = None) -> InspectionRecord:
    """Correct the draft's header: location, time, inspectors, summary. Nothing changed,
    nothing is written."""
    written: dict[str, Any] = {}

    def change(locked: InspectionRecord) -> None:
        changed = []
        for name, value in data.items():
            if name not in RECORD_EDITABLE:
                raise ValidationError({name: _("This field cannot be changed here.")})
            if getattr(locked, name) != value:
                changed.append(name)
                setattr(locked, name, value)
        if not changed:
            raise Unchanged
        _check_time(locked.inspected_at)
        locked.full_clean()
        written["fields"] = sorted(changed)

    return _record_step(record, events.RECORD_UPDATED, actor=actor, change=change,
                        expected_version=expected_version, data=written) or record


def add_item(record: InspectionRecord, *, actor, content: str, item_no: str = "",
             expected_version: int | None = None) -> InspectionItemResult:
    """Add a check item by hand (an inspection without a checklist, or something the checklist
    does not cover)."""
    written: dict[str, Any] = {}

    def change(locked: InspectionRecord) -> InspectionItemResult:
        text = (content or "").strip()
        if not text:
            raise ValidationError({"content": _("Describe what was checked.")})
        last = locked.items.aggregate(m=Max("sort"))["m"] or 0
        item = InspectionItemResult.objects.create(record=locked, content=text, item_no=(item_no or "").strip()[:20],
                                                   sort=last + 10)
        written["item"] = item.pk
        return item

    return _record_step(record, events.ITEM_ADDED, actor=actor, change=change, expected_version=expected_version,
                        data=written, outcome=True).result


@transaction.atomic
def record_results(record: InspectionRecord, *, actor, results: Iterable[Mapping[str, Any]],
                   expected_version: int | None = None) -> list[InspectionItemResult]:
    """Set the results of some items of a draft: each entry names ``item`` (a result row or its
    id), ``result`` (pass / hazard_found / not_applicable, or empty to leave it unset),
    optionally ``note`` and ``photos`` (uploaded files, attached to the item).

    An item whose hazard was already raised stays "hazard found". Nothing changed and no
    photo, nothing is written."""
    entries = list(results)
    written: dict[str, Any] = {}
    uploads: list[tuple[InspectionItemResult, list]] = []

    def change(locked: InspectionRecord) -> list[InspectionItemResult]:
        ids: list[int] = []
        for entry in entries:
            key = getattr(entry.get("item"), "pk", entry.get("item"))
            try:
                ids.append(int(key))
            except (TypeError, ValueError):
                raise ValidationError({"results": _("Each result must name its item.")}) from None
        items = {item.pk: item for item in locked.items.filter(pk__in=ids)}
        now = timezone.now()
        changed: list[InspectionItemResult] = []
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
            note = (entry.get("note", item.note) or "").strip()
            if (value, note) != (item.result, item.note):
                item.result, item.note = value, note
                item.checked_at = now if value else None
                if item not in changed:
                    changed.append(item)
            if entry.get("photos"):
                uploads.append((item, list(entry["photos"])))
        if not changed and not uploads:
            raise Unchanged
        if changed:
            InspectionItemResult.objects.bulk_update(changed, ["result", "note", "checked_at"])
        written.update({"items": [i.pk for i in changed], "photos": [i.pk for i, _f in uploads]})
        return changed

    done = _record_step(record, events.RESULTS_RECORDED, actor=actor, change=change,
                        expected_version=expected_version, data=written, outcome=True)
    if done is None:
        return []
    # The photos are the items', tied to the step's event (so after it is written); still in
    # this transaction and under the record's lock, and a bad file refuses the whole step.
    for item, files in uploads:
        attach_files(item, files, actor=actor, kind=Attachment.Kind.PHOTO, event=done.event)
    return done.result


def set_item_result(item: InspectionItemResult, *, actor, result: str, note: str | None = None,
                    photos: Iterable = (), expected_version: int | None = None) -> InspectionItemResult:
    """Set the result of one item (see ``record_results``)."""
    entry: dict[str, Any] = {"item": item.pk, "result": result, "photos": list(photos)}
    if note is not None:
        entry["note"] = note
    record_results(item.record, actor=actor, results=[entry], expected_version=expected_version)
    item.refresh_from_db()
    return item


@transaction.atomic
def attach_item_photos(item: InspectionItemResult, *, actor, photos: Iterable,
                       expected_version: int | None = None) -> list[Attachment]:
    """Add photos to an item of a draft record."""
    files = list(photos)

    def change(locked: InspectionRecord) -> None:
        if not files:
            raise ValidationError({"photos": _("Choose at least one photo.")})

    done = _record_step(item.record, events.PHOTOS_ADDED, actor=actor, change=change,
                        expected_version=expected_version, data={"item": item.pk, "photos": len(files)},
                        outcome=True)
    return attach_files(item, files, actor=actor, kind=Attachment.Kind.PHOTO, event=done.event)


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
                           photos: Iterable = (), expected_version: int | None = None) -> Hazard:
    """"A found item becomes a hazard in one step": report it to the hazard ledger (through
    ``hazards.services.report_hazard``) with the record's enterprise and place, the item's
    text, factor class, grade and criterion, the source that matches the record's kind, and
    the item's photos (plus any ``photos`` uploaded now); then link the hazard to the item.

    ``data`` may override the location, description, category, grade, criterion, deadline and
    finder's name, or grade the hazard major by the general definition (condition and
    justification). The criterion must apply to the enterprise's industry (hazards.services).
    Works on drafts and on submitted records (a found item may be raised after the record was
    submitted); a second raise of the same item is a conflict."""
    from anjian.hazards import services as hazard_services

    new_photos = list(photos)
    written: dict[str, Any] = {}

    def change(record: InspectionRecord) -> Hazard:
        item = (InspectionItemResult.objects.select_for_update(of=("self",)).select_related("check_item")
                .get(pk=result.pk))
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
        hazard = hazard_services.report_hazard(actor=actor, enterprise=record.enterprise, data=values,
                                               photos=new_photos, source=SOURCE_BY_KIND[record.kind])
        shared = _share_photos(item, hazard, actor)
        item.hazard = hazard
        item.save(update_fields=["hazard"])
        written.update({"item": item.pk, "hazard": hazard.pk, "number": hazard.number, "grade": hazard.grade,
                        "photos": shared + len(new_photos)})
        return hazard

    return _record_step(result.record, events.HAZARD_RAISED, actor=actor, change=change,
                        expected_version=expected_version, data=written, outcome=True).result


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


def submit_record(record: InspectionRecord, *, actor, expected_version: int | None = None) -> InspectionRecord:
    """Submit a draft: every item must have a result (a record without items needs a summary),
    as ``RECORD_MACHINE``'s guards say. A record for a task completes it — also when the job
    marked the task missed meanwhile, as long as the inspection itself took place by the task's
    due date (``TASK_MACHINE``'s guard); otherwise the task stays as it is."""
    written: dict[str, Any] = {}

    def change(locked: InspectionRecord) -> None:
        locked.submitted_at = timezone.now()
        counts = dict.fromkeys(ItemResult.values, 0)
        for value in locked.items.values_list("result", flat=True):
            counts[value] = counts.get(value, 0) + 1
        written.update({"results": counts, "task_done": _complete_task(locked, actor)})

    return _record_step(record, events.RECORD_SUBMITTED, actor=actor, change=change,
                        expected_version=expected_version, data=written)


def _complete_task(record: InspectionRecord, actor) -> bool:
    """The task of ``record`` (being submitted) takes its "done" step if the machine allows it.
    Its right is the record's submission, decided in the same transaction."""
    if not record.task_id:
        return False
    task = InspectionTask.objects.get(pk=record.task_id)
    if not TASK_MACHINE.possible(task, events.TASK_DONE):
        return False

    def change(locked: InspectionTask) -> None:
        locked.record, locked.done_at = record, record.submitted_at

    perform(task, events.TASK_DONE, actor=actor, policy=None, machine=TASK_MACHINE, change=change,
            data={"record": record.pk})
    return True


@transaction.atomic
def void_inspection_record(record: InspectionRecord, *, actor, reason: str,
                           expected_version: int | None = None) -> InspectionRecord:
    """Void a record entered in error (never delete it). A task it fulfilled is open again, or
    missed if its due date has passed; hazards raised from it stay in the ledger."""
    voided = void(record, actor=actor, policy=policy, reason=reason, expected_version=expected_version,
                  machine=RECORD_MACHINE)
    follow(record, voided)
    task = InspectionTask.objects.filter(record=voided).first()
    if task is not None:
        old = task.state

        def change(locked: InspectionTask) -> None:
            locked.state = TaskState.OPEN if locked.due_date >= timezone.localdate() else TaskState.MISSED
            locked.record, locked.done_at = None, None

        # The step leads to one of two states, so its event (from → to) is written here.
        task = perform(task, events.TASK_REOPENED, actor=actor, policy=None, machine=TASK_MACHINE, change=change,
                       event=False)
        record_event(task, events.TASK_REOPENED, actor=actor, from_state=old, to_state=task.state, comment=reason,
                     data={"record": voided.pk})
    return voided

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Guard, StateMachine, Step
from anjian.hazards.choices import HazardSource

from . import events


class PeriodUnit(models.TextChoices):
    """The calendar unit of an inspection cadence (weeks start on Monday, quarters in
    January, April, July and October)."""

    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    # Not in the original list: the open tasks of a duty that is voided are cancelled rather
    # than left open (they would never be done) or marked missed (nobody missed anything).
    CANCELLED = "cancelled", _("Cancelled")


class InspectionKind(models.TextChoices):
    """Who inspected: the enterprise itself, or a government, grid or expert inspection. All
    use the same record, marked by kind."""

    SELF = "self", _("Self-inspection")
    GOVERNMENT = "government", _("Government inspection")
    GRID = "grid", _("Grid patrol")
    EXPERT = "expert", _("Expert inspection")


class RecordState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ItemResult(models.TextChoices):
    PASS = "pass", _("Pass")
    HAZARD_FOUND = "hazard_found", _("Hazard found")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# The hazard source a found item gets, from the kind of inspection that found it.
SOURCE_BY_KIND = {
    InspectionKind.SELF: HazardSource.SELF_INSPECTION,
    InspectionKind.GOVERNMENT: HazardSource.GOVERNMENT,
    InspectionKind.GRID: HazardSource.GRID_PATROL,
    InspectionKind.EXPERT: HazardSource.EXPERT,
}


# --- state machines (declared once: the services take these steps, the pages and the API
# offer them through core.workflow.available_steps) -----------------------------------------

def _every_item_has_a_result(record) -> bool:
    return not record.items.filter(result="").exists()


def _items_or_summary(record) -> bool:
    return bool(record.summary.strip()) or record.items.exists()


RECORD_MACHINE = StateMachine(
    model="inspections.InspectionRecord", states=RecordState, steps=[
        # A draft is filled in by whoever may record this kind of inspection here (a team fills
        # one record in together); a submitted record is no longer changed ...
        Step(events.RECORD_UPDATED, _("Edit details"), sources=(RecordState.DRAFT,), right="edit"),
        Step(events.ITEM_ADDED, _("Add an item"), sources=(RecordState.DRAFT,), right="edit"),
        Step(events.RESULTS_RECORDED, _("Save results"), sources=(RecordState.DRAFT,), right="edit"),
        Step(events.PHOTOS_ADDED, _("Add photos"), sources=(RecordState.DRAFT,), right="edit"),
        # ... except that a found item may still be raised as a hazard after submission.
        Step(events.HAZARD_RAISED, _("Raise hazard"), right="edit"),
        Step(events.RECORD_SUBMITTED, _("Submit"), sources=(RecordState.DRAFT,), target=RecordState.SUBMITTED,
             right="edit", guards=(
                 Guard(_every_item_has_a_result, _("Some items have no result yet."), field="items"),
                 Guard(_items_or_summary, _("Add the items checked, or summarise the inspection."),
                       field="summary"),
             )),
        Step("void", _("Void"), right="void", event=events.VOIDED),
    ])


def _inspected_in_time(task) -> bool:
    """An open task is done by the record submitted for it; a task the nightly job marked missed
    meanwhile only when that inspection took place by the task's due date. (A task has one live
    record at a time: a record is started only for an open task without a draft, and voiding it
    reopens the task; so its live record is the one being submitted.)"""
    if task.state != TaskState.MISSED:
        return True
    live = task.records.filter(is_voided=False).values_list("inspected_at", flat=True)
    return any(timezone.localdate(at) <= task.due_date for at in live)


def _period_over(task) -> bool:
    return task.due_date < timezone.localdate()


TASK_MACHINE = StateMachine(
    model="inspections.InspectionTask", states=TaskState, steps=[
        # Submitting a record for the task (inspections.services.submit_record).
        Step(events.TASK_DONE, _("Done"), sources=(TaskState.OPEN, TaskState.MISSED), target=TaskState.DONE,
             guards=(Guard(_inspected_in_time, _("A missed task is done only by an inspection made by its due "
                                                 "date."), field="inspected_at"),)),
        # Voiding the record that fulfilled it: open again, or missed once its due date has passed
        # (the service sets which, so no single target is declared).
        Step(events.TASK_REOPENED, _("Reopened"), sources=(TaskState.DONE,)),
        # The nightly job, set-based (services.mark_missed_tasks filters on the same sources and
        # on the due date, as the guard says).
        Step(events.TASK_MISSED, _("Missed"), sources=(TaskState.OPEN,), target=TaskState.MISSED,
             guards=(Guard(_period_over, _("The task's period is not over yet."), field="due_date"),)),
        # Voiding the duty (services.void_duty, set-based): nobody missed anything.
        Step(events.TASK_CANCELLED, _("Cancelled"), sources=(TaskState.OPEN,), target=TaskState.CANCELLED),
    ])

"""The event action codes of the inspections app and how every timeline names them.

The services write these codes (``core.Event.action``); ``EVENT_LABELS`` names each of them
(read by ``core.events`` for the record pages, the task pages and the admin's event list). The
codes are stored: they never change meaning, so old events keep reading right.
"""

from django.utils.translation import gettext_lazy as _

# --- inspection records ---------------------------------------------------------------------
RECORD_STARTED = "started"
RECORD_UPDATED = "updated"
ITEM_ADDED = "item_added"
RESULTS_RECORDED = "results_recorded"
PHOTOS_ADDED = "photos_added"
HAZARD_RAISED = "hazard_raised"
RECORD_SUBMITTED = "submitted"
VOIDED = "voided"  # records and duties (core.workflow.void writes it)

# --- duties ---------------------------------------------------------------------------------
DUTY_CREATED = "created"
DUTY_UPDATED = "updated"
TASKS_CANCELLED = "tasks_cancelled"
TASK_SCHEDULED = "task_scheduled"

# --- tasks (steps of TASK_MACHINE) ----------------------------------------------------------
TASK_DONE = "done"
TASK_REOPENED = "reopened"
# Taken set-based by the nightly job and by voiding a duty: the event is one per cadence or
# duty (TASKS_MISSED, TASKS_CANCELLED), never one per task.
TASK_MISSED = "missed"
TASK_CANCELLED = "cancelled"

# --- cadences (the nightly job) -------------------------------------------------------------
TASKS_SCHEDULED = "tasks_scheduled"
TASKS_MISSED = "tasks_missed"

EVENT_LABELS = {
    RECORD_STARTED: _("Inspection started"),
    RECORD_UPDATED: _("Details corrected"),
    ITEM_ADDED: _("Item added"),
    RESULTS_RECORDED: _("Results recorded"),
    PHOTOS_ADDED: _("Photos added"),
    HAZARD_RAISED: _("Hazard raised"),
    RECORD_SUBMITTED: _("Submitted"),
    VOIDED: _("Voided"),
    DUTY_CREATED: _("Duty created"),
    TASKS_CANCELLED: _("Open tasks cancelled"),
    TASK_SCHEDULED: _("Task scheduled"),
    TASK_DONE: _("Done"),
    TASK_REOPENED: _("Reopened"),
    TASK_MISSED: _("Missed"),
    TASK_CANCELLED: _("Cancelled"),
    TASKS_SCHEDULED: _("Tasks scheduled"),
    TASKS_MISSED: _("Overdue tasks marked missed"),
}

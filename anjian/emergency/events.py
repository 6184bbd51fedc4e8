"""The event action codes of the emergency app and how every timeline names them (``core.events``
reads ``EVENT_LABELS``). The codes are stored: they never change meaning."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CREATED = "created"
UPDATED = "updated"
VOIDED = "voided"  # core.workflow.void writes it on every record

PLAN_PUBLISHED = "emergency_plan_published"
PLAN_SUBMITTED = "emergency_plan_submitted"
PLAN_ACCEPTED = "emergency_plan_accepted"
PLAN_RETURNED = "emergency_plan_returned"
PLAN_EVALUATED = "emergency_plan_evaluated"
PLAN_REVISION_REQUIRED = "emergency_plan_revision_required"
PLAN_REVISED = "emergency_plan_revised"

DRILL_HELD = "emergency_drill_held"
DRILL_PROBLEM_ADDED = "emergency_drill_problem_added"
DRILL_HAZARD_RAISED = "emergency_drill_hazard_raised"

CARD_TOKEN_RENEWED = "emergency_card_token_renewed"

SHIFT_STARTED = "duty_shift_started"
SHIFT_HANDED_OVER = "duty_shift_handed_over"
LOG_ACCIDENT_LINKED = "duty_log_accident_linked"
LOG_CLOSED = "duty_log_closed"

EVENT_LABELS = {
    CREATED: pgettext_lazy("emergency event", "Recorded"),
    UPDATED: pgettext_lazy("emergency event", "Edited"),
    VOIDED: pgettext_lazy("emergency event", "Voided"),
    PLAN_PUBLISHED: _("Emergency plan signed and published"),
    PLAN_SUBMITTED: _("Emergency plan submitted for filing"),
    PLAN_ACCEPTED: _("Emergency plan filing accepted"),
    PLAN_RETURNED: _("Emergency plan filing returned"),
    PLAN_EVALUATED: _("Emergency plan evaluated"),
    PLAN_REVISION_REQUIRED: _("Emergency plan revision required"),
    PLAN_REVISED: _("Emergency plan revised (new version)"),
    DRILL_HELD: _("Drill held"),
    DRILL_PROBLEM_ADDED: _("Drill problem recorded"),
    DRILL_HAZARD_RAISED: _("Drill problem raised as a hazard"),
    CARD_TOKEN_RENEWED: _("Card public address renewed"),
    SHIFT_STARTED: _("Duty shift taken over"),
    SHIFT_HANDED_OVER: _("Duty shift handed over"),
    LOG_ACCIDENT_LINKED: _("Accident report linked"),
    LOG_CLOSED: _("Duty log entry closed"),
}

"""The event action codes of the accidents app, and how the timeline names them.

Services write these codes (``core.services.record_event`` through ``core.workflow.perform``);
each step of the state machines in ``choices.py`` declares the one it writes (``Step.event``), and
``core.events`` reads ``EVENT_LABELS`` for every timeline and the admin. The codes are stored in
the database: an existing row keeps its meaning, so a code is never renamed.
"""

from django.utils.translation import gettext_lazy

REPORTED = "reported"
CORRECTED = "corrected"
CASUALTY_UPDATE = "casualty_update"
CASUALTY_UPDATE_LATE = "casualty_update_late"
FOLLOWUP_RECORDED = "followup_recorded"
SITUATION_STABLE = "situation_stable"
STEP_RECORDED = "step_recorded"
STEP_CORRECTED = "step_corrected"
FLAG_RECORDED = "flag_recorded"
FLAG_CONFIRMED = "flag_confirmed"
FLAG_RETRACTED = "flag_retracted"
INVESTIGATION_STARTED = "investigation_started"
INVESTIGATION_UPDATED = "investigation_updated"
INVESTIGATING_LEVEL_CHANGED = "investigating_level_changed"
REPORT_DEADLINE_EXTENDED = "report_deadline_extended"
REPORT_SUBMITTED = "report_submitted"
APPROVAL_EXTENDED = "approval_extended"
REPORT_APPROVED = "report_approved"
RECTIFICATION_ADDED = "rectification_added"
RECTIFICATION_DONE = "rectification_done"
RECTIFICATION_VERIFIED = "rectification_verified"
ACCOUNTABILITY_ADDED = "accountability_added"
VOIDED = "voided"
IMPORTED = "imported"

EVENT_LABELS = {
    REPORTED: gettext_lazy("Reported"),
    CORRECTED: gettext_lazy("Corrected"),
    CASUALTY_UPDATE: gettext_lazy("Casualty update"),
    CASUALTY_UPDATE_LATE: gettext_lazy("Late casualty update (not counted)"),
    FOLLOWUP_RECORDED: gettext_lazy("Follow-up report (续报)"),
    SITUATION_STABLE: gettext_lazy("Situation declared stable"),
    REPORT_DEADLINE_EXTENDED: gettext_lazy("Report deadline extended"),
    STEP_RECORDED: gettext_lazy("Reporting step recorded"),
    STEP_CORRECTED: gettext_lazy("Reporting step corrected"),
    FLAG_RECORDED: gettext_lazy("Flag recorded"),
    FLAG_CONFIRMED: gettext_lazy("Flag confirmed"),
    FLAG_RETRACTED: gettext_lazy("Flag retracted"),
    INVESTIGATION_STARTED: gettext_lazy("Investigation started"),
    INVESTIGATION_UPDATED: gettext_lazy("Investigation updated"),
    INVESTIGATING_LEVEL_CHANGED: gettext_lazy("Investigating level changed"),
    REPORT_SUBMITTED: gettext_lazy("Investigation report submitted"),
    APPROVAL_EXTENDED: gettext_lazy("Approval extended"),
    REPORT_APPROVED: gettext_lazy("Report approved"),
    RECTIFICATION_ADDED: gettext_lazy("Rectification required"),
    RECTIFICATION_DONE: gettext_lazy("Rectification done"),
    RECTIFICATION_VERIFIED: gettext_lazy("Rectification verified"),
    ACCOUNTABILITY_ADDED: gettext_lazy("Accountability recorded"),
    VOIDED: gettext_lazy("Voided"),
    IMPORTED: gettext_lazy("Imported"),
}

"""The event actions the committee office's services write, and how timelines name them.

The codes are what the database holds: services use these constants (or the step's ``event``
of a machine in ``choices.py``), and ``EVENT_LABELS`` (read by ``core.events`` for every page and
the admin) is keyed by them."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Units.
UNIT_CREATED = "created"
UNIT_UPDATED = "updated"
# Monthly reports (两议一报).
REPORT_OPENED = "report_opened"
MEETING_ADDED = "meeting_added"
MEETING_REMOVED = "meeting_removed"
CHECK_ADDED = "check_added"
CHECK_REMOVED = "check_removed"
REPORT_SUBMITTED = "report_submitted"
REPORT_RETURNED = "report_returned"
REPORT_ACCEPTED = "report_accepted"
REPORTS_OPENED = "reports_opened"  # on the committee's region: the job opened a month's reports
# Inspection tours (巡查督导) and their findings.
FINDING_ADDED = "finding_added"
FEEDBACK_GIVEN = "feedback_given"
TOUR_COMPLETED = "tour_completed"
RECTIFICATION_REPORTED = "rectification_reported"
RECTIFICATION_CLOSED = "rectification_closed"
RECTIFICATION_RETURNED = "rectification_returned"
# Action plans and their tasks.
PHASE_ADDED = "phase_added"
PHASE_REMOVED = "phase_removed"
UNIT_ASSIGNED = "unit_assigned"
UNIT_UNASSIGNED = "unit_unassigned"
TASK_COMPLETED = "task_completed"
TASK_CANCELLED = "task_cancelled"
TASK_REOPENED = "task_reopened"
PROGRESS_REPORTED = "progress_reported"
# Special campaigns (专项整治).
CAMPAIGN_LAUNCHED = "campaign_launched"
CAMPAIGN_CLOSED = "campaign_closed"
CAMPAIGN_REOPENED = "campaign_reopened"
# Summons (安全生产约谈).
SUMMONS_HELD = "summons_held"
SUMMONS_REPORTED = "summons_reported"
SUMMONS_CLOSED = "summons_closed"
SUMMONS_RETURNED = "summons_returned"
SUMMONS_CIRCULATED = "summons_circulated"
SUMMONS_PUBLISHED = "summons_published"
# Duty lists.
DUTIES_IMPORTED = "duties_imported"  # on the importing user: one event per file

EVENT_LABELS = {
    REPORT_OPENED: _("Report opened for the month"),
    MEETING_ADDED: _("Meeting recorded"),
    MEETING_REMOVED: _("Meeting removed"),
    CHECK_ADDED: _("Check led by an official recorded"),
    CHECK_REMOVED: _("Check removed"),
    REPORT_SUBMITTED: pgettext_lazy("monthly report", "Submitted"),
    REPORT_RETURNED: _("Returned for correction"),
    REPORT_ACCEPTED: pgettext_lazy("monthly report", "Accepted"),
    REPORTS_OPENED: _("Monthly reports opened"),
    FINDING_ADDED: _("Finding recorded"),
    FEEDBACK_GIVEN: _("Feedback given"),
    TOUR_COMPLETED: _("Tour completed"),
    RECTIFICATION_REPORTED: _("Rectification reported"),
    RECTIFICATION_CLOSED: _("Rectification verified and closed"),
    RECTIFICATION_RETURNED: _("Rectification returned"),
    PHASE_ADDED: _("Phase added"),
    PHASE_REMOVED: _("Phase removed"),
    UNIT_ASSIGNED: _("Unit assigned"),
    UNIT_UNASSIGNED: _("Unit removed from the task"),
    TASK_COMPLETED: _("Task completed"),
    TASK_CANCELLED: _("Task cancelled"),
    TASK_REOPENED: _("Task reopened"),
    PROGRESS_REPORTED: _("Progress reported"),
    DUTIES_IMPORTED: _("Duty list imported"),
    CAMPAIGN_LAUNCHED: _("Campaign launched"),
    CAMPAIGN_CLOSED: _("Campaign closed"),
    CAMPAIGN_REOPENED: _("Campaign reopened"),
    SUMMONS_HELD: _("Summons held, minutes recorded"),
    SUMMONS_REPORTED: _("Rectification after the summons reported"),
    SUMMONS_CLOSED: _("Summons closed"),
    SUMMONS_RETURNED: _("Summons rectification returned"),
    SUMMONS_CIRCULATED: _("Unit circulated (通报)"),
    SUMMONS_PUBLISHED: _("Summons disclosed to the public"),
}

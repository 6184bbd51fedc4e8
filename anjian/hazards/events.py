"""The event action codes of the hazards app and how each reads (core.events reads ``EVENT_LABELS``
for every timeline, the field history and the admin's event list).

The services write these constants (``core.workflow`` with the steps of ``choices.HAZARD_MACHINE``,
whose ``event`` names them); the codes are what the database holds, so they never change: an
existing row keeps its meaning.
"""

from django.utils.translation import gettext_lazy as _

HAZARD_REPORTED = "reported"
HAZARD_CORRECTED = "updated"
PLAN_UPDATED = "plan_updated"
RECTIFICATION_STARTED = "rectification_started"
RECTIFICATION_SUBMITTED = "rectification_submitted"
ACCEPTED = "accepted"
ACCEPTANCE_REFUSED = "acceptance_refused"
CLOSED = "closed"
EXTENSION_REQUESTED = "extension_requested"
EXTENSION_APPROVED = "extension_approved"
EXTENSION_REFUSED = "extension_refused"
DUAL_REPORT_RECORDED = "dual_report_recorded"
LISTED = "listed"
LISTING_PROGRESS = "listing_progress"
DELISTED = "delisted"
NOTICE_ISSUED = "notice_issued"
RECHECKED = "rechecked"
VOIDED = "voided"
IMPORTED = "imported"
MAJOR_CONFIRMED = "major_confirmed"
MAJOR_DOWNGRADED = "major_downgraded"
# On enterprise-system API keys.
API_KEY_ISSUED = "api_key_issued"
API_KEY_REVOKED = "api_key_revoked"

#: How each action reads on a timeline, in the field history and in the admin.
EVENT_LABELS = {
    HAZARD_REPORTED: _("Reported"),
    HAZARD_CORRECTED: _("Corrected"),
    PLAN_UPDATED: _("五落实 plan updated"),
    RECTIFICATION_STARTED: _("Rectification started"),
    RECTIFICATION_SUBMITTED: _("Rectification submitted"),
    ACCEPTED: _("Accepted"),
    ACCEPTANCE_REFUSED: _("Acceptance refused"),
    CLOSED: _("Closed out"),
    EXTENSION_REQUESTED: _("Extension requested"),
    EXTENSION_APPROVED: _("Extension approved"),
    EXTENSION_REFUSED: _("Extension refused"),
    DUAL_REPORT_RECORDED: _("Dual report recorded"),
    LISTED: _("Listed for supervision"),
    LISTING_PROGRESS: _("Supervision progress reported"),
    DELISTED: _("Delisted"),
    NOTICE_ISSUED: _("Rectification notice issued"),
    RECHECKED: _("Re-checked"),
    VOIDED: _("Voided"),
    IMPORTED: _("Imported"),
    MAJOR_CONFIRMED: _("Major grade confirmed"),
    MAJOR_DOWNGRADED: _("Downgraded to a general hazard"),
    API_KEY_ISSUED: _("API key issued"),
    API_KEY_REVOKED: _("API key revoked"),
}

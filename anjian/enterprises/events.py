"""The event action codes of the enterprise registry and how every timeline names them.

The services write these codes (``core.Event.action``); ``EVENT_LABELS`` names each of them
(read by ``core.events`` for the enterprise's timeline, the admin's event list and the history
rows, whose reason is the step's code). The codes are stored: they never change meaning.
"""

from django.utils.translation import gettext_lazy as _

ENTERPRISE_CREATED = "created"
ENTERPRISE_UPDATED = "updated"
TAGS_CHANGED = "tags_changed"
STATUS_CHANGED = "status_changed"
SUPERVISION_ASSIGNED = "supervision_assigned"
VOIDED = "voided"
IMPORTED = "imported"
ENTERPRISES_IMPORTED = "enterprises_imported"
HIGH_RISK_FOLLOWED = "enterprises_high_risk_followed"

# The steps of the operating-status machine (choices.OPERATING_STATUS_MACHINE). Their event
# is STATUS_CHANGED (from → to); the step names the history row.
SUSPEND = "suspend"
CLOSE = "close"
RESUME = "resume"

EVENT_LABELS = {
    ENTERPRISE_CREATED: _("Registered"),
    ENTERPRISE_UPDATED: _("Registry updated"),
    TAGS_CHANGED: _("Feature tags changed"),
    STATUS_CHANGED: _("Operating status changed"),
    SUPERVISION_ASSIGNED: _("Supervision assigned"),
    VOIDED: _("Voided"),
    IMPORTED: _("Imported"),
    ENTERPRISES_IMPORTED: _("Enterprises imported"),
    HIGH_RISK_FOLLOWED: _("Enterprises follow the industry's high-risk flag"),
    SUSPEND: _("Suspend operations"),
    CLOSE: _("Close down"),
    RESUME: _("Resume operations"),
}

"""The event action codes of the enforcement app and how every timeline names them.

The services write these codes (``core.Event.action``, through ``core.workflow``); ``EVENT_LABELS``
names each one (read by ``core.events`` for every timeline and the admin's event list). The codes
are stored: they never change meaning."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CREATED = "created"
UPDATED = "updated"
VOIDED = "voided"  # core.workflow.void writes it on every record

# --- expert pool and officers ---------------------------------------------------------------
EXPERT_UNAVAILABLE = "expert_unavailable"
EXPERT_AVAILABLE = "expert_available"
EXPERT_RETIRED = "expert_retired"
CERTIFICATE_SUSPENDED = "certificate_suspended"
CERTIFICATE_REINSTATED = "certificate_reinstated"
CERTIFICATE_REVOKED = "certificate_revoked"
CONFLICT_ENDED = "conflict_ended"

EVENT_LABELS = {
    CREATED: pgettext_lazy("enforcement event", "Recorded"),
    UPDATED: pgettext_lazy("enforcement event", "Details corrected"),
    VOIDED: pgettext_lazy("enforcement event", "Voided"),
    EXPERT_UNAVAILABLE: _("Expert marked unavailable"),
    EXPERT_AVAILABLE: _("Expert available again"),
    EXPERT_RETIRED: _("Expert retired from the pool"),
    CERTIFICATE_SUSPENDED: _("Enforcement certificate suspended"),
    CERTIFICATE_REINSTATED: _("Enforcement certificate reinstated"),
    CERTIFICATE_REVOKED: _("Enforcement certificate revoked"),
    CONFLICT_ENDED: _("Declared conflict ended"),
}

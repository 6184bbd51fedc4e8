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

# --- plans ------------------------------------------------------------------------------------
PLAN_ENTERPRISES_ADDED = "plan_enterprises_added"
PLAN_ENTERPRISES_REMOVED = "plan_enterprises_removed"
PLAN_REFRESHED = "plan_refreshed"
PLAN_VISITS_SET = "plan_visits_set"
PLAN_APPROVED = "plan_approved"
PLAN_REVISED = "plan_revised"
PLAN_CLOSED = "plan_closed"

# --- draws ------------------------------------------------------------------------------------
DRAW_MADE = "draw_made"
DRAW_PUBLISHED = "draw_published"
DRAW_SUPERSEDED = "draw_superseded"

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
    PLAN_ENTERPRISES_ADDED: _("Enterprises added to the plan"),
    PLAN_ENTERPRISES_REMOVED: _("Enterprises removed from the plan"),
    PLAN_REFRESHED: _("Frequencies recomputed"),
    PLAN_VISITS_SET: _("Planned visits set"),
    PLAN_APPROVED: _("Plan approved"),
    PLAN_REVISED: _("Plan reopened for revision"),
    PLAN_CLOSED: _("Plan closed"),
    DRAW_MADE: _("Random draw made"),
    DRAW_PUBLISHED: _("Draw published"),
    DRAW_SUPERSEDED: _("Superseded by a redraw"),
}

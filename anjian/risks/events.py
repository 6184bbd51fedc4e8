"""The event actions the risks services write, and how timelines name them.

The codes are what the database holds (existing rows keep their meaning): services use these
constants, and ``EVENT_LABELS`` (read by ``core.events`` for every page and the admin) is keyed by
them. ``risk_checks_generated`` is written on the enterprise and shown on its page; ``generated``
and ``superseded`` on the enterprise's own checklists (shown by the standards pages)."""

from django.utils.translation import gettext_lazy as _

# On a risk point (and ``CREATED``/``UPDATED``/``VOIDED`` on a control measure too).
CREATED = "created"
UPDATED = "updated"
VOIDED = "voided"  # written by core.workflow.void
ASSESSED = "assessed"
MEASURE_ADDED = "measure_added"
CARD_TOKEN_REGENERATED = "card_token_regenerated"
# On the enterprise.
RISK_CHECKS_GENERATED = "risk_checks_generated"
# On the enterprise's own checklists.
CHECKLIST_GENERATED = "generated"
CHECKLIST_SUPERSEDED = "superseded"
CHECKLIST_DEACTIVATED = "deactivated"  # named by core.events' common labels
# On a profile.
PROFILE_MADE_DEFAULT = "made_default"

EVENT_LABELS = {
    CREATED: _("Created"),
    UPDATED: _("Changed"),
    ASSESSED: _("Assessed"),
    MEASURE_ADDED: _("Control measure added"),
    VOIDED: _("Voided"),
    CARD_TOKEN_REGENERATED: _("Card address regenerated"),
    RISK_CHECKS_GENERATED: _("Inspection tasks generated from the risk controls"),
    PROFILE_MADE_DEFAULT: _("Made the default profile"),
    CHECKLIST_GENERATED: _("Checklist generated from the risk controls"),
    CHECKLIST_SUPERSEDED: _("Replaced by a newer version"),
}

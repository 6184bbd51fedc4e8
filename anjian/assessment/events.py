"""The event actions the assessment services write, and how timelines name them.

The codes are what the database holds: services use these constants, and ``EVENT_LABELS`` (read
by ``core.events`` for every page and the admin) is keyed by them."""

from django.utils.translation import gettext_lazy as _

CREATED = "created"
VOIDED = "voided"
# Target-responsibility agreements (目标责任书).
TARGETS_CHANGED = "targets_changed"
SIGNED = "signed"
# Schemes.
ITEMS_CHANGED = "items_changed"
ROUND_OPENED = "round_opened"
# Rounds.
PUBLISHED = "published"
# Assessments.
SELF_SUBMITTED = "self_submitted"
ASSESSED = "assessed"
RETURNED = "returned"
ADJUSTED = "adjusted"
ADJUSTMENT_REMOVED = "adjustment_removed"

EVENT_LABELS = {
    CREATED: _("Created"), VOIDED: _("Voided"),
    TARGETS_CHANGED: _("Targets changed"), SIGNED: _("Signed"),
    ITEMS_CHANGED: _("Scheme items changed"), ROUND_OPENED: _("Assessment round opened"),
    PUBLISHED: _("Ranking published"),
    SELF_SUBMITTED: _("Self-assessment submitted"), ASSESSED: _("Assessed"),
    RETURNED: _("Returned for correction"), ADJUSTED: _("Deduction or bonus entered"),
    ADJUSTMENT_REMOVED: _("Deduction or bonus removed"),
}

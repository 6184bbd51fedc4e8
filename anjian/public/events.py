"""The event action codes of the public app and how every timeline names them (``core.events``
reads ``EVENT_LABELS``). The codes are stored: they never change meaning. No event of a tip
carries the submitter's identity or contact: timelines are read by everyone in the region."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CREATED = "created"
VOIDED = "voided"
TIP_RECEIVED = "tip_received"
TIP_ADDED = "tip_information_added"
TIP_ROUTED = "tip_routed"
TIP_ACCEPTED = "tip_accepted"
TIP_REJECTED = "tip_rejected"
TIP_EXTENDED = "tip_verification_extended"
TIP_CONFIRMED = "tip_confirmed"
TIP_UNFOUNDED = "tip_unfounded"
TIP_TO_HAZARD = "tip_to_hazard"
TIP_TO_CASE = "tip_to_case"
REWARD_PROPOSED = "reward_proposed"
REWARD_APPROVED = "reward_approved"
REWARD_DECLINED = "reward_declined"
REWARD_PAID = "reward_paid"
LISTING_PUBLISHED = "listed_hazard_published"
LISTING_WITHDRAWN = "listed_hazard_withdrawn"

EVENT_LABELS = {
    CREATED: pgettext_lazy("tip event", "Recorded"),
    VOIDED: pgettext_lazy("tip event", "Voided"),
    TIP_RECEIVED: _("Tip received"),
    TIP_ADDED: _("Submitter added information"),
    TIP_ROUTED: _("Tip routed to a department"),
    TIP_ACCEPTED: _("Tip accepted"),
    TIP_REJECTED: _("Tip not accepted"),
    TIP_EXTENDED: _("Verification extended"),
    TIP_CONFIRMED: _("Tip verified as true"),
    TIP_UNFOUNDED: _("Tip verified as unfounded"),
    TIP_TO_HAZARD: _("Hazard raised from the tip"),
    TIP_TO_CASE: _("Case opened from the tip"),
    REWARD_PROPOSED: _("Reward proposed"),
    REWARD_APPROVED: _("Reward approved"),
    REWARD_DECLINED: _("Reward declined"),
    REWARD_PAID: _("Reward paid"),
    LISTING_PUBLISHED: _("Listed hazard published"),
    LISTING_WITHDRAWN: _("Listed hazard publication withdrawn"),
}

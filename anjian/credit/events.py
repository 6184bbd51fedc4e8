"""The event action codes of the credit app and how every timeline names them (``core.events``
reads ``EVENT_LABELS``). The codes are stored: they never change meaning."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CREATED = "created"
VOIDED = "voided"  # core.workflow.void writes it on every record
RECORD_CONFIRMED = "credit_record_confirmed"
RECORD_COLLECTED = "credit_record_collected"

LISTING_PROPOSED = "blacklist_proposed"
LISTING_DECIDED = "blacklist_decided"
LISTING_PUBLISHED = "blacklist_published"
LISTING_REPAIRED = "blacklist_repaired"
LISTING_EXPIRED = "blacklist_expired"
LISTING_WITHDRAWN = "blacklist_withdrawn"

NOTICE_ISSUED = "joint_notice_issued"

EVENT_LABELS = {
    CREATED: pgettext_lazy("credit event", "Recorded"),
    VOIDED: pgettext_lazy("credit event", "Voided"),
    RECORD_CONFIRMED: _("Credit record confirmed"),
    RECORD_COLLECTED: _("Credit record derived from a decision"),
    LISTING_PROPOSED: _("Proposed for the list of seriously untrustworthy entities"),
    LISTING_DECIDED: _("Listed as seriously untrustworthy"),
    LISTING_PUBLISHED: _("Listing published"),
    LISTING_REPAIRED: _("Removed early after credit repair"),
    LISTING_EXPIRED: _("Removed at the end of the term"),
    LISTING_WITHDRAWN: _("Listing proposal withdrawn"),
    NOTICE_ISSUED: _("Joint punishment notice issued"),
}

"""The event action codes of the obligations app and how every timeline names them.

The services write these codes (``core.Event.action``, through ``core.workflow``); ``EVENT_LABELS``
names each one (read by ``core.events`` for every timeline and the admin's event list). The codes
are stored: they never change meaning."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CREATED = "created"
UPDATED = "updated"
VOIDED = "voided"  # core.workflow.void writes it on every record
VERIFIED = "verified"

LICENCE_SUSPENDED = "licence_suspended"
LICENCE_REINSTATED = "licence_reinstated"
LICENCE_REVOKED = "licence_revoked"

PERSON_LEFT = "person_left"
CERTIFICATE_REVOKED = "obligation_certificate_revoked"
PERSONS_IMPORTED = "key_persons_imported"

STD_WITHDRAWAL_PROPOSED = "std_withdrawal_proposed"
STD_KEPT = "std_kept"
STD_WITHDRAWN = "std_withdrawn"
SPOT_CHECK_DRAWN = "spot_check_drawn"
SPOT_CHECK_CLOSED = "spot_check_closed"
SPOT_PASSED = "spot_check_passed"
SPOT_FAILED = "spot_check_failed"

EVENT_LABELS = {
    CREATED: pgettext_lazy("obligations event", "Recorded"),
    UPDATED: pgettext_lazy("obligations event", "Details corrected"),
    VOIDED: pgettext_lazy("obligations event", "Voided"),
    VERIFIED: pgettext_lazy("obligations event", "Verified by the regulator"),
    LICENCE_SUSPENDED: _("Licence suspended"),
    LICENCE_REINSTATED: _("Licence reinstated"),
    LICENCE_REVOKED: _("Licence revoked or cancelled"),
    PERSON_LEFT: _("Left the post"),
    CERTIFICATE_REVOKED: _("Certificate revoked"),
    PERSONS_IMPORTED: _("People and certificates imported"),
    STD_WITHDRAWAL_PROPOSED: _("Withdrawal of the grade proposed"),
    STD_KEPT: _("Grade kept"),
    STD_WITHDRAWN: _("Grade withdrawn (摘牌)"),
    SPOT_CHECK_DRAWN: _("Spot check drawn"),
    SPOT_CHECK_CLOSED: _("Spot check closed"),
    SPOT_PASSED: _("Spot check passed"),
    SPOT_FAILED: _("Spot check failed"),
}

"""Warning rules of the credit app (imported at start-up by ``AlertsConfig.ready``), thresholds read
from the scheme's parameters at every scan (``CreditParameter``, our defaults, unconfirmed):

- ``credit_record_unconfirmed``: a credit record (entered by hand or derived from a decision) has
  awaited confirmation longer than ``confirm_days`` (7) — to the regulators;
- ``credit_listing_term_ending``: a listing's term ends within ``term_warn_days`` (30) days — the
  deciding department prepares the removal (the daily task removes it on the day) — to the
  regulators and the enterprise.

Voided records and listings, and those of voided enterprises, raise nothing; a warning whose record
stops matching (confirmed, removed) closes at the next scan."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import ENTERPRISE, REGULATORS, WarningRule, register
from anjian.alerts.models import Warning

from . import selectors
from .choices import ListingState, Parameter, RecordState
from .models import Blacklisting, CreditRecord


def awaiting_confirmation(now: datetime) -> QuerySet:
    days = selectors.parameters()[Parameter.CONFIRM_DAYS]
    return CreditRecord.objects.filter(is_voided=False, state=RecordState.PENDING, enterprise__is_voided=False,
                                       created_at__lt=now - timedelta(days=days))


register(WarningRule(
    code="credit_record_unconfirmed",
    title=_("Credit record awaiting confirmation"),
    level=Warning.Level.NOTICE,
    message=_("A credit record of %(enterprise)s (%(kind)s, %(day)s) awaits confirmation."),
    roles=REGULATORS,
    model=CreditRecord,
    matches=awaiting_confirmation,
    params={"enterprise": "enterprise__name", "kind": "kind__name", "day": Cast("occurred_on", CharField())},
    url_name="credit:record",
    description=_("A credit record entered or derived more than the confirmation days ago is not confirmed yet."),
))


def term_ending(now: datetime) -> QuerySet:
    day = timezone.localdate(now)
    days = selectors.parameters()[Parameter.TERM_WARN_DAYS]
    return Blacklisting.objects.filter(is_voided=False, state=ListingState.LISTED, enterprise__is_voided=False,
                                       term_ends_on__gt=day, term_ends_on__lte=day + timedelta(days=days))


register(WarningRule(
    code="credit_listing_term_ending",
    title=_("Listing term ending"),
    level=Warning.Level.NOTICE,
    message=_("The listing of %(enterprise)s as seriously untrustworthy ends on %(until)s."),
    roles=REGULATORS | ENTERPRISE,
    model=Blacklisting,
    matches=term_ending,
    params={"enterprise": "enterprise__name", "until": Cast("term_ends_on", CharField())},
    url_name="credit:listing",
    description=_("A listing's term ends within the warning days; it is removed on the day the term ends."),
))

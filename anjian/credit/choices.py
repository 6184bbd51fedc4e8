"""Choice sets of the credit app (安全生产诚信) and its state machines, declared once as data: the
services take these steps through ``core.workflow``, the pages' buttons and the API's
``available_actions`` read them, and ``anjian statetables`` draws them.

- a credit record (good or bad) is *pending* until a regulator confirms it; only confirmed records
  count towards the grade; a record entered in error, or whose decision was overturned, is voided;
- a listing on the list of seriously untrustworthy entities (严重失信主体名单, 应急管理部令第11号) is
  *proposed*, *listed* by a decision (with its document and term), published (公示), and leaves the
  list at the end of its term or early after credit repair (信用修复); a proposal may be withdrawn;
- a joint punishment notice (联合惩戒) to other departments is a draft until issued."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class Certainty(models.TextChoices):
    """How sure a reference row is of its source."""

    CONFIRMED = "confirmed", _("Confirmed in the text")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed: check the official text")


class Polarity(models.TextChoices):
    GOOD = "good", pgettext_lazy("credit record", "Good")
    BAD = "bad", pgettext_lazy("credit record", "Bad")


class RecordSource(models.TextChoices):
    """Where a credit record comes from: a record of another app (derived by
    ``services.collect_records``), or entered by hand with the document it rests on."""

    CASE = "case", _("Enforcement case decision")
    ACCIDENT = "accident", _("Production safety accident")
    LISTED_HAZARD = "listed_hazard", _("Major hazard under listed supervision")
    #: A failed entry of the yearly standardisation spot check (``obligations.SpotCheckEntry``).
    STANDARDISATION = "standardisation", _("Standardisation spot check failed")
    MANUAL = "manual", _("Entered by hand")


DERIVED_SOURCES = (RecordSource.CASE, RecordSource.ACCIDENT, RecordSource.LISTED_HAZARD,
                   RecordSource.STANDARDISATION)


class RecordState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("credit record", "Awaiting confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("credit record", "Confirmed")


RECORD_MACHINE = StateMachine(model="credit.CreditRecord", states=RecordState, steps=[
    Step("confirm", pgettext_lazy("credit record", "Confirm"), sources=(RecordState.PENDING,),
         target=RecordState.CONFIRMED, right="manage", event=events.RECORD_CONFIRMED),
    Step("void", pgettext_lazy("credit", "Void"), right="manage", event=events.VOIDED),
])


class CreditGrade(models.TextChoices):
    """The grades of the scheme, best first (labels as in most provincial schemes; the thresholds
    are data, ``GradeBand``)."""

    A = "A", _("Trustworthy (A)")
    B = "B", _("Basically trustworthy (B)")
    C = "C", _("Untrustworthy (C)")
    D = "D", _("Seriously untrustworthy (D)")


class Parameter(models.TextChoices):
    """The numbers of the scheme (``CreditParameter`` rows), looked up by code."""

    BASE_SCORE = "base_score", _("Base score of every enterprise")
    DECAY_MONTHS = "decay_months", _("Months a confirmed record counts")
    LISTING_TERM_MONTHS = "listing_term_months", _("Term on the list (months)")
    REPAIR_AFTER_MONTHS = "repair_after_months", _("Months on the list before early removal")
    CONFIRM_DAYS = "confirm_days", _("Days a record may await confirmation")
    TERM_WARN_DAYS = "term_warn_days", _("Days before the end of a term to warn")


# --- the list of seriously untrustworthy entities (严重失信主体名单) ------------------------------

class ListingState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("blacklist", "Proposed")
    LISTED = "listed", pgettext_lazy("blacklist", "Listed")
    REPAIRED = "repaired", pgettext_lazy("blacklist", "Removed early (credit repaired)")
    EXPIRED = "expired", pgettext_lazy("blacklist", "Removed at the end of the term")
    WITHDRAWN = "withdrawn", pgettext_lazy("blacklist", "Withdrawn")


def _not_published(listing) -> bool:
    return listing.published_on is None


def _term_ended(listing) -> bool:
    return listing.term_ends_on is not None and timezone.localdate() >= listing.term_ends_on


def _repairable(listing) -> bool:
    return listing.repair_from is not None and timezone.localdate() >= listing.repair_from


LISTING_MACHINE = StateMachine(model="credit.Blacklisting", states=ListingState, steps=[
    Step("decide", pgettext_lazy("blacklist", "Decide the listing"), sources=(ListingState.PROPOSED,),
         target=ListingState.LISTED, right="decide", event=events.LISTING_DECIDED),
    Step("publish", pgettext_lazy("blacklist", "Publish"), sources=(ListingState.LISTED,), right="decide",
         event=events.LISTING_PUBLISHED,
         guards=(Guard(_not_published, _("The listing is already published."), field="published_on"),)),
    Step("repair", pgettext_lazy("blacklist", "Remove early (credit repair)"), sources=(ListingState.LISTED,),
         target=ListingState.REPAIRED, right="decide", event=events.LISTING_REPAIRED,
         guards=(Guard(_repairable, _("Early removal is possible only after the minimum time on the list."),
                       field="repair_from"),)),
    Step("expire", pgettext_lazy("blacklist", "Remove at the end of the term"), sources=(ListingState.LISTED,),
         target=ListingState.EXPIRED, right="decide", event=events.LISTING_EXPIRED,
         guards=(Guard(_term_ended, _("The term has not ended yet."), field="term_ends_on"),)),
    Step("withdraw", pgettext_lazy("blacklist", "Withdraw the proposal"), sources=(ListingState.PROPOSED,),
         target=ListingState.WITHDRAWN, right="decide", event=events.LISTING_WITHDRAWN),
])


# --- joint punishment notices (联合惩戒) ---------------------------------------------------------

class NoticeState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("joint notice", "Draft")
    ISSUED = "issued", pgettext_lazy("joint notice", "Issued")


NOTICE_MACHINE = StateMachine(model="credit.JointNotice", states=NoticeState, steps=[
    Step("issue", pgettext_lazy("joint notice", "Issue"), sources=(NoticeState.DRAFT,), target=NoticeState.ISSUED,
         right="decide", event=events.NOTICE_ISSUED),
    Step("void", pgettext_lazy("credit", "Void"), sources=(NoticeState.DRAFT,), right="decide",
         event=events.VOIDED),
])

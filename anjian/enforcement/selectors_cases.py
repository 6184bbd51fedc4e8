"""Reads of the administrative cases shared by the services' guards, the pages, the API, the
warning rules and the indicators: due dates from the editable time limits, whether a decision is
major (legal review), whether a fine lies in its tier's range, and the public rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from .choices import MAJOR_MEASURES, CaseState, DayKind, PartyKind
from .models import Case, CaseThreshold, CaseTimeLimit, CaseViolation, DiscretionTier

#: What a time limit falls back to when an administrator deleted its row (the shipped defaults).
DEFAULT_LIMITS = {"file": (7, DayKind.WORKING, 0), "decide": (90, DayKind.NATURAL, 90),
                  "hearing_request": (5, DayKind.NATURAL, 0), "delivery": (7, DayKind.NATURAL, 0),
                  "payment": (15, DayKind.NATURAL, 0)}
DEFAULT_THRESHOLDS = {"review_unit": Decimal(50_000), "review_person": Decimal(20_000)}


def time_limit(code: str) -> tuple[int, str, int]:
    """(days, day kind, extension days) of the time limit ``code``, as the database holds it now."""
    row = CaseTimeLimit.objects.filter(code=code).values_list("days", "day_kind", "extension_days").first()
    return tuple(row) if row else DEFAULT_LIMITS[code]


def threshold(code: str) -> Decimal:
    row = CaseThreshold.objects.filter(code=code).values_list("amount", flat=True).first()
    return row if row is not None else DEFAULT_THRESHOLDS[code]


def add_days(start: datetime.date, days: int, kind: str) -> datetime.date:
    """``start`` + ``days`` natural days, or working days (Monday to Friday; public holidays and
    their make-up working days are not known to the platform, so they count as ordinary days)."""
    if kind != DayKind.WORKING:
        return start + datetime.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def due_date(code: str, start: datetime.date) -> datetime.date:
    days, kind, _extension = time_limit(code)
    return add_days(start, days, kind)


# --- guards ----------------------------------------------------------------------------------

def case_violations(case: Case) -> list[CaseViolation]:
    """The case's violations with their catalogue entries (remembered on the case for the request:
    several guards read them)."""
    cached = case.__dict__.get("_violations")
    if cached is None:
        cached = list(CaseViolation.objects.filter(case_id=case.pk, is_voided=False).select_related("violation").order_by("id"))
        case.__dict__["_violations"] = cached
    return cached


def forget(case: Case) -> None:
    case.__dict__.pop("_violations", None)


def tier_range(violation_id: int, tier: str) -> tuple[Decimal, Decimal] | None:
    row = DiscretionTier.objects.filter(violation_id=violation_id, tier=tier).values_list(
        "min_fine", "max_fine").first()
    return tuple(row) if row else None


def in_range(violation_id: int, tier: str, fine: Decimal) -> bool:
    """The fine lies in the tier's range (a violation without tiers — no fixed range — accepts any)."""
    bounds = tier_range(violation_id, tier)
    return bounds is None or bounds[0] <= fine <= bounds[1]


def out_of_range_without_reason(case: Case) -> list[CaseViolation]:
    """The case's violations whose fine lies outside their tier's range with no reason recorded."""
    return [cv for cv in case_violations(case)
            if not cv.deviation_reason.strip() and not in_range(cv.violation_id, cv.tier, cv.fine)]


def total_fine(case: Case) -> Decimal:
    return sum((cv.fine for cv in case_violations(case)), Decimal(0))


def persons_fine(case: Case) -> Decimal:
    return sum((p.fine for p in case.parties.filter(kind=PartyKind.PERSON)), Decimal(0))


def review_required(case: Case, *, measure: str | None = None, fine: Decimal | None = None) -> bool:
    """法制审核 is required (《行政处罚法》第五十八条): a fine on the unit at or above the unit
    threshold, a fine on a person at or above the person threshold, or a major measure
    (suspension, licence suspension or revocation, closure) — decided, or provided by a
    violation of the case."""
    fine = total_fine(case) if fine is None else fine
    if fine >= threshold("review_unit"):
        return True
    if case.pk and persons_fine(case) >= threshold("review_person") > 0:
        return True
    measures = {measure if measure is not None else case.measure}
    measures.update(cv.violation.measure for cv in case_violations(case))
    return bool(measures & set(MAJOR_MEASURES))


def reply_period_over(case: Case, today: datetime.date | None = None) -> bool:
    """The party's time to state its case or ask for a hearing (《行政处罚法》第六十四条: five days
    after the notice, the ``hearing_request`` limit) has ended, or its statement was recorded."""
    if case.statement_on is not None:
        return True
    if case.notified_on is None:
        return False
    today = today or timezone.localdate()
    return today > due_date("hearing_request", case.notified_on)


# --- lists ------------------------------------------------------------------------------------

def case_list(qs: QuerySet) -> QuerySet:
    """A page of cases with what the list shows (one query with its joins)."""
    return qs.select_related("enterprise", "department").only(
        "id", "number", "title", "state", "discovered_on", "filed_on", "decide_due", "decided_on", "fine_amount",
        "pre_accident", "version", "is_voided", "enterprise__name", "department__name")


def decided_on_time(case: Case) -> bool | None:
    """Whether a concluded case reached its outcome by its decision due date (None: not yet)."""
    done = case.decided_on or case.outcome_on
    if done is None or case.decide_due is None:
        return None
    return done <= case.decide_due


def public_decisions(qs: QuerySet) -> QuerySet:
    """The published decisions, newest first, with only the public fields (no person of the
    enterprise, no facts, no evidence)."""
    return (qs.filter(published_at__isnull=False, is_voided=False,
                      state__in=(CaseState.DECIDED, CaseState.EXECUTED, CaseState.CLOSED))
            .order_by("-decided_on", "-id")
            .values("id", "decision_number", "decided_on", "enterprise__name", "enterprise__credit_code",
                    "department__name", "public_summary", "fine_amount", "measure"))

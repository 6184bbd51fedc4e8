"""Read-side queries of the credit app, shared by the services, the pages, the API, the warning
rules, the indicators, the enterprise's file and enforcement's frequency (``credit_factors``).

What the scheme means is defined here once:

- a record counts towards the score when it is confirmed, not voided and its day lies within the
  decay window (``decay_months`` back from the day of the computation, that day excluded);
- the score is the base score plus the points of the counted records (a record's own points when
  set, else its kind's);
- the grade is the best band whose lowest score the score reaches; an enterprise on the list of
  seriously untrustworthy entities is in the worst band whatever its score;
- the green channel and "more inspections" are the band's.

None of these helpers applies jurisdiction scoping: callers pass ids or querysets read through
``for_user`` (the rules read everything, as the engine does)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from anjian.core.dates import add_months

from .choices import CreditGrade, ListingState, Parameter, RecordState
from .models import Blacklisting, CreditParameter, CreditRecord, EnterpriseCredit, GradeBand

CHUNK = 2000


def parameters() -> dict[str, int]:
    """Every number of the scheme by code (one query); a missing row reads its default."""
    from .data.reference import PARAMETERS

    values = {code: value for code, value, _s, _c in PARAMETERS}
    values.update(CreditParameter.objects.values_list("code", "value"))
    return values


def bands() -> list[GradeBand]:
    """The grade bands, highest lowest-score first (one query)."""
    return list(GradeBand.objects.order_by("-min_score", "grade"))


def band_for(score: int, blacklisted: bool, bands_: list[GradeBand]) -> GradeBand | None:
    if not bands_:
        return None
    if blacklisted:
        return bands_[-1]
    for band in bands_:
        if score >= band.min_score:
            return band
    return bands_[-1]


def window_start(day: date, months: int) -> date:
    """The first day a record counts on ``day``: ``months`` back (a record of that very day counts)."""
    return add_months(day, -months)


def counted_q(day: date, months: int) -> Q:
    return Q(is_voided=False, state=RecordState.CONFIRMED, occurred_on__gt=window_start(day, months),
             occurred_on__lte=day)


def listed_q() -> Q:
    return Q(is_voided=False, state=ListingState.LISTED)


def scores(enterprise_ids: Iterable[int], day: date, params: dict[str, int] | None = None
           ) -> dict[int, tuple[int, bool]]:
    """(score, blacklisted) of each enterprise on ``day``: two grouped queries a chunk."""
    params = params or parameters()
    base, months = params[Parameter.BASE_SCORE], params[Parameter.DECAY_MONTHS]
    out: dict[int, tuple[int, bool]] = {}
    ids = sorted(set(enterprise_ids))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        sums = dict(CreditRecord.objects.filter(counted_q(day, months), enterprise_id__in=chunk).order_by()
                    .values("enterprise_id").annotate(s=Sum(Coalesce("points", "kind__points")))
                    .values_list("enterprise_id", "s"))
        listed = set(Blacklisting.objects.filter(listed_q(), enterprise_id__in=chunk)
                     .values_list("enterprise_id", flat=True))
        for pk in chunk:
            out[pk] = (base + int(sums.get(pk) or 0), pk in listed)
    return out


def credit_factors(enterprise_ids: Iterable[int]) -> dict[int, dict[str, bool]]:
    """For enforcement's frequency (分级差别化): per enterprise with a computed credit, whether it is
    blacklisted, in a band with more inspections, or in the green channel. One query a chunk."""
    out: dict[int, dict[str, bool]] = {}
    ids = sorted(set(enterprise_ids))
    for i in range(0, len(ids), CHUNK):
        for pk, black, more, green in EnterpriseCredit.objects.filter(enterprise_id__in=ids[i:i + CHUNK]).values_list(
                "enterprise_id", "blacklisted", "more_inspections", "green_channel"):
            out[pk] = {"blacklisted": black, "poor_credit": more and not black, "green_channel": green}
    return out


def grade_counts(qs: QuerySet) -> dict[str, int]:
    """Enterprises of ``qs`` (EnterpriseCredit rows) per grade, every grade present."""
    counts = dict(qs.order_by().values("grade").annotate(n=Count("pk")).values_list("grade", "n"))
    return {g: counts.get(g, 0) for g in CreditGrade.values}


def open_listing(enterprise_id: int) -> Blacklisting | None:
    return (Blacklisting.objects.filter(enterprise_id=enterprise_id, is_voided=False,
                                        state__in=[ListingState.PROPOSED, ListingState.LISTED]).first())


def credit_grades(user, enterprise_ids: Iterable[int]) -> dict[int, str]:
    """For a page of enterprises (ids read through ``for_user``): each one's credit grade (A–D).
    Enterprises without a computed credit are absent. One query on the one-to-one key."""
    rows = (EnterpriseCredit.objects.for_user(user).filter(enterprise_id__in=list(enterprise_ids))
            .values_list("enterprise_id", "grade"))
    return dict(rows)


def enterprise_summary(user, enterprise) -> dict[str, Any]:
    """One enterprise's credit as ``user`` sees it: four queries (its credit, its recent records,
    their counts, its open listing)."""
    credit = EnterpriseCredit.objects.for_user(user).filter(enterprise_id=enterprise.pk).first()
    records = CreditRecord.objects.for_user(user).filter(enterprise_id=enterprise.pk)
    recent = list(records.select_related("kind").order_by("-occurred_on", "-id")[:6])
    counts = records.aggregate(total=Count("pk"), pending=Count("pk", filter=Q(state=RecordState.PENDING)))
    listing = (Blacklisting.objects.for_user(user).filter(enterprise_id=enterprise.pk)
               .filter(state__in=[ListingState.PROPOSED, ListingState.LISTED]).first())
    return {"credit": credit, "recent": recent, "listing": listing, **counts}

"""Differentiated supervision (分级差别化): an enterprise's planned visits a year.

    planned = base(risk grade) + Σ extra visits of the factors it has

- the base is the risks app's table (``risks.SupervisionFrequency``: risk level → inspections a
  year); an enterprise not graded yet gets the low level's (as ``risks.selectors`` does);
- the factors: an open major hazard (重大隐患 not closed out), an accident last year, an
  enforcement case filed last year, and the enterprise's credit now (``credit.selectors
  .credit_factors``: on the list of seriously untrustworthy entities, a poor credit grade, or the
  green channel of the best grade); each adds the visits of its ``FrequencyUplift`` row — the green
  channel's are negative, and the planned visits never fall below the lowest base frequency (the
  floor: the least any risk grade gets).

Both tables are data an administrator edits, each row with its source. ``factors_for`` reads
the factors of many enterprises in a few grouped queries per chunk of ids."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from .choices import UpliftFactor

CHUNK = 2000


@dataclass(frozen=True)
class Factors:
    risk_level: str = ""
    open_major_hazards: int = 0
    accident_last_year: bool = False
    case_last_year: bool = False
    blacklisted: bool = False
    poor_credit: bool = False
    green_channel: bool = False

    def present(self) -> list[str]:
        out = []
        if self.open_major_hazards:
            out.append(UpliftFactor.OPEN_MAJOR_HAZARD)
        if self.accident_last_year:
            out.append(UpliftFactor.ACCIDENT_LAST_YEAR)
        if self.case_last_year:
            out.append(UpliftFactor.CASE_LAST_YEAR)
        if self.blacklisted:
            out.append(UpliftFactor.BLACKLISTED)
        if self.poor_credit:
            out.append(UpliftFactor.POOR_CREDIT)
        if self.green_channel:
            out.append(UpliftFactor.GREEN_CHANNEL)
        return out


def tables() -> tuple[dict[str, int], dict[str, int]]:
    """(risk level → base visits, factor → extra visits), read now (two small queries)."""
    from anjian.risks.models import SupervisionFrequency

    from .models import FrequencyUplift

    base = dict(SupervisionFrequency.objects.values_list("level", "per_year"))
    uplifts = dict(FrequencyUplift.objects.values_list("factor", "extra_visits"))
    return base, uplifts


def visits(factors: Factors, base: dict[str, int], uplifts: dict[str, int]) -> tuple[int, int]:
    """(base visits of the grade, planned visits with the uplifts) for one enterprise."""
    from anjian.risks.choices import RiskLevel

    first = base.get(factors.risk_level or RiskLevel.LOW.value, base.get(RiskLevel.LOW.value, 0)) or 0
    planned = first + sum(uplifts.get(f, 0) for f in factors.present())
    floor = min((v for v in base.values() if v is not None), default=0)
    return first, max(planned, min(floor, first))


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def factors_for(enterprise_ids: Iterable[int], year: int) -> dict[int, Factors]:
    """The factors of each enterprise for a plan of ``year`` (last year = ``year - 1``). The caller
    read the ids through ``for_user``; nothing here narrows by scope. Five grouped queries a chunk."""
    from anjian.accidents.models import Accident
    from anjian.credit.selectors import credit_factors
    from anjian.hazards.choices import UNCLOSED_STATES, HazardGrade
    from anjian.hazards.models import Hazard
    from anjian.risks.models import EnterpriseRiskGrade

    from .selectors import cases_filed_between

    start, end = datetime.date(year - 1, 1, 1), datetime.date(year, 1, 1)
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(enterprise_ids))):
        rows = {pk: {} for pk in chunk}
        for pk, level in EnterpriseRiskGrade.objects.filter(enterprise_id__in=chunk).values_list("enterprise_id",
                                                                                                 "level"):
            rows[pk]["risk_level"] = level or ""
        for pk, n in (Hazard.objects.filter(enterprise_id__in=chunk, is_voided=False, grade=HazardGrade.MAJOR,
                                            state__in=list(UNCLOSED_STATES))
                      .order_by().values("enterprise_id").annotate(n=Count("id")).values_list("enterprise_id", "n")):
            rows[pk]["open_major_hazards"] = n
        for pk in (Accident.objects.filter(enterprise_id__in=chunk, is_voided=False, occurred_at__date__gte=start,
                                           occurred_at__date__lt=end).values_list("enterprise_id", flat=True)
                   .distinct()):
            rows[pk]["accident_last_year"] = True
        for pk in cases_filed_between(chunk, start, end):
            rows[pk]["case_last_year"] = True
        for pk, flags in credit_factors(chunk).items():
            rows[pk].update(flags)
        out.update(rows)
    return {pk: Factors(**values) for pk, values in out.items()}

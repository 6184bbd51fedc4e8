"""The regulator's dashboard: the headline indicators of a unit against their targets, their
monthly trend over the year, the distribution over the regions below (each a drill-down) and over
industries. Read by the dashboard page, its API and the home page's panel.

Cost: the headline is one evaluation (a query per table, whatever the number of regions); the
trend one evaluation per month of the year (two tables); the regions below one evaluation for all
of them; the industries one grouped query over the hazards (``hazards.selectors.hazard_statistics``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from anjian.core import indicators
from anjian.core.indicators import Period, Subject
from anjian.hazards.models import Hazard
from anjian.hazards.selectors import hazard_statistics
from anjian.regions.models import Region

from . import selectors

#: The headline indicators, in the order the cards show them.
HEADLINE = ("hazard_rectification_rate", "major_hazard_rectification_rate", "self_inspection_completion",
            "supervision_coverage", "accidents_change", "deaths_change", "double_decline", "warnings_overdue")
#: The indicators drawn month by month.
TREND = ("hazard_rectification_rate", "self_inspection_completion")
#: The indicators compared across the regions below.
BY_REGION = ("hazard_rectification_rate", "supervision_coverage", "self_inspection_completion", "warnings_open")


def headline(user, subject: Subject, period: Period, *, today: date | None = None) -> list[selectors.Row]:
    return selectors.indicator_table(user, subject, period, codes=HEADLINE, today=today)


def _plain(value) -> float | None:
    return None if value is None else float(value)


def trend(user, subject: Subject, year: int, *, today: date | None = None) -> dict[str, Any]:
    """Each TREND indicator per month of ``year`` up to the current month."""
    today = today or timezone.localdate()
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    months = [Period.month(year, m) for m in range(1, last + 1)]
    series: dict[str, list[float | None]] = {code: [] for code in TREND}
    for period in months:
        values = indicators.evaluate(TREND, user, [subject], period, today=today)
        for code in TREND:
            series[code].append(_plain(values[code][subject.key].value))
    return {"months": [p.label for p in months],
            "series": [{"code": c, "name": str(indicators.get(c).name), "values": series[c]} for c in TREND]}


def by_region(user, subject: Subject, region: Region | None, period: Period, *, today: date | None = None
              ) -> dict[str, Any]:
    """The BY_REGION indicators for each region directly below, with the link that drills down."""
    children = selectors.child_regions(user, region) if region is not None and subject.kind == "region" else []
    subjects = [selectors.region_subject(r) for r in children]
    values = indicators.evaluate(BY_REGION, user, subjects, period, today=today) if subjects else {}
    url = reverse("assessment:dashboard")
    return {"regions": [{"code": s.key, "name": s.label, "url": f"{url}?region={s.key}",
                         "cells": [{"value": _plain(values[c][s.key].value), "unit": indicators.get(c).unit}
                                   for c in BY_REGION]} for s in subjects],
            "series": [{"code": c, "name": str(indicators.get(c).name), "unit": indicators.get(c).unit,
                        "values": [_plain(values[c][s.key].value) for s in subjects]} for c in BY_REGION]}


def by_industry(user, subject: Subject, period: Period, limit: int = 10) -> dict[str, Any]:
    """Hazards found in the period per industry (the most first) with their rectification rate:
    one grouped query (the hazard statistics' own)."""
    qs = Hazard.objects.for_user(user).filter(subject.q(Hazard)).filter(period.q("found_at"))
    table = hazard_statistics(user, group_by="industry", queryset=qs)
    rows = sorted(table.rows, key=lambda r: -r.counts["total"])[:limit]
    return {"industries": [r.label for r in rows], "found": [r.counts["total"] for r in rows],
            "rectified": [r.counts["done"] for r in rows],
            "rate": [None if r.rates["rectification_rate"] is None else round(r.rates["rectification_rate"] * 100, 2)
                     for r in rows]}


def dashboard_data(user, subject: Subject, region: Region | None, period: Period, *, today: date | None = None
                   ) -> dict[str, Any]:
    rows = headline(user, subject, period, today=today)
    return {"headline": [r.as_dict() for r in rows], "rows": rows,
            "trend": trend(user, subject, period.last_day.year, today=today),
            "by_region": by_region(user, subject, region, period, today=today),
            "by_industry": by_industry(user, subject, period)}


def charts(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON the page's charts draw (no model objects)."""
    return {k: v for k, v in data.items() if k != "rows"}


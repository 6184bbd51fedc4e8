"""Reads of the committee office's records shared by pages, the API and (after the merge) the
indicator registry.

**Indicator selectors.** Each figure the office's records feed is a pair of functions over a
region scope (the region with path ``path`` and everything below it, by the records' own
``region_path``) and a period (``start``…``end``, both days inclusive), not narrowed to a user —
the registry narrows the region to the caller's scope before it asks:

- ``report_timeliness(path, start, end)`` → ``Figure``, with ``report_timeliness_records(…, part=…)``:
  monthly reports (两议一报) submitted on time / reports due;
- (further selectors are added with their records: tours, tasks, campaigns).

A ``Figure`` says how it was computed (``numerator``/``denominator`` names and the counts of each
part); the records function answers exactly the rows behind a part, so a rate of 93% lists the
7% missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anjian.core.paths import subtree_q

from .models import MonthlyReport


@dataclass(frozen=True)
class Figure:
    """One computed figure: ``numerator`` of ``denominator`` (a rate, None when nothing is due),
    the counts of every part (the parts' names are the ``part`` values of the records function),
    and how it was computed, in words (``explanation``, for the page that shows it)."""

    numerator: int
    denominator: int
    parts: dict[str, int] = field(default_factory=dict)
    explanation: str = ""

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, Any]:
        return {"numerator": self.numerator, "denominator": self.denominator,
                "rate": None if self.rate is None else round(self.rate, 4), "parts": dict(self.parts),
                "explanation": self.explanation}


def _months(start: datetime.date, end: datetime.date) -> Q:
    """Reports of the months from ``start``'s to ``end``'s (a report's period is its first day)."""
    return Q(period__gte=start.replace(day=1), period__lte=end)


# --- monthly reports (两议一报) ---------------------------------------------------------------------------

REPORT_PARTS = ("on_time", "late", "missing")
"""The parts of the timeliness figure: submitted on or before the due day, submitted after it,
still not submitted after it. Reports not yet due and not submitted are not counted."""


def _due_reports(path: str, start: datetime.date, end: datetime.date, today: datetime.date) -> QuerySet:
    return (MonthlyReport.objects.filter(subtree_q("region_path", path), _months(start, end), is_voided=False)
            .filter(Q(first_submitted_at__isnull=False) | Q(due_on__lt=today)))


def _report_part(part: str) -> Q:
    submitted = Q(first_submitted_at__isnull=False)
    return {"on_time": submitted & Q(late=False), "late": submitted & Q(late=True),
            "missing": Q(first_submitted_at__isnull=True)}[part]


def report_timeliness(path: str, start: datetime.date, end: datetime.date, *,
                      today: datetime.date | None = None) -> Figure:
    """Monthly-report timeliness (两议一报及时率) of the units in the region ``path`` for the months
    from ``start`` to ``end``: reports first submitted on or before their due day, of the reports
    due by ``today`` (a report submitted early counts even before its due day). One aggregate."""
    today = today or timezone.localdate()
    counts = _due_reports(path, start, end, today).aggregate(
        **{part: Count("pk", filter=_report_part(part)) for part in REPORT_PARTS})
    due = sum(counts.values())
    return Figure(numerator=counts["on_time"], denominator=due, parts=counts,
                  explanation="两议一报及时率 = 按期报送的月度报告数 ÷ 已到截止日（或已报送）的月度报告数；"
                              "按期以首次报送日不晚于截止日为准，退回后再报送不改变是否按期。")


def report_timeliness_records(path: str, start: datetime.date, end: datetime.date, *, part: str = "missing",
                              today: datetime.date | None = None) -> QuerySet:
    """The reports behind one part of ``report_timeliness`` (``on_time``, ``late``, ``missing``)."""
    if part not in REPORT_PARTS:
        raise ValueError(f"part must be one of {REPORT_PARTS}")
    today = today or timezone.localdate()
    return (_due_reports(path, start, end, today).filter(_report_part(part))
            .select_related("unit").order_by("period", "unit__sort", "unit__name", "pk"))


# --- pages ------------------------------------------------------------------------------------------------

def report_board(reports: QuerySet, units: QuerySet, year: int) -> list[dict[str, Any]]:
    """The year's board of the monthly reports: one row per unit with its twelve months (the
    report, or None), for the units and reports the caller may see. Two queries."""
    rows = {u.pk: {"unit": u, "months": [None] * 12} for u in units.order_by("committee_region", "sort", "name")}
    for report in reports.filter(period__year=year).only(
            "pk", "unit_id", "period", "state", "late", "due_on", "first_submitted_at", "meetings_held",
            "min_meetings", "version"):
        row = rows.get(report.unit_id)
        if row is not None:
            row["months"][report.period.month - 1] = report
    return list(rows.values())

"""Helpers for testing indicators (core.indicators): a subject from a region row, one figure,
the keys of a drill-down list, and the check every indicator must pass — each list of records
behind a figure holds exactly as many records as the part of the figure it stands for."""

from __future__ import annotations

from datetime import date

from anjian.core import indicators
from anjian.core.indicators import Period, Subject, Value


def region_subject(region) -> Subject:
    """The subject of a region row (anything with code, name, path, pk and level)."""
    return Subject.for_region(code=region.code, name=region.name, path=region.path, pk=region.pk,
                              level=getattr(region, "level", ""))


def department_subject(department, industry_ids=()) -> Subject:
    return Subject.for_department(pk=department.pk, name=department.name, path=department.region.path,
                                  region_id=department.region_id, industry_ids=industry_ids)


def figure(code: str, viewer, subject, period: Period, **kw) -> Value:
    """One indicator's figure for one subject (a Subject or a region row)."""
    subject = subject if isinstance(subject, Subject) else region_subject(subject)
    return indicators.evaluate([code], viewer, [subject], period, **kw)[code][subject.key]


def figures(code: str, viewer, subjects, period: Period, **kw) -> dict[str, Value]:
    subjects = [s if isinstance(s, Subject) else region_subject(s) for s in subjects]
    return indicators.evaluate([code], viewer, subjects, period, **kw)[code]


def drill_keys(code: str, part: str, viewer, subject, period: Period, **kw) -> set:
    subject = subject if isinstance(subject, Subject) else region_subject(subject)
    indicator = indicators.get(code)
    return set(indicators.records(indicator, part, viewer, subject, period, **kw).values_list("pk", flat=True))


def assert_drills_match(code: str, viewer, subject, period: Period, **kw) -> Value:
    """Every drill-down part of ``code`` lists as many records as the part of the figure it
    stands for (numerator, denominator or their difference); answers the figure."""
    value = figure(code, viewer, subject, period, **kw)
    indicator = indicators.get(code)
    assert indicator.drill is not None, f"{code} has no drill-down"
    for part in indicator.drill.parts:
        n = len(drill_keys(code, part.code, viewer, subject, period, **kw))
        expected = {"numerator": value.numerator, "denominator": value.denominator,
                    "rest": (value.denominator or 0) - (value.numerator or 0)}.get(part.counts)
        if part.counts:
            assert n == expected, f"{code}/{part.code}: {n} records, the figure says {expected}"
    return value


def month(year: int, m: int) -> Period:
    return Period.month(year, m)


def year(y: int, today: date | None = None) -> Period:
    return Period.year(y, today)

"""Cadence period arithmetic: calendar periods (weeks from Monday, months, quarters, years),
multiples of a unit anchored so they never drift, and the shipped cadences."""

from datetime import date

import pytest

from anjian.inspections.choices import PeriodUnit
from anjian.inspections.models import InspectionCadence

pytestmark = pytest.mark.django_db


def period(unit: str, day: date, every: int = 1) -> tuple[date, date]:
    return InspectionCadence(code="x", name="x", unit=unit, every=every).period_of(day)


def test_migrate_ships_the_four_cadences():
    # given a migrated database, then the four cadences of the dual prevention mechanism exist in order
    rows = list(InspectionCadence.objects.values_list("code", "name", "unit", "every"))
    assert rows == [
        ("team_daily", "班组日查", "day", 1),
        ("workshop_weekly", "车间周查", "week", 1),
        ("plant_monthly", "厂矿月查", "month", 1),
        ("company_quarterly", "公司季查", "quarter", 1),
    ]


@pytest.mark.parametrize(("unit", "day", "expected"), [
    # a day is its own period
    (PeriodUnit.DAY, date(2026, 3, 1), (date(2026, 3, 1), date(2026, 3, 1))),
    # weeks run Monday to Sunday: Monday, mid-week and Sunday fall in the same week
    (PeriodUnit.WEEK, date(2026, 3, 2), (date(2026, 3, 2), date(2026, 3, 8))),
    (PeriodUnit.WEEK, date(2026, 3, 5), (date(2026, 3, 2), date(2026, 3, 8))),
    (PeriodUnit.WEEK, date(2026, 3, 8), (date(2026, 3, 2), date(2026, 3, 8))),
    # a week across the year end
    (PeriodUnit.WEEK, date(2026, 1, 1), (date(2025, 12, 29), date(2026, 1, 4))),
    # months: February of a leap year and of a common year, a 31-day month
    (PeriodUnit.MONTH, date(2028, 2, 29), (date(2028, 2, 1), date(2028, 2, 29))),
    (PeriodUnit.MONTH, date(2026, 2, 14), (date(2026, 2, 1), date(2026, 2, 28))),
    (PeriodUnit.MONTH, date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
    # quarters start in January, April, July, October
    (PeriodUnit.QUARTER, date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
    (PeriodUnit.QUARTER, date(2026, 4, 1), (date(2026, 4, 1), date(2026, 6, 30))),
    (PeriodUnit.QUARTER, date(2026, 11, 15), (date(2026, 10, 1), date(2026, 12, 31))),
    (PeriodUnit.YEAR, date(2026, 7, 1), (date(2026, 1, 1), date(2026, 12, 31))),
])
def test_period_of_a_day(unit, day, expected):
    # given a cadence of one unit, when asked for the period of a day, then it is the calendar period
    assert period(unit, day) == expected


def test_multiples_are_anchored_and_contiguous():
    # given cadences of every 2 weeks, every 2 months and every 3 days
    for unit, every, first in ((PeriodUnit.WEEK, 2, date(2026, 1, 5)), (PeriodUnit.MONTH, 2, date(2026, 1, 1)),
                               (PeriodUnit.DAY, 3, date(2026, 1, 1))):
        cadence = InspectionCadence(code="x", name="x", unit=unit, every=every)
        # when periods are walked one after another for a year
        start = cadence.period_start(first)
        for _ in range(20):
            end = cadence.period_end(start)
            # then each period holds its own first and last day, and the next starts the day after
            assert cadence.period_start(start) == start and cadence.period_start(end) == start
            nxt = cadence.next_period_start(start)
            assert (nxt - end).days == 1
            start = nxt


def test_two_monthly_periods_start_in_odd_months():
    # given "every 2 months", then periods are Jan–Feb, Mar–Apr …, whatever day is asked
    assert period(PeriodUnit.MONTH, date(2026, 4, 20), every=2) == (date(2026, 3, 1), date(2026, 4, 30))
    assert period(PeriodUnit.MONTH, date(2026, 5, 1), every=2) == (date(2026, 5, 1), date(2026, 6, 30))


def test_half_yearly_as_two_quarters():
    # given "every 2 quarters", then the periods are the two halves of the year
    assert period(PeriodUnit.QUARTER, date(2026, 8, 8), every=2) == (date(2026, 7, 1), date(2026, 12, 31))

"""The accidents' indicators against hand counts: accidents and deaths year on year (all,
construction, road traffic), 双下降 (with 零事故), 双杜绝, the deaths per 亿元 GDP and per
100,000 industrial workers (not available without the figure, nor for a month); drill-downs;
another county counts zero; and agreement with the accident statistics.

The clock is frozen at 2026-03-10; the period is the year 2025 against 2024."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anjian.accidents.choices import AccidentCategory, AccidentGrade
from anjian.accidents.statistics import accident_statistics
from anjian.accidents.tests.test_statistics import at, make_accident
from anjian.core.indicators import Period
from anjian.core.testing.indicators import assert_drills_match, drill_keys, figure, month
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import RegionFactory
from anjian.portal.testing.mixins import OTHER_COUNTY
from anjian.regions.choices import RegionLevel
from anjian.regions.models import RegionYearFigure

pytestmark = pytest.mark.django_db
Y2025 = Period.year(2025)


@pytest.fixture
def accidents(world, clock):
    """County A (2025 against 2024):
      a1 2025-03-10 ent_a, industrial, 1 dead
      a2 2025-03-20 road traffic (no enterprise), 2 dead + 1 missing (3 counted)
      a3 2025-07-01 ent_a_construction (建筑施工), industrial, 3 dead, relatively serious
      a4 2024-03-05 ent_a, industrial, 2 dead
      a5 2024-11-11 road traffic, 3 dead
      a6 2024-06-01 ent_a_construction, industrial, 1 dead
      av 2025-04-04 10 dead, voided — never counted
    County B: b1 2025-05-05 (1 dead); b2 2024-05-05 (1 dead); b3 2024-06-06 (1 dead).
    Figures of county A for 2025: GDP 300 亿元, 50,000 工矿商贸 workers."""
    ta, tb = world.township_a, world.township_b
    made = {
        "a1": make_accident(ta, at(2025, 3, 10), enterprise=world.ent_a, deaths=1),
        "a2": make_accident(ta, at(2025, 3, 20), category=AccidentCategory.ROAD_TRAFFIC, type_name="车辆伤害",
                            deaths=2, missing=1),
        "a3": make_accident(ta, at(2025, 7, 1), enterprise=world.ent_a_construction, deaths=3,
                            type_name="高处坠落", grade=AccidentGrade.RELATIVELY_SERIOUS),
        "a4": make_accident(ta, at(2024, 3, 5), enterprise=world.ent_a, deaths=2),
        "a5": make_accident(ta, at(2024, 11, 11), category=AccidentCategory.ROAD_TRAFFIC, type_name="车辆伤害",
                            deaths=3),
        "a6": make_accident(ta, at(2024, 6, 1), enterprise=world.ent_a_construction, deaths=1),
        "av": make_accident(ta, at(2025, 4, 4), deaths=10, voided=True),
        "b1": make_accident(tb, at(2025, 5, 5), enterprise=world.ent_b, deaths=1),
        "b2": make_accident(tb, at(2024, 5, 5), enterprise=world.ent_b, deaths=1),
        "b3": make_accident(tb, at(2024, 6, 6), enterprise=world.ent_b, deaths=1),
    }
    RegionYearFigure.objects.create(region=world.county_a, year=2025, gdp_100m_yuan=Decimal("300"),
                                    industrial_employment=50_000)
    return made


def test_year_on_year_is_the_hand_count(world, accidents):
    """County A: accidents 3 against 3 (0 %), deaths 7 against 6 (+16.67 %); construction 1/1 and
    3 dead against 1 (+200 %); road traffic 1/1 and 3/3 (0 %)."""
    viewer = world.users[Role.REGULATOR]
    expected = {"accidents_change": (3, 3, "0.00"), "deaths_change": (7, 6, "16.67"),
                "construction_accidents_change": (1, 1, "0.00"), "construction_deaths_change": (3, 1, "200.00"),
                "road_accidents_change": (1, 1, "0.00"), "road_deaths_change": (3, 3, "0.00")}
    for code, (cur, prev, pct) in expected.items():
        v = assert_drills_match(code, viewer, world.county_a, Y2025)
        assert (v.numerator, v.denominator, v.value) == (cur, prev, Decimal(pct)), code
    a = accidents
    assert drill_keys("accidents_change", "counted", viewer, world.county_a, Y2025) == {
        a["a1"].pk, a["a2"].pk, a["a3"].pk}
    assert drill_keys("road_deaths_change", "counted", viewer, world.county_a, Y2025) == {a["a2"].pk}


def test_verdicts(world, accidents):
    """County A: accidents not down (3 = 3) → no 双下降; a3 is relatively serious → no 双杜绝.
    County B: 1 against 2 and 1 against 2 → 双下降, and 双杜绝. A county without accidents in
    either year is 零事故 (achieved)."""
    admin = world.users[Role.ADMIN]
    v = figure("double_decline", admin, world.county_a, Y2025)
    assert (v.value, v.verdict) == (Decimal(0), "not_achieved")
    v = assert_drills_match("double_elimination", admin, world.county_a, Y2025)
    assert (v.value, v.verdict, v.numerator) == (Decimal(0), "not_achieved", 1)
    assert drill_keys("double_elimination", "counted", admin, world.county_a, Y2025) == {accidents["a3"].pk}
    v = figure("double_decline", admin, world.county_b, Y2025)
    assert (v.value, v.verdict) == (Decimal(1), "achieved")
    assert figure("double_elimination", admin, world.county_b, Y2025).verdict == "achieved"
    quiet = RegionFactory(name="丙县", level=RegionLevel.COUNTY, parent=world.city)
    v = figure("double_decline", admin, quiet, Y2025)
    assert (v.value, v.verdict) == (Decimal(1), "zero_accidents")


def test_rates_over_the_yearly_figures(world, accidents):
    """Deaths per 亿元: 7 ÷ 300 = 0.0233; per 100,000 workers: (a1 1 + a3 3) × 100,000 ÷ 50,000 = 8.
    County B has no figures: not available, with the reason. A month is not a year: not available."""
    viewer = world.users[Role.REGULATOR]
    v = assert_drills_match("deaths_per_100m_gdp", viewer, world.county_a, Y2025)
    assert (v.value, v.numerator, v.denominator) == (Decimal("0.0233"), 7, Decimal("300"))
    v = figure("deaths_per_100k_workers", viewer, world.county_a, Y2025)
    assert (v.value, v.numerator) == (Decimal("8.0000"), 4)
    v = figure("deaths_per_100m_gdp", world.users[OTHER_COUNTY], world.county_b, Y2025)
    assert v.value is None and v.note
    v = figure("deaths_per_100m_gdp", viewer, world.county_a, month(2025, 3))
    assert v.value is None and v.note


def test_other_county_counts_zero(world, accidents):
    other = world.users[OTHER_COUNTY]
    v = figure("accidents_change", other, world.county_a, Y2025)
    assert (v.numerator, v.denominator, v.value) == (0, 0, None)
    assert drill_keys("accidents_change", "counted", other, world.county_a, Y2025) == set()


def test_agrees_with_the_accident_statistics(world, accidents):
    """The city's statistics by county and the indicators say the same for each county."""
    admin = world.users[Role.ADMIN]
    stats = accident_statistics(admin, region=world.city.code, year=2025)
    for line in stats.regions:
        if line.is_root or line.code not in (world.county_a.code, world.county_b.code):
            continue
        region = world.county_a if line.code == world.county_a.code else world.county_b
        v = figure("double_decline", admin, region, Y2025)
        assert (v.value == 1) == (line.verdict.double_decline or line.verdict.zero_accidents)
        deaths = figure("deaths_change", admin, region, Y2025)
        assert (deaths.numerator, deaths.denominator) == (line.verdict.deaths, line.verdict.previous_deaths)
        gdp = figure("deaths_per_100m_gdp", admin, region, Y2025)
        expected = line.rates.deaths_per_100m_gdp
        assert (gdp.value is None and expected is None) or float(gdp.value) == expected

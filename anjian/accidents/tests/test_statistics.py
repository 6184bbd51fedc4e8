"""Accident statistics: every breakdown and its year-on-year comparison on a hand-built set,
the 双下降 verdict (equal is not a decline; exactly −20 % meets −20 %), the rates (and "not
available" when a figure is missing), scoping (the other county sees zeros; a region outside
the jurisdiction is 404), the API with its xlsx export, query counts, and the page.

English assertions send HTTP_ACCEPT_LANGUAGE="en"."""

from __future__ import annotations

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from anjian.accidents.choices import AccidentCategory, AccidentGrade
from anjian.accidents.models import Accident
from anjian.accidents.regulations import missing_counted_as_deaths
from anjian.accidents.statistics import (
    Period,
    Verdict,
    accident_statistics,
    change_pct,
    meets_target,
    parse_period,
    parse_target,
)
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import industry, make_user
from anjian.portal.testing.mixins import OTHER_COUNTY, fresh
from anjian.regions.models import RegionYearFigure
from anjian.standards.models import AccidentType

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
_numbers = itertools.count(1)


def at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime.datetime:
    """A local (project time zone) moment."""
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm), timezone.get_current_timezone())


def atype(name: str, scheme: str = "GB6441-1986") -> AccidentType:
    return AccidentType.objects.get(scheme=scheme, name=name)


def make_accident(region, when, *, enterprise=None, category=AccidentCategory.INDUSTRIAL, type_name="物体打击",
                  scheme="GB6441-1986", deaths=0, missing=0, serious=0, minor=0, loss="0",
                  grade=AccidentGrade.ORDINARY, voided=False, **extra) -> Accident:
    """An accident row written directly (statistics read columns, not the reporting workflow),
    with the region path, industry and grid copied as the core service does."""
    return Accident.objects.create(
        number=f"SG-T{next(_numbers):06d}", occurred_at=when, region=region, region_path=region.path,
        address="测试地址", enterprise=enterprise, industry=enterprise.industry if enterprise else None,
        grid=enterprise.grid if enterprise else None, category=category, accident_type=atype(type_name, scheme),
        deaths=deaths, missing=missing, serious_injuries=serious, minor_injuries=minor,
        direct_loss_yuan=Decimal(loss), grade=grade, summary="测试事故", is_voided=voided, **extra)


@pytest.fixture
def accidents(world):
    """The hand-built set (years 2025 against 2024; "local" = the project's time zone).

    County A (甲区):
      1  2025-03-10  township A, ent_a (机械 → 冶金工贸), industrial, 物体打击 (GB 6441-2025 list),
                     1 dead, 2 minor, loss 100,000
      2  2025-03-20  township A, no enterprise, road traffic, 车辆伤害, 2 dead, 1 missing, 1 serious,
                     loss 50,000
      3  2025-07-01 00:30 local  county A itself, ent_a_construction (建筑施工), industrial, 高处坠落,
                     3 dead (relatively serious), loss 2,000,000
      4  2024-03-05  township A, ent_a, industrial, 物体打击 (1986 list), 2 dead, loss 10,000
      5  2024-11-11  township A, road traffic, 车辆伤害, 3 dead, 2 serious
      6  2024-12-31 23:30 local  township A, fire, 火灾, 1 minor  (2024, not 2025)
      v  2025-04-04  county A, 10 dead, VOIDED — never counted
    County B (乙县):
      7  2025-05-05  township B, ent_b (危险化学品), industrial, 火灾, 1 dead
      8  2024-05-05  township B, ent_b, industrial, 火灾, 1 dead
      9  2024-06-06  township B, ent_b, industrial, 火灾, 1 dead
     10  2016-01-01 00:10 local  township B, industrial, 1 dead (only in the ten-year trend)

    Missing persons count with the deaths (the default setting, 死亡（含失踪）): accident 2 counts
    2 + 1 = 3 deaths ("deaths" below), of which 1 missing.

    2025: county A 3 accidents / 7 dead (1 + 3 + 3); county B 1 / 1; city 4 / 8.
    2024: county A 3 / 5;                      county B 2 / 2; city 5 / 7.
    Counted apart (the setting off), county A 2025 has 6 dead and the city 7.
    """
    a, a2, b = world.ent_a, world.ent_a_construction, world.ent_b
    ta, tb = world.township_a, world.township_b
    acc = {
        1: make_accident(ta, at(2025, 3, 10), enterprise=a, scheme="GB6441-2025", deaths=1, minor=2, loss="100000"),
        2: make_accident(ta, at(2025, 3, 20), category=AccidentCategory.ROAD_TRAFFIC, type_name="车辆伤害",
                         deaths=2, missing=1, serious=1, loss="50000"),
        3: make_accident(world.county_a, at(2025, 7, 1, 0, 30), enterprise=a2, type_name="高处坠落", deaths=3,
                         loss="2000000", grade=AccidentGrade.RELATIVELY_SERIOUS),
        4: make_accident(ta, at(2024, 3, 5), enterprise=a, deaths=2, loss="10000"),
        5: make_accident(ta, at(2024, 11, 11), category=AccidentCategory.ROAD_TRAFFIC, type_name="车辆伤害",
                         deaths=3, serious=2, grade=AccidentGrade.RELATIVELY_SERIOUS),
        6: make_accident(ta, at(2024, 12, 31, 23, 30), category=AccidentCategory.FIRE, type_name="火灾", minor=1),
        "v": make_accident(world.county_a, at(2025, 4, 4), deaths=10, voided=True),
        7: make_accident(tb, at(2025, 5, 5), enterprise=b, type_name="火灾", deaths=1),
        8: make_accident(tb, at(2024, 5, 5), enterprise=b, type_name="火灾", deaths=1),
        9: make_accident(tb, at(2024, 6, 6), enterprise=b, type_name="火灾", deaths=1),
        10: make_accident(tb, at(2016, 1, 1, 0, 10), enterprise=b, type_name="火灾", deaths=1),
    }
    return acc


@pytest.fixture
def city_user(world):
    return make_user(Role.REGULATOR, scope_region=world.city)


def rows(breakdown) -> dict:
    return {r.label: (r.current["count"], r.current["deaths"], r.previous["count"], r.previous["deaths"])
            for r in breakdown.rows}


# --- periods, targets, comparisons ----------------------------------------------------------------


def test_period_parsing():
    assert parse_period(year="2025") == Period(datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))
    # the current year is compared to date: January to the current month, against the same months
    current = parse_period(today=datetime.date(2026, 5, 1))
    assert current.label == "2026-01 – 2026-05" and not current.is_whole_year
    assert current.previous() == Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 1))
    # in December the current year is still a year to date: whole only once it has ended
    december = parse_period(year="2026", today=datetime.date(2026, 12, 31))
    assert december == Period(datetime.date(2026, 1, 1), datetime.date(2027, 1, 1))
    assert not december.is_whole_year and december.label == "2026-01 – 2026-12"
    ended = parse_period(year="2026", today=datetime.date(2027, 1, 1))
    assert ended.is_whole_year and ended.label == "2026"
    assert december.previous().is_whole_year
    p = parse_period(start="2024-11", end="2025-02")
    assert p.months == [(2024, 11), (2024, 12), (2025, 1), (2025, 2)] and p.year == 2025 and not p.is_whole_year
    assert p.previous() == Period(datetime.date(2023, 11, 1), datetime.date(2024, 3, 1))
    for kwargs, name in (({"year": "x"}, "year"), ({"year": "1800"}, "year"), ({"start": "2025-01"}, "to"),
                         ({"start": "2025-05", "end": "2025-01"}, "to"), ({"start": "2024-01", "end": "2025-01"}, "to"),
                         ({"start": "2025-13", "end": "2025-12"}, "from")):
        with pytest.raises(ValidationError) as exc:
            parse_period(**kwargs)
        assert name in exc.value.message_dict
    assert parse_target("-20") == Decimal("-20") and parse_target("") is None
    with pytest.raises(ValidationError):
        parse_target("-120")


def test_change_and_target_edges():
    # exactly −20 % meets a −20 % target; −19.9 % does not; equal is 0 %
    assert change_pct(4, 5) == -20.0 and meets_target(4, 5, Decimal("-20")) is True
    assert meets_target(4, 5, Decimal("-20.1")) is False
    assert meets_target(801, 1000, Decimal("-20")) is False and meets_target(800, 1000, Decimal("-20")) is True
    # previous 0: the change % is undefined, the target cannot be judged
    assert change_pct(3, 0) is None and meets_target(0, 0, Decimal("-20")) is None
    assert meets_target(4, 5, None) is None


def test_verdict_equal_is_not_a_decline():
    # given equal counts and fewer deaths, then no double decline
    v = Verdict(count=5, previous_count=5, deaths=1, previous_deaths=2)
    assert (v.count_down, v.deaths_down, v.double_decline) == (False, True, False)
    v = Verdict(count=4, previous_count=5, deaths=2, previous_deaths=2)
    assert v.double_decline is False
    v = Verdict(count=4, previous_count=5, deaths=1, previous_deaths=2, count_target=Decimal("-20"),
                deaths_target=Decimal("-50"))
    assert v.double_decline and v.count_target_met and v.deaths_target_met and v.target_met is True
    v.deaths_target = Decimal("-60")
    assert v.target_met is False
    v = Verdict(count=0, previous_count=0, deaths=0, previous_deaths=0, count_target=Decimal("-20"),
                deaths_target=Decimal("-20"))
    assert v.double_decline is False and v.target_met is None


# --- the numbers ------------------------------------------------------------------------------------


def test_city_totals_and_every_breakdown(world, accidents, city_user):
    # given a city regulator, when the statistics of 2025 are read
    stats = accident_statistics(fresh(city_user), year=2025)
    b = stats.breakdowns
    t = stats.total
    # then the totals (the voided accident is not counted)
    assert t.current == {"count": 4, "deaths": 8, "missing": 1, "serious_injuries": 1, "minor_injuries": 2,
                         "direct_loss_yuan": Decimal("2150000"), "industrial_deaths": 5}
    assert stats.missing_with_deaths and stats.headings["deaths"] == "死亡（含失踪）"
    assert (t.previous["count"], t.previous["deaths"], t.previous["serious_injuries"],
            t.previous["minor_injuries"], t.previous["direct_loss_yuan"]) == (5, 7, 2, 1, Decimal("10000"))
    assert t.change("count") == -1 and t.pct("count") == -20.0 and t.change("deaths") == 1
    # by child region: the two counties (accident 3 lies on county A itself: in county A)
    assert rows(b["region"]) == {"甲区": (3, 7, 3, 5), "乙县": (1, 1, 2, 2)}
    # (in the order of their paths: the test factories' codes may put county B first)
    assert [r.code for r in b["region"].rows] == [c.code for c in sorted([world.county_a, world.county_b],
                                                                           key=lambda r: r.path)]
    # by top-level industry: 机械 → 冶金工贸, 房屋建筑 → 建筑施工, 危险化学品生产 → 危险化学品
    ind = rows(b["industry"])
    assert ind["冶金工贸"] == (1, 1, 1, 2)
    assert ind["建筑施工"] == (1, 3, 0, 0)
    assert ind["危险化学品"] == (1, 1, 2, 2)
    assert [v for k, v in ind.items() if k not in ("冶金工贸", "建筑施工", "危险化学品")] == [(1, 3, 2, 3)]
    # by accident type: 物体打击 of both lists is one row
    assert rows(b["accident_type"]) == {"物体打击": (1, 1, 1, 2), "车辆伤害": (1, 3, 1, 3), "高处坠落": (1, 3, 0, 0),
                                        "火灾": (1, 1, 3, 2)}
    grade = {r.key: (r.current["count"], r.previous["count"]) for r in b["grade"].rows}
    assert grade == {"relatively_serious": (1, 1), "ordinary": (3, 4)}
    assert [r.key for r in b["grade"].rows] == ["relatively_serious", "ordinary"]  # choice order
    cat = {r.key: (r.current["count"], r.current["deaths"], r.previous["count"]) for r in b["category"].rows}
    assert cat == {"industrial": (3, 5, 3), "road_traffic": (1, 3, 1), "fire": (0, 0, 1)}
    # by month: twelve rows in order; accident 3 at 00:30 local on 1 July is July, 6 is December 2024
    months = {r.label: (r.current["count"], r.previous["count"]) for r in b["month"].rows}
    assert list(months) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert months["2025-03"] == (2, 1) and months["2025-07"] == (1, 0) and months["2025-05"] == (1, 1)
    assert months["2025-06"] == (0, 1) and months["2025-11"] == (0, 1) and months["2025-12"] == (0, 1)
    # every breakdown sums to the same total
    for breakdown in b.values():
        assert breakdown.total.current["count"] == 4 and breakdown.total.previous["count"] == 5


def test_verdicts_per_county_with_targets_and_rates(world, accidents, city_user):
    # given county B's 2025 figures with targets −50 %, county A's with a GDP only
    RegionYearFigure.objects.create(region=world.county_b, year=2025, gdp_100m_yuan=Decimal("200"),
                                    industrial_employment=50_000, count_target_pct=Decimal("-50"),
                                    deaths_target_pct=Decimal("-50"))
    RegionYearFigure.objects.create(region=world.county_a, year=2025, gdp_100m_yuan=Decimal("300"))
    # when read with a request target of −20 %
    stats = accident_statistics(fresh(city_user), year=2025, target="-20")
    lines = {r.label: r for r in stats.regions}
    a, b = lines["甲区"].verdict, lines["乙县"].verdict
    # then county A: count equal (3 = 3, not a decline), deaths up (7 > 5): no double decline;
    # its figures name no target, so the request's −20 % applies and is missed
    assert (a.count_down, a.deaths_down, a.double_decline) == (False, False, False)
    assert (a.target_source, a.count_target_met, a.deaths_target_met, a.target_met) == ("request", False, False,
                                                                                          False)
    # county B: 1 vs 2 and 1 vs 2: double decline; exactly −50 % meets its own −50 % targets
    assert b.double_decline and b.target_source == "figures" and b.target_met is True
    # the city (the root): count down 5 → 4 (−20 %, meets −20 %) but deaths up 7 → 8: no double decline
    root = stats.root.verdict
    assert (root.count_down, root.deaths_down, root.double_decline) == (True, False, False)
    assert (root.count_target_met, root.deaths_target_met, root.target_met) == (True, False, False)
    # rates: county B 1 ÷ 200 亿元 = 0.005; industrial 1 ÷ 50,000 × 100,000 = 2
    rb, ra = lines["乙县"].rates, lines["甲区"].rates
    assert (rb.deaths_per_100m_gdp, rb.industrial_deaths_per_100k) == (0.005, 2.0)
    # county A: 7 ÷ 300 = 0.02333…; no employment figure → not available (4 industrial deaths: 1 + 3)
    assert (ra.deaths_per_100m_gdp, ra.industrial_deaths_per_100k, ra.industrial_deaths) == (0.0233, None, 4)
    # the city has no figures: both not available
    assert (stats.root.rates.deaths_per_100m_gdp, stats.root.rates.industrial_deaths_per_100k) == (None, None)


def test_rates_need_a_whole_year(world, accidents, city_user):
    RegionYearFigure.objects.create(region=world.county_b, year=2025, gdp_100m_yuan=Decimal("200"),
                                    industrial_employment=50_000)
    stats = accident_statistics(fresh(city_user), start="2025-01", end="2025-06")
    rb = {r.label: r for r in stats.regions}["乙县"].rates
    assert rb.whole_year is False and rb.deaths_per_100m_gdp is None and rb.industrial_deaths_per_100k is None
    # the period's breakdowns: Jan–Jun 2025 against Jan–Jun 2024
    assert (stats.total.current["count"], stats.total.previous["count"]) == (3, 3)
    assert [r.label for r in stats.breakdowns["month"].rows] == [f"2025-{m:02d}" for m in range(1, 7)]


def test_december_rates_wait_for_the_year_to_end(world, accidents, city_user, clock):
    # given the city's figures for 2025 and the clock on 6 December 2025 (local)
    RegionYearFigure.objects.create(region=world.city, year=2025, gdp_100m_yuan=Decimal("1000"),
                                    industrial_employment=100_000)
    clock("2025-12-06")
    # when the statistics of the current year are read
    stats = accident_statistics(fresh(city_user))
    # then January–December is still a year to date: no yearly rates, in the table or the trend
    assert not stats.period.is_whole_year
    assert stats.root.rates.whole_year is False and stats.root.rates.deaths_per_100m_gdp is None
    assert stats.trend[-1].year == 2025 and stats.trend[-1].rates.deaths_per_100m_gdp is None
    # and once the year has ended, its rates are shown
    clock("2026-01-02")
    stats = accident_statistics(fresh(city_user), year=2025)
    assert stats.period.is_whole_year and stats.root.rates.deaths_per_100m_gdp is not None
    assert stats.trend[-1].rates.deaths_per_100m_gdp is not None


def test_period_across_the_year_end(world, accidents, city_user):
    # 2024-12 … 2025-03 against 2023-12 … 2024-03: accidents 6, 1, 2 against 4
    stats = accident_statistics(fresh(city_user), start="2024-12", end="2025-03")
    assert (stats.total.current["count"], stats.total.previous["count"]) == (3, 1)
    assert [r.label for r in stats.breakdowns["month"].rows] == ["2024-12", "2025-01", "2025-02", "2025-03"]


def test_ten_year_trend(world, accidents, city_user):
    stats = accident_statistics(fresh(city_user), year=2025)
    years = {y.year: (y.totals["count"], y.totals["deaths"], y.verdict.double_decline) for y in stats.trend}
    assert list(years) == list(range(2016, 2026))
    assert years[2016] == (1, 1, False)  # 00:10 local on 1 January is 2016
    assert years[2024] == (5, 7, False) and years[2025] == (4, 8, False)
    # 2017 has none against 2016's one: both down, a double decline; then equal zeros are not
    assert years[2017] == (0, 0, True)
    assert all(years[y] == (0, 0, False) for y in range(2018, 2024))


def test_county_user_sees_townships_and_the_county_itself(world, accidents):
    with translation.override("en"):
        stats = accident_statistics(fresh(world.users[Role.REGULATOR]), year=2025)
    assert stats.region == world.county_a
    assert rows(stats.breakdowns["region"]) == {"甲街道": (2, 4, 3, 5), "甲区 (itself)": (1, 3, 0, 0)}
    assert [r.label for r in stats.regions] == ["甲街道"]
    assert stats.total.current["count"] == 3


def test_region_parameter_drills_down(world, accidents, city_user):
    stats = accident_statistics(fresh(city_user), region=world.county_b.code, year=2025)
    assert rows(stats.breakdowns["region"]) == {"乙镇": (1, 1, 2, 2)}
    assert stats.root.verdict.double_decline is True


def test_scoping(world, accidents, city_user):
    other = fresh(world.users[OTHER_COUNTY])
    # the other county's regulator: its own county only, and county A is not found
    stats = accident_statistics(other, year=2025)
    assert stats.region == world.county_b and stats.total.current["count"] == 1
    with pytest.raises(Http404):
        accident_statistics(other, region=world.county_a.code, year=2025)
    with pytest.raises(Http404):
        accident_statistics(fresh(world.users[Role.REGULATOR]), region=world.city.code, year=2025)
    # the industry officer of county A (construction only) sees accident 3 alone, flagged partial
    officer = accident_statistics(fresh(world.users[Role.INDUSTRY_OFFICER]), year=2025)
    assert officer.total.current["count"] == 1 and officer.partial_scope
    # the grid officer of grid A: the accidents of ent_a in the grid
    grid = accident_statistics(fresh(world.users[Role.GRID_OFFICER]), year=2025)
    assert (grid.total.current["count"], grid.total.previous["count"]) == (1, 1)
    # an administrator sees every province
    admin = accident_statistics(fresh(world.users[Role.ADMIN]), year=2025)
    assert admin.region is None and rows(admin.breakdowns["region"]) == {"测试省": (4, 8, 5, 7)}


def test_query_count_does_not_grow_with_groups(world, accidents, city_user, django_assert_max_num_queries):
    # whatever the number of groups: the scope (2), the region and its children (2), the
    # figures (1), three grouped queries for the six breakdowns, the industry and accident-type
    # names (2), the trend (1). On PostgreSQL the three grouped queries are one GROUPING SETS
    # statement run with SET LOCAL work_mem inside a savepoint (here: +3 statements, −2 queries).
    user = fresh(city_user)
    missing_counted_as_deaths()  # the counting setting is read once per process (cached), not per request
    with django_assert_max_num_queries(12):
        accident_statistics(user, year=2025)
    for i in range(5):
        make_accident(world.township_b, at(2025, 2, 1 + i), enterprise=world.ent_a_construction,
                      type_name="坍塌", category=AccidentCategory.OTHER)
    user = fresh(city_user)
    with django_assert_max_num_queries(12):
        accident_statistics(user, year=2025)


# --- API and export ----------------------------------------------------------------------------------


def test_api_answers_every_breakdown(world, accidents, city_user, api, django_assert_max_num_queries):
    api.force_authenticate(fresh(city_user))
    with django_assert_max_num_queries(14):
        resp = api.get("/api/accident-statistics/", {"year": 2025, "target": "-20"})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["total"]["current"]["count"] == 4 and body["total"]["previous"]["count"] == 5
    assert body["total"]["change_pct"]["count"] == -20.0
    assert body["total"]["current"]["direct_loss_yuan"] == 2150000.0
    assert set(body["breakdowns"]) == {"region", "industry", "accident_type", "grade", "category", "month"}
    counties = {r["label"]: r for r in body["regions"]}
    assert counties["乙县"]["double_decline"] is True and counties["甲区"]["double_decline"] is False
    assert counties["甲区"]["count_change_pct"] == 0.0 and counties["甲区"]["target_source"] == "request"
    assert body["verdict"]["count_target_met"] is True and body["verdict"]["double_decline"] is False
    assert len(body["trend"]) == 10


def test_api_errors_and_scoping(world, accidents, api):
    api.force_authenticate(fresh(world.users[OTHER_COUNTY]))
    assert api.get("/api/accident-statistics/", {"region": world.county_a.code}).status_code == 404
    resp = api.get("/api/accident-statistics/", {"year": 2025})
    assert resp.json()["total"]["current"]["count"] == 1
    bad = api.get("/api/accident-statistics/", {"year": "20x5"}, **EN)
    assert bad.status_code == 400 and "year" in bad.json()
    assert api.get("/api/accident-statistics/", {"target": "abc"}).status_code == 400
    api.force_authenticate(fresh(world.users[Role.ENTERPRISE]))
    assert api.get("/api/accident-statistics/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/accident-statistics/").status_code in (401, 403)


def test_api_export_is_xlsx(world, accidents, city_user, api):
    api.force_authenticate(fresh(city_user))
    resp = api.get("/api/accident-statistics/export/", {"year": 2025}, **EN)
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames[:6] == ["Region", "Industry", "Accident type", "Grade", "Category", "Month"]
    region = list(wb["Region"].iter_rows(values_only=True))
    assert region[1][0] == "甲区" and region[1][1] == 3 and region[1][7] == 3
    assert region[-1][0] == "Total" and region[-1][1] == 4 and region[-1][7] == 5
    assert region[-1][13] == pytest.approx(-0.2)  # accidents change %
    decline = list(wb["Double decline"].iter_rows(values_only=True))
    assert [r[0] for r in decline[1:]] == ["甲区", "乙县", "测试市"]
    assert decline[2][7] == "yes" and decline[1][7] == "no"


# --- the page ---------------------------------------------------------------------------------------


def test_page_renders_for_regional_users_only(world, accidents, city_user):
    c = Client()
    c.force_login(city_user)
    resp = c.get(reverse("accidents:statistics"), {"year": 2025, "target": "-20"}, **EN)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Double decline" in html and "甲区" in html and "echarts.min.js" in html
    assert 'id="chart-monthly"' in html and 'id="chart-trend"' in html
    export = c.get(reverse("accidents:statistics_export"), {"year": 2025})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    # a bad parameter is shown, not a crash
    assert c.get(reverse("accidents:statistics"), {"year": "abc"}, **EN).status_code == 200
    # enterprise users are refused; a region outside the jurisdiction is 404
    ent = Client()
    ent.force_login(world.users[Role.ENTERPRISE])
    assert ent.get(reverse("accidents:statistics")).status_code == 403
    other = Client()
    other.force_login(world.users[OTHER_COUNTY])
    assert other.get(reverse("accidents:statistics"), {"region": world.county_a.code}).status_code == 404


def test_industry_fixture_codes(world):
    # the fixture's industries roll up as the test expects (guards the hand count above)
    assert industry("0504").parent.name == "冶金工贸" and industry("0601").parent.name == "建筑施工"


# --- 零事故: no accident in either period ---------------------------------------------------------


def test_zero_accidents_is_not_a_failed_decline(world, accidents, city_user):
    # given 2017 against 2016: county A had none in either year; county B one (1 dead) in 2016, none in 2017
    stats = accident_statistics(fresh(city_user), year=2017)
    lines = {r.label: r.verdict for r in stats.regions}
    a, b = lines["甲区"], lines["乙县"]
    # then county A is zero accidents — not "not achieved" — and county B achieved the double decline
    assert (a.zero_accidents, a.double_decline, a.status) == (True, False, "zero_accidents")
    assert (b.zero_accidents, b.double_decline, b.status) == (False, True, "achieved")
    assert a.as_dict()["status"] == "zero_accidents" and a.as_dict()["zero_accidents"] is True
    # a region with accidents in one year only is judged as before (up from zero: not achieved)
    v = Verdict(count=1, previous_count=0, deaths=0, previous_deaths=0)
    assert (v.zero_accidents, v.status) == (False, "not_achieved")
    # and in the trend, years with none on either side are zero accidents, not failures
    trend = {y.year: y.verdict.status for y in accident_statistics(fresh(city_user), year=2025).trend}
    assert trend[2017] == "achieved" and all(trend[y] == "zero_accidents" for y in range(2018, 2024))


def _card(html: str) -> str:
    return html.split('data-verdict="')[1].split("</div>\n  </div>")[0]


def test_headline_card_never_says_not_achieved_beside_no_target(world, accidents, city_user):
    c = Client()
    c.force_login(city_user)
    # a year without any accident in the city: the card says 零事故
    html = c.get(reverse("accidents:statistics"), {"year": 2020}).content.decode()
    card = _card(html)
    assert card.startswith("zero_accidents") and "零事故" in card and "本期与上年同期均无事故" in card
    assert "未实现" not in card
    # 2025 without a target: not achieved, explained by its figures (no "no target to judge")
    html = c.get(reverse("accidents:statistics"), {"year": 2025}).content.decode()
    card = _card(html)
    assert "未实现" in card and "起数 5 → 4，死亡 7 → 8" in card and "无目标可判定" not in card
    # with a target the card says whether it was met
    card = _card(c.get(reverse("accidents:statistics"), {"year": 2025, "target": "-20"}).content.decode())
    assert "未实现" in card and "未达目标" in card
    # the region table of 2017 shows county A as zero accidents
    html = c.get(reverse("accidents:statistics"), {"year": 2017}).content.decode()
    row = html.split(f'data-code="{world.county_a.code}"')[1].split("</tr>")[0]
    assert "零事故" in row and "未实现" not in row


def test_export_says_zero_accidents(world, accidents, city_user, api):
    api.force_authenticate(fresh(city_user))
    resp = api.get("/api/accident-statistics/export/", {"year": 2017})
    decline = list(load_workbook(io.BytesIO(resp.content))["双下降"].iter_rows(values_only=True))
    assert {r[0]: r[7] for r in decline[1:]} == {"甲区": "零事故", "乙县": "是", "测试市": "是"}
    body = api.get("/api/accident-statistics/", {"year": 2017}).json()
    assert {r["label"]: r["status"] for r in body["regions"]} == {"甲区": "zero_accidents", "乙县": "achieved"}

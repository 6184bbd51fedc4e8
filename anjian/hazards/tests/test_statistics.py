"""Hazard statistics: the numbers and every rate on a hand-built set, grouping by the child region
at each scope level, the other dimensions, scoping (the other county sees zeros), one grouped
query whatever the number of groups, listed/delisted counting, the covering index the query
reads on PostgreSQL, the API with its xlsx export, and the page.

English assertions send HTTP_ACCEPT_LANGUAGE="en"."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from anjian.hazards.choices import HazardState, ListingLevel, ListingState
from anjian.hazards.models import Hazard, ListedSupervision
from anjian.hazards.selectors import ON_TIME, hazard_statistics, hazard_summary
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard, make_user
from anjian.portal.testing.mixins import OTHER_COUNTY, act_as, fresh

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TODAY = timezone.localdate


def put(h: Hazard, state: str, *, deadline_offset: int = 10, rectified_offset: int | None = None,
        found_days_ago: int = 20, listing: str | None = None) -> Hazard:
    """Set a hazard's state and dates directly (statistics read columns, not the workflow):
    deadline = today + deadline_offset; rectified_at = the deadline + rectified_offset days
    (negative: before the deadline, i.e. on time). ``listing`` adds a listed supervision row in
    that state (is_listed follows it)."""
    deadline = TODAY() + datetime.timedelta(days=deadline_offset)
    values = {"state": state, "deadline": deadline,
              "found_at": timezone.now() - datetime.timedelta(days=found_days_ago)}
    if rectified_offset is not None:
        day = deadline + datetime.timedelta(days=rectified_offset)
        values["rectified_at"] = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    if listing:
        # A delisted one was delisted the day before its deadline (within it: it completes the
        # supervision; test_issue10_listing covers the late ones).
        delisted_at = (timezone.make_aware(datetime.datetime.combine(deadline - datetime.timedelta(days=1),
                                                                     datetime.time(12)))
                       if listing == ListingState.DELISTED else None)
        ListedSupervision.objects.create(
            hazard=h, level=ListingLevel.COUNTY, department_id=None or _dept(h), deadline=deadline,
            state=listing, region_path=h.region_path, enterprise_id=h.enterprise_id, industry_id=h.industry_id,
            delisted_at=delisted_at)
        values["is_listed"] = listing == ListingState.LISTED
    Hazard.objects.filter(pk=h.pk).update(**values)
    h.refresh_from_db()
    return h


def _dept(h: Hazard) -> int:
    from anjian.orgs.models import Department

    return Department.objects.filter(region__path=h.region_path[:36]).values_list("pk", flat=True).first()


@pytest.fixture
def ledger(world):
    """The hand-built set.

    County A (8 hazards): ent_a (machinery, grid A) 1–7, ent_a_construction (no grid) 8.
      1 general reported, deadline in 10 days
      2 general reported, deadline passed (overdue)
      3 general rectified, awaiting acceptance
      4 general accepted, rectified 2 days before the deadline (on time)
      5 general closed, rectified 3 days after the deadline (late)
      6 major closed, on time, listed then delisted
      7 major rectifying, listed now
      8 general closed (construction, grid patrol), rectified on the deadline day (on time), found
        40 days ago
    County B (2 hazards): ent_b
      9 general closed, on time
     10 major reported

    County A: total 8, done (accepted + closed) 4 → 整改率 4/8 = 50 %; on time 3 of 4 (4, 6, 8)
    → 按期整改率 75 %; major 2, done 1 → 重大隐患整改率 50 %; listed 2, delisted 1 → 挂牌督办完成率 50 %.
    County B: total 2, done 1 → 50 %; on time 1/1 → 100 %; major 1, done 0 → 0 %; listed 0 → none.
    City: total 10, done 5 → 50 %; on time 4/5 → 80 %; major 3, done 1 → 1/3; listed 2, delisted 1 → 50 %.
    """
    admin = world.users[Role.ADMIN]
    a, c, b = world.ent_a, world.ent_a_construction, world.ent_b
    hs = {}
    hs[1] = put(make_hazard(a, admin), HazardState.REPORTED)
    hs[2] = put(make_hazard(a, admin), HazardState.REPORTED, deadline_offset=-1)
    hs[3] = put(make_hazard(a, admin), HazardState.RECTIFIED, rectified_offset=-5)
    hs[4] = put(make_hazard(a, admin), HazardState.ACCEPTED, rectified_offset=-2)
    hs[5] = put(make_hazard(a, admin), HazardState.CLOSED, deadline_offset=-10, rectified_offset=3)
    hs[6] = put(make_hazard(a, admin, major=True), HazardState.CLOSED, rectified_offset=-1,
                listing=ListingState.DELISTED)
    hs[7] = put(make_hazard(a, admin, major=True), HazardState.RECTIFYING, listing=ListingState.LISTED)
    hs[8] = put(make_hazard(c, admin, source="grid_patrol"), HazardState.CLOSED, rectified_offset=0,
                found_days_ago=40)
    hs[9] = put(make_hazard(b, admin), HazardState.CLOSED, rectified_offset=-1)
    hs[10] = put(make_hazard(b, admin, major=True), HazardState.REPORTED)
    return hs


@pytest.fixture
def city_user(world):
    return make_user(Role.REGULATOR, scope_region=world.city)


def by_label(table) -> dict:
    return {r.label: r for r in table.rows}


def test_city_by_county_numbers_and_rates(world, ledger, city_user):
    # given a city regulator, when grouped by region, then the rows are the two counties
    table = hazard_statistics(fresh(city_user), group_by="region")
    rows = by_label(table)
    assert set(rows) == {"甲区", "乙县"}
    a, b = rows["甲区"], rows["乙县"]
    assert a.code == world.county_a.code
    # county A, counted by hand (see the fixture)
    assert {k: a.counts[k] for k in ("total", "reported", "rectifying", "rectified", "accepted", "closed",
                                      "overdue", "done", "on_time", "major", "major_done", "listed",
                                      "delisted")} == {
        "total": 8, "reported": 2, "rectifying": 1, "rectified": 1, "accepted": 1, "closed": 3, "overdue": 1,
        "done": 4, "on_time": 3, "major": 2, "major_done": 1, "listed": 2, "delisted": 1}
    assert a.rates == {"rectification_rate": 4 / 8, "on_time_rate": 3 / 4, "major_rate": 1 / 2,
                       "listing_rate": 1 / 2}
    # county B
    assert (b.counts["total"], b.counts["done"], b.counts["on_time"], b.counts["major"]) == (2, 1, 1, 1)
    assert b.rates == {"rectification_rate": 1 / 2, "on_time_rate": 1 / 1, "major_rate": 0 / 1,
                       "listing_rate": None}
    # the total row
    t = table.total
    assert (t.counts["total"], t.counts["done"], t.counts["on_time"], t.counts["major"], t.counts["major_done"],
            t.counts["listed"], t.counts["delisted"]) == (10, 5, 4, 3, 1, 2, 1)
    assert t.rates == {"rectification_rate": 5 / 10, "on_time_rate": 4 / 5, "major_rate": 1 / 3,
                       "listing_rate": 1 / 2}


def test_region_grouping_follows_the_scope_level(world, ledger):
    # a province regulator sees the city; an administrator the province
    province_user = make_user(Role.REGULATOR, scope_region=world.province)
    assert [(r.label, r.counts["total"]) for r in hazard_statistics(fresh(province_user)).rows] == [("测试市", 10)]
    admin_rows = hazard_statistics(fresh(world.users[Role.ADMIN])).rows
    assert [(r.label, r.counts["total"]) for r in admin_rows] == [("测试省", 10)]
    # the county A regulator sees its township
    county_rows = hazard_statistics(fresh(world.users[Role.REGULATOR])).rows
    assert [(r.label, r.counts["total"]) for r in county_rows] == [("甲街道", 8)]
    # a township officer sees the township's grids (and the enterprises without one)
    township_user = make_user(Role.REGULATOR, scope_region=world.township_a)
    with translation.override("en"):
        table = hazard_statistics(fresh(township_user), group_by="region")
    assert {(r.label, r.counts["total"]) for r in table.rows} == {(world.grid_a.name, 7), ("No grid", 1)}


def test_region_filter_drills_down(world, ledger, city_user):
    # given the city regulator filtering on county A, then the rows are county A's townships
    table = hazard_statistics(fresh(city_user), group_by="region", filters={"region": world.county_a.code})
    assert [(r.label, r.counts["total"]) for r in table.rows] == [("甲街道", 8)]
    assert table.total.counts["total"] == 8


def test_other_dimensions(world, ledger, city_user):
    user = fresh(city_user)
    grade = {r.key: r.counts["total"] for r in hazard_statistics(user, group_by="grade").rows}
    assert grade == {"general": 7, "major": 3}
    state = {r.key: r.counts["total"] for r in hazard_statistics(user, group_by="state").rows}
    assert state == {"reported": 3, "rectifying": 1, "rectified": 1, "accepted": 1, "closed": 4}
    assert [r.key for r in hazard_statistics(user, group_by="state").rows] == list(HazardState.values)
    source = {r.key: r.counts["total"] for r in hazard_statistics(user, group_by="source").rows}
    assert source == {"government": 9, "grid_patrol": 1}  # the admin's reports default to government
    industry = {r.code: r.counts["total"] for r in hazard_statistics(user, group_by="industry").rows}
    assert industry == {"0504": 7, "0601": 1, "0301": 2}
    months = {r.label: r.counts["total"] for r in hazard_statistics(user, group_by="month").rows}
    now = timezone.localtime()
    month_of = lambda days: (now - datetime.timedelta(days=days)).strftime("%Y-%m")  # noqa: E731
    expected: dict[str, int] = {}
    for days_ago, n in ((20, 9), (40, 1)):
        expected[month_of(days_ago)] = expected.get(month_of(days_ago), 0) + n
    assert months == expected


def test_ledger_filters_apply(world, ledger, city_user):
    user = fresh(city_user)
    major = hazard_statistics(user, group_by="region", filters={"grade": "major"})
    assert major.total.counts["total"] == 3 and major.total.rates["rectification_rate"] == 1 / 3
    industry = hazard_statistics(user, group_by="region", filters={"industry": "06"})
    assert industry.total.counts["total"] == 1


def test_other_county_sees_zeros(world, ledger):
    other = fresh(world.users[OTHER_COUNTY])
    # filtering on county A: nothing
    table = hazard_statistics(other, group_by="region", filters={"region": world.county_a.code})
    assert table.rows == [] and table.total.counts["total"] == 0
    assert table.total.rates["rectification_rate"] is None
    # unfiltered: county B's own two only
    assert hazard_statistics(other).total.counts["total"] == 2


def test_statistics_is_one_grouped_query_whatever_the_groups(world, ledger, city_user):
    def hazard_queries(group_by: str) -> list[str]:
        user = fresh(city_user)
        user.scope_region  # noqa: B018 - resolve the scope outside the count
        with CaptureQueriesContext(connection) as ctx:
            hazard_statistics(user, group_by=group_by)
        return [q["sql"] for q in ctx.captured_queries if "hazards_hazard" in q["sql"]]

    for dim in ("region", "industry", "grade", "source", "state", "month"):
        queries = hazard_queries(dim)
        assert len(queries) == 1, (dim, queries)
        assert "GROUP BY" in queries[0]
    # more hazards, more groups: still one query
    make_hazard(world.ent_a_construction, world.users[Role.ADMIN])
    assert len(hazard_queries("industry")) == 1


def test_listed_counts_major_hazards_once_and_a_relisted_one_is_not_delisted(world, ledger, city_user):
    admin = world.users[Role.ADMIN]
    # given a major hazard listed, delisted and listed again (two listing rows)
    relisted = put(make_hazard(world.ent_a, admin, major=True), HazardState.RECTIFYING,
                   listing=ListingState.DELISTED)
    put(relisted, HazardState.RECTIFYING, listing=ListingState.LISTED)
    # and a listed hazard corrected to general afterwards (no longer a major hazard)
    downgraded = put(make_hazard(world.ent_a, admin, major=True), HazardState.REPORTED, listing=ListingState.LISTED)
    Hazard.objects.filter(pk=downgraded.pk).update(grade="general", criterion=None)
    # then county A counts the re-listed hazard once as listed and not as delisted, and the
    # downgraded one not at all: listed = major hazards ever listed (the fixture's 2, + 1)
    a = by_label(hazard_statistics(fresh(city_user), group_by="region"))["甲区"]
    assert (a.counts["listed"], a.counts["delisted"], a.counts["major"]) == (3, 1, 3)
    assert a.rates["listing_rate"] == 1 / 3


def test_every_dimension_sums_to_the_same_total(world, ledger, city_user):
    # the measures do not depend on how the hazards are grouped
    user = fresh(city_user)
    totals = {dim: hazard_statistics(user, group_by=dim).total.counts for dim in
              ("region", "industry", "grade", "source", "state", "month")}
    assert all(counts == totals["region"] for counts in totals.values()), totals


def test_on_time_is_the_statistics_index_expression():
    # the statistics group by the very expression hz_stats_idx stores, so PostgreSQL reads it
    # from the index instead of converting every row's time
    index = next(i for i in Hazard._meta.indexes if i.name == "hz_stats_idx")
    assert index.expressions[3] == ON_TIME
    assert [e.name for e in index.expressions[:3]] == ["region_path", "state", "grade"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="hz_stats_idx is a PostgreSQL index")
def test_region_statistics_read_the_covering_index_alone(world, ledger, city_user):
    # given the query of a city's statistics by county
    user = fresh(city_user)
    user.scope_region  # noqa: B018 - resolve the scope outside the capture
    with CaptureQueriesContext(connection) as ctx:
        hazard_statistics(user, group_by="region")
    sql = next(q["sql"] for q in ctx.captured_queries if "hazards_hazard" in q["sql"])
    # when PostgreSQL plans it as for a big table (the test table is tiny)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN (VERBOSE) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then it is an index-only scan of hz_stats_idx that reads the on-time flag from the index
    assert "Index Only Scan using hz_stats_idx" in plan, plan
    scan = plan[plan.index("Index Only Scan using hz_stats_idx"):]
    output = next(line for line in scan.splitlines() if line.strip().startswith("Output:"))
    assert "AT TIME ZONE" in output, plan


def test_statistics_index_exists_on_postgresql_only():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Hazard._meta.db_table)
    assert ("hz_stats_idx" in indexes) == (connection.vendor == "postgresql")


def test_hazard_summary(world, ledger):
    # county A: unclosed 1,2,3,4,7 → 5; overdue 2; major open 7; listed 7
    assert hazard_summary(fresh(world.users[Role.REGULATOR])) == {"open": 5, "overdue": 1, "major_open": 1,
                                                                  "listed": 1}
    assert hazard_summary(fresh(world.users[OTHER_COUNTY])) == {"open": 1, "overdue": 0, "major_open": 1,
                                                                "listed": 0}


# --- API and export --------------------------------------------------------------------------------

def test_api_returns_the_table(world, ledger, city_user, api):
    act_as(api, city_user)
    response = api.get("/api/hazard-statistics/", {"group_by": "region"}, **EN)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["group_by"] == "region" and body["dimension"] == "Region"
    rows = {r["label"]: r for r in body["rows"]}
    assert rows["甲区"]["total"] == 8 and rows["甲区"]["rectification_rate"] == 0.5
    assert rows["甲区"]["code"] == world.county_a.code
    assert rows["乙县"]["listing_rate"] is None
    assert body["total"]["on_time_rate"] == 0.8 and body["total"]["major_rate"] == round(1 / 3, 4)
    # with a ledger filter and another dimension
    body = api.get("/api/hazard-statistics/", {"group_by": "grade", "region": world.county_b.code}).json()
    assert {r["key"]: r["total"] for r in body["rows"]} == {"general": 1, "major": 1}


def test_api_rejects_bad_parameters(world, ledger, api):
    act_as(api, world.users[Role.REGULATOR])
    assert api.get("/api/hazard-statistics/", {"group_by": "colour"}).status_code == 400
    assert api.get("/api/hazard-statistics/", {"grade": "huge"}).status_code == 400


def test_api_other_county_sees_zeros(world, ledger, api):
    act_as(api, world.users[OTHER_COUNTY])
    body = api.get("/api/hazard-statistics/", {"region": world.county_a.code}).json()
    assert body["rows"] == [] and body["total"]["total"] == 0


def test_api_export_is_xlsx_with_the_rates(world, ledger, city_user, api):
    act_as(api, city_user)
    response = api.get("/api/hazard-statistics/export/", {"group_by": "region"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[0] == "Region" and "Rectification rate" in header
    body = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert body["甲区"]["Hazards"] == 8
    assert body["甲区"]["Rectification rate"] == 0.5
    assert body["Total"]["On-time rectification rate"] == 0.8
    assert body["乙县"]["Listed-supervision completion rate"] is None
    assert sheet.cell(row=2, column=header.index("Rectification rate") + 1).number_format == "0.0%"


def test_api_needs_authentication(db, api):
    assert api.get("/api/hazard-statistics/").status_code in (401, 403)


# --- the page --------------------------------------------------------------------------------------------

def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_page_renders_table_and_charts(world, ledger, city_user):
    page = client_for(city_user).get(reverse("hazards:statistics"), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲区" in html and "乙县" in html
    assert "Rectification rate" in html and "50.0%" in html and "80.0%" in html
    assert "anjian/vendor/echarts/echarts.min.js" in html and "stats-chart-data" in html
    assert page.context["chart"]["labels"] == [r.label for r in page.context["table"].rows]
    # a county row links one level down
    assert f"region={world.county_a.code}" in html


@pytest.mark.parametrize("dim", ["region", "industry", "grade", "source", "state", "month"])
def test_page_renders_every_dimension(world, ledger, dim):
    page = client_for(world.users[Role.REGULATOR]).get(reverse("hazards:statistics"), {"group_by": dim})
    assert page.status_code == 200
    assert page.context["group_by"] == dim


def test_page_for_enterprise_and_other_county(world, ledger):
    page = client_for(world.users[Role.ENTERPRISE]).get(reverse("hazards:statistics"))
    assert page.status_code == 200 and page.context["table"].total.counts["total"] == 7
    page = client_for(world.users[OTHER_COUNTY]).get(reverse("hazards:statistics"),
                                                     {"region": world.county_a.code})
    assert page.context["table"].total.counts["total"] in (0, 2)  # an out-of-scope region choice is ignored


def test_page_export(world, ledger, city_user):
    response = client_for(city_user).get(reverse("hazards:statistics_export"), {"group_by": "grade"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 2 + 1  # header, general, major, total


def test_vendored_echarts_and_license_exist():
    from pathlib import Path

    import anjian

    vendor = Path(anjian.__file__).parent / "core" / "static" / "anjian" / "vendor" / "echarts"
    assert (vendor / "echarts.min.js").stat().st_size > 500_000
    assert "Apache License" in (vendor / "LICENSE").read_text()


def test_decimal_free_rates(world, ledger, city_user):
    # rates are plain floats (JSON-able), never Decimal
    table = hazard_statistics(fresh(city_user))
    assert not any(isinstance(v, Decimal) for r in table.rows for v in r.rates.values())

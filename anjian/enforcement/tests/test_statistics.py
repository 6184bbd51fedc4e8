"""执法统计 on a small hand-made fixture: the figures by region, department and month, each
figure's records page listing as many records as the figure counts, the xlsx export, scoping
(another county's officer: 404 for county A, zero in its own table) and query counts that do
not grow with the number of rows."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.enforcement import services
from anjian.enforcement.models import InspectionFinding
from anjian.enterprises.models import Industry
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import RegionFactory

from .factories import make_department
from .factories_inspections import make_inspection, walk

pytestmark = pytest.mark.django_db
URL = "/enforcement/statistics/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fixture(world, clock):
    """March 2026, county A: one inspection of ent_a (0504) signed with 2 findings (1 hazard, 1
    violation); the violation opened as a case (filed, before any accident); one summons issued.
    County B: nothing. The figures of March and of 2026: inspections 1, findings 2, hazards 1,
    cases filed 1, 事前立案率 100 %, summons 1, the rest 0 or not computable."""
    clock("2026-03-10 09:00")
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer)
    walk(insp, officer, found=2, violation=True)
    services.sign_inspection(insp, actor=officer)
    insp.refresh_from_db()
    finding = InspectionFinding.objects.get(inspection=insp, for_case=True)
    case = services.open_case_from_finding(insp, finding, actor=officer)
    summons = services.create_admonition(actor=officer, department=world.dept_a, data={
        "kind": "summons", "enterprise": world.ent_a, "title": "约谈甲机械", "held_on": timezone.localdate()})
    services.issue_admonition(summons, actor=officer)
    return {"insp": insp, "case": case}


EXPECT_A = {"enforcement_inspections": "1", "enforcement_findings": "2", "enforcement_hazards_raised": "1",
            "enforcement_cases_filed": "1", "pre_accident_case_rate": "100.00", "summons_count": "1",
            "penalty_count": "0", "enforcement_measures": "0", "circular_count": "0"}


def _lines(client, **params):
    from anjian.enforcement import statistics as st

    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:500]
    return response, {line["line"].label: line for line in response.context["rows"]}, st


def _value(row, code):
    cell = next(c for c, ind in zip(row["cells"], row_columns(), strict=True) if ind.code == code)
    return cell


def row_columns():
    from anjian.enforcement import statistics as st

    return st.columns()


def test_by_region_the_figures_are_the_hand_counts_and_drill_down_to_them(world, client, fixture):
    client.force_login(world.users[Role.ADMIN])
    _response, rows, _st = _lines(client, region=world.city.code, year=2026, month=3)
    assert list(rows) == ["测试市", "甲区", "乙县"]
    for code, expected in EXPECT_A.items():
        for label in ("测试市", "甲区"):
            assert str(_value(rows[label], code)["value"].value) == expected, (label, code)
        value = _value(rows["乙县"], code)["value"].value
        assert value in (0, None), code
    # each figure of county A opens the records behind it, as many as it counts
    for code in EXPECT_A:
        cell = _value(rows["甲区"], code)
        if not cell["value"].value:
            continue
        page = client.get(cell["link"])
        assert page.status_code == 200
        assert page.context["page"].paginator.count == cell["value"].numerator, code
    # the case's page is linked from its records
    page = client.get(_value(rows["甲区"], "enforcement_cases_filed")["link"]).content.decode()
    assert reverse("enforcement:case", args=[fixture["case"].pk]) in page


def test_by_department_and_by_month(world, client, fixture):
    construction = make_department(world)
    construction.industries.set(Industry.objects.filter(code="06"))
    client.force_login(world.users[Role.ADMIN])
    _response, rows, _st = _lines(client, by="department", region=world.county_a.code, year=2026)
    # the bureau supervises every industry; the construction bureau only 06: ent_a (0504) is not its
    assert list(rows) == ["甲区", construction.name, world.dept_a.name]
    assert str(_value(rows[world.dept_a.name], "enforcement_inspections")["value"].value) == "1"
    assert _value(rows[construction.name], "enforcement_inspections")["value"].value == 0
    link = _value(rows[world.dept_a.name], "enforcement_findings")["link"]
    assert f"department={world.dept_a.pk}" in link
    assert client.get(link).context["page"].paginator.count == 2
    _response, rows, _st = _lines(client, by="month", region=world.county_a.code, year=2026)
    # the year (to date: January–March) then each month
    assert list(rows) == ["甲区", "2026-01", "2026-02", "2026-03"]
    assert str(_value(rows["2026-03"], "enforcement_cases_filed")["value"].value) == "1"
    assert _value(rows["2026-02"], "enforcement_cases_filed")["value"].value == 0


def test_the_export_is_the_table(world, client, fixture):
    client.force_login(world.users[Role.ADMIN])
    response = client.get(URL, {"region": world.city.code, "year": 2026, "month": 3, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [r[0] for r in values[1:]] == ["测试市", "甲区", "乙县"]
    column = values[0].index(next(h for h in values[0] if h and h.startswith(str(row_columns()[0].name))))
    assert values[2][column] == 1


def test_another_county_gets_404_for_county_a_and_counts_zero(world, client, fixture):
    client.force_login(world.users["other_county"])
    assert client.get(URL, {"region": world.county_a.code}).status_code == 404
    records = reverse("enforcement:statistics_records")
    assert client.get(records, {"indicator": "enforcement_inspections", "region": world.county_a.code,
                                "year": 2026}).status_code == 404
    assert client.get(records, {"indicator": "enforcement_inspections", "department": world.dept_a.pk,
                                "year": 2026}).status_code == 404
    _response, rows, _st = _lines(client, year=2026)
    assert list(rows) == ["乙县", "乙镇"]
    assert all(not c["value"].value for c in rows["乙县"]["cells"])
    # an enterprise user does not read the statistics
    client.force_login(world.users[Role.ENTERPRISE])
    assert client.get(URL).status_code == 403


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_rows(world, client, fixture):
    make_department(world, name="甲区住建局").industries.set(Industry.objects.filter(code="06"))
    client.force_login(world.users[Role.ADMIN])
    _queries(client, by="department", region=world.county_a.code, year=2026)  # warm the per-process caches
    by_region = _queries(client, region=world.city.code, year=2026)
    by_department = _queries(client, by="department", region=world.county_a.code, year=2026)
    for n in range(3):
        RegionFactory(name=f"新区{n}", level="county", parent=world.city)
        department = make_department(world, name=f"甲区行业部门{n}")
        department.industries.set(Industry.objects.filter(code=f"0{n + 1}"))
    assert _queries(client, region=world.city.code, year=2026) == by_region
    assert _queries(client, by="department", region=world.county_a.code, year=2026) == by_department
    # a month table is one evaluation per month, at most twelve, whatever the data
    assert _queries(client, by="month", region=world.city.code, year=2025) <= 13 * by_region

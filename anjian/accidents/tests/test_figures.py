"""Regional yearly figures (GDP, 工矿商贸 employment, 双下降 targets): the entry service (create,
correct with an event, stale version → conflict, scope and right checked), the API (scoped
list, writes by the committee office and administrators only, void, history, query count), the
all-or-nothing import with its row-by-row report, and the pages.

English assertions send HTTP_ACCEPT_LANGUAGE="en"."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anjian.core.services import ConflictError, events_for
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import OTHER_COUNTY, fresh
from anjian.regions.figures import can_enter_figures, import_region_figures, save_region_figures
from anjian.regions.models import RegionYearFigure

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HEADERS = ["区划代码", "年度", "地区生产总值（亿元）", "工矿商贸就业人员（人）", "事故起数控制目标（%）", "死亡人数控制目标（%）",
           "数据来源", "备注"]


def xlsx(rows: list[list], headers: list[str] = HEADERS) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("figures.xlsx", buf.getvalue())


@pytest.fixture
def office(world):
    return fresh(world.users[Role.COMMITTEE_OFFICE])  # county A


# --- service ----------------------------------------------------------------------------------------


def test_who_may_enter(world):
    assert can_enter_figures(world.users[Role.COMMITTEE_OFFICE]) and can_enter_figures(world.users[Role.ADMIN])
    for role in (Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER, Role.ENTERPRISE, Role.EXPERT):
        assert not can_enter_figures(world.users[role]), role


def test_enter_then_correct_with_events(world, office):
    # given the county A committee office, when it enters county A's 2025 figures
    fig, created = save_region_figures(actor=office, region=world.county_a, year=2025,
                                       data={"gdp_100m_yuan": Decimal("321.5"), "industrial_employment": 80_000,
                                             "count_target_pct": Decimal("-20"), "source": "统计年鉴"})
    assert created and fig.version == 1 and fig.region_path == world.county_a.path and fig.entered_by == office
    # when it enters the same region and year again, then that row is corrected (no second row)
    fig2, created2 = save_region_figures(actor=office, region=world.county_a, year=2025,
                                         data={"gdp_100m_yuan": Decimal("330")}, version=1)
    assert not created2 and fig2.pk == fig.pk and fig2.version == 2
    assert fig2.gdp_100m_yuan == Decimal("330") and fig2.industrial_employment == 80_000
    assert RegionYearFigure.objects.filter(region=world.county_a, year=2025).count() == 1
    events = list(events_for(fig2))
    assert [e.action for e in events] == ["figures_corrected", "figures_entered"]
    assert events[0].data["changes"] == {"gdp_100m_yuan": ["321.5000", "330.0000"]}
    assert fig2.history.count() == 2
    # a stale version is a conflict, and nothing is written
    with pytest.raises(ConflictError):
        save_region_figures(actor=office, region=world.county_a, year=2025, data={"gdp_100m_yuan": 1}, version=1)
    assert RegionYearFigure.objects.get(pk=fig.pk).gdp_100m_yuan == Decimal("330")


def test_service_refuses_outside_scope_bad_values_and_other_roles(world, office):
    with pytest.raises(ValidationError) as exc:
        save_region_figures(actor=office, region=world.county_b, year=2025, data={"gdp_100m_yuan": 1})
    assert "region" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        save_region_figures(actor=office, region=world.county_a, year=2025, data={"gdp_100m_yuan": Decimal("-1")})
    assert "gdp_100m_yuan" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        save_region_figures(actor=office, region=world.county_a, year=2025, data={"count_target_pct": 150})
    assert "count_target_pct" in exc.value.message_dict
    with pytest.raises(ValidationError):
        save_region_figures(actor=fresh(world.users[Role.REGULATOR]), region=world.county_a, year=2025, data={})
    assert not RegionYearFigure.objects.exists()


def test_a_granted_permission_also_allows(world):
    from django.contrib.auth.models import Permission

    regulator = world.users[Role.REGULATOR]
    regulator.user_permissions.add(Permission.objects.get(codename="change_regionyearfigure"))
    assert can_enter_figures(fresh(regulator))


# --- import -----------------------------------------------------------------------------------------


def test_import_all_or_nothing_with_row_report(world, office):
    # given a file whose third row names a region outside county A and whose fourth has bad numbers
    upload = xlsx([
        [world.county_a.code, 2024, 300, 80000, -20, -20, "统计年鉴", ""],
        [world.township_a.code, 2024, "12.5", "", "", "", "", ""],
        [world.county_b.code, 2024, 200, 50000, "", "", "", ""],
        [world.county_a.code, "20x4", "abc", "1.5", "", "", "", ""],
        [world.county_a.code, 2024, 1, 1, "", "", "", ""],
    ])
    report = import_region_figures(upload, upload.name, actor=office)
    # then nothing is written and every error is listed with its row and column
    assert not report.ok and report.created == 0 and report.total_rows == 5
    errors = {(e.row, e.field) for e in report.errors}
    assert (4, "region_code") in errors
    assert {(5, "year"), (5, "gdp_100m_yuan"), (5, "industrial_employment")} <= errors
    assert (6, "year") in errors  # county A 2024 again
    assert not RegionYearFigure.objects.exists()
    # when the file is corrected, then every row is written (an empty figure stays empty)
    good = xlsx([[world.county_a.code, 2024, 300, 80000, -20, -20, "统计年鉴", ""],
                 [world.township_a.code, 2024, "12.5", "", "", "", "", ""]])
    report = import_region_figures(good, good.name, actor=office)
    assert report.ok and report.created == 2
    town = RegionYearFigure.objects.get(region=world.township_a)
    assert town.gdp_100m_yuan == Decimal("12.5") and town.industrial_employment is None
    # importing again corrects the same rows
    again = xlsx([[world.county_a.code, 2024, 310, 80000, -20, -20, "统计年鉴（修订）", ""]])
    assert import_region_figures(again, again.name, actor=office).ok
    assert RegionYearFigure.objects.count() == 2
    assert RegionYearFigure.objects.get(region=world.county_a).gdp_100m_yuan == Decimal("310")


def test_import_refused_without_the_right(world):
    upload = xlsx([[world.county_a.code, 2024, 300, 80000, "", "", "", ""]])
    report = import_region_figures(upload, upload.name, actor=fresh(world.users[Role.REGULATOR]))
    assert not report.ok and not RegionYearFigure.objects.exists()


# --- API --------------------------------------------------------------------------------------------


def test_api_entry_list_void_and_scoping(world, office, api, django_assert_max_num_queries):
    api.force_authenticate(office)
    resp = api.post("/api/region-figures/", {"region": world.county_a.code, "year": 2025, "gdp_100m_yuan": "300",
                                             "industrial_employment": 80000}, format="json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert resp.json()["region_name"] == "甲区" and resp.json()["version"] == 1
    # PATCH with a stale version: 409; with the current one: corrected
    assert api.patch(f"/api/region-figures/{pk}/", {"gdp_100m_yuan": "1", "version": 7},
                     format="json").status_code == 409
    resp = api.patch(f"/api/region-figures/{pk}/", {"gdp_100m_yuan": "310", "version": 1}, format="json")
    assert resp.status_code == 200 and resp.json()["version"] == 2 and resp.json()["gdp_100m_yuan"] == "310.0000"
    # outside the office's county: refused naming the region
    bad = api.post("/api/region-figures/", {"region": world.county_b.code, "year": 2025}, format="json", **EN)
    assert bad.status_code == 400 and "region" in bad.json()
    for i in range(3):
        RegionYearFigure.objects.create(region=world.township_a, year=2020 + i, gdp_100m_yuan=Decimal("10"))
    RegionYearFigure.objects.create(region=world.county_b, year=2025, gdp_100m_yuan=Decimal("20"))
    with django_assert_max_num_queries(6):
        listing = api.get("/api/region-figures/")
    assert listing.status_code == 200 and listing.json()["count"] == 4
    assert api.get("/api/region-figures/", {"year": 2025}).json()["count"] == 1
    # the other county sees only its own row, and 404 on county A's
    api.force_authenticate(fresh(world.users[OTHER_COUNTY]))
    assert api.get("/api/region-figures/").json()["count"] == 1
    assert api.get(f"/api/region-figures/{pk}/").status_code == 404
    # a regulator reads but may not write
    api.force_authenticate(fresh(world.users[Role.REGULATOR]))
    assert api.get(f"/api/region-figures/{pk}/").status_code == 200
    assert api.post("/api/region-figures/", {"region": world.county_a.code, "year": 2024},
                    format="json").status_code == 403
    assert api.delete(f"/api/region-figures/{pk}/?reason=x").status_code == 403
    # the office voids it with a reason: gone from the list, kept in the table with an event
    api.force_authenticate(office)
    assert api.delete(f"/api/region-figures/{pk}/").status_code == 400  # no reason
    assert api.delete(f"/api/region-figures/{pk}/?reason=录入错误").status_code == 204
    assert RegionYearFigure.objects.get(pk=pk).is_voided
    assert api.get(f"/api/region-figures/{pk}/").status_code == 404
    assert [e.action for e in events_for(RegionYearFigure.objects.get(pk=pk))][0] == "voided"
    # and the same region and year can be entered again
    assert api.post("/api/region-figures/", {"region": world.county_a.code, "year": 2025, "gdp_100m_yuan": "5"},
                    format="json").status_code == 201


def test_api_history_and_import(world, office, api):
    api.force_authenticate(office)
    pk = api.post("/api/region-figures/", {"region": world.county_a.code, "year": 2025, "gdp_100m_yuan": "300"},
                  format="json").json()["id"]
    assert api.get(f"/api/region-figures/{pk}/history/").status_code == 200
    bad = api.post("/api/region-figures/import/", {"file": xlsx([[world.county_b.code, 2024, 1, 1, "", "", "", ""]])},
                   format="multipart")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "region_code"
    good = api.post("/api/region-figures/import/",
                    {"file": xlsx([[world.county_a.code, 2024, 1, 1, "", "", "", ""]])}, format="multipart")
    assert good.status_code == 201 and good.json()["created"] == 1
    api.force_authenticate(fresh(world.users[Role.REGULATOR]))
    assert api.post("/api/region-figures/import/", {"file": xlsx([])}, format="multipart").status_code == 403


# --- pages ------------------------------------------------------------------------------------------


def test_figures_page_entry_and_void(world, office):
    c = Client()
    c.force_login(office)
    url = reverse("accidents:figures")
    assert c.get(url).status_code == 200
    resp = c.post(url, {"region": world.county_a.code, "year": 2025, "gdp_100m_yuan": "300",
                        "industrial_employment": "80000", "count_target_pct": "-20", "deaths_target_pct": "-20",
                        "source": "统计年鉴", "note": ""})
    assert resp.status_code == 302, resp.context["form"].errors
    fig = RegionYearFigure.objects.get()
    assert fig.gdp_100m_yuan == Decimal("300") and fig.entered_by == office
    # a bad value is shown on its field
    resp = c.post(url, {"region": world.county_a.code, "year": 2025, "gdp_100m_yuan": "-5"}, **EN)
    assert resp.status_code == 400 and "gdp_100m_yuan" in resp.context["form"].errors
    page = c.get(url, **EN).content.decode()
    assert "甲区" in page and "300.00" in page
    assert c.post(reverse("accidents:figures_void", args=[fig.pk]), {"reason": "错误"}).status_code == 302
    assert RegionYearFigure.objects.get(pk=fig.pk).is_voided


def test_figures_pages_for_other_roles(world):
    c = Client()
    c.force_login(world.users[Role.REGULATOR])
    resp = c.get(reverse("accidents:figures"))
    assert resp.status_code == 200 and resp.context["form"] is None
    assert c.post(reverse("accidents:figures"), {"region": world.county_a.code, "year": 2025}).status_code == 403
    assert c.get(reverse("accidents:figures_import")).status_code == 403
    ent = Client()
    ent.force_login(world.users[Role.ENTERPRISE])
    assert ent.get(reverse("accidents:figures")).status_code == 403


def test_import_page_and_template(world, office):
    c = Client()
    c.force_login(office)
    tpl = c.get(reverse("accidents:figures_template"))
    assert tpl.status_code == 200
    headers = [cell.value for cell in load_workbook(io.BytesIO(tpl.content)).active[1]]
    assert headers[0].startswith("区划代码") and headers[1].startswith("年度")
    bad = c.post(reverse("accidents:figures_import"),
                 {"file": xlsx([[world.county_b.code, 2024, 1, 1, "", "", "", ""]])})
    assert bad.status_code == 400 and not RegionYearFigure.objects.exists()
    ok = c.post(reverse("accidents:figures_import"), {"file": xlsx([[world.county_a.code, 2024, 1, 1, "", "", "", ""]])})
    assert ok.status_code == 200 and RegionYearFigure.objects.count() == 1


def test_figures_page_queries_do_not_grow_with_rows(world, office, django_assert_max_num_queries):
    c = Client()
    c.force_login(office)
    url = reverse("accidents:figures")
    RegionYearFigure.objects.create(region=world.county_a, year=2020, gdp_100m_yuan=Decimal("1"))
    c.get(url)  # warm the session
    with django_assert_max_num_queries(12) as few:
        assert c.get(url).status_code == 200
    for year in range(2000, 2015):
        RegionYearFigure.objects.create(region=world.township_a, year=year, gdp_100m_yuan=Decimal("1"))
    with django_assert_max_num_queries(len(few)):
        assert c.get(url).status_code == 200

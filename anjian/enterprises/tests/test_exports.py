"""Enterprise export: exactly the scoped and filtered rows, the template's columns plus the
status and the current supervision plate, in a fixed number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from anjian.enterprises import exports
from anjian.enterprises.exports import ExportTooLarge, export_enterprises, filtered_enterprises, write_xlsx
from anjian.enterprises.imports import ENTERPRISE_COLUMNS, read_enterprise_rows
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, SupervisionFactory


def read(content: bytes) -> list[dict]:
    """The exported sheet as a list of {header: value}."""
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, [*r, *[None] * (len(header) - len(r))], strict=True)) for r in rows[1:]]


def names(content: bytes) -> set[str]:
    return {r["企业名称"] for r in read(content)}


@pytest.mark.django_db
def test_export_has_exactly_the_scoped_rows(world):
    # Given enterprises in county A (two) and county B (one)
    # When each user exports the unfiltered list
    def export_for(key):
        return names(export_enterprises(filtered_enterprises(world.users[key], {})))

    # Then each sees only their jurisdiction
    assert export_for(Role.REGULATOR) == {world.ent_a.name, world.ent_a_construction.name}
    assert export_for("other_county") == {world.ent_b.name}
    assert export_for(Role.INDUSTRY_OFFICER) == {world.ent_a_construction.name}  # construction only
    assert export_for(Role.ENTERPRISE) == {world.ent_a.name}
    assert export_for(Role.ADMIN) >= {world.ent_a.name, world.ent_a_construction.name, world.ent_b.name}


@pytest.mark.django_db
def test_user_of_another_county_exports_zero_rows_of_county_a(world):
    # Given a county-B regulator filtering on county A's region
    params = {"region": world.county_a.code}
    # When exporting / Then nothing of county A leaks
    assert read(export_enterprises(filtered_enterprises(world.users["other_county"], params))) == []


@pytest.mark.django_db
def test_export_applies_the_list_filters(world):
    user = world.users[Role.REGULATOR]
    assert names(export_enterprises(filtered_enterprises(user, {"industry": "06"}))) == {world.ent_a_construction.name}
    assert names(export_enterprises(filtered_enterprises(user, {"has_supervision": "false"}))) == {
        world.ent_a_construction.name}
    assert names(export_enterprises(filtered_enterprises(user, {"q": world.ent_a.credit_code}))) == {world.ent_a.name}


@pytest.mark.django_db
def test_export_columns_start_with_the_template_and_carry_the_current_plate(world):
    # Given ent_a with a current plate and a blind spot
    content = export_enterprises(filtered_enterprises(world.users[Role.REGULATOR], {}))
    rows = {r["企业名称"]: r for r in read(content)}
    header = list(next(iter(rows.values())).keys())

    # Then the template's headers come first (an export can be imported elsewhere)
    assert header[: len(ENTERPRISE_COLUMNS)] == [c.header for c in ENTERPRISE_COLUMNS]
    a = rows[world.ent_a.name]
    assert a["统一社会信用代码"] == world.ent_a.credit_code
    assert a["所属乡镇(街道)代码"] == world.township_a.code
    assert a["行业代码"] == "0504"
    assert a["网格编码"] == world.grid_a.code
    assert a["监管部门"] == world.dept_a.name
    assert a["责任领导"] == "张领导" and a["监管责任人"] == "李监管"
    assert a["高危(是/否)"] in {"是", "否"}
    assert a["经营状态"]
    blind = rows[world.ent_a_construction.name]
    assert blind["监管部门"] is None and blind["监管责任人"] is None


@pytest.mark.django_db
def test_only_the_current_plate_is_exported(world):
    # Given ent_a had an earlier plate that has ended
    SupervisionFactory(enterprise=world.ent_a, department=world.dept_b, is_current=False,
                       leader_name="旧领导", ended_on=timezone.localdate())
    rows = read(export_enterprises(filtered_enterprises(world.users[Role.REGULATOR], {})))
    # Then ent_a appears once, with the current plate
    a_rows = [r for r in rows if r["企业名称"] == world.ent_a.name]
    assert len(a_rows) == 1 and a_rows[0]["监管部门"] == world.dept_a.name


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_rows(world):
    user = world.users[Role.REGULATOR]
    with CaptureQueriesContext(connection) as few:
        export_enterprises(filtered_enterprises(user, {}))
    for _ in range(30):
        ent = EnterpriseFactory(region=world.township_a, grid=world.grid_a)
        SupervisionFactory(enterprise=ent, department=world.dept_a)
    with CaptureQueriesContext(connection) as many:
        content = export_enterprises(filtered_enterprises(user, {}))
    assert len(read(content)) == 32
    assert len(many) <= len(few) <= 4  # (the first export also resolves the user's scope)


@pytest.mark.django_db
def test_export_refuses_more_than_the_cap(world, monkeypatch):
    monkeypatch.setattr(exports, "MAX_EXPORT_ROWS", 1)
    with translation.override("en"), pytest.raises(ExportTooLarge, match="at most 1"):
        export_enterprises(filtered_enterprises(world.users[Role.REGULATOR], {}))


@pytest.mark.django_db
def test_export_page_sends_a_dated_attachment_of_the_filtered_list(world, client):
    # Given the list page's query string
    client.force_login(world.users[Role.REGULATOR])
    # When the export link is followed
    response = client.get(reverse("enterprises:export"), {"industry": "0504"})
    # Then an attachment named by the date holds just the filtered rows
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="enterprises-{timezone.localdate():%Y%m%d}.xlsx"' in response["Content-Disposition"]
    assert names(response.content) == {world.ent_a.name}


@pytest.mark.django_db
def test_export_page_of_another_county_is_empty_and_bad_filters_are_400(world, client):
    client.force_login(world.users["other_county"])
    response = client.get(reverse("enterprises:export"), {"region": world.county_a.code})
    assert response.status_code == 200 and read(response.content) == []
    response = client.get(reverse("enterprises:export"), {"status": "bogus"})
    assert response.status_code == 400 and "status" in response.content.decode()


@pytest.mark.django_db
def test_export_page_needs_login(client):
    response = client.get(reverse("enterprises:export"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_api_export_uses_the_api_filters_and_scope(world, api):
    api.force_authenticate(world.users[Role.REGULATOR])
    response = api.get("/api/enterprises/export/", {"has_supervision": "true"})
    assert response.status_code == 200
    assert names(response.content) == {world.ent_a.name}
    api.force_authenticate(world.users["other_county"])
    response = api.get("/api/enterprises/export/", {"region": world.county_a.code})
    assert response.status_code == 200 and read(response.content) == []


@pytest.mark.django_db
def test_api_export_bad_filter_is_400_naming_the_field(world, api):
    api.force_authenticate(world.users[Role.REGULATOR])
    response = api.get("/api/enterprises/export/", {"status": "bogus"})
    assert response.status_code == 400
    assert "status" in response.json()


@pytest.mark.django_db
def test_api_export_accepts_the_xlsx_media_type(world, api):
    api.force_authenticate(world.users[Role.REGULATOR])
    response = api.get("/api/enterprises/export/", HTTP_ACCEPT=exports_media())
    assert response.status_code == 200 and names(response.content)


def exports_media() -> str:
    from anjian.core.downloads import XLSX

    return XLSX


@pytest.mark.django_db
def test_an_export_reads_back_as_an_import_file(world):
    # Given an export
    content = export_enterprises(filtered_enterprises(world.users[Role.REGULATOR], {}))
    # When it is read as an import file
    rows = {r["credit_code"]: r for _n, r in read_enterprise_rows(io.BytesIO(content), "export.xlsx")}
    # Then its columns are the import columns with the same values
    a = rows[world.ent_a.credit_code]
    assert a["name"] == world.ent_a.name
    assert a["region_code"] == world.township_a.code and a["grid_code"] == world.grid_a.code
    assert a["industry_code"] == "0504" and a["employees"] == str(world.ent_a.employees)


def test_xlsx_writer_escapes_text_and_writes_typed_cells():
    # Given awkward values
    buf = io.BytesIO()
    rows = [["A&B <x> \"q\"", " lead", 3, 2.5, Decimal("30.123456"), datetime.date(2015, 6, 1), None, True,
             "bad\x01char"]]
    write_xlsx(buf, "S&P", [f"h{i}" for i in range(9)], rows, widths=[10] * 9)
    # When read back with openpyxl (full mode, which validates more)
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    values = [c.value for c in ws[2]]
    # Then the values survive
    assert values[:6] == ["A&B <x> \"q\"", " lead", 3, 2.5, 30.123456, datetime.datetime(2015, 6, 1)]
    assert values[6] is None and values[7] is True and values[8] == "badchar"
    assert ws.freeze_panes == "A2" and ws["A1"].font.b

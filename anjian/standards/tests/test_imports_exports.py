"""Checklist import (all-or-nothing, row-by-row report naming row and column; new versions of
existing checklists), the template, and the Excel exports of checklists and of the criteria
catalogue (round trip: an export imports back as a new version)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from anjian.core.imports import ImportFileError
from anjian.core.services import events_for
from anjian.orgs.choices import Role
from anjian.standards import selectors
from anjian.standards.exports import CRITERIA_HEADERS, export_checklists
from anjian.standards.imports import CHECKLIST_COLUMNS, import_checklists, template_bytes
from anjian.standards.models import CheckItem, Checklist, MajorHazardCriterion

from .factories import make_checklist

pytestmark = pytest.mark.django_db

HEADERS = [c.header + (" *" if c.required else "") for c in CHECKLIST_COLUMNS]
FIELDS = [c.field for c in CHECKLIST_COLUMNS]
D = datetime.date


def row(**values) -> dict:
    base = {"checklist_code": "CL-T1", "name": "小微企业检查表", "industry_code": "0504", "content": "检查内容"}
    base.update(values)
    return base


def xlsx(rows: list[dict]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append([r.get(f) for f in FIELDS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def sheet_rows(content: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def admin(world):
    return world.users[Role.ADMIN]


def test_import_writes_checklists_with_items_history_and_an_event(admin):
    # given two checklists in one file, one with a major item linked by criterion code
    rows = [
        row(checklist_code="CL-T1", version="2026", effective_from=D(2026, 1, 1), item_no="1", content="防护罩齐全",
            hazard_factor="物的因素"),
        row(checklist_code="CL-T1", name=None, industry_code=None, item_no="2", content="特种作业持证",
            criterion_code="GM2023-GL02"),
        row(checklist_code="CL-T2", name="通用补充表", industry_code=None, content="应急预案", hazard_factor="4",
            is_major_criterion="否"),
    ]
    # when an administrator imports it
    report = import_checklists(xlsx(rows), "list.xlsx", actor=admin)
    # then both checklists are written with their items, in file order
    assert report.ok, report.errors
    assert (report.checklists, report.created, report.total_rows) == (2, 3, 3)
    t1 = Checklist.objects.get(code="CL-T1")
    assert (t1.version, t1.industry.code, t1.effective_from) == ("2026", "0504", D(2026, 1, 1))
    items = list(t1.items.order_by("sort"))
    assert [(i.item_no, i.hazard_factor, i.is_major_criterion) for i in items] == \
        [("1", "object", False), ("2", "management", True)]
    assert items[1].criterion.code == "GM2023-GL02"
    t2 = Checklist.objects.get(code="CL-T2")
    assert t2.industry is None and t2.version == "1" and t2.items.get().hazard_factor == "management"
    # and each checklist has an "imported" event naming the file, and history rows by the administrator
    event = events_for(t1).first()
    assert (event.action, event.data["file"], event.actor) == ("imported", "list.xlsx", admin)
    assert items[0].history.first().history_user == admin


def test_bad_rows_write_nothing_and_every_error_names_row_and_column(admin):
    # given a file with errors on several rows
    rows = [
        row(industry_code="9999"),
        row(content="", hazard_factor="天的因素"),
        row(criterion_code="NOPE-1"),
        row(criterion_code="HC2017-01", is_major_criterion="否"),
        row(name="另一个名称", effective_from="2026-13-45"),
        row(checklist_code=""),
    ]
    before = (Checklist.objects.count(), CheckItem.objects.count())
    # when it is imported (in Chinese, the default language)
    with translation.override("zh-hans"):
        report = import_checklists(xlsx(rows), "bad.xlsx", actor=admin)
    # then nothing is written
    assert not report.ok
    assert (Checklist.objects.count(), CheckItem.objects.count()) == before
    # and each error names its spreadsheet row (header = row 1) and its column header
    found = {(e.row, e.column) for e in report.errors}
    assert {(2, "行业代码"), (3, "检查内容"), (3, "危险有害因素类别"), (4, "判定标准条款编码"),
            (5, "重大隐患判定项(是/否)"), (6, "检查表名称"), (6, "生效日期"), (7, "检查表编码")} <= found
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(2, "行业代码")] == "行业代码 9999 不存在。"
    assert "第 2 行" in messages[(6, "检查表名称")]  # the name differs from the one given on row 2


def test_existing_version_is_never_changed_and_a_new_version_needs_a_later_date(admin):
    # given the shipped CL-05 (version 1, no start date) and a checklist in force since 2026-01-01
    make_checklist("0504", code="CL-T9", effective_from=D(2026, 1, 1), actor=admin)
    # when a file repeats version 1, or gives a new version without (or with too early) a date
    report = import_checklists(xlsx([
        row(checklist_code="CL-05", version="1", effective_from=D(2027, 1, 1)),
        row(checklist_code="CL-T9", version="2"),
        row(checklist_code="CL-01", version="2", effective_from=D(2026, 1, 1)),
    ]), "again.xlsx", actor=admin)
    # then it is refused with the reason on the version / date columns
    assert not report.ok
    assert {(e.row, e.field) for e in report.errors} == {(2, "version"), (3, "effective_from")}
    assert Checklist.objects.filter(code="CL-05").count() == 1


def test_importing_a_new_version_closes_the_old_one(admin):
    # given the shipped coal checklist, in force without dates
    old = Checklist.objects.get(code="CL-01")
    # when a new version is imported from 2026-09-01 (version left empty)
    report = import_checklists(xlsx([row(checklist_code="CL-01", name="煤矿安全检查表（2026修订）", industry_code="01",
                                         effective_from=D(2026, 9, 1), content="新增检查项")]), "v2.xlsx", actor=admin)
    # then it is version 2 from that day, and version 1 ends the day before
    assert report.ok, report.errors
    new = Checklist.objects.get(code="CL-01", version="2")
    assert new.effective_from == D(2026, 9, 1)
    old.refresh_from_db()
    assert old.effective_to == D(2026, 8, 31)
    assert events_for(old).first().action == "version_closed"


def test_the_template_imports_as_it_is(admin):
    # given the downloaded template with its example rows, when it is imported unchanged
    content = template_bytes()
    assert sheet_rows(content)[0] == HEADERS
    report = import_checklists(io.BytesIO(content), "template.xlsx", actor=admin)
    # then its example checklist is created, and the instructions sheet lists criterion codes
    assert report.ok, report.errors
    assert Checklist.objects.get(code="CL-LOCAL-01").items.count() == 2
    notes = [r[0] for r in load_workbook(io.BytesIO(content))["填写说明"].iter_rows(values_only=True)]
    assert "HC2017-01" in notes and "0504" in notes


def test_csv_import_and_a_missing_column_is_a_file_error(admin):
    # given a CSV (GB18030, as Excel in Chinese saves it)
    text = "检查表编码,检查表名称,检查内容\nCL-CSV,CSV检查表,检查一\nCL-CSV,,检查二\n"
    report = import_checklists(io.BytesIO(text.encode("gb18030")), "list.csv", actor=admin)
    assert report.ok, report.errors
    assert Checklist.objects.get(code="CL-CSV").items.count() == 2
    # given a file without the content column, then the whole file is refused naming it
    with pytest.raises(ImportFileError, match="检查内容"), translation.override("zh-hans"):
        import_checklists(io.BytesIO("检查表编码,检查表名称\nA,B\n".encode()), "x.csv", actor=admin)


def test_export_round_trip_as_a_new_version(admin):
    # given the shipped hazchem checklist, when it is exported
    content = export_checklists(selectors.checklists().filter(code="CL-03"))
    client_rows = sheet_rows(content)
    # then the sheet has the import headers first, and one row per active item
    assert client_rows[0][:len(HEADERS)] == [c.header for c in CHECKLIST_COLUMNS]
    assert len(client_rows) - 1 == Checklist.objects.get(code="CL-03").items.filter(is_active=True).count()
    assert client_rows[1][FIELDS.index("criterion_code")] == "HC2017-01"
    # when the export is edited into version 2 from 2026-10-01 and imported back
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=FIELDS.index("version") + 1, value="2")
        ws.cell(row=r, column=FIELDS.index("effective_from") + 1, value="2026-10-01")
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    report = import_checklists(buf, "cl03.xlsx", actor=admin)
    # then version 2 has the same items and criteria
    assert report.ok, report.errors
    v1, v2 = Checklist.objects.get(code="CL-03", version="1"), Checklist.objects.get(code="CL-03", version="2")
    assert list(v2.items.order_by("sort").values_list("content", "criterion__code")) == \
        list(v1.items.order_by("sort").values_list("content", "criterion__code"))


def test_criteria_export_lists_documents_with_and_without_items(client, world):
    # given any logged-in user, when they export the catalogue from its page
    client.force_login(world.users[Role.ENTERPRISE])
    response = client.get(reverse("standards:criteria_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response.content)
    # then every criterion is a row, and documents without item texts have one row each
    assert rows[0] == CRITERIA_HEADERS
    codes = [r[9] for r in rows[1:]]
    assert len([c for c in codes if c]) == MajorHazardCriterion.objects.filter(
        is_active=True, document__is_active=True).count()
    assert sorted(r[0] for r in rows[1:] if not r[9]) == [
        "CIVEXP-2023", "FIRE-GB35181-2017", "FIRE-GB35181-2025", "HOUSING-2022", "INDTRADE-2017", "POWER-2022"]
    # and the certainty is spelled out in words, without research tags
    hazchem = next(r for r in rows[1:] if r[9] == "HC2017-01")
    assert hazchem[7] == "经两个独立来源核实" and hazchem[12] == "第一项" and hazchem[15] == "是"
    assert not any("[C" in str(cell) or "资料 S" in str(cell) for row in rows for cell in row)
    # and superseded documents say so
    assert next(r for r in rows[1:] if r[0] == "HOUSING-2022")[16].startswith("已被替代")
    # when filtered to building materials, then only the criteria that apply to it remain
    rows = sheet_rows(client.get(reverse("standards:criteria_export"), {"industry": "0503"}).content)
    assert {r[9] for r in rows[1:] if r[0] == "INDTRADE-2023"} >= {"GM2023-JC01", "GM2023-GL01"}
    assert "GM2023-YJ01" not in {r[9] for r in rows[1:]}


def test_checklist_export_page_uses_the_list_filters(client, world):
    # given any logged-in user, when they export the list filtered to hazardous chemicals
    client.force_login(world.users[Role.GRID_OFFICER])
    response = client.get(reverse("standards:export"), {"industry": "0301"})
    # then only the hazchem checklist's items are in it
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert {r[0] for r in rows[1:]} == {"CL-03"}
    # and an invalid filter is a 400 naming it
    assert client.get(reverse("standards:export"), {"in_force": "soon"}).status_code == 400


def test_export_drops_characters_a_worksheet_cannot_hold(admin):
    # given a checklist whose name came in through the API with a control character (found by
    # the API contract run: the export answered 500, openpyxl's IllegalCharacterError)
    checklist = Checklist.objects.get(code="CL-03")
    Checklist.objects.filter(pk=checklist.pk).update(name="危化品\x08检查表\x1f")
    # when it is exported, then the file is written, the name without those characters
    content = export_checklists(selectors.checklists().filter(code="CL-03"))
    assert "危化品检查表" in [str(v) for v in sheet_rows(content)[1]]

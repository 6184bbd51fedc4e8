"""The criteria import (imports_criteria): an administrator replaces the shipped statements
with the official wording, or adds a document's items, from xlsx — all or nothing, with a
row-by-row report — through the page and the API."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anjian.core.services import events_for
from anjian.orgs.choices import Role
from anjian.standards.exports import export_criteria
from anjian.standards.imports_criteria import CRITERIA_COLUMNS, import_criteria, template_bytes
from anjian.standards.models import CriteriaDocument, MajorHazardCriterion
from anjian.standards.selectors import criteria_documents

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in CRITERIA_COLUMNS]
OFFICIAL = "工贸企业未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的。"


def xlsx(rows: list[dict]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    fields = [c.field for c in CRITERIA_COLUMNS]
    for r in rows:
        ws.append([r.get(f) for f in fields])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_official_wording_replaces_the_statement_and_new_items_are_added(world):
    admin = world.users[Role.ADMIN]
    # given the official text of one item and a new item of GB 35181-2025 (not recorded yet)
    upload = xlsx([
        {"criterion_code": "GM2023-GL01", "text": OFFICIAL},
        {"document_code": "FIRE-GB35181-2025", "criterion_code": "FIRE2025-5.1", "section": "直接判定要素（第5章）",
         "item_no": "5.1", "article": "5.1", "text": "（导入的官方条文）", "is_confirmed": "否"},
    ])
    # when imported
    report = import_criteria(upload, "official.xlsx", actor=admin)
    # then one criterion is updated and one added, with their history and events
    assert report.ok, report.errors
    assert (report.updated, report.created, report.total_rows) == (1, 1, 2)
    updated = MajorHazardCriterion.objects.get(code="GM2023-GL01")
    assert updated.text == OFFICIAL and updated.is_confirmed
    assert updated.section == "管理类（第三条）" and updated.article == "第三条第（一）项"  # empty cells keep values
    assert updated.history.first().history_user == admin
    assert [e.action for e in events_for(updated)][-1] == "updated"
    added = MajorHazardCriterion.objects.get(code="FIRE2025-5.1")
    assert added.document.code == "FIRE-GB35181-2025" and not added.is_confirmed and added.is_active
    assert added.citation == "来源：《GB 35181-2025 重大火灾隐患判定规则》（GB 35181-2025）5.1"


def test_one_bad_row_means_nothing_is_written_and_every_error_is_listed(world):
    before = {c.code: c.text for c in MajorHazardCriterion.objects.all()}
    upload = xlsx([
        {"criterion_code": "GM2023-GL01", "text": OFFICIAL},                          # row 2: fine
        {"criterion_code": "NEW-1", "text": "新条款"},                                  # row 3: no document
        {"document_code": "NOPE", "criterion_code": "NEW-2", "text": "新条款"},         # row 4: unknown document
        {"criterion_code": "HC2017-01", "text": ""},                                   # row 5: no text
        {"criterion_code": "GM2023-GL01", "text": "重复"},                              # row 6: duplicate code
        {"document_code": "COAL-2026", "criterion_code": "HC2017-02", "text": "错文件"},  # row 7: wrong document
        {"criterion_code": "GM2023-FC02", "text": "已停用条款"},                          # row 8: deactivated
        {"criterion_code": "HC2017-03", "text": "x" * 10, "industry_code": "77", "is_confirmed": "也许"},  # row 9
    ])
    report = import_criteria(upload, "bad.xlsx", actor=world.users[Role.ADMIN])
    assert not report.ok and report.created == report.updated == 0
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "文件编码"), (4, "文件编码"), (5, "判定情形"), (6, "条款编码"), (7, "文件编码"), (8, "条款编码"),
        (9, "仅适用于细分行业"), (9, "文本已核实(是/否)"),
    ]
    assert "COAL-2026" in report.errors[4].message
    # and nothing changed, not even the good row
    assert {c.code: c.text for c in MajorHazardCriterion.objects.all()} == before


def test_the_export_can_be_edited_and_imported_again(world):
    # given the criteria export (documents without items have a document-only row)
    content = export_criteria(criteria_documents().filter(code__in=["INDTRADE-2023", "INDTRADE-2017"]))
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    code_col, text_col = headers.index("条款编码"), headers.index("判定情形")
    for row in ws.iter_rows(min_row=2):
        if row[code_col].value == "GM2023-GL01":
            row[text_col].value = OFFICIAL
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    # when uploaded unchanged but for one text, then every listed criterion is rewritten as it was
    report = import_criteria(buf, "export.xlsx", actor=world.users[Role.ADMIN])
    assert report.ok, report.errors[:3]
    assert report.updated == MajorHazardCriterion.objects.filter(document__code="INDTRADE-2023",
                                                                  is_active=True).count()
    assert MajorHazardCriterion.objects.get(code="GM2023-GL01").text == OFFICIAL
    assert MajorHazardCriterion.objects.get(code="GM2023-YS01").industry.code == "0502"


def test_template_lists_the_documents():
    wb = load_workbook(io.BytesIO(template_bytes()))
    assert [c.value for c in wb.worksheets[0][1]][:2] == ["文件编码", "条款编码 *"]
    codes = {r[0].value for r in wb["填写说明"].iter_rows()}
    assert {"FIRE-GB35181-2025", "HOUSING-2024"} <= codes


def test_import_page_and_api_are_for_system_administrators(world, client, api):
    # non-administrators are refused on the page and the API
    client.force_login(world.users[Role.REGULATOR])
    assert client.get(reverse("standards:criteria_import")).status_code == 403
    api.force_authenticate(world.users[Role.REGULATOR])
    assert api.post("/api/major-hazard-criteria/import/", {"file": xlsx([])}, format="multipart").status_code == 403
    # an administrator gets the report: the page shows the errors (400) or the counts
    client.force_login(world.users[Role.ADMIN])
    upload = xlsx([{"criterion_code": "NEW-1", "text": "新条款"}])
    upload.name = "bad.xlsx"
    response = client.post(reverse("standards:criteria_import"), {"file": upload})
    assert response.status_code == 400 and "新增条款" in response.content.decode()
    upload = xlsx([{"criterion_code": "GM2023-GL01", "text": OFFICIAL}])
    upload.name = "ok.xlsx"
    response = client.post(reverse("standards:criteria_import"), {"file": upload})
    assert response.status_code == 200 and "更新 1 个条款" in response.content.decode()
    # and the API answers with the same report
    api.force_authenticate(world.users[Role.ADMIN])
    upload = xlsx([{"criterion_code": "HC2017-01", "text": "官方条文一"}])
    upload.name = "api.xlsx"
    response = api.post("/api/major-hazard-criteria/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["updated"] == 1 and response.json()["errors"] == []
    response = api.post("/api/major-hazard-criteria/import/", {}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"
    assert CriteriaDocument.objects.get(code="HAZCHEM-2017").criteria.get(code="HC2017-01").text == "官方条文一"
    # the template downloads from the page and the API
    assert client.get(reverse("standards:criteria_import_template")).status_code == 200
    assert api.get("/api/major-hazard-criteria/import-template/").status_code == 200

"""Enterprise import: all-or-nothing with a row-by-row report, scoped to the actor's
jurisdiction, written with history rows and one summary event; the template imports
cleanly; the xlsx reader gives the same texts as openpyxl."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from anjian.core.imports import ImportFileError
from anjian.core.models import Event
from anjian.core.testing.files import minimal_xlsx
from anjian.core.xlsx import iter_xlsx_rows
from anjian.enterprises.imports import (
    ENTERPRISE_COLUMNS,
    import_enterprises,
    read_enterprise_rows,
    template_bytes,
)
from anjian.enterprises.models import Enterprise
from anjian.enterprises.validators import credit_code_check_char
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, GridFactory, industry

HEADERS = [c.header + (" *" if c.required else "") for c in ENTERPRISE_COLUMNS]
FIELDS = [c.field for c in ENTERPRISE_COLUMNS]


def code(serial: int, division: str = "330100") -> str:
    first17 = f"91{division}{serial:09d}"
    return first17 + credit_code_check_char(first17)


def row(**values) -> dict:
    """One import row (field → value) with sensible defaults; override what the test needs."""
    base = {"name": "新导入机械有限公司", "credit_code": code(900001), "industry_code": "0504",
            "employees": 12, "above_scale": "否", "established_on": datetime.date(2018, 5, 6)}
    base.update(values)
    return base


def xlsx(rows: list[dict], *, write_only: bool = True) -> io.BytesIO:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("企业名单") if write_only else wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append([r.get(f, None) for f in FIELDS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def errors_by_row(report) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for e in report.errors:
        out.setdefault(e.row, set()).add(e.field)
    return out


@pytest.mark.django_db
def test_import_writes_every_row_with_region_path_history_and_one_event(world):
    # Given a county-A regulator and two valid rows in county A's township (one with a grid)
    actor = world.users[Role.REGULATOR]
    rows = [
        row(name="甲导入一厂", credit_code=code(900001), region_code=world.township_a.code,
            grid_code=world.grid_a.code, latitude=30.5, longitude=120.25, high_risk="是", above_scale="是"),
        row(name="甲导入二厂", credit_code=code(900002), region_code=world.township_a.code, industry_code="0301",
            employees=None, established_on=None),
    ]
    before = Enterprise.objects.count()

    # When the file is imported
    report = import_enterprises(xlsx(rows), "list.xlsx", actor=actor)

    # Then both rows are written, placed in the township, with history and one summary event
    assert report.ok, report.errors
    assert (report.total_rows, report.created) == (2, 2)
    assert Enterprise.objects.count() == before + 2
    one = Enterprise.objects.get(credit_code=code(900001))
    two = Enterprise.objects.get(credit_code=code(900002))
    assert one.region_path == world.township_a.path and two.region_path == world.township_a.path
    assert one.grid == world.grid_a and two.grid is None
    assert (one.latitude, one.longitude) == (pytest.approx(30.5), pytest.approx(120.25))
    assert one.high_risk and one.above_scale and one.employees == 12
    assert one.established_on == datetime.date(2018, 5, 6)
    assert two.employees == 0 and two.established_on is None
    assert two.high_risk is industry("0301").high_risk  # blank 高危 follows the industry
    assert one.status == "operating" and not one.is_voided and one.created_at is not None
    for ent in (one, two):
        history = list(ent.history.all())
        assert len(history) == 1
        assert history[0].history_type == "+"
        assert history[0].history_user == actor
        assert history[0].name == ent.name and history[0].region_id == ent.region_id
        assert "list.xlsx" in history[0].history_change_reason
    event = Event.objects.get(action="enterprises_imported")
    assert event.content_type == ContentType.objects.get_for_model(actor)
    assert event.object_id == str(actor.pk) and event.actor == actor
    assert event.data["created"] == 2 and event.data["file"] == "list.xlsx"
    # and the new enterprises are visible to the importer (they are in its scope)
    assert Enterprise.objects.for_user(actor).filter(pk__in=[one.pk, two.pk]).count() == 2


@pytest.mark.django_db
def test_bad_rows_are_all_reported_by_row_and_field_and_nothing_is_written(world):
    # Given a file where each row but the first has one problem
    actor = world.users[Role.REGULATOR]
    bad_check = code(900003)[:-1] + ("0" if code(900003)[-1] != "0" else "1")
    other_grid = GridFactory(township=world.township_b)
    rows = [
        row(credit_code=code(900010), region_code=world.township_a.code),                 # 2: fine
        row(credit_code=bad_check, region_code=world.township_a.code),                    # 3: check char
        row(credit_code=code(900011), region_code="999999999999"),                        # 4: unknown region
        row(credit_code=code(900012), region_code=world.township_b.code),                 # 5: other county
        row(credit_code=code(900010), region_code=world.township_a.code),                 # 6: dup of row 2
        row(credit_code=world.ent_b.credit_code, region_code=world.township_a.code),      # 7: in the DB
        row(credit_code=code(900013), region_code=world.township_a.code, employees="十二"),  # 8: number
        row(credit_code=code(900014), region_code=world.township_a.code, grid_code=other_grid.code),  # 9
        row(credit_code=code(900015), region_code=world.township_a.code, industry_code="7777"),  # 10
        row(credit_code=code(900016), region_code=world.county_a.code),                   # 11: not a township
        row(credit_code=code(900017), region_code=world.township_a.code, above_scale="也许",
            latitude="北纬30", established_on="2018-13-45"),                               # 12: three problems
        row(name="", credit_code="", region_code=""),                                      # 13: required
    ]
    before = (Enterprise.objects.count(), Enterprise.history.count(), Event.objects.count())

    # When it is imported (messages in English, the source language)
    with translation.override("en"):
        report = import_enterprises(xlsx(rows), "bad.xlsx", actor=actor)

    # Then the report names every row and field, and nothing at all is written
    assert not report.ok and report.created == 0
    found = errors_by_row(report)
    assert 2 not in found
    assert found[3] == {"credit_code"}
    assert found[4] == {"region_code"}
    assert found[5] == {"region_code"}
    assert found[6] == {"credit_code"}
    assert found[7] == {"credit_code"}
    assert found[8] == {"employees"}
    assert found[9] == {"grid_code"}
    assert found[10] == {"industry_code"}
    assert found[11] == {"region_code"}
    assert found[12] == {"above_scale", "latitude", "established_on"}
    assert found[13] == {"name", "credit_code", "region_code"}
    messages = {(e.row, e.field): e.message for e in report.errors}
    assert "row 2" in messages[(6, "credit_code")]  # the duplicate names the first row
    assert "outside your jurisdiction" in messages[(5, "region_code")]
    assert all(e.column for e in report.errors)  # every error names its column header too
    assert (Enterprise.objects.count(), Enterprise.history.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_industry_outside_an_industry_officers_scope_is_refused(world):
    # Given a construction-sector officer of county A
    actor = world.users[Role.INDUSTRY_OFFICER]
    rows = [row(credit_code=code(900020), region_code=world.township_a.code, industry_code="0601"),
            row(credit_code=code(900021), region_code=world.township_a.code, industry_code="0504")]

    # When a machinery enterprise is in the file
    report = import_enterprises(xlsx(rows), "x.xlsx", actor=actor)

    # Then that row is refused (the officer could not see it afterwards) and nothing is written
    assert errors_by_row(report) == {3: {"industry_code"}}
    assert not Enterprise.objects.filter(credit_code__in=[code(900020), code(900021)]).exists()


@pytest.mark.django_db
def test_leading_zero_dropped_by_excel_is_restored_for_industry_codes(world):
    # Given an industry code typed as a number (Excel shows 0504 as 504)
    rows = [row(credit_code=code(900030), region_code=world.township_a.code, industry_code=504)]

    # When it is imported
    report = import_enterprises(xlsx(rows), "x.xlsx", actor=world.users[Role.ADMIN])

    # Then the industry is found
    assert report.ok, report.errors
    assert Enterprise.objects.get(credit_code=code(900030)).industry == industry("0504")


@pytest.mark.django_db
def test_csv_import_in_gb18030(world):
    # Given a CSV file saved by a Chinese Excel (GB18030)
    lines = [",".join(HEADERS), ",".join([
        "甲CSV商贸有限公司", code(900040), world.township_a.code, "0508", "", "", "", "", "", "", "", "", "",
        "否", "3", "", "2020/3/18"])]
    data = io.BytesIO(("\r\n".join(lines) + "\r\n").encode("gb18030"))

    # When it is imported
    report = import_enterprises(data, "list.csv", actor=world.users[Role.REGULATOR])

    # Then it is written like an xlsx row
    assert report.ok, report.errors
    ent = Enterprise.objects.get(credit_code=code(900040))
    assert ent.name == "甲CSV商贸有限公司" and ent.established_on == datetime.date(2020, 3, 18)


@pytest.mark.django_db
def test_unreadable_files_and_missing_columns_raise_a_file_error(world):
    actor = world.users[Role.REGULATOR]
    # Given a file that is not a spreadsheet, then one without the required columns
    with pytest.raises(ImportFileError):
        import_enterprises(io.BytesIO(b"not a zip"), "x.xlsx", actor=actor)
    with pytest.raises(ImportFileError):
        import_enterprises(io.BytesIO(b"x"), "x.pdf", actor=actor)
    wb = Workbook()
    wb.active.append(["企业名称", "地址"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    # When it is imported / Then the error names the missing columns
    with pytest.raises(ImportFileError, match="统一社会信用代码"):
        import_enterprises(buf, "x.xlsx", actor=actor)


@pytest.mark.django_db
def test_empty_file_reports_no_data_rows(world):
    report = import_enterprises(xlsx([]), "x.xlsx", actor=world.users[Role.REGULATOR])
    assert not report.ok and report.errors[0].field == "file"


@pytest.mark.django_db
def test_template_examples_import_cleanly_once_region_and_grid_are_filled_in(world):
    # Given the downloaded template, with the example rows' township and grid replaced by real ones
    wb = load_workbook(io.BytesIO(template_bytes()))
    data, instructions = wb.worksheets
    assert [c.value for c in data[1]] == HEADERS
    listed = {r[0] for r in instructions.iter_rows(values_only=True) if r and r[0]}
    assert {"0504", "0601", "99"} <= listed  # the industry codes are listed
    region_col = FIELDS.index("region_code") + 1
    grid_col = FIELDS.index("grid_code") + 1
    for r in (2, 3):
        data.cell(row=r, column=region_col, value=world.township_a.code)
        if data.cell(row=r, column=grid_col).value:
            data.cell(row=r, column=grid_col, value=world.grid_a.code)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)

    # When it is imported
    report = import_enterprises(buf, "template.xlsx", actor=world.users[Role.REGULATOR])

    # Then both example rows are created
    assert report.ok, report.errors
    assert report.created == 2


def _stringify(value) -> str:
    """How core.imports.read_rows turns an openpyxl value into text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@pytest.mark.parametrize("write_only", [True, False], ids=["inline-strings", "shared-strings"])
def test_xlsx_reader_matches_openpyxl(write_only):
    # Given a sheet with every kind of cell, gaps and characters that XML escapes
    rows = [
        ["名称", "数字", "小数", "布尔", "空", "文本"],
        ["A&B <公司> \"x\"", 42, 3.25, True, None, "  padded  "],
        ["第二行", 12345678901, -0.5, False, None, "'quoted'"],
        [None, None, None, None, None, "only last"],
        ["九", 1e20, 30.123456, None, None, "end"],
    ]
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet() if write_only else wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)

    # When it is read with the streaming reader and with openpyxl
    ours = [values for _n, values in iter_xlsx_rows(io.BytesIO(buf.getvalue()))]
    theirs = [[_stringify(v) for v in r]
              for r in load_workbook(io.BytesIO(buf.getvalue()), read_only=True).active.iter_rows(values_only=True)]

    # Then the texts are the same (trailing empty cells aside)
    def trim(r):
        r = list(r)
        while r and r[-1] == "":
            r.pop()
        return r

    assert [trim(r) for r in ours] == [trim(r) for r in theirs]


def test_xlsx_reader_dates_become_iso_dates():
    wb = Workbook()
    wb.active.append(["d", "dt"])
    wb.active.append([datetime.date(2015, 6, 1), datetime.datetime(2020, 1, 2, 13, 30)])
    buf = io.BytesIO()
    wb.save(buf)
    rows = list(iter_xlsx_rows(io.BytesIO(buf.getvalue())))
    assert rows[1] == (2, ["2015-06-01", "2020-01-02T13:30:00"])


def test_xlsx_reader_handles_prefixes_formulas_and_rich_text():
    # Given a sheet written with a namespace prefix, a formula with its cached value, rich
    # text, attributes in another order and cells without references
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>名称</x:t></x:is></x:c></x:row>'
        '<x:row r="3"><x:c r="B3" t="str"><x:f>A1</x:f><x:v>abc &amp; d</x:v></x:c>'
        '<x:c r="C3" t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t>文本</x:t></x:r></x:is></x:c></x:row>'
        '</x:sheetData></x:worksheet>'
    )
    rows = list(iter_xlsx_rows(minimal_xlsx(sheet)))
    assert rows == [(1, ["名称"]), (3, ["", "abc & d", "富文本"])]
    # and a sheet without a prefix but with a formula goes through the same general path
    plain = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c t="n" r="A1"><v>7</v></c><c><f>A1*2</f><v>14</v></c></row>'
        '</sheetData></worksheet>'
    )
    assert list(iter_xlsx_rows(minimal_xlsx(plain))) == [(1, ["7", "14"])]


def test_header_may_use_field_names_and_unknown_columns_are_ignored():
    wb = Workbook()
    wb.active.append(["credit_code", "备注", "name", "region_code", "industry_code"])
    wb.active.append(["X", "ignored", "甲", "1", "05"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    rows = read_enterprise_rows(buf, "x.xlsx")
    assert rows == [(2, {"credit_code": "X", "name": "甲", "region_code": "1", "industry_code": "05"})]


# --- Page and API -------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_page_needs_the_permission(world, client):
    client.force_login(world.users[Role.COMMITTEE_OFFICE])
    assert client.get(reverse("enterprises:import")).status_code == 403
    client.force_login(world.users[Role.REGULATOR])
    assert client.get(reverse("enterprises:import")).status_code == 200


@pytest.mark.django_db
def test_import_page_shows_created_count_or_the_error_table(world, client):
    client.force_login(world.users[Role.REGULATOR])
    # Given a good file / When uploaded / Then the count is shown and the rows exist
    good = xlsx([row(credit_code=code(900050), region_code=world.township_a.code)])
    good.name = "good.xlsx"
    response = client.post(reverse("enterprises:import"), {"file": good})
    assert response.status_code == 200
    assert Enterprise.objects.filter(credit_code=code(900050)).exists()
    assert response.context["report"].created == 1
    # Given a bad file / When uploaded / Then the error table names the row and column, nothing written
    bad = xlsx([row(credit_code=code(900051), region_code=world.township_b.code)])
    bad.name = "bad.xlsx"
    response = client.post(reverse("enterprises:import"), {"file": bad})
    assert response.status_code == 400
    content = response.content.decode()
    assert "所属乡镇(街道)代码" in content and world.township_b.code in content
    assert not Enterprise.objects.filter(credit_code=code(900051)).exists()


@pytest.mark.django_db
def test_import_template_download(world, client):
    client.force_login(world.users[Role.REGULATOR])
    response = client.get(reverse("enterprises:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content)).worksheets[0].cell(1, 1).value.startswith("企业名称")


@pytest.mark.django_db
def test_api_import_201_with_report(world, api):
    # Given a regulator with a valid file
    api.force_authenticate(world.users[Role.REGULATOR])
    upload = xlsx([row(credit_code=code(900060), region_code=world.township_a.code)])
    upload.name = "api.xlsx"
    # When it is posted
    response = api.post("/api/enterprises/import/", {"file": upload}, format="multipart")
    # Then 201 with the report
    assert response.status_code == 201, response.content
    assert response.json() == {"ok": True, "total_rows": 1, "created": 1, "errors": []}


@pytest.mark.django_db
def test_api_import_400_lists_errors_and_writes_nothing(world, api):
    api.force_authenticate(world.users[Role.REGULATOR])
    upload = xlsx([row(credit_code=code(900061), region_code=world.township_a.code),
                   row(credit_code=code(900061), region_code=world.township_a.code)])
    upload.name = "dup.xlsx"
    response = api.post("/api/enterprises/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["created"] == 0
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["field"] == "credit_code"
    assert body["errors"][0]["column"] == "统一社会信用代码"
    assert not Enterprise.objects.filter(credit_code=code(900061)).exists()
    # and a missing file is a 400 naming the field
    response = api.post("/api/enterprises/import/", {}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMMITTEE_OFFICE, Role.EXPERT, Role.ENTERPRISE, Role.GRID_OFFICER])
def test_api_import_without_permission_is_403(world, api, role):
    api.force_authenticate(world.users[role])
    upload = xlsx([row(credit_code=code(900070), region_code=world.township_a.code)])
    upload.name = "x.xlsx"
    response = api.post("/api/enterprises/import/", {"file": upload}, format="multipart")
    assert response.status_code == 403
    assert not Enterprise.objects.filter(credit_code=code(900070)).exists()


@pytest.mark.django_db
def test_api_import_template(world, api):
    api.force_authenticate(world.users[Role.EXPERT])
    response = api.get("/api/enterprises/import-template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_existing_enterprise_elsewhere_blocks_the_credit_code(world):
    # Given an enterprise of county B (outside the importer's scope) with a credit code
    other = EnterpriseFactory(region=world.township_b)
    rows = [row(credit_code=other.credit_code, region_code=world.township_a.code)]
    # When county A imports the same code / Then it is refused (credit codes are unique nationwide)
    report = import_enterprises(xlsx(rows), "x.xlsx", actor=world.users[Role.REGULATOR])
    assert errors_by_row(report) == {2: {"credit_code"}}


@pytest.mark.django_db
def test_a_credit_code_registered_meanwhile_rolls_everything_back(world, monkeypatch):
    # Given a file that validates, but whose second code is registered before the write
    from anjian.enterprises import imports

    rows = [row(credit_code=code(900080), region_code=world.township_a.code),
            row(credit_code=code(900081), region_code=world.township_a.code)]
    real_lookups = imports._lookups

    def lookups_then_race(actor, file_rows):
        found = real_lookups(actor, file_rows)
        EnterpriseFactory(region=world.township_b, credit_code=code(900081))
        return found

    monkeypatch.setattr(imports, "_lookups", lookups_then_race)
    before = Enterprise.objects.count()
    # When it is imported
    report = import_enterprises(xlsx(rows), "x.xlsx", actor=world.users[Role.REGULATOR])
    # Then the report says so and the first row was not written either
    assert not report.ok and report.errors[0].field == "credit_code"
    assert Enterprise.objects.count() == before + 1  # only the racing enterprise
    assert not Enterprise.objects.filter(credit_code=code(900080)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("sink", ["copy", "executemany"])
def test_past_the_orm_writes_exactly_what_bulk_create_writes(world, monkeypatch, sink):
    from anjian.core import bulk
    from anjian.core.testing.bulk import record_writes, sink_of_this_database
    from anjian.enterprises.models import EnterpriseTag, FeatureTag

    sink_of_this_database(sink)
    # Given rows with what COPY must escape or convert: tabs, newlines, backslashes, a literal
    # \N, quotes, empty and missing values, decimals, dates, booleans, the largest integer, tags
    actor = world.users[Role.REGULATOR]
    township = world.township_a.code
    tag = FeatureTag.objects.filter(is_active=True).first()
    rows = [
        row(name='带\t制表符、\\反斜杠和"引号"的公司', credit_code=code(900101), region_code=township,
            grid_code=world.grid_a.code, latitude=30.123456, longitude=-120.5, high_risk="是", above_scale="是",
            address="第一行\n第二行\r\n第三行", principal_phone="\\N", legal_representative="O'Brien",
            tags=tag.name if tag else ""),
        row(name="空值企业", credit_code=code(900102), region_code=township, industry_code="0301",
            employees=None, established_on=None, high_risk_basis="人工", high_risk="否"),
        row(name="边界企业", credit_code=code(900103), region_code=township, employees=2_147_483_647,
            established_on=datetime.date(1901, 1, 1), latitude=-90, longitude=180),
    ]
    codes = [r["credit_code"] for r in rows]
    volatile = {"id", "history_id", "created_at", "updated_at", "history_date", "enterprise_id"}

    def written() -> tuple[list[dict], ...]:
        enterprises = list(Enterprise.objects.filter(credit_code__in=codes).order_by("credit_code").values())
        history = list(Enterprise.history.filter(credit_code__in=codes).order_by("credit_code").values())
        links = list(EnterpriseTag.objects.filter(enterprise__credit_code__in=codes)
                     .order_by("enterprise__credit_code").values())
        event = Event.objects.filter(action="enterprises_imported").order_by("-id").values("actor_id", "data").first()
        ids = sorted(e["id"] for e in enterprises)
        assert (event["data"]["first_id"], event["data"]["last_id"]) == (ids[0], ids[-1])
        # each history row is its enterprise's, at the time of the import
        by_id = {e["id"]: e for e in enterprises}
        assert all(h["history_date"] >= by_id[h["id"]]["created_at"] for h in history)
        return ([{k: v for k, v in e.items() if k not in volatile} for e in enterprises],
                [{k: v for k, v in h.items() if k not in volatile} for h in history],
                [{k: v for k, v in t.items() if k not in volatile} for t in links],
                {k: v for k, v in event["data"].items() if k not in ("first_id", "last_id")} | {"by": event["actor_id"]})

    tables, copied = record_writes(monkeypatch)

    # When the file is imported past the ORM, undone, and imported again with bulk_create
    savepoint = transaction.savepoint()
    assert import_enterprises(xlsx(rows), "same.xlsx", actor=actor).created == 3
    past = written()
    stamps = {e[k] for e in Enterprise.objects.filter(credit_code__in=codes).values("created_at", "updated_at")
              for k in ("created_at", "updated_at")}
    transaction.savepoint_rollback(savepoint)
    assert not Enterprise.objects.filter(credit_code__in=codes).exists()
    monkeypatch.setattr(bulk, "PAST_THE_ORM", False)
    assert import_enterprises(xlsx(rows), "same.xlsx", actor=actor).created == 3
    by_orm = written()

    # Then every table was written past the ORM (by COPY on PostgreSQL), the same rows as bulk_create
    expected = [Enterprise._meta.db_table, Enterprise.history.model._meta.db_table,
                *([EnterpriseTag._meta.db_table] if tag else [])]
    assert tables == expected and copied == (expected if sink == "copy" else [])
    assert past == by_orm
    assert len(past[0]) == len(past[1]) == 3 and len(past[2]) == (1 if tag else 0)
    assert len(stamps) == 1  # past the ORM, the whole import has one time
    tricky = next(e for e in past[0] if e["credit_code"] == code(900101))
    assert tricky["name"] == '带\t制表符、\\反斜杠和"引号"的公司' and tricky["principal_phone"] == "\\N"
    assert tricky["address"] == "第一行\n第二行\r\n第三行"
    manual = next(e for e in past[0] if e["credit_code"] == code(900102))
    assert manual["high_risk_basis"] == "manual" and manual["high_risk"] is False

"""Enterprise import from xlsx/CSV (all-or-nothing) and its template.

Every row is validated completely before anything is written: required fields, the GB 32100
check character of the credit code, duplicates within the file and in the database, the
township (an existing township in the actor's jurisdiction), the industry (existing, and in
the actor's industries when the actor's scope is narrowed to some), the grid (existing and in
that township), numbers, yes/no values, dates and coordinates. One error anywhere means
nothing is written and the report lists every error with its row and column.

Reading, the all-or-nothing transaction and the report are the one import pipeline
(``core.imports.run_import``); writing is the one bulk writer (``core.bulk.bulk_insert``: COPY on
PostgreSQL, ``bulk_create`` elsewhere), so a 150,000-row file imports well within a minute on a
small server. What is the enterprises' own is here: the columns, the lookups (loaded once per
import, never one query per row) and the row checks. Every enterprise gets its "created"
history row (history user = the actor, change reason naming the file). The import as a whole
is recorded as one ``enterprises_imported`` event on the actor's user record (a per-enterprise
event would double the write volume and say nothing the history rows do not).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.bulk import ImportEvent, bulk_insert
from anjian.core.imports import (
    Column,
    ImportReport,
    RowInvalid,
    TemplateNotes,
    parse_bool,
    parse_cell,
    parse_date,
    parse_industry_code,
    parse_int,
    read_rows,
    run_import,
    template_workbook,
    text_cells,
)
from anjian.core.scoping import scope_of
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Grid, Region

from .choices import HighRiskBasis
from .models import Enterprise, EnterpriseTag, FeatureTag, Industry
from .validators import credit_code_check_char, credit_code_error

# RowInvalid and the cell parsers are the pipeline's (core.imports); imported here by name
# because the enterprise checks use them.
__all__ = ["ENTERPRISE_COLUMNS", "RowInvalid", "import_enterprises", "parse_bool", "parse_date", "parse_int",
           "read_enterprise_rows", "template_bytes", "write_enterprises"]

SQLITE_CHUNK = 900  # stay under SQLite's bound-variable limit in IN (...) lookups


ENTERPRISE_COLUMNS: list[Column] = [
    Column("name", "企业名称", required=True),
    Column("credit_code", "统一社会信用代码", required=True, help="18位，GB 32100 校验", text=True),
    Column("region_code", "所属乡镇(街道)代码", required=True, help="12位统计用区划代码（乡镇/街道级）", text=True),
    Column("industry_code", "行业代码", required=True, help="见“填写说明”工作表中的行业代码", text=True),
    Column("grid_code", "网格编码", help="可空；须属于所填乡镇(街道)", text=True),
    Column("legal_representative", "法定代表人"),
    Column("principal_name", "主要负责人"),
    Column("principal_phone", "主要负责人电话", text=True),
    Column("safety_manager_name", "安全管理人员"),
    Column("safety_manager_phone", "安全管理人员电话", text=True),
    Column("address", "地址"),
    Column("longitude", "经度", help="-180～180，最多6位小数"),
    Column("latitude", "纬度", help="-90～90，最多6位小数"),
    Column("above_scale", "规模以上(是/否)", help="是/否，空为否"),
    Column("employees", "从业人数", help="非负整数，空为0"),
    Column("high_risk", "高危(是/否)", help="是/否，空则按行业判定"),
    Column("established_on", "成立日期", help="如 2015-06-01"),
    Column("high_risk_basis", "高危认定依据", help="按行业/人工；空则：高危列有值为人工认定，无值为按行业"),
    Column("tags", "特征标签", help="可空；填标签名称或代码，多个用顿号或逗号分隔，见“填写说明”"),
]

# Plain text fields copied as they are (after the length check).
TEXT_FIELDS = ("name", "legal_representative", "principal_name", "principal_phone", "safety_manager_name",
               "safety_manager_phone", "address")
MAX_LENGTH = {f: Enterprise._meta.get_field(f).max_length for f in TEXT_FIELDS}

BASIS_WORDS = {"按行业": HighRiskBasis.INDUSTRY, "行业": HighRiskBasis.INDUSTRY, "industry": HighRiskBasis.INDUSTRY,
               "人工": HighRiskBasis.MANUAL, "人工认定": HighRiskBasis.MANUAL, "manual": HighRiskBasis.MANUAL}
BASIS_TEXT = {HighRiskBasis.INDUSTRY: "按行业", HighRiskBasis.MANUAL: "人工"}
TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")
SIX_PLACES = Decimal("0.000001")
INVALID = object()


def parse_coordinate(text: str, limit: int) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowInvalid(_("“%(v)s” is not a number.") % {"v": text}) from None
    if not value.is_finite() or not -limit <= value <= limit:
        raise RowInvalid(_("The value must be between -%(n)s and %(n)s.") % {"n": limit})
    return value.quantize(SIX_PLACES)


def parse_latitude(text: str) -> Decimal | None:
    return parse_coordinate(text, 90)


def parse_longitude(text: str) -> Decimal | None:
    return parse_coordinate(text, 180)


PARSERS = (
    ("latitude", parse_latitude),
    ("longitude", parse_longitude),
    ("above_scale", parse_bool),
    ("employees", parse_int),
    ("high_risk", parse_bool),
    ("established_on", parse_date),
)


def _chunks(values: Iterable[str], size: int = SQLITE_CHUNK) -> Iterable[list[str]]:
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _lookups(actor, rows: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    """Everything the rows refer to, loaded in a handful of queries."""
    region_codes = {r.get("region_code", "") for _n, r in rows} - {""}
    grid_codes = {r.get("grid_code", "") for _n, r in rows} - {""}
    credit_codes = {r.get("credit_code", "").upper() for _n, r in rows} - {""}

    regions: dict[str, tuple[int, str, str]] = {}  # code -> (id, level, path), every live region
    in_scope: set[str] = set()
    scoped = Region.objects.for_user(actor)
    for chunk in _chunks(region_codes):
        regions.update({code: (pk, level, path) for pk, code, level, path in
                        Region.objects.filter(code__in=chunk, is_voided=False)
                        .values_list("pk", "code", "level", "path")})
        in_scope.update(scoped.filter(code__in=chunk).values_list("code", flat=True))
    grids: dict[str, tuple[int, int]] = {}  # code -> (id, township id)
    for chunk in _chunks(grid_codes):
        grids.update({code: (pk, township_id) for pk, code, township_id in
                      Grid.objects.filter(code__in=chunk, is_voided=False).values_list("pk", "code", "township_id")})
    existing: set[str] = set()
    for chunk in _chunks(credit_codes):
        existing.update(Enterprise.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True))
    industries = {code: (pk, high_risk) for pk, code, high_risk in
                  Industry.objects.values_list("pk", "code", "high_risk")}
    tags: dict[str, tuple[int, str, bool]] = {}  # name or code → (id, name, active)
    for pk, code, name, active in FeatureTag.objects.values_list("pk", "code", "name", "is_active"):
        tags[code.lower()] = tags[name] = (pk, name, active)
    return {
        "regions": regions, "in_scope": in_scope, "grids": grids, "existing": existing,
        "industries": industries, "industry_scope": scope_of(actor).industry_ids, "today": timezone.localdate(),
        "tags": tags,
    }


def _parse_tags(text: str, known: dict[str, tuple[int, str, bool]]) -> list[int]:
    """The ids of the feature tags named (by name or code) in ``text``; RowInvalid names the
    unknown and retired ones."""
    ids, unknown, retired = [], [], []
    for word in TAG_SEPARATORS.split(text.strip()):
        if not word:
            continue
        tag = known.get(word) or known.get(word.lower())
        if tag is None:
            unknown.append(word)
        elif not tag[2]:
            retired.append(tag[1])
        elif tag[0] not in ids:
            ids.append(tag[0])
    if unknown:
        raise RowInvalid(_("Unknown feature tags: %(names)s.") % {"names": "、".join(unknown)})
    if retired:
        raise RowInvalid(_("These feature tags are retired and cannot be given: %(names)s.")
                         % {"names": "、".join(retired)})
    return ids


def _validate_row(rownum: int, row: dict[str, str], lk: dict[str, Any], seen: dict[str, int],
                  report: ImportReport) -> dict[str, Any] | None:
    """The model field values of one row, or None after adding its errors to the report."""
    errors_before = len(report.errors)

    def err(field: str, message: str) -> None:
        report.add(rownum, field, message)

    values: dict[str, Any] = text_cells(rownum, row, MAX_LENGTH, report)
    if not values["name"]:
        err("name", _("The enterprise name is required."))

    code = row.get("credit_code", "").upper()
    if not code:
        err("credit_code", _("The unified social credit code is required."))
    elif (message := credit_code_error(code)) is not None:
        err("credit_code", message)
    elif code in seen:
        err("credit_code", _("Credit code %(code)s appears again (first on row %(row)s).")
            % {"code": code, "row": seen[code]})
    elif code in lk["existing"]:
        err("credit_code", _("An enterprise with credit code %(code)s is already registered.") % {"code": code})
    if code and code not in seen:
        seen[code] = rownum
    values["credit_code"] = code

    region_code = row.get("region_code", "")
    region = lk["regions"].get(region_code)
    if not region_code:
        err("region_code", _("The township code is required."))
    elif region is None:
        err("region_code", _("Unknown region code %(code)s.") % {"code": region_code})
    elif region[1] != RegionLevel.TOWNSHIP:
        err("region_code", _("Region %(code)s is not a township; enterprises are placed in a township.")
            % {"code": region_code})
        region = None
    elif region_code not in lk["in_scope"]:
        err("region_code", _("Township %(code)s is outside your jurisdiction.") % {"code": region_code})
        region = None
    if region is not None:
        values["region_id"], values["region_path"] = region[0], region[2]

    industry_code = parse_industry_code(row.get("industry_code", ""))
    industry = lk["industries"].get(industry_code)
    if not industry_code:
        err("industry_code", _("The industry code is required."))
    elif industry is None:
        err("industry_code", _("Unknown industry code %(code)s.") % {"code": industry_code})
    elif lk["industry_scope"] and industry[0] not in lk["industry_scope"]:
        err("industry_code", _("Industry %(code)s is outside your jurisdiction.") % {"code": industry_code})
    else:
        values["industry_id"] = industry[0]

    grid_code = row.get("grid_code", "")
    values["grid_id"] = None
    if grid_code:
        grid = lk["grids"].get(grid_code)
        if grid is None:
            err("grid_code", _("Unknown grid code %(code)s.") % {"code": grid_code})
        elif region is not None and grid[1] != region[0]:
            err("grid_code", _("Grid %(grid)s does not belong to township %(code)s.")
                % {"grid": grid_code, "code": region_code})
        else:
            values["grid_id"] = grid[0]

    for field, parse in PARSERS:
        value = parse_cell(rownum, row, field, parse, report, default=INVALID)
        if value is not INVALID:  # an invalid cell has its error; the checks below leave it alone
            values[field] = value
    if values.get("established_on") and values["established_on"] > lk["today"]:
        err("established_on", _("The date cannot be in the future."))
    if (values.get("latitude") is None) != (values.get("longitude") is None) and len(report.errors) == errors_before:
        missing = "longitude" if values.get("longitude") is None else "latitude"
        err(missing, _("Give both latitude and longitude, or neither."))

    # The high-risk flag: "按行业" (or both cells empty) follows the industry; "人工" (or a
    # 是/否 without a basis, as before this column existed) keeps the value given.
    basis_text = row.get("high_risk_basis", "").strip()
    basis = BASIS_WORDS.get(basis_text.lower()) if basis_text else None
    if basis_text and basis is None:
        err("high_risk_basis", _("Write 按行业 or 人工, not “%(v)s”.") % {"v": basis_text})
    elif basis == HighRiskBasis.MANUAL and "high_risk" in values and values["high_risk"] is None:
        err("high_risk", _("With the basis 人工, say whether the enterprise is high-risk (是/否)."))
    if basis is None and values.get("high_risk") is not None:
        basis = HighRiskBasis.MANUAL
    values["high_risk_basis"] = basis or HighRiskBasis.INDUSTRY
    if values["high_risk_basis"] == HighRiskBasis.INDUSTRY:
        values["high_risk"] = industry[1] if industry else False
    values["tags"] = parse_cell(rownum, row, "tags", lambda text: _parse_tags(text, lk["tags"]), report)

    if len(report.errors) != errors_before:
        return None
    if values["above_scale"] is None:
        values["above_scale"] = False
    if values["employees"] is None:
        values["employees"] = 0
    return values


def read_enterprise_rows(fileobj: IO[bytes], filename: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows of an upload as (spreadsheet row number, {field: text}), read by the one
    bounded reader (``core.imports.read_rows``)."""
    return list(read_rows(fileobj, filename, ENTERPRISE_COLUMNS))


def import_enterprises(fileobj: IO[bytes], filename: str, *, actor) -> ImportReport:
    """Import enterprises from an xlsx/CSV file: every row is written, or none is.

    Raises ``core.imports.ImportFileError`` when the file itself cannot be read.
    """

    def validate(rows: list[tuple[int, dict[str, str]]], report: ImportReport) -> list[dict[str, Any]]:
        lk = _lookups(actor, rows)
        seen: dict[str, int] = {}
        valid = []
        for rownum, row in rows:
            values = _validate_row(rownum, row, lk, seen, report)
            if values is not None and report.ok:
                valid.append(values)
        return valid

    def write(valid: list[dict[str, Any]], report: ImportReport) -> None:
        ids = write_enterprises(valid, actor=actor, reason=f"import: {filename}"[:100],
                                event=ImportEvent("enterprises_imported", on=actor,
                                                  data={"file": filename, "rows": report.total_rows}))
        report.created = len(ids)

    # An IntegrityError: someone registered one of these credit codes since the check.
    return run_import(fileobj, filename, columns=ENTERPRISE_COLUMNS, validate=validate, write=write,
                      conflict=("credit_code", _("Another user registered some of these enterprises meanwhile; "
                                                 "nothing was imported. Upload the file again to see which rows.")))


def write_enterprises(rows: list[dict[str, Any]], *, actor, reason: str, event: ImportEvent | None = None) -> list[int]:
    """Insert validated enterprise rows (dicts keyed by attname, all with the same keys,
    region_path included; each gets its new "id"), their "created" history rows and their
    feature-tag links (``tags``: tag ids); return the new ids. Inside the caller's transaction."""
    ids = bulk_insert(Enterprise, rows, actor=actor, reason=reason, event=event, large=True)
    actor_id = getattr(actor, "pk", None)
    links = [{"enterprise_id": r["id"], "tag_id": tag, "created_by_id": actor_id} for r in rows for tag in r.get("tags") or ()]
    bulk_insert(EnterpriseTag, links, actor=actor, large=True)
    return ids


EXAMPLE_ROWS = [
    # name, credit code (first 17; the check char is appended), township, industry, grid, ...
    ("示范机械制造有限公司", "91990101MA01XAMP1", "990101001000", "0504", "990101001G01", "张三", "李四",
     "13800000001", "王五", "13800000002", "城关街道人民路1号", 120.123456, 30.123456, "是", 120, "否",
     datetime.date(2015, 6, 1)),
    ("示范商贸有限公司", "91990101MA01XAMP2", "990101001000", "0508", "", "赵六", "赵六",
     "13800000003", "钱七", "13800000004", "城关街道新华路8号", "", "", "否", 15, "",
     datetime.date(2020, 3, 18)),
]


def template_rows() -> list[list]:
    """The example rows of the template, with valid credit codes."""
    out = []
    for row in EXAMPLE_ROWS:
        values = list(row)
        values[1] = values[1] + credit_code_check_char(values[1])
        out.append(values)
    return out


def template_bytes() -> bytes:
    """The xlsx import template: the headers, two example rows (their township and grid are
    the demo city's; replace them with your own) and a 填写说明 sheet with the industry codes."""
    return template_workbook(ENTERPRISE_COLUMNS, "企业名单", template_rows(), notes=TemplateNotes(
        lines=[
            "1. 第一个工作表为导入数据，第一行为表头，请勿修改；带 * 的列必填。示例行请替换或删除。",
            "2. 所属乡镇(街道)代码为12位统计用区划代码，须为您管辖范围内的乡镇(街道)；网格编码须属于该乡镇(街道)。",
            "3. 统一社会信用代码18位，按 GB 32100 校验；同一文件内及系统中均不得重复。",
            "4. 是/否列填“是”或“否”；高危留空时按行业判定。日期写作 2015-06-01。",
            "   高危认定依据填“按行业”（高危随行业）或“人工”（按高危列认定）；特征标签填下表中的名称，多个用顿号分隔。",
            "5. 任一行有错则整个文件不导入，系统逐行列出错误，改正后重新上传。",
        ],
        tables=[
            (["行业代码", "行业名称", "高危行业", "依据"],
             [[i.code, i.name, "是" if i.high_risk else "", i.high_risk_source] for i in Industry.objects.order_by("code")]),
            (["特征标签", "代码", "认定范围", "依据"],
             [[t.name, t.code, t.description, t.source] for t in FeatureTag.objects.filter(is_active=True)
              .order_by("sort", "code")]),
        ],
        widths=(22, 26, 40),
    ))

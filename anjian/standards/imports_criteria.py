"""Major-hazard criteria import from xlsx/CSV (all-or-nothing) and its template.

The shipped criterion texts are our own concise statements; an administrator replaces them
with the official wording (or adds the items of a document we could not record, such as
GB 35181-2025) by uploading one row per criterion:

- a row whose 条款编码 (criterion code) exists updates that criterion: its text, and the
  section, item number, article, sub-sector and "confirmed" mark when those cells are filled;
- a row with a new code adds a criterion to the document named by 文件编码 (document code).

The criteria export (exports.export_criteria) has the same headers, so it can be edited and
uploaded again. Every row is checked first; one error anywhere means nothing is written, and
the report lists every error with its spreadsheet row and column header: the one import
pipeline (``core.imports.run_import``), as the checklist import; criteria are written through
``services.update_criterion`` / ``services.create_criterion``.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from anjian.core.imports import (
    Column,
    ImportReport,
    TemplateNotes,
    parse_bool,
    parse_cell,
    parse_industry_code,
    run_import,
    template_workbook,
    text_cells,
)
from anjian.enterprises.models import Industry

from . import services
from .models import CriteriaDocument, MajorHazardCriterion

CRITERIA_COLUMNS: list[Column] = [
    Column("document_code", "文件编码", help="新增条款必填，如 FIRE-GB35181-2025；更新已有条款时可空"),
    Column("criterion_code", "条款编码", required=True, help="已有条款填写其编码（见导出文件）；新增条款填写新编码",
           text=True),
    Column("section", "类别/部分", help="空则不改（新增条款为空）"),
    Column("item_no", "条款号", help="如 （一）、4.2 c)；空则不改"),
    Column("article", "条款位置", help="在原文中的位置，如 第十一条第（二）项、4.2 c)；空则不改"),
    Column("text", "判定情形", required=True, help="官方条文或准确转述；将替换原有文字"),
    Column("industry_code", "仅适用于细分行业", help="细分行业代码（如 0503）；空则不改（新增条款为适用于整个文件）"),
    Column("is_confirmed", "文本已核实(是/否)", help="空则视为“是”（已按官方文本核实）"),
]
MAX_LENGTH = {name: MajorHazardCriterion._meta.get_field(field).max_length for name, field in
              (("criterion_code", "code"), ("section", "section"), ("item_no", "item_no"), ("article", "article"))}


def _lookups(rows: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    """Everything the rows refer to, in three queries (never one per row)."""
    codes = {r.get("criterion_code", "").strip() for _n, r in rows} - {""}
    return {
        "criteria": {c.code: c for c in MajorHazardCriterion.objects.filter(code__in=codes).select_related("document")},
        "documents": {d.code: d for d in CriteriaDocument.objects.all()},
        "industries": {i.code: i for i in Industry.objects.all()},
    }


def _parse_row(rownum: int, row: dict[str, str], lk: dict[str, Any], report: ImportReport) -> dict[str, Any]:
    """The change one row asks for; errors go to the report (the values may then be incomplete)."""

    def err(field: str, message: str) -> None:
        report.add(rownum, field, message)

    values: dict[str, Any] = text_cells(rownum, row, MAX_LENGTH, report)
    values["text"] = row.get("text", "")
    if not values["criterion_code"]:
        err("criterion_code", _("The criterion code is required."))
    if not values["text"]:
        err("text", _("The criterion text is required."))

    document_code = row.get("document_code", "")
    existing = lk["criteria"].get(values["criterion_code"])
    document = lk["documents"].get(document_code) if document_code else None
    if document_code and document is None:
        err("document_code", _("Unknown criteria document %(code)s.") % {"code": document_code})
    elif existing is not None:
        if document is not None and document.pk != existing.document_id:
            err("document_code", _("Criterion %(code)s belongs to document %(doc)s, not %(other)s.")
                % {"code": existing.code, "doc": existing.document.code, "other": document_code})
        if not existing.is_active:
            err("criterion_code", _("Criterion %(code)s is deactivated; reactivate it before importing its text.")
                % {"code": existing.code})
    elif values["criterion_code"]:
        if document is None and not document_code:
            err("document_code", _("Criterion %(code)s is new: give the code of the document it belongs to.")
                % {"code": values["criterion_code"]})
        elif document is not None and not document.is_active:
            err("document_code", _("Document %(code)s is deactivated.") % {"code": document_code})
    values["existing"], values["document"] = existing, document

    code = parse_industry_code(row.get("industry_code", "").split(" ")[0])  # the export writes "0503 name"
    values["industry"] = None
    if code:
        values["industry"] = lk["industries"].get(code)
        if values["industry"] is None:
            err("industry_code", _("Unknown industry code %(code)s.") % {"code": code})
    confirmed = parse_cell(rownum, row, "is_confirmed", parse_bool, report)
    # Importing the official wording is what confirms a text; an explicit 否 keeps it unconfirmed.
    values["is_confirmed"] = True if confirmed is None else confirmed
    return values


def _changes(values: dict[str, Any]) -> dict[str, Any]:
    """The fields the row sets: text and mark always, the other cells only when filled."""
    data: dict[str, Any] = {"text": values["text"], "is_confirmed": values["is_confirmed"]}
    for field in ("section", "item_no", "article"):
        if values[field]:
            data[field] = values[field]
    if values["industry"] is not None:
        data["industry"] = values["industry"]
    return data


def import_criteria(fileobj: IO[bytes], filename: str, *, actor) -> ImportReport:
    """Update (``report.updated``) and add (``report.created``) major-hazard criteria. Either
    every row is valid and everything is written in one transaction, or nothing is."""

    def write(parsed: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
        for rownum, values in parsed:
            try:
                _write(values, actor=actor, report=report)
            except ValidationError as exc:  # a model rule the row checks do not know: named on its row
                for message in exc.messages:
                    report.add(rownum, "file", message)

    return run_import(fileobj, filename, columns=CRITERIA_COLUMNS, validate=_validate, write=write,
                      counts=("updated",))


def _validate(rows: list[tuple[int, dict[str, str]]], report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    """The change each row asks for, by row number; every error goes to the report."""
    lk = _lookups(rows)
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for rownum, row in rows:
        if not row.get("criterion_code") and not row.get("text"):
            continue  # a document-only row of the export (a document without recorded items)
        values = _parse_row(rownum, row, lk, report)
        code = values["criterion_code"]
        if code in seen:
            report.add(rownum, "criterion_code", _("Criterion %(code)s is already on row %(row)s.")
                       % {"code": code, "row": seen[code]})
        elif code:
            seen[code] = rownum
        parsed.append((rownum, values))
    return parsed


def _write(values: dict[str, Any], *, actor, report: ImportReport) -> None:
    data = _changes(values)
    existing = values["existing"]
    if existing is not None:
        services.update_criterion(existing, actor=actor, data=data)
        report.updated += 1
        return
    services.create_criterion(actor=actor, data={**data, "document": values["document"],
                                                 "code": values["criterion_code"]})
    report.created += 1


EXAMPLE_ROWS = [
    ["INDTRADE-2023", "GM2023-GL01", None, None, "第三条第（一）项",
     "（此处填写官方条文）未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的。", None, "是"],
]


def template_bytes() -> bytes:
    """The xlsx import template: headers, an example row, and a 填写说明 sheet with the columns
    and the criteria documents' codes. To start from the current texts, use the export."""
    return template_workbook(CRITERIA_COLUMNS, "判定标准条款", EXAMPLE_ROWS, notes=TemplateNotes(
        lines=[
            "1. 每行一个条款；第一行为表头，请勿修改；带 * 的列必填。示例行请替换或删除。",
            "2. 条款编码已存在：用“判定情形”替换该条款的文字；其他列填写时一并修改，空则不改。",
            "3. 条款编码不存在：在“文件编码”所指的文件中新增该条款。",
            "4. 可先在“重大事故隐患判定标准”页面导出 Excel，修改后直接上传。",
            "5. 任一行有错则整个文件不导入，系统逐行列出错误，改正后重新上传。",
        ],
        tables=[(["文件编码", "文件名称", "文号"],
                 [[d.code, d.title, d.document_number]
                  for d in CriteriaDocument.objects.filter(is_active=True).order_by("code")])],
    ))

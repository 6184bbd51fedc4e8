"""Excel exports of the standards library.

Checklists: one row per active check item, under the import template's headers first (so
an export can be edited and imported again as a new version), then read-only columns.
Criteria catalogue: one row per criterion with its document's facts and certainty; a
document without recorded items appears as one row so the export shows what exists.

Both read their rows in a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from anjian.core.exports import clean_text

from .choices import Certainty
from .imports import CHECKLIST_COLUMNS, FACTOR_LABELS_ZH
from .models import CheckItem, MajorHazardCriterion
from .services import version_status

STATUS_ZH = {"in_force": "现行", "upcoming": "未生效", "superseded": "已被替代", "inactive": "已停用"}
# Plain Chinese labels: the status marks of the fact sheet ([C2], [CODE], ...) are research
# tags and stay out of what users see.
CERTAINTY_ZH = {
    Certainty.CONFIRMED_TWICE: "经两个独立来源核实",
    Certainty.CONFIRMED: "经一个来源核实",
    Certainty.CODE: "仅见于公开转录，待核对官方文本",
    Certainty.DERIVED: "推算得出",
    Certainty.VARIANTS: "来源表述不一",
    Certainty.UNCONFIRMED: "未确认",
}


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _workbook(title: str, headers: list[str], rows: Iterable[list], widths: dict[int, int]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    for index, width in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([clean_text(value) for value in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CHECKLIST_EXTRA_HEADERS = ["行业名称", "版本状态", "判定情形（摘要）"]


def export_checklists(queryset: QuerySet) -> bytes:
    """The checklists of ``queryset`` (already filtered and scoped) with their active items."""
    today = timezone.localdate()
    checklists = queryset.select_related("industry").prefetch_related(
        Prefetch("items", queryset=CheckItem.objects.filter(is_active=True).select_related("criterion")
                 .order_by("sort", "id"), to_attr="export_items"))

    def rows():
        for c in checklists:
            status = STATUS_ZH[version_status(c, today)]
            for item in c.export_items:
                yield [
                    c.code, c.version, c.name, c.industry.code if c.industry_id else "",
                    c.effective_from, c.effective_to, c.description, item.item_no, item.content, item.basis,
                    FACTOR_LABELS_ZH.get(item.hazard_factor, item.hazard_factor), _yes(item.is_major_criterion),
                    item.criterion.code if item.criterion_id else "",
                    c.industry.name if c.industry_id else "通用", status,
                    item.criterion.text[:60] if item.criterion_id else "",
                ]

    headers = [col.header for col in CHECKLIST_COLUMNS] + CHECKLIST_EXTRA_HEADERS
    return _workbook("检查表", headers, _dates(rows()), {1: 14, 3: 28, 7: 24, 9: 60, 10: 36, 13: 18, 16: 40})


# The import's headers (imports_criteria.CRITERIA_COLUMNS) are among these, so an export can be
# edited and uploaded again to replace the statements with the official wording.
CRITERIA_HEADERS = [
    "文件编码", "文件名称", "文号", "发布机关", "施行日期", "失效日期", "适用行业", "可信度", "来源说明",
    "条款编码", "类别/部分", "条款号", "条款位置", "判定情形", "仅适用于细分行业", "文本已核实(是/否)", "状态",
]


def export_criteria(documents: QuerySet, criteria: QuerySet | None = None) -> bytes:
    """The criteria catalogue: ``documents`` with their criteria (``criteria`` narrows them, e.g.
    by a text search; None means all active criteria of the documents)."""
    if criteria is None:
        criteria = MajorHazardCriterion.objects.filter(is_active=True)
    docs = list(documents.prefetch_related(
        "industries",
        Prefetch("criteria", queryset=criteria.select_related("industry").order_by("sort", "id"),
                 to_attr="export_criteria"),
    ))
    today = timezone.localdate()

    def rows():
        for d in docs:
            scope = "所有行业" if d.cross_industry else "、".join(f"{i.code} {i.name}" for i in d.industries.all())
            head = [d.code, d.title, d.document_number, d.issuer, d.effective_from, d.effective_to, scope,
                    CERTAINTY_ZH.get(d.certainty, d.certainty), d.source_note]
            status = _document_status(d, today)
            if not d.export_criteria:
                yield [*head, "", "", "", "", "", "", "", "；".join(filter(None, [status, "本平台尚未收录条目"]))]
            for c in d.export_criteria:
                yield [*head, c.code, c.section, c.item_no, c.article, c.text,
                       f"{c.industry.code} {c.industry.name}" if c.industry_id else "", _yes(c.is_confirmed),
                       "已停用" if not c.is_active else status]

    return _workbook("重大事故隐患判定标准", CRITERIA_HEADERS, _dates(rows()),
                     {1: 18, 2: 40, 3: 22, 4: 20, 7: 24, 9: 50, 10: 16, 11: 20, 13: 20, 14: 70})


def _document_status(document, today) -> str:
    """已停用 / 已被替代 / 未施行 / "" (in force)."""
    if not document.is_active:
        return "已停用"
    if document.effective_to and document.effective_to < today:
        return "已被替代"
    if document.effective_from and document.effective_from > today:
        return "未施行"
    return ""


def _dates(rows: Iterable[list]) -> Iterable[list]:
    """Dates as ISO text: the same text the import reads back, whatever the spreadsheet's locale."""
    for row in rows:
        yield [v.isoformat() if hasattr(v, "isoformat") else ("" if v is None else v) for v in row]

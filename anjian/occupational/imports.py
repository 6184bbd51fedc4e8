"""Import of workers' health examinations from xlsx/CSV, all or nothing, with a row-by-row report
(the one pipeline, ``core.imports.run_import``).

One row is one examination: the enterprise (by its unified social credit code, in the importer's
jurisdiction — an enterprise user's own), the worker (name, ID card number, post, factors), the kind
(上岗前/在岗期间/离岗时), the day, the institution, the result (and the follow-up where one was done).
Every row is checked first; only when no row has an error is anything written, through the
services (history rows and "created" events), with one ``occ_examinations_imported`` event on the
importing user."""

from __future__ import annotations

from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.imports import (
    Column,
    ImportReport,
    parse_cell,
    parse_date,
    run_import,
    template_workbook,
    text_cells,
)
from anjian.core.services import record_event
from anjian.enterprises.models import Enterprise

from . import events, services
from .choices import ExamKind, ExamResult
from .models import Examination
from .policy import policy

# The column titles are Chinese in every language: they are the contents of the spreadsheets users
# exchange (as the enterprise import's).
COLUMNS = [
    Column("credit_code", "统一社会信用代码", True, "企业的18位统一社会信用代码", text=True),
    Column("worker", "姓名", True),
    Column("id_number", "身份证号", False, text=True),
    Column("post", "岗位", True),
    Column("factors", "接触危害因素", False, "如：噪声、矽尘"),
    Column("kind", "检查类别", True, "上岗前、在岗期间或离岗时"),
    Column("examined_on", "检查日期", True, "如 2026-03-01"),
    Column("institution", "检查机构", True),
    Column("result", "检查结论", True, "目前未见异常、复查、疑似职业病或职业禁忌证"),
    Column("follow_up", "处理情况", False, "复查、诊断、调离等"),
]
LIMITS = {"credit_code": 18, "worker": 50, "id_number": 18, "post": 100, "factors": 200, "kind": 20,
          "institution": 100, "result": 20, "follow_up": 300}

KIND_WORDS = {"上岗前": ExamKind.PRE_POST, "在岗期间": ExamKind.ON_POST, "在岗": ExamKind.ON_POST,
              "离岗时": ExamKind.LEAVING, "离岗": ExamKind.LEAVING}
RESULT_WORDS = {"目前未见异常": ExamResult.NORMAL, "未见异常": ExamResult.NORMAL, "正常": ExamResult.NORMAL,
                "复查": ExamResult.OTHER, "其他疾病或异常": ExamResult.OTHER, "疑似职业病": ExamResult.SUSPECTED,
                "职业禁忌证": ExamResult.CONTRAINDICATION}


def _choice(text: str, words: dict, choices) -> str | None:
    """A choice by its Chinese word, its label or its code (None when it is none of them)."""
    text = text.strip()
    if text in words:
        return words[text]
    for value, label in choices:
        if text in (value, str(label)):
            return value
    return None


def template_file() -> bytes:
    """The import template (xlsx), with an example row."""
    return template_workbook(COLUMNS, str(_("Health examinations")), examples=[
        ["91330100MA2XXXXXXX", "张三", "330102198001011234", "打磨工", "矽尘、噪声", "在岗期间", "2026-03-01",
         "市职业病防治院", "目前未见异常", ""],
    ])


def import_examinations(fileobj: IO[bytes], filename: str, *, actor) -> ImportReport:
    """Import examinations into the enterprises of the actor's jurisdiction."""
    policy.require(actor, "import_examinations", None, _("You may not import examinations."))
    today = timezone.localdate()

    def validate(rows, report: ImportReport) -> list[dict]:
        codes = {row.get("credit_code", "").strip().upper() for _n, row in rows}
        enterprises = {e.credit_code: e for e in Enterprise.objects.for_user(actor).filter(
            credit_code__in=sorted(codes), is_voided=False)}
        plan = []
        for rownum, row in rows:
            cells = text_cells(rownum, row, LIMITS, report)
            enterprise = enterprises.get(cells["credit_code"].strip().upper())
            if enterprise is None:
                report.add(rownum, "credit_code", _("No enterprise in your jurisdiction has this code."))
            for name in ("worker", "post", "institution"):
                if not cells[name].strip():
                    report.add(rownum, name, _("This column is required."))
            kind = _choice(cells["kind"], KIND_WORDS, ExamKind.choices)
            if kind is None:
                report.add(rownum, "kind", _("Write one of: %(words)s.") % {"words": "上岗前、在岗期间、离岗时"})
            result = _choice(cells["result"], RESULT_WORDS, ExamResult.choices)
            if result is None:
                report.add(rownum, "result", _("Write one of: %(words)s.") % {
                    "words": "目前未见异常、复查、疑似职业病、职业禁忌证"})
            id_number = cells["id_number"].strip().upper()
            if id_number and len(id_number) not in (15, 18):
                report.add(rownum, "id_number", _("An ID card number has 15 or 18 characters."))
            day = parse_cell(rownum, row, "examined_on", parse_date, report)
            if day is None and not any(e.row == rownum and e.field == "examined_on" for e in report.errors):
                report.add(rownum, "examined_on", _("This column is required."))
            elif day is not None and day > today:
                report.add(rownum, "examined_on", _("This day cannot be in the future."))
            plan.append({"enterprise": enterprise, "data": {
                "worker": cells["worker"].strip(), "id_number": id_number, "post": cells["post"].strip(),
                "factors": cells["factors"].strip(), "kind": kind, "examined_on": day,
                "institution": cells["institution"].strip(), "result": result,
                "follow_up": cells["follow_up"].strip()}})
        return plan

    def write(plan: list[dict], report: ImportReport) -> None:
        for row in plan:
            services.record_entry(Examination, actor=actor, enterprise=row["enterprise"], data=row["data"])
        report.created = len(plan)
        record_event(actor, events.EXAMINATIONS_IMPORTED, actor=actor, data={
            "examinations": len(plan), "file": filename[:200]})

    return run_import(fileobj, filename, columns=COLUMNS, validate=validate, write=write)

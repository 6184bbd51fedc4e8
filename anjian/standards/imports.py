"""Checklist import from xlsx/CSV (all-or-nothing) and its template.

One row per check item; the rows of one checklist carry the same 检查表编码 (code) and 版本
(version). The checklist's own fields (name, industry, dates, description) are read from
the first row that fills them; later rows may leave them empty or repeat them exactly.

A file may add a new checklist, or a new version of an existing one: a new version must
give its 生效日期 (effective date), which must come after every active version's start;
the versions still open on that day are ended the day before (as ``new_checklist_version``
does). An existing version is never changed by an import.

Every row is checked first; one error anywhere means nothing is written, and the report
lists every error with its spreadsheet row and column header (the one import pipeline,
``core.imports.run_import``). Checklists are written through ``services.create_checklist``, with
their items, history and an ``imported`` event each. The criteria import (``imports_criteria``)
runs through the same pipeline with the row helpers below.
"""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from anjian.core.imports import (
    Column,
    ImportReport,
    RowInvalid,
    TemplateNotes,
    parse_bool,
    parse_cell,
    parse_date,
    parse_industry_code,
    run_import,
    template_workbook,
    text_cells,
)
from anjian.enterprises.models import Industry

from . import services
from .choices import HAZARD_FACTOR_CODES, HAZARD_FACTOR_NAMES, HazardFactor
from .models import CheckItem, Checklist, MajorHazardCriterion

CHECKLIST_COLUMNS: list[Column] = [
    Column("checklist_code", "检查表编码", required=True, help="同一检查表的各行填写相同编码，如 CL-03", text=True),
    Column("version", "版本", help="空则为下一个版本号；已有检查表填写新版本号即导入修订版", text=True),
    Column("name", "检查表名称", required=True, help="每个检查表至少在第一行填写"),
    Column("industry_code", "行业代码", help="空为通用检查表（适用于所有行业）", text=True),
    Column("effective_from", "生效日期", help="如 2026-01-01；已有检查表的修订版必填"),
    Column("effective_to", "失效日期", help="可空"),
    Column("description", "检查表说明"),
    Column("item_no", "序号", text=True),
    Column("content", "检查内容", required=True),
    Column("basis", "检查依据", help="法规、标准的名称或条款"),
    Column("hazard_factor", "危险有害因素类别", help="人的因素/物的因素/环境因素/管理因素（或 1～4），空为管理因素"),
    Column("is_major_criterion", "重大隐患判定项(是/否)", help="填写判定标准条款编码时可空（视为“是”）"),
    Column("criterion_code", "判定标准条款编码", help="见“填写说明”工作表，如 HC2017-05", text=True),
]
# The checklist's own fields: filled on one row of the checklist, the same wherever repeated.
CHECKLIST_LEVEL = ("name", "industry_code", "effective_from", "effective_to", "description")
MAX_LENGTH = {
    "checklist_code": Checklist._meta.get_field("code").max_length,
    "version": Checklist._meta.get_field("version").max_length,
    "name": Checklist._meta.get_field("name").max_length,
    "item_no": CheckItem._meta.get_field("item_no").max_length,
}
FACTOR_LABELS_ZH = {
    HazardFactor.PERSON: "人的因素", HazardFactor.OBJECT: "物的因素",
    HazardFactor.ENVIRONMENT: "环境因素", HazardFactor.MANAGEMENT: "管理因素",
}


def parse_hazard_factor(text: str) -> str:
    """人的因素 / 物的因素 / 环境因素 / 管理因素 (short forms, GB/T 13861 codes 1–4 and the
    English values are accepted); empty means management."""
    text = (text or "").strip()
    if not text:
        return HazardFactor.MANAGEMENT
    if text in HazardFactor.values:
        return text
    value = HAZARD_FACTOR_NAMES.get(text) or HAZARD_FACTOR_CODES.get(text)
    if value is None:
        for choice, label in HazardFactor.choices:
            if text.lower() == str(label).lower():
                return choice
        raise RowInvalid(_("Unknown hazard factor class “%(v)s”; write 人的因素, 物的因素, 环境因素 or 管理因素.")
                         % {"v": text})
    return value


def _lookups(rows: list[tuple[int, dict[str, str]]]) -> dict[str, Any]:
    """Everything the rows refer to, in a few queries (never one per row)."""
    codes = {r.get("checklist_code", "").strip() for _n, r in rows} - {""}
    criterion_codes = {r.get("criterion_code", "").strip() for _n, r in rows} - {""}
    versions: dict[str, list[tuple[str, datetime.date | None, bool]]] = {}
    for code, version, start, active in Checklist.objects.filter(code__in=codes).values_list(
            "code", "version", "effective_from", "is_active"):
        versions.setdefault(code, []).append((version, start, active))
    return {
        "industries": dict(Industry.objects.values_list("code", "pk")),
        "criteria": {code: (pk, active) for pk, code, active in MajorHazardCriterion.objects.filter(
            code__in=criterion_codes).values_list("pk", "code", "is_active")},
        "versions": versions,
    }


def _parse_row(rownum: int, row: dict[str, str], lk: dict[str, Any], report: ImportReport) -> dict[str, Any]:
    """The values of one row; errors go to the report (the values may then be incomplete)."""
    values: dict[str, Any] = text_cells(rownum, row, MAX_LENGTH, report)
    for field in ("description", "content", "basis"):
        values[field] = row.get(field, "")
    if not values["checklist_code"]:
        report.add(rownum, "checklist_code", _("The checklist code is required."))
    if not values["content"]:
        report.add(rownum, "content", _("The check content is required."))

    values["industry_code"] = parse_industry_code(row.get("industry_code", ""))
    if values["industry_code"] and values["industry_code"] not in lk["industries"]:
        report.add(rownum, "industry_code", _("Unknown industry code %(code)s.") % {"code": values["industry_code"]})
        values["industry_code"] = ""  # reported once; not compared with the checklist's other rows

    for field in ("effective_from", "effective_to"):
        values[field] = parse_cell(rownum, row, field, parse_date, report)
    if values["effective_from"] and values["effective_to"] and values["effective_to"] < values["effective_from"]:
        report.add(rownum, "effective_to", pgettext("validity period", "The end date cannot be before the start date."))

    values["hazard_factor"] = parse_cell(rownum, row, "hazard_factor", parse_hazard_factor, report)
    major = parse_cell(rownum, row, "is_major_criterion", parse_bool, report)
    criterion_code = row.get("criterion_code", "")
    values["criterion_id"] = None
    if criterion_code:
        found = lk["criteria"].get(criterion_code)
        if found is None:
            report.add(rownum, "criterion_code", _("Unknown major-hazard criterion %(code)s.") % {"code": criterion_code})
        elif not found[1]:
            report.add(rownum, "criterion_code", _("Major-hazard criterion %(code)s is no longer active.")
                       % {"code": criterion_code})
        else:
            values["criterion_id"] = found[0]
        if major is False:
            report.add(rownum, "is_major_criterion", _("An item linked to a major-hazard criterion is a major-hazard "
                                                       "item; write 是 or leave the cell empty."))
        major = True
    values["is_major_criterion"] = bool(major)
    return values


def import_checklists(fileobj: IO[bytes], filename: str, *, actor) -> ImportReport:
    """Import checklists (and new versions of existing ones) with their items. Either every row
    is valid and everything is written, or nothing is; ``report.checklists`` counts the
    checklists written, ``report.created`` their items."""

    def write(plan: tuple[dict[str, dict[str, Any]], dict[str, Any]], report: ImportReport) -> None:
        groups, lk = plan
        for code, group in groups.items():
            _write_group(code, group, lk, actor=actor, filename=filename)
            report.checklists += 1
            report.created += len(group["items"])

    return run_import(fileobj, filename, columns=CHECKLIST_COLUMNS, validate=_validate, write=write,
                      counts=("checklists",))


def _validate(rows: list[tuple[int, dict[str, str]]], report: ImportReport) -> tuple[dict[str, Any], dict[str, Any]]:
    """The checklists of the file by code (their fields, items and first row) and the lookups;
    every error goes to the report."""
    lk = _lookups(rows)
    groups: dict[str, dict[str, Any]] = {}  # checklist code → its fields, items and first row
    for rownum, row in rows:
        values = _parse_row(rownum, row, lk, report)
        code = values["checklist_code"]
        if not code:
            continue
        group = groups.get(code)
        if group is None:
            group = groups[code] = {"row": rownum, "version": values["version"], "fields": {}, "set_on": {},
                                    "items": []}
        elif values["version"] and values["version"] != group["version"]:
            if group["version"]:
                report.add(rownum, "version", _("Checklist %(code)s has version %(v)s on row %(row)s; one file "
                                                "imports one version of a checklist.")
                           % {"code": code, "v": group["version"], "row": group["row"]})
            else:
                group["version"] = values["version"]
        for field in CHECKLIST_LEVEL:
            value = values[field]
            if value in ("", None):
                continue
            if field not in group["fields"]:
                group["fields"][field], group["set_on"][field] = value, rownum
            elif group["fields"][field] != value:
                report.add(rownum, field, _("Differs from row %(row)s of the same checklist.")
                           % {"row": group["set_on"][field]})
        group["items"].append(values)
    for code, group in groups.items():
        _check_group(code, group, lk, report)
    return groups, lk


def _check_group(code: str, group: dict[str, Any], lk: dict[str, Any], report: ImportReport) -> None:
    """Checklist-level rules: a name; a new version of an existing checklist needs a later start."""
    first = group["row"]
    fields = group["fields"]
    if not fields.get("name"):
        report.add(first, "name", _("Give the name of checklist %(code)s.") % {"code": code})
    existing = lk["versions"].get(code, [])
    if not existing:
        group["version"] = group["version"] or "1"
        return
    labels = {v for v, _start, _active in existing}
    if group["version"] in labels:
        report.add(first, "version", _("Version %(v)s of checklist %(code)s already exists; give a new version "
                                       "number to import a revision.") % {"v": group["version"], "code": code})
    if not group["version"]:
        numbers = [int(v) for v in labels if v.isdigit()]
        group["version"] = str(max(numbers, default=0) + 1)
    start = fields.get("effective_from")
    starts = [s for _v, s, active in existing if active and s]
    if start is None:
        report.add(first, "effective_from", _("Checklist %(code)s already exists: give the date the new version "
                                              "takes effect.") % {"code": code})
    elif starts and start <= max(starts):
        report.add(first, "effective_from", _("The new version must take effect after %(date)s, when the latest "
                                              "version took effect.") % {"date": max(starts).isoformat()})


def _write_group(code: str, group: dict[str, Any], lk: dict[str, Any], *, actor, filename: str) -> Checklist:
    fields = group["fields"]
    industry_code = fields.get("industry_code")
    criteria = {pk: None for v in group["items"] if (pk := v["criterion_id"])}
    if criteria:
        criteria = MajorHazardCriterion.objects.in_bulk(list(criteria))
    if lk["versions"].get(code):
        services.close_open_versions(code, fields["effective_from"], actor=actor, new_version=group["version"],
                                     note=_("Imported from %(file)s") % {"file": filename})
    items = [{
        "item_no": v["item_no"] or str(n), "content": v["content"], "basis": v["basis"],
        "hazard_factor": v["hazard_factor"], "is_major_criterion": v["is_major_criterion"],
        "criterion": criteria.get(v["criterion_id"]) if v["criterion_id"] else None, "sort": n * 10,
    } for n, v in enumerate(group["items"], start=1)]
    return services.create_checklist(
        actor=actor,
        data={"code": code, "version": group["version"], "name": fields.get("name", ""),
              "industry": Industry.objects.get(pk=lk["industries"][industry_code]) if industry_code else None,
              "effective_from": fields.get("effective_from"), "effective_to": fields.get("effective_to"),
              "description": fields.get("description", "")},
        items=items, action="imported", event_data={"file": filename},
    )


EXAMPLE_ROWS = [
    ["CL-LOCAL-01", "1", "某区小微企业安全检查表", "0504", "2026-01-01", None, "本地补充检查表示例",
     "1", "机械设备传动部位防护罩齐全。", "GB/T 8196", "物的因素", "否", None],
    ["CL-LOCAL-01", None, None, None, None, None, None,
     "2", "特种作业人员经培训取得相应资格后上岗。", "《工贸企业重大事故隐患判定标准》", "人的因素", None, "GM2023-GL02"],
]


def template_bytes() -> bytes:
    """The xlsx import template: headers, two example rows, and a 填写说明 sheet listing the
    columns, the industry codes and the codes of the active major-hazard criteria."""
    return template_workbook(CHECKLIST_COLUMNS, "检查表", EXAMPLE_ROWS, notes=TemplateNotes(
        lines=[
            "1. 第一个工作表为导入数据，每行一个检查项；第一行为表头，请勿修改；带 * 的列必填。示例行请替换或删除。",
            "2. 同一检查表的各行填写相同的检查表编码；检查表名称、行业、日期、说明在其中一行填写即可。",
            "3. 新检查表版本空则为 1。已有检查表只能导入新版本：须填写生效日期，且晚于现行版本的生效日期，"
            "现行版本将于新版本生效前一日自动失效。",
            "4. 填写判定标准条款编码的检查项即为重大隐患判定项。",
            "5. 任一行有错则整个文件不导入，系统逐行列出错误，改正后重新上传。",
        ],
        tables=[
            (["行业代码", "行业名称"],
             [[code, name] for code, name in Industry.objects.order_by("code").values_list("code", "name")]),
            (["判定标准条款编码", "所属文件", "判定情形"],
             [[c.code, c.document.title, c.text] for c in MajorHazardCriterion.objects.filter(
                 is_active=True, document__is_active=True).select_related("document")]),
        ],
    ))

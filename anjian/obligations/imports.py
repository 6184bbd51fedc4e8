"""Import of the people to be certified and their certificates from xlsx/CSV, all or nothing, with a
row-by-row report (the one pipeline, ``core.imports.run_import``).

One row is one person, with at most one certificate: the enterprise (by its unified social credit
code, in the importer's jurisdiction — an enterprise user's own), the person (name, ID card number,
role, the operation type of a special operator, position, phone, appointment day) and, when any of
its columns is filled, the certificate (number, issuer, day of issue, end of validity: all four).
A person already in post at the enterprise with the same ID card number, role and operation type,
or repeated in the file, is not recorded again: the row adds its certificate to them. Every row is
checked first; only when no row has an error is anything written, through the services (history
rows and "created" events), with one ``key_persons_imported`` event on the importing user."""

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
from .choices import REQUIRED_CERTIFICATE, OperationType, PersonRole, PersonState
from .models import KeyPerson, PersonCertificate
from .policy import policy

# The column titles are Chinese in every language: they are the contents of the spreadsheets users
# exchange (as the enterprise import's).
COLUMNS = [
    Column("credit_code", "统一社会信用代码", True, "企业的18位统一社会信用代码", text=True),
    Column("name", "姓名", True),
    Column("id_number", "身份证号", False, "用于识别同一人员；同一人员可多行（每行一个证书）", text=True),
    Column("role", "人员类别", True, "主要负责人、安全生产管理人员或特种作业人员"),
    Column("operation_type", "作业类别", False, "特种作业人员必填，如：电工作业、焊接与热切割作业"),
    Column("position", "职务", False),
    Column("phone", "联系电话", False, text=True),
    Column("appointed_on", "任职日期", True, "如 2024-03-01"),
    Column("number", "证书编号", False, "有证书时填写证书四列", text=True),
    Column("issuer", "发证机关", False),
    Column("issued_on", "发证日期", False),
    Column("valid_until", "有效期至", False),
]
LIMITS = {"credit_code": 18, "name": 50, "id_number": 18, "role": 30, "operation_type": 40, "position": 100,
          "phone": 30, "number": 60, "issuer": 100}
CERTIFICATE_COLUMNS = ("number", "issuer", "issued_on", "valid_until")

#: The roles as the template writes them (the labels of the Chinese catalogue).
ROLE_WORDS = {"主要负责人": PersonRole.PRINCIPAL, "安全生产管理人员": PersonRole.SAFETY_MANAGER,
              "安全管理人员": PersonRole.SAFETY_MANAGER, "特种作业人员": PersonRole.SPECIAL_OPERATOR}
OPERATION_WORDS = {"电工作业": OperationType.ELECTRICAL, "焊接与热切割作业": OperationType.WELDING,
                   "高处作业": OperationType.HEIGHT, "制冷与空调作业": OperationType.REFRIGERATION,
                   "煤矿安全作业": OperationType.COAL_MINE, "金属非金属矿山安全作业": OperationType.METAL_MINE,
                   "石油天然气安全作业": OperationType.OIL_GAS, "冶金（有色）生产安全作业": OperationType.METALLURGY,
                   "冶金(有色)生产安全作业": OperationType.METALLURGY,
                   "危险化学品安全作业": OperationType.HAZCHEM, "烟花爆竹安全作业": OperationType.FIREWORKS}


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
    """The import template (xlsx), with an example row of each kind."""
    return template_workbook(COLUMNS, str(_("People and certificates")), examples=[
        ["91330100MA2XXXXXXX", "张三", "330102198001011234", "主要负责人", "", "总经理", "13800000000", "2024-03-01",
         "330100202400123", "杭州市应急管理局", "2024-06-20", "2027-06-19"],
        ["91330100MA2XXXXXXX", "李四", "330102199002022345", "特种作业人员", "焊接与热切割作业", "焊工", "",
         "2023-05-10", "T330102199002022345", "浙江省应急管理厅", "2023-04-01", "2029-03-31"],
    ])


def import_persons(fileobj: IO[bytes], filename: str, *, actor) -> ImportReport:
    """Import people and certificates into the enterprises of the actor's jurisdiction."""
    policy.require(actor, "import_persons", None, _("You may not import people and certificates."))
    today = timezone.localdate()

    def validate(rows, report: ImportReport) -> list[dict]:
        codes = {row.get("credit_code", "").strip().upper() for _n, row in rows}
        enterprises = {e.credit_code: e for e in Enterprise.objects.for_user(actor).filter(
            credit_code__in=sorted(codes), is_voided=False)}
        existing = {(p.enterprise_id, p.id_number, p.role, p.operation_type): p for p in KeyPerson.objects.filter(
            enterprise__in=list(enterprises.values()), is_voided=False, state=PersonState.IN_POST).exclude(
            id_number="")}
        numbers = {row.get("number", "").strip() for _n, row in rows} - {""}
        taken = set(PersonCertificate.objects.filter(number__in=sorted(numbers), is_voided=False)
                    .values_list("kind", "number"))
        seen_numbers: set[tuple[str, str]] = set()
        plan = []
        for rownum, row in rows:
            cells = text_cells(rownum, row, LIMITS, report)
            enterprise = enterprises.get(cells["credit_code"].strip().upper())
            if enterprise is None:
                report.add(rownum, "credit_code", _("No enterprise in your jurisdiction has this code."))
            if not cells["name"].strip():
                report.add(rownum, "name", _("This column is required."))
            role = _choice(cells["role"], ROLE_WORDS, PersonRole.choices)
            if role is None:
                report.add(rownum, "role", _("Write one of: %(words)s.") % {"words": "、".join(
                    ("主要负责人", "安全生产管理人员", "特种作业人员"))})
            op = _choice(cells["operation_type"], OPERATION_WORDS, OperationType.choices) if cells[
                "operation_type"].strip() else ""
            if op is None:
                report.add(rownum, "operation_type", _("Unknown operation type; write one of the special operation "
                                                       "classes, e.g. 电工作业."))
            elif role == PersonRole.SPECIAL_OPERATOR and not op:
                report.add(rownum, "operation_type", _("Name the special operation this person performs."))
            elif role in (PersonRole.PRINCIPAL, PersonRole.SAFETY_MANAGER) and op:
                report.add(rownum, "operation_type", _("Only special operators have an operation type."))
            id_number = cells["id_number"].strip().upper()
            if id_number and len(id_number) not in (15, 18):
                report.add(rownum, "id_number", _("An ID card number has 15 or 18 characters."))
            appointed = parse_cell(rownum, row, "appointed_on", parse_date, report)
            if appointed is None and not any(e.row == rownum and e.field == "appointed_on" for e in report.errors):
                report.add(rownum, "appointed_on", _("This column is required."))
            elif appointed is not None and appointed > today:
                report.add(rownum, "appointed_on", _("The appointment cannot be in the future."))
            cert = None
            if any(row.get(c, "").strip() for c in CERTIFICATE_COLUMNS):
                issued = parse_cell(rownum, row, "issued_on", parse_date, report)
                until = parse_cell(rownum, row, "valid_until", parse_date, report)
                for name in CERTIFICATE_COLUMNS:
                    if not row.get(name, "").strip():
                        report.add(rownum, name, _("A certificate needs its number, issuer, day of issue and end "
                                                   "of validity."))
                if issued and until and until < issued:
                    report.add(rownum, "valid_until", _("The end of validity cannot be before the day of issue."))
                if issued and issued > today:
                    report.add(rownum, "issued_on", _("The day of issue cannot be in the future."))
                key = (REQUIRED_CERTIFICATE[PersonRole(role)], cells["number"].strip()) if role else None
                if key and (key in taken or key in seen_numbers):
                    report.add(rownum, "number", _("A certificate with this number is already recorded."))
                if key:
                    seen_numbers.add(key)
                cert = {"number": cells["number"].strip(), "issuer": cells["issuer"].strip(), "issued_on": issued,
                        "valid_until": until}
                if op:
                    cert["operation_type"] = op
            plan.append({"enterprise": enterprise, "key": (enterprise.pk if enterprise else None, id_number, role,
                                                           op or ""),
                         "person": {"name": cells["name"].strip(), "id_number": id_number, "role": role,
                                    "operation_type": op or "", "position": cells["position"].strip(),
                                    "phone": cells["phone"].strip(), "appointed_on": appointed},
                         "certificate": cert, "existing": existing})
        return plan

    def write(plan: list[dict], report: ImportReport) -> None:
        people = dict(plan[0]["existing"]) if plan else {}
        made = certificates = 0
        for row in plan:
            key = row["key"]
            person = people.get(key) if key[1] else None
            if person is None:
                person = services.record_person(actor=actor, enterprise=row["enterprise"], data=row["person"])
                made += 1
                if key[1]:
                    people[key] = person
            if row["certificate"]:
                services.record_certificate(actor=actor, person=person, data=row["certificate"])
                certificates += 1
        report.created = made
        report.certificates = certificates
        record_event(actor, events.PERSONS_IMPORTED, actor=actor, data={
            "people": made, "certificates": certificates, "file": filename[:200]})

    return run_import(fileobj, filename, columns=COLUMNS, validate=validate, write=write, counts=("certificates",))

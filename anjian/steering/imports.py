"""Import of a committee's duty list (责任清单) from xlsx/CSV, all or nothing, with a row-by-row
report (the one pipeline, ``core.imports.run_import``).

Each row is one duty: carried either by a member unit (named as in the committee's unit list) or
by a leader (name and/or position, and the leader's role). Every row is checked first — the unit
must be one of the committee's, a leader's role one of the list, the text present and not too
long; only when no row has an error are the duties written, through the service (each numbered
after the committee's last duty, with its history row and "created" event), and one
``duties_imported`` event is written on the importing user."""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _

from anjian.core.imports import Column, ImportReport, run_import, template_workbook, text_cells
from anjian.core.services import record_event
from anjian.regions.models import Region

from . import events, services
from .choices import DutyHolder, LeaderRole
from .models import Duty, Unit
from .policy import policy

# The column titles are Chinese in every language: they are the contents of the spreadsheets users
# exchange (as the enterprise import's).
COLUMNS = [
    Column("unit", "单位名称", False, "成员单位名称，须与责任单位名单一致；领导职责留空"),
    Column("leader_name", "领导姓名", False),
    Column("leader_position", "领导职务", False),
    Column("leader_role", "领导类别", False, "党委主要负责人、政府主要负责人、分管安全生产的负责人或班子其他成员"),
    Column("category", "职责类别", False),
    Column("content", "职责内容", True),
    Column("basis", "依据", False, "文件名称及条款"),
    Column("indicator_code", "指标代码", False),
]
LIMITS = {"unit": 100, "leader_name": 50, "leader_position": 100, "leader_role": 30, "category": 60,
          "content": 2000, "basis": 300, "indicator_code": 60}


def template_file() -> bytes:
    """The import template (xlsx), with an example row of each kind."""
    return template_workbook(COLUMNS, str(_("Duty list")), examples=[
        ["应急管理局", "", "", "", "综合监管", "负责全市安全生产综合监督管理，指导协调各部门安全生产工作", "《安全生产法》第十条", ""],
        ["", "", "市长", "政府主要负责人", "领导责任", "担任安委会主任，定期研究部署安全生产工作", "《地方党政领导干部安全生产责任制规定》第六条", ""],
    ])


#: The leaders' roles as the template writes them (the labels are those of the Chinese catalogue).
ROLE_WORDS = {"党委主要负责人": LeaderRole.PARTY_SECRETARY, "政府主要负责人": LeaderRole.GOVERNMENT_HEAD,
              "分管安全生产的负责人": LeaderRole.DEPUTY_IN_CHARGE, "班子其他成员": LeaderRole.OTHER_MEMBER}


def _role(text: str) -> str | None:
    """A leader's role by its Chinese word, its label or its code (None when it is none of them)."""
    text = text.strip()
    if text in ROLE_WORDS:
        return ROLE_WORDS[text]
    for value, label in LeaderRole.choices:
        if text in (value, str(label)):
            return value
    return None


def import_duties(fileobj: IO[bytes], filename: str, *, actor, committee_region: Region) -> ImportReport:
    """Import duties into the committee's list (its office only; the right is checked first)."""
    policy.require(actor, "import_duties", Duty(committee_region=committee_region),
                   _("Only the committee office keeps its duty list."))
    units = {u.name: u for u in Unit.objects.filter(committee_region=committee_region, is_voided=False)}

    def validate(rows, report: ImportReport) -> list[dict]:
        plan = []
        for rownum, row in rows:
            cells = text_cells(rownum, row, LIMITS, report)
            if not cells["content"]:
                report.add(rownum, "content", _("This column is required."))
            data = {"category": cells["category"], "content": cells["content"], "basis": cells["basis"],
                    "indicator_code": cells["indicator_code"]}
            if cells["unit"]:
                unit = units.get(cells["unit"])
                if unit is None:
                    report.add(rownum, "unit", _("No unit of this committee has this name."))
                if cells["leader_name"] or cells["leader_position"]:
                    report.add(rownum, "leader_name", _("A duty is carried by a unit or by a leader, not both."))
                data.update(holder=DutyHolder.UNIT, unit=unit)
            else:
                if not (cells["leader_name"] or cells["leader_position"]):
                    report.add(rownum, "unit", _("Name the member unit, or the leader."))
                role = _role(cells["leader_role"]) if cells["leader_role"] else ""
                if role is None:
                    report.add(rownum, "leader_role", _("Write one of: %(roles)s.") % {"roles": "、".join(ROLE_WORDS)})
                data.update(holder=DutyHolder.LEADER, leader_name=cells["leader_name"],
                            leader_position=cells["leader_position"], leader_role=role or "")
            plan.append(data)
        return plan

    def write(plan: list[dict], report: ImportReport) -> None:
        for data in plan:
            services.create_duty(actor=actor, committee_region=committee_region, data=data)
        report.created = len(plan)
        record_event(actor, events.DUTIES_IMPORTED, actor=actor, data={
            "committee": committee_region.code, "rows": len(plan), "file": filename[:200]})

    return run_import(fileobj, filename, columns=COLUMNS, validate=validate, write=write)

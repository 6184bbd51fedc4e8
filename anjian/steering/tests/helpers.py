"""Building blocks of the committee office's tests: the committee of county A (the ``world``'s
committee-office user is its office) with two filing units — township A (a lower government)
and county A's emergency-management bureau (a department; the world's regulator belongs to it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from anjian.core.testing.files import image_upload, pdf_upload
from anjian.orgs.choices import Role
from anjian.steering import services
from anjian.steering.models import MonthlyReport, Unit


@dataclass
class Committee:
    office: object
    township: Unit
    bureau: Unit


def committee(world) -> Committee:
    """County A's committee and its two filing units, added by its office."""
    office = world.users[Role.COMMITTEE_OFFICE]
    township = services.create_unit(actor=office, committee_region=world.county_a, data={
        "kind": "lower_government", "name": "甲街道办事处", "region": world.township_a})
    bureau = services.create_unit(actor=office, committee_region=world.county_a, data={
        "kind": "department", "name": "甲区应急管理局", "department": world.dept_a})
    return Committee(office, township, bureau)


def report_of(unit: Unit, month: datetime.date) -> MonthlyReport:
    return MonthlyReport.objects.get(unit=unit, period=month.replace(day=1), is_voided=False)


def minutes(name: str = "会议纪要.pdf"):
    return [pdf_upload(name)]


def photo():
    return [image_upload("夜查.jpg")]


def fill(report: MonthlyReport, actor, *, meetings: int = 2) -> MonthlyReport:
    """Fill a report as its unit does: a summary and ``meetings`` meetings with minutes."""
    report = services.edit_report(report, actor=actor, data={"summary": "本月召开专题会议研究安全生产工作。"})
    for i in range(meetings):
        services.add_meeting(report, actor=actor, data={
            "held_on": report.period + datetime.timedelta(days=3 + 7 * i), "kind": "special",
            "title": f"安全生产专题会议（第{i + 1}次）", "chaired_by": "区长"}, minutes=minutes())
    report.refresh_from_db()
    return report


def tour_of(c: Committee, unit=None, **data):
    """A tour of the bureau (its officer, the world's regulator, reports its rectifications)."""
    fields = {"title": "2026年度安全生产巡查", "starts_on": datetime.date(2026, 3, 2),
              "ends_on": datetime.date(2026, 3, 6), "team_leader": "李组长", **data}
    return services.create_tour(actor=c.office, committee_region=c.bureau.committee_region, unit=unit or c.bureau,
                                data=fields)


def plan_of(c: Committee, **data):
    """County A's work points of 2026 (its office issues them)."""
    fields = {"kind": "work_points", "title": "2026年安全生产工作要点", "year_from": 2026, "year_to": 2026, **data}
    return services.create_plan(actor=c.office, committee_region=c.bureau.committee_region, data=fields)


def task_of(c: Committee, plan, *, deadline=datetime.date(2026, 6, 30), number="1", lead=None, cooperating=()):
    units = [(lead or c.bureau, "lead"), *((u, "cooperating") for u in cooperating)]
    return services.create_task(actor=c.office, plan=plan, data={
        "number": number, "title": f"任务{number}", "content": "抓好落实", "deadline": deadline}, units=units)

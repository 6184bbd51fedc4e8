"""The committee office's write services, each called outside any transaction on PostgreSQL by a
scenario (``portal/tests/test_write_services_postgres.py`` collects this module).

Every scenario makes its own records in county A's committee (the world's committee-office user
is its office; the world's regulator belongs to county A's bureau, a department unit): units are
named from a counter, because a committee's live units have distinct names and the scenarios
share one world. Prerequisite records are made through ``run.call`` too, so they are checked the
same way; the service under test is the last one called and its writes are asserted."""

from __future__ import annotations

import datetime
import itertools

from anjian.core.models import Attachment
from anjian.core.services import attachments_for
from anjian.orgs.choices import Role
from anjian.portal.testing.write_services import Run, event_actions, pdf, photo, scenario
from anjian.steering import services
from anjian.steering.models import (
    Campaign,
    Duty,
    LeaderCheck,
    MonthlyReport,
    Plan,
    PlanPhase,
    PlanTask,
    ProgressReport,
    ReportMeeting,
    Summons,
    TaskAssignment,
    Tour,
    TourFinding,
    Unit,
)

# Public functions of steering.services that write nothing (each read: date arithmetic, the rule
# row in force, querysets, the live hazard figures, the steps a user may take).
READ_ONLY = {
    "steering.available_report_actions", "steering.day_in_month", "steering.filing_units", "steering.month_end",
    "steering.month_start", "steering.next_month", "steering.report_area", "steering.report_due_on",
    "steering.report_figures", "steering.rule_in_force",
}

_names = itertools.count(1)


# --- builders (themselves calls of services) ----------------------------------------------------

def office(run: Run):
    """The office of county A's committee."""
    return run.world.users[Role.COMMITTEE_OFFICE]


def unit(run: Run, kind: str = "department") -> Unit:
    """A fresh unit of county A's committee: the bureau (the regulator's department) or
    township A (a lower government)."""
    n = next(_names)
    if kind == "department":
        data = {"kind": kind, "name": f"甲区应急管理局（PG{n}）", "department": run.world.dept_a}
    else:
        data = {"kind": kind, "name": f"甲街道办事处（PG{n}）", "region": run.world.township_a}
    return run.call(services.create_unit, actor=office(run), committee_region=run.world.county_a, data=data)


def report(run: Run, filer: Unit | None = None) -> MonthlyReport:
    """This month's report of a fresh filing unit (the month opened for it)."""
    filer = filer or unit(run)
    run.call(services.open_month, run.today, committee_region=run.world.county_a, actor=office(run))
    return MonthlyReport.objects.get(unit=filer, period=services.month_start(run.today), is_voided=False)


def meeting_data(run: Run, **data) -> dict:
    return {"held_on": services.month_start(run.today), "kind": "special", "title": "安全生产专题会议",
            "chaired_by": "区长", **data}


def check_data(run: Run, **data) -> dict:
    return {"checked_on": services.month_start(run.today), "kind": "night", "leader_name": "王明",
            "leader_position": "副区长", "places": "甲机械有限公司", "hazards_found": 2, "fixed_on_the_spot": 1, **data}


def submitted(run: Run) -> MonthlyReport:
    """A report of the bureau's (a fresh unit's), with its summary, submitted by the regulator."""
    r = report(run)
    r = run.call(services.edit_report, r, actor=run.regulator, data={"summary": "本月召开专题会议研究安全生产工作。"})
    run.call(services.submit_report, MonthlyReport.objects.get(pk=r.pk), actor=run.regulator)
    return MonthlyReport.objects.get(pk=r.pk)


def tour(run: Run, toured: Unit | None = None) -> Tour:
    """A tour of a fresh department unit, started five days ago."""
    return run.call(services.create_tour, actor=office(run), committee_region=run.world.county_a,
                    unit=toured or unit(run), data={
                        "title": "安全生产巡查", "starts_on": run.today - datetime.timedelta(days=5),
                        "ends_on": run.today - datetime.timedelta(days=1), "team_leader": "李组长"})


def to_rectify(run: Run, **data) -> dict:
    return {"category": "responsibility", "description": "未按要求召开安全生产专题会议",
            "requirement": "建立专题会议制度并按月召开", "deadline": run.later, **data}


NOTED = {"category": "other", "description": "台账较规范"}


def finding(run: Run, *, feedback: bool = False, **data) -> TourFinding:
    """A finding to rectify of a fresh tour (its feedback given when asked)."""
    t = tour(run)
    f = run.call(services.add_finding, t, actor=office(run), data=to_rectify(run, **data))
    if feedback:
        run.call(services.give_feedback, Tour.objects.get(pk=t.pk), actor=office(run))
    return TourFinding.objects.get(pk=f.pk)


def plan(run: Run) -> Plan:
    """County A's work points of this year."""
    return run.call(services.create_plan, actor=office(run), committee_region=run.world.county_a, data={
        "kind": "work_points", "title": f"{run.today.year}年安全生产工作要点", "year_from": run.today.year,
        "year_to": run.today.year})


def task(run: Run, *, lead: Unit | None = None) -> PlanTask:
    """A task of a fresh plan, led by a fresh department unit (or ``lead``)."""
    return run.call(services.create_task, actor=office(run), plan=plan(run), data={
        "number": "1", "title": "开展隐患排查整治", "content": "抓好落实",
        "deadline": datetime.date(run.today.year, 12, 31)}, units=[(lead or unit(run), "lead")])


def lead_part(t: PlanTask) -> TaskAssignment:
    return TaskAssignment.objects.get(task=t, role="lead", is_voided=False)


def duty(run: Run) -> Duty:
    return run.call(services.create_duty, actor=office(run), committee_region=run.world.county_a, data={
        "holder": "unit", "unit": unit(run), "category": "综合监管", "content": "负责全区安全生产综合监督管理",
        "basis": "《安全生产法》第十条"})


# --- units ---------------------------------------------------------------------------------------

@scenario("steering.create_unit")
def _(run: Run):
    u = run.call(services.create_unit, actor=office(run), committee_region=run.world.county_a, data={
        "kind": "lower_government", "name": "甲街道办事处（PG新增）", "region": run.world.township_a})
    u = Unit.objects.get(pk=u.pk)
    assert u.region_path == run.world.township_a.path and u.department is None and event_actions(u) == ["created"]


@scenario("steering.update_unit")
def _(run: Run):
    u = unit(run)
    run.call(services.update_unit, u, actor=office(run), data={"contact": "张联络", "phone": "0790-1234567"})
    u = Unit.objects.get(pk=u.pk)
    assert (u.contact, u.version) == ("张联络", 2) and "updated" in event_actions(u)


@scenario("steering.void_unit")
def _(run: Run):
    u = unit(run)
    run.call(services.void_unit, u, actor=office(run), reason="录入错误")
    u = Unit.objects.get(pk=u.pk)
    assert u.is_voided and u.void_reason == "录入错误" and "voided" in event_actions(u)


# --- monthly reports -----------------------------------------------------------------------------

@scenario("steering.open_month")
def _(run: Run):
    township = unit(run, "lower_government")
    opened = run.call(services.open_month, run.today, committee_region=run.world.county_a, actor=office(run))
    r = MonthlyReport.objects.get(unit=township, period=services.month_start(run.today), is_voided=False)
    assert r in opened and r.state == "pending" and r.region_path == run.world.township_a.path
    assert r.due_on > r.period and event_actions(r) == ["report_opened"]


@scenario("steering.edit_report")
def _(run: Run):
    r = report(run)
    run.call(services.edit_report, r, actor=run.regulator, data={"summary": "本月开展隐患排查。"},
             files=[pdf("工作台账.pdf")])
    r = MonthlyReport.objects.get(pk=r.pk)
    assert r.summary == "本月开展隐患排查。" and "updated" in event_actions(r)
    assert attachments_for(r).filter(kind=Attachment.Kind.DOCUMENT).exists()


@scenario("steering.add_meeting")
def _(run: Run):
    r = report(run)
    m = run.call(services.add_meeting, r, actor=run.regulator, data=meeting_data(run), minutes=[pdf("会议纪要.pdf")])
    r = MonthlyReport.objects.get(pk=r.pk)
    assert ReportMeeting.objects.filter(pk=m.pk, report=r, is_voided=False).exists()
    assert r.meetings_held == 1 and "meeting_added" in event_actions(r)
    assert attachments_for(m).filter(kind=Attachment.Kind.DOCUMENT).count() == 1


@scenario("steering.remove_meeting")
def _(run: Run):
    r = report(run)
    m = run.call(services.add_meeting, r, actor=run.regulator, data=meeting_data(run), minutes=[pdf("会议纪要.pdf")])
    run.call(services.remove_meeting, ReportMeeting.objects.get(pk=m.pk), actor=run.regulator, reason="重复录入")
    r = MonthlyReport.objects.get(pk=r.pk)
    assert ReportMeeting.objects.get(pk=m.pk).is_voided and r.meetings_held == 0
    assert "meeting_removed" in event_actions(r)


@scenario("steering.add_check")
def _(run: Run):
    r = report(run)
    c = run.call(services.add_check, r, actor=run.regulator, data=check_data(run), photos=[photo("夜查.jpg")])
    r = MonthlyReport.objects.get(pk=r.pk)
    assert LeaderCheck.objects.filter(pk=c.pk, report=r, is_voided=False).exists() and r.version == 2
    assert "check_added" in event_actions(r)
    assert attachments_for(c).filter(kind=Attachment.Kind.PHOTO).count() == 1


@scenario("steering.remove_check")
def _(run: Run):
    r = report(run)
    c = run.call(services.add_check, r, actor=run.regulator, data=check_data(run))
    run.call(services.remove_check, LeaderCheck.objects.get(pk=c.pk), actor=run.regulator, reason="重复录入")
    r = MonthlyReport.objects.get(pk=r.pk)
    assert LeaderCheck.objects.get(pk=c.pk).is_voided and "check_removed" in event_actions(r)


@scenario("steering.submit_report")
def _(run: Run):
    r = report(run)
    r = run.call(services.edit_report, r, actor=run.regulator, data={"summary": "本月召开专题会议研究安全生产工作。"})
    run.call(services.add_meeting, MonthlyReport.objects.get(pk=r.pk), actor=run.regulator, data=meeting_data(run),
             minutes=[pdf("会议纪要.pdf")])
    run.call(services.submit_report, MonthlyReport.objects.get(pk=r.pk), actor=run.regulator)
    r = MonthlyReport.objects.get(pk=r.pk)
    assert r.state == "submitted" and r.submitted_by == run.regulator and r.first_submitted_at is not None
    assert r.meetings_held == 1 and r.figures_at is not None and not r.late
    assert "report_submitted" in event_actions(r)


@scenario("steering.review_report")
def _(run: Run):
    r = submitted(run)
    run.call(services.review_report, r, actor=office(run), accept=False, comment="请补充会议纪要")
    r = MonthlyReport.objects.get(pk=r.pk)
    assert r.state == "returned" and r.review_comment == "请补充会议纪要" and r.reviewed_by == office(run)
    assert "report_returned" in event_actions(r)


@scenario("steering.void_report")
def _(run: Run):
    r = report(run)
    run.call(services.void_report, r, actor=office(run), reason="该单位不报送")
    r = MonthlyReport.objects.get(pk=r.pk)
    assert r.is_voided and "voided" in event_actions(r)


# --- inspection tours ----------------------------------------------------------------------------

@scenario("steering.create_tour")
def _(run: Run):
    toured = unit(run)
    t = run.call(services.create_tour, actor=office(run), committee_region=run.world.county_a, unit=toured, data={
        "title": "安全生产巡查", "starts_on": run.today, "ends_on": run.later, "team_leader": "李组长"})
    t = Tour.objects.get(pk=t.pk)
    assert t.number == f"XC{run.today:%Y}{t.pk:06d}" and t.region_path == toured.region_path
    assert t.state == "planned" and event_actions(t) == ["created"]


@scenario("steering.update_tour")
def _(run: Run):
    t = tour(run)
    run.call(services.update_tour, t, actor=office(run), data={"team_members": "王某、赵某"})
    t = Tour.objects.get(pk=t.pk)
    assert t.team_members == "王某、赵某" and "updated" in event_actions(t)


@scenario("steering.add_finding")
def _(run: Run):
    t = tour(run)
    f = run.call(services.add_finding, t, actor=office(run), data=to_rectify(run), files=[photo("现场.jpg")])
    f = TourFinding.objects.get(pk=f.pk)
    assert (f.tour, f.seq, f.state, f.unit) == (t, 1, "open", t.unit)
    assert "finding_added" in event_actions(t) and attachments_for(f).count() == 1


@scenario("steering.update_finding")
def _(run: Run):
    t = tour(run)
    f = run.call(services.add_finding, t, actor=office(run), data=NOTED)
    run.call(services.update_finding, TourFinding.objects.get(pk=f.pk), actor=office(run),
             data={"requirement": "建立台账", "deadline": run.later})
    f = TourFinding.objects.get(pk=f.pk)
    assert (f.state, f.requirement, f.deadline) == ("open", "建立台账", run.later) and "updated" in event_actions(f)


@scenario("steering.give_feedback")
def _(run: Run):
    f = finding(run)
    run.call(services.give_feedback, f.tour, actor=office(run), comment="限期整改")
    t = Tour.objects.get(pk=f.tour_id)
    assert t.state == "feedback" and t.feedback_on == run.today and "feedback_given" in event_actions(t)


@scenario("steering.complete_tour")
def _(run: Run):
    t = tour(run)
    run.call(services.add_finding, t, actor=office(run), data=NOTED)
    run.call(services.give_feedback, Tour.objects.get(pk=t.pk), actor=office(run))
    run.call(services.complete_tour, Tour.objects.get(pk=t.pk), actor=office(run), comment="巡查结束")
    t = Tour.objects.get(pk=t.pk)
    assert t.state == "completed" and t.completed_on == run.today and "tour_completed" in event_actions(t)


@scenario("steering.report_rectification")
def _(run: Run):
    f = finding(run, feedback=True)
    run.call(services.report_rectification, f, actor=run.regulator, note="已建立专题会议制度",
             files=[pdf("整改报告.pdf")])
    f = TourFinding.objects.get(pk=f.pk)
    assert (f.state, f.reported_by, f.reported_on) == ("reported", run.regulator, run.today)
    assert "rectification_reported" in event_actions(f) and attachments_for(f).exists()


@scenario("steering.verify_rectification")
def _(run: Run):
    f = finding(run, feedback=True)
    run.call(services.report_rectification, f, actor=run.regulator, note="已建立专题会议制度")
    run.call(services.verify_rectification, TourFinding.objects.get(pk=f.pk), actor=office(run), accept=True)
    f = TourFinding.objects.get(pk=f.pk)
    assert f.state == "closed" and f.closed_by == office(run) and "rectification_closed" in event_actions(f)


@scenario("steering.void_tour")
def _(run: Run):
    t = tour(run)
    run.call(services.void_tour, t, actor=office(run), reason="重复录入")
    t = Tour.objects.get(pk=t.pk)
    assert t.is_voided and "voided" in event_actions(t)


@scenario("steering.void_finding")
def _(run: Run):
    f = finding(run)
    run.call(services.void_finding, f, actor=office(run), reason="重复录入")
    f = TourFinding.objects.get(pk=f.pk)
    assert f.is_voided and "voided" in event_actions(f)


# --- action plans and their tasks ----------------------------------------------------------------

@scenario("steering.create_plan")
def _(run: Run):
    p = run.call(services.create_plan, actor=office(run), committee_region=run.world.county_a, data={
        "kind": "three_year_action", "title": "安全生产专项整治三年行动", "year_from": run.today.year,
        "year_to": run.today.year + 2})
    p = Plan.objects.get(pk=p.pk)
    assert p.region_path == run.world.county_a.path and event_actions(p) == ["created"]


@scenario("steering.update_plan")
def _(run: Run):
    p = plan(run)
    run.call(services.update_plan, p, actor=office(run), data={"document_number": "甲安委〔2026〕1号"})
    p = Plan.objects.get(pk=p.pk)
    assert p.document_number == "甲安委〔2026〕1号" and p.version == 2 and "updated" in event_actions(p)


@scenario("steering.void_plan")
def _(run: Run):
    p = plan(run)
    run.call(services.void_plan, p, actor=office(run), reason="录入错误")
    p = Plan.objects.get(pk=p.pk)
    assert p.is_voided and "voided" in event_actions(p)


@scenario("steering.add_phase")
def _(run: Run):
    p = plan(run)
    ph = run.call(services.add_phase, p, actor=office(run), data={
        "name": "部署实施", "starts_on": datetime.date(run.today.year, 1, 1),
        "ends_on": datetime.date(run.today.year, 6, 30)})
    p = Plan.objects.get(pk=p.pk)
    assert PlanPhase.objects.filter(pk=ph.pk, plan=p, seq=1).exists() and p.version == 2
    assert "phase_added" in event_actions(p)


@scenario("steering.remove_phase")
def _(run: Run):
    p = plan(run)
    ph = run.call(services.add_phase, p, actor=office(run), data={
        "name": "部署实施", "starts_on": datetime.date(run.today.year, 1, 1),
        "ends_on": datetime.date(run.today.year, 6, 30)})
    run.call(services.remove_phase, PlanPhase.objects.get(pk=ph.pk), actor=office(run), reason="阶段合并")
    p = Plan.objects.get(pk=p.pk)
    assert PlanPhase.objects.get(pk=ph.pk).is_voided and "phase_removed" in event_actions(p)


@scenario("steering.create_task")
def _(run: Run):
    p, lead = plan(run), unit(run)
    t = run.call(services.create_task, actor=office(run), plan=p, data={
        "number": "1", "title": "开展隐患排查整治", "deadline": datetime.date(run.today.year, 12, 31)},
        units=[(lead, "lead")])
    t = PlanTask.objects.get(pk=t.pk)
    assert t.state == "open" and t.region_path == p.region_path and lead_part(t).unit == lead
    assert event_actions(t) == ["created"]


@scenario("steering.update_task")
def _(run: Run):
    t = task(run)
    run.call(services.update_task, t, actor=office(run), data={"content": "全面排查，逐项销号"})
    t = PlanTask.objects.get(pk=t.pk)
    assert t.content == "全面排查，逐项销号" and "updated" in event_actions(t)


@scenario("steering.assign_unit")
def _(run: Run):
    t, township = task(run), unit(run, "lower_government")
    a = run.call(services.assign_unit, t, actor=office(run), unit=township, role="cooperating")
    a = TaskAssignment.objects.get(pk=a.pk)
    assert (a.task, a.unit, a.role, a.region_path) == (t, township, "cooperating", township.region_path)
    assert "unit_assigned" in event_actions(t)


@scenario("steering.unassign_unit")
def _(run: Run):
    t = task(run)
    run.call(services.unassign_unit, lead_part(t), actor=office(run), reason="职能调整")
    assert not TaskAssignment.objects.filter(task=t, is_voided=False).exists()
    assert "unit_unassigned" in event_actions(t)


@scenario("steering.complete_task")
def _(run: Run):
    t = task(run)
    run.call(services.complete_task, t, actor=office(run), comment="已办结")
    t = PlanTask.objects.get(pk=t.pk)
    assert t.state == "completed" and t.completed_on == run.today and "task_completed" in event_actions(t)


@scenario("steering.cancel_task")
def _(run: Run):
    t = task(run)
    run.call(services.cancel_task, t, actor=office(run), reason="任务调整")
    t = PlanTask.objects.get(pk=t.pk)
    assert t.state == "cancelled" and "task_cancelled" in event_actions(t)


@scenario("steering.reopen_task")
def _(run: Run):
    t = task(run)
    run.call(services.complete_task, t, actor=office(run))
    run.call(services.reopen_task, PlanTask.objects.get(pk=t.pk), actor=office(run), comment="尚未完成")
    t = PlanTask.objects.get(pk=t.pk)
    assert t.state == "open" and t.completed_on is None and "task_reopened" in event_actions(t)


@scenario("steering.void_task")
def _(run: Run):
    t = task(run)
    run.call(services.void_task, t, actor=office(run), reason="录入错误")
    t = PlanTask.objects.get(pk=t.pk)
    assert t.is_voided and "voided" in event_actions(t)


@scenario("steering.report_progress")
def _(run: Run):
    t = task(run)
    part = lead_part(t)
    r = run.call(services.report_progress, part, actor=run.regulator, data={
        "kind": "half_year", "year": run.today.year, "content": "已完成排查", "completion": 60},
        files=[pdf("进展.pdf")])
    r = ProgressReport.objects.get(pk=r.pk)
    assert (r.task, r.unit, r.completion, r.created_by) == (t, part.unit, 60, run.regulator)
    assert "progress_reported" in event_actions(part) and attachments_for(r).exists()


@scenario("steering.void_progress")
def _(run: Run):
    part = lead_part(task(run))
    r = run.call(services.report_progress, part, actor=run.regulator, data={
        "kind": "interim", "year": run.today.year, "content": "推进中"})
    run.call(services.void_progress, r, actor=office(run), reason="重复报送")
    r = ProgressReport.objects.get(pk=r.pk)
    assert r.is_voided and "voided" in event_actions(r)


# --- duty lists ----------------------------------------------------------------------------------

@scenario("steering.create_duty")
def _(run: Run):
    first = duty(run)
    d = run.call(services.create_duty, actor=office(run), committee_region=run.world.county_a, data={
        "holder": "leader", "leader_position": "区长", "leader_name": "张明", "leader_role": "government_head",
        "content": "担任安委会主任，定期研究部署安全生产工作"})
    d = Duty.objects.get(pk=d.pk)
    assert d.seq == first.seq + 1 and d.region_path == run.world.county_a.path and d.unit is None
    assert event_actions(d) == ["created"]


@scenario("steering.update_duty")
def _(run: Run):
    d = duty(run)
    run.call(services.update_duty, d, actor=office(run), data={"basis": "《安全生产法》第九条"})
    d = Duty.objects.get(pk=d.pk)
    assert d.basis == "《安全生产法》第九条" and d.version == 2 and "updated" in event_actions(d)


@scenario("steering.void_duty")
def _(run: Run):
    d = duty(run)
    run.call(services.void_duty, d, actor=office(run), reason="不再承担")
    d = Duty.objects.get(pk=d.pk)
    assert d.is_voided and "voided" in event_actions(d)


# --- special campaigns (专项整治) ---------------------------------------------------------------------

def campaign(run: Run, *, launched: bool = False) -> Campaign:
    """A campaign of county A's committee over township A's machinery enterprises."""
    from anjian.enterprises.models import Industry

    c = run.call(services.create_campaign, actor=office(run), committee_region=run.world.county_a,
                 region=run.world.township_a, data={"title": "粉尘涉爆专项整治", "starts_on": run.today,
                                                    "ends_on": run.later},
                 scope={"industries": [Industry.objects.get(code="0504")]})
    if launched:
        run.call(services.launch_campaign, Campaign.objects.get(pk=c.pk), actor=office(run))
    return Campaign.objects.get(pk=c.pk)


@scenario("steering.create_campaign")
def _(run: Run):
    c = campaign(run)
    assert c.number == f"ZX{run.today:%Y}{c.pk:06d}" and c.region_path == run.world.township_a.path
    assert list(c.industries.values_list("code", flat=True)) == ["0504"]
    assert c.state == "planned" and event_actions(c) == ["created"]


@scenario("steering.update_campaign")
def _(run: Run):
    from anjian.enterprises.models import FeatureTag

    c = campaign(run)
    tag = FeatureTag.objects.filter(is_active=True).first()
    run.call(services.update_campaign, c, actor=office(run), data={"basis": "安委办〔2026〕1号"}, scope={"tags": [tag]})
    c = Campaign.objects.get(pk=c.pk)
    assert c.basis == "安委办〔2026〕1号" and list(c.tags.all()) == [tag] and c.version == 2
    assert "updated" in event_actions(c)


@scenario("steering.launch_campaign")
def _(run: Run):
    c = campaign(run, launched=True)
    assert c.state == "running" and "campaign_launched" in event_actions(c)


@scenario("steering.close_campaign")
def _(run: Run):
    c = campaign(run, launched=True)
    run.call(services.close_campaign, c, actor=office(run), summary="检查企业12家，整改隐患30项。")
    c = Campaign.objects.get(pk=c.pk)
    assert (c.state, c.closed_on, c.summary) == ("closed", run.today, "检查企业12家，整改隐患30项。")


@scenario("steering.reopen_campaign")
def _(run: Run):
    c = campaign(run, launched=True)
    run.call(services.close_campaign, c, actor=office(run), summary="完成")
    run.call(services.reopen_campaign, Campaign.objects.get(pk=c.pk), actor=office(run), comment="回头看发现新问题")
    c = Campaign.objects.get(pk=c.pk)
    assert c.state == "running" and c.closed_on is None and "campaign_reopened" in event_actions(c)


@scenario("steering.void_campaign")
def _(run: Run):
    c = campaign(run)
    run.call(services.void_campaign, c, actor=office(run), reason="重复录入")
    assert Campaign.objects.get(pk=c.pk).is_voided


# --- summons (安全生产约谈) ---------------------------------------------------------------------------

def summons(run: Run, *, held: bool = False, reported: bool = False) -> Summons:
    """A summons of a fresh department unit, today; held (report due in 30 days) and reported when asked."""
    s = run.call(services.create_summons, actor=office(run), committee_region=run.world.county_a, unit=unit(run),
                 data={"ground": "hazards_not_rectified", "reason": "重大隐患逾期未整改", "scheduled_on": run.today,
                       "convened_by": "区安委会副主任", "summoned_officials": "局长 张某"})
    if held or reported:
        run.call(services.hold_summons, Summons.objects.get(pk=s.pk), actor=office(run), held_on=run.today,
                 minutes="约谈纪要", measures="一周内完成整改", report_due=run.later)
    if reported:
        run.call(services.report_summons, Summons.objects.get(pk=s.pk), actor=run.regulator, note="已整改")
    return Summons.objects.get(pk=s.pk)


@scenario("steering.create_summons")
def _(run: Run):
    s = summons(run)
    assert s.number == f"YT{run.today:%Y}{s.pk:06d}" and s.state == "planned" and event_actions(s) == ["created"]


@scenario("steering.update_summons")
def _(run: Run):
    s = summons(run)
    run.call(services.update_summons, s, actor=office(run), data={"place": "区政府第一会议室"})
    s = Summons.objects.get(pk=s.pk)
    assert s.place == "区政府第一会议室" and "updated" in event_actions(s)


@scenario("steering.hold_summons")
def _(run: Run):
    s = summons(run)
    run.call(services.hold_summons, s, actor=office(run), held_on=run.today, minutes="纪要", measures="整改",
             report_due=run.later, files=[pdf("约谈纪要.pdf")])
    s = Summons.objects.get(pk=s.pk)
    assert (s.state, s.report_due) == ("held", run.later) and "summons_held" in event_actions(s)
    assert attachments_for(s).count() == 1


@scenario("steering.report_summons")
def _(run: Run):
    s = summons(run, held=True)
    run.call(services.report_summons, s, actor=run.regulator, note="已完成整改", files=[pdf("整改情况.pdf")])
    s = Summons.objects.get(pk=s.pk)
    assert (s.state, s.reported_by, s.reported_on) == ("reported", run.regulator, run.today)
    assert "summons_reported" in event_actions(s)


@scenario("steering.verify_summons")
def _(run: Run):
    s = summons(run, reported=True)
    run.call(services.verify_summons, s, actor=office(run), accept=True)
    s = Summons.objects.get(pk=s.pk)
    assert (s.state, s.closed_on) == ("closed", run.today) and "summons_closed" in event_actions(s)


@scenario("steering.circulate_summons")
def _(run: Run):
    s = summons(run, held=True)
    run.call(services.circulate_summons, s, actor=office(run), document_number="甲安委办〔2026〕1号")
    s = Summons.objects.get(pk=s.pk)
    assert (s.state, s.circular_number, s.circulated_on) == ("held", "甲安委办〔2026〕1号", run.today)
    assert "summons_circulated" in event_actions(s)


@scenario("steering.publish_summons")
def _(run: Run):
    s = summons(run, held=True)
    run.call(services.publish_summons, s, actor=office(run), publication="区政府门户网站")
    s = Summons.objects.get(pk=s.pk)
    assert (s.publication, s.published_on) == ("区政府门户网站", run.today) and "summons_published" in event_actions(s)


@scenario("steering.void_summons")
def _(run: Run):
    s = summons(run)
    run.call(services.void_summons, s, actor=office(run), reason="重复录入")
    assert Summons.objects.get(pk=s.pk).is_voided

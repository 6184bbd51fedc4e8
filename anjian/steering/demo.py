"""Demo records of the committee office for `anjian demo`: the city committee of 示范市 with its
responsible units (the counties, the city's departments, two party departments and the trade
union), and the year's monthly reports (两议一报) — most on time with their meetings, minutes
and checks led by officials, some late, some missing, the current month still open. Everything
is made through the real services (events, versions, history are what the product makes) and
marked ``is_demo``. Idempotent: a committee that already has demo units is left as it is."""

from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from anjian.core.demo.people import person
from anjian.orgs.choices import DepartmentKind, Role
from anjian.orgs.models import Department, User
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

from . import services
from .models import MonthlyReport, Unit

OTHER_UNITS = [("市委宣传部", "party_department"), ("市委组织部", "party_department"),
               ("市总工会", "social_organisation")]
MEETING_TOPICS = ["研究部署本月安全生产重点工作", "专题研究重大事故隐患挂牌督办", "分析研判汛期安全风险",
                  "研究节假日期间安全防范措施", "通报上月安全生产形势", "研究专项整治推进情况"]
CHAIRS = ["区长", "常务副区长", "分管副区长", "局长", "党委书记"]
PLACES = ["化工园区", "建筑工地", "液化气充装站", "人员密集场所", "城乡结合部小作坊", "交通运输企业"]


def minutes_file(title: str) -> SimpleUploadedFile:
    """A small PDF standing in for the scanned minutes (the upload check reads its header)."""
    body = f"%PDF-1.4\n% {title}\n%%EOF\n".encode()
    return SimpleUploadedFile("会议纪要.pdf", body, content_type="application/pdf")


def _units(city: Region, office) -> list[Unit]:
    units = []
    for i, county in enumerate(Region.objects.filter(parent=city, level=RegionLevel.COUNTY).order_by("code")):
        units.append(services.create_unit(actor=office, committee_region=city, data={
            "kind": "lower_government", "name": f"{county.name}人民政府", "region": county, "sort": i,
            "contact": person(random.Random(i)), "is_demo": True}))
    departments = Department.objects.filter(region=city).exclude(kind=DepartmentKind.COMMITTEE_OFFICE).order_by("pk")
    for i, dept in enumerate(departments, start=20):
        units.append(services.create_unit(actor=office, committee_region=city, data={
            "kind": "department", "name": dept.name, "department": dept, "sort": i, "is_demo": True}))
    for i, (name, kind) in enumerate(OTHER_UNITS, start=60):
        units.append(services.create_unit(actor=office, committee_region=city, data={
            "kind": kind, "name": f"{city.name}{name[1:]}" if name.startswith("市") else name,
            "files_monthly_report": False, "sort": i, "is_demo": True}))
    return units


def _fill(report: MonthlyReport, office, rng: random.Random, *, meetings: int) -> MonthlyReport:
    month = report.period
    report = services.edit_report(report, actor=office, data={
        "summary": f"{report.unit.name}{month.month}月召开安全生产专题会议{meetings}次，领导带队开展夜查突查，"
                   "督促企业落实隐患排查治理主体责任。",
        "hazard_work": "组织开展隐患排查治理，重大隐患实行挂牌督办，一般隐患督促企业限期整改。"})
    for k in range(meetings):
        topic = rng.choice(MEETING_TOPICS)
        services.add_meeting(report, actor=office, data={
            "held_on": month + datetime.timedelta(days=2 + 10 * k + rng.randrange(0, 5)), "kind": rng.choice(
                ["special", "government_executive", "safety_committee"]),
            "title": topic, "chaired_by": rng.choice(CHAIRS), "decisions": "明确责任分工和完成时限。"},
            minutes=[minutes_file(topic)])
    if rng.random() < 0.7:
        found = rng.randrange(0, 6)
        services.add_check(report, actor=office, data={
            "checked_on": month + datetime.timedelta(days=rng.randrange(5, 25)),
            "kind": rng.choice(["night", "surprise", "unannounced"]), "leader_name": person(rng),
            "leader_position": rng.choice(["副区长", "副市长", "局长", "副局长"]), "places": rng.choice(PLACES),
            "hazards_found": found, "fixed_on_the_spot": rng.randrange(0, found + 1)})
    report.refresh_from_db()
    return report


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _reports(city: Region, office, rng: random.Random, today: datetime.date) -> int:
    """The year's reports to this month: the current month open, the earlier ones mostly on time,
    one in eight late, one in fifteen never submitted (and, in the latest month already due, the
    first county missing and the second late, so the board always shows both); a few returned,
    most accepted."""
    made = 0
    periods = [datetime.date(today.year, month, 1) for month in range(1, today.month + 1)]
    due_periods = [p for p in periods if services.report_due_on(p, services.rule_in_force("monthly_report", p)) < today]
    latest_due = due_periods[-1] if due_periods else None
    for period in periods:
        for n, report in enumerate(services.open_month(period, committee_region=city, actor=office, is_demo=True)):
            made += 1
            fate = rng.random()
            if period == latest_due and n < 2:
                fate = 0.0 if n == 0 else 0.1  # missing, late
            if report.due_on >= today and period.month == today.month:
                continue  # this month's report is still being written
            if fate < 1 / 15 and report.due_on < today:
                continue  # never submitted: overdue
            report = _fill(report, office, rng, meetings=1 if rng.random() < 0.1 else 2)
            late = fate < 1 / 15 + 1 / 8
            day = report.due_on + datetime.timedelta(days=rng.randrange(1, 6)) if late else \
                report.due_on - datetime.timedelta(days=rng.randrange(0, 4))
            if day > today:
                continue  # not yet: still open
            report = services.submit_report(report, actor=office, now=_moment(day, 10))
            if rng.random() < 0.1:
                services.review_report(report, actor=office, accept=False, comment="请补充夜查突查影像资料。")
            elif report.due_on + datetime.timedelta(days=10) < today:
                services.review_report(report, actor=office, accept=True)
    return made


FINDINGS = [
    ("responsibility", "党政领导带队夜查突查次数不足，未形成月轮值制度", "建立领导带队夜查突查月轮值制度并落实"),
    ("hazard", "辖区内一家液氨使用企业未设置氨气泄漏报警装置", "督促企业限期安装泄漏报警装置并接入监控平台"),
    ("enforcement", "年度执法计划执行进度滞后，重点企业检查覆盖率不足", "调整执法计划，确保重点企业全覆盖"),
    ("responsibility", "部门安全生产责任清单未及时更新", "按“三个必须”要求修订责任清单并公布"),
    ("illegal", "城乡结合部存在无证储存瓶装液化气的窝点", "会同相关部门依法取缔并建立长效机制"),
    ("other", "隐患排查治理台账记录规范，资料齐全", ""),
]


def _tours(city: Region, office, units: list[Unit], rng: random.Random, today: datetime.date) -> dict:
    """Three tours of counties: one completed a quarter ago, one with feedback given a month ago
    (some rectifications reported, one overdue), one planned for next week."""
    counties = [u for u in units if u.kind == "lower_government"]
    made = {"tours": 0, "tour_findings": 0}
    plans = [(counties[0], 100, "completed"), (counties[1 % len(counties)], 35, "feedback"),
             (counties[2 % len(counties)], -7, "planned")]
    for unit, days_ago, fate in plans:
        start = today - datetime.timedelta(days=days_ago)
        tour = services.create_tour(actor=office, committee_region=city, unit=unit, data={
            "title": f"{start.year}年安全生产巡查（{unit.name}）", "basis": "本市安全生产巡查工作制度、年度巡查工作方案",
            "starts_on": start, "ends_on": start + datetime.timedelta(days=3), "team_leader": person(rng),
            "team_members": "、".join(person(rng) for _i in range(4)), "is_demo": True,
            "summary": "听取汇报、查阅资料、随机抽查企业，总体落实较好，存在若干问题。" if fate != "planned" else ""})
        made["tours"] += 1
        if fate == "planned":
            continue
        findings = []
        for k, (category, description, requirement) in enumerate(rng.sample(FINDINGS, 4)):
            findings.append(services.add_finding(tour, actor=office, data={
                "category": category, "description": description, "requirement": requirement,
                "deadline": start + datetime.timedelta(days=20 + 5 * k) if requirement else None}))
        made["tour_findings"] += len(findings)
        tour.refresh_from_db()
        tour = services.give_feedback(tour, actor=office, on=start + datetime.timedelta(days=5))
        for k, finding in enumerate(findings):
            if finding.state != "open":
                continue
            if fate == "completed" or k % 2 == 0:
                finding = services.report_rectification(finding, actor=office, note="已按要求完成整改，附整改佐证材料。")
                if fate == "completed" or k == 0:
                    services.verify_rectification(finding, actor=office, accept=True, comment="经核查，整改到位。")
        if fate == "completed":
            tour.refresh_from_db()
            services.complete_tour(tour, actor=office)
    return made


# (number, task, lead department name ending, cooperating: "counties" or a department ending, months to deadline)
WORK_POINTS = [
    ("4", "严格落实属地管理责任，制定年度巡查工作方案并开展巡查督导", "应急管理局", "counties", 5),
    ("5", "强化部门监管责任，修订安全生产工作职责规定，消除监管盲区", "应急管理局", "住房和城乡建设局", 3),
    ("11", "强化建设工程施工安全整治，严厉打击违法分包、无证上岗", "住房和城乡建设局", "counties", 8),
    ("10", "强化交通运输安全整治，重点整治“两客一危一校”车辆", "交通运输局", "counties", 10),
    ("19", "强化特种设备安全整治，开展液化石油气气瓶专项排查治理", "市场监督管理局", "counties", 6),
    ("16", "强化消防安全整治，打通“生命通道”集中整治", "消防救援支队", "counties", 11),
]
THREE_YEAR_PHASES = [("组织动员", 0, 2), ("部署实施", 3, 14), ("巩固推进", 15, 29), ("总结评估", 30, 35)]
THREE_YEAR_TASKS = [
    ("一、1", "全面清查各类事故隐患和安全风险点，规上企业基本情况入库率达到100%", 1, 9),
    ("二、2", "建立与企业隐患排查治理系统联网的信息平台，实行分级差别化监管", 1, 12),
    ("三、1", "规范重大隐患排查治理，落实重大隐患挂牌督办和“双报告”制度", 2, 20),
]


def _month_after(day: datetime.date, months: int) -> datetime.date:
    total = day.year * 12 + day.month - 1 + months
    return datetime.date(total // 12, total % 12 + 1, 1)


def _plans(city: Region, office, units: list[Unit], rng: random.Random, today: datetime.date) -> dict:
    """The year's work points (tasks led by the city's departments, the counties implementing)
    and a three-year action begun last year with its phases; some tasks overdue, some completed,
    half-year reports filed by most units."""
    by_name = {u.name: u for u in units}
    counties = [u for u in units if u.kind == "lower_government"]
    made = {"plans": 0, "plan_tasks": 0, "progress_reports": 0}
    year_start = datetime.date(today.year, 1, 1)
    points = services.create_plan(actor=office, committee_region=city, data={
        "kind": "work_points", "title": f"{city.name}{today.year}年安全生产工作要点",
        "document_number": f"{city.name[:2]}安委〔{today.year}〕1号", "issued_on": datetime.date(today.year, 3, 2),
        "year_from": today.year, "year_to": today.year, "is_demo": True,
        "description": "各县（区）、各有关部门于6月底和年底前分别将半年度和年度工作完成情况报送市安委会办公室。"})
    made["plans"] += 1
    for number, title, lead_end, cooperating, months in WORK_POINTS:
        lead = next((u for n, u in by_name.items() if n.endswith(lead_end)), None)
        if lead is None:
            continue
        helpers = counties if cooperating == "counties" else [u for n, u in by_name.items() if n.endswith(cooperating)]
        deadline = _month_after(year_start, months) - datetime.timedelta(days=1)
        task = services.create_task(actor=office, plan=points, data={
            "number": number, "title": title, "content": title + "。", "deadline": deadline, "sort": int(number)},
            units=[(lead, "lead"), *((u, "cooperating") for u in helpers if u.pk != lead.pk)])
        made["plan_tasks"] += 1
        if deadline < today and rng.random() < 0.7:
            services.complete_task(task, actor=office, on=min(today, deadline + datetime.timedelta(
                days=rng.randrange(-20, 15))))
        if today > datetime.date(today.year, 6, 30):
            for assignment in task.assignments.all():
                if rng.random() < 0.85:
                    services.report_progress(assignment, actor=office, data={
                        "kind": "half_year", "year": today.year, "content": "已按计划推进，完成阶段目标。",
                        "completion": rng.choice([40, 50, 60, 70])})
                    made["progress_reports"] += 1
    start = datetime.date(today.year - 1, 1, 1)
    action = services.create_plan(actor=office, committee_region=city, data={
        "kind": "three_year_action", "title": f"{city.name}安全生产专项整治三年行动方案", "issued_on": start,
        "year_from": start.year, "year_to": start.year + 2, "is_demo": True,
        "description": "分组织动员、部署实施、巩固推进、总结评估四个阶段推进。"})
    made["plans"] += 1
    phases = []
    for name, first, last in THREE_YEAR_PHASES:
        phases.append(services.add_phase(action, actor=office, data={
            "name": name, "starts_on": _month_after(start, first),
            "ends_on": _month_after(start, last + 1) - datetime.timedelta(days=1)}))
        action.refresh_from_db()
    regulator = next((u for n, u in by_name.items() if n.endswith("应急管理局")), None)
    for number, title, phase, months in THREE_YEAR_TASKS:
        if regulator is None:
            break
        deadline = _month_after(start, months) - datetime.timedelta(days=1)
        task = services.create_task(actor=office, plan=action, data={
            "number": number, "title": title, "deadline": deadline, "phase": phases[phase]},
            units=[(regulator, "lead"), *((u, "cooperating") for u in counties)])
        made["plan_tasks"] += 1
        if deadline < today and rng.random() < 0.5:
            services.complete_task(task, actor=office, on=deadline)
        for assignment in task.assignments.all():
            if rng.random() < 0.9:
                services.report_progress(assignment, actor=office, data={
                    "kind": "year_end", "year": start.year, "content": "全年任务总体完成。", "completion": 100})
                made["progress_reports"] += 1
    return made


# Duties of the city's leaders (党政同责、一岗双责): (position, role, category, duty, basis, indicator code)
LEADER_DUTIES = [
    ("市委书记", "party_secretary", "领导责任", "对本地区安全生产工作负总责，定期主持召开常委会研究安全生产重大问题",
     "《地方党政领导干部安全生产责任制规定》第五条", ""),
    ("市长", "government_head", "领导责任", "担任市安委会主任，组织制定安全生产规划和年度目标，研究解决重大问题",
     "《地方党政领导干部安全生产责任制规定》第六条", "accident_deaths_yoy"),
    ("常务副市长", "deputy_in_charge", "综合协调", "协助市长分管安全生产工作，组织开展安全生产巡查和考核",
     "《地方党政领导干部安全生产责任制规定》第七条", "tour_rectification_on_time"),
    ("副市长（分管住建、交通）", "other_member", "一岗双责", "督促分管行业领域落实“管行业必须管安全”",
     "《地方党政领导干部安全生产责任制规定》第八条", ""),
]
# Duties of a department by the end of its name: (category, duty, indicator code)
DEPARTMENT_DUTIES = {
    "应急管理局": [("综合监管", "负责全市安全生产综合监督管理，指导协调、监督检查各部门和各县（区）安全生产工作",
                  "hazard_rectification_rate"),
              ("隐患治理", "督促重大事故隐患整改，实行挂牌督办并跟踪销号", "major_hazard_rectification_rate")],
    "住房和城乡建设局": [("行业监管", "负责房屋建筑和市政工程施工安全监督管理", "")],
    "交通运输局": [("行业监管", "负责道路运输企业和“两客一危”车辆安全监管", "")],
    "市场监督管理局": [("行业监管", "负责特种设备安全监督管理，组织气瓶专项整治", "")],
}


def _duties(city: Region, office, units: list[Unit]) -> int:
    """The city's duty list: its leaders' duties and its departments', some linked to a task of the
    work points or to an indicator code."""
    from .models import PlanTask

    tasks = {t.number: t for t in PlanTask.objects.filter(committee_region=city, plan__kind="work_points")}
    made = 0
    for position, role, category, content, basis, indicator in LEADER_DUTIES:
        services.create_duty(actor=office, committee_region=city, data={
            "holder": "leader", "leader_position": position, "leader_role": role, "category": category,
            "content": content, "basis": basis, "indicator_code": indicator, "task": tasks.get("4"),
            "is_demo": True})
        made += 1
    for unit in units:
        for ending, duties in DEPARTMENT_DUTIES.items():
            if unit.kind == "department" and unit.name.endswith(ending):
                for category, content, indicator in duties:
                    services.create_duty(actor=office, committee_region=city, data={
                        "holder": "unit", "unit": unit, "category": category, "content": content,
                        "basis": "《安全生产法》第十条", "indicator_code": indicator, "is_demo": True})
                    made += 1
    for unit in units:
        if unit.kind == "lower_government":
            services.create_duty(actor=office, committee_region=city, data={
                "holder": "unit", "unit": unit, "category": "属地管理", "content": "落实属地监管责任，按月报送两议一报",
                "indicator_code": "monthly_report_timeliness", "is_demo": True})
            made += 1
    return made


def _campaigns(city: Region, office, units: list[Unit], today: datetime.date) -> int:
    """Two city-wide campaigns read live from the demo's ledgers: one on dust-explosion enterprises
    under way (every inspection in its period counts), one on confined spaces closed last quarter
    with its results."""
    from anjian.enterprises.models import FeatureTag

    tags = {t.code: t for t in FeatureTag.objects.filter(code__in=("dust_explosion", "confined_space"))}
    lead = next((u for u in units if u.kind == "department"), None)
    made = 0
    if "dust_explosion" in tags:
        dust = services.create_campaign(actor=office, committee_region=city, region=city, data={
            "title": f"{today.year}年粉尘涉爆企业专项整治", "basis": "示范市安委办关于开展粉尘涉爆企业专项整治的通知（演示）",
            "starts_on": today - datetime.timedelta(days=60), "ends_on": today + datetime.timedelta(days=30),
            "lead_unit": lead, "is_demo": True}, scope={"tags": [tags["dust_explosion"]]})
        services.launch_campaign(dust, actor=office)
        made += 1
    if "confined_space" in tags:
        start = today - datetime.timedelta(days=200)
        confined = services.create_campaign(actor=office, committee_region=city, region=city, data={
            "title": "有限空间作业专项整治", "basis": "示范市安委办关于开展有限空间作业专项整治的通知（演示）",
            "starts_on": start, "ends_on": start + datetime.timedelta(days=90), "lead_unit": lead, "is_demo": True},
            scope={"tags": [tags["confined_space"]]})
        services.launch_campaign(confined, actor=office)
        services.close_campaign(confined, actor=office,
                                summary="全市有限空间作业企业已全部完成排查，发现的隐患已督促整改。（演示）")
        made += 1
    return made


def _summonses(city: Region, office, units: list[Unit], today: datetime.date) -> int:
    """Two summonses of counties: one closed after the county reported its rectification, one held
    three weeks ago whose written report is overdue (a warning), and it was circulated."""
    counties = [u for u in units if u.kind == "lower_government"]
    if not counties:
        return 0
    closed = services.create_summons(actor=office, committee_region=city, unit=counties[0], data={
        "ground": "repeated_accidents", "reason": "半年内发生两起较大生产安全事故，暴露出属地监管责任落实不到位。（演示）",
        "scheduled_on": today - datetime.timedelta(days=90), "place": "市政府第三会议室", "convened_by": "市安委会副主任",
        "summoned_officials": f"{counties[0].name}区长、分管副区长", "attendees": "市应急管理局、市住房和城乡建设局",
        "is_demo": True})
    closed = services.hold_summons(closed, actor=office, held_on=today - datetime.timedelta(days=90),
                                   minutes="约谈方通报事故情况，被约谈方作检讨发言并提出整改措施。（演示）",
                                   measures="开展为期一个月的建筑施工安全专项整治；落实领导干部包保责任。",
                                   report_due=today - datetime.timedelta(days=75))
    closed = services.report_summons(closed, actor=office, note="专项整治已完成，检查项目42个，整改隐患136项。（演示）")
    closed = services.verify_summons(closed, actor=office, accept=True, comment="整改措施落实到位。")
    services.publish_summons(closed, actor=office, publication="示范市人民政府门户网站（演示）",
                             on=today - datetime.timedelta(days=85))
    late = services.create_summons(actor=office, committee_region=city, unit=counties[1 % len(counties)], data={
        "ground": "hazards_not_rectified", "reason": "市级挂牌督办的重大事故隐患逾期未完成整改。（演示）",
        "scheduled_on": today - datetime.timedelta(days=21), "convened_by": "市安委办主任",
        "summoned_officials": f"{counties[1 % len(counties)].name}分管副区长", "is_demo": True})
    late = services.hold_summons(late, actor=office, held_on=today - datetime.timedelta(days=21),
                                 minutes="被约谈方说明隐患整改滞后原因，明确整改时限。（演示）",
                                 measures="十日内完成挂牌隐患整改并书面报告。", report_due=today - datetime.timedelta(days=11))
    services.circulate_summons(late, actor=office, document_number="示安委办〔演示〕1号",
                               on=today - datetime.timedelta(days=5))
    return 2


@transaction.atomic
def build_demo(seed: int = 0) -> dict:
    """The city committee's demo units and the year's monthly reports; answers counts made."""
    rng = random.Random(seed)
    office = User.objects.filter(is_demo=True, role=Role.COMMITTEE_OFFICE).select_related("scope_region").first()
    if office is None or office.scope_region is None:
        return {}
    city = office.scope_region
    if Unit.objects.filter(committee_region=city, is_demo=True).exists():
        return {}
    units = _units(city, office)
    today = timezone.localdate()
    reports = _reports(city, office, rng, today)
    tours = _tours(city, office, units, rng, today)
    plans = _plans(city, office, units, rng, today)
    duties = _duties(city, office, units)
    campaigns = _campaigns(city, office, units, today)
    summonses = _summonses(city, office, units, today)
    return {"summonses": summonses, "steering_units": len(units), "monthly_reports": reports, **tours, **plans, "duties": duties,
            "campaigns": campaigns}

"""Demo hazards for `anjian demo`: a plausible ledger for 示范市, clearly marked ``is_demo``.

Every hazard is reported and moved along the loop through the real services (so states,
versions, events and listings are exactly what the product would produce); afterwards the
timestamps are spread back over the past months, because a demo ledger whose every step
happened "just now" would show nothing in the statistics, the overdue list or the warnings.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from anjian.core.demo import profiles
from anjian.core.models import Event
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import DepartmentKind, Role
from anjian.orgs.models import Department, User
from anjian.standards.selectors import criteria_for_industries

from . import services
from .choices import HazardState
from .models import DualReport, Hazard, ListedSupervision, Recheck
from .policy import policy

S = HazardState

# Findings (location, description, GB/T 13861 class) any workplace can have.
COMMON_FINDINGS = [
    ("办公楼", "应急照明灯损坏，疏散指示标志缺失", "object"),
    ("安全管理", "隐患排查治理制度未建立，排查记录不全", "management"),
    ("安全管理", "新入职员工未经岗前安全培训即上岗", "person"),
    ("消防设施", "灭火器压力不足，未按月检查", "object"),
]
# Findings by the profile of the enterprise's industry (anjian/core/demo/profiles.py), so a
# transport company is never found with a dust-extraction system; a fourth element limits a
# finding to some industries of the profile (a freight company has no buses).
FINDINGS = {
    profiles.FACTORY: [
        ("配电室", "配电箱门未关闭，线路绝缘层破损裸露", "object"),
        ("一车间", "冲压机双手操作按钮被短接，安全联锁失效", "object"),
        ("成品仓库", "消防通道堆放货物，安全出口被堵塞", "environment"),
        ("二车间", "砂轮机防护罩缺失", "object"),
        ("厂区道路", "叉车驾驶员无特种作业操作证", "person"),
        ("喷漆房", "通风设施未运行，可燃气体报警器未投用", "object"),
        ("有限空间", "污水池作业未执行先通风、再检测、后作业", "management"),
        ("除尘系统", "除尘器未设置泄爆装置，粉尘清扫记录缺失", "object"),
        ("锅炉房", "压力表超过检定有效期", "object"),
    ],
    profiles.CHEMICAL: [
        ("甲类仓库", "危险化学品未分类分区存放，禁忌物混存", "management"),
        ("储罐区", "可燃气体检测报警器未定期标定", "object", ("03", "0902", "11")),
        ("装卸站台", "液氨装卸未使用万向管道充装系统", "object", ("03",)),
        ("合成车间", "动火作业未办理作业票，现场无监护人", "management"),
        ("储罐区", "紧急切断阀处于手动旁路状态", "object", ("03", "0902", "11")),
        ("涉药工房", "工房超员、超量存药", "management", ("04", "12")),
        ("成品仓库", "防雷设施检测报告已过期", "object", ("04", "12")),
        ("中控室", "工艺报警频繁，未分析原因并处置", "management"),
    ],
    profiles.MINE: [
        ("井下采区", "采空区未按设计处理，警示标志缺失", "environment", ("01", "0201")),
        ("主井提升机房", "提升机过卷保护装置失效", "object", ("01", "0201")),
        ("主通风机房", "备用通风机未定期切换试运行", "object", ("01", "0201")),
        ("露天采场边坡", "边坡监测数据超预警值未撤人", "management", ("0202",)),
        ("炸药库", "爆破器材领退登记与实物不符", "management", ("01", "0201", "0202")),
        ("尾矿库", "干滩长度不足，安全超高不满足设计要求", "object", ("0203",)),
        ("尾矿库", "在线监测系统数据中断未处置", "management", ("0203",)),
    ],
    profiles.CONSTRUCTION: [
        ("外脚手架", "连墙件缺失，剪刀撑未连续设置", "object"),
        ("基坑", "基坑周边堆载超限，监测记录缺失", "environment"),
        ("塔吊作业区", "塔吊力矩限制器失效", "object"),
        ("临时配电箱", "开关箱未设漏电保护器，一闸多机", "object"),
        ("楼层临边", "临边防护栏杆缺失，作业人员未系安全带", "person"),
        ("钢筋加工棚", "钢筋切断机传动部位无防护罩", "object"),
    ],
    profiles.TRANSPORT: [
        ("停车场", "营运客车安全锤缺失，灭火器过期", "object", ("0701",)),
        ("停车场", "货车超载出场，装载未加固", "management", ("0702",)),
        ("调度室", "动态监控发现超速报警未及时处置", "management"),
        ("维修车间", "举升机保险装置失效", "object"),
        ("车辆例检区", "出车前安全例检记录不全", "management"),
        ("驾驶员休息室", "驾驶员连续驾驶超过 4 小时未休息", "person"),
        ("停车场", "危险货物运输车辆标志灯、标志牌缺失", "object", ("0703",)),
    ],
    profiles.WATERWAY: [
        ("客船", "救生衣数量少于核定乘客定额", "object"),
        ("渡口", "大风天气未按规定停航", "management"),
        ("船舶机舱", "机舱油污积存，消防泵无法启动", "object"),
        ("码头", "码头临水边缘护栏破损", "environment"),
        ("客船", "船员未持有适任证书", "person"),
    ],
    profiles.PUBLIC: [
        ("营业大厅", "安全出口上锁，疏散通道堆放杂物", "environment"),
        ("后厨", "燃气报警器未安装，连接软管老化", "object"),
        ("地下车库", "电动自行车在楼道内停放充电", "management"),
        ("配电间", "配电间堆放杂物，私拉乱接电线", "object"),
        ("疏散楼梯", "常闭式防火门处于开启状态", "object"),
        ("库房", "货物堆放过高，距灯具不足 0.5 米", "environment"),
    ],
    profiles.UTILITY: [
        ("锅炉房", "锅炉水位表看不清水位，安全阀未按期校验", "object"),
        ("变配电室", "高压柜防误闭锁装置失效", "object"),
        ("电梯机房", "电梯维保记录不全，轿厢内无应急救援电话", "management"),
        ("压力容器区", "压力容器超过检验有效期仍在使用", "object"),
        ("电缆隧道", "电缆隧道作业未办理有限空间作业审批", "management"),
    ],
    profiles.FARM: [
        ("农机库棚", "拖拉机未登记，无号牌行驶", "management"),
        ("田间作业点", "联合收割机传动部位防护罩缺失", "object"),
        ("维修间", "农机驾驶人员无驾驶证", "person"),
        ("油料库", "油料库未配备灭火器材", "object"),
    ],
}


def findings_for(industry_code: str | None) -> list[tuple[str, str, str]]:
    """The findings a demo hazard at an enterprise of this industry may describe."""
    own = [f[:3] for f in FINDINGS[profiles.profile_for(industry_code)]
           if profiles.fits(f[3] if len(f) > 3 else None, industry_code)]
    return own + COMMON_FINDINGS



DEFINITION_REASON = "涉及主要生产装置，需局部停产并经较长时间改造方能消除，所列判定标准条款未涵盖该情形"


def _actor_pool() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(is_demo=True)}


@transaction.atomic
def build_demo_hazards(*, seed: int = 20261123, count: int = 600, today: datetime.date | None = None) -> int:
    """Report ``count`` demo hazards across the demo enterprises and drive them along the loop
    to a realistic mix of states (most closed, some overdue, a few major ones listed)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    users = _actor_pool()
    admin = users["admin"]
    regulator = users.get("regulator", admin)
    enterprises = list(Enterprise.objects.filter(is_demo=True, status="operating").select_related("industry")
                       .order_by("id"))
    if not enterprises:
        return 0
    own = users.get("enterprise")
    own_enterprise = own.scope_enterprise if own else None
    departments = {d.region_id: d for d in Department.objects.filter(is_demo=True, kind=DepartmentKind.REGULATOR)}
    made = 0
    for i in range(count):
        # The demo enterprise user's company gets a handful, so that log-in shows a living ledger.
        ent = own_enterprise if (own_enterprise and i % 60 == 0) else rng.choice(enterprises)
        location, description, category = rng.choice(findings_for(ent.industry.code))
        found = today - datetime.timedelta(days=rng.randint(0, 330))
        found_at = timezone.make_aware(datetime.datetime.combine(found, datetime.time(rng.randint(8, 17),
                                                                                     rng.randint(0, 59))))
        found_at = min(found_at, timezone.now() - datetime.timedelta(minutes=5))
        major = rng.random() < 0.06
        finder_role = rng.choices([Role.ENTERPRISE, Role.REGULATOR, Role.GRID_OFFICER, Role.EXPERT],
                                  weights=[60, 20, 15, 5])[0]
        source = services.SOURCE_BY_ROLE[finder_role]
        data = {
            "location": location, "description": description, "category": category,
            "found_at": found_at, "deadline": found + datetime.timedelta(days=rng.choice([7, 15, 30, 60])),
            "finder_name": "演示数据", "is_demo": True,
        }
        pending = False
        if major:
            # Only a criterion of the enterprise's own industry (or one across industries) applies;
            # where none is listed, the general definition (16号令 第三条) with its reason.
            applicable = list(criteria_for_industries([ent.industry.code], on=found)[:40])
            data.update(deadline=found + datetime.timedelta(days=rng.choice([60, 90, 120])), grade="major")
            if applicable:
                data["criterion"] = rng.choice(applicable)
            else:
                data.update(definition_condition="hard_to_rectify", definition_justification=DEFINITION_REASON)
        h = services.report_hazard(actor=admin, enterprise=ent, data=data, source=source)
        made += 1
        age = (today - found).days
        # Older hazards are further along; a few are left overdue on purpose.
        target = _target_state(rng, age, major)
        if h.is_major_pending:
            # Half wait for the regulator's confirmation (and cannot be accepted meanwhile).
            if rng.random() < 0.5:
                pending = True
                target = min(target, S.RECTIFYING, key=_order)
            else:
                h = services.confirm_major(h, actor=admin, comment="经现场核实，确认为重大事故隐患")
        acceptor = regulator if major else admin
        dept = None
        if major:
            plan = {"plan_responsible": "企业主要负责人", "plan_measures": "停用相关设施，制定专项整改方案并实施",
                    "plan_funds": rng.choice([20000, 50000, 120000]), "plan_deadline": data["deadline"],
                    "plan_contingency": "专项应急处置方案"}
            if target != S.REPORTED or rng.random() < 0.5:
                h = services.update_plan(h, actor=admin, plan=plan)
            dept = departments.get(ent.region.parent_id)
            _dual_reports(h, admin, dept, found, today, plan["plan_measures"])
            h.refresh_from_db()
            if dept and rng.random() < 0.5 and target != S.CLOSED and not pending:
                listing = services.list_for_supervision(
                    h, actor=admin, department=dept, deadline=max(today, data["deadline"]),
                    document_number=f"示范安督〔{today:%Y}〕{i}号")
                if rng.random() < 0.3:
                    # Some supervision deadlines have passed, so the demo shows that warning too.
                    ListedSupervision.objects.filter(pk=listing.pk).update(
                        deadline=today - datetime.timedelta(days=rng.randint(1, 20)))
                h.refresh_from_db()
        while _order(h.state) < _order(target):
            h = _advance(h, admin, acceptor, regulator)
        if major and h.state in (S.ACCEPTED, S.CLOSED) and dept is not None:
            # The treatment result goes to the department too (双报告's second report).
            services.record_dual_report(h, actor=admin, recipient="regulator", stage="result", department=dept,
                                        reported_on=today, treatment_result="隐患已治理完毕，经验收合格，已恢复正常生产。")
        _backdate(h, found_at, rng, today)
    return made


def _advance(h: Hazard, enterprise_side: User, acceptor: User, rechecker: User) -> Hazard:
    """One step along the loop, by whoever takes that step. A hazard found by an inspection is
    re-checked by the regulator (复查), which accepts it, before it is closed out."""
    if h.state == S.REPORTED:
        return services.start_rectification(h, actor=enterprise_side)
    if h.state == S.RECTIFYING:
        return services.submit_rectification(h, actor=enterprise_side, note="已按要求完成整改，附整改前后照片")
    if services.needs_recheck(h) and policy.can(rechecker, "recheck", h):
        services.record_recheck(h, actor=rechecker, outcome="passed", inspectors="演示数据",
                                opinion="经现场复查，隐患已按要求整改完毕，复查合格。")
        h.refresh_from_db()
        return h if h.state == S.ACCEPTED else services.close_hazard(h, actor=acceptor)
    if h.state == S.RECTIFIED:
        return services.accept_rectification(h, actor=acceptor)
    return services.close_hazard(h, actor=acceptor)


def _dual_reports(h: Hazard, actor: User, department, found: datetime.date, today: datetime.date,
                  plan: str) -> None:
    """The major hazard's reports to the county regulator and the workers' congress (双报告)."""
    texts = {"situation": f"{h.location}{h.description}。原因：日常排查和管理不到位，设备设施维护缺失。",
             "severity_analysis": "可能导致人员伤亡和较大财产损失；需局部停产并经过一定时间治理方能消除。",
             "treatment_plan": plan}
    if department is not None:
        services.record_dual_report(h, actor=actor, recipient="regulator", department=department, reported_on=found,
                                    **texts)
    congress_on = found + datetime.timedelta(days=2)
    if congress_on <= today:
        services.record_dual_report(Hazard.objects.get(pk=h.pk), actor=actor, recipient="congress",
                                    recipient_name="职工代表大会", reported_on=congress_on, **texts)


_ORDER = [S.REPORTED, S.RECTIFYING, S.RECTIFIED, S.ACCEPTED, S.CLOSED]


def _order(state: str) -> int:
    return _ORDER.index(state)


def _target_state(rng: random.Random, age_days: int, major: bool) -> str:
    if age_days < 7:
        return rng.choice([S.REPORTED, S.REPORTED, S.RECTIFYING])
    if age_days < 45:
        return rng.choices(_ORDER, weights=[15, 30, 15, 10, 30])[0]
    weights = [3, 5, 3, 4, 85] if not major else [5, 15, 5, 5, 70]
    return rng.choices(_ORDER, weights=weights)[0]


def _backdate(h: Hazard, found_at: datetime.datetime, rng: random.Random, today: datetime.date) -> None:
    """Spread the steps' timestamps from the day found onwards (never into the future)."""
    now = timezone.now()
    moment = found_at
    stamps: dict[str, datetime.datetime] = {}
    events = list(Event.objects.filter(content_type__model="hazard", object_id=str(h.pk)).order_by("id"))
    for ev in events:
        if ev.action != "reported":
            # Most fixes land before the deadline; some do not.
            moment = min(now, moment + datetime.timedelta(days=rng.randint(0, 12), hours=rng.randint(1, 8)))
        ev.at = moment
        stamps[ev.action] = moment
        # The result report and the re-check carry their day in the event too (the hazard report's
        # day is the one it was filed with).
        if ev.action == "dual_report_recorded" and ev.data.get("stage") == "result":
            ev.data["reported_on"] = timezone.localdate(moment).isoformat()
        elif ev.action == "rechecked":
            on = timezone.localdate(moment)
            ev.data.update(checked_on=on.isoformat(), number=f"FC{on:%Y}{ev.data['recheck']:09d}")
    Event.objects.bulk_update(events, ["at", "data"])
    if "dual_report_recorded" in stamps:
        # The last report recorded is the result report, when there is one.
        DualReport.objects.filter(hazard_id=h.pk, stage="result").update(
            reported_on=timezone.localdate(stamps["dual_report_recorded"]))
    rechecked = stamps.get("rechecked")
    Hazard.objects.filter(pk=h.pk).update(
        rectified_at=stamps.get("rectification_submitted"), accepted_at=stamps.get("accepted") or rechecked,
        closed_at=stamps.get("closed"), rechecked_at=rechecked,
    )
    if rechecked is not None:
        on = timezone.localdate(rechecked)
        submitted = stamps.get("rectification_submitted")
        start = min(h.deadline, timezone.localdate(submitted)) if submitted else h.deadline
        for recheck in Recheck.objects.filter(hazard_id=h.pk):
            Recheck.objects.filter(pk=recheck.pk).update(
                checked_on=on, created_at=rechecked, number=f"FC{on:%Y}{recheck.pk:09d}",
                due_on=start + datetime.timedelta(days=recheck.limit_days))

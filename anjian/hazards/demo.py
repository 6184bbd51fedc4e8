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

from anjian.core.models import Event
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import DepartmentKind, Role
from anjian.orgs.models import Department, User
from anjian.standards.models import MajorHazardCriterion

from . import services
from .choices import HazardState
from .models import DualReport, Hazard, ListedSupervision, Recheck

S = HazardState

FINDINGS = [
    ("配电室", "配电箱门未关闭，线路绝缘层破损裸露", "object"),
    ("一车间", "冲压机双手操作按钮被短接，安全联锁失效", "object"),
    ("仓库", "消防通道堆放货物，安全出口被堵塞", "environment"),
    ("二车间", "砂轮机防护罩缺失", "object"),
    ("厂区道路", "叉车驾驶员无特种作业操作证", "person"),
    ("危化品库", "危险化学品未分类分区存放，禁忌物混存", "management"),
    ("喷漆房", "通风设施未运行，可燃气体报警器未投用", "object"),
    ("有限空间", "污水池作业未执行先通风、再检测、后作业", "management"),
    ("办公楼", "应急照明灯损坏，疏散指示标志缺失", "object"),
    ("除尘系统", "除尘器未设置泄爆装置，粉尘清扫记录缺失", "object"),
    ("锅炉房", "压力表超过检定有效期", "object"),
    ("员工宿舍", "私拉乱接电线，使用大功率电器", "person"),
    ("装卸区", "装卸平台临边防护栏缺失", "environment"),
    ("安全管理", "隐患排查治理制度未建立，排查记录不全", "management"),
    ("高处作业", "作业人员未系安全带，无高处作业审批", "person"),
]


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
    enterprises = list(Enterprise.objects.filter(is_demo=True, status="operating").order_by("id"))
    if not enterprises:
        return 0
    criteria = list(MajorHazardCriterion.objects.filter(is_active=True).order_by("id")[:40])
    own = users.get("enterprise")
    own_enterprise = own.scope_enterprise if own else None
    departments = {d.region_id: d for d in Department.objects.filter(is_demo=True, kind=DepartmentKind.REGULATOR)}
    made = 0
    for i in range(count):
        # The demo enterprise user's company gets a handful, so that log-in shows a living ledger.
        ent = own_enterprise if (own_enterprise and i % 60 == 0) else rng.choice(enterprises)
        location, description, category = rng.choice(FINDINGS)
        found = today - datetime.timedelta(days=rng.randint(0, 330))
        found_at = timezone.make_aware(datetime.datetime.combine(found, datetime.time(rng.randint(8, 17),
                                                                                     rng.randint(0, 59))))
        found_at = min(found_at, timezone.now() - datetime.timedelta(minutes=5))
        major = bool(criteria) and rng.random() < 0.06
        finder_role = rng.choices([Role.ENTERPRISE, Role.REGULATOR, Role.GRID_OFFICER, Role.EXPERT],
                                  weights=[60, 20, 15, 5])[0]
        source = services.SOURCE_BY_ROLE[finder_role]
        data = {
            "location": location, "description": description, "category": category,
            "found_at": found_at, "deadline": found + datetime.timedelta(days=rng.choice([7, 15, 30, 60])),
            "finder_name": "演示数据", "is_demo": True,
        }
        if major:
            data.update(grade="major", criterion=rng.choice(criteria),
                        deadline=found + datetime.timedelta(days=rng.choice([60, 90, 120])))
        h = services.report_hazard(actor=admin, enterprise=ent, data=data, source=source)
        made += 1
        age = (today - found).days
        # Older hazards are further along; a few are left overdue on purpose.
        target = _target_state(rng, age, major)
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
            if dept and rng.random() < 0.5 and target != S.CLOSED:
                listing = services.list_for_supervision(
                    h, actor=admin, level="county", department=dept, deadline=max(today, data["deadline"]),
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
    if services.needs_recheck(h) and services.can_recheck(rechecker, h):
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

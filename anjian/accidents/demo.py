"""Demo accidents for `anjian demo`: three years of a plausible accident ledger across the demo
regions (most ordinary, a few relatively serious), with reporting chains (some late),
follow-up reports (续报) for the recent ones and the situation declared stable (but for an
accident of the last two days), casualty updates and investigations with their report deadline
— all marked ``is_demo``.

Written in bulk (a few hundred accidents with their steps, updates and investigations in a
dozen statements) because the services' per-row locks and events would make the demo slow;
every grade still comes from ``grading.grade_for`` and every accident type from the list in
force on its date, exactly as the services would set them.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.orgs.models import User
from anjian.standards.models import AccidentType
from anjian.standards.selectors import accident_type_scheme_for

from .choices import (
    INVESTIGATING_LEVEL_BY_GRADE,
    AccidentCategory,
    AccidentGrade,
    AccidentState,
    FlagKind,
    RectificationState,
)
from .grading import grade_for
from .models import (
    Accident,
    AccidentRectification,
    Accountability,
    CasualtyUpdate,
    FollowUpReport,
    Investigation,
    ReportingFlag,
    ReportingStep,
)
from .regulations import report_due_on

STORIES = [
    ("机械伤害", "操作工在冲床作业时手部被卷入，安全防护装置失效", "设备防护缺失，违章作业"),
    ("高处坠落", "工人在厂房屋面检修时从采光板处坠落", "未系安全带，临边防护缺失"),
    ("物体打击", "起吊货物时吊索断裂，货物坠落砸伤下方人员", "吊索具未定期检查"),
    ("触电", "电工带电检修配电箱时触电", "未执行停电验电挂牌制度"),
    ("中毒和窒息", "清理污水池时作业人员中毒晕倒，施救人员盲目施救", "有限空间作业未检测通风"),
    ("火灾", "仓库电气线路短路引发火灾", "线路老化，私拉乱接"),
    ("坍塌", "基坑开挖时边坡坍塌掩埋作业人员", "未按方案放坡支护"),
    ("车辆伤害", "厂内叉车倒车时撞伤行人", "叉车司机无证驾驶，视线受阻"),
    ("其他爆炸", "除尘系统发生粉尘爆炸", "粉尘清扫不及时，未设泄爆装置"),
    ("起重伤害", "汽车吊倾覆砸中作业人员", "支腿未完全伸出，超载起吊"),
]
# The GB 6441-2025 name used for a story after 2026-07-01 where the 1986 name no longer exists.
NEW_NAMES = {"机械伤害": "机械致害", "高处坠落": "高处坠落", "物体打击": "物体打击", "触电": "触电",
             "中毒和窒息": "中毒", "火灾": "火灾", "坍塌": "坍塌", "车辆伤害": "厂(场)内车辆致害",
             "其他爆炸": "粉尘爆炸", "起重伤害": "起重致害"}
ROAD = ("道路交通事故：货车与电动自行车相撞", "车辆伤害", "道路(轨道)车辆致害")


def _types() -> dict[tuple[str, str], AccidentType]:
    return {(t.scheme, t.name): t for t in AccidentType.objects.filter(is_active=True)}


def _figures(rng: random.Random) -> dict:
    """Mostly ordinary accidents: 0–2 deaths; a few relatively serious ones."""
    r = rng.random()
    if r < 0.04:
        deaths, serious = rng.randint(3, 5), rng.randint(0, 6)
    elif r < 0.06:
        deaths, serious = rng.randint(0, 2), rng.randint(10, 14)
    else:
        deaths = rng.choices([0, 1, 2], weights=[35, 55, 10])[0]
        serious = rng.choices([0, 1, 2, 3], weights=[60, 25, 10, 5])[0]
    loss = Decimal(rng.randint(2, 300) * 10_000 if rng.random() > 0.01 else rng.randint(1000, 1800) * 10_000)
    return {"deaths": deaths, "serious_injuries": serious, "minor_injuries": rng.randint(0, 4),
            "missing": 1 if rng.random() < 0.02 else 0, "direct_loss_yuan": loss}


@transaction.atomic
def build_demo(seed: int = 0, *, count: int = 320, today: datetime.date | None = None) -> dict:
    """Build ``count`` demo accidents over the last 3 years; answers what was made."""
    if Accident.objects.filter(is_demo=True).exists():
        return {"accidents": 0}
    rng = random.Random(seed or 20261123)
    today = today or timezone.localdate()
    enterprises = list(Enterprise.objects.filter(is_demo=True).select_related("region").order_by("id"))
    if not enterprises:
        return {"accidents": 0}
    admin = User.objects.filter(is_demo=True, username="admin").first()
    own = User.objects.filter(is_demo=True, username="enterprise").select_related("scope_enterprise__region").first()
    own_enterprise = own.scope_enterprise if own else None
    types = _types()
    now = timezone.now()
    accidents: list[Accident] = []
    plans: list[dict] = []
    for i in range(count):
        # The demo enterprise user's company gets a few, so that log-in shows its own ledger.
        mine = own_enterprise is not None and i % 80 == 0
        ent = own_enterprise if mine else rng.choice(enterprises)
        road = not mine and rng.random() < 0.15
        day = today - datetime.timedelta(days=rng.randint(1, 3 * 365))
        occurred = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(6, 21),
                                                                                  rng.randint(0, 59))))
        occurred = min(occurred, now - datetime.timedelta(hours=30))
        scheme = accident_type_scheme_for(day)
        if road:
            summary, old_name, new_name = ROAD
            cause, category = "驾驶人操作不当", AccidentCategory.ROAD_TRAFFIC
        else:
            old_name, summary, cause = rng.choice(STORIES)
            new_name, category = NEW_NAMES[old_name], AccidentCategory.INDUSTRIAL
        name = new_name if scheme == "GB6441-2025" else old_name
        accident_type = types.get((scheme, name))
        if accident_type is None:
            continue
        figures = _figures(rng)
        grade, _by = grade_for(deaths=figures["deaths"], missing=figures["missing"],
                               serious_injuries=figures["serious_injuries"],
                               direct_loss_yuan=figures["direct_loss_yuan"], on=day)
        learned = occurred + datetime.timedelta(minutes=rng.randint(2, 20))
        late = rng.random() < 0.06
        reported = learned + datetime.timedelta(minutes=rng.randint(65, 150) if late else rng.randint(10, 55))
        accidents.append(Accident(
            number=f"DEMO{i:06d}", occurred_at=occurred, region=ent.region, region_path=ent.region.path,
            address=f"{ent.region.name}{'国道' if road else ''}{rng.randint(1, 300)}号",
            enterprise=None if road else ent, industry=None if road else ent.industry,
            grid=None if road else ent.grid, category=category, accident_type=accident_type, grade=grade,
            summary=summary, preliminary_cause=cause, learned_at=learned, reported_to_government_at=reported,
            reported_to_department=f"{ent.region.parent.name if ent.region.parent_id else ''}应急管理局",
            reporter_name="安全负责人", is_demo=True, created_by=admin, **figures))
        plans.append({"late": late, "reported": reported, "day": day})
    Accident.objects.bulk_create(accidents, batch_size=500)
    # bulk_create sets primary keys on PostgreSQL and SQLite; number them as the service does.
    for a in accidents:
        a.number = f"SG{timezone.localtime(a.occurred_at):%Y}{a.pk:06d}"
    Accident.objects.bulk_update(accidents, ["number"], batch_size=500)

    steps, flags, updates, investigations, followups = [], [], [], [], []
    closed_cases: list[tuple[Accident, datetime.date]] = []
    for a, plan in zip(accidents, plans, strict=True):
        county_in = plan["reported"]
        county_out = county_in + datetime.timedelta(minutes=rng.randint(20, 110))
        steps.append(ReportingStep(accident=a, level="county", received_at=county_in, passed_on_at=county_out,
                                   department="区县应急管理局", handled_by="值班员", recorded_by=admin))
        city_in = county_out + datetime.timedelta(minutes=rng.randint(5, 30))
        city_out = None
        if a.grade != AccidentGrade.ORDINARY:
            city_out = city_in + datetime.timedelta(minutes=rng.randint(20, 100))
        steps.append(ReportingStep(accident=a, level="city", received_at=city_in, passed_on_at=city_out,
                                   department="市应急管理局", handled_by="值班员", recorded_by=admin))
        if city_out is not None:
            steps.append(ReportingStep(accident=a, level="province", received_at=city_out
                                       + datetime.timedelta(minutes=15), department="省应急管理厅", recorded_by=admin))
        # 续报: the recent accidents have one or two follow-up reports; every accident but those of the
        # last two days has its situation declared stable (so the warning shows only live cases).
        last = plan["reported"]
        if (today - plan["day"]).days <= 60:
            for _n in range(rng.randint(1, 2)):
                last = last + datetime.timedelta(hours=rng.randint(8, 20))
                if last < now:
                    followups.append(FollowUpReport(
                        accident=a, reported_at=last, reported_by=a.reporter_name or "安全负责人",
                        text=rng.choice(["伤员在医院救治，生命体征平稳", "现场已清理，设备已停用待查",
                                         "善后工作有序进行，家属情绪稳定"]), deaths=a.deaths, missing=a.missing,
                        serious_injuries=a.serious_injuries, minor_injuries=a.minor_injuries, recorded_by=admin))
        if (today - plan["day"]).days > 2:
            a.situation_stable_at = min(now, last + datetime.timedelta(hours=rng.randint(2, 10)))
            a.situation_stable_note = "救援结束，现场已得到控制"
        if plan["late"]:
            flags.append(ReportingFlag(accident=a, kind=FlagKind.LATE, is_automatic=True,
                                       note="单位负责人 → 县级政府部门 超过 60 分钟"))
        if rng.random() < 0.08 and a.serious_injuries:
            # A seriously injured person died within the window (补报), counted and re-graded.
            as_of = a.occurred_at + datetime.timedelta(days=rng.randint(1, 6))
            before = {n: getattr(a, n) for n in ("deaths", "missing", "serious_injuries", "minor_injuries",
                                                  "direct_loss_yuan")}
            grade_before = a.grade
            a.deaths += 1
            a.serious_injuries -= 1
            a.grade = grade_for(deaths=a.deaths, missing=a.missing, serious_injuries=a.serious_injuries,
                                direct_loss_yuan=a.direct_loss_yuan, on=plan["day"])[0]
            updates.append(CasualtyUpdate(
                accident=a, as_of=as_of, within_window=True, counted=True, grade_before=grade_before,
                grade_after=a.grade, note="伤者经抢救无效死亡", recorded_by=admin,
                **{f"{n}_before": v for n, v in before.items()},
                deaths=a.deaths, missing=a.missing, serious_injuries=a.serious_injuries,
                minor_injuries=a.minor_injuries, direct_loss_yuan=a.direct_loss_yuan))
        # Every accident is investigated (条例 Chapter III: 一般 ones by the county, which may entrust
        # the unit when nobody was hurt), so none but the newest waits for its investigation.
        if (today - plan["day"]).days > 3:
            started = plan["day"] + datetime.timedelta(days=rng.randint(1, 3))
            inv = Investigation(accident=a, responsible_level=INVESTIGATING_LEVEL_BY_GRADE[AccidentGrade(a.grade)],
                                leader="事故调查组组长", members="应急、公安、人社、工会等部门人员",
                                departments="应急管理局、公安局、人力资源和社会保障局、总工会", started_on=started,
                                report_due_on=report_due_on(a.occurred_at))
            age = (today - plan["day"]).days
            if age > 60:
                inv.report_submitted_on = started + datetime.timedelta(days=rng.randint(30, 55))
                inv.cause, inv.nature = a.preliminary_cause, "生产安全责任事故"
                inv.conclusion = "企业安全生产主体责任不落实"
                inv.approval_deadline = inv.compute_approval_deadline()
                if age > 90:
                    inv.approved_on = inv.report_submitted_on + datetime.timedelta(days=rng.randint(3, 14))
                    a.state = AccidentState.CLOSED
                    if a.enterprise_id and rng.random() < 0.6:
                        closed_cases.append((a, inv.approved_on))
                else:
                    a.state = AccidentState.REPORT_SUBMITTED
            else:
                a.state = AccidentState.INVESTIGATING
            investigations.append(inv)
    ReportingStep.objects.bulk_create(steps, batch_size=1000)
    ReportingFlag.objects.bulk_create(flags, batch_size=1000)
    CasualtyUpdate.objects.bulk_create(updates, batch_size=1000)
    Investigation.objects.bulk_create(investigations, batch_size=1000)
    FollowUpReport.objects.bulk_create(followups, batch_size=1000)
    Accident.objects.bulk_update(accidents, ["deaths", "serious_injuries", "grade", "state", "situation_stable_at",
                                             "situation_stable_note"], batch_size=500)
    # Closed cases: the problems exposed (rectified and verified, or still open) and accountability.
    rectifications, accountabilities = [], []
    for a, approved in closed_cases:
        deadline = approved + datetime.timedelta(days=rng.randint(30, 120))
        done = deadline < today or rng.random() < 0.5
        rectifications.append(AccidentRectification(
            accident=a, problem="安全生产责任制不落实，安全教育培训不到位", measures="修订责任制，开展全员培训并考核",
            responsible_unit=a.enterprise.name[:100], deadline=deadline, created_by=admin,
            state=RectificationState.VERIFIED if done else RectificationState.OPEN,
            rectified_note="已完成" if done else "", listing_level="county" if a.grade != "ordinary" else "",
            listing_unit="区县安委办" if a.grade != "ordinary" else ""))
        measure = rng.choice(["fine", "administrative_sanction", "party_discipline"])
        accountabilities.append(Accountability(
            accident=a, person_name="企业主要负责人", position="总经理", unit=a.enterprise.name[:100], measure=measure,
            fine_yuan=Decimal(rng.randint(5, 50) * 10_000) if measure == "fine" else None,
            decided_on=min(today, approved + datetime.timedelta(days=rng.randint(5, 30))), decided_by_unit="应急管理局",
            recorded_by=admin))
    AccidentRectification.objects.bulk_create(rectifications, batch_size=1000)
    Accountability.objects.bulk_create(accountabilities, batch_size=1000)
    return {"accidents": len(accidents), "reporting_steps": len(steps), "late_flags": len(flags),
            "casualty_updates": len(updates), "investigations": len(investigations), "followups": len(followups),
            "accident_rectifications": len(rectifications), "accountabilities": len(accountabilities)}

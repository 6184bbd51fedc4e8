"""Demo enforcement data for `anjian demo`: for every demo county, enforcement officers with
their certificates (one expired), an expert pool (one expert employed by a demo enterprise, one
unavailable) and declared conflicts — all marked ``is_demo`` and made through the real services
(so events, versions and checks are the product's); this year's plan and a published random draw
of every county's bureau; a handful of administrative cases in different states (a clue, one
under investigation, one awaiting the party's reply, one in legal review, one decided and
published, one closed, one not filed) and a summons, a circular and a draft exposure. Idempotent:
a county (a bureau) that already has its demo records is skipped."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from anjian.core.demo.people import person, phone
from anjian.enterprises.models import Enterprise, Industry
from anjian.orgs.choices import DepartmentKind, Role
from anjian.orgs.models import Department, User
from anjian.orgs.roles import apply_role_group
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

from . import services
from .models import Expert

OFFICERS_PER_COUNTY = 8
EXPERTS = [
    ("高级工程师", "化工工艺安全", "03"), ("注册安全工程师", "机械与特种设备", "0504"),
    ("教授级高级工程师", "建筑施工安全", "0601"), ("高级工程师", "电气安全", "05"),
    ("注册安全工程师", "粉尘防爆", "0504"), ("高级工程师", "有限空间作业", "05"),
]
QUALIFICATIONS = "注册安全工程师；省安全生产专家库成员"


def _officer(county: Region, dept: Department, rng: random.Random, n: int) -> User:
    username = f"officer_{county.code[:6]}_{n}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, name=person(rng), role=Role.REGULATOR, department=dept, scope_region=county,
                    phone=phone(rng), is_demo=True)
        user.set_unusable_password()
        user.save()
        apply_role_group(user)
    return user


@transaction.atomic
def build_demo(seed: int = 0) -> dict:
    """Officers, certificates, experts and conflicts for every demo county; answers the counts."""
    rng = random.Random(seed)
    admin = User.objects.filter(is_demo=True, username="admin").first() or User.objects.filter(
        is_superuser=True).first()
    if admin is None:
        return {}
    today = timezone.localdate()
    made = {"officers": 0, "certificates": 0, "experts": 0, "conflicts": 0}
    industries = {i.code: i for i in Industry.objects.filter(code__in=[e[2] for e in EXPERTS])}
    counties = Region.objects.filter(is_demo=True, level=RegionLevel.COUNTY).order_by("path")
    for county in counties:
        if Expert.objects.filter(region=county, is_demo=True).exists():
            continue
        dept = Department.objects.filter(region=county, kind=DepartmentKind.REGULATOR).first()
        if dept is None:
            continue
        officers = [_officer(county, dept, rng, n) for n in range(OFFICERS_PER_COUNTY)]
        officers += list(User.objects.filter(is_demo=True, username="county_regulator", scope_region=county))
        made["officers"] += len(officers)
        for n, officer in enumerate(officers):
            # One officer's certificate expired last month: they are never drawn.
            expired = n == 1
            services.record_certificate(actor=admin, officer=officer, data={
                "number": f"{county.code[:6]}{officer.pk:06d}", "issuer": f"{county.parent.name}人民政府",
                "issued_on": today - datetime.timedelta(days=rng.randint(400, 1500)),
                "valid_until": today - datetime.timedelta(days=30) if expired else today + datetime.timedelta(
                    days=rng.randint(200, 1200)), "is_demo": True})
            made["certificates"] += 1
        enterprises = list(Enterprise.objects.filter(is_demo=True, region_path__startswith=county.path,
                                                     is_voided=False).order_by("id")[:40])
        for n, (title, specialty, code) in enumerate(EXPERTS):
            employer = enterprises[n * 5] if n in (0, 3) and len(enterprises) > n * 5 else None
            expert = services.create_expert(actor=admin, data={
                "name": person(rng), "title": title, "region": county, "specialties": specialty,
                "qualifications": QUALIFICATIONS, "phone": phone(rng), "is_demo": True,
                "employer": employer, "employer_name": "" if employer else rng.choice(
                    ["省安全生产科学研究院", "市化工设计院", "市建筑科学研究院", "市特种设备检验研究院"])},
                fields=[industries[code]] if code in industries else [])
            made["experts"] += 1
            if n == 4:
                services.mark_expert_unavailable(expert, actor=admin, until=today + datetime.timedelta(days=20),
                                                 reason="参加省级督导检查")
            if n == 1 and enterprises:
                services.declare_conflict(actor=admin, enterprise=enterprises[-1], expert=expert, data={
                    "kind": "service", "reason": "近一年为该企业提供安全评价服务", "is_demo": True})
                made["conflicts"] += 1
        if enterprises:
            services.declare_conflict(actor=admin, enterprise=enterprises[2], officer=officers[0], data={
                "kind": "relative", "reason": "配偶在该企业任安全管理员", "is_demo": True})
            made["conflicts"] += 1
    made.update(_plans(admin, today))
    made.update(_draws(admin, today))
    from . import demo_inspections

    made.update(demo_inspections.build(admin, today, rng))
    made.update(_cases(today))
    return made


# (title, violation code, tier, fine, source, how far the case goes); dates run backwards from
# today so the party's reply periods and the deadlines come out as they would.
CASES = [
    ("未在配电室设置安全警示标志", "SCF-099-1", "lighter", 8_000, "inspection", "pending"),
    ("特种作业人员无证上岗作业", "SCF-097-7", "general", 50_000, "tip", "investigating"),
    ("未对安全设备进行经常性维护保养", "SCF-099-3", "general", 25_000, "inspection", "notified"),
    ("占用、封堵车间疏散通道", "SCF-105-2", "heavier", 0, "inspection", "reviewing"),  # the tier's top
    ("未如实记录安全生产教育培训情况", "SCF-097-4", "general", 60_000, "inspection", "decided"),
    ("未为从业人员提供合格的劳动防护用品", "SCF-099-5", "general", 25_000, "referral", "closed"),
    ("反映企业夜间违规动火作业", "", "", 0, "tip", "not_filed"),
]


def _ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def _case(dept: Department, ent: Enterprise, handler: User, lawyer: User, today: datetime.date, spec) -> None:
    """One demo case of ``dept`` about ``ent``, driven by its officers through the services as
    far as ``spec`` says."""
    from .models import DiscretionTier, Violation

    title, code, tier, fine, source, goal = spec
    found = {"pending": 3, "not_filed": 6}.get(goal, 60)
    case = services.open_case(actor=handler, department=dept, enterprise=ent, data={
        "title": title, "source": source, "discovered_on": _ago(today, found), "is_demo": True,
        "facts": f"执法人员在{ent.name}检查时发现：{title}。"})
    if goal == "pending":
        return
    if goal == "not_filed":
        services.decline_case(case, actor=handler, reason="经核查，举报反映的动火作业已办理审批，不予立案")
        return
    case = services.file_case(case, actor=handler, filed_on=_ago(today, found - 2))
    services.add_party(case, actor=handler, kind="unit", name=ent.name)
    case.refresh_from_db()
    services.add_evidence(case, actor=handler, description="现场检查记录、现场照片和询问笔录")
    case.refresh_from_db()
    if goal == "investigating":
        return
    violation = Violation.objects.get(code=code)
    if not fine:  # the top of the tier's range (a heavy fine: the decision needs the legal review)
        fine = DiscretionTier.objects.get(violation=violation, tier=tier).max_fine
    case = services.set_violations(case, actor=handler, items=[{"violation": violation, "tier": tier, "fine": fine}])
    notified = 2 if goal == "notified" else 40
    case = services.notify_case(case, actor=handler, notified_on=_ago(today, notified))
    if goal == "notified":
        return
    if goal == "reviewing":
        case = services.record_statement(case, actor=handler, statement="当事人提出陈述申辩，称通道已于次日清理，请求从轻处罚",
                                         on=_ago(today, notified - 2))
        services.submit_review(case, actor=handler)
        return
    if goal == "decided":  # a large fine: the legal review comes first
        case = services.record_statement(case, actor=handler, statement="当事人放弃陈述申辩和听证", on=_ago(today, 39))
        case = services.submit_review(case, actor=handler)
        case = services.review_case(case, actor=lawyer, opinion="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当。")
    case = services.decide_case(case, actor=handler, decided_on=_ago(today, 30),
                                decision_text=f"当事人{title}，违反《中华人民共和国安全生产法》相关规定，决定处罚款人民币{fine}元。",
                                public_summary=f"{title}，依法处以罚款。")
    case = services.publish_case(case, actor=handler)
    if goal == "decided":
        return
    case = services.record_execution(case, actor=handler, paid_amount=case.fine_amount, paid_on=_ago(today, 20),
                                     note="当事人已按期足额缴纳罚款")
    services.close_case(case, actor=handler, comment="执行完毕，立卷归档")


def _cases(today: datetime.date) -> dict:
    """The cases and summons of every demo county's bureau, by two of its officers (the handler
    and the legal reviewer, who must differ)."""
    from .models import Admonition, Case

    made = {"cases": 0, "admonitions": 0}
    for dept in Department.objects.filter(is_demo=True, kind=DepartmentKind.REGULATOR,
                                          region__level=RegionLevel.COUNTY).select_related("region"):
        if Case.objects.filter(department=dept, is_demo=True).exists():
            continue
        officers = list(User.objects.filter(is_demo=True, role=Role.REGULATOR, department=dept,
                                            username__startswith="officer_").order_by("username")[:2])
        enterprises = list(Enterprise.objects.filter(is_demo=True, region_path__startswith=dept.region.path,
                                                     is_voided=False, status="operating").order_by("id")[:len(CASES)])
        if len(officers) < 2 or not enterprises:
            continue
        handler, lawyer = officers
        for n, spec in enumerate(CASES):
            _case(dept, enterprises[n % len(enterprises)], handler, lawyer, today, spec)
            made["cases"] += 1
        closed = Case.objects.filter(department=dept, is_demo=True, state="closed").first()
        summons = services.create_admonition(actor=handler, department=dept, data={
            "kind": "summons", "enterprise": closed.enterprise if closed else enterprises[0], "case": closed,
            "title": "约谈企业主要负责人", "held_on": _ago(today, 15), "is_demo": True,
            "summary": "针对劳动防护用品配备不到位等问题约谈企业主要负责人，要求十五日内完成整改并报送整改报告。"})
        services.issue_admonition(summons, actor=handler)
        township = Region.objects.filter(parent=dept.region, level=RegionLevel.TOWNSHIP).order_by("path").first()
        if township is not None:
            circular = services.create_admonition(actor=handler, department=dept, data={
                "kind": "circular", "target_region": township, "title": f"关于{township.name}安全生产检查情况的通报",
                "held_on": _ago(today, 10), "is_demo": True,
                "summary": "专项检查中发现较多疏散通道堵塞问题，予以通报，要求举一反三开展自查。"})
            services.issue_admonition(circular, actor=handler)
        services.create_admonition(actor=handler, department=dept, data={
            "kind": "exposure", "enterprise": enterprises[-1], "title": "曝光一批安全生产违法行为（草稿）",
            "held_on": today, "is_demo": True, "summary": "拟曝光特种作业人员无证上岗等典型违法行为。"})
        made["admonitions"] += Admonition.objects.filter(department=dept, is_demo=True).count()
    return made


def _draws(admin, today) -> dict:
    """One published random draw per demo county from its plan: a tenth of the plan's enterprises
    (at least one), two officers each, one expert for every draw."""
    from .models import EnforcementPlan, RandomDraw

    made = {"draws": 0}
    for plan in EnforcementPlan.objects.filter(is_demo=True, year=today.year).select_related("department"):
        if RandomDraw.objects.filter(plan=plan).exists():
            continue
        size = plan.entries.filter(is_voided=False).count()
        draw = services.make_draw(actor=admin, department=plan.department, data={
            "title": f"{plan.department.name}{today.year}年第一批双随机抽查", "plan": plan,
            "n_enterprises": max(1, size // 10), "officers_per_enterprise": 2, "experts_per_enterprise": 1,
            "inspect_from": today, "inspect_to": today + datetime.timedelta(days=30), "is_demo": True},
            criteria={"plan": plan.pk}, seed=f"demo-{plan.pk}")
        services.publish_draw(draw, actor=admin)
        made["draws"] += 1
    return made


def _plans(admin, today) -> dict:
    """This year's approved plan of every demo county's bureau: the high-risk enterprises as key
    enterprises, the rest of the county too (visits by grade), a fifth of the visits random."""
    from .models import EnforcementPlan

    made = {"plans": 0, "plan_entries": 0}
    for dept in Department.objects.filter(is_demo=True, kind=DepartmentKind.REGULATOR,
                                          region__level=RegionLevel.COUNTY).select_related("region"):
        if EnforcementPlan.objects.filter(department=dept, year=today.year).exists():
            continue
        plan = services.create_plan(actor=admin, department=dept, year=today.year, data={
            "random_share": 20, "coverage_target": 100, "is_demo": True,
            "note": "依据年度安全生产工作要点和重点监管企业清单编制；高危行业企业全部列为重点监管企业。"})
        county = Enterprise.objects.filter(is_demo=True, region_path__startswith=dept.region.path)
        made["plan_entries"] += services.add_enterprises(plan, actor=admin, enterprises=county.filter(high_risk=True),
                                                         is_key=True)
        plan.refresh_from_db()
        made["plan_entries"] += services.add_enterprises(plan, actor=admin, enterprises=county, is_key=False)
        plan.refresh_from_db()
        services.approve_plan(plan, actor=admin, comment="局长办公会审议通过")
        made["plans"] += 1
    return made

"""Demo enforcement data for `anjian demo`: for every demo county, enforcement officers with
their certificates (one expired), an expert pool (one expert employed by a demo enterprise, one
unavailable) and declared conflicts — all marked ``is_demo`` and made through the real services
(so events, versions and checks are the product's). Later phases add plans, draws, inspections
and cases. Idempotent: a county that already has demo experts is skipped."""

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

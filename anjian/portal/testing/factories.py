"""factory-boy factories for every foundation model. Tests build exactly the world they need."""

import datetime
import itertools

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from anjian.enterprises.models import Enterprise, Industry, Supervision
from anjian.enterprises.validators import credit_code_check_char
from anjian.orgs.choices import DepartmentKind, Role
from anjian.orgs.models import Department, User
from anjian.orgs.roles import apply_role_group
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Grid, Region

_codes = itertools.count(1)
_credit = itertools.count(1)
PASSWORD = "Test@pass2026"


def next_region_code(parent: Region | None, level: str) -> str:
    """A fresh 12-digit code nested in the parent's code, like real division codes."""
    n = next(_codes)
    if level == RegionLevel.PROVINCE:
        return f"{10 + n % 89:02d}{n:010d}"[:12]
    base = parent.code
    if level == RegionLevel.CITY:
        return base[:2] + f"{n % 100:02d}" + f"{n:08d}"[-8:]
    if level == RegionLevel.COUNTY:
        return base[:4] + f"{n % 100:02d}" + f"{n:06d}"[-6:]
    if level == RegionLevel.TOWNSHIP:
        return base[:6] + f"{n % 1000:03d}" + f"{n:03d}"[-3:]
    return base[:9] + f"{n % 1000:03d}"


def credit_code() -> str:
    serial = next(_credit)
    first17 = "91330100" + f"{serial:09d}"
    return first17 + credit_code_check_char(first17)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    level = RegionLevel.PROVINCE
    parent = None
    name = factory.Sequence(lambda n: f"区域{n}")
    code = factory.LazyAttribute(lambda o: next_region_code(o.parent, o.level))


def region_chain(*names: str) -> list[Region]:
    """Build province → … down to as many levels as names given; returns the list."""
    levels = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]
    out, parent = [], None
    for name, level in zip(names, levels, strict=False):
        parent = RegionFactory(name=name, level=level, parent=parent)
        out.append(parent)
    return out


class GridFactory(DjangoModelFactory):
    class Meta:
        model = Grid

    code = factory.Sequence(lambda n: f"G{n:06d}")
    name = factory.Sequence(lambda n: f"网格{n}")
    township = factory.SubFactory(RegionFactory, level=RegionLevel.TOWNSHIP)


def industry(code: str = "0504") -> Industry:
    """Reference industries are loaded by migrate; tests pick them by code."""
    return Industry.objects.get(code=code)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"应急管理局{n}")
    kind = DepartmentKind.REGULATOR
    region = factory.SubFactory(RegionFactory)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(credit_code)
    region = factory.SubFactory(RegionFactory, level=RegionLevel.TOWNSHIP)
    industry = factory.LazyFunction(industry)
    employees = 20
    # A flag given explicitly (high_risk=True) is a person's decision; otherwise the flag
    # follows the industry (Enterprise.save).
    high_risk = False
    high_risk_basis = factory.LazyAttribute(lambda o: "manual" if o.high_risk else "industry")


class SupervisionFactory(DjangoModelFactory):
    class Meta:
        model = Supervision

    enterprise = factory.SubFactory(EnterpriseFactory)
    department = factory.SubFactory(DepartmentFactory)
    leader_name = "张领导"
    officer_name = "李监管"
    started_on = datetime.date(2026, 1, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.REGULATOR
    # Hashed before the row is written (one save per user: most tests build eight of them).
    password = factory.LazyFunction(lambda: make_password(PASSWORD))

    @factory.post_generation
    def industries(self, create, extracted, **kwargs):
        if create and extracted:
            self.scope_industries.set(extracted)

    @factory.post_generation
    def role_group(self, create, extracted, **kwargs):
        if create:
            apply_role_group(self)


def make_user(role: str, **scope) -> User:
    """A user of ``role`` with the given scope fields (scope_region / scope_grid / scope_enterprise)."""
    if role == Role.ADMIN:
        scope.setdefault("is_staff", True)
    return UserFactory(role=role, **scope)


# --- standards and hazards ----------------------------------------------------------------

def criterion(code: str = "TEST-01"):
    """A major-hazard criterion (with its document), created once per code."""
    from anjian.standards.models import CriteriaDocument, MajorHazardCriterion

    # applies in every industry (as the fire-safety standard does), so any test enterprise may name it
    doc, _ = CriteriaDocument.objects.get_or_create(code="TEST-DOC", defaults={"title": "测试判定标准",
                                                                               "cross_industry": True})
    crit, _ = MajorHazardCriterion.objects.get_or_create(code=code, defaults={"document": doc,
                                                                              "text": "测试重大隐患判定条款"})
    return crit


COMPLETE_PLAN = {
    "plan_responsible": "张三",
    "plan_measures": "更换泄漏阀门并加装可燃气体报警",
    "plan_funds": 50000,
    "plan_deadline": datetime.date(2030, 1, 31),
    "plan_contingency": "泄漏应急处置方案",
}


def make_hazard(enterprise: Enterprise, actor: User | None = None, *, major: bool = False, **data):
    """Report a hazard through the service (so it is as real as one from the UI)."""
    from anjian.hazards import services

    actor = actor or make_user(Role.ADMIN)
    values = {
        "location": "二车间",
        "description": "配电箱门未关闭，线路裸露",
        "deadline": timezone.localdate() + datetime.timedelta(days=10),
    }
    if major:
        values.update(grade="major", criterion=criterion())
    values.update(data)
    return services.report_hazard(actor=actor, enterprise=enterprise, data=values)


# --- inspections --------------------------------------------------------------------------

def cadence(code: str = "workshop_weekly"):
    """An inspection cadence shipped by migrate (team_daily, workshop_weekly, plant_monthly,
    company_quarterly)."""
    from anjian.inspections.models import InspectionCadence

    return InspectionCadence.objects.get(code=code)


def make_checklist(items: int = 3, *, major: int = 0, industry_code: str | None = None, code: str = ""):
    """A checklist with ``items`` active check items (the first ``major`` of them are
    major-hazard criteria with a criterion) and one inactive item, which records must skip."""
    from anjian.standards.models import CheckItem, Checklist

    code = code or f"CL{next(_codes):06d}"
    checklist = Checklist.objects.create(code=code, name=f"测试检查表{code}",
                                         industry=industry(industry_code) if industry_code else None)
    for i in range(items):
        is_major = i < major
        CheckItem.objects.create(
            checklist=checklist, item_no=f"{i + 1}", content=f"检查项{i + 1}：安全防护装置完好", sort=i + 1,
            basis="《安全生产法》第三十六条", hazard_factor="object" if i % 2 else "management",
            is_major_criterion=is_major, criterion=criterion(f"TEST-{code}-{i}") if is_major else None)
    CheckItem.objects.create(checklist=checklist, item_no="X", content="已停用的检查项", sort=99, is_active=False)
    return checklist


def make_duty(enterprise: Enterprise, actor: User | None = None, *, cadence_code: str = "workshop_weekly",
              **data):
    """An inspection duty created through the service (its current task is scheduled with it)."""
    from anjian.inspections import services

    actor = actor or make_user(Role.ADMIN)
    values = {"name": "车间周查", "cadence": cadence(cadence_code),
              "active_from": timezone.localdate() - datetime.timedelta(days=400)}
    values.update(data)
    return services.create_duty(actor=actor, enterprise=enterprise, data=values)


def pass_recheck(hazard, actor: User | None = None):
    """Record a passed re-check (复查) if ``hazard`` needs one before close-out (found by an
    inspection or under a notice), through the service; answers the hazard as it is now."""
    from anjian.hazards import services
    from anjian.hazards.models import Hazard

    if not services.needs_recheck(hazard):
        return hazard
    services.record_recheck(hazard, actor=actor or make_user(Role.ADMIN), outcome="passed", opinion="经复查，整改合格")
    return Hazard.objects.get(pk=hazard.pk)


DUAL_REPORT_TEXTS = {
    "situation": "储罐区防火堤破损，原因是长期未检查维护",
    "severity_analysis": "可能导致泄漏火灾，需停用储罐并经一定时间治理",
    "treatment_plan": "停用储罐，修复防火堤，完善巡检制度",
}


def make_dual_report(hazard, actor: User, recipient: str = "regulator", reported_on=None, **data):
    """File a hazard report (双报告) of a major hazard through the service, with plausible texts;
    a report to the department goes to the enterprise's supervising department by default."""
    from anjian.hazards import services
    from anjian.hazards.models import Hazard

    values = {**DUAL_REPORT_TEXTS, **data}
    hazard = Hazard.objects.get(pk=hazard.pk)
    return services.record_dual_report(hazard, actor=actor, recipient=recipient,
                                       reported_on=reported_on or datetime.date.today(), **values)

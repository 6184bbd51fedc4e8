"""Demo targets, assessment and rankings for `anjian demo` (示范市): the city committee office's
target-responsibility agreements with its counties for this year (all but one signed), a yearly
scheme with its round open (some counties have assessed themselves), and a monthly ranking of last
month assessed and published with its circular — all through the real services (events, versions,
scores from the demo ledger's figures), marked ``is_demo``. Idempotent: nothing is made when a demo
scheme exists."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.orgs.models import User
from anjian.regions.models import Region

from . import services
from .choices import Method, Part, PeriodKind
from .models import Assessment, AssessmentRound, AssessmentScheme, TargetAgreement

TARGETS = {"hazard_rectification_rate": "95", "major_hazard_rectification_rate": "100",
           "self_inspection_completion": "90", "supervision_coverage": "100", "accidents_change": "-20",
           "deaths_change": "-20", "listing_done_county": "15"}

YEARLY_ITEMS = [
    (Part.RESULT, "hazard_rectification_rate", "20", Method.PROPORTIONAL),
    (Part.RESULT, "major_hazard_rectification_rate", "15", Method.PASS_FAIL),
    (Part.RESULT, "accidents_change", "15", Method.PASS_FAIL),
    (Part.RESULT, "deaths_change", "15", Method.PASS_FAIL),
    (Part.RESULT, "double_elimination", "10", Method.PASS_FAIL),
    (Part.PROCESS, "self_inspection_completion", "10", Method.PROPORTIONAL),
    (Part.PROCESS, "supervision_coverage", "5", Method.PROPORTIONAL),
]
MONTHLY_ITEMS = [
    (Part.RESULT, "hazard_rectification_rate", "40", Method.PROPORTIONAL),
    (Part.PROCESS, "self_inspection_completion", "30", Method.PROPORTIONAL),
    (Part.PROCESS, "inspection_coverage", "30", Method.PROPORTIONAL),
]
WORK_ITEM = "安全生产巡查、约谈和两议一报落实情况"
BONUSES = ["获评省级安全生产标准化示范单位", "开展夜查突查成效明显"]
DEDUCTIONS = ["市级巡查发现问题逾期未整改", "月度报告迟报"]


def _items(scheme: AssessmentScheme, actor, items, manual_points: str | None) -> None:
    for n, (part, code, points, method) in enumerate(items, start=1):
        scheme.refresh_from_db()
        services.add_item(scheme, actor=actor, data={"part": part, "indicator": code, "points": Decimal(points),
                                                     "method": method, "sort": n})
    if manual_points:
        scheme.refresh_from_db()
        services.add_item(scheme, actor=actor, data={"part": Part.PROCESS, "title": WORK_ITEM,
                                                     "points": Decimal(manual_points), "method": Method.MANUAL,
                                                     "sort": 99})
    scheme.refresh_from_db()


def _manual(scheme: AssessmentScheme, rng: random.Random) -> dict:
    return {i.pk: (str(rng.randint(6, 10)), "按季度抽查记录评定") for i in scheme.items.filter(method=Method.MANUAL)}


@transaction.atomic
def build_demo(seed: int = 0, *, today: datetime.date | None = None) -> dict:
    """Build the demo agreements, schemes, rounds and assessments; answers what was made."""
    if AssessmentScheme.objects.filter(is_demo=True).exists():
        return {"assessment schemes": 0}
    office = User.objects.filter(is_demo=True, username="committee_office").select_related("scope_region").first()
    admin = User.objects.filter(is_demo=True, username="admin").first()
    if office is None or admin is None or office.scope_region is None:
        return {"assessment schemes": 0}
    rng = random.Random(seed or 20261207)
    today = today or timezone.localdate()
    city = office.scope_region
    counties = list(Region.objects.filter(parent=city, is_voided=False).order_by("path"))
    # County users (the demo's county regulator) assess their own county; the others through the
    # administrator, who may take every step.
    county_users = {u.scope_region_id: u for u in User.objects.filter(is_demo=True, role="regulator",
                                                                      scope_region__parent=city)}

    agreements = 0
    for n, county in enumerate(counties):
        agreement = services.create_agreement(actor=office, year=today.year, region=county)
        agreement = services.set_targets(agreement, actor=office, targets=TARGETS)
        if n < len(counties) - 1:  # the last one is still a draft, to show the step
            services.sign_agreement(agreement, actor=office, signed_on=datetime.date(today.year, 1, 15))
        agreements += 1
    TargetAgreement.objects.filter(region__in=counties).update(is_demo=True)

    yearly = services.create_scheme(actor=office, region=city, data={
        "name": f"{today.year}年度安全生产目标责任考核", "year": today.year, "period_kind": PeriodKind.YEAR,
        "self_assessment": True, "bonus_cap": Decimal("5"),
        "basis": "自查自评和组织考核相结合、过程考核和结果考核相结合（苏州工业园区2017年安全生产工作要点，示例）"})
    _items(yearly, office, YEARLY_ITEMS, "10")
    year_round = services.open_round(yearly, actor=office)
    for n, a in enumerate(Assessment.objects.filter(round=year_round).order_by("region_path")):
        if n % 2:
            continue  # half the counties have not assessed themselves yet
        actor = county_users.get(a.region_id, admin)
        if n == 0:
            services.add_adjustment(a, actor=actor, kind="bonus", points="2", reason=BONUSES[0])
            a.refresh_from_db()
        services.submit_self(a, actor=actor, manual=_manual(yearly, rng), comment="已按方案逐项自评")

    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    monthly = services.create_scheme(actor=office, region=city, data={
        "name": f"{last_month.year}年月度安全生产工作排名", "year": last_month.year, "period_kind": PeriodKind.MONTH,
        "self_assessment": False, "bonus_cap": Decimal("5")})
    _items(monthly, office, MONTHLY_ITEMS, None)
    month_round = services.open_round(monthly, actor=office, month=last_month.month)
    for n, a in enumerate(Assessment.objects.filter(round=month_round).order_by("region_path")):
        if n == 1:
            services.add_adjustment(a, actor=office, kind="deduction", points="3", reason=DEDUCTIONS[0])
            a.refresh_from_db()
        services.assess(a, actor=office, comment="")
    month_round.refresh_from_db()
    services.publish_round(month_round, actor=office, document_number=f"示安委办〔{today.year}〕{rng.randint(3, 30)}号",
                           remarks="请排名靠后的地区对照问题清单，于本月底前完成整改并书面报告市安委办。")
    AssessmentScheme.objects.filter(pk__in=[yearly.pk, monthly.pk]).update(is_demo=True)
    AssessmentRound.objects.filter(scheme__in=[yearly, monthly]).update(is_demo=True)
    Assessment.objects.filter(round__scheme__in=[yearly, monthly]).update(is_demo=True)
    return {"target agreements": agreements, "assessment schemes": 2,
            "assessments": Assessment.objects.filter(round__scheme__in=[yearly, monthly]).count()}

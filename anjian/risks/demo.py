"""Demo data of this app, built by `anjian demo` after the enterprises, hazards and inspections:
risk points around the demo enterprises (their coordinates, jittered), assessed by LEC or LS,
with control measures, and the generated check items and inspection duties for a few
enterprises. Every row is marked ``is_demo`` (risk points) or belongs to a demo enterprise.

The first enterprises go through the services exactly as users would (events, versions,
assessments with their band snapshots, generated checklists and duties). The rest of the
city gets its risk points written in bulk — levels computed by the same evaluator — so the
risk map shows a whole city without the demo taking minutes.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.orgs.models import User
from anjian.standards.models import AccidentType, HazardFactorClass

from . import evaluation, services
from .models import RiskAssessment, RiskPoint, RiskProfile

# (name, kind, department, hazard factor codes, accident type codes (1986), measures)
POINTS = [
    ("配电室", "site", "动力车间", ["21", "43"], ["05", "08"],
     [("配电室门常闭上锁，非电工禁止入内", "post", "management"), ("每周检测接地电阻并记录", "workshop", "engineering")]),
    ("冲压生产线", "installation", "一车间", ["21", "12"], ["03"],
     [("双手操作按钮与光电保护装置每班点检", "team", "engineering"), ("冲压工持证上岗并每年复训", "company", "training")]),
    ("危险化学品仓库", "site", "仓储部", ["22", "43"], ["08", "19", "18"],
     [("分类分区存放，禁忌物隔离", "workshop", "management"), ("可燃气体报警器每班巡检", "team", "engineering"),
      ("配备防毒面具和应急处置器材", "post", "ppe")]),
    ("有限空间作业", "activity", "环保车间", ["12", "33"], ["19"],
     [("执行先通风、再检测、后作业", "team", "management"), ("作业审批和专人监护", "workshop", "management")]),
    ("行车吊装作业", "activity", "装配车间", ["21", "12"], ["04", "01"],
     [("吊索具每日检查，报废标准上墙", "team", "engineering"), ("起重指挥持证上岗", "company", "training")]),
    ("锅炉房", "installation", "动力车间", ["21", "22"], ["16", "07"],
     [("压力表、安全阀定期校验", "workshop", "engineering"), ("司炉工每两小时巡检", "post", "management")]),
    ("喷漆房", "site", "涂装车间", ["22", "31"], ["08", "18", "19"],
     [("通风设施与喷漆设备联锁", "workshop", "engineering"), ("作业人员佩戴防毒口罩", "post", "ppe")]),
    ("厂内机动车辆", "activity", "物流部", ["12", "32"], ["02"],
     [("叉车限速 5 km/h，司机持证", "team", "management")]),
    ("高处作业平台", "site", "维修班", ["12", "32"], ["09"],
     [("临边防护栏完好，作业系安全带", "team", "ppe"), ("高处作业审批", "workshop", "management")]),
    ("粉尘除尘系统", "installation", "打磨车间", ["22", "21"], ["18", "08"],
     [("除尘器泄爆装置完好，每班清灰记录", "team", "engineering"), ("粉尘爆炸应急演练每半年一次", "company", "emergency")]),
]
LEC_L = [10, 6, 3, 1, 0.5]
LEC_E = [10, 6, 3, 2, 1]
LEC_C = [100, 40, 15, 7, 3, 1]
SERVICE_ENTERPRISES = 30
GENERATED_FOR = 6
BULK_POINTS_PER_ENTERPRISE = 2


def _jitter(rng: random.Random, value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value) + Decimal(str(round(rng.uniform(-0.004, 0.004), 6)))).quantize(Decimal("0.000001"))


def _inputs(rng: random.Random, method: str) -> dict:
    if method == "lec":
        return {"l": rng.choice(LEC_L), "e": rng.choice(LEC_E), "c": rng.choice(LEC_C)}
    return {"l": rng.randint(1, 5), "s": rng.randint(1, 5)}


def build_demo(seed: int = 0) -> dict:
    """Risk points, assessments, measures, generated checks and grades for the demo city;
    answers counts for the demo command's summary."""
    rng = random.Random(seed)
    admin = User.objects.filter(is_demo=True, username="admin").first() or User.objects.filter(
        is_superuser=True).first()
    enterprises = list(Enterprise.objects.filter(is_demo=True, is_voided=False).order_by("pk"))
    if not enterprises or admin is None:
        return {"risk_points": 0}
    factors = {f.code: f for f in HazardFactorClass.objects.all()}
    types = {t.code: t for t in AccidentType.objects.filter(scheme="GB6441-1986")}
    made = measures = generated = 0
    with transaction.atomic():
        for ent in enterprises[:SERVICE_ENTERPRISES]:
            for name, kind, dept, fcodes, tcodes, ms in rng.sample(POINTS, rng.randint(3, 5)):
                point = services.create_risk_point(actor=admin, enterprise=ent, data={
                    "name": name, "kind": kind, "department": dept, "location": f"{ent.name[:12]}{dept}",
                    "longitude": _jitter(rng, ent.longitude), "latitude": _jitter(rng, ent.latitude),
                    "responsible_name": ent.safety_manager_name or "安全员", "responsible_phone":
                        ent.safety_manager_phone, "emergency_measures": "立即停止作业，撤离人员，报告值班领导；"
                                                                         "火灾时拨打 119，受伤拨打 120。",
                    "hazard_factors": [factors[c] for c in fcodes if c in factors],
                    "accident_types": [types[c] for c in tcodes if c in types], "is_demo": True})
                method = rng.choice(["lec", "lec", "ls"])
                services.assess_risk_point(point, actor=admin, method=method, inputs=_inputs(rng, method),
                                           note="演示数据")
                for content, level, mtype in ms:
                    services.create_measure(point, actor=admin, data={
                        "content": content, "control_level": level, "measure_type": mtype,
                        "owner_name": ent.safety_manager_name or ""})
                    measures += 1
                made += 1
        operating = [e for e in enterprises[:SERVICE_ENTERPRISES] if e.status == "operating"]
        for ent in operating[:GENERATED_FOR]:
            services.generate_check_items(ent, actor=admin)
            generated += 1
    made += _bulk_points(rng, enterprises[SERVICE_ENTERPRISES:], admin)
    services.refresh_all_enterprise_grades()
    return {"risk_points": made, "control_measures": measures, "risk_checklists_generated_for": generated}


def _bulk_points(rng: random.Random, enterprises: list[Enterprise], admin) -> int:
    """The rest of the city: risk points with one assessment each, written in bulk."""
    profiles = {p.code: p for p in RiskProfile.objects.all()}
    now = timezone.now()
    points, pending = [], []
    for ent in enterprises:
        for name, kind, dept, _f, _t, _m in rng.sample(POINTS, BULK_POINTS_PER_ENTERPRISE):
            method = rng.choice(["lec", "lec", "ls"])
            result = evaluation.evaluate(method, _inputs(rng, method))
            points.append(RiskPoint(
                enterprise=ent, region_path=ent.region_path, industry_id=ent.industry_id, grid_id=ent.grid_id,
                name=name, kind=kind, department=dept, location=dept, longitude=_jitter(rng, ent.longitude),
                latitude=_jitter(rng, ent.latitude), responsible_name=ent.safety_manager_name or "安全员",
                level=result.level, score=result.score, method=method, profile=profiles[result.profile.code],
                last_assessed_at=now, is_demo=True, created_by=admin))
            pending.append(result)
    with transaction.atomic():
        RiskPoint.objects.bulk_create(points, batch_size=2000)
        RiskAssessment.objects.bulk_create([RiskAssessment(
            risk_point=p, method=r.method, inputs={k: evaluation.format_number(v) for k, v in r.inputs.items()},
            score=r.score, level=r.level, profile=profiles[r.profile.code], profile_code=r.profile.code,
            bands=r.profile.snapshot(), assessed_by=admin, assessed_at=now, note="演示数据（批量）")
            for p, r in zip(points, pending, strict=True)], batch_size=2000)
    return len(points)

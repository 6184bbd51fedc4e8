"""Demo major hazard sources for `anjian demo`: tank farms, warehouses and production units at
the demo hazardous-chemical enterprises (industry codes under "03"), with realistic chemicals,
the three responsible persons and some of their checks — all marked ``is_demo`` and registered
through the real services (so evaluations, events and versions are what the product makes).
Idempotent: enterprises that already have demo sources are skipped."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.orgs.models import User

from . import services
from .models import MajorHazardSource

# (name, unit kind, population within 500 m, [(substance spec), …])
UNITS = [
    ("液氯储罐区", "storage", 120, [{"name": "液氯", "cas": "7782-50-5", "quantity_t": 60}]),
    ("液氨储罐区", "storage", 45, [{"name": "液氨", "cas": "7664-41-7", "quantity_t": 150}]),
    ("甲醇罐区", "storage", 20, [{"name": "甲醇", "cas": "67-56-1", "quantity_t": 2400},
                               {"name": "乙醇", "cas": "64-17-5", "quantity_t": 600}]),
    ("合成氨装置", "production", 80, [{"name": "氢", "quantity_t": 8}, {"name": "氨", "quantity_t": 40},
                                 {"name": "一氧化碳", "quantity_t": 12}]),
    ("液化石油气球罐区", "storage", 150, [{"name": "液化石油气", "cas": "68476-85-7", "quantity_t": 800}]),
    ("苯乙烯罐区", "storage", 0, [{"name": "苯乙烯", "cas": "100-42-5", "quantity_t": 900},
                               {"name": "苯", "cas": "71-43-2", "quantity_t": 120}]),
    ("危化品甲类仓库", "storage", 35, [{"name": "过氧化氢溶液(27.5%)", "hazard_class": "W9.2", "quantity_t": 150},
                                  {"name": "硝酸", "cas": "7697-37-2", "quantity_t": 60}]),
    ("氯乙烯聚合装置", "production", 60, [{"name": "氯乙烯", "cas": "75-01-4", "quantity_t": 70}]),
    ("溶剂中间罐区", "storage", 10, [{"name": "混合溶剂", "hazard_class": "W5.3", "quantity_t": 400},
                                {"name": "甲苯", "quantity_t": 100}]),
]
PEOPLE = ["王建国", "李明", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄强", "周涛", "吴敏", "徐磊", "孙丽"]


@transaction.atomic
def build_demo(seed: int = 0) -> dict:
    """Register demo sources at up to six demo chemical enterprises; answers counts made."""
    rng = random.Random(seed)
    admin = User.objects.filter(is_demo=True, username="admin").first() or User.objects.filter(
        is_superuser=True).first()
    if admin is None:
        return {}
    enterprises = list(Enterprise.objects.filter(is_demo=True, is_voided=False, industry__code__startswith="03")
                       .exclude(industry__code__in=["0303", "0305"]).order_by("id")[:6])
    today = timezone.localdate()
    quarter_start = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    made = {"major_hazard_sources": 0, "major_hazard_checks": 0}
    units = iter(rng.sample(UNITS, len(UNITS)) * 2)
    for n, ent in enumerate(enterprises):
        if MajorHazardSource.objects.filter(enterprise=ent, is_demo=True).exists():
            continue
        for k in range(1 + (n % 2)):
            name, kind, population, subs = next(units)
            source = services.create_source(
                actor=admin, enterprise=ent, data={"name": name, "unit_kind": kind, "population_500m": population,
                                                   "address": f"{ent.address or ent.name} {name}",
                                                   "description": "演示数据", "is_demo": True},
                substances=[dict(s) for s in subs])
            made["major_hazard_sources"] += 1
            names = rng.sample(PEOPLE, 3)
            roles = [("principal", "总经理"), ("technical", "技术总监"), ("operational", "车间主任")]
            # Leave one source short of its operational person, so the warning shows in the demo.
            if n == 1 and k == 0:
                roles = roles[:2]
            # Each step moves the source's version on: go on with the copy it answers (the new
            # record's source), as a page would reload, or the next step is a stale write (409).
            for (role, position), person in zip(roles, names, strict=False):
                source = services.appoint_person(source, actor=admin, data={
                    "role": role, "name": person, "position": position, "phone": f"138{rng.randrange(10**8):08d}",
                    "appointed_on": today - datetime.timedelta(days=rng.randint(200, 900))}).source
            # Technical checks: last quarter for all; this quarter for most (one is left overdue).
            source = services.record_check(source, actor=admin, data={
                "role": "technical", "checked_on": quarter_start - datetime.timedelta(days=rng.randint(5, 60)),
                "findings": "储罐液位计、可燃气体报警器检查正常"}).source
            made["major_hazard_checks"] += 1
            if (n + k) % 3 and today > quarter_start:
                services.record_check(source, actor=admin, data={
                    "role": "technical", "checked_on": min(today, quarter_start + datetime.timedelta(days=10)),
                    "findings": "安全阀校验在有效期内；紧急切断阀联锁测试合格"})
                made["major_hazard_checks"] += 1
    return made

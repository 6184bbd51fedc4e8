"""Demo emergency preparedness for `anjian demo`: in each demo county a few enterprises with a
comprehensive plan filed by the county's regulator, an on-site plan published but not filed (a
filing warning), a drill held with a problem found, teams, supplies (one expired) and a
disposal card; and per county the regulator's duty roster and duty log — all through the real
services, marked ``is_demo``. Idempotent: nothing is made when demo plans exist."""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import User

from . import services
from .choices import LogCategory, PlanKind, RevisionTrigger, SupplyCategory, TeamKind
from .models import EmergencyPlan

PDF = b"%PDF-1.4\n% demo emergency plan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PER_COUNTY = 4


def _doc(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


@transaction.atomic
def build_demo(seed: int = 0) -> dict:
    if EmergencyPlan.objects.filter(is_demo=True).exists():
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    regulators = {u.scope_region.path: u for u in User.objects.filter(
        role=Role.REGULATOR, is_demo=True, scope_region__isnull=False).select_related("scope_region")}
    made = dict.fromkeys(("plans", "drills", "problems", "teams", "supplies", "cards", "shifts", "log"), 0)
    enterprises = list(Enterprise.objects.filter(is_demo=True, is_voided=False).select_related("region")
                       .order_by("pk"))
    for path, reg in sorted(regulators.items()):
        county = [e for e in enterprises if e.region_path.startswith(path)]
        for ent in rng.sample(county, min(PER_COUNTY, len(county))):
            published = today - datetime.timedelta(days=rng.randint(60, 400))
            main = services.create_plan(actor=reg, enterprise=ent, data={
                "kind": PlanKind.COMPREHENSIVE, "title": f"{ent.name}生产安全事故综合应急预案",
                "scope": "火灾、爆炸、中毒窒息等事故的应急响应", "is_demo": True}, files=[_doc("综合应急预案.pdf")])
            main = services.publish_plan(main, actor=reg, approved_by_name=ent.principal_name or "张厂长",
                                         published_on=published)
            main = services.submit_plan(main, actor=reg, submitted_on=published + datetime.timedelta(days=7))
            services.accept_filing(main, actor=reg, filing_number=f"（示范）应急备〔{today.year}〕{ent.pk}号",
                                   filed_on=published + datetime.timedelta(days=10))
            onsite = services.create_plan(actor=reg, enterprise=ent, data={
                "kind": PlanKind.ONSITE, "title": "配电室触电现场处置方案", "is_demo": True},
                files=[_doc("现场处置方案.pdf")])
            onsite = services.publish_plan(onsite, actor=reg, approved_by_name=ent.principal_name or "张厂长",
                                           published_on=today - datetime.timedelta(days=rng.randint(35, 90)))
            made["plans"] += 2
            drill = services.record_drill(actor=reg, enterprise=ent, held_on=today - datetime.timedelta(
                days=rng.randint(5, 150)), data={"kind": PlanKind.COMPREHENSIVE, "form": "practical",
                                                 "scenario": "仓库火灾，疏散员工并组织初期扑救",
                                                 "participants": "安全科、生产车间、义务消防队", "participant_count": 35,
                                                 "evaluation": "响应迅速，疏散有序；通讯联络不畅。", "is_demo": True})
            services.create_drill(actor=reg, enterprise=ent, data={
                "plan": EmergencyPlan.objects.get(pk=onsite.pk), "kind": PlanKind.ONSITE, "form": "tabletop",
                "scenario": "配电室人员触电", "planned_on": today + datetime.timedelta(days=rng.randint(10, 60)),
                "is_demo": True})
            made["drills"] += 2
            # left for the user to raise as a hazard (the hazard ledger's demo keeps its own findings)
            services.add_problem(drill, actor=reg, description="应急广播在仓库区听不清", needs_revision=False)
            made["problems"] += 1
            if rng.random() < 0.5:
                services.require_revision(EmergencyPlan.objects.get(pk=main.pk), actor=reg,
                                          trigger=RevisionTrigger.CHANGE, reason="新增危险化学品仓库，风险发生变化",
                                          day=today - datetime.timedelta(days=rng.randint(10, 120)))
            services.create_team(actor=reg, enterprise=ent, data={
                "name": "义务消防队", "kind": TeamKind.PART_TIME, "leader": "李队长", "phone": "13800000000",
                "members": 12, "specialty": "初期火灾扑救", "is_demo": True})
            services.create_supply(actor=reg, enterprise=ent, data={
                "category": SupplyCategory.SUPPLY, "name": "正压式空气呼吸器", "unit": "套", "quantity": 4,
                "minimum_quantity": 4, "storage_place": "应急物资柜", "keeper": "王保管",
                "expires_on": today - datetime.timedelta(days=rng.randint(1, 60)), "is_demo": True})
            services.create_supply(actor=reg, enterprise=ent, data={
                "category": SupplyCategory.EQUIPMENT, "name": "干粉灭火器", "unit": "具", "quantity": 20,
                "minimum_quantity": 30, "storage_place": "各车间", "is_demo": True})
            services.create_card(actor=reg, enterprise=ent, data={
                "post": "配电室", "risks": "触电、电气火灾", "steps": "1. 立即切断电源；\n2. 用绝缘物使触电者脱离电源；\n"
                "3. 进行心肺复苏并拨打120。", "reporting": "立即报告当班班长和安全科", "contacts": "安全科 0000-0000000",
                "is_demo": True})
            made["teams"] += 1
            made["supplies"] += 2
            made["cards"] += 1
        region = reg.scope_region
        services.create_team(actor=reg, region=region, data={
            "name": f"{region.name}应急救援大队", "kind": TeamKind.FULL_TIME, "leader": "赵大队长",
            "phone": "0000-119", "members": 40, "specialty": "综合救援", "is_demo": True})
        services.create_supply(actor=reg, region=region, data={
            "category": SupplyCategory.SUPPLY, "name": "救灾帐篷", "unit": "顶", "quantity": 200, "minimum_quantity": 100,
            "storage_place": f"{region.name}应急物资储备库", "is_demo": True})
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8, 30)))
        shifts = [services.schedule_shift(actor=reg, region=region, data={
            "starts_at": start + datetime.timedelta(days=d), "ends_at": start + datetime.timedelta(days=d + 1),
            "leader": "刘局长", "officer": name, "phone": "0000-12350", "is_demo": True})
            for d, name in ((-1, "陈值班"), (0, "周值班"), (1, "吴值班"))]
        services.hand_over(services.start_shift(shifts[0], actor=reg), actor=reg, note="无待办事项", to="周值班")
        services.start_shift(shifts[1], actor=reg)
        services.log_information(actor=reg, region=region, data={
            "received_at": timezone.now() - datetime.timedelta(hours=3), "category": LogCategory.INSTRUCTION,
            "reporter": "市应急管理局", "summary": "转发暴雨蓝色预警，请做好防范", "shift": shifts[1], "is_demo": True})
        made["teams"] += 1
        made["supplies"] += 1
        made["shifts"] += 3
        made["log"] += 1
    return made

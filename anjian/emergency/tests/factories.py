"""Records of the emergency app for tests, made through the services (as the product makes them)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.emergency import services
from anjian.emergency.choices import LogCategory, PlanKind, SupplyCategory, TeamKind
from anjian.emergency.models import (
    DisposalCard,
    Drill,
    DutyLogEntry,
    DutyShift,
    EmergencyPlan,
    RescueTeam,
    Supply,
)
from anjian.orgs.choices import Role

PDF = b"%PDF-1.4\n% test plan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def document(name: str = "预案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def actor(world, role: str = Role.REGULATOR):
    return world.users[role]


def plan(world, enterprise, *, kind: str = PlanKind.COMPREHENSIVE, published_on: datetime.date | None = None,
         publish: bool = True, who=None) -> EmergencyPlan:
    """A plan with its document, published on ``published_on`` (today) unless told otherwise."""
    who = who or actor(world)
    found = services.create_plan(actor=who, enterprise=enterprise, data={
        "kind": kind, "title": f"{PlanKind(kind).label}测试预案", "scope": "火灾、中毒"}, files=[document()])
    if publish:
        found = services.publish_plan(found, actor=who, approved_by_name="张厂长",
                                      published_on=published_on or timezone.localdate())
    return EmergencyPlan.objects.get(pk=found.pk)


def held_drill(world, enterprise, *, kind: str = PlanKind.COMPREHENSIVE, plan_: EmergencyPlan | None = None,
               held_on: datetime.date | None = None, who=None) -> Drill:
    return services.record_drill(actor=who or actor(world), enterprise=enterprise, held_on=held_on, data={
        "kind": kind, "plan": plan_, "scenario": "仓库火灾", "participant_count": 20, "evaluation": "总体有序"})


def supply(world, enterprise=None, *, region=None, expires_on=None, quantity: int = 5, minimum: int = 0) -> Supply:
    return services.create_supply(actor=actor(world), enterprise=enterprise, region=region, data={
        "category": SupplyCategory.SUPPLY, "name": "空气呼吸器", "unit": "套", "quantity": quantity,
        "minimum_quantity": minimum, "storage_place": "应急物资柜", "expires_on": expires_on})


def card(world, enterprise) -> DisposalCard:
    return services.create_card(actor=actor(world), enterprise=enterprise, data={
        "post": "配电室", "risks": "触电", "steps": "1. 切断电源\n2. 心肺复苏", "contacts": "安全科 12345"})


def shift(world, region=None) -> DutyShift:
    start = timezone.now().replace(microsecond=0)
    return services.schedule_shift(actor=actor(world), region=region or world.county_a, data={
        "starts_at": start, "ends_at": start + datetime.timedelta(hours=24), "leader": "刘局长", "officer": "陈值班",
        "phone": "12350"})


def log_entry(world, region=None) -> DutyLogEntry:
    return services.log_information(actor=actor(world), region=region or world.county_a, data={
        "received_at": timezone.now() - datetime.timedelta(hours=1), "category": LogCategory.ACCIDENT,
        "reporter": "某厂安全科", "summary": "车间发生机械伤害"})


def walk_records(world, ent) -> dict:
    """One record of every model the emergency routes name, for the route walk
    (portal/tests/test_scoping_walk.py). Duty records are the county's (the same for both
    enterprises); the team is the enterprise's."""
    found = plan(world, ent)
    drill = held_drill(world, ent, plan_=found)
    team = services.create_team(actor=actor(world), enterprise=ent, data={
        "name": "义务消防队", "kind": TeamKind.PART_TIME, "leader": "李队长", "phone": "13800000000"})
    from anjian.emergency.models import EmergencyParameter

    return {"emergency.EmergencyPlan": found, "emergency.Drill": drill, "emergency.RescueTeam": RescueTeam.objects.get(
        pk=team.pk), "emergency.Supply": supply(world, ent), "emergency.DisposalCard": card(world, ent),
        "emergency.DutyShift": shift(world), "emergency.DutyLogEntry": log_entry(world),
        "emergency.EmergencyParameter": EmergencyParameter.objects.order_by("pk").first()}

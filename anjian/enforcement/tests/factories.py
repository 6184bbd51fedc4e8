"""Builders of enforcement records for tests (this app's and the portal's route walk), through the
services as the product builds them."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role

from .. import services
from ..models import Violation


def make_expert(world, actor=None, *, name: str = "王专家", region=None, employer=None, **data):
    actor = actor or world.users[Role.REGULATOR]
    return services.create_expert(actor=actor, data={"name": name, "region": region or world.county_a,
                                                     "employer": employer, **data})


def make_certificate(officer, actor, *, number: str = "", issued_on=None, valid_until=None):
    today = timezone.localdate()
    return services.record_certificate(actor=actor, officer=officer, data={
        "number": number or f"ZF-{officer.pk:06d}", "issuer": "测试市人民政府",
        "issued_on": issued_on or today - datetime.timedelta(days=365),
        "valid_until": valid_until if valid_until is not None else today + datetime.timedelta(days=365)})


def walk_records(world, ent, ent_user) -> dict[str, Any]:
    """One record of each enforcement model about ``ent`` (for the route walk)."""
    admin, regulator = world.users[Role.ADMIN], world.users[Role.REGULATOR]
    made: dict[str, Any] = {}
    made["enforcement.Expert"] = make_expert(world, admin, name=f"专家{ent.pk}", employer=ent)
    made["enforcement.EnforcementCertificate"] = make_certificate(regulator, admin, number=f"ZF-W-{ent.pk}")
    made["enforcement.ConflictDeclaration"] = services.declare_conflict(
        actor=admin, enterprise=ent, officer=regulator, data={"kind": "relative", "reason": "亲属在该企业任职"})
    plan = make_plan(world, admin, year=timezone.localdate().year, title=f"计划{ent.pk}",
                     department=world.dept_a if ent == world.ent_a else make_department(world))
    services.add_enterprises(plan, actor=admin, enterprises=Enterprise.objects.filter(pk=ent.pk))
    made["enforcement.EnforcementPlan"] = plan
    made["enforcement.PlanEntry"] = plan.entries.get()
    draw = services.make_draw(actor=admin, department=world.dept_a, data={"n_enterprises": 1},
                              criteria={"plan": plan.pk, "officers_from_department": False})
    made["enforcement.RandomDraw"] = draw
    made["enforcement.DrawEntry"] = draw.entries.get()
    case = make_case(world, admin, enterprise=ent, title=f"案件{ent.pk}")
    made["enforcement.Case"] = case
    made["enforcement.Violation"] = Violation.objects.order_by("pk").first()
    made["enforcement.Admonition"] = services.create_admonition(actor=admin, department=world.dept_a, data={
        "kind": "summons", "enterprise": ent, "title": f"约谈{ent.pk}", "held_on": timezone.localdate()})
    from .factories_inspections import walk_inspection_records

    made.update(walk_inspection_records(world, ent))
    return made


def make_department(world, name: str = "甲区住房和城乡建设局"):
    from anjian.orgs.choices import DepartmentKind
    from anjian.portal.testing.factories import DepartmentFactory

    return DepartmentFactory(name=name, region=world.county_a, kind=DepartmentKind.INDUSTRY)


def make_plan(world, actor=None, *, department=None, year: int | None = None, **data):
    actor = actor or world.users[Role.REGULATOR]
    return services.create_plan(actor=actor, department=department or world.dept_a,
                                year=year or timezone.localdate().year, data=data)


def make_case(world, actor=None, *, enterprise=None, department=None, **data):
    """A clue awaiting filing about county A's enterprise, registered by county A's regulator."""
    actor = actor or world.users[Role.REGULATOR]
    data.setdefault("title", "未设置安全警示标志")
    data.setdefault("discovered_on", timezone.localdate())
    return services.open_case(actor=actor, department=department or world.dept_a,
                              enterprise=enterprise or world.ent_a, data=data)

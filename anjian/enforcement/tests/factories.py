"""Builders of enforcement records for tests (this app's and the portal's route walk), through the
services as the product builds them."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anjian.orgs.choices import Role

from .. import services


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
    return made

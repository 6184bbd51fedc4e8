"""Test helpers of the risks app: risk points made through the services (as users do)."""

from __future__ import annotations

from decimal import Decimal

from anjian.orgs.choices import Role
from anjian.risks import services
from anjian.standards.models import AccidentType, HazardFactorClass


def make_point(world, enterprise=None, *, actor=None, **data):
    enterprise = enterprise or world.ent_a
    actor = actor or world.users[Role.ADMIN]
    payload = {"name": "液氨储罐区", "kind": "installation", "location": "东厂区", "responsible_name": "张三",
               "responsible_phone": "13800000000", "longitude": Decimal("116.400000"),
               "latitude": Decimal("39.900000"), "emergency_measures": "立即撤离，关闭阀门",
               "hazard_factors": list(HazardFactorClass.objects.filter(code__in=["21", "22"])),
               "accident_types": list(AccidentType.objects.filter(scheme="GB6441-1986", code__in=["08", "19"]))}
    payload.update(data)
    return services.create_risk_point(actor=actor, enterprise=enterprise, data=payload)


def assess(world, point, method="lec", *, actor=None, profile=None, **inputs):
    """Assess ``point``; the assessment moves the point's version on, so the caller's copy is
    brought up to date (as a page reloads) and can take the next step."""
    inputs = inputs or ({"l": 3, "e": 6, "c": 15} if method == "lec" else {"l": 4, "s": 5})
    assessment = services.assess_risk_point(point, actor=actor or world.users[Role.ADMIN], method=method,
                                            inputs=inputs, profile_code=profile)
    point.refresh_from_db()
    return assessment

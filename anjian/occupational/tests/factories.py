"""Records of the occupational-health app for tests, made through the services (as the product
makes them)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from anjian.occupational import services
from anjian.occupational.models import (
    Declaration,
    Detection,
    DetectionResult,
    Examination,
    Exposure,
    HazardFactor,
    ProtectiveIssue,
    Training,
)
from anjian.orgs.choices import Role


def factor(code: str = "P01") -> HazardFactor:
    return HazardFactor.objects.get(code=code)


def regulator(world):
    return world.users[Role.REGULATOR]


def exposure(world, enterprise, *, actor=None, workers: int = 12, code: str = "P01") -> Exposure:
    return services.record_entry(Exposure, actor=actor or regulator(world), enterprise=enterprise, data={
        "workplace": "冲压车间", "post": "冲压工", "factor": factor(code), "exposed_workers": workers})


def declaration(world, enterprise, *, actor=None, level: str = "general", accept: bool = False,
                declared_on: datetime.date | None = None) -> Declaration:
    decl = services.record_entry(Declaration, actor=actor or regulator(world), enterprise=enterprise,
                                 data={"kind": "initial", "hazard_level": level, "principal": "张经理",
                                       "declared_on": declared_on or timezone.localdate(), "exposed_workers": 12,
                                       "content": "冲压车间冲压工：噪声"})
    if accept:
        decl = services.accept_declaration(decl, actor=regulator(world))
    return Declaration.objects.get(pk=decl.pk)


def detection(world, enterprise, *, performed_on: datetime.date | None = None, kind: str = "detection",
              actor=None) -> Detection:
    return services.record_entry(Detection, actor=actor or regulator(world), enterprise=enterprise, data={
        "kind": kind, "performed_on": performed_on or timezone.localdate(), "service_body": "某职业卫生技术服务公司",
        "report_number": f"ZJ-{kind}-{performed_on or ''}"})


def result(world, det: Detection, *, measured: str = "92", limit: str = "85", actor=None) -> DetectionResult:
    det = Detection.objects.get(pk=det.pk)
    return services.add_result(det, actor=actor or regulator(world), data={
        "point": "冲压工岗位", "factor": factor(), "measured": Decimal(measured), "limit": Decimal(limit),
        "unit": "dB(A)"})


def examination(world, enterprise, *, result_: str = "normal", actor=None) -> Examination:
    return services.record_entry(Examination, actor=actor or regulator(world), enterprise=enterprise, data={
        "worker": "李四", "post": "冲压工", "kind": "on_post", "examined_on": timezone.localdate(),
        "institution": "区职业病防治院", "result": result_})


def walk_records(world, ent) -> dict:
    """One record of every model the occupational routes name, for the route walk
    (portal/tests/test_scoping_walk.py)."""
    det = detection(world, ent)
    res = result(world, det)
    return {
        "occupational.Exposure": exposure(world, ent),
        "occupational.Declaration": declaration(world, ent, actor=regulator(world)),
        "occupational.Detection": Detection.objects.get(pk=det.pk),
        "occupational.DetectionResult": res,
        "occupational.Examination": examination(world, ent, result_="suspected"),
        "occupational.Training": services.record_entry(Training, actor=regulator(world), enterprise=ent, data={
            "role": "worker", "topic": "岗前职业卫生培训", "trained_on": timezone.localdate(), "hours": Decimal(8),
            "trainees": 12}),
        "occupational.ProtectiveIssue": services.record_entry(ProtectiveIssue, actor=regulator(world), enterprise=ent,
                                                              data={"item": "防噪声耳塞", "post": "冲压工",
                                                                    "quantity": 24,
                                                                    "issued_on": timezone.localdate()}),
        "occupational.HazardFactor": factor(),
    }

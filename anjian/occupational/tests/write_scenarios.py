"""The occupational-health write services, each called outside any transaction on PostgreSQL by a
scenario (``portal/tests/test_write_services_postgres.py`` collects this module). County A's
regulator records on a fresh enterprise of county A; the service under test is the last one called
and its writes are asserted."""

from __future__ import annotations

from decimal import Decimal

from anjian.hazards.models import Hazard
from anjian.occupational import services
from anjian.occupational.models import (
    Declaration,
    Detection,
    DetectionResult,
    Examination,
    Exposure,
    HazardFactor,
)
from anjian.portal.testing.write_services import Run, event_actions, scenario

READ_ONLY = {"occupational.machine_of"}


def declared(run: Run) -> Declaration:
    return run.call(services.record_entry, Declaration, actor=run.regulator, enterprise=run.enterprise(), data={
        "kind": "initial", "hazard_level": "general", "declared_on": run.today, "principal": "张经理",
        "exposed_workers": 10, "content": "冲压车间：噪声"})


def detected(run: Run) -> Detection:
    return run.call(services.record_entry, Detection, actor=run.regulator, enterprise=run.enterprise(), data={
        "kind": "detection", "performed_on": run.today, "service_body": "某职业卫生技术服务公司",
        "report_number": "ZJ-PG-1"})


def over(run: Run) -> DetectionResult:
    return run.call(services.add_result, detected(run), actor=run.regulator, data={
        "point": "冲压工岗位", "factor": HazardFactor.objects.get(code="P01"), "measured": Decimal("92"),
        "limit": Decimal("85"), "unit": "dB(A)"})


@scenario("occupational.record_entry")
def _(run: Run):
    row = run.call(services.record_entry, Exposure, actor=run.regulator, enterprise=run.enterprise(), data={
        "workplace": "冲压车间", "post": "冲压工", "factor": HazardFactor.objects.get(code="P01"),
        "exposed_workers": 8})
    assert event_actions(Exposure.objects.get(pk=row.pk)) == ["created"]


@scenario("occupational.correct")
def _(run: Run):
    row = run.call(services.record_entry, Examination, actor=run.regulator, enterprise=run.enterprise(), data={
        "worker": "李四", "post": "冲压工", "kind": "on_post", "examined_on": run.today, "institution": "区职防院",
        "result": "normal"})
    run.call(services.correct, row, actor=run.regulator, data={"result": "suspected"}, version=row.version)
    assert Examination.objects.get(pk=row.pk).state == "follow_up"


@scenario("occupational.void_record")
def _(run: Run):
    decl = declared(run)
    run.call(services.void_record, decl, actor=run.regulator, reason="重复申报", version=decl.version)
    assert Declaration.objects.get(pk=decl.pk).is_voided


@scenario("occupational.return_declaration")
def _(run: Run):
    decl = declared(run)
    run.call(services.return_declaration, decl, actor=run.regulator, reason="材料不全")
    assert Declaration.objects.get(pk=decl.pk).state == "returned"


@scenario("occupational.resubmit_declaration")
def _(run: Run):
    decl = run.call(services.return_declaration, declared(run), actor=run.regulator, reason="材料不全")
    run.call(services.resubmit_declaration, decl, actor=run.regulator)
    assert Declaration.objects.get(pk=decl.pk).state == "submitted"


@scenario("occupational.accept_declaration")
def _(run: Run):
    decl = declared(run)
    run.call(services.accept_declaration, decl, actor=run.regulator, receipt_number="甲卫职申〔2026〕PG1号")
    assert Declaration.objects.get(pk=decl.pk).receipt_number == "甲卫职申〔2026〕PG1号"


@scenario("occupational.add_result")
def _(run: Run):
    row = over(run)
    assert DetectionResult.objects.get(pk=row.pk).result == "exceed"
    assert "occ_result_added" in event_actions(Detection.objects.get(pk=row.detection_id))


@scenario("occupational.raise_hazard")
def _(run: Run):
    row = over(run)
    hazard = run.call(services.raise_hazard, row, actor=run.regulator)
    assert DetectionResult.objects.get(pk=row.pk).hazard_id == hazard.pk and Hazard.objects.filter(pk=hazard.pk).exists()


@scenario("occupational.complete_follow_up")
def _(run: Run):
    row = run.call(services.record_entry, Examination, actor=run.regulator, enterprise=run.enterprise(), data={
        "worker": "王五", "post": "打磨工", "kind": "on_post", "examined_on": run.today, "institution": "区职防院",
        "result": "contraindication"})
    run.call(services.complete_follow_up, row, actor=run.regulator, follow_up="已调离粉尘岗位")
    assert Examination.objects.get(pk=row.pk).state == "closed"

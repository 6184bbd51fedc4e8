"""The on-site enforcement inspection services (``enforcement/services/inspections.py``), each
called outside any transaction on PostgreSQL (``portal/tests/test_write_services_postgres.py``
collects this module).

Each scenario drives a fresh inspection of ent_a by county A's officer (dept_a) through its
states with the services called directly (the builders below, as ``factories_inspections`` does),
then calls the service under test through ``run.call`` and checks what it wrote. Signatures are
real PNGs; document numbers run per department and year, so they are compared with the counter
before the call, not with fixed numbers."""

from __future__ import annotations

import datetime

from anjian.portal.testing.write_services import Run, event_actions, scenario

# Public functions of enforcement/services/inspections.py that write nothing.
READ_ONLY = {
    "enforcement.month_start",  # a date computed from a date
    "enforcement.next_month_start",
    "enforcement.document_number",  # the 文号 text of a sequence number
    "enforcement.rotation_for",  # a selector (the month's leader rotation over an enterprise)
    "enforcement.decode_png",  # a signature pad's data URL to bytes (raises ValidationError)
    "enforcement.copy_keys",  # sets scoping keys on an unsaved inspection; its caller saves it
}


# --- builders (prerequisites: services called directly) -----------------------------------------

def _prepared(run: Run, *, items: int = 2, **data):
    """A prepared (draft) unannounced inspection of ent_a by dept_a, with a checklist of ``items``."""
    from anjian.enforcement import services
    from anjian.enforcement.choices import InspectionMode
    from anjian.enforcement.models import EnforcementInspection
    from anjian.portal.testing.factories import make_checklist

    values = {"kind": InspectionMode.UNANNOUNCED, "checklist": make_checklist(items), "location": "生产车间"}
    values.update(data)
    insp = services.create_inspection(actor=run.regulator, department=run.world.dept_a, enterprise=run.world.ent_a,
                                      data=values)
    return EnforcementInspection.objects.get(pk=insp.pk)


def _on_site(run: Run, **data):
    """A prepared inspection, started on site (its checklist walk made)."""
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementInspection

    insp = _prepared(run, **data)
    services.start_inspection(insp, actor=run.regulator)
    return EnforcementInspection.objects.get(pk=insp.pk)


def _items(insp) -> list:
    return list(insp.record.items.order_by("sort"))


def _found(run: Run, results: tuple[str, ...] = ("hazard_found", "pass")):
    """An inspection on site whose items have ``results`` (one per item, in order)."""
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementInspection

    insp = _on_site(run, items=len(results))
    services.record_inspection_results(insp, actor=run.regulator, results=[
        {"item": it.pk, "result": r, "note": "现场发现问题" if r == "hazard_found" else ""}
        for it, r in zip(_items(insp), results, strict=True)])
    return EnforcementInspection.objects.get(pk=insp.pk)


def _walked(run: Run, *, found: int = 1, violation: bool = False):
    """An inspection on site, walked: ``found`` items found wanting (hazards, or the first a
    violation), the rest passed, both signatures. Answers (inspection, hazards)."""
    from anjian.enforcement.models import EnforcementInspection
    from anjian.enforcement.tests.factories_inspections import walk

    insp = _prepared(run, items=max(found, 1) + 1)
    hazards = walk(insp, run.regulator, found=found, violation=violation,
                   deadline=run.today + datetime.timedelta(days=15))
    return EnforcementInspection.objects.get(pk=insp.pk), hazards


def _signed(run: Run, **kwargs):
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementInspection

    insp, hazards = _walked(run, **kwargs)
    services.sign_inspection(insp, actor=run.regulator)
    return EnforcementInspection.objects.get(pk=insp.pk), hazards


def _issued(run: Run, **kwargs):
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementInspection

    insp, hazards = _signed(run, **kwargs)
    services.issue_documents(insp, actor=run.regulator)
    return EnforcementInspection.objects.get(pk=insp.pk), hazards


def _recheck_due(run: Run):
    """An issued inspection with one hazard the enterprise reported rectified: the re-check is due."""
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementInspection
    from anjian.hazards import services as hazard_services

    insp, hazards = _issued(run, found=1)
    h = hazard_services.start_rectification(hazards[0].__class__.objects.get(pk=hazards[0].pk), actor=run.ent_user)
    hazard_services.submit_rectification(h, actor=run.ent_user, note="已加装防护罩")
    services.open_recheck(insp, actor=run.regulator)
    return EnforcementInspection.objects.get(pk=insp.pk), hazards


def _png() -> bytes:
    from anjian.enforcement.tests.factories_inspections import signature_png

    return signature_png()


def _counter(department, kind: str, year: int) -> int:
    from anjian.enforcement.models import DocumentCounter

    row = DocumentCounter.objects.filter(department=department, year=year, kind=kind).first()
    return row.last if row else 0


# --- leader rotation (包县/包乡) -----------------------------------------------------------------------
# A rotation is unique per region and month: each scenario takes a month of its own.

def _month(run: Run, ahead: int) -> datetime.date:
    from anjian.enforcement.services import month_start

    return month_start(run.today.replace(day=1) + datetime.timedelta(days=31 * ahead + 1))


@scenario("enforcement.record_rotation")
def _(run: Run):
    from anjian.enforcement import services

    month = _month(run, 2)
    rotation = run.call(services.record_rotation, actor=run.regulator, data={
        "month": month.replace(day=9), "region": run.world.county_a, "leader_name": "王副区长",
        "leader_title": "副区长"})
    rotation.refresh_from_db()
    # stored on the month's first day, keyed by the county's path
    assert rotation.month == month and rotation.region_path == run.world.county_a.path
    assert services.rotation_for(run.world.ent_a, month) == rotation and event_actions(rotation) == ["rotation_recorded"]


@scenario("enforcement.update_rotation")
def _(run: Run):
    from anjian.enforcement import services

    rotation = services.record_rotation(actor=run.regulator, data={
        "month": _month(run, 3), "region": run.world.county_a, "leader_name": "李副区长"})
    run.call(services.update_rotation, rotation, actor=run.regulator, data={"leader_title": "常务副区长"},
             version=rotation.version)
    rotation.refresh_from_db()
    assert rotation.leader_title == "常务副区长" and rotation.version == 2 and "updated" in event_actions(rotation)


@scenario("enforcement.void_rotation")
def _(run: Run):
    from anjian.enforcement import services

    month = _month(run, 4)
    rotation = services.record_rotation(actor=run.regulator, data={
        "month": month, "region": run.world.county_a, "leader_name": "赵副区长"})
    run.call(services.void_rotation, rotation, actor=run.regulator, reason="录错月份")
    rotation.refresh_from_db()
    assert rotation.is_voided and "voided" in event_actions(rotation)
    assert services.rotation_for(run.world.ent_a, month) is None


# --- document numbers --------------------------------------------------------------------------------

@scenario("enforcement.next_document_number")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import DocumentKind
    from anjian.orgs.choices import DepartmentKind
    from anjian.portal.testing.factories import DepartmentFactory

    # a department of its own: its first number of the year is 1, the next 2
    department = DepartmentFactory(region=run.world.county_a, kind=DepartmentKind.REGULATOR)
    first = run.call(services.next_document_number, department, DocumentKind.RECORD, run.today)
    second = run.call(services.next_document_number, department, DocumentKind.RECORD, run.today)
    year = run.today.year
    assert first == (1, services.document_number(department, DocumentKind.RECORD, year, 1))
    assert second[0] == 2 and _counter(department, DocumentKind.RECORD, year) == 2


# --- preparing and on site ---------------------------------------------------------------------------

@scenario("enforcement.create_inspection")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import InspectionMode, InspectionState
    from anjian.enforcement.models import EnforcementInspection
    from anjian.portal.testing.factories import make_checklist

    insp = run.call(services.create_inspection, actor=run.regulator, department=run.world.dept_a,
                    enterprise=run.world.ent_a, data={"kind": InspectionMode.UNANNOUNCED,
                                                      "checklist": make_checklist(2), "location": "喷涂车间"})
    insp = EnforcementInspection.objects.get(pk=insp.pk)
    assert insp.state == InspectionState.DRAFT and insp.number == f"JC{insp.planned_on:%Y}{insp.pk:07d}"
    assert insp.planned_on == run.today and insp.region_path == run.world.ent_a.region_path
    # the officer who prepares it is on the team by default
    assert list(insp.officers.all()) == [run.regulator] and event_actions(insp) == ["inspection_created"]


@scenario("enforcement.update_inspection")
def _(run: Run):
    from anjian.enforcement import services

    insp = _prepared(run)
    run.call(services.update_inspection, insp, actor=run.regulator, data={"location": "成品仓库"},
             version=insp.version)
    insp.refresh_from_db()
    assert insp.location == "成品仓库" and insp.version == 2 and "updated" in event_actions(insp)


@scenario("enforcement.start_inspection")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import InspectionState

    insp = _prepared(run, items=3)
    run.call(services.start_inspection, insp, actor=run.regulator)
    insp.refresh_from_db()
    # the checklist walk is made, a government inspection record with the checklist's items
    assert insp.state == InspectionState.ON_SITE and insp.started_at and insp.record.kind == "government"
    assert insp.record.items.count() == 3 and insp.record.enterprise == run.world.ent_a
    assert "inspection_started" in event_actions(insp)


@scenario("enforcement.record_inspection_results")
def _(run: Run):
    from anjian.enforcement import services

    insp = _on_site(run)
    first, second = _items(insp)
    run.call(services.record_inspection_results, insp, actor=run.regulator, results=[
        {"item": first.pk, "result": "hazard_found", "note": "护栏缺失"}, {"item": second.pk, "result": "pass"}])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.result, first.note, second.result) == ("hazard_found", "护栏缺失", "pass")
    assert "inspection_results_recorded" in event_actions(insp)


@scenario("enforcement.raise_finding_hazard")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import FindingDisposition
    from anjian.hazards.choices import HazardSource

    insp = _found(run)
    item = _items(insp)[0]
    deadline = run.today + datetime.timedelta(days=15)
    hazard = run.call(services.raise_finding_hazard, insp, item, actor=run.regulator, data={"deadline": deadline})
    hazard.refresh_from_db()
    finding = insp.findings.get()
    # one step: a hazard of the loop (re-checked by the issuing side) and the finding pointing at it
    assert hazard.source == HazardSource.GOVERNMENT and hazard.recheck_required and hazard.deadline == deadline
    assert finding.disposition == FindingDisposition.HAZARD and finding.hazard == hazard and finding.item == item
    assert "finding_hazard_raised" in event_actions(insp)


@scenario("enforcement.note_finding_violation")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import FindingDisposition

    insp = _found(run)
    item = _items(insp)[0]
    finding = run.call(services.note_finding_violation, insp, item, actor=run.regulator,
                       violation="未按规定设置安全警示标志", legal_basis="《安全生产法》第三十五条")
    finding.refresh_from_db()
    assert finding.disposition == FindingDisposition.VIOLATION and finding.for_case and finding.hazard is None
    assert finding.violation == "未按规定设置安全警示标志" and finding.inspection == insp
    assert "finding_violation_noted" in event_actions(insp)


@scenario("enforcement.add_signature")
def _(run: Run):
    import base64

    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementInspection

    insp = _on_site(run)
    run.call(services.add_signature, insp, actor=run.regulator, signer="officer", png=_png())
    # the enterprise's representative signs on the phone: a data URL, with their name and title
    url = "data:image/png;base64," + base64.b64encode(_png()).decode()
    run.call(services.add_signature, insp, actor=run.regulator, signer="enterprise", png=url, name="张厂长",
             title="安全负责人")
    insp = EnforcementInspection.objects.get(pk=insp.pk)
    assert insp.officer_signature.name == "signature-officer.png"
    assert insp.enterprise_signature.name == "signature-enterprise.png"
    assert (insp.enterprise_rep_name, insp.enterprise_rep_title) == ("张厂长", "安全负责人")
    assert event_actions(insp).count("signature_added") == 2


@scenario("enforcement.sign_inspection")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import InspectionOutcome, InspectionState

    insp, _hazards = _walked(run, found=1)
    run.call(services.sign_inspection, insp, actor=run.regulator, summary="检查发现一处隐患")
    insp.refresh_from_db()
    # signed, the outcome set and the checklist walk submitted with the summary
    assert insp.state == InspectionState.SIGNED and insp.signed_at and insp.outcome == InspectionOutcome.RECTIFICATION
    assert insp.summary == "检查发现一处隐患" and insp.record.state == "submitted"
    assert insp.record.summary == "检查发现一处隐患" and "inspection_signed" in event_actions(insp)


@scenario("enforcement.issue_documents")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import DocumentKind, InspectionState

    insp, hazards = _signed(run, found=1)
    year = run.today.year
    before = {k: _counter(run.world.dept_a, k, year) for k in (DocumentKind.RECORD, DocumentKind.ORDER)}
    run.call(services.issue_documents, insp, actor=run.regulator)
    insp.refresh_from_db()
    docs = {d.kind: d for d in insp.documents.all()}
    # the record and, a hazard being entered, the order to rectify, each with the next number
    assert insp.state == InspectionState.ISSUED and insp.issued_at and set(docs) == {DocumentKind.RECORD,
                                                                                     DocumentKind.ORDER}
    for kind, doc in docs.items():
        assert doc.seq == before[kind] + 1 and doc.number == services.document_number(run.world.dept_a, kind, year,
                                                                                        doc.seq)
    assert insp.rectification_deadline == hazards[0].deadline and docs[DocumentKind.ORDER].content["hazards"] == [
        hazards[0].pk]
    assert "documents_issued" in event_actions(insp)


@scenario("enforcement.decide_measure")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import DocumentKind, InspectionOutcome

    insp, _hazards = _signed(run, found=1)
    measure = run.call(services.decide_measure, insp, actor=run.regulator, kind="suspend",
                       reason="重大事故隐患排除前无法保证安全", scope="喷涂车间")
    measure.refresh_from_db()
    insp.refresh_from_db()
    assert measure.inspection == insp and measure.starts_on == run.today and "第七十条" in measure.legal_basis
    assert measure.document.kind == DocumentKind.MEASURE and insp.outcome == InspectionOutcome.MEASURES
    assert "measure_decided" in event_actions(insp)


@scenario("enforcement.lift_measure")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import InspectionOutcome

    insp, _hazards = _signed(run, found=1)
    measure = services.decide_measure(insp, actor=run.regulator, kind="suspend", reason="重大事故隐患")
    services.issue_documents(insp, actor=run.regulator)
    insp.refresh_from_db()
    run.call(services.lift_measure, insp, measure, actor=run.regulator, reason="已停产整改完毕")
    measure.refresh_from_db()
    insp.refresh_from_db()
    assert measure.lifted_on == run.today and measure.lift_reason == "已停产整改完毕"
    assert insp.outcome == InspectionOutcome.RECTIFICATION and "measure_lifted" in event_actions(insp)


# --- re-check and closing ----------------------------------------------------------------------------

@scenario("enforcement.open_recheck")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import InspectionState
    from anjian.hazards import services as hazard_services

    insp, hazards = _issued(run, found=1)
    # the enterprise reports its hazard rectified before the deadline: the re-check is due
    h = hazard_services.start_rectification(hazards[0].__class__.objects.get(pk=hazards[0].pk), actor=run.ent_user)
    hazard_services.submit_rectification(h, actor=run.ent_user, note="已加装防护罩")
    run.call(services.open_recheck, insp, actor=run.regulator)
    insp.refresh_from_db()
    assert insp.state == InspectionState.RECHECK_DUE and "recheck_opened" in event_actions(insp)


@scenario("enforcement.recheck_inspection")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import DocumentKind, InspectionOutcome, InspectionState
    from anjian.hazards.choices import HazardState

    insp, hazards = _recheck_due(run)
    run.call(services.recheck_inspection, insp, actor=run.regulator, passed=True, opinion="已整改到位",
             inspectors="张三、李四")
    insp.refresh_from_db()
    hazard = hazards[0].__class__.objects.get(pk=hazards[0].pk)
    # closed and rectified; the hazard re-checked by the issuing department; the opinion issued
    assert insp.state == InspectionState.CLOSED and insp.outcome == InspectionOutcome.RECTIFIED and insp.closed_at
    assert hazard.state == HazardState.ACCEPTED and hazard.rechecks.get().department == run.world.dept_a
    assert insp.documents.get(kind=DocumentKind.RECHECK).content["passed"] is True
    assert "inspection_rechecked" in event_actions(insp)


@scenario("enforcement.close_inspection")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import InspectionState

    # only a violation was found: nothing to re-check, closed once the documents are issued
    insp, _hazards = _issued(run, found=1, violation=True)
    run.call(services.close_inspection, insp, actor=run.regulator, comment="移交立案")
    insp.refresh_from_db()
    assert insp.state == InspectionState.CLOSED and insp.closed_at and "inspection_closed" in event_actions(insp)


@scenario("enforcement.void_inspection")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementInspection

    insp = _on_site(run)
    run.call(services.void_inspection, insp, actor=run.regulator, reason="录入错误")
    insp = EnforcementInspection.objects.get(pk=insp.pk)
    # voided with its checklist walk
    assert insp.is_voided and insp.void_reason == "录入错误" and insp.record.is_voided
    assert "voided" in event_actions(insp)


@scenario("enforcement.open_case_from_finding")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import CaseSource, CaseState
    from anjian.enforcement.models import InspectionFinding, Violation

    # a violation noted on site, the record signed: 立案 in one step, with a catalogue violation
    insp, _hazards = _walked(run, found=1, violation=True)
    finding = InspectionFinding.objects.get(inspection=insp, for_case=True)
    violation = Violation.objects.filter(is_active=True, tiers__isnull=False).order_by("order").first()
    case = run.call(services.open_case_from_finding, insp, finding, actor=run.regulator, violation=violation)
    case.refresh_from_db()
    finding.refresh_from_db()
    assert finding.case == case and finding.case_number == case.number
    assert case.state == CaseState.INVESTIGATING and case.source == CaseSource.INSPECTION and case.pre_accident
    assert case.enterprise == insp.enterprise and case.department == insp.department and insp.number in case.facts
    assert list(case.violations.values_list("violation", flat=True)) == [violation.pk]
    assert "finding_case_opened" in event_actions(insp)
    assert {"created", "case_filed", "case_evidence_added"} <= set(event_actions(case))

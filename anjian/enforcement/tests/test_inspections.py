"""On-site enforcement inspections (执法检查): the state machine and its guards, findings becoming
hazards (re-checked by the issuing side) or violations for a case, the documents and their
numbers, compulsory measures, the plan's progress and the draw's outcome, night checks under the
month's leader rotation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anjian.core.services import ConflictError
from anjian.enforcement import selectors, services
from anjian.enforcement.choices import (
    DocumentKind,
    FindingDisposition,
    InspectionMode,
    InspectionOutcome,
    InspectionState,
)
from anjian.enforcement.models import EnforcementDocument, EnforcementInspection, InspectionFinding, PlanEntry
from anjian.enterprises.models import Enterprise
from anjian.hazards.choices import HazardSource, HazardState
from anjian.orgs.choices import Role

from .factories import make_certificate, make_plan
from .factories_inspections import make_inspection, signature_png, walk

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _fresh(insp):
    return EnforcementInspection.objects.get(pk=insp.pk)


def test_the_whole_loop_from_draft_to_closed_through_the_hazard_recheck(world, clock):
    # given an unannounced inspection prepared by county A's officer
    officer = world.users[Role.REGULATOR]
    clock("2026-03-10 09:00")
    insp = make_inspection(world, officer)
    assert insp.state == InspectionState.DRAFT and insp.number.startswith("JC2026")
    # when the team walks the checklist on site: one item found wanting becomes a hazard, both sign
    hazards = walk(insp, officer, found=1, deadline=D(2026, 3, 25))
    # then the hazard is in the loop, from a government inspection, to be re-checked by the issuing side
    hazard = hazards[0]
    assert hazard.source == HazardSource.GOVERNMENT and hazard.recheck_required and hazard.state == HazardState.REPORTED
    assert InspectionFinding.objects.get(inspection=insp).disposition == FindingDisposition.HAZARD
    # when the record is signed and the documents issued
    services.sign_inspection(insp, actor=officer, summary="检查发现一处隐患")
    services.issue_documents(insp, actor=officer)
    insp = _fresh(insp)
    assert insp.state == InspectionState.ISSUED and insp.outcome == InspectionOutcome.RECTIFICATION
    assert insp.rectification_deadline == D(2026, 3, 25)
    kinds = set(insp.documents.values_list("kind", flat=True))
    assert kinds == {DocumentKind.RECORD, DocumentKind.ORDER}
    assert insp.record.state == "submitted"
    # then the re-check is not due before the deadline while the enterprise has not reported done
    with pytest.raises(ValidationError) as exc:
        services.open_recheck(insp, actor=officer)
    assert "rectification_deadline" in exc.value.message_dict
    # when the deadline passes, the re-check is due, and it passes
    clock("2026-03-26 10:00")
    services.open_recheck(insp, actor=officer)
    services.recheck_inspection(insp, actor=officer, passed=True, opinion="已整改到位")
    insp = _fresh(insp)
    hazard.refresh_from_db()
    # then the inspection is closed, rectified, and the hazard re-checked by the issuing department
    assert insp.state == InspectionState.CLOSED and insp.outcome == InspectionOutcome.RECTIFIED
    assert hazard.rechecked_at is not None and hazard.state == HazardState.ACCEPTED
    assert hazard.rechecks.get().department == world.dept_a
    assert insp.documents.filter(kind=DocumentKind.RECHECK).count() == 1


def test_a_failed_recheck_sets_a_new_deadline_and_goes_back_to_issued(world, clock):
    officer = world.users[Role.REGULATOR]
    clock("2026-03-10 09:00")
    insp = make_inspection(world, officer)
    hazards = walk(insp, officer, found=2, deadline=D(2026, 3, 20))
    services.sign_inspection(insp, actor=officer)
    services.issue_documents(insp, actor=officer)
    clock("2026-03-21 09:00")
    services.open_recheck(insp, actor=officer)
    # when the re-check fails without a new deadline, it is refused naming the field
    with pytest.raises(ValidationError) as exc:
        services.recheck_inspection(insp, actor=officer, passed=False, opinion="未整改")
    assert "new_deadline" in exc.value.message_dict
    services.recheck_inspection(insp, actor=officer, passed=False, opinion="未整改", new_deadline=D(2026, 4, 5))
    insp = _fresh(insp)
    assert insp.state == InspectionState.ISSUED and insp.rectification_deadline == D(2026, 4, 5)
    assert all(h.__class__.objects.get(pk=h.pk).deadline == D(2026, 4, 5) for h in hazards)
    # then the enterprise reports both rectified: the re-check is due before the new deadline
    from anjian.hazards import services as hazard_services

    ent_user = world.users[Role.ENTERPRISE]
    for h in hazards:
        h.refresh_from_db()
        h = hazard_services.start_rectification(h, actor=ent_user)
        hazard_services.submit_rectification(h, actor=ent_user, note="已更换防护罩")
    services.open_recheck(insp, actor=officer)
    assert _fresh(insp).state == InspectionState.RECHECK_DUE


def test_signing_needs_results_dispositions_and_both_signatures(world):
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer, items=2)
    services.start_inspection(insp, actor=officer)
    insp.refresh_from_db()
    items = list(insp.record.items.order_by("sort"))
    # given no result yet: refused
    with pytest.raises(ValidationError) as exc:
        services.sign_inspection(insp, actor=officer)
    assert "items" in exc.value.message_dict
    services.record_inspection_results(insp, actor=officer, results=[
        {"item": items[0].pk, "result": "hazard_found", "note": "护栏缺失"}, {"item": items[1].pk, "result": "pass"}])
    # given a found item not yet a finding: refused
    with pytest.raises(ValidationError):
        services.sign_inspection(insp, actor=officer)
    services.note_finding_violation(insp, items[0], actor=officer, violation="未设置防护栏杆")
    # a second disposition of the same item is a conflict
    with pytest.raises(ConflictError):
        services.raise_finding_hazard(insp, items[0], actor=officer)
    # given only the officer's signature: refused
    services.add_signature(insp, actor=officer, signer="officer", png=signature_png())
    with pytest.raises(ValidationError) as exc:
        services.sign_inspection(insp, actor=officer)
    assert "signatures" in exc.value.message_dict
    # the enterprise's representative is named when they sign
    with pytest.raises(ValidationError):
        services.add_signature(insp, actor=officer, signer="enterprise", png=signature_png())
    services.add_signature(insp, actor=officer, signer="enterprise", png=signature_png(), name="李经理")
    services.sign_inspection(insp, actor=officer)
    insp = _fresh(insp)
    assert insp.state == InspectionState.SIGNED and insp.outcome == InspectionOutcome.VIOLATION
    assert insp.enterprise_signature.name == "signature-enterprise.png"
    # a violation only (no hazard): closed once the documents are issued, nothing to re-check
    services.issue_documents(insp, actor=officer)
    assert not _fresh(insp).documents.filter(kind=DocumentKind.ORDER).exists()
    services.close_inspection(insp, actor=officer)
    assert _fresh(insp).state == InspectionState.CLOSED


def test_a_signature_must_be_a_png(world):
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer)
    services.start_inspection(insp, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.add_signature(insp, actor=officer, signer="officer", png="data:text/html;base64,PGh0bWw+")
    assert "signature" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.add_signature(insp, actor=officer, signer="officer", png=b"<html>not a picture</html>")


def test_a_stale_copy_is_a_conflict(world):
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer)
    stale = _fresh(insp)
    services.start_inspection(insp, actor=officer)
    with pytest.raises(ConflictError):
        services.update_inspection(stale, actor=officer, data={"location": "仓库"})


def test_only_officers_of_the_jurisdiction_inspect(world):
    # another county's officer, the enterprise and the grid officer may not prepare one in county A
    for who in ("other_county", Role.ENTERPRISE, Role.GRID_OFFICER, Role.COMMITTEE_OFFICE):
        with pytest.raises((PermissionDenied, ValidationError)):
            make_inspection(world, world.users[who])


def test_a_planned_inspection_counts_on_the_plan(world, clock):
    # given county A's approved plan with ent_a
    clock("2026-03-10 09:00")
    admin, officer = world.users[Role.ADMIN], world.users[Role.REGULATOR]
    plan = make_plan(world, admin, year=2026)
    services.add_enterprises(plan, actor=admin, enterprises=Enterprise.objects.filter(pk=world.ent_a.pk))
    plan.refresh_from_db()
    services.approve_plan(plan, actor=admin)
    entry = plan.entries.get()
    # when a planned inspection of it is signed
    insp = make_inspection(world, officer, kind=InspectionMode.PLANNED, plan_entry=entry)
    walk(insp, officer, found=0)
    assert PlanEntry.objects.get(pk=entry.pk).done_visits == 0  # not before it is signed
    services.sign_inspection(insp, actor=officer)
    # then the entry counts the visit, once
    entry.refresh_from_db()
    assert entry.done_visits == 1 and entry.last_inspected_on == D(2026, 3, 10)
    assert selectors.entry_inspections(officer, entry) == [_fresh(insp)]
    assert selectors.plan_progress(plan)["done"] == 1
    # and an unannounced inspection of the same enterprise for this department counts too
    other = make_inspection(world, officer)
    walk(other, officer, found=0)
    services.sign_inspection(other, actor=officer)
    entry.refresh_from_db()
    assert entry.done_visits == 2 and _fresh(other).plan_entry_id == entry.pk


def test_a_planned_inspection_needs_a_plan_entry(world):
    with pytest.raises(ValidationError) as exc:
        make_inspection(world, kind=InspectionMode.PLANNED)
    assert "plan_entry" in exc.value.message_dict


def test_a_random_inspection_comes_from_a_draw_entry_and_its_outcome_is_published(world, clock):
    clock("2026-03-10 09:00")
    admin, officer = world.users[Role.ADMIN], world.users[Role.REGULATOR]
    make_certificate(officer, admin)
    plan = make_plan(world, admin, year=2026, random_share=50)
    services.add_enterprises(plan, actor=admin, enterprises=Enterprise.objects.filter(pk=world.ent_a.pk))
    plan.refresh_from_db()
    services.approve_plan(plan, actor=admin)
    draw = services.make_draw(actor=admin, department=world.dept_a, data={"n_enterprises": 1, "plan": plan,
                                                                          "officers_per_enterprise": 1},
                              criteria={"plan": plan.pk})
    entry = draw.entries.get()
    # a random inspection without a draw entry is refused
    with pytest.raises(ValidationError):
        make_inspection(world, officer, kind=InspectionMode.RANDOM)
    insp = make_inspection(world, officer, kind=InspectionMode.RANDOM, draw_entry=entry, enterprise=None)
    assert list(insp.officers.all()) == [officer]
    # then the draw can no longer be redrawn, nor a second inspection made from the entry
    assert selectors.draw_has_inspections(draw)
    with pytest.raises(ValidationError):
        services.redraw(draw, actor=admin, reason="重抽")
    with pytest.raises(ValidationError):
        make_inspection(world, officer, kind=InspectionMode.RANDOM, draw_entry=entry, enterprise=None)
    walk(insp, officer, found=0)
    services.sign_inspection(insp, actor=officer)
    # then the plan counts one random inspection and the entry's outcome reads "no problem found"
    assert selectors.random_inspections_done(plan) == 1
    assert _fresh(insp).outcome == InspectionOutcome.NO_PROBLEM
    # and the last inspectors of the enterprise are the team (not drawn next time)
    assert officer.pk in selectors.last_inspectors([world.ent_a.pk])[world.ent_a.pk]


def test_a_night_check_is_led_by_the_months_leader_and_rechecked_next_month(world, clock):
    clock("2026-03-10 22:00")
    officer = world.users[Role.REGULATOR]
    # without a leader or a rotation: refused
    with pytest.raises(ValidationError) as exc:
        make_inspection(world, officer, kind=InspectionMode.NIGHT)
    assert "leader_name" in exc.value.message_dict
    rotation = services.record_rotation(actor=officer, data={"month": D(2026, 3, 5), "region": world.county_a,
                                                             "leader_name": "王副区长", "leader_title": "副区长"})
    assert rotation.month == D(2026, 3, 1)
    insp = make_inspection(world, officer, kind=InspectionMode.NIGHT)
    assert insp.rotation == rotation and insp.leader_name == "王副区长"
    walk(insp, officer, found=1, violation=True)
    services.sign_inspection(insp, actor=officer)
    services.issue_documents(insp, actor=officer)
    insp = _fresh(insp)
    assert insp.recheck_from == D(2026, 4, 1)
    # a night check with findings is not closed without its re-check, and not re-checked this month
    with pytest.raises(ValidationError):
        services.close_inspection(insp, actor=officer)
    with pytest.raises(ValidationError):
        services.open_recheck(insp, actor=officer)
    clock("2026-04-02 10:00")
    services.open_recheck(insp, actor=officer)
    services.recheck_inspection(insp, actor=officer, passed=True, opinion="次月复查，已整改")
    assert _fresh(insp).state == InspectionState.CLOSED


def test_expert_and_joint_inspections_need_their_people(world):
    with pytest.raises(ValidationError) as exc:
        make_inspection(world, kind=InspectionMode.EXPERT)
    assert "experts" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_inspection(world, kind=InspectionMode.JOINT)
    assert "joint_departments" in exc.value.message_dict


def test_compulsory_measures_are_decided_numbered_and_lifted(world, clock):
    clock("2026-03-10 09:00")
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer)
    walk(insp, officer, found=1)
    # not before the record is signed
    with pytest.raises(ValidationError):
        services.decide_measure(insp, actor=officer, kind="suspend", reason="重大事故隐患")
    services.sign_inspection(insp, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.decide_measure(insp, actor=officer, kind="stop_power", reason="拒不停产")
    assert "approved_by_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.decide_measure(insp, actor=officer, kind="seal_seize", reason="违法储存危险物品",
                                ends_on=D(2026, 4, 30))
    assert "ends_on" in exc.value.message_dict
    measure = services.decide_measure(insp, actor=officer, kind="suspend", reason="重大事故隐患排除前无法保证安全",
                                      scope="喷涂车间")
    assert "第七十条" in measure.legal_basis
    doc = measure.document
    assert doc.kind == DocumentKind.MEASURE and doc.number == "甲区应急管理局强措〔2026〕1号"
    assert _fresh(insp).outcome == InspectionOutcome.MEASURES
    services.issue_documents(insp, actor=officer)
    services.lift_measure(insp, measure, actor=officer, reason="已停产整改完毕")
    measure.refresh_from_db()
    assert measure.lifted_on == D(2026, 3, 10)
    assert _fresh(insp).outcome == InspectionOutcome.RECTIFICATION


def test_document_numbers_run_per_department_and_year(world, clock):
    clock("2026-03-10 09:00")
    officer, other = world.users[Role.REGULATOR], world.users["other_county"]
    numbers = []
    for actor, ent in ((officer, world.ent_a), (officer, world.ent_a), (other, world.ent_b)):
        insp = make_inspection(world, actor, enterprise=ent, department=actor.department)
        walk(insp, actor, found=0)
        services.sign_inspection(insp, actor=actor)
        services.issue_documents(insp, actor=actor)
        numbers.append(EnforcementDocument.objects.get(inspection=insp, kind=DocumentKind.RECORD).number)
    assert numbers == ["甲区应急管理局检记〔2026〕1号", "甲区应急管理局检记〔2026〕2号", "乙县应急管理局检记〔2026〕1号"]
    clock("2027-01-02 09:00")
    insp = make_inspection(world, officer)
    walk(insp, officer, found=0)
    services.sign_inspection(insp, actor=officer)
    services.issue_documents(insp, actor=officer)
    assert insp.documents.get(kind=DocumentKind.RECORD).number == "甲区应急管理局检记〔2027〕1号"


def test_voiding_an_unsigned_inspection_voids_its_walk(world):
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer)
    services.start_inspection(insp, actor=officer)
    services.void_inspection(insp, actor=officer, reason="录入错误")
    insp = _fresh(insp)
    assert insp.is_voided and insp.record.is_voided
    assert timezone.localdate() is not None

"""The closed loop as services: every allowed and refused transition, the 五落实 rule,
acceptance rights (enterprise vs regulator), extensions, dual report, listed supervision,
notices, voiding and stale-version conflicts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anjian.core.models import Attachment, Event
from anjian.core.services import ConflictError, attachments_for, events_for
from anjian.core.testing.files import image_upload
from anjian.hazards import services
from anjian.hazards.choices import ExtensionState, HazardSource, HazardState, ListingState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, criterion, make_hazard, pass_recheck

S = HazardState
TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def _on_today(clock):
    """TODAY is read once, when the module is collected; the clock stays on that day (at local noon),
    so a run that crosses local midnight does not move "today" under the tests."""
    clock(TODAY)


def _photo(name="p.jpg"):
    return image_upload(name)


@pytest.fixture
def ent_user(world):
    return world.users[Role.ENTERPRISE]


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


def _rectifier(ent_user):
    """A second user of ``ent_user``'s enterprise, who submits the rectification: the person who
    accepts is not the person who rectified (issue #10), and these tests accept as ``ent_user``."""
    from anjian.orgs.models import User
    from anjian.portal.testing.factories import make_user

    return (User.objects.filter(role=Role.ENTERPRISE, scope_enterprise_id=ent_user.scope_enterprise_id)
            .exclude(pk=ent_user.pk).first() or make_user(Role.ENTERPRISE, scope_enterprise=ent_user.scope_enterprise))


def _to_state(hazard, state, ent_user, regulator):
    """Drive ``hazard`` along the happy path until it is in ``state``."""
    acceptor = regulator if hazard.is_major else ent_user
    if hazard.is_major and hazard.missing_plan_fields():
        hazard = services.update_plan(hazard, actor=ent_user, plan=COMPLETE_PLAN)
    steps = [
        (S.RECTIFYING, lambda h: services.start_rectification(h, actor=ent_user)),
        (S.RECTIFIED, lambda h: services.submit_rectification(h, actor=_rectifier(ent_user), note="已更换")),
        # Found by the regulator: its re-check (复查) passes right after the acceptance.
        (S.ACCEPTED, lambda h: pass_recheck(services.accept_rectification(h, actor=acceptor), regulator)),
        (S.CLOSED, lambda h: services.close_hazard(h, actor=acceptor)),
    ]
    for target, step in steps:
        if hazard.state == state:
            break
        hazard = step(hazard)
        assert hazard.state == target
    return hazard


# --- reporting -----------------------------------------------------------------------------

def test_report_numbers_the_hazard_copies_keys_and_records_event_with_photos(world, ent_user):
    # when the enterprise reports a hazard with two photos
    h = services.report_hazard(actor=ent_user, enterprise=world.ent_a, photos=[_photo(), _photo("b.jpg")], data={
        "location": "配电室", "description": "配电柜接地线断开", "deadline": LATER})
    # then it is numbered, in state reported, keyed like its enterprise, self-inspection sourced
    assert h.number == f"YH{h.found_at:%Y}{h.pk:09d}"
    assert h.state == S.REPORTED and h.version == 1
    assert (h.region_path, h.industry_id, h.grid_id) == (world.ent_a.region_path, world.ent_a.industry_id,
                                                        world.ent_a.grid_id)
    assert h.source == HazardSource.SELF_INSPECTION and h.finder == ent_user
    event = events_for(h).get()
    assert (event.action, event.to_state, event.actor) == ("reported", S.REPORTED, ent_user)
    assert attachments_for(h).filter(event=event, kind=Attachment.Kind.PHOTO).count() == 2


@pytest.mark.parametrize("role, source", [
    (Role.REGULATOR, HazardSource.GOVERNMENT), (Role.GRID_OFFICER, HazardSource.GRID_PATROL),
    (Role.EXPERT, HazardSource.EXPERT), (Role.ENTERPRISE, HazardSource.SELF_INSPECTION),
])
def test_source_follows_the_finders_role(world, role, source):
    assert make_hazard(world.ent_a, world.users[role]).source == source


def test_enterprise_cannot_claim_a_government_source(world, ent_user):
    with pytest.raises(ValidationError) as e:
        services.report_hazard(actor=ent_user, enterprise=world.ent_a, source=HazardSource.GOVERNMENT,
                               data={"location": "x", "description": "y", "deadline": LATER})
    assert "source" in e.value.message_dict


def test_report_outside_jurisdiction_is_refused(world):
    # given the other county's regulator, when reporting at county A's enterprise
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, world.users["other_county"])
    assert "enterprise" in e.value.message_dict
    assert not Hazard.objects.exists()


def test_major_hazard_names_its_criterion_and_general_may_not(world, regulator):
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, regulator, grade="major")
    assert "criterion" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, regulator, criterion=criterion())
    assert "criterion" in e.value.message_dict


def test_deadline_before_found_day_is_refused(world, regulator):
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, regulator, deadline=TODAY - datetime.timedelta(days=1))
    assert "deadline" in e.value.message_dict


def test_state_fields_cannot_be_set_on_report(world, regulator):
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, regulator, state=S.CLOSED)
    assert "state" in e.value.message_dict


# --- the happy paths -------------------------------------------------------------------------

def test_general_hazard_full_loop_by_the_enterprise(world, ent_user, regulator):
    # A hazard of its own self-inspection: no re-check by anyone else before close-out.
    h = make_hazard(world.ent_a, ent_user)
    h = _to_state(h, S.CLOSED, ent_user, regulator)
    assert h.version == 5 and h.closed_at and h.accepted_by == ent_user
    actions = list(events_for(h).order_by("at", "id").values_list("action", "from_state", "to_state"))
    assert actions == [
        ("reported", "", S.REPORTED),
        ("rectification_started", S.REPORTED, S.RECTIFYING),
        ("rectification_submitted", S.RECTIFYING, S.RECTIFIED),
        ("accepted", S.RECTIFIED, S.ACCEPTED),
        ("closed", S.ACCEPTED, S.CLOSED),
    ]


def test_submit_rectification_needs_a_note_and_keeps_evidence(world, ent_user, regulator):
    h = _to_state(make_hazard(world.ent_a, regulator), S.RECTIFYING, ent_user, regulator)
    with pytest.raises(ValidationError) as e:
        services.submit_rectification(h, actor=ent_user, note="  ")
    assert "note" in e.value.message_dict
    h = services.submit_rectification(h, actor=ent_user, note="更换配电柜", files=[_photo("after.jpg")])
    ev = events_for(h).get(action="rectification_submitted")
    assert attachments_for(h).get(event=ev).kind == Attachment.Kind.EVIDENCE
    assert h.rectification_note == "更换配电柜" and h.rectified_at


# --- refused transitions -----------------------------------------------------------------------

TRANSITIONS = {
    "start": lambda h, a: services.start_rectification(h, actor=a),
    "submit": lambda h, a: services.submit_rectification(h, actor=a, note="done"),
    "accept": lambda h, a: services.accept_rectification(h, actor=a),
    "refuse": lambda h, a: services.refuse_acceptance(h, actor=a, reason="不合格"),
    "close": lambda h, a: services.close_hazard(h, actor=a),
}
ALLOWED_FROM = {"start": S.REPORTED, "submit": S.RECTIFYING, "accept": S.RECTIFIED, "refuse": S.RECTIFIED,
                "close": S.ACCEPTED}


@pytest.mark.parametrize("state", [S.REPORTED, S.RECTIFYING, S.RECTIFIED, S.ACCEPTED, S.CLOSED])
@pytest.mark.parametrize("step", list(TRANSITIONS))
def test_each_step_only_from_its_state(world, ent_user, regulator, state, step):
    # given a general hazard in ``state``
    h = _to_state(make_hazard(world.ent_a, regulator), state, ent_user, regulator)
    if state == ALLOWED_FROM[step]:
        # then the step is allowed from its own state
        assert TRANSITIONS[step](h, ent_user).version == h.version + 1
    else:
        # and refused from every other, with nothing written
        events = Event.objects.count()
        with pytest.raises(ValidationError) as e:
            TRANSITIONS[step](h, ent_user)
        assert "state" in e.value.message_dict
        assert Event.objects.count() == events
        assert Hazard.objects.get(pk=h.pk).state == state


def test_refused_acceptance_goes_back_to_rectifying_with_reason(world, ent_user, regulator):
    h = _to_state(make_hazard(world.ent_a, regulator), S.RECTIFIED, ent_user, regulator)
    with pytest.raises(ValidationError) as e:
        services.refuse_acceptance(h, actor=ent_user, reason="")
    assert "reason" in e.value.message_dict
    h = services.refuse_acceptance(h, actor=ent_user, reason="接地电阻仍超标")
    assert h.state == S.RECTIFYING
    assert events_for(h).first().comment == "接地电阻仍超标"


# --- rights ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.REGULATOR, Role.GRID_OFFICER, Role.EXPERT, Role.COMMITTEE_OFFICE,
                                  Role.INDUSTRY_OFFICER, "other_county"])
def test_only_the_enterprise_rectifies(world, role, regulator):
    h = make_hazard(world.ent_a, regulator)
    with pytest.raises(PermissionDenied):
        services.start_rectification(h, actor=world.users[role])


def test_general_hazard_accepted_by_the_enterprise_not_the_regulator(world, ent_user, regulator):
    h = _to_state(make_hazard(world.ent_a, regulator), S.RECTIFIED, ent_user, regulator)
    with pytest.raises(PermissionDenied):
        services.accept_rectification(h, actor=regulator)
    assert services.accept_rectification(h, actor=ent_user).state == S.ACCEPTED


def test_major_hazard_accepted_only_by_the_regulator(world, ent_user, regulator):
    h = _to_state(make_hazard(world.ent_a, regulator, major=True), S.RECTIFIED, ent_user, regulator)
    for who in (ent_user, world.users[Role.GRID_OFFICER], world.users["other_county"]):
        with pytest.raises(PermissionDenied):
            services.accept_rectification(h, actor=who)
    h = pass_recheck(services.accept_rectification(h, actor=regulator), regulator)
    with pytest.raises(PermissionDenied):
        services.close_hazard(h, actor=ent_user)
    assert services.close_hazard(h, actor=regulator).state == S.CLOSED


def test_admin_may_take_every_step(world, regulator):
    admin = world.users[Role.ADMIN]
    h = make_hazard(world.ent_a, regulator, major=True)
    h = services.update_plan(h, actor=admin, plan=COMPLETE_PLAN)
    for step in ("start", "submit", "accept", "recheck", "close"):
        h = pass_recheck(h, admin) if step == "recheck" else TRANSITIONS[step](h, admin)
    assert h.state == S.CLOSED


# --- 五落实 -----------------------------------------------------------------------------------------

def test_major_hazard_cannot_start_without_complete_plan_and_error_names_each_missing_item(world, ent_user,
                                                                                          regulator):
    h = make_hazard(world.ent_a, regulator, major=True)
    partial = {k: v for k, v in COMPLETE_PLAN.items() if k not in ("plan_funds", "plan_contingency")}
    h = services.update_plan(h, actor=ent_user, plan=partial)
    with pytest.raises(ValidationError) as e:
        services.start_rectification(h, actor=ent_user)
    assert set(e.value.message_dict) == {"plan_funds", "plan_contingency"}
    assert Hazard.objects.get(pk=h.pk).state == S.REPORTED
    h = services.update_plan(h, actor=ent_user, plan=COMPLETE_PLAN)
    assert services.start_rectification(h, actor=ent_user).state == S.RECTIFYING


def test_general_hazard_needs_no_plan(world, ent_user, regulator):
    assert services.start_rectification(make_hazard(world.ent_a, regulator), actor=ent_user).state == S.RECTIFYING


def test_plan_rejects_unknown_fields_and_negative_funds(world, ent_user, regulator):
    h = make_hazard(world.ent_a, regulator, major=True)
    with pytest.raises(ValidationError) as e:
        services.update_plan(h, actor=ent_user, plan={"state": "closed"})
    assert "state" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.update_plan(h, actor=ent_user, plan={"plan_funds": -1})
    assert "plan_funds" in e.value.message_dict


def test_plan_is_frozen_after_submission(world, ent_user, regulator):
    h = _to_state(make_hazard(world.ent_a, regulator, major=True), S.RECTIFIED, ent_user, regulator)
    with pytest.raises(ValidationError):
        services.update_plan(h, actor=ent_user, plan={"plan_measures": "改"})


# --- conflicts --------------------------------------------------------------------------------------

def test_stale_copy_gets_a_conflict_and_nothing_is_written(world, ent_user, regulator):
    # given two people who loaded the same hazard
    h = make_hazard(world.ent_a, regulator)
    first, second = Hazard.objects.get(pk=h.pk), Hazard.objects.get(pk=h.pk)
    # when the first starts rectification
    services.start_rectification(first, actor=ent_user)
    events = Event.objects.count()
    # then the second, acting on what it saw, gets a conflict naming the current state
    with pytest.raises(ConflictError) as e:
        services.start_rectification(second, actor=ent_user)
    assert e.value.current_state == S.RECTIFYING and e.value.current_version == 2
    assert Event.objects.count() == events


def test_expected_version_is_checked(world, ent_user, regulator):
    h = make_hazard(world.ent_a, regulator)
    with pytest.raises(ConflictError):
        services.start_rectification(h, actor=ent_user, expected_version=7)
    assert services.start_rectification(h, actor=ent_user, expected_version=1).version == 2


# --- extensions ----------------------------------------------------------------------------------------

def test_extension_approved_moves_the_deadline(world, ent_user, regulator):
    h = make_hazard(world.ent_a, regulator)
    old = h.deadline
    ext = services.request_extension(h, actor=ent_user, new_deadline=old + datetime.timedelta(days=15),
                                     reason="设备到货延迟")
    with pytest.raises(ValidationError):
        services.request_extension(Hazard.objects.get(pk=h.pk), actor=ent_user,
                                   new_deadline=old + datetime.timedelta(days=20), reason="again")
    ext = services.decide_extension(ext, actor=ent_user, approve=True)
    h.refresh_from_db()
    assert ext.state == ExtensionState.APPROVED and h.deadline == old + datetime.timedelta(days=15)
    assert h.original_deadline == old
    with pytest.raises(ConflictError):
        services.decide_extension(ext, actor=ent_user, approve=False, comment="x")


def test_extension_rules(world, ent_user, regulator):
    h = make_hazard(world.ent_a, regulator, major=True)
    with pytest.raises(ValidationError) as e:
        services.request_extension(h, actor=ent_user, new_deadline=h.deadline, reason="x")
    assert "new_deadline" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.request_extension(h, actor=ent_user, new_deadline=LATER + datetime.timedelta(days=1), reason="")
    assert "reason" in e.value.message_dict
    ext = services.request_extension(h, actor=ent_user, new_deadline=LATER, reason="资金审批")
    # a major hazard's extension is the regulator's decision; refusing needs a reason
    with pytest.raises(PermissionDenied):
        services.decide_extension(ext, actor=ent_user, approve=True)
    with pytest.raises(ValidationError):
        services.decide_extension(ext, actor=regulator, approve=False)
    ext = services.decide_extension(ext, actor=regulator, approve=False, comment="理由不充分")
    assert ext.state == ExtensionState.REFUSED
    assert Hazard.objects.get(pk=h.pk).deadline == h.deadline


# --- dual report --------------------------------------------------------------------------------------

def test_dual_report_for_major_hazards_only(world, ent_user, regulator):
    report = {"situation": "储罐区防火堤破损", "severity_analysis": "可能引发火灾，需停用储罐整改",
              "treatment_plan": "修复防火堤"}
    general = make_hazard(world.ent_a, regulator)
    with pytest.raises(ValidationError):
        services.record_dual_report(general, actor=ent_user, recipient="regulator", reported_on=TODAY, **report)
    h = make_hazard(world.ent_a, regulator, major=True)
    assert h.missing_dual_reports() == ["reported_to_regulator_on", "reported_to_congress_on"]
    services.record_dual_report(h, actor=ent_user, recipient="regulator", reported_on=TODAY, **report)
    h.refresh_from_db()
    assert h.missing_dual_reports() == ["reported_to_congress_on"]
    with pytest.raises(ValidationError) as e:
        services.record_dual_report(h, actor=ent_user, recipient="congress",
                                    reported_on=TODAY + datetime.timedelta(days=1), **report)
    assert "reported_on" in e.value.message_dict
    services.record_dual_report(h, actor=ent_user, recipient="congress", reported_on=TODAY, **report)
    h.refresh_from_db()
    assert h.missing_dual_reports() == []


# --- listed supervision ---------------------------------------------------------------------------------

def test_listing_lifecycle(world, ent_user, regulator):
    h = make_hazard(world.ent_a, regulator, major=True)
    listing = services.list_for_supervision(h, actor=regulator, level="county", department=world.dept_a,
                                            deadline=LATER, document_number="甲安督〔2026〕1号")
    h.refresh_from_db()
    assert h.is_listed and listing.region_path == h.region_path
    with pytest.raises(ValidationError):
        services.list_for_supervision(h, actor=regulator, level="city", department=world.dept_a, deadline=LATER)
    services.report_listing_progress(listing, actor=ent_user, content="已完成设备采购")
    # delisting is refused before close-out
    with pytest.raises(ValidationError) as e:
        services.delist(listing, actor=regulator)
    assert "state" in e.value.message_dict
    # (the progress report was a step on the hazard: the loop goes on from the hazard as it is now)
    h = _to_state(Hazard.objects.get(pk=h.pk), S.CLOSED, ent_user, regulator)
    listing = services.delist(listing, actor=regulator, comment="验收合格，予以摘牌")
    h.refresh_from_db()
    assert listing.state == ListingState.DELISTED and not h.is_listed
    with pytest.raises(ConflictError):
        services.delist(listing, actor=regulator)


def test_listing_rights_and_rules(world, ent_user, regulator):
    general = make_hazard(world.ent_a, regulator)
    with pytest.raises(ValidationError):
        services.list_for_supervision(general, actor=regulator, level="county", department=world.dept_a,
                                      deadline=LATER)
    h = make_hazard(world.ent_a, regulator, major=True)
    for who in (ent_user, world.users[Role.GRID_OFFICER], world.users["other_county"]):
        with pytest.raises(PermissionDenied):
            services.list_for_supervision(h, actor=who, level="county", department=world.dept_a, deadline=LATER)
    with pytest.raises(ValidationError) as e:
        services.list_for_supervision(h, actor=regulator, level="county", department=world.dept_b, deadline=LATER)
    assert "department" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.list_for_supervision(h, actor=regulator, level="county", department=world.dept_a,
                                      deadline=TODAY - datetime.timedelta(days=1))
    assert "deadline" in e.value.message_dict


def test_listed_hazard_cannot_be_voided(world, regulator):
    h = make_hazard(world.ent_a, regulator, major=True)
    services.list_for_supervision(h, actor=regulator, level="county", department=world.dept_a, deadline=LATER)
    with pytest.raises(ValidationError):
        services.void_hazard(Hazard.objects.get(pk=h.pk), actor=regulator, reason="录入错误")


# --- notices, voiding, available actions --------------------------------------------------------------------

def test_notice_numbers_and_rules(world, regulator, ent_user):
    h1, h2 = make_hazard(world.ent_a, regulator), make_hazard(world.ent_a, regulator)
    notice = services.issue_notice(actor=regulator, department=world.dept_a, hazards=[h1, h2], deadline=LATER,
                                   requirements="限期整改")
    second = services.issue_notice(actor=regulator, department=world.dept_a, hazards=[h1], deadline=LATER)
    assert notice.number != second.number and notice.number.startswith("ZG")
    assert set(notice.hazards.values_list("pk", flat=True)) == {h1.pk, h2.pk}
    assert events_for(h1).filter(action="notice_issued").count() == 2
    other = make_hazard(world.ent_a_construction, regulator)
    with pytest.raises(ValidationError):
        services.issue_notice(actor=regulator, department=world.dept_a, hazards=[h1, other], deadline=LATER)
    with pytest.raises(PermissionDenied):
        services.issue_notice(actor=ent_user, department=world.dept_a, hazards=[h1], deadline=LATER)


def test_void_keeps_the_row_and_blocks_transitions(world, regulator, ent_user):
    h = make_hazard(world.ent_a, regulator)
    with pytest.raises(PermissionDenied):
        services.void_hazard(h, actor=world.users[Role.GRID_OFFICER], reason="x")
    services.void_hazard(h, actor=regulator, reason="重复录入")
    h.refresh_from_db()
    assert h.is_voided and Hazard.objects.for_user(regulator).count() == 0
    with pytest.raises(ValidationError):
        services.start_rectification(h, actor=ent_user)
    assert services.available_actions(ent_user, h) == []


def test_available_actions_follow_state_and_role(world, ent_user, regulator):
    h = make_hazard(world.ent_a, regulator, major=True)
    # a major hazard starts rectification once its 五落实 plan is complete (the step's guard)
    assert "start_rectification" not in services.available_actions(ent_user, h)
    assert "update_plan" in services.available_actions(ent_user, h)
    h = services.update_plan(h, actor=ent_user, plan=COMPLETE_PLAN)
    assert "start_rectification" in services.available_actions(ent_user, h)
    assert "list" in services.available_actions(regulator, h)
    assert "list" not in services.available_actions(ent_user, h)
    h = _to_state(h, S.RECTIFIED, ent_user, regulator)
    assert "accept" in services.available_actions(regulator, h)
    assert "accept" not in services.available_actions(ent_user, h)


def test_update_only_while_reported(world, regulator, ent_user):
    h = make_hazard(world.ent_a, regulator)
    h = services.update_hazard(h, actor=regulator, data={"location": "三车间"})
    assert h.location == "三车间"
    with pytest.raises(ValidationError):
        services.update_hazard(h, actor=regulator, data={"state": "closed"})
    h = services.start_rectification(h, actor=ent_user)
    with pytest.raises(ValidationError):
        services.update_hazard(h, actor=regulator, data={"location": "x"})


def test_regulator_may_plan_a_major_hazard_and_enterprise_may_report_listing_progress(world, ent_user,
                                                                                      regulator):
    # given a listed major hazard
    h = make_hazard(world.ent_a, regulator, major=True)
    services.list_for_supervision(h, actor=regulator, level="county", department=world.dept_a, deadline=LATER)
    h.refresh_from_db()
    # then the regulator is offered the plan, and the enterprise the progress report
    assert "update_plan" in services.available_actions(regulator, h)
    assert "report_progress" in services.available_actions(ent_user, h)
    # and a general hazard's plan stays the enterprise's business
    assert "update_plan" not in services.available_actions(regulator, make_hazard(world.ent_a, regulator))


def test_listed_hazard_cannot_be_corrected_to_general(world, regulator):
    h = make_hazard(world.ent_a, regulator, major=True)
    services.list_for_supervision(h, actor=regulator, level="county", department=world.dept_a, deadline=LATER)
    with pytest.raises(ValidationError) as e:
        services.update_hazard(Hazard.objects.get(pk=h.pk), actor=regulator,
                               data={"grade": "general", "criterion": None})
    assert "grade" in e.value.message_dict
    assert Hazard.objects.get(pk=h.pk).grade == "major"


def test_a_check_item_of_another_enterprises_own_checklist_is_refused(world, regulator):
    # given enterprise B's own checklist (e.g. generated from its risk control measures)
    from anjian.portal.testing.factories import make_checklist

    own_b = make_checklist(1)
    own_b.enterprise = world.ent_b
    own_b.save()
    item_b = own_b.items.filter(is_active=True).first()
    # when a hazard of enterprise A names that item, then it is refused on the field
    with pytest.raises(ValidationError) as exc:
        make_hazard(world.ent_a, regulator, check_item=item_b)
    assert "check_item" in exc.value.message_dict
    # and enterprise B's own hazard may name it
    assert make_hazard(world.ent_b, world.users["other_county"], check_item=item_b).check_item == item_b

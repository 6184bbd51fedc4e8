"""The accidents app on the one write path (issue #11): the state machines declared in
``choices.py`` say exactly what the services allow (for every state, step and kind of user), a
stale copy of an accident or a rectification is a conflict (``ConflictError`` from the service,
409 from the API) that writes nothing, a guard's refusal names its field, and the page buttons
and the API's ``available_actions`` are the same list."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anjian.accidents import events as ev
from anjian.accidents import services
from anjian.accidents.choices import (
    ACCIDENT_MACHINE,
    FLAG_MACHINE,
    FLAG_RAISED_AGAIN,
    RECTIFICATION_MACHINE,
    AccidentState,
    FlagState,
    RectificationState,
)
from anjian.accidents.models import Accident, AccidentRectification, ReportingFlag
from anjian.accidents.policy import available_actions, policy
from anjian.core.models import Event
from anjian.core.services import ConflictError, events_for
from anjian.core.workflow import available_steps
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, fresh

from .factories import make_accident

DAY = datetime.timedelta(days=1)
USERS = [Role.REGULATOR, Role.ENTERPRISE, Role.COMMITTEE_OFFICE, "other_county"]


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


def in_state(world, state: str, *, deaths: int = 1) -> Accident:
    """An accident of enterprise A that occurred 40 days ago (so a casualty update may be counted
    or late), with the county's reporting step on file, taken through the services to ``state``."""
    regulator = world.users[Role.REGULATOR]
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=timezone.now() - 40 * DAY, deaths=deaths)
    services.record_reporting_step(acc, actor=regulator, level="county",
                                   received_at=acc.occurred_at + datetime.timedelta(hours=1))
    today = timezone.localdate()
    if state != AccidentState.REPORTED:
        services.start_investigation(Accident.objects.get(pk=acc.pk), actor=regulator,
                                     data={"started_on": today - 35 * DAY})
    if state in (AccidentState.REPORT_SUBMITTED, AccidentState.CLOSED):
        services.submit_investigation_report(Accident.objects.get(pk=acc.pk), actor=regulator,
                                             submitted_on=today - 5 * DAY)
    if state == AccidentState.CLOSED:
        services.approve_investigation_report(Accident.objects.get(pk=acc.pk), actor=regulator, approved_on=today)
    acc = Accident.objects.get(pk=acc.pk)
    assert acc.state == state
    return acc


# One valid call of the service behind each step of the accident's machine.
ACCIDENT_STEPS: dict[str, Callable] = {
    "update": lambda a, u, **kw: services.update_accident(a, actor=u, data={"summary": "更正后的经过"},
                                                          reason="核实", **kw),
    "casualty_update": lambda a, u, **kw: services.record_casualty_update(
        a, actor=u, as_of=a.occurred_at + DAY, figures={"minor_injuries": 1}, **kw),
    "record_followup": lambda a, u, **kw: services.record_followup(a, actor=u, reported_at=timezone.now(),
                                                                      text="现场已清理", **kw),
    "record_step": lambda a, u, **kw: services.record_reporting_step(
        a, actor=u, level="city", received_at=a.occurred_at + datetime.timedelta(hours=2), **kw),
    "declare_stable": lambda a, u, **kw: services.declare_situation_stable(a, actor=u, stable_at=timezone.now(),
                                                                              note="救援结束", **kw),
    "record_flag": lambda a, u, **kw: services.record_flag(a, actor=u, kind="omitted", note="漏报重伤人数", **kw),
    "start_investigation": lambda a, u, **kw: services.start_investigation(
        a, actor=u, data={"leader": "张三", "started_on": timezone.localdate() - 35 * DAY}, **kw),
    "update_investigation": lambda a, u, **kw: services.update_investigation(a, actor=u, data={"cause": "违章作业"},
                                                                             **kw),
    "submit_report": lambda a, u, **kw: services.submit_investigation_report(
        a, actor=u, submitted_on=timezone.localdate() - 5 * DAY, **kw),
    "extend_report": lambda a, u, **kw: services.extend_report_deadline(a, actor=u, days=10, reason="经区政府批准",
                                                                        **kw),
    "approve_report": lambda a, u, **kw: services.approve_investigation_report(
        a, actor=u, approved_on=timezone.localdate(), **kw),
    "extend_approval": lambda a, u, **kw: services.extend_approval(a, actor=u, days=10, reason="案情复杂", **kw),
    "add_rectification": lambda a, u, **kw: services.add_rectification(a, actor=u, data={
        "problem": "安全培训不到位", "responsible_unit": "甲公司", "deadline": timezone.localdate() + 30 * DAY}, **kw),
    "add_accountability": lambda a, u, **kw: services.add_accountability(
        a, actor=u, data={"person_name": "李四", "measure": "administrative_sanction"}, **kw),
    "void": lambda a, u, **kw: services.void_accident(a, actor=u, reason="重复登记", **kw),
}

# The steps whose event the input decides: the call that writes the step's other code.
OTHER_CODES: dict[str, tuple[str, Callable]] = {
    "casualty_update": (ev.CASUALTY_UPDATE_LATE, lambda a, u, **kw: services.record_casualty_update(
        a, actor=u, as_of=timezone.now(), figures={"minor_injuries": 2}, **kw)),
    "record_step": (ev.STEP_CORRECTED, lambda a, u, **kw: services.record_reporting_step(
        a, actor=u, level="county", received_at=a.occurred_at + datetime.timedelta(minutes=30), **kw)),
}

# Every (step, event code) pair the services write, and the call above that writes it.
EVERY_CODE = [*((a, ACCIDENT_MACHINE[a].event) for a in ACCIDENT_STEPS),
              *((a, code) for a, (code, _call) in OTHER_CODES.items())]


def service_call(action: str, code: str) -> Callable:
    return ACCIDENT_STEPS[action] if code == ACCIDENT_MACHINE[action].event else OTHER_CODES[action][1]


class _Undo(Exception):
    """Rolls an attempted step back, so every step is tried on the same record."""


def succeeds(call: Callable[[], object]) -> bool:
    """Whether the step goes through (it is then rolled back); a refusal is a ValidationError
    (state, guard, input) or a PermissionDenied (right)."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except _Undo:
        return True
    except (ValidationError, PermissionDenied):
        return False


def test_every_step_has_a_service_call_here():
    assert set(ACCIDENT_STEPS) == {s.action for s in ACCIDENT_MACHINE.steps}


# --- the declaration says what the services allow ------------------------------------------------

@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(("state", "deaths"), [*((s, 1) for s in AccidentState.values),
                                               (AccidentState.REPORT_SUBMITTED, 30)])  # 特别重大: its own guard
def test_accident_machine_matches_the_services(world, state, deaths, who):
    # given an accident in this state, of this grade, and a user of this kind
    acc = in_state(world, state, deaths=deaths)
    actor = fresh(world.users[who])
    offered = available_steps(ACCIDENT_MACHINE, policy, actor, acc)
    # when each step of the machine is tried through its service, then it goes through exactly
    # when available_steps offers it (state, guards and right as declared)
    outcome = {step.action: succeeds(lambda step=step: ACCIDENT_STEPS[step.action](
        Accident.objects.get(pk=acc.pk), actor)) for step in ACCIDENT_MACHINE.steps}
    assert {a for a, ok in outcome.items() if ok} == set(offered)
    # and the same step with the other code goes through exactly when the step is offered
    for action, (_code, call) in OTHER_CODES.items():
        assert succeeds(lambda call=call: call(Accident.objects.get(pk=acc.pk), actor)) is (action in offered)


@pytest.mark.parametrize(("action", "code"), EVERY_CODE)
def test_every_step_writes_its_event_code(world, regulator, action, code):
    # given an accident in a state where the step is possible (particularly serious: every guard holds)
    source = ACCIDENT_MACHINE[action].sources
    acc = in_state(world, source[0] if source else AccidentState.REPORTED, deaths=30)
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    # when the regulator takes it through its service
    service_call(action, code)(acc, regulator)
    # then the accident's event carries the code (the step's, or the one the input decided)
    assert code in set(events_for(acc).filter(pk__gt=last).values_list("action", flat=True))


def test_the_guards_of_the_accident_machine_follow_the_record(world, regulator):
    # given a particularly serious accident awaiting approval, and an ordinary one investigated
    serious = in_state(world, AccidentState.REPORT_SUBMITTED, deaths=30)
    ordinary = in_state(world, AccidentState.INVESTIGATING)
    assert "extend_approval" in available_steps(ACCIDENT_MACHINE, policy, regulator, serious)
    assert "extend_report" in available_steps(ACCIDENT_MACHINE, policy, regulator, ordinary)
    assert "declare_stable" in available_steps(ACCIDENT_MACHINE, policy, regulator, ordinary)
    # when each is extended once, and the situation declared stable
    services.extend_approval(serious, actor=regulator, days=5, reason="案情复杂")
    services.extend_report_deadline(ordinary, actor=regulator, days=5, reason="经批准")
    services.declare_situation_stable(Accident.objects.get(pk=ordinary.pk), actor=regulator, stable_at=timezone.now())
    # then the machine offers them no more, and the services refuse them
    serious, ordinary = Accident.objects.get(pk=serious.pk), Accident.objects.get(pk=ordinary.pk)
    assert "extend_approval" not in available_steps(ACCIDENT_MACHINE, policy, regulator, serious)
    assert not succeeds(lambda: ACCIDENT_STEPS["extend_approval"](serious, regulator))
    for step in ("extend_report", "declare_stable"):
        assert step not in available_steps(ACCIDENT_MACHINE, policy, regulator, ordinary)
        assert not succeeds(lambda step=step: ACCIDENT_STEPS[step](ordinary, regulator))


def test_an_imported_accident_owes_no_follow_ups_so_it_is_not_declared_stable(world, regulator):
    # given an accident on file before follow-ups were tracked (as imported ones are)
    acc = in_state(world, AccidentState.REPORTED)
    Accident.objects.filter(pk=acc.pk).update(obligations_tracked=False)
    acc = Accident.objects.get(pk=acc.pk)
    # then neither the button nor the service declares its situation stable, naming the field
    assert "declare_stable" not in available_actions(regulator, acc)
    with pytest.raises(ValidationError) as err:
        ACCIDENT_STEPS["declare_stable"](acc, regulator)
    assert list(err.value.message_dict) == ["stable_at"]


def rectification_in(world, state: str) -> AccidentRectification:
    regulator = world.users[Role.REGULATOR]
    acc = make_accident(regulator, enterprise=world.ent_a)
    rect = ACCIDENT_STEPS["add_rectification"](acc, regulator)
    if state != RectificationState.OPEN:
        rect = services.rectify(rect, actor=regulator, note="已组织全员培训")
    if state == RectificationState.VERIFIED:
        rect = services.verify_rectification(rect, actor=regulator)
    return AccidentRectification.objects.get(pk=rect.pk)


RECTIFICATION_STEPS: dict[str, Callable] = {
    "rectify": lambda r, u, **kw: services.rectify(r, actor=u, note="已整改", **kw),
    "verify": lambda r, u, **kw: services.verify_rectification(r, actor=u, **kw),
}


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("state", RectificationState.values)
def test_rectification_machine_matches_the_services(world, state, who):
    rect = rectification_in(world, state)
    actor = fresh(world.users[who])
    offered = available_steps(RECTIFICATION_MACHINE, policy, actor, rect)
    assert set(RECTIFICATION_STEPS) == {s.action for s in RECTIFICATION_MACHINE.steps}
    outcome = {action: succeeds(lambda call=call: call(AccidentRectification.objects.get(pk=rect.pk), actor))
               for action, call in RECTIFICATION_STEPS.items()}
    assert {a for a, ok in outcome.items() if ok} == set(offered)


FLAG_STEPS: dict[str, Callable] = {
    "confirm": lambda f, u: services.decide_flag(f, actor=u, confirm=True, comment="经查证属实"),
    "retract": lambda f, u: services.decide_flag(f, actor=u, confirm=False, comment="核实无误"),
}


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("state", FlagState.values)
def test_flag_machine_matches_the_services(world, regulator, state, who):
    acc = make_accident(regulator, enterprise=world.ent_a)
    flag = services.record_flag(acc, actor=regulator, kind="concealed", note="企业隐瞒事故三天")
    if state != FlagState.RECORDED:
        FLAG_STEPS["confirm" if state == FlagState.CONFIRMED else "retract"](flag, regulator)
    flag = ReportingFlag.objects.get(pk=flag.pk)
    actor = fresh(world.users[who])
    offered = available_steps(FLAG_MACHINE, policy, actor, flag)
    # the automatic flag's raising again is the system's step: nobody is offered it
    assert FLAG_RAISED_AGAIN not in offered
    outcome = {action: succeeds(lambda call=call: call(ReportingFlag.objects.get(pk=flag.pk), actor))
               for action, call in FLAG_STEPS.items()}
    assert {a for a, ok in outcome.items() if ok} == set(offered)


def test_a_corrected_chain_retracts_the_automatic_flag_and_a_late_one_raises_it_again(world, regulator):
    # given an accident whose unit reported it 90 minutes after learning of it: flagged late
    occurred = timezone.now() - 2 * DAY
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=occurred, learned_at=occurred,
                        reported_to_government_at=occurred + datetime.timedelta(minutes=90))
    flag = ReportingFlag.objects.get(accident=acc, is_automatic=True)
    # when the time is corrected to 30 minutes, then the flag is retracted by its machine's step
    acc = services.update_accident(acc, actor=regulator, reason="核实",
                                   data={"reported_to_government_at": occurred + datetime.timedelta(minutes=30)})
    flag.refresh_from_db()
    assert flag.state == FlagState.RETRACTED
    # and when it is corrected back, the same flag is raised again (no second automatic flag)
    services.update_accident(acc, actor=regulator, reason="再次核实",
                             data={"reported_to_government_at": occurred + datetime.timedelta(minutes=95)})
    flag.refresh_from_db()
    assert flag.state == FlagState.RECORDED and flag.decided_at is None
    assert "95 min" in flag.note and ReportingFlag.objects.filter(accident=acc, is_automatic=True).count() == 1
    assert [e.action for e in events_for(acc) if e.action.startswith("flag_")] == [
        ev.FLAG_RECORDED, ev.FLAG_RETRACTED, ev.FLAG_RECORDED]


# --- a stale copy is a conflict --------------------------------------------------------------------

@pytest.mark.parametrize(("step", "code"), EVERY_CODE)
def test_every_accident_step_refuses_a_stale_copy(world, regulator, step, code):
    # given a copy of an accident in a state where the step is possible
    source = ACCIDENT_MACHINE[step].sources
    stale = in_state(world, source[0] if source else AccidentState.REPORTED, deaths=30)
    events = Event.objects.count()
    # when someone else changes the accident first
    services.update_accident(Accident.objects.get(pk=stale.pk), actor=regulator, data={"summary": "他人更正"},
                             reason="补充")
    # then the step on the stale copy (and with the stale version sent) is a conflict and writes nothing
    with pytest.raises(ConflictError) as caught:
        service_call(step, code)(stale, regulator)
    assert caught.value.current_version == stale.version + 1
    with pytest.raises(ConflictError):
        service_call(step, code)(Accident.objects.get(pk=stale.pk), regulator, expected_version=stale.version)
    now = Accident.objects.get(pk=stale.pk)
    assert (now.version, now.state, now.is_voided) == (stale.version + 1, stale.state, False)
    assert Event.objects.count() == events + 1  # the other person's correction only


def test_a_flag_decision_with_a_stale_accident_version_is_a_conflict(world, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a)
    flag = services.record_flag(acc, actor=regulator, kind="false", note="少报死亡人数")
    with pytest.raises(ConflictError):
        services.decide_flag(flag, actor=regulator, confirm=True, comment="查实", expected_version=1)
    assert ReportingFlag.objects.get(pk=flag.pk).state == FlagState.RECORDED


@pytest.mark.parametrize("step", list(RECTIFICATION_STEPS))
def test_every_rectification_step_refuses_a_stale_copy(world, regulator, step):
    # given a copy of a rectification, and someone else reports it done meanwhile
    source = RECTIFICATION_MACHINE[step].sources[0]
    stale = rectification_in(world, RectificationState.OPEN)
    moved = services.rectify(AccidentRectification.objects.get(pk=stale.pk), actor=regulator, note="他人已整改")
    if source == RectificationState.RECTIFIED:
        # (for the verification: the copy was read after the rectification, and someone else verified it)
        stale = moved
        services.verify_rectification(AccidentRectification.objects.get(pk=stale.pk), actor=regulator)
    before = AccidentRectification.objects.get(pk=stale.pk)
    # then the step on the stale copy, or with its version sent, is a conflict and writes nothing
    with pytest.raises(ConflictError):
        RECTIFICATION_STEPS[step](stale, regulator)
    with pytest.raises(ConflictError):
        RECTIFICATION_STEPS[step](before, regulator, expected_version=stale.version)
    after = AccidentRectification.objects.get(pk=stale.pk)
    assert (after.version, after.state, after.rectified_note) == (before.version, before.state, before.rectified_note)


def detail_url(pk, path=""):
    return f"/api/accidents/{pk}/" + (f"{path}/" if path else "")


API_STEPS = {
    "casualty-updates": lambda a: {"as_of": timezone.now().isoformat(), "minor_injuries": 1},
    "followups": lambda a: {"reported_at": timezone.now().isoformat(), "text": "现场已清理"},
    "situation-stable": lambda a: {"stable_at": timezone.now().isoformat()},
    "steps": lambda a: {"level": "city", "received_at": (a.occurred_at + datetime.timedelta(hours=2)).isoformat()},
    "flags": lambda a: {"kind": "omitted", "note": "漏报"},
    "investigation": lambda a: {"leader": "张三"},
    "rectifications": lambda a: {"problem": "培训不到位", "responsible_unit": "甲公司", "deadline": "2030-01-01"},
    "accountability": lambda a: {"person_name": "李四", "measure": "other"},
}


@pytest.mark.parametrize("path", list(API_STEPS))
def test_api_answers_409_to_a_stale_accident_version(world, api, regulator, path):
    # given an accident corrected once (version 2)
    acc = make_accident(regulator, enterprise=world.ent_a)
    client = act_as(api, regulator)
    assert client.patch(detail_url(acc.pk), {"summary": "补充", "reason": "补充", "version": 1},
                        format="json").status_code == 200
    # when a step is posted with the version the caller saw before (1), then 409 with the current version
    response = client.post(detail_url(acc.pk, path), {**API_STEPS[path](acc), "version": 1}, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["current_version"] == 2
    assert Accident.objects.get(pk=acc.pk).version == 2
    # and with the current version it goes through
    response = client.post(detail_url(acc.pk, path), {**API_STEPS[path](acc), "version": 2}, format="json")
    assert response.status_code in (200, 201), response.content


def test_api_answers_409_to_a_stale_correction_and_flag_decision(world, api, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a)
    client = act_as(api, regulator)
    flag_id = client.post(detail_url(acc.pk, "flags"), {"kind": "false", "note": "少报"},
                          format="json").json()["flags"][-1]["id"]
    response = client.patch(detail_url(acc.pk), {"summary": "改", "reason": "改", "version": 1}, format="json")
    assert response.status_code == 409 and response.json()["current_version"] == 2
    response = client.post(detail_url(acc.pk, f"flags/{flag_id}/confirm"), {"comment": "查实", "version": 1},
                           format="json")
    assert response.status_code == 409
    assert ReportingFlag.objects.get(pk=flag_id).state == FlagState.RECORDED


def test_api_answers_409_to_a_stale_rectification_version(world, api, regulator):
    rect = rectification_in(world, RectificationState.OPEN)
    client = act_as(api, regulator)
    base = detail_url(rect.accident_id, f"rectifications/{rect.pk}")
    assert client.post(base + "rectify/", {"note": "已整改", "version": 1}, format="json").status_code == 200
    # the rectification is at version 2 now: a verification sent for version 1 is refused
    response = client.post(base + "verify/", {"version": 1}, format="json")
    assert response.status_code == 409 and response.json()["current_version"] == 2
    assert AccidentRectification.objects.get(pk=rect.pk).state == RectificationState.RECTIFIED
    assert client.post(base + "verify/", {"version": 2}, format="json").status_code == 200


# --- a guard's refusal names its field ------------------------------------------------------------

def test_guard_refusals_name_their_field(world, api, regulator):
    # an ordinary accident's approval cannot be extended: the days are refused
    acc = in_state(world, AccidentState.REPORT_SUBMITTED)
    with pytest.raises(ValidationError) as err:
        services.extend_approval(acc, actor=regulator, days=5, reason="复杂")
    assert err.value.message_dict == {"days": [
        str(ACCIDENT_MACHINE["extend_approval"].guards[1].message)]}
    # a second declaration of the stable situation names its time, through the API too
    client = act_as(api, regulator)
    url = detail_url(acc.pk, "situation-stable")
    assert client.post(url, {"stable_at": timezone.now().isoformat()}, format="json").status_code == 200
    response = client.post(url, {"stable_at": timezone.now().isoformat()}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["stable_at"]
    # a step from the wrong state names the state
    response = client.post(detail_url(acc.pk, "investigation"), {"leader": "张三"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["state"]


def test_the_machine_table_lists_the_rules():
    rows = {row["action"]: row for row in ACCIDENT_MACHINE.table()}
    assert rows["start_investigation"]["to"] == str(AccidentState.INVESTIGATING.label)
    assert len(rows["extend_approval"]["rules"]) == 3


# --- one list for the buttons and the API ----------------------------------------------------------

@pytest.mark.parametrize("who", [Role.REGULATOR, Role.ENTERPRISE, Role.COMMITTEE_OFFICE])
def test_page_buttons_and_api_actions_are_the_same_list(world, api, client, who):
    acc = in_state(world, AccidentState.INVESTIGATING)
    user = fresh(world.users[who])
    expected = available_actions(user, acc)
    assert act_as(api, user).get(detail_url(acc.pk)).json()["available_actions"] == expected
    client.force_login(user)
    html = client.get(reverse("accidents:detail", args=[acc.pk])).content.decode()
    assert re.findall(r'href="[^"]*" data-action="([a-z_]+)"', html) == expected
    if who == Role.REGULATOR:
        assert expected[:3] == ["update", "casualty_update", "record_followup"] and "void" in expected
    if who == Role.COMMITTEE_OFFICE:
        assert expected == []


def test_every_event_code_and_step_has_a_timeline_label():
    # given the event codes of events.py (the services write only these)
    codes = {value for name, value in vars(ev).items() if name.isupper() and isinstance(value, str)}
    # then each has a label, and every step declares the one it writes (the system step writes none)
    assert codes == set(ev.EVENT_LABELS)
    steps = [s for m in (ACCIDENT_MACHINE, RECTIFICATION_MACHINE, FLAG_MACHINE) for s in m.steps]
    assert {s.action for s in steps if not s.event} == {FLAG_RAISED_AGAIN}
    assert {s.event for s in steps if s.event} | {code for code, _call in OTHER_CODES.values()} <= codes


@pytest.mark.parametrize("who", [Role.REGULATOR, Role.ENTERPRISE])
def test_row_buttons_cost_no_query_per_row(world, client, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given an accident with one flag and one rectification
    regulator = world.users[Role.REGULATOR]
    acc = make_accident(regulator, enterprise=world.ent_a)

    def add_rows():
        a = Accident.objects.get(pk=acc.pk)
        services.record_flag(a, actor=regulator, kind="omitted", note="漏报")
        ACCIDENT_STEPS["add_rectification"](Accident.objects.get(pk=acc.pk), regulator)

    add_rows()
    client.force_login(fresh(world.users[who]))
    url = reverse("accidents:detail", args=[acc.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        html = client.get(url).content.decode()
    # the row buttons are the machines' (the enterprise reports the rectification done, the regulator
    # also decides the flag)
    assert ("decide_flag" in html) is (who == Role.REGULATOR) and "?rectification=" in html
    # when three more of each are added, then the page costs the same queries
    for _i in range(3):
        add_rows()
    with CaptureQueriesContext(connection) as four:
        assert client.get(url).status_code == 200
    assert len(four) == len(one)

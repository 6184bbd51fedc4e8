"""Each step of the closed loop through the API: who may take it (per role and grade), in which
state, what it answers (the updated hazard), the 五落实 check, extensions, the dual report,
listing, jurisdiction (404 for another county on every step) and conflicts (409): a stale
version on both databases, and two people acting at the same moment on PostgreSQL."""

import datetime
import importlib
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from anjian.core.models import Attachment
from anjian.core.services import attachments_for, events_for
from anjian.core.testing.files import image_upload
from anjian.hazards import services
from anjian.hazards.choices import ExtensionState, HazardState
from anjian.hazards.models import PLAN_FIELDS, DeadlineExtension, Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import (
    COMPLETE_PLAN,
    DUAL_REPORT_TEXTS,
    make_hazard,
    make_user,
    pass_recheck,
)
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, api_url, expect, fresh

pytestmark = pytest.mark.django_db

S = HazardState


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def at_state(world, state: str, *, major: bool = False, enterprise=None) -> Hazard:
    """A hazard of enterprise A brought to ``state`` through the services (by an administrator)."""
    admin = world.users[Role.ADMIN]
    h = make_hazard(enterprise or world.ent_a, admin, major=major, **(COMPLETE_PLAN if major else {}))
    if state == S.REPORTED:
        return h
    h = services.start_rectification(h, actor=admin)
    if state == S.RECTIFYING:
        return h
    h = services.submit_rectification(h, actor=admin, note="已更换阀门")
    if state == S.RECTIFIED:
        return h
    # Found by the administrator (a government inspection): re-checked (复查) as it is accepted.
    h = pass_recheck(services.accept_rectification(h, actor=admin), admin)
    if state == S.ACCEPTED:
        return h
    return services.close_hazard(h, actor=admin)


def with_pending_extension(world, *, major: bool = False) -> tuple[Hazard, DeadlineExtension]:
    h = at_state(world, S.REPORTED, major=major)
    ext = services.request_extension(h, actor=world.users[Role.ADMIN], new_deadline=in_days(40), reason="设备到货延迟")
    return Hazard.objects.get(pk=h.pk), ext


def step_url(hazard: Hazard, step: str, ext=None) -> str:
    if ext is not None:
        return reverse(f"hazard-{step}", args=[hazard.pk, ext.pk])
    return api_url("hazard", hazard.pk, step)


# Who may take each step on a county-A hazard of enterprise A (machinery, in grid A): the
# enterprise rectifies and accepts general hazards; only the regulator accepts major ones; the
# grid officer, expert and committee office hold no right to act (403); the construction
# officer and county B's regulator cannot see the hazard at all (404).
RECTIFIER = expect(403, admin=200, enterprise=200, industry_officer=404, other_county=404)
REGULATOR_ONLY = expect(403, admin=200, regulator=200, industry_officer=404, other_county=404)
EITHER_SIDE = expect(403, admin=200, regulator=200, enterprise=200, industry_officer=404, other_county=404)

# step, state, major, payload, expected status per actor, state afterwards
STEPS = [
    ("start-rectification", S.REPORTED, False, {}, RECTIFIER, S.RECTIFYING),
    ("start-rectification", S.REPORTED, True, {}, RECTIFIER, S.RECTIFYING),
    ("submit-rectification", S.RECTIFYING, False, {"note": "已加装防护罩"}, RECTIFIER, S.RECTIFIED),
    ("accept", S.RECTIFIED, False, {"comment": "验收合格"}, RECTIFIER, S.ACCEPTED),
    ("accept", S.RECTIFIED, True, {"comment": "验收合格"}, REGULATOR_ONLY, S.ACCEPTED),
    ("refuse-acceptance", S.RECTIFIED, False, {"reason": "防护罩未固定"}, RECTIFIER, S.RECTIFYING),
    ("refuse-acceptance", S.RECTIFIED, True, {"reason": "防护罩未固定"}, REGULATOR_ONLY, S.RECTIFYING),
    ("close", S.ACCEPTED, False, {}, RECTIFIER, S.CLOSED),
    ("close", S.ACCEPTED, True, {}, REGULATOR_ONLY, S.CLOSED),
    ("plan", S.REPORTED, True, {"plan_funds": "80000.00"}, EITHER_SIDE, S.REPORTED),
    ("request-extension", S.REPORTED, False, {"new_deadline": "IN_30", "reason": "备件未到"}, RECTIFIER,
     S.REPORTED),
    ("dual-report", S.REPORTED, True, {"recipient": "regulator", "reported_on": "TODAY", **DUAL_REPORT_TEXTS},
     EITHER_SIDE, S.REPORTED),
    ("list-for-supervision", S.REPORTED, True, {"level": "county", "deadline": "IN_30", "department": "DEPT_A"},
     REGULATOR_ONLY, S.REPORTED),
]


def payload_for(world, payload: dict) -> dict:
    values = {"IN_30": in_days(30).isoformat(), "TODAY": timezone.localdate().isoformat(), "DEPT_A": world.dept_a.pk}
    return {k: values.get(v, v) for k, v in payload.items()}


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
@pytest.mark.parametrize(("step", "state", "major", "payload", "statuses", "after"), STEPS,
                         ids=[f"{s[0]}-{'major' if s[2] else 'general'}" for s in STEPS])
def test_step_by_role(world, api, who, step, state, major, payload, statuses, after):
    # given a hazard in the state the step starts from, and a user of this role
    hazard = at_state(world, state, major=major)
    method = "patch" if step == "plan" else "post"
    # when they take the step
    response = getattr(act_as(api, world.users[who]), method)(step_url(hazard, step), payload_for(world, payload),
                                                              format="json")
    # then the status is the table's; an allowed step answers the updated hazard, a refused one changes nothing
    assert response.status_code == statuses[who], response.content
    current = Hazard.objects.get(pk=hazard.pk)
    if response.status_code == 200:
        body = response.json()
        assert body["id"] == hazard.pk and body["state"] == after == current.state
        assert body["version"] == current.version == hazard.version + 1
        assert "available_actions" in body and body["timeline"][0]["actor"] == world.users[who].pk
    else:
        assert (current.state, current.version) == (hazard.state, hazard.version)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
@pytest.mark.parametrize("decision", ["approve", "refuse"])
@pytest.mark.parametrize("major", [False, True], ids=["general", "major"])
def test_extension_decision_by_role(world, api, who, decision, major):
    # given a pending extension request, and a user of this role
    hazard, ext = with_pending_extension(world, major=major)
    # when they decide on it
    response = act_as(api, world.users[who]).post(step_url(hazard, f"{decision}-extension", ext),
                                                  {"comment": "同意" if decision == "approve" else "理由不充分"},
                                                  format="json")
    # then only who may accept the hazard decides (the enterprise for general, the regulator for major)
    expected = (REGULATOR_ONLY if major else RECTIFIER)[who]
    assert response.status_code == expected, response.content
    ext.refresh_from_db()
    if expected == 200:
        assert ext.state == (ExtensionState.APPROVED if decision == "approve" else ExtensionState.REFUSED)
        deadline = in_days(40) if decision == "approve" else hazard.deadline
        assert response.json()["deadline"] == deadline.isoformat()
    else:
        assert ext.state == ExtensionState.PENDING


# --- refused by state -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "state", "major", "payload", "field"),
    [
        ("start-rectification", S.RECTIFYING, False, {}, "state"),
        ("submit-rectification", S.REPORTED, False, {"note": "已整改"}, "state"),
        ("accept", S.RECTIFYING, False, {}, "state"),
        ("refuse-acceptance", S.ACCEPTED, False, {"reason": "不合格"}, "state"),
        ("close", S.RECTIFIED, False, {}, "state"),
        ("plan", S.RECTIFIED, True, {"plan_funds": "1000"}, "state"),
        ("request-extension", S.RECTIFIED, False, {"new_deadline": "IN_30", "reason": "备件未到"}, "state"),
        ("dual-report", S.REPORTED, False, {"recipient": "regulator", "reported_on": "TODAY", **DUAL_REPORT_TEXTS},
         "grade"),
        ("list-for-supervision", S.REPORTED, False, {"level": "county", "deadline": "IN_30", "department": "DEPT_A"},
         "grade"),
        ("list-for-supervision", S.CLOSED, True, {"level": "county", "deadline": "IN_30", "department": "DEPT_A"},
         "state"),
    ],
    ids=["start-twice", "submit-unstarted", "accept-unsubmitted", "refuse-accepted", "close-unaccepted",
         "plan-after-submit", "extend-after-submit", "dual-report-general", "list-general", "list-closed"],
)
def test_step_refused_in_this_state(world, api, step, state, major, payload, field):
    # given a hazard in a state (or of a grade) the step does not apply to, and the administrator
    hazard = at_state(world, state, major=major)
    method = "patch" if step == "plan" else "post"
    # when they take the step
    response = getattr(act_as(api, world.users[Role.ADMIN]), method)(step_url(hazard, step),
                                                                     payload_for(world, payload), format="json")
    # then 400 names the reason's field and nothing changes
    assert response.status_code == 400, response.content
    assert field in response.json()
    current = Hazard.objects.get(pk=hazard.pk)
    assert (current.state, current.version) == (hazard.state, hazard.version)


@pytest.mark.parametrize(
    ("step", "state", "payload", "field"),
    [
        ("submit-rectification", S.RECTIFYING, {"note": ""}, "note"),
        ("refuse-acceptance", S.RECTIFIED, {"reason": ""}, "reason"),
        ("request-extension", S.REPORTED, {"new_deadline": "PAST", "reason": "备件未到"}, "new_deadline"),
        ("request-extension", S.REPORTED, {"new_deadline": "IN_30"}, "reason"),
        ("plan", S.REPORTED, {"plan_funds": "-5"}, "plan_funds"),
        ("dual-report", S.REPORTED, {"reported_on": "TODAY"}, "recipient"),
        ("dual-report", S.REPORTED, {"recipient": "congress", "reported_on": "2000-01-01", **DUAL_REPORT_TEXTS},
         "reported_on"),
        ("list-for-supervision", S.REPORTED, {"level": "village", "deadline": "IN_30", "department": "DEPT_A"},
         "level"),
        ("list-for-supervision", S.REPORTED, {"level": "county", "deadline": "PAST", "department": "DEPT_A"},
         "deadline"),
        ("list-for-supervision", S.REPORTED, {"level": "county", "deadline": "IN_30", "department": "DEPT_B"},
         "department"),
    ],
    ids=["note", "reason", "earlier-deadline", "extension-reason", "negative-funds", "no-recipient",
         "report-before-found", "level", "listing-deadline", "foreign-department"],
)
def test_step_input_errors_name_the_field(world, api, step, state, payload, field):
    # given a major hazard in the step's state and the regulator (or the enterprise for its own steps)
    hazard = at_state(world, state, major=True)
    who = Role.REGULATOR if step in ("refuse-acceptance", "dual-report", "list-for-supervision") else Role.ENTERPRISE
    values = {"PAST": in_days(-1).isoformat(), "DEPT_B": world.dept_b.pk}
    data = {k: values.get(v, v) for k, v in payload_for(world, payload).items()}
    method = "patch" if step == "plan" else "post"
    # when the input is wrong
    response = getattr(act_as(api, world.users[who]), method)(step_url(hazard, step), data, format="json")
    # then 400 names the field
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_enterprise_cannot_accept_a_major_hazard(world, api):
    # given a rectified major hazard and the enterprise's own user, reading in English
    hazard = at_state(world, S.RECTIFIED, major=True)
    # when they accept it themselves
    response = act_as(api, world.users[Role.ENTERPRISE]).post(step_url(hazard, "accept"), {}, format="json",
                                                              HTTP_ACCEPT_LANGUAGE="en")
    # then 403: a major hazard is accepted by the regulator
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not take this step on this hazard."
    # and its detail does not offer the step to them, but offers it to the regulator
    mine = act_as(api, world.users[Role.ENTERPRISE]).get(api_url("hazard", hazard.pk)).json()
    assert "accept" not in mine["available_actions"]
    theirs = act_as(api, world.users[Role.REGULATOR]).get(api_url("hazard", hazard.pk)).json()
    assert {"accept", "refuse_acceptance"} <= set(theirs["available_actions"])


# --- 五落实 ------------------------------------------------------------------------------------------


def test_major_hazard_cannot_start_without_its_plan(world, api):
    # given a major hazard whose 五落实 plan names only the responsible person
    hazard = make_hazard(world.ent_a, world.users[Role.ADMIN], major=True)
    client = act_as(api, world.users[Role.ENTERPRISE])
    assert client.patch(step_url(hazard, "plan"), {"plan_responsible": "张三"}, format="json").status_code == 200
    # when the enterprise starts rectification
    response = client.post(step_url(hazard, "start-rectification"), {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    # then 400 names each missing item, in English for an English reader
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == set(PLAN_FIELDS) - {"plan_responsible"}
    assert body["plan_funds"] == ["funds (yuan) is missing from the 五落实 plan; a major hazard cannot start "
                                  "rectification without it."]
    assert Hazard.objects.get(pk=hazard.pk).state == S.REPORTED
    # and once the plan is complete (PUT), it starts
    plan = {**COMPLETE_PLAN, "plan_deadline": COMPLETE_PLAN["plan_deadline"].isoformat()}
    put = client.put(step_url(hazard, "plan"), plan, format="json")
    assert put.status_code == 200 and put.json()["missing_plan_fields"] == []
    started = client.post(step_url(hazard, "start-rectification"), {}, format="json")
    assert started.status_code == 200 and started.json()["state"] == S.RECTIFYING


def test_plan_keeps_fields_left_out(world, api):
    # given a major hazard with a complete plan
    hazard = at_state(world, S.REPORTED, major=True)
    # when the regulator changes only the funds
    response = act_as(api, world.users[Role.REGULATOR]).patch(step_url(hazard, "plan"), {"plan_funds": "90000"},
                                                              format="json")
    # then the funds change and the rest of the plan stays
    assert response.status_code == 200
    body = response.json()
    assert body["plan_funds"] == "90000.00" and body["plan_responsible"] == COMPLETE_PLAN["plan_responsible"]
    assert body["timeline"][0]["action"] == "plan_updated"


# --- evidence, refusal, extensions, dual report, listing -------------------------------------------


def test_submission_attaches_the_evidence(world, api):
    # given a hazard under rectification
    hazard = at_state(world, S.RECTIFYING)
    files = [image_upload("整改后.jpg"),
             SimpleUploadedFile("验收单.pdf", b"%PDF-1.4", content_type="application/pdf")]
    # when the enterprise submits the rectification with two files (multipart)
    response = act_as(api, world.users[Role.ENTERPRISE]).post(
        step_url(hazard, "submit-rectification"), {"note": "已加装防护罩", "evidence": files,
                                                   "version": hazard.version}, format="multipart")
    # then it is rectified, with the note, and the files are evidence tied to that step
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == S.RECTIFIED and body["rectification_note"] == "已加装防护罩"
    event = body["timeline"][0]
    assert event["action"] == "rectification_submitted" and event["comment"] == "已加装防护罩"
    assert (event["from_state"], event["to_state"]) == (S.RECTIFYING, S.RECTIFIED)
    assert sorted(a["name"] for a in event["attachments"]) == ["整改后.jpg", "验收单.pdf"]
    assert set(attachments_for(hazard).values_list("kind", flat=True)) == {Attachment.Kind.EVIDENCE}


def test_refused_acceptance_goes_back_to_rectifying(world, api):
    # given a rectified general hazard
    hazard = at_state(world, S.RECTIFIED)
    # when the enterprise refuses the acceptance with a reason
    response = act_as(api, world.users[Role.ENTERPRISE]).post(step_url(hazard, "refuse-acceptance"),
                                                              {"reason": "防护罩未固定"}, format="json")
    # then it is back under rectification, and the reason is on the timeline
    assert response.status_code == 200
    assert response.json()["state"] == S.RECTIFYING
    assert response.json()["timeline"][0]["comment"] == "防护罩未固定"


def test_full_loop_of_a_general_hazard_by_the_enterprise(world, api):
    # given a general hazard reported by the grid officer
    hazard = make_hazard(world.ent_a, world.users[Role.GRID_OFFICER])
    client = act_as(api, world.users[Role.ENTERPRISE])
    # and a second user of the enterprise, who rectifies (the acceptor is not the rectifier: issue #10)
    rectifier = act_as(APIClient(), make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a))
    grid = act_as(APIClient(), world.users[Role.GRID_OFFICER])
    # when the enterprise starts, submits and accepts it, the grid officer re-checks it (复查: its patrol found
    # it) and the enterprise closes it out, each time naming the version it saw
    version = hazard.version
    for who, step, data in [(client, "start-rectification", {}), (rectifier, "submit-rectification", {"note": "已整改"}),
                            (client, "accept", {}), (grid, "recheck", {"outcome": "passed", "opinion": "复查合格"}),
                            (client, "close", {"comment": "销号"})]:
        response = who.post(step_url(hazard, step), {**data, "version": version}, format="json")
        assert response.status_code == 200, (step, response.content)
        version = response.json()["version"]
    # then it is closed out, with the whole loop on its timeline, newest first
    body = client.get(api_url("hazard", hazard.pk)).json()
    assert body["state"] == S.CLOSED and body["closed_at"] and body["accepted_by"] == world.users[Role.ENTERPRISE].name
    assert [e["action"] for e in body["timeline"]] == ["closed", "rechecked", "accepted", "rectification_submitted",
                                                      "rectification_started", "reported"]
    assert body["available_actions"] == []


def test_extension_flow(world, api):
    # given a reported general hazard
    hazard = at_state(world, S.REPORTED)
    client = act_as(api, world.users[Role.ENTERPRISE])
    # when the enterprise requests a later deadline
    response = client.post(step_url(hazard, "request-extension"),
                           {"new_deadline": in_days(30).isoformat(), "reason": "备件未到"}, format="json")
    # then the request is pending on the hazard's detail, and a second request is refused
    assert response.status_code == 200, response.content
    ext = response.json()["extensions"][0]
    assert ext["state"] == ExtensionState.PENDING and ext["requested_deadline"] == in_days(30).isoformat()
    assert "approve_extension" in response.json()["available_actions"]
    again = client.post(step_url(hazard, "request-extension"),
                        {"new_deadline": in_days(31).isoformat(), "reason": "再延"}, format="json")
    assert again.status_code == 400 and "new_deadline" in again.json()
    # when it is refused without a reason, then 400 names the comment
    ext_obj = DeadlineExtension.objects.get(pk=ext["id"])
    assert client.post(step_url(hazard, "refuse-extension", ext_obj), {}, format="json").json().keys() == {"comment"}
    # when it is approved, then the deadline moves; deciding again is a conflict
    approved = client.post(step_url(hazard, "approve-extension", ext_obj), {}, format="json")
    assert approved.status_code == 200 and approved.json()["deadline"] == in_days(30).isoformat()
    assert approved.json()["extensions"][0]["state"] == ExtensionState.APPROVED
    assert client.post(step_url(hazard, "approve-extension", ext_obj), {}, format="json").status_code == 409


def test_extension_of_another_hazard_is_not_found(world, api):
    # given two hazards, one with a pending extension
    _, ext = with_pending_extension(world)
    other = at_state(world, S.REPORTED)
    # when its id is used under the other hazard, then 404
    response = act_as(api, world.users[Role.ENTERPRISE]).post(step_url(other, "approve-extension", ext), {},
                                                              format="json")
    assert response.status_code == 404


def test_dual_report(world, api):
    # given a reported major hazard
    hazard = at_state(world, S.REPORTED, major=True)
    today = timezone.localdate().isoformat()
    client = act_as(api, world.users[Role.ENTERPRISE])
    # when the enterprise reports it to the department (by default its supervising one) and to the congress
    for recipient in ("regulator", "congress"):
        response = client.post(step_url(hazard, "dual-report"),
                               {"recipient": recipient, "reported_on": today, **DUAL_REPORT_TEXTS}, format="json")
        assert response.status_code == 200, response.content
    # then nothing is missing from the dual report, and both reports are on the hazard
    body = response.json()
    assert body["missing_dual_reports"] == [] and body["reported_to_congress_on"] == today
    assert [(r["recipient"], r["department"]) for r in body["dual_reports"]] == [("regulator", world.dept_a.pk),
                                                                                ("congress", None)]


def test_listing(world, api):
    # given a reported major hazard and the county A regulator
    hazard = at_state(world, S.REPORTED, major=True)
    client = act_as(api, world.users[Role.REGULATOR])
    # when they list it, by default for their own department
    response = client.post(step_url(hazard, "list-for-supervision"),
                           {"level": "county", "deadline": in_days(60).isoformat(), "document_number": "甲安督〔2026〕1号",
                            "requirements": "限期完成整改"}, format="json")
    # then it is under listed supervision with the listing on its detail, and cannot be listed twice
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_listed"] is True
    assert body["listings"][0]["department"] == world.dept_a.pk and body["listings"][0]["level"] == "county"
    again = client.post(step_url(hazard, "list-for-supervision"),
                        {"level": "city", "deadline": in_days(60).isoformat()}, format="json")
    assert again.status_code == 400 and "level" in again.json()


# --- jurisdiction -------------------------------------------------------------------------------------


ALL_STEPS = ["start-rectification", "submit-rectification", "accept", "refuse-acceptance", "close", "plan",
             "request-extension", "dual-report", "list-for-supervision", "approve-extension", "refuse-extension",
             "recheck"]


@pytest.mark.parametrize("step", ALL_STEPS)
def test_other_county_gets_404_on_every_step(world, api, step):
    # given a county-A hazard with a pending extension, and county B's regulator
    hazard, ext = with_pending_extension(world, major=True)
    client = act_as(api, world.users["other_county"])
    url = step_url(hazard, step, ext if step.endswith("-extension") and step != "request-extension" else None)
    # when they take any step on it, then it does not exist for them, and nothing changes
    response = (client.patch if step == "plan" else client.post)(url, {}, format="json")
    assert response.status_code == 404, response.content
    assert Hazard.objects.get(pk=hazard.pk).version == hazard.version
    assert client.get(api_url("hazard", hazard.pk)).status_code == 404


def test_unknown_hazard_is_not_found(world, api):
    # given a hazard id that does not exist, when the administrator starts it, then 404
    response = act_as(api, world.users[Role.ADMIN]).post(api_url("hazard", 987654, "start-rectification"), {},
                                                         format="json")
    assert response.status_code == 404


# --- conflicts ------------------------------------------------------------------------------------------


def test_version_mismatch_is_a_conflict(world, api):
    # given a reported hazard at version 1
    hazard = at_state(world, S.REPORTED)
    # when the enterprise starts it naming a version it cannot have seen
    response = act_as(api, world.users[Role.ENTERPRISE]).post(step_url(hazard, "start-rectification"),
                                                              {"version": hazard.version + 3}, format="json")
    # then 409, with the state and version as they are now, and nothing written
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "conflict" and body["current_state"] == S.REPORTED
    assert body["current_version"] == hazard.version
    assert Hazard.objects.get(pk=hazard.pk).state == S.REPORTED


def test_stale_version_after_someone_else_acted(world, api):
    # given a rectified general hazard both the enterprise's safety manager and the administrator opened
    hazard = at_state(world, S.RECTIFIED)
    seen = act_as(api, world.users[Role.ENTERPRISE]).get(api_url("hazard", hazard.pk)).json()["version"]
    # when the administrator accepts it first
    first = act_as(api, world.users[Role.ADMIN]).post(step_url(hazard, "accept"), {"version": seen}, format="json")
    assert first.status_code == 200
    # then the enterprise's refusal, made on the version it saw, is a conflict naming the new state
    second = act_as(api, world.users[Role.ENTERPRISE]).post(step_url(hazard, "refuse-acceptance"),
                                                            {"reason": "不合格", "version": seen}, format="json",
                                                            HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 409, second.content
    assert second.json()["current_state"] == S.ACCEPTED and second.json()["current_version"] == seen + 1
    assert "changed by someone else" in second.json()["detail"]
    assert Hazard.objects.get(pk=hazard.pk).state == S.ACCEPTED
    assert not events_for(hazard).filter(action="acceptance_refused").exists()


@pytest.fixture
def reference_data(transactional_db):
    """Committed tests end with a flush that empties the tables the migrations filled (the
    industry taxonomy), so one that ran before may have left them empty: load them again and
    forget the per-process caches of the old rows. (Not serialized rollback: the flush re-creates
    the role groups, which the restore would then insert a second time.)"""
    from django.apps import apps

    from anjian.core.scoping import INDUSTRIES, REGION_PATHS
    from anjian.enterprises.models import Industry

    if not Industry.objects.exists():
        importlib.import_module("anjian.enterprises.migrations.0003_load_industries").load(apps, None)
    INDUSTRIES.clear()
    REGION_PATHS.clear()


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: SQLite serialises writers on one database lock, so two requests "
                           "never hold row locks at the same time (run with DATABASE_URL=postgres://…)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_steps_one_wins_one_conflicts(reference_data, world):
    # given a rectified general hazard, committed, that two people opened at the same version
    hazard = at_state(world, S.RECTIFIED)
    seen = hazard.version
    requests = [
        (world.users[Role.ENTERPRISE], "accept", {"comment": "合格", "version": seen}),
        (world.users[Role.ADMIN], "refuse-acceptance", {"reason": "不合格", "version": seen}),
    ]
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def act(user, step, data):
        # each thread is its own web request on its own database connection
        try:
            client = APIClient()
            client.force_authenticate(fresh(user))
            barrier.wait(timeout=10)
            statuses.append(client.post(step_url(hazard, step), data, format="json").status_code)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()

    # when both act at the same moment
    threads = [threading.Thread(target=act, args=r) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # then exactly one step is taken and the other is told of the conflict
    assert not errors, errors
    assert sorted(statuses) == [200, 409]
    current = Hazard.objects.get(pk=hazard.pk)
    assert current.version == seen + 1 and current.state in (S.ACCEPTED, S.RECTIFYING)
    assert events_for(current).filter(action__in=["accepted", "acceptance_refused"]).count() == 1

"""The hazard loop declared once (choices.HAZARD_MACHINE, hazards.policy) and taken through the
one write path (core.workflow): the steps offered (the page's buttons, the API's
``available_actions``) are exactly those the services take; every step refuses a stale version
(ConflictError, 409); a guard's refusal names its field; a closed-out hazard is voided neither on
the page nor through the API; the events are the codes of hazards.events, each with a label."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.core.services import ConflictError, events_for
from anjian.hazards import events, services
from anjian.hazards.choices import (
    HAZARD_MACHINE,
    RESULT_REPORT_STATES,
    ExtensionState,
    HazardState,
    ListingState,
)
from anjian.hazards.models import Hazard
from anjian.hazards.policy import policy
from anjian.hazards.views import ACTIONS
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, make_hazard, make_user, pass_recheck
from anjian.portal.testing.mixins import act_as, api_url

pytestmark = pytest.mark.django_db
S = HazardState
BY_DEFINITION = {"grade": "major", "definition_condition": "hard_to_rectify",
                 "definition_justification": "需全部停产并经较长时间整改才能消除"}


def later(days: int = 30) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def fresh(h: Hazard) -> Hazard:
    return Hazard.objects.get(pk=h.pk)


class Loop:
    """Drives hazards of enterprise A along the loop, each step by whoever takes it."""

    def __init__(self, world):
        self.world = world
        self.ent_user = world.users[Role.ENTERPRISE]
        self.colleague = make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a)
        self.regulator = world.users[Role.REGULATOR]
        self.admin = world.users[Role.ADMIN]

    def acceptor(self, h: Hazard):
        return self.regulator if h.is_major else self.colleague

    def to(self, h: Hazard, state: str) -> Hazard:
        order = [S.REPORTED, S.RECTIFYING, S.RECTIFIED, S.ACCEPTED, S.CLOSED]
        while order.index(h.state) < order.index(state):
            h = fresh(h)
            if h.state == S.REPORTED:
                if h.is_major:
                    h = services.update_plan(h, actor=self.ent_user, plan=COMPLETE_PLAN)
                h = services.start_rectification(h, actor=self.ent_user)
            elif h.state == S.RECTIFYING:
                h = services.submit_rectification(h, actor=self.ent_user, note="已更换配电箱门锁")
            elif h.state == S.RECTIFIED:
                h = services.accept_rectification(h, actor=self.acceptor(h))
            else:
                h = services.close_hazard(pass_recheck(h, self.regulator), actor=self.acceptor(h))
        return fresh(h)

    def listed(self, h: Hazard) -> Hazard:
        services.list_for_supervision(fresh(h), actor=self.regulator, deadline=later(), department=self.world.dept_a)
        return fresh(h)

    def variants(self) -> dict[str, Hazard]:
        """Hazards in every state, and in the situations the guards are about."""
        ent, reg, world = self.ent_user, self.regulator, self.world
        out = {f"general {s}": self.to(make_hazard(world.ent_a, ent), s) for s in S.values}
        out.update({f"major {s}": self.to(make_hazard(world.ent_a, ent, major=True), s) for s in S.values})
        out["major without its plan"] = make_hazard(world.ent_a, ent, major=True)
        out["major awaiting confirmation"] = make_hazard(world.ent_a, ent, **BY_DEFINITION)
        pending = make_hazard(world.ent_a, ent)
        services.request_extension(pending, actor=ent, new_deadline=later(40), reason="配件未到货")
        out["general with a pending extension"] = fresh(pending)
        out["found by the regulator, rectified"] = self.to(make_hazard(world.ent_a, reg), S.RECTIFIED)
        out["major listed"] = self.listed(make_hazard(world.ent_a, ent, major=True))
        out["major listed, closed out"] = self.to(self.listed(make_hazard(world.ent_a, ent, major=True)), S.CLOSED)
        voided = make_hazard(world.ent_a, ent)
        out["voided"] = services.void_hazard(voided, actor=self.admin, reason="录入错误")
        return out

    def actors(self) -> dict[str, object]:
        users = self.world.users
        return {"enterprise (rectifier)": self.ent_user, "enterprise colleague": self.colleague,
                "regulator": self.regulator, "grid officer": users[Role.GRID_OFFICER],
                "committee office": users[Role.COMMITTEE_OFFICE], "other county": users["other_county"],
                "administrator": self.admin}


def take(step: str, h: Hazard, actor, world):
    """Take ``step`` on ``h`` for ``actor`` through its service, with input the step accepts."""
    pending = h.extensions.filter(state=ExtensionState.PENDING).first()
    listing = h.listings.filter(state=ListingState.LISTED).first()
    run = {
        "update_plan": lambda: services.update_plan(h, actor=actor, plan=COMPLETE_PLAN),
        "start_rectification": lambda: services.start_rectification(h, actor=actor),
        "correct": lambda: services.update_hazard(h, actor=actor, data={"description": "配电箱线路裸露（已更正）"}),
        "submit_rectification": lambda: services.submit_rectification(h, actor=actor, note="已更换"),
        "accept": lambda: services.accept_rectification(h, actor=actor),
        "refuse_acceptance": lambda: services.refuse_acceptance(h, actor=actor, reason="门锁仍未安装"),
        "close": lambda: services.close_hazard(h, actor=actor),
        "request_extension": lambda: services.request_extension(h, actor=actor, new_deadline=h.deadline + datetime.timedelta(days=30),
                                                                reason="配件未到货"),
        "approve_extension": lambda: services.decide_extension(pending, actor=actor, approve=True),
        "refuse_extension": lambda: services.decide_extension(pending, actor=actor, approve=False, comment="不同意"),
        "record_dual_report": lambda: services.record_dual_report(
            h, actor=actor, recipient="congress", recipient_name="职工代表大会", reported_on=timezone.localdate(),
            stage="result" if h.state in RESULT_REPORT_STATES else "initial", situation="防火堤破损",
            severity_analysis="需停用罐区整改", treatment_plan="重建防火堤", treatment_result="已重建防火堤"),
        "recheck": lambda: services.record_recheck(h, actor=actor, outcome="passed", opinion="现场复查合格"),
        "report_progress": lambda: services.report_listing_progress(listing, actor=actor, content="已完成设备采购"),
        "confirm_major": lambda: services.confirm_major(h, actor=actor),
        "downgrade_major": lambda: services.downgrade_major(h, actor=actor, reason="可立即整改，不需停产"),
        "list": lambda: services.list_for_supervision(h, actor=actor, deadline=later(), department=world.dept_a),
        "delist": lambda: services.delist(listing, actor=actor, comment="验收合格，予以摘牌"),
        "void": lambda: services.void_hazard(h, actor=actor, reason="重复录入"),
    }[step]
    if (step.endswith("_extension") and step != "request_extension" and pending is None) \
            or (step in ("report_progress", "delist") and listing is None):
        raise ValidationError({"state": "nothing to take this step on"})
    return run()


class RolledBack(Exception):
    pass


def succeeds(step: str, h: Hazard, actor, world) -> bool:
    """Whether the service takes the step (nothing it wrote is kept)."""
    try:
        with transaction.atomic():
            take(step, fresh(h), actor, world)
            raise RolledBack
    except RolledBack:
        return True
    except (ValidationError, PermissionDenied, ConflictError):
        return False


def test_the_steps_offered_are_exactly_those_the_services_take(world):
    # given hazards in every state and situation, and people of every side
    loop = Loop(world)
    hazards, actors = loop.variants(), loop.actors()
    assert {step.action for step in HAZARD_MACHINE.steps} == set(ACTIONS)  # every step has its page
    disagreements = []
    for variant, h in hazards.items():
        for who, actor in actors.items():
            offered = set(services.available_actions(actor, fresh(h)))
            for step in HAZARD_MACHINE.steps:
                # when each person tries each step through its service
                taken = succeeds(step.action, h, actor, world)
                # then it is offered to them exactly when the service takes it
                if taken != (step.action in offered):
                    disagreements.append((variant, who, step.action, "taken" if taken else "refused"))
    assert disagreements == []


def test_the_loop_is_declared_once_with_its_rules():
    table = {row["action"]: row for row in HAZARD_MACHINE.table()}
    assert list(table) == [step.action for step in HAZARD_MACHINE.steps]
    assert table["void"]["rules"][0].startswith("已销号的隐患不能作废")  # the rule, as the docs show it
    assert [(s.action, s.target) for s in HAZARD_MACHINE.steps if s.target] == [
        ("start_rectification", S.RECTIFYING), ("submit_rectification", S.RECTIFIED), ("accept", S.ACCEPTED),
        ("refuse_acceptance", S.RECTIFYING), ("close", S.CLOSED)]
    # every step's event is a code of hazards.events, named for the timelines
    codes = {value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}
    assert {step.event for step in HAZARD_MACHINE.steps} <= codes
    assert codes == set(events.EVENT_LABELS)


# --- versions ---------------------------------------------------------------------------------------

STALE_STEPS = ["update_plan", "start_rectification", "correct", "submit_rectification", "accept",
               "refuse_acceptance", "close", "request_extension", "approve_extension", "record_dual_report",
               "recheck", "report_progress", "confirm_major", "downgrade_major", "list", "delist", "void"]


def _ready_for(step: str, loop: Loop) -> tuple[Hazard, object]:
    """A hazard on which ``step`` is possible, and who takes it."""
    world, ent, reg = loop.world, loop.ent_user, loop.regulator
    if step in ("update_plan", "start_rectification", "correct", "request_extension", "void"):
        return make_hazard(world.ent_a, ent), ent
    if step == "submit_rectification":
        return loop.to(make_hazard(world.ent_a, ent), S.RECTIFYING), ent
    if step in ("accept", "refuse_acceptance"):
        return loop.to(make_hazard(world.ent_a, ent), S.RECTIFIED), loop.colleague
    if step == "close":
        return loop.to(make_hazard(world.ent_a, ent), S.ACCEPTED), loop.colleague
    if step == "approve_extension":
        h = make_hazard(world.ent_a, ent)
        services.request_extension(h, actor=ent, new_deadline=later(40), reason="配件未到货")
        return fresh(h), ent
    if step in ("record_dual_report", "list"):
        return make_hazard(world.ent_a, ent, major=True), reg
    if step == "recheck":
        return loop.to(make_hazard(world.ent_a, reg), S.RECTIFIED), reg
    if step == "report_progress":
        return loop.listed(make_hazard(world.ent_a, ent, major=True)), ent
    if step == "delist":
        return loop.to(loop.listed(make_hazard(world.ent_a, ent, major=True)), S.CLOSED), reg
    return make_hazard(world.ent_a, ent, **BY_DEFINITION), reg  # confirm_major, downgrade_major


def _with_version(step: str, h: Hazard, actor, world, version: int):
    """Take ``step`` as ``take`` does, sending ``version`` as the version seen."""
    pending = h.extensions.filter(state=ExtensionState.PENDING).first()
    listing = h.listings.filter(state=ListingState.LISTED).first()
    v = {"expected_version": version}
    return {
        "update_plan": lambda: services.update_plan(h, actor=actor, plan=COMPLETE_PLAN, **v),
        "start_rectification": lambda: services.start_rectification(h, actor=actor, **v),
        "correct": lambda: services.update_hazard(h, actor=actor, data={"description": "已更正"}, **v),
        "submit_rectification": lambda: services.submit_rectification(h, actor=actor, note="已更换", **v),
        "accept": lambda: services.accept_rectification(h, actor=actor, **v),
        "refuse_acceptance": lambda: services.refuse_acceptance(h, actor=actor, reason="不合格", **v),
        "close": lambda: services.close_hazard(h, actor=actor, **v),
        "request_extension": lambda: services.request_extension(h, actor=actor, new_deadline=later(40),
                                                                reason="配件未到货", **v),
        "approve_extension": lambda: services.decide_extension(pending, actor=actor, approve=True, **v),
        "record_dual_report": lambda: services.record_dual_report(
            h, actor=actor, recipient="congress", reported_on=timezone.localdate(), situation="防火堤破损",
            severity_analysis="需停用罐区整改", treatment_plan="重建防火堤", **v),
        "recheck": lambda: services.record_recheck(h, actor=actor, outcome="passed", opinion="合格", **v),
        "report_progress": lambda: services.report_listing_progress(listing, actor=actor, content="进展", **v),
        "confirm_major": lambda: services.confirm_major(h, actor=actor, **v),
        "downgrade_major": lambda: services.downgrade_major(h, actor=actor, reason="可立即整改", **v),
        "list": lambda: services.list_for_supervision(h, actor=actor, deadline=later(), **v),
        "delist": lambda: services.delist(listing, actor=actor, **v),
        "void": lambda: services.void_hazard(h, actor=actor, reason="重复录入", **v),
    }[step]()


@pytest.mark.parametrize("step", STALE_STEPS)
def test_every_step_refuses_a_stale_version_and_writes_nothing(world, step):
    # given a hazard on which the step is possible, seen at a version someone else has moved on from
    loop = Loop(world)
    h, actor = _ready_for(step, loop)
    seen = h.version - 1
    before = (h.version, h.state, events_for(h).count())
    # when the step is taken with the version seen, then it is a conflict that tells the version now
    with pytest.raises(ConflictError) as conflict:
        _with_version(step, fresh(h), actor, world, seen)
    assert conflict.value.current_version == h.version
    # and nothing was written
    now = fresh(h)
    assert (now.version, now.state, events_for(now).count()) == before
    # while with the version as it is, the step goes through and moves the version on
    _with_version(step, fresh(h), actor, world, h.version)
    assert fresh(h).version == h.version + 1


@pytest.mark.parametrize(("step", "route", "payload"), [
    ("start_rectification", "start-rectification", {}),
    ("update_plan", "plan", {"plan_responsible": "张三"}),
    ("correct", None, {"description": "已更正"}),
    ("request_extension", "request-extension", {"reason": "配件未到货"}),
    ("void", "void", {"reason": "重复录入"}),
])
def test_the_api_answers_409_on_a_stale_version(world, api, step, route, payload):
    # given a reported hazard moved on by someone else since the client read it (version 1 → 2)
    loop = Loop(world)
    h = make_hazard(world.ent_a, loop.ent_user)
    services.update_plan(h, actor=loop.ent_user, plan={"plan_responsible": "李四"})
    client = act_as(api, loop.regulator if step == "void" else loop.ent_user)
    if step == "request_extension":
        payload = {**payload, "new_deadline": later(40).isoformat()}
    url = api_url("hazard", h.pk, route) if route else api_url("hazard", h.pk)
    send = client.patch if step in ("update_plan", "correct") else client.post
    # when the step is sent with the version the client saw, then 409 with the version now
    response = send(url, {**payload, "version": 1}, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["current_version"] == 2
    assert fresh(h).version == 2


def test_a_version_beyond_any_integer_is_a_400_naming_it(world, api):
    h = make_hazard(world.ent_a, world.users[Role.ENTERPRISE])
    client = act_as(api, world.users[Role.ENTERPRISE])
    response = client.post(api_url("hazard", h.pk, "start-rectification"), {"version": 10**30}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["version"]
    assert fresh(h).state == S.REPORTED


def test_the_page_sends_the_version_the_user_saw(world):
    # given the void form opened on a hazard, then someone else corrects the hazard
    loop = Loop(world)
    h = make_hazard(world.ent_a, loop.ent_user)
    client = Client()
    client.force_login(loop.regulator)
    url = reverse("hazards:action", args=[h.pk, "void"])
    seen = client.get(url).context["form"]["version"].value()
    services.update_hazard(fresh(h), actor=loop.ent_user, data={"description": "已更正"})
    # when the form is sent, then the conflict is shown and the hazard is not voided
    response = client.post(url, {"version": seen, "reason": "重复录入"})
    assert response.status_code == 302 and not fresh(h).is_voided
    # the same for a progress report on a listing
    listed = loop.listed(make_hazard(world.ent_a, loop.ent_user, major=True))
    url = reverse("hazards:action", args=[listed.pk, "report_progress"])
    seen = client.get(url).context["form"]["version"].value()
    services.update_plan(fresh(listed), actor=loop.ent_user, plan={"plan_responsible": "王五"})
    client.post(url, {"version": seen, "content": "已完成设备采购"})
    assert not listed.listings.get().progress.exists()


# --- guards and the closed hazard -------------------------------------------------------------------

def test_guard_refusals_name_their_field(world):
    loop = Loop(world)
    ent = loop.ent_user
    # a major hazard without its plan names each missing item
    with pytest.raises(ValidationError) as plan:
        services.start_rectification(make_hazard(world.ent_a, ent, major=True), actor=ent)
    assert set(plan.value.message_dict) == {"plan_responsible", "plan_measures", "plan_funds", "plan_deadline",
                                            "plan_contingency"}
    # a second extension request names the deadline
    h = make_hazard(world.ent_a, ent)
    services.request_extension(h, actor=ent, new_deadline=later(40), reason="配件未到货")
    with pytest.raises(ValidationError) as second:
        services.request_extension(fresh(h), actor=ent, new_deadline=later(50), reason="再延")
    assert list(second.value.message_dict) == ["new_deadline"]
    # a listed hazard is delisted before it is voided
    listed = loop.listed(make_hazard(world.ent_a, ent, major=True))
    with pytest.raises(ValidationError) as voided:
        services.void_hazard(listed, actor=loop.regulator, reason="重复录入")
    assert list(voided.value.message_dict) == ["is_voided"]
    # a closed-out hazard is not voided: the state names why
    closed = loop.to(make_hazard(world.ent_a, ent), S.CLOSED)
    with pytest.raises(ValidationError) as done:
        services.void_hazard(closed, actor=loop.admin, reason="重复录入")
    assert list(done.value.message_dict) == ["state"]
    assert not fresh(closed).is_voided


def test_a_closed_hazard_is_voided_neither_on_the_page_nor_through_the_api(world, api):
    # given a closed-out hazard and the regulator of its county
    loop = Loop(world)
    closed = loop.to(make_hazard(world.ent_a, loop.ent_user), S.CLOSED)
    regulator = loop.regulator
    # then the page offers no void button, and the step's page sends the regulator back
    client = Client()
    client.force_login(regulator)
    buttons = [b["name"] for b in client.get(reverse("hazards:detail", args=[closed.pk])).context["buttons"]]
    assert "void" not in buttons and "void" not in services.available_actions(regulator, closed)
    url = reverse("hazards:action", args=[closed.pk, "void"])
    assert client.get(url).status_code == 302
    # and posting the form anyway is refused next to the form, naming the rule
    refused = client.post(url, {"version": closed.version, "reason": "重复录入"})
    assert refused.status_code == 400 and "不能作废" in str(refused.context["form"].errors)
    # when the API is asked to void it (DELETE or …/void/), then 400 names the state
    api_client = act_as(api, regulator)
    for response in (api_client.delete(api_url("hazard", closed.pk), {"reason": "重复录入"}, format="json"),
                     api_client.post(api_url("hazard", closed.pk, "void"), {"reason": "重复录入"}, format="json")):
        assert response.status_code == 400, response.content
        assert "state" in response.json()
    assert not fresh(closed).is_voided


def test_the_rectifier_is_told_someone_else_accepts(world):
    loop = Loop(world)
    h = loop.to(make_hazard(world.ent_a, loop.ent_user), S.RECTIFIED)
    with pytest.raises(PermissionDenied) as refused:
        services.accept_rectification(h, actor=loop.ent_user)
    assert "其他人员验收" in str(refused.value)
    assert policy.can(loop.colleague, "accept", h) and not policy.can(loop.ent_user, "accept", h)


def test_every_event_the_services_write_has_a_label(world):
    # given a hazard taken along the whole loop with a listing, an extension, reports and a re-check
    loop = Loop(world)
    h = make_hazard(world.ent_a, loop.regulator, major=True)
    services.request_extension(h, actor=loop.ent_user, new_deadline=later(40), reason="配件未到货")
    services.decide_extension(fresh(h).extensions.get(), actor=loop.regulator, approve=True)
    h = loop.to(loop.listed(h), S.CLOSED)
    listing = h.listings.get()
    services.delist(listing, actor=loop.regulator)
    written = set(events_for(h).values_list("action", flat=True))
    # then each is a code of hazards.events, with its label
    assert written <= set(events.EVENT_LABELS)
    assert {events.HAZARD_REPORTED, events.EXTENSION_APPROVED, events.LISTED, events.RECHECKED, events.CLOSED,
            events.DELISTED} <= written

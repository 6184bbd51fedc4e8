"""Issue #10, a major hazard by the general definition: a hazard that no listed criterion names
is major when it meets one of the two conditions of 《安全生产事故隐患排查治理暂行规定》
(国家安监总局令第16号) 第三条, with a written reason. Such a grade holds once a regulator confirms
it; until then it is shown as 待确认 重大隐患, cannot be accepted or listed, and the regulator
confirms it or downgrades the hazard to general with a reason — through the one write path
(lock, version, rights, history, event), on the pages and in the API."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.core.services import ConflictError, events_for
from anjian.hazards import services
from anjian.hazards.choices import HazardState, MajorConfirmation, MajorDefinitionCondition
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, criterion, make_hazard
from anjian.portal.testing.mixins import act_as, api_url

pytestmark = pytest.mark.django_db

REASON = "反应釜区需局部停产，更换整套冷却系统约需两个月，所列判定标准条款均未涉及"
DEFINITION = {"grade": "major", "definition_condition": MajorDefinitionCondition.HARD_TO_RECTIFY,
              "definition_justification": REASON}
S = HazardState


@pytest.fixture
def ent_user(world):
    return world.users[Role.ENTERPRISE]


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


@pytest.fixture
def pending(world, ent_user):
    """A major hazard by the general definition, reported by the enterprise (awaiting confirmation)."""
    return make_hazard(world.ent_a, ent_user, **DEFINITION)


# --- reporting -----------------------------------------------------------------------------------

def test_enterprise_reports_a_major_hazard_by_the_general_definition_awaiting_confirmation(world, ent_user):
    h = make_hazard(world.ent_a, ent_user, **DEFINITION)
    assert (h.grade, h.criterion_id, h.definition_condition) == ("major", None, "hard_to_rectify")
    assert h.definition_justification == REASON
    assert h.major_confirmation == MajorConfirmation.PENDING and h.is_major_pending
    assert h.major_confirmed_by is None
    event = events_for(h).get(action="reported")
    assert event.data["definition_condition"] == "hard_to_rectify" and event.data["major_confirmation"] == "pending"


def test_a_regulators_own_grade_by_the_general_definition_is_confirmed_at_once(world, regulator):
    h = make_hazard(world.ent_a, regulator, **{**DEFINITION, "definition_condition": "external_factors"})
    assert h.major_confirmation == MajorConfirmation.CONFIRMED and not h.is_major_pending
    assert h.major_confirmed_by == regulator and h.major_confirmed_at is not None


@pytest.mark.parametrize(("data", "field"), [
    ({"grade": "major"}, "criterion"),
    ({"grade": "major", "definition_condition": "hard_to_rectify"}, "definition_justification"),
    ({"grade": "major", "definition_condition": "hard_to_rectify", "definition_justification": "太难"},
     "definition_justification"),
    ({"grade": "major", "definition_condition": "whatever", "definition_justification": REASON},
     "definition_condition"),
    ({"grade": "general", "definition_condition": "hard_to_rectify"}, "definition_condition"),
    ({"grade": "general", "definition_justification": REASON}, "definition_justification"),
], ids=["no-basis", "no-reason", "short-reason", "unknown-condition", "general-condition", "general-reason"])
def test_the_basis_of_a_major_grade_is_checked(world, ent_user, data, field):
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, ent_user, **data)
    assert field in e.value.message_dict
    assert not Hazard.objects.exists()


def test_a_listed_criterion_and_the_general_definition_are_not_both_named(world, regulator):
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, regulator, **DEFINITION, criterion=criterion())
    assert "definition_condition" in e.value.message_dict


def test_a_report_cannot_set_the_confirmation_itself(world, ent_user):
    with pytest.raises(ValidationError) as e:
        make_hazard(world.ent_a, ent_user, **DEFINITION, major_confirmation="confirmed")
    assert "major_confirmation" in e.value.message_dict


# --- while it waits --------------------------------------------------------------------------------

def test_awaiting_confirmation_it_cannot_be_accepted_nor_listed(world, pending, ent_user, regulator):
    h = services.update_plan(pending, actor=ent_user, plan=COMPLETE_PLAN)
    h = services.start_rectification(h, actor=ent_user)
    h = services.submit_rectification(h, actor=ent_user, note="已更换冷却系统")
    assert "accept" not in services.available_actions(regulator, h)
    with pytest.raises(ValidationError) as e:
        services.accept_rectification(h, actor=regulator)
    assert "grade" in e.value.message_dict
    assert "list" not in services.available_actions(regulator, h)
    with pytest.raises(ValidationError) as e:
        services.list_for_supervision(h, actor=regulator, deadline=timezone.localdate() + datetime.timedelta(days=30))
    assert "grade" in e.value.message_dict


def test_only_a_regulator_of_the_jurisdiction_is_offered_the_decision(world, pending, ent_user, regulator):
    assert {"confirm_major", "downgrade_major"} <= set(services.available_actions(regulator, pending))
    assert not {"confirm_major", "downgrade_major"} & set(services.available_actions(ent_user, pending))
    for who in (ent_user, world.users["other_county"], world.users[Role.GRID_OFFICER]):
        with pytest.raises(PermissionDenied):
            services.confirm_major(pending, actor=who)
        with pytest.raises(PermissionDenied):
            services.downgrade_major(pending, actor=who, reason="不符合")


# --- the regulator's decision ------------------------------------------------------------------------

def test_regulator_confirms_the_grade_through_the_write_path(world, pending, regulator):
    h = services.confirm_major(pending, actor=regulator, comment="现场核实", expected_version=pending.version)
    assert h.major_confirmation == MajorConfirmation.CONFIRMED and not h.is_major_pending
    assert (h.major_confirmed_by, h.version) == (regulator, pending.version + 1)
    event = events_for(h).get(action="major_confirmed")
    assert (event.actor, event.comment, event.data["definition_condition"]) == (regulator, "现场核实",
                                                                                "hard_to_rectify")
    assert h.history.first().major_confirmation == "confirmed"
    # confirmed, it is an ordinary major hazard: it can be listed
    assert "list" in services.available_actions(regulator, h)
    with pytest.raises(ValidationError):
        services.confirm_major(h, actor=regulator)  # nothing waits any more


def test_regulator_downgrades_it_to_general_with_the_reason(world, pending, regulator):
    with pytest.raises(ValidationError) as e:
        services.downgrade_major(pending, actor=regulator, reason="  ")
    assert "reason" in e.value.message_dict
    h = services.downgrade_major(pending, actor=regulator, reason="可立即整改，不需停产")
    assert (h.grade, h.definition_condition, h.definition_justification, h.major_confirmation) == (
        "general", "", "", "")
    event = events_for(h).get(action="major_downgraded")
    assert event.comment == "可立即整改，不需停产" and event.data["definition_justification"] == REASON
    # the old basis stays in the field history
    assert h.history.filter(definition_justification=REASON).exists()


def test_a_stale_decision_is_a_conflict(world, pending, ent_user, regulator):
    stale = pending.version
    services.update_plan(pending, actor=ent_user, plan={"plan_responsible": "张三"})
    with pytest.raises(ConflictError):
        services.confirm_major(pending, actor=regulator, expected_version=stale)
    assert Hazard.objects.get(pk=pending.pk).is_major_pending


def test_a_correction_of_the_reason_waits_for_confirmation_again(world, regulator, ent_user):
    h = make_hazard(world.ent_a, regulator, **DEFINITION)
    assert h.major_confirmation == "confirmed"
    h = services.update_hazard(h, actor=ent_user, data={"definition_justification": REASON + "，另需外部供电改造"})
    assert h.is_major_pending and h.major_confirmed_by is None
    # moving it onto a listed criterion needs no confirmation
    h = services.update_hazard(h, actor=regulator, data={"criterion": criterion(), "definition_condition": "",
                                                         "definition_justification": ""})
    assert (h.major_confirmation, h.is_major_by_definition) == ("", False)


# --- the API ----------------------------------------------------------------------------------------

def payload(enterprise, **extra):
    return {"enterprise": enterprise.pk, "location": "反应釜区", "description": "冷却系统能力不足",
            "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(), **extra}


def test_api_reports_confirms_and_lists_the_grade(world, api, ent_user, regulator):
    created = act_as(api, ent_user).post(api_url("hazard"), payload(world.ent_a, **DEFINITION), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["grade"], body["criterion"], body["major_confirmation"]) == ("major", None, "pending")
    assert body["definition_condition"] == "hard_to_rectify" and body["definition_justification"] == REASON
    row = act_as(api, regulator).get(api_url("hazard")).json()["results"][0]
    assert row["major_confirmation"] == "pending"
    assert {"confirm_major", "downgrade_major"} <= set(act_as(api, regulator).get(
        api_url("hazard", body["id"])).json()["available_actions"])
    # the enterprise may not decide; the regulator confirms
    url = reverse("hazard-confirm-major", args=[body["id"]])
    assert act_as(api, ent_user).post(url, {}, format="json").status_code == 403
    done = act_as(api, regulator).post(url, {"version": body["version"]}, format="json")
    assert done.status_code == 200 and done.json()["major_confirmation"] == "confirmed"
    assert done.json()["major_confirmed_by"] == (regulator.name or regulator.username)


def test_api_downgrade_needs_the_reason(world, api, pending, regulator):
    url = reverse("hazard-downgrade-major", args=[pending.pk])
    missing = act_as(api, regulator).post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    done = act_as(api, regulator).post(url, {"reason": "可立即整改"}, format="json")
    assert done.status_code == 200 and (done.json()["grade"], done.json()["major_confirmation"]) == ("general", "")


def test_api_without_basis_names_the_criterion_in_chinese(world, api, ent_user):
    response = act_as(api, ent_user).post(api_url("hazard"), payload(world.ent_a, grade="major"), format="json")
    assert response.status_code == 400 and "一般定义" in response.json()["criterion"][0]


# --- the pages --------------------------------------------------------------------------------------

def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_report_page_takes_the_general_definition(world, ent_user):
    response = client_for(ent_user).post(reverse("hazards:create"), {
        "location": "反应釜区", "description": "冷却系统能力不足", "category": "object", "grade": "major",
        "major_basis": "definition", "criterion": "", "definition_condition": "hard_to_rectify",
        "definition_justification": REASON, "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat()})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    h = Hazard.objects.get()
    assert (h.grade, h.criterion_id, h.major_confirmation) == ("major", None, "pending")


def test_report_page_asks_for_the_condition_and_reason(world, ent_user):
    response = client_for(ent_user).post(reverse("hazards:create"), {
        "location": "反应釜区", "description": "冷却系统能力不足", "category": "object", "grade": "major",
        "major_basis": "definition", "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat()})
    assert response.status_code == 400
    assert {"definition_condition", "definition_justification"} <= set(response.context["form"].errors)


def test_detail_page_shows_awaiting_confirmation_and_the_regulators_choices(world, pending, ent_user, regulator):
    page = client_for(regulator).get(reverse("hazards:detail", args=[pending.pk])).content.decode()
    assert "待确认 重大隐患" in page and REASON in page and "第16号" in page
    assert 'data-action="confirm_major"' in page and 'data-action="downgrade_major"' in page
    own = client_for(ent_user).get(reverse("hazards:detail", args=[pending.pk])).content.decode()
    assert "待确认 重大隐患" in own and 'data-action="confirm_major"' not in own
    ledger = client_for(regulator).get(reverse("hazards:list")).content.decode()
    assert "待确认 重大隐患" in ledger


def test_regulator_confirms_and_downgrades_on_the_pages(world, ent_user, regulator):
    first = make_hazard(world.ent_a, ent_user, **DEFINITION)
    second = make_hazard(world.ent_a, ent_user, **DEFINITION)
    client = client_for(regulator)
    done = client.post(reverse("hazards:action", args=[first.pk, "confirm_major"]),
                       {"version": first.version, "comment": ""})
    assert done.status_code == 302 and Hazard.objects.get(pk=first.pk).major_confirmation == "confirmed"
    refused = client.post(reverse("hazards:action", args=[second.pk, "downgrade_major"]), {"version": second.version})
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors
    client.post(reverse("hazards:action", args=[second.pk, "downgrade_major"]),
                {"version": second.version, "reason": "可立即整改"})
    assert Hazard.objects.get(pk=second.pk).grade == "general"
    timeline = client.get(reverse("hazards:detail", args=[second.pk])).content.decode()
    assert "降为一般隐患" in timeline and "可立即整改" in timeline

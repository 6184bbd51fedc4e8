"""The enterprise registry on the one write path (issue #11): an enterprise is versioned (a
change from a stale copy is a conflict, 409 over the API, and writes nothing); the operating
status machine declared in choices.py is what the services do (``available_steps`` says yes
exactly when the service succeeds, for every status and step); a guard's refusal names its
field; the page offers what the machine offers."""

import datetime
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.core.services import ConflictError, events_for
from anjian.core.testing.workflow import succeeds
from anjian.core.workflow import available_steps
from anjian.enterprises import events, services
from anjian.enterprises.choices import OPERATING_STATUS_MACHINE, STATUS_TRANSITIONS, OperatingStatus
from anjian.enterprises.models import Enterprise, Supervision
from anjian.enterprises.policy import policy
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, api_url

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def fresh(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.get(pk=enterprise.pk)


def test_a_stale_enterprise_is_a_conflict_and_writes_nothing(world):
    # given two copies of enterprise A, one used to change the principal
    user = world.users[Role.REGULATOR]
    ent = fresh(world.ent_a)
    stale = fresh(world.ent_a)
    services.update_enterprise(ent, actor=user, data={"principal_name": "王厂长"})
    events_before = events_for(ent).count()
    # when the other copy is used to edit, change the status, hang a plate or void
    attempts = [
        lambda: services.update_enterprise(stale, actor=user, data={"principal_name": "李厂长"}),
        lambda: services.change_operating_status(stale, actor=user, status=OperatingStatus.SUSPENDED, on=DAY),
        lambda: services.assign_supervision(stale, actor=user, department=world.dept_a, leader_name="陈局长",
                                            officer_name="刘科员", started_on=DAY),
        lambda: services.void_enterprise(stale, actor=user, reason="错录"),
        lambda: services.set_tags(fresh(ent), [], actor=user, expected_version=1),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError) as caught:
            attempt()
        assert caught.value.current_version == 2
    # then nothing more was written
    now = fresh(ent)
    assert (now.principal_name, now.status, now.is_voided, now.version) == ("王厂长", OperatingStatus.OPERATING,
                                                                           False, 2)
    assert events_for(ent).count() == events_before
    assert Supervision.objects.filter(enterprise=ent).count() == 1


def test_the_industry_following_moves_the_version_on(world):
    # given an enterprise whose high-risk flag follows its industry, read before the flag changes
    ent = fresh(world.ent_a_construction)
    industry = ent.industry
    industry.high_risk = not industry.high_risk
    industry.save()
    services.follow_industry_high_risk(industry, actor=world.users[Role.ADMIN])
    # then a correction made from the copy read before is a conflict, not a silent overwrite
    with pytest.raises(ConflictError):
        services.update_enterprise(ent, actor=world.users[Role.ADMIN], data={"employees": 7})
    assert fresh(ent).high_risk is industry.high_risk


def test_api_answers_409_for_a_stale_version(world, api):
    # given enterprise A changed once since version 1
    client = act_as(api, world.users[Role.REGULATOR])
    services.update_enterprise(fresh(world.ent_a), actor=world.users[Role.REGULATOR], data={"employees": 21})
    # when a client sends version 1 with an edit, a status change or a plate
    calls = [
        client.patch(api_url("enterprise", world.ent_a.pk), {"employees": 99, "version": 1}, format="json"),
        client.post(api_url("enterprise", world.ent_a.pk, "change-status"),
                    {"status": "suspended", "version": 1}, format="json"),
        client.post(api_url("supervision"), {"enterprise": world.ent_a.pk, "department": world.dept_a.pk,
                                             "leader_name": "陈局长", "officer_name": "刘科员",
                                             "enterprise_version": 1}, format="json"),
    ]
    # then each answers 409 with the current version, and nothing changed
    for response in calls:
        assert response.status_code == 409, response.content
        assert response.json()["current_version"] == 2
    now = fresh(world.ent_a)
    assert (now.employees, now.status) == (21, OperatingStatus.OPERATING)
    # while the current version goes through and the answer carries the next one
    response = client.patch(api_url("enterprise", world.ent_a.pk), {"employees": 99, "version": 2}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 3


def test_the_api_lists_the_available_actions(world, api):
    body = act_as(api, world.users[Role.REGULATOR]).get(api_url("enterprise", world.ent_a.pk)).json()
    assert body["available_actions"] == [events.SUSPEND, events.CLOSE, events.ENTERPRISE_UPDATED,
                                         events.SUPERVISION_ASSIGNED, "void"]
    body = act_as(api, world.users[Role.ENTERPRISE]).get(api_url("enterprise", world.ent_a.pk)).json()
    assert body["available_actions"] == [events.ENTERPRISE_UPDATED]


# --- the machine is what the services do ---------------------------------------------------------

def take(action: str, ent: Enterprise, actor, world) -> None:
    steps = {step.action: step for step in OPERATING_STATUS_MACHINE.steps}
    if steps[action].target:
        services.change_operating_status(ent, actor=actor, status=steps[action].target, on=DAY, reason="检查决定")
    elif action == events.ENTERPRISE_UPDATED:
        services.update_enterprise(ent, actor=actor, data={"employees": 33})
    elif action == events.SUPERVISION_ASSIGNED:
        services.assign_supervision(ent, actor=actor, department=world.dept_a, leader_name="陈局长",
                                    officer_name="刘科员", started_on=DAY)
    else:
        services.void_enterprise(ent, actor=actor, reason="错录")


@pytest.mark.parametrize("status", OperatingStatus.values)
@pytest.mark.parametrize("who", [Role.REGULATOR, Role.GRID_OFFICER, Role.ENTERPRISE, "other_county"])
def test_available_steps_say_yes_exactly_when_the_service_succeeds(world, status, who):
    # given enterprise A (supervised since 2026-01-01) in this status, and a user of this role
    Enterprise.objects.filter(pk=world.ent_a.pk).update(status=status)
    ent = fresh(world.ent_a)
    actor = world.users[who]
    offered = set(available_steps(OPERATING_STATUS_MACHINE, policy, actor, ent))
    # then for every declared step the service succeeds exactly when the step is offered
    for step in OPERATING_STATUS_MACHINE.steps:
        taken = succeeds(partial(take, step.action, fresh(ent), actor, world))
        assert taken is (step.action in offered), (status, who, step.action)
    # and the status steps offered to the regulator are the transitions of the declaration
    if who == Role.REGULATOR:
        targets = {step.target for step in OPERATING_STATUS_MACHINE.steps if step.action in offered and step.target}
        assert targets == STATUS_TRANSITIONS[status]


def test_assigning_a_closed_enterprise_names_the_enterprise(world):
    # given a closed enterprise, then hanging a plate is not offered, and the refusal names the field
    services.change_operating_status(world.ent_a_construction, actor=None, status=OperatingStatus.CLOSED, on=DAY)
    ent = fresh(world.ent_a_construction)
    assert events.SUPERVISION_ASSIGNED not in available_steps(OPERATING_STATUS_MACHINE, policy,
                                                              world.users[Role.REGULATOR], ent)
    with pytest.raises(ValidationError) as exc:
        services.assign_supervision(ent, actor=world.users[Role.REGULATOR], department=world.dept_a,
                                    leader_name="陈局长", officer_name="刘科员")
    assert list(exc.value.message_dict) == ["enterprise"]


def test_the_effective_date_may_not_be_in_the_future_on_the_api_too(world, api, clock):
    # the page refused a future date and the API took it; now the service refuses it for both
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = act_as(api, world.users[Role.REGULATOR]).post(
        api_url("enterprise", world.ent_a.pk, "change-status"), {"status": "suspended", "on": tomorrow.isoformat()},
        format="json")
    assert response.status_code == 400 and "on" in response.json()
    assert fresh(world.ent_a).status == OperatingStatus.OPERATING


def test_the_page_offers_what_the_machine_offers(world):
    # given a closed enterprise, then its page offers resuming and editing but no plate
    services.change_operating_status(world.ent_a, actor=None, status=OperatingStatus.CLOSED, on=DAY)
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    page = client.get(reverse("enterprises:detail", args=[world.ent_a.pk]))
    assert (page.context["can_change_status"], page.context["can_edit"], page.context["can_assign"]) == (
        True, True, False)
    form = client.get(reverse("enterprises:status", args=[world.ent_a.pk])).context["form"]
    assert [value for value, _label in form.fields["status"].choices] == [OperatingStatus.OPERATING]
    # and a stale page's status change shows the conflict and changes nothing
    response = client.post(reverse("enterprises:status", args=[world.ent_a.pk]),
                           {"status": "operating", "reason": "复产", "version": 1})
    assert response.status_code == 400 and fresh(world.ent_a).status == OperatingStatus.CLOSED

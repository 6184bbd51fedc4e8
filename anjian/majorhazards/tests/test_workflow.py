"""The major hazard registry on the one write path (issue #11): the source's state machine is
declared once (choices.SOURCE_MACHINE) and the service, the page's buttons and ``available_steps``
agree on it; refusals name their field; a source (the app's versioned model) refuses a stale copy
or version through the services (ConflictError, nothing written) and the API (409), even when no
version is sent; the timeline and the field history name every step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from anjian.core.services import ConflictError, events_for
from anjian.core.workflow import available_steps
from anjian.majorhazards import services
from anjian.majorhazards.choices import SOURCE_MACHINE, SourceState
from anjian.majorhazards.models import MajorHazardSource, SourceEvaluation
from anjian.majorhazards.policy import policy
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, api_url

from .helpers import make_source

pytestmark = pytest.mark.django_db
SOURCES = "major-hazard-source"


def _in_state(world, state: str) -> MajorHazardSource:
    source = make_source(world)
    MajorHazardSource.objects.filter(pk=source.pk).update(state=state)
    return MajorHazardSource.objects.get(pk=source.pk)


# --- the machine: declaration, service and buttons agree ------------------------------------------

@pytest.mark.parametrize("state", SourceState.values)
@pytest.mark.parametrize("step", [s.action for s in SOURCE_MACHINE.steps])
def test_available_steps_say_yes_exactly_when_the_service_succeeds(world, state, step):
    # given a source in ``state`` and the regulator of its county
    source = _in_state(world, state)
    regulator = world.users[Role.REGULATOR]
    offered = step in available_steps(SOURCE_MACHINE, policy, regulator, source)
    target = SOURCE_MACHINE[step].target
    # when the service is asked for the step's target state (with a reason, as decommissioning needs)
    try:
        done = services.change_state(source, actor=regulator, to_state=target, comment="原因")
    except ValidationError as exc:
        # then a refused step names the state, and was not offered
        assert not offered and "state" in exc.message_dict
        assert MajorHazardSource.objects.get(pk=source.pk).state == state
    else:
        # then a step taken was offered, and went where the declaration says, with its event
        assert offered and done.state == target == MajorHazardSource.objects.get(pk=source.pk).state
        event = events_for(source).filter(action="state_changed").get()
        assert (event.from_state, event.to_state, event.comment) == (state, target, "原因")
    assert offered == (state in SOURCE_MACHINE[step].sources)


def test_nobody_outside_the_jurisdiction_is_offered_or_allowed_a_step(world):
    source = make_source(world)
    other = world.users["other_county"]
    assert available_steps(SOURCE_MACHINE, policy, other, source) == []
    with pytest.raises(PermissionDenied):
        services.change_state(source, actor=other, to_state="suspended")
    # experts read but take no step
    assert available_steps(SOURCE_MACHINE, policy, world.users[Role.EXPERT], source) == []
    assert available_steps(SOURCE_MACHINE, policy, world.users[Role.ENTERPRISE], source) == ["suspend", "decommission"]


def test_refusals_name_their_field(world):
    admin = world.users[Role.ADMIN]
    source = make_source(world)
    # decommissioning without a reason: the comment
    with pytest.raises(ValidationError) as no_reason:
        services.change_state(source, actor=admin, to_state="decommissioned", comment=" ")
    assert list(no_reason.value.message_dict) == ["comment"]
    # a step the state does not allow: the state
    source = services.change_state(source, actor=admin, to_state="decommissioned", comment="拆除")
    with pytest.raises(ValidationError) as final:
        services.change_state(source, actor=admin, to_state="in_operation")
    assert list(final.value.message_dict) == ["state"]
    assert MajorHazardSource.objects.get(pk=source.pk).state == "decommissioned"


def test_the_detail_page_offers_the_available_steps(world, client):
    source = _in_state(world, SourceState.SUSPENDED)
    client.force_login(world.users[Role.REGULATOR])
    response = client.get(reverse("majorhazards:detail", args=[source.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    offered = [value for value, _label in response.context["transitions"]]
    assert offered == [SOURCE_MACHINE[a].target for a in available_steps(
        SOURCE_MACHINE, policy, world.users[Role.REGULATOR], source)] == ["in_operation", "decommissioned"]
    html = response.content.decode()
    assert "恢复在用" in html and "核销" in html
    client.force_login(world.users[Role.EXPERT])
    assert client.get(reverse("majorhazards:detail", args=[source.pk])).context["transitions"] == []


# --- stale copies and versions ------------------------------------------------------------------

STEPS = {
    "update": lambda s, a: services.update_source(s, actor=a, data={"population_500m": 500}),
    "change_state": lambda s, a: services.change_state(s, actor=a, to_state="suspended"),
    "void": lambda s, a: services.void_source(s, actor=a, reason="重复"),
    "add_substance": lambda s, a: services.add_substance(s, actor=a, data={"name": "氨", "quantity_t": 5}),
    "appoint_person": lambda s, a: services.appoint_person(s, actor=a, data={"role": "principal", "name": "甲"}),
    "record_check": lambda s, a: services.record_check(s, actor=a, data={"role": "principal"}),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_a_stale_source_copy_is_a_conflict_and_writes_nothing(world, step):
    # given a source whose principal was appointed through another copy after this one was loaded
    admin = world.users[Role.ADMIN]
    source = make_source(world)
    services.appoint_person(MajorHazardSource.objects.get(pk=source.pk), actor=admin,
                            data={"role": "principal", "name": "乙"})
    events, evaluations = events_for(source).count(), SourceEvaluation.objects.count()
    # when a step is taken from the stale copy (no version sent), then it is a conflict
    with pytest.raises(ConflictError) as caught:
        STEPS[step](source, admin)
    assert caught.value.current_version == 2 and caught.value.current_state == "in_operation"
    # and nothing was written
    fresh = MajorHazardSource.objects.get(pk=source.pk)
    assert (fresh.version, fresh.state, fresh.is_voided, fresh.population_500m) == (2, "in_operation", False, 10)
    assert events_for(source).count() == events and SourceEvaluation.objects.count() == evaluations
    assert fresh.substances.count() == 1 and fresh.persons.count() == 1 and not fresh.checks.exists()


def test_a_substance_step_checks_the_version_of_its_source(world):
    admin = world.users[Role.ADMIN]
    source = make_source(world)
    sub = source.substances.get()
    services.update_substance(sub, actor=admin, data={"quantity_t": 20}, version=1)
    with pytest.raises(ConflictError):
        services.void_substance(sub, actor=admin, reason="已清空", version=1)
    assert not source.substances.get().is_voided


def test_api_stale_versions_are_409(world, api):
    source = make_source(world)
    client = act_as(api, world.users[Role.REGULATOR])
    r = client.post(api_url(SOURCES, source.pk, "transition"), {"to_state": "suspended", "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.post(api_url(SOURCES, source.pk, "transition"), {"to_state": "in_operation", "version": 1},
                    format="json")
    assert r.status_code == 409 and r.json()["current_state"] == "suspended" and r.json()["current_version"] == 2
    r = client.post(api_url("major-hazard-substance"), {"source": source.pk, "name": "氨", "quantity_t": 5,
                                                        "version": 1}, format="json")
    assert r.status_code == 409
    source.refresh_from_db()
    assert (source.state, source.version, source.substances.count()) == ("suspended", 2, 1)


def test_the_page_refuses_a_state_step_from_a_stale_page(world, client):
    source = make_source(world)
    client.force_login(world.users[Role.REGULATOR])
    # given the page showed version 1, and someone else suspended the source meanwhile
    assert 'name="version" value="1"' in client.get(reverse("majorhazards:detail", args=[source.pk])).content.decode()
    services.change_state(source, actor=world.users[Role.ADMIN], to_state="suspended")
    # when the page's "decommission" button is pressed, then the conflict is shown and nothing changes
    response = client.post(reverse("majorhazards:transition", args=[source.pk]),
                           {"to_state": "decommissioned", "comment": "拆除", "version": "1"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "请刷新后重试" in response.content.decode()
    assert MajorHazardSource.objects.get(pk=source.pk).state == "suspended"


def test_the_history_names_the_steps(world, client):
    admin = world.users[Role.ADMIN]
    source = make_source(world)
    source = services.change_state(source, actor=admin, to_state="suspended", comment="检修")
    services.appoint_person(source, actor=admin, data={"role": "principal", "name": "甲"})
    client.force_login(admin)
    response = client.get(reverse("majorhazards:detail", args=[source.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    reasons = [h.history_change_reason for h in response.context["history"]]
    assert reasons == ["确定包保责任人", "停用", "登记"], reasons

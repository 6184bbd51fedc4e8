"""The standards library on the one write path (issue #11): deactivating and bringing back a
record are the steps of ``ACTIVITY_MACHINE``, offered (``available_steps``) exactly when the
service takes them; only system administrators take them, through the pages and the API alike."""

from functools import partial

import pytest
from django.core.exceptions import ValidationError

from anjian.core.services import events_for
from anjian.core.testing.workflow import succeeds
from anjian.core.workflow import available_steps
from anjian.orgs.choices import Role
from anjian.standards import events, services
from anjian.standards.choices import ACTIVITY_MACHINE, Activity
from anjian.standards.models import Checklist
from anjian.standards.policy import policy

from .factories import make_checklist

pytestmark = pytest.mark.django_db


def take(action: str, checklist: Checklist, actor) -> None:
    services.set_checklist_active(checklist, actor=actor, active=action == events.REACTIVATED, reason="已废止")


@pytest.mark.parametrize("activity", Activity.values)
@pytest.mark.parametrize("who", [Role.ADMIN, Role.REGULATOR])
def test_available_steps_say_yes_exactly_when_the_service_succeeds(world, activity, who):
    # given a checklist version in this state, and a user of this role
    checklist = make_checklist()
    Checklist.objects.filter(pk=checklist.pk).update(is_active=activity == Activity.ACTIVE)
    checklist = Checklist.objects.get(pk=checklist.pk)
    actor = world.users[who]
    offered = set(available_steps(ACTIVITY_MACHINE, policy, actor, checklist))
    # then each step is taken exactly when offered: one of the two for an administrator, none otherwise
    for step in ACTIVITY_MACHINE.steps:
        taken = succeeds(partial(take, step.action, checklist, actor))
        assert taken is (step.action in offered), (activity, who, step.action)
    assert len(offered) == (1 if who == Role.ADMIN else 0)


def test_a_step_writes_its_states_and_reason(world):
    # given an active checklist, when the administrator deactivates it
    checklist = make_checklist()
    services.set_checklist_active(checklist, actor=world.users[Role.ADMIN], active=False, reason="已废止")
    # then it is inactive, and the event says from → to and why
    event = events_for(checklist).get(action=events.DEACTIVATED)
    assert (event.from_state, event.to_state, event.comment) == (Activity.ACTIVE, Activity.INACTIVE, "已废止")
    assert not Checklist.objects.get(pk=checklist.pk).is_active
    # and deactivating without a reason is refused naming the reason
    with pytest.raises(ValidationError) as exc:
        services.set_checklist_active(make_checklist(), actor=world.users[Role.ADMIN], active=False, reason=" ")
    assert list(exc.value.message_dict) == ["reason"]

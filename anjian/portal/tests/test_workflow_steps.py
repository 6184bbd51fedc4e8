"""Three things a step of a declared machine may say besides its states (core.workflow): the
event code it is written with (``Step.event``, for codes already in the database), a guard that
names several fields at once (``Guard.errors``), and a change that moves the state itself (a
target that depends on the input) — the event then says from → to. Exercised, as
test_workflow.py, on a regional figures row with a machine over its ``source`` text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from anjian.core.services import events_for
from anjian.core.workflow import Guard, Policy, StateMachine, Step, available_steps, perform
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import RegionFactory, make_user
from anjian.regions.models import RegionYearFigure

pytestmark = pytest.mark.django_db


class Stage(models.TextChoices):
    DRAFT = "draft", "草稿"
    SENT = "sent", "已报"
    DONE = "done", "办结"


def _missing(figure) -> dict:
    return {name: "必填" for name in ("gdp_100m_yuan", "industrial_employment") if getattr(figure, name) is None}


MACHINE = StateMachine(model="regions.RegionYearFigure", states=Stage, state_field="source", steps=[
    Step("send", "报送", sources=(Stage.DRAFT,), target=Stage.SENT, event="figures_sent",
         guards=(Guard(lambda f: not _missing(f), "数据不全", field="gdp_100m_yuan", errors=_missing),)),
    Step("review", "审核", sources=(Stage.SENT,)),
])


class Anyone(Policy):
    def may_send(self, actor, obj):
        return True

    def may_review(self, actor, obj):
        return True


@pytest.fixture
def figure():
    return RegionYearFigure.objects.create(region=RegionFactory(), year=2025, source=Stage.DRAFT)


def test_a_guard_can_name_every_field_it_misses(figure):
    actor = make_user(Role.REGULATOR)
    # given a draft with neither figure, then sending it names both fields, and it is not offered
    with pytest.raises(ValidationError) as refused:
        perform(figure, "send", actor=actor, policy=Anyone(), machine=MACHINE)
    assert refused.value.message_dict == {"gdp_100m_yuan": ["必填"], "industrial_employment": ["必填"]}
    assert available_steps(MACHINE, Anyone(), actor, figure) == []
    # and the docs show the guard's rule
    assert MACHINE.table()[0]["rules"] == ["数据不全"]


def test_a_step_is_written_with_its_event_code(figure):
    figure.gdp_100m_yuan, figure.industrial_employment = 1, 2
    figure.save()
    actor = make_user(Role.REGULATOR)
    sent = perform(figure, "send", actor=actor, policy=Anyone(), machine=MACHINE)
    event = events_for(sent).get()
    assert (event.action, event.from_state, event.to_state) == ("figures_sent", Stage.DRAFT, Stage.SENT)
    assert sent.history.latest().history_change_reason == "figures_sent"


def test_a_change_that_moves_the_state_is_recorded_from_and_to(figure):
    actor = make_user(Role.REGULATOR)
    RegionYearFigure.objects.filter(pk=figure.pk).update(source=Stage.SENT)
    figure.refresh_from_db()

    def finish(f):
        f.source = Stage.DONE

    done = perform(figure, "review", actor=actor, policy=Anyone(), machine=MACHINE, change=finish)
    # a step without a target whose change moved the state says so; one that did not, does not
    event = events_for(done).get()
    assert (event.action, event.from_state, event.to_state) == ("review", Stage.SENT, Stage.DONE)
    again = perform(RegionYearFigure.objects.get(pk=figure.pk), "annotate", actor=actor, policy=None)
    assert (events_for(again).first().from_state, events_for(again).first().to_state) == ("", "")

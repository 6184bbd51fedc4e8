"""The one write path (``core.workflow``): lock + version (409 on a stale copy), the policy's right,
the state machine's source states and guards, history + event + files written with the change, and
nothing written when any of them refuses. Exercised on a regional figures row (a small versioned,
voidable model) with a machine declared over its ``source`` text, so no domain rule interferes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from anjian.core.models import Attachment
from anjian.core.services import ConflictError, events_for
from anjian.core.testing.files import image_upload
from anjian.core.workflow import Guard, Policy, StateMachine, Step, available_steps, create, perform, void
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import RegionFactory, make_user
from anjian.regions.models import RegionYearFigure

pytestmark = pytest.mark.django_db


class Stage(models.TextChoices):
    DRAFT = "draft", "草稿"
    SENT = "sent", "已报"
    DONE = "done", "办结"


MACHINE = StateMachine(model="regions.RegionYearFigure", states=Stage, state_field="source", steps=[
    Step("send", "报送", sources=(Stage.DRAFT,), target=Stage.SENT),
    Step("finish", "办结", sources=(Stage.SENT,), target=Stage.DONE,
         guards=(Guard(lambda f: f.gdp_100m_yuan is not None, "先填写地区生产总值", field="gdp_100m_yuan"),)),
    Step("annotate", "备注", right="send"),
])


class OnlyRegulators(Policy):
    def may_send(self, actor, obj):
        return actor.role == Role.REGULATOR

    def may_finish(self, actor, obj):
        return actor.role == Role.REGULATOR


policy = OnlyRegulators()


@pytest.fixture
def figure():
    region = RegionFactory()
    return RegionYearFigure.objects.create(region=region, year=2025, source=Stage.DRAFT)


@pytest.fixture
def regulator():
    return make_user(Role.REGULATOR)


def test_step_changes_state_bumps_version_and_writes_history_event_and_files(figure, regulator):
    # given a draft at version 1
    photo = image_upload("现场.jpg")
    # when a regulator sends it with a file
    out = perform(figure, "send", actor=regulator, policy=policy, machine=MACHINE, comment="报送", files=[photo])
    # then the state, version, field history, event and attachment are all written
    assert (out.source, out.version) == (Stage.SENT, 2)
    assert RegionYearFigure.objects.get(pk=figure.pk).version == 2
    latest = out.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("send", regulator)
    event = events_for(out).get()
    assert (event.action, event.from_state, event.to_state, event.actor) == ("send", "draft", "sent", regulator)
    assert Attachment.objects.get(event=event).name == "现场.jpg"


def test_stale_copy_is_a_conflict_and_writes_nothing(figure, regulator):
    # given someone else moved the row on since this copy was loaded
    perform(RegionYearFigure.objects.get(pk=figure.pk), "annotate", actor=regulator, policy=policy, machine=MACHINE)
    # when the stale copy (version 1) is used, or an explicit stale version is sent
    with pytest.raises(ConflictError) as caught:
        perform(figure, "send", actor=regulator, policy=policy, machine=MACHINE)
    with pytest.raises(ConflictError):
        perform(RegionYearFigure.objects.get(pk=figure.pk), "send", actor=regulator, policy=policy, machine=MACHINE,
                expected_version=1)
    # then the conflict tells the current version and nothing more was written
    assert caught.value.current_version == 2
    assert RegionYearFigure.objects.get(pk=figure.pk).source == Stage.DRAFT
    assert events_for(figure).count() == 1


def test_policy_refusal_source_state_and_guard_refusals_name_their_field(figure, regulator):
    enterprise_user = make_user(Role.COMMITTEE_OFFICE)
    with pytest.raises(PermissionDenied):
        perform(figure, "send", actor=enterprise_user, policy=policy, machine=MACHINE)
    with pytest.raises(ValidationError) as wrong_state:
        perform(figure, "finish", actor=regulator, policy=policy, machine=MACHINE)
    assert "source" in wrong_state.value.message_dict
    sent = perform(figure, "send", actor=regulator, policy=policy, machine=MACHINE)
    with pytest.raises(ValidationError) as guard:
        perform(sent, "finish", actor=regulator, policy=policy, machine=MACHINE)
    assert guard.value.message_dict == {"gdp_100m_yuan": ["先填写地区生产总值"]}
    assert RegionYearFigure.objects.get(pk=figure.pk).version == 2


def test_an_error_inside_the_change_rolls_the_whole_step_back(figure, regulator):
    def change(f):
        f.note = "写了一半"
        f.save()
        raise ValidationError({"note": "不行"})

    with pytest.raises(ValidationError):
        perform(figure, "send", actor=regulator, policy=policy, machine=MACHINE, change=change)
    fresh = RegionYearFigure.objects.get(pk=figure.pk)
    assert (fresh.note, fresh.source, fresh.version) == ("", Stage.DRAFT, 1)
    assert not events_for(figure).exists()


def test_available_steps_follow_state_guards_and_rights(figure, regulator):
    assert available_steps(MACHINE, policy, regulator, figure) == ["send", "annotate"]
    assert available_steps(MACHINE, policy, make_user(Role.COMMITTEE_OFFICE), figure) == []
    figure.source, figure.gdp_100m_yuan = Stage.SENT, 1
    assert available_steps(MACHINE, policy, regulator, figure) == ["finish", "annotate"]
    figure.is_voided = True
    assert available_steps(MACHINE, policy, regulator, figure) == []


def test_an_action_without_a_rule_is_refused_even_to_nobody_in_particular(figure, regulator):
    assert not policy.can(regulator, "no_such_action", figure)
    assert policy.can(make_user(Role.ADMIN), "send", figure)
    assert not policy.can(make_user(Role.ADMIN), "no_such_action", figure)


def test_void_keeps_the_row_and_refuses_twice(figure, regulator):
    class MayVoid(Policy):
        def may_void(self, actor, obj):
            return True

    with pytest.raises(ValidationError):
        void(figure, actor=regulator, policy=MayVoid(), reason=" ")
    voided = void(figure, actor=regulator, policy=MayVoid(), reason="录入错误")
    assert voided.is_voided and voided.version == 2
    assert events_for(figure).get().comment == "录入错误"
    with pytest.raises(ValidationError):
        void(voided, actor=regulator, policy=MayVoid(), reason="再来")


def test_create_checks_the_right_and_writes_the_event(regulator):
    region = RegionFactory()

    class MayCreate(Policy):
        def may_created(self, actor, obj):
            return actor.role == Role.REGULATOR

    with pytest.raises(PermissionDenied):
        create(RegionYearFigure(region=region, year=2024), actor=make_user(Role.COMMITTEE_OFFICE), policy=MayCreate(),
               clean=False)
    row = create(RegionYearFigure(region=region, year=2024), actor=regulator, policy=MayCreate(), clean=False)
    assert events_for(row).get().action == "created"
    assert RegionYearFigure.objects.count() == 1


def test_machine_declaration_is_checked_when_declared():
    with pytest.raises(ValueError):
        StateMachine(model="x.Y", states=Stage, steps=[Step("a", "甲", sources=("nowhere",))])
    with pytest.raises(ValueError):
        StateMachine(model="x.Y", states=Stage, steps=[Step("a", "甲"), Step("a", "乙")])
    # a void step writes ``voided`` like every void: one that does not say so is refused
    with pytest.raises(ValueError):
        StateMachine(model="x.Y", states=Stage, steps=[Step("void", "作废")])
    assert MACHINE.table()[1]["rules"] == ["先填写地区生产总值"]


VOIDABLE = StateMachine(model="regions.RegionYearFigure", states=Stage, state_field="source", steps=[
    Step("void", "作废", sources=(Stage.DRAFT,), event="voided",
         guards=(Guard(lambda f: not f.note, "有备注的不能作废", field="note"),)),
])


class MayVoid(Policy):
    def may_void(self, actor, obj):
        return actor.role == Role.REGULATOR


def test_void_takes_the_machines_void_step_and_writes_voided(figure, regulator):
    # given a figure whose machine declares a void step (from drafts only, and a guard)
    noted = RegionYearFigure.objects.create(region=RegionFactory(), year=2024, source=Stage.DRAFT, note="已核")
    sent = RegionYearFigure.objects.create(region=RegionFactory(), year=2023, source=Stage.SENT)
    # when it is voided where the step's source states and guard allow, refused where not
    voided = void(figure, actor=regulator, policy=MayVoid(), reason="录入错误", machine=VOIDABLE)
    with pytest.raises(ValidationError) as wrong_state:
        void(sent, actor=regulator, policy=MayVoid(), reason="录入错误", machine=VOIDABLE)
    with pytest.raises(ValidationError) as guard:
        void(noted, actor=regulator, policy=MayVoid(), reason="录入错误", machine=VOIDABLE)
    with pytest.raises(PermissionDenied):
        void(voided, actor=make_user(Role.COMMITTEE_OFFICE), policy=MayVoid(), reason="再来", machine=VOIDABLE)
    # then the event and the history read as every void's: ``voided``, the reason as the comment
    assert list(wrong_state.value.message_dict) == ["source"] and guard.value.message_dict == {
        "note": ["有备注的不能作废"]}
    event = events_for(voided).get()
    assert (event.action, event.comment, event.from_state, event.to_state) == ("voided", "录入错误", "", "")
    assert voided.history.latest().history_change_reason == "voided" and voided.void_reason == "录入错误"
    assert not RegionYearFigure.objects.get(pk=sent.pk).is_voided
    assert not RegionYearFigure.objects.get(pk=noted.pk).is_voided


def test_the_caller_names_the_event_code_when_the_input_decides_it(figure, regulator):
    # when a step is taken with the code its input decided
    out = perform(figure, "annotate", actor=regulator, policy=policy, machine=MACHINE, event="annotated_late")
    # then the event and the history carry that code, not the step's
    assert events_for(out).get().action == "annotated_late"
    assert out.history.latest().history_change_reason == "annotated_late"

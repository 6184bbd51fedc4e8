"""Inspections on the one write path (issue #11): duties, tasks and records are versioned (a
change from a stale copy is a conflict, 409 over the API, and writes nothing); the record and
task state machines declared in choices.py are what the services do (``available_steps`` says
yes exactly when the service succeeds, for every state and step); a guard's refusal names its
field."""

from datetime import datetime, time, timedelta
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anjian.core.services import ConflictError, events_for
from anjian.core.testing.workflow import succeeds
from anjian.core.workflow import available_steps
from anjian.inspections import events, services
from anjian.inspections.choices import (
    RECORD_MACHINE,
    TASK_MACHINE,
    InspectionKind,
    ItemResult,
    RecordState,
    TaskState,
)
from anjian.inspections.models import InspectionRecord, InspectionTask
from anjian.inspections.policy import policy
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_checklist, make_duty
from anjian.portal.testing.mixins import act_as, api_url

from .conftest import photo

pytestmark = pytest.mark.django_db


def draft(world, items: int = 2) -> InspectionRecord:
    return services.start_record(actor=world.users[Role.ENTERPRISE], enterprise=world.ent_a,
                                 checklist=make_checklist(items), data={"location": "一车间"})


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- versions: a stale copy is a conflict -----------------------------------------------------

def test_a_stale_record_is_a_conflict_and_writes_nothing(world):
    # given two copies of a draft, and one of them used to correct the record
    user = world.users[Role.ENTERPRISE]
    record = draft(world)
    stale = fresh(record)
    services.update_record(record, actor=user, data={"summary": "第一次"})
    events_before = events_for(record).count()
    # when the other copy is used, or an old version is sent, for a step or for a correction
    item = stale.items.first()
    attempts = [
        lambda: services.update_record(stale, actor=user, data={"summary": "第二次"}),
        lambda: services.record_results(stale, actor=user, results=[{"item": item.pk, "result": "pass"}]),
        lambda: services.submit_record(fresh(record), actor=user, expected_version=1),
        lambda: services.void_inspection_record(stale, actor=user, reason="误录"),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError) as caught:
            attempt()
        # then each is a conflict telling the current version
        assert caught.value.current_version == 2
    # and nothing more was written
    now = fresh(record)
    assert (now.summary, now.version, now.state, now.is_voided) == ("第一次", 2, RecordState.DRAFT, False)
    assert events_for(record).count() == events_before
    assert not now.items.exclude(result="").exists()


def test_the_callers_own_steps_move_its_copy_on(world):
    # given a draft, when its author saves results then submits with the same copy
    user = world.users[Role.ENTERPRISE]
    record = draft(world, items=1)
    services.record_results(record, actor=user, results=[{"item": record.items.get().pk, "result": "pass"}])
    services.submit_record(record, actor=user)
    # then both steps were taken (the copy followed its own first step), one version each
    assert record.version == 3 and fresh(record).state == RecordState.SUBMITTED


def test_a_stale_duty_is_a_conflict(world):
    user = world.users[Role.ENTERPRISE]
    duty = make_duty(world.ent_a, user)
    stale = fresh(duty)
    services.update_duty(duty, actor=user, data={"name": "二车间周查"})
    for attempt in (lambda: services.update_duty(stale, actor=user, data={"name": "三车间周查"}),
                    lambda: services.void_duty(stale, actor=user, reason="重复")):
        with pytest.raises(ConflictError):
            attempt()
    now = fresh(duty)
    assert (now.name, now.is_voided, now.version) == ("二车间周查", False, 2)
    assert InspectionTask.objects.get(duty=duty).state == TaskState.OPEN


def test_a_stale_task_is_a_conflict(world):
    # given a copy of an open task read before the nightly job marked it missed
    user = world.users[Role.ENTERPRISE]
    task = InspectionTask.objects.get(duty=make_duty(world.ent_a, user))
    services.mark_missed_tasks(task.due_date + timedelta(days=1))
    # when a record is started from that copy, then it is a conflict and no record exists
    with pytest.raises(ConflictError):
        services.start_record(actor=user, task=task)
    assert not InspectionRecord.objects.exists()
    # and the job's set-based step moved the task's version on
    assert fresh(task).version == task.version + 1


def test_a_nothing_changed_edit_writes_nothing(world):
    user = world.users[Role.ENTERPRISE]
    record = draft(world)
    services.update_record(record, actor=user, data={"location": "一车间"})
    assert fresh(record).version == 1 and list(events_for(record).values_list("action", flat=True)) == ["started"]


def test_api_answers_409_for_a_stale_version(world, api):
    # given a draft and a duty of ent_a, each changed once since version 1
    user = world.users[Role.ENTERPRISE]
    client = act_as(api, user)
    record = draft(world)
    services.update_record(record, actor=user, data={"summary": "已改"})
    duty = make_duty(world.ent_a, user)
    services.update_duty(duty, actor=user, data={"name": "已改"})
    item = record.items.first()
    # when the client sends version 1 with a correction, a step, or a duty change
    calls = [
        client.patch(api_url("inspection-record", record.pk), {"summary": "旧页面", "version": 1}, format="json"),
        client.post(api_url("inspection-record", record.pk, "results"),
                    {"results": [{"item": item.pk, "result": "pass"}], "version": 1}, format="json"),
        client.post(api_url("inspection-record", record.pk, "submit"), {"version": 1}, format="json"),
        client.patch(api_url("inspection-duty", duty.pk), {"name": "旧页面", "version": 1}, format="json"),
    ]
    # then each is 409 with the current version, and nothing changed
    for response in calls:
        assert response.status_code == 409, response.content
        assert response.json()["current_version"] == 2
    assert (fresh(record).summary, fresh(duty).name) == ("已改", "已改")
    # while the current version goes through, and the answer carries the new one
    response = client.patch(api_url("inspection-record", record.pk), {"summary": "新页面", "version": 2},
                            format="json")
    assert response.status_code == 200 and response.json()["version"] == 3


# --- the record machine is what the services do -------------------------------------------------

def record_in(world, state: str) -> InspectionRecord:
    """A record of ent_a with a found item and a passed one, in ``state``."""
    user = world.users[Role.ENTERPRISE]
    record = draft(world)
    found, passed = record.items.order_by("sort")
    services.record_results(record, actor=user, results=[{"item": found.pk, "result": ItemResult.HAZARD_FOUND},
                                                         {"item": passed.pk, "result": ItemResult.PASS}])
    if state == RecordState.SUBMITTED:
        services.submit_record(record, actor=user)
    return fresh(record)


def take(action: str, record: InspectionRecord, actor) -> None:
    found, passed = record.items.order_by("sort")
    calls = {
        events.RECORD_UPDATED: lambda: services.update_record(record, actor=actor, data={"summary": "补充"}),
        events.ITEM_ADDED: lambda: services.add_item(record, actor=actor, content="消防通道"),
        events.RESULTS_RECORDED: lambda: services.record_results(
            record, actor=actor, results=[{"item": passed.pk, "result": ItemResult.NOT_APPLICABLE}]),
        events.PHOTOS_ADDED: lambda: services.attach_item_photos(passed, actor=actor, photos=[photo()]),
        events.HAZARD_RAISED: lambda: services.raise_hazard_from_item(found, actor=actor),
        events.RECORD_SUBMITTED: lambda: services.submit_record(record, actor=actor),
        "void": lambda: services.void_inspection_record(record, actor=actor, reason="误录"),
    }
    calls[action]()


@pytest.mark.parametrize("state", RecordState.values)
@pytest.mark.parametrize("who", [Role.ENTERPRISE, Role.REGULATOR, Role.ADMIN])
def test_available_steps_say_yes_exactly_when_the_service_succeeds(world, state, who):
    # given a record of ent_a's self-inspection in this state, and a user of this role
    record = record_in(world, state)
    actor = world.users[who]
    offered = set(available_steps(RECORD_MACHINE, policy, actor, record))
    # then for every declared step, the service succeeds exactly when the step is offered
    for step in RECORD_MACHINE.steps:
        taken = succeeds(partial(take, step.action, fresh(record), actor))
        assert taken is (step.action in offered), (state, who, step.action)
    # (and the machine allows something in each state, to the enterprise at least)
    if who == Role.ENTERPRISE:
        assert offered
    # the regulator sees the enterprise's own record but may take no step on it
    if who == Role.REGULATOR:
        assert offered == set()


def test_a_submitted_record_offers_only_raising_hazards_and_voiding(world):
    record = record_in(world, RecordState.SUBMITTED)
    assert available_steps(RECORD_MACHINE, policy, world.users[Role.ENTERPRISE], record) == [
        events.HAZARD_RAISED, "void"]


# --- guards name their field -----------------------------------------------------------------------

def test_submit_guards_name_their_fields(world):
    user = world.users[Role.ENTERPRISE]
    # given a draft with an item without result, and one without items nor summary
    unset = draft(world, items=1)
    empty = services.start_record(actor=user, enterprise=world.ent_a)
    # then submitting is not offered, and the service's refusal names the field of the rule
    for record, field in ((unset, "items"), (empty, "summary")):
        assert events.RECORD_SUBMITTED not in available_steps(RECORD_MACHINE, policy, user, record)
        with pytest.raises(ValidationError) as exc:
            services.submit_record(record, actor=user)
        assert list(exc.value.message_dict) == [field]
        assert fresh(record).state == RecordState.DRAFT


def test_a_missed_task_is_done_only_by_an_inspection_in_time(world, clock):
    # given the open task of a weekly duty, and a draft for it inspected in its period
    user = world.users[Role.ENTERPRISE]
    task = InspectionTask.objects.get(duty=make_duty(world.ent_a, user))
    record = services.start_record(actor=user, task=task, data={"summary": "全厂检查"})
    InspectionTask.objects.filter(pk=task.pk).update(state=TaskState.MISSED)
    task = fresh(task)
    # then the "done" step is possible while the record was inspected by the due date
    assert TASK_MACHINE.possible(task, events.TASK_DONE)
    # and not once its inspection time is after the due date: the guard names that field
    late = timezone.make_aware(datetime.combine(task.due_date + timedelta(days=1), time(9)))
    InspectionRecord.objects.filter(pk=record.pk).update(inspected_at=late)
    refusal = TASK_MACHINE[events.TASK_DONE].refusal(task, TASK_MACHINE.state_field)
    assert refusal is not None and list(refusal.message_dict) == ["inspected_at"]
    # and submitting the late record leaves the missed task as it is
    services.submit_record(fresh(record), actor=user)
    assert fresh(task).state == TaskState.MISSED


def test_the_nightly_steps_follow_the_declaration(world):
    # given an open task, then the "missed" and "cancelled" steps are the declared ones
    user = world.users[Role.ENTERPRISE]
    duty = make_duty(world.ent_a, user)
    task = InspectionTask.objects.get(duty=duty)
    assert TASK_MACHINE[events.TASK_MISSED].sources == (TaskState.OPEN,)
    services.void_duty(duty, actor=user, reason="重复")
    assert fresh(task).state == TASK_MACHINE[events.TASK_CANCELLED].target
    # and a cancelled task is never marked missed by the job
    assert services.mark_missed_tasks(task.due_date + timedelta(days=1)) == 0


def test_grid_and_expert_records_follow_the_same_machine(world):
    # given a grid patrol, then its inspector takes the same steps as any other kind
    officer = world.users[Role.GRID_OFFICER]
    record = services.start_record(actor=officer, enterprise=world.ent_a, kind=InspectionKind.GRID)
    assert events.ITEM_ADDED in available_steps(RECORD_MACHINE, policy, officer, record)
    assert available_steps(RECORD_MACHINE, policy, world.users[Role.ENTERPRISE], record) == []

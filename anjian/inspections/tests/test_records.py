"""Inspection records: starting one (for a task, from a checklist), recording item results,
raising a found item as a hazard in one step (grade, criterion, source, photos), submitting
(the task is done), voiding (the task reopens) and who may do what."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anjian.core.services import ConflictError, attachments_for, events_for
from anjian.hazards.models import Hazard
from anjian.inspections import services
from anjian.inspections.choices import InspectionKind, ItemResult, RecordState, TaskState
from anjian.inspections.models import InspectionRecord, InspectionTask
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_checklist, make_duty

from .conftest import photo

pytestmark = pytest.mark.django_db

PASS, FOUND, NA = ItemResult.PASS, ItemResult.HAZARD_FOUND, ItemResult.NOT_APPLICABLE


def start(world, who=Role.ENTERPRISE, *, kind=InspectionKind.SELF, enterprise=None, **kwargs):
    return services.start_record(actor=world.users[who], enterprise=enterprise or world.ent_a, kind=kind,
                                 data={"location": "一车间"}, **kwargs)


def results(record, actor, *pairs):
    return services.record_results(record, actor=actor, results=[{"item": i.pk, "result": r} for i, r in pairs])


def test_record_from_a_checklist_has_one_row_per_active_item(world):
    # given a checklist with three active items and one inactive
    checklist = make_checklist(3)
    # when the enterprise starts a self-inspection with it
    record = start(world, checklist=checklist)
    # then the record is a draft with the three active items in order, their text copied
    items = list(record.items.order_by("sort"))
    assert record.state == RecordState.DRAFT
    assert [i.content for i in items] == [f"检查项{n}：安全防护装置完好" for n in (1, 2, 3)]
    assert all(i.result == "" and i.check_item.checklist_id == checklist.pk for i in items)
    # and it copies the enterprise's keys, names the inspector, and has a 'started' event
    assert (record.region_path, record.grid_id, record.inspector) == (world.ent_a.region_path, world.grid_a.pk,
                                                                      world.users[Role.ENTERPRISE])
    assert record.inspector_names == world.users[Role.ENTERPRISE].name
    assert events_for(record).get().action == "started"


def test_record_for_a_task_takes_the_duty_checklist_and_submitting_completes_the_task(world):
    # given a duty with a checklist and its open task
    user = world.users[Role.ENTERPRISE]
    duty = make_duty(world.ent_a, user, checklist=make_checklist(2))
    task = InspectionTask.objects.get(duty=duty)
    # when the enterprise starts the task's record, sets every result and submits
    record = services.start_record(actor=user, task=task)
    assert record.checklist_id == duty.checklist_id and record.items.count() == 2
    a, b = record.items.order_by("sort")
    results(record, user, (a, PASS), (b, NA))
    services.submit_record(record, actor=user)
    # then the record is submitted and the task done, pointing at it, with events on both
    record.refresh_from_db()
    task.refresh_from_db()
    assert record.state == RecordState.SUBMITTED and record.submitted_at is not None
    assert (task.state, task.record_id) == (TaskState.DONE, record.pk)
    assert events_for(task).get().action == "done"
    assert events_for(record).filter(action="submitted").exists()


def test_a_task_has_one_draft_at_a_time(world):
    user = world.users[Role.ENTERPRISE]
    task = InspectionTask.objects.get(duty=make_duty(world.ent_a, user))
    services.start_record(actor=user, task=task)
    # when a second record is started for the same task, then the task field explains why not
    with pytest.raises(ValidationError) as exc:
        services.start_record(actor=user, task=task)
    assert "task" in exc.value.message_dict


def test_submit_needs_every_item_to_have_a_result(world):
    user = world.users[Role.ENTERPRISE]
    record = start(world, checklist=make_checklist(2))
    a, _b = record.items.order_by("sort")
    results(record, user, (a, PASS))
    # when the record is submitted with one item unset, then it is refused naming the items
    with pytest.raises(ValidationError) as exc:
        services.submit_record(record, actor=user)
    assert "items" in exc.value.message_dict
    record.refresh_from_db()
    assert record.state == RecordState.DRAFT
    # and a record without any item needs a summary
    empty = start(world)
    with pytest.raises(ValidationError) as exc:
        services.submit_record(empty, actor=user)
    assert "summary" in exc.value.message_dict


def test_submitted_record_is_closed_to_changes(world):
    user = world.users[Role.ENTERPRISE]
    record = start(world, checklist=make_checklist(1))
    [item] = record.items.all()
    results(record, user, (item, PASS))
    stale = InspectionRecord.objects.get(pk=record.pk)
    services.submit_record(record, actor=user)
    # when the submitter changes a result or submits again, then the record's state refuses it,
    # naming the state (issue #11: a step its state does not allow is the state machine's 400;
    # the 409 is for a stale copy, as below)
    for step in (lambda: results(record, user, (item, NA)), lambda: services.submit_record(record, actor=user)):
        with pytest.raises(ValidationError) as exc:
            step()
        assert "state" in exc.value.message_dict
    # and someone working from a copy read before the submission gets a conflict
    with pytest.raises(ConflictError):
        results(stale, user, (item, NA))


def test_late_submission_still_completes_a_task_inspected_in_time(world):
    # given a record for a task, inspected before the due date, and the job marked the task missed meanwhile
    user = world.users[Role.ENTERPRISE]
    task = InspectionTask.objects.get(duty=make_duty(world.ent_a, user))
    record = services.start_record(actor=user, task=task, data={"summary": "全厂检查，未发现问题"})
    InspectionTask.objects.filter(pk=task.pk).update(state=TaskState.MISSED)
    # when it is submitted, then the task is done after all
    services.submit_record(record, actor=user)
    task.refresh_from_db()
    assert task.state == TaskState.DONE


def test_results_and_photos(world):
    user = world.users[Role.ENTERPRISE]
    record = start(world, checklist=make_checklist(2))
    a, b = record.items.order_by("sort")
    # when results are set with a note and a photo
    services.record_results(record, actor=user, results=[
        {"item": a.pk, "result": FOUND, "note": "护栏缺失", "photos": [photo()]},
        {"item": b.pk, "result": PASS},
    ])
    a.refresh_from_db()
    # then they are stored, the photo is the item's attachment tied to the event
    assert (a.result, a.note) == (FOUND, "护栏缺失") and a.checked_at is not None
    [att] = attachments_for(a)
    assert att.event.action == "results_recorded" and att.name == "现场.jpg"
    # and an unknown result or an item of another record is refused
    with pytest.raises(ValidationError):
        services.record_results(record, actor=user, results=[{"item": a.pk, "result": "maybe"}])
    other = start(world, checklist=make_checklist(1))
    with pytest.raises(ValidationError):
        services.record_results(record, actor=user, results=[{"item": other.items.get().pk, "result": PASS}])


def test_items_added_by_hand(world):
    user = world.users[Role.ENTERPRISE]
    record = start(world)
    item = services.add_item(record, actor=user, content="消防通道堆放杂物", item_no="A1")
    assert (item.check_item, item.content, item.sort) == (None, "消防通道堆放杂物", 10)
    with pytest.raises(ValidationError):
        services.add_item(record, actor=user, content="  ")


# --- raising a hazard from a found item ---------------------------------------------------

@pytest.mark.parametrize(("who", "kind", "source"), [
    (Role.ENTERPRISE, InspectionKind.SELF, "self_inspection"),
    (Role.REGULATOR, InspectionKind.GOVERNMENT, "government"),
    (Role.GRID_OFFICER, InspectionKind.GRID, "grid_patrol"),
    (Role.EXPERT, InspectionKind.EXPERT, "expert"),
])
def test_raise_hazard_maps_the_record_kind_to_the_hazard_source(world, who, kind, source):
    # given a record of this kind with a found (general) item
    user = world.users[who]
    record = start(world, who, kind=kind, checklist=make_checklist(1))
    [item] = record.items.all()
    services.record_results(record, actor=user, results=[{"item": item.pk, "result": FOUND, "note": "护栏缺失"}])
    # when the item is raised as a hazard
    hazard = services.raise_hazard_from_item(item, actor=user)
    # then the hazard is in the ledger with the source of the kind and the item's text
    assert hazard.source == source
    assert hazard.enterprise_id == world.ent_a.pk and hazard.location == "一车间"
    assert "检查项1" in hazard.description and "护栏缺失" in hazard.description
    assert (hazard.grade, hazard.criterion_id, hazard.check_item_id) == ("general", None, item.check_item_id)
    assert hazard.category == item.check_item.hazard_factor
    assert hazard.deadline == timezone.localdate() + timedelta(days=services.DEFAULT_RECTIFICATION_DAYS)
    item.refresh_from_db()
    assert item.hazard_id == hazard.pk
    assert events_for(record).filter(action="hazard_raised").exists()


def test_a_major_criterion_item_becomes_a_major_hazard_with_its_criterion_and_photos(world):
    # given a found item that is a major-hazard criterion, with a photo
    user = world.users[Role.ENTERPRISE]
    record = start(world, checklist=make_checklist(2, major=1))
    item = record.items.order_by("sort").first()
    services.record_results(record, actor=user,
                            results=[{"item": item.pk, "result": FOUND, "photos": [photo("泄漏.jpg")]}])
    # when it is raised with an explicit deadline and one more photo
    deadline = timezone.localdate() + timedelta(days=7)
    hazard = services.raise_hazard_from_item(item, actor=user, data={"deadline": deadline},
                                             photos=[photo("补拍.jpg")])
    # then it is a major hazard meeting the check item's criterion, due on that date
    assert (hazard.grade, hazard.criterion_id) == ("major", item.check_item.criterion_id)
    assert hazard.deadline == deadline
    # and it carries both photos (the item's shared, the new one uploaded), on its 'reported' event
    photos = list(attachments_for(hazard).order_by("name"))
    assert sorted(p.name for p in photos) == ["泄漏.jpg", "补拍.jpg"]
    assert {p.event.action for p in photos} == {"reported"}
    assert photos[0].file.name != ""


def test_raise_hazard_refusals(world):
    user = world.users[Role.ENTERPRISE]
    record = start(world, checklist=make_checklist(2))
    a, b = record.items.order_by("sort")
    services.record_results(record, actor=user, results=[{"item": a.pk, "result": PASS},
                                                         {"item": b.pk, "result": FOUND}])
    # a passed item cannot be raised
    with pytest.raises(ValidationError):
        services.raise_hazard_from_item(a, actor=user)
    # a found item is raised once; the second time is a conflict
    services.raise_hazard_from_item(b, actor=user)
    with pytest.raises(ConflictError):
        services.raise_hazard_from_item(b, actor=user)
    assert Hazard.objects.count() == 1
    # and its result can no longer be changed away from "hazard found"
    with pytest.raises(ValidationError):
        services.record_results(record, actor=user, results=[{"item": b.pk, "result": PASS}])
    # while the record can still be submitted and the hazard raised afterwards for other found items
    services.submit_record(record, actor=user)


def test_found_item_can_be_raised_after_submission(world):
    user = world.users[Role.ENTERPRISE]
    record = start(world, checklist=make_checklist(1))
    [item] = record.items.all()
    services.record_results(record, actor=user, results=[{"item": item.pk, "result": FOUND}])
    services.submit_record(record, actor=user)
    hazard = services.raise_hazard_from_item(item, actor=user)
    assert hazard.pk and Hazard.objects.filter(inspection_items=item).exists()


def test_a_failed_hazard_report_changes_nothing(world):
    user = world.users[Role.ENTERPRISE]
    record = start(world, checklist=make_checklist(1))
    [item] = record.items.all()
    services.record_results(record, actor=user, results=[{"item": item.pk, "result": FOUND}])
    # when the deadline given is before the day found, then the hazard service's error names it
    with pytest.raises(ValidationError) as exc:
        services.raise_hazard_from_item(item, actor=user, data={"deadline": date(2000, 1, 1)})
    assert "deadline" in exc.value.message_dict
    # and no hazard exists, the item is not linked
    item.refresh_from_db()
    assert item.hazard_id is None and not Hazard.objects.exists()


# --- rights --------------------------------------------------------------------------------

KIND_BY_ROLE = {
    Role.ENTERPRISE: InspectionKind.SELF, Role.REGULATOR: InspectionKind.GOVERNMENT,
    Role.INDUSTRY_OFFICER: InspectionKind.GOVERNMENT, Role.GRID_OFFICER: InspectionKind.GRID,
    Role.EXPERT: InspectionKind.EXPERT,
}


@pytest.mark.parametrize("who", [Role.ADMIN, Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER,
                                 Role.COMMITTEE_OFFICE, Role.ENTERPRISE, Role.EXPERT, "other_county"])
@pytest.mark.parametrize("kind", list(InspectionKind.values))
def test_who_may_record_which_kind(world, who, kind):
    # given county A's machinery enterprise (in grid A, industry 0504)
    user = world.users[who]
    allowed = who == Role.ADMIN or KIND_BY_ROLE.get(who) == kind
    # the industry officer supervises construction (06) only, so ent_a is outside their scope
    if who == Role.INDUSTRY_OFFICER:
        allowed = False
    # when they start a record of this kind, then only the matching role in scope may
    if allowed:
        assert services.start_record(actor=user, enterprise=world.ent_a, kind=kind).pk
    else:
        with pytest.raises(PermissionDenied):
            services.start_record(actor=user, enterprise=world.ent_a, kind=kind)


def test_industry_officer_inspects_their_industry(world):
    # given the construction enterprise of county A, then the construction officer may inspect it
    record = start(world, Role.INDUSTRY_OFFICER, kind=InspectionKind.GOVERNMENT,
                   enterprise=world.ent_a_construction)
    assert record.kind == InspectionKind.GOVERNMENT


def test_only_the_recording_side_edits_a_record(world):
    # given a self-inspection of ent_a
    record = start(world, checklist=make_checklist(1))
    [item] = record.items.all()
    # when the regulator (who sees it) or county B's regulator try to fill it in, then they are refused
    for key in (Role.REGULATOR, Role.GRID_OFFICER):
        with pytest.raises(PermissionDenied):
            results(record, world.users[key], (item, PASS))
    with pytest.raises(PermissionDenied):
        results(record, world.users["other_county"], (item, PASS))


def test_voiding_a_record_reopens_its_task(world):
    # given a submitted record that completed a task
    user = world.users[Role.ENTERPRISE]
    task = InspectionTask.objects.get(duty=make_duty(world.ent_a, user))
    record = services.start_record(actor=user, task=task, data={"summary": "检查完毕"})
    services.submit_record(record, actor=user)
    # when it is voided
    services.void_inspection_record(record, actor=user, reason="误录")
    # then the task is open again (its period is not over) and the record voided
    task.refresh_from_db()
    record.refresh_from_db()
    assert (task.state, task.record_id, record.is_voided) == (TaskState.OPEN, None, True)
    assert events_for(task).first().action == "reopened"

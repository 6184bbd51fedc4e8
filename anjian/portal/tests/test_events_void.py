"""Events and voiding (core.services): event rows name who did what from which state to which,
a record's timeline is newest first and its own, and voiding keeps the row, needs a reason,
happens once, is an event and is all-or-nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from anjian.core import services as core_services
from anjian.core.models import Event
from anjian.core.services import events_for, record_event, void_record
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import Department
from anjian.regions.models import Region

pytestmark = pytest.mark.django_db


def test_record_event_stores_every_part(world):
    # given a regulator acting on an enterprise
    actor = world.users[Role.REGULATOR]
    # when an event is recorded
    event = record_event(world.ent_a, "status_changed", actor=actor, from_state="operating", to_state="suspended",
                         comment="停产整顿", data={"on": "2026-03-01"})
    # then it is stored with its target, actor, states, comment and data
    stored = Event.objects.get(pk=event.pk)
    assert stored.target == world.ent_a
    assert (stored.action, stored.actor, stored.from_state, stored.to_state) == (
        "status_changed", actor, "operating", "suspended")
    assert stored.comment == "停产整顿" and stored.data == {"on": "2026-03-01"}


@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_event_without_a_person_has_no_actor(world, actor):
    # given a system action (no person, or an anonymous one), when recorded, then the actor is empty
    event = record_event(world.ent_a, "imported", actor=actor)
    assert Event.objects.get(pk=event.pk).actor is None


def test_timeline_is_newest_first_and_only_its_own(world):
    # given events on two enterprises and on a department with the same primary key space
    first = record_event(world.ent_a, "created")
    second = record_event(world.ent_a, "status_changed")
    record_event(world.ent_b, "created")
    record_event(Department.objects.get(pk=world.dept_a.pk), "created")
    # when ent_a's timeline is read, then it holds exactly its two events, newest first
    assert list(events_for(world.ent_a)) == [second, first]


def test_events_of_different_models_with_the_same_id_do_not_mix(world):
    # given an event on a region whose object id equals the enterprise's id
    Event.objects.create(content_type=ContentType.objects.get_for_model(Region), object_id=str(world.ent_a.pk),
                         action="imported")
    # when the enterprise's timeline is read, then the region's event is not in it
    assert not events_for(world.ent_a).filter(action="imported").exists()


def test_void_keeps_the_row_marks_it_and_is_an_event(world):
    # given the administrator voids an enterprise with a reason
    admin = world.users[Role.ADMIN]
    void_record(world.ent_a_construction, actor=admin, reason="  重复登记  ")
    # then the row still exists, marked voided with the trimmed reason and a time
    ent = Enterprise.objects.get(pk=world.ent_a_construction.pk)
    assert ent.is_voided and ent.voided_at is not None and ent.void_reason == "重复登记"
    # and the void is an event naming the actor and the reason, and a history version
    event = events_for(ent).get(action="voided")
    assert (event.actor, event.comment) == (admin, "重复登记")
    assert ent.history.first().is_voided is True


@pytest.mark.parametrize("reason", ["", "   ", None], ids=["empty", "blank", "none"])
def test_void_needs_a_reason(world, reason):
    # given no reason, when voiding, then the error names void_reason and nothing changes
    with pytest.raises(ValidationError) as exc:
        void_record(world.ent_a, actor=world.users[Role.ADMIN], reason=reason)
    assert "void_reason" in exc.value.message_dict
    world.ent_a.refresh_from_db()
    assert not world.ent_a.is_voided
    assert not events_for(world.ent_a).filter(action="voided").exists()


def test_void_happens_once(world):
    # given a voided enterprise, when it is voided again, then it is refused and there is one event
    void_record(world.ent_a, actor=None, reason="注销")
    with pytest.raises(ValidationError) as exc:
        void_record(world.ent_a, actor=None, reason="再次注销")
    assert "is_voided" in exc.value.message_dict
    assert events_for(world.ent_a).filter(action="voided").count() == 1


def test_long_reason_is_cut_to_the_field(world):
    # given a reason longer than the field, when voiding, then it is stored cut to 200 characters
    void_record(world.ent_a, actor=None, reason="原因" * 150)
    world.ent_a.refresh_from_db()
    assert len(world.ent_a.void_reason) == 200


def test_void_is_all_or_nothing(world, monkeypatch):
    # given the event write fails
    def broken(*args, **kwargs):
        raise RuntimeError("event table unavailable")

    monkeypatch.setattr(core_services, "record_event", broken)
    # when voiding, then the error surfaces and the record is not voided
    with pytest.raises(RuntimeError):
        void_record(world.ent_a, actor=None, reason="测试")
    world.ent_a.refresh_from_db()
    assert not world.ent_a.is_voided

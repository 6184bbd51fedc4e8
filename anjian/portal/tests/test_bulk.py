"""The one bulk writer (core.bulk.bulk_insert): the rows, their "created" history rows and their
events, ids in row order, columns made from the id; the ORM path everywhere, and on PostgreSQL
COPY writing exactly what the ORM path writes."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.accidents.tests.factories import accident_type_on
from anjian.core import bulk
from anjian.core.bulk import ImportEvent, bulk_insert
from anjian.core.models import Event
from anjian.core.testing.bulk import record_writes, sink_of_this_database
from anjian.orgs.choices import Role
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region


def accident_rows(world, n: int = 3) -> list[dict]:
    """Valid accident rows as an import builds them (placeholder numbers), with what a writer
    must carry through: decimals, empty optional values, text with tabs and newlines."""
    occurred = timezone.make_aware(datetime.datetime(2024, 5, 1, 10, 30))
    kind = accident_type_on(occurred.date())
    return [{
        "number": f"TMP-{i}", "occurred_at": occurred + datetime.timedelta(hours=i), "region_id": world.township_a.pk,
        "region_path": world.township_a.path, "address": f"某路{i}号\t东侧", "enterprise_id": world.ent_a.pk if i else None,
        "industry_id": world.ent_a.industry_id, "grid_id": None, "category": "industrial",
        "accident_type_id": kind.pk, "grade": "ordinary", "summary": "经过\n第二行\\N", "preliminary_cause": "",
        "created_by_id": world.users[Role.REGULATOR].pk, "obligations_tracked": False,
        "deaths": i, "missing": 0, "serious_injuries": 0, "minor_injuries": 2,
        "direct_loss_yuan": Decimal("1234.5") * i, "learned_at": None, "reported_to_government_at": None,
    } for i in range(n)]


def number(row: dict) -> dict:
    return {"number": f"SG{row['occurred_at']:%Y}{row['id']:06d}"}


def written(ids: list[int]) -> tuple[list[dict], list[dict], list[dict]]:
    """The accidents, their history rows and their events, without what differs by time or id."""
    volatile = {"id", "history_id", "created_at", "updated_at", "history_date", "number"}
    accidents = list(Accident.objects.filter(pk__in=ids).order_by("id").values())
    history = list(Accident.history.filter(id__in=ids).order_by("id").values())
    events = list(Event.objects.filter(content_type=ContentType.objects.get_for_model(Accident),
                                       object_id__in=[str(i) for i in ids]).order_by("object_id").values())
    for a in accidents:
        assert a["number"] == f"SG{timezone.localtime(a['occurred_at']):%Y}{a['id']:06d}"
    assert [h["number"] for h in history] == [a["number"] for a in accidents]  # the final number, not the placeholder
    return ([{k: v for k, v in a.items() if k not in volatile} for a in accidents],
            [{k: v for k, v in h.items() if k not in volatile} for h in history],
            [{k: v for k, v in e.items() if k not in ("id", "at", "object_id")} for e in events])


@pytest.mark.django_db
def test_rows_history_and_one_event_per_record(world):
    # Given three valid accident rows and their importer
    actor = world.users[Role.REGULATOR]
    rows = accident_rows(world)

    # When they are written with a number made from the id and an event each
    with transaction.atomic():
        ids = bulk_insert(Accident, rows, actor=actor, reason="import: a.xlsx", derive=number,
                          event=ImportEvent("imported", data=lambda r: {"file": "a.xlsx", "deaths": r["deaths"]}))

    # Then the ids come in row order, each row knows its id and number
    assert ids == sorted(ids) and [r["id"] for r in rows] == ids
    assert [r["number"] for r in rows] == list(Accident.objects.filter(pk__in=ids).order_by("id")
                                               .values_list("number", flat=True))
    accidents, history, events = written(ids)
    assert [a["direct_loss_yuan"] for a in accidents] == [Decimal("0"), Decimal("1234.50"), Decimal("2469.00")]
    assert accidents[1]["address"] == "某路1号\t东侧" and accidents[1]["summary"] == "经过\n第二行\\N"
    # and each accident has one "created" history row by the actor, with the reason
    assert [(h["history_type"], h["history_user_id"], h["history_change_reason"]) for h in history] == \
        [("+", actor.pk, "import: a.xlsx")] * 3
    # and one event with its own data
    assert [(e["action"], e["actor_id"], e["data"]) for e in events] == \
        [("imported", actor.pk, {"file": "a.xlsx", "deaths": i}) for i in range(3)]


@pytest.mark.django_db
def test_one_event_on_a_parent_for_the_whole_batch(world):
    # Given new villages under a township, imported by an administrator
    actor = world.users[Role.ADMIN]
    township = world.township_a
    rows = [{"code": f"{township.code[:9]}{200 + i:03d}", "name": f"村{i}", "level": RegionLevel.VILLAGE,
             "parent_id": township.pk, "path": f"{township.path}{township.code[:9]}{200 + i:03d}"} for i in range(2)]

    # When they are written with one event on the township
    with transaction.atomic():
        ids = bulk_insert(Region, rows, actor=actor, event=ImportEvent("imported", on=township, data={"file": "v.csv"}))

    # Then the one event counts them and names the first and last id; each has its history row
    event = Event.objects.get(action="imported", object_id=str(township.pk))
    assert event.data == {"file": "v.csv", "created": 2, "first_id": ids[0], "last_id": ids[1]}
    assert [r.history.get().history_type for r in Region.objects.filter(pk__in=ids)] == ["+", "+"]
    assert not Event.objects.filter(object_id__in=[str(i) for i in ids], action="imported").exists()


@pytest.mark.django_db
def test_writes_only_inside_the_callers_transaction(world, monkeypatch):
    # Given no transaction around the call / When rows are written / Then it refuses, writing nothing
    rows = accident_rows(world, 1)
    monkeypatch.setattr(connection, "in_atomic_block", False)
    with pytest.raises(TransactionManagementError):
        bulk_insert(Accident, rows, actor=None)
    monkeypatch.undo()
    assert not Accident.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("sink", ["copy", "executemany"])
def test_past_the_orm_writes_exactly_what_bulk_create_writes(world, monkeypatch, sink):
    sink_of_this_database(sink)
    # Given the same accident rows, a number made from the id and an event each
    actor = world.users[Role.REGULATOR]
    tables, copied = record_writes(monkeypatch)

    def write() -> list[int]:
        with transaction.atomic():
            return bulk_insert(Accident, accident_rows(world), actor=actor, reason="import: same.xlsx", derive=number,
                               large=True, event=ImportEvent("imported", data=lambda r: {"grade": r["grade"]}))

    # When they are written past the ORM, undone, and written again by bulk_create
    savepoint = transaction.savepoint()
    past = written(write())
    transaction.savepoint_rollback(savepoint)
    assert not Accident.objects.exists()
    monkeypatch.setattr(bulk, "PAST_THE_ORM", False)
    by_orm = written(write())

    # Then the accidents, their history and their events were written past the ORM (by COPY on
    # PostgreSQL), exactly as bulk_create wrote them
    expected = [Accident._meta.db_table, Accident.history.model._meta.db_table, Event._meta.db_table]
    assert tables == expected and copied == (expected if sink == "copy" else [])
    assert past == by_orm
    assert [len(part) for part in past] == [3, 3, 3]

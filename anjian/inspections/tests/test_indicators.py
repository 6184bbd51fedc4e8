"""The inspections' indicators against hand counts: self-inspection completion and missed rate,
and the coverage of enterprises by government, grid and expert inspections; drill-downs list
exactly the records; another county counts zero.

The clock is frozen at 2026-03-10 09:00; the period is March 2026 (tasks due on or after 03-10
are not owed yet) or February."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.core.testing.indicators import assert_drills_match, drill_keys, figure, month
from anjian.inspections.choices import InspectionKind, RecordState, TaskState
from anjian.inspections.models import InspectionRecord, InspectionTask
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_duty
from anjian.portal.testing.mixins import OTHER_COUNTY

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH, FEBRUARY = month(2026, 3), month(2026, 2)


def task(duty, due: datetime.date, state: str) -> InspectionTask:
    """A task of ``duty`` due on ``due`` in ``state`` (written directly: indicators read columns)."""
    return InspectionTask.objects.create(
        duty=duty, cadence=duty.cadence, enterprise=duty.enterprise, region_path=duty.region_path,
        industry=duty.industry, grid=duty.grid, period_start=due - datetime.timedelta(days=6), due_date=due,
        state=state)


@pytest.fixture
def tasks(world, clock):
    """County A: March — done (03-01), missed (03-08), open past due (03-09: the nightly job has not
    run), open due 03-15 (not owed yet), cancelled (03-02); February — done, done, missed.
    County B: March — missed (03-08)."""
    admin = world.users[Role.ADMIN]
    duty_a = make_duty(world.ent_a, admin)
    duty_ac = make_duty(world.ent_a_construction, admin)
    duty_b = make_duty(world.ent_b, admin)
    InspectionTask.objects.all().delete()  # the duties' own current tasks: only the ones below count
    return {
        "done": task(duty_a, D(2026, 3, 1), TaskState.DONE),
        "missed": task(duty_a, D(2026, 3, 8), TaskState.MISSED),
        "late_open": task(duty_ac, D(2026, 3, 9), TaskState.OPEN),
        "not_due": task(duty_ac, D(2026, 3, 15), TaskState.OPEN),
        "cancelled": task(duty_a, D(2026, 3, 2), TaskState.CANCELLED),
        "feb1": task(duty_a, D(2026, 2, 8), TaskState.DONE),
        "feb2": task(duty_a, D(2026, 2, 15), TaskState.DONE),
        "feb3": task(duty_ac, D(2026, 2, 22), TaskState.MISSED),
        "b": task(duty_b, D(2026, 3, 8), TaskState.MISSED),
    }


def test_completion_and_missed_are_the_hand_counts(world, tasks):
    """March: owed = done, missed, open past due (3); done 1 (33.33 %), missed 2 (66.67 %).
    February: done 2 of 3 (66.67 %), missed 1 (33.33 %)."""
    viewer = world.users[Role.REGULATOR]
    v = assert_drills_match("self_inspection_completion", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (1, 3, Decimal("33.33"))
    v = assert_drills_match("missed_inspection_rate", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (2, 3, Decimal("66.67"))
    assert drill_keys("missed_inspection_rate", "missed", viewer, world.county_a, MARCH) == {
        tasks["missed"].pk, tasks["late_open"].pk}
    assert drill_keys("self_inspection_completion", "done", viewer, world.county_a, MARCH) == {tasks["done"].pk}
    v = assert_drills_match("self_inspection_completion", viewer, world.county_a, FEBRUARY)
    assert (v.numerator, v.denominator, v.value) == (2, 3, Decimal("66.67"))


def test_other_county_counts_zero(world, tasks):
    other = world.users[OTHER_COUNTY]
    v = figure("self_inspection_completion", other, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (0, 0, None)
    v = figure("missed_inspection_rate", other, world.county_b, MARCH)
    assert (v.numerator, v.denominator) == (1, 1)


def record(enterprise, kind, when, state=RecordState.SUBMITTED, voided=False) -> InspectionRecord:
    return InspectionRecord.objects.create(
        enterprise=enterprise, region_path=enterprise.region_path, industry=enterprise.industry, grid=enterprise.grid,
        kind=kind, inspected_at=when, state=state, is_voided=voided)


def at(y, m, d) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, 12))


def test_inspection_coverage_is_the_hand_count(world, clock):
    """ent_a had a government inspection in March (covered); ent_a_construction only a
    self-inspection, a draft grid patrol and a voided expert inspection in March and a government
    one in February (not covered in March): 1 of 2. In February it was the other way round."""
    a, ac = world.ent_a, world.ent_a_construction
    record(a, InspectionKind.GOVERNMENT, at(2026, 3, 3))
    record(ac, InspectionKind.SELF, at(2026, 3, 3))
    record(ac, InspectionKind.GRID, at(2026, 3, 4), state=RecordState.DRAFT)
    record(ac, InspectionKind.EXPERT, at(2026, 3, 5), voided=True)
    record(ac, InspectionKind.GOVERNMENT, at(2026, 2, 5))
    viewer = world.users[Role.REGULATOR]
    v = assert_drills_match("inspection_coverage", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (1, 2, Decimal("50.00"))
    assert drill_keys("inspection_coverage", "missing", viewer, world.county_a, MARCH) == {ac.pk}
    v = assert_drills_match("inspection_coverage", viewer, world.county_a, FEBRUARY)
    assert (v.numerator, v.denominator) == (1, 2)
    assert drill_keys("inspection_coverage", "counted", viewer, world.county_a, FEBRUARY) == {ac.pk}

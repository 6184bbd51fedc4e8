"""The credit grade: the scheme's points, decay window and thresholds on a hand-made fixture
(every threshold boundary), the list forcing D, the green channel; the grade recomputed by the
services that move it."""

from __future__ import annotations

import datetime

import pytest

from anjian.credit import selectors, services
from anjian.credit.models import CreditParameter, CreditRecordKind, EnterpriseCredit, GradeBand

from .factories import listing, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(db):
    """A hand-made scheme: base 100, A ≥ 105, B ≥ 90, C ≥ 70, D below; decay 24 months; one kind
    worth exactly the points a test asks for (through each record's own points)."""
    for grade, low in (("A", 105), ("B", 90), ("C", 70), ("D", -32768)):
        GradeBand.objects.filter(grade=grade).update(min_score=low)
    CreditParameter.objects.filter(code="base_score").update(value=100)
    CreditParameter.objects.filter(code="decay_months").update(value=24)
    return selectors.bands()


def credit(ent) -> EnterpriseCredit:
    return EnterpriseCredit.objects.get(enterprise=ent)


@pytest.mark.parametrize(("points", "grade"), [
    (5, "A"), (4, "B"),        # A from 105
    (-10, "B"), (-11, "C"),    # B from 90
    (-30, "C"), (-31, "D"),    # C from 70
    (0, "B"),
])
def test_each_threshold_boundary(world, scheme, clock, points, grade):
    if points:
        record(world, world.ent_a, kind_code="other_good" if points > 0 else "other_bad", points=points)
    services.refresh_grades([world.ent_a.pk])
    assert credit(world.ent_a).score == 100 + points
    assert credit(world.ent_a).grade == grade
    assert credit(world.ent_a).green_channel is (grade == "A")
    assert credit(world.ent_a).more_inspections is (grade in ("C", "D"))


def test_band_for_without_the_database(scheme):
    assert [selectors.band_for(s, False, scheme).grade for s in (105, 104, 90, 89, 70, 69)] == list("ABBCCD")
    assert selectors.band_for(200, True, scheme).grade == "D"


def test_only_confirmed_records_in_the_window_count(world, scheme, clock):
    today = datetime.date(2026, 3, 10)  # the frozen clock
    record(world, world.ent_a, points=-20, confirm=False)                      # pending: not counted
    record(world, world.ent_a, points=-5, occurred_on=datetime.date(2024, 3, 10))  # 24 months back: out
    record(world, world.ent_a, points=-7, occurred_on=datetime.date(2024, 3, 11))  # the first day in
    services.refresh_grades([world.ent_a.pk], day=today)
    assert credit(world.ent_a).score == 93


def test_kind_points_are_used_unless_the_record_overrides(world, scheme, clock):
    CreditRecordKind.objects.filter(code="accident_grave").update(points=-40)
    record(world, world.ent_a, kind_code="accident_grave")
    assert credit(world.ent_a).score == 60 and credit(world.ent_a).grade == "D"
    CreditRecordKind.objects.filter(code="accident_grave").update(points=-15)  # the scheme is edited
    services.refresh_grades()
    assert credit(world.ent_a).score == 85 and credit(world.ent_a).grade == "C"


def test_confirm_and_void_recompute_the_grade(world, scheme, clock):
    rec = record(world, world.ent_a, points=-31, confirm=False)
    services.refresh_grades([world.ent_a.pk])
    assert credit(world.ent_a).grade == "B"
    rec = services.confirm_record(rec, actor=world.users["regulator"])
    assert credit(world.ent_a).grade == "D"
    services.void_record(rec, actor=world.users["regulator"], reason="处罚决定被撤销")
    assert credit(world.ent_a).grade == "B"


def test_a_listed_enterprise_is_d_whatever_its_score(world, scheme, clock):
    record(world, world.ent_a, kind_code="other_good", points=50)
    assert credit(world.ent_a).grade == "A" and credit(world.ent_a).green_channel
    listing(world, world.ent_a)
    c = credit(world.ent_a)
    assert (c.grade, c.blacklisted, c.green_channel, c.more_inspections) == ("D", True, False, True)


def test_refresh_is_idempotent(world, scheme, clock):
    assert services.refresh_grades() == 3  # the world's three enterprises, first computed
    assert services.refresh_grades() == 0

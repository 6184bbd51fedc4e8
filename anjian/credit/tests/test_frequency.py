"""The supervision grade feed (分级差别化): the enterprise's credit changes enforcement's planned
visits — more when blacklisted or poorly graded, fewer in the green channel, never below the
lowest base frequency."""

from __future__ import annotations

import pytest

from anjian.credit import services
from anjian.enforcement.frequency import Factors, factors_for, tables, visits
from anjian.enforcement.models import FrequencyUplift
from anjian.risks.models import SupervisionFrequency

from .factories import listing, record

pytestmark = pytest.mark.django_db


def planned(ent) -> int:
    base, uplifts = tables()
    return visits(factors_for([ent.pk], 2026)[ent.pk], base, uplifts)[1]


def test_the_credit_uplift_rows_are_editable_reference_data(db):
    rows = dict(FrequencyUplift.objects.values_list("factor", "extra_visits"))
    assert rows["blacklisted"] > 0 and rows["poor_credit"] > 0 and rows["green_channel"] < 0
    assert FrequencyUplift.objects.get(factor="green_channel").certainty == "unconfirmed"


def test_planned_visits_follow_the_credit(world, clock):
    base, uplifts = tables()
    low = visits(Factors(), base, uplifts)[0]
    services.refresh_grades([world.ent_a.pk])
    assert planned(world.ent_a) == low  # grade B: no credit factor
    rec = record(world, world.ent_a, points=-20)  # grade C: poor credit
    assert factors_for([world.ent_a.pk], 2026)[world.ent_a.pk].poor_credit
    assert planned(world.ent_a) == low + uplifts["poor_credit"]
    services.void_record(rec, actor=world.users["regulator"], reason="录入错误")
    listing(world, world.ent_a)  # blacklisted: the blacklist factor, not poor credit as well
    f = factors_for([world.ent_a.pk], 2026)[world.ent_a.pk]
    assert (f.blacklisted, f.poor_credit) == (True, False)
    assert planned(world.ent_a) == low + uplifts["blacklisted"]


def test_green_channel_reduces_visits_down_to_the_floor(world, clock):
    base, uplifts = tables()
    record(world, world.ent_a, kind_code="other_good", points=10)  # grade A: green channel
    f = factors_for([world.ent_a.pk], 2026)[world.ent_a.pk]
    assert f.green_channel
    floor = min(base.values())
    high = SupervisionFrequency.objects.order_by("-per_year").first()
    first, planned_high = visits(Factors(risk_level=high.level, green_channel=True), base, uplifts)
    assert planned_high == max(floor, first + uplifts["green_channel"])
    # At the lowest grade the green channel cannot go below the floor.
    assert visits(Factors(green_channel=True), base, uplifts)[1] >= floor
    FrequencyUplift.objects.filter(factor="green_channel").update(extra_visits=-100)
    base, uplifts = tables()
    assert visits(Factors(risk_level=high.level, green_channel=True), base, uplifts)[1] == floor

"""The enforcement inspection indicators against hand counts, with the records behind each figure,
and zero for another county's viewer."""

from __future__ import annotations

import datetime

import pytest

from anjian.core.testing.indicators import assert_drills_match, figure, month
from anjian.enforcement import services
from anjian.enforcement.choices import InspectionMode
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role

from .factories import make_plan
from .factories_inspections import make_inspection, walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_figures_are_the_hand_counts(world, clock):
    """March 2026, county A. The plan: ent_a (key, 4 visits) and ent_a_construction (key, 2 visits)
    = 6 planned visits, 2 key enterprises. Inspections: #1 planned at ent_a, 1 hazard found, signed,
    a measure decided; #2 unannounced at ent_a, 1 violation + 1 hazard, signed (counts on the plan
    too: same department); #3 prepared, never signed. So: done against plan 2/6 = 33.33 %; key
    coverage 1/2 = 50 % (ent_a); inspections 2; findings 3; hazards 2; measures 1."""
    clock("2026-03-10 09:00")
    admin, officer = world.users[Role.ADMIN], world.users[Role.REGULATOR]
    plan = make_plan(world, admin, year=2026)
    services.add_enterprises(plan, actor=admin, enterprises=Enterprise.objects.filter(
        pk__in=[world.ent_a.pk, world.ent_a_construction.pk]), is_key=True)
    plan.refresh_from_db()
    for entry, visits in zip(plan.entries.order_by("enterprise_id"), (4, 2), strict=True):
        services.set_visits(entry, actor=admin, planned_visits=visits, reason="按风险等级确定", version=plan.version)
        plan.refresh_from_db()
    plan.refresh_from_db()
    services.approve_plan(plan, actor=admin)
    entry_a = plan.entries.get(enterprise=world.ent_a)
    first = make_inspection(world, officer, kind=InspectionMode.PLANNED, plan_entry=entry_a)
    walk(first, officer, found=1)
    services.sign_inspection(first, actor=officer)
    services.decide_measure(first, actor=officer, kind="suspend", reason="重大事故隐患")
    second = make_inspection(world, officer)
    walk(second, officer, found=2, violation=True)
    services.sign_inspection(second, actor=officer)
    make_inspection(world, officer)

    march = month(2026, 3)
    expect = {"enforcement_plan_done": "33.33", "enforcement_key_coverage": "50.00", "enforcement_inspections": "2",
              "enforcement_findings": "3", "enforcement_hazards_raised": "2", "enforcement_measures": "1"}
    for code, value in expect.items():
        v = assert_drills_match(code, officer, world.county_a, march)
        assert str(v.value) == value, code
        # another county's officer counts nothing of county A
        other = figure(code, world.users["other_county"], world.county_a, march)
        assert not other.numerator, code
    assert figure("enforcement_inspections", officer, world.county_a, month(2026, 2)).numerator == 0
    assert datetime.date(2026, 3, 10)

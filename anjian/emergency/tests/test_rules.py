"""The emergency warnings on the days around their limits (frozen clock: 2026-03-10, a Tuesday), and
the indicators with their drill-downs. Each expected day is derived by hand in the comments."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.testing.clock import local_moment
from anjian.core.testing.indicators import assert_drills_match, month
from anjian.emergency import services
from anjian.emergency.choices import PlanKind
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role

from .factories import actor, held_drill, plan, supply

pytestmark = pytest.mark.django_db
D = datetime.date


def warned(code: str, obj, day: str) -> bool:
    sync_rule(get_rule(code), local_moment(day))
    return Warning.objects.filter(rule=code, content_type=ContentType.objects.get_for_model(obj),
                                  object_id=str(obj.pk), closed_at__isnull=True).exists()


@pytest.mark.parametrize(("day", "late"), [
    # published Tue 2026-03-10; 20 working days (Mon–Fri): 11,12,13 | 16–20 | 23–27 | 30,31, 4/1,2,3 | 6, 7
    # → due 2026-04-07; late from 04-08
    ("2026-04-07", False), ("2026-04-08", True)])
def test_filing_is_due_twenty_working_days_after_publication(world, clock, day, late):
    found = plan(world, world.ent_a)
    assert warned("emergency_plan_filing_overdue", found, day) is late
    if late:  # submitting closes it; the regulator's check is then due 5 working days later
        found = services.submit_plan(found, actor=actor(world, Role.ENTERPRISE), submitted_on=D(2026, 3, 10))
        assert not warned("emergency_plan_filing_overdue", found, day)
        # submitted 03-10; 5 working days → 03-17; on 04-08 long late
        assert warned("emergency_plan_review_overdue", found, day)
        assert not warned("emergency_plan_review_overdue", found, "2026-03-17")
        assert warned("emergency_plan_review_overdue", found, "2026-03-18")


@pytest.mark.parametrize(("high_risk", "day", "late"), [
    # published 2026-03-10, three years → 2029-03-10; late from 2029-03-11, high-risk enterprises only
    (True, "2029-03-10", False), (True, "2029-03-11", True), (False, "2029-03-11", False)])
def test_evaluation_is_due_every_three_years_for_high_risk_enterprises(world, clock, high_risk, day, late):
    Enterprise.objects.filter(pk=world.ent_a.pk).update(high_risk=high_risk)
    found = plan(world, world.ent_a)
    assert warned("emergency_plan_evaluation_overdue", found, day) is late
    if late:
        clock("2029-03-11")
        services.evaluate_plan(found, actor=actor(world), conclusion="预案适用，无需修订")
        assert not warned("emergency_plan_evaluation_overdue", found, day)


@pytest.mark.parametrize(("kind", "day", "late"), [
    # on-site plan published 2026-03-10: a drill every 6 months → due 2026-09-10
    (PlanKind.ONSITE, "2026-09-10", False), (PlanKind.ONSITE, "2026-09-11", True),
    # comprehensive plan: yearly → due 2027-03-10
    (PlanKind.COMPREHENSIVE, "2027-03-10", False), (PlanKind.COMPREHENSIVE, "2027-03-11", True)])
def test_drill_cadence_per_kind_of_plan(world, clock, kind, day, late):
    found = plan(world, world.ent_a, kind=kind)
    assert warned("emergency_plan_drill_overdue", found, day) is late
    if late:
        # a drill held on the day restarts the clock: for a comprehensive plan, a special drill counts
        clock(day)
        if kind == PlanKind.ONSITE:
            held_drill(world, world.ent_a, kind=kind, plan_=found)
        else:
            held_drill(world, world.ent_a, kind=PlanKind.SPECIAL)
        assert not warned("emergency_plan_drill_overdue", found, day)


@pytest.mark.parametrize(("day", "late"), [
    # required 2026-03-10; 90 days → 2026-06-08; late from 06-09
    ("2026-06-08", False), ("2026-06-09", True)])
def test_a_required_revision_is_due_within_ninety_days(world, clock, day, late):
    found = services.require_revision(plan(world, world.ent_a), actor=actor(world), trigger="accident",
                                      reason="发生事故后应急响应暴露问题")
    assert warned("emergency_plan_revision_overdue", found, day) is late
    if late:
        found = services.revise_plan(found, actor=actor(world), comment="第2版")
        assert found.revision == 2 and not warned("emergency_plan_revision_overdue", found, day)


def test_expired_and_short_supplies_warn(world, clock):
    # expires 2026-03-20: still good that day, expired from 03-21; 3 of a minimum of 5 is short
    line = supply(world, world.ent_a, expires_on=D(2026, 3, 20), quantity=3, minimum=5)
    regional = supply(world, region=world.county_a, quantity=10, minimum=5)
    assert not warned("emergency_supply_expired", line, "2026-03-20")
    assert warned("emergency_supply_expired", line, "2026-03-21")
    assert warned("emergency_supply_short", line, "2026-03-10")
    assert not warned("emergency_supply_short", regional, "2026-03-10")


def test_indicators_and_their_drill_downs(world, clock):
    regulator = actor(world)
    filed = plan(world, world.ent_a, published_on=D(2026, 3, 1))
    filed = services.submit_plan(filed, actor=regulator)
    services.accept_filing(filed, actor=regulator, filing_number="甲应急备〔2026〕1号")
    plan(world, world.ent_a_construction, kind=PlanKind.ONSITE, published_on=D(2025, 6, 1))  # not drilled since
    plan(world, world.ent_a, publish=False)  # a draft: not in force
    plan(world, world.ent_b, who=world.users["other_county"])  # county B
    supply(world, world.ent_a, expires_on=D(2026, 3, 1))
    rate = assert_drills_match("emergency_plans_filed_rate", regulator, world.county_a, month(2026, 3))
    assert (rate.numerator, rate.denominator) == (1, 2)
    drilled = assert_drills_match("emergency_drills_done_rate", regulator, world.county_a, month(2026, 3))
    assert (drilled.numerator, drilled.denominator) == (1, 2)  # the on-site plan is 9 months without a drill
    assert assert_drills_match("emergency_supplies_expired", regulator, world.county_a, month(2026, 3)).value == 1

"""The credit warnings on the days around their limits (frozen clock), and the indicators (blacklist
count, share by grade) with their drill-downs; another county counts zero."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.testing.clock import local_moment
from anjian.core.testing.indicators import assert_drills_match, figure, month
from anjian.credit import services
from anjian.orgs.choices import Role

from .factories import listing, record

pytestmark = pytest.mark.django_db


def open_for(code: str, obj) -> bool:
    return Warning.objects.filter(rule=code, content_type=ContentType.objects.get_for_model(obj),
                                  object_id=str(obj.pk), closed_at__isnull=True).exists()


def scan(code: str, day: str):
    sync_rule(get_rule(code), local_moment(day))


@pytest.mark.parametrize(("day", "warned"), [("2026-03-16", False), ("2026-03-17", True)])
def test_a_record_awaiting_confirmation_warns_after_seven_days(world, clock, day, warned):
    rec = record(world, world.ent_a, confirm=False)  # entered 2026-03-10 09:00
    scan("credit_record_unconfirmed", day)            # local noon: 7 days = 2026-03-17 09:00
    assert open_for("credit_record_unconfirmed", rec) is warned
    if warned:
        services.confirm_record(rec, actor=world.users[Role.REGULATOR])
        scan("credit_record_unconfirmed", day)
        assert not open_for("credit_record_unconfirmed", rec)


@pytest.mark.parametrize(("day", "warned"), [
    ("2029-01-29", False),  # 31 days before the end
    ("2029-01-30", True),   # 30 days before
    ("2029-02-28", True),   # the last day on the list
    ("2029-03-01", False),  # the term ends: removed by the daily task
])
def test_term_ending_warns_within_thirty_days(world, clock, day, warned):
    found = listing(world, world.ent_a, decided_on=datetime.date(2026, 3, 1))  # term ends 2029-03-01
    scan("credit_listing_term_ending", day)
    assert open_for("credit_listing_term_ending", found) is warned


def test_blacklist_count_indicator(world, clock):
    regulator = world.users[Role.REGULATOR]
    listing(world, world.ent_a, decided_on=datetime.date(2026, 2, 1))
    listing(world, world.ent_a_construction, decide=False)  # proposed: not counted
    assert assert_drills_match("credit_blacklisted", regulator, world.county_a, month(2026, 3)).value == 1
    assert figure("credit_blacklisted", regulator, world.county_a, month(2026, 1)).value == 0  # not yet decided
    assert figure("credit_blacklisted", world.users["other_county"], world.county_a, month(2026, 3)).value == 0


def test_grade_share_indicators(world, clock):
    regulator = world.users[Role.REGULATOR]
    record(world, world.ent_a, kind_code="other_good", points=10)  # A
    services.refresh_grades()                                       # construction: B; ent_b (county B): B
    a = assert_drills_match("credit_grade_share_a", regulator, world.county_a, month(2026, 3))
    b = assert_drills_match("credit_grade_share_b", regulator, world.county_a, month(2026, 3))
    assert (a.numerator, a.denominator, b.numerator) == (1, 2, 1)
    assert figure("credit_grade_share_a", world.users["other_county"], world.county_a, month(2026, 3)).denominator in (
        0, None)

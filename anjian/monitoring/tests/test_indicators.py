"""Online monitoring's indicators against hand counts: connection of major hazard sources, sensors
online, limit alarms and their acknowledgement and disposal; every drill-down lists exactly the
records its figure counts; another county counts zero; a month with no readings reads as none.

The clock is frozen at 2026-03-10 09:00 (the readings arrive at 08:30); the period is March 2026."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from anjian.core.testing.indicators import assert_drills_match, drill_keys, figure, month
from anjian.monitoring import services
from anjian.monitoring.ingest import Decoded, Incoming, store
from anjian.monitoring.models import Alarm
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import OTHER_COUNTY

from .conftest import at, make_sensor, make_source

pytestmark = pytest.mark.django_db
MARCH, FEBRUARY = month(2026, 3), month(2026, 2)


def send(sensor, values, step=10):
    start = at(0)
    store(Decoded(readings=[Incoming(sensor.enterprise_id, sensor.code, start + datetime.timedelta(seconds=i * step), v)
                            for i, v in enumerate(values)]), channel="mqtt")


@pytest.fixture
def monitored(world, clock):
    """County A: a source with two sensors of which one reports (four readings above the high
    limit, long enough to open an alarm, which is then acknowledged), and a second major source with
    no sensor at all."""
    from anjian.monitoring.partitions import ensure_partitions

    clock.set("2026-03-10T09:00")
    ensure_partitions()  # PostgreSQL keeps readings in monthly partitions around "now"
    source = make_source(world)
    reporting = make_sensor(world, source)
    silent = make_sensor(world, source, code="LT-102")
    bare = make_source(world, name="未接入罐区")
    send(reporting, [17, 17, 17, 17])
    alarm = Alarm.objects.get(sensor=reporting)
    services.acknowledge(alarm, actor=world.users[Role.ENTERPRISE])
    return {"source": source, "bare": bare, "reporting": reporting, "silent": silent, "alarm": alarm}


def test_the_figures_are_the_hand_counts_and_the_drills_list_their_records(world, monitored):
    viewer = world.users[Role.REGULATOR]
    # given one of two sources reporting, one of two sensors, one limit alarm acknowledged but not disposed of
    # when the figures of March are read for county A
    v = assert_drills_match("monitoring_connection_rate", viewer, world.county_a, MARCH)
    # then each is the hand count, and each drill-down lists exactly the records counted
    assert (v.numerator, v.denominator, v.value) == (1, 2, Decimal("50.00"))
    assert drill_keys("monitoring_connection_rate", "missing", viewer, world.county_a, MARCH) == {monitored["bare"].pk}
    v = assert_drills_match("monitoring_online_rate", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator) == (1, 2)
    assert drill_keys("monitoring_online_rate", "missing", viewer, world.county_a, MARCH) == {monitored["silent"].pk}
    assert assert_drills_match("monitoring_limit_alarms", viewer, world.county_a, MARCH).value == 1
    v = assert_drills_match("monitoring_acknowledgement_rate", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (1, 1, Decimal("100.00"))
    v = assert_drills_match("monitoring_disposal_rate", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (0, 1, Decimal("0.00"))
    assert drill_keys("monitoring_disposal_rate", "missing", viewer, world.county_a, MARCH) == {monitored["alarm"].pk}


def test_a_month_without_readings_and_another_county(world, monitored):
    viewer = world.users[Role.REGULATOR]
    # a month before anything reported: the sources were due, none reported; no alarm to judge
    v = figure("monitoring_connection_rate", viewer, world.county_a, FEBRUARY)
    assert (v.numerator, v.denominator) == (0, 2)
    assert figure("monitoring_disposal_rate", viewer, world.county_a, FEBRUARY).value is None
    # another county's regulator counts nothing in county A
    other = world.users[OTHER_COUNTY]
    for code in ("monitoring_connection_rate", "monitoring_online_rate", "monitoring_acknowledgement_rate"):
        v = figure(code, other, world.county_a, MARCH)
        assert (v.numerator, v.denominator, v.value) == (0, 0, None), code
    assert figure("monitoring_limit_alarms", other, world.county_a, MARCH).value == 0

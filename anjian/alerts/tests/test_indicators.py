"""Warning indicators against hand counts: open at the end of the period (or now), and open longer
than the handling time; a past period reads the warnings open at its end."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from anjian.alerts.models import Warning
from anjian.core.testing.indicators import assert_drills_match, drill_keys, figure, month
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import OTHER_COUNTY

pytestmark = pytest.mark.django_db


def at(y, m, d) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, 12))


def warn(enterprise, n, raised, closed=None) -> Warning:
    return Warning.objects.create(
        rule="hazard_overdue", content_type=ContentType.objects.get_for_model(enterprise), object_id=str(n),
        message="测试预警", enterprise=enterprise, region_path=enterprise.region_path, industry=enterprise.industry,
        grid=enterprise.grid, raised_at=raised, last_seen_at=raised, closed_at=closed)


def test_open_and_overdue_are_the_hand_counts(world, clock, settings):
    """Now (2026-03-10 09:00, handling time 7 days): w1 raised 03-08 open; w2 raised 02-20 open
    (overdue); w3 raised 02-25, closed 03-05; w4 raised 03-01, closed 03-09. County A: 2 open, 1
    overdue. February read at its end (03-01 00:00): w2 and w3 open (w4 not yet raised), w2 open
    since 02-20 — 9 days: overdue."""
    settings.ANJIAN_WARNING_HANDLING_DAYS = 7
    a = world.ent_a
    w1, w2 = warn(a, 1, at(2026, 3, 8)), warn(a, 2, at(2026, 2, 20))
    w3 = warn(a, 3, at(2026, 2, 25), at(2026, 3, 5))
    warn(a, 4, at(2026, 3, 1), at(2026, 3, 9))
    warn(world.ent_b, 5, at(2026, 2, 1))
    viewer = world.users[Role.REGULATOR]
    v = assert_drills_match("warnings_open", viewer, world.county_a, month(2026, 3))
    assert v.value == 2
    assert drill_keys("warnings_open", "open", viewer, world.county_a, month(2026, 3)) == {w1.pk, w2.pk}
    v = assert_drills_match("warnings_overdue", viewer, world.county_a, month(2026, 3))
    assert v.value == 1
    assert drill_keys("warnings_open", "open", viewer, world.county_a, month(2026, 2)) == {w2.pk, w3.pk}
    assert figure("warnings_overdue", viewer, world.county_a, month(2026, 2)).value == 1
    assert figure("warnings_open", world.users[OTHER_COUNTY], world.county_a, month(2026, 3)).value == 0

"""Supervision coverage against the hand count: every existing enterprise has a plate, the rest
are the blind spots the figure opens to; closed enterprises are not counted; another county
counts zero; an industry department counts only its industries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anjian.core.testing.indicators import assert_drills_match, department_subject, drill_keys, figure, month
from anjian.enterprises.choices import OperatingStatus
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import DepartmentKind, Role
from anjian.portal.testing.factories import DepartmentFactory, EnterpriseFactory, industry
from anjian.portal.testing.mixins import OTHER_COUNTY

pytestmark = pytest.mark.django_db
MARCH = month(2026, 3)


def test_supervision_coverage_is_the_hand_count(world, clock):
    """County A: ent_a supervised, ent_a_construction a blind spot, a closed enterprise not
    counted: 1 of 2; the list behind it is the blind spot, as the blind-spot page lists."""
    closed = EnterpriseFactory(name="甲关闭企业", region=world.township_a, industry=industry("0504"))
    Enterprise.objects.filter(pk=closed.pk).update(status=OperatingStatus.CLOSED)
    viewer = world.users[Role.REGULATOR]
    v = assert_drills_match("supervision_coverage", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (1, 2, Decimal("50.00"))
    missing = drill_keys("supervision_coverage", "missing", viewer, world.county_a, MARCH)
    assert missing == {world.ent_a_construction.pk}
    assert missing == set(Enterprise.objects.for_user(viewer).blind_spots().values_list("pk", flat=True))
    v = figure("supervision_coverage", world.users[OTHER_COUNTY], world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (0, 0, None)


def test_a_department_counts_its_industries(world, clock):
    """The construction department of county A supervises industry 06: only ent_a_construction
    (a blind spot) is its to count: 0 of 1."""
    dept = DepartmentFactory(name="甲区住建局", region=world.county_a, kind=DepartmentKind.INDUSTRY)
    from anjian.core.scoping import industry_subtree_ids

    subject = department_subject(dept, industry_subtree_ids(["06"]))
    v = figure("supervision_coverage", world.users[Role.ADMIN], subject, MARCH)
    assert (v.numerator, v.denominator) == (0, 1)

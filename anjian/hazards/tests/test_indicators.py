"""The hazard loop's indicators against hand counts: rectification, on-time and major-hazard
rectification rates, stock-hazard clearance, listed supervision completed within the deadline
(all levels and per level), enterprises connected; each drill-down lists exactly the records
behind the figure; another county's viewer counts zero; one query for several subjects; the
rates agree with the hazard statistics.

The clock is frozen at 2026-03-10 09:00 (the ``clock`` fixture); the period is March 2026."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.core import indicators
from anjian.core.testing.indicators import (
    assert_drills_match,
    drill_keys,
    figure,
    figures,
    month,
    region_subject,
)
from anjian.hazards.choices import HazardState, ListingLevel, ListingState
from anjian.hazards.models import EnterpriseApiKey, Hazard, ListedSupervision
from anjian.hazards.selectors import hazard_statistics
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard
from anjian.portal.testing.mixins import OTHER_COUNTY

pytestmark = pytest.mark.django_db
MARCH = month(2026, 3)


def at(y, m, d, hh=12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, hh))


def put(h: Hazard, state: str, *, found: datetime.datetime, deadline: datetime.date | None = None,
        rectified: datetime.datetime | None = None, accepted: datetime.datetime | None = None,
        grade: str | None = None) -> Hazard:
    """Set a hazard's state and dates directly (indicators read columns, not the workflow)."""
    values = {"state": state, "found_at": found, "rectified_at": rectified, "accepted_at": accepted}
    if deadline:
        values["deadline"] = deadline
    if grade:
        values["grade"] = grade
    Hazard.objects.filter(pk=h.pk).update(**values)
    h.refresh_from_db()
    return h


D = datetime.date


@pytest.fixture
def ledger(world, clock):
    """County A, found in March 2026 (the period):
      h1 general reported (ent_a)                                   not rectified
      h2 general accepted, deadline 03-08, rectified 03-07          rectified on time
      h3 general closed, deadline 03-05, rectified 03-06            rectified late
      h4 major closed, deadline 03-09, rectified 03-08              major, rectified on time
      h5 major rectifying                                           major, not rectified
      h6 general rectified awaiting acceptance (ent_a_construction)  not rectified
    County A, found before March (the stock is what was not rectified on 03-01):
      h7 closed, accepted 02-20            not stock
      h8 reported, found 02-15             stock, still open
      h9 accepted on 03-05, found 01-20    stock, cleared
      h10 rectifying, accepted 01-10 before a failed re-check, found 2025-12-01   stock, still open
    County B: b1 found in March, closed; b2 found in March, reported."""
    a, ac, b = world.ent_a, world.ent_a_construction, world.ent_b
    admin = world.users[Role.ADMIN]
    h = {}
    h[1] = put(make_hazard(a, admin), HazardState.REPORTED, found=at(2026, 3, 2))
    h[2] = put(make_hazard(a, admin), HazardState.ACCEPTED, found=at(2026, 3, 3), deadline=D(2026, 3, 8),
               rectified=at(2026, 3, 7), accepted=at(2026, 3, 9))
    h[3] = put(make_hazard(a, admin), HazardState.CLOSED, found=at(2026, 3, 4), deadline=D(2026, 3, 5),
               rectified=at(2026, 3, 6), accepted=at(2026, 3, 7))
    h[4] = put(make_hazard(a, admin, major=True), HazardState.CLOSED, found=at(2026, 3, 1, 8),
               deadline=D(2026, 3, 9), rectified=at(2026, 3, 8), accepted=at(2026, 3, 9))
    h[5] = put(make_hazard(a, admin, major=True), HazardState.RECTIFYING, found=at(2026, 3, 5))
    h[6] = put(make_hazard(ac, admin), HazardState.RECTIFIED, found=at(2026, 3, 2), rectified=at(2026, 3, 4))
    h[7] = put(make_hazard(a, admin), HazardState.CLOSED, found=at(2026, 2, 10), accepted=at(2026, 2, 20))
    h[8] = put(make_hazard(a, admin), HazardState.REPORTED, found=at(2026, 2, 15))
    h[9] = put(make_hazard(a, admin), HazardState.ACCEPTED, found=at(2026, 1, 20), accepted=at(2026, 3, 5))
    h[10] = put(make_hazard(a, admin), HazardState.RECTIFYING, found=at(2025, 12, 1), accepted=at(2026, 1, 10))
    h["b1"] = put(make_hazard(b, admin), HazardState.CLOSED, found=at(2026, 3, 3), accepted=at(2026, 3, 4))
    h["b2"] = put(make_hazard(b, admin), HazardState.REPORTED, found=at(2026, 3, 3))
    return h


def pks(*hazards) -> set[int]:
    return {x.pk for x in hazards}


def test_rectification_rates_are_the_hand_counts(world, ledger):
    """Given the ledger, when county A's regulator reads March, then: rectified 3 of 6 (50 %), on
    time 2 of the 3 rectified (66.67 %), major 1 of 2 (50 %)."""
    viewer = world.users[Role.REGULATOR]
    v = assert_drills_match("hazard_rectification_rate", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (3, 6, Decimal("50.00"))
    v = assert_drills_match("hazard_on_time_rate", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (2, 3, Decimal("66.67"))
    v = assert_drills_match("major_hazard_rectification_rate", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (1, 2, Decimal("50.00"))


def test_drill_down_lists_exactly_the_records(world, ledger):
    """The 50 % rectified opens to the three not rectified and the three rectified; on time to
    the late one; major to the major one not rectified."""
    viewer, h = world.users[Role.REGULATOR], ledger
    assert drill_keys("hazard_rectification_rate", "missing", viewer, world.county_a, MARCH) == pks(h[1], h[5], h[6])
    assert drill_keys("hazard_rectification_rate", "counted", viewer, world.county_a, MARCH) == pks(h[2], h[3], h[4])
    assert drill_keys("hazard_on_time_rate", "missing", viewer, world.county_a, MARCH) == pks(h[3])
    assert drill_keys("major_hazard_rectification_rate", "missing", viewer, world.county_a, MARCH) == pks(h[5])


def test_stock_clearance_is_the_hand_count(world, ledger):
    """The stock on 03-01 is h8, h9, h10 (h7 was accepted before); h9 has been cleared: 1 of 3."""
    viewer, h = world.users[Role.REGULATOR], ledger
    v = assert_drills_match("stock_hazard_clearance", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (1, 3, Decimal("33.33"))
    assert drill_keys("stock_hazard_clearance", "missing", viewer, world.county_a, MARCH) == pks(h[8], h[10])
    assert drill_keys("stock_hazard_clearance", "counted", viewer, world.county_a, MARCH) == pks(h[9])


def test_year_to_date(world, ledger):
    """Year 2026 to date (January–March): found h1–h9 (9), rectified h2, h3, h4, h7, h9 (5)."""
    v = figure("hazard_rectification_rate", world.users[Role.REGULATOR], world.county_a,
               indicators.Period.year(2026, D(2026, 3, 10)))
    assert (v.numerator, v.denominator, v.value) == (5, 9, Decimal("55.56"))


def test_another_county_counts_zero(world, ledger):
    """County B's regulator reading county A sees nothing: no figure, nothing to open."""
    other = world.users[OTHER_COUNTY]
    v = figure("hazard_rectification_rate", other, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (0, 0, None)
    assert v.note
    assert drill_keys("hazard_rectification_rate", "missing", other, world.county_a, MARCH) == set()
    # and a county A viewer reading the city counts only county A's hazards
    v = figure("hazard_rectification_rate", world.users[Role.REGULATOR], world.city, MARCH)
    assert (v.numerator, v.denominator) == (3, 6)


def test_several_subjects_in_one_query(world, ledger, django_assert_num_queries):
    """The city's counties (and the city itself) are counted in one grouped query, each
    subject its own figures; the three cohort indicators share it."""
    admin = world.users[Role.ADMIN]
    subjects = [region_subject(r) for r in (world.city, world.county_a, world.county_b)]
    with django_assert_num_queries(1):
        out = indicators.evaluate(["hazard_rectification_rate", "hazard_on_time_rate",
                                   "major_hazard_rectification_rate"], admin, subjects, MARCH)
    rect = out["hazard_rectification_rate"]
    assert (rect[world.county_a.code].numerator, rect[world.county_a.code].denominator) == (3, 6)
    assert (rect[world.county_b.code].numerator, rect[world.county_b.code].denominator) == (1, 2)
    assert (rect[world.city.code].numerator, rect[world.city.code].denominator) == (4, 8)


def test_rates_agree_with_the_hazard_statistics(world, ledger):
    """The indicator and the statistics page count the same hazards found in March the same way."""
    viewer = world.users[Role.REGULATOR]
    qs = Hazard.objects.for_user(viewer).filter(found_at__gte=at(2026, 3, 1, 0), found_at__lt=at(2026, 4, 1, 0))
    table = hazard_statistics(viewer, group_by="grade", queryset=qs)
    for code, rate in (("hazard_rectification_rate", "rectification_rate"), ("hazard_on_time_rate", "on_time_rate"),
                       ("major_hazard_rectification_rate", "major_rate")):
        v = figure(code, viewer, world.county_a, MARCH)
        assert v.value == Decimal(table.total.rates[rate] * 100).quantize(Decimal("0.01"))


# --- listed supervision -----------------------------------------------------------------------------


def _listing(world, hazard, level, *, listed, deadline, delisted=None):
    return ListedSupervision.objects.create(
        hazard=hazard, level=level, department=world.dept_a, deadline=deadline, listed_at=listed,
        state=ListingState.DELISTED if delisted else ListingState.LISTED, delisted_at=delisted,
        region_path=hazard.region_path, enterprise_id=hazard.enterprise_id, industry_id=hazard.industry_id)


@pytest.fixture
def listings(world, clock):
    """County A, listed in March: L1 county, delisted 03-07 by 03-08 (on time); L2 county, delisted
    03-06 after 03-05 (late); L3 city, still listed; L4 township, delisted 03-01 by 03-02 (on
    time). L5 county, listed in February (another period). Their hazards were found in 2025 and
    closed then, so they touch no other figure."""
    admin = world.users[Role.ADMIN]
    made = {}
    for n in range(1, 6):
        hz = put(make_hazard(world.ent_a, admin, major=True), HazardState.CLOSED, found=at(2025, 6, n),
                 accepted=at(2025, 7, n))
        made[n] = hz
    return {
        1: _listing(world, made[1], ListingLevel.COUNTY, listed=at(2026, 3, 2), deadline=D(2026, 3, 8),
                    delisted=at(2026, 3, 7)),
        2: _listing(world, made[2], ListingLevel.COUNTY, listed=at(2026, 3, 2), deadline=D(2026, 3, 5),
                    delisted=at(2026, 3, 6)),
        3: _listing(world, made[3], ListingLevel.CITY, listed=at(2026, 3, 3), deadline=D(2026, 3, 30)),
        4: _listing(world, made[4], ListingLevel.TOWNSHIP, listed=at(2026, 3, 1, 9), deadline=D(2026, 3, 2),
                    delisted=at(2026, 3, 1, 18)),
        5: _listing(world, made[5], ListingLevel.COUNTY, listed=at(2026, 2, 20), deadline=D(2026, 3, 1),
                    delisted=at(2026, 2, 25)),
    }


def test_listing_completion_is_the_hand_count(world, listings):
    """All levels: L1 and L4 of L1–L4 completed on time (50 %); per level: county 1 (of 2 listed),
    city 0 (of 1), township 1 (of 1); the late one is what the county figure opens to."""
    viewer = world.users[Role.REGULATOR]
    v = assert_drills_match("listing_on_time_rate", viewer, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (2, 4, Decimal("50.00"))
    for level, done, listed in (("county", 1, 2), ("city", 0, 1), ("township", 1, 1)):
        v = assert_drills_match(f"listing_done_{level}", viewer, world.county_a, MARCH)
        assert (v.value, v.numerator, v.denominator) == (Decimal(done), done, listed)
    assert drill_keys("listing_done_county", "missing", viewer, world.county_a, MARCH) == {listings[2].pk}
    assert drill_keys("listing_done_county", "counted", viewer, world.county_a, MARCH) == {listings[1].pk}


# --- enterprises connected ----------------------------------------------------------------------------


def _key(world, enterprise, n, **values):
    """A key issued on 2026-01-15 (``values``: when last used, revoked)."""
    key = EnterpriseApiKey.objects.create(enterprise=enterprise, user=world.users[Role.ENTERPRISE], name=f"系统{n}",
                                          prefix=f"k{n}", key_hash=f"{n:064d}")
    EnterpriseApiKey.objects.filter(pk=key.pk).update(created_at=at(2026, 1, 15), **values)
    return key


def test_enterprises_connected_is_the_hand_count(world, clock):
    """ent_a's key was used (connected); ent_a_construction's was revoked on 03-05 (not connected
    now); ent_b's key was never used: county A 1 of 2, county B 0 of 1."""
    k = _key(world, world.ent_a, 1, last_used_at=at(2026, 3, 1))
    _key(world, world.ent_a_construction, 2, last_used_at=at(2026, 2, 1), revoked_at=at(2026, 3, 5))
    _key(world, world.ent_b, 3)
    admin = world.users[Role.ADMIN]
    v = assert_drills_match("enterprises_connected", admin, world.county_a, MARCH)
    assert (v.numerator, v.denominator, v.value) == (1, 2, Decimal("50.00"))
    assert drill_keys("enterprises_connected", "counted", admin, world.county_a, MARCH) == {k.enterprise_id}
    assert drill_keys("enterprises_connected", "missing", admin, world.county_a, MARCH) == {world.ent_a_construction.pk}
    # February, read as of its end: the revocation had not happened yet, so both were connected.
    v = figure("enterprises_connected", admin, world.county_a, month(2026, 2))
    assert (v.numerator, v.denominator) == (2, 2)
    v = figure("enterprises_connected", admin, world.county_b, MARCH)
    assert (v.numerator, v.denominator) == (0, 1)


def test_query_count_does_not_grow_with_subjects(world, ledger):
    """Three subjects or one: the listings cost one query, the stock one."""
    admin = world.users[Role.ADMIN]
    subjects = [region_subject(r) for r in (world.city, world.county_a, world.county_b)]
    for codes in (["listing_on_time_rate", "listing_done_city", "listing_done_county"], ["stock_hazard_clearance"]):
        with CaptureQueriesContext(connection) as ctx:
            indicators.evaluate(codes, admin, subjects, MARCH)
        assert len(ctx.captured_queries) == 1, codes
    assert figures("stock_hazard_clearance", admin, subjects, MARCH)[world.county_b.code].denominator == 0

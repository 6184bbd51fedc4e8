"""Fixtures of the assessment tests: the city's committee office assessing its two counties with a
scheme of indicator items and an item it scores by hand."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from anjian.assessment import services
from anjian.assessment.choices import Method, Part, PeriodKind
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_user


@dataclass
class City:
    world: object
    office: object  # the city's committee office (assesses the counties)
    county_office: object  # county A's committee office (assessed)
    other_county: object  # county B's regulator (assessed; sees nothing of county A)
    scheme: object


@pytest.fixture
def city(world, clock) -> City:
    """A yearly 2026 scheme of the city over its counties: supervision coverage 40 points in
    proportion to 100 %, the hazard rectification rate 30 points all or nothing against 90 %,
    and 30 points the assessor gives for the work of the year; at most 5 bonus points."""
    office = make_user(Role.COMMITTEE_OFFICE, scope_region=world.city)
    scheme = services.create_scheme(actor=office, region=world.city, data={
        "name": "2026年度安全生产目标责任考核", "year": 2026, "period_kind": PeriodKind.YEAR,
        "self_assessment": True, "bonus_cap": Decimal("5")})
    services.add_item(scheme, actor=office, data={"part": Part.RESULT, "indicator": "supervision_coverage",
                                                  "points": Decimal("40"), "method": Method.PROPORTIONAL,
                                                  "target": Decimal("100")})
    scheme.refresh_from_db()
    services.add_item(scheme, actor=office, data={"part": Part.RESULT, "indicator": "hazard_rectification_rate",
                                                  "points": Decimal("30"), "method": Method.PASS_FAIL,
                                                  "target": Decimal("90")})
    scheme.refresh_from_db()
    services.add_item(scheme, actor=office, data={"part": Part.PROCESS, "title": "年度重点工作落实",
                                                  "points": Decimal("30"), "method": Method.MANUAL})
    scheme.refresh_from_db()
    return City(world, office, world.users[Role.COMMITTEE_OFFICE], world.users["other_county"], scheme)

"""Test helpers of the assessment app: one record of each model, built through the services (for
the route walk of portal/tests/test_scoping_walk.py and the API tests)."""

from __future__ import annotations

from decimal import Decimal

from anjian.assessment import services
from anjian.assessment.choices import Method
from anjian.assessment.models import AssessmentScheme, TargetAgreement
from anjian.orgs.choices import Role


def assessment_records(world) -> dict:
    """County A's 2026 agreement (drawn up by the city, one target), and county A's yearly scheme over
    its township with its round and the township's assessment — made once per world."""
    admin = world.users[Role.ADMIN]
    agreement = TargetAgreement.objects.filter(region=world.county_a, year=2026).first()
    if agreement is None:
        agreement = services.create_agreement(actor=admin, year=2026, region=world.county_a)
        agreement = services.set_targets(agreement, actor=admin, targets={"hazard_rectification_rate": "95"})
    scheme = AssessmentScheme.objects.filter(region=world.county_a).first()
    if scheme is None:
        scheme = services.create_scheme(actor=admin, region=world.county_a, data={"name": "街道考核", "year": 2026})
        services.add_item(scheme, actor=admin, data={"indicator": "supervision_coverage", "points": Decimal("50"),
                                                     "method": Method.PROPORTIONAL})
        scheme.refresh_from_db()
        services.open_round(scheme, actor=admin)
    rnd = scheme.rounds.get()
    return {"assessment.TargetAgreement": agreement, "assessment.AssessmentScheme": scheme,
            "assessment.AssessmentRound": rnd, "assessment.Assessment": rnd.assessments.get()}

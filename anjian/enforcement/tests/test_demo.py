"""The enforcement demo: made through the services, labelled, idempotent."""

import pytest

from anjian.enforcement import demo
from anjian.enforcement.models import ConflictDeclaration, EnforcementCertificate, Expert, PlanEntry
from anjian.portal.demo.generator import DemoBuilder, DemoSize

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_pool_officers_and_conflicts_once():
    DemoBuilder(DemoSize(counties_per_city=2, townships_per_county=2, grids_per_township=1,
                         enterprises_per_township=6), seed=7, with_history=False).build()
    made = demo.build_demo(seed=3)
    assert made["experts"] == 12 and made["certificates"] > 16 and made["conflicts"] >= 2
    assert not Expert.objects.filter(is_demo=False).exists()
    assert EnforcementCertificate.objects.filter(is_demo=True).count() == made["certificates"]
    assert ConflictDeclaration.objects.count() == made["conflicts"]
    # (closed demo enterprises are left out of the plans)
    assert made["plans"] == 2 and 0 < made["plan_entries"] == PlanEntry.objects.count() <= 24
    from anjian.enforcement.models import RandomDraw
    from anjian.enforcement.services import verify_draw

    assert made["draws"] == 2 and all(verify_draw(d)["same"] for d in RandomDraw.objects.all())
    # and a second run adds nothing
    assert sum(demo.build_demo(seed=3).values()) == 0

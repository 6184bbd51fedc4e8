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
    # and each bureau has a handful of cases in different states and its summons and circulars
    from anjian.enforcement.models import Admonition, Case

    assert made["cases"] == 14 and Case.objects.filter(is_demo=True).count() == 14
    assert set(Case.objects.values_list("state", flat=True)) == {
        "pending", "investigating", "notified", "reviewing", "decided", "closed", "not_filed"}
    assert Case.objects.filter(state="decided", reviewed_by__isnull=False, published_at__isnull=False).count() == 2
    assert made["admonitions"] == Admonition.objects.filter(is_demo=True).count() == 6
    assert set(Admonition.objects.values_list("kind", "state")) == {
        ("summons", "issued"), ("circular", "issued"), ("exposure", "draft")}
    # and a second run adds nothing
    assert sum(demo.build_demo(seed=3).values()) == 0

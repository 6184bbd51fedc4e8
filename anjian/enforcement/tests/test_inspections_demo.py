"""The demo's enforcement inspections: made through the services, labelled, idempotent."""

import pytest

from anjian.enforcement import demo
from anjian.enforcement.choices import InspectionMode, InspectionState
from anjian.enforcement.models import EnforcementInspection, LeaderRotation
from anjian.portal.demo.generator import DemoBuilder, DemoSize

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_inspections():
    DemoBuilder(DemoSize(counties_per_city=2, townships_per_county=2, grids_per_township=1,
                         enterprises_per_township=6), seed=7, with_history=False).build()
    made = demo.build_demo(seed=3)
    assert made["rotations"] == 2 and made["inspections"] >= 4
    qs = EnforcementInspection.objects.all()
    assert qs.count() == made["inspections"] and not qs.filter(is_demo=False).exists()
    assert qs.filter(kind=InspectionMode.RANDOM, state=InspectionState.ISSUED).exists()
    night = qs.filter(kind=InspectionMode.NIGHT).first()
    assert night is not None and night.rotation == LeaderRotation.objects.get(region=night.department.region)
    assert night.measures.exists() and night.documents.count() >= 2
    assert sum(demo.build_demo(seed=3).values()) == 0

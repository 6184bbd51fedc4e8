"""The demo builder: agreements with the counties (one still a draft), a yearly round with some
self-assessments, last month's ranking published (every county ranked, ties sharing a rank) — and
only once."""

import pytest
from django.db import transaction

from anjian.assessment.demo import build_demo
from anjian.assessment.models import Assessment, AssessmentRound, TargetAgreement
from anjian.portal.demo.generator import DemoBuilder, DemoSize

pytestmark = pytest.mark.django_db


def test_build_demo(clock):
    with transaction.atomic():
        DemoBuilder(DemoSize(enterprises_per_township=2, townships_per_county=2, counties_per_city=3),
                    seed=5, with_history=False).build()
    made = build_demo(seed=5)
    assert made["target agreements"] == 3 and made["assessment schemes"] == 2
    assert TargetAgreement.objects.filter(state="signed", is_demo=True).count() == 2
    published = AssessmentRound.objects.get(state="published")
    ranked = list(Assessment.objects.filter(round=published).order_by("-score"))
    assert len(ranked) == 3 and all(a.rank_of == 3 and a.rank for a in ranked)
    assert ranked[0].rank == 1 and all(a.rank == 1 for a in ranked if a.score == ranked[0].score)
    assert Assessment.objects.filter(round__state="open", state="self_assessed").exists()
    assert build_demo(seed=5) == {"assessment schemes": 0}  # only once

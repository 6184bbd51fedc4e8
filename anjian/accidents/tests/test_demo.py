"""The demo builder: accidents over the past three years on demo enterprises, graded by
grade_for, with the type list of their date, chains, and only once."""

from django.utils import timezone

from anjian.accidents.demo import build_demo
from anjian.accidents.grading import grade_for
from anjian.accidents.models import Accident, ReportingStep
from anjian.enterprises.models import Enterprise
from anjian.standards.selectors import accident_type_scheme_for


def test_build_demo(world):
    Enterprise.objects.filter(pk__in=[world.ent_a.pk, world.ent_b.pk]).update(is_demo=True)
    made = build_demo(seed=3, count=40)
    assert made["accidents"] > 30 and made["reporting_steps"] >= made["accidents"]
    for a in Accident.objects.select_related("accident_type"):
        day = timezone.localdate(a.occurred_at)
        assert a.is_demo and a.number.startswith("SG")
        assert a.grade == grade_for(deaths=a.deaths, missing=a.missing, serious_injuries=a.serious_injuries,
                                    direct_loss_yuan=a.direct_loss_yuan, on=day)[0]
        assert a.accident_type.scheme == accident_type_scheme_for(day)
    assert ReportingStep.objects.filter(level="county").count() == made["accidents"]
    assert build_demo(seed=3, count=40) == {"accidents": 0}  # only once

"""The demo builder: the city committee's units and the year's monthly reports, made through the
services (on time, late, missing, open), and only once."""

import datetime

import pytest
from django.db import transaction

from anjian.core.services import events_for
from anjian.portal.demo.generator import DemoBuilder, DemoSize
from anjian.steering.demo import build_demo
from anjian.steering.models import MonthlyReport, Unit

pytestmark = pytest.mark.django_db


def test_build_demo(clock):
    # given a small demo city on 20 March 2026
    clock("2026-03-20T10:00")
    with transaction.atomic():
        DemoBuilder(DemoSize(enterprises_per_township=1, townships_per_county=1, counties_per_city=3),
                    seed=5, with_history=False).build()
    # when the committee office's demo is built
    made = build_demo(seed=7)
    # then the city's committee has its counties, departments and other units, the filing ones
    # with a report for each month to March
    units = Unit.objects.filter(is_demo=True)
    filing = units.filter(files_monthly_report=True)
    assert made["steering_units"] == units.count() and filing.filter(kind="lower_government").count() == 3
    assert units.filter(files_monthly_report=False).count() == 3
    assert MonthlyReport.objects.count() == made["monthly_reports"] == filing.count() * 3
    reports = MonthlyReport.objects.all()
    # on time, late, missing (overdue) and open reports all occur, March's still open
    assert reports.filter(first_submitted_at__isnull=False, late=False).exists()
    assert reports.filter(late=True).exists()
    assert reports.filter(state="pending", due_on__lt=datetime.date(2026, 3, 20)).exists()
    assert not reports.filter(period=datetime.date(2026, 3, 1)).exclude(state="pending").exists()
    # made through the services: events and minutes
    report = reports.filter(state="accepted").first()
    assert {"report_opened", "report_submitted", "report_accepted"} <= set(
        events_for(report).values_list("action", flat=True))
    assert report.meetings.filter(is_voided=False).count() == report.meetings_held >= 1
    # three tours: completed, rectifying (one rectification overdue), planned
    from anjian.steering.models import Tour, TourFinding

    assert set(Tour.objects.values_list("state", flat=True)) == {"completed", "feedback", "planned"}
    assert TourFinding.objects.filter(state="open", deadline__lt=datetime.date(2026, 3, 20)).exists()
    assert made["tour_findings"] == TourFinding.objects.count() == 8
    # the year's work points and a three-year action with its four phases; an overdue task warns
    from anjian.steering.models import Plan, PlanTask, ProgressReport

    assert set(Plan.objects.values_list("kind", flat=True)) == {"work_points", "three_year_action"}
    assert Plan.objects.get(kind="three_year_action").phases.count() == 4
    assert made["plan_tasks"] == PlanTask.objects.count() >= 6
    assert PlanTask.objects.filter(state="open", deadline__lt=datetime.date(2026, 3, 20)).exists()
    assert ProgressReport.objects.filter(kind="year_end", year=2025).exists()
    # the city's duty list: leaders' and units' duties, some linked
    from anjian.steering.models import Duty

    assert Duty.objects.filter(holder="leader").count() == 4 and Duty.objects.filter(holder="unit").exists()
    assert made["duties"] == Duty.objects.count() and Duty.objects.exclude(indicator_code="").exists()
    # two city-wide campaigns by feature tag: one under way, one closed with its results
    from anjian.steering.models import Campaign

    assert made["campaigns"] == 2
    assert sorted(Campaign.objects.values_list("state", flat=True)) == ["closed", "running"]
    assert Campaign.objects.get(state="closed").summary and all(c.is_demo for c in Campaign.objects.all())
    # two summonses of counties: one closed and disclosed, one overdue and circulated
    from anjian.steering.models import Summons

    assert made["summonses"] == 2
    assert sorted(Summons.objects.values_list("state", flat=True)) == ["closed", "held"]
    late = Summons.objects.get(state="held")
    assert late.overdue and late.circular_number and Summons.objects.get(state="closed").published_on
    # and only once
    assert build_demo(seed=7) == {}

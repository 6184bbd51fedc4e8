"""The demo inspections: deterministic, flagged as demo, and the demo enterprise log-in finds
an open task, a draft in progress and a missed week (so its inbox has the warning)."""

from datetime import date

import pytest
from django.db import transaction

from anjian.enterprises.models import Enterprise
from anjian.hazards.models import Hazard
from anjian.inspections.choices import RecordState, TaskState
from anjian.inspections.demo import build_demo_inspections
from anjian.inspections.models import InspectionDuty, InspectionItemResult, InspectionRecord, InspectionTask
from anjian.inspections.selectors import missed_tasks_qs
from anjian.orgs.models import User
from anjian.portal.demo.generator import DemoBuilder, DemoSize

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 18)


def build(seed: int) -> tuple[dict, list]:
    DemoBuilder(DemoSize(enterprises_per_township=6, townships_per_county=2, counties_per_city=2),
                seed=7, with_history=False).build()
    stats = build_demo_inspections(Enterprise.objects.filter(is_demo=True), seed=seed, today=TODAY, share=0.3)
    rows = list(InspectionTask.objects.order_by("duty__enterprise__credit_code", "duty__cadence__sort",
                                                "period_start")
                .values_list("duty__enterprise__credit_code", "cadence__code", "period_start", "state"))
    return stats, rows


def test_demo_is_deterministic():
    outcomes = []
    for _ in range(2):
        with transaction.atomic():
            outcomes.append(build(seed=11))
            transaction.set_rollback(True)
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0]["inspection tasks"] > 0


def test_demo_rows_are_flagged_and_coherent():
    stats, _rows = build(seed=11)
    # everything that can say it is demo data says so
    for model in (InspectionDuty, InspectionTask, InspectionRecord):
        assert not model.objects.filter(is_demo=False).exists(), model
    # done tasks point at their submitted self-inspection, which points back
    for task in InspectionTask.objects.filter(state=TaskState.DONE).select_related("record")[:50]:
        assert task.record.task_id == task.pk and task.record.state == RecordState.SUBMITTED
    # submitted records have every item answered; past periods are done or missed, current ones open
    assert not InspectionItemResult.objects.filter(record__state=RecordState.SUBMITTED, result="").exists()
    assert not InspectionTask.objects.filter(due_date__lt=TODAY, state=TaskState.OPEN).exists()
    assert not InspectionTask.objects.filter(due_date__gte=TODAY).exclude(state=TaskState.OPEN).exists()
    # the enterprise log-in has a draft in progress and missed its last closed week
    login = User.objects.get(username="enterprise")
    assert InspectionRecord.objects.filter(enterprise=login.scope_enterprise, state=RecordState.DRAFT).exists()
    assert missed_tasks_qs().filter(enterprise=login.scope_enterprise, cadence__code="workshop_weekly").exists()
    # hazards raised from found items are demo hazards linked to their items
    assert stats["hazards from inspections"] == Hazard.objects.filter(inspection_items__isnull=False).count()
    assert not Hazard.objects.filter(inspection_items__isnull=False, is_demo=False).exists()

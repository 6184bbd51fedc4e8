"""The missed self-inspection rule (anjian/inspections/rules.py): raised for the last missed
period of a duty, addressed to the enterprise, its regulators and grid officer, closed when the
next period's inspection is done."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from anjian.alerts.engine import get_rule, inbox, sync_rule, warning_url
from anjian.alerts.models import Warning
from anjian.inspections import services
from anjian.inspections.choices import TaskState
from anjian.inspections.models import InspectionTask
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_duty
from anjian.portal.testing.mixins import OTHER_COUNTY, fresh

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 2)


def test_missed_inspection_raises_and_closes_when_the_next_one_is_done(world):
    # given a weekly duty of ent_a whose second week was missed
    duty = make_duty(world.ent_a, active_from=MONDAY, name="车间周查")
    for week in range(3):
        services.schedule_tasks(MONDAY + timedelta(weeks=week))
    InspectionTask.objects.filter(duty=duty, period_start=MONDAY).update(state=TaskState.DONE)
    services.mark_missed_tasks(MONDAY + timedelta(weeks=2))
    missed = InspectionTask.objects.get(duty=duty, state=TaskState.MISSED)
    rule = get_rule("inspection_missed")
    # when scanned, then one warning about the missed task, scoped like it, naming duty and due date
    assert sync_rule(rule).raised == 1
    w = Warning.objects.get(rule="inspection_missed", closed_at__isnull=True)
    assert w.object_id == str(missed.pk) and w.target == missed
    assert (w.region_path, w.enterprise_id, w.grid_id) == (missed.region_path, missed.enterprise_id, missed.grid_id)
    assert "车间周查" in w.message and str(missed.due_date) in w.message
    # and it links to the task's page
    assert warning_url(w) == reverse("inspections:task", args=[missed.pk])
    # and it is in the enterprise's, the regulator's and the grid officer's inbox, not county B's
    for key in (Role.ENTERPRISE, Role.REGULATOR, Role.GRID_OFFICER):
        assert inbox(fresh(world.users[key])).filter(pk=w.pk).exists(), key
    assert not inbox(fresh(world.users[OTHER_COUNTY])).exists()
    # when the next period's inspection is done, then the warning closes
    InspectionTask.objects.filter(duty=duty, period_start=MONDAY + timedelta(weeks=2)).update(state=TaskState.DONE)
    assert sync_rule(rule).closed == 1

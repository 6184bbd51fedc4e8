"""Warning rules of the accidents app: unit report and escalation overdue now, approval and
rectification overdue; each closes when its cause is gone."""

import datetime

import pytest
from django.utils import timezone

from anjian.accidents import services
from anjian.accidents.models import Accident
from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.orgs.choices import Role

from .factories import make_accident

H = datetime.timedelta(hours=1)


def open_for(rule: str, accident: Accident) -> bool:
    return Warning.objects.filter(rule=rule, object_id=str(accident.pk), closed_at__isnull=True).exists()


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


def test_unit_report_overdue_raises_and_closes(world, regulator):
    now = timezone.now()
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=now - 3 * H, learned_at=now - 2 * H)
    fresh = make_accident(regulator, enterprise=world.ent_a, occurred_at=now - H, learned_at=now - H / 2)
    sync_rule(get_rule("accident_unit_report_overdue"), now)
    assert open_for("accident_unit_report_overdue", acc) and not open_for("accident_unit_report_overdue", fresh)
    services.update_accident(acc, actor=regulator, data={"reported_to_government_at": now - H}, reason="补录")
    sync_rule(get_rule("accident_unit_report_overdue"), now)
    assert not open_for("accident_unit_report_overdue", acc)


def test_escalation_overdue_only_below_the_required_level(world, regulator):
    now = timezone.now()
    ordinary = make_accident(regulator, enterprise=world.ent_a, occurred_at=now - 5 * H)  # up to the city
    services.record_reporting_step(ordinary, actor=regulator, level="county", received_at=now - 3 * H)
    ordinary.refresh_from_db()
    services.record_reporting_step(ordinary, actor=regulator, level="city", received_at=now - 3 * H)
    warning = Warning.objects.filter(rule="accident_escalation_overdue")
    sync_rule(get_rule("accident_escalation_overdue"), now)
    # the county must pass it on (overdue); the city is the top for an ordinary accident
    assert warning.filter(object_id=str(ordinary.pk), closed_at__isnull=True).count() == 1
    assert warning.get().region_path == ordinary.region_path
    ordinary.refresh_from_db()
    services.record_reporting_step(ordinary, actor=regulator, level="county", received_at=now - 3 * H,
                                   passed_on_at=now - 2 * H)
    sync_rule(get_rule("accident_escalation_overdue"), now)
    assert not open_for("accident_escalation_overdue", ordinary)


def test_approval_and_rectification_overdue(world, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=timezone.now() - datetime.timedelta(days=60))
    services.start_investigation(acc, actor=regulator, data={"started_on": timezone.localdate() - datetime.timedelta(
        days=50)})
    acc.refresh_from_db()
    services.submit_investigation_report(acc, actor=regulator,
                                         submitted_on=timezone.localdate() - datetime.timedelta(days=16))
    acc.refresh_from_db()  # a step on a stale copy is a conflict (issue #11)
    services.add_rectification(acc, actor=regulator, data={
        "problem": "制度缺失", "responsible_unit": "甲公司", "deadline": timezone.localdate() - datetime.timedelta(days=1)})
    now = timezone.now()
    sync_rule(get_rule("accident_approval_overdue"), now)
    sync_rule(get_rule("accident_rectification_overdue"), now)
    assert open_for("accident_approval_overdue", acc) and open_for("accident_rectification_overdue", acc)
    acc.refresh_from_db()
    services.approve_investigation_report(acc, actor=regulator, approved_on=timezone.localdate())
    sync_rule(get_rule("accident_approval_overdue"), now)
    assert not open_for("accident_approval_overdue", acc)

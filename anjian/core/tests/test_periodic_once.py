"""A periodic job runs once per slot of its schedule however many workers enqueue it."""

import pytest

from anjian.core.models import PeriodicRun
from anjian.core.tasks import cron_period_minutes, once_per_slot, slot_of

pytestmark = pytest.mark.django_db


def test_each_slot_runs_once_across_workers(clock):
    runs = []

    @once_per_slot(15)
    def scan():
        runs.append(1)
        return "ran"

    # given two workers whose schedulers both enqueued the 09:00 scan, one picking it up late
    clock("2026-12-07 09:00:05")
    assert scan() == "ran"
    clock.advance(minutes=4)
    assert scan() is None  # the second worker finds the slot taken
    # when the next quarter hour comes, then it runs again, once
    clock("2026-12-07 09:15:01")
    assert scan() == "ran" and scan() is None
    assert len(runs) == 2 and PeriodicRun.objects.count() == 2


def test_a_daily_slot_is_the_local_day(clock):
    clock("2026-12-07 00:30:00")  # site time (Asia/Shanghai), i.e. 16:30 UTC the day before
    from django.utils import timezone

    slot = slot_of(timezone.now(), 24 * 60)
    assert (slot.year, slot.month, slot.day, slot.hour, slot.minute) == (2026, 12, 7, 0, 0)


@pytest.mark.parametrize(("field", "minutes"), [("*/15", 15), ("*/5", 5), ("*", 1), ("0", 60), ("7,37", 60)])
def test_the_scan_slot_follows_its_crontab(field, minutes):
    assert cron_period_minutes(field) == minutes

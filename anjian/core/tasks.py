"""Background jobs of core: the worker's heartbeat (read by /readyz), and the guard that runs a
periodic job once per slot of its schedule however many workers enqueue it."""

from __future__ import annotations

import datetime
import functools
import logging
import os
import socket
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import periodic_task, pre_execute

from .health import record_heartbeat
from .reference_cache import GENERATIONS

log = logging.getLogger(__name__)

#: Runs older than this are pruned by the heartbeat.
KEEP_RUNS = datetime.timedelta(days=60)


@pre_execute(name="anjian.reference_caches")
def _fresh_reference_caches(task) -> None:
    """A task, like a request, compares the reference caches' generations before its first read,
    so it sees every change committed before it started (core.reference_cache)."""
    GENERATIONS.begin_unit()


def slot_of(moment: datetime.datetime, minutes: int) -> datetime.datetime:
    """The start of the ``minutes``-long slot holding ``moment``, counted in the site's time zone
    from local midnight (so a daily slot is the local day)."""
    local = timezone.localtime(moment)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = int((local - midnight).total_seconds() // 60)
    return midnight + datetime.timedelta(minutes=elapsed - elapsed % max(1, minutes))


def claim_slot(task: str, slot: datetime.datetime) -> bool:
    """True for the first caller of (task, slot) across every process sharing the database."""
    from .models import PeriodicRun

    try:
        with transaction.atomic():
            PeriodicRun.objects.create(task=task[:100], slot=slot,
                                       worker=f"{socket.gethostname()}:{os.getpid()}"[:100])
    except IntegrityError:
        return False
    return True


def once_per_slot(minutes: int | Callable[[], int]) -> Callable:
    """Decorate a periodic job so that it runs once per ``minutes``-long slot of local time, even
    when every worker's scheduler enqueues it (several worker processes or machines). A run that
    finds its slot taken returns None. ``minutes`` may be a callable read at run time."""

    def wrap(fn: Callable) -> Callable:
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def run(*args, **kwargs):
            length = minutes() if callable(minutes) else minutes
            slot = slot_of(timezone.now(), length)
            if not claim_slot(name, slot):
                # Logged so that an operator (and bench/multi_server) sees each worker's share.
                log.info("periodic job %s: slot %s already claimed by another worker, skipped", name,
                         slot.isoformat())
                return None
            log.info("periodic job %s: slot %s claimed, running", name, slot.isoformat())
            return fn(*args, **kwargs)

        return run

    return wrap


def cron_period_minutes(minute_field: str) -> int:
    """The period of a crontab minute field: ``*/15`` → 15, ``*`` → 1, anything else → 60."""
    if minute_field == "*":
        return 1
    if minute_field.startswith("*/") and minute_field[2:].isdigit():
        return max(1, int(minute_field[2:]))
    return 60


@periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Every minute: say that a worker is alive and consuming the schedule (each worker beats), and
    prune old periodic-run rows."""
    from .models import PeriodicRun

    record_heartbeat()
    PeriodicRun.objects.filter(slot__lt=timezone.now() - KEEP_RUNS).delete()

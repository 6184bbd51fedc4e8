"""Periodic jobs of online monitoring, run by the huey worker (each once per slot, however many
workers enqueue it: ``core.tasks.once_per_slot``):

- every minute, ``sweep``: escalate the alarms not acknowledged in time, open the offline alarms
  of silent sensors and disconnect the sources whose sensors are all silent;
- daily at 01:10, ``storage``: create next months' reading partitions (PostgreSQL) and apply the
  retention (``monitoring.partitions``).

``anjian monitoring_sweep`` runs both in the calling process."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import periodic_task

from anjian.core.tasks import once_per_slot


def run_sweep() -> dict:
    from . import services

    return {**services.escalate_due(), **services.sweep_offline()}


def run_storage() -> dict:
    from .partitions import apply_retention, ensure_partitions

    return {"partitions": ensure_partitions(), **apply_retention()}


@periodic_task(crontab(minute="*"))
@once_per_slot(1)
def sweep() -> dict:
    return run_sweep()


@periodic_task(crontab(minute="10", hour="1"))
@once_per_slot(24 * 60)
def storage() -> dict:
    return run_storage()

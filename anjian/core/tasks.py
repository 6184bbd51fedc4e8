"""Background jobs of core: the worker's heartbeat, read by /readyz."""

from huey import crontab
from huey.contrib.djhuey import periodic_task

from .health import record_heartbeat


@periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Every minute: say that a worker is alive and consuming the schedule."""
    record_heartbeat()

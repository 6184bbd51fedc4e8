"""Background jobs of the warnings, run by the huey worker (``anjian run_huey``): the periodic scan."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from anjian.core.tasks import cron_period_minutes, once_per_slot

from .engine import run_all_rules


@db_periodic_task(crontab(minute=getattr(settings, "ANJIAN_WARN_SCAN_MINUTES", "*/15")))
@lock_task("anjian-warning-scan")
@once_per_slot(lambda: cron_period_minutes(getattr(settings, "ANJIAN_WARN_SCAN_MINUTES", "*/15")))
def scan_warnings() -> dict[str, dict[str, int]]:
    """Raise, refresh and close warnings (预警) for every declared rule, every 15 minutes.

    The lock keeps a slow scan from overlapping the next one (the warnings' unique constraint
    would keep them correct anyway; the lock saves the duplicated work)."""
    return run_all_rules(timezone.now())

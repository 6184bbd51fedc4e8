"""Background jobs of the inspections app (huey; run by the worker: ``anjian run_huey``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from anjian.core.tasks import once_per_slot

from . import services

logger = logging.getLogger(__name__)

_at_0030 = crontab(minute="30", hour="0")


def local_crontab_0030(moment: datetime) -> bool:
    """True at 00:30 in the site's time zone (TIME_ZONE, Asia/Shanghai by default).

    huey hands periodic tasks the current time in UTC (its ``utc`` option is on by default),
    so a plain ``crontab(hour=0, minute=30)`` would run at 08:30 in China: the new day's
    tasks must exist from the start of the local day."""
    if moment.tzinfo is None:
        if not HUEY.utc:  # huey configured for local time: nothing to convert
            return _at_0030(moment)
        moment = moment.replace(tzinfo=UTC)
    return _at_0030(timezone.localtime(moment).replace(tzinfo=None))


@db_periodic_task(local_crontab_0030)
@once_per_slot(24 * 60)  # once a day however many workers enqueue it
def schedule_inspections() -> dict[str, int]:
    """Daily: open tasks of past periods become missed, then every active duty gets the task of
    its current period (both idempotent, so a repeated or late run does no harm)."""
    result = services.run_schedule(timezone.localdate())
    logger.info("inspection schedule: %(missed)s missed, %(scheduled)s scheduled", result)
    return result

"""Background jobs of the committee office (huey; run by the worker: ``anjian run_huey``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from anjian.core.tasks import once_per_slot

from . import services

logger = logging.getLogger(__name__)

_at_0040 = crontab(minute="40", hour="0")


def local_crontab_0040(moment: datetime) -> bool:
    """True at 00:40 in the site's time zone (huey hands periodic tasks UTC times, see
    ``inspections.tasks.local_crontab_0030``)."""
    if moment.tzinfo is None:
        if not HUEY.utc:
            return _at_0040(moment)
        moment = moment.replace(tzinfo=UTC)
    return _at_0040(timezone.localtime(moment).replace(tzinfo=None))


@db_periodic_task(local_crontab_0040)
@once_per_slot(24 * 60)  # once a day however many workers enqueue it
def open_monthly_reports() -> int:
    """Daily: every filing unit has the current month's report (idempotent: on the 1st it opens
    the new month, on other days it catches the units added since)."""
    opened = services.open_month(timezone.localdate())
    logger.info("monthly reports: %s opened", len(opened))
    return len(opened)

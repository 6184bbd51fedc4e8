"""Background jobs of the risks app (huey; run by the worker: ``anjian run_huey``)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.core.tasks import once_per_slot

from . import services

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="10", hour="17"))  # 01:10 in China (huey runs in UTC)
@once_per_slot(24 * 60)  # once a day however many workers enqueue it
def refresh_enterprise_risk_grades() -> int:
    """Nightly: derive every enterprise's overall risk grade again, so a change in its major
    hazard sources (registered in another app, which does not call us) is reflected."""
    written = services.refresh_all_enterprise_grades()
    logger.info("enterprise risk grades refreshed: %s", written)
    return written

"""Background jobs of the credit app (huey; run by the worker: ``anjian run_huey``)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from anjian.core.tasks import once_per_slot

from . import services

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="40", hour="17"))  # 01:40 in China (huey runs in UTC)
@once_per_slot(24 * 60)  # once a day however many workers enqueue it
def nightly_credit() -> dict:
    """Nightly: derive the credit records of new decisions, accidents and listed hazards, remove the
    listings whose term ended, and compute every enterprise's grade again (the decay window moves
    with the days). Each step is idempotent."""
    made = services.collect_records()
    ended = services.end_terms()
    graded = services.refresh_grades()
    logger.info("credit: derived %s, listings ended %s, grades changed %s", made, ended, graded)
    return {"derived": made, "ended": ended, "graded": graded}

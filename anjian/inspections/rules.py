"""Warning rules of the inspections app (imported at start-up by ``AlertsConfig.ready``)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import ENTERPRISE, GRID_OFFICERS, REGULATORS, WarningRule, register
from anjian.alerts.models import Warning

from .models import InspectionTask
from .selectors import missed_tasks_qs


def missed(now: datetime) -> QuerySet:
    """The latest closed period of each duty, when it was missed (see ``missed_tasks_qs``):
    the warning closes itself once the enterprise does the next period's inspection."""
    return missed_tasks_qs().select_related(None)


register(WarningRule(
    code="inspection_missed",
    title=_("Scheduled self-inspection missed"),
    level=Warning.Level.WARNING,
    message=_("The self-inspection \"%(duty)s\" (%(cadence)s) due on %(due)s was not done."),
    # The enterprise must inspect; regulators and the grid officer follow up.
    roles=ENTERPRISE | REGULATORS | GRID_OFFICERS,
    model=InspectionTask,
    matches=missed,
    params={"duty": "duty__name", "cadence": "cadence__name", "due": "due_date"},
    url_name="inspections:task",
    description=_("Enterprises that missed the latest period of a scheduled self-inspection."),
))

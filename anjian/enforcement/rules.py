"""Warning rules of the enforcement app (imported at start-up by ``AlertsConfig.ready``).

- ``enforcement_plan_behind``: an enterprise of an approved plan of this year has had fewer
  visits than its planned visits spread evenly over the year so far (rounded down): with 4 planned
  visits it is behind after 1 April with none, after 1 July with one, and so on.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import REGULATORS, WarningRule, register
from anjian.alerts.models import Warning

from .choices import PlanState
from .models import PlanEntry


def behind_schedule(queryset: QuerySet, day: date) -> QuerySet:
    """The entries of ``queryset`` (plans of ``day``'s year) behind on ``day``: done < ⌊planned ×
    elapsed ÷ days of the year⌋, i.e. planned × elapsed ≥ (done + 1) × days — in integers, in SQL."""
    days = 366 if calendar.isleap(day.year) else 365
    elapsed = (day - date(day.year, 1, 1)).days + 1
    return (queryset.alias(_due=F("planned_visits") * elapsed, _next=(F("done_visits") + 1) * days)
            .filter(_due__gte=F("_next")))


def plan_behind(now: datetime) -> QuerySet:
    today = timezone.localdate(now)
    live = PlanEntry.objects.filter(is_voided=False, plan__is_voided=False, plan__state=PlanState.APPROVED,
                                    plan__year=today.year, planned_visits__gt=0)
    return behind_schedule(live, today)


register(WarningRule(
    code="enforcement_plan_behind",
    title=_("Enforcement plan behind schedule"),
    level=Warning.Level.WARNING,
    message=_("%(enterprise)s has had %(done)s of its %(planned)s planned enforcement visits this year; it is "
              "behind the plan %(plan)s."),
    roles=REGULATORS,
    model=PlanEntry,
    matches=plan_behind,
    params={"enterprise": "enterprise__name", "plan": "plan__title",
            "done": Cast("done_visits", CharField()), "planned": Cast("planned_visits", CharField())},
    url_name="enforcement:plan_entry",
    description=_("Enterprises of an approved annual plan with fewer visits than the plan spreads over the year "
                  "so far."),
))

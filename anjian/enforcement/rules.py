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


# --- cases: the legal time limits (data: ``CaseTimeLimit``) ----------------------------------------

def _case_rules():
    from anjian.alerts.engine import setting_days

    from .choices import OPEN_CASE_STATES, CaseState
    from .models import Case

    def filing_overdue(now: datetime):
        """A clue not filed (nor declined) by its filing due date."""
        return Case.objects.filter(is_voided=False, state=CaseState.PENDING).filter(
            file_due__lt=timezone.localdate(now))

    def decision_soon(now: datetime):
        """A filed case not decided whose decision due date is within the warning window
        (``ANJIAN_WARN_CASE_DUE_DAYS``, 15 by default: our default, not a regulation), not yet past."""
        from datetime import timedelta

        today = timezone.localdate(now)
        horizon = today + timedelta(days=setting_days("ANJIAN_WARN_CASE_DUE_DAYS", 15))
        return Case.objects.filter(is_voided=False, state__in=OPEN_CASE_STATES, decide_due__gte=today,
                                   decide_due__lte=horizon)

    def decision_overdue(now: datetime):
        """A filed case not decided past its decision due date."""
        return Case.objects.filter(is_voided=False, state__in=OPEN_CASE_STATES,
                                   decide_due__lt=timezone.localdate(now))

    register(WarningRule(
        code="enforcement_case_filing_overdue",
        title=_("Case not filed in time"),
        level=Warning.Level.WARNING,
        message=_("The case %(number)s about %(enterprise)s was discovered on %(discovered)s and is not filed; the "
                  "filing time limit ended on %(due)s."),
        roles=REGULATORS, model=Case, matches=filing_overdue,
        params={"number": "number", "enterprise": "enterprise__name",
                "discovered": Cast("discovered_on", CharField()), "due": Cast("file_due", CharField())},
        url_name="enforcement:case",
        description=_("Clues awaiting filing past the filing time limit (editable case time limit 'file')."),
    ))
    due_params = {"number": "number", "enterprise": "enterprise__name", "due": Cast("decide_due", CharField())}
    register(WarningRule(
        code="enforcement_case_decision_soon",
        title=_("Case decision time limit ending"),
        level=Warning.Level.WARNING,
        message=_("The case %(number)s about %(enterprise)s must be decided by %(due)s."),
        roles=REGULATORS, model=Case, matches=decision_soon, params=due_params, url_name="enforcement:case",
        description=_("Filed cases not decided whose decision time limit (《行政处罚法》第六十条, with any extension) "
                      "ends within the warning window."),
    ))
    register(WarningRule(
        code="enforcement_case_decision_overdue",
        title=_("Case decision time limit passed"),
        level=Warning.Level.SEVERE,
        message=_("The case %(number)s about %(enterprise)s was not decided by %(due)s."),
        roles=REGULATORS, model=Case, matches=decision_overdue, params=due_params, url_name="enforcement:case",
        description=_("Filed cases not decided past their decision time limit."),
    ))


_case_rules()

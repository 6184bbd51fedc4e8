"""Warning rules of the hazard ledger (imported at start-up by ``AlertsConfig.ready``).

Each rule is a queryset of the hazards (or listings) that meet it now; the engine in
``anjian.alerts.engine`` raises, refreshes and closes the warnings set-based. The thresholds
are settings (days): ``ANJIAN_WARN_ACCEPTANCE_DAYS`` (7), ``ANJIAN_WARN_PLAN_DAYS`` (3),
``ANJIAN_WARN_DUAL_REPORT_DAYS`` (7); they are read at every scan. The re-check's time limit is
regulatory data (``TimeLimit`` "recheck"), also read at every scan.

Every rule leaves voided hazards out, so voiding a hazard closes its warnings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Trim, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import (
    ENTERPRISE,
    GRID_OFFICERS,
    REGULATORS,
    WarningRule,
    past_due,
    register,
    setting_days,
)
from anjian.alerts.models import Warning
from anjian.core.filters import day_start

from .choices import OPEN_STATES, RECHECK_STATES, UNCLOSED_STATES, HazardGrade, HazardState, ListingState
from .models import Hazard, ListedSupervision

HAZARD_PAGE = "hazards:detail"
#: A major hazard's warning is severe; a general one's is a warning.
SEVERE_IF_MAJOR = Case(When(grade=HazardGrade.MAJOR, then=Value(Warning.Level.SEVERE)),
                       default=Value(Warning.Level.WARNING), output_field=CharField())


def _live() -> QuerySet:
    return Hazard.objects.filter(is_voided=False)


# --- overdue rectification ----------------------------------------------------------------------

def overdue(now: datetime) -> QuerySet:
    """Reported or rectifying, and the (possibly extended) deadline is before today."""
    return _live().filter(past_due(now), state__in=OPEN_STATES)


register(WarningRule(
    code="hazard_overdue",
    title=_("Rectification overdue"),
    # A major hazard past its deadline is severe; a general one is a warning.
    level=SEVERE_IF_MAJOR,
    message=_("Hazard %(number)s is past its rectification deadline (%(deadline)s)."),
    # The enterprise must fix it, the regulators and the grid officer follow it up.
    roles=REGULATORS | ENTERPRISE | GRID_OFFICERS,
    model=Hazard,
    matches=overdue,
    params={"number": "number", "deadline": "deadline"},
    url_name=HAZARD_PAGE,
    description=_("Reported or rectifying hazards whose rectification deadline has passed."),
))


# --- rectified, waiting too long for acceptance ----------------------------------------------------

def awaiting_acceptance(now: datetime) -> QuerySet:
    """Rectified (submitted) more than ANJIAN_WARN_ACCEPTANCE_DAYS days ago and not yet accepted."""
    days = setting_days("ANJIAN_WARN_ACCEPTANCE_DAYS", 7)
    return _live().filter(state=HazardState.RECTIFIED, rectified_at__lt=now - timedelta(days=days))


def _acceptance_params(now: datetime) -> dict:
    return {"number": "number", "rectified_on": TruncDate("rectified_at"),
            "days": Value(str(setting_days("ANJIAN_WARN_ACCEPTANCE_DAYS", 7)))}


ACCEPTANCE_MESSAGE = _("Hazard %(number)s was rectified on %(rectified_on)s and has waited more than "
                       "%(days)s days for acceptance.")

# Whoever accepts is told: the enterprise accepts its general hazards, the regulator major ones
# (hazards.policy: may_accept). Two rules, because a warning's audience is its rule's roles.
register(WarningRule(
    code="hazard_acceptance_waiting",
    title=_("Acceptance waiting too long"),
    level=Warning.Level.WARNING,
    message=ACCEPTANCE_MESSAGE,
    roles=ENTERPRISE,
    model=Hazard,
    matches=lambda now: awaiting_acceptance(now).filter(grade=HazardGrade.GENERAL),
    params=_acceptance_params,
    url_name=HAZARD_PAGE,
    description=_("General hazards rectified and not accepted by the enterprise within the time allowed."),
))
register(WarningRule(
    code="major_acceptance_waiting",
    title=_("Major hazard acceptance waiting too long"),
    level=Warning.Level.SEVERE,
    message=ACCEPTANCE_MESSAGE,
    roles=REGULATORS,
    model=Hazard,
    matches=lambda now: awaiting_acceptance(now).filter(grade=HazardGrade.MAJOR),
    params=_acceptance_params,
    url_name=HAZARD_PAGE,
    description=_("Major hazards rectified and not accepted by the regulator within the time allowed."),
))


# --- major hazard without its complete 五落实 plan ---------------------------------------------------

def _blank(name: str) -> Q:
    # Blank means empty or only spaces, as Hazard.missing_plan_fields sees it.
    return Q(Exact(Trim(name), ""))


PLAN_INCOMPLETE = (_blank("plan_responsible") | _blank("plan_measures") | Q(plan_funds__isnull=True)
                   | Q(plan_deadline__isnull=True) | _blank("plan_contingency"))


def plan_missing(now: datetime) -> QuerySet:
    """Major, not yet submitted as rectified, found more than ANJIAN_WARN_PLAN_DAYS days ago, and
    one of the five 五落实 items (responsibility, measures, funds, time limit, contingency) missing."""
    days = setting_days("ANJIAN_WARN_PLAN_DAYS", 3)
    return _live().filter(PLAN_INCOMPLETE, grade=HazardGrade.MAJOR, state__in=OPEN_STATES,
                          found_at__lt=now - timedelta(days=days))


register(WarningRule(
    code="major_plan_missing",
    title=_("Major hazard without a complete 五落实 plan"),
    level=Warning.Level.SEVERE,
    message=_("Major hazard %(number)s still has no complete 五落实 plan (responsibility, measures, funds, "
              "time limit, contingency plan) %(days)s days after it was found."),
    roles=REGULATORS | ENTERPRISE,
    model=Hazard,
    matches=plan_missing,
    params=lambda now: {"number": "number", "days": Value(str(setting_days("ANJIAN_WARN_PLAN_DAYS", 3)))},
    url_name=HAZARD_PAGE,
    description=_("Major hazards whose 五落实 plan is incomplete after the time allowed."),
))


# --- major hazard without both reports (双报告) -------------------------------------------------------

def dual_report_missing(now: datetime) -> QuerySet:
    """Major, not closed out, found more than ANJIAN_WARN_DUAL_REPORT_DAYS days ago, and not yet
    reported both to the regulator and to the workers' congress."""
    days = setting_days("ANJIAN_WARN_DUAL_REPORT_DAYS", 7)
    return _live().filter(Q(reported_to_regulator_on__isnull=True) | Q(reported_to_congress_on__isnull=True),
                          grade=HazardGrade.MAJOR, state__in=UNCLOSED_STATES,
                          found_at__lt=now - timedelta(days=days))


register(WarningRule(
    code="major_dual_report_missing",
    title=_("Major hazard dual report missing"),
    level=Warning.Level.WARNING,
    message=_("Major hazard %(number)s has not been reported to both the regulator and the workers' congress "
              "within %(days)s days."),
    roles=REGULATORS | ENTERPRISE,
    model=Hazard,
    matches=dual_report_missing,
    params=lambda now: {"number": "number", "days": Value(str(setting_days("ANJIAN_WARN_DUAL_REPORT_DAYS", 7)))},
    url_name=HAZARD_PAGE,
    description=_("Major hazards not reported to the regulator and the workers' congress in time."),
))


# --- listed supervision past its deadline -------------------------------------------------------------

def listing_overdue(now: datetime) -> QuerySet:
    """Active listings (挂牌督办, still listed) whose supervision deadline is before today. The
    warning is about the hazard (its page shows the listing); at most one listing per hazard is
    active, so one warning per hazard."""
    return ListedSupervision.objects.filter(past_due(now), state=ListingState.LISTED, hazard__is_voided=False)


register(WarningRule(
    code="listing_overdue",
    title=_("Listed supervision past its deadline"),
    level=Warning.Level.SEVERE,
    message=_("The listed supervision of hazard %(number)s passed its deadline (%(deadline)s) and the hazard "
              "is still listed."),
    roles=REGULATORS,
    model=Hazard,
    key="hazard_id",
    matches=listing_overdue,
    params={"number": "hazard__number", "deadline": "deadline"},
    scope={"region_path": "region_path", "industry": "industry_id", "grid": "hazard__grid_id",
           "enterprise": "enterprise_id"},
    url_name=HAZARD_PAGE,
    description=_("Listed supervisions still listed after their deadline."),
))


# --- re-check overdue (复查, issue #10) ------------------------------------------------------------

def recheck_overdue(now: datetime) -> QuerySet:
    """Hazards whose re-check by the side that found them (or issued their rectification notice)
    is past due: more than the "recheck" time limit (services.recheck_days, 10 days by default)
    after the rectification deadline, or after the enterprise's report of completion if that came
    first — and still no passed re-check. A re-check that does not pass sets a new deadline, so
    the warning closes and the clock starts again."""
    from .services import recheck_days

    limit = timezone.localdate(now) - timedelta(days=recheck_days())
    pending = _live().filter(recheck_required=True, rechecked_at__isnull=True)
    reported_done = Q(state__in=RECHECK_STATES) & (Q(deadline__lt=limit) | Q(rectified_at__lt=day_start(limit)))
    return pending.filter(Q(state__in=OPEN_STATES, deadline__lt=limit) | reported_done)


def _recheck_params(now: datetime) -> dict:
    from .services import recheck_days

    return {"number": "number", "deadline": "deadline", "days": Value(str(recheck_days()))}


register(WarningRule(
    code="recheck_overdue",
    title=_("Re-check overdue"),
    level=SEVERE_IF_MAJOR,
    message=_("Hazard %(number)s is waiting for its re-check, due within %(days)s days of the rectification "
              "deadline (%(deadline)s) or of the enterprise's report of completion."),
    # The regulators re-check (and follow up the grid officers' and experts' findings); the grid
    # officer re-checks what a patrol found.
    roles=REGULATORS | GRID_OFFICERS,
    model=Hazard,
    matches=recheck_overdue,
    params=_recheck_params,
    url_name=HAZARD_PAGE,
    description=_("Hazards found by an inspection or under a rectification notice whose re-check is past due."),
))

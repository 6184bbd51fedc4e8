"""Warning rules of the accidents app (imported at start-up by ``AlertsConfig.ready``).

- the unit head has not reported to the county-level government within 1 hour;
- a government level has not passed the report on within 2 hours, where the grade requires
  going higher (条例 Art. 10–11);
- an investigation report awaits approval past its deadline (Art. 32);
- an investigation report is not submitted by its deadline (Art. 29: 60 days from the accident
  plus any extension; also when no investigation has started, for accidents reported here);
- a follow-up report (续报, 21号令) is missing: longer than 24 h ÷ the grade's cadence since the
  last report, and the situation not declared stable;
- a rectification of the problems an accident exposed is past its deadline.

Each rule is a queryset (set-based, see ``anjian.alerts.engine``); voided accidents are left
out, so voiding one closes its warnings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import ENTERPRISE, REGULATORS, WarningRule, past_due, register
from anjian.alerts.models import Warning
from anjian.core.filters import day_start

from .choices import (
    REPORTING_LEVEL_RANK,
    REQUIRED_TOP_LEVEL,
    AccidentState,
    RectificationState,
    ReportingLevel,
)
from .models import Accident, AccidentRectification, FollowUpReport, Investigation, ReportingStep
from .regulations import cadences_on, time_limits
from .selectors import PER_LEVEL_LIMIT, UNIT_TO_GOVERNMENT_LIMIT

PAGE = "accidents:detail"
VIA_ACCIDENT = {"region_path": "accident__region_path", "industry": "accident__industry_id",
                "grid": "accident__grid_id", "enterprise": "accident__enterprise_id"}


def unit_report_overdue(now: datetime) -> QuerySet:
    """The unit head learned of the accident more than an hour ago and it has not reached the
    county-level government."""
    return Accident.objects.filter(is_voided=False, learned_at__lt=now - UNIT_TO_GOVERNMENT_LIMIT,
                                   reported_to_government_at__isnull=True)


register(WarningRule(
    code="accident_unit_report_overdue",
    title=_("Accident not reported to the government within 1 hour"),
    level=Warning.Level.SEVERE,
    message=_("Accident %(number)s has not been reported to the county-level government within 1 hour."),
    roles=REGULATORS | ENTERPRISE,
    model=Accident,
    matches=unit_report_overdue,
    params={"number": "number"},
    url_name=PAGE,
    description=_("Accidents whose unit head learned of them more than an hour ago without reporting them."),
))


def _levels_that_must_pass_on() -> Q:
    """(level, grade) pairs where the level must pass the report on: every level below the one
    the accident's grade must reach."""
    q = Q(pk__in=[])
    for level in (ReportingLevel.COUNTY, ReportingLevel.CITY, ReportingLevel.PROVINCE):
        grades = [grade for grade, top in REQUIRED_TOP_LEVEL.items()
                  if REPORTING_LEVEL_RANK[level] < REPORTING_LEVEL_RANK[top]]
        if grades:
            q |= Q(level=level, accident__grade__in=grades)
    return q


def escalation_overdue(now: datetime) -> QuerySet:
    """Steps received more than 2 hours ago and not passed on, at a level below the top the grade
    requires."""
    return ReportingStep.objects.filter(_levels_that_must_pass_on(), is_voided=False, passed_on_at__isnull=True,
                                        received_at__lt=now - PER_LEVEL_LIMIT, accident__is_voided=False)


register(WarningRule(
    code="accident_escalation_overdue",
    title=_("Accident report not passed on within 2 hours"),
    level=Warning.Level.SEVERE,
    message=_("The report of accident %(number)s has waited more than 2 hours at one level without being "
              "passed on to the next."),
    roles=REGULATORS,
    model=Accident,
    key="accident_id",
    matches=escalation_overdue,
    params={"number": "accident__number"},
    scope=VIA_ACCIDENT,
    url_name=PAGE,
    description=_("Reporting-chain levels that hold an accident report past 2 hours where the grade requires "
                  "going higher."),
))


def approval_overdue(now: datetime) -> QuerySet:
    """Submitted investigation reports not approved by their deadline."""
    return Investigation.objects.filter(past_due(now, "approval_deadline"), approved_on__isnull=True,
                                        accident__is_voided=False)


register(WarningRule(
    code="accident_approval_overdue",
    title=_("Investigation report approval overdue"),
    level=Warning.Level.WARNING,
    message=_("The investigation report of accident %(number)s was due for approval by %(deadline)s."),
    roles=REGULATORS,
    model=Accident,
    key="accident_id",
    matches=approval_overdue,
    params={"number": "accident__number", "deadline": "approval_deadline"},
    scope=VIA_ACCIDENT,
    url_name=PAGE,
    description=_("Investigation reports not approved within 15 days (30 for particularly serious accidents)."),
))


def report_overdue(now: datetime) -> QuerySet:
    """Accidents whose investigation report is past its deadline (条例 Art. 29): a running
    investigation past its stored due date, or no investigation started and the accident's day
    more than the days in force then behind us (one range per version of the time limit)."""
    today = timezone.localdate(now)
    running = past_due(now, "investigation__report_due_on") & Q(
        state=AccidentState.INVESTIGATING, investigation__report_submitted_on__isnull=True)
    not_started = Q(pk__in=[])
    versions = time_limits()
    for i, limit in enumerate(versions):
        # Due on (day + N) and overdue after it: the accident's day is before today − N.
        window = Q(occurred_at__lt=day_start(today - timedelta(days=limit.report_days)))
        if i > 0:
            window &= Q(occurred_at__gte=day_start(limit.effective_from))
        if i + 1 < len(versions):
            window &= Q(occurred_at__lt=day_start(versions[i + 1].effective_from))
        not_started |= window
    # An accident imported as history (or on file before this was tracked) is warned of only once
    # an investigation runs here: its report may have been made outside the system.
    return Accident.objects.filter(is_voided=False).filter(
        running | (Q(state=AccidentState.REPORTED, obligations_tracked=True) & not_started))


register(WarningRule(
    code="accident_report_overdue",
    title=_("Investigation report overdue"),
    level=Warning.Level.WARNING,
    message=_("The investigation report of accident %(number)s has not been submitted by its deadline."),
    roles=REGULATORS,
    model=Accident,
    matches=report_overdue,
    params={"number": "number"},
    url_name=PAGE,
    description=_("Investigation reports not submitted within 60 days of the accident (plus the one "
                  "extension), including accidents whose investigation has not started."),
))


def followup_overdue(now: datetime) -> QuerySet:
    """Accidents owing follow-up reports (续报) whose last report — the latest follow-up, else the
    first report — is older than 24 h ÷ the cadence in force today for their grade."""
    last = (FollowUpReport.objects.filter(accident=OuterRef("pk")).order_by("-reported_at")
            .values("reported_at")[:1])
    late = Q(pk__in=[])
    for grade, cadence in cadences_on(timezone.localdate(now)).items():
        late |= Q(grade=grade, followup_since__lt=now - cadence.interval)
    return (Accident.objects.filter(is_voided=False, obligations_tracked=True, situation_stable_at__isnull=True)
            .annotate(followup_since=Coalesce(Subquery(last), "reported_to_government_at", "created_at"))
            .filter(late))


register(WarningRule(
    code="accident_followup_overdue",
    title=_("Follow-up report (续报) missed"),
    level=Warning.Level.WARNING,
    message=_("Accident %(number)s has had no follow-up report within the required interval; report the "
              "situation or declare it stable."),
    roles=REGULATORS | ENTERPRISE,
    model=Accident,
    matches=followup_overdue,
    params={"number": "number"},
    url_name=PAGE,
    description=_("Accidents without a follow-up report for longer than the grade's cadence allows (at least "
                  "once a day; twice for serious and particularly serious accidents) until the situation is "
                  "declared stable."),
))


def rectification_overdue(now: datetime) -> QuerySet:
    """Open rectifications of the problems an accident exposed, past their deadline."""
    return AccidentRectification.objects.filter(past_due(now), state=RectificationState.OPEN, is_voided=False,
                                                accident__is_voided=False)


register(WarningRule(
    code="accident_rectification_overdue",
    title=_("Accident rectification overdue"),
    level=Warning.Level.WARNING,
    message=_("A rectification required after accident %(number)s is past its deadline (%(deadline)s)."),
    roles=REGULATORS | ENTERPRISE,
    model=Accident,
    key="accident_id",
    matches=rectification_overdue,
    params={"number": "accident__number", "deadline": "deadline"},
    scope=VIA_ACCIDENT,
    url_name=PAGE,
    description=_("Rectifications of the problems accidents exposed, past their deadline."),
))

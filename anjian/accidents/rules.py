"""Warning rules of the accidents app (imported at start-up by ``CoreConfig.ready``).

- the unit head has not reported to the county-level government within 1 hour;
- a government level has not passed the report on within 2 hours, where the grade requires
  going higher (条例 Art. 10–11);
- an investigation report awaits approval past its deadline (Art. 32);
- a rectification of the problems an accident exposed is past its deadline.

Each rule is a queryset (set-based, see ``anjian.core.warnings``); voided accidents are left
out, so voiding one closes its warnings.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.models import Warning
from anjian.core.warnings import WarningRule, register
from anjian.orgs.choices import Role

from .choices import REPORTING_LEVEL_RANK, REQUIRED_TOP_LEVEL, RectificationState, ReportingLevel
from .models import Accident, AccidentRectification, Investigation, ReportingStep
from .selectors import PER_LEVEL_LIMIT, UNIT_TO_GOVERNMENT_LIMIT

REGULATORS = frozenset({Role.REGULATOR, Role.INDUSTRY_OFFICER})
ENTERPRISE = frozenset({Role.ENTERPRISE})
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
    return Investigation.objects.filter(approved_on__isnull=True, approval_deadline__lt=timezone.localdate(now),
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


def rectification_overdue(now: datetime) -> QuerySet:
    """Open rectifications of the problems an accident exposed, past their deadline."""
    return AccidentRectification.objects.filter(state=RectificationState.OPEN, is_voided=False,
                                                deadline__lt=timezone.localdate(now), accident__is_voided=False)


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

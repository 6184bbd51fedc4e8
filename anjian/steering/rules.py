"""Warning rules of the committee office's records (imported at start-up by ``AlertsConfig.ready``).

- ``steering_report_overdue``: a monthly report (两议一报) still not submitted after its due day
  (the reporting rule in force for the month, ``ReportingRule``). The warning closes itself when
  the report is submitted (a late report stays flagged ``late`` on the report and in the
  timeliness figures).
- ``steering_rectification_overdue``: a rectification a tour required (巡查督导反馈问题) still not
  reported done after its deadline, once the office gave the tour's feedback. It closes when the
  unit reports it (a return by the office reopens it).

Each warning copies the record's region path, so the unit's own people and every office above
it see it; it is addressed to the committee office and to the regulator side (a county's
bureau, a department's officers file the report).
"""

from __future__ import annotations

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import REGULATORS, WarningRule, past_due, register
from anjian.alerts.models import Warning
from anjian.orgs.choices import Role

from .choices import FindingState, ReportState, TourState
from .models import MonthlyReport, TourFinding

OFFICE = frozenset({Role.COMMITTEE_OFFICE})
#: Scope columns of the steering records: a region path and (for an enterprise unit) the
#: enterprise; they have no industry or grid.
SCOPE = {"region_path": "region_path", "industry": None, "grid": None, "enterprise": "enterprise_id"}


def reports_overdue(now) -> QuerySet:
    """Reports still pending (never submitted) after their due day."""
    return MonthlyReport.objects.filter(past_due(now, "due_on"), is_voided=False, state=ReportState.PENDING)


register(WarningRule(
    code="steering_report_overdue",
    title=_("Monthly report overdue"),
    level=Warning.Level.WARNING,
    message=_("%(unit)s has not submitted the monthly report of %(year)s-%(month)s (due %(due)s)."),
    roles=OFFICE | REGULATORS,
    model=MonthlyReport,
    matches=reports_overdue,
    params={"unit": "unit__name", "year": ExtractYear("period"), "month": ExtractMonth("period"),
            "due": Cast("due_on", output_field=CharField())},
    scope=SCOPE,
    url_name="steering:report_detail",
    description=_("Each lower government and department reports its month (两议一报) by the due day of the "
                  "reporting rule in force."),
))


def rectifications_overdue(now) -> QuerySet:
    """Rectifications required by a tour whose feedback was given, not reported after the deadline."""
    return TourFinding.objects.filter(past_due(now, "deadline"), is_voided=False, state=FindingState.OPEN,
                                      tour__is_voided=False).exclude(tour__state=TourState.PLANNED)


register(WarningRule(
    code="steering_rectification_overdue",
    title=_("Tour rectification overdue"),
    level=Warning.Level.WARNING,
    message=_("%(unit)s has not rectified finding %(number)s-%(seq)s of the inspection tour (deadline %(due)s)."),
    roles=OFFICE | REGULATORS,
    model=TourFinding,
    matches=rectifications_overdue,
    params={"unit": "unit__name", "number": "tour__number", "seq": "seq",
            "due": Cast("deadline", output_field=CharField())},
    scope=SCOPE,
    url_name="steering:finding_detail",
    description=_("The toured unit reports each rectification the tour's feedback required by its deadline."),
))

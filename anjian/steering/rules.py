"""Warning rules of the committee office's records (imported at start-up by ``AlertsConfig.ready``).

- ``steering_report_overdue``: a monthly report (两议一报) still not submitted after its due day
  (the reporting rule in force for the month, ``ReportingRule``). The warning closes itself when
  the report is submitted (a late report stays flagged ``late`` on the report and in the
  timeliness figures).

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

from .choices import ReportState
from .models import MonthlyReport

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

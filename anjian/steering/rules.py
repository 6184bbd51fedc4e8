"""Warning rules of the committee office's records (imported at start-up by ``AlertsConfig.ready``).

- ``steering_report_overdue``: a monthly report (两议一报) still not submitted after its due day
  (the reporting rule in force for the month, ``ReportingRule``). The warning closes itself when
  the report is submitted (a late report stays flagged ``late`` on the report and in the
  timeliness figures).
- ``steering_task_overdue``: an action-plan task (三年行动, 工作要点) still open after its deadline,
  one warning per lead unit (牵头单位), so the unit sees it and so does every office above it.
- ``steering_progress_half_year_missing`` / ``steering_progress_year_end_missing``: a unit with a
  part in an open task that has not filed its half-year report by the half-year due day of the
  year (from July to December), or its year-end report of the previous year (from January on);
  the due days are the reporting rules in force (seed 003: "6月底和年底前").
- ``steering_rectification_overdue``: a rectification a tour required (巡查督导反馈问题) still not
  reported done after its deadline, once the office gave the tour's feedback. It closes when the
  unit reports it (a return by the office reopens it).
- ``steering_summons_report_overdue``: a summoned unit (安全生产约谈) that has not reported in
  writing how it carried out the measures by the day the talk set. It closes when the unit
  reports (a return by the office, with a new due day, reopens it).

Each warning copies the record's region path, so the unit's own people and every office above
it see it; it is addressed to the committee office and to the regulator side (a county's
bureau, a department's officers file the report).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import REGULATORS, WarningRule, past_due, register
from anjian.alerts.models import Warning
from anjian.core.filters import day_start
from anjian.orgs.choices import Role

from .choices import (
    AssignmentRole,
    FindingState,
    ProgressKind,
    ReportState,
    RuleCode,
    SummonsState,
    TaskState,
    TourState,
)
from .models import MonthlyReport, ProgressReport, Summons, TaskAssignment, TourFinding

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


def summons_reports_overdue(now) -> QuerySet:
    """Summonses held whose written report is past the day the talk set."""
    return Summons.objects.filter(past_due(now, "report_due"), is_voided=False, state=SummonsState.HELD)


register(WarningRule(
    code="steering_summons_report_overdue",
    title=_("Report after a summons overdue"),
    level=Warning.Level.WARNING,
    message=_("%(unit)s has not reported in writing on the measures required by summons %(number)s (due %(due)s)."),
    roles=OFFICE | REGULATORS,
    model=Summons,
    matches=summons_reports_overdue,
    params={"unit": "unit__name", "number": "number", "due": Cast("report_due", output_field=CharField())},
    scope=SCOPE,
    url_name="steering:summons_detail",
    description=_("A summoned unit reports in writing how it carried out the measures by the day the talk set "
                  "(安委〔2018〕2号)."),
))


def tasks_overdue(now) -> QuerySet:
    """Lead units' parts in open tasks past their deadline."""
    return TaskAssignment.objects.filter(past_due(now, "task__deadline"), is_voided=False, role=AssignmentRole.LEAD,
                                         task__is_voided=False, task__state=TaskState.OPEN)


register(WarningRule(
    code="steering_task_overdue",
    title=_("Action-plan task overdue"),
    level=Warning.Level.WARNING,
    message=_("%(unit)s leads task %(number)s “%(title)s”, still open after its deadline %(due)s."),
    roles=OFFICE | REGULATORS,
    model=TaskAssignment,
    matches=tasks_overdue,
    params={"unit": "unit__name", "number": "task__number", "title": "task__title",
            "due": Cast("task__deadline", output_field=CharField())},
    scope=SCOPE,
    url_name="steering:assignment_detail",
    description=_("The lead unit of each task of the committee's plans completes it by its deadline."),
))


def _progress_due(code: str, now) -> tuple[int, datetime.date] | None:
    """(year, due day) of the latest passed due day of the progress report ``code``, if its rule
    says one has passed: the half-year report of this year from its due day on, the year-end
    report of the previous year."""
    from .services import day_in_month, rule_in_force

    today = timezone.localdate(now)
    year = today.year if code == RuleCode.HALF_YEAR_PROGRESS else today.year - 1
    try:
        rule = rule_in_force(code, datetime.date(year, 1, 1))
    except ValidationError:
        return None
    due = day_in_month(year, rule.due_month or 12, rule.due_day)
    return (year, due) if due < today else None


def _progress_missing(code: str, kind: str):
    def matches(now) -> QuerySet:
        found = _progress_due(code, now)
        if found is None:
            return TaskAssignment.objects.filter(pk__isnull=True)
        year, due = found
        filed = ProgressReport.objects.filter(assignment=OuterRef("pk"), kind=kind, year=year, is_voided=False)
        still_owed = Q(task__state=TaskState.OPEN) | Q(task__state=TaskState.COMPLETED, task__completed_on__gt=due)
        return (TaskAssignment.objects.filter(is_voided=False, task__is_voided=False, created_at__lt=day_start(due),
                                              task__plan__year_from__lte=year, task__plan__year_to__gte=year)
                .filter(still_owed).filter(~Exists(filed)))

    def params(now) -> dict:
        found = _progress_due(code, now)
        year, due = found if found else (timezone.localdate(now).year, timezone.localdate(now))
        return {"unit": "unit__name", "number": "task__number", "year": Value(str(year)), "due": Value(due.isoformat())}

    return matches, params


for _code, _kind, _title, _message in (
    (RuleCode.HALF_YEAR_PROGRESS, ProgressKind.HALF_YEAR, _("Half-year progress report missing"),
     _("%(unit)s has not filed the %(year)s half-year progress report of task %(number)s (due %(due)s).")),
    (RuleCode.YEAR_END_PROGRESS, ProgressKind.YEAR_END, _("Year-end progress report missing"),
     _("%(unit)s has not filed the %(year)s year-end progress report of task %(number)s (due %(due)s).")),
):
    _matches, _params = _progress_missing(_code, _kind)
    register(WarningRule(
        code=f"steering_progress_{_kind}_missing",
        title=_title,
        level=Warning.Level.NOTICE,
        message=_message,
        roles=OFFICE | REGULATORS,
        model=TaskAssignment,
        matches=_matches,
        params=_params,
        scope=SCOPE,
        url_name="steering:assignment_detail",
        description=_("Each unit with a part in a task reports its progress by the half-year and year-end due days "
                      "of the reporting rules in force."),
    ))

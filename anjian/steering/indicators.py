"""The committee office's indicators (core.indicators): monthly-report timeliness (两议一报及时率),
the follow-up of inspection-tour findings (巡查督导问题按期整改率) and on-time completion of
action-plan tasks (重点任务按期完成率).

The counting rules are the selectors' (``selectors.due_reports``/``report_part`` and their
siblings), applied here to the viewer's rows (``ctx.scoped``) instead of a bare region, so the
steering pages and the indicator registry cannot count differently."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.indicators import HIGHER, Column, Context, Drill, DrillPart, Indicator, Unit, rate, register

from . import selectors
from .choices import FindingState, ReportState
from .models import MonthlyReport, TaskAssignment, TourFinding

GROUP = "steering"
ORDER = 800


def _parts(on_time: str, late: str, missing_code: str, missing: str) -> tuple[DrillPart, ...]:
    # The rate counts only the on-time part; the late and missing ones together are the rest.
    return (DrillPart("on_time", on_time, "numerator"), DrillPart("late", late, ""),
            DrillPart(missing_code, missing, ""))


def _counted(due, part_q, parts: tuple[str, ...]):
    return lambda ctx: ctx.by_subject(due(ctx), **{p: Count("pk", filter=part_q(p)) for p in parts})


def _rates(counts, empty_note):
    return lambda ctx: {k: rate(c["on_time"], sum(c.values()), empty_note=str(empty_note))
                        for k, c in counts(ctx).items()}


def _records(due, part_q):
    return lambda ctx, part: due(ctx).filter(part_q(part))


# --- monthly reports (两议一报) -------------------------------------------------------------------------

def _due_reports(ctx: Context):
    return selectors.due_reports(ctx.scoped(MonthlyReport), ctx.period.start, ctx.period.last_day, ctx.today)


register(Indicator(
    code="monthly_report_timeliness", name=gettext_lazy("Monthly report timeliness"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 1,
    computation=gettext_lazy("Monthly reports of the period first submitted on or before their due day ÷ the reports "
                             "of the period that are past their due day or already submitted; a report sent back "
                             "and submitted again keeps its first submission."),
    basis=gettext_lazy("“两议一报” (at least two safety meetings a month and a monthly report): the seeds' committee "
                       "office documents; the rate is our formula — unconfirmed."),
    numerator_label=gettext_lazy("on time"), denominator_label=gettext_lazy("due"),
    evaluate=_rates(_counted(_due_reports, selectors.report_part, selectors.REPORT_PARTS),
                    gettext_lazy("No monthly report fell due in this period.")),
    drill=Drill("steering.MonthlyReport",
                _parts(gettext_lazy("On time"), gettext_lazy("Late"), "missing", gettext_lazy("Not submitted")),
                _records(_due_reports, selectors.report_part),
                (Column("unit__name", gettext_lazy("Unit")), Column("period", gettext_lazy("Month"), kind="date"),
                 Column("due_on", gettext_lazy("Due on"), kind="date"),
                 Column("first_submitted_at", gettext_lazy("First submitted at"), kind="datetime"),
                 Column("state", pgettext_lazy("monthly report", "State"), choices=ReportState.choices)),
                url_name="steering:report_detail"),
))


# --- tour findings (巡查督导整改) --------------------------------------------------------------------------

def _due_rectifications(ctx: Context):
    return selectors.due_rectifications(ctx.scoped(TourFinding), ctx.period.start, ctx.period.last_day, ctx.today)


register(Indicator(
    code="tour_rectification_on_time", name=gettext_lazy("Tour findings rectified on time"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 2,
    computation=gettext_lazy("Findings of inspection tours whose rectification deadline falls in the period, reported "
                             "done by the deadline ÷ those past the deadline or already reported done; a finding "
                             "sent back counts by its latest report."),
    basis=gettext_lazy("巡查督导 (inspection tours of lower governments and departments): the seeds' committee office "
                       "documents; the rate is our formula — unconfirmed."),
    numerator_label=gettext_lazy("on time"), denominator_label=gettext_lazy("due"),
    evaluate=_rates(_counted(_due_rectifications, selectors.rectification_part, selectors.RECTIFICATION_PARTS),
                    gettext_lazy("No tour finding fell due in this period.")),
    drill=Drill("steering.TourFinding",
                _parts(gettext_lazy("On time"), gettext_lazy("Late"), "overdue", gettext_lazy("Overdue")),
                _records(_due_rectifications, selectors.rectification_part),
                (Column("unit__name", gettext_lazy("Unit")), Column("tour__title", gettext_lazy("Inspection tour")),
                 Column("deadline", gettext_lazy("Rectification deadline"), kind="date"),
                 Column("reported_on", gettext_lazy("Reported on"), kind="date"),
                 Column("state", pgettext_lazy("finding", "State"), choices=FindingState.choices)),
                url_name="steering:finding_detail"),
))


# --- action-plan tasks (三年行动, 工作要点) ------------------------------------------------------------------

def _due_tasks(ctx: Context):
    return selectors.due_tasks(ctx.scoped(TaskAssignment), ctx.period.start, ctx.period.last_day, ctx.today)


register(Indicator(
    code="plan_task_completion_on_time", name=gettext_lazy("Action-plan tasks completed on time"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=ORDER + 3,
    computation=gettext_lazy("Action-plan tasks whose deadline falls in the period, completed by the deadline ÷ those "
                             "past the deadline or already completed, counted per lead unit; cancelled tasks are not "
                             "counted."),
    basis=gettext_lazy("三年行动 and yearly work points with lead departments: the seeds' action plans; the rate is "
                       "our formula — unconfirmed."),
    numerator_label=gettext_lazy("on time"), denominator_label=gettext_lazy("due"),
    evaluate=_rates(_counted(_due_tasks, selectors.task_part, selectors.TASK_PARTS),
                    gettext_lazy("No action-plan task fell due in this period.")),
    drill=Drill("steering.TaskAssignment",
                _parts(gettext_lazy("On time"), gettext_lazy("Late"), "overdue", gettext_lazy("Overdue")),
                _records(_due_tasks, selectors.task_part),
                (Column("unit__name", gettext_lazy("Unit")), Column("task__title", gettext_lazy("Task")),
                 Column("task__deadline", gettext_lazy("Deadline"), kind="date"),
                 Column("task__completed_on", gettext_lazy("Completed on"), kind="date"))),
))

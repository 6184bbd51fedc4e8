"""The inspections' indicators (core.indicators): self-inspection completion and missed
inspections (班组日查、车间周查、厂矿月查、公司季查 tasks), and the coverage of enterprises by the
supervision side's inspections (government, grid patrol, expert)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from anjian.core.indicators import (
    HIGHER,
    LOWER,
    Column,
    Context,
    Drill,
    DrillPart,
    Indicator,
    Unit,
    rate,
    register,
)
from anjian.enterprises.indicators import enterprise_drill, enterprise_rate

from .choices import InspectionKind, RecordState, TaskState
from .models import InspectionRecord, InspectionTask

GROUP = "inspections"
ORDER = 200


# --- self-inspection tasks -----------------------------------------------------------------------

def _due_tasks(ctx: Context):
    """The tasks due in the period whose due date has passed (or that are already done or
    marked missed): what the enterprises owed. Cancelled tasks (their duty was voided) are owed
    by no one."""
    start, end = ctx.period.start, ctx.period.end
    qs = ctx.scoped(InspectionTask).filter(due_date__gte=start, due_date__lt=end).exclude(state=TaskState.CANCELLED)
    return qs.filter(Q(state__in=(TaskState.DONE, TaskState.MISSED)) | Q(due_date__lt=ctx.today))


def _missed_q(ctx: Context) -> Q:
    """Missed: marked missed by the nightly job, or still open past its due date (the job has
    not run yet)."""
    return Q(state=TaskState.MISSED) | Q(state=TaskState.OPEN, due_date__lt=ctx.today)


def _task_counts(ctx: Context):
    return ctx.memo("inspections.tasks", lambda: ctx.by_subject(
        _due_tasks(ctx), owed=Count("pk"), done=Count("pk", filter=Q(state=TaskState.DONE)),
        missed=Count("pk", filter=_missed_q(ctx))))


TASK_COLUMNS = (
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("duty__name", gettext_lazy("Duty")),
    Column("cadence__name", gettext_lazy("Cadence")),
    Column("period_start", gettext_lazy("Period start"), kind="date"),
    Column("due_date", gettext_lazy("Due date"), kind="date"),
    Column("state", gettext_lazy("State"), choices=TaskState.choices),
)


def _task_records(ctx: Context, part: str):
    qs = _due_tasks(ctx)
    if part == "done":
        return qs.filter(state=TaskState.DONE)
    return qs.filter(_missed_q(ctx))


TASK_PARTS_COMPLETION = (DrillPart("missed", gettext_lazy("Missed"), "rest"),
                         DrillPart("done", gettext_lazy("Done"), "numerator"))
TASK_PARTS_MISSED = (DrillPart("missed", gettext_lazy("Missed"), "numerator"),
                     DrillPart("done", gettext_lazy("Done"), "rest"))

NO_TASKS = gettext_lazy("No self-inspection task fell due in this period.")

register(Indicator(
    code="self_inspection_completion", name=gettext_lazy("Self-inspection completion rate"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 1,
    computation=gettext_lazy("Self-inspection tasks due in the period (their due date passed) that were done ÷ all "
                             "tasks due in the period; tasks of voided duties are not counted."),
    basis=gettext_lazy("“班组日查、车间周查、厂矿月查、集团公司季查” (a city emergency bureau's 2020 work report, seed "
                       "document); the rate is our formula — unconfirmed."),
    numerator_label=gettext_lazy("done"), denominator_label=gettext_lazy("due"),
    evaluate=lambda ctx: {k: rate(c["done"], c["owed"], empty_note=str(NO_TASKS))
                          for k, c in _task_counts(ctx).items()},
    drill=Drill("inspections.InspectionTask", TASK_PARTS_COMPLETION, _task_records, TASK_COLUMNS,
                url_name="inspections:task"),
))

register(Indicator(
    code="missed_inspection_rate", name=gettext_lazy("Missed self-inspection rate"), unit=Unit.PERCENT,
    direction=LOWER, group=GROUP, order=ORDER + 2,
    computation=gettext_lazy("Self-inspection tasks due in the period that were missed (marked missed, or still "
                             "open past their due date) ÷ all tasks due in the period."),
    basis=gettext_lazy("漏查率: our formula over the self-inspection tasks — unconfirmed."),
    numerator_label=gettext_lazy("missed"), denominator_label=gettext_lazy("due"),
    evaluate=lambda ctx: {k: rate(c["missed"], c["owed"], empty_note=str(NO_TASKS))
                          for k, c in _task_counts(ctx).items()},
    drill=Drill("inspections.InspectionTask", TASK_PARTS_MISSED, _task_records, TASK_COLUMNS,
                url_name="inspections:task"),
))


# --- coverage of enterprises by supervision-side inspections --------------------------------------

SUPERVISION_KINDS = (InspectionKind.GOVERNMENT, InspectionKind.GRID, InspectionKind.EXPERT)


def _inspected_q(ctx: Context) -> Q:
    """The enterprise had a submitted government, grid or expert inspection in the period (read
    through the viewer's scope, like the enterprise)."""
    records = (InspectionRecord.objects.for_user(ctx.viewer)
               .filter(enterprise=OuterRef("pk"), kind__in=SUPERVISION_KINDS, state=RecordState.SUBMITTED)
               .filter(ctx.period.q("inspected_at")))
    return Q(Exists(records))


register(Indicator(
    code="inspection_coverage", name=gettext_lazy("Inspection coverage of enterprises"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 3,
    computation=gettext_lazy("Enterprises (not closed) with at least one submitted government, grid-patrol or expert "
                             "inspection in the period ÷ all enterprises not closed."),
    basis=gettext_lazy("“排查企业覆盖率达到100%” (a district's three-year action plan, 四(二)1) and “市场主体核查覆盖率"
                       "达到100%” (the 2017 work points of Suzhou Industrial Park, 三(一)2): seed documents; which "
                       "inspections count is our reading — unconfirmed."),
    numerator_label=gettext_lazy("inspected"), denominator_label=gettext_lazy("enterprises"),
    evaluate=lambda ctx: enterprise_rate(ctx, _inspected_q),
    drill=enterprise_drill(_inspected_q, counted_label=gettext_lazy("Inspected"),
                           missing_label=gettext_lazy("Not inspected")),
))

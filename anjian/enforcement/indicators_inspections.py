"""The indicators of the on-site enforcement inspections (core.indicators): inspections done
against the annual plans, coverage of the key enterprises (重点监管企业), findings, hazards raised
and compulsory measures — each for a user's scope, a region or a department, and a period, with
the records behind the figure. Imported by the app's ``indicators`` module."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.indicators import (
    HIGHER,
    Column,
    Context,
    Drill,
    DrillPart,
    Indicator,
    Unit,
    count,
    missing_and_counted,
    rate,
    register,
)

from .choices import FindingDisposition, InspectionMode, PlanState
from .models import CompulsoryMeasure, EnforcementInspection, InspectionFinding, PlanEntry

GROUP = "enforcement"
ORDER = 600
OURS = gettext_lazy("Our formula over the enforcement plans and inspections — unconfirmed.")


def _signed(ctx: Context):
    """The inspections signed (finished on site) in the period, read through the viewer's scope."""
    return ctx.scoped(EnforcementInspection).filter(ctx.period.q("signed_at"))


def _plan_entries(ctx: Context, *, key_only: bool = False):
    """The entries of the approved (or closed) plans of the period's year(s)."""
    years = range(ctx.period.start.year, ctx.period.last_day.year + 1)
    qs = ctx.scoped(PlanEntry).filter(plan__year__in=list(years), plan__is_voided=False,
                                      plan__state__in=(PlanState.APPROVED, PlanState.CLOSED))
    return qs.filter(is_key=True) if key_only else qs


INSPECTION_COLUMNS = (
    Column("number", pgettext_lazy("enforcement inspection", "Number")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("kind", gettext_lazy("Kind"), choices=InspectionMode.choices),
    Column("signed_at", gettext_lazy("Signed at"), kind="date"),
)


def _counted_on_plan(ctx: Context):
    return _signed(ctx).filter(counted_on_plan=True)


def _plan_rate(ctx: Context) -> dict:
    done = ctx.by_subject(_counted_on_plan(ctx), n=Count("pk"))
    planned = ctx.by_subject(_plan_entries(ctx), n=Sum("planned_visits"))
    return {k: rate(done[k]["n"], planned[k]["n"], empty_note=str(gettext_lazy("No planned visits in this period.")))
            for k in done}


register(Indicator(
    code="enforcement_plan_done", name=gettext_lazy("Enforcement inspections done against plan"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 1,
    computation=gettext_lazy("Inspections signed in the period and counted on an approved plan ÷ the visits planned "
                             "by the approved plans of the period's year (a part-year period compares a part of the "
                             "year with the whole year's visits)."),
    basis=OURS, numerator_label=gettext_lazy("done"), denominator_label=gettext_lazy("planned visits"),
    evaluate=_plan_rate,
    drill=Drill("enforcement.EnforcementInspection", (DrillPart("counted", gettext_lazy("Counted on a plan")),),
                lambda ctx, part: _counted_on_plan(ctx), INSPECTION_COLUMNS, url_name="enforcement:inspection"),
))


def _key_inspected_q(ctx: Context) -> Q:
    inspections = EnforcementInspection.objects.filter(
        plan_entry=OuterRef("pk"), is_voided=False).filter(ctx.period.q("signed_at"))
    return Q(Exists(inspections))


def _key_records(ctx: Context, part: str):
    qs = _plan_entries(ctx, key_only=True)
    return qs.filter(_key_inspected_q(ctx)) if part == "counted" else qs.exclude(_key_inspected_q(ctx))


def _key_rate(ctx: Context) -> dict:
    counts = ctx.by_subject(_plan_entries(ctx, key_only=True), total=Count("pk"),
                            met=Count("pk", filter=_key_inspected_q(ctx)))
    return {k: rate(c["met"], c["total"], empty_note=str(gettext_lazy("No key enterprise in the plans.")))
            for k, c in counts.items()}


register(Indicator(
    code="enforcement_key_coverage", name=gettext_lazy("Coverage of key enterprises by enforcement inspections"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=ORDER + 2,
    computation=gettext_lazy("Key enterprises of the approved plans with at least one inspection signed in the "
                             "period ÷ all key enterprises of those plans."),
    basis=gettext_lazy("“重点监管企业…检查覆盖率100%” as the plans' coverage target; which inspections count is our "
                       "reading — unconfirmed."),
    numerator_label=gettext_lazy("inspected"), denominator_label=gettext_lazy("key enterprises"),
    evaluate=_key_rate,
    drill=Drill("enforcement.PlanEntry", missing_and_counted(gettext_lazy("Not inspected"),
                                                             gettext_lazy("Inspected")),
                _key_records, (Column("enterprise__name", gettext_lazy("Enterprise")),
                               Column("plan__title", gettext_lazy("Plan")),
                               Column("planned_visits", gettext_lazy("Planned visits")),
                               Column("done_visits", gettext_lazy("Visits done"))),
                url_name="enforcement:plan_entry"),
))


def _count_indicator(code: str, name, computation, records, model: str, columns, url_name: str, order: int):
    register(Indicator(
        code=code, name=name, unit=Unit.COUNT, direction=HIGHER, group=GROUP, order=order, computation=computation,
        basis=OURS, evaluate=lambda ctx: {k: count(c["n"]) for k, c in ctx.by_subject(records(ctx),
                                                                                       n=Count("pk")).items()},
        drill=Drill(model, (DrillPart("counted", name),), lambda ctx, part: records(ctx), columns,
                    url_name=url_name)))


_count_indicator(
    "enforcement_inspections", gettext_lazy("Enforcement inspections done"),
    gettext_lazy("Inspections signed (finished on site) in the period."), _signed,
    "enforcement.EnforcementInspection", INSPECTION_COLUMNS, "enforcement:inspection", ORDER + 3)


def _findings(ctx: Context):
    return ctx.scoped(InspectionFinding).filter(ctx.period.q("created_at"), inspection__is_voided=False)


FINDING_COLUMNS = (Column("inspection__number", pgettext_lazy("enforcement", "Inspection")),
                   Column("inspection__enterprise__name", gettext_lazy("Enterprise")),
                   Column("disposition", gettext_lazy("Becomes"), choices=FindingDisposition.choices),
                   Column("created_at", gettext_lazy("Recorded at"), kind="date"))

_count_indicator(
    "enforcement_findings", gettext_lazy("Findings of enforcement inspections"),
    gettext_lazy("Items found wanting in the period that became a hazard or a violation for a case."), _findings,
    "enforcement.InspectionFinding", FINDING_COLUMNS, "", ORDER + 4)

_count_indicator(
    "enforcement_hazards_raised", gettext_lazy("Hazards raised by enforcement inspections"),
    gettext_lazy("Findings of the period entered into the hazard ledger."),
    lambda ctx: _findings(ctx).filter(disposition=FindingDisposition.HAZARD),
    "enforcement.InspectionFinding", FINDING_COLUMNS, "", ORDER + 5)


def _measures(ctx: Context):
    return ctx.scoped(CompulsoryMeasure).filter(ctx.period.q("decided_at"), inspection__is_voided=False)


_count_indicator(
    "enforcement_measures", gettext_lazy("Compulsory measures decided"),
    gettext_lazy("Compulsory measures (suspension, stop of construction or power, sealing up or seizure) decided in "
                 "the period."), _measures, "enforcement.CompulsoryMeasure",
    (Column("inspection__number", pgettext_lazy("enforcement", "Inspection")),
     Column("inspection__enterprise__name", gettext_lazy("Enterprise")),
     Column("kind", gettext_lazy("Measure")), Column("decided_at", gettext_lazy("Decided at"), kind="date")),
    "", ORDER + 6)

"""The emergency-preparedness indicators (core.indicators). They read the plans and supplies as
they stand on the day read (``min(period end, today)``): filing and drill cadence are states of
the plans, not events of a period.

- plans filed rate: plans in force that are filed (备案) ÷ plans in force (published, submitted,
  filed or returned);
- plans drilled on time: plans in force within their drill cadence (``selectors.drill_overdue``)
  ÷ plans in force;
- expired emergency supplies: supply lines past their expiry (a count, lower is better).

Formulas ours, marked unconfirmed. One grouped query per family (``ctx.memo``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.indicators import (
    HIGHER,
    LOWER,
    Column,
    Context,
    DrillPart,
    Indicator,
    Unit,
    count,
    missing_and_counted,
    rate,
    register,
)
from anjian.core.indicators import Drill as Records

from . import selectors
from .choices import IN_FORCE, PlanState
from .models import EmergencyPlan, Supply

GROUP = "emergency"


def _day(ctx: Context) -> date:
    return min(ctx.period.last_day, ctx.today)


def _in_force(ctx: Context):
    return selectors.live_plans(ctx.scoped(EmergencyPlan)).filter(state__in=IN_FORCE)


def _overdue_ids(ctx: Context):
    return selectors.drill_overdue(ctx.scoped(EmergencyPlan), _day(ctx), selectors.parameters()).values("pk")


def _plan_counts(ctx: Context) -> dict:
    return ctx.memo("emergency.plans", lambda: ctx.by_subject(
        _in_force(ctx), total=Count("pk"), filed=Count("pk", filter=Q(state=PlanState.FILED)),
        late=Count("pk", filter=Q(pk__in=_overdue_ids(ctx)))))


PLAN_COLUMNS = (
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("title", pgettext_lazy("emergency plan", "Title")),
    Column("published_on", pgettext_lazy("emergency plan", "Published on"), kind="date"),
    Column("last_drill_on", gettext_lazy("Last drilled on"), kind="date"),
)


def _filed_records(ctx: Context, part: str):
    qs = _in_force(ctx)
    return qs.filter(state=PlanState.FILED) if part == "counted" else qs.exclude(state=PlanState.FILED)


def _drilled_records(ctx: Context, part: str):
    qs = _in_force(ctx)
    late = Q(pk__in=_overdue_ids(ctx))
    return qs.exclude(late) if part == "counted" else qs.filter(late)


register(Indicator(
    code="emergency_plans_filed_rate", name=gettext_lazy("Emergency plans filed rate"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=10,
    computation=gettext_lazy("Plans in force that are filed with the regulator ÷ plans in force (published, "
                             "submitted, filed or returned), on the last day of the period or today."),
    basis=gettext_lazy("《生产安全事故应急预案管理办法》第二十六条 (filing); the rate is ours — unconfirmed."),
    numerator_label=pgettext_lazy("emergency plan", "filed"), denominator_label=gettext_lazy("plans in force"),
    evaluate=lambda ctx: {k: rate(c["filed"], c["total"], empty_note=_("No emergency plan in force here."))
                          for k, c in _plan_counts(ctx).items()},
    drill=Records("emergency.EmergencyPlan", missing_and_counted(gettext_lazy("Not filed"), pgettext_lazy("emergency plan", "Filed")),
                  _filed_records, PLAN_COLUMNS, url_name="emergency:plan"),
))

register(Indicator(
    code="emergency_drills_done_rate", name=gettext_lazy("Emergency plans drilled on time"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=20,
    computation=gettext_lazy("Plans in force drilled within their cadence (comprehensive and special plans "
                             "yearly, on-site plans every half year) ÷ plans in force."),
    basis=gettext_lazy("《生产安全事故应急预案管理办法》第三十三条; the rate is ours — unconfirmed."),
    numerator_label=gettext_lazy("drilled on time"), denominator_label=gettext_lazy("plans in force"),
    evaluate=lambda ctx: {k: rate(c["total"] - c["late"], c["total"],
                                  empty_note=_("No emergency plan in force here.")) for k, c in _plan_counts(ctx).items()},
    drill=Records("emergency.EmergencyPlan", missing_and_counted(gettext_lazy("Not drilled on time"),
                                                                 gettext_lazy("Drilled on time")),
                  _drilled_records, PLAN_COLUMNS, url_name="emergency:plan"),
))


def _expired(ctx: Context):
    return selectors.supplies_expired(ctx.scoped(Supply), _day(ctx))


SUPPLY_COLUMNS = (
    Column("name", pgettext_lazy("supply", "Name")),
    Column("storage_place", gettext_lazy("Storage place")),
    Column("expires_on", gettext_lazy("Expires on"), kind="date"),
)

register(Indicator(
    code="emergency_supplies_expired", name=gettext_lazy("Expired emergency supplies"),
    unit=Unit.COUNT, direction=LOWER, group=GROUP, order=30,
    computation=gettext_lazy("Lines of the emergency supplies and equipment ledger past their expiry date on the "
                             "last day of the period or today."),
    basis=gettext_lazy("The ledger's expiry dates; the count is ours — unconfirmed."),
    numerator_label=gettext_lazy("expired"),
    evaluate=lambda ctx: {k: count(c["n"]) for k, c in ctx.memo(
        "emergency.expired", lambda: ctx.by_subject(_expired(ctx), n=Count("pk"))).items()},
    drill=Records("emergency.Supply", (DrillPart("expired", gettext_lazy("Expired"), "numerator"),),
                  lambda ctx, part: _expired(ctx), SUPPLY_COLUMNS, url_name="emergency:supply"),
))

"""The credit indicators (core.indicators):

- enterprises on the list of seriously untrustworthy entities at the end of the period (or now):
  listings decided by then and not removed by then (a count, lower is better);
- the share of each credit grade: enterprises (not closed) in the grade today ÷ all graded
  enterprises (not closed). The grade is the enterprise's credit now (``EnterpriseCredit``), so
  this family reads today's state whatever the period.

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
    Drill,
    DrillPart,
    Indicator,
    Unit,
    count,
    missing_and_counted,
    rate,
    register,
)
from anjian.enterprises.indicators import ENTERPRISE_COLUMNS, live_enterprises

from .choices import CreditGrade, ListingState
from .models import Blacklisting

GROUP = "credit"


def _day(ctx: Context) -> date:
    return min(ctx.period.last_day, ctx.today)


def _listed_at(ctx: Context):
    day = _day(ctx)
    return ctx.scoped(Blacklisting).filter(
        state__in=[ListingState.LISTED, ListingState.REPAIRED, ListingState.EXPIRED], decided_on__lte=day).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=day))


LISTING_COLUMNS = (
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("decision_number", gettext_lazy("Decision document number")),
    Column("decided_on", pgettext_lazy("blacklist", "Decided on"), kind="date"),
    Column("term_ends_on", gettext_lazy("Term ends on"), kind="date"),
)

register(Indicator(
    code="credit_blacklisted", name=gettext_lazy("Enterprises on the list of seriously untrustworthy entities"),
    unit=Unit.COUNT, direction=LOWER, group=GROUP, order=10,
    computation=gettext_lazy("Listings decided by the end of the period (or now) and not removed by then."),
    basis=gettext_lazy("《安全生产严重失信主体名单管理办法》(应急管理部令第11号); the count is ours — unconfirmed."),
    numerator_label=gettext_lazy("listed"),
    evaluate=lambda ctx: {k: count(c["n"]) for k, c in ctx.memo(
        "credit.listed", lambda: ctx.by_subject(_listed_at(ctx), n=Count("pk"))).items()},
    drill=Drill("credit.Blacklisting", (DrillPart("listed", gettext_lazy("Listed"), "numerator"),),
                lambda ctx, part: _listed_at(ctx), LISTING_COLUMNS, url_name="credit:listing"),
))


def _graded(ctx: Context):
    return live_enterprises(ctx).filter(credit__isnull=False)


def _grade_counts(ctx: Context) -> dict:
    return ctx.memo("credit.grades", lambda: ctx.by_subject(
        _graded(ctx), total=Count("pk"), **{g: Count("pk", filter=Q(credit__grade=g)) for g in CreditGrade.values}))


def _grade_drill(grade: str) -> Drill:
    def records(ctx: Context, part: str):
        qs = _graded(ctx)
        return qs.filter(credit__grade=grade) if part == "counted" else qs.exclude(credit__grade=grade)

    return Drill("enterprises.Enterprise", missing_and_counted(gettext_lazy("In another grade"),
                                                               gettext_lazy("In this grade")),
                 records, ENTERPRISE_COLUMNS, url_name="enterprises:detail")


SHARE_NAMES = {
    CreditGrade.A: gettext_lazy("Share of enterprises graded A (trustworthy)"),
    CreditGrade.B: gettext_lazy("Share of enterprises graded B (basically trustworthy)"),
    CreditGrade.C: gettext_lazy("Share of enterprises graded C (untrustworthy)"),
    CreditGrade.D: gettext_lazy("Share of enterprises graded D (seriously untrustworthy)"),
}

for _order, _grade in enumerate(CreditGrade, start=20):
    register(Indicator(
        code=f"credit_grade_share_{_grade.value.lower()}",
        name=SHARE_NAMES[_grade],
        unit=Unit.PERCENT, direction=HIGHER if _grade in (CreditGrade.A, CreditGrade.B) else LOWER,
        group=GROUP, order=_order,
        computation=gettext_lazy("Enterprises (not closed) in this credit grade today ÷ all graded enterprises "
                                 "(not closed)."),
        basis=gettext_lazy("The grade bands are reference data (credit grade bands), our defaults — unconfirmed."),
        numerator_label=gettext_lazy("in the grade"), denominator_label=gettext_lazy("graded enterprises"),
        evaluate=lambda ctx, g=_grade.value: {
            k: rate(c[g], c["total"], empty_note=_("No enterprise is graded here.")) for k, c in _grade_counts(ctx).items()},
        drill=_grade_drill(_grade.value),
    ))

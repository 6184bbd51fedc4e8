"""The enforcement cases' indicators (core.indicators): 事前立案率, cases concluded within the legal
time limit, penalties (count and amount), and the summons, circulars and exposures issued.

One grouped query per table for every subject (``ctx.memo``): the case figures share one query,
the summons/circular/exposure counts another."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum
from django.db.models import Value as V
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from anjian.core.indicators import (
    HIGHER,
    Column,
    Context,
    Drill,
    DrillPart,
    Indicator,
    Unit,
    Value,
    count,
    rate,
    register,
)

from .choices import CONCLUDED_CASE_STATES, OPEN_CASE_STATES, AdmonitionKind, AdmonitionState, CaseState
from .models import Admonition, Case

GROUP = "enforcement"
ORDER = 500

PENALISED = (CaseState.DECIDED, CaseState.EXECUTED, CaseState.CLOSED)


def _filed(ctx: Context):
    """Cases filed in the period (立案)."""
    return ctx.scoped(Case).filter(_day_q(ctx, "filed_on"))


def _day_q(ctx: Context, field: str) -> Q:
    return Q(**{f"{field}__gte": ctx.period.start, f"{field}__lt": ctx.period.end})


def _due(ctx: Context):
    """Cases whose outcome fell due in the period: concluded in it, or still open with the due
    date passed within it."""
    concluded = Q(state__in=CONCLUDED_CASE_STATES) & (
        (Q(decided_on__isnull=False) & _day_q(ctx, "decided_on"))
        | (Q(decided_on__isnull=True) & _day_q(ctx, "outcome_on")))
    overdue = Q(state__in=OPEN_CASE_STATES, decide_due__lt=ctx.today) & _day_q(ctx, "decide_due")
    return ctx.scoped(Case).filter(concluded | overdue)


def _on_time_q() -> Q:
    return (Q(decided_on__isnull=False, decided_on__lte=F("decide_due"))
            | Q(decided_on__isnull=True, outcome_on__isnull=False, outcome_on__lte=F("decide_due")))


def _penalised(ctx: Context):
    return ctx.scoped(Case).filter(state__in=PENALISED).filter(_day_q(ctx, "decided_on"))


def _case_counts(ctx: Context):
    def compute():
        filed = ctx.by_subject(_filed(ctx), filed=Count("pk"), pre=Count("pk", filter=Q(pre_accident=True)))
        due = ctx.by_subject(_due(ctx), due=Count("pk"), on_time=Count("pk", filter=_on_time_q()))
        pen = ctx.by_subject(_penalised(ctx), n=Count("pk", filter=Q(fine_amount__gt=0)),
                             n_pre=Count("pk", filter=Q(fine_amount__gt=0, pre_accident=True)),
                             amount=Coalesce(Sum("fine_amount"), V(Decimal(0)), output_field=DecimalField()))
        return {k: {**filed.get(k, {}), **due.get(k, {}), **pen.get(k, {})} for k in {*filed, *due, *pen}}

    return ctx.memo("enforcement.cases", compute)


CASE_COLUMNS = (
    Column("number", gettext_lazy("Case number")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("filed_on", gettext_lazy("Filed on"), kind="date"),
    Column("decide_due", gettext_lazy("Decide by"), kind="date"),
    Column("decided_on", gettext_lazy("Decided on"), kind="date"),
    Column("fine_amount", gettext_lazy("Fine (yuan)"), kind="number"),
    Column("state", gettext_lazy("State"), choices=CaseState.choices),
)


def _case_records(ctx: Context, part: str):
    if part in ("pre", "post"):
        return _filed(ctx).filter(pre_accident=(part == "pre"))
    if part == "filed":
        return _filed(ctx)
    if part in ("on_time", "late"):
        qs = _due(ctx)
        return qs.filter(_on_time_q()) if part == "on_time" else qs.exclude(_on_time_q())
    if part in ("penalties_pre", "penalties_post"):
        return _penalised(ctx).filter(fine_amount__gt=0, pre_accident=(part == "penalties_pre"))
    return _penalised(ctx).filter(fine_amount__gt=0)


def _get(c: dict, key: str) -> int:
    return c.get(key) or 0


register(Indicator(
    code="pre_accident_case_rate", name=gettext_lazy("Pre-accident case rate"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 1,
    computation=gettext_lazy("Cases filed in the period for a violation found before any accident ÷ all cases filed "
                             "in the period."),
    basis=gettext_lazy("事前立案率: seed documents (事前立案 ≥ 80%, a local plan); the formula is ours — unconfirmed."),
    numerator_label=gettext_lazy("pre-accident"), denominator_label=gettext_lazy("filed"),
    evaluate=lambda ctx: {k: rate(_get(c, "pre"), _get(c, "filed"),
                                  empty_note=str(gettext_lazy("No case was filed in this period.")))
                          for k, c in _case_counts(ctx).items()},
    drill=Drill("enforcement.Case", (DrillPart("post", gettext_lazy("After an accident"), "rest"),
                                     DrillPart("pre", gettext_lazy("Before any accident"), "numerator")),
                _case_records, CASE_COLUMNS, url_name="enforcement:case"),
))

register(Indicator(
    code="case_on_time_rate", name=gettext_lazy("Cases concluded within the legal time limit"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 2,
    computation=gettext_lazy("Cases decided (or withdrawn, transferred) in the period by their decision due date, "
                             "÷ the cases concluded in the period plus the open cases whose due date passed in it."),
    basis=gettext_lazy("《行政处罚法》第六十条 (90 days from filing, extensions as the editable time limit allows); "
                       "the rate is our formula — unconfirmed."),
    numerator_label=gettext_lazy("on time"), denominator_label=gettext_lazy("due"),
    evaluate=lambda ctx: {k: rate(_get(c, "on_time"), _get(c, "due"),
                                  empty_note=str(gettext_lazy("No case fell due in this period.")))
                          for k, c in _case_counts(ctx).items()},
    drill=Drill("enforcement.Case", (DrillPart("late", gettext_lazy("Late"), "rest"),
                                     DrillPart("on_time", gettext_lazy("On time"), "numerator")),
                _case_records, CASE_COLUMNS, url_name="enforcement:case"),
))

register(Indicator(
    code="enforcement_cases_filed", name=gettext_lazy("Cases filed"), unit=Unit.COUNT, direction=HIGHER,
    group=GROUP, order=ORDER, computation=gettext_lazy("Cases filed (立案) in the period."),
    basis=gettext_lazy("A count of the cases filed (no target set by a text) — unconfirmed."),
    evaluate=lambda ctx: {k: count(_get(c, "filed")) for k, c in _case_counts(ctx).items()},
    drill=Drill("enforcement.Case", (DrillPart("filed", gettext_lazy("Filed"), "numerator"),), _case_records,
                CASE_COLUMNS, url_name="enforcement:case"),
))

PENALTY_PARTS = (DrillPart("penalties", gettext_lazy("Penalties"), "numerator"),)

register(Indicator(
    code="penalty_count", name=gettext_lazy("Penalties (fines decided)"), unit=Unit.COUNT, direction=HIGHER,
    group=GROUP, order=ORDER + 3,
    computation=gettext_lazy("Cases decided in the period with a fine."),
    basis=gettext_lazy("A count of the decisions (no target set by a text) — unconfirmed."),
    evaluate=lambda ctx: {k: count(_get(c, "n")) for k, c in _case_counts(ctx).items()},
    drill=Drill("enforcement.Case", PENALTY_PARTS, _case_records, CASE_COLUMNS, url_name="enforcement:case"),
))

register(Indicator(
    code="penalty_amount", name=gettext_lazy("Fines decided"), unit=Unit.YUAN, direction=HIGHER,
    group=GROUP, order=ORDER + 4,
    computation=gettext_lazy("Sum of the fines of the cases decided in the period."),
    basis=gettext_lazy("A sum of the decisions (no target set by a text) — unconfirmed."),
    evaluate=lambda ctx: {k: Value(Decimal(c.get("amount") or 0), _get(c, "n")) for k, c in _case_counts(ctx).items()},
    drill=Drill("enforcement.Case", PENALTY_PARTS, _case_records, CASE_COLUMNS, url_name="enforcement:case"),
))


register(Indicator(
    code="non_accident_penalty_share", name=gettext_lazy("Share of penalties not following an accident"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=ORDER + 8,
    computation=gettext_lazy("Fines decided in the period in cases filed before any accident ÷ all fines decided in "
                             "the period (compared with the same months a year before on the statistics page)."),
    basis=gettext_lazy("非事故类处罚占比 (issue #14; seed documents): the formula is ours — unconfirmed."),
    numerator_label=gettext_lazy("before any accident"), denominator_label=gettext_lazy("penalties"),
    evaluate=lambda ctx: {k: rate(_get(c, "n_pre"), _get(c, "n"),
                                  empty_note=str(gettext_lazy("No fine was decided in this period.")))
                          for k, c in _case_counts(ctx).items()},
    drill=Drill("enforcement.Case", (DrillPart("penalties_post", gettext_lazy("After an accident"), "rest"),
                                     DrillPart("penalties_pre", gettext_lazy("Before any accident"), "numerator")),
                _case_records, CASE_COLUMNS, url_name="enforcement:case"),
))


def _admonitions(ctx: Context):
    return ctx.scoped(Admonition).filter(state=AdmonitionState.ISSUED).filter(_day_q(ctx, "held_on"))


def _admonition_counts(ctx: Context):
    return ctx.memo("enforcement.admonitions", lambda: ctx.by_subject(
        _admonitions(ctx), **{k.value: Count("pk", filter=Q(kind=k.value)) for k in AdmonitionKind}))


ADMONITION_COLUMNS = (
    Column("title", gettext_lazy("Title")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("held_on", gettext_lazy("Date"), kind="date"),
)

for _n, (_kind, _name) in enumerate(((AdmonitionKind.SUMMONS, gettext_lazy("Summons held")),
                                     (AdmonitionKind.CIRCULAR, gettext_lazy("Circulars issued")),
                                     (AdmonitionKind.EXPOSURE, gettext_lazy("Public exposures")))):
    register(Indicator(
        code=f"{_kind.value}_count", name=_name, unit=Unit.COUNT, direction=HIGHER, group=GROUP,
        order=ORDER + 5 + _n,
        computation=gettext_lazy("Records of this kind issued with a date in the period."),
        basis=gettext_lazy("约谈、通报、曝光 (issue #14; seed documents): a count — unconfirmed."),
        evaluate=lambda ctx, _k=_kind.value: {k: count(c.get(_k) or 0) for k, c in _admonition_counts(ctx).items()},
        drill=Drill("enforcement.Admonition", (DrillPart("issued", gettext_lazy("Issued"), "numerator"),),
                    lambda ctx, part, _k=_kind.value: _admonitions(ctx).filter(kind=_k), ADMONITION_COLUMNS,
                    url_name="enforcement:admonition"),
    ))


# The on-site inspections' indicators live beside these; core imports only this module.
from . import indicators_inspections  # noqa: E402, F401

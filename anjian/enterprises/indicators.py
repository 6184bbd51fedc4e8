"""The registry's indicator (core.indicators): supervision coverage — every existing enterprise
has a supervising department on its plate (一企一牌), the rest are blind spots (监管盲区). Also
what other apps' indicators about enterprises share: the enterprises that count (not closed) and
how a list of them reads."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.indicators import (
    HIGHER,
    Column,
    Context,
    Drill,
    Indicator,
    Unit,
    missing_and_counted,
    rate,
    register,
)

from .choices import OperatingStatus
from .models import Enterprise, Supervision

ENTERPRISE_COLUMNS = (
    Column("name", gettext_lazy("Enterprise")),
    Column("credit_code", gettext_lazy("Unified social credit code")),
    Column("region__name", gettext_lazy("Township")),
    Column("industry__name", gettext_lazy("Industry")),
    Column("status", gettext_lazy("Operating status"), choices=OperatingStatus.choices),
)


def live_enterprises(ctx: Context):
    """The enterprises a coverage counts: in the viewer's scope and the subject, not closed
    (suspended ones still count: they exist and may resume)."""
    return ctx.scoped(Enterprise).exclude(status=OperatingStatus.CLOSED)


def enterprise_drill(q, *, counted_label, missing_label) -> Drill:
    """A drill-down over ``live_enterprises``: those meeting ``q(ctx)`` (counted) and the rest."""
    def records(ctx: Context, part: str):
        cond = q(ctx)
        qs = live_enterprises(ctx)
        return qs.filter(cond) if part == "counted" else qs.exclude(cond)

    return Drill("enterprises.Enterprise", missing_and_counted(missing_label, counted_label),
                 records, ENTERPRISE_COLUMNS, url_name="enterprises:detail")


def enterprise_rate(ctx: Context, q) -> dict:
    """live enterprises meeting ``q(ctx)`` ÷ all live enterprises, per subject (one query)."""
    counts = ctx.by_subject(live_enterprises(ctx), total=Count("pk"), met=Count("pk", filter=q(ctx)))
    return {k: rate(c["met"], c["total"], empty_note=_("No enterprise in this jurisdiction."))
            for k, c in counts.items()}


def _supervised(_ctx: Context) -> Q:
    # The same test as EnterpriseQuerySet.blind_spots(): a current plate.
    return Q(Exists(Supervision.objects.filter(enterprise=OuterRef("pk"), is_current=True)))


register(Indicator(
    code="supervision_coverage", name=gettext_lazy("Supervision coverage"), unit=Unit.PERCENT,
    direction=HIGHER, group="enterprises", order=50,
    computation=gettext_lazy("Enterprises (not closed) with a supervising department on their plate today ÷ all "
                             "enterprises not closed; the others are supervision blind spots."),
    basis=gettext_lazy("“消除监管盲区…只要有安全风险的领域，就有牵头负责监管的机构” (a district's three-year action "
                       "plan, 四(二)3, seed document); the rate is our formula — unconfirmed."),
    numerator_label=gettext_lazy("supervised"), denominator_label=gettext_lazy("enterprises"),
    evaluate=lambda ctx: enterprise_rate(ctx, _supervised),
    drill=enterprise_drill(_supervised, counted_label=gettext_lazy("Supervised"),
                           missing_label=gettext_lazy("Blind spots")),
))

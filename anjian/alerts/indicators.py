"""The warnings' indicators (core.indicators): warnings open at the end of the period (or now),
and those of them open longer than the handling time (超期未消除).

A warning closes itself when its cause is gone, so "open" at a moment is ``raised_at`` before it
and ``closed_at`` empty or after it — computable for any past period. Every warning in the
viewer's jurisdiction counts, whichever role its rule is addressed to."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.indicators import LOWER, Column, Context, Drill, DrillPart, Indicator, Unit, count, register

from .engine import all_rules
from .models import Warning

GROUP = "alerts"
ORDER = 400


def handling_days() -> int:
    """Days a warning may stay open before it counts as overdue (our rule, not a regulation:
    ``ANJIAN_WARNING_HANDLING_DAYS``, default 7)."""
    return int(getattr(settings, "ANJIAN_WARNING_HANDLING_DAYS", 7))


def _open_at(ctx: Context):
    moment = ctx.period.as_of(ctx.now)
    return (ctx.scoped(Warning).filter(raised_at__lt=moment)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=moment)))


def _overdue_q(ctx: Context) -> Q:
    return Q(raised_at__lt=ctx.period.as_of(ctx.now) - timedelta(days=handling_days()))


def _counts(ctx: Context):
    return ctx.memo("alerts.open", lambda: ctx.by_subject(_open_at(ctx), open=Count("pk"),
                                                          overdue=Count("pk", filter=_overdue_q(ctx))))


COLUMNS = (
    Column("rule", gettext_lazy("Rule"), choices=lambda: [(r.code, str(r.title)) for r in all_rules()]),
    Column("level", gettext_lazy("Level"), choices=Warning.Level.choices),
    Column("message", gettext_lazy("Message")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("raised_at", gettext_lazy("Raised at"), kind="datetime"),
    Column("closed_at", gettext_lazy("Closed at"), kind="datetime"),
)


def _records(ctx: Context, part: str):
    qs = _open_at(ctx)
    return qs.filter(_overdue_q(ctx)) if part == "overdue" else qs


register(Indicator(
    code="warnings_open", name=gettext_lazy("Open warnings"), unit=Unit.COUNT, direction=LOWER, group=GROUP,
    order=ORDER + 1,
    computation=gettext_lazy("Warnings (预警) in the jurisdiction open at the end of the period, or now while it "
                             "runs: raised before that moment and not closed by then."),
    basis=gettext_lazy("A count of the platform's own warnings; no official target."),
    numerator_label=pgettext_lazy("warnings", "open"),
    evaluate=lambda ctx: {k: count(c["open"]) for k, c in _counts(ctx).items()},
    drill=Drill("alerts.Warning", (DrillPart("open", gettext_lazy("Open warnings"), "numerator"),), _records,
                COLUMNS, url_name="warnings:open", ordering=("-raised_at", "-pk")),
))

register(Indicator(
    code="warnings_overdue", name=gettext_lazy("Overdue warnings"), unit=Unit.COUNT, direction=LOWER, group=GROUP,
    order=ORDER + 2,
    computation=gettext_lazy("Of the warnings open at the end of the period (or now), those open for more than the "
                             "handling time (a setting of the installation, 7 days by default): their cause was not "
                             "removed in time."),
    basis=gettext_lazy("超期未消除预警: the handling time is our rule (a setting), not a regulation — unconfirmed."),
    numerator_label=gettext_lazy("overdue"),
    evaluate=lambda ctx: {k: count(c["overdue"]) for k, c in _counts(ctx).items()},
    drill=Drill("alerts.Warning", (DrillPart("overdue", gettext_lazy("Overdue warnings"), "numerator"),), _records,
                COLUMNS, url_name="warnings:open", ordering=("-raised_at", "-pk")),
))

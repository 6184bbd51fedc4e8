"""The tip indicators (core.indicators), counted over the tips received in the period (not voided):

- tips received;
- verified within the deadline: of the accepted tips whose verification fell due in the period
  (or was done in it), those verified on or before their (possibly extended) due day;
- real-name verification rate (target 100 %): real-name tips accepted in the period that are
  verified ÷ real-name tips accepted in the period;
- tips confirmed (verified as true) in the period;
- rewards paid in the period, in yuan.

Formulas ours, marked unconfirmed. One grouped query per family (``ctx.memo``)."""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

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
    missing_and_counted,
    quantize,
    rate,
    register,
)

from .choices import RewardState, TipKind, TipState
from .models import Reward, Tip

GROUP = "public"
BASIS = gettext_lazy("《安全生产领域举报奖励办法》(安监总财〔2018〕19号); the formula is ours — unconfirmed.")
VERIFIED = (TipState.CONFIRMED, TipState.UNFOUNDED)

TIP_COLUMNS = (
    Column("tracking_code", gettext_lazy("Tracking code")),
    Column("kind", gettext_lazy("What is reported"), choices=TipKind.choices),
    Column("unit_name", gettext_lazy("Unit reported")),
    Column("state", pgettext_lazy("tip", "State"), choices=TipState.choices),
    Column("verify_due", gettext_lazy("Verification due"), kind="date"),
)


def _received(ctx: Context):
    return ctx.scoped(Tip).filter(received_at__date__gte=ctx.period.start, received_at__date__lt=ctx.period.end)


def _due(ctx: Context):
    return ctx.scoped(Tip).filter(accepted_on__isnull=False, verify_due__gte=ctx.period.start,
                                  verify_due__lt=ctx.period.end)


def _in_time_q() -> Q:
    return Q(verified_on__isnull=False, verified_on__lte=F("verify_due"))


def _real_name(ctx: Context):
    return ctx.scoped(Tip).filter(is_anonymous=False, accepted_on__gte=ctx.period.start,
                                  accepted_on__lt=ctx.period.end)


def _confirmed(ctx: Context):
    return ctx.scoped(Tip).filter(state=TipState.CONFIRMED, verified_on__gte=ctx.period.start,
                                  verified_on__lt=ctx.period.end)


def _paid(ctx: Context):
    return ctx.scoped(Reward).filter(state=RewardState.PAID, paid_on__gte=ctx.period.start,
                                     paid_on__lt=ctx.period.end)


def _drill(records, parts) -> Drill:
    return Drill("public.Tip", parts, records, TIP_COLUMNS, url_name="public:tip")


register(Indicator(
    code="tips_received", name=gettext_lazy("Tips received"), unit=Unit.COUNT, direction=HIGHER, group=GROUP,
    order=10, computation=gettext_lazy("Tips received in the period (not voided)."), basis=BASIS,
    numerator_label=gettext_lazy("received"),
    evaluate=lambda ctx: {k: count(c["n"]) for k, c in ctx.memo(
        "public.received", lambda: ctx.by_subject(_received(ctx), n=Count("pk"))).items()},
    drill=_drill(lambda ctx, part: _received(ctx), (DrillPart("received", gettext_lazy("Received"), "numerator"),)),
))


def _due_counts(ctx: Context) -> dict:
    return ctx.memo("public.due", lambda: ctx.by_subject(_due(ctx), total=Count("pk"),
                                                         ok=Count("pk", filter=_in_time_q())))


register(Indicator(
    code="tips_verified_in_time", name=gettext_lazy("Tips verified within the deadline"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=20,
    computation=gettext_lazy("Accepted tips due in the period verified by their due day ÷ accepted tips due in "
                             "the period."), basis=BASIS,
    numerator_label=gettext_lazy("verified in time"), denominator_label=gettext_lazy("due"),
    evaluate=lambda ctx: {k: rate(c["ok"], c["total"], empty_note=_("No tip fell due here."))
                          for k, c in _due_counts(ctx).items()},
    drill=_drill(lambda ctx, part: _due(ctx).filter(_in_time_q()) if part == "counted"
                 else _due(ctx).exclude(_in_time_q()),
                 missing_and_counted(gettext_lazy("Not verified in time"), gettext_lazy("Verified in time"))),
))


def _real_counts(ctx: Context) -> dict:
    return ctx.memo("public.real", lambda: ctx.by_subject(_real_name(ctx), total=Count("pk"),
                                                          ok=Count("pk", filter=Q(state__in=VERIFIED))))


register(Indicator(
    code="tips_real_name_verified", name=gettext_lazy("Real-name tips verified (target 100%)"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=30,
    computation=gettext_lazy("Real-name tips accepted in the period and verified ÷ real-name tips accepted in "
                             "the period."), basis=BASIS,
    numerator_label=gettext_lazy("verified"), denominator_label=gettext_lazy("real-name tips"),
    evaluate=lambda ctx: {k: rate(c["ok"], c["total"], empty_note=_("No real-name tip was accepted here."))
                          for k, c in _real_counts(ctx).items()},
    drill=_drill(lambda ctx, part: _real_name(ctx).filter(state__in=VERIFIED) if part == "counted"
                 else _real_name(ctx).exclude(state__in=VERIFIED),
                 missing_and_counted(gettext_lazy("Not verified"), gettext_lazy("Verified"))),
))

register(Indicator(
    code="tips_confirmed", name=gettext_lazy("Tips verified as true"), unit=Unit.COUNT, direction=HIGHER,
    group=GROUP, order=40, computation=gettext_lazy("Tips verified as true in the period."), basis=BASIS,
    numerator_label=gettext_lazy("verified as true"),
    evaluate=lambda ctx: {k: count(c["n"]) for k, c in ctx.memo(
        "public.confirmed", lambda: ctx.by_subject(_confirmed(ctx), n=Count("pk"))).items()},
    drill=_drill(lambda ctx, part: _confirmed(ctx),
                 (DrillPart("confirmed", gettext_lazy("Verified as true"), "numerator"),)),
))


def _yuan(c: dict) -> Value:
    return Value(quantize(c["amount"] or 0, Unit.YUAN), c["n"])


register(Indicator(
    code="tip_rewards_paid", name=gettext_lazy("Tip rewards paid"), unit=Unit.YUAN, direction=HIGHER, group=GROUP,
    order=50, computation=gettext_lazy("Rewards paid in the period, in yuan."), basis=BASIS,
    numerator_label=gettext_lazy("rewards paid"),
    evaluate=lambda ctx: {k: _yuan(c) for k, c in ctx.memo(
        "public.paid", lambda: ctx.by_subject(_paid(ctx), n=Count("pk"), amount=Sum("amount_yuan"))).items()},
))

"""The obligations' indicators (core.indicators), each the state on a day — the end of the period,
or today while the period runs:

- licence validity rate: enterprises (not closed) of the industries some licence kind names that
  hold a valid licence of every kind their industry needs ÷ all those enterprises;
- certification rates of principals, safety managers and special operators: the people in post
  on that day holding a valid certificate of the kind their role needs ÷ all of them in post.

The kinds and their industries are data (``LicenceKind``); the rates are our formulas. One grouped
query per figure family (``ctx.memo``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

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
from anjian.enterprises.indicators import enterprise_drill, live_enterprises

from . import selectors
from .choices import OperationType, PersonRole, PersonState
from .models import KeyPerson

GROUP = "obligations"


def _day(ctx: Context) -> date:
    return min(ctx.period.last_day, ctx.today)


def _kinds(ctx: Context):
    return ctx.memo("obligations.kinds", selectors.required_kinds)


def _complete(ctx: Context) -> Q:
    return ~selectors.missing_licence_q(_day(ctx), _kinds(ctx))


def _licence_counts(ctx: Context) -> dict:
    qs = live_enterprises(ctx).filter(selectors.needs_licence_q(_kinds(ctx)))
    return ctx.by_subject(qs, total=Count("pk"), met=Count("pk", filter=_complete(ctx)))


def _licence_drill() -> Drill:
    base = enterprise_drill(_complete, counted_label=gettext_lazy("Holding every required licence"),
                            missing_label=gettext_lazy("Lacking a valid licence"))

    def records(ctx: Context, part: str):
        return base.records(ctx, part).filter(selectors.needs_licence_q(_kinds(ctx)))

    return Drill(base.model, base.parts, records, base.columns, url_name=base.url_name)


register(Indicator(
    code="licence_validity_rate", name=gettext_lazy("Licence validity rate"), unit=Unit.PERCENT, direction=HIGHER,
    group=GROUP, order=10,
    computation=gettext_lazy("Enterprises (not closed) of the industries that must hold a licence, holding a valid "
                             "licence of every kind their industry needs at the end of the period ÷ all those "
                             "enterprises."),
    basis=gettext_lazy("《安全生产许可证条例》第二条 and the other licence kinds' sources (licence kinds); the rate is "
                       "our formula — unconfirmed."),
    numerator_label=gettext_lazy("fully licensed"), denominator_label=gettext_lazy("enterprises needing a licence"),
    evaluate=lambda ctx: {k: rate(c["met"], c["total"], empty_note=_("No enterprise here must hold a licence."))
                          for k, c in _licence_counts(ctx).items()},
    drill=_licence_drill(),
))


def _people(ctx: Context):
    return ctx.scoped(KeyPerson).filter(appointed_on__lte=_day(ctx)).filter(
        Q(state=PersonState.IN_POST) | Q(left_on__gt=_day(ctx)))


def _people_counts(ctx: Context) -> dict:
    certified = selectors.certified(_day(ctx))

    def compute():
        aggregates = {}
        for role in PersonRole.values:
            aggregates[f"{role}_total"] = Count("pk", filter=Q(role=role))
            aggregates[f"{role}_met"] = Count("pk", filter=Q(role=role) & certified)
        return ctx.by_subject(_people(ctx), **aggregates)

    return ctx.memo("obligations.people", compute)


PERSON_COLUMNS = (
    Column("name", pgettext_lazy("key person", "Name")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("role", pgettext_lazy("key person", "Role"), choices=PersonRole.choices),
    Column("operation_type", gettext_lazy("Operation type"), choices=OperationType.choices),
    Column("appointed_on", gettext_lazy("Appointed on"), kind="date"),
)


def _person_drill(role: str) -> Drill:
    def records(ctx: Context, part: str):
        qs = _people(ctx).filter(role=role)
        cond = selectors.certified(_day(ctx))
        return qs.filter(cond) if part == "counted" else qs.exclude(cond)

    return Drill("obligations.KeyPerson", missing_and_counted(gettext_lazy("Without a valid certificate"),
                                                              gettext_lazy("Certified")),
                 records, PERSON_COLUMNS, url_name="obligations:person")


NAMES = {
    PersonRole.PRINCIPAL: gettext_lazy("Certification rate of principals"),
    PersonRole.SAFETY_MANAGER: gettext_lazy("Certification rate of safety managers"),
    PersonRole.SPECIAL_OPERATOR: gettext_lazy("Certification rate of special operators"),
}
BASES = {
    PersonRole.PRINCIPAL: gettext_lazy("《安全生产法》第二十七条; 《生产经营单位安全培训规定》(原国家安全监管总局令第3号); "
                                       "the rate is our formula — unconfirmed."),
    PersonRole.SAFETY_MANAGER: gettext_lazy("《安全生产法》第二十七条; 《生产经营单位安全培训规定》(原国家安全监管总局令第3号); "
                                            "the rate is our formula — unconfirmed."),
    PersonRole.SPECIAL_OPERATOR: gettext_lazy("《安全生产法》第三十条 (持证上岗); 《特种作业人员安全技术培训考核管理规定》"
                                              "(原国家安全监管总局令第30号); the rate is our formula — unconfirmed."),
}

for _order, _role in enumerate(PersonRole, start=20):
    register(Indicator(
        code=f"certification_rate_{_role.value}", name=NAMES[_role], unit=Unit.PERCENT, direction=HIGHER,
        group=GROUP, order=_order,
        computation=gettext_lazy("People of this role in post at the end of the period holding a valid certificate "
                                 "of the kind the role needs ÷ all of them in post."),
        basis=BASES[_role],
        numerator_label=gettext_lazy("certified"), denominator_label=gettext_lazy("in post"),
        evaluate=lambda ctx, role=_role.value: {
            k: rate(c[f"{role}_met"], c[f"{role}_total"], empty_note=_("Nobody of this role is recorded."))
            for k, c in _people_counts(ctx).items()},
        drill=_person_drill(_role.value),
    ))

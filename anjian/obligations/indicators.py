"""The obligations' indicators (core.indicators), each the state on a day — the end of the period,
or today while the period runs:

- licence validity rate: enterprises (not closed) of the industries some licence kind names that
  hold a valid licence of every kind their industry needs ÷ all those enterprises;
- certification rates of principals, safety managers and special operators: the people in post
  on that day holding a valid certificate of the kind their role needs ÷ all of them in post;
- standardisation coverage (enterprises holding a grade on that day ÷ all), new grades by level
  (graded in the period: the yearly targets of new grades are the assessment app's, read through
  these figures), the spot-check share (enterprises drawn in the year's live spot checks ÷ the
  graded enterprises), safety-director coverage in the sectors that require one, and the
  commitment rate (enterprises with a signed commitment of the period's year ÷ all).

The kinds and their industries are data (``LicenceKind``); the rates are our formulas. One grouped
query per figure family (``ctx.memo``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils.text import format_lazy
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
    count,
    missing_and_counted,
    rate,
    register,
)
from anjian.enterprises.indicators import enterprise_drill, live_enterprises

from . import selectors
from .choices import OperationType, PersonRole, PersonState, RequirementKind, StandardisationGrade
from .models import KeyPerson, SpotCheckEntry, Standardisation

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


# --- standardisation, safety organisation, commitments ------------------------------------------------------------

def _graded(ctx: Context) -> Q:
    return selectors.graded_q(_day(ctx))


def _year(ctx: Context) -> int:
    return _day(ctx).year


register(Indicator(
    code="standardisation_coverage", name=gettext_lazy("Standardisation coverage"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=40,
    computation=gettext_lazy("Enterprises (not closed) holding a safety standardisation grade (not withdrawn, within "
                             "its validity) at the end of the period ÷ all those enterprises."),
    basis=gettext_lazy("《企业安全生产标准化建设定级办法》 (应急管理部, 2021); the rate is our formula — unconfirmed."),
    numerator_label=gettext_lazy("graded"), denominator_label=gettext_lazy("enterprises"),
    evaluate=lambda ctx: {k: rate(c["met"], c["total"], empty_note=_("No enterprise in this jurisdiction."))
                          for k, c in ctx.memo("obligations.graded", lambda: ctx.by_subject(
                              live_enterprises(ctx), total=Count("pk"), met=Count("pk", filter=_graded(ctx)))).items()},
    drill=enterprise_drill(_graded, counted_label=gettext_lazy("Graded"), missing_label=pgettext_lazy("standardisation", "Not graded")),
))


def _new_grades(ctx: Context) -> dict:
    def compute():
        qs = ctx.scoped(Standardisation).filter(issued_on__gte=ctx.period.start, issued_on__lt=ctx.period.end)
        return ctx.by_subject(qs, **{g: Count("pk", filter=Q(grade=g)) for g in StandardisationGrade.values})

    return ctx.memo("obligations.new_grades", compute)


STD_COLUMNS = (
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("grade", pgettext_lazy("standardisation", "Grade"), choices=StandardisationGrade.choices),
    Column("number", pgettext_lazy("standardisation", "Certificate number")),
    Column("issued_on", pgettext_lazy("standardisation", "Graded on"), kind="date"),
)


def _new_grade_drill(grade: str) -> Drill:
    def records(ctx: Context, part: str):
        return ctx.scoped(Standardisation).filter(grade=grade, issued_on__gte=ctx.period.start,
                                                  issued_on__lt=ctx.period.end)

    return Drill("obligations.Standardisation", (DrillPart("counted", gettext_lazy("Graded in the period")),),
                 records, STD_COLUMNS, url_name="obligations:standardisation")


for _order, _grade in enumerate(StandardisationGrade, start=41):
    register(Indicator(
        code=f"std_new_grades_{_grade.value}",
        name=format_lazy(gettext_lazy("New standardisation grades ({grade})"), grade=_grade.label),
        unit=Unit.COUNT, direction=HIGHER, group=GROUP, order=_order,
        computation=gettext_lazy("Standardisation grades of this level recorded with a grading day in the period "
                                 "(voided ones not counted). Its target is the yearly number of new grades "
                                 "(目标责任书, or the indicator standards)."),
        basis=gettext_lazy("Local yearly plans set the number of new grades by level (e.g. the seed plan: 900 small "
                           "and micro, 5 grade 2, 1 grade 1 a year) — a local plan, not a national number."),
        numerator_label=gettext_lazy("new grades"),
        evaluate=lambda ctx, g=_grade.value: {k: count(c[g]) for k, c in _new_grades(ctx).items()},
        drill=_new_grade_drill(_grade.value),
    ))


def _spot_entries(ctx: Context):
    return ctx.scoped(SpotCheckEntry).filter(check_run__year=_year(ctx), check_run__is_voided=False)


def _spot_counts(ctx: Context) -> dict:
    def compute():
        drawn = ctx.by_subject(_spot_entries(ctx), n=Count("pk"))
        graded = ctx.memo("obligations.graded", lambda: ctx.by_subject(
            live_enterprises(ctx), total=Count("pk"), met=Count("pk", filter=_graded(ctx))))
        return {k: {"drawn": drawn.get(k, {}).get("n", 0), "graded": graded.get(k, {}).get("met", 0)}
                for k in set(drawn) | set(graded)}

    return ctx.memo("obligations.spot", compute)


register(Indicator(
    code="std_spot_check_share", name=gettext_lazy("Standardisation spot-check share"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=46,
    computation=gettext_lazy("Enterprises drawn in the live spot checks of the period's year ÷ the enterprises holding "
                             "a standardisation grade at the end of the period."),
    basis=gettext_lazy("The share to draw is a reference value (30 % by default, from a local plan; the article of "
                       "the 定级办法 is unconfirmed); the rate is our formula — unconfirmed."),
    numerator_label=gettext_lazy("drawn"), denominator_label=pgettext_lazy("standardisation", "graded enterprises"),
    evaluate=lambda ctx: {k: rate(c["drawn"], c["graded"], empty_note=_("No graded enterprise here."))
                          for k, c in _spot_counts(ctx).items()},
    drill=Drill("obligations.SpotCheckEntry", (DrillPart("counted", gettext_lazy("Drawn")),),
                lambda ctx, part: _spot_entries(ctx),
                (Column("enterprise__name", gettext_lazy("Enterprise")),
                 Column("check_run__year", pgettext_lazy("spot check", "Year")),
                 Column("result", pgettext_lazy("spot check", "Result"))),
                url_name=""),
))


def _director_required(ctx: Context):
    return live_enterprises(ctx).filter(selectors.required_q(RequirementKind.DIRECTOR))


def _director_drill() -> Drill:
    def records(ctx: Context, part: str):
        cond = selectors.organised_q(RequirementKind.DIRECTOR)
        qs = _director_required(ctx)
        return qs.filter(cond) if part == "counted" else qs.exclude(cond)

    base = enterprise_drill(lambda ctx: Q(), counted_label="", missing_label="")
    return Drill(base.model, missing_and_counted(gettext_lazy("Without a safety director"),
                                                 gettext_lazy("With a safety director")),
                 records, base.columns, url_name=base.url_name)


register(Indicator(
    code="safety_director_coverage", name=gettext_lazy("Safety director coverage in the required sectors"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=47,
    computation=gettext_lazy("Enterprises (not closed) of the sectors that require a safety director (reference data) "
                             "recording one today ÷ all those enterprises. The organisation is read as it stands "
                             "today, whatever the period."),
    basis=gettext_lazy("Local plan (seed): 安全总监制度 in metal smelting, construction, ship repair, road transport, "
                       "hazardous chemicals, dust explosion and ammonia refrigeration at 100 % — unconfirmed."),
    numerator_label=gettext_lazy("with a safety director"), denominator_label=gettext_lazy("required"),
    evaluate=lambda ctx: {k: rate(c["met"], c["total"], empty_note=_("No enterprise here must have a safety director."))
                          for k, c in ctx.by_subject(_director_required(ctx), total=Count("pk"), met=Count(
                              "pk", filter=selectors.organised_q(RequirementKind.DIRECTOR))).items()},
    drill=_director_drill(),
))


def _committed(ctx: Context) -> Q:
    return selectors.committed_q(_year(ctx))


register(Indicator(
    code="commitment_rate", name=gettext_lazy("Safety commitment rate"), unit=Unit.PERCENT, direction=HIGHER,
    group=GROUP, order=48,
    computation=gettext_lazy("Enterprises (not closed) with a signed safety commitment of the period's year ÷ all those "
                             "enterprises."),
    basis=gettext_lazy("Local plan (seed): 安全生产承诺书签订率 100 %; the rate is our formula — unconfirmed."),
    numerator_label=gettext_lazy("committed"), denominator_label=gettext_lazy("enterprises"),
    evaluate=lambda ctx: {k: rate(c["met"], c["total"], empty_note=_("No enterprise in this jurisdiction."))
                          for k, c in ctx.by_subject(live_enterprises(ctx), total=Count("pk"),
                                                     met=Count("pk", filter=_committed(ctx))).items()},
    drill=enterprise_drill(_committed, counted_label=gettext_lazy("With a commitment"),
                           missing_label=gettext_lazy("Without a commitment")),
))

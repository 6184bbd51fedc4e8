"""The occupational-health indicators (core.indicators), group ``occupational``:

- detection rate: enterprises with hazard exposures whose periodic detection is not overdue at the
  end of the period (or today) ÷ enterprises with exposures (the cadence of ``selectors``);
- examination rate: on-post and pre-post examinations within ``exam_cycle_months`` before that day
  ÷ exposed workers (capped at 100 %: the exposures count workers, the examinations people);
- training rate: enterprises with exposures that trained the principal, the managers and the exposed
  workers within ``training_cycle_months`` ÷ enterprises with exposures;
- exceedance count: detection points over their limit in the detections of the period;
- declaration rate: enterprises with exposures with a declaration accepted or awaiting acceptance
  ÷ enterprises with exposures.

The seeds set the targets (100 % detection, examination, training); the formulas are ours, marked
unconfirmed. Each figure is one or two grouped queries (``ctx.memo``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.dates import add_months
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
    rate,
    register,
)
from anjian.enterprises.indicators import enterprise_drill, live_enterprises

from . import selectors
from .choices import ExamKind, PointResult, TraineeRole
from .models import DetectionResult, Examination, Exposure, Training

GROUP = "occupational"
BASIS = gettext_lazy("《工作场所职业卫生管理规定》(国家卫生健康委员会令第5号); the formula is ours — unconfirmed.")
EMPTY = gettext_lazy("No enterprise with occupational hazard exposures here.")


def _day(ctx: Context) -> date:
    return min(ctx.period.last_day, ctx.today)


def _exposed(ctx: Context):
    return live_enterprises(ctx).filter(selectors.has_exposure())


def _enterprise_rate(ctx: Context, memo: str, q) -> dict:
    counts = ctx.memo(memo, lambda: ctx.by_subject(_exposed(ctx), total=Count("pk"), met=Count("pk", filter=q(ctx))))
    return {k: rate(c["met"], c["total"], empty_note=str(EMPTY)) for k, c in counts.items()}


def _drill(q, counted, missing) -> Drill:
    base = enterprise_drill(q, counted_label=counted, missing_label=missing)

    def records(ctx: Context, part: str):
        qs, cond = _exposed(ctx), q(ctx)
        return qs.filter(cond) if part == "counted" else qs.exclude(cond)

    return Drill(base.model, base.parts, records, base.columns, url_name=base.url_name)


def detected_q(ctx: Context) -> Q:
    from anjian.enterprises.models import Enterprise

    overdue = selectors.with_cadence(Enterprise.objects.all()).filter(selectors.detection_overdue_q(_day(ctx)))
    return ~Q(pk__in=overdue.values("pk"))


def declared_q(ctx: Context) -> Q:
    return selectors.declared_q()


def trained_q(ctx: Context) -> Q:
    day = _day(ctx)
    since = add_months(day, -selectors.parameter("training_cycle_months"))
    cond = Q()
    for role in TraineeRole.values:
        cond &= Q(Exists(Training.objects.filter(enterprise=OuterRef("pk"), is_voided=False, role=role,
                                                 trained_on__gt=since, trained_on__lte=day)))
    return cond


register(Indicator(
    code="occ_detection_rate", name=gettext_lazy("Occupational hazard detection rate"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=10,
    computation=gettext_lazy("Enterprises with hazard exposures whose periodic detection is not overdue at the end "
                             "of the period ÷ enterprises with hazard exposures."),
    basis=BASIS, numerator_label=gettext_lazy("detected on time"),
    denominator_label=gettext_lazy("enterprises with exposures"),
    evaluate=lambda ctx: _enterprise_rate(ctx, "occ.detected", detected_q),
    drill=_drill(detected_q, gettext_lazy("Detected on time"), gettext_lazy("Detection overdue")),
))


def _exam_counts(ctx: Context) -> dict:
    def compute():
        day = _day(ctx)
        since = add_months(day, -selectors.parameter("exam_cycle_months"))
        exams = ctx.by_subject(ctx.scoped(Examination).filter(
            kind__in=[ExamKind.ON_POST, ExamKind.PRE_POST], examined_on__gt=since, examined_on__lte=day), n=Count("pk"))
        workers = ctx.by_subject(ctx.scoped(Exposure).exclude(enterprise__status="closed"), n=Sum("exposed_workers"))
        return {k: (exams[k]["n"] or 0, workers[k]["n"] or 0) for k in exams}

    return ctx.memo("occ.exams", compute)


def _exam_rate(ctx: Context) -> dict:
    return {k: rate(min(n, d), d, empty_note=_("No exposed worker recorded here."))
            for k, (n, d) in _exam_counts(ctx).items()}


register(Indicator(
    code="occ_examination_rate", name=gettext_lazy("Occupational health examination rate"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=20,
    computation=gettext_lazy("On-post and pre-post examinations within the examination cycle before the end of the "
                             "period ÷ exposed workers (at most 100 %)."),
    basis=BASIS, numerator_label=gettext_lazy("examinations"), denominator_label=gettext_lazy("exposed workers"),
    evaluate=_exam_rate,
))

register(Indicator(
    code="occ_training_rate", name=gettext_lazy("Occupational health training rate"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=30,
    computation=gettext_lazy("Enterprises with hazard exposures that trained the principal, the managers and the "
                             "exposed workers within the training cycle ÷ enterprises with hazard exposures."),
    basis=BASIS, numerator_label=gettext_lazy("trained"), denominator_label=gettext_lazy("enterprises with exposures"),
    evaluate=lambda ctx: _enterprise_rate(ctx, "occ.trained", trained_q),
    drill=_drill(trained_q, gettext_lazy("All three trained"), gettext_lazy("Training missing")),
))


def _exceeding(ctx: Context):
    return ctx.scoped(DetectionResult).filter(result=PointResult.EXCEED, detection__is_voided=False,
                                              detection__performed_on__gte=ctx.period.start,
                                              detection__performed_on__lt=ctx.period.end)


register(Indicator(
    code="occ_exceedance_count", name=gettext_lazy("Detection points over the limit"),
    unit=Unit.COUNT, direction=LOWER, group=GROUP, order=40,
    computation=gettext_lazy("Detection points whose measured value exceeds the limit, in the detections performed "
                             "in the period."),
    basis=BASIS, numerator_label=gettext_lazy("points over the limit"),
    evaluate=lambda ctx: {k: count(c["n"]) for k, c in ctx.memo(
        "occ.exceed", lambda: ctx.by_subject(_exceeding(ctx), n=Count("pk"))).items()},
    drill=Drill("occupational.DetectionResult", (DrillPart("exceed", gettext_lazy("Over the limit"), "numerator"),),
                lambda ctx, part: _exceeding(ctx), (
                    Column("enterprise__name", gettext_lazy("Enterprise")),
                    Column("point", gettext_lazy("detection point")),
                    Column("factor__name", gettext_lazy("hazard factor")),
                    Column("detection__performed_on", gettext_lazy("performed on"), kind="date")),
                url_name=""),
))

register(Indicator(
    code="occ_declaration_rate", name=gettext_lazy("Occupational hazard declaration rate"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=50,
    computation=gettext_lazy("Enterprises with hazard exposures with a declaration accepted or awaiting acceptance ÷ "
                             "enterprises with hazard exposures."),
    basis=BASIS, numerator_label=gettext_lazy("declared"), denominator_label=gettext_lazy("enterprises with exposures"),
    evaluate=lambda ctx: _enterprise_rate(ctx, "occ.declared", declared_q),
    drill=_drill(declared_q, gettext_lazy("Declared"), gettext_lazy("Not declared")),
))


"""Reads of the occupational-health app shared by the rules, indicators, pages and the file.

**Cadence** (《工作场所职业卫生管理规定》 第二十条, the years are ``OccupationalParameter`` rows): an
enterprise's hazard level is the one of its latest accepted declaration (none yet: general); its
next detection is due on the same calendar day ``detection_years_<level>`` years after the last
one (29 February → 28 February), its next evaluation (serious only) ``evaluation_years_serious``
years after the last. It is overdue from the day after the due day; an enterprise with exposures
and no detection (or, serious, no evaluation) on record is overdue at once."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from anjian.core.dates import add_months

from .choices import DeclarationKind, DeclarationState, DetectionKind, HazardLevel
from .models import Declaration, Detection, Exposure, OccupationalParameter, OccupationalSetting

DEFAULTS = {"detection_years_serious": 1, "evaluation_years_serious": 3, "detection_years_general": 3,
            "change_days_project": 30, "change_days_other": 15, "exam_cycle_months": 12, "training_cycle_months": 12}


def parameter(code: str) -> int:
    """The value of a sourced parameter (its default when an administrator removed the row)."""
    row = OccupationalParameter.objects.filter(code=code).values_list("value", flat=True).first()
    return int(row) if row is not None else DEFAULTS[code]


def responsible():
    """The department responsible for occupational health in this deployment (the setting row)."""
    return OccupationalSetting.objects.order_by("pk").first()


def live_exposures(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_voided": False})


def has_exposure() -> Exists:
    return Exists(Exposure.objects.filter(enterprise=OuterRef("pk"), is_voided=False))


def level_subquery() -> Coalesce:
    """The hazard level of the enterprise's latest accepted declaration (general when none)."""
    latest = (Declaration.objects.filter(enterprise=OuterRef("pk"), is_voided=False, state=DeclarationState.ACCEPTED)
              .exclude(kind=DeclarationKind.CANCEL).order_by("-declared_on", "-id").values("hazard_level")[:1])
    return Coalesce(Subquery(latest), Value(HazardLevel.GENERAL))


def last_subquery(kind: str) -> Subquery:
    return Subquery(Detection.objects.filter(enterprise=OuterRef("pk"), kind=kind, is_voided=False)
                    .order_by().values("enterprise").annotate(m=Max("performed_on")).values("m")[:1])


def with_cadence(enterprises: QuerySet) -> QuerySet:
    """``enterprises`` with ``occ_level``, ``occ_last_detection`` and ``occ_last_evaluation``."""
    return enterprises.annotate(occ_level=level_subquery(), occ_last_detection=last_subquery(DetectionKind.DETECTION),
                                occ_last_evaluation=last_subquery(DetectionKind.EVALUATION))


def cutoff(today: date, years: int) -> date:
    """The earliest last-performed day that is still within the cadence today: a detection on this
    day is due exactly today (not overdue); one a day earlier is overdue."""
    return add_months(today, -12 * years)


def detection_overdue_q(today: date) -> Q:
    """Over annotated enterprises (``with_cadence``): the periodic detection is overdue today."""
    serious, general = parameter("detection_years_serious"), parameter("detection_years_general")
    return (Q(occ_last_detection__isnull=True)
            | Q(occ_level=HazardLevel.SERIOUS, occ_last_detection__lt=cutoff(today, serious))
            | (~Q(occ_level=HazardLevel.SERIOUS) & Q(occ_last_detection__lt=cutoff(today, general))))


def evaluation_overdue_q(today: date) -> Q:
    """Over annotated enterprises: serious hazard and the current-status evaluation overdue today."""
    years = parameter("evaluation_years_serious")
    return Q(occ_level=HazardLevel.SERIOUS) & (Q(occ_last_evaluation__isnull=True)
                                               | Q(occ_last_evaluation__lt=cutoff(today, years)))


def due_on(last: date | None, level: str, kind: str = DetectionKind.DETECTION) -> date | None:
    """The day the next detection (or evaluation) is due after ``last`` (None: due now)."""
    if last is None:
        return None
    if kind == DetectionKind.EVALUATION:
        return add_months(last, 12 * parameter("evaluation_years_serious"))
    return add_months(last, 12 * parameter(f"detection_years_{level}"))


def declared_q() -> Q:
    """Over enterprises: a declaration accepted or awaiting acceptance (not a cancellation)."""
    return Q(pk__in=Declaration.objects.filter(is_voided=False, state__in=[
        DeclarationState.ACCEPTED, DeclarationState.SUBMITTED]).exclude(kind=DeclarationKind.CANCEL)
        .values("enterprise_id"))


def exposed_workers(qs: QuerySet) -> int:
    return qs.filter(is_voided=False).aggregate(n=Coalesce(Sum("exposed_workers"), 0))["n"]


def _per_enterprise(qs: QuerySet, **aggregate) -> Coalesce:
    """One figure of ``qs`` for the outer enterprise, as a subquery (0 when none)."""
    (name, expr), = aggregate.items()
    return Coalesce(Subquery(qs.filter(enterprise=OuterRef("pk")).order_by().values("enterprise")
                             .annotate(**{name: expr}).values(name)[:1]), 0)


def enterprise_summary(user, enterprise) -> dict:
    """What the enterprise's file shows: the level and the cadence, exposures and exposed workers,
    points over the limit, examinations awaiting their follow-up (one query on the enterprise, read
    through the user's scope, with the figures as subqueries), and the latest declaration."""
    from django.db.models import Count

    from anjian.enterprises.models import Enterprise

    from .choices import ExamState, PointResult
    from .models import DetectionResult, Examination

    row = with_cadence(Enterprise.objects.for_user(user).filter(pk=enterprise.pk)).annotate(
        occ_exposures=_per_enterprise(Exposure.objects.filter(is_voided=False), n=Count("pk")),
        occ_workers=_per_enterprise(Exposure.objects.filter(is_voided=False), n=Sum("exposed_workers")),
        occ_exceed=_per_enterprise(DetectionResult.objects.filter(result=PointResult.EXCEED,
                                                                  detection__is_voided=False), n=Count("pk")),
        occ_follow_up=_per_enterprise(Examination.objects.filter(is_voided=False, state=ExamState.FOLLOW_UP),
                                      n=Count("pk")),
    ).values("occ_level", "occ_last_detection", "occ_last_evaluation", "occ_exposures", "occ_workers", "occ_exceed",
             "occ_follow_up").first() or {}
    summary = {k.removeprefix("occ_"): v for k, v in row.items()}
    summary["declaration"] = (Declaration.objects.for_user(user).filter(enterprise=enterprise)
                              .order_by("-declared_on", "-id").first())
    return summary

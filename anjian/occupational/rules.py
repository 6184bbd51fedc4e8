"""Warning rules of the occupational-health app (imported at start-up by ``AlertsConfig.ready``).

- ``occ_detection_overdue``: an enterprise (not closed) with live hazard exposures whose periodic
  detection is overdue — none on record, or the last one more than ``detection_years_serious`` (1)
  years ago where its hazard is serious, ``detection_years_general`` (3) years otherwise
  (《工作场所职业卫生管理规定》 第二十条; the level is the latest accepted declaration's);
- ``occ_evaluation_overdue``: an enterprise whose hazard is serious with no current-status
  evaluation within ``evaluation_years_serious`` (3) years (the same article);
- ``occ_declaration_missing``: an enterprise with live exposures and no declaration accepted or
  awaiting acceptance (《职业病危害项目申报办法》 第二条: declare promptly and truthfully);
- ``occ_follow_up_pending``: an examination with a suspected occupational disease or a
  contraindication whose follow-up is not recorded.

The due day is the same calendar day N years after the last one; the warning opens the day after
(``selectors.cutoff``). A warning whose record stops matching closes at the next scan."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Case, CharField, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import ENTERPRISE, REGULATORS, WarningRule, register
from anjian.alerts.models import Warning
from anjian.enterprises.choices import OperatingStatus
from anjian.enterprises.models import Enterprise

from . import selectors
from .choices import ExamResult, ExamState
from .models import Examination

AUDIENCE = REGULATORS | ENTERPRISE


def _day(field: str) -> Coalesce:
    return Coalesce(Cast(field, CharField()), Value("—"))


def result_label() -> Case:
    """The examination result in the site's language (the message is rendered in SQL)."""
    with translation.override(settings.LANGUAGE_CODE):
        return Case(*[When(result=value, then=Value(str(label))) for value, label in ExamResult.choices],
                    default=Value(""), output_field=CharField())
ENTERPRISE_SCOPE = {"region_path": "region_path", "industry": "industry_id", "grid": "grid_id", "enterprise": "id"}


def _exposed() -> QuerySet:
    return selectors.with_cadence(Enterprise.objects.filter(is_voided=False).exclude(
        status=OperatingStatus.CLOSED).filter(selectors.has_exposure()))


def detection_overdue(now: datetime) -> QuerySet:
    return _exposed().filter(selectors.detection_overdue_q(timezone.localdate(now)))


def evaluation_overdue(now: datetime) -> QuerySet:
    return _exposed().filter(selectors.evaluation_overdue_q(timezone.localdate(now)))


def declaration_missing(now: datetime) -> QuerySet:
    return Enterprise.objects.filter(is_voided=False).exclude(status=OperatingStatus.CLOSED).filter(
        selectors.has_exposure()).exclude(selectors.declared_q())


def follow_up_pending(now: datetime) -> QuerySet:
    return Examination.objects.filter(is_voided=False, state=ExamState.FOLLOW_UP, result__in=[
        ExamResult.SUSPECTED, ExamResult.CONTRAINDICATION]).exclude(enterprise__status=OperatingStatus.CLOSED)


register(WarningRule(
    code="occ_detection_overdue",
    title=_("Occupational hazard detection overdue"),
    level=Warning.Level.WARNING,
    message=_("%(enterprise)s: the periodic detection of occupational hazard factors is overdue (last: %(last)s)."),
    roles=AUDIENCE,
    model=Enterprise,
    matches=detection_overdue,
    params={"enterprise": "name", "last": _day("occ_last_detection")},
    scope=ENTERPRISE_SCOPE,
    url_name="enterprises:detail",
    description=_("An enterprise with hazard exposures has no detection within one year (serious hazard) or three "
                  "years (general hazard), or none on record."),
))

register(WarningRule(
    code="occ_evaluation_overdue",
    title=_("Occupational hazard evaluation overdue"),
    level=Warning.Level.WARNING,
    message=_("%(enterprise)s: the current-status evaluation of occupational hazards is overdue (last: %(last)s)."),
    roles=AUDIENCE,
    model=Enterprise,
    matches=evaluation_overdue,
    params={"enterprise": "name", "last": _day("occ_last_evaluation")},
    scope=ENTERPRISE_SCOPE,
    url_name="enterprises:detail",
    description=_("An enterprise with a serious occupational hazard has no current-status evaluation within three "
                  "years."),
))

register(WarningRule(
    code="occ_declaration_missing",
    title=_("Occupational hazard items not declared"),
    level=Warning.Level.NOTICE,
    message=_("%(enterprise)s has occupational hazard exposures but no accepted declaration."),
    roles=AUDIENCE,
    model=Enterprise,
    matches=declaration_missing,
    params={"enterprise": "name"},
    scope=ENTERPRISE_SCOPE,
    url_name="enterprises:detail",
    description=_("An enterprise with hazard exposures has no declaration accepted or awaiting acceptance."),
))

register(WarningRule(
    code="occ_follow_up_pending",
    title=_("Examination follow-up pending"),
    level=Warning.Level.WARNING,
    message=_("%(enterprise)s: %(worker)s (%(result)s, %(day)s) has no follow-up recorded."),
    roles=AUDIENCE,
    model=Examination,
    matches=follow_up_pending,
    params=lambda now: {"enterprise": "enterprise__name", "worker": "worker", "result": result_label(),
                        "day": Cast("examined_on", CharField())},
    url_name="occupational:examination",
    description=_("An examination found a suspected occupational disease or a contraindication and no follow-up is "
                  "recorded."),
))

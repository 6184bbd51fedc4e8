"""Warning rules of the major hazard source registry (imported at start-up by ``AlertsConfig.ready``).

- ``mh_persons_missing``: a major hazard source (S ≥ 1, in operation) without a current
  principal, technical or operational responsible person (包保责任人, 应急厅〔2021〕12号).
- ``mh_technical_check_due``: the technical responsible person has not recorded a check in the
  current period. The duty is "at least quarterly" (Art. 5, [C]); the period is the setting
  ``ANJIAN_MH_TECHNICAL_CHECK_PERIOD`` (default "quarter"; "week", "month", "quarter",
  "half_year", "year", or None to switch the rule off).
- ``mh_operational_check_due``: the same for the operational person. Its frequency is NOT
  confirmed in the fact sheet (a weekly check is mentioned but unconfirmed), so the setting
  ``ANJIAN_MH_OPERATIONAL_CHECK_PERIOD`` defaults to None (off).

``ANJIAN_MH_CHECK_GRACE_DAYS`` (default 0) delays the check rules at the start of each period,
so a new quarter does not warn on its first day for a check nobody could have done yet.
Voided, suspended or decommissioned sources and sources that are not major raise nothing, and
the warnings of a source that stops matching close at the next scan.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import ENTERPRISE, REGULATORS, WarningRule, register, setting_days
from anjian.alerts.models import Warning

from .choices import PersonRole, SourceState
from .models import MajorHazardSource, ResponsibleCheck, ResponsiblePerson

AUDIENCE = REGULATORS | ENTERPRISE
SOURCE_PAGE = "majorhazards:detail"
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def period_start(day: date, period: str) -> date:
    """The first day of the calendar period holding ``day`` (weeks start on Monday)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    months = PERIOD_MONTHS[period]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def _live_major() -> QuerySet:
    return MajorHazardSource.objects.filter(is_voided=False, is_major=True, state=SourceState.IN_OPERATION)


def _has_person(role: str) -> Exists:
    return Exists(ResponsiblePerson.objects.filter(source=OuterRef("pk"), role=role, ended_on__isnull=True))


def persons_missing(now: datetime) -> QuerySet:
    """Major sources in operation lacking a current person in any of the three roles."""
    missing = Q()
    for role in PersonRole.values:
        missing |= ~Q(_has_person(role))
    return _live_major().filter(missing)


register(WarningRule(
    code="mh_persons_missing",
    title=_("Major hazard source without its three responsible persons"),
    level=Warning.Level.WARNING,
    message=_("Major hazard source %(number)s %(name)s lacks a principal, technical or operational "
              "responsible person."),
    roles=AUDIENCE,
    model=MajorHazardSource,
    matches=persons_missing,
    params={"number": "number", "name": "name"},
    url_name=SOURCE_PAGE,
    description=_("Each major hazard source needs a principal, a technical and an operational responsible "
                  "person (包保责任人)."),
))


def _nothing() -> QuerySet:
    # An empty set the engine can still compile into its INSERT … SELECT (none() cannot be).
    return MajorHazardSource.objects.filter(pk__isnull=True)


def _check_due(role: str, setting: str, default: str | None):
    def matches(now: datetime) -> QuerySet:
        period = getattr(settings, setting, default)
        if not period:
            return _nothing()
        today = timezone.localdate(now)
        start = period_start(today, period)
        if today < start + timedelta(days=setting_days("ANJIAN_MH_CHECK_GRACE_DAYS", 0)):
            return _nothing()
        done = ResponsibleCheck.objects.filter(source=OuterRef("pk"), role=role, is_voided=False,
                                               checked_on__gte=start)
        return _live_major().filter(~Exists(done))

    def params(now: datetime) -> dict:
        period = getattr(settings, setting, default) or "quarter"
        return {"number": "number", "name": "name",
                "since": Value(period_start(timezone.localdate(now), period).isoformat())}

    return matches, params


_tech_matches, _tech_params = _check_due(PersonRole.TECHNICAL, "ANJIAN_MH_TECHNICAL_CHECK_PERIOD", "quarter")
register(WarningRule(
    code="mh_technical_check_due",
    title=_("Technical responsible person's check not done"),
    level=Warning.Level.WARNING,
    message=_("Major hazard source %(number)s %(name)s: no check by the technical responsible person "
              "since %(since)s."),
    roles=AUDIENCE,
    model=MajorHazardSource,
    matches=_tech_matches,
    params=_tech_params,
    url_name=SOURCE_PAGE,
    description=_("The technical responsible person checks the source at least quarterly (应急厅〔2021〕12号 "
                  "Art. 5)."),
))

_op_matches, _op_params = _check_due(PersonRole.OPERATIONAL, "ANJIAN_MH_OPERATIONAL_CHECK_PERIOD", None)
register(WarningRule(
    code="mh_operational_check_due",
    title=_("Operational responsible person's check not done"),
    level=Warning.Level.NOTICE,
    message=_("Major hazard source %(number)s %(name)s: no check by the operational responsible person "
              "since %(since)s."),
    roles=AUDIENCE,
    model=MajorHazardSource,
    matches=_op_matches,
    params=_op_params,
    url_name=SOURCE_PAGE,
    description=_("Off unless ANJIAN_MH_OPERATIONAL_CHECK_PERIOD is set: the operational person's check "
                  "frequency is not confirmed."),
))

"""Indicator selectors of online monitoring, for the assessment app's indicator registry.

Each is ``f(user, *, start, end, region=None) -> IndicatorValue``: the caller's jurisdiction
(``for_user``), optionally narrowed to a region's subtree (``region``: a region code), over the
period [start, end). Each answers the value, its numerator and denominator, and the queryset of the
records behind it (what a drill-down lists). ``None`` as the value means "not available" (no
denominator), never zero.

- ``connection_rate``: major hazard sources in operation that reported a reading in the period ÷
  major hazard sources in operation (S ≥ 1, not voided). Records: the sources.
- ``online_rate``: active sensors that reported in the period ÷ active sensors. Records: the sensors.
- ``alarms_per_source``: limit alarms opened in the period ÷ monitored sources. Records: the alarms.
- ``acknowledgement_minutes``: mean minutes from opening to acknowledgement of the alarms opened in
  the period and acknowledged. Records: those alarms.
- ``disposal_rate``: alarms opened in the period and disposed of (disposed or closed after
  disposal) ÷ alarms opened in the period. Records: the alarms opened.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, DurationField, ExpressionWrapper, F, QuerySet

from anjian.core.paths import subtree_q

from .choices import AlarmKind
from .models import Alarm, MonitoredSource, Sensor


@dataclass
class IndicatorValue:
    value: float | None
    numerator: float
    denominator: float
    records: QuerySet

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


def _region(qs: QuerySet, region: str | None, field: str = "region_path") -> QuerySet:
    if not region:
        return qs
    from anjian.core.scoping import region_path

    path = region_path(region)
    if path is None:
        return qs.none()
    return qs.filter(subtree_q(field, path))


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def connection_rate(user, *, start: datetime.datetime, end: datetime.datetime,
                    region: str | None = None) -> IndicatorValue:
    from anjian.majorhazards.choices import SourceState
    from anjian.majorhazards.models import MajorHazardSource

    sources = _region(MajorHazardSource.objects.for_user(user).filter(
        is_major=True, state=SourceState.IN_OPERATION), region)
    reporting = MonitoredSource.objects.filter(last_reading_at__gte=start, connected_at__lt=end)
    connected = sources.filter(monitoring__in=reporting)
    den, num = sources.count(), connected.count()
    return IndicatorValue(_rate(num, den), num, den, sources)


def online_rate(user, *, start: datetime.datetime, end: datetime.datetime, region: str | None = None) -> IndicatorValue:
    sensors = _region(Sensor.objects.for_user(user).filter(created_at__lt=end), region)
    den = sensors.count()
    num = sensors.filter(last_reading_at__gte=start).count()
    return IndicatorValue(_rate(num, den), num, den, sensors)


def _opened(user, start, end, region) -> QuerySet:
    return _region(Alarm.objects.for_user(user).filter(kind=AlarmKind.LIMIT, opened_at__gte=start,
                                                        opened_at__lt=end), region)


def alarms_per_source(user, *, start: datetime.datetime, end: datetime.datetime,
                      region: str | None = None) -> IndicatorValue:
    alarms = _opened(user, start, end, region)
    den = _region(MonitoredSource.objects.for_user(user), region).count()
    num = alarms.count()
    return IndicatorValue(round(num / den, 4) if den else None, num, den, alarms)


def acknowledgement_minutes(user, *, start: datetime.datetime, end: datetime.datetime,
                            region: str | None = None) -> IndicatorValue:
    acked = _opened(user, start, end, region).filter(acknowledged_at__isnull=False)
    took = ExpressionWrapper(F("acknowledged_at") - F("opened_at"), output_field=DurationField())
    agg = acked.aggregate(mean=Avg(took))
    n = acked.count()
    mean = agg["mean"]
    value = round(mean.total_seconds() / 60, 2) if mean is not None else None
    return IndicatorValue(value, value * n if value is not None else 0, n, acked)


def disposal_rate(user, *, start: datetime.datetime, end: datetime.datetime,
                  region: str | None = None) -> IndicatorValue:
    alarms = _opened(user, start, end, region)
    den = alarms.count()
    num = alarms.filter(disposed_at__isnull=False).count()
    return IndicatorValue(_rate(num, den), num, den, alarms)


#: Name → selector, for the indicator registry.
INDICATORS = {
    "monitoring_connection_rate": connection_rate,
    "monitoring_online_rate": online_rate,
    "monitoring_alarms_per_source": alarms_per_source,
    "monitoring_acknowledgement_minutes": acknowledgement_minutes,
    "monitoring_disposal_rate": disposal_rate,
}

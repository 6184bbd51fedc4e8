"""Warning rules of online monitoring (imported at start-up by ``AlertsConfig.ready``): the alarms
feed the warnings inbox (预警).

- ``mon_alarm_unacknowledged``: a limit alarm nobody has acknowledged yet (open or escalated), to
  the enterprise's users — serious for high-high and low-low, a warning otherwise;
- ``mon_alarm_escalated``: an alarm escalated to the regulator (not acknowledged within the
  regulator time, ``MonitoringParameter`` "escalate_regulator_minutes"), to the regulators;
- ``mon_sensor_offline``: a sensor offline (its offline alarm not closed), to the enterprise;
- ``mon_source_disconnected``: a source whose sensors are all silent, to the enterprise and the
  regulators.

A warning closes at the next scan once its alarm is acknowledged (the first two) or closed.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, CharField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import ENTERPRISE, REGULATORS, WarningRule, register
from anjian.alerts.models import Warning

from .choices import NOT_CLOSED, UNACKNOWLEDGED, AlarmKind, AlarmState, Limit
from .models import Alarm

ALARM_PAGE = "monitoring:alarm"


def _unacknowledged(now: datetime) -> QuerySet:
    return Alarm.objects.filter(kind=AlarmKind.LIMIT, state__in=UNACKNOWLEDGED)


register(WarningRule(
    code="mon_alarm_unacknowledged",
    title=_("Monitoring alarm not acknowledged"),
    level=Case(When(limit__in=[Limit.HIGH_HIGH, Limit.LOW_LOW], then=Value(Warning.Level.SEVERE)),
               default=Value(Warning.Level.WARNING), output_field=CharField()),
    message=_("Alarm %(number)s: sensor %(code)s breached its limit (%(threshold)s); acknowledge and dispose of it."),
    roles=ENTERPRISE,
    model=Alarm,
    matches=_unacknowledged,
    params={"number": "number", "code": "sensor__code", "threshold": "threshold"},
    url_name=ALARM_PAGE,
    description=_("A limit alarm of a major hazard source's sensor that nobody has acknowledged yet."),
))


def _escalated(now: datetime) -> QuerySet:
    return Alarm.objects.filter(state=AlarmState.ESCALATED_REGULATOR)


register(WarningRule(
    code="mon_alarm_escalated",
    title=_("Monitoring alarm escalated to the regulator"),
    level=Warning.Level.SEVERE,
    message=_("Alarm %(number)s of major hazard source %(source)s was not acknowledged in time."),
    roles=REGULATORS,
    model=Alarm,
    matches=_escalated,
    params={"number": "number", "source": "source__name"},
    url_name=ALARM_PAGE,
    description=_("The enterprise did not acknowledge the alarm within the regulator escalation time."),
))


def _offline(now: datetime) -> QuerySet:
    return Alarm.objects.filter(kind=AlarmKind.OFFLINE, state__in=NOT_CLOSED, cleared_at__isnull=True)


register(WarningRule(
    code="mon_sensor_offline",
    title=_("Monitoring sensor offline"),
    level=Warning.Level.NOTICE,
    message=_("Sensor %(code)s of major hazard source %(source)s has sent no reading since %(since)s."),
    roles=ENTERPRISE,
    model=Alarm,
    matches=_offline,
    params={"code": "sensor__code", "source": "source__name", "since": "breach_started_at"},
    url_name=ALARM_PAGE,
    description=_("A sensor silent for the offline periods."),
))


def _disconnected(now: datetime) -> QuerySet:
    return Alarm.objects.filter(kind=AlarmKind.DISCONNECTED, state__in=NOT_CLOSED, cleared_at__isnull=True)


register(WarningRule(
    code="mon_source_disconnected",
    title=_("Major hazard source disconnected"),
    level=Warning.Level.SEVERE,
    message=_("Every sensor of major hazard source %(source)s is silent: its monitoring is disconnected."),
    roles=REGULATORS | ENTERPRISE,
    model=Alarm,
    matches=_disconnected,
    params={"source": "source__name"},
    url_name=ALARM_PAGE,
    description=_("A monitored source whose every sensor is offline."),
))

"""Read-side queries of online monitoring shared by the pages, the API and the indicators.

Every function takes the caller's user and reads through ``for_user``; none filters by hand."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .choices import NOT_CLOSED, UNACKNOWLEDGED, AlarmKind
from .models import Alarm, MonitoredSource, Reading, Rollup, Sensor

#: The trend spans a chart may ask for: span → (length, where it reads from).
SPANS = {
    "1h": (datetime.timedelta(hours=1), "raw"),
    "24h": (datetime.timedelta(hours=24), "minute"),
    "7d": (datetime.timedelta(days=7), "hour"),
    "30d": (datetime.timedelta(days=30), "hour"),
}
RAW_POINTS_MAX = 3600


def source_sensors(user, monitored: MonitoredSource):
    """The active sensors of a monitored source, with their open alarms counted (one query)."""
    return (Sensor.objects.for_user(user).filter(monitored=monitored)
            .annotate(open_alarms=Count("alarms", filter=Q(alarms__state__in=NOT_CLOSED)))
            .order_by("kind", "code"))


def live_values(user, monitored: MonitoredSource) -> dict[str, Any]:
    """What a source page polls: each sensor's last value, time, offline flag and alarm state, and
    the source's connection. Two queries."""
    sensors = list(Sensor.objects.for_user(user).filter(monitored=monitored).order_by("kind", "code").values(
        "id", "code", "last_value", "last_reading_at", "is_offline", "unit", "breach_limit"))
    open_alarms: dict[int, dict] = {}
    for a in (Alarm.objects.for_user(user).filter(monitored=monitored, state__in=NOT_CLOSED, sensor__isnull=False)
              .order_by("id").values("sensor_id", "kind", "limit", "state")):
        open_alarms[a["sensor_id"]] = a
    monitored.refresh_from_db(fields=["connection", "last_reading_at"])
    return {
        "connection": monitored.connection,
        "connection_label": str(monitored.get_connection_display()),
        "last_reading_at": monitored.last_reading_at.isoformat() if monitored.last_reading_at else None,
        "sensors": [{
            "id": s["id"], "code": s["code"], "value": s["last_value"], "unit": s["unit"],
            "at": s["last_reading_at"].isoformat() if s["last_reading_at"] else None,
            "offline": s["is_offline"], "alarm": open_alarms.get(s["id"], {}).get("limit")
            or open_alarms.get(s["id"], {}).get("kind") or "",
            "unacknowledged": open_alarms.get(s["id"], {}).get("state") in UNACKNOWLEDGED,
        } for s in sensors],
        "now": timezone.now().isoformat(),
    }


def trend(user, sensor: Sensor, span: str, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """A sensor's chart over ``span``: raw readings for the last hour, minute rollups for a day,
    hour rollups beyond (one indexed range read on the table's primary key)."""
    length, source = SPANS[span]
    now = now or timezone.now()
    since = now - length
    if source == "raw":
        rows = list(Reading.objects.for_user(user).filter(sensor=sensor, ts__gte=since).order_by("ts")
                    .values_list("ts", "value")[:RAW_POINTS_MAX])
        points = [[ts.isoformat(), v, v, v] for ts, v in rows]
    else:
        rows = list(Rollup.objects.for_user(user).filter(sensor=sensor, grain=source, start__gte=since)
                    .order_by("start").values_list("start", "n", "vmin", "vmax", "vsum"))
        points = [[start.isoformat(), vsum / n, vmin, vmax] for start, n, vmin, vmax, vsum in rows if n]
    return {"sensor": sensor.pk, "span": span, "grain": source, "unit": sensor.unit, "points": points,
            "limits": {str(k): v for k, v in sensor.limits().items()}}


def wall(user):
    """The regulator's wall: the monitored sources in scope with their sensors online and total
    and their open and unacknowledged alarms, gravest first (disconnected, then alarms)."""
    return (MonitoredSource.objects.for_user(user)
            .select_related("source", "enterprise")
            .annotate(
                sensors_total=Count("sensors", filter=Q(sensors__is_voided=False), distinct=True),
                sensors_offline=Count("sensors", filter=Q(sensors__is_voided=False, sensors__is_offline=True),
                                      distinct=True))
            .order_by("connection", "-id"))


def alarm_counts(user, monitored_ids: list[int]) -> dict[int, dict[str, int]]:
    """Open and unacknowledged alarms per monitored source (one grouped query)."""
    rows = (Alarm.objects.for_user(user).filter(monitored_id__in=monitored_ids, state__in=NOT_CLOSED)
            .order_by().values("monitored_id")
            .annotate(open=Count("id"), unack=Count("id", filter=Q(state__in=UNACKNOWLEDGED)),
                      limit=Count("id", filter=Q(kind=AlarmKind.LIMIT))))
    return {r["monitored_id"]: r for r in rows}

"""Demo monitoring for `anjian demo`: sensors on the demo's major hazard sources (the kinds their
facility type requires, with realistic ranges, tags and limits), registered through the services,
and the last day of readings stored through the real ingest path (``ingest.store``), so the pages
show values, trends and a few alarms without a broker. Live data needs the broker, `anjian
ingest_mqtt` and `anjian simulate_sensors --demo`; the pages say so when the broker is not there.
Idempotent: sources that already have sensors are skipped."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from anjian.majorhazards.models import MajorHazardSource
from anjian.orgs.models import User

from . import services
from .choices import SensorKind
from .ingest import Decoded, Incoming, store
from .models import Sensor

# kind → (code prefix, name, unit, range, limits (low_low, low, high, high_high), hysteresis, system, delay s)
SPECS = {
    SensorKind.LEVEL: ("LT", "储罐液位", "m", (0, 20), (1, 2, 16, 18), 0.3, "dcs", 30),
    SensorKind.TEMPERATURE: ("TT", "温度", "°C", (-20, 80), (None, None, 40, 50), 1.0, "dcs", 30),
    SensorKind.PRESSURE: ("PT", "压力", "MPa", (0, 2.5), (None, 0.1, 1.6, 2.0), 0.05, "dcs", 20),
    SensorKind.FLOW: ("FT", "进料流量", "m³/h", (0, 120), (None, 10, 90, 105), 2.0, "dcs", 30),
    SensorKind.COMBUSTIBLE_GAS: ("GT", "可燃气体浓度", "%LEL", (0, 100), (None, None, 20, 40), 2.0, "gds", 0),
    SensorKind.TOXIC_GAS: ("AT", "有毒气体浓度", "ppm", (0, 50), (None, None, 5, 10), 0.5, "gds", 0),
    SensorKind.VIDEO: ("CV", "视频在线", "online", (0, 1), (None, 0.5, None, None), 0.1, "video", 60),
}
TOXIC = ("氯", "氨", "一氧化碳", "氯乙烯", "苯")


def _kinds(source: MajorHazardSource, monitored) -> list[str]:
    from .models import SensorRequirement

    kinds = list(SensorRequirement.objects.filter(facility_type=monitored.facility_type, is_active=True)
                 .order_by("kind").values_list("kind", flat=True))
    names = "".join(source.substances.values_list("name", flat=True))
    if SensorKind.TOXIC_GAS in kinds and not any(t in names for t in TOXIC):
        kinds.remove(SensorKind.TOXIC_GAS)
    return kinds


def build_demo(seed: int = 0) -> dict:
    """Register demo sensors on the demo major hazard sources and store a day of readings."""
    rng = random.Random(seed)
    admin = User.objects.filter(is_demo=True, username="admin").first() or User.objects.filter(
        is_superuser=True).first()
    if admin is None:
        return {}
    made = {"monitoring_sensors": 0, "monitoring_readings": 0, "monitoring_alarms": 0}
    sources = list(MajorHazardSource.objects.filter(is_demo=True, is_voided=False).order_by("id"))
    now = timezone.now().replace(second=0, microsecond=0)
    for n, source in enumerate(sources):
        if Sensor.objects.filter(source=source).exists():
            continue
        monitored = services.monitored_source(source, actor=admin, facility_type=(
            "warehouse" if "仓库" in source.name else None))
        sensors = []
        for i, kind in enumerate(_kinds(source, monitored), start=1):
            prefix, name, unit, (lo, hi), (ll, low, high, hh), hyst, system, delay = SPECS[kind]
            sensors.append(services.create_sensor(actor=admin, source=source, data={
                "code": f"{prefix}-{source.pk:03d}{i:02d}", "name": f"{source.name}{name}", "kind": kind,
                "unit": unit, "range_min": lo, "range_max": hi, "low_low": ll, "low": low, "high": high,
                "high_high": hh, "hysteresis": hyst, "system": system, "tag": f"{prefix}{100 + i}",
                "period_seconds": 60, "min_duration_seconds": delay, "is_demo": True}))
        made["monitoring_sensors"] += len(sensors)
        # A day of readings every 5 minutes; the second source has a breach an hour ago.
        readings = []
        for sensor in sensors:
            band_lo = sensor.low if sensor.low is not None else sensor.range_min
            band_hi = sensor.high if sensor.high is not None else sensor.range_max
            mid, span = (band_lo + band_hi) / 2, band_hi - band_lo
            value = mid
            for k in range(288, -1, -1):
                ts = now - datetime.timedelta(minutes=5 * k)
                value += (mid - value) * 0.2 + rng.gauss(0, span * 0.03)
                v = min(max(value, sensor.range_min), sensor.range_max)
                if sensor.kind == SensorKind.VIDEO:
                    v = 1.0
                if n == 1 and sensor.high is not None and 10 <= k <= 14 and sensor.kind != SensorKind.VIDEO:
                    v = min(sensor.high + span * 0.1, sensor.range_max)
                readings.append(Incoming(sensor.enterprise_id, sensor.code, ts, round(v, 3)))
        result = store(Decoded(readings=readings), channel="mqtt", now=now + datetime.timedelta(seconds=1))
        made["monitoring_readings"] += result.stored
        made["monitoring_alarms"] += result.alarms_opened
    return made

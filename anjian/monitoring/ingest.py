"""Readings in: decoding (MQTT topics and payloads, the HTTP batch), checking, storing each reading
once, the rollups, the live values and the alarm machine — one transaction per batch, shared by
the MQTT ingest (``anjian ingest_mqtt``) and the HTTP endpoint.

Payloads
--------
Topic per sensor ``anjian/<enterprise id>/<source id>/<sensor code>`` with a JSON payload: one
reading ``{"ts": "2026-12-07T10:00:00+08:00", "v": 12.5, "unit": "m"}`` (``ts`` ISO 8601 or epoch
seconds/milliseconds, ``unit`` optional but checked when given), or a list of them. Topic
``anjian/<enterprise id>/<source id>/_batch`` takes the compact batch: one reading per line,
``<sensor code>,<epoch ms>,<value>[,<unit>]``. The HTTP batch takes JSON
``{"readings": [{"sensor": "<code>", "ts": …, "v": …, "unit": …}, …]}`` for the key's enterprise.

Checks (each refusal is counted per enterprise, day, reason and channel — ``BadInputCount`` — and
loses nothing else of the batch): malformed payload, unknown sensor (or a sensor of another source
than the topic names), wrong unit, value outside the sensor's range, timestamp in the future
(beyond ``max_future_seconds``) or older than ``max_age_hours``.

Storing: ``INSERT … ON CONFLICT DO NOTHING RETURNING`` on the (sensor, ts) primary key, so a
reading delivered twice (QoS 1 redelivery, two ingest processes, a resent HTTP batch) is stored
once and only the new ones reach the rollups and the alarm machine. The sensors of the batch are
locked (``SELECT … FOR UPDATE``, in id order) so two ingest processes never interleave one
sensor's alarm memory.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from . import services
from .choices import HIGH_SIDE, LOW_SIDE, NOT_CLOSED, AlarmKind, AlarmState, BadInputReason, Limit
from .models import Alarm, BadInputCount, Sensor
from .parameters import parameter

log = logging.getLogger(__name__)

TOPIC_ROOT = "anjian"
BATCH_LEVEL = "_batch"
EXAMPLE_MAX = 300
UTC = datetime.UTC
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


# --- decoding -----------------------------------------------------------------------------------

@dataclass
class Incoming:
    """A reading as sent, not yet checked: the enterprise and source named by the topic (or the
    API key), the sensor's code, the moment, the value and the unit if given."""

    enterprise_id: int
    code: str
    ts: datetime.datetime
    value: float
    unit: str | None = None
    source_id: int | None = None


@dataclass
class Refusal:
    enterprise_id: int | None
    reason: str
    example: str


@dataclass
class Decoded:
    readings: list[Incoming] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


class Malformed(ValueError):
    pass


def parse_ts(raw: Any) -> datetime.datetime:
    """ISO 8601 (with an offset; a naive time is the site's local time) or epoch seconds or
    milliseconds (a number above 10^11 is milliseconds)."""
    if isinstance(raw, bool):
        raise Malformed("ts")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise Malformed("ts")
        seconds = raw / 1000 if abs(raw) > 1e11 else raw
        try:
            return datetime.datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise Malformed("ts") from exc
    if isinstance(raw, str):
        text = raw.strip()
        if text.replace(".", "", 1).isdigit():
            return parse_ts(float(text))
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise Malformed("ts") from exc
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC)
    raise Malformed("ts")


def parse_value(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise Malformed("v")
    try:
        value = float(raw)
    except ValueError as exc:
        raise Malformed("v") from exc
    if not math.isfinite(value):
        raise Malformed("v")
    return value


def _reading(obj: Any, enterprise_id: int, code: str, source_id: int | None) -> Incoming:
    if not isinstance(obj, dict):
        raise Malformed("reading")
    value = obj.get("v", obj.get("value"))
    unit = obj.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise Malformed("unit")
    return Incoming(enterprise_id, code, parse_ts(obj.get("ts")), parse_value(value), unit, source_id)


def _example(payload: bytes | str) -> str:
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    return text[:EXAMPLE_MAX]


def decode_mqtt(topic: str, payload: bytes, *, root: str = TOPIC_ROOT) -> Decoded:
    """The readings of one MQTT message (see the module docstring), and what was refused. ``root``
    is the topics' first level (``ANJIAN_MQTT_TOPIC_ROOT``; tests use their own)."""
    out = Decoded()
    parts = topic.split("/")
    if len(parts) != 4 or parts[0] != root or not parts[1].isdigit() or not parts[2].isdigit():
        out.refusals.append(Refusal(None, BadInputReason.MALFORMED, f"{topic}: {_example(payload)}"))
        return out
    enterprise_id, source_id, code = int(parts[1]), int(parts[2]), parts[3]
    if code == BATCH_LEVEL:
        return decode_batch_lines(payload, enterprise_id, source_id)
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        out.refusals.append(Refusal(enterprise_id, BadInputReason.MALFORMED, f"{code}: {_example(payload)}"))
        return out
    items = data if isinstance(data, list) else [data]
    for item in items:
        try:
            out.readings.append(_reading(item, enterprise_id, code, source_id))
        except Malformed:
            out.refusals.append(Refusal(enterprise_id, BadInputReason.MALFORMED, f"{code}: {json.dumps(item)[:200]}"))
    return out


def decode_batch_lines(payload: bytes, enterprise_id: int, source_id: int | None) -> Decoded:
    """The compact batch: ``code,epoch ms,value[,unit]`` per line."""
    out = Decoded()
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        out.refusals.append(Refusal(enterprise_id, BadInputReason.MALFORMED, _example(payload)))
        return out
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        cells = [c.strip() for c in line.split(",")]
        try:
            if len(cells) not in (3, 4) or not cells[0]:
                raise Malformed("line")
            out.readings.append(Incoming(enterprise_id, cells[0], parse_ts(float(cells[1])), parse_value(cells[2]),
                                         cells[3] if len(cells) == 4 else None, source_id))
        except (Malformed, ValueError):
            out.refusals.append(Refusal(enterprise_id, BadInputReason.MALFORMED, line[:EXAMPLE_MAX]))
    return out


def decode_http(enterprise_id: int, body: Any) -> Decoded:
    """The HTTP batch of an enterprise (its API key decided which)."""
    out = Decoded()
    items = body.get("readings") if isinstance(body, dict) else None
    if not isinstance(items, list):
        out.refusals.append(Refusal(enterprise_id, BadInputReason.MALFORMED, json.dumps(body)[:EXAMPLE_MAX]))
        return out
    for item in items:
        code = item.get("sensor") if isinstance(item, dict) else None
        try:
            if not isinstance(code, str) or not code:
                raise Malformed("sensor")
            out.readings.append(_reading(item, enterprise_id, code, None))
        except Malformed:
            out.refusals.append(Refusal(enterprise_id, BadInputReason.MALFORMED, json.dumps(item)[:EXAMPLE_MAX]))
    return out


# --- the sensors, cached -----------------------------------------------------------------------

@dataclass(frozen=True)
class SensorInfo:
    id: int
    enterprise_id: int
    source_id: int
    monitored_id: int
    unit: str
    range_min: float
    range_max: float


class SensorDirectory:
    """(enterprise, code) → the sensor's checks, per process. Entries live ``ttl`` seconds (a
    changed range or a voided sensor reaches a long-running ingest within that time); an unknown
    code is remembered as unknown for as long, so a flood of bad codes costs one query each."""

    def __init__(self, ttl: float = 30.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[tuple[int, str], tuple[float, SensorInfo | None]] = {}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def lookup(self, keys: set[tuple[int, str]]) -> dict[tuple[int, str], SensorInfo | None]:
        now = time.monotonic()
        found: dict[tuple[int, str], SensorInfo | None] = {}
        missing: set[tuple[int, str]] = set()
        with self._lock:
            for key in keys:
                entry = self._entries.get(key)
                if entry is not None and now - entry[0] < self.ttl:
                    found[key] = entry[1]
                else:
                    missing.add(key)
        if missing:
            loaded = dict.fromkeys(missing)
            by_ent: dict[int, set[str]] = defaultdict(set)
            for ent, code in missing:
                by_ent[ent].add(code)
            for ent, codes in by_ent.items():
                rows = Sensor.objects.filter(enterprise_id=ent, code__in=codes, is_voided=False).values_list(
                    "id", "enterprise_id", "source_id", "monitored_id", "unit", "range_min", "range_max", "code")
                for sid, e, src, mon, unit, lo, hi, code in rows:
                    loaded[(e, code)] = SensorInfo(sid, e, src, mon, unit, lo, hi)
            with self._lock:
                for key, info in loaded.items():
                    self._entries[key] = (now, info)
            found.update(loaded)
        return found


DIRECTORY = SensorDirectory()


# --- checking and storing ------------------------------------------------------------------------

@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    alarms_opened: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"received": self.received, "stored": self.stored, "duplicates": self.duplicates,
                "refused": self.refused, "alarms_opened": self.alarms_opened}


def check(decoded: Decoded, *, now: datetime.datetime | None = None,
          directory: SensorDirectory = DIRECTORY) -> tuple[list[tuple[SensorInfo, datetime.datetime, float]],
                                                           list[Refusal]]:
    """Accepted readings (sensor, ts, value), each (sensor, ts) once, and the refusals."""
    now = now or timezone.now()
    future = now + datetime.timedelta(seconds=float(parameter("max_future_seconds")))
    oldest = now - datetime.timedelta(hours=float(parameter("max_age_hours")))
    refusals = list(decoded.refusals)
    infos = directory.lookup({(r.enterprise_id, r.code) for r in decoded.readings})
    accepted: dict[tuple[int, datetime.datetime], tuple[SensorInfo, datetime.datetime, float]] = {}
    for r in decoded.readings:
        info = infos.get((r.enterprise_id, r.code))
        example = f"{r.code} {r.ts.isoformat()} {r.value} {r.unit or ''}".strip()
        if info is None or (r.source_id is not None and info.source_id != r.source_id):
            refusals.append(Refusal(r.enterprise_id, BadInputReason.UNKNOWN_SENSOR, example))
        elif r.unit is not None and r.unit != info.unit:
            refusals.append(Refusal(r.enterprise_id, BadInputReason.WRONG_UNIT, f"{example} ≠ {info.unit}"))
        elif not info.range_min <= r.value <= info.range_max:
            refusals.append(Refusal(r.enterprise_id, BadInputReason.OUT_OF_RANGE,
                                    f"{example} ∉ [{info.range_min}, {info.range_max}]"))
        elif r.ts > future:
            refusals.append(Refusal(r.enterprise_id, BadInputReason.FUTURE, example))
        elif r.ts < oldest:
            refusals.append(Refusal(r.enterprise_id, BadInputReason.TOO_OLD, example))
        else:
            ts = r.ts.astimezone(UTC)
            accepted[(info.id, ts)] = (info, ts, float(r.value))
    return list(accepted.values()), refusals


def _insert_readings(rows: list[tuple[SensorInfo, datetime.datetime, float]]) -> list[tuple[int, datetime.datetime, float]]:
    """Insert, skipping (sensor, ts) already stored; answers the rows actually inserted."""
    if not rows:
        return []
    table = "monitoring_reading"
    if connection.vendor == "postgresql":
        # The inserted rows come back as (sensor, microseconds since the epoch): integers match
        # much faster than time-zone-aware datetimes (measured, bench/monitoring).
        sql = (f"INSERT INTO {table} (sensor_id, ts, value) "  # noqa: S608 — constant table name, values bound
               "SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::float8[]) "
               "ON CONFLICT DO NOTHING RETURNING sensor_id, (extract(epoch from ts) * 1000000)::bigint")
        with connection.cursor() as cursor:
            cursor.execute(sql, [[i.id for i, _t, _v in rows], [t for _i, t, _v in rows], [v for _i, _t, v in rows]])
            inserted = set(cursor.fetchall())
        return [(i.id, t, v) for i, t, v in rows if (i.id, (t - EPOCH) // MICROSECOND) in inserted]
    # SQLite: the same statement, with the stored text form of the time to match what came back.
    adapt = connection.ops.adapt_datetimefield_value
    out: list[tuple[int, datetime.datetime, float]] = []
    for start in range(0, len(rows), 300):
        chunk = rows[start:start + 300]
        keys = {(i.id, str(adapt(t))): (i.id, t, v) for i, t, v in chunk}
        placeholders = ",".join(["(%s,%s,%s)"] * len(chunk))
        params: list[Any] = []
        for i, t, v in chunk:
            params += [i.id, adapt(t), v]
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} (sensor_id, ts, value) VALUES {placeholders} "  # noqa: S608
                           "ON CONFLICT DO NOTHING RETURNING sensor_id, ts", params)
            for sid, ts in cursor.fetchall():
                out.append(keys[(sid, str(ts))])
    return out


def _rollups(inserted: list[tuple[int, datetime.datetime, float]]) -> None:
    """Add the inserted readings to their minute and hour rollups (upsert, keys sorted so two
    ingest processes take row locks in the same order)."""
    groups: dict[tuple[int, str, datetime.datetime], list[float]] = {}
    for sid, ts, v in inserted:
        for grain, start in (("minute", ts.replace(second=0, microsecond=0)),
                             ("hour", ts.replace(minute=0, second=0, microsecond=0))):
            g = groups.get((sid, grain, start))
            if g is None:
                groups[(sid, grain, start)] = [1, v, v, v]
            else:
                g[0] += 1
                g[1] = min(g[1], v)
                g[2] = max(g[2], v)
                g[3] += v
    keys = sorted(groups)
    if not keys:
        return
    table = "monitoring_rollup"
    if connection.vendor == "postgresql":
        sql = (f"INSERT INTO {table} AS r (sensor_id, grain, start, n, vmin, vmax, vsum) "  # noqa: S608
               "SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[], %s::int[], %s::float8[], "
               "%s::float8[], %s::float8[]) ON CONFLICT (sensor_id, grain, start) DO UPDATE SET n = r.n + EXCLUDED.n, "
               "vmin = LEAST(r.vmin, EXCLUDED.vmin), vmax = GREATEST(r.vmax, EXCLUDED.vmax), vsum = r.vsum + EXCLUDED.vsum")
        cols = list(zip(*[(k[0], k[1], k[2], *groups[k]) for k in keys], strict=True))
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(c) for c in cols])
        return
    adapt = connection.ops.adapt_datetimefield_value
    for start in range(0, len(keys), 100):
        chunk = keys[start:start + 100]
        params: list[Any] = []
        for k in chunk:
            params += [k[0], k[1], adapt(k[2]), *groups[k]]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (sensor_id, grain, start, n, vmin, vmax, vsum) VALUES "  # noqa: S608
                + ",".join(["(%s,%s,%s,%s,%s,%s,%s)"] * len(chunk))
                + " ON CONFLICT (sensor_id, grain, start) DO UPDATE SET n = n + excluded.n, "
                "vmin = min(vmin, excluded.vmin), vmax = max(vmax, excluded.vmax), vsum = vsum + excluded.vsum",
                params)


def _count_refusals(refusals: list[Refusal], channel: str, now: datetime.datetime) -> dict[str, int]:
    """Add the refusals to the enterprise's counters for today (one upsert per enterprise and reason)."""
    counts: dict[str, int] = defaultdict(int)
    grouped: dict[tuple[int, str], list[Refusal]] = defaultdict(list)
    for r in refusals:
        counts[r.reason] += 1
        if r.enterprise_id is None:
            log.warning("refused reading with no enterprise (%s): %s", r.reason, r.example)
            continue
        grouped[(r.enterprise_id, r.reason)].append(r)
    if not grouped:
        return dict(counts)
    from anjian.enterprises.models import Enterprise

    day = timezone.localdate(now)
    ents = {e.pk: e for e in Enterprise.objects.filter(pk__in={k[0] for k in grouped}).only(
        "pk", "region_path", "industry_id", "grid_id")}
    for (ent_id, reason), items in sorted(grouped.items()):
        ent = ents.get(ent_id)
        if ent is None:  # a topic naming no enterprise: logged only
            log.warning("refused readings for unknown enterprise %s (%s): %s", ent_id, reason, items[-1].example)
            continue
        row, created = BadInputCount.objects.select_for_update().get_or_create(
            enterprise_id=ent_id, day=day, reason=reason, channel=channel,
            defaults={"count": len(items), "last_example": items[-1].example[:EXAMPLE_MAX], "last_at": now,
                      "region_path": ent.region_path, "industry_id": ent.industry_id, "grid_id": ent.grid_id})
        if not created:
            BadInputCount.objects.filter(pk=row.pk).update(count=F("count") + len(items),
                                                           last_example=items[-1].example[:EXAMPLE_MAX], last_at=now)
    return dict(counts)


# --- the alarm machine --------------------------------------------------------------------------

def classify(value: float, limits: dict[str, float]) -> str:
    """The gravest limit ``value`` breaches ("" for none)."""
    for limit in (Limit.HIGH_HIGH, Limit.HIGH):
        if limit in limits and value >= limits[limit]:
            return limit
    for limit in (Limit.LOW_LOW, Limit.LOW):
        if limit in limits and value <= limits[limit]:
            return limit
    return ""


def side(limit: str) -> str:
    return "high" if limit in HIGH_SIDE else "low" if limit in LOW_SIDE else ""


def back_within(value: float, alarm_side: str, limits: dict[str, float], hysteresis: float) -> bool:
    """The value is back inside the least grave limit of the alarm's side by the hysteresis."""
    if alarm_side == "high":
        bound = limits.get(Limit.HIGH, limits.get(Limit.HIGH_HIGH))
        return bound is None or value < bound - hysteresis
    bound = limits.get(Limit.LOW, limits.get(Limit.LOW_LOW))
    return bound is None or value > bound + hysteresis


GRAVITY = {Limit.HIGH: 1, Limit.LOW: 1, Limit.HIGH_HIGH: 2, Limit.LOW_LOW: 2}


@dataclass
class AlarmMemory:
    """What the machine remembers of one sensor between readings."""

    breach_limit: str = ""
    breach_since: datetime.datetime | None = None
    alarm: Alarm | None = None  # its limit alarm that is not closed


@dataclass
class Transition:
    """One thing the machine decided: ``open``, ``worsen``, ``clear`` or ``recur``."""

    action: str
    at: datetime.datetime
    value: float
    limit: str = ""
    threshold: float | None = None
    since: datetime.datetime | None = None


def evaluate(memory: AlarmMemory, readings: list[tuple[datetime.datetime, float]], limits: dict[str, float],
             hysteresis: float, min_duration: datetime.timedelta) -> list[Transition]:
    """Run the readings (in time order) through the alarm machine of one sensor; ``memory`` is
    updated in place (its ``alarm`` stands for the alarm's limit and cleared state after each
    transition, as the caller applies them), the transitions are answered in order.

    - a limit alarm opens when a side (high or low) has been breached continuously for the minimum
      duration, naming the gravest limit breached then;
    - an open alarm names a graver limit of its side as soon as that is breached (``worsen``);
    - it clears when the value is back inside the least grave limit of its side by the hysteresis
      (``clear``); a cleared alarm not yet closed whose cause returns for the minimum duration is
      an alarm again (``recur``)."""
    out: list[Transition] = []
    state = {"limit": memory.alarm.limit if memory.alarm else "",
             "cleared": bool(memory.alarm and memory.alarm.cleared_at is not None),
             "exists": memory.alarm is not None}
    for ts, value in readings:
        level = classify(value, limits)
        active = state["exists"] and not state["cleared"]
        if active:
            if back_within(value, side(state["limit"]), limits, hysteresis):
                out.append(Transition("clear", ts, value))
                state["cleared"] = True
                memory.breach_limit, memory.breach_since = "", None
                continue
            if level and side(level) == side(state["limit"]) and GRAVITY[level] > GRAVITY[state["limit"]]:
                out.append(Transition("worsen", ts, value, level, limits[level]))
                state["limit"] = level
            else:
                out.append(Transition("peak", ts, value))
            continue
        if not level:
            memory.breach_limit, memory.breach_since = "", None
            continue
        if not memory.breach_limit or side(memory.breach_limit) != side(level):
            memory.breach_limit, memory.breach_since = level, ts
        elif GRAVITY[level] > GRAVITY[memory.breach_limit]:
            memory.breach_limit = level
        if ts - memory.breach_since >= min_duration:
            action = "recur" if state["exists"] else "open"
            out.append(Transition(action, ts, value, level, limits[level], memory.breach_since))
            state.update(limit=level, cleared=False, exists=True)
    return out


def _apply(sensor: Sensor, memory: AlarmMemory, transitions: list[Transition], result: IngestResult) -> None:
    """Write the machine's decisions through the services (one step each; peaks as a plain update)."""
    alarm = memory.alarm
    peak = None
    for t in transitions:
        if t.action == "peak":
            peak = t.value if peak is None else (min(peak, t.value) if side(alarm.limit) == "low" else max(peak, t.value))
            continue
        if peak is not None and alarm is not None:
            _store_peak(alarm, peak)
            peak = None
        if t.action == "open":
            alarm = services.open_alarm(kind=AlarmKind.LIMIT, monitored_id=sensor.monitored_id, sensor=sensor,
                                        limit=t.limit, threshold=t.threshold, since=t.since, value=t.value, at=t.at,
                                        is_demo=sensor.is_demo)
            if alarm is not None:
                result.alarms_opened += 1
            else:  # opened by another process meanwhile: go on with it
                alarm = (Alarm.objects.filter(sensor=sensor, kind=AlarmKind.LIMIT, state__in=NOT_CLOSED).first())
        elif alarm is None:
            continue
        elif t.action == "worsen":
            alarm = services.worsen_alarm(alarm, limit=t.limit, threshold=t.threshold, value=t.value)
        elif t.action == "clear":
            alarm = services.clear_alarm(alarm, at=t.at, value=t.value)
        elif t.action == "recur" and alarm.state == AlarmState.CLOSED:  # disposed and cleared meanwhile
            alarm = services.open_alarm(kind=AlarmKind.LIMIT, monitored_id=sensor.monitored_id, sensor=sensor,
                                        limit=t.limit, threshold=t.threshold, since=t.since, value=t.value, at=t.at,
                                        is_demo=sensor.is_demo)
            result.alarms_opened += alarm is not None
        elif t.action == "recur":
            alarm = services.recur_alarm(alarm, limit=t.limit, threshold=t.threshold, value=t.value, at=t.at)
    if peak is not None and alarm is not None:
        _store_peak(alarm, peak)


def _store_peak(alarm: Alarm, value: float) -> None:
    # The worst value is a measurement, not a step of the alarm: kept with a plain update.
    worse = services._worse(alarm, value)
    if worse != alarm.peak_value:
        Alarm.objects.filter(pk=alarm.pk).update(peak_value=worse)
        alarm.peak_value = worse


def _evaluate_alarms(inserted: list[tuple[int, datetime.datetime, float]], result: IngestResult) -> None:
    by_sensor: dict[int, list[tuple[datetime.datetime, float]]] = defaultdict(list)
    for sid, ts, v in inserted:
        by_sensor[sid].append((ts, v))
    ids = sorted(by_sensor)
    sensors = list(Sensor.objects.select_for_update().filter(pk__in=ids).order_by("id").only(
        "id", "monitored_id", "source_id", "enterprise_id", "region_path", "industry_id", "grid_id", "is_demo",
        "high_high", "high", "low", "low_low", "hysteresis", "min_duration_seconds", "last_value", "last_reading_at",
        "breach_limit", "breach_since", "is_offline", "unit", "code", "name"))
    alarms = {a.sensor_id: a for a in Alarm.objects.filter(sensor_id__in=ids, kind=AlarmKind.LIMIT,
                                                           state__in=NOT_CLOSED)}
    now_offline: list[int] = []
    monitored_last: dict[int, datetime.datetime] = {}
    changed: list[Sensor] = []
    for sensor in sensors:
        rows = sorted(by_sensor[sensor.pk])
        # Readings older than the last one evaluated are stored (and in the rollups) but do not
        # move the alarm machine back in time.
        fresh = [r for r in rows if sensor.last_reading_at is None or r[0] > sensor.last_reading_at]
        if not fresh:
            continue
        memory = AlarmMemory(sensor.breach_limit, sensor.breach_since, alarms.get(sensor.pk))
        transitions = evaluate(memory, fresh, sensor.limits(), sensor.hysteresis,
                               datetime.timedelta(seconds=sensor.min_duration_seconds))
        if transitions:
            _apply(sensor, memory, transitions, result)
        sensor.breach_limit, sensor.breach_since = memory.breach_limit, memory.breach_since
        sensor.last_reading_at, sensor.last_value = fresh[-1]
        changed.append(sensor)
        if sensor.is_offline:
            now_offline.append(sensor.pk)
        last = monitored_last.get(sensor.monitored_id)
        if last is None or fresh[-1][0] > last:
            monitored_last[sensor.monitored_id] = fresh[-1][0]
    if changed:
        _save_sensor_state(changed)
    if now_offline:
        services.clear_offline(now_offline, at=max(monitored_last.values()))
    _touch_sources(monitored_last)


def _save_sensor_state(sensors: list[Sensor]) -> None:
    """The live value and the machine's memory of the batch's sensors, in one statement: not steps
    of the sensor (no version, no history). (Django's ``bulk_update`` builds a CASE per field and
    row: measured, most of a 5,000-reading batch's time; bench/monitoring.)"""
    rows = [(s.pk, s.last_value, s.last_reading_at, s.breach_limit, s.breach_since) for s in sensors]
    if connection.vendor == "postgresql":
        cols = list(zip(*rows, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE monitoring_sensor s SET last_value = v.lv, last_reading_at = v.lt, breach_limit = v.bl, "
                "breach_since = v.bs FROM unnest(%s::bigint[], %s::float8[], %s::timestamptz[], %s::varchar[], "
                "%s::timestamptz[]) AS v(id, lv, lt, bl, bs) WHERE s.id = v.id", [list(c) for c in cols])
        return
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE monitoring_sensor SET last_value = %s, last_reading_at = %s, breach_limit = %s, breach_since = %s "
            "WHERE id = %s", [(lv, adapt(lt), bl, adapt(bs), pk) for pk, lv, lt, bl, bs in rows])


def _touch_sources(monitored_last: dict[int, datetime.datetime]) -> None:
    from .choices import ConnectionState
    from .models import MonitoredSource

    if not monitored_last:
        return
    rows = MonitoredSource.objects.filter(pk__in=list(monitored_last)).values_list("pk", "connection", "last_reading_at")
    for pk, conn, last in rows:
        at = monitored_last[pk]
        if last is None or at > last:
            MonitoredSource.objects.filter(pk=pk).update(last_reading_at=at)
        if conn != ConnectionState.CONNECTED:
            services.connect(pk, at=at)


# --- one batch ------------------------------------------------------------------------------------

#: On SQLite one process writes at a time anyway; the ingest threads of one process (and the
#: tests' two ingest clients) take turns here instead of failing on a locked database.
_SQLITE_WRITER = threading.Lock()


def store(decoded: Decoded, *, channel: str, now: datetime.datetime | None = None,
          directory: SensorDirectory = DIRECTORY) -> IngestResult:
    """Check, store and evaluate one batch in one transaction. When it returns, everything it
    accepted is committed (the MQTT ingest acknowledges the messages only then)."""
    now = now or timezone.now()
    accepted, refusals = check(decoded, now=now, directory=directory)
    result = IngestResult(received=len(decoded.readings) + len(decoded.refusals))
    lock = _SQLITE_WRITER if connection.vendor == "sqlite" else None
    if lock:
        lock.acquire()
    try:
        with transaction.atomic():
            inserted = _insert_readings(accepted)
            result.stored = len(inserted)
            result.duplicates = len(accepted) - len(inserted)
            if inserted:
                _rollups(inserted)
                _evaluate_alarms(inserted, result)
            if refusals:
                result.refused = _count_refusals(refusals, channel, now)
    finally:
        if lock:
            lock.release()
    return result

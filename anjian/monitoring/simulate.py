"""Realistic readings for the demo, the tests and the benchmark (``anjian simulate_sensors``).

Each sensor wanders around the middle of its normal band (between its low and high limits, or
its range) with a slow drift and noise; now and then (``breach_chance`` per reading) it starts an
episode that climbs past its high limit (or falls past its low) for longer than its minimum
duration and comes back, and now and then (``silence_chance``) it falls silent for several
periods, long enough to be found offline. Readings are published with QoS 1 on the sensor's topic
(JSON) or, with ``batch``, one compact batch per source and tick on ``<root>/<ent>/<src>/_batch``."""

from __future__ import annotations

import datetime
import json
import random
import threading
import time
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


@dataclass
class SimSensor:
    id: int
    enterprise_id: int
    source_id: int
    code: str
    unit: str
    lo: float
    hi: float
    low: float | None
    high: float | None
    period: float
    min_duration: float
    value: float = 0.0
    mode: str = "normal"  # normal, breach, silent
    mode_until: float = 0.0
    next_at: float = 0.0

    @classmethod
    def from_row(cls, row: dict) -> SimSensor:
        low = row["low"] if row["low"] is not None else row["low_low"]
        high = row["high"] if row["high"] is not None else row["high_high"]
        s = cls(row["id"], row["enterprise_id"], row["source_id"], row["code"], row["unit"], row["range_min"],
                row["range_max"], low, high, float(row["period_seconds"]), float(row["min_duration_seconds"]))
        s.value = s.normal_mid()
        return s

    def normal_mid(self) -> float:
        lo = self.low if self.low is not None else self.lo
        hi = self.high if self.high is not None else self.hi
        return (lo + hi) / 2

    def band(self) -> float:
        lo = self.low if self.low is not None else self.lo
        hi = self.high if self.high is not None else self.hi
        return max(hi - lo, 1e-6)


def next_value(s: SimSensor, now: float, rng: random.Random, breach_chance: float, silence_chance: float,
               speed: float = 1.0) -> float | None:
    """The sensor's next value at ``now`` (simulated seconds; None: silent). A breach lasts past the
    minimum duration in real time (the readings carry the wall clock), whatever the speed."""
    if s.mode != "normal" and now >= s.mode_until:
        s.mode = "normal"
    if s.mode == "normal":
        roll = rng.random()
        if roll < silence_chance:
            s.mode, s.mode_until = "silent", now + s.period * rng.randint(4, 8)
        elif roll < silence_chance + breach_chance and (s.high is not None or s.low is not None):
            s.mode, s.mode_until = "breach", now + s.min_duration * speed + s.period * rng.randint(3, 6)
    if s.mode == "silent":
        return None
    band = s.band()
    if s.mode == "breach":
        target = (s.high + band * 0.08) if s.high is not None else (s.low - band * 0.08)
    else:
        target = s.normal_mid()
    s.value += (target - s.value) * 0.35 + rng.gauss(0, band * 0.01)
    s.value = min(max(s.value, s.lo), s.hi)
    return round(s.value, 3)


def load_sensors(*, demo_only: bool = False) -> list[SimSensor]:
    from .models import Sensor

    qs = Sensor.objects.filter(is_voided=False)
    if demo_only:
        qs = qs.filter(is_demo=True)
    rows = qs.order_by("id").values("id", "enterprise_id", "source_id", "code", "unit", "range_min", "range_max",
                                    "low", "low_low", "high", "high_high", "period_seconds", "min_duration_seconds")
    return [SimSensor.from_row(r) for r in rows]


class Publisher:
    """A QoS 1 publisher that counts the broker's acknowledgements."""

    def __init__(self, host: str, port: int, client_id: str = ""):
        self.acked = 0
        self.sent = 0
        self._lock = threading.Lock()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        self.client.max_inflight_messages_set(1000)
        self.client.on_publish = self._on_publish
        self.client.connect(host, port, keepalive=30)
        self.client.loop_start()

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        with self._lock:
            self.acked += 1

    def publish(self, topic: str, payload: str | bytes) -> None:
        self.client.publish(topic, payload, qos=1)
        self.sent += 1

    def wait(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.acked >= self.sent:
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        self.wait(5)
        self.client.disconnect()
        self.client.loop_stop()


def run(sensors: list[SimSensor], publisher: Publisher, *, root: str, seconds: float, speed: float = 1.0,
        batch: bool = False, breach_chance: float = 0.01, silence_chance: float = 0.002, seed: int = 0,
        stop: threading.Event | None = None) -> dict[str, int]:
    """Publish readings for ``seconds`` (each sensor at its period ÷ ``speed``); answers counts."""
    rng = random.Random(seed)
    started = time.monotonic()
    for s in sensors:
        s.next_at = started + rng.random() * s.period / speed
    counts = {"readings": 0, "silent": 0, "messages": 0}
    while time.monotonic() - started < seconds and not (stop and stop.is_set()):
        now = time.monotonic()
        stamp = datetime.datetime.now(datetime.UTC)
        lines: dict[tuple[int, int], list[str]] = {}
        for s in sensors:
            if s.next_at > now:
                continue
            s.next_at = now + s.period / speed
            value = next_value(s, (now - started) * speed, rng, breach_chance, silence_chance, speed)
            if value is None:
                counts["silent"] += 1
                continue
            counts["readings"] += 1
            if batch:
                lines.setdefault((s.enterprise_id, s.source_id), []).append(
                    f"{s.code},{int(stamp.timestamp() * 1000)},{value}")
            else:
                publisher.publish(f"{root}/{s.enterprise_id}/{s.source_id}/{s.code}",
                                  json.dumps({"ts": stamp.isoformat(), "v": value, "unit": s.unit}))
                counts["messages"] += 1
        for (ent, src), rows in lines.items():
            publisher.publish(f"{root}/{ent}/{src}/_batch", "\n".join(rows))
            counts["messages"] += 1
        time.sleep(0.05)
    publisher.wait(10)
    return counts

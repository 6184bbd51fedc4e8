"""bench/monitoring — the monitoring ingest against the real broker and PostgreSQL, in one run.

1. the broker's own delivery rate to a subscriber that writes nothing (the ceiling on this machine);
2. sustained ingest: `anjian ingest_mqtt` processes (1, then 2 sharing the subscription) storing
   the same kind of stream into PostgreSQL with rollups and alarm evaluation, in readings/s;
3. alarm latency: from publishing a breaching reading to its alarm row, p50/p95 over samples;
4. a sensor's 30-day trend (hour rollups) through ``selectors.trend``, p95 in ms.

Writes bench/monitoring/RESULTS.md. Uses the PostgreSQL database ``bench_mon`` (dropped and created
again) and the broker on 127.0.0.1:1883 under a topic root of its own; stops every process it
started (by process id). Run: ``.venv/bin/python bench/monitoring/run.py [--readings 200000]``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB = "bench_mon"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
HOST, PORT = "127.0.0.1", 1883


def sh(*cmd, env=None, check=True):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=check, capture_output=True, text=True)  # noqa: S603


def env_for(var: Path) -> dict:
    env = dict(os.environ, DATABASE_URL=DB_URL, ANJIAN_VAR_DIR=str(var), DEBUG="1", PYTHONPATH=str(ROOT))
    return env


def setup_database(var: Path) -> None:
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {DB}")
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB}")
    sh(sys.executable, "-m", "anjian", "migrate", "-v0", env=env_for(var))


def make_sensors(n_sources: int, per_source: int) -> list[dict]:
    """One enterprise, ``n_sources`` major hazard sources, ``per_source`` level sensors each
    (min duration 0 so a single breaching reading opens an alarm)."""
    from anjian.majorhazards import services as majorhazards
    from anjian.monitoring import services
    from anjian.monitoring.models import Sensor
    from anjian.orgs.choices import Role
    from anjian.portal.testing.factories import EnterpriseFactory, RegionFactory, industry, make_user
    from anjian.regions.choices import RegionLevel

    province = RegionFactory(name="基准省", level=RegionLevel.PROVINCE)
    township = RegionFactory(name="基准街道", level=RegionLevel.TOWNSHIP, parent=RegionFactory(
        name="基准县", level=RegionLevel.COUNTY, parent=RegionFactory(name="基准市", level=RegionLevel.CITY,
                                                                       parent=province)))
    ent = EnterpriseFactory(name="基准化工有限公司", region=township, industry=industry("0301"))
    admin = make_user(Role.ADMIN)
    rows = []
    for i in range(n_sources):
        source = majorhazards.create_source(actor=admin, enterprise=ent, data={
            "name": f"罐区{i}", "unit_kind": "storage", "population_500m": 0},
            substances=[{"name": "甲醇", "cas": "67-56-1", "quantity_t": 2000}])
        monitored = services.monitored_source(source, actor=admin)
        sensors = [Sensor(monitored=monitored, source=source, region_path=source.region_path,
                          enterprise_id=ent.pk, industry_id=source.industry_id, grid_id=source.grid_id,
                          code=f"LT-{i:03d}-{k:04d}", name="液位", kind="level", unit="m", range_min=0, range_max=100,
                          high=90, high_high=95, hysteresis=1, min_duration_seconds=0, period_seconds=1)
                   for k in range(per_source)]
        Sensor.objects.bulk_create(sensors, batch_size=1000)
    for s in Sensor.objects.order_by("id").values("id", "enterprise_id", "source_id", "code"):
        rows.append(s)
    return rows


def batches(sensors, n_readings: int, per_message: int, base: datetime.datetime, value=50.0):
    """(topic suffix, payload) messages covering ``n_readings`` readings: sensors round-robin,
    one second apart per sensor, grouped per source into compact batches."""
    by_source: dict[tuple, list] = {}
    for s in sensors:
        by_source.setdefault((s["enterprise_id"], s["source_id"]), []).append(s)
    per_sensor = max(1, n_readings // len(sensors))
    out = []
    for (ent, src), group in by_source.items():
        lines = []
        for step in range(per_sensor):
            stamp = int((base + datetime.timedelta(seconds=step)).timestamp() * 1000)
            for s in group:
                lines.append(f"{s['code']},{stamp},{value}")
                if len(lines) == per_message:
                    out.append((f"{ent}/{src}/_batch", "\n".join(lines)))
                    lines = []
        if lines:
            out.append((f"{ent}/{src}/_batch", "\n".join(lines)))
    return out, per_sensor * len(sensors)


def publish_all(messages, root: str) -> float:
    from anjian.monitoring.simulate import Publisher

    pub = Publisher(HOST, PORT)
    started = time.monotonic()
    for suffix, payload in messages:
        pub.publish(f"{root}/{suffix}", payload)
    pub.wait(300)
    took = time.monotonic() - started
    pub.close()
    return took


def broker_rate(messages, total: int, root: str) -> dict:
    """A subscriber that counts readings and writes nothing."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    got = {"readings": 0, "first": None, "last": None}
    done = threading.Event()

    def on_message(client, userdata, msg):
        now = time.monotonic()
        got["first"] = got["first"] or now
        got["last"] = now
        got["readings"] += msg.payload.count(b"\n") + 1
        if got["readings"] >= total:
            done.set()

    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-null-{root}", protocol=mqtt.MQTTv5)
    sub.on_message = on_message
    sub.connect(HOST, PORT)
    sub.subscribe(f"{root}/#", qos=1)
    sub.loop_start()
    time.sleep(0.5)
    started = time.monotonic()
    publish_all(messages, root)
    done.wait(300)
    sub.disconnect()
    sub.loop_stop()
    seconds = (got["last"] or time.monotonic()) - started
    return {"readings": got["readings"], "seconds": seconds, "rate": got["readings"] / seconds if seconds else 0}


def start_ingest(var: Path, root: str, n: int, group: str) -> list[subprocess.Popen]:
    procs = []
    for i in range(1, n + 1):
        log = open(var / f"ingest-{group}-{i}.log", "w")  # noqa: SIM115 — closed with the process
        procs.append(subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "anjian", "ingest_mqtt", "--instance", str(i), "--client-id",
             f"bench-{group}-{i}", "--group", group, "--root", root, "--batch", "5000", "--batch-ms", "100"],
            cwd=ROOT, env=env_for(var), stdout=log, stderr=subprocess.STDOUT))
    # Published before an ingest subscribed, a message would reach no session: wait for each.
    deadline = time.monotonic() + 120
    for i in range(1, n + 1):
        path = var / f"ingest-{group}-{i}.log"
        while "ingest_mqtt: subscribed" not in path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    return procs


def cpu_seconds(proc) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(procs):
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()


def reading_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading")
        return cursor.fetchone()[0]


def ingest_rate(var, sensors, n_readings, per_message, base, processes, root) -> dict:
    group = f"g{processes}-{uuid.uuid4().hex[:6]}"
    before = reading_count()
    messages, total = batches(sensors, n_readings, per_message, base)
    procs = start_ingest(var, root, processes, group)
    idle_cpu = sum(cpu_seconds(p) for p in procs)  # start-up (Django, imports) left out
    try:
        started = time.monotonic()
        published = publish_all(messages, root)
        deadline = time.monotonic() + 600
        while reading_count() - before < total and time.monotonic() < deadline:
            time.sleep(0.2)
        seconds = time.monotonic() - started
        stored = reading_count() - before
        cpu = sum(cpu_seconds(p) for p in procs) - idle_cpu
    finally:
        stop(procs)
    return {"processes": processes, "readings": total, "stored": stored, "seconds": seconds,
            "publish_seconds": published, "rate": stored / seconds if seconds else 0,
            "cpu_seconds": cpu, "per_cpu_second": stored / cpu if cpu else 0}


def alarm_latency(var, sensors, samples: int, root: str) -> dict:
    from anjian.monitoring.models import Alarm
    from anjian.monitoring.simulate import Publisher

    group = f"lat-{uuid.uuid4().hex[:6]}"
    procs = start_ingest(var, root, 1, group)
    pub = Publisher(HOST, PORT)
    latencies = []
    try:
        for s in sensors[:samples]:
            stamp = int(time.time() * 1000)
            t0 = time.monotonic()
            pub.publish(f"{root}/{s['enterprise_id']}/{s['source_id']}/_batch", f"{s['code']},{stamp},96")
            while not Alarm.objects.filter(sensor_id=s["id"]).exclude(state="closed").exists():
                if time.monotonic() - t0 > 10:
                    break
                time.sleep(0.005)
            latencies.append(time.monotonic() - t0)
    finally:
        pub.close()
        stop(procs)
    latencies.sort()
    return {"samples": len(latencies), "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000}


def trend_timing(sensor_id: int) -> dict:
    from anjian.monitoring.models import Rollup, Sensor
    from anjian.monitoring.selectors import trend
    from anjian.orgs.models import User

    now = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    Rollup.objects.bulk_create([Rollup(sensor_id=sensor_id, grain="hour", start=now - datetime.timedelta(hours=h),
                                       n=3600, vmin=40, vmax=60, vsum=180000) for h in range(1, 24 * 31)],
                               ignore_conflicts=True)
    user = User.objects.filter(is_superuser=False, role="admin").first()
    sensor = Sensor.objects.get(pk=sensor_id)
    times = []
    for _ in range(50):
        t0 = time.perf_counter()
        out = trend(user, sensor, "30d")
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"points": len(out["points"]), "p50_ms": statistics.median(times), "p95_ms": times[47]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument("--sensors-per-source", type=int, default=100)
    parser.add_argument("--per-message", type=int, default=500, help="readings per compact batch message")
    parser.add_argument("--latency-samples", type=int, default=40)
    parser.add_argument("--keep-db", action="store_true", help="reuse the bench database and its sensors")
    args = parser.parse_args()
    var = ROOT / "var" / "bench-monitoring"
    var.mkdir(parents=True, exist_ok=True)
    if not args.keep_db:
        print("setting up the database…", flush=True)
        setup_database(var)
    os.environ.update(env_for(var))
    sys.path.insert(0, str(ROOT))
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    django.setup()
    from anjian.monitoring.models import Sensor

    if args.keep_db and Sensor.objects.exists():
        sensors = list(Sensor.objects.order_by("id").values("id", "enterprise_id", "source_id", "code"))
        from anjian.monitoring.models import Alarm

        Alarm.objects.filter(sensor_id__in=[s["id"] for s in sensors[:args.latency_samples]]).update(state="closed")
    else:
        sensors = make_sensors(args.sources, args.sensors_per_source)
    print(f"{len(sensors)} sensors; measuring the broker…", flush=True)
    root = f"bench-{uuid.uuid4().hex[:8]}"
    base = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2)).replace(microsecond=0) \
        + datetime.timedelta(microseconds=uuid.uuid4().int % 1_000_000)  # a fresh set of moments each run
    messages, total = batches(sensors, args.readings, args.per_message, base)
    broker = broker_rate(messages, total, root)
    print(f"broker: {broker}; ingest ×1…", flush=True)
    one = ingest_rate(var, sensors, args.readings, args.per_message, base + datetime.timedelta(minutes=10), 1, root)
    print(f"×1: {one}; ingest ×2…", flush=True)
    two = ingest_rate(var, sensors, args.readings, args.per_message, base + datetime.timedelta(minutes=40), 2, root)
    print(f"×2: {two}; alarm latency…", flush=True)
    latency = alarm_latency(var, sensors, args.latency_samples, root)
    trend = trend_timing(sensors[-1]["id"])
    load = os.getloadavg()
    lines = [
        "# bench/monitoring — results", "",
        f"Measured {datetime.datetime.now():%Y-%m-%d %H:%M} on {platform.node()} ({os.cpu_count()} cores, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end, shared with other work), "
        f"PostgreSQL, Mosquitto on 127.0.0.1:1883, {len(sensors)} sensors, compact batches of "
        f"{args.per_message} readings, QoS 1. Command: `.venv/bin/python bench/monitoring/run.py "
        f"--readings {args.readings}`.", "",
        "| what | readings | seconds | readings/s |", "| --- | ---: | ---: | ---: |",
        f"| broker → subscriber writing nothing (the ceiling) | {broker['readings']:,} | {broker['seconds']:.1f} | "
        f"{broker['rate']:,.0f} |",
        f"| `ingest_mqtt` ×1 → PostgreSQL (rollups, alarm machine) | {one['stored']:,} | {one['seconds']:.1f} | "
        f"{one['rate']:,.0f} |",
        f"| `ingest_mqtt` ×2, shared subscription | {two['stored']:,} | {two['seconds']:.1f} | {two['rate']:,.0f} |",
        "",
        f"CPU of the ingest processes themselves (PostgreSQL's not counted): ×1 {one['cpu_seconds']:.1f} s, "
        f"{one['per_cpu_second']:,.0f} readings per CPU-second; ×2 {two['cpu_seconds']:.1f} s, "
        f"{two['per_cpu_second']:,.0f} per CPU-second. With the machine shared, this is the figure that does "
        f"not depend on the load.", "",
        f"Ingest ÷ broker: ×1 {one['rate'] / broker['rate']:.0%}, ×2 {two['rate'] / broker['rate']:.0%} "
        f"(goal ≥ 20,000 readings/s and ≥ 50 % of the broker's rate).", "",
        f"Alarm latency, publish → alarm row (one ingest process, {latency['samples']} samples): "
        f"p50 {latency['p50_ms']:.0f} ms, p95 {latency['p95_ms']:.0f} ms (goal p95 < 1 s).", "",
        f"A sensor's 30-day trend from hour rollups ({trend['points']} points, `selectors.trend`): "
        f"p50 {trend['p50_ms']:.1f} ms, p95 {trend['p95_ms']:.1f} ms (goal < 100 ms).", "",
    ]
    (Path(__file__).parent / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))
    ok = one["stored"] == one["readings"] and two["stored"] == two["readings"]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

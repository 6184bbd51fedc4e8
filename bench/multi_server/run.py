# ruff: noqa: S603 -- every command run is this installation's own (anjian, gunicorn, locust) with arguments of this script
"""More than one server (issue #12): two gunicorn application servers and two huey workers on one
PostgreSQL database and one Redis, under a bounded locust load spread over both servers; then the
checks (no error, nothing lost, each periodic job once per slot) and bench/multi_server/RESULTS.md.

    .venv/bin/python bench/multi_server/run.py                 # ≈4–5 minutes on 2 cores
    .venv/bin/python bench/multi_server/run.py --duration 60 --users 20

Everything stays on this machine: the servers listen on 127.0.0.1, locust sends only there, the
run stops by itself (``--duration``). The database (``--database``, default bench_multi) is dropped
and created afresh; the Redis database number (``--redis-db``, default 12) is emptied. Logs, locust's
CSV files and the shared media directory go to bench/results/multi_server/ (ignored by git).
Locust comes from the pinned ``bench`` extra of pyproject.toml, installed into its own virtualenv
(bench/results/locust-venv) so that its pytest plugin never enters the project's test runs.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OUT = ROOT / "bench" / "results" / "multi_server"
LOCUST_VENV = ROOT / "bench" / "results" / "locust-venv"
BENCH_SECRET = "bench-multi-server-secret-key-not-for-production-0123456789abcdef"
SCAN_JOB = "anjian.alerts.tasks.scan_warnings"
DAILY_JOB = "anjian.inspections.tasks.schedule_inspections"


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=int, default=120, help="seconds of load (default 120)")
    p.add_argument("--users", type=int, default=30, help="locust users (default 30: 6 + 6 API clients, the rest web)")
    p.add_argument("--spawn-rate", type=float, default=10)
    p.add_argument("--ports", default="8101,8102", help="the two servers' loopback ports")
    p.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes per server")
    p.add_argument("--database", default="bench_multi")
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"),
                   help="PostgreSQL server address without the database name")
    p.add_argument("--redis", default="redis://127.0.0.1:6379")
    p.add_argument("--redis-db", type=int, default=12)
    p.add_argument("--enterprises-per-township", type=int, default=10,
                   help="demo size (anjian demo's option; default 10: 600 enterprises, to keep the run short)")
    p.add_argument("--locust", default=os.environ.get("LOCUST", ""), help="the locust command (default: own venv)")
    p.add_argument("--results", default=str(HERE / "RESULTS.md"))
    args = p.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database) or args.database == "test":
        p.error("--database: a plain lower-case name, not `test`")
    return args


# --- prerequisites ---------------------------------------------------------------------------

def bench_pin() -> str:
    """The locust requirement pinned in pyproject's ``bench`` extra."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    [pin] = [r for r in extras["bench"] if r.startswith("locust")]
    return pin


def locust_command(given: str) -> str:
    if given:
        return given
    exe = LOCUST_VENV / "bin" / "locust"
    if not exe.exists():
        log(f"installing {bench_pin()} into {LOCUST_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "--quiet", bench_pin()], check=True)
    return str(exe)


def fresh_database(pg: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')


def fresh_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return {"host": socket.gethostname(), "cpu": cpu, "cores": str(os.cpu_count()),
            "memory": f"{mem_kb / 1024 / 1024:.0f} GiB", "os": platform.platform(),
            "python": platform.python_version()}


# --- the processes ----------------------------------------------------------------------------

class Processes:
    """The servers and workers this run started, each in its own process group, stopped by id."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict, logfile: Path) -> subprocess.Popen:
        handle = logfile.open("w")
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.started.append((name, proc))
        log(f"started {name} (pid {proc.pid}), log {logfile.relative_to(ROOT)}")
        return proc

    def stop(self) -> None:
        for _name, proc in reversed(self.started):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for name, proc in reversed(self.started):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop: killing pid {proc.pid}")
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def anjian(env: dict, *argv: str, capture: bool = False) -> str:
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "anjian"), *argv], env=env, cwd=ROOT, check=True,
                         capture_output=capture, text=True)
    return run.stdout if capture else ""


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback address of this run)
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.5)


# --- the checks -------------------------------------------------------------------------------

def locust_stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as fh:
        return {row["Name"]: row for row in csv.DictReader(fh)}


def access_log(path: Path) -> list[tuple[int, str, str]]:
    """(status, method, path) of each request in one server's access log (format: status method path ms)."""
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].isdigit():
            rows.append((int(parts[0]), parts[1], parts[2]))
    return rows


REPORT = re.compile(r"/api/hazards/$")
START = re.compile(r"/api/hazards/\d+/start-rectification/$")


def periodic_log(path: Path) -> dict[str, list]:
    """What one worker's log says of the periodic jobs: enqueued (by its scheduler, per job),
    claimed and skipped slots (core.tasks.once_per_slot), lock refusals and executions."""
    text = path.read_text()
    return {
        "enqueued": sorted(set(re.findall(r"Enqueueing periodic task ([\w.]+): ([0-9a-f-]+)", text))),
        "claimed": re.findall(r"periodic job ([\w.]+): slot (\S+) claimed, running", text),
        "skipped": re.findall(r"periodic job ([\w.]+): slot (\S+) already claimed by another worker, skipped", text),
        "locked": sorted(set(re.findall(r"Task ([0-9a-f-]+) not run, .*lock", text))),
        "executed": sorted(set(re.findall(r"Executing ([\w.]+): ([0-9a-f-]+)", text))),
    }


def query(dsn: str, sql: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, params).fetchall()


def main() -> int:
    args = parse_args()
    ports = [int(p) for p in args.ports.split(",")]
    assert len(ports) == 2, "two servers"
    run_id = f"bench-{uuid.uuid4().hex[:8]}"
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = OUT / stamp
    out.mkdir(parents=True, exist_ok=True)
    dsn = f"{args.pg}/{args.database}"
    redis_url = f"{args.redis}/{args.redis_db}"
    locust = locust_command(args.locust)
    began = time.monotonic()

    fresh_database(args.pg, args.database)
    fresh_redis(redis_url)
    media = out / "shared-media"
    env = {**{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "MEDIA_ROOT"}},
           "DATABASE_URL": dsn, "REDIS_URL": redis_url, "SECRET_KEY": BENCH_SECRET, "ANJIAN_PLAIN_HTTP": "1",
           "ANJIAN_VAR_DIR": str(out / "var"), "ANJIAN_MEDIA_ROOT": str(media), "LOG_LEVEL": "INFO",
           # the warning scan every minute, so a two-minute run has several slots for both workers to contend for
           "ANJIAN_WARN_SCAN_MINUTES": "*", "PYTHONPATH": str(ROOT)}
    log(f"database {args.database} (fresh), Redis db {args.redis_db} (emptied); migrating")
    t = time.monotonic()
    anjian(env, "collectstatic", "--noinput", "--verbosity", "0")  # first: with DEBUG off, pages need the manifest
    anjian(env, "migrate", "--verbosity", "0")
    migrate_seconds = time.monotonic() - t
    anjian(env, "demo", "--enterprises-per-township", str(args.enterprises_per_township))
    setup_seconds = time.monotonic() - t
    log(f"migrated in {migrate_seconds:.0f} s, loaded the demo city in {setup_seconds - migrate_seconds:.0f} s")
    load_before = os.getloadavg()

    procs = Processes()
    hosts = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for i in (1, 2):
            procs.start(f"worker {i}", [str(ROOT / ".venv" / "bin" / "anjian"), "run_huey", "--workers", "2"], env,
                        out / f"worker{i}.log")
        for i, port in enumerate(ports, 1):
            procs.start(f"server {i}", [str(ROOT / ".venv" / "bin" / "gunicorn"), "anjian.wsgi",
                                        "--bind", f"127.0.0.1:{port}", "--workers", str(args.web_workers),
                                        "--timeout", "120", "--access-logfile", str(out / f"access{i}.log"),
                                        "--access-logformat", "%(s)s %(m)s %(U)s %(M)s"],
                        env, out / f"server{i}.log")
        for host in hosts:
            wait_until_up(f"{host}/healthz")
        log(f"load: {args.users} users for {args.duration} s over {', '.join(hosts)}")
        load_env = {**os.environ, "BENCH_HOSTS": ",".join(hosts), "BENCH_RUN": run_id}
        load = subprocess.Popen([locust, "-f", str(HERE / "locustfile.py"), "--headless", "--users", str(args.users),
                                 "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s",
                                 "--host", hosts[0], "--csv", str(out / "locust"), "--only-summary",
                                 "--stop-timeout", "10", "--exit-code-on-error", "0"],
                                env=load_env, cwd=ROOT, stdout=(out / "locust.log").open("w"),
                                stderr=subprocess.STDOUT)
        # Halfway through, the daily inspection job is triggered twice, as two workers' schedulers
        # would at 00:30: each copy goes to whichever worker takes it; it must run once.
        time.sleep(args.duration / 2)
        anjian(env, "shell", "--verbosity", "0", "-c",
               "from anjian.inspections.tasks import schedule_inspections as job; job(); job()")
        log("enqueued the daily inspection job twice")
        load.wait(timeout=args.duration + 120)
        # Let the queue drain (the last minute's scan) before stopping the workers.
        import redis

        queue = redis.Redis.from_url(redis_url)
        deadline = time.monotonic() + 60
        while queue.llen("huey.redis.anjian") and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(3)
    finally:
        procs.stop()
    wall = time.monotonic() - began
    load_after = os.getloadavg()
    log("stopped every server and worker; checking")

    # --- checks ---------------------------------------------------------------------------------
    stats = locust_stats(out / "locust")
    total = stats["Aggregated"]
    failures = int(total["Failure Count"])
    requests = {f"server {i}": access_log(out / f"access{i}.log") for i in (1, 2)}
    per_server = {name: collections.Counter(code for code, _m, _p in rows) for name, rows in requests.items()}
    server_errors = sum(n for counts in per_server.values() for code, n in counts.items() if code >= 500)
    # The successful requests as the servers answered them (locust does not count the few still in
    # flight when the load stops; the servers' logs do).
    reported_ok = sum(1 for rows in requests.values() for code, m, p in rows if code == 201 and m == "POST"
                      and REPORT.match(p))
    started_ok = sum(1 for rows in requests.values() for code, m, p in rows if code == 200 and m == "POST"
                     and START.match(p))
    locust_reported = int(stats["api: report hazard"]["Request Count"]) - int(stats["api: report hazard"]["Failure Count"])
    [(in_db,)] = query(dsn, "SELECT count(*) FROM hazards_hazard WHERE description LIKE %s", f"[{run_id}]%")
    [(rectifying,)] = query(dsn, "SELECT count(*) FROM hazards_hazard WHERE description LIKE %s AND state = %s",
                            f"[{run_id}]%", "rectifying")
    duplicates = query(dsn, "SELECT task, slot, count(*) FROM core_periodicrun GROUP BY task, slot HAVING count(*) > 1")
    rows = collections.Counter(task for (task,) in query(dsn, "SELECT task FROM core_periodicrun"))
    workers = {f"worker {i}": periodic_log(out / f"worker{i}.log") for i in (1, 2)}
    claimed = collections.Counter((job, slot) for w in workers.values() for job, slot in w["claimed"])
    checks = {
        "no failed request (locust)": failures == 0,
        "no HTTP 5xx (access logs of both servers)": server_errors == 0,
        "both servers served": all(sum(c.values()) > 0 for c in per_server.values()),
        "every reported hazard is in the database": reported_ok == in_db and reported_ok > 0,
        "every rectification step is in the database": started_ok == rectifying,
        "core_periodicrun: one row per (job, slot)": not duplicates,
        "each (job, slot) claimed once across the workers": all(n == 1 for n in claimed.values()) and bool(claimed),
        "rows = claims logged": all(rows[job] == sum(1 for (j, _s) in claimed if j == job) for job, _ in claimed),
        "both workers' schedulers enqueued the scan": all(any(j == SCAN_JOB for j, _ in w["enqueued"])
                                                          for w in workers.values()),
        "the daily job ran once though enqueued twice": sum(1 for (j, _s) in claimed if j == DAILY_JOB) == 1
        and sum(1 for w in workers.values() for j, _ in w["executed"] if j == DAILY_JOB) == 2,
    }
    summary = {
        "run": run_id, "stamp": stamp, "machine": machine(), "args": vars(args), "setup_seconds": round(setup_seconds),
        "migrate_seconds": round(migrate_seconds), "loadavg": [round(load_before[0], 1), round(load_after[0], 1)],
        "wall_seconds": round(wall), "requests": int(total["Request Count"]), "failures": failures,
        "rps": float(total["Requests/s"]), "p50": total["50%"], "p95": total["95%"], "p99": total["99%"],
        "per_server": {k: dict(v) for k, v in per_server.items()}, "reported_ok": reported_ok, "locust_reported": locust_reported, "in_db": in_db,
        "started_ok": started_ok, "rectifying": rectifying, "periodic_rows": dict(rows),
        "claimed": {f"{j} {s}": n for (j, s), n in claimed.items()},
        "claimed_by": sorted([j, sl, name] for name, w in workers.items() for j, sl in w["claimed"]),
        "workers": {name: {k: len(v) for k, v in w.items()} for name, w in workers.items()},
        "checks": checks,
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    write_results(Path(args.results), summary, stats, workers)
    for name, ok in checks.items():
        log(f"{'ok  ' if ok else 'FAIL'} {name}")
    log(f"{summary['requests']} requests, {summary['rps']:.1f}/s, p95 {summary['p95']} ms; wall {wall:.0f} s; "
        f"results in {Path(args.results).relative_to(ROOT)}, logs in {out.relative_to(ROOT)}")
    return 0 if all(checks.values()) else 1


def write_results(path: Path, s: dict, stats: dict, workers: dict) -> None:
    m, a = s["machine"], s["args"]
    lines = [
        "# bench/multi_server — results",
        "",
        f"Measured {s['stamp'][:4]}-{s['stamp'][4:6]}-{s['stamp'][6:8]} ({s['stamp']}) by `bench/multi_server/run.py` "
        f"on **{m['host']}**: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}, Python {m['python']}. "
        "The load generator, both servers, both workers, PostgreSQL and Redis share that machine.",
        "",
        f"Set-up: two gunicorn servers ({a['web_workers']} worker processes each, ports {a['ports']}), two "
        f"`anjian run_huey --workers 2` workers (both with the periodic scheduler, the warning scan every "
        f"minute), one PostgreSQL database ({a['database']}, created afresh), Redis db {a['redis_db']}; "
        f"`anjian demo --enterprises-per-township {a['enterprises_per_township']}`; {a['users']} locust users "
        f"for {a['duration']} s, each request sent to the next server in turn. Migrate + demo took "
        f"{s['setup_seconds']} s (migrate {s['migrate_seconds']} s); the whole run {s['wall_seconds']} s.",
        "",
        f"The machine was not idle: its 1-minute load average was {s['loadavg'][0]} before the load and "
        f"{s['loadavg'][1]} after it (other work shares its cores), so the figures below are what these "
        "processes got of it, not the capacity of two dedicated servers.",
        "",
        "## Throughput and response times",
        "",
        f"**{s['rps']:.1f} requests/s** over both servers, **p95 {s['p95']} ms** (p50 {s['p50']} ms, p99 {s['p99']} ms), "
        f"{s['requests']} requests, {s['failures']} failed.",
        "",
        "| request | count | failed | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in sorted(stats.items(), key=lambda kv: (kv[0] == "Aggregated", kv[0])):
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} | "
                     f"{row['50%']} | {row['95%']} | {row['99%']} |")
    lines += ["", "Requests per server (status codes from gunicorn's access logs):", ""]
    for server, counts in s["per_server"].items():
        lines.append(f"- {server}: " + ", ".join(f"{n} × {code}" for code, n in sorted(counts.items())))
    lines += ["", "## Checks", "", "| check | result |", "| --- | --- |"]
    for name, ok in s["checks"].items():
        lines.append(f"| {name} | {'ok' if ok else '**FAILED**'} |")
    lines += [
        "",
        f"- Hazards reported: {s['reported_ok']} successful report requests in the servers' access logs "
        f"({s['locust_reported']} counted by locust, which leaves out those in flight when the load stopped), "
        f"{s['in_db']} hazards of this run in the database; {s['started_ok']} successful start-rectification "
        f"steps, {s['rectifying']} of this run's hazards rectifying.",
        f"- Periodic runs recorded (core_periodicrun): {s['periodic_rows']}.",
    ]
    for job, slot, name in s["claimed_by"]:
        lines.append(f"  - {job.rsplit('.', 1)[-1]} slot {slot}: run by {name}")
    for name, w in workers.items():
        lines.append(f"- {name}: enqueued {len(w['enqueued'])} periodic tasks (its scheduler), executed "
                     f"{len(w['executed'])} tasks, claimed {len(w['claimed'])} slots, skipped {len(w['skipped'])} "
                     f"(slot already claimed), refused {len(w['locked'])} (scan lock held).")
    lines += ["", "Logs and locust's CSV files of the run: `bench/results/multi_server/<stamp>/` (not kept in git).", ""]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())

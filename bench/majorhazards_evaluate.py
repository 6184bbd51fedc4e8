"""Requests per second of POST /api/major-hazard-sources/evaluate on ONE core.

The server is gunicorn with one worker process pinned to CPU 0 (``taskset -c 0``); the load
generator (Python threads, http.client) runs pinned to CPU 1, so it does not take the server's
core. Authentication is a DRF token (Authorization: Token …), as an enterprise system would
call it. Two server set-ups are measured:

- ``sync``: one sync worker — gunicorn's sync worker closes the connection after each response,
  so every request is a new TCP connection;
- ``gthread``: one worker process with 4 threads, keep-alive connections (still one process,
  one core).

The database is the bench's own (``bench/results/var-mh-<db>/`` for SQLite, database
``anjian_bench_mh`` on PostgreSQL), migrated here; never ./var or the test database.

    .venv/bin/python bench/majorhazards_evaluate.py --db sqlite --seconds 15
    .venv/bin/python bench/majorhazards_evaluate.py --db postgres --seconds 15
"""

# The subprocesses are fixed commands of this bench (psql, taskset, the venv's own tools), never user input.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
BODY = json.dumps({"population_500m": 120, "substances": [
    {"cas": "7782-50-5", "name": "氯", "quantity_t": 40},
    {"hazard_class": "W5.3", "name": "某溶剂", "quantity_t": 300},
    {"name": "甲醇", "quantity_t": 800}, {"name": "液氨", "quantity_t": 20}]}).encode()
PATH = "/api/major-hazard-sources/evaluate"


def environment(db: str) -> dict[str, str]:
    var = RESULTS / f"var-mh-{db}"
    (var / "static").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({
        "ANJIAN_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "anjian.settings", "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "ERROR",
        "DATABASE_URL": (f"sqlite:///{var / 'anjian.sqlite3'}" if db == "sqlite"
                         else "postgres://postgres@127.0.0.1:5432/anjian_bench_mh"),
    })
    return env


def prepare(env: dict[str, str], db: str) -> str:
    """Migrate the bench database and answer the key of a token for a bench user."""
    if db == "postgres":
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE anjian_bench_mh"],
                       capture_output=True)
    anjian = str(REPO / ".venv" / "bin" / "anjian")
    subprocess.run([anjian, "migrate", "--verbosity", "0"], env=env, check=True)
    code = ("from rest_framework.authtoken.models import Token\n"
            "from anjian.orgs.models import User\n"
            "u, _ = User.objects.get_or_create(username='bench_mh', defaults={'name': 'bench'})\n"
            "print(Token.objects.get_or_create(user=u)[0].key)\n")
    out = subprocess.run([anjian, "shell", "-c", code], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def gunicorn_pid(proc: subprocess.Popen) -> int:
    """The gunicorn master's pid (``proc`` is taskset, which execs gunicorn: the same pid)."""
    return proc.pid


def start_server(env: dict[str, str], port: int, mode: str) -> subprocess.Popen:
    gunicorn = str(REPO / ".venv" / "bin" / "gunicorn")
    args = ["taskset", "-c", "0", gunicorn, "anjian.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1",
            "--log-level", "warning", "--access-logfile", "/dev/null"]
    if mode == "gthread":
        args += ["-k", "gthread", "--threads", "4", "--keep-alive", "30"]
    proc = subprocess.Popen(args, env=env, cwd=REPO, start_new_session=True)
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            c.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master and its workers."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [master]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def load(port: int, token: str, seconds: float, threads: int, keep_alive: bool) -> dict:
    """Hammer the endpoint from ``threads`` threads for ``seconds``; count 200s, check the answer."""
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}
    counts = [0] * threads
    errors = [0] * threads
    latencies: list[list[float]] = [[] for _ in range(threads)]
    first = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    first.request("POST", PATH, BODY, headers)
    resp = first.getresponse()
    expected = resp.read()
    first.close()
    if resp.status != 200 or b'"grade":2' not in expected:  # S 11.9, R 75.8 → grade 2
        raise SystemExit(f"unexpected answer {resp.status}: {expected[:300]!r}")
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        conn = None
        while time.perf_counter() < stop:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            t0 = time.perf_counter()
            try:
                conn.request("POST", PATH, BODY, headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = None
                continue
            latencies[i].append(time.perf_counter() - t0)
            if resp.status == 200 and data == expected:
                counts[i] += 1
            else:
                errors[i] += 1
            if not keep_alive or resp.will_close:
                conn.close()
                conn = None

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    lat = sorted(x for per in latencies for x in per)
    ok = sum(counts)
    return {"ok": ok, "errors": sum(errors), "seconds": round(elapsed, 2), "rps": round(ok / elapsed, 1),
            "p50_ms": round(lat[len(lat) // 2] * 1000, 2) if lat else None,
            "p99_ms": round(lat[int(len(lat) * 0.99)] * 1000, 2) if lat else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--modes", default="sync,gthread")
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--keep-alive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_only:  # the load generator, run pinned to CPU 1 by the parent
        print(json.dumps(load(args.port, args.token, args.seconds, args.threads, args.keep_alive)))
        return
    env = environment(args.db)
    token = prepare(env, args.db)
    results = {}
    for mode in args.modes.split(","):
        server = start_server(env, args.port, mode)
        try:
            gen = [sys.executable, __file__, "--load-only", "--port", str(args.port), "--token", token,
                   "--threads", str(args.threads)]
            if mode == "gthread":
                gen.append("--keep-alive")
            subprocess.run(["taskset", "-c", "1", *gen, "--seconds", "3"], check=True, capture_output=True)  # warm
            master = gunicorn_pid(server)
            cpu0 = cpu_seconds(master)
            out = subprocess.run(["taskset", "-c", "1", *gen, "--seconds", str(args.seconds)], check=True,
                                 capture_output=True, text=True)
            cpu = cpu_seconds(master) - cpu0
            results[mode] = json.loads(out.stdout)
            # Requests per second of server CPU: what one core sustains when it is the server's alone
            # (the wall-clock rps above also pays for whatever else the machine runs meanwhile).
            results[mode]["server_cpu_s"] = round(cpu, 2)
            results[mode]["rps_per_cpu_s"] = round(results[mode]["ok"] / cpu, 1) if cpu else None
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        print(f"{args.db:8s} {mode:8s} {results[mode]}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (RESULTS / f"majorhazards-evaluate-{args.db}-{stamp}.json").write_text(json.dumps(
        {"db": args.db, "threads": args.threads, "seconds": args.seconds, "results": results}, indent=2))


if __name__ == "__main__":
    main()

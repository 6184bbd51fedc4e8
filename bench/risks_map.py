"""The risk map and its distribution for a province of 50,000 risk points, on PostgreSQL, and
the requests per second of POST /api/risk-assessments/evaluate on one core.

Data set (database ``anjian_bench_risks`` on 127.0.0.1:5432 — the bench's own, never ./var or
the test database): one province, 10 cities × 6 counties × 10 townships, 10,000 enterprises
with coordinates, 50,000 risk points (5 per enterprise, levels from LEC evaluations) written by
COPY, and the enterprises' overall grades. Built once; ``--rebuild`` starts again.

Timings (in process, Django test client, DEBUG off, warm):
- ``map``: GET /api/risk-map/ as the province regulator (whole province: 20,000 of 50,000
  points sent, the distribution by city and by industry, the enterprises), p50/p95;
- ``map_city``: the same filtered to one city; ``map_level``: filtered to level=major;
- ``distribution``: selectors.distribution alone (the grouped SQL + names).

Evaluate: gunicorn, one sync worker pinned to CPU 0 (``taskset -c 0``); the load generator
(threads, http.client, DRF token) pinned to CPU 1.

    .venv/bin/python bench/risks_map.py [--points 50000] [--requests 40] [--seconds 15] [--rebuild]
"""

# ruff: noqa: S603, S607  (a bench script running local tools: psql, gunicorn, taskset)

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
DB = "anjian_bench_risks"
VAR = RESULTS / "var-risks"
EVALUATE = "/api/risk-assessments/evaluate"
BODY = json.dumps({"method": "lec", "l": 3, "e": 6, "c": 15}).encode()


def environment() -> dict[str, str]:
    (VAR / "static").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({"ANJIAN_VAR_DIR": str(VAR), "DJANGO_SETTINGS_MODULE": "anjian.settings", "DEBUG": "0",
                "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
                "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "SECURE_SSL_REDIRECT": "0",
                "LOG_LEVEL": "ERROR", "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}"})
    return env


def pct(values: list[float], p: int) -> float:
    values = sorted(values)
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


# --- the data set ---------------------------------------------------------------------------------

def build(points: int) -> None:
    """Regions, enterprises, risk points (COPY) and grades; skipped when already built."""
    from django.db import connection

    from anjian.enterprises.models import Enterprise, Industry
    from anjian.regions.models import Region
    from anjian.risks import evaluation, services
    from anjian.risks.models import RiskPoint, RiskProfile

    if RiskPoint.objects.count() >= points:
        print(f"data set present: {RiskPoint.objects.count()} risk points")
        return
    rng = random.Random(7)
    t0 = time.perf_counter()
    province = Region.objects.create(code="330000000000", name="基准省", level="province", path="330000000000")
    townships = []
    for c in range(1, 11):
        ccode = f"33{c:02d}00000000"
        city = Region.objects.create(code=ccode, name=f"基准{c}市", level="city", parent=province,
                                     path=province.path + ccode)
        for k in range(1, 7):
            kcode = f"33{c:02d}{k:02d}000000"
            county = Region.objects.create(code=kcode, name=f"{c}市{k}区", level="county", parent=city,
                                           path=city.path + kcode)
            for t in range(1, 11):
                tcode = f"33{c:02d}{k:02d}{t:03d}000"
                townships.append(Region.objects.create(code=tcode, name=f"{c}-{k}-{t}镇", level="township",
                                                       parent=county, path=county.path + tcode))
    industries = list(Industry.objects.filter(children__isnull=True).values_list("pk", flat=True))
    n_ent = max(points // 5, 1)
    ents = []
    for i in range(n_ent):
        tw = townships[i % len(townships)]
        c, k, t = int(tw.code[2:4]), int(tw.code[4:6]), int(tw.code[6:9])
        ents.append(Enterprise(name=f"基准企业{i}", credit_code=f"91BENCH{i:011d}", region=tw, region_path=tw.path,
                               industry_id=rng.choice(industries),
                               longitude=round(118 + c * 0.35 + k * 0.05 + rng.random() * 0.05, 6),
                               latitude=round(28 + (c % 5) * 0.5 + t * 0.04 + rng.random() * 0.04, 6)))
    Enterprise.objects.bulk_create(ents, batch_size=5000)
    ents = list(Enterprise.objects.filter(region_path__startswith=province.path).values_list(
        "pk", "region_path", "industry_id", "longitude", "latitude"))
    profile = RiskProfile.objects.get(code="LEC-V3")
    L, E, C = [10, 6, 3, 1, 0.5], [10, 6, 3, 2, 1], [100, 40, 15, 7, 3, 1]
    buf = io.StringIO()
    per = max(points // len(ents), 1)
    n = 0
    for pk, path, ind, lon, lat in ents:
        for j in range(per):
            r = evaluation.evaluate("lec", {"l": rng.choice(L), "e": rng.choice(E), "c": rng.choice(C)})
            token = f"bench{pk}x{j}"
            buf.write("\t".join(map(str, [
                "f", pk, path, ind, f"风险点{pk}-{j}", "installation", "", "", "", round(float(lon) + rng.uniform(-0.01, 0.01), 6),
                round(float(lat) + rng.uniform(-0.01, 0.01), 6), "责任人", "", "", "", r.level, r.score, "lec", profile.pk,
                "2026-11-01 00:00:00+00", token, 1, "f", "2026-11-01 00:00:00+00", "2026-11-01 00:00:00+00"])) + "\n")
            n += 1
    cols = ("is_voided, enterprise_id, region_path, industry_id, name, kind, department, location, void_reason, "
            "longitude, latitude, responsible_name, responsible_phone, emergency_measures, description, level, score, "
            "method, profile_id, last_assessed_at, card_token, version, is_demo, created_at, updated_at")
    buf.seek(0)
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY risks_riskpoint ({cols}) FROM STDIN") as copy:
            while data := buf.read(1 << 20):
                copy.write(data)
        cur.execute("VACUUM ANALYZE risks_riskpoint")  # the visibility map makes index-only scans possible
    services.refresh_all_enterprise_grades()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE risks_enterpriseriskgrade")
        cur.execute("VACUUM ANALYZE enterprises_enterprise")
    print(f"built {n} risk points, {len(ents)} enterprises in {time.perf_counter() - t0:.1f} s")


def time_map(requests: int) -> dict:
    from django.test import Client

    from anjian.orgs.choices import Role
    from anjian.orgs.models import User
    from anjian.regions.models import Region
    from anjian.risks import selectors

    province = Region.objects.get(code="330000000000")
    user, _ = User.objects.get_or_create(username="bench_risk_province",
                                         defaults={"role": Role.REGULATOR, "scope_region": province})
    client = Client()
    client.force_login(user)
    out = {}
    for name, params in (("map", {}), ("map_city", {"region": "330100000000"}), ("map_level", {"level": "major"})):
        times, size = [], 0
        for i in range(requests + 3):
            t0 = time.perf_counter()
            r = client.get("/api/risk-map/", params)
            body = r.content
            dt = time.perf_counter() - t0
            assert r.status_code == 200, body[:300]
            if i >= 3:  # warm-up
                times.append(dt)
            size = len(body)
        d = json.loads(body)
        out[name] = {"p50_ms": round(pct(times, 50) * 1000, 1), "p95_ms": round(pct(times, 95) * 1000, 1),
                     "bytes": size, "total": d["total"], "shown_points": d["shown_points"],
                     "enterprises": len(d["enterprises"]), "by_region": len(d["by_region"])}
        print(name, out[name])
    times = []
    u = User.objects.get(pk=user.pk)
    for i in range(requests + 3):
        t0 = time.perf_counter()
        selectors.distribution(u, selectors.map_filters(u, {}))
        if i >= 3:
            times.append(time.perf_counter() - t0)
    out["distribution"] = {"p50_ms": round(pct(times, 50) * 1000, 1), "p95_ms": round(pct(times, 95) * 1000, 1)}
    print("distribution", out["distribution"])
    return out


# --- evaluate on one core -----------------------------------------------------------------------

def token() -> str:
    from rest_framework.authtoken.models import Token

    from anjian.orgs.choices import Role
    from anjian.orgs.models import User

    u, _ = User.objects.get_or_create(username="bench_risk_eval", defaults={"role": Role.EXPERT})
    return Token.objects.get_or_create(user=u)[0].key


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def evaluate_rps(env: dict[str, str], key: str, seconds: float, threads: int, port: int = 8192) -> dict:
    gunicorn = str(REPO / ".venv" / "bin" / "gunicorn")
    proc = subprocess.Popen(["taskset", "-c", "0", gunicorn, "anjian.wsgi:application", "-b", f"127.0.0.1:{port}",
                             "-w", "1", "--log-level", "warning", "--access-logfile", "/dev/null"],
                            env=env, cwd=REPO, start_new_session=True)
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/api/risk-map/")  # a 401/403 JSON answer: the server is up
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        os.sched_setaffinity(0, {1})  # the load generator on the other core
        headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("POST", EVALUATE, BODY, headers)
        resp = c.getresponse()
        expected = resp.read()
        assert resp.status == 200 and b'"level":"major"' in expected, expected
        counts, lat = [0] * threads, [[] for _ in range(threads)]
        warm_until = time.perf_counter() + 2
        while time.perf_counter() < warm_until:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", EVALUATE, BODY, headers)
            c.getresponse().read()
        stop = time.perf_counter() + seconds

        def worker(i: int) -> None:
            while time.perf_counter() < stop:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # sync worker: one per request
                t0 = time.perf_counter()
                conn.request("POST", EVALUATE, BODY, headers)
                r = conn.getresponse()
                data = r.read()
                conn.close()
                if r.status == 200 and data == expected:
                    counts[i] += 1
                    lat[i].append(time.perf_counter() - t0)

        worker_pid = int(subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
                         .stdout.split()[0])
        cpu0 = cpu_seconds(worker_pid)
        start = time.perf_counter()
        ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        elapsed = time.perf_counter() - start
        cpu = cpu_seconds(worker_pid) - cpu0
        all_lat = [x for xs in lat for x in xs]
        result = {"requests": sum(counts), "seconds": round(elapsed, 2), "rps": round(sum(counts) / elapsed, 1),
                  "p50_ms": round(pct(all_lat, 50) * 1000, 2), "p95_ms": round(pct(all_lat, 95) * 1000, 2),
                  "worker_cpu_s": round(cpu, 2), "cpu_ms_per_request": round(cpu / max(sum(counts), 1) * 1000, 2),
                  "rps_per_cpu_second": round(sum(counts) / cpu, 1) if cpu else None,
                  "loadavg": Path("/proc/loadavg").read_text().split()[:3],
                  "threads": threads, "server": "gunicorn 1 sync worker, taskset -c 0; load on CPU 1"}
        print("evaluate", result)
        return result
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=50_000)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--skip-evaluate", action="store_true")
    ap.add_argument("--skip-map", action="store_true")
    args = ap.parse_args(argv)
    env = environment()
    if args.rebuild:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {DB}"],
                       capture_output=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {DB}"], capture_output=True)
    subprocess.run([str(REPO / ".venv" / "bin" / "anjian"), "migrate", "--verbosity", "0"], env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    build(args.points)
    results = {"points": args.points}
    if not args.skip_map:
        results["map"] = time_map(args.requests)
    if not args.skip_evaluate:
        results["evaluate"] = evaluate_rps(env, token(), args.seconds, args.threads)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"risks-map-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

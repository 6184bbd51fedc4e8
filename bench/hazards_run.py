"""Province-scale benchmark of the hazard ledger (PostgreSQL): 10,000,000 hazards.

    .venv/bin/python -m bench.hazards_run [--hazards 10000000] [--enterprises 1000000] [--requests 200]

Prints, each beside the same SQL run bare in the same run:
1. the ledger list API — GET /api/hazards/?region=<city>&state=<s>&grade=<g>, a page of 50 with its
   count, by a city regulator (target p95 < 45 ms);
2. the statistics of a city by county and state — ``hazard_statistics(user, group_by="region")``,
   one grouped query (target < 300 ms);
3. the full warning scan including writing the warnings — ``run_all_rules`` (target < 60 s): the
   first scan writes every warning, the second one only confirms them.
The data set is built once (bench/hazards_build.py) and reused while its counts match.

"Plain" re-runs the statements on hazards_hazard the call sent, right after it: their pages are
then in shared_buffers, so plain is the SQL's warm floor. The JSON (bench/results/hazards-<N>-
<time>[-<label>].json) holds the load averages before and after, the ledger's p50/p95 per
state/grade, and EXPLAIN (ANALYZE, BUFFERS) of the slowest ledger request and statistics call.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from datetime import date

from . import build, common, hazards_build
from .common import RESULTS, log, percentile


class Capture:
    """Collects the SQL Django sends (and how long each statement took)."""

    def __init__(self):
        self.queries: list[tuple[str, tuple, float]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, tuple(params) if params is not None and not many else (),
                                 time.perf_counter() - t0))

    def on(self, table: str) -> list[tuple[str, tuple]]:
        return [(s, p) for s, p, _ in self.queries if f'FROM "{table}"' in s and s.lstrip().upper().startswith("SELECT")]


def bare(queries: list[tuple[str, tuple]]) -> float:
    """Run ``queries`` on the driver's cursor (as Django would send them) and fetch: seconds."""
    from django.db import connection

    connection.ensure_connection()
    cur = connection.connection.cursor()
    t0 = time.perf_counter()
    for sql, params in queries:
        cur.execute(sql, params)
        cur.fetchall()
    return time.perf_counter() - t0


def explain(sql: str, params: tuple) -> str:
    from django.db import connection

    cur = connection.connection.cursor()
    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    return "\n".join(r[0] for r in cur.fetchall())


def city_regulators() -> dict[str, object]:
    from anjian.orgs.choices import Role
    from anjian.orgs.models import User
    from anjian.orgs.roles import apply_role_group
    from anjian.regions.models import Region

    out = {}
    for city in Region.objects.filter(level="city", code__startswith="98").order_by("code"):
        user, created = User.objects.get_or_create(
            username=f"bench_city_{city.code}",
            defaults={"name": f"{city.name}应急局（基准）", "role": Role.REGULATOR, "scope_region": city, "is_demo": True})
        if created:
            user.set_unusable_password()
            user.save()
            apply_role_group(user)
        out[city.code] = user
    return out


def ledger(users: dict, requests: int, rng: random.Random) -> dict:
    from django.db import connection
    from rest_framework.test import APIClient

    from anjian.orgs.models import User

    client = APIClient()
    combos = [(c, s, g) for c in users for s in ("reported", "rectifying", "closed") for g in ("general", "major")]
    api_ms, plain_ms, counts, nqueries = [], [], [], []
    by_combo: dict[str, list[float]] = {}
    slowest = (0.0, None)
    for i in range(requests + len(combos)):
        city, state, grade = combos[i] if i < len(combos) else rng.choice(combos)
        user = User.objects.get(pk=users[city].pk)  # a fresh user per request: scope resolved as after log-in
        client.force_authenticate(user)
        cap = Capture()
        t0 = time.perf_counter()
        with connection.execute_wrapper(cap):
            resp = client.get(f"/api/hazards/?region={city}&state={state}&grade={grade}")
        dt = time.perf_counter() - t0
        assert resp.status_code == 200, resp.content[:300]
        plain = bare(cap.on("hazards_hazard"))
        if i < len(combos):
            continue  # warm-up: each distinct request once
        api_ms.append(dt * 1000)
        by_combo.setdefault(f"{state}/{grade}", []).append(dt * 1000)
        plain_ms.append(plain * 1000)
        counts.append(resp.json()["count"])
        nqueries.append(len(cap.queries))
        if dt > slowest[0]:
            slowest = (dt, cap.on("hazards_hazard"))
    out = {
        "requests": len(api_ms), "api_p50_ms": percentile(api_ms, 50), "api_p95_ms": percentile(api_ms, 95),
        "plain_p50_ms": percentile(plain_ms, 50), "plain_p95_ms": percentile(plain_ms, 95),
        "rows_matched_median": sorted(counts)[len(counts) // 2], "queries_per_request": max(nqueries),
        # the API's p50/p95 per state/grade: a city's closed general hazards (~850,000) set the p95
        "api_ms_by_state_grade": {k: {"n": len(v), "p50": round(percentile(v, 50), 1), "p95": round(percentile(v, 95), 1)}
                                  for k, v in sorted(by_combo.items())},
    }
    if slowest[1]:
        out["explain_slowest"] = [explain(s, p) for s, p in slowest[1]]
    return out


def ledger_whole_city(users: dict, rounds: int) -> dict:
    """Not a target, for comparison: GET /api/hazards/?region=<city> — the whole city's ledger
    (~1,000,000 hazards to count), each city ``rounds`` times after one warm-up round."""
    from rest_framework.test import APIClient

    from anjian.orgs.models import User

    client = APIClient()
    ms = []
    for r in range(rounds + 1):
        for city, u in users.items():
            client.force_authenticate(User.objects.get(pk=u.pk))
            t0 = time.perf_counter()
            resp = client.get(f"/api/hazards/?region={city}")
            dt = time.perf_counter() - t0
            assert resp.status_code == 200, resp.content[:300]
            if r:
                ms.append(dt * 1000)
    return {"requests": len(ms), "api_p50_ms": percentile(ms, 50), "api_p95_ms": percentile(ms, 95)}


def statistics(users: dict, rounds: int) -> dict:
    from django.db import connection

    from anjian.hazards.selectors import hazard_statistics
    from anjian.orgs.models import User

    ms, plain = [], []
    slowest = (0.0, None)
    for r in range(rounds + 1):
        for u in users.values():
            user = User.objects.get(pk=u.pk)
            cap = Capture()
            t0 = time.perf_counter()
            with connection.execute_wrapper(cap):
                table = hazard_statistics(user, group_by="region")
            dt = time.perf_counter() - t0
            if r == 0:
                continue  # warm-up round
            ms.append(dt * 1000)
            plain.append(bare(cap.on("hazards_hazard")) * 1000)
            rows = len(getattr(table, "rows", []) or [])
            if dt > slowest[0]:
                slowest = (dt, cap.on("hazards_hazard"))
    out = {"calls": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "max_ms": max(ms),
           "plain_p50_ms": percentile(plain, 50), "plain_p95_ms": percentile(plain, 95), "rows_per_table": rows}
    if slowest[1]:
        out["explain_slowest"] = [explain(s, p) for s, p in slowest[1]]
    return out


def warning_scan() -> dict:
    from django.db import connection
    from django.utils import timezone

    from anjian.alerts.engine import run_all_rules
    from anjian.alerts.models import Warning

    out = {}
    for label in ("first", "second"):
        cap = Capture()
        t0 = time.perf_counter()
        with connection.execute_wrapper(cap):
            counts = run_all_rules(timezone.now())
        dt = time.perf_counter() - t0
        out[label] = {"seconds": round(dt, 2), "sql_seconds": round(sum(q[2] for q in cap.queries), 2),
                      "statements": len(cap.queries), "per_rule": counts}
    out["open_warnings"] = Warning.objects.filter(closed_at__isnull=True).count()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hazards", type=int, default=10_000_000)
    ap.add_argument("--enterprises", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--stat-rounds", type=int, default=3)
    ap.add_argument("--skip-scan", action="store_true")
    ap.add_argument("--build-only", action="store_true", help="build (or check) the data set and stop")
    ap.add_argument("--reset-warnings", action="store_true", help="delete bench warnings first (a cold first scan)")
    ap.add_argument("--label", default="", help="a word added to the result's file name and JSON (e.g. before)")
    args = ap.parse_args(argv)

    hazards_build.use_database(args.hazards)
    common.configure_environment("postgres", args.enterprises, 0)
    build.create_database("postgres", args.enterprises)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from anjian.enterprises.models import Enterprise

    if Enterprise.objects.count() < args.enterprises:
        build.Builder("postgres", args.enterprises).run()
    if hazards_build.hazard_count() != args.hazards:
        if hazards_build.hazard_count():
            raise SystemExit(f"{hazards_build.dbname(args.hazards)} holds a different number of hazards: drop it")
        hazards_build.HazardBuilder(args.hazards, date.today()).run()
    if args.build_only:
        return 0
    load = os.getloadavg()
    result = {"hazards": args.hazards, "enterprises": args.enterprises, "label": args.label, "load_before": load,
              "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "cpus": os.cpu_count()}
    users = city_regulators()
    rng = random.Random(11)
    log("ledger list API …")
    result["ledger"] = ledger(users, args.requests, rng)
    log(json.dumps({k: v for k, v in result["ledger"].items() if k != "explain_slowest"}))
    result["ledger_whole_city"] = ledger_whole_city(users, 3)
    log(json.dumps({"ledger_whole_city": result["ledger_whole_city"]}))
    log("statistics by county …")
    result["statistics"] = statistics(users, args.stat_rounds)
    log(json.dumps({k: v for k, v in result["statistics"].items() if k != "explain_slowest"}))
    if not args.skip_scan:
        if args.reset_warnings:
            from anjian.alerts.models import Warning, WarningRead

            WarningRead.objects.all().delete()
            Warning.objects.all().delete()
        log("warning scan …")
        result["scan"] = warning_scan()
        log(json.dumps(result["scan"], ensure_ascii=False))
    result["load_after"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    path = RESULTS / f"hazards-{args.hazards}-{time.strftime('%Y%m%d-%H%M%S')}{label}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    log(f"results in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmarks of the enforcement app (issue #14) on PostgreSQL, in their own database
(``anjian_bench_enf_<cases>``, never ``test`` nor ./var):

(a) a random draw (双随机) of 1,000 enterprises from a pool of 100,000 with 2,000 eligible
    officers (each holding a valid enforcement certificate) — ``services.make_draw`` end to end:
    the pool, the eligible officers and exclusions, the seeded draw, the stored inputs and the
    entries written. Target: under 2 s.
(b) the case list at N cases (1,000,000 by default) with a city + state filter: the page
    (``/enforcement/cases/``) and the API (``/api/enforcement-cases/``), p95 of the whole request
    against the p95 of the bare SQL the request ran (the same statements, captured from one
    request and re-run on a raw cursor). Goal: under 2×.

Run::

    .venv/bin/python -m bench.enforcement_scale --cases 1000000 --requests 40

The build (once per size, reused while the counts match) migrates, then writes every row with
COPY on the bench's own connection: one province 980000000000 with 2 cities × 5 counties × 10
townships, the city bureau, 100,000 enterprises, 2,000 officers of the bureau with certificates,
and the cases (states, dates and fines spread at random, about a third in each city). Each row is
a model's concrete fields with the model's own defaults, so the schema is exactly migrate's. The
numbers are printed and written to ``bench/results/enforcement-<cases>-<UTC time>.json``; they
depend on the machine and are never a test.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import PG_HOST, PG_PORT, PG_USER, RESULTS, log, percentile  # noqa: E402

PROVINCE = "980000000000"
ENTERPRISES = 100_000
OFFICERS = 2_000
SEED = 20261207


def configure(cases: int) -> str:
    dbname = f"anjian_bench_enf_{cases}"
    vdir = RESULTS / f"var-enf-{cases}"
    (vdir / "static").mkdir(parents=True, exist_ok=True)
    os.environ["ANJIAN_VAR_DIR"] = str(vdir)
    os.environ["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "anjian.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    return dbname


def ensure_database(dbname: str) -> None:
    import psycopg

    with psycopg.connect(f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname=postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            c.execute(f'CREATE DATABASE "{dbname}"')
            log(f"created database {dbname}")


# --- rows as the models' own defaults ------------------------------------------------------------

def _defaults(model) -> dict:
    """Every concrete column of ``model`` (but the id) with the model's default; timestamps now."""
    from django.db import models
    from django.utils import timezone

    out = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            value = timezone.now()
        else:
            value = f.get_default()
        if callable(value):
            value = value()
        out[f.column] = value
    return out


def copy_rows(conn, model, rows, *, with_id: bool = True) -> int:
    """COPY ``rows`` (dicts of column → value over the model's defaults) into the model's table."""
    base = _defaults(model)
    cols = (["id"] if with_id else []) + list(base)
    n = 0
    with conn.cursor() as cur, cur.copy(f'COPY "{model._meta.db_table}" ({", ".join(cols)}) FROM STDIN') as cp:
        for row in rows:
            values = {**base, **row}
            cp.write_row([json.dumps(v) if isinstance(v, (dict, list)) else v for v in (values[c] for c in cols)])
            n += 1
    return n


def build(cases: int) -> None:
    """Write the data set if the counts do not match (a previous build is reused)."""
    import psycopg
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from anjian.enforcement.choices import CaseState
    from anjian.enforcement.models import Case, EnforcementCertificate
    from anjian.enterprises.models import Enterprise, Industry
    from anjian.orgs.choices import DepartmentKind, Role
    from anjian.orgs.models import Department, User
    from anjian.regions.models import Region

    call_command("migrate", verbosity=0)
    _groups()
    if (Enterprise.objects.filter(name__startswith="基准").count() == ENTERPRISES
            and Case.objects.count() == cases and User.objects.filter(username__startswith="enf_officer_").count()
            == OFFICERS):
        log("data set present: reused")
        return
    if Region.objects.filter(code=PROVINCE).exists():
        sys.exit("a partial build is in the way: drop the database and run again")
    t0 = time.perf_counter()
    rng = random.Random(SEED)
    db = settings.DATABASES["default"]
    conn = psycopg.connect(f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={db['NAME']}")
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET session_replication_role = replica")  # keys are consistent by construction

    def next_id(model) -> int:
        with connection.cursor() as cur:
            cur.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')  # noqa: S608 (a model's table)
            return cur.fetchone()[0]

    # regions: province, 2 cities, 5 counties each, 10 townships each
    rid = next_id(Region)
    regions, cities, townships = [], [], []
    province = {"id": rid, "code": PROVINCE, "name": "基准省", "level": "province", "parent_id": None,
                "path": PROVINCE}
    regions.append(province)
    for c in range(2):
        rid += 1
        code = f"98{c + 1:02d}00000000"
        city = {"id": rid, "code": code, "name": f"基准市{c + 1}", "level": "city", "parent_id": province["id"],
                "path": PROVINCE + code}
        regions.append(city)
        cities.append(city)
        for k in range(5):
            rid += 1
            kcode = f"98{c + 1:02d}{k + 1:02d}000000"
            county = {"id": rid, "code": kcode, "name": f"基准县{c + 1}-{k + 1}", "level": "county",
                      "parent_id": city["id"], "path": city["path"] + kcode}
            regions.append(county)
            for t in range(10):
                rid += 1
                tcode = f"98{c + 1:02d}{k + 1:02d}{t + 1:03d}000"
                town = {"id": rid, "code": tcode, "name": f"基准镇{c + 1}-{k + 1}-{t + 1}", "level": "township",
                        "parent_id": county["id"], "path": county["path"] + tcode}
                regions.append(town)
                townships.append(town)
    first_region = regions[0]["id"]
    copy_rows(conn, Region, ({**r} for r in regions))
    # the province's bureau (draws officers of its own department)
    dept_id = next_id(Department)
    copy_rows(conn, Department, [{"id": dept_id, "name": "基准省应急管理厅", "kind": DepartmentKind.REGULATOR,
                                  "region_id": first_region}])
    industries = list(Industry.objects.filter(children__isnull=True).values_list("id", flat=True))
    ent0 = next_id(Enterprise)
    ents = []
    for i in range(ENTERPRISES):
        town = townships[i % len(townships)]
        ents.append((ent0 + i, town))
    copy_rows(conn, Enterprise, ({
        "id": pk, "name": f"基准企业{pk}", "credit_code": f"91980000{pk:010d}", "region_id": town["id"],
        "region_path": town["path"], "industry_id": rng.choice(industries)} for pk, town in ents))
    log(f"regions {len(regions)}, enterprises {ENTERPRISES:,}")
    user0 = next_id(User)
    password = make_password("bench-password")
    users = [{"id": user0 + i, "username": f"enf_officer_{i}", "password": password, "role": Role.REGULATOR,
              "scope_region_id": first_region, "department_id": dept_id, "is_active": True, "name": f"执法员{i}"}
             for i in range(OFFICERS)]
    copy_rows(conn, User, users)
    today = timezone.localdate()
    cert0 = next_id(EnforcementCertificate)
    copy_rows(conn, EnforcementCertificate, ({
        "id": cert0 + i, "officer_id": u["id"], "number": f"ZF-B-{i:06d}", "issuer": "基准省人民政府",
        "issued_on": today - datetime.timedelta(days=400), "valid_until": today + datetime.timedelta(days=400),
        "region_path": PROVINCE} for i, u in enumerate(users)))
    log(f"officers {OFFICERS:,} with certificates")
    states = [s for s, _l in CaseState.choices]
    case0 = next_id(Case)

    def case_rows():
        for i in range(cases):
            pk, town = ents[rng.randrange(ENTERPRISES)]
            state = rng.choice(states)
            found = today - datetime.timedelta(days=rng.randrange(1, 1500))
            yield {"id": case0 + i, "number": f"AJB-{case0 + i:08d}", "department_id": dept_id, "enterprise_id": pk,
                   "region_path": town["path"], "industry_id": rng.choice(industries), "title": "基准案件",
                   "source": "inspection", "discovered_on": found, "state": state, "pre_accident": True,
                   "file_due": found + datetime.timedelta(days=10),
                   "filed_on": found + datetime.timedelta(days=3) if state != "pending" else None,
                   "fine_amount": rng.randrange(0, 100) * 1000, "created_by_id": users[0]["id"]}

    t1 = time.perf_counter()
    copy_rows(conn, Case, case_rows())
    log(f"cases {cases:,} in {time.perf_counter() - t1:.0f} s")
    conn.commit()
    with conn.cursor() as cur:
        for model in (Region, Department, Enterprise, User, EnforcementCertificate, Case):
            table = model._meta.db_table
            cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                        f"(SELECT MAX(id) FROM \"{table}\"))")
    conn.commit()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE")
    conn.close()
    _groups()
    log(f"built in {time.perf_counter() - t0:.0f} s")


def _groups() -> None:
    """The officers' role group (their rights), as the product gives it on saving a user."""
    from anjian.orgs.models import User
    from anjian.orgs.roles import apply_role_group

    for user in User.objects.filter(username__startswith="enf_officer_", groups__isnull=True)[:OFFICERS]:
        apply_role_group(user)


# --- (a) the draw ---------------------------------------------------------------------------------

def bench_draw(runs: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from anjian.enforcement import services
    from anjian.orgs.models import Department, User

    actor = User.objects.get(username="enf_officer_0")
    department = Department.objects.get(name="基准省应急管理厅")
    times, queries, result = [], 0, {}
    for run in range(runs + 1):
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            draw = services.make_draw(actor=actor, department=department, data={
                "n_enterprises": 1000, "officers_per_enterprise": 2, "title": f"基准抽查{run}"})
            elapsed = time.perf_counter() - t
            result = {"pool": draw.pool_size, "entries": draw.entries.count(), "short": draw.short_entries}
            transaction.set_rollback(True)  # every run draws from the same state
        queries = len(ctx)
        if run:  # the first run warms the caches
            times.append(elapsed)
        log(f"draw run {run}: {elapsed * 1000:.0f} ms, {queries} queries, {result}")
    return {"runs": runs, "median_s": round(sorted(times)[len(times) // 2], 3), "max_s": round(max(times), 3),
            "queries": queries, **result, "target_s": 2.0}


# --- (b) the case list ----------------------------------------------------------------------------

def bench_case_list(requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from anjian.enforcement.models import Case
    from anjian.orgs.models import User

    user = User.objects.get(username="enf_officer_0")
    city = "980100000000"
    params = {"region": city, "state": "investigating"}
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    matching = Case.objects.filter(region_path__startswith=PROVINCE + city, state="investigating").count()
    out = {"cases": Case.objects.count(), "matching": matching, "params": params}
    for label, client, url in (("page", page, "/enforcement/cases/"), ("api", api, "/api/enforcement-cases/")):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        # the statements on the cases table (counts, totals, the page): the rest is the session,
        # the user, the menus; they are timed in the request, not in the bare SQL
        sqls = [q["sql"] for q in ctx.captured_queries if "enforcement_case" in q["sql"]]
        n_queries = len(ctx.captured_queries)  # read now: the next request resets the log
        request_ms, bare_ms = [], []
        for r in range(requests + 3):
            t = time.perf_counter()
            response = client.get(url, params)
            elapsed = (time.perf_counter() - t) * 1000
            with connection.cursor() as cur:
                t = time.perf_counter()
                for sql in sqls:
                    cur.execute(sql)
                    cur.fetchall()
                bare = (time.perf_counter() - t) * 1000
            if r >= 3:
                request_ms.append(elapsed)
                bare_ms.append(bare)
        p95, bare95 = percentile(request_ms, 95), percentile(bare_ms, 95)
        out[label] = {"p95_ms": round(p95, 1), "median_ms": round(percentile(request_ms, 50), 1),
                      "bare_sql_p95_ms": round(bare95, 1), "ratio": round(p95 / bare95, 2) if bare95 else None,
                      "queries": n_queries, "case_statements": len(sqls)}
        log(f"case list {label}: p95 {p95:.1f} ms vs bare SQL p95 {bare95:.1f} ms "
            f"(×{p95 / bare95:.2f}), {n_queries} queries, {len(sqls)} on cases")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-draw", action="store_true")
    args = parser.parse_args()
    dbname = configure(args.cases)
    ensure_database(dbname)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    # the pages name their static files; the bench has no collected manifest (time is not spent there)
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    if not args.skip_build:
        build(args.cases)
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
    results = {"when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
               "machine": f"{os.uname().nodename} ({os.cpu_count()} CPUs), PostgreSQL {version}",
               "draw": None if args.skip_draw else bench_draw(args.draws),
               "case_list": bench_case_list(args.requests)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"enforcement-{args.cases}-{stamp}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    print(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    log(f"written {path}")


if __name__ == "__main__":
    main()

"""Accident statistics of a province (PostgreSQL): 200,000 accidents over 10 years.

    .venv/bin/python -m bench.accidents_stats [--accidents 200000] [--enterprises 100000] [--requests 30]

Builds once, into its own database ``anjian_bench_accidents`` (never `test`, never ./var): the
province of build.py (12 cities, 100 counties, 1,500 townships, ``--enterprises`` enterprises,
by build.py's Builder) and the accidents by COPY — secondary indexes dropped during the load and
re-created from their own DDL, so the schema ends exactly as migrate made it — plus the
regional yearly figures (GDP, 工矿商贸 employment, targets) of the province and its cities for the
ten years. Reused while the accident count matches (``--rebuild`` starts over).

Then times, with a fresh user per request (scope resolved as after log-in), after one warm-up:
1. GET /api/accident-statistics/?year=<last year>&target=-20 by a province regulator and by a
   city regulator (every breakdown, year on year, verdicts, rates, ten-year trend);
2. the statistics page /accidents/statistics/ (the same numbers rendered with the charts' data);
3. the xlsx export of the province.
Prints p50/p95 per scenario, the statements per request and their SQL time, and writes
bench/results/accidents-<N>-<time>.json with EXPLAIN (ANALYZE, BUFFERS) of the slowest statement.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from . import build, common
from .common import RESULTS, log, percentile

DBNAME = "anjian_bench_accidents"
SEED = 20261123
YEARS = 10
# The index proposed for Accident.Meta.indexes (PostgreSQL): every column the statistics read, so
# a period's breakdowns are an index-only scan of its time range.
COVERING_INDEX = ('CREATE INDEX IF NOT EXISTS acc_stats_bench_idx ON accidents_accident (occurred_at, region_path) '
                  'INCLUDE (deaths, missing, serious_injuries, minor_injuries, direct_loss_yuan, category, grade, '
                  'industry_id, accident_type_id) WHERE NOT is_voided')
ADDRESSES = ["厂区车间", "仓库", "施工现场", "国道", "县道", "商场", "装卸区", "配电室", "锅炉房"]


def use_database() -> None:
    """Point build.py's helpers (and the project's settings) at this bench's own database."""
    common.pg_dbname = lambda enterprises: DBNAME  # noqa: ARG005 - one database
    build.pg_dbname = common.pg_dbname
    base_var_dir = common.var_dir
    common.var_dir = lambda db, enterprises: base_var_dir(db, enterprises).with_name("var-accidents")
    build.var_dir = common.var_dir


class AccidentBuilder:
    """Writes the accidents of the province by COPY, indexes off during the load."""

    COLUMNS = ["id", "number", "occurred_at", "region_id", "region_path", "address", "enterprise_id", "industry_id",
               "grid_id", "category", "accident_type_id", "deaths", "missing", "serious_injuries", "minor_injuries",
               "direct_loss_yuan", "grade", "summary", "state", "version", "is_demo", "created_at", "updated_at",
               "is_voided", "void_reason"]

    def __init__(self, n: int, today: date):
        self.n = n
        self.today = today
        self.rng = random.Random(SEED)
        self.w = build.PgWriter(DBNAME)

    def _rows_of(self, sql: str) -> list[tuple]:
        with self.w.conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    def rows(self, first_id: int, enterprises: list[tuple], region_id: dict[str, int], townships: list[tuple],
             types: dict[str, list[int]]) -> Iterator[tuple]:
        """The accident rows (read lazily by COPY: every lookup is loaded before)."""
        from anjian.accidents.grading import grade_for

        rng = self.rng
        switch = date(2026, 7, 1)  # GB 6441-2025 in force
        first_day = date(self.today.year - YEARS + 1, 1, 1)
        span = (self.today - first_day).days
        # Rows go in in the order accidents happen (ids grow with time, as reports arrive): the
        # table is then clustered by time like a live one, which a period's scan relies on.
        moments = sorted((first_day + timedelta(days=int(span * rng.random())), rng.randrange(24), rng.randrange(60))
                         for _ in range(self.n))
        for i, (day, hour, minute) in enumerate(moments):
            occurred = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
            if rng.random() < 0.65:  # 工矿商贸: in an enterprise
                ent_id, path, industry_id, grid_id = enterprises[rng.randrange(len(enterprises))]
                category, reg = "industrial", region_id[path]
            else:
                ent_id = industry_id = grid_id = None
                reg, path = townships[rng.randrange(len(townships))]
                category = rng.choices(["road_traffic", "fire", "water_transport", "other"], weights=(70, 20, 5, 5))[0]
            r = rng.random()
            deaths = 0 if r < 0.55 else 1 if r < 0.93 else 2 if r < 0.985 else rng.randint(3, 12)
            serious = rng.choice((0, 0, 0, 1, 2)) if rng.random() < 0.3 else 0
            minor = rng.randint(0, 4)
            missing = 1 if rng.random() < 0.01 else 0
            loss = Decimal(rng.randint(5, 3000) * 1000)
            grade, _by = grade_for(deaths=deaths, serious_injuries=serious, direct_loss_yuan=loss, on=day)
            scheme = "GB6441-2025" if day >= switch else "GB6441-1986"
            ts = occurred.isoformat()
            aid = first_id + i
            yield (aid, f"SG{day.year}{aid:09d}", ts, reg, path, rng.choice(ADDRESSES), ent_id, industry_id, grid_id,
                   category, rng.choice(types[scheme]), deaths, missing, serious, minor, loss, grade,
                   "基准事故", "closed" if day < self.today - timedelta(days=200) else "reported", 1, True, ts, ts,
                   rng.random() < 0.005, "")

    @staticmethod
    def figures(today: date) -> int:
        """Yearly figures of the province and its cities for every year (GDP, employment, −20 % targets)."""
        from anjian.regions.models import Region, RegionYearFigure

        rng = random.Random(SEED + 1)
        RegionYearFigure.objects.filter(region__code__startswith="98").delete()
        regions = list(Region.objects.filter(code__startswith="98", level__in=["province", "city"]))
        rows = []
        for region in regions:
            base = Decimal(80000 if region.level == "province" else 6000)
            for year in range(today.year - YEARS + 1, today.year + 1):
                rows.append(RegionYearFigure(
                    region=region, region_path=region.path, year=year, is_demo=True,
                    gdp_100m_yuan=(base * Decimal(str(round((1 + 0.06 * (year - 2016)) * rng.uniform(0.9, 1.1), 4))))
                    .quantize(Decimal("0.01")),
                    industrial_employment=int(float(base) * 300 * rng.uniform(0.9, 1.1)),
                    count_target_pct=Decimal("-20"), deaths_target_pct=Decimal("-20"), source="基准"))
        RegionYearFigure.objects.bulk_create(rows)
        return len(rows)

    def run(self) -> dict:
        from django.db import models
        from django.db.models.fields import NOT_PROVIDED

        from anjian.accidents.models import Accident

        t_all = time.perf_counter()
        # Text fields the core adds (blank, no default: causes, reporters…) are written empty.
        blanks = [f.column for f in Accident._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField) and f.blank and f.default is NOT_PROVIDED
                  and f.column not in self.COLUMNS]
        table, cols, extras = build.table_columns(Accident, self.COLUMNS + blanks)
        extras = ("",) * len(blanks) + extras
        dropped = self.w.secondary_indexes(table)
        for name, _ddl in dropped:
            self.w.drop_index(name)
        t0 = time.perf_counter()
        enterprises = self._rows_of("SELECT id, region_path, industry_id, grid_id FROM enterprises_enterprise")
        region_id = dict(self._rows_of("SELECT path, id FROM regions_region"))
        townships = self._rows_of("SELECT id, path FROM regions_region WHERE level = 'township'")
        types = {scheme: [r[0] for r in self._rows_of(
            f"SELECT id FROM standards_accidenttype WHERE scheme = '{scheme}' ORDER BY sort")]  # noqa: S608
            for scheme in ("GB6441-1986", "GB6441-2025")}
        first = build.next_id(self.w, table)
        self.w.conn.commit()
        rows = self.rows(first, enterprises, region_id, townships, types)
        n = self.w.insert(table, cols, build.with_extras(rows, extras))
        log(f"  accidents: {n:,} rows in {time.perf_counter() - t0:.1f} s")
        for name, ddl in dropped:
            t1 = time.perf_counter()
            self.w.execute(ddl)
            log(f"    index {name}: {time.perf_counter() - t1:.1f} s")
        self.w.reset_sequence(table)
        self.w.analyze([table])
        self.w.close()
        return {"accidents": n, "seconds": round(time.perf_counter() - t_all, 1)}


def accident_count() -> int:
    import psycopg

    with psycopg.connect(common.pg_conninfo(DBNAME)) as c:
        try:
            return c.execute("SELECT COUNT(*) FROM accidents_accident").fetchone()[0]
        except psycopg.Error:
            return 0


def regulator(region) -> object:
    from anjian.orgs.choices import Role
    from anjian.orgs.models import User
    from anjian.orgs.roles import apply_role_group

    user, created = User.objects.get_or_create(
        username=f"bench_acc_{region.code}",
        defaults={"name": f"{region.name}应急局（基准）", "role": Role.REGULATOR, "scope_region": region,
                  "is_demo": True})
    if created:
        user.set_unusable_password()
        user.save()
        apply_role_group(user)
    return user


class Capture:
    def __init__(self):
        self.queries: list[tuple[str, tuple, float]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, tuple(params) if params is not None and not many else (),
                                 time.perf_counter() - t0))


def timed(user, url: str, requests: int, *, page: bool = False) -> dict:
    from django.db import connection
    from django.test import Client
    from rest_framework.test import APIClient

    from anjian.orgs.models import User

    times, sql, nq = [], [], []
    slowest: tuple[float, str, tuple] = (0.0, "", ())
    for i in range(requests + 1):
        fresh = User.objects.get(pk=user.pk)
        if page:
            client = Client()
            client.force_login(fresh)
        else:
            client = APIClient()
            client.force_authenticate(fresh)
        cap = Capture()
        t0 = time.perf_counter()
        with connection.execute_wrapper(cap):
            resp = client.get(url)
        dt = time.perf_counter() - t0
        assert resp.status_code == 200, (url, resp.status_code, resp.content[:300])
        if i == 0:
            continue  # warm-up
        times.append(dt * 1000)
        sql.append(sum(q[2] for q in cap.queries) * 1000)
        nq.append(len(cap.queries))
        for s, p, t in cap.queries:
            if t > slowest[0]:
                slowest = (t, s, p)
    out = {"url": url, "requests": requests, "p50_ms": round(percentile(times, 50), 1),
           "p95_ms": round(percentile(times, 95), 1), "max_ms": round(max(times), 1),
           "sql_p50_ms": round(percentile(sql, 50), 1), "statements": max(nq),
           "slowest_statement_ms": round(slowest[0] * 1000, 1)}
    if slowest[1].lstrip().upper().startswith("SELECT"):
        cur = connection.connection.cursor()
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1], slowest[2])
        out["explain_slowest"] = "\n".join(r[0] for r in cur.fetchall())
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accidents", type=int, default=200_000)
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--covering-index", action="store_true",
                    help="experiment: add the proposed covering index (bench database only), time, drop it")
    ap.add_argument("--rebuild-accidents", action="store_true", help="empty the accidents (and figures) and build again")
    args = ap.parse_args(argv)

    use_database()
    common.configure_environment("postgres", args.enterprises, 0)
    if args.rebuild:
        import psycopg

        with psycopg.connect(common.pg_conninfo("postgres"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{DBNAME}"')
    build.create_database("postgres", args.enterprises)
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    from anjian.enterprises.models import Enterprise

    if Enterprise.objects.count() < args.enterprises:
        build.Builder("postgres", args.enterprises).run()
    info = {}
    if args.rebuild_accidents:
        from anjian.accidents.models import Accident
        from anjian.regions.models import RegionYearFigure

        with connection.cursor() as cur:
            cur.execute(f'TRUNCATE "{Accident._meta.db_table}" CASCADE')
        RegionYearFigure.objects.all().delete()
    if accident_count() != args.accidents:
        if accident_count():
            raise SystemExit(f"{DBNAME} holds a different number of accidents: use --rebuild")
        log(f"building {args.accidents:,} accidents over {YEARS} years")
        info = AccidentBuilder(args.accidents, date.today()).run()
        log(json.dumps(info))
    from anjian.regions.models import Region, RegionYearFigure

    if not RegionYearFigure.objects.filter(region__code__startswith="98").exists():
        info["figures"] = AccidentBuilder.figures(date.today())
    if args.build_only:
        return 0

    province = Region.objects.get(code="980000000000")
    city = Region.objects.filter(parent=province).order_by("code").first()
    year = date.today().year - 1
    result = {"accidents": args.accidents, "enterprises": args.enterprises, "build": info,
              "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "cpus": os.cpu_count(),
              "load_before": os.getloadavg(), "year": year}
    scenarios = [
        ("api_province", regulator(province), f"/api/accident-statistics/?year={year}&target=-20", False),
        ("api_city", regulator(city), f"/api/accident-statistics/?year={year}&target=-20", False),
        ("page_province", regulator(province), f"/accidents/statistics/?year={year}&target=-20", True),
        ("page_city", regulator(city), f"/accidents/statistics/?year={year}&target=-20", True),
        ("export_province", regulator(province), f"/api/accident-statistics/export/?year={year}", False),
    ]
    call_command("collectstatic", interactive=False, verbosity=0)  # the page's {% static %} (DEBUG off)
    if args.covering_index:
        with connection.cursor() as cur:
            cur.execute(COVERING_INDEX)
        with connection.cursor() as cur:  # Django runs in autocommit: VACUUM may run here
            cur.execute("VACUUM (ANALYZE) accidents_accident")
        result["experiment"] = "covering index: " + COVERING_INDEX
    for name, user, url, page in scenarios:
        log(f"{name} …")
        result[name] = timed(user, url, args.requests if not name.startswith("export") else max(5, args.requests // 3),
                             page=page)
        log(json.dumps({k: v for k, v in result[name].items() if k != "explain_slowest"}))
    result["load_after"] = os.getloadavg()
    if args.covering_index:
        with connection.cursor() as cur:
            cur.execute("DROP INDEX IF EXISTS acc_stats_bench_idx")
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = "-covering" if args.covering_index else ""
    path = RESULTS / f"accidents-{args.accidents}-{time.strftime('%Y%m%d-%H%M%S')}{label}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    log(f"results in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

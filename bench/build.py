"""Build the province-scale data set straight into the tables, fast.

One province (98…, a division code that does not exist, so bench rows never look real),
12 cities, 100 counties, 1,500 townships, 7,500 grids, the departments of every city,
county and township, N enterprises spread over the townships (leaf industries weighted as
in the demo generator) and a current supervision plate for about 90% of them.

PostgreSQL gets COPY (psycopg ``cursor.copy``), SQLite gets ``executemany`` in big
transactions, both on the bench's own connection. The secondary indexes of the two big
tables are dropped before loading and re-created afterwards from their own DDL, so the
schema ends exactly as migrate made it. Rows are generated as a stream of tuples: no ORM
objects, memory stays flat at any size. Historical (simple-history) rows are not written:
the list endpoint does not read them.
"""

from __future__ import annotations

import itertools
import json
import random
import sqlite3
import time
from bisect import bisect
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path

from .common import log, pg_conninfo, pg_dbname, var_dir

PROVINCE_CODE = "980000000000"
CITIES = 12
COUNTIES = 100
TOWNSHIPS_PER_COUNTY = 15
GRIDS_PER_TOWNSHIP = 5
UNSUPERVISED_SHARE = 0.085  # plus closed enterprises (~1.7%): about 90% carry a current plate
SEED = 20261122

CITY_NAMES = ["江城", "云州", "石泉", "临川", "安平", "青阳", "白沙", "东陵", "西岭", "南浦", "北原", "金川"]


# --------------------------------------------------------------------------------------
# Writers: one per backend, each on its own connection (not Django's).
# --------------------------------------------------------------------------------------
class PgWriter:
    kind = "postgres"

    def __init__(self, dbname: str):
        import psycopg

        self.conn = psycopg.connect(pg_conninfo(dbname))
        with self.conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute("SET synchronous_commit = off")
            # The generated keys are consistent by construction; skipping the per-row FK
            # triggers (superuser only) saves a queue of millions of deferred checks.
            try:
                cur.execute("SET session_replication_role = replica")
                self.fk_checks = False
            except Exception:  # not a superuser: keep the checks
                self.conn.rollback()
                self.fk_checks = True
        self.conn.commit()

    def insert(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        cols = ", ".join(f'"{c}"' for c in columns)
        n = 0
        with self.conn.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        self.conn.commit()
        return n

    def scalar(self, sql: str, params=()):
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
        self.conn.commit()
        return row[0] if row else None

    def execute(self, sql: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(sql)
        self.conn.commit()

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """Indexes that back no constraint (primary key and unique constraints stay)."""
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                (table, f'"{table}"'),
            )
            out = cur.fetchall()
        self.conn.commit()
        return out

    def drop_index(self, name: str) -> None:
        self.execute(f'DROP INDEX "{name}"')

    def reset_sequence(self, table: str) -> None:
        self.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1)) FROM \"{table}\""  # noqa: S608 (table names from the models)
        )

    def analyze(self, tables: list[str]) -> None:
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            for t in tables:
                # VACUUM as well: it sets the visibility map a steady-state table has
                # (autovacuum would), which index-only scans need.
                cur.execute(f'VACUUM (ANALYZE) "{t}"')
        self.conn.autocommit = False

    def close(self) -> None:
        self.conn.close()


class SqliteWriter:
    kind = "sqlite"
    chunk = 100_000

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=OFF", "foreign_keys=OFF", "cache_size=-1000000",
                       "temp_store=MEMORY"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.fk_checks = False

    def insert(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        cols = ", ".join(f'"{c}"' for c in columns)
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})'  # noqa: S608
        it = iter(rows)
        n = 0
        while True:
            batch = list(itertools.islice(it, self.chunk))
            if not batch:
                break
            self.conn.execute("BEGIN")
            self.conn.executemany(sql, batch)
            self.conn.execute("COMMIT")
            n += len(batch)
        return n

    def scalar(self, sql: str, params=()):
        row = self.conn.execute(sql.replace("%s", "?"), params).fetchone()
        return row[0] if row else None

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """Named indexes (sqlite_autoindex_* back UNIQUE/PK in the table DDL and have no SQL)."""
        return self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        ).fetchall()

    def drop_index(self, name: str) -> None:
        self.execute(f'DROP INDEX "{name}"')

    def reset_sequence(self, table: str) -> None:
        # AUTOINCREMENT keeps sqlite_sequence up to date on explicit ids; nothing to do.
        pass

    def analyze(self, tables: list[str]) -> None:
        self.conn.execute("ANALYZE")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.conn.close()


def open_writer(db: str, enterprises: int):
    if db == "postgres":
        return PgWriter(pg_dbname(enterprises))
    return SqliteWriter(var_dir(db, enterprises) / "anjian.sqlite3")


# --------------------------------------------------------------------------------------
# Existence, reset
# --------------------------------------------------------------------------------------
def inspect(db: str, enterprises: int) -> str:
    """'ready' when the data set of this size is there (and nothing else), 'absent' when the
    database has no bench province, 'partial' otherwise (an interrupted build)."""
    try:
        if db == "postgres":
            import psycopg

            with psycopg.connect(pg_conninfo("postgres"), autocommit=True) as c:
                if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                 (pg_dbname(enterprises),)).fetchone():
                    return "absent"
        elif not (var_dir(db, enterprises) / "anjian.sqlite3").exists():
            return "absent"
        w = open_writer(db, enterprises)
    except Exception:
        return "absent"
    try:
        try:
            has_province = w.scalar("SELECT COUNT(*) FROM regions_region WHERE code = %s", (PROVINCE_CODE,))
        except Exception:
            return "absent"  # not migrated yet
        if not has_province:
            return "absent"
        total = w.scalar("SELECT COUNT(*) FROM enterprises_enterprise")
        return "ready" if total == enterprises else "partial"
    finally:
        w.close()


def reset(db: str, enterprises: int) -> None:
    """Throw the bench database away (only the bench's own: anjian_bench_N or its var dir)."""
    if db == "postgres":
        import psycopg

        with psycopg.connect(pg_conninfo("postgres"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{pg_dbname(enterprises)}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            p = var_dir(db, enterprises) / f"anjian.sqlite3{suffix}"
            if p.exists():
                p.unlink()


def create_database(db: str, enterprises: int) -> None:
    if db != "postgres":
        return
    import psycopg

    with psycopg.connect(pg_conninfo("postgres"), autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (pg_dbname(enterprises),)).fetchone():
            c.execute(f'CREATE DATABASE "{pg_dbname(enterprises)}"')


# --------------------------------------------------------------------------------------
# Column plumbing: the model decides the columns; fields the bench does not know about
# get their model default, so a new field with a default does not break the build.
# --------------------------------------------------------------------------------------
def table_columns(model, provided: list[str]) -> tuple[str, list[str], tuple]:
    from django.db import connection
    from django.db.models.fields import NOT_PROVIDED

    extras_cols, extras_vals = [], []
    for f in model._meta.concrete_fields:
        if f.column in provided:
            continue
        if f.default is not NOT_PROVIDED:
            value = f.get_db_prep_save(f.get_default(), connection)
        elif f.null:
            value = None
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = "2026-11-22 00:00:00"
        else:
            raise RuntimeError(f"bench/build.py does not know how to fill {model.__name__}.{f.name}")
        extras_cols.append(f.column)
        extras_vals.append(value)
    missing = [c for c in provided if c not in {f.column for f in model._meta.concrete_fields}]
    if missing:
        raise RuntimeError(f"{model.__name__} has no columns {missing}: update bench/build.py")
    return model._meta.db_table, provided + extras_cols, tuple(extras_vals)


def with_extras(rows: Iterable[tuple], extras: tuple) -> Iterator[tuple]:
    if not extras:
        yield from rows
    else:
        for r in rows:
            yield r + extras


def next_id(w, table: str) -> int:
    return (w.scalar(f'SELECT MAX(id) FROM "{table}"') or 0) + 1  # noqa: S608


# --------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------
class Builder:
    def __init__(self, db: str, enterprises: int):
        from anjian.portal.demo import generator as demo

        self.db = db
        self.n = enterprises
        self.w = open_writer(db, enterprises)
        self.rng = random.Random(SEED)
        self.demo = demo
        self.ts_suffix = "+00" if db == "postgres" else ""
        self.timings: dict[str, float] = {}
        rng = self.rng
        self.persons = [demo.person(rng) for _ in range(4000)]
        self.phones = [demo.phone(rng) for _ in range(4000)]

    def _t(self, label: str, t0: float) -> None:
        self.timings[label] = round(time.perf_counter() - t0, 2)
        log(f"  {label}: {self.timings[label]} s")

    # -- reference rows ------------------------------------------------------------------
    def load_industries(self) -> None:
        from anjian.enterprises.models import Industry

        rows = list(Industry.objects.values_list("id", "code", "high_risk"))
        self.industry_by_code = {code: (pk, hr) for pk, code, hr in rows}
        codes = {code for _, code, _ in rows}
        leaves = [c for c in self.demo.INDUSTRY_WEIGHTS
                  if c in codes and not any(o != c and o.startswith(c) for o in codes)]
        self.leaf_codes = leaves
        cum, total = [], 0
        for c in leaves:
            total += self.demo.INDUSTRY_WEIGHTS[c]
            cum.append(total)
        self.leaf_cum = cum

    # -- regions, grids, departments -----------------------------------------------------
    def regions(self) -> None:
        from anjian.regions.models import Region

        t0 = time.perf_counter()
        demo = self.demo
        table, cols, extras = table_columns(
            Region, ["id", "is_voided", "voided_at", "void_reason", "code", "name", "level", "path", "is_demo",
                     "parent_id"])
        rid = next_id(self.w, table)
        rows = []
        province = (rid, PROVINCE_CODE, "基准省", PROVINCE_CODE)
        rows.append((rid, False, None, "", PROVINCE_CODE, "基准省", "province", PROVINCE_CODE, True, None))
        rid += 1
        self.cities, self.counties, self.townships = [], [], []
        per_city = [COUNTIES // CITIES + (1 if c < COUNTIES % CITIES else 0) for c in range(CITIES)]
        for c in range(CITIES):
            code = f"98{c + 1:02d}00000000"
            city = (rid, code, CITY_NAMES[c % len(CITY_NAMES)] + "市", province[3] + code)
            rows.append((rid, False, None, "", code, city[2], "city", city[3], True, province[0]))
            self.cities.append(city)
            rid += 1
            for k in range(per_city[c]):
                ccode = f"{code[:4]}{k + 1:02d}000000"
                name = demo.COUNTY_NAMES[k % len(demo.COUNTY_NAMES)]
                county = (rid, ccode, name, city[3] + ccode, len(self.cities) - 1)
                rows.append((rid, False, None, "", ccode, name, "county", county[3], True, city[0]))
                self.counties.append(county)
                rid += 1
                for t in range(TOWNSHIPS_PER_COUNTY):
                    tcode = f"{ccode[:6]}{t + 1:03d}000"
                    tname = demo.TOWNSHIP_WORDS[(t + k * 3) % len(demo.TOWNSHIP_WORDS)] + ("镇" if t % 3 else "街道")
                    township = (rid, tcode, tname, county[3] + tcode, len(self.counties) - 1)
                    rows.append((rid, False, None, "", tcode, tname, "township", township[3], True, county[0]))
                    self.townships.append(township)
                    rid += 1
        self.w.insert(table, cols, with_extras(rows, extras))
        self.w.reset_sequence(table)
        self._t("regions", t0)

    def grids(self) -> None:
        from anjian.regions.models import Grid

        t0 = time.perf_counter()
        table, cols, extras = table_columns(
            Grid, ["id", "is_voided", "voided_at", "void_reason", "code", "name", "region_path", "officer_name",
                   "officer_phone", "is_demo", "township_id"])
        self.grid_base = gid = next_id(self.w, table)
        rows = []
        rng = self.rng
        for tid, tcode, tname, tpath, _county in self.townships:
            for g in range(GRIDS_PER_TOWNSHIP):
                rows.append((gid, False, None, "", f"{tcode[:9]}G{g + 1:02d}", f"{tname}第{g + 1}网格", tpath,
                             rng.choice(self.persons), rng.choice(self.phones), True, tid))
                gid += 1
        self.w.insert(table, cols, with_extras(rows, extras))
        self.w.reset_sequence(table)
        self._t("grids", t0)

    def departments(self) -> None:
        from anjian.orgs.models import Department

        t0 = time.perf_counter()
        demo = self.demo
        table, cols, extras = table_columns(
            Department, ["id", "is_voided", "voided_at", "void_reason", "name", "kind", "phone", "duties", "is_demo",
                         "region_id"])
        m2m = Department.industries.through
        m2m_table, m2m_cols, m2m_extras = table_columns(m2m, ["id", "department_id", "industry_id"])
        did = next_id(self.w, table)
        mid = next_id(self.w, m2m_table)
        rows, links = [], []
        # Per county: (regulator id, [(industry prefix, department id)]); per township: station id.
        self.county_depts: list[tuple[int, list[tuple[str, int]]]] = []
        self.stations: list[int] = []

        def add(region, name, kind, industry_codes):
            nonlocal did, mid
            rows.append((did, False, None, "", f"{region[2]}{name}", str(kind), self.rng.choice(self.phones), "",
                         True, region[0]))
            for code in industry_codes:
                links.append((mid, did, self.industry_by_code[code][0]))
                mid += 1
            did += 1
            return did - 1

        for city in self.cities:
            for name, kind, codes in demo.CITY_DEPARTMENTS:
                add(city, name, kind, codes)
        for county in self.counties:
            regulator, by_industry = None, []
            for name, kind, codes in demo.COUNTY_DEPARTMENTS:
                pk = add(county, name, kind, codes)
                if name == "应急管理局":
                    regulator = pk
                if kind == "industry":
                    by_industry += [(code, pk) for code in codes]
            self.county_depts.append((regulator, by_industry))
        for township in self.townships:
            self.stations.append(add(township, "安监站", "township_station", []))
        self.w.insert(table, cols, with_extras(rows, extras))
        self.w.insert(m2m_table, m2m_cols, with_extras(links, m2m_extras))
        self.w.reset_sequence(table)
        self.w.reset_sequence(m2m_table)
        self.department_count = len(rows)
        self._t("departments", t0)

    # -- enterprises and supervision -----------------------------------------------------
    def enterprise_rows(self, first_id: int) -> Iterator[tuple]:
        """Enterprises in id order, each in a random township (township sizes vary):
        ids interleave regions as registrations over the years do."""
        from array import array

        demo = self.demo
        rng = self.rng
        r = rng.random
        make_code = demo.make_credit_code
        persons, phones = self.persons, self.phones
        np_, nph = len(persons), len(phones)
        firms, words = demo.FIRM_WORDS, demo.INDUSTRY_WORD
        street_words = demo.TOWNSHIP_WORDS
        # Township weights: log-normal, so some counties are three times the size of others.
        tw = [rng.lognormvariate(0, 0.6) for _ in self.townships]
        t_cum = list(itertools.accumulate(tw))
        t_total = t_cum[-1]
        leaf_cum, leaf_total = self.leaf_cum, self.leaf_cum[-1]
        leaf = [(code, *self.industry_by_code[code], words.get(code[:2], "实业")) for code in self.leaf_codes]
        towns = [(tid, tcode[:6], tname, tpath, int(tcode[4:6]), int(tcode[6:9]))
                 for tid, tcode, tname, tpath, _ in self.townships]
        base_day = date(1995, 1, 1)
        created0 = date(2020, 1, 1)
        day_str = {}

        def dstr(d: date) -> str:
            s = day_str.get(d)
            if s is None:
                s = day_str[d] = d.isoformat()
            return s

        ts = self.ts_suffix
        n = self.n
        # Compact per-enterprise memory for the supervision pass (3 bytes a row).
        self.e_town = array("H")
        self.e_leaf = array("B")
        self.e_closed = array("B")
        for i in range(n):
            eid = first_id + i
            ti = bisect(t_cum, r() * t_total)
            if ti >= len(towns):
                ti = len(towns) - 1
            tid, div6, tname, tpath, c2, c3 = towns[ti]
            li = bisect(leaf_cum, r() * leaf_total)
            if li >= len(leaf):
                li = len(leaf) - 1
            code, ind_id, high_risk, word = leaf[li]
            employees = int(rng.lognormvariate(3.2, 1.1)) + 1
            x = r()
            status = "operating" if x > 0.05 else ("suspended" if x > 0.0167 else "closed")
            established = dstr(base_day + timedelta(days=int(r() * 10500)))
            created = created0 + timedelta(days=i * 2400 // n)
            created_at = f"{dstr(created)} {int(r() * 24):02d}:{int(r() * 60):02d}:{int(r() * 60):02d}{ts}"
            self.e_town.append(ti)
            self.e_leaf.append(li)
            self.e_closed.append(status == "closed")
            yield (
                eid, False, None, "",
                f"{tname}{firms[int(r() * len(firms))]}{word}有限公司（基准{eid:07d}）",
                make_code(div6, eid),
                persons[int(r() * np_)], persons[int(r() * np_)], phones[int(r() * nph)],
                persons[int(r() * np_)], phones[int(r() * nph)],
                f"{tname}{street_words[int(r() * 20)]}路{int(r() * 300) + 1}号",
                tpath,
                round(30.0 + c2 * 0.08 + r() * 0.08, 6), round(120.0 + c3 * 0.02 + r() * 0.05, 6),
                employees > 80 and r() < 0.7, employees, high_risk, status,
                established,
                "2025-06-30" if status != "operating" else None,
                "2026-03-01" if status == "suspended" else None,
                "2025-06-30" if status == "closed" else None,
                True, created_at, created_at,
                self.grid_base + ti * GRIDS_PER_TOWNSHIP + int(r() * GRIDS_PER_TOWNSHIP), tid, ind_id,
            )

    ENTERPRISE_COLUMNS = [
        "id", "is_voided", "voided_at", "void_reason", "name", "credit_code", "legal_representative",
        "principal_name", "principal_phone", "safety_manager_name", "safety_manager_phone", "address",
        "region_path", "latitude", "longitude", "above_scale", "employees", "high_risk", "status",
        "established_on", "status_changed_on", "suspended_on", "closed_on", "is_demo", "created_at",
        "updated_at", "grid_id", "region_id", "industry_id",
    ]

    def supervision_rows(self, first_enterprise: int, first_id: int) -> Iterator[tuple]:
        rng = self.rng
        r = rng.random
        persons, phones = self.persons, self.phones
        np_, nph = len(persons), len(phones)
        towns = self.townships
        leaf_codes = self.leaf_codes
        start = date(2026, 1, 1)
        days = [(start + timedelta(days=d)).isoformat() for d in range(200)]
        created_at = "2026-11-22 00:00:00" + self.ts_suffix
        sid = first_id
        for i in range(self.n):
            if self.e_closed[i] or r() < UNSUPERVISED_SHARE:
                continue
            ti = self.e_town[i]
            regulator, by_industry = self.county_depts[towns[ti][4]]
            code = leaf_codes[self.e_leaf[i]]
            dept = next((pk for prefix, pk in by_industry if code.startswith(prefix)), None)
            if dept is None:
                dept = self.stations[ti] if r() < 0.3 else regulator
            yield (sid, persons[int(r() * np_)], phones[int(r() * nph)], persons[int(r() * np_)],
                   phones[int(r() * nph)], days[int(r() * 200)], None, True, "", created_at, None, dept,
                   first_enterprise + i, None)
            sid += 1

    SUPERVISION_COLUMNS = [
        "id", "leader_name", "leader_phone", "officer_name", "officer_phone", "started_on", "ended_on",
        "is_current", "note", "created_at", "created_by_id", "department_id", "enterprise_id", "officer_id",
    ]

    def big_tables(self) -> None:
        from anjian.enterprises.models import Enterprise, Supervision

        e_table, e_cols, e_extras = table_columns(Enterprise, self.ENTERPRISE_COLUMNS)
        s_table, s_cols, s_extras = table_columns(Supervision, self.SUPERVISION_COLUMNS)
        t0 = time.perf_counter()
        dropped = []
        for table in (e_table, s_table):
            for name, ddl in self.w.secondary_indexes(table):
                self.w.drop_index(name)
                dropped.append((name, ddl))
        self._t("drop secondary indexes", t0)

        t0 = time.perf_counter()
        first_e = next_id(self.w, e_table)
        n = self.w.insert(e_table, e_cols, with_extras(self._progress(self.enterprise_rows(first_e), "enterprises"),
                                                        e_extras))
        self.enterprise_count = n
        self._t("enterprises", t0)

        t0 = time.perf_counter()
        first_s = next_id(self.w, s_table)
        self.supervision_count = self.w.insert(
            s_table, s_cols, with_extras(self.supervision_rows(first_e, first_s), s_extras))
        self._t("supervisions", t0)

        t0 = time.perf_counter()
        for name, ddl in dropped:
            t1 = time.perf_counter()
            self.w.execute(ddl)
            log(f"    index {name}: {time.perf_counter() - t1:.1f} s")
        self._t("re-create indexes", t0)
        self.w.reset_sequence(e_table)
        self.w.reset_sequence(s_table)

    def _progress(self, rows: Iterator[tuple], label: str) -> Iterator[tuple]:
        step = max(100_000, self.n // 10)
        t0 = time.perf_counter()
        for i, row in enumerate(rows, 1):
            yield row
            if i % step == 0:
                log(f"    {label}: {i:,} rows ({i / (time.perf_counter() - t0):,.0f}/s)")

    def run(self) -> dict:
        t_all = time.perf_counter()
        log(f"building {self.n:,} enterprises on {self.db} (FK triggers during load: "
            f"{'on' if self.w.fk_checks else 'off'})")
        self.load_industries()
        self.regions()
        self.grids()
        self.departments()
        self.big_tables()
        t0 = time.perf_counter()
        self.w.analyze(["regions_region", "regions_grid", "orgs_department", "enterprises_enterprise",
                        "enterprises_supervision"])
        self._t("analyze", t0)
        self.w.close()
        info = {
            "db": self.db, "enterprises": self.enterprise_count, "supervisions": self.supervision_count,
            "regions": 1 + len(self.cities) + len(self.counties) + len(self.townships),
            "cities": len(self.cities), "counties": len(self.counties), "townships": len(self.townships),
            "grids": len(self.townships) * GRIDS_PER_TOWNSHIP, "departments": self.department_count,
            "seconds": round(time.perf_counter() - t_all, 1), "steps": self.timings,
            "built_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        }
        (var_dir(self.db, self.n) / "build.json").write_text(json.dumps(info, ensure_ascii=False, indent=2))
        log(f"built in {info['seconds']} s")
        return info


def build_info(db: str, enterprises: int) -> dict:
    p = var_dir(db, enterprises) / "build.json"
    return json.loads(p.read_text()) if p.exists() else {}

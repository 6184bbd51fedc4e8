"""Build the hazard ledger of a province (default 10,000,000 hazards) on top of the enterprise
data set of build.py, straight into the tables by COPY (PostgreSQL only).

The database is `anjian_bench_hazards_<H>` (never `test`, never ./var). Enterprises are built
first by build.py's Builder (1,000,000 by default); each hazard belongs to a random enterprise
and copies its region path, industry and grid, as the service does. Found dates spread over
three years, so the ledger's mix looks like a running system: most hazards closed, a few
percent open and some of those overdue, ~3% major (with their plan, dual report and, for a
part of the open ones, a listed supervision). Secondary indexes are dropped during the load and
re-created from their own DDL, so the schema ends exactly as migrate made it.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from . import build, common
from .common import log

SEED = 20261123
STATES = ["reported", "rectifying", "rectified", "accepted", "closed"]
SOURCES = ["self_inspection", "government", "expert", "grid_patrol", "public_tip", "enterprise_system"]
SOURCE_WEIGHTS = [62, 18, 4, 12, 2, 2]
CATEGORIES = ["person", "object", "environment", "management"]
DESCRIPTIONS = [
    "配电箱门未关闭，线路绝缘层破损裸露", "冲压机安全联锁失效", "消防通道堆放货物", "砂轮机防护罩缺失",
    "叉车驾驶员无证作业", "危险化学品未分类存放", "可燃气体报警器未投用", "有限空间作业未检测",
    "应急照明灯损坏", "除尘器未设泄爆装置", "压力表超过检定有效期", "临边防护栏缺失",
]
LOCATIONS = ["配电室", "一车间", "二车间", "仓库", "危化品库", "锅炉房", "装卸区", "办公楼", "厂区道路"]


def dbname(hazards: int) -> str:
    return f"anjian_bench_hazards_{hazards}"


def use_database(hazards: int) -> None:
    """Point build.py's helpers (and the project's settings) at this bench's own database."""
    name = dbname(hazards)
    common.pg_dbname = lambda enterprises: name  # noqa: ARG005 - one database per hazard count
    build.pg_dbname = common.pg_dbname
    base_var_dir = common.var_dir
    common.var_dir = lambda db, enterprises: base_var_dir(db, enterprises).with_name(f"var-hazards-{hazards}")
    build.var_dir = common.var_dir


class HazardBuilder:
    """Writes the hazards (and listings) of the province by COPY, indexes off during the load."""

    def __init__(self, hazards: int, today: date):
        self.n = hazards
        self.today = today
        self.rng = random.Random(SEED)
        self.w = build.PgWriter(common.pg_dbname(0))
        self.timings: dict[str, float] = {}

    def _t(self, label: str, t0: float) -> None:
        self.timings[label] = round(time.perf_counter() - t0, 2)
        log(f"  {label}: {self.timings[label]} s")

    def _enterprises(self) -> list[tuple]:
        with self.w.conn.cursor() as cur:
            cur.execute("SELECT id, region_path, industry_id, grid_id FROM enterprises_enterprise ORDER BY id")
            return cur.fetchall()

    def _criteria(self) -> list[int]:
        with self.w.conn.cursor() as cur:
            cur.execute("SELECT id FROM standards_majorhazardcriterion ORDER BY id LIMIT 200")
            ids = [r[0] for r in cur.fetchall()]
            if ids:
                return ids
            cur.execute("INSERT INTO standards_criteriadocument (code, title, document_number, issuer, "
                        "effective_from, source_note, is_active) VALUES ('BENCH', '基准判定标准', '', '', "
                        "'2023-05-15', 'bench', true) RETURNING id")
            doc = cur.fetchone()[0]
            cur.execute("INSERT INTO standards_majorhazardcriterion (document_id, code, section, item_no, text, "
                        "is_confirmed, sort, is_active) VALUES (%s, 'BENCH-1', '', '1', '基准条款', true, 1, true) "
                        "RETURNING id", (doc,))
            ids = [cur.fetchone()[0]]
        self.w.conn.commit()
        return ids

    HAZARD_COLUMNS = [
        "id", "number", "enterprise_id", "region_path", "industry_id", "grid_id", "location", "description",
        "category", "grade", "criterion_id", "source", "finder_name", "found_at", "deadline", "original_deadline",
        "state", "version", "rectification_note", "rectified_at", "accepted_at", "closed_at",
        "plan_responsible", "plan_measures", "plan_funds", "plan_deadline", "plan_contingency",
        "reported_to_regulator_on", "reported_to_congress_on", "is_listed", "is_demo", "created_at", "updated_at",
        "is_voided", "void_reason",
    ]

    def hazard_rows(self, first_id: int, enterprises: list[tuple], criteria: list[int]) -> Iterator[tuple]:
        rng, today = self.rng, self.today
        span = 3 * 365
        self.listed: list[tuple] = []
        for i in range(self.n):
            hid = first_id + i
            ent_id, path, industry_id, grid_id = enterprises[rng.randrange(len(enterprises))]
            age = int(span * (rng.random() ** 1.3))  # more recent hazards than old ones
            found = today - timedelta(days=age)
            found_at = datetime(found.year, found.month, found.day, 1 + rng.randrange(10), rng.randrange(60),
                                tzinfo=UTC)
            major = rng.random() < 0.03
            deadline = found + timedelta(days=rng.choice((60, 90, 120) if major else (7, 15, 30, 60)))
            if age < 10:
                state = rng.choice(("reported", "reported", "rectifying"))
            elif age < 60:
                state = rng.choices(STATES, weights=(12, 28, 12, 8, 40))[0]
            else:
                state = rng.choices(STATES, weights=(1, 2, 1, 1, 95))[0]
            rectified_at = accepted_at = closed_at = None
            if state in ("rectified", "accepted", "closed"):
                r = min(today, found + timedelta(days=rng.randint(1, 40)))
                rectified_at = f"{r.isoformat()} 09:00:00+00"
                if state in ("accepted", "closed"):
                    accepted_at = f"{min(today, r + timedelta(days=rng.randint(0, 5))).isoformat()} 10:00:00+00"
                if state == "closed":
                    closed_at = accepted_at
            plan = ("企业负责人", "整改方案", 50000, deadline.isoformat(), "应急预案") if major and rng.random() < 0.9 \
                else ("", "", None, None, "")
            reg_on = found.isoformat() if major and rng.random() < 0.9 else None
            con_on = found.isoformat() if major and rng.random() < 0.8 else None
            listed = major and state != "closed" and rng.random() < 0.3
            if listed:
                self.listed.append((hid, ent_id, path, industry_id, deadline))
            yield (
                hid, f"YH{found.year}{hid:09d}", ent_id, path, industry_id, grid_id, rng.choice(LOCATIONS),
                rng.choice(DESCRIPTIONS), rng.choice(CATEGORIES), "major" if major else "general",
                rng.choice(criteria) if major else None, rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0], "基准",
                found_at.isoformat(), deadline.isoformat(), deadline.isoformat(), state,
                1 + STATES.index(state), "已整改" if rectified_at else "", rectified_at, accepted_at, closed_at,
                *plan, reg_on, con_on, listed, True, found_at.isoformat(), found_at.isoformat(), False, "",
            )

    def listing_rows(self, first_id: int, department_by_county: dict[str, int]) -> Iterator[tuple]:
        for k, (hid, ent_id, path, industry_id, deadline) in enumerate(self.listed):
            dept = department_by_county.get(path[:36])
            if dept is None:
                continue
            yield (first_id + k, hid, "county", dept, "", "", deadline.isoformat(), "listed",
                   f"{deadline.isoformat()} 00:00:00+00", path, ent_id, industry_id, "")

    def run(self) -> dict:
        from anjian.hazards.models import Hazard, ListedSupervision

        t_all = time.perf_counter()
        h_table, h_cols, h_extras = build.table_columns(Hazard, self.HAZARD_COLUMNS)
        l_table, l_cols, l_extras = build.table_columns(ListedSupervision, [
            "id", "hazard_id", "level", "department_id", "document_number", "requirements", "deadline", "state",
            "listed_at", "region_path", "enterprise_id", "industry_id", "delist_comment"])
        enterprises = self._enterprises()
        criteria = self._criteria()
        with self.w.conn.cursor() as cur:
            cur.execute("SELECT r.path, d.id FROM orgs_department d JOIN regions_region r ON r.id = d.region_id "
                        "WHERE d.kind = 'regulator' AND r.level = 'county'")
            department_by_county = dict(cur.fetchall())
        log(f"building {self.n:,} hazards over {len(enterprises):,} enterprises")
        t0 = time.perf_counter()
        dropped = []
        for table in (h_table, l_table):
            for name, ddl in self.w.secondary_indexes(table):
                self.w.drop_index(name)
                dropped.append((name, ddl))
        self._t("drop secondary indexes", t0)
        t0 = time.perf_counter()
        first = build.next_id(self.w, h_table)
        step = max(500_000, self.n // 20)
        rows = self.hazard_rows(first, enterprises, criteria)

        def progress(it):
            t1 = time.perf_counter()
            for i, r in enumerate(it, 1):
                yield r
                if i % step == 0:
                    log(f"    hazards: {i:,} rows ({i / (time.perf_counter() - t1):,.0f}/s)")

        n = self.w.insert(h_table, h_cols, build.with_extras(progress(rows), h_extras))
        self._t("hazards", t0)
        t0 = time.perf_counter()
        n_listed = self.w.insert(l_table, l_cols, build.with_extras(
            self.listing_rows(build.next_id(self.w, l_table), department_by_county), l_extras))
        self._t("listings", t0)
        t0 = time.perf_counter()
        for name, ddl in dropped:
            t1 = time.perf_counter()
            self.w.execute(ddl)
            log(f"    index {name}: {time.perf_counter() - t1:.1f} s")
        self._t("re-create indexes", t0)
        self.w.reset_sequence(h_table)
        self.w.reset_sequence(l_table)
        t0 = time.perf_counter()
        self.w.analyze([h_table, l_table])
        self._t("analyze", t0)
        self.w.close()
        info = {"hazards": n, "listings": n_listed, "enterprises": len(enterprises),
                "seconds": round(time.perf_counter() - t_all, 1), "steps": self.timings,
                "built_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
        (common.var_dir("postgres", 0) / "hazards-build.json").write_text(json.dumps(info, indent=2))
        log(f"hazards built in {info['seconds']} s")
        return info


def hazard_count() -> int:
    import psycopg

    with psycopg.connect(common.pg_conninfo(common.pg_dbname(0))) as c:
        try:
            return c.execute("SELECT COUNT(*) FROM hazards_hazard").fetchone()[0]
        except psycopg.Error:
            return 0

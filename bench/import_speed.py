"""Import throughput: a 150,000-row xlsx in the template's columns through ``import_enterprises``.

The file holds valid rows only (townships, grids and leaf industries of the bench province,
fresh credit codes with correct check characters), so the whole file is written. The actor
is a system administrator. Afterwards every row the import wrote (enterprises, their
history rows, the import event) is deleted again, so the bench database stays at its size
and the next run reuses it.

Phases are measured by wrapping, for the duration of the run only, the functions the import
calls to read the file and to write the rows, and its transaction: with the one import pipeline
(``core.imports.run_import``, since 2026-12-07) the reader is ``core.imports.read_rows`` and the
transaction is the pipeline's; before it, ``read_enterprise_rows`` and the transaction of the
enterprise import module. The writer is ``write_enterprises`` of the enterprise import module
(before 2026-11: ``bulk_create_with_history``). Validation, lookups and the commit are what lies
between.
"""

from __future__ import annotations

import random
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from .common import RESULTS, log

SERIAL_BASE = 50_000_000  # credit-code serials of the import file; the build uses 1..N
PARSE_FUNCTIONS = ("read_enterprise_rows", "read_rows")
WRITE_FUNCTIONS = ("write_enterprises", "bulk_create_with_history")


def make_xlsx(path: Path, rows: int, seed: int = 11) -> float:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from anjian.enterprises.imports import ENTERPRISE_COLUMNS
    from anjian.enterprises.models import Industry
    from anjian.portal.demo import generator as demo
    from anjian.regions.models import Grid

    from .build import PROVINCE_CODE

    t0 = time.perf_counter()
    rng = random.Random(seed)
    r = rng.random
    grids: dict[str, list[str]] = {}
    for code, tcode, tname in (Grid.objects.filter(region_path__startswith=PROVINCE_CODE)
                               .values_list("code", "township__code", "township__name").iterator()):
        grids.setdefault((tcode, tname), []).append(code)
    towns = list(grids)
    codes = set(Industry.objects.values_list("code", flat=True))
    leaves = [c for c in demo.INDUSTRY_WEIGHTS if c in codes and not any(o != c and o.startswith(c) for o in codes)]
    weights = [demo.INDUSTRY_WEIGHTS[c] for c in leaves]
    persons = [demo.person(rng) for _ in range(2000)]
    phones = [demo.phone(rng) for _ in range(2000)]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名单")
    ws.append([c.header + (" *" if c.required else "") for c in ENTERPRISE_COLUMNS])
    for i in range(rows):
        tcode, tname = towns[int(r() * len(towns))]
        industry = rng.choices(leaves, weights)[0]
        employees = int(rng.lognormvariate(3.2, 1.1)) + 1
        has_coords = r() < 0.8
        value = {
            "name": f"{tname}{rng.choice(demo.FIRM_WORDS)}{demo.INDUSTRY_WORD.get(industry[:2], '实业')}"
                    f"有限公司（导入{i + 1:06d}）",
            "credit_code": demo.make_credit_code(tcode[:6], SERIAL_BASE + i),
            "region_code": tcode,
            "industry_code": industry,
            "grid_code": rng.choice(grids[(tcode, tname)]) if r() < 0.9 else "",
            "legal_representative": rng.choice(persons),
            "principal_name": rng.choice(persons),
            "principal_phone": rng.choice(phones),
            "safety_manager_name": rng.choice(persons),
            "safety_manager_phone": rng.choice(phones),
            "address": f"{tname}{rng.choice(demo.TOWNSHIP_WORDS)}路{rng.randint(1, 300)}号",
            "latitude": round(30 + r() * 3, 6) if has_coords else None,
            "longitude": round(118 + r() * 4, 6) if has_coords else None,
            "above_scale": "是" if employees > 80 and r() < 0.7 else "否",
            "employees": employees,
            "high_risk": "" if r() < 0.8 else rng.choice(["是", "否"]),
            "established_on": date(1995, 1, 1) + timedelta(days=int(r() * 10500)),
        }
        ws.append([value.get(c.field) for c in ENTERPRISE_COLUMNS])
    wb.save(path)
    _add_dimension(path, f"A1:{get_column_letter(len(ENTERPRISE_COLUMNS))}{rows + 1}")
    return time.perf_counter() - t0


def _add_dimension(path: Path, ref: str) -> None:
    """Write the sheet's <dimension ref=…/> as Excel and WPS do (openpyxl's write-only mode leaves it
    out, and a reader then has to scan for the size): the file is then what a user would upload."""
    tmp = path.with_suffix(".dim.xlsx")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet") and b"<dimension " not in data[:2000]:
                data = data.replace(b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1)
            zout.writestr(item, data)
    tmp.replace(path)


class _TimedTransaction:
    """Stands in for ``django.db.transaction`` inside the import module: times the exit of the
    outermost ``atomic()`` block, i.e. the COMMIT."""

    def __init__(self, real, phases: dict):
        self._real, self._phases, self._depth = real, phases, 0

    def __getattr__(self, name):
        return getattr(self._real, name)

    def atomic(self, *args, **kwargs):
        outer = self

        class Timed:
            def __init__(self):
                self.cm = outer._real.atomic(*args, **kwargs)

            def __enter__(self):
                outer._depth += 1
                return self.cm.__enter__()

            def __exit__(self, *exc):
                t = time.perf_counter()
                try:
                    return self.cm.__exit__(*exc)
                finally:
                    outer._depth -= 1
                    if outer._depth == 0:
                        outer._phases["commit"] += time.perf_counter() - t

        return Timed()


def admin_actor():
    from anjian.orgs.choices import Role
    from anjian.orgs.models import User
    from anjian.orgs.roles import apply_role_group

    user, created = User.objects.get_or_create(
        username="bench_admin",
        defaults={"name": "基准测试管理员", "role": Role.ADMIN, "is_superuser": True, "is_staff": True, "is_demo": True},
    )
    if created:
        user.set_unusable_password()
        user.save()
        apply_role_group(user)
    return user


def _id_tables() -> dict[str, str]:
    """{table: auto-increment key column} of every model table (simple-history tables are keyed
    by ``history_id``)."""
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    out: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        pk = model._meta.pk
        if pk.get_internal_type() in {"AutoField", "BigAutoField"} and model._meta.db_table in existing:
            out.setdefault(model._meta.db_table, pk.column)
    return out


def _max_ids(tables: dict[str, str]) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cur:
        out = {}
        for t, col in tables.items():
            cur.execute(f'SELECT MAX("{col}") FROM "{t}"')  # noqa: S608 (names from the models)
            out[t] = cur.fetchone()[0] or 0
        return out


def _undo(tables: dict[str, str], before: dict[str, int]) -> dict[str, int]:
    """Delete every row written since the snapshot (keys above it), in one transaction."""
    from django.db import connection, transaction

    after = _max_ids(tables)
    deleted = {}
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        for t, old in before.items():
            if after[t] > old:
                cur.execute(f'DELETE FROM "{t}" WHERE "{tables[t]}" > %s', [old])  # noqa: S608
                deleted[t] = cur.rowcount
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for t in deleted:
                cur.execute(f'VACUUM (ANALYZE) "{t}"')
        else:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return deleted


def _remove_leftovers() -> int:
    """History rows of enterprises that no longer exist: what an earlier, interrupted run (or
    one from before history tables were cleaned up) left behind. The built data has none."""
    from django.db import connection

    from anjian.enterprises.models import Enterprise

    hist = Enterprise.history.model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f'DELETE FROM "{hist}" WHERE NOT EXISTS (SELECT 1 FROM "enterprises_enterprise" e '  # noqa: S608
                    f'WHERE e.id = "{hist}".id)')
        n = cur.rowcount
        if n and connection.vendor == "postgresql":
            cur.execute(f'VACUUM (ANALYZE) "{hist}"')
    if n:
        log(f"  removed {n:,} leftover history rows of earlier runs")
    return n


def run(rows: int = 150_000) -> dict:
    from anjian.enterprises import imports

    path = RESULTS / f"import-{rows}.xlsx"
    gen_s = None
    if not path.exists():
        log(f"  writing {path.name} ({rows:,} rows)")
        tmp = path.with_suffix(".tmp.xlsx")
        gen_s = make_xlsx(tmp, rows)
        tmp.rename(path)
        log(f"  written in {gen_s:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")

    # The import's own reading and writing functions, whichever it has (it may change): the
    # first name present is timed as that phase. With the one pipeline the reader and the
    # transaction are core.imports'.
    from anjian.core import imports as core_imports

    pipeline = core_imports if hasattr(core_imports, "run_import") else imports
    parse_fn = "read_rows" if pipeline is core_imports else next((n for n in PARSE_FUNCTIONS if hasattr(imports, n)), None)
    write_fn = next((n for n in WRITE_FUNCTIONS if hasattr(imports, n)), None)
    timed_at = {"parse": pipeline if pipeline is core_imports else imports, "write": imports}

    # Parse only: the import's own reader over the whole file.
    t0 = time.perf_counter()
    with path.open("rb") as f:
        if parse_fn == "read_enterprise_rows":
            parsed = len(imports.read_enterprise_rows(f, path.name))
        else:
            parsed = sum(1 for _ in imports.read_rows(f, path.name, imports.ENTERPRISE_COLUMNS))
    parse_only_s = time.perf_counter() - t0
    if parsed != rows:
        raise RuntimeError(f"parsed {parsed} rows, expected {rows}")

    actor = admin_actor()
    _remove_leftovers()
    tables = _id_tables()
    before = _max_ids(tables)

    phases = {"parse": 0.0, "write": 0.0, "parse_cpu": 0.0, "write_cpu": 0.0, "commit": 0.0}
    originals = {}

    def timed(phase, fn, materialize=False):
        def wrapper(*args, **kwargs):
            c, t = time.thread_time(), time.perf_counter()
            out = fn(*args, **kwargs)
            if materialize:  # a generator: its work happens while it is consumed
                out = list(out)
            phases[phase] += time.perf_counter() - t
            phases[phase + "_cpu"] += time.thread_time() - c
            return out
        return wrapper

    for phase, name in (("parse", parse_fn), ("write", write_fn)):
        if name:
            module = timed_at[phase]
            originals[(module, name)] = getattr(module, name)
            setattr(module, name, timed(phase, originals[(module, name)], materialize=name == "read_rows"))
    real_transaction = getattr(pipeline, "transaction", None)
    if real_transaction is not None:
        pipeline.transaction = _TimedTransaction(real_transaction, phases)
    try:
        log(f"  importing {rows:,} rows (timing phases: parse = {parse_fn}, write = {write_fn})")
        c0, t0 = time.thread_time(), time.perf_counter()
        with path.open("rb") as f:
            report = imports.import_enterprises(f, path.name, actor=actor)
        total_s = time.perf_counter() - t0
        total_cpu_s = time.thread_time() - c0
    finally:
        for (module, name), fn in originals.items():
            setattr(module, name, fn)
        if real_transaction is not None:
            pipeline.transaction = real_transaction
    if not report.ok or report.created != rows:
        raise RuntimeError(f"import failed: created {report.created}, errors {report.errors[:10]}")

    t0 = time.perf_counter()
    deleted = _undo(tables, before)
    undo_s = time.perf_counter() - t0
    res = {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "total_s": round(total_s, 1),
        "rows_per_s": round(rows / total_s),
        "parse_only_s": round(parse_only_s, 1),
        "phase_parse_s": round(phases["parse"], 1),
        "phase_write_s": round(phases["write"], 1),
        # COMMIT of the import's transaction (PostgreSQL checks the deferred foreign keys here).
        "phase_commit_s": round(phases["commit"], 1),
        "phase_validate_and_rest_s": round(total_s - phases["parse"] - phases["write"] - phases["commit"], 1),
        "parse_share": round(phases["parse"] / total_s, 2),
        # CPU time of the importing (Python) thread: for SQLite it includes the engine's work;
        # for PostgreSQL, wall minus CPU is mostly time spent waiting for the server.
        "total_cpu_s": round(total_cpu_s, 1),
        "phase_parse_cpu_s": round(phases["parse_cpu"], 1),
        "phase_write_cpu_s": round(phases["write_cpu"], 1),
        "timed_functions": {"parse": parse_fn, "write": write_fn},
        "rows_written": deleted,
        "cleanup_s": round(undo_s, 1),
    }
    if gen_s is not None:
        res["file_generation_s"] = round(gen_s, 1)
    log(f"  import: {res['total_s']} s ({res['rows_per_s']:,} rows/s); parse {res['phase_parse_s']} s, "
        f"write {res['phase_write_s']} s, validate+rest {res['phase_validate_and_rest_s']} s")
    return res

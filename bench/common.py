"""Shared helpers: environment set-up before Django starts, percentiles, timing."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")


def pg_dbname(enterprises: int) -> str:
    return f"anjian_bench_{enterprises}"


def var_dir(db: str, enterprises: int) -> Path:
    return RESULTS / f"var-{db}-{enterprises}"


def pg_conninfo(dbname: str) -> str:
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={dbname}"


def configure_environment(db: str, enterprises: int, import_rows: int) -> None:
    """Point the project's settings at the bench's own database, in production mode (DEBUG off).

    Must run before Django is imported. Never touches ./var or the `test` database.
    """
    vdir = var_dir(db, enterprises)
    (vdir / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT; whitenoise warns when missing
    os.environ["ANJIAN_VAR_DIR"] = str(vdir)
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{vdir / 'anjian.sqlite3'}"
    else:
        os.environ["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_dbname(enterprises)}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "anjian.settings"
    # Production-like: DEBUG off means no query logging and no debug machinery in the timings.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["ANJIAN_IMPORT_MAX_ROWS"] = str(max(200_000, import_rows))
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if 1 <= p <= 99 else (
        min(values) if p <= 0 else max(values))


def now() -> float:
    return time.perf_counter()


_T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {msg}", flush=True)

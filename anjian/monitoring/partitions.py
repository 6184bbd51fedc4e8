"""Storage of readings over time.

On PostgreSQL ``monitoring_reading`` is a table partitioned by range of ``ts``, one partition per
calendar month (UTC) named ``monitoring_reading_pYYYYMM``: migration 0002 makes the table so and
creates the partitions around today; ``ensure_partitions`` (the daily job, and the ingest at start)
keeps the current month and the next ``AHEAD`` months ready; ``apply_retention`` drops the whole
partitions older than ``ANJIAN_MONITORING_RETENTION_DAYS`` (a DROP, not a DELETE: no bloat, no
vacuum) and deletes minute rollups as old (hour rollups are kept ``ANJIAN_MONITORING_HOUR_ROLLUP_DAYS``).

On SQLite (the embedded default) the table is a plain one and keeps a bounded recent window:
``apply_retention`` deletes readings older than ``ANJIAN_MONITORING_SQLITE_WINDOW_DAYS``; the
rollups (what the charts read) follow the same retention as on PostgreSQL.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

TABLE = "monitoring_reading"
AHEAD = 2
UTC = datetime.UTC


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def partition_name(month: datetime.date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def create_partition_sql(month: datetime.date) -> str:
    start = datetime.datetime.combine(month, datetime.time(), UTC)
    end = datetime.datetime.combine(next_month(month), datetime.time(), UTC)
    return (f"CREATE TABLE IF NOT EXISTS {partition_name(month)} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')")


def ensure_partitions(now: datetime.datetime | None = None, *, back: int = 1, schema_editor=None) -> list[str]:
    """Create the monthly partitions from ``back`` months ago to ``AHEAD`` months ahead (PostgreSQL
    only; IF NOT EXISTS makes it idempotent and safe in several processes)."""
    conn = schema_editor.connection if schema_editor is not None else connection
    if conn.vendor != "postgresql":
        return []
    now = now or timezone.now()
    month = month_start(now.astimezone(UTC).date())
    for _ in range(back):
        month = month_start(month - datetime.timedelta(days=1))
    made = []
    with conn.cursor() as cursor:
        for _ in range(back + 1 + AHEAD):
            cursor.execute(create_partition_sql(month))
            made.append(partition_name(month))
            month = next_month(month)
    return made


def partitions() -> list[str]:
    """The partitions of the readings table, oldest first (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                       "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY c.relname", [TABLE])
        return [r[0] for r in cursor.fetchall()]


def retention_days() -> int:
    return int(getattr(settings, "ANJIAN_MONITORING_RETENTION_DAYS", 90))


def apply_retention(now: datetime.datetime | None = None) -> dict[str, int]:
    """Drop (PostgreSQL) or delete (SQLite) what is past the retention; answers what went."""
    from .models import Reading, Rollup

    now = now or timezone.now()
    out = {"partitions_dropped": 0, "readings_deleted": 0, "rollups_deleted": 0}
    cutoff = now - datetime.timedelta(days=retention_days())
    if connection.vendor == "postgresql":
        # A partition goes when its whole month ends before the cutoff.
        for name in partitions():
            month = datetime.date(int(name[-6:-2]), int(name[-2:]), 1)
            if datetime.datetime.combine(next_month(month), datetime.time(), UTC) <= cutoff:
                with transaction.atomic(), connection.cursor() as cursor:
                    # Rows written earlier in the same transaction leave deferred foreign-key checks
                    # pending, and PostgreSQL drops no table with pending trigger events: run them now.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute(f"DROP TABLE IF EXISTS {name}")
                out["partitions_dropped"] += 1
    else:
        window = now - datetime.timedelta(days=int(getattr(settings, "ANJIAN_MONITORING_SQLITE_WINDOW_DAYS", 7)))
        out["readings_deleted"], _ = Reading.objects.filter(ts__lt=max(cutoff, window)).delete()
    hour_cutoff = now - datetime.timedelta(days=int(getattr(settings, "ANJIAN_MONITORING_HOUR_ROLLUP_DAYS", 1100)))
    deleted, _ = Rollup.objects.filter(grain="minute", start__lt=cutoff).delete()
    deleted_h, _ = Rollup.objects.filter(grain="hour", start__lt=hour_cutoff).delete()
    out["rollups_deleted"] = deleted + deleted_h
    return out

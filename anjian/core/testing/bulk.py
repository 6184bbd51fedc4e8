"""Helpers for tests of the bulk writer's path past the ORM (core.bulk): which path this run's
database takes, and which tables a write sent that way."""

import pytest
from django.db import connection

from anjian.core import bulk


def sink_of_this_database(sink: str) -> None:
    """Skip a comparison of the path past the ORM that this run's database does not take."""
    if sink == "copy" and connection.vendor != "postgresql":
        pytest.skip("COPY is the PostgreSQL path past the ORM; this run is not on PostgreSQL")
    if sink == "executemany" and connection.vendor != "sqlite":
        pytest.skip("executemany is the SQLite path past the ORM; this run is not on SQLite")


def record_writes(monkeypatch) -> tuple[list[str], list[str]]:
    """The tables written past the ORM, and those of them written by COPY."""
    tables, copied = [], []
    real_write, real_copy = bulk._write, bulk._copy
    monkeypatch.setattr(bulk, "_write", lambda *a, **k: tables.append(a[1]._meta.db_table) or real_write(*a, **k))
    monkeypatch.setattr(bulk, "_copy", lambda *a, **k: copied.append(a[1].strip('"')) or real_copy(*a, **k))
    return tables, copied

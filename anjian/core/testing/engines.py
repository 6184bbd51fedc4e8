"""Tests that CI runs on one of its two databases only.

CI runs the whole suite on SQLite and on PostgreSQL side by side, one core each, inside a 20-minute
budget. A few long tests check something that does not depend on the database, or that belongs to
one of them, and run once: ``only_on("sqlite", why)`` / ``only_on("postgresql", why)``. The other run
reports them as skipped with the reason (``-rs`` in the pytest options), never silently."""

from __future__ import annotations

import pytest
from django.db import connection


def only_on(vendor: str, why: str):
    """Run the test only where the configured database is ``vendor`` ("sqlite" or "postgresql")."""
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[vendor]
    return pytest.mark.skipif(connection.vendor != vendor, reason=f"runs in CI's {name} run only: {why}")

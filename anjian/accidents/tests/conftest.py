"""Fixtures of the accidents tests: fresh reference-rule caches (the frozen clock is the suite's
``clock`` fixture, anjian/conftest.py)."""

from __future__ import annotations

import pytest

from anjian.accidents.regulations import clear_cache


@pytest.fixture(autouse=True)
def _fresh_rules_cache():
    """The reporting rules are cached per process; a test's rolled-back edit of a rule row fires
    no signal, so the next test must not find the edited value in the cache."""
    clear_cache()
    yield
    clear_cache()

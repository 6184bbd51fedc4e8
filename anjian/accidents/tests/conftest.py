"""Fixtures of the accidents tests: a frozen clock, and fresh reference-rule caches."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from anjian.accidents.regulations import clear_cache


@pytest.fixture(autouse=True)
def _fresh_rules_cache():
    """The reporting rules are cached per process; a test's rolled-back edit of a rule row fires
    no signal, so the next test must not find the edited value in the cache."""
    clear_cache()
    yield
    clear_cache()


class Clock:
    """The frozen ``timezone.now()``: ``clock.now`` is the moment; ``clock.set(...)`` and
    ``clock.advance(...)`` move it. ``timezone.localdate()`` follows (it reads ``now()``)."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    def set(self, moment: datetime.datetime) -> datetime.datetime:
        self.now = moment
        return moment

    def advance(self, **delta) -> datetime.datetime:
        self.now = self.now + datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze the clock at 2026-03-10 09:00 in the project's time zone (the 1986 accident-type
    list is in force then). Services, selectors, warning rules and ``auto_now`` fields all read
    ``django.utils.timezone.now``, which this replaces."""
    frozen = Clock(timezone.make_aware(datetime.datetime(2026, 3, 10, 9, 0), timezone.get_current_timezone()))
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen

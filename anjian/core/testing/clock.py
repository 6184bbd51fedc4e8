"""One way for tests to fix the date: freeze the clock at a given local time.

Code reads the date as ``timezone.localdate()`` (Asia/Shanghai by default), which differs from
``datetime.date.today()`` (the machine's UTC date) from 16:00 to 24:00 UTC; a test that depends
on the date must therefore fix the clock, not read it. ``time-machine`` moves the whole process
(also the live server's thread in browser tests); with ``tick=True`` time runs on from the frozen
moment, so waits and timeouts keep working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone


def local_moment(value: dt.date | dt.datetime | str) -> dt.datetime:
    """``value`` as an aware datetime in the current time zone (a date means its local noon, far
    from either midnight)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(12, 0))
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


@contextmanager
def frozen_clock(value: dt.date | dt.datetime | str, *, tick: bool = True) -> Iterator[dt.datetime]:
    """Run the block as if it were ``value`` (local time); yields the aware moment."""
    moment = local_moment(value)
    with time_machine.travel(moment, tick=tick):
        yield moment


class Clock:
    """The clock of a test (the ``clock`` fixture): frozen from the start at ``DEFAULT``;
    ``clock("2026-12-06")`` or ``clock(datetime)`` moves it (running on from there unless
    ``tick=False``), ``clock.set(moment)`` freezes it at a moment, ``clock.advance(hours=2)``
    moves a frozen clock on, and ``clock.now`` reads it."""

    DEFAULT = "2026-03-10T09:00"

    def __init__(self) -> None:
        self._traveller = None
        self.set(self.DEFAULT)

    def _travel(self, moment: dt.datetime, tick: bool) -> dt.datetime:
        self.stop()
        self._traveller = time_machine.travel(moment, tick=tick)
        self._traveller.start()
        return moment

    def __call__(self, value: dt.date | dt.datetime | str, tick: bool = True) -> dt.datetime:
        return self._travel(local_moment(value), tick)

    def set(self, value: dt.date | dt.datetime | str) -> dt.datetime:
        return self._travel(local_moment(value), tick=False)

    def advance(self, **delta) -> dt.datetime:
        return self.set(timezone.now() + dt.timedelta(**delta))

    @property
    def now(self) -> dt.datetime:
        return timezone.now()

    def stop(self) -> None:
        if self._traveller is not None:
            self._traveller.stop()
            self._traveller = None

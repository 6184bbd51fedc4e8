"""Per-process caches of reference data that every server process forgets together.

Each web or worker process keeps small reference tables in memory (region paths, the industry
taxonomy, the accident grading thresholds, the GB 18218 table, the risk profiles, the token
lookups of the calculators): reading them from the database on every request costs more than
the request's own work. When a row of such a table is saved or deleted, the process that did
it forgets its copy at once; the others must learn of it too, or a city that runs several
application servers and workers would answer from an old copy.

How the others learn of it: each named cache has a **generation** in the shared Django cache
(Redis in production, ``CACHES["default"]``), a number bumped when the change is committed.
Each process remembers the generation it last saw and, before it trusts its copy, compares:
once per request (the first time a request reads any named cache: one ``MGET`` of every
generation), once per huey task, and at most every ``RECHECK_SECONDS`` outside both (shell,
management commands). A generation that moved means the copy is forgotten and read again.
So a change committed before a request starts is seen by that request in every process.

The time-to-live of each entry stays as the backstop: bulk writes (``QuerySet.update``,
``bulk_create``) send no signals, and when the shared cache cannot be reached the processes
fall back to it (logged) instead of failing the request. With the local-memory cache (one
process: the demo, the tests) the generations live in that process and change nothing.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, transaction

log = logging.getLogger(__name__)

REFERENCE_TTL = 60.0
#: Outside a request or a task, how often (seconds) the generations are compared at most.
RECHECK_SECONDS = 1.0
KEY_PREFIX = "anjian:refcache:"


class Generations:
    """The generations of the named caches of one process, and when they were last compared
    with the shared cache. ``GENERATIONS`` is the process's; tests make more to act as other
    processes on one cache backend."""

    def __init__(self, backend: Callable[[], BaseCache] | None = None):
        self._backend = backend or (lambda: caches["default"])
        self._caches: dict[str, ReferenceCache] = {}
        self._ticks = itertools.count(1)
        # The tick of the last comparison that succeeded or gave up, and when it was taken.
        self._synced_tick = 0
        self._synced_at = float("-inf")
        self._local = threading.local()  # .unit: the tick at which this thread's request/task began
        self._lock = threading.Lock()
        self._warned_at = float("-inf")
        self.clock: Callable[[], float] = time.monotonic

    # --- what a process's requests and tasks call -----------------------------------------

    def begin_unit(self, **_signal_kwargs: Any) -> None:
        """A request (or a task) starts in this thread: compare again before the next read."""
        self._local.unit = next(self._ticks)

    def end_unit(self, **_signal_kwargs: Any) -> None:
        """The request ends: until the next one, compare at most every RECHECK_SECONDS."""
        self._local.unit = None

    def register(self, cache: ReferenceCache) -> None:
        """Compare ``cache``'s generation along with the others (one per name: the last one wins)."""
        assert cache.name is not None
        self._caches[cache.name] = cache

    def key(self, name: str) -> str:
        """The shared cache's key of the generation of ``name``."""
        return KEY_PREFIX + name

    def sync(self, *, force: bool = False) -> None:
        """Forget every named cache whose shared generation moved since this process last looked.
        Cheap when already done for the current request (or within RECHECK_SECONDS outside one)."""
        unit = getattr(self._local, "unit", None)
        now = self.clock()
        if not force:
            if unit is not None and self._synced_tick > unit:
                return
            if unit is None and now - self._synced_at < RECHECK_SECONDS:
                return
        # Taken before reading, so that a request starting meanwhile compares again itself.
        tick = next(self._ticks)
        names = list(self._caches)
        try:
            found = self._backend().get_many([self.key(n) for n in names])
        except Exception:  # noqa: BLE001 (an unreachable Redis must not fail the request: TTLs still bound staleness)
            self._warn("cannot read the reference-cache generations; entries expire after their TTL instead")
        else:
            for name in names:
                self._caches[name].observe(found.get(self.key(name)))
        with self._lock:
            self._synced_tick = max(self._synced_tick, tick)
            self._synced_at = now

    def bump(self, name: str) -> int | None:
        """Move the shared generation of ``name`` on (after a commit). The new generation, or None
        when the shared cache could not be written."""
        backend, key = self._backend(), self.key(name)
        try:
            try:
                return backend.incr(key)
            except ValueError:  # no generation yet (new cache, or Redis restarted or evicted it)
                # A random start, not 1: a process that saw generation N before a Redis restart must
                # not mistake the N reached again afterwards for the one it saw.
                if backend.add(key, secrets.randbelow(2**62) + 1, timeout=None):
                    return backend.get(key)
                return backend.incr(key)
        except Exception:  # noqa: BLE001 (the change is committed; other processes see it within the TTL)
            self._warn(f"cannot bump the reference-cache generation of {name}; other processes see the change "
                       "within the TTL")
            return None

    def _warn(self, message: str) -> None:
        now = self.clock()
        if now - self._warned_at >= 60:
            self._warned_at = now
            log.warning(message, exc_info=True)


GENERATIONS = Generations()
_UNSEEN = object()


class ReferenceCache:
    """A small per-process key → value cache whose entries expire after ``ttl`` seconds.
    ``None`` results are not stored (a missing row may be created at any time).

    With a ``name`` it is also forgotten in every process when ``clear`` is called in any of them
    (connect ``clear`` to the post_save / post_delete signals of the rows it holds): see the
    module's docstring. Without one it is forgotten in this process only."""

    def __init__(self, ttl: float = REFERENCE_TTL, max_entries: int = 50_000, *, name: str | None = None,
                 generations: Generations | None = None):
        self.ttl = ttl
        self.max_entries = max_entries
        self.name = name
        self.generations = generations or GENERATIONS
        self._data: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._epoch = 0  # moved by every forget(): a load that began before it is not stored
        self._seen: Any = _UNSEEN  # the shared generation this copy belongs to
        self.clock: Callable[[], float] = time.monotonic
        if name is not None:
            self.generations.register(self)

    def get(self, key: Hashable, load: Callable[[Hashable], Any]) -> Any:
        """The cached value of ``key``, or ``load(key)`` (stored unless None)."""
        if self.name is not None:
            self.generations.sync()
        hit = self._data.get(key)
        now = self.clock()
        if hit is not None and hit[0] > now:
            return hit[1]
        epoch = self._epoch
        value = load(key)
        if value is not None:
            with self._lock:
                if epoch != self._epoch:  # forgotten while loading: the value may be older than the change
                    return value
                if len(self._data) >= self.max_entries:  # keys come from user input: stay bounded
                    self._data = {}
                self._data[key] = (now + self.ttl, value)
        return value

    def forget(self) -> None:
        """Drop every entry, in this process only."""
        with self._lock:
            self._data = {}
            self._epoch += 1

    def observe(self, generation: Any) -> None:
        """The shared generation is ``generation`` (None: there is none): forget the copy if it
        belongs to another one. The first look also forgets (what was read before it is of no
        known generation)."""
        if generation != self._seen:
            self.forget()
            self._seen = generation

    def clear(self, **signal_kwargs: Any) -> None:
        """Forget every entry here now and, for a named cache, in every process once the current
        transaction commits (before, the others would read the old rows again). A signal receiver:
        the ``using`` of a save or delete names the database whose commit counts."""
        self.forget()
        if self.name is None:
            return
        connection = transaction.get_connection(signal_kwargs.get("using") or DEFAULT_DB_ALIAS)
        if connection.in_atomic_block:
            connection.on_commit(self._announce)
        else:  # autocommit: the change (if any) is committed already; and no connection is needed to know it
            self._announce()

    def _announce(self) -> None:
        # Forgotten again: this process may have read the uncommitted rows into it meanwhile.
        self.forget()
        before = self._seen
        after = self.generations.bump(self.name)
        # This process already forgot; it need not do so again at its next comparison, unless
        # another process moved the generation too (then the step is not exactly one).
        if after is not None and isinstance(before, int) and after == before + 1:
            self._seen = after


request_started.connect(GENERATIONS.begin_unit, dispatch_uid="anjian.core.reference_cache.begin")
request_finished.connect(GENERATIONS.end_unit, dispatch_uid="anjian.core.reference_cache.end")

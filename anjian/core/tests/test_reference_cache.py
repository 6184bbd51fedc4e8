"""Reference caches are forgotten in every process: two ``Generations`` on one cache backend act as
two server processes sharing Redis (a local-memory backend of its own here; the same test against
a real Redis and a real second process is test_reference_cache_redis.py)."""

import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_started
from django.db import transaction
from django.test.client import RequestFactory

from anjian.core.reference_cache import RECHECK_SECONDS, Generations, ReferenceCache

pytestmark = pytest.mark.django_db

HOUR = 3600.0  # a TTL far beyond the test: nothing below is seen because an entry expired


class Process:
    """One server process: its generations, its copy of the cache, and how often it read the
    "database" (``rows``, shared by every process)."""

    def __init__(self, backend, rows: dict, *, name: str = "test.rows"):
        self.generations = Generations(lambda: backend)
        self.cache = ReferenceCache(ttl=HOUR, name=name, generations=self.generations)
        self.rows = rows
        self.loads = 0

    def _load(self, key):
        self.loads += 1
        return self.rows.get(key)

    def request(self, key: str = "k"):
        """A request that reads the cache (the server sends request_started before the view)."""
        self.generations.begin_unit()
        return self.read(key)

    def read(self, key: str = "k"):
        """One more read within the current request (or outside any)."""
        return self.cache.get(key, self._load)


class CountingBackend(LocMemCache):
    """A local-memory cache that counts the reads of the generations."""

    def __init__(self):
        super().__init__(f"refcache-{uuid.uuid4().hex}", {})
        self.reads = 0

    def get_many(self, keys, version=None):
        self.reads += 1
        return super().get_many(keys, version=version)


class Unreachable(LocMemCache):
    """A shared cache that is down."""

    def __init__(self):
        super().__init__(f"refcache-{uuid.uuid4().hex}", {})

    def get_many(self, keys, version=None):
        raise ConnectionError("redis down")

    def incr(self, key, delta=1, version=None):
        raise ConnectionError("redis down")


@pytest.fixture
def backend():
    return CountingBackend()


def test_a_change_committed_in_one_process_is_seen_by_the_other_at_its_next_request(backend,
                                                                                    django_capture_on_commit_callbacks):
    # given two processes that both read and cached the row
    rows = {"k": "v1"}
    a, b = Process(backend, rows), Process(backend, rows)
    assert a.request() == "v1" and b.request() == "v1"
    # when process A changes it and commits (the model's post_save calls clear)
    with django_capture_on_commit_callbacks(execute=True):
        rows["k"] = "v2"
        a.cache.clear()
    # then B still answers its current request from its copy (one comparison per request) ...
    assert b.read() == "v1"
    # ... and its next request reads the new row, long before the TTL
    assert b.request() == "v2"
    assert b.loads == 2
    # and A, which forgot at once, read it again only once
    assert a.request() == "v2" and a.request() == "v2" and a.loads == 2


def test_before_the_commit_the_other_processes_keep_their_copy(backend, django_capture_on_commit_callbacks):
    rows = {"k": "v1"}
    a, b = Process(backend, rows), Process(backend, rows)
    assert b.request() == "v1"
    # given a change not yet committed (another process would still read the old row)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        a.cache.clear()
    # then the other process is not told, and does not read again
    assert b.request() == "v1" and b.loads == 1
    # when the transaction commits, then it is
    for callback in callbacks:
        callback()
    rows["k"] = "v2"
    assert b.request() == "v2"


def test_a_rolled_back_change_tells_no_one(backend):
    rows = {"k": "v1"}
    a, b = Process(backend, rows), Process(backend, rows)
    assert b.request() == "v1"
    # given a change rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        a.cache.clear()
        raise RuntimeError("rolled back")
    # then B keeps its copy (its next request reads nothing)
    assert b.request() == "v1" and b.loads == 1


def test_the_generations_are_read_once_per_request(backend):
    rows = {"k": "v1", "j": "w1"}
    b = Process(backend, rows)
    other = ReferenceCache(ttl=HOUR, name="test.other", generations=b.generations)
    # when a request reads two named caches several times
    b.request()
    for _ in range(5):
        b.read("k")
        b.read("j")
        other.get("x", lambda key: "y")
    # then the shared cache was asked once, for every generation at once; the next request asks again
    assert backend.reads == 1
    b.request()
    assert backend.reads == 2


def test_a_server_request_starts_a_new_comparison(backend):
    # the real server signal (sent by Django's handler before every view) starts a unit
    rows = {"k": "v1"}
    b = Process(backend, rows)
    request_started.connect(b.generations.begin_unit)
    try:
        b.read()
        reads = backend.reads
        request_started.send(sender=RequestFactory().__class__, environ={})
        b.read()
        assert backend.reads == reads + 1
    finally:
        request_started.disconnect(b.generations.begin_unit)


def test_outside_requests_the_generations_are_compared_at_most_every_recheck_interval(backend,
                                                                                    django_capture_on_commit_callbacks):
    # given a worker's thread outside any request or task, its clock frozen
    rows = {"k": "v1"}
    a, b = Process(backend, rows), Process(backend, rows)
    now = [100.0]
    b.generations.clock = lambda: now[0]
    b.generations.end_unit()
    assert b.read() == "v1"
    with django_capture_on_commit_callbacks(execute=True):
        rows["k"] = "v2"
        a.cache.clear()
    # then it keeps its copy within the interval, and not after it
    assert b.read() == "v1"
    now[0] += RECHECK_SECONDS
    assert b.read() == "v2"


def test_an_unreachable_shared_cache_falls_back_to_the_ttl(django_capture_on_commit_callbacks, caplog):
    # given a shared cache that is down
    rows = {"k": "v1"}
    down = Unreachable()
    a, b = Process(down, rows), Process(down, rows)
    now = [100.0]
    b.cache.clock = lambda: now[0]
    # then requests are served (and the failure logged), the change is not announced ...
    assert b.request() == "v1"
    with django_capture_on_commit_callbacks(execute=True):
        rows["k"] = "v2"
        a.cache.clear()
    assert b.request() == "v1"
    assert "reference-cache generation" in caplog.text
    # ... and the copy expires after its TTL as before
    now[0] += HOUR + 1
    assert b.request() == "v2"


def test_a_load_overtaken_by_a_change_is_not_kept(backend, django_capture_on_commit_callbacks):
    # given process B loading the row while a change is committed and seen (another thread of B)
    rows = {"k": "v1"}
    a, b = Process(backend, rows), Process(backend, rows)
    b.request()
    b.cache.forget()

    def slow_load(key):
        value = rows[key]
        with django_capture_on_commit_callbacks(execute=True):
            rows[key] = "v2"
            a.cache.clear()
        b.generations.sync(force=True)  # B's other thread compares meanwhile and forgets
        return value

    # then the old value is answered to the request that read it, but not kept
    assert b.cache.get("k", slow_load) == "v1"
    assert b.request() == "v2"


def test_a_restarted_shared_cache_starts_the_generations_anew(backend, django_capture_on_commit_callbacks):
    # given B saw a generation, then the shared cache lost every key (a Redis restart)
    rows = {"k": "v1"}
    a, b = Process(backend, rows), Process(backend, rows)
    with django_capture_on_commit_callbacks(execute=True):
        a.cache.clear()
    assert b.request() == "v1"
    backend.clear()
    # when A changes the row, then B sees it: the new generation is not a number B saw before
    with django_capture_on_commit_callbacks(execute=True):
        rows["k"] = "v2"
        a.cache.clear()
    assert b.request() == "v2"


def test_an_unnamed_cache_is_forgotten_in_this_process_only(backend):
    generations = Generations(lambda: backend)
    cache = ReferenceCache(ttl=HOUR, generations=generations)
    assert cache.get("k", lambda key: "v1") == "v1"
    cache.clear()
    assert cache.get("k", lambda key: "v2") == "v2"
    assert backend.reads == 0  # never asks the shared cache


def test_each_worker_task_compares_the_generations_again(backend, monkeypatch):
    # given the process's own generations (a worker's), on a counting shared cache
    from huey.contrib.djhuey import HUEY

    import anjian.core.tasks  # noqa: F401 -- as the worker does (run_huey imports every app's tasks)
    from anjian.core.reference_cache import GENERATIONS

    monkeypatch.setattr(GENERATIONS, "_backend", lambda: backend)
    cache = ReferenceCache(ttl=HOUR, name="test.worker", generations=GENERATIONS)
    GENERATIONS.begin_unit()
    cache.get("k", lambda key: "v")
    cache.get("k", lambda key: "v")
    assert backend.reads == 1
    # when huey starts the next task (its pre-execute hooks run), then the next read compares again
    for hook in HUEY._pre_execute.values():
        hook(None)
    cache.get("k", lambda key: "v")
    assert backend.reads == 2
    GENERATIONS._caches.pop("test.worker")

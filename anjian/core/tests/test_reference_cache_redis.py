"""Cross-process invalidation against a real Redis and a real second process: process B (a child
Python process) caches a value; this test, as process A, changes the "row" and commits; B's next
request answers the new value, long before the TTL. Skipped when Redis is not reachable
(ANJIAN_TEST_REDIS_URL, default redis://127.0.0.1:6379/15; keys under a fresh prefix, removed)."""

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache

from anjian.core.reference_cache import Generations, ReferenceCache

REDIS_URL = os.environ.get("ANJIAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# Process B: serves "requests" read from standard input, each answered from its cache of the row
# (the stand-in for a database row is a plain Redis key, read by the loader).
CHILD = textwrap.dedent("""
    import sys
    import django
    from django.conf import settings
    settings.configure()
    django.setup()
    import redis
    from django.core.cache.backends.redis import RedisCache
    from anjian.core.reference_cache import Generations, ReferenceCache

    url, prefix = sys.argv[1], sys.argv[2]
    backend = RedisCache(url, {"KEY_PREFIX": prefix})
    rows = redis.Redis.from_url(url)
    generations = Generations(lambda: backend)
    cache = ReferenceCache(ttl=3600, name="test.rows", generations=generations)
    for line in sys.stdin:
        generations.begin_unit()  # what request_started does in a server process
        value = cache.get("k", lambda key: rows.get(prefix + "row").decode())
        print(value, flush=True)
""")


@pytest.fixture
def redis_prefix():
    import redis
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set ANJIAN_TEST_REDIS_URL)")
    prefix = f"anjian-test-{uuid.uuid4().hex}"
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.mark.django_db
def test_a_committed_change_reaches_another_process_through_redis(redis_prefix,
                                                                  django_capture_on_commit_callbacks):
    client, prefix = redis_prefix
    client.set(prefix + "row", "v1")
    a = ReferenceCache(ttl=3600, name="test.rows",
                       generations=Generations(lambda: RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})))
    root = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    child = subprocess.Popen([sys.executable, "-c", CHILD, REDIS_URL, prefix], stdin=subprocess.PIPE,  # noqa: S603
                             stdout=subprocess.PIPE, text=True, env=env)

    def request_b() -> str:
        child.stdin.write("request\n")
        child.stdin.flush()
        return child.stdout.readline().strip()

    try:
        # given process B cached the row
        assert request_b() == "v1"
        # when the row changes without telling anyone, then B keeps answering its copy (it is a cache)
        client.set(prefix + "row", "v2")
        assert request_b() == "v1"
        # when process A commits a change to it (post_save → clear), then B's next request reads it
        with django_capture_on_commit_callbacks(execute=True):
            client.set(prefix + "row", "v3")
            a.clear()
        assert request_b() == "v3"
    finally:
        child.stdin.close()
        child.wait(timeout=10)

"""Health endpoints for load balancers and orchestrators.

``/healthz`` says the process answers (no database touched: a slow database must not get every
application server restarted). ``/readyz`` says it can serve: the database answers, the cache
stores and returns, the task queue's storage (broker) answers, and a worker has beaten its
heartbeat recently (``core.tasks.heartbeat``, every minute). Each check is reported by name;
any failure makes the answer 503. Neither needs a log-in nor says more than ok/failed per check.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

HEARTBEAT_KEY = "anjian:worker-heartbeat"


def _huey():
    from huey.contrib.djhuey import HUEY

    return HUEY


def record_heartbeat(now: float | None = None) -> None:
    """Store the worker's heartbeat in the queue's storage (shared by every process, unlike a
    local-memory cache)."""
    huey = _huey()
    huey.get(HEARTBEAT_KEY)  # get() removes the value: keep only the newest
    huey.put(HEARTBEAT_KEY, now if now is not None else time.time())


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key, value = f"anjian:readyz:{uuid.uuid4().hex}", "1"
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return the value")
    cache.delete(key)


def _broker() -> None:
    _huey().storage.queue_size()


def _worker() -> None:
    beat = _huey().get(HEARTBEAT_KEY, peek=True)
    if beat is None or time.time() - float(beat) > settings.ANJIAN_WORKER_HEARTBEAT_MAX_AGE:
        raise RuntimeError("no recent worker heartbeat")


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "worker": _worker}


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # noqa: BLE001 (any failure of a dependency means "not ready")
            results[name] = "failed"
    ready = all(v == "ok" for v in results.values())
    return JsonResponse({"status": "ok" if ready else "failed", "checks": results}, status=200 if ready else 503)

"""/healthz and /readyz for load balancers: no log-in, each dependency reported by name."""

import time

import pytest

from anjian.core import health


def test_healthz_answers_without_login_or_database(client):
    # (no django_db mark: any database access would raise here)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_needs_a_recent_worker_heartbeat(client, settings):
    # given no heartbeat yet: database, cache and broker answer, the worker does not
    health._huey().get(health.HEARTBEAT_KEY)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok", "worker": "failed"}
    # when a worker beats (as core.tasks.heartbeat does every minute)
    health.record_heartbeat()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    # and a heartbeat older than the bound counts as no worker
    health.record_heartbeat(time.time() - settings.ANJIAN_WORKER_HEARTBEAT_MAX_AGE - 5)
    assert client.get("/readyz").json()["checks"]["worker"] == "failed"


@pytest.mark.django_db
def test_readyz_reports_a_failing_dependency(client, monkeypatch):
    health.record_heartbeat()

    def broken():
        raise ConnectionError("down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["cache"] == "failed"
    assert "down" not in response.content.decode()

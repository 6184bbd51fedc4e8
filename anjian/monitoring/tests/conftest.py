"""Fixtures of the monitoring tests: a major hazard source of county A's enterprise with sensors."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from anjian.orgs.choices import Role


@pytest.fixture(autouse=True)
def _fresh_caches():
    from anjian.majorhazards.calculation import clear_table_cache
    from anjian.monitoring.ingest import DIRECTORY
    from anjian.monitoring.parameters import clear_parameter_cache

    clear_table_cache()
    clear_parameter_cache()
    DIRECTORY.clear()
    yield
    DIRECTORY.clear()


def make_source(world, enterprise=None, name="液氯储罐区"):
    from anjian.majorhazards import services as majorhazards

    return majorhazards.create_source(actor=world.users[Role.ADMIN], enterprise=enterprise or world.ent_a, data={
        "name": name, "unit_kind": "storage", "population_500m": 10},
        substances=[{"name": "氯", "cas": "7782-50-5", "quantity_t": 40}])


LEVEL = {"code": "LT-101", "name": "1#储罐液位", "kind": "level", "unit": "m", "range_min": 0, "range_max": 20,
         "high": 16, "high_high": 18, "low": 2, "low_low": 1, "hysteresis": 0.5, "min_duration_seconds": 30,
         "period_seconds": 10, "tag": "LI-101"}


def make_sensor(world, source, **overrides):
    from anjian.monitoring import services

    return services.create_sensor(actor=world.users[Role.ADMIN], source=source, data={**LEVEL, **overrides})


@pytest.fixture
def source(world):
    return make_source(world)


@pytest.fixture
def sensor(world, source):
    return make_sensor(world, source)


def at(seconds: float, base: datetime.datetime | None = None) -> datetime.datetime:
    """A moment ``seconds`` after a fixed base a minute ago (inside the accepted window)."""
    base = base or timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=30)
    return base + datetime.timedelta(seconds=seconds)

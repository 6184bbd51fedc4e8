"""Fixtures shared by every app's tests: a small two-county world and one user per role."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from anjian.core.scoping import clear_reference_caches
from anjian.orgs.choices import DepartmentKind, Role
from anjian.portal.testing.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    GridFactory,
    RegionFactory,
    SupervisionFactory,
    industry,
    make_user,
)
from anjian.regions.choices import RegionLevel


def pytest_sessionstart(session):
    """In CI (ANJIAN_REQUIRE_BROWSER=1) a missing browser is an error, never a silent skip."""
    import os

    from anjian.core.testing.browser import CHROMIUM, sync_playwright

    if os.environ.get("ANJIAN_REQUIRE_BROWSER") == "1" and (not CHROMIUM.exists() or sync_playwright is None):
        raise pytest.UsageError(f"ANJIAN_REQUIRE_BROWSER=1 but Chromium ({CHROMIUM}) or Playwright is missing")


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time_on_sqlite():
    """On SQLite the test database is in memory, and Django's live server hands every request
    thread the test's own connection. Two requests at once on that one connection (a page and
    the figures it fetches) can deadlock inside the sqlite3 module: one thread holds the
    connection's mutex while a Django SQL function waits for the GIL, the other holds the GIL
    while it waits for the mutex, and the whole interpreter stops (no timeout can fire). The
    browser tests' live server therefore serves one request at a time on SQLite (each body read
    out under the lock); PostgreSQL gives every thread its own connection and stays concurrent."""
    from anjian.core.testing.browser import serialise_live_server_on_sqlite

    with serialise_live_server_on_sqlite():
        yield


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """Region paths and the industry taxonomy are cached per process (core.scoping); a test's
    rolled-back rows must not be found by the next test."""
    clear_reference_caches()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's deliberate slowness would dominate the suite; tests need hashing, not its cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Province → city → two counties (A and B), each with one township, grid, department and
    enterprises; users of every role scoped to county A, plus a regulator of county B."""

    province: object
    city: object
    county_a: object
    county_b: object
    township_a: object
    township_b: object
    grid_a: object
    grid_b: object
    dept_a: object
    dept_b: object
    ent_a: object           # county A, industry 0504 (machinery), in grid_a, supervised
    ent_a_construction: object  # county A, industry 0601 (construction), no supervision (blind spot)
    ent_b: object           # county B
    users: dict


def ensure_reference_data() -> None:
    """A transactional test's flush empties the tables the migrations fill (the industry
    taxonomy); a later transactional test would then find no industries. Load them again and
    forget the per-process caches of the old rows."""
    import importlib

    from django.apps import apps

    from anjian.core.scoping import INDUSTRIES, REGION_PATHS
    from anjian.enterprises.models import Industry

    if not Industry.objects.exists():
        importlib.import_module("anjian.enterprises.migrations.0003_load_industries").load(apps, None)
        INDUSTRIES.clear()
        REGION_PATHS.clear()
    # Apps with reference data of their own expose an idempotent ``reference.ensure()``
    # (cheap when the rows are there) that reloads it the same way.
    for app in REFERENCE_DATA_APPS:
        importlib.import_module(f"anjian.{app}.reference").ensure()


# Apps whose migrations load reference data, reloaded after a transactional test's flush.
REFERENCE_DATA_APPS = ["enterprises", "standards", "risks", "majorhazards", "accidents", "inspections",
                       "monitoring", "assessment", "steering",
                       "enforcement", "obligations", "credit", "emergency", "occupational", "public"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    """The world's rows (the ``world`` fixture; a module-scoped fixture may build it once)."""
    ensure_reference_data()
    province = RegionFactory(name="测试省", level=RegionLevel.PROVINCE)
    city = RegionFactory(name="测试市", level=RegionLevel.CITY, parent=province)
    county_a = RegionFactory(name="甲区", level=RegionLevel.COUNTY, parent=city)
    county_b = RegionFactory(name="乙县", level=RegionLevel.COUNTY, parent=city)
    township_a = RegionFactory(name="甲街道", level=RegionLevel.TOWNSHIP, parent=county_a)
    township_b = RegionFactory(name="乙镇", level=RegionLevel.TOWNSHIP, parent=county_b)
    grid_a = GridFactory(township=township_a)
    grid_b = GridFactory(township=township_b)
    dept_a = DepartmentFactory(name="甲区应急管理局", region=county_a, kind=DepartmentKind.REGULATOR)
    dept_b = DepartmentFactory(name="乙县应急管理局", region=county_b, kind=DepartmentKind.REGULATOR)
    ent_a = EnterpriseFactory(name="甲机械有限公司", region=township_a, grid=grid_a, industry=industry("0504"))
    ent_a_construction = EnterpriseFactory(name="甲建设有限公司", region=township_a, industry=industry("0601"))
    ent_b = EnterpriseFactory(name="乙化工有限公司", region=township_b, grid=grid_b, industry=industry("0301"))
    SupervisionFactory(enterprise=ent_a, department=dept_a)
    SupervisionFactory(enterprise=ent_b, department=dept_b)
    users = {
        Role.ADMIN: make_user(Role.ADMIN),
        Role.REGULATOR: make_user(Role.REGULATOR, scope_region=county_a, department=dept_a),
        Role.INDUSTRY_OFFICER: make_user(Role.INDUSTRY_OFFICER, scope_region=county_a,
                                         industries=[industry("06")]),
        Role.GRID_OFFICER: make_user(Role.GRID_OFFICER, scope_grid=grid_a),
        Role.COMMITTEE_OFFICE: make_user(Role.COMMITTEE_OFFICE, scope_region=county_a),
        Role.ENTERPRISE: make_user(Role.ENTERPRISE, scope_enterprise=ent_a),
        Role.EXPERT: make_user(Role.EXPERT, scope_region=county_a),
        "other_county": make_user(Role.REGULATOR, scope_region=county_b, department=dept_b),
    }
    return World(province, city, county_a, county_b, township_a, township_b, grid_a, grid_b, dept_a, dept_b,
                 ent_a, ent_a_construction, ent_b, users)


@pytest.fixture
def api():
    """An API client; call ``api.force_authenticate(user)`` to act as someone."""
    return APIClient()


@pytest.fixture
def clock():
    """The one frozen clock of the suite (anjian.core.testing.clock.Clock): frozen at
    2026-03-10 09:00 local from the start; ``clock("2026-12-06")``, ``clock.set(...)`` and
    ``clock.advance(...)`` move it; it is restored when the test ends."""
    from anjian.core.testing.clock import Clock

    frozen = Clock()
    yield frozen
    frozen.stop()

"""List endpoints run a fixed number of queries whatever the number of rows (no N+1): each list
is read with 5 rows, then with 60 rows on the same page, and must run exactly as many queries.

Each request is made as a fresh user object (the scope cache lives on the user), after one
warm-up request so per-process caches (content types, region paths, the industry taxonomy, …)
are not counted."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anjian.orgs.choices import Role
from anjian.portal.testing.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    GridFactory,
    RegionFactory,
    SupervisionFactory,
    industry,
    make_user,
)
from anjian.portal.testing.mixins import (
    act_as,
    api_url,
    ui_url,
)
from anjian.regions.choices import RegionLevel

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 60
#: A generous ceiling on any list endpoint; the real guard is "the same with 60 rows as with 5".
#: The enterprise list adds one query per column other apps give it (core.dossier.columns()).
MAX_QUERIES = 9


def add_enterprise(w, i):
    ent = EnterpriseFactory(region=w.township_a, grid=w.grid_a if i % 2 else None, industry=industry("0601"))
    if i % 3:
        SupervisionFactory(enterprise=ent, department=w.dept_a)


def add_supervision(w, i):
    SupervisionFactory(enterprise=EnterpriseFactory(region=w.township_a), department=w.dept_a)


def add_department(w, i):
    dept = DepartmentFactory(region=w.county_a)
    dept.industries.set([industry("06"), industry("0601")])


def add_grid(w, i):
    GridFactory(township=w.township_a)


def add_region(w, i):
    RegionFactory(level=RegionLevel.TOWNSHIP, parent=w.county_a)


def add_user(w, i):
    make_user(Role.INDUSTRY_OFFICER, scope_region=w.county_a, department=w.dept_a, industries=[industry("06")])


# endpoint, who reads it, how to add one row, rows the reader already sees in the world
CASES = [
    ("enterprise", Role.INDUSTRY_OFFICER, add_enterprise, 1),
    ("enterprise", Role.REGULATOR, add_enterprise, 2),
    ("supervision", Role.REGULATOR, add_supervision, 1),
    ("department", Role.REGULATOR, add_department, 1),
    ("grid", Role.REGULATOR, add_grid, 1),
    ("region", Role.REGULATOR, add_region, 2),
    ("user", Role.ADMIN, add_user, 8),
]


def read(api, world, who, url):
    """One list request as a fresh copy of the user; returns (queries run, row count)."""
    act_as(api, world.users[who])
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == response.json()["count"]  # every row is serialised
    return len(ctx), response.json()["count"]


@pytest.mark.parametrize(("endpoint", "who", "add", "existing"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_api_list_queries_do_not_grow_with_rows(world, api, django_assert_num_queries,
                                                django_assert_max_num_queries, endpoint, who, add, existing):
    # given the list with a few rows (5, or the world's 8 accounts) in the reader's scope
    url = api_url(endpoint)
    for i in range(SMALL - existing):
        add(world, i)
    read(api, world, who, url)  # warm-up
    with django_assert_max_num_queries(MAX_QUERIES):
        small, count = read(api, world, who, url)
    assert count == max(SMALL, existing)
    # when it grows by 55 rows (to 60)
    for i in range(SMALL, LARGE):
        add(world, i)
    # (saving regions or industries clears the per-process reference caches: warm up again)
    read(api, world, who, url)
    act_as(api, world.users[who])
    # then reading it runs exactly as many queries as with 5
    with django_assert_num_queries(small):
        response = api.get(url, {"page_size": 100})
    assert response.json()["count"] == count + LARGE - SMALL


def test_ui_enterprise_list_queries_do_not_grow_with_rows(world, django_assert_num_queries,
                                                          django_assert_max_num_queries):
    # given the enterprise list page of county A's regulator with 5 enterprises
    url = ui_url("anjian.enterprises.views", "enterprise_list", "enterprises:list")
    for i in range(SMALL - 2):
        add_enterprise(world, i)
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    assert client.get(url).status_code == 200  # warm-up
    # (the page adds to the API's reads: session, user, permissions, the filter bar's choices —
    # regions, industries, grids, feature tags —, the warnings badge, the plates' departments)
    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(MAX_QUERIES + 9):
        assert client.get(url).status_code == 200
    small = len(ctx)
    # when the registry grows to 60 (more than a page)
    for i in range(SMALL, LARGE):
        add_enterprise(world, i)
    # then the page runs exactly as many queries
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200

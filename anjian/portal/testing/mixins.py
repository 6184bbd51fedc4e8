"""Reusable API test helpers and CRUD/permission contracts.

Helpers (plain functions) act as a user, build router URLs and read list pages. The
contracts are mixin classes: a test class names the endpoint (``basename``), the object
of county A it writes to, the payloads, and one expected HTTP status per actor; the
mixin then checks create / update / void for every role of the shared ``world`` fixture
(see ``anjian/conftest.py``), and that refused writes change nothing.

Expected statuses are written as explicit tables with :func:`expect`, so each test
module reads as a permission matrix rather than as copy-pasted requests.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.urls import resolve, reverse

from anjian.core.services import events_for
from anjian.orgs.choices import Role

OTHER_COUNTY = "other_county"
ROLES: tuple[str, ...] = (
    Role.ADMIN,
    Role.REGULATOR,
    Role.INDUSTRY_OFFICER,
    Role.GRID_OFFICER,
    Role.COMMITTEE_OFFICE,
    Role.ENTERPRISE,
    Role.EXPERT,
)
#: Every key of ``world.users``: one user per role in county A, plus a regulator of county B.
ACTORS: tuple[str, ...] = (*ROLES, OTHER_COUNTY)


def actor_id(actor) -> str:
    """Readable pytest ids for actor keys (``Role.REGULATOR`` → ``regulator``)."""
    return str(getattr(actor, "value", actor))


def expect(default: int, **statuses: int) -> dict[str, int]:
    """One expected status per actor: ``default`` for all, with keyword overrides by actor key."""
    table = dict.fromkeys(ACTORS, default)
    for key, status in statuses.items():
        if key not in table:
            raise KeyError(f"unknown actor {key!r}")
        table[key] = status
    return table


def fresh(user):
    """A fresh copy of ``user`` from the database: the resolved scope is cached on the user
    object, so each request must start from a new one to be realistic."""
    return type(user).objects.get(pk=user.pk)


def act_as(api, user):
    """Authenticate the API client as ``user`` (``None``: anonymous) and return it."""
    # (only the anonymous case forces None: that also logs the client out and opens a session)
    api.force_authenticate(user=None if user is None else fresh(user))
    return api


def api_url(basename: str, key: Any = None, action: str | None = None) -> str:
    """Router URL: the list (no key), a detail (key) or a detail action (key + action)."""
    if key is None:
        return reverse(f"{basename}-list")
    return reverse(f"{basename}-{action or 'detail'}", args=[key])


def get_page(api, url: str, **params) -> dict:
    """GET a list endpoint and return its JSON page, failing loudly on anything but 200."""
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def list_count(api, url: str, **params) -> int:
    return get_page(api, url, **params)["count"]


def assert_page_shape(page: dict) -> None:
    """The standard pagination envelope."""
    assert set(page) == {"count", "next", "previous", "results"}
    assert isinstance(page["count"], int)
    assert isinstance(page["results"], list)


def ui_url(view_module: str, func: str, url_name: str, *args) -> str:
    """URL of a UI page, checked to be served by ``view_module.func``. A missing view or an
    unrouted name fails the test (the page is part of the product, not a page to come)."""
    url = reverse(url_name, args=args)
    view = resolve(url).func
    expected = getattr(importlib.import_module(view_module), func)
    assert view is expected, f"{url_name} is served by {view.__module__}.{view.__name__}, not {view_module}.{func}"
    return url


class ApiContract:
    """Base of the contracts: what every test class must say about its endpoint."""

    basename: str = ""
    lookup_attr: str = "pk"

    def target(self, world):
        """The county-A object that update and void act on."""
        raise NotImplementedError

    def key(self, obj) -> Any:
        return getattr(obj, self.lookup_attr)

    def model(self, world):
        return type(self.target(world))

    def is_voided(self, obj) -> bool:
        return obj.is_voided


class ListContract(ApiContract):
    """Anonymous callers are refused; the list is paginated; the detail reads back."""

    def test_anonymous_is_refused(self, world, api):
        # given nobody logged in, when they read the list, then they are asked to authenticate
        response = act_as(api, None).get(api_url(self.basename))
        assert response.status_code == 401

    def test_list_is_paginated(self, world, api):
        # given the administrator, when they read the list, then it has the standard page envelope
        page = get_page(act_as(api, world.users[Role.ADMIN]), api_url(self.basename))
        assert_page_shape(page)
        assert page["count"] == len(page["results"]) > 0

    def test_detail_reads_back(self, world, api):
        # given a county-A object, when the administrator reads its detail, then it is that object
        obj = self.target(world)
        response = act_as(api, world.users[Role.ADMIN]).get(api_url(self.basename, self.key(obj)))
        assert response.status_code == 200, response.content
        assert response.json()["id"] == obj.pk


class CreateContract(ApiContract):
    """``create_status`` says who may POST a valid new record; refused posts write nothing."""

    create_status: dict[str, int] = {}

    def create_payload(self, world) -> dict:
        raise NotImplementedError

    @pytest.mark.parametrize("who", ACTORS, ids=actor_id)
    def test_create_by_role(self, who, world, api):
        # given a user of this role and a valid new record
        payload = self.create_payload(world)
        model = self.model(world)
        before = model._default_manager.count()
        # when they POST it
        response = act_as(api, world.users[who]).post(api_url(self.basename), payload, format="json")
        # then the status is the one the permission table says, and only a 201 writes a row
        assert response.status_code == self.create_status[who], response.content
        created = 1 if response.status_code == 201 else 0
        assert model._default_manager.count() == before + created


class UpdateContract(ApiContract):
    """``update_status`` says who may PATCH the target; refused patches change nothing."""

    update_status: dict[str, int] = {}

    def update_payload(self, world) -> dict:
        """Simple (non-relational) fields only, so they can be compared on the model."""
        raise NotImplementedError

    @pytest.mark.parametrize("who", ACTORS, ids=actor_id)
    def test_update_by_role(self, who, world, api):
        # given a county-A object and a user of this role
        obj = self.target(world)
        payload = self.update_payload(world)
        old = {name: getattr(obj, name) for name in payload}
        # when they PATCH it
        response = act_as(api, world.users[who]).patch(api_url(self.basename, self.key(obj)), payload,
                                                       format="json")
        # then the status is the table's; the change is stored only when it was allowed
        assert response.status_code == self.update_status[who], response.content
        obj.refresh_from_db()
        now = {name: getattr(obj, name) for name in payload}
        assert now == (payload if response.status_code == 200 else old)


class VoidContract(ApiContract):
    """``void_status`` says who may DELETE (void) the target; an allowed void keeps the row,
    marks it and writes an event; a refused one changes nothing."""

    void_status: dict[str, int] = {}
    void_event = "voided"

    @pytest.mark.parametrize("who", ACTORS, ids=actor_id)
    def test_void_by_role(self, who, world, api):
        # given a county-A object and a user of this role
        obj = self.target(world)
        # when they DELETE it with a reason
        response = act_as(api, world.users[who]).delete(api_url(self.basename, self.key(obj)),
                                                        {"reason": "录入错误"}, format="json")
        # then the status is the table's; an allowed void keeps the row, marks it and writes an event
        assert response.status_code == self.void_status[who], response.content
        obj.refresh_from_db()
        voided = response.status_code == 204
        assert self.is_voided(obj) is voided
        assert events_for(obj).filter(action=self.void_event).exists() is voided


class VoidRulesContract(ApiContract):
    """A void needs a reason; a voided record leaves the API but stays in the table."""

    def test_void_needs_a_reason(self, world, api):
        # given the administrator, when they void without a reason, then 400 names the reason field
        obj = self.target(world)
        response = act_as(api, world.users[Role.ADMIN]).delete(api_url(self.basename, self.key(obj)))
        assert response.status_code == 400, response.content
        assert "reason" in response.json()
        obj.refresh_from_db()
        assert not self.is_voided(obj)

    def test_voided_record_leaves_the_api(self, world, api):
        # given the administrator voided the object through the void action
        obj = self.target(world)
        client = act_as(api, world.users[Role.ADMIN])
        response = client.post(api_url(self.basename, self.key(obj), "void"), {"reason": "重复登记"}, format="json")
        assert response.status_code == 204, response.content
        # when they read it again, then it is gone from the detail and the list, but kept in the table
        assert client.get(api_url(self.basename, self.key(obj))).status_code == 404
        ids = [row["id"] for row in get_page(client, api_url(self.basename), page_size=500)["results"]]
        assert obj.pk not in ids
        assert type(obj).objects.filter(pk=obj.pk, is_voided=True).exists()

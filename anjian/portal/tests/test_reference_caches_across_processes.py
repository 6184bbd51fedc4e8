"""Several application servers share one database and one Redis (issue #12, "More than one
server"): a reference row changed through one server process is seen by every other at its next
request, not after the caches' TTL.

"Process B" is a second set of generations and a second copy of the cache, swapped in for the
module's own, on the same shared cache backend; its requests go through the real request path
(request_started → the generations compared → the view). "Process A" is the rest of the suite's
process: its model signals clear its own copy and, on commit, move the shared generation."""

import pytest
from django.core.signals import request_started
from rest_framework.test import APIClient

from anjian.core import scoping
from anjian.core.reference_cache import Generations, ReferenceCache
from anjian.enterprises.models import Industry
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, industry
from anjian.portal.testing.mixins import act_as, api_url
from anjian.security import auth
from anjian.security.models import ApiToken
from anjian.security.services import issue_token, revoke_token

HOUR = 3600.0


@pytest.fixture
def other_process(monkeypatch):
    """``other_process(module, "NAME")`` gives ``module.NAME`` the copy of a second process: its
    own generations, compared at each of its requests, on the same shared cache, and an empty copy."""
    connected = []

    def swap(module, attribute: str) -> ReferenceCache:
        mine: ReferenceCache = getattr(module, attribute)
        generations = Generations()
        copy = ReferenceCache(ttl=HOUR, max_entries=mine.max_entries, name=mine.name, generations=generations)
        monkeypatch.setattr(module, attribute, copy)
        request_started.connect(generations.begin_unit)
        connected.append(generations.begin_unit)
        return copy

    yield swap
    for receiver in connected:
        request_started.disconnect(receiver)


def listed(api, user, **params) -> set[int]:
    return {r["id"] for r in act_as(api, user).get(api_url("enterprise"), params).json()["results"]}


def test_a_new_sub_sector_reaches_the_other_servers_next_request(world, api, other_process,
                                                                  django_capture_on_commit_callbacks):
    # given server process B has served county A's construction officer (scoped to industry 06)
    other_process(scoping, "INDUSTRIES")
    officer = world.users[Role.INDUSTRY_OFFICER]
    assert world.ent_a_construction.pk in listed(api, officer)
    # when an administrator, through process A, adds a sub-sector of 06 and an enterprise is
    # registered in it, not yet committed
    with django_capture_on_commit_callbacks(execute=False) as commit:
        sub = Industry.objects.create(code="069901", name="新建筑子行业", parent=industry("06"))
        ent = EnterpriseFactory(region=world.township_a, industry=sub)
    # then B, whose copy of the taxonomy predates the sub-sector, does not list it yet (with no
    # generation moved, a TTL of an hour would keep it so) ...
    assert ent.pk not in listed(api, officer)
    assert ent.pk not in listed(api, officer, industry="06")
    # ... and once the change is committed, B's next request lists it, in scope and filter alike
    for callback in commit:
        callback()
    assert ent.pk in listed(api, officer)
    assert ent.pk in listed(api, officer, industry="06")


def test_a_revoked_token_is_refused_by_the_other_servers_calculators(world, other_process, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    # given server process B has authenticated a token on a calculator (which caches the lookup);
    # process A's services forget A's own copy (the module's global now names B's)
    mine = auth._CACHE
    other_process(auth, "_CACHE")
    monkeypatch.setattr(auth, "forget_token", mine.clear)
    user = world.users[Role.REGULATOR]
    with django_capture_on_commit_callbacks(execute=True):
        key, token = issue_token(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    evaluate = {"method": "ls", "l": 4, "s": 5}
    assert client.post("/api/risk-assessments/evaluate", evaluate, format="json").status_code == 200
    # when the token is revoked through process A
    with django_capture_on_commit_callbacks(execute=True):
        revoke_token(ApiToken.objects.get(pk=token.pk), actor=user, reason="leaked")
    # then B refuses it at its next request, within the token cache's lifetime
    assert client.post("/api/risk-assessments/evaluate", evaluate, format="json").status_code == 401

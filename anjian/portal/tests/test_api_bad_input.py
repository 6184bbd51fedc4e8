"""Bad input never reaches the database as a 500: a walk over every API list endpoint in the
URLconf (a new endpoint is covered without a test of its own) with values the database cannot
hold, and bodies the parser cannot take."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from anjian.orgs.choices import Role

HUGE = "99999999999999999999"


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def api_lists():
    """(path, filter names) of every API endpoint that lists with a FilterSet and takes no
    path parameter."""
    out = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        cls = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None) or {}
        if not route.startswith("api/") or cls is None or "<" in route or "(?P" in route:
            continue
        if actions and actions.get("get") != "list":
            continue
        filterset = getattr(cls, "filterset_class", None)
        if filterset is None:
            continue
        path = "/" + route.replace("^", "").replace("$", "")
        out[path] = sorted(filterset.base_filters)
    return sorted(out.items())


LISTS = api_lists()


def test_the_walk_finds_the_lists():
    paths = dict(LISTS)
    assert "/api/enterprises/" in paths and "/api/hazards/" in paths and len(paths) >= 20


@pytest.mark.parametrize(("path", "names"), LISTS, ids=[p for p, _n in LISTS])
def test_huge_integers_in_any_filter_are_a_400_naming_it(world, path, names):
    client = APIClient()
    client.force_authenticate(world.users[Role.ADMIN])
    for name in names:
        response = client.get(path, {name: HUGE})
        assert response.status_code < 500, (path, name, response.status_code)
        if response.status_code == 400:
            assert name in response.json(), (path, name, response.json())


def test_deeply_nested_json_is_a_400(world):
    # given JSON nested 1,000 deep, to the anonymous token endpoint and to an authenticated one
    body = "[" * 1000 + "]" * 1000
    client = APIClient()
    response = client.post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    client.force_authenticate(world.users[Role.ADMIN])
    response = client.post("/api/hazards/", body, content_type="application/json")
    assert response.status_code == 400
    # and an object nested 200 deep (parsed fine by Python, deeper than any request needs)
    nested = {"a": None}
    for _ in range(200):
        nested = {"a": nested}
    response = client.post("/api/accidents/grade", json.dumps(nested), content_type="application/json")
    assert response.status_code == 400


def test_a_json_body_beyond_the_upload_limit_is_a_400_read_no_further(world, settings):
    # given a JSON body one byte over Django's limit for request bodies (DRF does not apply it)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = APIClient()
    client.force_authenticate(world.users[Role.ADMIN])
    body = json.dumps({"location": "x", "description": "y" * 1000})
    response = client.post("/api/hazards/", body, content_type="application/json")
    # then it is refused before it is parsed
    assert response.status_code == 400 and "detail" in response.json()
    # and a body within the limit is parsed as before (here: refused by its fields)
    response = client.post("/api/hazards/", json.dumps({"location": "x"}), content_type="application/json")
    assert response.status_code == 400 and "description" in response.json()


def test_numbers_beyond_their_bounds_are_a_400_naming_the_field(world):
    client = APIClient()
    client.force_authenticate(world.users[Role.ADMIN])
    # the accident grade on a day before any grading rule, and counts beyond any accident
    response = client.post("/api/accidents/grade", {"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0,
                                                    "on": "1800-01-01"}, format="json")
    assert response.status_code == 400 and "on" in response.json()
    response = client.post("/api/accidents/grade", {"deaths": 10**30, "serious_injuries": 0, "direct_loss_yuan": 0},
                           format="json")
    assert response.status_code == 400 and "deaths" in response.json()
    # the GB 18218 calculator with a quantity of 1e400 tonnes and a population of 1e30
    response = client.post("/api/major-hazard-sources/evaluate",
                           {"population_500m": 1, "substances": [{"name": "氯", "quantity_t": "1e400"}]}, format="json")
    assert response.status_code == 400 and "quantity_t" in response.json()["substances"]["0"]
    response = client.post("/api/major-hazard-sources/evaluate",
                           {"population_500m": 10**30, "substances": [{"name": "氯", "quantity_t": 1}]}, format="json")
    assert response.status_code == 400 and "population_500m" in response.json()


def test_export_ordering_is_a_known_field_or_ignored(world):
    client = APIClient()
    client.force_authenticate(world.users[Role.ADMIN])
    for ordering in ("code", "-title", "nonsense"):
        response = client.get("/api/major-hazard-criteria/export/", {"ordering": ordering})
        assert response.status_code == 200, (ordering, response.status_code)


@pytest.mark.parametrize(("params", "name"), [
    ({"page": "abc"}, "page"), ({"page": "-1"}, "page"), ({"page": "0"}, "page"),
    ({"page_size": "-5"}, "page_size"), ({"page_size": "x"}, "page_size"), ({"page_size": "501"}, "page_size"),
    ({"above_scale": "maybe"}, "above_scale"),
])
def test_malformed_paging_and_yes_no_values_are_a_400_naming_them(world, params, name):
    client = APIClient()
    client.force_authenticate(world.users[Role.ADMIN])
    response = client.get("/api/enterprises/", params)
    assert response.status_code == 400 and name in response.json(), response.content


def test_good_paging_still_works(world):
    client = APIClient()
    client.force_authenticate(world.users[Role.ADMIN])
    assert client.get("/api/enterprises/", {"page": "1", "page_size": "2", "above_scale": "true"}).status_code == 200
    assert client.get("/api/enterprises/", {"page": "last"}).status_code == 200
    assert client.get("/api/enterprises/", {"page": "999"}).status_code == 404


@pytest.mark.parametrize("path", ["/api/dual-reports/", "/api/rechecks/"])
def test_hazard_record_lists_refuse_a_hazard_id_beyond_the_database(world, path):
    # these lists narrow by ?hazard= without a FilterSet, so the walk above does not reach them
    client = APIClient()
    client.force_authenticate(world.users[Role.ADMIN])
    response = client.get(path, {"hazard": HUGE})
    assert response.status_code == 400 and "hazard" in response.json()
    assert client.get(path, {"hazard": "1"}).status_code == 200


def test_inspection_results_refuse_an_item_beyond_the_database_and_an_oversized_note(world, api):
    # given the enterprise user's draft inspection record
    from anjian.inspections.models import InspectionTask
    from anjian.portal.testing.factories import make_checklist, make_duty

    user = world.users[Role.ENTERPRISE]
    task = InspectionTask.objects.get(duty=make_duty(world.ent_a, user, checklist=make_checklist(2)))
    client = APIClient()
    client.force_authenticate(user)
    record = client.post("/api/inspection-records/", {"task": task.pk, "location": "储罐区"}, format="json").json()
    url = f"/api/inspection-records/{record['id']}/results/"
    item = record["items"][0]["id"]
    # when a result names an item id beyond any database integer, then 400 naming `item` (was a 500)
    response = client.post(url, {"results": [{"item": int(HUGE), "result": "pass"}]}, format="json")
    assert response.status_code == 400 and "item" in response.json()["results"][0], response.content
    # and a note of 2 MB is refused naming `note` (was stored)
    response = client.post(url, {"results": [{"item": item, "result": "pass", "note": "漏" * 700_000}]},
                           format="json")
    assert response.status_code == 400 and "note" in response.json()["results"][0], response.content
    assert client.post(url, {"results": [{"item": item, "result": "pass"}]}, format="json").status_code == 200

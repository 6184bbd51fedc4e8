"""The API: the evaluate endpoint (token and session, anonymous refused, 400s naming the
substance), the registry CRUD contracts per role, scoping, query counts, export."""

import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.majorhazards.models import MajorHazardSource, SourceEvaluation
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import (
    CreateContract,
    ListContract,
    UpdateContract,
    VoidContract,
    VoidRulesContract,
    act_as,
    api_url,
    expect,
    get_page,
    list_count,
)
from anjian.security.services import issue_token, revoke_token

from .helpers import make_source

EVALUATE = "/api/major-hazard-sources/evaluate"
EXAMPLE = {"population_500m": 120, "substances": [
    {"cas": "7782-50-5", "name": "氯", "quantity_t": 40},
    {"hazard_class": "W5.3", "name": "某溶剂", "quantity_t": 300}]}
SOURCES = "major-hazard-source"


def test_evaluate_route_is_not_read_as_an_id():
    assert reverse("major-hazard-source-evaluate") == EVALUATE


@pytest.mark.django_db
def test_evaluate_with_a_token(world):
    # given an expert (any logged-in role) with an API token
    token_key = issue_token(world.users[Role.EXPERT])[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
    # when they post the issue's example
    response = client.post(EVALUATE, EXAMPLE, format="json")
    # then S, α, R and the grade are those of GB 18218-2018 with per-substance items
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["S"], body["is_major"], body["alpha"], body["R"], body["grade"]) == (8.3, True, 2.0, 64.6, 2)
    assert [(i["Q"], i["beta"], i["q_over_Q"]) for i in body["items"]] == [(5.0, 4.0, 8.0), (1000.0, 1.0, 0.3)]
    assert body["table"]["label"] == "GB18218-2018 v1"
    # and nothing is stored
    assert not SourceEvaluation.objects.exists()


@pytest.mark.django_db
def test_evaluate_with_a_session(world):
    client = APIClient()
    client.force_login(world.users[Role.ENTERPRISE])
    response = client.post(EVALUATE, {"population_500m": 0, "substances": [{"name": "甲醇", "quantity_t": 100}]},
                           format="json")
    assert response.status_code == 200
    assert response.json()["is_major"] is False and response.json()["grade"] is None


@pytest.mark.django_db
def test_evaluate_refuses_anonymous_callers(world):
    response = APIClient().post(EVALUATE, EXAMPLE, format="json")
    assert response.status_code in (401, 403)
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert bad.post(EVALUATE, EXAMPLE, format="json").status_code == 401


@pytest.mark.django_db
def test_evaluate_names_the_unknown_substance(world, api):
    act_as(api, world.users[Role.GRID_OFFICER])
    body = {"population_500m": 5, "substances": [{"name": "氯", "quantity_t": 1},
                                                 {"hazard_class": "W9.9", "name": "某物", "quantity_t": 3}]}
    response = api.post(EVALUATE, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json() == {"substances": {"1": {"hazard_class": ["未知的危险性类别 W9.9"]}}}
    response = api.post(EVALUATE, {"population_500m": 5, "substances": [{"name": "不存在的东西", "quantity_t": 1}]},
                        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "不存在的东西" in response.json()["substances"]["0"]["name"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"population_500m": -1, "substances": [{"name": "氯", "quantity_t": 1}]}, "population_500m"),
    ({"population_500m": 1.5, "substances": [{"name": "氯", "quantity_t": 1}]}, "population_500m"),
    ({"substances": [{"name": "氯", "quantity_t": 1}]}, "population_500m"),
    ({"population_500m": 1, "substances": []}, "substances"),
    ({"population_500m": 1}, "substances"),
])
def test_evaluate_validates_values(world, api, body, field):
    response = act_as(api, world.users[Role.EXPERT]).post(EVALUATE, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_evaluate_reads_no_database_beyond_authentication(world, django_assert_max_num_queries):
    token_key = issue_token(world.users[Role.EXPERT])[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
    client.post(EVALUATE, EXAMPLE, format="json")  # warms the table cache
    with django_assert_max_num_queries(1):  # the token with its user
        assert client.post(EVALUATE, EXAMPLE, format="json").status_code == 200


# --- registry CRUD contracts ------------------------------------------------------------------

class SourceTarget:
    basename = SOURCES

    @pytest.fixture(autouse=True)
    def _source(self, world):
        self.target(world)

    def target(self, world):
        if not hasattr(world, "_source"):
            world._source = make_source(world)
        return world._source


class TestSourceListing(SourceTarget, ListContract):
    pass


class TestSourceCreate(SourceTarget, CreateContract):
    # enterprise users manage their own, regulators in scope; the industry officer (construction
    # only) and the other county cannot see ent_a (400 on the enterprise field)
    create_status = expect(403, admin=201, regulator=201, enterprise=201, industry_officer=400, other_county=400)

    def create_payload(self, world):
        return {"enterprise": world.ent_a.pk, "name": "甲醇储罐区", "unit_kind": "storage", "population_500m": 40,
                "new_substances": [{"name": "甲醇", "quantity_t": 800}]}


class TestSourceUpdate(SourceTarget, UpdateContract):
    update_status = expect(403, admin=200, regulator=200, enterprise=200, industry_officer=404, other_county=404)

    def update_payload(self, world):
        return {"name": "液氯储罐区（改）", "population_500m": 55}


class TestSourceVoid(SourceTarget, VoidContract, VoidRulesContract):
    void_status = expect(403, admin=204, regulator=204, enterprise=204, industry_officer=404, other_county=404)


@pytest.mark.django_db
def test_created_source_is_evaluated(world, api):
    act_as(api, world.users[Role.ENTERPRISE])
    payload = {"enterprise": world.ent_a.pk, "name": "甲醇储罐区", "unit_kind": "storage", "population_500m": 40,
               "new_substances": [{"name": "甲醇", "quantity_t": 800}, {"cas": "7782-50-5", "quantity_t": 2}]}
    response = api.post(api_url(SOURCES), payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # S = 800/500 + 2/5 = 2.0; R = 1.2 × (1 × 1.6 + 4 × 0.4) = 3.84 → grade 4
    assert (body["s_value"], body["r_value"], body["grade"], body["is_major"]) == ("2.000000", "3.840000", 4, True)
    assert [s["name"] for s in body["substances"]] == ["甲醇", "氯"]


@pytest.mark.django_db
def test_create_refuses_an_unknown_substance_naming_it(world, api):
    act_as(api, world.users[Role.REGULATOR])
    payload = {"enterprise": world.ent_a.pk, "name": "X", "unit_kind": "production",
               "new_substances": [{"name": "甲醇", "quantity_t": 1}, {"name": "神秘物质", "quantity_t": 1}]}
    response = api.post(api_url(SOURCES), payload, format="json")
    assert response.status_code == 400
    assert "神秘物质" in str(response.json()["substances"]) and "1:" in str(response.json()["substances"])
    assert not MajorHazardSource.objects.exists()


@pytest.mark.django_db
def test_substance_endpoint_re_evaluates(world, api):
    source = make_source(world)  # 40 t chlorine: S = 8
    act_as(api, world.users[Role.ENTERPRISE])
    response = api.post(api_url("major-hazard-substance"),
                        {"source": source.pk, "name": "液氨", "quantity_t": 10}, format="json")
    assert response.status_code == 201, response.content
    source.refresh_from_db()
    assert source.s_value == 9 and source.evaluations.count() == 2
    sub_id = response.json()["id"]
    assert api.patch(api_url("major-hazard-substance", sub_id), {"quantity_t": 20}, format="json").status_code == 200
    source.refresh_from_db()
    assert source.s_value == 10
    assert api.delete(api_url("major-hazard-substance", sub_id), {"reason": "已拆除"},
                      format="json").status_code == 204
    source.refresh_from_db()
    assert source.s_value == 8 and source.evaluations.count() == 4
    # another county's regulator cannot add to it
    act_as(api, world.users["other_county"])
    response = api.post(api_url("major-hazard-substance"), {"source": source.pk, "name": "氯", "quantity_t": 1},
                        format="json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_stale_version_is_a_conflict(world, api):
    source = make_source(world)
    act_as(api, world.users[Role.REGULATOR])
    response = api.patch(api_url(SOURCES, source.pk), {"name": "新名", "version": source.version + 5}, format="json")
    assert response.status_code == 409


@pytest.mark.django_db
def test_scoping_of_lists_and_details(world, api):
    # given a source in each county
    mine, theirs = make_source(world), make_source(world, world.ent_b)
    # then county A's regulator sees only its own, county B's regulator only theirs
    assert list_count(act_as(api, world.users[Role.REGULATOR]), api_url(SOURCES)) == 1
    assert act_as(api, world.users["other_county"]).get(api_url(SOURCES, mine.pk)).status_code == 404
    assert [r["id"] for r in get_page(api, api_url(SOURCES))["results"]] == [theirs.pk]
    # the enterprise user sees only its own enterprise's; the construction officer nothing
    assert list_count(act_as(api, world.users[Role.ENTERPRISE]), api_url(SOURCES)) == 1
    assert list_count(act_as(api, world.users[Role.INDUSTRY_OFFICER]), api_url(SOURCES)) == 0
    for name in ("major-hazard-substance", "major-hazard-person", "major-hazard-check"):
        assert list_count(act_as(api, world.users["other_county"]), api_url(name), source=mine.pk) == 0


@pytest.mark.django_db
def test_list_filters(world, api):
    make_source(world, name="大", substances=[{"name": "氯", "quantity_t": 500}], population=200)  # grade 1
    make_source(world, name="小", substances=[{"name": "甲醇", "quantity_t": 10}])  # not major
    make_source(world, name="生产", unit_kind="production", substances=[{"name": "氢", "quantity_t": 5}])
    act_as(api, world.users[Role.REGULATOR])
    assert list_count(api, api_url(SOURCES), grade=1) == 1
    assert list_count(api, api_url(SOURCES), is_major="false") == 1
    assert list_count(api, api_url(SOURCES), unit_kind="production") == 1
    assert list_count(api, api_url(SOURCES), region=world.county_a.code) == 3
    assert list_count(api, api_url(SOURCES), region=world.county_b.code) == 0
    assert list_count(api, api_url(SOURCES), enterprise=world.ent_a.pk) == 3
    assert list_count(api, api_url(SOURCES), industry="0504") == 3
    assert list_count(api, api_url(SOURCES), industry="03") == 0


@pytest.mark.django_db
def test_list_query_count_does_not_grow(world, api, django_assert_max_num_queries):
    for i in range(6):
        make_source(world, name=f"单元{i}", substances=[{"name": "氯", "quantity_t": 5 + i}, {"name": "氢", "quantity_t": 1}])
    act_as(api, world.users[Role.REGULATOR])
    api.get(api_url(SOURCES))  # warm caches (scope, regions)
    with django_assert_max_num_queries(8):
        page = get_page(api, api_url(SOURCES))
    assert page["count"] == 6 and all(len(r["substances"]) == 2 for r in page["results"])


@pytest.mark.django_db
def test_transition_events_and_history(world, api):
    source = make_source(world)
    act_as(api, world.users[Role.REGULATOR])
    response = api.post(api_url(SOURCES, source.pk, "transition"), {"to_state": "decommissioned"}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = api.post(api_url(SOURCES, source.pk, "transition"),
                        {"to_state": "decommissioned", "comment": "装置拆除"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "decommissioned"
    response = api.post(api_url(SOURCES, source.pk, "transition"), {"to_state": "in_operation"}, format="json")
    assert response.status_code == 400
    actions = [e["action"] for e in api.get(api_url(SOURCES, source.pk, "events")).json()]
    assert actions[0] == "state_changed" and "evaluated" in actions and "created" in actions
    assert api.get(api_url(SOURCES, source.pk, "history")).status_code == 200
    evaluations = api.get(api_url(SOURCES, source.pk, "evaluations")).json()
    assert evaluations[0]["table_label"] == "GB18218-2018 v1"


@pytest.mark.django_db
def test_export_is_scoped(world, api):
    from openpyxl import load_workbook

    make_source(world)
    make_source(world, world.ent_b, name="乙县单元")
    response = act_as(api, world.users[Role.REGULATOR]).get(api_url(SOURCES) + "export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "液氯储罐区" and "氯 40" in rows[1][11]


@pytest.mark.django_db
def test_persons_and_checks_api(world, api):
    source = make_source(world)
    act_as(api, world.users[Role.ENTERPRISE])
    url = api_url("major-hazard-person")
    first = api.post(url, {"source": source.pk, "role": "technical", "name": "张工", "appointed_on": "2026-01-01"},
                     format="json")
    assert first.status_code == 201, first.content
    second = api.post(url, {"source": source.pk, "role": "technical", "name": "李工", "appointed_on": "2026-03-01"},
                      format="json")
    assert second.status_code == 201
    rows = get_page(api, url, source=source.pk)["results"]
    assert [(r["name"], r["ended_on"]) for r in rows] == [("李工", None), ("张工", "2026-02-28")]
    check = api.post(api_url("major-hazard-check"), {"source": source.pk, "role": "technical",
                                                     "checked_on": "2026-03-02", "findings": "正常"}, format="json")
    assert check.status_code == 201, check.content
    assert check.json()["person_name"] == "李工"
    # a role without a current person cannot record a check
    bad = api.post(api_url("major-hazard-check"), {"source": source.pk, "role": "operational"}, format="json")
    assert bad.status_code == 400 and "person" in bad.json()
    # the expert reads but cannot appoint
    act_as(api, world.users[Role.EXPERT])
    assert api.post(url, {"source": source.pk, "role": "principal", "name": "王", "appointed_on": "2026-01-01"},
                    format="json").status_code == 403


@pytest.mark.django_db
def test_a_revoked_token_is_refused_at_once(world):
    # given a token that has just been used (so its user is in this process's cache)
    token_key, token = issue_token(world.users[Role.EXPERT])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
    assert client.post(EVALUATE, EXAMPLE, format="json").status_code == 200
    # when the token is revoked, then the next call is refused (the cache was cleared)
    revoke_token(token)
    assert client.post(EVALUATE, EXAMPLE, format="json").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_user_is_refused_at_once(world):
    user = world.users[Role.EXPERT]
    token_key = issue_token(user)[0]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")
    assert client.post(EVALUATE, EXAMPLE, format="json").status_code == 200
    user.is_active = False
    user.save()
    assert client.post(EVALUATE, EXAMPLE, format="json").status_code == 401

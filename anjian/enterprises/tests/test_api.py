"""The enterprise and supervision API: who may create, edit, void and change the status of an
enterprise (per role), filters, ordering, pagination, the /events/ and /history/ timelines, and
the supervision plate endpoint (one current assignment, history kept, never edited)."""

import pytest

from anjian.core.services import events_for
from anjian.enterprises.choices import OperatingStatus
from anjian.enterprises.models import Enterprise, Supervision
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, GridFactory, credit_code, industry
from anjian.portal.testing.mixins import (
    ACTORS,
    CreateContract,
    ListContract,
    UpdateContract,
    VoidContract,
    VoidRulesContract,
    act_as,
    actor_id,
    api_url,
    assert_page_shape,
    expect,
    get_page,
)

pytestmark = pytest.mark.django_db


# --- CRUD per role ------------------------------------------------------------------------


class TestEnterpriseApi(ListContract, CreateContract, UpdateContract, VoidContract, VoidRulesContract):
    """Registering: administrators, regulators, industry and grid officers (within their scope);
    editing additionally the enterprise's own user; voiding: administrators and regulators."""

    basename = "enterprise"
    create_status = expect(403, admin=201, regulator=201, industry_officer=201, grid_officer=201,
                           other_county=400)  # county B's regulator may create, but not in county A
    # enterprise A is machinery: the construction officer cannot see it (404), nor county B (404)
    update_status = expect(403, admin=200, regulator=200, grid_officer=200, enterprise=200,
                           industry_officer=404, other_county=404)
    void_status = expect(403, admin=204, regulator=204, other_county=404)

    def target(self, world):
        return world.ent_a

    def create_payload(self, world):
        return {"name": "新登记建筑有限公司", "credit_code": credit_code(), "region": world.township_a.code,
                "grid": world.grid_a.code, "industry": "0601", "employees": 8}

    def update_payload(self, world):
        return {"principal_phone": "13800000000", "employees": 35}


def test_created_enterprise_reads_back_in_full(world, api):
    # given a regulator registering an enterprise
    client = act_as(api, world.users[Role.REGULATOR])
    payload = {"name": "回读有限公司", "credit_code": credit_code(), "region": world.township_a.code,
               "grid": world.grid_a.code, "industry": "0504", "above_scale": True, "latitude": "30.250000",
               "longitude": "120.160000"}
    created = client.post(api_url("enterprise"), payload, format="json")
    assert created.status_code == 201, created.content
    # when it is read back, then every field is as posted, status operating and no plate yet
    body = client.get(api_url("enterprise", created.json()["id"])).json()
    assert {k: body[k] for k in payload} == payload
    assert body["status"] == OperatingStatus.OPERATING and body["supervision"] is None
    assert body["region_name"] == world.township_a.name and body["industry_name"] == industry("0504").name


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"region": "COUNTY_A"}, "region"),        # a county, not a township
        ({"region": "TOWNSHIP_B"}, "region"),      # outside the caller's jurisdiction
        ({"grid": "GRID_B"}, "grid"),              # a grid of another township
        ({"industry": "98"}, "industry"),          # unknown industry
        ({"latitude": "91"}, "latitude"),
        ({"employees": -1}, "employees"),
    ],
    ids=["county", "out-of-scope-township", "foreign-grid", "unknown-industry", "latitude", "employees"],
)
def test_invalid_enterprise_names_the_field(world, api, payload, field):
    # given a regulator posting an enterprise with one bad value
    codes = {"COUNTY_A": world.county_a.code, "TOWNSHIP_B": world.township_b.code, "GRID_B": world.grid_b.code}
    data = {"name": "错误有限公司", "credit_code": credit_code(), "region": world.township_a.code,
            "industry": "0504", **{k: codes.get(v, v) for k, v in payload.items()}}
    before = Enterprise.objects.count()
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("enterprise"), data, format="json")
    # then 400 names that field and nothing is written
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Enterprise.objects.count() == before


def test_status_is_read_only_through_edit(world, api):
    # given a regulator, when they PATCH the status field directly, then it is ignored (status has its own endpoint)
    response = act_as(api, world.users[Role.REGULATOR]).patch(api_url("enterprise", world.ent_a.pk),
                                                              {"status": "closed"}, format="json")
    assert response.status_code == 200
    world.ent_a.refresh_from_db()
    assert world.ent_a.status == OperatingStatus.OPERATING


def test_enterprise_user_edits_only_their_own(world, api):
    # given the user of enterprise A
    client = act_as(api, world.users[Role.ENTERPRISE])
    # when they edit their own enterprise's safety manager, then it is saved
    own = client.patch(api_url("enterprise", world.ent_a.pk), {"safety_manager_name": "安全员小周"}, format="json")
    assert own.status_code == 200
    # and another enterprise, even in the same township, does not exist for them
    other = client.patch(api_url("enterprise", world.ent_a_construction.pk), {"safety_manager_name": "x"},
                         format="json")
    assert other.status_code == 404
    assert client.post(api_url("enterprise"), {}, format="json").status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "自改名称有限公司"), ("credit_code", "91350100M000100Y43"), ("industry", "0601"),
     ("high_risk", True), ("above_scale", True), ("grid", None)],
)
def test_enterprise_user_cannot_change_the_regulators_record(world, api, field, value):
    # given the user of enterprise A, when they change an identity or classification field
    response = act_as(api, world.users[Role.ENTERPRISE]).patch(api_url("enterprise", world.ent_a.pk),
                                                               {field: value}, format="json")
    # then 400 names the field and the record is unchanged
    assert response.status_code == 400, response.content
    assert field in response.json()
    fresh_ent = Enterprise.objects.get(pk=world.ent_a.pk)
    assert (fresh_ent.name, fresh_ent.credit_code, fresh_ent.industry.code, fresh_ent.grid) == (
        world.ent_a.name, world.ent_a.credit_code, "0504", world.grid_a)
    assert not fresh_ent.high_risk and not fresh_ent.above_scale


# --- operating status endpoint ------------------------------------------------------------

STATUS_CHANGE = expect(403, admin=200, regulator=200, industry_officer=404, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_status_change_by_role(world, api, who):
    # given enterprise A operating and a user of this role
    client = act_as(api, world.users[who])
    # when they suspend it
    response = client.post(api_url("enterprise", world.ent_a.pk, "change-status"),
                           {"status": "suspended", "on": "2026-03-01", "reason": "停产整顿"}, format="json")
    # then only regulators and administrators may, and only then is it stored and an event written
    assert response.status_code == STATUS_CHANGE[who], response.content
    world.ent_a.refresh_from_db()
    changed = response.status_code == 200
    assert (world.ent_a.status == OperatingStatus.SUSPENDED) is changed
    assert events_for(world.ent_a).filter(action="status_changed").exists() is changed
    if changed:
        assert response.json()["status"] == "suspended" and response.json()["suspended_on"] == "2026-03-01"


def test_industry_officer_changes_status_in_their_industry(world, api):
    # given the construction officer, when they suspend the construction enterprise, then it is done
    response = act_as(api, world.users[Role.INDUSTRY_OFFICER]).post(
        api_url("enterprise", world.ent_a_construction.pk, "change-status"), {"status": "suspended"}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("status", ["operating", "bankrupt", ""], ids=["same-state", "unknown", "blank"])
def test_refused_status_change_names_status(world, api, status):
    # given an operating enterprise, when an impossible status is posted, then 400 names status
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("enterprise", world.ent_a.pk, "change-status"),
                                                             {"status": status}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()
    assert not events_for(world.ent_a).filter(action="status_changed").exists()


def test_closing_through_the_api_ends_the_plate(world, api):
    # given supervised enterprise A, when a regulator closes it
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.post(api_url("enterprise", world.ent_a.pk, "change-status"),
                           {"status": "closed", "on": "2026-04-01"}, format="json")
    # then the answer shows no current plate, and the ended plate is still listed as history
    assert response.status_code == 200
    assert response.json()["supervision"] is None
    plates = get_page(client, api_url("supervision"), enterprise=world.ent_a.pk)["results"]
    assert [(p["is_current"], p["ended_on"]) for p in plates] == [(False, "2026-04-01")]


# --- events and history -------------------------------------------------------------------


def test_events_tell_the_story_newest_first(world, api):
    # given a regulator registers an enterprise, suspends it and hangs its plate
    client = act_as(api, world.users[Role.REGULATOR])
    ent_id = client.post(api_url("enterprise"), {"name": "故事有限公司", "credit_code": credit_code(),
                                                  "region": world.township_a.code, "industry": "0504"},
                         format="json").json()["id"]
    client.post(api_url("enterprise", ent_id, "change-status"), {"status": "suspended", "reason": "整改"},
                format="json")
    client.post(api_url("supervision"), {"enterprise": ent_id, "department": world.dept_a.pk,
                                         "leader_name": "陈局长", "officer_name": "刘科员"}, format="json")
    # when the events are read
    response = client.get(api_url("enterprise", ent_id, "events"))
    # then they are the three actions, newest first, each naming the actor
    assert response.status_code == 200
    events = response.json()
    assert [e["action"] for e in events] == ["supervision_assigned", "status_changed", "created"]
    assert events[1]["from_state"] == "operating" and events[1]["to_state"] == "suspended"
    assert events[1]["comment"] == "整改"
    assert {e["actor"] for e in events} == {str(world.users[Role.REGULATOR])}
    assert set(events[0]) == {"action", "at", "actor", "from_state", "to_state", "comment", "data"}


def test_history_shows_field_changes(world, api):
    # given a regulator renames enterprise A and changes its employees
    client = act_as(api, world.users[Role.REGULATOR])
    client.patch(api_url("enterprise", world.ent_a.pk), {"name": "甲机械股份有限公司", "employees": 80}, format="json")
    # when the history is read
    response = client.get(api_url("enterprise", world.ent_a.pk, "history"))
    # then the newest version lists exactly those fields with old and new values, and who did it
    assert response.status_code == 200
    newest = response.json()[0]
    changes = {c["field"]: (c["old"], c["new"]) for c in newest["changes"]}
    assert changes == {"name": ("甲机械有限公司", "甲机械股份有限公司"), "employees": ("20", "80")}
    assert newest["type"] == "~" and newest["user"] == str(world.users[Role.REGULATOR])
    assert response.json()[-1]["type"] == "+"


# --- filters, ordering, pagination ---------------------------------------------------------


@pytest.fixture
def registry(world):
    """County A with a few more enterprises, to filter and order."""
    grid2 = GridFactory(township=world.township_a)
    extra = {
        "chem": EnterpriseFactory(name="甲化工储运有限公司", region=world.township_a, grid=grid2,
                                  industry=industry("0302"), employees=300, high_risk=True, above_scale=True),
        "closed": EnterpriseFactory(name="甲关停建材厂", region=world.township_a, industry=industry("0503"),
                                    employees=5, status=OperatingStatus.CLOSED),
        "suspended": EnterpriseFactory(name="甲停产道路运输公司", region=world.township_a,
                                       industry=industry("0701"), employees=50, status=OperatingStatus.SUSPENDED),
    }
    extra["grid2"] = grid2
    return extra


def names(page) -> set[str]:
    return {row["name"] for row in page["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "TOWNSHIP_A"}, {"甲机械有限公司", "甲建设有限公司", "甲化工储运有限公司", "甲关停建材厂",
                                    "甲停产道路运输公司"}),
        ({"region": "COUNTY_B"}, set()),                        # outside the scope: nothing, not an error
        ({"industry": "05"}, {"甲机械有限公司", "甲关停建材厂"}),  # a sector and its sub-sectors
        ({"industry": "0302"}, {"甲化工储运有限公司"}),
        ({"grid": "GRID_A"}, {"甲机械有限公司"}),
        ({"status": "closed"}, {"甲关停建材厂"}),
        ({"status": "suspended"}, {"甲停产道路运输公司"}),
        ({"has_supervision": "true"}, {"甲机械有限公司"}),
        ({"has_supervision": "false"}, {"甲建设有限公司", "甲化工储运有限公司", "甲关停建材厂", "甲停产道路运输公司"}),
        # construction and road transport are high-risk by their industry (《安全生产法》 Art. 24)
        ({"high_risk": "true"}, {"甲化工储运有限公司", "甲建设有限公司", "甲停产道路运输公司"}),
        ({"above_scale": "true"}, {"甲化工储运有限公司"}),
        ({"q": "化工"}, {"甲化工储运有限公司"}),
        ({"q": "ENT_A_CODE"}, {"甲机械有限公司"}),               # an exact credit code
        ({"q": "ent_a_code"}, {"甲机械有限公司"}),               # typed in lower case
        ({"industry": "05", "status": "operating"}, {"甲机械有限公司"}),
    ],
    ids=["region", "region-out-of-scope", "industry-prefix", "industry-exact", "grid", "closed", "suspended",
         "supervised", "unsupervised", "high-risk", "above-scale", "q-name", "q-code", "q-code-lower", "combined"],
)
def test_enterprise_filters(world, api, registry, query, expected):
    # given county A's regulator and a registry with varied enterprises
    values = {"TOWNSHIP_A": world.township_a.code, "COUNTY_B": world.county_b.code, "GRID_A": world.grid_a.code,
              "ENT_A_CODE": world.ent_a.credit_code, "ent_a_code": world.ent_a.credit_code.lower()}
    query = {k: values.get(v, v) for k, v in query.items()}
    # when filtering the enterprise list, then exactly the matching enterprises of the scope come back
    page = get_page(act_as(api, world.users[Role.REGULATOR]), api_url("enterprise"), **query)
    assert names(page) == expected


def test_filters_never_widen_the_scope(world, api, registry):
    # given county B's regulator, when they filter by county A's region, grid or a county-A credit code
    client = act_as(api, world.users["other_county"])
    for query in ({"region": world.county_a.code}, {"grid": world.grid_a.code}, {"q": world.ent_a.credit_code},
                  {"industry": "0504"}):
        # then nothing of county A comes back
        assert get_page(client, api_url("enterprise"), **query)["count"] == 0, query


@pytest.mark.parametrize(
    ("ordering", "key", "reverse"),
    [("name", "name", False), ("-employees", "employees", True), ("employees", "employees", False),
     ("id", "id", False), (None, "id", True)],
    ids=["name", "-employees", "employees", "id", "default-newest-first"],
)
def test_enterprise_ordering(world, api, registry, ordering, key, reverse):
    # given county A's regulator, when ordering the list, then rows come in that order
    params = {"ordering": ordering} if ordering else {}
    rows = get_page(act_as(api, world.users[Role.REGULATOR]), api_url("enterprise"), **params)["results"]
    values = [row[key] for row in rows]
    assert len(values) == 5
    assert values == sorted(values, reverse=reverse)


def test_pagination_walks_the_pages(world, api, registry):
    # given five enterprises in scope, when read two per page
    client = act_as(api, world.users[Role.REGULATOR])
    first = get_page(client, api_url("enterprise"), page_size=2)
    # then the envelope counts all five and links to the next page only
    assert_page_shape(first)
    assert (first["count"], len(first["results"]), first["previous"]) == (5, 2, None)
    assert "page=2" in first["next"]
    last = get_page(client, api_url("enterprise"), page_size=2, page=3)
    assert (len(last["results"]), last["next"]) == (1, None) and last["previous"]
    # and the pages together hold every enterprise once
    ids = [row["id"] for p in (1, 2, 3) for row in get_page(client, api_url("enterprise"), page_size=2,
                                                               page=p)["results"]]
    assert len(ids) == len(set(ids)) == 5


def test_page_beyond_the_end_is_404(world, api):
    # given three enterprises for the administrator, when page 9 is asked for, then 404
    assert act_as(api, world.users[Role.ADMIN]).get(api_url("enterprise"), {"page": 9}).status_code == 404


def test_list_row_shows_the_current_plate(world, api):
    # given supervised enterprise A, when the list is read, then its row carries the current plate
    rows = get_page(act_as(api, world.users[Role.REGULATOR]), api_url("enterprise"), q="甲机械")["results"]
    assert rows[0]["supervision"]["department"] == world.dept_a.name
    assert rows[0]["supervision"]["officer_name"] == "李监管"


# --- supervisions -------------------------------------------------------------------------


class TestSupervisionApi(ListContract, CreateContract):
    """Hanging a plate: administrators, regulators and industry officers on enterprises they see."""

    basename = "supervision"
    # county B's regulator holds the permission but neither sees the enterprise nor the department
    create_status = expect(403, admin=201, regulator=201, industry_officer=201, other_county=400)

    def target(self, world):
        return Supervision.objects.get(enterprise=world.ent_a)

    def create_payload(self, world):
        return {"enterprise": world.ent_a_construction.pk, "department": world.dept_a.pk,
                "leader_name": "陈局长", "officer_name": "刘科员", "started_on": "2026-03-01"}


def test_new_plate_through_the_api_ends_the_previous_one(world, api):
    # given enterprise A's current plate
    client = act_as(api, world.users[Role.REGULATOR])
    previous = Supervision.objects.get(enterprise=world.ent_a)
    # when a regulator hangs a new one
    response = client.post(api_url("supervision"), {"enterprise": world.ent_a.pk, "department": world.dept_a.pk,
                                                    "leader_name": "新局长", "officer_name": "新科员",
                                                    "started_on": "2026-05-01"}, format="json")
    assert response.status_code == 201, response.content
    # then the list shows one current plate and the previous one ended, newest first
    plates = get_page(client, api_url("supervision"), enterprise=world.ent_a.pk)["results"]
    assert [(p["id"], p["is_current"], p["ended_on"]) for p in plates] == [
        (response.json()["id"], True, None), (previous.pk, False, "2026-05-01")]
    assert get_page(client, api_url("supervision"), is_current="true")["count"] == 1


def test_plate_department_must_cover_the_enterprise(world, api):
    # given the administrator (who sees everything), when county B's department is put on enterprise A
    response = act_as(api, world.users[Role.ADMIN]).post(
        api_url("supervision"), {"enterprise": world.ent_a.pk, "department": world.dept_b.pk, "leader_name": "x",
                                 "officer_name": "y"}, format="json")
    # then 400 names the department and the current plate stays
    assert response.status_code == 400
    assert "department" in response.json()
    assert Supervision.objects.get(enterprise=world.ent_a, is_current=True).department == world.dept_a


def test_out_of_scope_enterprise_looks_missing(world, api):
    # given county B's regulator posting a plate for a county-A enterprise, and for an id that does not exist
    client = act_as(api, world.users["other_county"])

    def post(enterprise_id):
        return client.post(api_url("supervision"), {"enterprise": enterprise_id, "department": world.dept_b.pk,
                                                    "leader_name": "x", "officer_name": "y"}, format="json")

    hidden, missing = post(world.ent_a.pk), post(10**9)
    # then both answers are the same 400 on the enterprise field: existence outside the scope does not leak
    assert hidden.status_code == missing.status_code == 400
    assert "enterprise" in hidden.json()
    assert hidden.json()["enterprise"] == [m.replace(str(10**9), str(world.ent_a.pk))
                                           for m in missing.json()["enterprise"]]


def test_plates_are_never_edited_or_deleted(world, api):
    # given the administrator and enterprise A's current plate
    client = act_as(api, world.users[Role.ADMIN])
    plate = Supervision.objects.get(enterprise=world.ent_a)
    url = api_url("supervision", plate.pk)
    # when they try to edit, replace, delete or void it, then every attempt is refused
    assert client.patch(url, {"leader_name": "改"}, format="json").status_code == 405
    assert client.put(url, {"leader_name": "改"}, format="json").status_code == 405
    assert client.delete(url, {"reason": "x"}, format="json").status_code == 405
    assert client.post(url + "void/", {"reason": "x"}, format="json").status_code in {404, 405}
    # and the plate is unchanged and current
    plate.refresh_from_db()
    assert plate.is_current and plate.leader_name == "张领导"


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"is_current": "true"}, 1), ({"is_current": "false"}, 0), ({"enterprise": "ENT_A"}, 1),
     ({"department": "DEPT_A"}, 1), ({"enterprise": "ENT_B"}, 0)],
    ids=["current", "ended", "enterprise", "department", "out-of-scope-enterprise"],
)
def test_supervision_filters(world, api, query, expected):
    # given county A's regulator, when filtering plates, then the count is the matching plates in scope
    values = {"ENT_A": world.ent_a.pk, "ENT_B": world.ent_b.pk, "DEPT_A": world.dept_a.pk}
    query = {k: values.get(v, v) for k, v in query.items()}
    assert get_page(act_as(api, world.users[Role.REGULATOR]), api_url("supervision"), **query)["count"] == expected


def test_industries_reference_list(world, api):
    # given any logged-in user, when reading the industry taxonomy, then it is the whole unpaginated list
    response = act_as(api, world.users[Role.EXPERT]).get("/api/industries/")
    assert response.status_code == 200
    codes = [row["code"] for row in response.json()]
    assert {"01", "06", "0601", "0504"} <= set(codes) and codes == sorted(codes)
    assert act_as(api, None).get("/api/industries/").status_code == 401

"""The accident API: who may report, correct and void (per role), casualty updates, the
reporting chain, flags, investigation, rectification and accountability through the API, the
ledger's filters, scoping (other county: 404 and zero counts) and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import (
    ACTORS,
    CreateContract,
    ListContract,
    VoidContract,
    VoidRulesContract,
    act_as,
    actor_id,
    expect,
    get_page,
    list_count,
)

from .factories import accident_type_on, at, make_accident

LIST = "/api/accidents/"


def detail(pk, action=""):
    return f"/api/accidents/{pk}/" + (f"{action}/" if action else "")


class TestAccidentApi(ListContract, CreateContract, VoidContract, VoidRulesContract):
    """Reporting: the enterprise (its own), regulators and industry officers in scope (the
    construction officer cannot pick machinery enterprise A: 400; county B cannot pick township A:
    400); the committee office, grid officers and experts only read. Voiding: regulators."""

    basename = "accident"
    create_status = expect(403, admin=201, regulator=201, enterprise=201, industry_officer=400, other_county=400)
    void_status = expect(403, admin=204, regulator=204, industry_officer=404, other_county=404)

    @pytest.fixture(autouse=True)
    def _accident(self, world):
        self.accident = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a)

    def target(self, world):
        return self.accident

    def create_payload(self, world):
        occurred = timezone.now() - datetime.timedelta(days=1)
        return {"enterprise": world.ent_a.pk, "region": world.township_a.code, "occurred_at": occurred.isoformat(),
                "address": "二车间", "accident_type": accident_type_on(timezone.localdate(occurred)).pk,
                "deaths": 1, "serious_injuries": 2, "direct_loss_yuan": "120000.00", "summary": "冲床伤人"}


UPDATE_STATUS = expect(403, admin=200, regulator=200, enterprise=200, industry_officer=404, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_correct_by_role(world, api, who):
    # given an accident of enterprise A, when a user of this role corrects it (with a reason)
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a)
    response = act_as(api, world.users[who]).patch(detail(acc.pk), {"summary": "更正后的经过", "reason": "补充"},
                                                   format="json")
    # then the status is the table's and the change is stored only when allowed
    assert response.status_code == UPDATE_STATUS[who], response.content
    acc.refresh_from_db()
    assert (acc.summary == "更正后的经过") is (response.status_code == 200)


def test_correction_without_reason_is_400(world, api):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a)
    response = act_as(api, world.users[Role.REGULATOR]).patch(detail(acc.pk), {"deaths": 3}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_report_reads_back_with_grade_and_by(world, api):
    client = act_as(api, world.users[Role.ENTERPRISE])
    occurred = timezone.now() - datetime.timedelta(hours=5)
    response = client.post(LIST, {
        "enterprise": world.ent_a.pk, "occurred_at": occurred.isoformat(), "address": "二车间",
        "accident_type": accident_type_on(timezone.localdate(occurred)).pk, "deaths": 2, "serious_injuries": 9,
        "direct_loss_yuan": "50000000", "summary": "爆炸", "learned_at": occurred.isoformat(),
        "reported_to_government_at": (occurred + datetime.timedelta(minutes=90)).isoformat()}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grade"] == "serious"
    assert body["grade_by"] == {"deaths": "ordinary", "serious_injuries": "ordinary", "direct_loss": "serious"}
    assert body["region"] == world.township_a.code and body["number"].startswith("SG")
    # reported 90 minutes after the unit head learned of it: late, and flagged automatically
    assert body["reporting_chain"]["is_late"] and body["reporting_chain"]["required_top_level"] == "national"
    assert [f["kind"] for f in body["flags"]] == ["late"]


def test_type_of_the_wrong_list_is_400_naming_the_field(world, api):
    response = act_as(api, world.users[Role.REGULATOR]).post(LIST, {
        "region": world.township_a.code, "occurred_at": at(2026, 6, 30, 12).isoformat(), "address": "路口",
        "accident_type": accident_type_on(datetime.date(2026, 7, 1)).pk, "summary": "x"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["accident_type"]


def test_negative_count_is_400_naming_the_field(world, api):
    response = act_as(api, world.users[Role.REGULATOR]).post(LIST, {
        "region": world.township_a.code, "occurred_at": at(2026, 3, 1).isoformat(), "address": "路口",
        "accident_type": accident_type_on(datetime.date(2026, 3, 1)).pk, "summary": "x", "deaths": -2},
        format="json")
    assert response.status_code == 400 and list(response.json()) == ["deaths"]


def test_casualty_update_through_the_api(world, api):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a, deaths=2)
    client = act_as(api, world.users[Role.ENTERPRISE])
    response = client.post(detail(acc.pk, "casualty-updates"), {"as_of": timezone.now().isoformat(), "deaths": 3,
                                                                "note": "补报"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["grade"] == "relatively_serious"
    history = client.get(detail(acc.pk, "casualty-updates")).json()
    assert [(u["deaths_before"], u["deaths"], u["counted"]) for u in history] == [(2, 3, True)]
    # a stale version is a conflict
    response = client.post(detail(acc.pk, "casualty-updates"), {"as_of": timezone.now().isoformat(), "deaths": 4,
                                                                "version": 1}, format="json")
    assert response.status_code == 409


def test_steps_flags_investigation_rectification_accountability(world, api):
    occurred = at(2026, 2, 1, 8)
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a, occurred_at=occurred, deaths=3,
                        learned_at=occurred, reported_to_government_at=occurred + datetime.timedelta(minutes=30))
    client = act_as(api, world.users[Role.REGULATOR])
    r = client.post(detail(acc.pk, "steps"), {"level": "county", "received_at": (occurred + datetime.timedelta(
        minutes=30)).isoformat(), "passed_on_at": (occurred + datetime.timedelta(hours=3)).isoformat()},
        format="json")
    assert r.status_code == 201, r.content
    chain = client.get(detail(acc.pk, "steps")).json()
    assert chain["is_late"] and chain["links"][1]["late"] and chain["links"][1]["elapsed_minutes"] == 150
    r = client.post(detail(acc.pk, "flags"), {"kind": "false", "note": "少报死亡人数"}, format="json")
    assert r.status_code == 201, r.content
    flag_id = [f["id"] for f in r.json()["flags"] if f["kind"] == "false"][0]
    r = client.post(detail(acc.pk, f"flags/{flag_id}/confirm"), {"comment": "查实"}, format="json")
    assert r.status_code == 200, r.content
    assert client.get(detail(acc.pk, "investigation")).status_code == 404
    r = client.post(detail(acc.pk, "investigation"), {"leader": "张三", "started_on": "2026-02-02"}, format="json")
    assert r.status_code == 201 and r.json()["state"] == "investigating"
    r = client.post(detail(acc.pk, "submit-report"), {"submitted_on": "2026-03-01", "cause": "违章作业"},
                    format="json")
    assert r.status_code == 200, r.content
    assert r.json()["investigation"]["approval_deadline"] == "2026-03-16"
    r = client.post(detail(acc.pk, "approve-report"), {"approved_on": "2026-03-10"}, format="json")
    assert r.json()["state"] == "closed"
    r = client.post(detail(acc.pk, "rectifications"), {"problem": "培训不到位", "responsible_unit": "甲公司",
                                                       "deadline": "2027-01-01"}, format="json")
    assert r.status_code == 201, r.content
    r = client.post(detail(acc.pk, "accountability"), {"person_name": "李四", "measure": "administrative_sanction"},
                    format="json")
    assert r.status_code == 201 and r.json()["accountabilities"][0]["person_name"] == "李四"
    events = client.get(detail(acc.pk, "events")).json()
    assert {"reported", "step_recorded", "investigation_started", "report_approved"} <= {e["action"] for e in events}


@pytest.mark.parametrize("who", [Role.ENTERPRISE, Role.COMMITTEE_OFFICE])
def test_readers_and_enterprises_cannot_investigate(world, api, who):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a)
    client = act_as(api, world.users[who])
    assert client.post(detail(acc.pk, "flags"), {"kind": "concealed", "note": "x"}, format="json").status_code == 403
    assert client.post(detail(acc.pk, "investigation"), {}, format="json").status_code == 403
    assert client.get(detail(acc.pk)).status_code == 200  # but they read it


def test_other_county_sees_nothing(world, api):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a, deaths=3)
    client = act_as(api, world.users["other_county"])
    assert list_count(client, LIST) == 0
    assert list_count(client, LIST, grade="relatively_serious") == 0
    for path in ("", "casualty-updates", "steps", "flags", "events", "rectifications", "accountability"):
        assert client.get(detail(acc.pk, path)).status_code == 404
    assert client.post(detail(acc.pk, "casualty-updates"), {"as_of": timezone.now().isoformat(), "deaths": 5},
                       format="json").status_code == 404
    assert list_count(act_as(api, world.users[Role.REGULATOR]), LIST) == 1


def test_ledger_filters(world, api):
    admin = world.users[Role.ADMIN]
    a = make_accident(admin, enterprise=world.ent_a, occurred_at=at(2025, 5, 1), deaths=3)
    b = make_accident(admin, region=world.township_b, occurred_at=at(2025, 8, 1), category="road_traffic")
    c = make_accident(admin, enterprise=world.ent_a_construction, occurred_at=at(2026, 1, 10),
                      learned_at=at(2026, 1, 10), reported_to_government_at=at(2026, 1, 10, 13))
    client = act_as(api, admin)

    def ids(**params):
        return {row["id"] for row in get_page(client, LIST, **params)["results"]}

    assert ids(region=world.county_a.code) == {a.pk, c.pk}
    assert ids(grade="relatively_serious") == {a.pk}
    assert ids(category="road_traffic") == {b.pk}
    assert ids(occurred_from="2025-06-01", occurred_to="2025-12-31") == {b.pk}
    assert ids(industry="06") == {c.pk}
    assert ids(enterprise=world.ent_a.pk) == {a.pk}
    assert ids(flag="late") == {c.pk}
    assert ids(state="reported") == {a.pk, b.pk, c.pk}
    assert ids(accident_type=a.accident_type_id) >= {a.pk}
    assert ids(q=a.number) == {a.pk}


@pytest.mark.parametrize("who", [Role.REGULATOR, Role.ENTERPRISE, Role.ADMIN])
def test_list_runs_a_constant_number_of_queries(world, api, django_assert_max_num_queries, who):
    admin = world.users[Role.ADMIN]
    make_accident(admin, enterprise=world.ent_a)
    act_as(api, world.users[who]).get(LIST)  # warm-up
    act_as(api, world.users[who])
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as one:
        assert api.get(LIST, {"page_size": 100}).json()["count"] == 1
    for i in range(20):
        make_accident(admin, enterprise=world.ent_a if i % 2 else None, region=world.township_a,
                      category="road_traffic" if i % 2 == 0 else "industrial")
    act_as(api, world.users[who])
    with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as many:
        page = api.get(LIST, {"page_size": 100}).json()
    assert page["count"] == (11 if who == Role.ENTERPRISE else 21)
    assert len(many) == len(one)


def test_detail_runs_a_bounded_number_of_queries(world, api, django_assert_max_num_queries):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a)
    client = act_as(api, world.users[Role.REGULATOR])
    client.get(detail(acc.pk))
    act_as(api, world.users[Role.REGULATOR])
    # 17: the follow-up reports (续报) are one prefetch more.
    with django_assert_max_num_queries(17):
        assert client.get(detail(acc.pk)).status_code == 200
    assert Accident.objects.count() == 1


def test_history_lists_the_field_changes(world, api):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a, deaths=1)
    client = act_as(api, world.users[Role.REGULATOR])
    assert client.patch(detail(acc.pk), {"deaths": 3, "reason": "核实"}, format="json").status_code == 200
    rows = client.get(detail(acc.pk, "history")).json()
    assert len(rows) == 2 and rows[0]["type"] == "~"
    assert act_as(api, world.users["other_county"]).get(detail(acc.pk, "history")).status_code == 404

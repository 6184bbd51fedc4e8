"""The committee office's API: units (who may add and void), monthly reports through the API
(fill, meetings with minutes, submit, review, 409 on a stale version), filters, scoping (another
county: 404 and absent from lists) and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.core.testing.files import pdf_upload
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
)
from anjian.steering import services
from anjian.steering.models import Unit

from .helpers import committee, fill, report_of

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
UNITS = "/api/steering/units/"
REPORTS = "/api/steering/monthly-reports/"


def report_url(pk, action=""):
    return f"{REPORTS}{pk}/" + (f"{action}/" if action else "")


class TestUnitApi(ListContract, CreateContract, VoidContract, VoidRulesContract):
    """The committee office (and the administrator) add and void its units; every other role
    reads only (403 before any record is read)."""

    basename = "steering-unit"
    create_status = expect(403, admin=201, committee_office=201)
    void_status = expect(403, admin=204, committee_office=204)

    @pytest.fixture(autouse=True)
    def _unit(self, world):
        self.c = committee(world)

    def target(self, world):
        return self.c.bureau

    def create_payload(self, world):
        return {"committee": world.county_a.code, "kind": "party_department", "name": "区委组织部"}


def test_a_lower_government_must_lie_below_the_committee(world, api):
    # given county A's office, when it names county B's township as its lower government
    c = committee(world)
    response = act_as(api, c.office).post(UNITS, {"committee": world.county_a.code, "kind": "lower_government",
                                                  "name": "乙镇", "region": world.township_b.code}, format="json")
    # then the region is refused as one it may not name (county B is outside its scope)
    assert response.status_code == 400 and "region" in response.json()
    # and a region of its own that is not below the committee is refused by the service
    response = act_as(api, c.office).post(UNITS, {"committee": world.county_a.code, "kind": "lower_government",
                                                  "name": "甲区", "region": world.county_a.code}, format="json")
    assert response.status_code == 400 and "region" in response.json()


def test_the_office_of_another_committee_cannot_add_units_to_it(world, api):
    # given a committee-office user of county A, when they add a unit to the city's committee
    c = committee(world)
    response = act_as(api, c.office).post(UNITS, {"committee": world.city.code, "kind": "party_department",
                                                  "name": "市委宣传部"}, format="json")
    # then the city is not theirs to name (outside their scope: 400), and nothing is written
    assert response.status_code == 400
    assert not Unit.objects.filter(name="市委宣传部").exists()


EDIT_STATUS = expect(403, admin=200, regulator=200, committee_office=200, industry_officer=403, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_who_may_edit_the_bureaus_report(world, api, clock, who):
    # given the bureau's March report
    c = committee(world)
    services.open_month(MARCH)
    report = report_of(c.bureau, MARCH)
    # when a user of this role fills it in
    response = act_as(api, world.users[who]).patch(report_url(report.pk), {"summary": "本月工作"}, format="json")
    # then the table says who may (the bureau's officer, its office, the administrator)
    assert response.status_code == EDIT_STATUS[who], response.content
    report.refresh_from_db()
    assert (report.summary == "本月工作") is (response.status_code == 200)


def test_a_report_is_filled_submitted_and_reviewed_through_the_api(world, api, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = report_of(c.bureau, MARCH)
    client = act_as(api, world.users[Role.REGULATOR])
    body = client.patch(report_url(report.pk), {"summary": "召开专题会议两次", "version": report.version},
                        format="json").json()
    # meetings with their minutes (multipart)
    for day in (3, 17):
        response = client.post(report_url(report.pk, "meetings"), {
            "held_on": f"2026-03-{day:02d}", "kind": "special", "title": "安全生产专题会", "chaired_by": "局长",
            "minutes": [pdf_upload("纪要.pdf")]}, format="multipart")
        assert response.status_code == 201, response.content
        body = response.json()
    assert len(body["meetings"]) == 2 and body["meetings"][0]["minutes"][0]["url"].startswith("/files/")
    # a check led by an official with a bad count is refused naming the field
    response = client.post(report_url(report.pk, "checks"), {
        "checked_on": "2026-03-20", "kind": "night", "leader_name": "王副区长", "leader_position": "副区长",
        "places": "甲机械有限公司", "hazards_found": 1, "fixed_on_the_spot": 3}, format="multipart")
    assert response.status_code == 400 and "fixed_on_the_spot" in response.json()
    # a stale version is a conflict
    response = client.post(report_url(report.pk, "submit"), {"version": 1}, format="json")
    assert response.status_code == 409 and response.json()["current_state"] == "pending"
    assert "submit" in body["available_actions"]
    response = client.post(report_url(report.pk, "submit"), {"version": body["version"]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["late"] is False and body["hazards_found"] == 0
    # the bureau may not review; the office returns it, naming what to correct
    assert client.post(report_url(report.pk, "review"), {"decision": "accept"}, format="json").status_code == 403
    office = act_as(api, c.office)
    response = office.post(report_url(report.pk, "review"), {"decision": "return"}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = office.post(report_url(report.pk, "review"), {"decision": "return", "comment": "缺少夜查记录"},
                           format="json")
    assert response.json()["state"] == "returned"
    events = [e["action"] for e in office.get(report_url(report.pk, "events")).json()]
    assert {"report_opened", "meeting_added", "report_submitted", "report_returned"} <= set(events)


def test_the_report_list_filters_and_stays_in_scope(world, api, clock):
    c = committee(world)
    for month in (1, 2, 3):
        services.open_month(datetime.date(2026, month, 1))
    clock("2026-02-10T10:00")
    services.submit_report(fill(report_of(c.bureau, datetime.date(2026, 1, 1)), c.office), actor=c.office)
    clock("2026-03-10T10:00")
    client = act_as(api, c.office)
    assert get_page(client, REPORTS)["count"] == 6
    assert get_page(client, REPORTS, late="true")["count"] == 1
    # overdue: January's township report and both of February's (due 5 March)
    assert get_page(client, REPORTS, overdue="true")["count"] == 3
    assert get_page(client, REPORTS, month="2026-02-14")["count"] == 2
    assert get_page(client, REPORTS, state="pending", unit=c.bureau.pk)["count"] == 2
    assert get_page(client, REPORTS, region=world.township_a.code)["count"] == 3
    assert client.get(REPORTS, {"month": "二月"}).status_code == 400
    # county B's regulator sees none of them and gets 404 on one
    other = act_as(api, world.users["other_county"])
    assert get_page(other, REPORTS)["count"] == 0
    assert other.get(report_url(report_of(c.bureau, MARCH).pk)).status_code == 404
    assert get_page(other, UNITS)["count"] == 0


def test_the_report_list_runs_a_constant_number_of_queries(world, api, clock):
    c = committee(world)
    client = act_as(api, c.office)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(REPORTS).status_code == 200
        return len(ctx.captured_queries)

    services.open_month(datetime.date(2026, 1, 1))
    count()  # the first request also reads the user's groups and permissions
    few = count()
    for month in (2, 3, 4, 5):
        services.open_month(datetime.date(2026, month, 1))
    assert count() == few <= 8

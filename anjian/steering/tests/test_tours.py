"""Inspection tours (巡查督导): planning, findings (noted or to rectify, a hazard handed over),
feedback, the unit's rectification reports, the office's verification, completion; the overdue
warning and the follow-up figure; who may do what; the API and scoping."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.testing.files import pdf_upload
from anjian.core.testing.indicators import assert_drills_match, month
from anjian.core.testing.indicators import figure as indicator_figure
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, expect, get_page
from anjian.steering import selectors, services
from anjian.steering.models import TourFinding

from .helpers import committee, tour_of

pytestmark = pytest.mark.django_db

D = datetime.date
TO_RECTIFY = {"category": "responsibility", "description": "未按要求召开安全生产专题会议",
              "requirement": "建立专题会议制度并按月召开", "deadline": D(2026, 4, 10)}


def test_a_tour_visits_a_lower_government_or_a_department_of_the_committee(world, clock):
    c = committee(world)
    party = services.create_unit(actor=c.office, committee_region=world.county_a,
                                 data={"kind": "party_department", "name": "区委宣传部"})
    with pytest.raises(ValidationError) as err:
        tour_of(c, unit=party)
    assert "unit" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        tour_of(c, ends_on=D(2026, 3, 1))
    assert "ends_on" in err.value.message_dict
    tour = tour_of(c)
    assert tour.number.startswith("XC2026") and tour.region_path == c.bureau.region_path
    with pytest.raises(PermissionDenied):
        services.create_tour(actor=world.users[Role.REGULATOR], committee_region=world.county_a, unit=c.township,
                             data={"title": "越权巡查", "starts_on": D(2026, 3, 2), "ends_on": D(2026, 3, 3),
                                   "team_leader": "某"})


def test_feedback_needs_findings_with_deadlines_and_the_unit_reports_after_it(world, clock):
    c = committee(world)
    tour = tour_of(c)
    with pytest.raises(ValidationError) as err:
        services.give_feedback(tour, actor=c.office)
    assert "findings" in err.value.message_dict
    noted = services.add_finding(tour, actor=c.office, data={"category": "other", "description": "台账较规范"})
    open_ = services.add_finding(tour, actor=c.office, data={**TO_RECTIFY, "deadline": None})
    assert (noted.state, noted.seq, open_.state, open_.seq) == ("noted", 1, "open", 2)
    tour.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.give_feedback(tour, actor=c.office)
    assert "deadline" in err.value.message_dict
    # before feedback the unit cannot report its rectification
    regulator = world.users[Role.REGULATOR]
    with pytest.raises(ValidationError):
        services.report_rectification(open_, actor=regulator, note="已整改")
    open_ = services.update_finding(open_, actor=c.office, data={"deadline": D(2026, 4, 10)})
    tour.refresh_from_db()
    tour = services.give_feedback(tour, actor=c.office, on=D(2026, 3, 10))
    assert tour.state == "feedback" and tour.feedback_on == D(2026, 3, 10)
    # once feedback is given, a new finding to rectify needs its deadline at once
    with pytest.raises(ValidationError) as err:
        services.add_finding(tour, actor=c.office, data={**TO_RECTIFY, "deadline": None})
    assert "deadline" in err.value.message_dict


def test_the_rectification_loop_to_completion(world, clock):
    c = committee(world)
    regulator = world.users[Role.REGULATOR]  # the bureau's officer
    tour = tour_of(c)
    finding = services.add_finding(tour, actor=c.office, data=TO_RECTIFY)
    tour.refresh_from_db()
    tour = services.give_feedback(tour, actor=c.office)
    # only the bureau (or the office) reports; an industry officer of the county cannot
    with pytest.raises(PermissionDenied):
        services.report_rectification(finding, actor=world.users[Role.INDUSTRY_OFFICER], note="已整改")
    with pytest.raises(ValidationError) as err:
        services.report_rectification(finding, actor=regulator, note=" ")
    assert "note" in err.value.message_dict
    finding = services.report_rectification(finding, actor=regulator, note="已建立制度", files=[pdf_upload("制度.pdf")])
    assert finding.state == "reported" and finding.reported_on == D(2026, 3, 10)
    # the bureau cannot verify its own rectification; the office returns it with a reason
    with pytest.raises(PermissionDenied):
        services.verify_rectification(finding, actor=regulator, accept=True)
    with pytest.raises(ValidationError):
        services.verify_rectification(finding, actor=c.office, accept=False)
    finding = services.verify_rectification(finding, actor=c.office, accept=False, comment="缺少会议记录")
    assert finding.state == "open"
    # the tour cannot be completed while a rectification is open
    with pytest.raises(ValidationError):
        services.complete_tour(tour, actor=c.office)
    finding = services.report_rectification(finding, actor=regulator, note="已补充会议记录")
    finding = services.verify_rectification(finding, actor=c.office, accept=True)
    assert finding.state == "closed" and finding.closed_by == c.office
    tour.refresh_from_db()
    tour = services.complete_tour(tour, actor=c.office)
    assert tour.state == "completed" and tour.completed_on == D(2026, 3, 10)


def test_a_hazard_handed_over_must_be_of_the_toured_area(world, clock):
    c = committee(world)
    tour = tour_of(c, unit=c.township)
    admin = world.users[Role.ADMIN]
    mine, theirs = make_hazard(world.ent_a, admin, major=True), make_hazard(world.ent_b, admin, major=True)
    with pytest.raises(ValidationError) as err:
        services.add_finding(tour, actor=admin, data={**TO_RECTIFY, "category": "hazard", "hazard": theirs})
    assert "hazard" in err.value.message_dict
    finding = services.add_finding(tour, actor=admin, data={**TO_RECTIFY, "category": "hazard", "hazard": mine})
    assert finding.hazard == mine


def test_overdue_warning_and_the_follow_up_figure(world, clock):
    # given a tour with feedback and three rectifications due 10 April, 20 April and 30 April
    c = committee(world)
    regulator = world.users[Role.REGULATOR]
    tour = tour_of(c)
    due = [services.add_finding(tour, actor=c.office, data={**TO_RECTIFY, "deadline": d})
           for d in (D(2026, 4, 10), D(2026, 4, 20), D(2026, 4, 30))]
    services.add_finding(tour, actor=c.office, data={"category": "other", "description": "记录完整"})  # noted
    tour.refresh_from_db()
    services.give_feedback(tour, actor=c.office)
    rule = get_rule("steering_rectification_overdue")
    # the first is reported on time (8 April), the second late (22 April), the third never
    clock("2026-04-08T10:00")
    services.report_rectification(due[0], actor=regulator, note="已整改")
    clock("2026-04-21T10:00")
    sync_rule(rule)
    assert set(Warning.objects.filter(rule=rule.code, closed_at__isnull=True).values_list("object_id", flat=True)) \
        == {str(due[1].pk)}
    clock("2026-04-22T10:00")
    services.report_rectification(due[1], actor=regulator, note="已整改")
    clock("2026-05-05T10:00")
    sync_rule(rule)
    assert set(Warning.objects.filter(rule=rule.code, closed_at__isnull=True).values_list("object_id", flat=True)) \
        == {str(due[2].pk)}
    # when the figure for April is read on 5 May: 1 on time, 1 late, 1 overdue → 1/3
    figure = selectors.tour_rectification(world.county_a.path, D(2026, 4, 1), D(2026, 4, 30))
    assert figure.parts == {"on_time": 1, "late": 1, "overdue": 1} and (figure.numerator, figure.denominator) == (1, 3)
    assert [f.pk for f in selectors.tour_rectification_records(world.county_a.path, D(2026, 4, 1), D(2026, 4, 30))] \
        == [due[2].pk]
    # and the indicator registry counts the same for county A's regulator, nothing for another county's
    value = assert_drills_match("tour_rectification_on_time", regulator, world.county_a, month(2026, 4))
    assert (value.numerator, value.denominator) == (1, 3)
    assert indicator_figure("tour_rectification_on_time", world.users["other_county"], world.county_a,
                  month(2026, 4)).denominator == 0
    # read on 25 April, the third is not yet due: 1 of 2
    clock("2026-04-25T10:00")
    assert selectors.tour_rectification(world.county_a.path, D(2026, 4, 1), D(2026, 4, 30)).denominator == 2
    assert selectors.tour_rectification(world.county_b.path, D(2026, 4, 1), D(2026, 4, 30)).denominator == 0


REPORT_STATUS = expect(403, admin=200, regulator=200, committee_office=200, industry_officer=403, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_who_may_report_a_rectification_through_the_api(world, api, clock, who):
    c = committee(world)
    tour = tour_of(c)
    finding = services.add_finding(tour, actor=c.office, data=TO_RECTIFY)
    tour.refresh_from_db()
    services.give_feedback(tour, actor=c.office)
    response = act_as(api, world.users[who]).post(f"/api/steering/tour-findings/{finding.pk}/report/",
                                                  {"note": "已整改", "files": [pdf_upload("整改.pdf")]},
                                                  format="multipart")
    assert response.status_code == REPORT_STATUS[who], response.content
    finding.refresh_from_db()
    assert (finding.state == "reported") is (response.status_code == 200)


def test_a_tour_through_the_api(world, api, clock):
    c = committee(world)
    office = act_as(api, c.office)
    response = office.post("/api/steering/tours/", {
        "committee": world.county_a.code, "unit": c.bureau.pk, "title": "专项巡查", "starts_on": "2026-03-02",
        "ends_on": "2026-03-04", "team_leader": "李组长"}, format="json")
    assert response.status_code == 201, response.content
    tour = response.json()
    response = office.post(f"/api/steering/tours/{tour['id']}/findings/", {
        "category": "enforcement", "description": "执法检查计划未落实", "requirement": "补充制定执法计划",
        "deadline": "2026-04-01", "files": [pdf_upload("照片.pdf")]}, format="multipart")
    assert response.status_code == 201, response.content
    finding = response.json()
    assert finding["seq"] == 1 and finding["state"] == "open" and finding["files"][0]["url"].startswith("/files/")
    response = office.post(f"/api/steering/tours/{tour['id']}/feedback/", {"version": tour["version"]}, format="json")
    assert response.status_code == 409  # the finding moved the tour on
    response = office.post(f"/api/steering/tours/{tour['id']}/feedback/", {}, format="json")
    assert response.json()["state"] == "feedback"
    assert get_page(office, "/api/steering/tour-findings/", overdue="false")["count"] == 1
    clock("2026-04-02T10:00")
    assert get_page(office, "/api/steering/tour-findings/", overdue="true")["count"] == 1
    other = act_as(api, world.users["other_county"])
    assert other.get(f"/api/steering/tours/{tour['id']}/").status_code == 404
    assert get_page(other, "/api/steering/tour-findings/")["count"] == 0
    assert TourFinding.objects.filter(tour_id=tour["id"]).count() == 1

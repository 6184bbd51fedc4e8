"""Summonses (安全生产约谈, 安委〔2018〕2号): planning a summons of a lower government or a
department, the talk with its minutes and the time limit it sets, the unit's written report, the
office's follow-up (close, or return with a new due day), the circular and the public disclosure;
the overdue warning on the days around the limit; who may do what; the API, the pages and scoping."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.services import events_for
from anjian.core.testing.files import pdf_upload
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, expect, get_page
from anjian.steering import services

from .helpers import committee

pytestmark = pytest.mark.django_db

D = datetime.date
PLAN = {"ground": "hazards_not_rectified", "reason": "两处重大事故隐患挂牌督办逾期未整改",
        "scheduled_on": D(2026, 3, 9), "convened_by": "区安委会副主任", "summoned_officials": "局长 张某"}


def summons_of(c, unit=None, **data):
    return services.create_summons(actor=c.office, committee_region=c.office.scope_region, unit=unit or c.bureau,
                                   data={**PLAN, **data})


def held(c, summons, report_due=None):
    report_due = report_due or D(2026, 3, 20)
    return services.hold_summons(summons, actor=c.office, held_on=D(2026, 3, 9), minutes="约谈纪要：限期整改",
                                 measures="两处隐患三月底前完成整改", report_due=report_due)


def test_a_summons_is_planned_for_a_lower_government_or_a_department_by_the_office(world, clock):
    c = committee(world)
    party = services.create_unit(actor=c.office, committee_region=world.county_a,
                                 data={"kind": "party_department", "name": "区委宣传部"})
    with pytest.raises(ValidationError) as err:
        summons_of(c, unit=party)
    assert "unit" in err.value.message_dict
    # the regulator (a member of the bureau) cannot summon anyone
    with pytest.raises(PermissionDenied):
        services.create_summons(actor=world.users[Role.REGULATOR], committee_region=world.county_a, unit=c.township,
                                data=PLAN)
    # an accident named must lie in the summoned unit's area
    from anjian.accidents.tests.factories import make_accident
    theirs = make_accident(world.users[Role.ADMIN], enterprise=world.ent_b)
    with pytest.raises(ValidationError) as err:
        summons_of(c, unit=c.township, accident=theirs, ground="major_accident")
    assert "accident" in err.value.message_dict
    ours = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a)
    s = summons_of(c, unit=c.township, accident=ours, ground="major_accident")
    assert s.number.startswith("YT2026") and s.region_path == c.township.region_path and s.state == "planned"


def test_the_talk_sets_the_measures_and_the_time_limit_then_the_unit_reports_and_the_office_follows_up(world, clock):
    c = committee(world)
    regulator = world.users[Role.REGULATOR]  # the bureau's officer
    s = summons_of(c)
    # the unit cannot report before the talk
    with pytest.raises(ValidationError):
        services.report_summons(s, actor=regulator, note="已整改")
    with pytest.raises(ValidationError) as err:
        services.hold_summons(s, actor=c.office, held_on=D(2026, 3, 9), minutes=" ", measures="整改", report_due=D(2026, 3, 20))
    assert "minutes" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.hold_summons(s, actor=c.office, held_on=D(2026, 3, 9), minutes="纪要", measures="整改",
                              report_due=D(2026, 3, 8))
    assert "report_due" in err.value.message_dict
    with pytest.raises(ValidationError) as err:  # today is 10 March
        services.hold_summons(s, actor=c.office, held_on=D(2026, 3, 11), minutes="纪要", measures="整改",
                              report_due=D(2026, 3, 20))
    assert "held_on" in err.value.message_dict
    s = held(c, s)
    assert (s.state, s.report_due) == ("held", D(2026, 3, 20))
    # an industry officer of the county is not the bureau: cannot report for it
    with pytest.raises(PermissionDenied):
        services.report_summons(s, actor=world.users[Role.INDUSTRY_OFFICER], note="已整改")
    s = services.report_summons(s, actor=regulator, note="一处已整改，一处正在整改", files=[pdf_upload("整改情况.pdf")])
    assert (s.state, s.reported_by, s.reported_on) == ("reported", regulator, D(2026, 3, 10))
    # the bureau cannot close its own summons; the office returns it with what is missing and a new day
    with pytest.raises(PermissionDenied):
        services.verify_summons(s, actor=regulator, accept=True)
    with pytest.raises(ValidationError) as err:
        services.verify_summons(s, actor=c.office, accept=False)
    assert "comment" in err.value.message_dict
    s = services.verify_summons(s, actor=c.office, accept=False, comment="第二处未整改完成", report_due=D(2026, 3, 31))
    assert (s.state, s.report_due, s.office_comment) == ("held", D(2026, 3, 31), "第二处未整改完成")
    # the office circulates the unit (通报); the follow-up goes on
    with pytest.raises(ValidationError) as err:
        services.circulate_summons(s, actor=c.office, document_number="")
    assert "document_number" in err.value.message_dict
    s = services.circulate_summons(s, actor=c.office, document_number="甲安委办〔2026〕3号")
    assert (s.state, s.circulated_on, s.circular_number) == ("held", D(2026, 3, 10), "甲安委办〔2026〕3号")
    s = services.report_summons(s, actor=regulator, note="两处均已整改")
    s = services.verify_summons(s, actor=c.office, accept=True)
    assert (s.state, s.closed_on) == ("closed", D(2026, 3, 10))
    s = services.publish_summons(s, actor=c.office, publication="区政府门户网站", on=D(2026, 3, 10))
    assert s.published_on == D(2026, 3, 10)
    assert [a for _, a in sorted(events_for(s).values_list("id", "action"))] == [
        "created", "summons_held", "summons_reported", "summons_returned", "summons_circulated", "summons_reported",
        "summons_closed", "summons_published"]


def test_the_overdue_warning_on_the_days_around_the_limit(world, clock):
    # given a summons held on 9 March whose written report is due on 20 March
    c = committee(world)
    s = held(c, summons_of(c))
    rule = get_rule("steering_summons_report_overdue")

    def open_warnings():
        sync_rule(rule)
        return list(Warning.objects.filter(rule=rule.code, closed_at__isnull=True).values_list("object_id", flat=True))

    # on the due day it is not overdue; the day after it is
    clock("2026-03-20T18:00")
    assert open_warnings() == []
    clock("2026-03-21T08:00")
    assert open_warnings() == [str(s.pk)]
    # when the unit reports, the warning closes
    services.report_summons(s, actor=world.users[Role.REGULATOR], note="已整改")
    assert open_warnings() == []


REPORT_STATUS = expect(403, admin=200, regulator=200, committee_office=200, industry_officer=403, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_who_may_report_after_a_summons_through_the_api(world, api, clock, who):
    c = committee(world)
    s = held(c, summons_of(c))
    response = act_as(api, world.users[who]).post(f"/api/steering/summonses/{s.pk}/report/",
                                                  {"note": "已整改", "files": [pdf_upload("整改.pdf")]},
                                                  format="multipart")
    assert response.status_code == REPORT_STATUS[who], response.content
    s.refresh_from_db()
    assert (s.state == "reported") is (response.status_code == 200)


def test_a_summons_through_the_api_and_its_pages(world, api, clock, client):
    c = committee(world)
    office = act_as(api, c.office)
    response = office.post("/api/steering/summonses/", {
        "committee": world.county_a.code, "unit": c.township.pk, "ground": "repeated_accidents",
        "reason": "30日内发生两起亡人事故", "scheduled_on": "2026-03-09", "convened_by": "区长",
        "summoned_officials": "街道办事处主任"}, format="json")
    assert response.status_code == 201, response.content
    s = response.json()
    assert s["state"] == "planned" and "hold" in s["available_actions"]
    response = office.post(f"/api/steering/summonses/{s['id']}/hold/", {
        "held_on": "2026-03-09", "minutes": "纪要", "measures": "开展专项整治", "report_due": "2026-03-16",
        "version": s["version"]}, format="json")
    assert response.status_code == 200, response.content
    response = office.post(f"/api/steering/summonses/{s['id']}/hold/", {
        "held_on": "2026-03-09", "minutes": "纪要", "measures": "再次", "report_due": "2026-03-16",
        "version": s["version"]}, format="json")
    assert response.status_code == 409
    # a bad day names its field
    response = office.post(f"/api/steering/summonses/{s['id']}/publish/", {"publication": "网站",
                                                                          "published_on": "2026-03-01"}, format="json")
    assert response.status_code == 400 and "published_on" in response.json()
    assert get_page(office, "/api/steering/summonses/", overdue="true")["count"] == 0
    clock("2026-03-17T09:00")
    assert get_page(office, "/api/steering/summonses/", overdue="true")["count"] == 1
    # another county's regulator sees nothing of it
    other = act_as(api, world.users["other_county"])
    assert get_page(other, "/api/steering/summonses/")["count"] == 0
    assert other.get(f"/api/steering/summonses/{s['id']}/").status_code == 404
    # the pages, in Chinese, for the office
    client.force_login(c.office)
    page = client.get("/steering/summons/?overdue=true", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert s["number"] in page and "逾期" in page
    page = client.get(f"/steering/summons/{s['id']}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "30日内发生两起亡人事故" in page and "开展专项整治" in page and "2026-03-16" in page


def test_the_form_offers_no_djangos_dashes(world):
    # given the form to plan a summons (its ground is a select Django makes from the model)
    from anjian.steering.forms import SummonsForm

    form = SummonsForm(user=world.users[Role.COMMITTEE_OFFICE])
    # then its empty choice reads like the platform's other selects
    assert list(form.fields["ground"].choices)[0] == ("", "—")
    assert "---------" not in form.as_p()

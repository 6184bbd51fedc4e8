"""Accident pages: the ledger (scoped, filtered, bounded queries), reporting through the form
(server-side type check), the detail with its chain and grade explanation, the action forms,
the export, and out-of-scope 404s."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.accidents.models import Accident, CasualtyUpdate
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import fresh

from .factories import accident_type_on, at, make_accident

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(fresh(user))
        return client
    return as_user


def test_ledger_lists_in_scope_with_bounded_queries(world, login, django_assert_max_num_queries):
    admin = world.users[Role.ADMIN]
    mine = make_accident(admin, enterprise=world.ent_a, deaths=3)
    other = make_accident(admin, region=world.township_b)
    client = login(world.users[Role.REGULATOR])
    client.get(reverse("accidents:list"))
    with CaptureQueriesContext(connection) as one:
        body = client.get(reverse("accidents:list"), **EN).content.decode()
    assert mine.number in body and other.number not in body
    for _i in range(15):
        make_accident(admin, enterprise=world.ent_a)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("accidents:list")).status_code == 200
    assert len(many) == len(one)
    # the other county sees none of them
    body = login(world.users["other_county"]).get(reverse("accidents:list")).content.decode()
    assert mine.number not in body and other.number in body


def test_ledger_filters_by_grade(world, login):
    admin = world.users[Role.ADMIN]
    grave = make_accident(admin, enterprise=world.ent_a, deaths=3)
    light = make_accident(admin, enterprise=world.ent_a)
    body = login(admin).get(reverse("accidents:list"), {"grade": "relatively_serious"}).content.decode()
    assert grave.number in body and light.number not in body


def test_report_through_the_form(world, login):
    client = login(world.users[Role.ENTERPRISE])
    assert client.get(reverse("accidents:create")).status_code == 200
    occurred = timezone.localtime() - datetime.timedelta(hours=3)
    data = {"occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"), "region": world.township_a.code,
            "address": "二车间", "category": "industrial",
            "accident_type": accident_type_on(occurred.date()).pk, "deaths": 0, "missing": 0,
            "serious_injuries": 10, "minor_injuries": 1, "direct_loss_yuan": "300000", "summary": "机械伤害"}
    response = client.post(reverse("accidents:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    acc = Accident.objects.get()
    assert acc.enterprise_id == world.ent_a.pk and acc.grade == "relatively_serious"
    # a type of the list not in force is refused next to the field
    data["accident_type"] = accident_type_on(datetime.date(2026, 7, 1)).pk
    data["occurred_at"] = "2026-06-30T10:00"
    response = client.post(reverse("accidents:create"), data, **EN)
    assert response.status_code == 400 and "GB6441-2025" in response.content.decode()
    assert Accident.objects.count() == 1


def test_detail_shows_grade_reason_and_late_chain(world, login):
    occurred = at(2026, 3, 1, 8)
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a, occurred_at=occurred,
                        direct_loss_yuan=60_000_000, learned_at=occurred,
                        reported_to_government_at=occurred + datetime.timedelta(hours=2))
    body = login(world.users[Role.REGULATOR]).get(reverse("accidents:detail", args=[acc.pk]), **EN).content.decode()
    assert "Serious accident" in body and "decides the grade" in body
    assert "迟报" in body
    assert login(world.users["other_county"]).get(reverse("accidents:detail", args=[acc.pk])).status_code == 404


def test_casualty_update_form(world, login):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a, deaths=2)
    client = login(world.users[Role.ENTERPRISE])
    url = reverse("accidents:action", args=[acc.pk, "casualty_update"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": acc.version, "as_of": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                 "deaths": 3, "missing": 0, "serious_injuries": 0, "minor_injuries": 0,
                                 "direct_loss_yuan": "0", "note": "补报"})
    assert response.status_code == 302
    acc.refresh_from_db()
    assert acc.grade == "relatively_serious" and CasualtyUpdate.objects.filter(accident=acc).count() == 1
    # a stale page is a conflict, shown on the form
    response = client.post(url, {"version": 1, "as_of": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                 "deaths": 4, "missing": 0, "serious_injuries": 0, "minor_injuries": 0,
                                 "direct_loss_yuan": "0"})
    assert response.status_code == 400 and CasualtyUpdate.objects.filter(accident=acc).count() == 1


def test_investigation_forms_need_the_right(world, login):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a)
    url = reverse("accidents:action", args=[acc.pk, "start_investigation"])
    response = login(world.users[Role.ENTERPRISE]).post(url, {"version": acc.version, "leader": "x"})
    assert response.status_code == 400
    acc.refresh_from_db()
    assert acc.state == "reported"
    response = login(world.users[Role.REGULATOR]).post(url, {"version": acc.version, "leader": "张三"})
    assert response.status_code == 302
    acc.refresh_from_db()
    assert acc.state == "investigating"


def test_export_is_scoped_and_filtered(world, login):
    admin = world.users[Role.ADMIN]
    mine = make_accident(admin, enterprise=world.ent_a, deaths=3)
    make_accident(admin, enterprise=world.ent_a)
    make_accident(admin, region=world.township_b, deaths=3)
    response = login(world.users[Role.REGULATOR]).get(reverse("accidents:export"), {"grade": "relatively_serious"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == mine.number


@pytest.mark.parametrize("action", ["casualty_update", "record_step", "record_flag", "start_investigation",
                                    "add_rectification", "add_accountability", "void"])
def test_every_action_form_renders(world, login, action):
    acc = make_accident(world.users[Role.ADMIN], enterprise=world.ent_a)
    response = login(world.users[Role.REGULATOR]).get(reverse("accidents:action", args=[acc.pk, action]))
    assert response.status_code == 200
    assert login(world.users["other_county"]).get(
        reverse("accidents:action", args=[acc.pk, action])).status_code == 404


def test_flag_decision_and_rectification_pages(world, login):
    from anjian.accidents import services

    regulator = world.users[Role.REGULATOR]
    acc = make_accident(regulator, enterprise=world.ent_a)
    flag = services.record_flag(acc, actor=regulator, kind="omitted", note="漏报重伤人数")
    acc.refresh_from_db()
    rect = services.add_rectification(acc, actor=regulator, data={
        "problem": "培训不到位", "responsible_unit": "甲公司", "deadline": datetime.date(2027, 1, 1)})
    client = login(regulator)
    url = reverse("accidents:action", args=[acc.pk, "decide_flag"]) + f"?flag={flag.pk}"
    acc.refresh_from_db()
    response = client.post(url, {"version": acc.version, "decision": "confirm", "comment": "查实"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.state == "confirmed"
    url = reverse("accidents:action", args=[acc.pk, "rectify"]) + f"?rectification={rect.pk}"
    assert client.get(url).status_code == 200
    response = login(world.users[Role.ENTERPRISE]).post(url, {"rectification": rect.pk, "note": "已培训"})
    assert response.status_code == 302
    rect.refresh_from_db()
    assert rect.state == "rectified"

"""Duty lists (责任清单): duties of member units and of leaders, numbered per committee, linked to a
task or an indicator code; the all-or-nothing import; who may write; scoping; the pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from anjian.core.services import events_for
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_user
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, expect, get_page
from anjian.steering import services
from anjian.steering.imports import import_duties
from anjian.steering.models import Duty

from .helpers import committee, plan_of, task_of

pytestmark = pytest.mark.django_db


def test_duties_of_units_and_leaders(world, clock):
    c = committee(world)
    task = task_of(c, plan_of(c))
    first = services.create_duty(actor=c.office, committee_region=world.county_a, data={
        "holder": "unit", "unit": c.bureau, "category": "综合监管", "content": "负责全区安全生产综合监督管理",
        "basis": "《安全生产法》第十条", "task": task})
    second = services.create_duty(actor=c.office, committee_region=world.county_a, data={
        "holder": "leader", "leader_position": "区长", "leader_name": "张明", "leader_role": "government_head",
        "content": "担任安委会主任，定期研究部署安全生产工作", "indicator_code": "hazard_rectification_rate",
        "unit": c.bureau})
    # numbered in order; a unit's duty takes the unit's scope, a leader's the committee's (and no unit)
    assert (first.seq, second.seq) == (1, 2)
    assert first.region_path == c.bureau.region_path and second.region_path == world.county_a.path
    assert second.unit is None and second.holder_label == "区长 张明"
    # a unit's duty needs the unit; a leader's a name or position; a task of another committee is refused
    with pytest.raises(ValidationError) as err:
        services.create_duty(actor=c.office, committee_region=world.county_a, data={"holder": "unit",
                                                                                    "content": "缺单位"})
    assert "unit" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.create_duty(actor=c.office, committee_region=world.county_a, data={"holder": "leader",
                                                                                    "content": "缺领导"})
    assert "leader_position" in err.value.message_dict
    city_office = make_user(Role.COMMITTEE_OFFICE, scope_region=world.city)
    city_plan = services.create_plan(actor=city_office, committee_region=world.city, data={
        "kind": "work_points", "title": "市工作要点", "year_from": 2026, "year_to": 2026})
    city_task = services.create_task(actor=city_office, plan=city_plan, data={
        "number": "1", "title": "市任务", "deadline": __import__("datetime").date(2026, 6, 30)})
    with pytest.raises(ValidationError) as err:
        services.update_duty(first, actor=c.office, data={"task": city_task})
    assert "task" in err.value.message_dict
    # only the office keeps the list
    with pytest.raises(PermissionDenied):
        services.create_duty(actor=world.users[Role.REGULATOR], committee_region=world.county_a, data={
            "holder": "unit", "unit": c.bureau, "content": "越权"})
    # voided, kept with its number; the next duty is number 3
    services.void_duty(first, actor=c.office, reason="重复")
    third = services.create_duty(actor=c.office, committee_region=world.county_a, data={
        "holder": "unit", "unit": c.township, "content": "属地管理"})
    assert third.seq == 3 and Duty.objects.filter(pk=first.pk, is_voided=True).exists()


def _csv(rows) -> SimpleUploadedFile:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["单位名称", "领导姓名", "领导职务", "领导类别", "职责类别", "职责内容", "依据", "指标代码"])
    writer.writerows(rows)
    return SimpleUploadedFile("责任清单.csv", buf.getvalue().encode("utf-8"), content_type="text/csv")


def test_the_import_is_all_or_nothing_with_every_rows_errors(world, clock):
    c = committee(world)
    bad = _csv([
        ["甲区应急管理局", "", "", "", "综合监管", "综合监督管理", "《安全生产法》第十条", ""],
        ["不存在的单位", "", "", "", "", "行业监管", "", ""],
        ["", "", "区长", "县长", "", "领导责任", "", ""],
        ["", "", "", "", "", "", "", ""],
        ["", "", "", "", "类别", "", "", ""],
    ])
    report = import_duties(bad, bad.name, actor=c.office, committee_region=world.county_a)
    assert not report.ok and report.created == 0 and Duty.objects.count() == 0
    assert {(e.row, e.field) for e in report.errors} == {(3, "unit"), (4, "leader_role"), (6, "unit"),
                                                         (6, "content")}
    good = _csv([
        ["甲区应急管理局", "", "", "", "综合监管", "综合监督管理", "《安全生产法》第十条", "hazard_rectification_rate"],
        ["", "王芳", "副区长", "分管安全生产的负责人", "领导责任", "协助区长负责安全生产工作", "", ""],
        ["甲街道办事处", "", "", "", "属地管理", "落实属地监管责任", "", ""],
    ])
    report = import_duties(good, good.name, actor=c.office, committee_region=world.county_a)
    assert report.ok and report.created == 3
    duties = list(Duty.objects.order_by("seq"))
    assert [d.seq for d in duties] == [1, 2, 3] and duties[1].leader_role == "deputy_in_charge"
    assert duties[0].indicator_code == "hazard_rectification_rate" and duties[2].unit == c.township
    assert events_for(c.office).filter(action="duties_imported").count() == 1
    # the regulator may not import
    with pytest.raises(PermissionDenied):
        import_duties(_csv([["甲区应急管理局", "", "", "", "", "x", "", ""]]), "x.csv",
                      actor=world.users[Role.REGULATOR], committee_region=world.county_a)


IMPORT_STATUS = expect(403, admin=201, committee_office=201)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_who_may_import_through_the_api(world, api, clock, who):
    committee(world)
    response = act_as(api, world.users[who]).post("/api/steering/duties/import/", {
        "committee": world.county_a.code, "file": _csv([["甲区应急管理局", "", "", "", "", "综合监管", "", ""]])},
        format="multipart")
    assert response.status_code == IMPORT_STATUS[who], response.content


def test_duties_through_the_api_and_their_scope(world, api, clock):
    c = committee(world)
    client = act_as(api, c.office)
    response = client.post("/api/steering/duties/", {"committee": world.county_a.code, "holder": "unit",
                                                    "unit": c.bureau.pk, "content": "综合监管"}, format="json")
    assert response.status_code == 201 and response.json()["seq"] == 1
    response = client.post("/api/steering/duties/", {"committee": world.county_a.code, "holder": "leader",
                                                    "leader_position": "区委书记", "leader_role": "party_secretary",
                                                    "content": "第一责任人"}, format="json")
    assert response.status_code == 201
    assert get_page(client, "/api/steering/duties/", holder="leader")["count"] == 1
    assert get_page(client, "/api/steering/duties/", linked="false")["count"] == 2
    assert get_page(act_as(api, world.users["other_county"]), "/api/steering/duties/")["count"] == 0
    # an enterprise user sees no duty (they are the committee's internal list)
    assert get_page(act_as(api, world.users[Role.ENTERPRISE]), "/api/steering/duties/")["count"] == 0


def test_the_import_page(world, clock):
    c = committee(world)
    client = Client()
    client.force_login(c.office)
    response = client.post(reverse("steering:duty_import"), {"file": _csv([
        ["甲区应急管理局", "", "", "", "", "综合监管", "", ""]])})
    assert response.status_code == 200 and Duty.objects.count() == 1
    assert client.get(reverse("steering:duty_import_template")).status_code == 200

"""The inspections API: scoped, paginated lists with filters; duties and records written
through the services with the rights of each role; the record actions (results, items,
photos, raise hazard, submit); constant query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.core.services import attachments_for
from anjian.hazards.models import Hazard
from anjian.inspections import services
from anjian.inspections.choices import InspectionKind, ItemResult, TaskState
from anjian.inspections.models import InspectionDuty, InspectionRecord, InspectionTask
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, cadence, make_checklist, make_duty
from anjian.portal.testing.mixins import (
    ACTORS,
    act_as,
    actor_id,
    api_url,
    assert_page_shape,
    expect,
    get_page,
)

from .conftest import photo

pytestmark = pytest.mark.django_db

ENDPOINTS = ("inspection-cadence", "inspection-duty", "inspection-task", "inspection-record")


def self_record(world, items=2, **kwargs):
    return services.start_record(actor=world.users[Role.ENTERPRISE], enterprise=world.ent_a,
                                 checklist=make_checklist(items, **kwargs), data={"location": "仓库"})


@pytest.mark.parametrize("basename", ENDPOINTS)
def test_lists_need_a_login_and_are_paginated(world, api, basename):
    # given a duty with its task and a record of county A
    make_duty(world.ent_a)
    self_record(world)
    # when nobody is logged in, then 401; when the administrator reads, then the page envelope
    assert act_as(api, None).get(api_url(basename)).status_code == 401
    page = get_page(act_as(api, world.users[Role.ADMIN]), api_url(basename))
    assert_page_shape(page)
    assert page["count"] >= 1


def test_other_county_sees_nothing_and_gets_404(world, api):
    # given county A's duty, task and record
    duty = make_duty(world.ent_a)
    task = InspectionTask.objects.get(duty=duty)
    record = self_record(world)
    client = act_as(api, world.users["other_county"])
    # when county B's regulator reads the lists, then they are empty
    for basename in ("inspection-duty", "inspection-task", "inspection-record"):
        assert get_page(client, api_url(basename))["count"] == 0, basename
    # and the details answer 404, as for missing rows
    for basename, obj in (("inspection-duty", duty), ("inspection-task", task), ("inspection-record", record)):
        assert client.get(api_url(basename, obj.pk)).status_code == 404, basename
    # and an action on the record is 404 too
    assert client.post(api_url("inspection-record", record.pk, "submit")).status_code == 404
    # while county A's regulator sees them
    client = act_as(api, world.users[Role.REGULATOR])
    assert get_page(client, api_url("inspection-record"))["count"] == 1


DUTY_CREATE = expect(
    403, **{Role.ADMIN: 201, Role.REGULATOR: 201, Role.ENTERPRISE: 201,
            # ent_a is not in their jurisdiction: the enterprise "does not exist" for them
            Role.INDUSTRY_OFFICER: 400, "other_county": 400})


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_duty_create_by_role(world, api, who):
    # given a user of this role and a valid duty for ent_a
    payload = {"enterprise": world.ent_a.pk, "cadence": "plant_monthly", "name": "厂矿月查",
               "active_from": timezone.localdate().isoformat()}
    # when they POST it
    response = act_as(api, world.users[who]).post(api_url("inspection-duty"), payload, format="json")
    # then the status is the table's, and only a 201 writes a duty (with its current task)
    assert response.status_code == DUTY_CREATE[who], response.content
    created = response.status_code == 201
    assert InspectionDuty.objects.exists() is created
    assert InspectionTask.objects.exists() is created
    if created:
        assert response.json()["cadence_name"] == "厂矿月查"


def test_duty_update_and_void(world, api):
    duty = make_duty(world.ent_a, world.users[Role.ENTERPRISE])
    client = act_as(api, world.users[Role.ENTERPRISE])
    # when the enterprise renames it, then it is saved
    response = client.patch(api_url("inspection-duty", duty.pk), {"name": "二车间周查"}, format="json")
    assert response.status_code == 200, response.content
    # when they change the cadence although a task exists, then 400 names the cadence
    response = client.patch(api_url("inspection-duty", duty.pk), {"cadence": "team_daily"}, format="json")
    assert response.status_code == 400 and "cadence" in response.json()
    # when they void it with a reason, then 204 and its open task is cancelled
    response = client.delete(api_url("inspection-duty", duty.pk), {"reason": "录入错误"}, format="json")
    assert response.status_code == 204
    assert InspectionTask.objects.get(duty=duty).state == TaskState.CANCELLED


def test_cadences_are_reference_data(world, api):
    # any logged-in user reads them; only the administrator changes them
    page = get_page(act_as(api, world.users[Role.ENTERPRISE]), api_url("inspection-cadence"))
    assert [row["code"] for row in page["results"]][:2] == ["team_daily", "workshop_weekly"]
    weekly = cadence("workshop_weekly")
    refused = act_as(api, world.users[Role.REGULATOR]).patch(api_url("inspection-cadence", weekly.pk),
                                                             {"every": 2}, format="json")
    assert refused.status_code == 403
    allowed = act_as(api, world.users[Role.ADMIN]).patch(api_url("inspection-cadence", weekly.pk),
                                                         {"every": 2}, format="json")
    assert allowed.status_code == 200 and allowed.json()["every"] == 2


def test_task_filters(world, api):
    # given a weekly duty of ent_a over three past weeks (two missed) and one of county B
    monday = date(2026, 3, 2)
    duty = make_duty(world.ent_a, active_from=monday - timedelta(days=1))
    make_duty(world.ent_b, active_from=timezone.localdate())
    for week in range(3):
        services.schedule_tasks(monday + timedelta(weeks=week))
    services.mark_missed_tasks(monday + timedelta(weeks=2))
    client = act_as(api, world.users[Role.ADMIN])
    url = api_url("inspection-task")
    # then state, due dates, enterprise and region narrow the list
    assert get_page(client, url, state="missed")["count"] == 2
    assert get_page(client, url, state="missed", due_before=(monday + timedelta(days=6)).isoformat())["count"] == 1
    assert get_page(client, url, due_after=(monday + timedelta(weeks=2)).isoformat(),
                    enterprise=world.ent_a.pk)["count"] == 2  # the third week and the current one
    assert get_page(client, url, region=world.county_b.code)["count"] == 1
    assert get_page(client, url, region=world.county_a.code, duty=duty.pk)["count"] == 4
    assert get_page(client, url, region="999999999999")["count"] == 0


def test_mine_filter_keeps_the_duties_of_the_user(world, api):
    # given two duties of ent_a, one with the enterprise user as responsible person
    user = world.users[Role.ENTERPRISE]
    mine = make_duty(world.ent_a, user, responsible_user=user)
    make_duty(world.ent_a, user, cadence_code="plant_monthly")
    # when they ask for their own tasks, then only that duty's task is listed
    page = get_page(act_as(api, user), api_url("inspection-task"), mine="true")
    assert [row["duty"] for row in page["results"]] == [mine.pk]


def test_record_walkthrough_over_the_api(world, api):
    # given the enterprise user of ent_a, a duty with a two-item checklist (one a major criterion)
    user = world.users[Role.ENTERPRISE]
    duty = make_duty(world.ent_a, user, checklist=make_checklist(2, major=1))
    task = InspectionTask.objects.get(duty=duty)
    client = act_as(api, user)
    # when they start the task's record
    response = client.post(api_url("inspection-record"), {"task": task.pk, "location": "储罐区"}, format="json")
    assert response.status_code == 201, response.content
    record = response.json()
    assert (record["kind"], record["state"], record["enterprise"]) == ("self", "draft", world.ent_a.pk)
    major, other = record["items"]
    assert major["is_major_criterion"] is True and major["result"] == ""
    # and set the results
    url = api_url("inspection-record", record["id"], "results")
    response = client.post(url, {"results": [{"item": major["id"], "result": "hazard_found", "note": "阀门泄漏"},
                                             {"item": other["id"], "result": "pass"}]}, format="json")
    assert response.status_code == 200, response.content
    assert [i["result"] for i in response.json()["items"]] == ["hazard_found", "pass"]
    # and upload a photo of the found item
    photos_url = f"/api/inspection-records/{record['id']}/items/{major['id']}/photos/"
    response = client.post(photos_url, {"photos": [photo("阀门.jpg")]}, format="multipart")
    assert response.status_code == 201, response.content
    # and raise it as a hazard with one more photo (multipart)
    raise_url = f"/api/inspection-records/{record['id']}/items/{major['id']}/raise-hazard/"
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(raise_url, {"deadline": deadline, "photos": [photo("全景.jpg")]}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    hazard = Hazard.objects.get(pk=body["hazard"])
    # then the hazard is major, self-inspection, with both photos, and linked to the item
    assert (body["grade"], body["source"], hazard.deadline.isoformat()) == ("major", "self_inspection", deadline)
    assert sorted(a.name for a in attachments_for(hazard)) == ["全景.jpg", "阀门.jpg"]
    # and raising it again is a conflict
    assert client.post(raise_url, {}, format="json").status_code == 409
    # when they submit, then the record is submitted and the task done
    response = client.post(api_url("inspection-record", record["id"], "submit"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted"
    assert body["items"][0]["hazard_number"] == hazard.number
    assert len(body["items"][0]["photos"]) == 1
    task.refresh_from_db()
    assert task.state == TaskState.DONE
    # and the timeline lists every step
    events = client.get(api_url("inspection-record", record["id"], "events")).json()
    assert [e["action"] for e in events][::-1] == ["started", "results_recorded", "photos_added", "hazard_raised",
                                                   "submitted"]


def test_record_create_rights_and_errors(world, api):
    # the grid officer records a grid patrol in their grid, not a government inspection
    client = act_as(api, world.users[Role.GRID_OFFICER])
    ok = client.post(api_url("inspection-record"), {"enterprise": world.ent_a.pk, "kind": "grid"}, format="json")
    assert ok.status_code == 201, ok.content
    refused = client.post(api_url("inspection-record"), {"enterprise": world.ent_a.pk, "kind": "government"},
                          format="json")
    assert refused.status_code == 403
    # the committee office records nothing
    client = act_as(api, world.users[Role.COMMITTEE_OFFICE])
    assert client.post(api_url("inspection-record"), {"enterprise": world.ent_a.pk, "kind": "government"},
                       format="json").status_code == 403
    # a regulator names the enterprise; without it the error names the field
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.post(api_url("inspection-record"), {"kind": "government"}, format="json")
    assert response.status_code == 400 and "enterprise" in response.json()
    # an enterprise of another county does not exist for them
    response = client.post(api_url("inspection-record"), {"enterprise": world.ent_b.pk, "kind": "government"},
                           format="json")
    assert response.status_code == 400 and "enterprise" in response.json()


def test_results_errors_name_the_field(world, api):
    record = self_record(world)
    client = act_as(api, world.users[Role.ENTERPRISE])
    url = api_url("inspection-record", record.pk, "results")
    item = record.items.first()
    response = client.post(url, {"results": [{"item": item.pk, "result": "maybe"}]}, format="json")
    assert response.status_code == 400 and "results" in response.json()
    response = client.post(api_url("inspection-record", record.pk, "submit"))
    assert response.status_code == 400 and "items" in response.json()
    # a photo that is not an image is refused
    photos_url = f"/api/inspection-records/{record.pk}/items/{item.pk}/photos/"
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client.post(photos_url, {"photos": [SimpleUploadedFile("a.exe", b"MZ")]}, format="multipart")
    assert response.status_code == 400 and "photos" in response.json()
    # and so is a page named like a photo, under the field it was sent in, naming the file
    page = SimpleUploadedFile("阀门.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    response = client.post(photos_url, {"photos": [page]}, format="multipart")
    assert response.status_code == 400 and "阀门.jpg" in str(response.json()["photos"])


def test_void_record_via_api(world, api):
    record = self_record(world)
    client = act_as(api, world.users[Role.REGULATOR])
    # a regulator cannot void the enterprise's own record; the enterprise can
    assert client.delete(api_url("inspection-record", record.pk), {"reason": "误录"},
                         format="json").status_code == 403
    client = act_as(api, world.users[Role.ENTERPRISE])
    assert client.delete(api_url("inspection-record", record.pk), {"reason": "误录"},
                         format="json").status_code == 204
    assert InspectionRecord.objects.get(pk=record.pk).is_voided
    assert get_page(client, api_url("inspection-record"))["count"] == 0


# --- query counts ------------------------------------------------------------------------

SMALL, LARGE = 3, 30


def add_rows(world, n: int) -> None:
    """n enterprises of township A, each with a weekly duty (a task) and a record of two items
    (one found, with a photo, one raised as a hazard)."""
    admin = world.users[Role.ADMIN]
    checklist = make_checklist(2)
    for _ in range(n):
        ent = EnterpriseFactory(region=world.township_a, grid=world.grid_a)
        make_duty(ent, admin)
        record = services.start_record(actor=admin, enterprise=ent, kind=InspectionKind.GOVERNMENT,
                                       checklist=checklist)
        a, b = record.items.order_by("sort")
        services.record_results(record, actor=admin, results=[
            {"item": a.pk, "result": ItemResult.HAZARD_FOUND, "photos": [photo()]},
            {"item": b.pk, "result": ItemResult.PASS}])
        services.raise_hazard_from_item(a, actor=admin)


def read(api, world, who, url) -> tuple[int, int]:
    act_as(api, world.users[who])
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == response.json()["count"]
    return len(ctx), response.json()["count"]


@pytest.mark.parametrize("basename", ("inspection-duty", "inspection-task", "inspection-record"))
@pytest.mark.parametrize("who", (Role.REGULATOR, Role.GRID_OFFICER))
def test_api_list_queries_do_not_grow_with_rows(world, api, basename, who):
    # given a few rows in the reader's scope
    add_rows(world, SMALL)
    url = api_url(basename)
    read(api, world, who, url)  # warm-up (per-process caches)
    small, count = read(api, world, who, url)
    assert count == SMALL and small <= 10
    # when ten times as many rows exist
    add_rows(world, LARGE - SMALL)
    # then the list runs exactly as many queries
    large, count = read(api, world, who, url)
    assert (large, count) == (small, LARGE)

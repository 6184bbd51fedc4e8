"""The inspection pages: they render for the roles that use them, keep to the user's
jurisdiction (404 and zero counts outside it), and drive the services (start a task, walk
through the items with photos, raise a hazard in one click, submit, duties)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anjian.core.services import attachments_for
from anjian.hazards.models import Hazard
from anjian.inspections import services
from anjian.inspections.choices import InspectionKind, ItemResult, RecordState, TaskState
from anjian.inspections.models import InspectionDuty, InspectionRecord, InspectionTask
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, make_checklist, make_duty

from .conftest import photo

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def data(world):
    """ent_a with a weekly duty (checklist of two items) and its open task, a draft record for
    the task, and a submitted government inspection."""
    enterprise_user = world.users[Role.ENTERPRISE]
    duty = make_duty(world.ent_a, enterprise_user, checklist=make_checklist(2, major=1), name="机加工车间周查")
    task = InspectionTask.objects.get(duty=duty)
    draft = services.start_record(actor=enterprise_user, task=task, data={"location": "机加工车间"})
    regulator = world.users[Role.REGULATOR]
    gov = services.start_record(actor=regulator, enterprise=world.ent_a, kind=InspectionKind.GOVERNMENT,
                                data={"summary": "执法检查，未发现问题"})
    services.submit_record(gov, actor=regulator)
    return {"duty": duty, "task": task, "draft": draft, "gov": gov}


def pages(world, data):
    return [
        reverse("inspections:tasks"), reverse("inspections:list"), reverse("inspections:duties"),
        reverse("inspections:task", args=[data["task"].pk]),
        reverse("inspections:detail", args=[data["draft"].pk]), reverse("inspections:detail", args=[data["gov"].pk]),
        reverse("inspections:enterprise_duties", args=[world.ent_a.pk]),
    ]


@pytest.mark.parametrize("who", [Role.ADMIN, Role.REGULATOR, Role.GRID_OFFICER, Role.COMMITTEE_OFFICE,
                                 Role.ENTERPRISE, Role.EXPERT])
def test_pages_render_for_every_role_in_scope(world, data, who):
    client = client_for(world.users[who])
    for url in pages(world, data):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


def test_pages_speak_english_when_asked(world, data):
    client = client_for(world.users[Role.ENTERPRISE])
    body = client.get(reverse("inspections:tasks"), **EN).content.decode()
    assert "Inspection tasks" in body and "Start inspection" not in body  # a draft exists: "Continue"
    assert "Continue" in body
    body = client.get(reverse("inspections:detail", args=[data["draft"].pk]), **EN).content.decode()
    assert "Hazard found" in body and "Save and submit" in body and "Major-hazard criterion" in body


def test_pages_speak_chinese_by_default(world, data):
    client = client_for(world.users[Role.ENTERPRISE])
    body = client.get(reverse("inspections:detail", args=[data["draft"].pk])).content.decode()
    assert "发现隐患" in body and "保存并提交" in body


def test_other_county_gets_404_and_zero_counts(world, data):
    client = client_for(world.users["other_county"])
    for url in pages(world, data)[3:]:
        assert client.get(url).status_code == 404, url
    response = client.get(reverse("inspections:tasks"), {"state": ""})
    assert response.context["counts"] == {"open": 0, "due_soon": 0, "overdue": 0, "missed": 0, "done": 0}
    assert response.context["page_obj"].paginator.count == 0
    assert client.get(reverse("inspections:list")).context["page_obj"].paginator.count == 0
    assert client.post(reverse("inspections:task_start", args=[data["task"].pk])).status_code == 404
    assert client.post(reverse("inspections:results", args=[data["draft"].pk])).status_code == 404


def test_task_page_counts_and_filters(world, data):
    client = client_for(world.users[Role.REGULATOR])
    response = client.get(reverse("inspections:tasks"))
    # by default the open tasks show, with the figures on top
    assert response.context["counts"]["open"] == 1
    assert [r["task"].pk for r in response.context["rows"]] == [data["task"].pk]
    assert response.context["rows"][0]["draft"] == data["draft"].pk
    # and a filter for done tasks shows none yet
    assert client.get(reverse("inspections:tasks"), {"state": "done"}).context["page_obj"].paginator.count == 0


def test_walkthrough_in_the_browser_flow(world, data):
    # given the enterprise user on the draft record of the task
    client = client_for(world.users[Role.ENTERPRISE])
    record = data["draft"]
    major, other = record.items.order_by("sort")
    url = reverse("inspections:results", args=[record.pk])
    # when they mark one item found with a note and a photo, and the other passed, and save
    response = client.post(url, {f"result-{major.pk}": "hazard_found", f"note-{major.pk}": "阀门泄漏",
                                 f"photos-{major.pk}": [photo()], f"result-{other.pk}": "pass",
                                 "action": "save"})
    assert response.status_code == 302
    major.refresh_from_db()
    assert (major.result, major.note) == (ItemResult.HAZARD_FOUND, "阀门泄漏")
    assert attachments_for(major).count() == 1
    # then the record page offers the one-click "raise hazard" for the found item
    page = client.get(reverse("inspections:detail", args=[record.pk]), **EN)
    assert page.context["rows"][0]["can_raise"] and "Raise hazard" in page.content.decode()
    # when they click it
    deadline = timezone.localdate() + timedelta(days=10)
    response = client.post(reverse("inspections:raise_hazard", args=[record.pk, major.pk]),
                           {"deadline": deadline.isoformat()})
    assert response.status_code == 302 and response.url.endswith(f"#item-{major.pk}")
    # then a major self-inspection hazard exists with the photo
    hazard = Hazard.objects.get()
    assert (hazard.grade, hazard.source, hazard.deadline) == ("major", "self_inspection", deadline)
    assert attachments_for(hazard).count() == 1
    # when they save and submit
    response = client.post(url, {"action": "submit"})
    assert response.status_code == 302
    record.refresh_from_db()
    data["task"].refresh_from_db()
    assert record.state == RecordState.SUBMITTED and data["task"].state == TaskState.DONE


def test_submit_with_missing_results_shows_the_error(world, data):
    client = client_for(world.users[Role.ENTERPRISE])
    response = client.post(reverse("inspections:results", args=[data["draft"].pk]), {"action": "submit"},
                           follow=True, **EN)
    assert "have no result yet" in response.content.decode()
    data["draft"].refresh_from_db()
    assert data["draft"].state == RecordState.DRAFT


def test_start_a_task_from_the_task_list(world):
    user = world.users[Role.ENTERPRISE]
    task = InspectionTask.objects.get(duty=make_duty(world.ent_a, user, checklist=make_checklist(3)))
    client = client_for(user)
    response = client.post(reverse("inspections:task_start", args=[task.pk]))
    record = InspectionRecord.objects.get(task=task)
    assert response.status_code == 302 and response.url == reverse("inspections:detail", args=[record.pk])
    assert record.items.count() == 3
    # a second click continues the same draft
    assert client.post(reverse("inspections:task_start", args=[task.pk])).url == response.url
    # a regulator cannot start the enterprise's self-inspection
    response = client_for(world.users[Role.REGULATOR]).post(reverse("inspections:task_start", args=[task.pk]))
    assert response.status_code == 302 and InspectionRecord.objects.count() == 1


def test_new_inspection_by_a_regulator(world):
    client = client_for(world.users[Role.REGULATOR])
    # the first step searches the enterprises in scope
    response = client.get(reverse("inspections:create"), {"q": "甲机械"})
    assert [e.pk for e in response.context["found"]] == [world.ent_a.pk]
    assert not client.get(reverse("inspections:create"), {"q": "乙化工"}).context["found"]
    # an enterprise outside the jurisdiction answers 404
    assert client.get(reverse("inspections:create"), {"enterprise": world.ent_b.pk}).status_code == 404
    # the form offers the kinds the regulator may record
    response = client.get(reverse("inspections:create"), {"enterprise": world.ent_a.pk})
    assert [k for k, _ in response.context["form"].fields["kind"].choices] == ["government"]
    checklist = make_checklist(2)
    response = client.post(reverse("inspections:create"), {
        "enterprise": world.ent_a.pk, "kind": "government", "checklist": checklist.pk, "location": "全厂",
        "inspected_at": "2026-03-02T09:30", "inspector_names": "张三、李四"})
    record = InspectionRecord.objects.get()
    assert response.status_code == 302
    assert (record.kind, record.items.count(), record.inspector_names) == ("government", 2, "张三、李四")
    # the committee office may not record inspections at all
    assert client_for(world.users[Role.COMMITTEE_OFFICE]).get(reverse("inspections:create")).status_code == 403


def test_add_item_and_void(world, data):
    client = client_for(world.users[Role.REGULATOR])
    record = services.start_record(actor=world.users[Role.REGULATOR], enterprise=world.ent_a,
                                   kind=InspectionKind.GOVERNMENT)
    response = client.post(reverse("inspections:add_item", args=[record.pk]), {"content": "安全出口堵塞"})
    assert response.status_code == 302 and record.items.get().content == "安全出口堵塞"
    response = client.post(reverse("inspections:void", args=[record.pk]), {"reason": "重复录入"})
    assert response.status_code == 302
    assert InspectionRecord.objects.get(pk=record.pk).is_voided
    # the enterprise's own draft cannot be voided by the regulator
    assert client.get(reverse("inspections:void", args=[data["draft"].pk])).status_code == 403


def test_duty_pages(world):
    client = client_for(world.users[Role.ENTERPRISE])
    url = reverse("inspections:duty_create", args=[world.ent_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "", "cadence": "", "active_from": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "cadence" in response.context["form"].errors
    from anjian.portal.testing.factories import cadence
    response = client.post(url, {"name": "", "cadence": cadence("team_daily").pk,
                                 "active_from": timezone.localdate().isoformat()})
    assert response.status_code == 302
    duty = InspectionDuty.objects.get()
    assert duty.name == "班组日查" and duty.tasks.count() == 1
    # editing keeps the cadence fixed once tasks exist
    edit = client.get(reverse("inspections:duty_edit", args=[duty.pk]))
    assert edit.context["form"].fields["cadence"].disabled
    response = client.post(reverse("inspections:duty_edit", args=[duty.pk]),
                           {"name": "一班日查", "active_from": duty.active_from.isoformat()})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.name == "一班日查" and duty.cadence.code == "team_daily"
    # another enterprise's duties are out of reach
    assert client.get(reverse("inspections:duty_create", args=[world.ent_a_construction.pk])).status_code == 404
    # the grid officer sees the duties but may not add one
    grid = client_for(world.users[Role.GRID_OFFICER])
    assert grid.get(reverse("inspections:enterprise_duties", args=[world.ent_a.pk])).status_code == 200
    assert grid.get(url).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("page", ["inspections:tasks", "inspections:list", "inspections:duties"])
def test_ui_list_queries_do_not_grow_with_rows(world, page):
    admin = world.users[Role.ADMIN]

    def add(n):
        for _ in range(n):
            ent = EnterpriseFactory(region=world.township_a)
            make_duty(ent, admin)
            services.start_record(actor=admin, enterprise=ent, kind=InspectionKind.GOVERNMENT,
                                  checklist=make_checklist(1))

    add(3)
    client = client_for(world.users[Role.REGULATOR])
    url = reverse(page)
    _queries(client, url)  # warm-up
    small = _queries(client, url)
    add(30)
    assert _queries(client, url) == small


def test_admin_edits_cadences_and_shows_the_rest_read_only(world, data):
    client = client_for(world.users[Role.ADMIN])
    for name in ("inspectioncadence", "inspectionduty", "inspectiontask", "inspectionrecord"):
        assert client.get(reverse(f"admin:inspections_{name}_changelist")).status_code == 200, name
    from anjian.portal.testing.factories import cadence
    weekly = cadence("workshop_weekly")
    assert client.get(reverse("admin:inspections_inspectioncadence_change", args=[weekly.pk])).status_code == 200
    assert client.get(reverse("admin:inspections_inspectionduty_add")).status_code == 403

"""Action plans (三年行动, 工作要点): plans with phases, tasks with lead and cooperating units, the
units' progress reports, completion; overdue tasks and missing progress reports as warnings; the
task-completion figure; who may do what; the API; a lower government reads the city's task
through its part in it."""

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
from anjian.portal.testing.factories import make_user
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, expect, get_page
from anjian.steering import selectors, services
from anjian.steering.models import PlanTask, TaskAssignment

from .helpers import committee, plan_of, task_of

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_plan_with_phases_and_tasks(world, clock):
    c = committee(world)
    plan = plan_of(c, kind="three_year_action", title="安全生产综合治理三年行动", year_from=2026, year_to=2028)
    for name, start, end in (("组织动员", D(2026, 1, 1), D(2026, 3, 31)), ("部署实施", D(2026, 4, 1), D(2027, 12, 31))):
        services.add_phase(plan, actor=c.office, data={"name": name, "starts_on": start, "ends_on": end})
    with pytest.raises(ValidationError) as err:
        services.add_phase(plan, actor=c.office, data={"name": "倒序", "starts_on": D(2026, 5, 1),
                                                       "ends_on": D(2026, 4, 1)})
    assert "ends_on" in err.value.message_dict
    phase = plan.phases.get(seq=2)
    task = services.create_task(actor=c.office, plan=plan, data={
        "number": "二、1", "title": "全面清查", "deadline": D(2027, 6, 30), "phase": phase},
        units=[(c.bureau, "lead"), (c.township, "cooperating")])
    assert {(a.unit_id, a.role) for a in task.assignments.all()} == {(c.bureau.pk, "lead"), (c.township.pk, "cooperating")}
    assert task.region_path == world.county_a.path
    # a deadline outside the plan's years, a phase of another plan, a unit twice are refused
    with pytest.raises(ValidationError) as err:
        task_of(c, plan, deadline=D(2030, 1, 1))
    assert "deadline" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.assign_unit(task, actor=c.office, unit=c.bureau, role="cooperating")
    assert "unit" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        plan_of(c, year_from=2027, year_to=2026)
    assert "year_to" in err.value.message_dict
    # only the office issues plans and tasks
    with pytest.raises(PermissionDenied):
        services.create_task(actor=world.users[Role.REGULATOR], plan=plan, data={
            "number": "9", "title": "越权", "deadline": D(2026, 5, 1)})


def test_units_report_progress_and_the_office_completes_the_task(world, clock):
    c = committee(world)
    task = task_of(c, plan_of(c), lead=c.bureau, cooperating=[c.township])
    lead = task.assignments.get(unit=c.bureau)
    cooperating = task.assignments.get(unit=c.township)
    regulator = world.users[Role.REGULATOR]  # the bureau's officer
    report = services.report_progress(lead, actor=regulator, data={
        "kind": "half_year", "year": 2026, "content": "已完成排查", "completion": 60}, files=[pdf_upload("进展.pdf")])
    assert (report.task, report.unit, report.region_path) == (task, c.bureau, c.bureau.region_path)
    # the bureau cannot report for the township; the office can
    with pytest.raises(PermissionDenied):
        services.report_progress(cooperating, actor=regulator, data={"kind": "half_year", "year": 2026,
                                                                    "content": "越权"})
    services.report_progress(cooperating, actor=c.office, data={"kind": "half_year", "year": 2026, "content": "配合"})
    with pytest.raises(ValidationError) as err:
        services.report_progress(lead, actor=regulator, data={"kind": "year_end", "year": 2025, "content": "去年"})
    assert "year" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.report_progress(lead, actor=regulator, data={"kind": "interim", "year": 2026, "content": "x",
                                                              "completion": 120})
    assert "completion" in err.value.message_dict
    task.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.complete_task(task, actor=regulator)
    task = services.complete_task(task, actor=c.office, on=D(2026, 3, 9))
    assert task.state == "completed" and task.completed_on == D(2026, 3, 9)
    task = services.reopen_task(task, actor=c.office)
    assert task.state == "open" and task.completed_on is None
    with pytest.raises(ValidationError):
        services.cancel_task(task, actor=c.office, reason=" ")
    task = services.cancel_task(task, actor=c.office, reason="并入其他任务")
    with pytest.raises(ValidationError):
        services.report_progress(lead, actor=regulator, data={"kind": "interim", "year": 2026, "content": "x"})


def test_a_lower_government_reads_the_city_task_through_its_part(world, clock, api):
    # given the city's committee (its office) with county A as a lower government leading a task
    city_office = make_user(Role.COMMITTEE_OFFICE, scope_region=world.city)
    county = services.create_unit(actor=city_office, committee_region=world.city, data={
        "kind": "lower_government", "name": "甲区人民政府", "region": world.county_a})
    plan = services.create_plan(actor=city_office, committee_region=world.city, data={
        "kind": "work_points", "title": "市工作要点", "year_from": 2026, "year_to": 2026})
    task = services.create_task(actor=city_office, plan=plan, data={
        "number": "4", "title": "严格落实属地管理责任", "deadline": D(2026, 12, 31)}, units=[(county, "lead")])
    assignment = task.assignments.get()
    # when county A's office (a member of the county's government) reads and reports
    county_office = world.users[Role.COMMITTEE_OFFICE]
    client = act_as(api, county_office)
    # then the task itself is the city's (404 for the county) but its part is readable
    assert client.get(f"/api/steering/tasks/{task.pk}/").status_code == 404
    body = client.get(f"/api/steering/task-assignments/{assignment.pk}/").json()
    assert body["task_title"] == "严格落实属地管理责任" and body["role"] == "lead"
    response = client.post(f"/api/steering/task-assignments/{assignment.pk}/progress/", {
        "kind": "half_year", "year": 2026, "content": "已制定方案", "files": [pdf_upload("方案.pdf")]},
        format="multipart")
    assert response.status_code == 201, response.content
    # and county B's regulator sees neither
    other = act_as(api, world.users["other_county"])
    assert other.get(f"/api/steering/task-assignments/{assignment.pk}/").status_code == 404
    assert get_page(other, "/api/steering/progress-reports/")["count"] == 0


def test_overdue_tasks_warn_each_lead_unit_and_the_figure_counts_them(world, clock):
    c = committee(world)
    plan = plan_of(c)
    on_time = task_of(c, plan, deadline=D(2026, 4, 30), number="1")
    late = task_of(c, plan, deadline=D(2026, 5, 10), number="2")
    overdue = task_of(c, plan, deadline=D(2026, 5, 20), number="3", lead=c.township)
    task_of(c, plan, deadline=D(2026, 5, 25), number="4")  # cancelled below: not counted
    cancelled = PlanTask.objects.get(number="4")
    services.cancel_task(cancelled, actor=c.office, reason="取消")
    clock("2026-04-29T10:00")
    services.complete_task(on_time, actor=c.office)
    clock("2026-05-15T10:00")
    services.complete_task(late, actor=c.office)
    rule = get_rule("steering_task_overdue")
    clock("2026-05-21T10:00")
    sync_rule(rule)
    warned = Warning.objects.filter(rule=rule.code, closed_at__isnull=True)
    assert list(warned.values_list("object_id", flat=True)) == [str(overdue.assignments.get().pk)]
    assert "甲街道办事处" in warned.get().message
    figure = selectors.task_completion(world.county_a.path, D(2026, 4, 1), D(2026, 5, 31))
    assert figure.parts == {"on_time": 1, "late": 1, "overdue": 1}
    assert [a.task_id for a in selectors.task_completion_records(world.county_a.path, D(2026, 4, 1),
                                                                 D(2026, 5, 31))] == [overdue.pk]
    # the township's own figure counts only the task it leads
    assert selectors.task_completion(world.township_a.path, D(2026, 4, 1), D(2026, 5, 31)).parts == \
        {"on_time": 0, "late": 0, "overdue": 1}
    # the indicator registry counts the same for county A's regulator (April and May), nothing for another county's
    regulator = world.users[Role.REGULATOR]
    counts = [assert_drills_match("plan_task_completion_on_time", regulator, world.county_a, month(2026, m))
              for m in (4, 5)]
    assert [(v.numerator, v.denominator) for v in counts] == [(1, 1), (0, 2)]
    assert indicator_figure("plan_task_completion_on_time", world.users["other_county"], world.county_a,
                  month(2026, 5)).denominator == 0
    # completing it closes the warning
    overdue.refresh_from_db()
    services.complete_task(overdue, actor=c.office)
    sync_rule(rule)
    assert not Warning.objects.filter(rule=rule.code, closed_at__isnull=True).exists()


def test_missing_half_year_and_year_end_reports_are_warnings(world, clock):
    c = committee(world)
    plan = plan_of(c, year_from=2025, year_to=2026, title="两年行动")
    clock("2025-03-01T10:00")
    task = task_of(c, plan, deadline=D(2026, 12, 31), cooperating=[c.township])
    half, year_end = get_rule("steering_progress_half_year_missing"), get_rule("steering_progress_year_end_missing")
    # on 1 July 2025 both units owe the half-year report
    clock("2025-06-30T20:00")
    sync_rule(half)
    assert not Warning.objects.filter(rule=half.code).exists()
    clock("2025-07-01T08:00")
    sync_rule(half)
    assert Warning.objects.filter(rule=half.code, closed_at__isnull=True).count() == 2
    # the bureau files it: its warning closes
    lead = task.assignments.get(unit=c.bureau)
    services.report_progress(lead, actor=c.office, data={"kind": "half_year", "year": 2025, "content": "进展"})
    sync_rule(half)
    assert Warning.objects.filter(rule=half.code, closed_at__isnull=True).count() == 1
    # in January 2026 the year-end report of 2025 is owed; the half-year rule waits for July
    clock("2026-01-02T10:00")
    sync_rule(half)
    sync_rule(year_end)
    assert not Warning.objects.filter(rule=half.code, closed_at__isnull=True).exists()
    assert Warning.objects.filter(rule=year_end.code, closed_at__isnull=True).count() == 2


CREATE_STATUS = expect(403, admin=201, committee_office=201)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_who_may_add_a_task_through_the_api(world, api, clock, who):
    c = committee(world)
    plan = plan_of(c)
    response = act_as(api, world.users[who]).post("/api/steering/tasks/", {
        "plan": plan.pk, "number": "5", "title": "强化部门监管责任", "deadline": "2026-09-30",
        "lead_units": [c.bureau.pk], "cooperating_units": [c.township.pk]}, format="json")
    assert response.status_code == CREATE_STATUS[who], response.content
    if response.status_code == 201:
        assert {a["role"] for a in response.json()["assignments"]} == {"lead", "cooperating"}
        assert TaskAssignment.objects.filter(task_id=response.json()["id"]).count() == 2


def test_tasks_through_the_api(world, api, clock):
    c = committee(world)
    client = act_as(api, c.office)
    response = client.post("/api/steering/plans/", {"committee": world.county_a.code, "kind": "three_year_action",
                                                   "title": "三年行动", "year_from": 2026, "year_to": 2028},
                           format="json")
    assert response.status_code == 201, response.content
    plan = response.json()
    response = client.post(f"/api/steering/plans/{plan['id']}/phases/", {
        "name": "组织动员", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}, format="json")
    assert response.status_code == 201 and response.json()["phases"][0]["seq"] == 1
    task = client.post("/api/steering/tasks/", {"plan": plan["id"], "number": "1", "title": "清查",
                                                "deadline": "2026-03-01"}, format="json").json()
    assert task["overdue"] is True and "assign" in task["available_actions"]
    response = client.post(f"/api/steering/tasks/{task['id']}/assign/", {"unit": c.bureau.pk, "role": "lead"},
                           format="json")
    assert response.status_code == 200 and response.json()["assignments"][0]["unit"] == c.bureau.pk
    assert get_page(client, "/api/steering/tasks/", overdue="true")["count"] == 1
    assert get_page(client, "/api/steering/task-assignments/", overdue="true", role="lead")["count"] == 1
    response = client.post(f"/api/steering/tasks/{task['id']}/complete/", {"version": 1}, format="json")
    assert response.status_code == 409
    response = client.post(f"/api/steering/tasks/{task['id']}/complete/", {}, format="json")
    assert response.json()["state"] == "completed"
    # a unit of another committee cannot be assigned (outside the office's scope: 400)
    response = client.post(f"/api/steering/tasks/{task['id']}/reopen/", {}, format="json")
    other_unit = services.create_unit(actor=make_user(Role.COMMITTEE_OFFICE, scope_region=world.county_b),
                                      committee_region=world.county_b,
                                      data={"kind": "party_department", "name": "乙县委宣传部"})
    response = client.post(f"/api/steering/tasks/{task['id']}/assign/", {"unit": other_unit.pk, "role": "lead"},
                           format="json")
    assert response.status_code == 400 and "unit" in response.json()

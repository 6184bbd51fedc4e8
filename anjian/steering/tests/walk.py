"""The committee office's records for the route walk (portal/tests/test_scoping_walk.py): one of
every model its routes name, in county A's committee, built through the services. Called once per
enterprise the walk builds for; names carry the enterprise's key so the two calls do not clash."""

from __future__ import annotations

import datetime

from django.utils import timezone

from anjian.orgs.choices import Role
from anjian.steering import services


def records(world, ent) -> dict:
    office = world.users[Role.COMMITTEE_OFFICE]
    unit = services.create_unit(actor=office, committee_region=world.county_a, data={
        "kind": "department", "name": f"甲区应急管理局（{ent.pk}）", "department": world.dept_a})
    month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    report = next(r for r in services.open_month(month) if r.unit_id == unit.pk)
    tour = services.create_tour(actor=office, committee_region=world.county_a, unit=unit, data={
        "title": "巡查", "starts_on": month, "ends_on": month, "team_leader": "李组长"})
    finding = services.add_finding(tour, actor=office, data={
        "category": "other", "description": "问题", "requirement": "整改", "deadline": month})
    plan = services.create_plan(actor=office, committee_region=world.county_a, data={
        "kind": "work_points", "title": f"工作要点（{ent.pk}）", "year_from": month.year, "year_to": month.year})
    task = services.create_task(actor=office, plan=plan, data={"number": "1", "title": "任务", "deadline": month},
                                units=[(unit, "lead")])
    assignment = task.assignments.get()
    progress = services.report_progress(assignment, actor=office, data={
        "kind": "interim", "year": month.year, "content": "进展"})
    campaign = services.create_campaign(actor=office, committee_region=world.county_a, region=world.county_a, data={
        "title": f"专项整治（{ent.pk}）", "starts_on": month, "ends_on": month})
    summons = services.create_summons(actor=office, committee_region=world.county_a, unit=unit, data={
        "ground": "other", "reason": "约谈事由", "scheduled_on": month, "convened_by": "副主任",
        "summoned_officials": "局长"})
    return {"steering.Summons": summons, "steering.Campaign": campaign, "steering.Unit": unit, "steering.MonthlyReport": report, "steering.Tour": tour,
            "steering.TourFinding": finding, "steering.Plan": plan, "steering.PlanTask": task,
            "steering.TaskAssignment": assignment, "steering.ProgressReport": progress,
            "steering.Duty": services.create_duty(actor=office, committee_region=world.county_a, data={
                "holder": "unit", "unit": unit, "content": "职责"})}

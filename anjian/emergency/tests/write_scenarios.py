"""The emergency app's write services, each called outside any transaction on PostgreSQL by a
scenario (``portal/tests/test_write_services_postgres.py`` collects this module). County A's
regulator acts; the service under test is the last one called and its writes are asserted."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.emergency import services
from anjian.emergency.models import Drill, DrillProblem, DutyLogEntry, DutyShift, EmergencyPlan, Supply
from anjian.portal.testing.write_services import Run, event_actions, scenario

READ_ONLY = {"emergency.machine_of"}

PDF = b"%PDF-1.4\n% plan\n%%EOF\n"


def _plan(run: Run) -> EmergencyPlan:
    return run.call(services.create_plan, actor=run.regulator, enterprise=run.world.ent_a, data={
        "kind": "comprehensive", "title": "综合应急预案"}, files=[SimpleUploadedFile("预案.pdf", PDF)])


def _published(run: Run) -> EmergencyPlan:
    return run.call(services.publish_plan, _plan(run), actor=run.regulator, approved_by_name="张厂长")


def _submitted(run: Run) -> EmergencyPlan:
    return run.call(services.submit_plan, _published(run), actor=run.regulator)


def _drill(run: Run) -> Drill:
    return run.call(services.create_drill, actor=run.regulator, enterprise=run.world.ent_a, data={
        "kind": "special", "scenario": "泄漏", "planned_on": run.later})


def _held(run: Run) -> Drill:
    return run.call(services.record_drill, actor=run.regulator, enterprise=run.world.ent_a, data={
        "kind": "comprehensive", "scenario": "火灾", "evaluation": "有序"})


def _shift(run: Run) -> DutyShift:
    start = timezone.now()
    return run.call(services.schedule_shift, actor=run.regulator, region=run.world.county_a, data={
        "starts_at": start, "ends_at": start + datetime.timedelta(hours=24), "leader": "刘", "officer": "陈",
        "phone": "12350"})


def _entry(run: Run) -> DutyLogEntry:
    return run.call(services.log_information, actor=run.regulator, region=run.world.county_a, data={
        "received_at": timezone.now(), "category": "accident", "reporter": "某厂", "summary": "机械伤害"})


def _supply(run: Run) -> Supply:
    return run.call(services.create_supply, actor=run.regulator, enterprise=run.world.ent_a, data={
        "category": "supply", "name": "呼吸器", "unit": "套", "quantity": 2, "storage_place": "柜"})


@scenario("emergency.create_plan")
def _(run: Run):
    assert event_actions(_plan(run)) == ["created"]


@scenario("emergency.publish_plan")
def _(run: Run):
    assert EmergencyPlan.objects.get(pk=_published(run).pk).state == "published"


@scenario("emergency.submit_plan")
def _(run: Run):
    assert EmergencyPlan.objects.get(pk=_submitted(run).pk).state == "submitted"


@scenario("emergency.accept_filing")
def _(run: Run):
    plan = run.call(services.accept_filing, _submitted(run), actor=run.regulator, filing_number="备-1")
    assert EmergencyPlan.objects.get(pk=plan.pk).state == "filed"


@scenario("emergency.return_filing")
def _(run: Run):
    plan = run.call(services.return_filing, _submitted(run), actor=run.regulator, reason="缺评审意见")
    assert EmergencyPlan.objects.get(pk=plan.pk).return_reason == "缺评审意见"


@scenario("emergency.evaluate_plan")
def _(run: Run):
    plan = run.call(services.evaluate_plan, _published(run), actor=run.regulator, conclusion="需修订",
                    needs_revision=True)
    assert EmergencyPlan.objects.get(pk=plan.pk).revision_required_on == run.today


@scenario("emergency.require_revision")
def _(run: Run):
    plan = run.call(services.require_revision, _published(run), actor=run.regulator, trigger="change", reason="变化")
    assert EmergencyPlan.objects.get(pk=plan.pk).revision_trigger == "change"


@scenario("emergency.revise_plan")
def _(run: Run):
    plan = run.call(services.revise_plan, _published(run), actor=run.regulator)
    found = EmergencyPlan.objects.get(pk=plan.pk)
    assert (found.state, found.revision) == ("draft", 2)


@scenario("emergency.update_record")
def _(run: Run):
    plan = run.call(services.update_record, _plan(run), actor=run.regulator, data={"title": "新标题"})
    assert EmergencyPlan.objects.get(pk=plan.pk).title == "新标题"


@scenario("emergency.void_record")
def _(run: Run):
    supply = run.call(services.void_record, _supply(run), actor=run.regulator, reason="重复")
    assert Supply.objects.get(pk=supply.pk).is_voided


@scenario("emergency.create_drill")
def _(run: Run):
    assert Drill.objects.get(pk=_drill(run).pk).state == "planned"


@scenario("emergency.hold_drill")
def _(run: Run):
    drill = run.call(services.hold_drill, _drill(run), actor=run.regulator, evaluation="良好")
    assert Drill.objects.get(pk=drill.pk).held_on == run.today


@scenario("emergency.record_drill")
def _(run: Run):
    assert Drill.objects.get(pk=_held(run).pk).state == "held"


@scenario("emergency.add_problem")
def _(run: Run):
    problem = run.call(services.add_problem, _held(run), actor=run.regulator, description="广播听不清")
    assert DrillProblem.objects.filter(pk=problem.pk).exists()


@scenario("emergency.raise_problem_hazard")
def _(run: Run):
    problem = run.call(services.add_problem, _held(run), actor=run.regulator, description="通道堵塞")
    hazard = run.call(services.raise_problem_hazard, problem, actor=run.regulator, deadline=run.later)
    assert DrillProblem.objects.get(pk=problem.pk).hazard_id == hazard.pk


@scenario("emergency.create_team")
def _(run: Run):
    team = run.call(services.create_team, actor=run.regulator, region=run.world.county_a, data={
        "name": "救援大队", "kind": "full_time", "leader": "赵", "phone": "119"})
    assert team.enterprise_id is None and team.region_path == run.world.county_a.path


@scenario("emergency.create_supply")
def _(run: Run):
    assert _supply(run).region_path == run.world.ent_a.region_path


@scenario("emergency.create_card")
def _(run: Run):
    card = run.call(services.create_card, actor=run.regulator, enterprise=run.world.ent_a, data={
        "post": "配电室", "risks": "触电", "steps": "断电"})
    assert len(card.card_token) > 20


@scenario("emergency.renew_card_token")
def _(run: Run):
    card = run.call(services.create_card, actor=run.regulator, enterprise=run.world.ent_a, data={
        "post": "泵房", "risks": "淹溺", "steps": "撤离"})
    old = card.card_token
    assert run.call(services.renew_card_token, card, actor=run.regulator).card_token != old


@scenario("emergency.schedule_shift")
def _(run: Run):
    assert _shift(run).state == "scheduled"


@scenario("emergency.start_shift")
def _(run: Run):
    assert run.call(services.start_shift, _shift(run), actor=run.regulator).state == "on_duty"


@scenario("emergency.hand_over")
def _(run: Run):
    shift = run.call(services.start_shift, _shift(run), actor=run.regulator)
    assert run.call(services.hand_over, shift, actor=run.regulator, note="无", to="周").state == "handed_over"


@scenario("emergency.log_information")
def _(run: Run):
    assert _entry(run).state == "open"


@scenario("emergency.link_accident")
def _(run: Run):
    from anjian.accidents.models import Accident

    accident = Accident.objects.filter(region_path__startswith=run.world.county_a.path).order_by("pk").first()
    if accident is None:
        from anjian.accidents.tests.factories import make_accident

        accident = make_accident(run.admin, enterprise=run.world.ent_a)
    entry = run.call(services.link_accident, _entry(run), actor=run.regulator, accident=accident)
    assert DutyLogEntry.objects.get(pk=entry.pk).accident_id == accident.pk


@scenario("emergency.close_entry")
def _(run: Run):
    entry = run.call(services.close_entry, _entry(run), actor=run.regulator, handling="已处置")
    assert DutyLogEntry.objects.get(pk=entry.pk).state == "closed"

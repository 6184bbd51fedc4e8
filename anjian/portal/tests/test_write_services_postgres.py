"""Every public write service, called outside any transaction on PostgreSQL (issue #10).

Correcting a hazard once failed on PostgreSQL only: ``@transaction.atomic`` sat on a predicate
instead of on ``update_hazard``, so its ``SELECT … FOR UPDATE`` ran in autocommit and PostgreSQL
refused it (``TransactionManagementError``). SQLite ignores FOR UPDATE, and a test wrapped in the
test transaction is never in autocommit, so no test saw it. This module closes that class of bug:

- every public function of every ``anjian/<app>/services.py`` is found by introspection; it is
  either named in ``READ_ONLY`` (predicates, number formatters, selectors, validators) or has a
  scenario in ``SCENARIOS`` — ``test_every_write_service_has_a_scenario`` fails otherwise, on any
  database, so a new service cannot be added without being called here;
- on PostgreSQL the scenarios run in autocommit, as a web request does (no test transaction:
  the data are committed and the tables flushed at the end). Each service is called through
  ``Run.call``, which checks that the connection is in autocommit before, that no atomic block
  is left open after, that every FOR UPDATE ran inside a transaction and that the service wrote
  in one transaction (a few helpers and batch jobs are listed in ``SEVERAL_TRANSACTIONS`` with
  the reason). The scenario then checks what the service wrote.

One world serves every scenario (one transactional test, so the tables are flushed once); each
scenario makes its own records from it, and a failure names the service and its error.
"""

from __future__ import annotations

import datetime
import traceback
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from anjian.portal.testing.write_services import (  # noqa: F401 - the scenarios below use them
    BY_DEFINITION,
    PG_REASON,
    READ_ONLY,
    SCENARIOS,
    SEVERAL_TRANSACTIONS,
    Run,
    event_actions,
    key_of,
    pdf,
    photo,
    public_functions,
    scenario,
    scenario_modules,
    service_modules,
)

# core

@scenario("core.record_event")
def _(run: Run):
    from anjian.core import services

    event = run.call(services.record_event, run.world.ent_a, "pg_probe", actor=run.admin, data={"n": 1})
    assert event.pk and "pg_probe" in event_actions(run.world.ent_a)


@scenario("core.attach_files")
def _(run: Run):
    from anjian.core import services

    ent = run.enterprise()
    out = run.call(services.attach_files, ent, [photo("a.jpg"), photo("b.jpg")], actor=run.admin)
    assert len(out) == 2 and services.attachments_for(ent).count() == 2


@scenario("core.void_record")
def _(run: Run):
    from anjian.core import services

    ent = run.enterprise()
    run.call(services.void_record, ent, actor=run.admin, reason="录入错误")
    ent.refresh_from_db()
    assert ent.is_voided and ent.void_reason == "录入错误" and "voided" in event_actions(ent)


# enterprises

@scenario("enterprises.create_enterprise")
def _(run: Run):
    from anjian.enterprises import services
    from anjian.enterprises.models import Enterprise
    from anjian.portal.testing.factories import credit_code, industry

    ent = run.call(services.create_enterprise, actor=run.regulator, data={
        "name": "新登记有限公司", "credit_code": credit_code(), "region": run.world.township_a,
        "grid": run.world.grid_a, "industry": industry("0504"), "employees": 12})
    ent = Enterprise.objects.get(pk=ent.pk)
    assert ent.region_path == run.world.township_a.path and event_actions(ent) == ["created"]


@scenario("enterprises.update_enterprise")
def _(run: Run):
    from anjian.enterprises import services

    ent = run.enterprise()
    run.call(services.update_enterprise, ent, actor=run.regulator, data={"address": "新址路1号"})
    ent.refresh_from_db()
    assert ent.address == "新址路1号" and ent.history.first().history_user == run.regulator


@scenario("enterprises.change_operating_status")
def _(run: Run):
    from anjian.enterprises import services
    from anjian.enterprises.choices import OperatingStatus

    ent = run.enterprise()
    run.call(services.change_operating_status, ent, actor=run.regulator, status=OperatingStatus.SUSPENDED,
             reason="停产整顿")
    ent.refresh_from_db()
    assert ent.status == OperatingStatus.SUSPENDED and "status_changed" in event_actions(ent)


@scenario("enterprises.void_enterprise")
def _(run: Run):
    from anjian.enterprises import services
    from anjian.portal.testing.factories import SupervisionFactory

    ent = run.enterprise()
    plate = SupervisionFactory(enterprise=ent, department=run.world.dept_a)
    run.call(services.void_enterprise, ent, actor=run.admin, reason="重复登记")
    ent.refresh_from_db()
    plate.refresh_from_db()
    assert ent.is_voided and not plate.is_current and plate.ended_on == run.today


@scenario("enterprises.assign_supervision")
def _(run: Run):
    from anjian.enterprises import services

    ent = run.enterprise()
    plate = run.call(services.assign_supervision, ent, actor=run.admin, department=run.world.dept_a,
                     leader_name="张领导", officer_name="李监管")
    assert plate.is_current and ent.supervisions.get() == plate and "supervision_assigned" in event_actions(ent)


@scenario("enterprises.set_tags")
def _(run: Run):
    from anjian.enterprises import services
    from anjian.enterprises.models import FeatureTag

    ent = run.enterprise()
    tags = list(FeatureTag.objects.filter(is_active=True).order_by("sort")[:2])
    assert run.call(services.set_tags, ent, tags, actor=run.regulator) is True
    assert run.call(services.set_tags, ent, tags[:1], actor=run.regulator) is True
    assert list(ent.tags.all()) == tags[:1] and event_actions(ent).count("tags_changed") == 2


@scenario("enterprises.follow_industry_high_risk")
def _(run: Run):
    from anjian.enterprises import services
    from anjian.enterprises.models import Enterprise, Industry
    from anjian.portal.testing.factories import industry

    ind = industry("0601")
    ent = run.enterprise(industry=ind)
    flag = Industry.objects.values_list("high_risk", flat=True).get(pk=ind.pk)
    assert Enterprise.objects.get(pk=ent.pk).high_risk == flag
    Industry.objects.filter(pk=ind.pk).update(high_risk=not flag)  # as the admin's change of the industry
    try:
        changed = run.call(services.follow_industry_high_risk, ind, actor=run.admin)
        assert changed >= 1 and Enterprise.objects.get(pk=ent.pk).high_risk == (not flag)
        assert "enterprises_high_risk_followed" in event_actions(ind)
    finally:
        Industry.objects.filter(pk=ind.pk).update(high_risk=flag)


# hazards

@scenario("hazards.report_hazard")
def _(run: Run):
    h = run.hazard()
    assert h.number == f"YH{h.found_at:%Y}{h.pk:09d}" and h.state == "reported" and event_actions(h) == ["reported"]


@scenario("hazards.update_hazard")
def _(run: Run):
    from anjian.hazards import services
    from anjian.hazards.models import Hazard

    h = run.hazard()
    run.call(services.update_hazard, h, actor=run.ent_user, data={"description": "配电箱线路裸露（已更正）"})
    h = Hazard.objects.get(pk=h.pk)
    assert h.description == "配电箱线路裸露（已更正）" and h.version == 2 and "updated" in event_actions(h)


@scenario("hazards.update_plan")
def _(run: Run):
    from anjian.hazards import services
    from anjian.hazards.models import Hazard
    from anjian.portal.testing.factories import COMPLETE_PLAN

    h = run.hazard(major=True)
    run.call(services.update_plan, h, actor=run.ent_user, plan=COMPLETE_PLAN)
    h = Hazard.objects.get(pk=h.pk)
    assert not h.missing_plan_fields() and "plan_updated" in event_actions(h)


@scenario("hazards.start_rectification")
def _(run: Run):
    h = run.hazard_at("rectifying")
    assert "rectification_started" in event_actions(h)


@scenario("hazards.submit_rectification")
def _(run: Run):
    from anjian.core.services import attachments_for
    from anjian.hazards import services

    h = run.hazard_at("rectifying")
    h = run.call(services.submit_rectification, h, actor=run.ent_user, note="已更换配电箱门锁", files=[photo()])
    assert h.state == "rectified" and h.rectified_at and attachments_for(h).filter(kind="evidence").count() == 1


@scenario("hazards.accept_rectification")
def _(run: Run):
    h = run.hazard_at("accepted")
    assert h.accepted_by == run.colleague and "accepted" in event_actions(h)


@scenario("hazards.refuse_acceptance")
def _(run: Run):
    from anjian.hazards import services

    h = run.hazard_at("rectified")
    h = run.call(services.refuse_acceptance, h, actor=run.colleague, reason="门锁仍未安装")
    assert h.state == "rectifying" and "acceptance_refused" in event_actions(h)


@scenario("hazards.close_hazard")
def _(run: Run):
    h = run.hazard_at("closed")
    assert h.closed_at and "closed" in event_actions(h)


@scenario("hazards.request_extension")
def _(run: Run):
    from anjian.hazards import services

    h = run.hazard()
    ext = run.call(services.request_extension, h, actor=run.ent_user, new_deadline=h.deadline + datetime.timedelta(9),
                   reason="配件未到货")
    assert ext.state == "pending" and h.extensions.get() == ext and "extension_requested" in event_actions(h)


@scenario("hazards.decide_extension")
def _(run: Run):
    from anjian.hazards import services
    from anjian.hazards.models import Hazard

    h = run.hazard()
    wanted = h.deadline + datetime.timedelta(days=9)
    ext = run.call(services.request_extension, h, actor=run.ent_user, new_deadline=wanted, reason="配件未到货")
    ext = run.call(services.decide_extension, ext, actor=run.ent_user, approve=True)
    assert ext.state == "approved" and Hazard.objects.get(pk=h.pk).deadline == wanted


@scenario("hazards.record_dual_report")
def _(run: Run):
    from anjian.core.services import attachments_for
    from anjian.hazards import services
    from anjian.hazards.models import Hazard

    h = run.hazard(major=True)
    report = run.call(services.record_dual_report, h, actor=run.ent_user, recipient="regulator",
                      reported_on=run.today, situation="储罐区防火堤破损，雨水冲刷所致",
                      severity_analysis="可能导致泄漏物外溢，需停用罐区整改", treatment_plan="停用罐区，重建防火堤",
                      files=[pdf()])
    h = Hazard.objects.get(pk=h.pk)
    assert (report.stage, report.department, report.reported_by) == ("initial", run.world.dept_a, run.ent_user)
    assert h.reported_to_regulator_on == run.today and h.reported_to_congress_on is None
    assert attachments_for(report).count() == 1 and "dual_report_recorded" in event_actions(h)


@scenario("hazards.confirm_major")
def _(run: Run):
    from anjian.hazards import services

    h = run.hazard(**BY_DEFINITION)
    assert h.is_major_pending
    h = run.call(services.confirm_major, h, actor=run.regulator, comment="现场核实")
    assert h.major_confirmation == "confirmed" and h.major_confirmed_by == run.regulator
    assert "major_confirmed" in event_actions(h)


@scenario("hazards.downgrade_major")
def _(run: Run):
    from anjian.hazards import services

    h = run.hazard(**BY_DEFINITION)
    h = run.call(services.downgrade_major, h, actor=run.regulator, reason="可立即整改，不需停产")
    assert (h.grade, h.definition_condition, h.major_confirmation) == ("general", "", "")
    assert "major_downgraded" in event_actions(h)


@scenario("hazards.record_recheck")
def _(run: Run):
    from anjian.core.services import attachments_for
    from anjian.hazards import services
    from anjian.hazards.models import Hazard

    # a hazard the regulator found is closed out only after its re-check (复查) passed
    h = run.hazard(actor=run.regulator)
    assert h.recheck_required
    h = run.call(services.start_rectification, h, actor=run.ent_user)
    h = run.call(services.submit_rectification, h, actor=run.ent_user, note="已更换")
    recheck = run.call(services.record_recheck, h, actor=run.regulator, outcome="passed", opinion="现场复查合格",
                       files=[pdf("复查意见书.pdf")])
    h = Hazard.objects.get(pk=h.pk)
    assert recheck.number == f"FC{run.today:%Y}{recheck.pk:09d}" and recheck.department == run.world.dept_a
    assert h.state == "accepted" and h.rechecked_at and attachments_for(recheck).count() == 1
    assert run.call(services.close_hazard, h, actor=run.ent_user).state == "closed"


@scenario("hazards.list_for_supervision")
def _(run: Run):
    from anjian.hazards import services
    from anjian.hazards.models import Hazard

    h = run.hazard(major=True)
    listing = run.call(services.list_for_supervision, h, actor=run.regulator, level="county",
                       department=run.world.dept_a, deadline=run.later, document_number="甲安督〔2026〕1号")
    assert listing.state == "listed" and Hazard.objects.get(pk=h.pk).is_listed


@scenario("hazards.report_listing_progress")
def _(run: Run):
    from anjian.hazards import services

    h = run.hazard(major=True)
    listing = run.call(services.list_for_supervision, h, actor=run.regulator, level="county",
                       department=run.world.dept_a, deadline=run.later)
    progress = run.call(services.report_listing_progress, listing, actor=run.ent_user, content="已完成设备采购")
    assert listing.progress.get() == progress and "listing_progress" in event_actions(h)


@scenario("hazards.delist")
def _(run: Run):
    from anjian.hazards import services
    from anjian.hazards.models import Hazard, ListedSupervision
    from anjian.portal.testing.factories import COMPLETE_PLAN

    h = run.hazard(major=True)
    h = run.call(services.update_plan, h, actor=run.ent_user, plan=COMPLETE_PLAN)
    listing = run.call(services.list_for_supervision, h, actor=run.regulator, level="county",
                       department=run.world.dept_a, deadline=run.later)
    for step, who, kwargs in ((services.start_rectification, run.ent_user, {}),
                              (services.submit_rectification, run.ent_user, {"note": "已更换"}),
                              (services.accept_rectification, run.regulator, {}),
                              (services.close_hazard, run.regulator, {})):
        run.call(step, Hazard.objects.get(pk=h.pk), actor=who, **kwargs)
    run.call(services.delist, listing, actor=run.regulator, comment="验收合格，予以摘牌")
    assert ListedSupervision.objects.get(pk=listing.pk).state == "delisted"
    assert not Hazard.objects.get(pk=h.pk).is_listed


@scenario("hazards.issue_notice")
def _(run: Run):
    from anjian.hazards import services

    h = run.hazard()
    notice = run.call(services.issue_notice, actor=run.regulator, department=run.world.dept_a, hazards=[h],
                      deadline=run.later, requirements="限期整改")
    assert notice.number.startswith("ZG") and list(notice.hazards.all()) == [h]
    assert "notice_issued" in event_actions(h)


@scenario("hazards.void_hazard")
def _(run: Run):
    from anjian.hazards import services
    from anjian.hazards.models import Hazard

    h = run.hazard()
    run.call(services.void_hazard, h, actor=run.admin, reason="录入错误")
    assert Hazard.objects.get(pk=h.pk).is_voided and "voided" in event_actions(h)


# inspections

@scenario("inspections.create_duty")
def _(run: Run):
    duty = run.duty()
    assert duty.tasks.get().state == "open" and event_actions(duty)[::-1] == ["created", "task_scheduled"]


@scenario("inspections.update_duty")
def _(run: Run):
    from anjian.inspections import services

    duty = run.duty()
    run.call(services.update_duty, duty, actor=run.ent_user, data={"name": "车间周查（夜班）"})
    duty.refresh_from_db()
    assert duty.name == "车间周查（夜班）" and "updated" in event_actions(duty)


@scenario("inspections.void_duty")
def _(run: Run):
    from anjian.inspections import services

    duty = run.duty()
    run.call(services.void_duty, duty, actor=run.ent_user, reason="重复设置")
    duty.refresh_from_db()
    assert duty.is_voided and duty.tasks.get().state == "cancelled"


@scenario("inspections.schedule_duty")
def _(run: Run):
    from anjian.inspections import services

    duty = run.duty()
    next_week = run.today + datetime.timedelta(days=7)
    task = run.call(services.schedule_duty, duty, today=next_week)
    start, _due = duty.cadence.period_of(next_week)
    assert task.period_start == start and duty.tasks.count() == 2 and "task_scheduled" in event_actions(duty)


@scenario("inspections.schedule_tasks")
def _(run: Run):
    from anjian.inspections import services

    duty = run.duty()
    day = run.today + datetime.timedelta(days=14)
    created = run.call(services.schedule_tasks, today=day)
    assert created >= 1 and duty.tasks.filter(period_start=duty.cadence.period_of(day)[0]).exists()


@scenario("inspections.mark_missed_tasks")
def _(run: Run):
    from anjian.inspections import services

    duty = run.duty()
    missed = run.call(services.mark_missed_tasks, today=run.today + datetime.timedelta(days=30))
    assert missed >= 1 and duty.tasks.get().state == "missed"


@scenario("inspections.run_schedule")
def _(run: Run):
    from anjian.inspections import services

    duty = run.duty()
    day = run.today + datetime.timedelta(days=21)
    out = run.call(services.run_schedule, today=day)
    assert out["missed"] >= 1 and out["scheduled"] >= 1
    assert duty.tasks.filter(period_start=duty.cadence.period_of(day)[0], state="open").exists()


@scenario("inspections.start_record")
def _(run: Run):
    record = run.record()
    assert record.state == "draft" and record.items.count() == 2 and "started" in event_actions(record)


@scenario("inspections.update_record")
def _(run: Run):
    from anjian.inspections import services

    record = run.record()
    run.call(services.update_record, record, actor=run.ent_user, data={"summary": "夜班检查"})
    record.refresh_from_db()
    assert record.summary == "夜班检查" and "updated" in event_actions(record)


@scenario("inspections.add_item")
def _(run: Run):
    from anjian.inspections import services

    record = run.record()
    item = run.call(services.add_item, record, actor=run.ent_user, content="消防通道堆放杂物", item_no="A1")
    assert record.items.count() == 3 and item.content == "消防通道堆放杂物"


@scenario("inspections.record_results")
def _(run: Run):
    from anjian.inspections import services

    record = run.record()
    a, b = record.items.order_by("sort")
    run.call(services.record_results, record, actor=run.ent_user,
             results=[{"item": a.pk, "result": "pass"}, {"item": b.pk, "result": "hazard_found", "note": "护栏缺失",
                                                         "photos": [photo()]}])
    assert sorted(record.items.values_list("result", flat=True)) == ["hazard_found", "pass"]


@scenario("inspections.set_item_result")
def _(run: Run):
    from anjian.inspections import services

    item = run.record().items.order_by("sort").first()
    item = run.call(services.set_item_result, item, actor=run.ent_user, result="hazard_found", note="护栏缺失")
    assert (item.result, item.note) == ("hazard_found", "护栏缺失") and item.checked_at


@scenario("inspections.attach_item_photos")
def _(run: Run):
    from anjian.core.services import attachments_for
    from anjian.inspections import services

    item = run.record().items.order_by("sort").first()
    run.call(services.attach_item_photos, item, actor=run.ent_user, photos=[photo(), photo("b.jpg")])
    assert attachments_for(item).count() == 2


@scenario("inspections.raise_hazard_from_item")
def _(run: Run):
    from anjian.inspections import services

    item = run.record().items.order_by("sort").first()
    run.call(services.set_item_result, item, actor=run.ent_user, result="hazard_found", note="护栏缺失")
    hazard = run.call(services.raise_hazard_from_item, item, actor=run.ent_user)
    item.refresh_from_db()
    assert item.hazard == hazard and hazard.source == "self_inspection"


@scenario("inspections.submit_record")
def _(run: Run):
    from anjian.inspections import services

    task = run.duty().tasks.get()
    record = run.record(task=task, data={"summary": "全厂检查，未发现问题"})
    run.call(services.submit_record, record, actor=run.ent_user)
    record.refresh_from_db()
    task.refresh_from_db()
    assert record.state == "submitted" and task.state == "done" and task.record == record


@scenario("inspections.void_inspection_record")
def _(run: Run):
    from anjian.inspections import services

    task = run.duty().tasks.get()
    record = run.record(task=task, data={"summary": "全厂检查，未发现问题"})
    run.call(services.submit_record, record, actor=run.ent_user)
    run.call(services.void_inspection_record, record, actor=run.ent_user, reason="录错企业")
    record.refresh_from_db()
    task.refresh_from_db()
    assert record.is_voided and task.state == "open" and task.record is None


# major hazard sources

@scenario("majorhazards.create_source")
def _(run: Run):
    source = run.source()
    assert source.number.startswith("ZDWXY") and source.evaluations.count() == 1 and source.s_value > 0


@scenario("majorhazards.update_source")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    run.call(services.update_source, source, actor=run.admin, data={"population_500m": 100}, version=source.version)
    source.refresh_from_db()
    assert source.population_500m == 100 and source.version == 2 and source.evaluations.count() == 2


@scenario("majorhazards.change_state")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    run.call(services.change_state, source, actor=run.admin, to_state="suspended", comment="检修")
    source.refresh_from_db()
    assert source.state == "suspended" and "state_changed" in event_actions(source)


@scenario("majorhazards.void_source")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    run.call(services.void_source, source, actor=run.admin, reason="重复登记")
    source.refresh_from_db()
    assert source.is_voided


@scenario("majorhazards.add_substance")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    sub = run.call(services.add_substance, source, actor=run.admin,
                   data={"name": "氨", "cas": "7664-41-7", "quantity_t": 5})
    assert source.substances.count() == 2 and sub.chemical_id and source.evaluations.count() == 2


@scenario("majorhazards.update_substance")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    sub = source.substances.get()
    run.call(services.update_substance, sub, actor=run.admin, data={"quantity_t": 2})
    sub.refresh_from_db()
    source.refresh_from_db()
    assert sub.quantity_t == 2 and not source.is_major


@scenario("majorhazards.void_substance")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    run.call(services.void_substance, source.substances.get(), actor=run.admin, reason="已清空")
    source.refresh_from_db()
    assert source.substances.get().is_voided and source.s_value == 0


@scenario("majorhazards.appoint_person")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    person = run.call(services.appoint_person, source, actor=run.admin, data={"role": "principal", "name": "张三"})
    assert person.appointed_on == run.today and source.persons.get() == person


@scenario("majorhazards.end_person")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    person = run.call(services.appoint_person, source, actor=run.admin, data={"role": "technical", "name": "李四"})
    run.call(services.end_person, person, actor=run.admin)
    person.refresh_from_db()
    assert person.ended_on == run.today


@scenario("majorhazards.record_check")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    # the appointment moved the source's version on: go on with the copy it answers
    source = run.call(services.appoint_person, source, actor=run.admin, data={"role": "technical", "name": "李四"}).source
    hazard = run.hazard()
    check = run.call(services.record_check, source, actor=run.admin, data={"role": "technical", "findings": "正常"},
                     hazards=[hazard])
    assert check.checked_on == run.today and list(check.hazards.all()) == [hazard]


@scenario("majorhazards.reevaluate")
def _(run: Run):
    from anjian.majorhazards import services

    source = run.source()
    evaluation = run.call(services.reevaluate, source, actor=run.admin, reason="复核")
    source.refresh_from_db()
    assert source.evaluations.count() == 2 and source.s_value == evaluation.s_value


@scenario("majorhazards.new_table_version")
def _(run: Run):
    from anjian.majorhazards import services
    from anjian.majorhazards.models import CriticalQuantityTable

    current = CriticalQuantityTable.objects.get(is_current=True)
    new = run.call(services.new_table_version, current, actor=run.admin, title="草稿")
    assert not new.is_current and new.based_on == current and new.chemicals.count() == current.chemicals.count()


@scenario("majorhazards.make_table_current")
def _(run: Run):
    from anjian.majorhazards import services
    from anjian.majorhazards.calculation import clear_table_cache
    from anjian.majorhazards.models import CriticalQuantityTable

    current = CriticalQuantityTable.objects.get(is_current=True)
    new = run.call(services.new_table_version, current, actor=run.admin)
    run.call(services.make_table_current, new, actor=run.admin)
    clear_table_cache()
    assert list(CriticalQuantityTable.objects.filter(is_current=True)) == [new]


# orgs

@scenario("orgs.deactivate_user")
def _(run: Run):
    from anjian.orgs import services
    from anjian.orgs.choices import Role
    from anjian.portal.testing.factories import make_user

    expert = make_user(Role.EXPERT, scope_region=run.world.county_a)
    run.call(services.deactivate_user, expert, actor=run.admin)
    expert.refresh_from_db()
    assert not expert.is_active and "deactivated" in event_actions(expert)


@scenario("orgs.void_department")
def _(run: Run):
    from anjian.orgs import services
    from anjian.portal.testing.factories import DepartmentFactory

    department = DepartmentFactory(region=run.world.county_a)
    run.call(services.void_department, department, actor=run.admin, reason="重复设置")
    department.refresh_from_db()
    assert department.is_voided and "voided" in event_actions(department)


# regions

@scenario("regions.import_regions")
def _(run: Run):
    import io

    from anjian.regions.models import Region
    from anjian.regions.services import import_regions

    # 99… is never a code of the factories' provinces (10–98)
    data = "code,name,level,parent_code\n990000000000,导入省,省,\n990100000000,导入市,市,990000000000\n"
    report = run.call(import_regions, io.BytesIO(data.encode()), "regions.csv", actor=run.admin)
    assert report.ok and report.created == 2
    assert Region.objects.get(code="990100000000").path == "990000000000990100000000"


# risks

@scenario("risks.create_risk_point")
def _(run: Run):
    point = run.point()
    assert point.region_path == run.world.ent_a.region_path and point.hazard_factors.count() == 2
    assert event_actions(point) == ["created"]


@scenario("risks.update_risk_point")
def _(run: Run):
    from anjian.risks import services

    point = run.point()
    run.call(services.update_risk_point, point, actor=run.admin, data={"location": "西厂区"}, version=point.version)
    point.refresh_from_db()
    assert point.location == "西厂区" and point.version == 2


@scenario("risks.void_risk_point")
def _(run: Run):
    from anjian.risks import services

    point = run.point()
    run.call(services.void_risk_point, point, actor=run.admin, reason="拆除")
    point.refresh_from_db()
    assert point.is_voided and point.version == 2


@scenario("risks.regenerate_card_token")
def _(run: Run):
    from anjian.risks import services

    point = run.point()
    old = point.card_token
    run.call(services.regenerate_card_token, point, actor=run.admin)
    point.refresh_from_db()
    assert point.card_token != old and "card_token_regenerated" in event_actions(point)


@scenario("risks.assess_risk_point")
def _(run: Run):
    from anjian.risks import services
    from anjian.risks.models import EnterpriseRiskGrade

    ent = run.enterprise()
    point = run.point(ent)
    assessment = run.call(services.assess_risk_point, point, actor=run.admin, method="lec",
                          inputs={"l": 3, "e": 6, "c": 15})
    point.refresh_from_db()
    assert point.level == assessment.level != "" and EnterpriseRiskGrade.objects.get(enterprise=ent).level


@scenario("risks.create_measure")
def _(run: Run):
    point = run.point()
    measure = run.measure(point)
    assert point.measures.get() == measure and "measure_added" in event_actions(point)


@scenario("risks.update_measure")
def _(run: Run):
    from anjian.risks import services

    measure = run.measure(run.point())
    run.call(services.update_measure, measure, actor=run.admin, data={"content": "每班两次检查液位计"})
    measure.refresh_from_db()
    assert measure.content == "每班两次检查液位计" and measure.version == 2


@scenario("risks.void_measure")
def _(run: Run):
    from anjian.risks import services

    measure = run.measure(run.point())
    run.call(services.void_measure, measure, actor=run.admin, reason="合并")
    measure.refresh_from_db()
    assert measure.is_voided


@scenario("risks.generate_check_items")
def _(run: Run):
    from anjian.inspections.models import InspectionDuty
    from anjian.risks import services
    from anjian.standards.models import Checklist

    ent = run.enterprise()
    point = run.point(ent)
    run.measure(point, "team")
    run.measure(point, "workshop")
    summary = run.call(services.generate_check_items, ent, actor=run.admin)
    assert summary["created"] == 2 and summary["duties_created"] == 2
    assert Checklist.objects.filter(enterprise=ent, is_active=True).count() == 2
    assert InspectionDuty.objects.filter(enterprise=ent, is_voided=False).count() == 2


@scenario("risks.refresh_enterprise_grades")
def _(run: Run):
    from anjian.risks import services
    from anjian.risks.models import EnterpriseRiskGrade

    ent = run.enterprise()
    written = run.call(services.refresh_enterprise_grades, [ent.pk])
    assert written == 1 and EnterpriseRiskGrade.objects.filter(enterprise=ent).exists()


@scenario("risks.refresh_all_enterprise_grades")
def _(run: Run):
    from anjian.enterprises.models import Enterprise
    from anjian.risks import services
    from anjian.risks.models import EnterpriseRiskGrade

    written = run.call(services.refresh_all_enterprise_grades, batch=5)
    assert written == Enterprise.objects.count() == EnterpriseRiskGrade.objects.count()


@scenario("risks.set_default_profile")
def _(run: Run):
    from anjian.risks import services
    from anjian.risks.models import RiskProfile

    profile = RiskProfile.objects.filter(method="ls", is_active=True, is_default=False).order_by("code").first()
    run.call(services.set_default_profile, profile, actor=run.admin)
    assert list(RiskProfile.objects.filter(method="ls", is_default=True)) == [profile]


# standards

@scenario("standards.create_checklist")
def _(run: Run):
    checklist = run.checklist()
    assert checklist.version == "1" and checklist.items.count() == 1 and event_actions(checklist) == ["created"]


@scenario("standards.update_checklist")
def _(run: Run):
    from anjian.standards import services

    checklist = run.checklist()
    run.call(services.update_checklist, checklist, actor=run.admin, data={"name": "机械制造检查表"})
    checklist.refresh_from_db()
    assert checklist.name == "机械制造检查表" and "updated" in event_actions(checklist)


@scenario("standards.set_checklist_active")
def _(run: Run):
    from anjian.standards import services

    checklist = run.checklist()
    run.call(services.set_checklist_active, checklist, actor=run.admin, active=False, reason="被替代")
    checklist.refresh_from_db()
    assert not checklist.is_active and "deactivated" in event_actions(checklist)


@scenario("standards.new_checklist_version")
def _(run: Run):
    from anjian.standards import services

    old = run.checklist(effective_from=run.today - datetime.timedelta(days=30))
    new = run.call(services.new_checklist_version, old, actor=run.admin, effective_from=run.today, note="修订")
    old.refresh_from_db()
    assert new.version == "2" and new.items.count() == 1 and old.effective_to == run.today - datetime.timedelta(1)


@scenario("standards.close_open_versions")
def _(run: Run):
    from anjian.standards import services

    old = run.checklist()
    closed = run.call(services.close_open_versions, old.code, run.today, actor=run.admin, new_version="2")
    old.refresh_from_db()
    assert closed == ["1"] and old.effective_to == run.today - datetime.timedelta(days=1)


@scenario("standards.add_check_item")
def _(run: Run):
    from anjian.standards import services

    checklist = run.checklist()
    item = run.call(services.add_check_item, checklist, actor=run.admin, data={"content": "特种作业人员持证"})
    assert checklist.items.count() == 2 and event_actions(item) == ["created"]


@scenario("standards.update_check_item")
def _(run: Run):
    from anjian.standards import services

    item = run.checklist().items.get()
    run.call(services.update_check_item, item, actor=run.admin, data={"basis": "新依据"})
    item.refresh_from_db()
    assert item.basis == "新依据" and "updated" in event_actions(item)


@scenario("standards.set_check_item_active")
def _(run: Run):
    from anjian.standards import services

    item = run.checklist().items.get()
    run.call(services.set_check_item_active, item, actor=run.admin, active=False, reason="不再适用")
    item.refresh_from_db()
    assert not item.is_active


@scenario("standards.create_criteria_document")
def _(run: Run):
    document = run.document()
    assert list(document.industries.values_list("code", flat=True)) == ["05"] and event_actions(document)


@scenario("standards.update_criteria_document")
def _(run: Run):
    from anjian.portal.testing.factories import industry
    from anjian.standards import services

    document = run.document()
    run.call(services.update_criteria_document, document, actor=run.admin, data={"title": "地方补充判定标准（修订）"},
             industries=[industry("05"), industry("06")])
    document.refresh_from_db()
    assert document.title.endswith("（修订）") and document.industries.count() == 2


@scenario("standards.set_criteria_document_active")
def _(run: Run):
    from anjian.standards import services

    document = run.document()
    run.call(services.set_criteria_document_active, document, actor=run.admin, active=False, reason="已废止")
    document.refresh_from_db()
    assert not document.is_active


@scenario("standards.create_criterion")
def _(run: Run):
    from anjian.standards import services

    document = run.document()
    criterion = run.call(services.create_criterion, actor=run.admin,
                         data={"document": document, "code": f"{document.code}-1", "text": "未设置防护栏"})
    assert criterion.sort == 10 and document.criteria.get() == criterion


@scenario("standards.update_criterion")
def _(run: Run):
    from anjian.standards import services

    document = run.document()
    criterion = run.call(services.create_criterion, actor=run.admin,
                         data={"document": document, "code": f"{document.code}-1", "text": "未设置防护栏"})
    run.call(services.update_criterion, criterion, actor=run.admin, data={"text": "未设置防护栏或盖板"})
    criterion.refresh_from_db()
    assert criterion.text == "未设置防护栏或盖板" and "updated" in event_actions(criterion)


@scenario("standards.set_criterion_active")
def _(run: Run):
    from anjian.standards import services

    document = run.document()
    criterion = run.call(services.create_criterion, actor=run.admin,
                         data={"document": document, "code": f"{document.code}-1", "text": "未设置防护栏"})
    run.call(services.set_criterion_active, criterion, actor=run.admin, active=False, reason="测试")
    criterion.refresh_from_db()
    assert not criterion.is_active


@scenario("standards.record_admin_change")
def _(run: Run):
    from anjian.core.services import events_for
    from anjian.standards import services

    checklist = run.checklist()
    run.call(services.record_admin_change, checklist, actor=run.admin, created=False, changed_fields=["name"])
    assert events_for(checklist).first().data == {"via": "admin", "fields": ["name"]}


# accidents

@scenario("accidents.report_accident")
def _(run: Run):
    acc = run.accident(run.ent_user, deaths=3)
    assert acc.number == f"SG{timezone.localtime(acc.occurred_at):%Y}{acc.pk:06d}"
    assert acc.grade == "relatively_serious" and event_actions(acc) == ["reported"]


@scenario("accidents.update_accident")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    acc = run.call(services.update_accident, acc, actor=run.regulator, data={"summary": "补充经过"}, reason="补充")
    assert acc.summary == "补充经过" and acc.version == 2 and "corrected" in event_actions(acc)


@scenario("accidents.record_casualty_update")
def _(run: Run):
    from anjian.accidents import services
    from anjian.accidents.models import Accident

    acc = run.accident()
    update = run.call(services.record_casualty_update, acc, actor=run.regulator, as_of=timezone.now(),
                      figures={"deaths": 1})
    assert update.counted and Accident.objects.get(pk=acc.pk).deaths == 1


@scenario("accidents.record_reporting_step")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    step = run.call(services.record_reporting_step, acc, actor=run.regulator, level="county",
                    received_at=acc.occurred_at + datetime.timedelta(hours=1))
    assert acc.steps.get() == step and "step_recorded" in event_actions(acc)


@scenario("accidents.record_followup")
def _(run: Run):
    from anjian.accidents import services
    from anjian.accidents.models import Accident

    acc = run.accident()
    report = run.call(services.record_followup, acc, actor=run.regulator, reported_at=timezone.now(),
                      text="一名受伤人员经抢救无效死亡", reported_by="甲区应急管理局", figures={"deaths": 1})
    acc = Accident.objects.get(pk=acc.pk)
    assert report.deaths == acc.deaths == 1 and report.casualty_update.counted
    assert "followup_recorded" in event_actions(acc)


@scenario("accidents.declare_situation_stable")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    now = timezone.now()
    acc = run.call(services.declare_situation_stable, acc, actor=run.regulator, stable_at=now, note="救援结束")
    assert acc.situation_stable_at == now and "situation_stable" in event_actions(acc)


@scenario("accidents.record_flag")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    flag = run.call(services.record_flag, acc, actor=run.regulator, kind="concealed", note="企业隐瞒事故三天")
    assert flag.state == "recorded" and "flag_recorded" in event_actions(acc)


@scenario("accidents.decide_flag")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    flag = run.call(services.record_flag, acc, actor=run.regulator, kind="concealed", note="企业隐瞒事故三天")
    flag = run.call(services.decide_flag, flag, actor=run.regulator, confirm=True, comment="经查证属实")
    assert flag.state == "confirmed" and "flag_confirmed" in event_actions(acc)


@scenario("accidents.start_investigation")
def _(run: Run):
    acc = run.investigated()
    assert acc.state == "investigating" and acc.investigation.leader == "张三"


@scenario("accidents.update_investigation")
def _(run: Run):
    from anjian.accidents import services

    acc = run.investigated()
    inv = run.call(services.update_investigation, acc, actor=run.regulator, data={"cause": "违章作业"})
    assert inv.cause == "违章作业" and "investigation_updated" in event_actions(acc)


@scenario("accidents.submit_investigation_report")
def _(run: Run):
    acc = run.investigated(submitted=True)
    assert acc.state == "report_submitted" and acc.investigation.report_submitted_on == run.today


@scenario("accidents.extend_report_deadline")
def _(run: Run):
    from anjian.accidents import services

    acc = run.investigated()
    before = acc.investigation.report_due_on
    inv = run.call(services.extend_report_deadline, acc, actor=run.regulator, days=30, reason="案情复杂，经区政府批准")
    assert inv.report_extension_days == 30 and inv.report_due_on > before
    assert "report_deadline_extended" in event_actions(acc)


@scenario("accidents.extend_approval")
def _(run: Run):
    from anjian.accidents import services

    acc = run.investigated(deaths=30, submitted=True)
    inv = run.call(services.extend_approval, acc, actor=run.regulator, days=10, reason="案情复杂")
    assert inv.extension_days == 10 and "approval_extended" in event_actions(acc)


@scenario("accidents.approve_investigation_report")
def _(run: Run):
    from anjian.accidents import services
    from anjian.accidents.models import Accident

    acc = run.investigated(submitted=True)
    inv = run.call(services.approve_investigation_report, acc, actor=run.regulator, approved_on=run.today)
    assert inv.approved_on == run.today and Accident.objects.get(pk=acc.pk).state == "closed"


@scenario("accidents.add_rectification")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    rect = run.call(services.add_rectification, acc, actor=run.regulator, data={
        "problem": "安全培训不到位", "responsible_unit": "甲机械有限公司", "deadline": run.later,
        "listing_level": "county", "listing_unit": "甲区安委会"})
    assert rect.listed_at and acc.rectifications.get() == rect


@scenario("accidents.rectify")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    rect = run.call(services.add_rectification, acc, actor=run.regulator, data={
        "problem": "安全培训不到位", "responsible_unit": "甲机械有限公司", "deadline": run.later})
    rect = run.call(services.rectify, rect, actor=run.ent_user, note="已组织全员培训", files=[photo()])
    assert rect.state == "rectified" and rect.version == 2


@scenario("accidents.verify_rectification")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    rect = run.call(services.add_rectification, acc, actor=run.regulator, data={
        "problem": "安全培训不到位", "responsible_unit": "甲机械有限公司", "deadline": run.later})
    rect = run.call(services.rectify, rect, actor=run.ent_user, note="已组织全员培训")
    rect = run.call(services.verify_rectification, rect, actor=run.regulator)
    assert rect.state == "verified" and rect.verified_by == run.regulator


@scenario("accidents.add_accountability")
def _(run: Run):
    from anjian.accidents import services

    acc = run.accident()
    rec = run.call(services.add_accountability, acc, actor=run.regulator,
                   data={"person_name": "李四", "measure": "fine", "fine_yuan": Decimal(50000)})
    assert acc.accountabilities.get() == rec and "accountability_added" in event_actions(acc)


@scenario("accidents.void_accident")
def _(run: Run):
    from anjian.accidents import services
    from anjian.accidents.models import Accident

    acc = run.accident()
    run.call(services.void_accident, acc, actor=run.regulator, reason="重复登记")
    assert Accident.objects.get(pk=acc.pk).is_voided


# --- the tests -------------------------------------------------------------------------------

# The apps' own scenario modules (anjian/<app>/tests/write_scenarios.py) register theirs and add
# their read-only names before the lists are taken.
SCENARIO_MODULES = scenario_modules()
FUNCTIONS = public_functions()
WRITE_SERVICES = sorted(set(FUNCTIONS) - READ_ONLY)


def test_services_are_found():
    # given the services modules, then the introspection finds them all and their functions
    assert {"accidents", "core", "enterprises", "hazards", "inspections", "majorhazards", "regions", "risks",
            "standards"} <= set(service_modules())
    assert "hazards.update_hazard" in WRITE_SERVICES and "hazards.available_actions" in READ_ONLY


def test_read_only_list_names_only_existing_functions():
    # the read-only list (and the several-transactions list) must not name a function that is gone
    assert sorted(READ_ONLY - set(FUNCTIONS)) == []
    assert sorted(set(SEVERAL_TRANSACTIONS) - set(FUNCTIONS)) == []
    assert sorted(set(SEVERAL_TRANSACTIONS) & READ_ONLY) == []


def test_scenarios_name_only_write_services():
    # a scenario of a removed or read-only function is stale
    assert sorted(set(SCENARIOS) - set(WRITE_SERVICES)) == []


@pytest.mark.parametrize("name", WRITE_SERVICES)
def test_every_write_service_has_a_scenario(name):
    # a public function of a services module that is not read-only is a write service: it must be
    # called outside a transaction on PostgreSQL by a scenario of this module (or, if it writes
    # nothing, be named in READ_ONLY)
    assert name in SCENARIOS, (f"{name} is a public write service without a scenario in {__name__}: add one "
                               f"(or name it in READ_ONLY if it writes nothing)")


def _clear_caches() -> None:
    """The per-process caches of reference rows (scenarios change the current GB 18218 table and
    a default risk profile; the flush after the test replaces every row)."""
    from anjian.accidents.grading import clear_cache as clear_grading
    from anjian.core.scoping import clear_reference_caches
    from anjian.majorhazards.calculation import clear_table_cache
    from anjian.risks.evaluation import clear_cache as clear_profiles

    clear_reference_caches()
    clear_table_cache()
    clear_profiles()
    clear_grading()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason=PG_REASON)
@pytest.mark.django_db(transaction=True)
def test_every_write_service_outside_a_transaction(world, settings, tmp_path):
    # given one world, committed, and no transaction around the calls (autocommit, as a request)
    settings.MEDIA_ROOT = tmp_path / "media"
    _clear_caches()
    run = Run(world)
    failures: dict[str, str] = {}
    try:
        # when every write service is called by its scenario
        for name, body in SCENARIOS.items():
            run.called = set()
            try:
                body(run)
                assert name in run.called, f"the scenario of {name} never called it through run.call"
            except Exception:  # noqa: BLE001 - every failure is reported below, one per service
                failures[name] = traceback.format_exc()
            if connection.in_atomic_block or not connection.get_autocommit():
                # a failed service must not leave the next scenario inside its transaction
                connection.rollback()
                connection.set_autocommit(True)
                failures.setdefault(name, "left the connection inside a transaction")
    finally:
        _clear_caches()
    # then each took its locks inside a transaction, wrote in one, closed it, and wrote what it should
    missing = sorted(set(WRITE_SERVICES) - set(SCENARIOS))
    assert not failures and not missing, (
        f"{len(failures)} of {len(SCENARIOS)} write services failed outside a transaction on PostgreSQL: "
        f"{', '.join(failures)}" + (f"; without a scenario: {', '.join(missing)}" if missing else "") + "\n\n"
        + "\n".join(f"--- {name}\n{error}" for name, error in failures.items()))


# security

@scenario("security.issue_token")
def _(run: Run):
    from anjian.security.services import find_live_token, issue_token

    key, token = run.call(issue_token, run.admin)
    assert find_live_token(key) == token


@scenario("security.revoke_token")
def _(run: Run):
    from anjian.security.services import find_live_token, issue_token, revoke_token

    key, token = issue_token(run.admin)
    run.call(revoke_token, token, actor=run.admin)
    assert find_live_token(key) is None


@scenario("security.rotate_token")
def _(run: Run):
    from anjian.security.services import find_live_token, issue_token, rotate_token

    old, token = issue_token(run.admin)
    new, _token = run.call(rotate_token, token)
    assert find_live_token(old) is None and find_live_token(new) is not None


@scenario("security.touch")
def _(run: Run):
    from anjian.security.services import issue_token, touch

    _key, token = issue_token(run.admin)
    run.call(touch, token)
    token.refresh_from_db()
    assert token.last_used_at is not None


@scenario("security.log_security_event")
def _(run: Run):
    from anjian.security.models import SecurityEvent
    from anjian.security.services import log_security_event

    entry = run.call(log_security_event, "login", user=run.admin)
    assert SecurityEvent.objects.filter(pk=entry.pk, username=run.admin.username).exists()

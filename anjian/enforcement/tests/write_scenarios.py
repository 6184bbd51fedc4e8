"""The enforcement services, each called outside any transaction on PostgreSQL
(``portal/tests/test_write_services_postgres.py`` collects this module).

Each scenario makes its own records from ``run.world`` (prerequisites through the services or
the factories, directly), calls the service under test through ``run.call`` and checks what it
wrote. A plan is unique per department and year, so each plan gets a department of its own."""

from __future__ import annotations

import datetime

from anjian.portal.testing.write_services import Run, event_actions, scenario

# Public functions of enforcement/services/ that write nothing (each read: no save, no update).
READ_ONLY = {
    # common.py: helpers of the services
    "enforcement.who",  # the actor as a stored user
    "enforcement.display_name",  # a user's name for display
    "enforcement.check_fields",  # a validator (raises ValidationError)
    "enforcement.copy_enterprise_keys",  # sets attributes on an unsaved row; its caller saves it
    "enforcement.edit_fields",  # builds a ``change`` for a step; the step saves
    # draws.py: re-runs a draw from its stored inputs and compares digests
    "enforcement.verify_draw",
    # plans.py: a selector (the approved plan's entry covering an enterprise)
    "enforcement.plan_entry_for",
}

SEVERAL_TRANSACTIONS: dict[str, str] = {}


# --- builders (prerequisites: services called directly) -----------------------------------------

def _officer(run: Run, department=None):
    """A regulator of county A in ``department`` (by default dept_a) with a valid certificate."""
    from anjian.enforcement.tests.factories import make_certificate
    from anjian.orgs.choices import Role
    from anjian.portal.testing.factories import make_user

    officer = make_user(Role.REGULATOR, scope_region=run.world.county_a, department=department or run.world.dept_a)
    make_certificate(officer, run.admin)
    return officer


def _expert(run: Run, name: str = "王专家"):
    from anjian.enforcement.tests.factories import make_expert

    return make_expert(run.world, run.regulator, name=name)


def _department(run: Run):
    """A department of county A of its own (a plan is unique per department and year)."""
    from anjian.orgs.choices import DepartmentKind
    from anjian.portal.testing.factories import DepartmentFactory

    return DepartmentFactory(region=run.world.county_a, kind=DepartmentKind.REGULATOR)


def _plan(run: Run, *, n: int = 0, department=None):
    """A draft plan of a fresh department for this year, with ``n`` fresh enterprises of county A."""
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementPlan
    from anjian.enterprises.models import Enterprise

    plan = services.create_plan(actor=run.admin, department=department or _department(run), year=run.today.year,
                                data={"title": "年度执法计划（测试）"})
    if n:
        ids = [run.enterprise().pk for _ in range(n)]
        services.add_enterprises(plan, actor=run.admin, enterprises=Enterprise.objects.filter(pk__in=ids))
    return EnforcementPlan.objects.get(pk=plan.pk)


def _approved_plan(run: Run, n: int = 1):
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementPlan

    plan = _plan(run, n=n)
    services.approve_plan(plan, actor=run.regulator)
    return EnforcementPlan.objects.get(pk=plan.pk)


def _draw(run: Run, n: int = 2):
    """A draw of the ``n`` enterprises of a fresh plan, one officer each (a certified officer of
    the plan's department is there to be drawn)."""
    from anjian.enforcement import services
    from anjian.enforcement.models import RandomDraw

    plan = _plan(run, n=n)
    _officer(run, plan.department)
    draw = services.make_draw(actor=run.admin, department=plan.department,
                              data={"n_enterprises": n, "officers_per_enterprise": 1}, criteria={"plan": plan.pk})
    return RandomDraw.objects.get(pk=draw.pk)


# --- common -----------------------------------------------------------------------------------

@scenario("enforcement.step")
def _(run: Run):
    from anjian.enforcement.choices import EXPERT_MACHINE, ExpertState
    from anjian.enforcement.services.common import step

    expert = _expert(run, "步骤专家")
    run.call(step, expert, "retire", EXPERT_MACHINE, actor=run.regulator, comment="调离本地")
    expert.refresh_from_db()
    assert expert.state == ExpertState.RETIRED and "expert_retired" in event_actions(expert)


# --- expert pool ------------------------------------------------------------------------------

@scenario("enforcement.create_expert")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.models import Expert
    from anjian.portal.testing.factories import industry

    expert = run.call(services.create_expert, actor=run.regulator,
                      data={"name": "李专家", "region": run.world.county_a, "employer": run.world.ent_a},
                      fields=[industry("0504")])
    expert = Expert.objects.get(pk=expert.pk)
    assert expert.region_path == run.world.county_a.path and expert.employer_name == run.world.ent_a.name[:200]
    assert list(expert.fields.values_list("code", flat=True)) == ["0504"] and event_actions(expert) == ["created"]


@scenario("enforcement.update_expert")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.portal.testing.factories import industry

    expert = _expert(run, "更正专家")
    run.call(services.update_expert, expert, actor=run.regulator, data={"title": "高级工程师"},
             fields=[industry("0504")], version=expert.version)
    expert.refresh_from_db()
    assert expert.title == "高级工程师" and list(expert.fields.values_list("code", flat=True)) == ["0504"]
    assert "updated" in event_actions(expert)


@scenario("enforcement.mark_expert_unavailable")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import ExpertState

    expert = _expert(run, "出差专家")
    until = run.today + datetime.timedelta(days=5)
    run.call(services.mark_expert_unavailable, expert, actor=run.regulator, until=until, reason="外地出差")
    expert.refresh_from_db()
    assert expert.state == ExpertState.UNAVAILABLE and expert.unavailable_until == until
    assert "expert_unavailable" in event_actions(expert)


@scenario("enforcement.mark_expert_available")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import ExpertState

    expert = services.mark_expert_unavailable(_expert(run, "返岗专家"), actor=run.regulator, until=None, reason="病假")
    run.call(services.mark_expert_available, expert, actor=run.regulator)
    expert.refresh_from_db()
    assert expert.state == ExpertState.AVAILABLE and expert.unavailable_until is None
    assert "expert_available" in event_actions(expert)


@scenario("enforcement.retire_expert")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import ExpertState

    expert = _expert(run, "出库专家")
    run.call(services.retire_expert, expert, actor=run.regulator, reason="年龄原因")
    expert.refresh_from_db()
    assert expert.state == ExpertState.RETIRED and "expert_retired" in event_actions(expert)


@scenario("enforcement.void_expert")
def _(run: Run):
    from anjian.enforcement import services

    expert = _expert(run, "误录专家")
    run.call(services.void_expert, expert, actor=run.regulator, reason="重复录入")
    expert.refresh_from_db()
    assert expert.is_voided and expert.void_reason == "重复录入" and "voided" in event_actions(expert)


# --- certificates -----------------------------------------------------------------------------

@scenario("enforcement.record_certificate")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.orgs.choices import Role
    from anjian.portal.testing.factories import make_user

    officer = make_user(Role.REGULATOR, scope_region=run.world.county_a, department=run.world.dept_a)
    cert = run.call(services.record_certificate, actor=run.regulator, officer=officer, data={
        "number": f" PG-ZF-{officer.pk} ", "issuer": "测试市人民政府",
        "issued_on": run.today - datetime.timedelta(days=30), "valid_until": run.later})
    cert.refresh_from_db()
    assert cert.number == f"PG-ZF-{officer.pk}" and cert.officer == officer
    assert cert.region_path == run.world.county_a.path and event_actions(cert) == ["created"]


@scenario("enforcement.certificate_step")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import CertificateState
    from anjian.enforcement.models import EnforcementCertificate

    cert = EnforcementCertificate.objects.get(officer=_officer(run))
    run.call(services.certificate_step, cert, "suspend", actor=run.regulator, comment="停职检查")
    cert.refresh_from_db()
    assert cert.state == CertificateState.SUSPENDED
    run.call(services.certificate_step, cert, "reinstate", actor=run.regulator)
    cert.refresh_from_db()
    assert cert.state == CertificateState.VALID
    assert {"certificate_suspended", "certificate_reinstated"} <= set(event_actions(cert))


@scenario("enforcement.void_certificate")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.models import EnforcementCertificate

    cert = EnforcementCertificate.objects.get(officer=_officer(run))
    run.call(services.void_certificate, cert, actor=run.regulator, reason="证号录错")
    cert.refresh_from_db()
    assert cert.is_voided and "voided" in event_actions(cert)


# --- declared conflicts -----------------------------------------------------------------------

@scenario("enforcement.declare_conflict")
def _(run: Run):
    from anjian.enforcement import services

    ent = run.enterprise()
    decl = run.call(services.declare_conflict, actor=run.regulator, enterprise=ent,
                    data={"kind": "relative", "reason": "配偶在该企业任职"})
    decl.refresh_from_db()
    # by default the declaration is the actor's own, keyed like the enterprise
    assert decl.officer == run.regulator and decl.expert is None and decl.region_path == ent.region_path
    assert decl.declared_on == run.today and event_actions(decl) == ["created"]
    expert = _expert(run, "回避专家")
    by_expert = run.call(services.declare_conflict, actor=run.regulator, enterprise=ent, expert=expert,
                         data={"kind": "service", "reason": "曾为该企业提供评价服务"})
    assert by_expert.expert == expert and by_expert.officer is None


@scenario("enforcement.end_conflict")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import ConflictState

    decl = services.declare_conflict(actor=run.regulator, enterprise=run.enterprise(),
                                     data={"kind": "financial", "reason": "持有该企业股份"})
    run.call(services.end_conflict, decl, actor=run.regulator, comment="股份已转让")
    decl.refresh_from_db()
    assert decl.state == ConflictState.ENDED and decl.valid_until == run.today
    assert "conflict_ended" in event_actions(decl)


@scenario("enforcement.void_conflict")
def _(run: Run):
    from anjian.enforcement import services

    decl = services.declare_conflict(actor=run.regulator, enterprise=run.enterprise(),
                                     data={"kind": "other", "reason": "其他利害关系"})
    run.call(services.void_conflict, decl, actor=run.regulator, reason="录错企业")
    decl.refresh_from_db()
    assert decl.is_voided and "voided" in event_actions(decl)


# --- plans ------------------------------------------------------------------------------------

@scenario("enforcement.create_plan")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import PlanState

    department = _department(run)
    plan = run.call(services.create_plan, actor=run.regulator, department=department, year=run.today.year,
                    data={"random_share": 30})
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and plan.region_path == run.world.county_a.path
    assert str(run.today.year) in plan.title and event_actions(plan) == ["created"]


@scenario("enforcement.update_plan")
def _(run: Run):
    from anjian.enforcement import services

    plan = _plan(run)
    run.call(services.update_plan, plan, actor=run.regulator, data={"note": "按省厅部署调整"}, version=plan.version)
    plan.refresh_from_db()
    assert plan.note == "按省厅部署调整" and "updated" in event_actions(plan)


@scenario("enforcement.add_enterprises")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enterprises.models import Enterprise

    plan = _plan(run)
    ids = sorted(run.enterprise().pk for _ in range(3))
    added = run.call(services.add_enterprises, plan, actor=run.regulator,
                     enterprises=Enterprise.objects.filter(pk__in=ids), is_key=False)
    entries = plan.entries.filter(is_voided=False)
    assert added == 3 and sorted(entries.values_list("enterprise_id", flat=True)) == ids
    assert not entries.filter(is_key=True).exists() and "plan_enterprises_added" in event_actions(plan)


@scenario("enforcement.refresh_plan")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.models import PlanEntry

    plan = _plan(run, n=2)
    # an entry whose stored visits no longer match the data: refreshing recomputes it
    entry = plan.entries.order_by("pk").first()
    PlanEntry.objects.filter(pk=entry.pk).update(computed_visits=99, planned_visits=99)
    changed = run.call(services.refresh_plan, plan, actor=run.regulator)
    entry.refresh_from_db()
    assert changed == 1 and entry.computed_visits != 99 and entry.planned_visits == entry.computed_visits
    assert "plan_refreshed" in event_actions(plan)


@scenario("enforcement.set_visits")
def _(run: Run):
    from anjian.enforcement import services

    plan = _plan(run, n=1)
    entry = plan.entries.get()
    target = entry.computed_visits + 2
    out = run.call(services.set_visits, entry, actor=run.regulator, planned_visits=target, reason="群众投诉较多",
                   is_key=True)
    assert out.planned_visits == target and out.override_reason == "群众投诉较多" and out.is_key
    assert "plan_visits_set" in event_actions(plan)


@scenario("enforcement.remove_entries")
def _(run: Run):
    from anjian.enforcement import services

    plan = _plan(run, n=2)
    gone = plan.entries.order_by("pk").first()
    removed = run.call(services.remove_entries, plan, actor=run.regulator, entry_ids=[gone.pk], reason="企业已关闭")
    gone.refresh_from_db()
    assert removed == 1 and gone.is_voided and gone.void_reason == "企业已关闭"
    assert plan.entries.filter(is_voided=False).count() == 1 and "plan_enterprises_removed" in event_actions(plan)


@scenario("enforcement.approve_plan")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import PlanState

    plan = _plan(run, n=1)
    run.call(services.approve_plan, plan, actor=run.regulator, comment="局务会审议通过")
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED and plan.approved_by == run.regulator and plan.approved_at
    assert "plan_approved" in event_actions(plan)


@scenario("enforcement.revise_plan")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import PlanState

    plan = _approved_plan(run)
    run.call(services.revise_plan, plan, actor=run.regulator, reason="年中调整")
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and "plan_revised" in event_actions(plan)


@scenario("enforcement.close_plan")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import PlanState

    plan = _approved_plan(run)
    run.call(services.close_plan, plan, actor=run.regulator, comment="年度结束")
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED and "plan_closed" in event_actions(plan)


@scenario("enforcement.void_plan")
def _(run: Run):
    from anjian.enforcement import services

    plan = _plan(run)
    run.call(services.void_plan, plan, actor=run.regulator, reason="重复创建")
    plan.refresh_from_db()
    assert plan.is_voided and "voided" in event_actions(plan)


@scenario("enforcement.record_visit")
def _(run: Run):
    from anjian.enforcement import services

    plan = _approved_plan(run)
    entry = services.plan_entry_for(plan.department_id, plan.entries.get().enterprise_id, run.today)
    earlier = run.today - datetime.timedelta(days=1)
    run.call(services.record_visit, entry.pk, run.today)
    run.call(services.record_visit, entry.pk, earlier)
    entry.refresh_from_db()
    # a visit is counted; the last inspection day is the latest, whatever order they come in
    assert entry.done_visits == 2 and entry.last_inspected_on == run.today


# --- random draws -----------------------------------------------------------------------------

@scenario("enforcement.make_draw")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.models import DrawOfficer

    plan = _plan(run, n=3)
    officer = _officer(run, plan.department)
    draw = run.call(services.make_draw, actor=run.regulator, department=plan.department,
                    data={"n_enterprises": 2, "officers_per_enterprise": 1}, criteria={"plan": plan.pk},
                    seed="pg-seed")
    draw.refresh_from_db()
    entries = draw.entries.order_by("order")
    assert draw.number == f"SJ{draw.drawn_at:%Y}{draw.pk:06d}" and draw.pool_size == 3 and entries.count() == 2
    assert set(entries.values_list("enterprise_id", flat=True)) <= set(plan.entries.values_list("enterprise_id",
                                                                                                flat=True))
    assert set(DrawOfficer.objects.filter(entry__draw=draw).values_list("officer_id", flat=True)) == {officer.pk}
    assert draw.short_entries == 0 and event_actions(draw) == ["draw_made"]
    assert services.verify_draw(draw)["same"]


@scenario("enforcement.redraw")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import DrawState

    draw = _draw(run)
    new = run.call(services.redraw, draw, actor=run.regulator, reason="抽中企业已停产", version=draw.version)
    draw.refresh_from_db()
    assert draw.state == DrawState.SUPERSEDED and "draw_superseded" in event_actions(draw)
    assert new.replaces == draw and new.redraw_reason == "抽中企业已停产" and new.entries.count() == 2
    assert new.criteria == draw.criteria and event_actions(new) == ["draw_made"]


@scenario("enforcement.publish_draw")
def _(run: Run):
    from anjian.enforcement import services
    from anjian.enforcement.choices import DrawState

    draw = _draw(run)
    run.call(services.publish_draw, draw, actor=run.regulator)
    draw.refresh_from_db()
    assert draw.state == DrawState.PUBLISHED and draw.published_at and "draw_published" in event_actions(draw)


@scenario("enforcement.void_draw")
def _(run: Run):
    from anjian.enforcement import services

    draw = _draw(run)
    run.call(services.void_draw, draw, actor=run.regulator, reason="抽取参数有误")
    draw.refresh_from_db()
    assert draw.is_voided and "voided" in event_actions(draw)

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
import importlib
import importlib.util
import inspect
import pkgutil
import re
import traceback
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

import anjian
from anjian.core.testing.files import image_upload

PG_REASON = ("needs PostgreSQL: SQLite ignores SELECT … FOR UPDATE, so a lock taken outside a transaction "
             "passes there (run with DATABASE_URL=postgres://…)")


# --- the services ----------------------------------------------------------------------------

def service_modules() -> dict[str, Any]:
    """app label → its ``services`` module, for every app of the project that has one."""
    out = {}
    for info in pkgutil.iter_modules(anjian.__path__):
        if info.ispkg and importlib.util.find_spec(f"anjian.{info.name}.services") is not None:
            out[info.name] = importlib.import_module(f"anjian.{info.name}.services")
    return out


def public_functions() -> dict[str, Callable]:
    """``"app.name"`` → function, for the public functions defined in (not imported into) each
    services module. ``@transaction.atomic`` keeps the wrapped function's module and name."""
    out = {}
    for app, module in service_modules().items():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and fn.__module__ == module.__name__:
                out[f"{app}.{name}"] = fn
    return out


def key_of(fn: Callable) -> str:
    return f"{fn.__module__.split('.')[1]}.{fn.__name__}"


# Public functions that write nothing: they need no scenario.
READ_ONLY = {
    # predicates: who may do what
    "hazards.available_actions", "hazards.needs_recheck",
    # numbers and codes built from a row
    "accidents.accident_number", "hazards.hazard_number", "hazards.notice_number", "hazards.recheck_number",
    "majorhazards.source_number",
    "risks.checklist_code", "standards.next_version_label",
    # selectors and computed values
    "core.attachments_for", "core.events_for", "inspections.active_duties", "inspections.hazard_defaults",
    "hazards.listing_level_for", "hazards.recheck_days", "hazards.recheck_due_on", "hazards.recipient_departments",
    "hazards.supervising_department", "hazards.time_limit",
    "majorhazards.substance_inputs", "standards.checklist_in_force", "standards.checklist_versions",
    "standards.checklists_in_force", "standards.in_force_q", "standards.industry_and_ancestor_codes",
    "standards.version_status", "regions.parse_level",
    "security.client_of", "security.find_live_token", "security.token_lifetime",
    # validators (raise ValidationError, write nothing)
    "core.check_uploads", "enterprises.check_placement", "enterprises.check_stays_in_scope",
    "majorhazards.check_table", "standards.check_checklist_rules", "standards.check_item_rules",
}

# Services that write in more than one transaction on purpose, and why.
SEVERAL_TRANSACTIONS = {
    "core.attach_files": "a helper: runs inside its caller's transaction (one INSERT per file)",
    "majorhazards.reevaluate": "a helper: runs inside the transaction that changed the source",
    "inspections.schedule_tasks": "the nightly job: one transaction per cadence, a cut-short run is completed "
                                  "by the next",
    "inspections.mark_missed_tasks": "the nightly job: one transaction per cadence",
    "inspections.run_schedule": "the nightly job: mark_missed_tasks then schedule_tasks",
    "risks.refresh_all_enterprise_grades": "the nightly job: one transaction per batch of enterprises",
    "security.log_security_event": "one INSERT of an append-only row (no lock, nothing to keep together)",
    "security.touch": "one UPDATE of a token's last-use time, at most once a minute (no lock needed)",
}


# --- calling a service outside a transaction -------------------------------------------------

# What select_for_update() adds to a query on PostgreSQL (also with no_key=True).
ROW_LOCK = re.compile(r"\bFOR (NO KEY )?UPDATE\b")


class Run:
    """What a scenario works with: the world, its users, and ``call``, which runs a service in
    autocommit and checks how it used transactions."""

    def __init__(self, world):
        from anjian.orgs.choices import Role

        self.world = world
        self.admin = world.users[Role.ADMIN]
        self.regulator = world.users[Role.REGULATOR]
        self.ent_user = world.users[Role.ENTERPRISE]
        self._colleague = None
        self.today = timezone.localdate()
        self.later = self.today + datetime.timedelta(days=30)
        self.called: set[str] = set()
        self._commits = 0

    def call(self, fn: Callable, *args, **kwargs):
        """Call ``fn`` as a request does: in autocommit, with no transaction around it."""
        name = key_of(fn)
        assert connection.get_autocommit() and not connection.in_atomic_block, \
            f"{name} would not be called in autocommit: a scenario left a transaction open"
        statements: list[tuple[str, bool, int]] = []  # (sql, inside an atomic block, commits so far)

        def spy(execute, sql, params, many, context):
            statements.append((sql, context["connection"].in_atomic_block, self._commits))
            return execute(sql, params, many, context)

        real_commit = connection.commit

        def counting_commit():
            self._commits += 1
            return real_commit()

        # Atomic.__exit__ commits the outermost block through the wrapper's commit(); counting
        # commits tells one transaction from the next.
        connection.commit = counting_commit
        try:
            with connection.execute_wrapper(spy):
                result = fn(*args, **kwargs)
        finally:
            del connection.commit
        assert not connection.in_atomic_block and connection.get_autocommit(), \
            f"{name} returned with the connection still inside an atomic block"
        unlocked = [sql for sql, atomic, _n in statements if ROW_LOCK.search(sql) and not atomic]
        assert not unlocked, f"{name} took row locks outside a transaction: {unlocked[0][:200]}"
        writes = [(atomic, n) for sql, atomic, n in statements
                  if sql.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
        transactions = len({n for atomic, n in writes if atomic}) + sum(1 for atomic, _n in writes if not atomic)
        assert transactions <= 1 or name in SEVERAL_TRANSACTIONS, \
            f"{name} wrote in {transactions} transactions: its writes must be atomic"
        self.called.add(name)
        return result

    @property
    def colleague(self):
        """A second user of ent_a: the person who accepts a general hazard is not the one who
        submitted its rectification (ANJIAN_HAZARD_ACCEPTOR_DIFFERS)."""
        if self._colleague is None:
            from anjian.orgs.choices import Role
            from anjian.portal.testing.factories import make_user

            self._colleague = make_user(Role.ENTERPRISE, scope_enterprise=self.world.ent_a)
        return self._colleague

    # --- builders shared by the scenarios (themselves calls of services) ---

    def enterprise(self, **data):
        """A fresh enterprise of county A's township, in grid A (factory rows, not a service)."""
        from anjian.portal.testing.factories import EnterpriseFactory, industry

        values = {"region": self.world.township_a, "grid": self.world.grid_a, "industry": industry("0504")}
        values.update(data)
        return EnterpriseFactory(**values)

    def major_criterion(self):
        """A major-hazard criterion that applies to ent_a's industry: one of a document that
        applies in every industry (a criterion must apply to the enterprise's industry)."""
        from anjian.standards.models import CriteriaDocument, MajorHazardCriterion

        doc, _ = CriteriaDocument.objects.get_or_create(
            code="PG-DOC-MAJOR", defaults={"title": "跨行业判定标准（测试）", "cross_industry": True})
        crit, _ = MajorHazardCriterion.objects.get_or_create(code="PG-MAJOR", defaults={
            "document": doc, "text": "测试重大隐患判定条款"})
        return crit

    def hazard(self, *, major: bool = False, actor=None, **data):
        from anjian.hazards import services

        values = {"location": "二车间", "description": "配电箱门未关闭，线路裸露",
                  "deadline": self.today + datetime.timedelta(days=10)}
        if major:
            values.update(grade="major", criterion=self.major_criterion())
        values.update(data)
        return self.call(services.report_hazard, actor=actor or self.ent_user, enterprise=self.world.ent_a,
                         data=values)

    def hazard_at(self, state: str, *, major: bool = False):
        """A hazard of ent_a driven along the happy path to ``state`` (fresh from the database)."""
        from anjian.hazards import services
        from anjian.hazards.choices import HazardState as S
        from anjian.hazards.models import Hazard
        from anjian.portal.testing.factories import COMPLETE_PLAN

        h = self.hazard(major=major)
        acceptor = self.regulator if major else self.colleague
        if major:
            h = self.call(services.update_plan, h, actor=self.ent_user, plan=COMPLETE_PLAN)
        steps = [(S.RECTIFYING, lambda h: self.call(services.start_rectification, h, actor=self.ent_user)),
                 (S.RECTIFIED, lambda h: self.call(services.submit_rectification, h, actor=self.ent_user,
                                                   note="已更换")),
                 (S.ACCEPTED, lambda h: self.call(services.accept_rectification, h, actor=acceptor)),
                 (S.CLOSED, lambda h: self.call(services.close_hazard, h, actor=acceptor))]
        for target, step in steps:
            if h.state == state:
                break
            h = step(Hazard.objects.get(pk=h.pk))
            assert h.state == target
        return Hazard.objects.get(pk=h.pk)

    def accident(self, actor=None, **data):
        from anjian.accidents import services
        from anjian.accidents.tests.factories import accident_type_on

        occurred_at = data.pop("occurred_at", timezone.now() - datetime.timedelta(days=2))
        values = {"enterprise": self.world.ent_a, "region": self.world.ent_a.region, "occurred_at": occurred_at,
                  "accident_type": accident_type_on(timezone.localdate(occurred_at)), "address": "测试路1号",
                  "summary": "测试事故", "deaths": 0, "serious_injuries": 0, "direct_loss_yuan": Decimal(0)}
        values.update(data)
        return self.call(services.report_accident, actor=actor or self.regulator, data=values)

    def investigated(self, *, deaths: int = 1, submitted: bool = False):
        from anjian.accidents import services
        from anjian.accidents.models import Accident

        acc = self.accident(deaths=deaths)
        self.call(services.start_investigation, acc, actor=self.regulator, data={"leader": "张三"})
        if submitted:
            self.call(services.submit_investigation_report, Accident.objects.get(pk=acc.pk), actor=self.regulator,
                      submitted_on=self.today)
        return Accident.objects.get(pk=acc.pk)

    def duty(self, enterprise=None, **data):
        from anjian.inspections import services
        from anjian.portal.testing.factories import cadence

        values = {"name": "车间周查", "cadence": cadence("workshop_weekly"),
                  "active_from": self.today - datetime.timedelta(days=400)}
        values.update(data)
        return self.call(services.create_duty, actor=self.ent_user, enterprise=enterprise or self.world.ent_a,
                         data=values)

    def record(self, **kwargs):
        from anjian.inspections import services
        from anjian.portal.testing.factories import make_checklist

        kwargs.setdefault("enterprise", self.world.ent_a)
        if "task" not in kwargs:
            kwargs.setdefault("checklist", make_checklist(2))
        kwargs.setdefault("data", {"location": "一车间"})
        return self.call(services.start_record, actor=self.ent_user, **kwargs)

    def source(self, **data):
        from anjian.majorhazards import services

        return self.call(services.create_source, actor=self.admin, enterprise=self.world.ent_a,
                         data={"name": "液氯储罐区", "unit_kind": "storage", "population_500m": 10, **data},
                         substances=[{"name": "氯", "cas": "7782-50-5", "quantity_t": 40}])

    def point(self, enterprise=None):
        from anjian.risks import services
        from anjian.standards.models import HazardFactorClass

        return self.call(services.create_risk_point, actor=self.admin, enterprise=enterprise or self.world.ent_a,
                         data={"name": "液氨储罐区", "kind": "installation", "location": "东厂区",
                               "responsible_name": "张三",
                               "hazard_factors": list(HazardFactorClass.objects.filter(code__in=["21", "22"]))})

    def measure(self, point, level: str = "team"):
        from anjian.risks import services

        return self.call(services.create_measure, point, actor=self.admin,
                         data={"content": "每班检查液位计和压力表", "control_level": level,
                               "measure_type": "management"})

    def checklist(self, **data):
        from anjian.portal.testing.factories import industry
        from anjian.standards import services

        self.n = getattr(self, "n", 0) + 1
        values = {"code": f"PG-{self.n:04d}", "name": "测试检查表", "industry": industry("0504")}
        values.update(data)
        return self.call(services.create_checklist, actor=self.admin, data=values,
                         items=[{"content": "检查项1", "basis": "测试依据", "hazard_factor": "object"}])

    def document(self):
        from anjian.portal.testing.factories import industry
        from anjian.standards import services

        self.n = getattr(self, "n", 0) + 1
        return self.call(services.create_criteria_document, actor=self.admin,
                         data={"code": f"PG-DOC-{self.n}", "title": "地方补充判定标准"}, industries=[industry("05")])


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    return image_upload(name)


def pdf(name: str = "报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 report", content_type="application/pdf")


# A major grade by the general definition (no listed criterion): it waits for a regulator's
# confirmation when the enterprise gives it.
BY_DEFINITION = {"grade": "major", "definition_condition": "hard_to_rectify",
                 "definition_justification": "需全部停产并经较长时间整改才能消除"}


def event_actions(target) -> list[str]:
    from anjian.core.services import events_for

    return list(events_for(target).values_list("action", flat=True))


# --- the scenarios ---------------------------------------------------------------------------
# One per write service, keyed "app.function". Each calls its service through run.call with
# valid arguments and checks what it wrote. They run in this order on one world; each makes
# the records it needs, so none depends on another.

SCENARIOS: dict[str, Callable[[Run], None]] = {}


def scenario(name: str):
    def register(fn):
        assert name not in SCENARIOS, name
        SCENARIOS[name] = fn
        return fn
    return register


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

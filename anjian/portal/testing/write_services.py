"""The registry behind ``portal/tests/test_write_services_postgres.py``: every public write
service of every app, called outside any transaction on PostgreSQL by a scenario.

Each app keeps its scenarios in ``anjian/<app>/tests/write_scenarios.py`` (the ``@scenario``
decorator and ``Run`` below), with the names of its read-only public functions in ``READ_ONLY``
and of the services that write in several transactions on purpose in ``SEVERAL_TRANSACTIONS``
(module-level sets/dicts merged here when the test collects them). ``services`` may be a module
or a package: a package's submodules are walked too (``enforcement.services.draws``…), and a
function is keyed ``"<app>.<name>"`` either way."""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import inspect
import pkgutil
import re
from collections.abc import Callable
from decimal import Decimal  # noqa: F401 - scenarios import it from here
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

import anjian
from anjian.core.testing.files import image_upload

PG_REASON = ("needs PostgreSQL: SQLite ignores SELECT … FOR UPDATE, so a lock taken outside a transaction "
             "passes there (run with DATABASE_URL=postgres://…)")


# --- the services ----------------------------------------------------------------------------

def service_modules() -> dict[str, list[Any]]:
    """app label → its ``services`` module (and, for a package, every submodule of it), for
    every app of the project that has one."""
    out: dict[str, list[Any]] = {}
    for info in pkgutil.iter_modules(anjian.__path__):
        if info.ispkg and importlib.util.find_spec(f"anjian.{info.name}.services") is not None:
            module = importlib.import_module(f"anjian.{info.name}.services")
            modules = [module]
            if hasattr(module, "__path__"):
                modules += [importlib.import_module(f"{module.__name__}.{sub.name}")
                            for sub in pkgutil.iter_modules(module.__path__)]
            out[info.name] = modules
    return out


def public_functions() -> dict[str, Callable]:
    """``"app.name"`` → function, for the public functions defined in (not imported into) each
    services module. ``@transaction.atomic`` keeps the wrapped function's module and name."""
    out = {}
    for app, modules in service_modules().items():
        for module in modules:
            for name, fn in inspect.getmembers(module, inspect.isfunction):
                if not name.startswith("_") and fn.__module__ == module.__name__:
                    out[f"{app}.{name}"] = fn
    return out


def scenario_modules() -> list[Any]:
    """Every app's ``tests/write_scenarios*.py`` (``write_scenarios.py``, ``write_scenarios_cases.py``…),
    imported (which registers its scenarios); their READ_ONLY and SEVERAL_TRANSACTIONS are merged
    into this module's."""
    found = []
    for info in pkgutil.iter_modules(anjian.__path__):
        if not info.ispkg or importlib.util.find_spec(f"anjian.{info.name}.tests") is None:
            continue
        tests = importlib.import_module(f"anjian.{info.name}.tests")
        for sub in sorted(pkgutil.iter_modules(tests.__path__), key=lambda m: m.name):
            if sub.name.startswith("write_scenarios"):
                module = importlib.import_module(f"{tests.__name__}.{sub.name}")
                READ_ONLY.update(getattr(module, "READ_ONLY", ()))
                SEVERAL_TRANSACTIONS.update(getattr(module, "SEVERAL_TRANSACTIONS", {}))
                found.append(module)
    return found


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
# valid arguments and checks what it wrote. They run in registration order on one world; each
# makes the records it needs, so none depends on another.

SCENARIOS: dict[str, Callable[[Run], None]] = {}


def scenario(name: str):
    def register(fn):
        assert name not in SCENARIOS, name
        SCENARIOS[name] = fn
        return fn
    return register

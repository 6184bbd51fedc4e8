"""Scoping that cannot be skipped (issue #11): every route of the URLconf, walked.

The routes are read from the URLconf itself — the DRF routers' endpoints and every page — so a
new endpoint or page is covered the day it is added, without a test written for it. For each:

- an anonymous caller gets 401 (API) or the log-in redirect (page), whatever the method;
- on a record of county A (the ``world`` of anjian/conftest.py), county B's regulator gets 404
  on a read, and on a write exactly what they get for a record that does not exist (404, or a
  refusal of their role before any record is read); county A's administrator reads it (the
  control: the 404 is about scope, not a broken URL), and it is in no list county B reads;
- on a record of another enterprise of the same township, an enterprise user does the same;
- a read-only role (the committee office; the expert where the committee office may write)
  gets 403 on every write.

Records are built once per module (``walk``) through the services and the factories, one of every
model a route names for each of two enterprises (``Records``). An API route names its viewset's
model, so a new viewset over a known model needs nothing; a page names the model its path prefix
maps to in ``PAGE_OBJECTS``. A route that cannot be built fails ``test_every_route_can_be_built``
(a page prefix with no model) or ``test_every_keyed_model_has_a_record`` (a model with no record
in ``Records``); the lists below exempt a few routes, each with the reason.
"""

from __future__ import annotations

import datetime
import inspect
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.viewsets import ViewSetMixin

from anjian.assessment.tests.factories import assessment_records
from anjian.conftest import build_world
from anjian.core.scoping import clear_reference_caches
from anjian.core.testing.files import image_upload
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import (
    SupervisionFactory,
    cadence,
    criterion,
    make_checklist,
    make_dual_report,
    make_hazard,
    make_user,
)
from anjian.portal.testing.mixins import ACTORS

pytestmark = pytest.mark.django_db

MISSING = "999999999"  # a key no record has (fits every integer column)
MISSING_CODE = "999999999999"
WRITE_METHODS = ("post", "put", "patch", "delete")

# Routes left out, with the reason. A prefix ends with "*".
EXEMPT: dict[str, str] = {
    "healthz": "the load balancer's probe: public by design, reads no record",
    "readyz": "the load balancer's probe: public by design, reads no record",
    "login": "the log-in page",
    "logout": "the log-out page",
    "set_language": "Django's language switch: stores a preference, reads no record",
    "api-token": "the API's log-in (username and password give a token)",
    "api-schema": "the API's description (no record in it), served to anyone as drf-spectacular does",
    "api-docs": "the API's description (no record in it), served to anyone as drf-spectacular does",
    "api-redoc": "the API's description (no record in it), served to anyone as drf-spectacular does",
    "risks:card_public": "the public risk card (风险告知卡) opened from its QR code by an unguessable token, "
                         "without log-in by design",
    "emergency:card_public": "the public emergency disposal card (应急处置卡) opened from its QR code by an "
                             "unguessable token, without log-in by design",
    "admin/*": "the Django admin: staff only, with its own model permissions",
    "enforcement:public_decisions": "一公开: the published penalty decisions, public fields only, without log-in "
                                    "by design",
    "enforcement:public_draws": "一公开: the results of the published random draws (enterprise, date, officers' "
                                "names, outcome), public fields only, without log-in by design",
    "public:index": "the public service's index: links only, without log-in by design",
    "public:tip_new": "the public tip form (举报): strangers file tips without an account, behind the captcha "
                      "and the rate limits; it reads no record",
    "public:track": "a submitter follows their own tip with its tracking code and secret, rate-limited; no "
                    "log-in by design",
    "public:track_add": "a submitter adds information to their own tip with code, secret and captcha",
    "public:captcha": "the captcha image of a random token: reads no record",
    "public:public_hazards": "信息公开: the published hazards under listed supervision, public fields only, "
                             "without log-in by design",
    "public:public_blacklist": "信息公开: the published list of seriously untrustworthy entities, public fields "
                               "only, without log-in by design",
    "public:public_rankings": "信息公开: the assessment rankings the committee office published, without log-in "
                              "by design",
}
# Writes that any logged-in user may make (no role right is involved), with the reason.
WRITES_FOR_EVERYONE: dict[str, str] = {
    "warning-read": "marks a warning read for the caller only",
    "warning-read-all": "marks the caller's warnings read",
    "warnings:read": "marks a warning read for the caller only",
    "warnings:read_all": "marks the caller's warnings read",
    "major-hazard-source-evaluate": "a calculator: computes, stores nothing",
    "risk-evaluate": "a calculator: computes, stores nothing",
    "accident-grade": "a calculator: computes, stores nothing",
    "api-token-rotate": "replaces the caller's own API token (anyone signed in with a token has one)",
    "majorhazards:calculator": "a calculator: computes, stores nothing",
}
# Pages that refuse a write with an error on the page (a redirect carrying the message, or the
# form again with the refusal) rather than 403, with the reason: the walk checks the error and
# that nothing was written.
SOFT_REFUSALS: dict[str, str] = {
    "risks:generate": "a one-click step: the refusal is a message on the enterprise's risk page",
    "majorhazards:substance_add": "a one-click step on a source (views._act): the refusal is a message on its page",
    "majorhazards:substance_void": "a one-click step on a source (views._act)",
    "majorhazards:person_appoint": "a one-click step on a source (views._act)",
    "majorhazards:check_add": "a one-click step on a source (views._act)",
    "majorhazards:transition": "a one-click step on a source (views._act)",
    "majorhazards:void": "a one-click step on a source (views._act)",
    "accidents:action": "the service's refusal is shown on the action's form",
}
# What a page write sends: a reason and a comment, so forms that need one reach the right check.
PAGE_WRITE = {"reason": "越权操作", "comment": "越权操作", "note": "越权操作"}

# Pages: the model a page's object key refers to, by the route's text before its first key.
PAGE_OBJECTS: dict[str, str] = {
    "regions/": "regions.Region",
    "orgs/departments/": "orgs.Department",
    "enterprises/": "enterprises.Enterprise",
    "standards/": "standards.Checklist",
    "hazards/": "hazards.Hazard",
    "hazards/api-keys/": "hazards.EnterpriseApiKey",
    "hazards/notices/": "hazards.RectificationNotice",
    "hazards/dual-reports/": "hazards.DualReport",
    "hazards/rechecks/": "hazards.Recheck",
    "inspections/tasks/": "inspections.InspectionTask",
    "inspections/records/": "inspections.InspectionRecord",
    "inspections/duties/": "inspections.InspectionDuty",
    "inspections/enterprises/": "enterprises.Enterprise",
    "risks/": "risks.RiskPoint",
    "risks/measures/": "risks.ControlMeasure",
    "risks/enterprise/": "enterprises.Enterprise",
    "risks/profiles/": "risks.RiskProfile",
    "major-hazard-sources/": "majorhazards.MajorHazardSource",
    "monitoring/sources/": "majorhazards.MajorHazardSource",
    "monitoring/sensors/": "monitoring.Sensor",
    "monitoring/alarms/": "monitoring.Alarm",
    "accidents/": "accidents.Accident",
    "accidents/figures/": "regions.RegionYearFigure",
    "enforcement/experts/": "enforcement.Expert",
    "enforcement/certificates/": "enforcement.EnforcementCertificate",
    "enforcement/conflicts/": "enforcement.ConflictDeclaration",
    "enforcement/plans/": "enforcement.EnforcementPlan",
    "enforcement/plans/entries/": "enforcement.PlanEntry",
    "enforcement/draws/": "enforcement.RandomDraw",
    "enforcement/cases/": "enforcement.Case",
    "enforcement/admonitions/": "enforcement.Admonition",
    "enforcement/inspections/": "enforcement.EnforcementInspection",
    "enforcement/inspections/documents/": "enforcement.EnforcementDocument",
    "enforcement/inspections/rotations/": "enforcement.LeaderRotation",
    "warnings/": "alerts.Warning",
    "files/": "core.Attachment",
    "assessment/targets/": "assessment.TargetAgreement",
    "assessment/schemes/": "assessment.AssessmentScheme",
    "assessment/rounds/": "assessment.AssessmentRound",
    "assessment/assessments/": "assessment.Assessment",
    "steering/units/": "steering.Unit",
    "steering/reports/": "steering.MonthlyReport",
    "steering/tours/": "steering.Tour",
    "steering/campaigns/": "steering.Campaign",
    "steering/summons/": "steering.Summons",
    "steering/findings/": "steering.TourFinding",
    "steering/plans/": "steering.Plan",
    "steering/tasks/": "steering.PlanTask",
    "steering/assignments/": "steering.TaskAssignment",
    "steering/progress/": "steering.ProgressReport",
    "steering/duties/": "steering.Duty",
    "obligations/licences/": "obligations.Licence",
    "obligations/persons/": "obligations.KeyPerson",
    "obligations/certificates/": "obligations.PersonCertificate",
    "obligations/standardisation/": "obligations.Standardisation",
    "obligations/spot-checks/": "obligations.SpotCheck",
    "obligations/spot-check-entries/": "obligations.SpotCheckEntry",
    "obligations/organisations/": "obligations.SafetyOrganisation",
    "obligations/commitments/": "obligations.Commitment",
    "credit/records/": "credit.CreditRecord",
    "credit/listings/": "credit.Blacklisting",
    "credit/notices/": "credit.JointNotice",
    "tips/": "public.Tip",
    "tips/rewards/": "public.Reward",
    "tips/listings/": "hazards.ListedSupervision",
    "tips/publications/": "public.ListingPublication",
    "emergency/plans/": "emergency.EmergencyPlan",
    "emergency/drills/": "emergency.Drill",
    "emergency/teams/": "emergency.RescueTeam",
    "emergency/supplies/": "emergency.Supply",
    "emergency/cards/": "emergency.DisposalCard",
    "emergency/duty/shifts/": "emergency.DutyShift",
    "emergency/duty/log/": "emergency.DutyLogEntry",
    "occupational/exposures/": "occupational.Exposure",
    "occupational/declarations/": "occupational.Declaration",
    "occupational/detections/": "occupational.Detection",
    "occupational/examinations/": "occupational.Examination",
    "occupational/trainings/": "occupational.Training",
    "occupational/protection/": "occupational.ProtectiveIssue",
}


# --- the routes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One route of the URLconf: its reverse name, pattern, methods, URL keys and the model of
    the record its first key names (None: no record)."""

    kind: str  # "api" or "page"
    name: str
    pattern: str
    methods: tuple[str, ...]
    keys: tuple[str, ...]
    model_label: str | None
    view: Any = field(compare=False, repr=False)
    lookup: str = "pk"  # the record's attribute the first key holds

    @property
    def id(self) -> str:
        return self.name

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_label) if self.model_label else None

    @property
    def writes(self) -> tuple[str, ...]:
        return tuple(m for m in self.methods if m in WRITE_METHODS)


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p


def _keys(p) -> tuple[str, ...]:
    return tuple(p.pattern.regex.groupindex)


def _matches(key: str, name: str | None, pattern: str) -> bool:
    """An EXEMPT key names a route, or (ending with "*") a prefix of its name or pattern."""
    if key.endswith("*"):
        return (name or "").startswith(key[:-1]) or pattern.startswith(key[:-1])
    return name == key


def _page_methods(view) -> tuple[str, ...] | None:
    """The methods a page allows (``require_http_methods`` and its shortcuts), None if any.
    The walk calls an undecorated page with GET, and with POST too if its code reads POST."""
    fn = view
    while fn is not None:
        code = getattr(fn, "__code__", None)
        for name, cell in zip(code.co_freevars if code else (), getattr(fn, "__closure__", None) or (),
                              strict=False):
            if name == "request_method_list":
                return tuple(m.lower() for m in cell.cell_contents)
        fn = getattr(fn, "__wrapped__", None)
    return None


def _label(model) -> str | None:
    return model._meta.label if model is not None else None


def discover() -> tuple[list[Route], list[tuple[str, str]]]:
    """Every route of the URLconf (format-suffix copies left out), and the ones that cannot be
    built: (pattern, why)."""
    routes, unbuildable = [], []
    for pattern, name, p in _walk(get_resolver().url_patterns):
        keys = _keys(p)
        if "format" in keys or any(_matches(key, name, pattern) for key in EXEMPT):
            continue
        cls = getattr(p.callback, "cls", None)
        if cls is not None:  # DRF
            if issubclass(cls, ViewSetMixin):
                methods = tuple(p.callback.actions)
            else:
                methods = tuple(m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m))
            queryset = getattr(cls, "queryset", None)
            model = queryset.model if queryset is not None else None
            lookup = getattr(cls, "lookup_field", "pk")
            route = Route("api", name, pattern, methods, keys, _label(model) if keys else None, p.callback, lookup)
            if keys and model is None:
                unbuildable.append((pattern, "a keyed API route without a queryset"))
                continue
        else:
            methods = _page_methods(p.callback) or (
                ("get", "post") if "POST" in inspect.getsource(inspect.unwrap(p.callback)) else ("get",))
            prefix = pattern.split("<", 1)[0]
            label = PAGE_OBJECTS.get(prefix) if keys else None
            if keys and label is None:
                unbuildable.append((pattern, f"no model for the page prefix {prefix!r} in PAGE_OBJECTS"))
                continue
            lookup = "code" if keys and keys[0] == "code" else "pk"
            route = Route("page", name, pattern, methods, keys, label, p.callback, lookup)
        if name is None:
            unbuildable.append((pattern, "the route has no name to reverse"))
            continue
        routes.append(route)
    return routes, unbuildable


ROUTES, UNBUILDABLE = discover()
API = [r for r in ROUTES if r.kind == "api"]
PAGES = [r for r in ROUTES if r.kind == "page"]
KEYED = [r for r in ROUTES if r.keys]


def _scoped(model) -> bool:
    return model is not None and hasattr(model, "Scoping")


def _enterprise_record(model) -> bool:
    return _scoped(model) and getattr(model.Scoping, "enterprise", None) is not None


# --- the records -----------------------------------------------------------------------------------


def _photo() -> SimpleUploadedFile:
    return image_upload("现场.jpg")


class Records:
    """One record of every model the routes name, for one enterprise (``ent``) of county A, built
    through the services as the product builds them; ``get(model)`` answers the record."""

    def __init__(self, world, ent, ent_user):
        from anjian.accidents import services as accidents
        from anjian.accidents.tests.factories import accident_type_on
        from anjian.alerts.models import Warning
        from anjian.core.services import attach_files
        from anjian.hazards import services as hazards
        from anjian.hazards.auth import issue_key
        from anjian.inspections import services as inspections
        from anjian.majorhazards import services as majorhazards
        from anjian.monitoring import services as monitoring
        from anjian.monitoring.ingest import DIRECTORY, Decoded, Incoming, Refusal, store
        from anjian.monitoring.models import BadInputCount, Reading
        from anjian.regions.figures import save_region_figures
        from anjian.risks import services as risks
        from anjian.risks.models import EnterpriseRiskGrade, RiskProfile
        from anjian.security.choices import SecurityEventKind
        from anjian.security.services import log_security_event
        from anjian.standards.models import AccidentType, CheckItem, Checklist, HazardFactorClass

        admin, regulator = world.users[Role.ADMIN], world.users[Role.REGULATOR]
        today = timezone.localdate()
        later = today + datetime.timedelta(days=30)
        self.ent = ent
        made: dict[str, Any] = {"enterprises.Enterprise": ent}

        hazard = make_hazard(ent, admin)
        made["hazards.Hazard"] = hazard
        self.attachment = attach_files(hazard, [_photo()], actor=admin)[0]
        made["core.Attachment"] = self.attachment
        hazards.request_extension(hazard, actor=ent_user, new_deadline=hazard.deadline + datetime.timedelta(days=9),
                                  reason="配件未到货")
        major = make_hazard(ent, regulator, major=True)
        made["hazards.ListedSupervision"] = hazards.list_for_supervision(
            major, actor=regulator, level="county", department=world.dept_a, deadline=later)
        made["hazards.RectificationNotice"] = hazards.issue_notice(
            actor=regulator, department=world.dept_a, hazards=[hazard], deadline=later, requirements="限期整改")
        made["hazards.EnterpriseApiKey"] = issue_key(actor=admin, enterprise=ent, user=ent_user, name="企业系统").key
        made["hazards.DualReport"] = make_dual_report(major, ent_user, "regulator", department=world.dept_a)
        found = make_hazard(ent, regulator)  # found by the regulator: closed out only after a re-check
        found = hazards.start_rectification(found, actor=ent_user)
        found = hazards.submit_rectification(found, actor=ent_user, note="已更换")
        made["hazards.Recheck"] = hazards.record_recheck(found, actor=regulator, outcome="passed", opinion="复查合格")

        duty = inspections.create_duty(actor=admin, enterprise=ent, data={
            "name": "车间周查", "cadence": cadence("workshop_weekly"),
            "active_from": today - datetime.timedelta(days=400)})
        made["inspections.InspectionDuty"] = duty
        made["inspections.InspectionTask"] = duty.tasks.first()
        record = inspections.start_record(actor=admin, enterprise=ent, checklist=make_checklist(2),
                                          data={"location": "一车间"})
        made["inspections.InspectionRecord"] = record
        self.item = record.items.order_by("sort", "id").first()
        made["inspections.InspectionCadence"] = cadence("workshop_weekly")

        source = majorhazards.create_source(actor=admin, enterprise=ent, data={
            "name": "液氯储罐区", "unit_kind": "storage", "population_500m": 10},
            substances=[{"name": "氯", "cas": "7782-50-5", "quantity_t": 40}])
        made["majorhazards.MajorHazardSource"] = source
        made["majorhazards.SourceSubstance"] = self.substance = source.substances.first()
        made["majorhazards.ResponsiblePerson"] = majorhazards.appoint_person(
            source, actor=admin, data={"role": "technical", "name": "李四"})
        source.refresh_from_db()  # the appointment bumped its version
        made["majorhazards.ResponsibleCheck"] = majorhazards.record_check(
            source, actor=admin, data={"role": "technical", "findings": "正常"})
        DIRECTORY.clear()
        sensor = monitoring.create_sensor(actor=admin, source=source, data={
            "code": "LT-101", "name": "液位", "kind": "level", "unit": "m", "range_min": 0, "range_max": 20,
            "high": 16})
        made["monitoring.Sensor"] = sensor
        made["monitoring.MonitoredSource"] = sensor.monitored
        made["monitoring.Alarm"] = monitoring.open_alarm(kind="limit", monitored_id=sensor.monitored_id, sensor=sensor,
                                                         limit="high", threshold=16, since=timezone.now(), value=17)
        store(Decoded(readings=[Incoming(ent.pk, "LT-101", timezone.now() - datetime.timedelta(minutes=1), 5.0)],
                      refusals=[Refusal(ent.pk, "malformed", "不是JSON")]), channel="mqtt")
        made["monitoring.Reading"] = Reading.objects.filter(sensor=sensor).first()
        made["monitoring.BadInputCount"] = BadInputCount.objects.filter(enterprise=ent).first()

        point = risks.create_risk_point(actor=admin, enterprise=ent, data={
            "name": "液氨储罐区", "kind": "installation", "location": "东厂区", "responsible_name": "张三",
            "hazard_factors": list(HazardFactorClass.objects.filter(code__in=["21"]))})
        made["risks.RiskAssessment"] = risks.assess_risk_point(point, actor=admin, method="lec",
                                                               inputs={"l": 3, "e": 6, "c": 15})
        made["risks.RiskPoint"] = point
        made["risks.ControlMeasure"] = risks.create_measure(point, actor=admin, data={
            "content": "每班检查液位计和压力表", "control_level": "team", "measure_type": "management"})
        made["risks.EnterpriseRiskGrade"] = EnterpriseRiskGrade.objects.get(enterprise=ent)
        made["risks.RiskProfile"] = RiskProfile.objects.order_by("pk").first()

        occurred = timezone.now() - datetime.timedelta(days=2)
        accident = accidents.report_accident(actor=admin, data={
            "enterprise": ent, "region": ent.region, "occurred_at": occurred,
            "accident_type": accident_type_on(timezone.localdate(occurred)), "address": "测试路1号",
            "summary": "测试事故", "deaths": 0, "serious_injuries": 0, "direct_loss_yuan": Decimal(0)})
        accidents.start_investigation(accident, actor=regulator, data={"leader": "张三"})
        made["accidents.Accident"] = accident

        own = Checklist.objects.create(code=f"OWN-{ent.pk}", name="企业自有检查表", enterprise=ent)
        made["standards.Checklist"] = own
        made["standards.CheckItem"] = CheckItem.objects.create(checklist=own, item_no="1", content="企业自有检查项")
        crit = criterion()
        made["standards.MajorHazardCriterion"] = crit
        made["standards.CriteriaDocument"] = crit.document
        made["standards.AccidentType"] = AccidentType.objects.filter(is_active=True).order_by("pk").first()
        made["standards.HazardFactorClass"] = HazardFactorClass.objects.filter(is_active=True).order_by("pk").first()

        made["security.SecurityEvent"] = log_security_event(SecurityEventKind.LOGIN_FAILED, username=ent_user.username)
        made["alerts.Warning"] = Warning.objects.create(
            rule="hazard_overdue", content_type=ContentType.objects.get_for_model(hazard), object_id=str(hazard.pk),
            message="隐患逾期未整改", enterprise=ent, region_path=ent.region_path, industry=ent.industry,
            grid=ent.grid)
        plate = ent.supervisions.filter(is_current=True).first()
        made["enterprises.Supervision"] = plate or SupervisionFactory(enterprise=ent, department=world.dept_a)
        # county-level records (no enterprise): the same for both enterprises
        made["regions.Region"] = world.county_a
        made["regions.Grid"] = world.grid_a
        made["orgs.Department"] = world.dept_a
        made["orgs.User"] = ent_user
        from anjian.enforcement.tests.factories import walk_records

        made.update(walk_records(world, ent, ent_user))
        made["regions.RegionYearFigure"] = save_region_figures(
            actor=admin, region=world.county_a, year=today.year - 1,
            data={"gdp_100m_yuan": Decimal("123.4"), "industrial_employment": 1000})[0]
        made.update(assessment_records(world))  # county-level: the same for both enterprises
        from anjian.steering.tests.walk import records as steering_records

        made.update(steering_records(world, ent))
        from anjian.obligations.tests.factories import walk_records as obligation_records

        made.update(obligation_records(world, ent))
        from anjian.credit.tests.factories import walk_records as credit_records

        made.update(credit_records(world, ent))
        from anjian.public.tests.factories import walk_records as public_records

        made.update(public_records(world, ent))
        from anjian.emergency.tests.factories import walk_records as emergency_records

        made.update(emergency_records(world, ent))
        from anjian.occupational.tests.factories import walk_records as occupational_records

        made.update(occupational_records(world, ent))
        self.made = made

    def get(self, label: str):
        return self.made.get(label)


@dataclass
class Walk:
    world: Any
    own: Records  # ent_a's records (county A)
    other: Records  # the construction enterprise's (county A, same township, another enterprise)
    clients: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker):
    """The world and every record the routes name, built once for the module (rolled back at
    its end); logged-in clients per actor."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            clear_reference_caches()
            world = build_world()
            construction_user = make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a_construction)
            data = Walk(world, Records(world, world.ent_a, world.users[Role.ENTERPRISE]),
                        Records(world, world.ent_a_construction, construction_user))
            # Log in now: a session made inside a test would be rolled back with it.
            for who in (None, *ACTORS):
                page_client(data, who)
                api_client(data, who)
            yield data
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def api_client(walk: Walk, who) -> APIClient:
    key = ("api", who)
    if key not in walk.clients:
        client = APIClient()
        if who is not None:
            client.force_authenticate(user=type(walk.world.users[who]).objects.get(pk=walk.world.users[who].pk))
        walk.clients[key] = client
    return walk.clients[key]


def page_client(walk: Walk, who) -> Client:
    key = ("page", who)
    if key not in walk.clients:
        client = Client()
        if who is not None:
            client.force_login(walk.world.users[who])
        walk.clients[key] = client
    return walk.clients[key]


def call(walk: Walk, route: Route, who, method: str, kwargs: dict | None = None, data: dict | None = None):
    url = reverse(route.name, kwargs=kwargs or None)
    if route.kind == "api":
        return getattr(api_client(walk, who), method)(url, {} if method != "get" else None, format="json")
    return getattr(page_client(walk, who), method)(url, (data or PAGE_WRITE) if method == "post" else None)


def _refused_on_the_page(response) -> bool:
    """A page's refusal shown to the user: a redirect carrying an error message, or the form
    again with an error that is not about a field."""
    from django.contrib import messages

    if response.status_code == 302:
        return any(m.level == messages.ERROR for m in messages.get_messages(response.wsgi_request))
    form = (response.context or {}).get("form") if response.status_code in (200, 400) else None
    return bool(form is not None and form.non_field_errors())


# --- keys of a route -----------------------------------------------------------------------------


def _key_value(record, lookup: str):
    value = getattr(record, f"{lookup}_id", None) if lookup != "pk" else None
    return str(value if value is not None else getattr(record, lookup))


ACTION_SLUGS = {"hazards:action": "void", "accidents:action": "void", "assessment:assessment_action": "assess",
                **{f"enforcement:{name}_step": "void" for name in ("expert", "certificate", "conflict", "plan", "draw", "case",
                                                                    "admonition", "inspection", "rotation")},
                "enforcement:plan_entry_step": "remove_entries"}


def route_kwargs(route: Route, records: Records, *, missing: bool = False) -> dict:
    """The URL keys of ``route`` for the record of its model in ``records`` (``missing``: a key
    no record has, the other keys unchanged)."""
    record = records.get(route.model_label)
    assert record is not None, f"{route.name}: no {route.model_label} was built"
    kwargs = {}
    for i, key in enumerate(route.keys):
        if i == 0:
            kwargs[key] = (MISSING_CODE if key == "code" else MISSING) if missing else _key_value(record, route.lookup)
        elif key == "att":
            kwargs[key] = str(records.attachment.pk)
        elif key in ("item_pk", "item_id"):
            kwargs[key] = str(records.item.pk)
        elif key == "sub_pk":
            kwargs[key] = str(records.substance.pk)
        elif key == "action":
            kwargs[key] = ACTION_SLUGS[route.name]
        elif key == "decision":
            kwargs[key] = "confirm"
        elif key == "part":  # a figure of a campaign: the records behind it
            kwargs[key] = "in_scope"
        else:  # a child record (extension, flag, rectification): the parent is looked up first
            kwargs[key] = MISSING
    return kwargs


# --- the tests -------------------------------------------------------------------------------------


def test_every_route_can_be_built():
    # given the URLconf, then every route is walked or exempt with a reason
    assert not UNBUILDABLE, "\n".join(f"{p}: {why}" for p, why in UNBUILDABLE)
    # and the exemptions name routes that exist (none is left behind when a route goes)
    every = [(name, pattern) for pattern, name, _u in _walk(get_resolver().url_patterns)]
    for key in [*EXEMPT, *WRITES_FOR_EVERYONE, *UNSCOPED_ROWS, *SOFT_REFUSALS]:
        assert any(_matches(key, name, pattern) for name, pattern in every), key
    for prefix in PAGE_OBJECTS:
        assert any(r.pattern.startswith(prefix) for r in PAGES if r.keys), prefix


def test_every_keyed_model_has_a_record(walk):
    # given every keyed route, then the module built a record of its model (for both enterprises)
    missing = {r.model_label for r in KEYED if walk.own.get(r.model_label) is None}
    assert not missing, f"add a builder to Records for: {sorted(missing)}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_anonymous_callers_are_refused(walk, route):
    # given nobody logged in, when they call the route with each of its methods
    kwargs = route_kwargs(route, walk.own) if route.keys else None
    for method in route.methods:
        response = call(walk, route, None, method, kwargs)
        # then the API asks them to authenticate, a page sends them to the log-in page
        if route.kind == "api":
            assert response.status_code == 401, (method, response.status_code)
        else:
            assert response.status_code == 302, (method, response.status_code)
            assert response.url.startswith(reverse("login")), (method, response.url)


# Keyed routes over a scoped model that read only unscoped rows of it, with the reason.
UNSCOPED_ROWS = {
    "standards:new_version": "edits the public library: its checklists are no one's scope (an enterprise's own "
                             "checklist is not found here, even by an administrator)",
    "standards:activate": "edits the public library (see standards:new_version)",
    "standards:deactivate": "edits the public library (see standards:new_version)",
}
SCOPED_KEYED = [r for r in KEYED if (_scoped(r.model) or r.model_label == "core.Attachment")
                and r.name not in UNSCOPED_ROWS]


def _assert_out_of_scope(walk: Walk, route: Route, who, records: Records):
    """``who`` cannot tell ``records``' record from a missing one on any method of ``route``."""
    present, absent = route_kwargs(route, records), route_kwargs(route, records, missing=True)
    for method in route.methods:
        got = call(walk, route, who, method, present)
        expected = call(walk, route, who, method, absent)
        assert got.status_code == expected.status_code, (method, got.status_code, expected.status_code)
        if method == "get":  # 404, unless their role may not use the route at all (403 for any key)
            assert got.status_code in (404, 403), (method, got.status_code)


def _assert_visible_to_admin(walk: Walk, route: Route, records: Records):
    # the control: the record is there for someone whose scope holds it
    if "get" in route.methods:
        response = call(walk, route, Role.ADMIN, "get", route_kwargs(route, records))
        assert response.status_code != 404, f"the administrator gets 404: {route.name} is not built right"


@pytest.mark.parametrize("route", SCOPED_KEYED, ids=lambda r: r.id)
def test_the_other_countys_regulator_gets_404(walk, route):
    # given a record of county A and county B's regulator
    _assert_visible_to_admin(walk, route, walk.own)
    # when they call its route, then it answers as for a record that does not exist
    _assert_out_of_scope(walk, route, "other_county", walk.own)


ENTERPRISE_KEYED = [r for r in SCOPED_KEYED if _enterprise_record(r.model) or r.model_label == "core.Attachment"]


@pytest.mark.parametrize("route", ENTERPRISE_KEYED, ids=lambda r: r.id)
def test_an_enterprise_user_gets_404_on_another_enterprises_record(walk, route):
    # given a record of the construction enterprise (same township) and a user of ent_a
    _assert_visible_to_admin(walk, route, walk.other)
    # when they call its route, then it answers as for a record that does not exist
    _assert_out_of_scope(walk, route, Role.ENTERPRISE, walk.other)


def _viewset_model(route: Route):
    queryset = getattr(getattr(route.view, "cls", None), "queryset", None)
    return queryset.model if queryset is not None else None


API_LISTS = [r for r in API if r.name.endswith("-list") and _scoped(_viewset_model(r))]


@pytest.mark.parametrize("route", API_LISTS, ids=lambda r: r.id)
def test_no_list_shows_county_a_to_county_b(walk, route):
    # given a list endpoint and the record of county A it lists
    model, lookup = _viewset_model(route), route.view.cls.lookup_field
    record = walk.own.get(model._meta.label)
    assert record is not None, f"no {model._meta.label} was built"
    # when county B's regulator reads it, then the record is not in it (or the list is not theirs)
    response = api_client(walk, "other_county").get(reverse(route.name), {"page_size": 500})
    assert response.status_code in (200, 403), response.status_code
    if response.status_code == 200:
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        column = "id" if lookup == "pk" else lookup
        assert rows and column in rows[0] or not rows, f"the rows have no {column!r}"
        assert _key_value(record, lookup) not in {str(row[column]) for row in rows}


# Writes the committee office may make (the yearly figures behind the accident rates; targets,
# assessment and rankings; its own steering records): there the expert is the read-only role.
# test_the_committee_office_writes_only_figures keeps this right.
COMMITTEE_WRITES = ("region-figure", "api-region-figures", "accidents:figures", "assessment", "target-agreement",
                    "steering-", "steering:")


def read_only_role(route: Route) -> str:
    """The committee office, or the expert where the committee office may write."""
    return Role.EXPERT if route.name.startswith(COMMITTEE_WRITES) else Role.COMMITTEE_OFFICE


WRITABLE = [r for r in ROUTES if r.writes and r.name not in WRITES_FOR_EVERYONE]


@pytest.mark.parametrize("route", WRITABLE, ids=lambda r: r.id)
def test_a_read_only_role_gets_403_on_every_write(walk, route):
    from anjian.core.models import Event

    # given a user of a role that may not change these records (their scope holds them)
    who = read_only_role(route)
    kwargs = route_kwargs(route, walk.own) if route.keys else None
    record = walk.own.get(route.model_label) if route.keys else None
    if hasattr(record, "version"):  # the version a form sends, as it is now
        data = {**PAGE_WRITE, "version": type(record)._base_manager.values_list("version", flat=True).get(pk=record.pk)}
    else:
        data = PAGE_WRITE
    for method in route.writes:
        # when they write, then they are refused (a few pages say so on the page) and nothing is written
        events = Event.objects.count()
        response = call(walk, route, who, method, kwargs, data)
        if route.name in SOFT_REFUSALS:
            assert _refused_on_the_page(response), (who, method, response.status_code)
        else:
            assert response.status_code == 403, (who, method, response.status_code)
        assert Event.objects.count() == events


# --- what the walk relies on -----------------------------------------------------------------------


def test_page_methods_are_read_from_the_decorators():
    # given pages with and without a method restriction, then the walk reads them right
    from anjian.enterprises import views

    assert _page_methods(views.enterprise_edit) == ("get", "post")
    assert _page_methods(views.enterprise_list) is None


def test_the_committee_office_writes_only_figures():
    # given the role table, then the committee office changes the regional figures, the targets and
    # the assessments, its own steering records, and nothing else
    from anjian.orgs.roles import ROLE_PERMISSIONS

    others = [p for p in ROLE_PERMISSIONS[Role.COMMITTEE_OFFICE] if not p.startswith("steering.")]
    assert {p.split(".")[1].split("_", 1)[1] for p in others} == {
        "regionyearfigure", "targetagreement", "assessmentscheme", "assessmentround", "assessment"}


def test_the_walk_covers_every_app():
    # given the walked routes, then every app's pages and endpoints are in them (a discovery that
    # found nothing would pass every test above)
    modules = {(getattr(r.view, "cls", None) or r.view).__module__.split(".")[1] for r in ROUTES}
    assert {"accidents", "core", "enterprises", "hazards", "inspections", "majorhazards", "orgs", "regions", "risks",
            "standards"} <= modules
    assert len(SCOPED_KEYED) > 100 and len(WRITABLE) > 80

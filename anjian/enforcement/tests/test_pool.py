"""The expert pool, officers' certificates and declared conflicts: services (rights, rules, the
machines), scoping (hidden from enterprises and grids, 404 in another county), the API's
permission table and the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from anjian.core.services import ConflictError, events_for
from anjian.enforcement import services
from anjian.enforcement.choices import CertificateState, ConflictState, ExpertState
from anjian.enforcement.models import ConflictDeclaration, EnforcementCertificate, Expert
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_user
from anjian.portal.testing.mixins import (
    ACTORS,
    CreateContract,
    ListContract,
    VoidContract,
    VoidRulesContract,
    act_as,
    actor_id,
    api_url,
    expect,
)

from .factories import make_certificate, make_expert

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


# --- experts ---------------------------------------------------------------------------------

def test_a_regulator_adds_an_expert_to_a_pool_of_the_jurisdiction(world):
    # given county A's regulator
    regulator = world.users[Role.REGULATOR]
    # when they add an expert employed by an enterprise of the county
    expert = make_expert(world, regulator, employer=world.ent_a, title="高级工程师")
    # then the expert is in county A's pool, available, with the employer's name, and the event says so
    assert expert.region_path == world.county_a.path and expert.state == ExpertState.AVAILABLE
    assert expert.employer_name == world.ent_a.name
    assert list(events_for(expert).values_list("action", flat=True)) == ["created"]


def test_no_expert_is_added_to_another_countys_pool_nor_with_its_employer(world):
    regulator = world.users[Role.REGULATOR]
    # when county A's regulator names county B's pool, then it is refused
    with pytest.raises(PermissionDenied):
        make_expert(world, regulator, region=world.county_b)
    # and county B's enterprise as the employer is refused naming the field
    with pytest.raises(ValidationError) as exc:
        make_expert(world, regulator, employer=world.ent_b)
    assert "employer" in exc.value.error_dict


def test_an_expert_account_belongs_to_one_expert(world):
    regulator = world.users[Role.REGULATOR]
    account = world.users[Role.EXPERT]
    make_expert(world, regulator, user=account)
    with pytest.raises(ValidationError) as exc:
        make_expert(world, regulator, name="李专家", user=account)
    assert "user" in exc.value.error_dict
    # and an officer's account is no expert account
    with pytest.raises(ValidationError):
        make_expert(world, regulator, name="赵专家", user=world.users[Role.INDUSTRY_OFFICER])


def test_availability_follows_the_machine_and_the_date(world):
    regulator = world.users[Role.REGULATOR]
    expert = make_expert(world, regulator)
    until = TODAY() + datetime.timedelta(days=10)
    expert = services.mark_expert_unavailable(expert, actor=regulator, until=until, reason="外出培训")
    # then they cannot be drawn until the day after
    assert not expert.is_available_on(until) and expert.is_available_on(until + datetime.timedelta(days=1))
    # and marking them unavailable twice is refused by the machine, naming the state
    with pytest.raises(ValidationError) as exc:
        services.mark_expert_unavailable(expert, actor=regulator, until=None, reason="再次")
    assert "state" in exc.value.error_dict
    expert = services.mark_expert_available(expert, actor=regulator)
    expert = services.retire_expert(expert, actor=regulator, reason="退休")
    assert expert.state == ExpertState.RETIRED and not expert.is_available_on(TODAY())
    assert [e.action for e in events_for(expert)][:3] == ["expert_retired", "expert_available", "expert_unavailable"]


def test_a_stale_copy_is_a_conflict(world):
    regulator = world.users[Role.REGULATOR]
    expert = make_expert(world, regulator)
    stale = Expert.objects.get(pk=expert.pk)
    services.update_expert(expert, actor=regulator, data={"title": "教授"})
    with pytest.raises(ConflictError):
        services.retire_expert(stale, actor=regulator, reason="退休")


@pytest.mark.parametrize("role", [Role.GRID_OFFICER, Role.COMMITTEE_OFFICE, Role.ENTERPRISE, Role.EXPERT])
def test_only_officers_manage_the_pool(world, role):
    expert = make_expert(world)
    with pytest.raises(PermissionDenied):
        services.retire_expert(expert, actor=world.users[role], reason="无权")
    with pytest.raises(PermissionDenied):
        make_expert(world, world.users[role], name="越权")


def test_the_pool_is_hidden_from_enterprises_and_grids_and_from_another_county(world):
    expert = make_expert(world, employer=world.ent_a)
    for who in (Role.ENTERPRISE, Role.GRID_OFFICER, "other_county"):
        assert not Expert.objects.for_user(world.users[who]).exists(), who
    for who in (Role.REGULATOR, Role.COMMITTEE_OFFICE, Role.EXPERT, Role.ADMIN):
        assert list(Expert.objects.for_user(world.users[who])) == [expert], who


# --- certificates ----------------------------------------------------------------------------

def test_a_certificate_is_valid_between_its_dates_and_while_not_suspended(world):
    regulator, officer = world.users[Role.REGULATOR], world.users[Role.INDUSTRY_OFFICER]
    cert = make_certificate(officer, regulator, valid_until=TODAY() + datetime.timedelta(days=5))
    assert cert.is_valid_on(TODAY()) and not cert.is_valid_on(TODAY() + datetime.timedelta(days=6))
    cert = services.certificate_step(cert, "suspend", actor=regulator, comment="停职调查")
    assert cert.state == CertificateState.SUSPENDED and not cert.is_valid_on(TODAY())
    cert = services.certificate_step(cert, "reinstate", actor=regulator)
    cert = services.certificate_step(cert, "revoke", actor=regulator, comment="调离执法岗位")
    # a revoked certificate is final
    with pytest.raises(ValidationError):
        services.certificate_step(cert, "reinstate", actor=regulator)


def test_certificates_are_recorded_by_the_bureau_for_officers_in_scope(world):
    regulator = world.users[Role.REGULATOR]
    # an industry officer does not record certificates
    with pytest.raises(PermissionDenied):
        make_certificate(regulator, world.users[Role.INDUSTRY_OFFICER])
    # county B's officer is not one county A's regulator may name
    with pytest.raises(PermissionDenied):
        make_certificate(world.users["other_county"], regulator)
    # an enterprise user holds no enforcement certificate
    with pytest.raises(ValidationError) as exc:
        make_certificate(world.users[Role.ENTERPRISE], world.users[Role.ADMIN])
    assert "officer" in exc.value.error_dict
    # numbers are unique among live certificates
    make_certificate(regulator, world.users[Role.ADMIN], number="ZF-1")
    with pytest.raises(ValidationError) as exc:
        make_certificate(world.users[Role.INDUSTRY_OFFICER], world.users[Role.ADMIN], number="ZF-1")
    assert "number" in exc.value.error_dict


# --- conflicts -------------------------------------------------------------------------------

def test_an_officer_declares_their_own_conflict_and_a_regulator_one_for_an_expert(world):
    officer = world.users[Role.INDUSTRY_OFFICER]
    own = services.declare_conflict(actor=officer, enterprise=world.ent_a_construction,
                                    data={"kind": "relative", "reason": "配偶任安全员"})
    assert own.officer == officer and own.in_force_on(TODAY())
    # an industry officer may not declare for someone else
    with pytest.raises(PermissionDenied):
        services.declare_conflict(actor=officer, enterprise=world.ent_a_construction,
                                  officer=world.users[Role.REGULATOR], data={"kind": "other", "reason": "x"})
    expert = make_expert(world)
    decl = services.declare_conflict(actor=world.users[Role.REGULATOR], enterprise=world.ent_a, expert=expert,
                                     data={"kind": "service", "reason": "为其做过安全评价"})
    decl = services.end_conflict(decl, actor=world.users[Role.REGULATOR], comment="服务合同已终止")
    assert decl.state == ConflictState.ENDED and decl.valid_until == TODAY()


def test_a_conflict_names_an_enterprise_in_scope_and_a_reason(world):
    regulator = world.users[Role.REGULATOR]
    with pytest.raises(ValidationError) as exc:
        services.declare_conflict(actor=regulator, enterprise=world.ent_b, data={"kind": "relative", "reason": "x"})
    assert "enterprise" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.declare_conflict(actor=regulator, enterprise=world.ent_a, data={"kind": "relative", "reason": " "})
    assert "reason" in exc.value.error_dict


# --- the API ---------------------------------------------------------------------------------

OFFICERS_WRITE = expect(403, admin=201, regulator=201, industry_officer=201)


class TestExpertApi(ListContract, CreateContract, VoidContract, VoidRulesContract):
    basename = "enforcement-expert"
    # county B's regulator may add experts, but not to county A's pool (the region is not one they may name)
    create_status = {**OFFICERS_WRITE, "other_county": 400}
    # county B's regulator cannot see the expert (404); industry officers manage the pool too
    void_status = expect(403, admin=204, regulator=204, industry_officer=204, other_county=404)

    @pytest.fixture(autouse=True)
    def _expert(self, world):
        self.expert = make_expert(world, world.users[Role.ADMIN])

    def target(self, world):
        return self.expert

    def create_payload(self, world):
        return {"name": "新专家", "region": world.county_a.code, "fields": ["0504"], "specialties": "机械安全"}


class TestCertificateApi(ListContract, CreateContract, VoidContract):
    basename = "enforcement-certificate"
    # county B's regulator may not name county A's officer
    create_status = expect(403, admin=201, regulator=201, other_county=400)
    void_status = expect(403, admin=204, regulator=204, other_county=404)

    @pytest.fixture(autouse=True)
    def _cert(self, world):
        self.cert = make_certificate(world.users[Role.INDUSTRY_OFFICER], world.users[Role.ADMIN], number="ZF-T")

    def target(self, world):
        return self.cert

    def create_payload(self, world):
        officer = make_user(Role.REGULATOR, scope_region=world.county_a, department=world.dept_a)
        return {"officer": officer.pk, "number": f"ZF-N-{officer.pk}", "issuer": "甲区人民政府",
                "issued_on": "2025-01-01", "valid_until": "2030-12-31"}


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_the_expert_step_routes_follow_the_table(world, api, who):
    # given an expert of county A
    expert = make_expert(world, world.users[Role.ADMIN])
    # when each actor marks them unavailable through the API
    response = act_as(api, world.users[who]).post(api_url("enforcement-expert", expert.pk, "mark-unavailable"),
                                                  {"reason": "出差", "version": expert.version}, format="json")
    # then officers of county A may; county B gets 404; the rest 403
    table = expect(403, admin=200, regulator=200, industry_officer=200, other_county=404)
    assert response.status_code == table[who], response.content
    if response.status_code == 200:
        assert response.json()["state"] == "unavailable" and "mark_available" in response.json()["available_actions"]


def test_a_stale_version_is_a_409_on_the_api(world, api):
    expert = make_expert(world, world.users[Role.ADMIN])
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.post(api_url("enforcement-expert", expert.pk, "retire"), {"reason": "退休", "version": 99},
                           format="json")
    assert response.status_code == 409 and response.json()["current_version"] == expert.version


def test_lists_are_hidden_from_enterprises_on_the_api(world, api):
    make_expert(world, world.users[Role.ADMIN], employer=world.ent_a)
    make_certificate(world.users[Role.REGULATOR], world.users[Role.ADMIN])
    for basename in ("enforcement-expert", "enforcement-certificate", "enforcement-conflict"):
        response = act_as(api, world.users[Role.ENTERPRISE]).get(api_url(basename))
        assert response.status_code == 200 and response.json()["count"] == 0, basename


def test_a_conflict_through_the_api_names_the_bad_field(world, api):
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.post(api_url("enforcement-conflict"), {"enterprise": world.ent_b.pk, "kind": "relative",
                                                             "reason": "亲属"}, format="json")
    # county B's enterprise is not one the caller may name
    assert response.status_code == 400 and "enterprise" in response.json()
    response = client.post(api_url("enforcement-conflict"), {"enterprise": world.ent_a.pk, "kind": "relative",
                                                             "reason": "亲属"}, format="json")
    assert response.status_code == 201, response.content
    assert ConflictDeclaration.objects.get(pk=response.json()["id"]).officer == world.users[Role.REGULATOR]


# --- pages -----------------------------------------------------------------------------------

def test_pool_pages_render_for_an_officer_in_few_queries(world, client, django_assert_max_num_queries):
    admin = world.users[Role.ADMIN]
    for i in range(8):
        make_expert(world, admin, name=f"专家{i}")
        make_certificate(make_user(Role.REGULATOR, scope_region=world.county_a, department=world.dept_a), admin)
    client.force_login(world.users[Role.REGULATOR])
    for name in ("enforcement:experts", "enforcement:officers", "enforcement:certificates",
                 "enforcement:conflicts"):
        with django_assert_max_num_queries(14):
            response = client.get(reverse(name))
        assert response.status_code == 200, name


def test_the_expert_page_flow_marks_unavailable(world, client):
    regulator = world.users[Role.REGULATOR]
    expert = make_expert(world, regulator)
    client.force_login(regulator)
    page = client.get(reverse("enforcement:expert", args=[expert.pk]))
    assert reverse("enforcement:expert_step", args=[expert.pk, "mark_unavailable"]) in page.content.decode()
    url = reverse("enforcement:expert_step", args=[expert.pk, "mark_unavailable"])
    # without a reason: the form says so next to the field
    response = client.post(url, {"version": expert.version, "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(url, {"version": expert.version, "reason": "外出", "until": ""})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.state == ExpertState.UNAVAILABLE
    # a step the machine does not allow now is a 403
    assert client.get(reverse("enforcement:expert_step", args=[expert.pk, "mark_unavailable"])).status_code == 403


def test_the_certificate_is_shown_on_the_officers_page(world, client):
    officer = world.users[Role.INDUSTRY_OFFICER]
    cert = make_certificate(officer, world.users[Role.ADMIN], number="ZF-页面")
    client.force_login(world.users[Role.REGULATOR])
    html = client.get(reverse("enforcement:officers")).content.decode()
    assert "ZF-页面" in html
    assert EnforcementCertificate.objects.get(pk=cert.pk).is_valid_on(TODAY())

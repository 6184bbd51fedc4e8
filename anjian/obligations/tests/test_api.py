"""The obligations API: who may write what (permission table), scoping (404 and zero counts for
another county), the one write path (409 on a stale version, verification cleared by a
correction), and lists in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from anjian.obligations.models import Licence
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import OTHER_COUNTY, act_as, api_url, expect, get_page

from .factories import certificate, kind, licence, person

pytestmark = pytest.mark.django_db


def _licence_body(world, **extra) -> dict:
    today = timezone.localdate()
    return {"enterprise": world.ent_a.pk, "kind": kind("road_transport").pk, "number": "浙交运管许可字001",
            "issuer": "区交通运输局", "valid_from": str(today - datetime.timedelta(days=10)),
            "valid_until": str(today + datetime.timedelta(days=1000)), **extra}


CREATE = expect(403, **{Role.ADMIN: 201, Role.REGULATOR: 201, Role.INDUSTRY_OFFICER: 400, Role.ENTERPRISE: 201,
                        OTHER_COUNTY: 400})


@pytest.mark.parametrize("who", list(CREATE), ids=str)
def test_who_may_record_a_licence(world, api, who):
    # given a licence of county A's machinery enterprise
    # when each role posts it
    response = act_as(api, world.users[who]).post(api_url("licence"), _licence_body(world), format="json")
    # then the enterprise, its county's regulator and the administrator may; the industry officer
    # (construction only) and county B cannot name the enterprise (400 on the field); the others
    # lack the right
    assert response.status_code == CREATE[who], response.content
    if response.status_code == 400:
        assert "enterprise" in response.json()
    assert Licence.objects.count() == (1 if CREATE[who] == 201 else 0)


VERIFY = expect(403, **{Role.ADMIN: 200, Role.REGULATOR: 200, Role.INDUSTRY_OFFICER: 404, Role.ENTERPRISE: 403,
                        Role.GRID_OFFICER: 403, OTHER_COUNTY: 404})


@pytest.mark.parametrize("who", list(VERIFY), ids=str)
def test_only_the_regulator_verifies(world, api, who):
    lic = licence(world, world.ent_a)
    response = act_as(api, world.users[who]).post(api_url("licence", lic.pk, "verify"), {}, format="json")
    assert response.status_code == VERIFY[who], response.content
    lic.refresh_from_db()
    assert (lic.verified_at is not None) is (VERIFY[who] == 200)


def test_a_correction_clears_the_verification_and_a_stale_version_is_409(world, api):
    regulator, ent_user = world.users[Role.REGULATOR], world.users[Role.ENTERPRISE]
    lic = licence(world, world.ent_a, actor=ent_user)
    # given the regulator verified version 1
    body = act_as(api, regulator).post(api_url("licence", lic.pk, "verify"), {"version": 1}, format="json").json()
    assert body["verified_at"] and body["verified_by"] and body["version"] == 2
    # when the enterprise corrects the number from version 2
    response = act_as(api, ent_user).patch(api_url("licence", lic.pk), {"number": "新编号", "version": 2},
                                           format="json")
    # then the verification is gone
    assert response.status_code == 200, response.content
    assert response.json()["verified_at"] is None and response.json()["version"] == 3
    # and a second correction from the stale version 2 is refused with 409, changing nothing
    stale = act_as(api, ent_user).patch(api_url("licence", lic.pk), {"issuer": "别处", "version": 2}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 3
    lic.refresh_from_db()
    assert lic.issuer != "别处"
    # and verifying twice is refused, naming the field
    act_as(api, regulator).post(api_url("licence", lic.pk, "verify"), {}, format="json")
    again = act_as(api, regulator).post(api_url("licence", lic.pk, "verify"), {}, format="json")
    assert again.status_code == 400 and "verified_at" in again.json()


def test_suspend_needs_a_reason_and_the_regulator(world, api):
    lic = licence(world, world.ent_a)
    assert act_as(api, world.users[Role.ENTERPRISE]).post(api_url("licence", lic.pk, "suspend"), {"reason": "x"},
                                                          format="json").status_code == 403
    refused = act_as(api, world.users[Role.REGULATOR]).post(api_url("licence", lic.pk, "suspend"), {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    done = act_as(api, world.users[Role.REGULATOR]).post(api_url("licence", lic.pk, "suspend"),
                                                          {"reason": "停产整顿期间暂扣"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "suspended"
    assert "reinstate" in done.json()["available_actions"]


def test_delete_voids_with_a_reason(world, api):
    lic = licence(world, world.ent_a)
    client = act_as(api, world.users[Role.ENTERPRISE])
    assert client.delete(api_url("licence", lic.pk), {}, format="json").status_code == 400
    assert client.delete(api_url("licence", lic.pk), {"reason": "录入错误"}, format="json").status_code == 204
    lic.refresh_from_db()
    assert lic.is_voided and Licence.objects.filter(pk=lic.pk).exists()
    assert client.get(api_url("licence", lic.pk)).status_code == 404


@pytest.mark.parametrize("basename", ["licence", "key-person", "person-certificate"])
def test_another_county_sees_nothing(world, api, basename):
    # given one record of each registry in county A
    p = person(world, world.ent_a, role="special_operator")
    made = {"licence": licence(world, world.ent_a), "key-person": p, "person-certificate": certificate(world, p)}
    obj = made[basename]
    # then county B's regulator gets 404 on it and counts zero
    other = act_as(api, world.users[OTHER_COUNTY])
    assert other.get(api_url(basename, obj.pk)).status_code == 404
    assert get_page(other, api_url(basename))["count"] == 0
    assert other.post(api_url(basename, obj.pk, "verify"), {}, format="json").status_code == 404
    # and another enterprise's user too, while the owner reads it
    stranger = act_as(api, type(world.users[Role.ENTERPRISE]).objects.create(
        username="stranger", role=Role.ENTERPRISE, scope_enterprise=world.ent_a_construction))
    assert stranger.get(api_url(basename, obj.pk)).status_code == 404
    assert get_page(stranger, api_url(basename))["count"] == 0
    assert get_page(act_as(api, world.users[Role.ENTERPRISE]), api_url(basename))["count"] == 1


def test_certificate_must_fit_the_role(world, api):
    p = person(world, world.ent_a, role="principal")
    client = act_as(api, world.users[Role.ENTERPRISE])
    today = timezone.localdate()
    body = {"person": p.pk, "number": "Z001", "issuer": "市应急管理局", "issued_on": str(today),
            "valid_until": str(today + datetime.timedelta(days=1095))}
    wrong = client.post(api_url("person-certificate"), {**body, "kind": "special_operation"}, format="json")
    assert wrong.status_code == 400 and "kind" in wrong.json()
    made = client.post(api_url("person-certificate"), body, format="json")
    assert made.status_code == 201 and made.json()["kind"] == "management", made.content
    assert made.json()["enterprise"] == world.ent_a.pk


def test_special_operator_needs_an_operation_type(world, api):
    client = act_as(api, world.users[Role.ENTERPRISE])
    body = {"enterprise": world.ent_a.pk, "name": "王五", "role": "special_operator",
            "appointed_on": str(timezone.localdate())}
    refused = client.post(api_url("key-person"), body, format="json")
    assert refused.status_code == 400 and "operation_type" in refused.json()
    made = client.post(api_url("key-person"), {**body, "operation_type": "electrical"}, format="json")
    assert made.status_code == 201 and made.json()["certify_by"] is None


@pytest.mark.parametrize("basename", ["licence", "key-person", "person-certificate"])
def test_lists_run_a_fixed_number_of_queries(world, api, basename, django_assert_max_num_queries):
    # given a dozen records of each kind
    for i in range(12):
        p = person(world, world.ent_a, role="special_operator", name=f"焊工{i}")
        certificate(world, p)
        licence(world, world.ent_a, kind_code="road_transport" if i % 2 else "safety_production")
    client = act_as(api, world.users[Role.REGULATOR])
    client.get(api_url(basename))  # warm the per-process caches
    # then the list page costs the same whatever its length
    with django_assert_max_num_queries(12):
        body = get_page(client, api_url(basename), page_size=50)
    assert body["count"] == 12


def test_filters(world, api, clock):
    lic = licence(world, world.ent_a, valid_until=timezone.localdate() + datetime.timedelta(days=20))
    licence(world, world.ent_a, kind_code="road_transport")
    client = act_as(api, world.users[Role.REGULATOR])
    assert [r["id"] for r in get_page(client, api_url("licence"), validity="expiring")["results"]] == [lic.pk]
    assert get_page(client, api_url("licence"), verified="true")["count"] == 0
    p = person(world, world.ent_a, role="special_operator")
    person(world, world.ent_a, role="special_operator")
    certificate(world, p)
    assert [r["id"] for r in get_page(client, api_url("key-person"), certified="true")["results"]] == [p.pk]
    assert get_page(client, api_url("key-person"), certified="false")["count"] == 1


def test_export_is_an_xlsx_of_the_filtered_records(world, api):
    licence(world, world.ent_a)
    response = act_as(api, world.users[Role.REGULATOR]).get(api_url("licence") + "export/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert act_as(api, world.users[OTHER_COUNTY]).get(api_url("licence") + "export/?kind=zz").status_code == 400

"""Enterprise-system API keys (与企业隐患排查治理系统联网): issuing (the secret shown once, only
its hash kept), who may issue and revoke, authenticating with the key as the enterprise user,
what a key can reach (its own enterprise's hazards, the enterprise-system steps) and what it
cannot (other enterprises: 404; other steps: 403; revoked: 401)."""

import datetime
import hashlib

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from anjian.core.services import events_for
from anjian.core.testing.files import image_upload
from anjian.hazards import services
from anjian.hazards.auth import issue_key
from anjian.hazards.choices import HazardSource, HazardState
from anjian.hazards.models import EnterpriseApiKey, Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard, make_user
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, api_url, expect, get_page, list_count

pytestmark = pytest.mark.django_db


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def key_client(secret: str, *, header: str = "authorization") -> APIClient:
    client = APIClient()
    if header == "authorization":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    else:
        client.credentials(HTTP_X_API_KEY=secret)
    return client


@pytest.fixture
def secret(world) -> str:
    """A key of enterprise A acting as its enterprise user, issued by the county A regulator."""
    return issue_key(actor=world.users[Role.REGULATOR], enterprise=world.ent_a, user=world.users[Role.ENTERPRISE],
                     name="企业隐患排查治理系统").secret


# --- issuing ----------------------------------------------------------------------------------------


# The administrator, a regulator of the jurisdiction, and the enterprise itself; the construction
# officer and county B cannot pick enterprise A (400); the others hold no right (403).
ISSUE = expect(403, admin=201, regulator=201, enterprise=201, industry_officer=400, other_county=400)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_issue_key_by_role(world, api, who):
    # given a user of this role
    payload = {"enterprise": world.ent_a.pk, "user": world.users[Role.ENTERPRISE].pk, "name": "ERP 对接"}
    # when they issue a key for enterprise A
    response = act_as(api, world.users[who]).post(api_url("enterprise-api-key"), payload, format="json")
    # then the status is the table's, and only a 201 stores a key
    assert response.status_code == ISSUE[who], response.content
    assert EnterpriseApiKey.objects.exists() is (response.status_code == 201)


def test_secret_is_shown_once_and_only_its_hash_kept(world, api):
    # given the regulator issues a key
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.post(api_url("enterprise-api-key"), {"enterprise": world.ent_a.pk,
                                                           "user": world.users[Role.ENTERPRISE].pk,
                                                           "name": "ERP 对接"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["secret"]
    # then the answer shows the secret, whose first characters are the key's prefix
    assert len(secret) >= 32 and body["prefix"] == secret[:8] and body["is_active"] is True
    assert body["user_name"] == world.users[Role.ENTERPRISE].name and body["created_by"] == world.users[
        Role.REGULATOR].name
    # and the database keeps only its SHA-256
    key = EnterpriseApiKey.objects.get(pk=body["id"])
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(EnterpriseApiKey.objects.filter(pk=key.pk).values().first())
    # and neither the list nor the detail ever shows the secret or the hash again
    for data in (get_page(client, api_url("enterprise-api-key"))["results"][0],
                 client.get(api_url("enterprise-api-key", key.pk)).json()):
        assert "secret" not in data and "key_hash" not in data
        assert secret not in str(data) and key.key_hash not in str(data)
    # and issuing it is an event
    assert events_for(key).filter(action="api_key_issued").exists()


def test_enterprise_user_issues_a_key_for_itself(world, api):
    # given the enterprise user, when they issue a key naming neither enterprise nor user
    response = act_as(api, world.users[Role.ENTERPRISE]).post(api_url("enterprise-api-key"), {"name": "MES"},
                                                              format="json")
    # then it is their enterprise's key acting as them
    assert response.status_code == 201, response.content
    assert response.json()["enterprise"] == world.ent_a.pk and response.json()["user"] == world.users[
        Role.ENTERPRISE].pk


@pytest.mark.parametrize(
    ("user", "field"),
    [("REGULATOR", "user"), ("ENT_B_USER", "user"), (None, "user"), (987654, "user")],
    ids=["not-an-enterprise-user", "another-enterprises-user", "missing", "unknown"],
)
def test_key_must_act_as_a_user_of_the_enterprise(world, api, user, field):
    # given the regulator issuing a key for enterprise A that would act as the wrong user
    users = {"REGULATOR": world.users[Role.REGULATOR].pk,
             "ENT_B_USER": make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a_construction).pk}
    payload = {"enterprise": world.ent_a.pk, "name": "ERP"}
    if user is not None:
        payload["user"] = users.get(user, user)
    response = act_as(api, world.users[Role.REGULATOR]).post(api_url("enterprise-api-key"), payload, format="json")
    # then 400 names the user, and no key exists
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not EnterpriseApiKey.objects.exists()


def test_keys_are_scoped(world, api, secret):
    # given a key of enterprise A and one of enterprise B
    issue_key(actor=world.users[Role.ADMIN], enterprise=world.ent_b,
              user=make_user(Role.ENTERPRISE, scope_enterprise=world.ent_b), name="乙系统")
    # then each reader lists the keys of their jurisdiction only
    assert list_count(act_as(api, world.users[Role.ADMIN]), api_url("enterprise-api-key")) == 2
    assert list_count(act_as(api, world.users[Role.REGULATOR]), api_url("enterprise-api-key")) == 1
    assert list_count(act_as(api, world.users[Role.ENTERPRISE]), api_url("enterprise-api-key")) == 1
    assert list_count(act_as(api, world.users["other_county"]), api_url("enterprise-api-key"),
                      enterprise=world.ent_a.pk) == 0


# --- revoking ---------------------------------------------------------------------------------------


REVOKE = expect(403, admin=200, regulator=200, enterprise=200, industry_officer=404, other_county=404)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_revoke_by_role(world, api, secret, who):
    # given enterprise A's key, and a user of this role
    key = EnterpriseApiKey.objects.get()
    # when they revoke it
    response = act_as(api, world.users[who]).post(api_url("enterprise-api-key", key.pk, "revoke"), {},
                                                  format="json")
    # then the status is the table's, and only a 200 revokes it
    assert response.status_code == REVOKE[who], response.content
    key.refresh_from_db()
    assert (key.revoked_at is not None) is (response.status_code == 200)


def test_revoked_key_is_refused(world, api, secret):
    # given a key that worked, then was revoked by the enterprise
    assert key_client(secret).get(api_url("hazard")).status_code == 200
    key = EnterpriseApiKey.objects.get()
    client = act_as(api, world.users[Role.ENTERPRISE])
    revoked = client.post(api_url("enterprise-api-key", key.pk, "revoke"), {"comment": "系统下线"}, format="json")
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    # when a request carries it, then 401, as for a key that never existed
    assert key_client(secret).get(api_url("hazard")).status_code == 401
    assert key_client("not-a-key").get(api_url("hazard")).status_code == 401
    # and revoking it again is refused
    again = client.post(api_url("enterprise-api-key", key.pk, "revoke"), {}, format="json")
    assert again.status_code == 400 and "revoked_at" in again.json()


def test_key_of_a_user_moved_elsewhere_is_refused(world, secret):
    # given the key's user was moved to another enterprise
    user = world.users[Role.ENTERPRISE]
    user.scope_enterprise = world.ent_a_construction
    user.save()
    # when the key is used, then 401
    assert key_client(secret).get(api_url("hazard")).status_code == 401


# --- using a key ------------------------------------------------------------------------------------


def test_key_reports_a_hazard_as_an_enterprise_system_find(world, secret):
    # given enterprise A's system with its key
    client = key_client(secret)
    # when it pushes a hazard with a photo, naming no enterprise
    response = client.post(api_url("hazard"), {
        "location": "一号仓库", "description": "货架超载", "deadline": in_days(7).isoformat(),
        "photos": [image_upload("现场.jpg")]}, format="multipart")
    # then it is enterprise A's hazard, from the enterprise system, entered by the key's user
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enterprise"] == world.ent_a.pk and body["source"] == HazardSource.ENTERPRISE_SYSTEM
    assert len(body["attachments"]) == 1
    hazard = Hazard.objects.get(pk=body["id"])
    assert hazard.created_by == world.users[Role.ENTERPRISE]
    # and the key's last use is recorded
    assert EnterpriseApiKey.objects.get().last_used_at is not None


def test_key_source_cannot_be_overridden(world, secret):
    # given the key's system claims the hazard is a self-inspection find, then it is still the system's
    response = key_client(secret).post(api_url("hazard"), {"location": "一号仓库", "description": "货架超载",
                                                           "deadline": in_days(7).isoformat(),
                                                           "source": "self_inspection"}, format="json")
    assert response.status_code == 201 and response.json()["source"] == HazardSource.ENTERPRISE_SYSTEM


def test_key_cannot_report_for_another_enterprise(world, secret):
    # given enterprise A's key, when it pushes a hazard for another enterprise, then 400 names the enterprise
    for other in (world.ent_a_construction, world.ent_b):
        response = key_client(secret).post(api_url("hazard"), {
            "enterprise": other.pk, "location": "一号仓库", "description": "货架超载",
            "deadline": in_days(7).isoformat()}, format="json")
        assert response.status_code == 400 and "enterprise" in response.json()
    assert not Hazard.objects.exists()


def test_key_reads_its_own_hazards_only(world, secret):
    # given hazards of enterprise A, of another enterprise in the same township and of county B
    own = make_hazard(world.ent_a)
    neighbour = make_hazard(world.ent_a_construction)
    far = make_hazard(world.ent_b)
    client = key_client(secret, header="x-api-key")
    # then the key lists and reads its own enterprise's hazards only; the others do not exist for it
    assert {r["id"] for r in get_page(client, api_url("hazard"))["results"]} == {own.pk}
    assert client.get(api_url("hazard", own.pk)).status_code == 200
    for hazard in (neighbour, far):
        assert client.get(api_url("hazard", hazard.pk)).status_code == 404
        assert client.post(api_url("hazard", hazard.pk, "start-rectification"), {}, format="json").status_code == 404


def test_key_rectifies_with_evidence(world, secret):
    # given a hazard of enterprise A
    hazard = make_hazard(world.ent_a)
    client = key_client(secret)
    # when the system starts the rectification and submits it with evidence
    started = client.post(api_url("hazard", hazard.pk, "start-rectification"), {}, format="json")
    assert started.status_code == 200, started.content
    # (the detail offers the key only the steps it can take)
    assert set(started.json()["available_actions"]) == {"update_plan", "submit_rectification"}
    submitted = client.post(api_url("hazard", hazard.pk, "submit-rectification"), {
        "note": "已更换货架", "version": started.json()["version"],
        "evidence": [image_upload("整改后.jpg")]}, format="multipart")
    # then the hazard awaits acceptance, with the evidence on the step
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == HazardState.RECTIFIED
    assert len(submitted.json()["timeline"][0]["attachments"]) == 1


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "accept", {}),
        ("post", "request-extension", {"new_deadline": "2099-01-01", "reason": "x"}),
        ("post", "void", {"reason": "x"}),
        ("patch", None, {"description": "改"}),
        ("get", "history", None),
    ],
    ids=["accept", "extension", "void", "correct", "history"],
)
def test_key_reaches_only_the_enterprise_system_steps(world, secret, method, url, data):
    # given a rectified hazard of enterprise A, that its user could accept on the pages
    admin = world.users[Role.ADMIN]
    hazard = make_hazard(world.ent_a, admin)
    hazard = services.start_rectification(hazard, actor=admin)
    hazard = services.submit_rectification(hazard, actor=admin, note="已整改")
    # when the key is used for a step beyond pushing hazards and rectifications
    client = key_client(secret)
    response = getattr(client, method)(api_url("hazard", hazard.pk, url), data, format="json")
    # then 403, and nothing changes
    assert response.status_code == 403, response.content
    assert Hazard.objects.get(pk=hazard.pk).version == hazard.version


def test_key_opens_only_the_hazard_endpoints(world, secret):
    # given a valid key, when it is used on the enterprise registry or to manage keys, then it is not a login there
    client = key_client(secret)
    assert client.get(api_url("enterprise")).status_code == 401
    assert client.get(api_url("enterprise-api-key")).status_code == 401
    assert client.get(api_url("listed-supervision")).status_code == 401

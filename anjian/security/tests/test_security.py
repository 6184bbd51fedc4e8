"""Issue #12 security: API tokens are hashed, expire, rotate and revoke; the security log records
sign-ins, failures, lockouts, role/scope/standing changes and credentials, and cannot be edited;
web sessions end after inactivity; pages carry a Content-Security-Policy with a nonce."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.core.services import record_event
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD
from anjian.security.choices import SecurityEventKind as K
from anjian.security.models import ApiToken, SecurityEvent
from anjian.security.services import MAX_LIVE_TOKENS, issue_token

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_log(world):
    """Entries from building the world (users created, passwords set) are not what a test looks at."""
    global START
    START = SecurityEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


START = 0


def kinds(user=None):
    qs = SecurityEvent.objects.filter(id__gt=START).order_by("at", "id")
    if user is not None:
        qs = qs.filter(username=user.username)
    return list(qs.values_list("kind", flat=True))


def obtain(username, password=PASSWORD):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")


# --- tokens ---------------------------------------------------------------------------------

def test_only_the_hash_of_a_token_is_stored_and_the_key_works(world):
    user = world.users[Role.REGULATOR]
    # when a token is obtained
    key = obtain(user.username).json()["token"]
    # then the database holds its SHA-256, not the key, and the key authenticates
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in (token.key_hash, token.prefix)
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/enterprises/").status_code == 200
    assert kinds(user) == [K.TOKEN_ISSUED]


def test_an_expired_token_is_refused(world, clock):
    key, token = issue_token(world.users[Role.REGULATOR])
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/enterprises/").status_code == 200
    # when the token's lifetime has passed
    clock.advance(days=settings.ANJIAN_API_TOKEN_DAYS, seconds=1)
    # then it no longer authenticates
    assert client.get("/api/enterprises/").status_code == 401


def test_rotation_gives_a_new_key_and_kills_the_old_one(world):
    user = world.users[Role.EXPERT]
    old = obtain(user.username).json()["token"]
    # when the holder rotates it
    response = APIClient(HTTP_AUTHORIZATION=f"Token {old}").post("/api/auth/token/rotate/")
    # then a new key is answered, it works, and the old one is refused at once
    assert response.status_code == 201
    new = response.json()["token"]
    assert new != old
    assert APIClient(HTTP_AUTHORIZATION=f"Token {new}").get("/api/enterprises/").status_code == 200
    assert APIClient(HTTP_AUTHORIZATION=f"Token {old}").get("/api/enterprises/").status_code == 401
    assert kinds(user) == [K.TOKEN_ISSUED, K.TOKEN_REVOKED, K.TOKEN_ROTATED]


def test_delete_revokes_the_token_sent(world):
    key = obtain(world.users[Role.EXPERT].username).json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(TOKEN_URL).status_code == 204
    assert client.get("/api/enterprises/").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None  # kept for the record


def test_a_person_holds_a_bounded_number_of_live_tokens(world):
    user = world.users[Role.EXPERT]
    keys = [issue_token(user)[0] for _ in range(MAX_LIVE_TOKENS + 2)]
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == MAX_LIVE_TOKENS
    assert APIClient(HTTP_AUTHORIZATION=f"Token {keys[0]}").get("/api/enterprises/").status_code == 401
    assert APIClient(HTTP_AUTHORIZATION=f"Token {keys[-1]}").get("/api/enterprises/").status_code == 200


def test_a_deactivated_person_s_token_stops_working(world):
    user = world.users[Role.EXPERT]
    key = issue_token(user)[0]
    user.is_active = False
    user.save()
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/enterprises/").status_code == 401


# --- the log ------------------------------------------------------------------------------

def test_sign_in_failure_lockout_and_sign_out_are_logged(world):
    user = world.users[Role.REGULATOR]
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": "wrong-password-1"})
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("logout"))
    assert kinds(user) == [K.LOGIN_FAILED, K.LOGIN, K.LOGOUT]
    failed = SecurityEvent.objects.get(kind=K.LOGIN_FAILED)
    assert failed.ip_address == "127.0.0.1" and "wrong-password" not in str(failed.detail)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong-password-1"})
    assert K.LOCKED_OUT in kinds(user)


def test_role_scope_standing_and_password_changes_are_logged_with_who_did_it(world):
    admin = world.users[Role.ADMIN]
    user = world.users[Role.EXPERT]
    api = APIClient()
    api.force_authenticate(admin)
    # when an administrator changes the person's role, then deactivates them
    response = api.patch(f"/api/users/{user.pk}/", {"role": Role.REGULATOR}, format="json")
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    user.set_password("another-Passw0rd!")
    user.save()
    user.is_active = False
    user.save()
    logged = list(SecurityEvent.objects.filter(user=user, id__gt=START).order_by("id"))
    assert [e.kind for e in logged] == [K.ROLE_CHANGED, K.PASSWORD_CHANGED, K.DEACTIVATED]
    assert logged[0].actor == admin and logged[0].detail["changes"]["role"] == [Role.EXPERT, Role.REGULATOR]
    assert "another" not in str([e.detail for e in logged])


def test_enterprise_system_key_events_reach_the_log(world):
    user = world.users[Role.ENTERPRISE]
    record_event(world.ent_a, "api_key_issued", actor=user, data={"prefix": "abcd1234"})
    entry = SecurityEvent.objects.get(kind=K.KEY_ISSUED)
    assert entry.user == user and entry.detail["prefix"] == "abcd1234"


def test_the_log_cannot_be_changed_or_deleted_and_only_admins_read_it(world):
    entry = SecurityEvent.objects.create(kind=K.LOGIN, username="x")
    entry.username = "y"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    api = APIClient()
    api.force_authenticate(world.users[Role.REGULATOR])
    assert api.get("/api/security-events/").status_code == 403
    api.force_authenticate(world.users[Role.ADMIN])
    listed = api.get("/api/security-events/", {"kind": K.LOGIN, "username": "x"})
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert api.delete(f"/api/security-events/{entry.pk}/").status_code == 405
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    assert client.get(reverse("security:log")).status_code == 403
    client.force_login(world.users[Role.ADMIN])
    page = client.get(reverse("security:log"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "安全日志" in page.content.decode()


def test_the_log_api_lists_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(30):
        SecurityEvent.objects.create(kind=K.LOGIN, username=f"u{i}", actor=world.users[Role.ADMIN])
    api = APIClient()
    api.force_authenticate(world.users[Role.ADMIN])
    with django_assert_max_num_queries(4):
        assert api.get("/api/security-events/").json()["count"] >= 30


# --- sessions and headers -----------------------------------------------------------------

def test_a_web_session_ends_after_the_idle_time(world, clock):
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    assert client.get(reverse("home")).status_code == 200
    clock.advance(minutes=settings.ANJIAN_SESSION_IDLE_MINUTES - 1)
    assert client.get(reverse("home")).status_code == 200  # activity keeps it alive
    clock.advance(minutes=settings.ANJIAN_SESSION_IDLE_MINUTES + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert K.IDLE_LOGOUT in kinds(world.users[Role.REGULATOR])


def test_pages_carry_a_csp_with_a_nonce_that_the_inline_scripts_use(world):
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    response = client.get(reverse("accidents:create"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    assert f'<script nonce="{nonce}">' in body
    assert "onclick=" not in body and "onsubmit=" not in body

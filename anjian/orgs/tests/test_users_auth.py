"""Authentication and accounts: API tokens, the log-in lockout (django-axes) through the token
endpoint and through the /login/ form, password rules, the admin-only users API, and the
role ↔ permission-group synchronisation."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from anjian.orgs.choices import Role
from anjian.orgs.models import User
from anjian.orgs.roles import ROLE_PERMISSIONS, sync_role_groups
from anjian.portal.testing.factories import PASSWORD, make_user
from anjian.portal.testing.mixins import (
    CreateContract,
    ListContract,
    UpdateContract,
    VoidContract,
    act_as,
    api_url,
    expect,
)
from anjian.security.models import ApiToken
from anjian.security.services import find_live_token

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"


def obtain_token(api, username, password):
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json")


# --- tokens -------------------------------------------------------------------------------


def test_token_endpoint_returns_only_a_token(world, api):
    # given a regulator with a known password
    user = world.users[Role.REGULATOR]
    # when they ask for a token
    response = obtain_token(api, user.username, PASSWORD)
    # then the answer is the key (shown this once) and its expiry, and the key is the user's live token
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert find_live_token(body["token"]).user == user


def test_token_header_authenticates_and_scopes(world, api):
    # given a regulator's token
    key = obtain_token(api, world.users[Role.REGULATOR].username, PASSWORD).json()["token"]
    # when they call the API with `Authorization: Token …`
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(api_url("enterprise"))
    # then they are authenticated and see exactly their county's enterprises
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {world.ent_a.pk, world.ent_a_construction.pk}


def test_unknown_token_is_refused(world, api):
    # given a made-up token, when it is used, then the call is unauthenticated
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert api.get(api_url("enterprise")).status_code == 401


@pytest.mark.parametrize("password", ["wrong-password-1", ""], ids=["wrong", "empty"])
def test_wrong_password_is_400_without_a_token(world, api, password):
    # given a known user, when the password is wrong or missing, then 400 and no token
    response = obtain_token(api, world.users[Role.REGULATOR].username, password)
    assert response.status_code == 400
    assert "token" not in response.json()


def test_inactive_user_gets_no_token(world, api):
    # given a deactivated account, when it asks for a token with the right password, then 400
    user = world.users[Role.EXPERT]
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = obtain_token(api, user.username, PASSWORD)
    assert response.status_code == 400
    assert "token" not in response.json()


# --- lockout ------------------------------------------------------------------------------


def test_token_endpoint_locks_out_after_the_failure_limit(world, api):
    # given a regulator who mistypes the password AXES_FAILURE_LIMIT times
    user = world.users[Role.REGULATOR]
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert obtain_token(api, user.username, "wrong-password-1").status_code == 400
    # when they then give the right password
    response = obtain_token(api, user.username, PASSWORD)
    # then they are still refused as locked out, and get no token
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "token" not in response.json()
    assert not ApiToken.objects.filter(user=user).exists()
    # and another account from the same address is not locked
    other = world.users[Role.EXPERT]
    assert obtain_token(api, other.username, PASSWORD).status_code == 200


def test_fewer_failures_than_the_limit_do_not_lock(world, api):
    # given one failure fewer than the limit
    user = world.users[Role.REGULATOR]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        obtain_token(api, user.username, "wrong-password-1")
    # when the right password comes, then the token is issued
    assert obtain_token(api, user.username, PASSWORD).status_code == 200


def test_login_form_locks_out_after_the_failure_limit(world):
    # given the log-in page and a user who mistypes the password AXES_FAILURE_LIMIT times
    client = Client()
    user = world.users[Role.REGULATOR]
    login_url = reverse("login")
    assert client.get(login_url).status_code == 200
    statuses = [client.post(login_url, {"username": user.username, "password": "wrong-password-1"}).status_code
                for _ in range(settings.AXES_FAILURE_LIMIT)]
    # (the form comes back with its error until the last failure, which already answers the lockout)
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [settings.AXES_HTTP_RESPONSE_CODE]
    # when they then give the right password
    response = client.post(login_url, {"username": user.username, "password": PASSWORD})
    # then the lockout page answers and they are not logged in
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert "_auth_user_id" not in client.session
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_login_form_logs_in_with_the_right_password(world):
    # given the log-in page, when a user posts the right password, then they are logged in and sent home
    client = Client()
    user = world.users[Role.REGULATOR]
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(user.pk)


# --- users API: administrators only -------------------------------------------------------


class TestUserApi(ListContract, CreateContract, UpdateContract, VoidContract):
    """Only system administrators manage accounts; DELETE deactivates instead of voiding."""

    basename = "user"
    create_status = expect(403, admin=201)
    update_status = expect(403, admin=200)
    void_status = expect(403, admin=204)
    void_event = "deactivated"

    def target(self, world):
        return world.users[Role.COMMITTEE_OFFICE]

    def is_voided(self, obj) -> bool:
        return not obj.is_active

    def create_payload(self, world):
        return {"username": "newofficer", "name": "新科员", "password": "Anjian#Strong2026", "role": "regulator",
                "scope_region": world.county_a.code, "department": world.dept_a.pk}

    def update_payload(self, world):
        return {"name": "改名科员", "phone": "13700000000"}


@pytest.mark.parametrize("who", [r for r in Role if r != Role.ADMIN] + ["other_county"], ids=str)
def test_users_list_is_forbidden_to_non_admins(world, api, who):
    # given a user who is not a system administrator, when they list users, then 403
    assert act_as(api, world.users[who]).get(api_url("user")).status_code == 403
    # and the scoping itself gives them no user rows either
    assert User.objects.for_user(world.users[who]).count() == 0


def test_deactivated_user_can_no_longer_log_in(world, api):
    # given the administrator deactivates an expert through the API
    expert = world.users[Role.EXPERT]
    response = act_as(api, world.users[Role.ADMIN]).delete(api_url("user", expert.pk))
    assert response.status_code == 204
    # when the expert asks for a token, then it is refused; the account still exists
    assert obtain_token(act_as(api, None), expert.username, PASSWORD).status_code == 400
    assert User.objects.filter(pk=expert.pk, is_active=False).exists()


def test_an_administrator_cannot_deactivate_their_own_account(world, api):
    # given the administrator deactivating their own account (found by the API contract run:
    # every later request of theirs answered 401)
    admin = world.users[Role.ADMIN]
    response = act_as(api, admin).delete(api_url("user", admin.pk))
    # then it is refused naming the field, and the account stays active
    assert response.status_code == 400 and "is_active" in response.json()
    assert User.objects.get(pk=admin.pk).is_active


@pytest.mark.parametrize(
    "password",
    ["short1!", "12345678901", "password1234", "newofficer2026"],
    ids=["too-short", "numeric", "common", "like-username"],
)
def test_weak_password_is_refused_through_the_api(world, api, password):
    # given the administrator creating an account with a weak password
    payload = {"username": "newofficer2026", "password": password, "role": "committee_office",
               "scope_region": world.county_a.code}
    # when it is posted, then 400 names the password and no account is created
    response = act_as(api, world.users[Role.ADMIN]).post(api_url("user"), payload, format="json")
    assert response.status_code == 400, response.content
    assert "password" in response.json()
    assert not User.objects.filter(username="newofficer2026").exists()


def test_new_account_needs_a_password(world, api):
    # given the administrator, when an account is posted without password, then 400 names it
    payload = {"username": "nopass", "role": "committee_office", "scope_region": world.county_a.code}
    response = act_as(api, world.users[Role.ADMIN]).post(api_url("user"), payload, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_password_change_through_the_api(world, api):
    # given the administrator sets a strong new password for the expert
    expert = world.users[Role.EXPERT]
    new = "Another#Strong2026"
    response = act_as(api, world.users[Role.ADMIN]).patch(api_url("user", expert.pk), {"password": new},
                                                          format="json")
    assert response.status_code == 200
    assert "password" not in response.json()  # write-only
    # when the expert logs in, then only the new password works
    anonymous = act_as(api, None)
    assert obtain_token(anonymous, expert.username, new).status_code == 200
    assert obtain_token(anonymous, expert.username, PASSWORD).status_code == 400


@pytest.mark.parametrize(
    ("role", "field"),
    [("regulator", "scope_region"), ("grid_officer", "scope_grid"), ("enterprise", "scope_enterprise")],
)
def test_role_needs_its_scope(world, api, role, field):
    # given the administrator creating an account of a role without that role's scope
    payload = {"username": f"noscope-{role}", "password": "Anjian#Strong2026", "role": role}
    # when it is posted, then 400 names the missing scope field
    response = act_as(api, world.users[Role.ADMIN]).post(api_url("user"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


# --- role ↔ group -------------------------------------------------------------------------


def group_names(user) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def test_role_group_follows_the_role_through_the_api(world, api):
    # given the administrator creates a regulator
    admin = act_as(api, world.users[Role.ADMIN])
    payload = {"username": "syncme", "password": "Anjian#Strong2026", "role": "regulator",
               "scope_region": world.county_a.code}
    created = admin.post(api_url("user"), payload, format="json")
    assert created.status_code == 201, created.content
    user = User.objects.get(username="syncme")
    # then they are in exactly the regulator group and hold its permissions
    assert group_names(user) == {"role:regulator"}
    assert User.objects.get(pk=user.pk).has_perm("enterprises.add_enterprise")
    # when the administrator changes the role to committee office
    response = admin.patch(api_url("user", user.pk), {"role": "committee_office"}, format="json")
    assert response.status_code == 200, response.content
    # then the group follows and the regulator's write permissions are gone
    assert group_names(user) == {"role:committee_office"}
    assert not User.objects.get(pk=user.pk).has_perm("enterprises.add_enterprise")


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_group_holds_exactly_its_permissions(db, role):
    # given the groups synchronised after migrate
    group = Group.objects.get(name=f"role:{role}")
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    # then each group holds exactly what ROLE_PERMISSIONS lists (the administrator: every anjian permission)
    if ROLE_PERMISSIONS[role] == ["*"]:
        assert {"regions.add_region", "orgs.change_user", "enterprises.delete_enterprise"} <= granted
        anjian_labels = {c.label for c in apps.get_app_configs() if c.name.startswith("anjian.")}
        assert all(code.split(".")[0] in anjian_labels for code in granted)
    else:
        assert granted == set(ROLE_PERMISSIONS[role])


def test_sync_restores_a_tampered_group(db):
    # given someone gave the committee office a write permission by hand
    group = Group.objects.get(name="role:committee_office")
    regulator = Group.objects.get(name="role:regulator")
    group.permissions.set(regulator.permissions.all())
    # when the groups are synchronised again (as after every migrate)
    sync_role_groups()
    # then the committee office is back to exactly its own permissions (the regional figures)
    assert {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} == set(
        ROLE_PERMISSIONS[Role.COMMITTEE_OFFICE])
    assert regulator.permissions.count() == len(ROLE_PERMISSIONS[Role.REGULATOR])


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_decides_write_permissions(world, role):
    # given a user of each role, when asking the permission system, then it matches ROLE_PERMISSIONS
    user = User.objects.get(pk=world.users[role].pk)
    expected = ROLE_PERMISSIONS[role]
    for perm in ("enterprises.add_enterprise", "enterprises.delete_enterprise", "enterprises.add_supervision",
                 "regions.add_region", "orgs.add_department"):
        assert user.has_perm(perm) is (expected == ["*"] or perm in expected), perm


def test_superuser_without_group_still_manages_users(db, api):
    # given a superuser with no role group at all
    root = make_user(Role.ADMIN, is_superuser=True)
    root.groups.clear()
    # when they list users, then the users API lets them in
    assert act_as(api, root).get(api_url("user")).status_code == 200

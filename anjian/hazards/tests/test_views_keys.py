"""The API-key pages: an enterprise user issues a key for its own enterprise and sees the secret
once; a regulator issues one for an enterprise of its jurisdiction; keys are revoked, not
deleted; another county sees none of them and cannot revoke them."""

import pytest
from django.test import Client
from django.urls import reverse

from anjian.hazards.auth import hash_secret, issue_key
from anjian.hazards.models import EnterpriseApiKey
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import OTHER_COUNTY

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = "/hazards/api-keys/"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_enterprise_user_issues_a_key_and_sees_the_secret_once(world):
    # given the enterprise user of enterprise A
    ent_user = world.users[Role.ENTERPRISE]
    c = client_for(ent_user)
    # when it issues a key acting as itself
    response = c.post(URL, {"user": ent_user.username, "name": "隐患排查系统"}, **EN)
    # then the page shows the secret, and only its hash is stored
    assert response.status_code == 200
    key = EnterpriseApiKey.objects.get()
    secret = response.context["issued"].secret
    assert key.enterprise == world.ent_a and key.key_hash == hash_secret(secret)
    assert secret.encode() in response.content
    # and the list shown afterwards does not repeat the secret
    assert secret.encode() not in c.get(URL).content


def test_regulator_names_the_enterprise_and_a_wrong_user_is_refused_by_field(world):
    c = client_for(world.users[Role.REGULATOR])
    response = c.post(URL, {"enterprise": world.ent_a.name, "user": "nobody", "name": "ERP"}, **EN)
    assert response.status_code == 400 and "user" in response.context["form"].errors
    response = c.post(URL, {"enterprise": world.ent_b.name, "user": world.users[Role.ENTERPRISE].username,
                            "name": "ERP"}, **EN)
    assert response.status_code == 400 and "enterprise" in response.context["form"].errors
    response = c.post(URL, {"enterprise": world.ent_a.credit_code, "user": world.users[Role.ENTERPRISE].username,
                            "name": "ERP"}, **EN)
    assert response.status_code == 200 and EnterpriseApiKey.objects.count() == 1


def test_revoking_keeps_the_key_and_other_county_can_neither_see_nor_revoke(world):
    key = issue_key(actor=world.users[Role.REGULATOR], enterprise=world.ent_a,
                    user=world.users[Role.ENTERPRISE], name="系统").key
    other = client_for(world.users[OTHER_COUNTY])
    assert key.prefix.encode() not in other.get(URL).content
    assert other.post(reverse("hazards:api_key_revoke", args=[key.pk])).status_code == 404
    c = client_for(world.users[Role.ENTERPRISE])
    assert c.post(reverse("hazards:api_key_revoke", args=[key.pk])).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_roles_without_the_right_are_refused(world):
    assert client_for(world.users[Role.COMMITTEE_OFFICE]).get(URL).status_code == 403


def test_the_list_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        issue_key(actor=world.users[Role.REGULATOR], enterprise=world.ent_a, user=world.users[Role.ENTERPRISE],
                  name=f"系统{n}")
    c = client_for(world.users[Role.REGULATOR])
    with django_assert_max_num_queries(12):
        assert c.get(URL).status_code == 200

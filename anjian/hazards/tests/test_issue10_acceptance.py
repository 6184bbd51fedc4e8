"""Issue #10, acceptance by someone else: the person who submitted a hazard's rectification does
not decide on its acceptance (accept or refuse) — an enterprise user once reported, rectified,
accepted and closed a hazard in two minutes. A deployment setting
(``ANJIAN_HAZARD_ACCEPTOR_DIFFERS``, on by default) can switch the rule off; system
administrators are not bound by it. The pages hide the steps for that person and say why."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from anjian.hazards import services
from anjian.hazards.choices import HazardState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard, make_user
from anjian.portal.testing.mixins import act_as, api_url

pytestmark = pytest.mark.django_db
S = HazardState


@pytest.fixture
def ent_user(world):
    return world.users[Role.ENTERPRISE]


@pytest.fixture
def colleague(world):
    """A second user of enterprise A (its safety officer, say)."""
    return make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a)


@pytest.fixture
def rectified(world, ent_user):
    """A general hazard of enterprise A, reported and rectified by its enterprise user."""
    h = make_hazard(world.ent_a, ent_user)
    h = services.start_rectification(h, actor=ent_user)
    return services.submit_rectification(h, actor=ent_user, note="已关闭配电箱门并更换线路")


def test_the_rectifier_is_recorded(rectified, ent_user):
    assert rectified.rectified_by == ent_user


def test_the_rectifier_may_not_accept_nor_refuse(rectified, ent_user):
    with pytest.raises(PermissionDenied) as e:
        services.accept_rectification(rectified, actor=ent_user)
    assert "其他人员验收" in str(e.value)  # (the default language)
    with pytest.raises(PermissionDenied):
        services.refuse_acceptance(rectified, actor=ent_user, reason="不合格")
    assert Hazard.objects.get(pk=rectified.pk).state == S.RECTIFIED
    assert not {"accept", "refuse_acceptance"} & set(services.available_actions(ent_user, rectified))


def test_another_person_accepts_and_the_rectifier_may_close(rectified, ent_user, colleague):
    assert {"accept", "refuse_acceptance"} <= set(services.available_actions(colleague, rectified))
    h = services.accept_rectification(rectified, actor=colleague)
    assert (h.state, h.accepted_by) == (S.ACCEPTED, colleague)
    # closing out follows an acceptance by someone else, so the rule does not bind it
    assert services.close_hazard(h, actor=ent_user).state == S.CLOSED


def test_the_rule_is_a_deployment_setting(settings, rectified, ent_user):
    settings.ANJIAN_HAZARD_ACCEPTOR_DIFFERS = False
    assert "accept" in services.available_actions(ent_user, rectified)
    assert services.accept_rectification(rectified, actor=ent_user).state == S.ACCEPTED


def test_a_system_administrator_is_not_bound(world):
    admin = world.users[Role.ADMIN]
    h = make_hazard(world.ent_a, admin)
    h = services.start_rectification(h, actor=admin)
    h = services.submit_rectification(h, actor=admin, note="已整改")
    assert services.accept_rectification(h, actor=admin).state == S.ACCEPTED


def test_api_refuses_the_rectifier_in_chinese(api, rectified, ent_user, colleague):
    url = api_url("hazard", rectified.pk, "accept")
    refused = act_as(api, ent_user).post(url, {}, format="json")
    assert refused.status_code == 403 and "其他人员验收" in refused.json()["detail"]
    detail = act_as(api, ent_user).get(api_url("hazard", rectified.pk)).json()
    assert "accept" not in detail["available_actions"] and detail["rectified_by"] == (ent_user.name
                                                                                       or ent_user.username)
    assert act_as(api, colleague).post(url, {}, format="json").status_code == 200


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_pages_hide_the_acceptance_from_the_rectifier_and_say_why(rectified, ent_user, colleague):
    page = client_for(ent_user).get(reverse("hazards:detail", args=[rectified.pk])).content.decode()
    assert 'data-action="accept"' not in page and "须由其他人员验收" in page
    # the step's own page sends them back, and a forged post is refused
    step = client_for(ent_user).get(reverse("hazards:action", args=[rectified.pk, "accept"]))
    assert step.status_code == 302
    forged = client_for(ent_user).post(reverse("hazards:action", args=[rectified.pk, "accept"]),
                                       {"version": rectified.version})
    assert forged.status_code in (302, 403) and Hazard.objects.get(pk=rectified.pk).state == S.RECTIFIED
    other = client_for(colleague).get(reverse("hazards:detail", args=[rectified.pk])).content.decode()
    assert 'data-action="accept"' in other and "须由其他人员验收" not in other


def test_the_migration_fills_the_rectifier_of_hazards_awaiting_acceptance(rectified, ent_user):
    Hazard.objects.filter(pk=rectified.pk).update(rectified_by=None)
    migration = importlib.import_module("anjian.hazards.migrations.0005_issue10_definition_acceptor_listing_level")
    migration.backfill_rectified_by(apps, None)
    assert Hazard.objects.get(pk=rectified.pk).rectified_by == ent_user

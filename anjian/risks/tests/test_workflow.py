"""The risks app on the one write path (issue #11): every versioned model (risk point, control
measure) refuses a stale copy or version — through the services (ConflictError, nothing written),
the API (409) and the pages (the message, not an overwrite) —, the version is checked even when
none is sent, and the policy's rules decide the rights and the page's buttons."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from anjian.core.services import ConflictError, events_for
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, api_url
from anjian.risks import services
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskPoint
from anjian.risks.policy import policy

from .factories import make_point

pytestmark = pytest.mark.django_db


def _measure(world, point):
    return services.create_measure(point, actor=world.users[Role.ADMIN],
                                   data={"content": "每班检查液位计", "control_level": "team"})


def _moved_on(point):
    """Someone else changes the point through another copy: the caller's copy is now stale."""
    services.update_risk_point(RiskPoint.objects.get(pk=point.pk), actor=point.created_by, data={"location": "西厂区"})


# --- stale copies and versions: services ---------------------------------------------------------

@pytest.mark.parametrize("step", ["update", "assess", "regenerate", "void"])
def test_a_stale_risk_point_copy_is_a_conflict_and_writes_nothing(world, step):
    # given a point changed by someone else after this copy was loaded (no version sent)
    admin = world.users[Role.ADMIN]
    point = make_point(world)
    _moved_on(point)
    events = events_for(point).count()
    calls = {
        "update": lambda: services.update_risk_point(point, actor=admin, data={"name": "新名"}),
        "assess": lambda: services.assess_risk_point(point, actor=admin, method="ls", inputs={"l": 4, "s": 5}),
        "regenerate": lambda: services.regenerate_card_token(point, actor=admin),
        "void": lambda: services.void_risk_point(point, actor=admin, reason="错录"),
    }
    # when the step is taken from the stale copy, then it is a conflict telling the current version
    with pytest.raises(ConflictError) as caught:
        calls[step]()
    assert caught.value.current_version == 2
    # and nothing was written
    fresh = RiskPoint.objects.get(pk=point.pk)
    assert (fresh.version, fresh.name, fresh.level, fresh.card_token, fresh.is_voided) == (
        2, point.name, "", point.card_token, False)
    assert events_for(point).count() == events and not RiskAssessment.objects.exists()


def test_an_explicit_stale_version_is_a_conflict_even_on_a_fresh_copy(world):
    admin = world.users[Role.ADMIN]
    point = make_point(world)
    services.update_risk_point(point, actor=admin, data={"name": "一改"}, version=1)
    with pytest.raises(ConflictError):
        services.update_risk_point(RiskPoint.objects.get(pk=point.pk), actor=admin, data={"name": "二改"}, version=1)
    assert RiskPoint.objects.get(pk=point.pk).name == "一改"


def test_every_step_bumps_the_point_version_once(world):
    admin = world.users[Role.ADMIN]
    point = make_point(world)
    assert point.version == 1
    point = services.update_risk_point(point, actor=admin, data={"name": "新名"})
    point = services.regenerate_card_token(point, actor=admin)
    point = services.assess_risk_point(point, actor=admin, method="ls", inputs={"l": 4, "s": 5}).risk_point
    assert RiskPoint.objects.get(pk=point.pk).version == point.version == 4
    # a control measure is a record of its own: adding one leaves the point's version alone
    _measure(world, point)
    assert services.void_risk_point(point, actor=admin, reason="拆除").version == 5


@pytest.mark.parametrize("step", ["update", "void"])
def test_a_stale_control_measure_copy_is_a_conflict_and_writes_nothing(world, step):
    admin = world.users[Role.ADMIN]
    measure = _measure(world, make_point(world))
    services.update_measure(ControlMeasure.objects.get(pk=measure.pk), actor=admin, data={"content": "每班两次"})
    with pytest.raises(ConflictError) as caught:
        if step == "update":
            services.update_measure(measure, actor=admin, data={"content": "每周一次"})
        else:
            services.void_measure(measure, actor=admin, reason="合并")
    assert caught.value.current_version == 2
    fresh = ControlMeasure.objects.get(pk=measure.pk)
    assert (fresh.content, fresh.is_voided, fresh.version) == ("每班两次", False, 2)


# --- stale versions: the API answers 409 ---------------------------------------------------------

def test_api_assess_with_a_stale_version_is_409(world, api):
    point = make_point(world)
    client = act_as(api, world.users[Role.ENTERPRISE])
    r = client.post(api_url("risk-point", point.pk, "assess"), {"method": "ls", "l": 4, "s": 5, "version": 1},
                    format="json")
    assert r.status_code == 201
    r = client.post(api_url("risk-point", point.pk, "assess"), {"method": "ls", "l": 1, "s": 1, "version": 1},
                    format="json")
    assert r.status_code == 409 and r.json()["current_version"] == 2
    assert RiskAssessment.objects.count() == 1 and RiskPoint.objects.get(pk=point.pk).level == "major"


def test_api_control_measure_with_a_stale_version_is_409(world, api):
    measure = _measure(world, make_point(world))
    client = act_as(api, world.users[Role.REGULATOR])
    url = reverse("control-measure-detail", args=[measure.pk])
    assert client.patch(url, {"content": "每班两次", "version": 1}, format="json").status_code == 200
    r = client.patch(url, {"content": "每周一次", "version": 1}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert ControlMeasure.objects.get(pk=measure.pk).content == "每班两次"


# --- stale versions: the pages show the conflict ------------------------------------------------

def test_pages_send_the_version_they_showed(world, client):
    point = make_point(world)
    measure = _measure(world, point)
    client.force_login(world.users[Role.ENTERPRISE])
    # given the edit pages were opened at version 1
    edit = client.get(reverse("risks:measure_edit", args=[measure.pk]))
    assert 'name="version" value="1"' in edit.content.decode()
    # when someone else changes the measure and the point meanwhile
    services.update_measure(measure, actor=world.users[Role.ADMIN], data={"content": "别人改的"})
    _moved_on(point)
    # then saving the measure form is refused with the message, not written over
    r = client.post(reverse("risks:measure_edit", args=[measure.pk]),
                    {"content": "我改的", "control_level": "team", "measure_type": "management", "version": "1"},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "请刷新后重试" in r.content.decode()
    assert ControlMeasure.objects.get(pk=measure.pk).content == "别人改的"
    # and so is an assessment made on the page shown before the change
    r = client.post(reverse("risks:assess", args=[point.pk]),
                    {"method": "ls", "ls_l": "4", "ls_s": "5", "version": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "请刷新后重试" in r.content.decode()
    assert not RiskAssessment.objects.exists()


# --- the policy ----------------------------------------------------------------------------------

def test_policy_rules_and_the_detail_buttons(world, client):
    point = make_point(world)
    expert, regulator, other = world.users[Role.EXPERT], world.users[Role.REGULATOR], world.users["other_county"]
    # experts of the region assess but do not manage; another county's regulator does neither
    assert policy.can(expert, "assess", point) and not policy.can(expert, "update", point)
    assert not policy.can(other, "assess", point) and not policy.can(other, "void", point)
    assert policy.can(regulator, "void", point) and policy.can(world.users[Role.ENTERPRISE], "add_measure", point)
    # only administrators choose the default profile
    assert not policy.can(regulator, "set_default_profile") and policy.can(world.users[Role.ADMIN],
                                                                             "set_default_profile")
    with pytest.raises(PermissionDenied):
        services.update_risk_point(point, actor=expert, data={"name": "x"})
    # the detail page offers what the policy allows
    client.force_login(expert)
    html = client.get(reverse("risks:detail", args=[point.pk])).content.decode()
    assert reverse("risks:assess", args=[point.pk]) in html
    assert reverse("risks:edit", args=[point.pk]) not in html and reverse("risks:void", args=[point.pk]) not in html
    client.force_login(regulator)
    html = client.get(reverse("risks:detail", args=[point.pk])).content.decode()
    assert reverse("risks:edit", args=[point.pk]) in html and reverse("risks:void", args=[point.pk]) in html

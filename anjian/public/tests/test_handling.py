"""Handling a tip: routing, the steps of the machine with their deadlines, a confirmed tip carried
to a hazard or a case in one step, rewards computed from the scales, and the submitter's identity:
in no answer but the handler's identity page and endpoint, each read of them audited."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anjian.hazards.choices import HazardSource
from anjian.orgs.choices import Role
from anjian.public import services
from anjian.public.choices import RewardState, TipState
from anjian.public.models import IdentityAccess, RewardScale

from .factories import IDENTITY, confirmed, reward, tip


def test_the_tip_machine_from_acceptance_to_a_hazard_and_a_case(world, clock):
    # given a tip accepted by county A's regulator
    reg = world.users[Role.REGULATOR]
    found, _ = tip(world)
    found = services.accept_tip(found, actor=reg)
    # then verification is due in 60 days (reference data), extendable once by at most 30
    assert found.verify_due == timezone.localdate() + datetime.timedelta(days=60)
    with pytest.raises(ValidationError):
        services.extend_tip(found, actor=reg, days=31, reason="情况复杂")
    found = services.extend_tip(found, actor=reg, days=30, reason="情况复杂")
    with pytest.raises(ValidationError):
        services.extend_tip(found, actor=reg, days=5, reason="再延")
    # when it is confirmed, it becomes a hazard (public tip) and a case in one step each
    found = services.verify_tip(found, actor=reg, confirmed=True, outcome="属实")
    hazard = services.raise_hazard(found, actor=reg, grade="general", deadline=timezone.localdate())
    assert hazard.source == HazardSource.PUBLIC_TIP and hazard.enterprise == world.ent_a
    found.refresh_from_db()
    case = services.open_case(found, actor=reg)
    found.refresh_from_db()
    assert found.hazard == hazard and found.case == case and found.state == TipState.CONFIRMED
    # and neither step can be taken twice
    with pytest.raises(ValidationError):
        services.raise_hazard(found, actor=reg, grade="general", deadline=timezone.localdate())


def test_officers_of_another_county_and_read_only_roles_cannot_handle(world):
    found, _ = tip(world)
    for who in ("other_county", Role.COMMITTEE_OFFICE, Role.GRID_OFFICER):
        with pytest.raises(PermissionDenied):
            services.accept_tip(found, actor=world.users[who])


def test_a_rejected_tip_tells_the_submitter_why(client, world):
    found, secret = tip(world, anonymous=True)
    services.reject_tip(found, actor=world.users[Role.REGULATOR], reason="不属于本部门职责，已告知向市场监管部门举报")
    r = client.post(reverse("public:track"), {"code": found.tracking_code, "secret": secret})
    assert "市场监管部门" in r.content.decode()


@pytest.mark.parametrize("fine, expected", [(Decimal("10000"), Decimal("3000")), (Decimal("100000"), Decimal("15000")),
                                             (Decimal("5000000"), Decimal("300000"))])
def test_reward_amounts_follow_the_scale(world, fine, expected):
    scale = RewardScale.objects.get(code="hazard_share")
    assert services.reward_amount(scale, fine_yuan=fine) == expected


def test_concealment_rewards_per_death_are_capped(world):
    scale = RewardScale.objects.get(code="concealment_particularly_serious")
    assert services.reward_amount(scale, deaths=3) == Decimal("180000")
    assert services.reward_amount(scale, deaths=9) == Decimal("300000")


def test_a_reward_is_proposed_approved_and_paid(world):
    reg = world.users[Role.REGULATOR]
    r = reward(world)
    assert r.amount_yuan == Decimal("15000")
    r = services.approve_reward(r, actor=reg)
    r = services.pay_reward(r, actor=reg, paid_on=timezone.localdate(), reference="JL-1")
    assert r.state == RewardState.PAID
    # only real-name first tips earn one
    with pytest.raises(ValidationError):
        reward(world, confirmed(world, anonymous=True))


def _identity_strings():
    return list(IDENTITY.values())


def test_the_identity_is_in_no_answer_but_the_handlers(client, api, world):
    # given a real-name tip with a reward and a hazard
    reg = world.users[Role.REGULATOR]
    found = confirmed(world)
    reward(world, found)
    pages = [reverse("public:tips"), reverse("public:tip", args=[found.pk])]
    apis = [reverse("public-tip-list"), reverse("public-tip-detail", args=[found.pk]),
            reverse("public-reward-list")]
    # when every role reads the tip's pages and API
    for role in (Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.COMMITTEE_OFFICE, Role.EXPERT, Role.ADMIN):
        user = world.users[role]
        client.force_login(user)
        api.force_authenticate(user)
        for url in pages:
            body = client.get(url).content.decode()
            assert not any(s in body for s in _identity_strings()), (role, url)
        for url in apis:
            body = api.get(url).content.decode()
            assert not any(s in body for s in _identity_strings()), (role, url)
    # then only the identity page and endpoint show it, to the regulator (view_tip_identity), audited
    client.force_login(reg)
    api.force_authenticate(reg)
    assert IDENTITY["reporter_phone"] in client.get(reverse("public:tip_identity", args=[found.pk])).content.decode()
    assert api.get(reverse("public-tip-identity", args=[found.pk])).json()["reporter_name"] == IDENTITY["reporter_name"]
    assert list(IdentityAccess.objects.values_list("user", "channel")) == [(reg.pk, "api"), (reg.pk, "page")]
    for role in (Role.INDUSTRY_OFFICER, Role.COMMITTEE_OFFICE, Role.EXPERT):
        client.force_login(world.users[role])
        api.force_authenticate(world.users[role])
        assert client.get(reverse("public:tip_identity", args=[found.pk])).status_code in (403, 404)
        assert api.get(reverse("public-tip-identity", args=[found.pk])).status_code in (403, 404)
    assert IdentityAccess.objects.count() == 2
    # and no event, history row or log line of the tip holds it
    from anjian.core.models import Event

    blob = str(list(Event.objects.values_list("comment", "data"))) + str(list(found.history.values()))
    assert not any(s in blob for s in _identity_strings())


def test_grid_and_enterprise_users_never_see_tips(client, world):
    found, _ = tip(world)
    for role in (Role.GRID_OFFICER, Role.ENTERPRISE):
        client.force_login(world.users[role])
        assert client.get(reverse("public:tip", args=[found.pk])).status_code == 404


def test_the_tip_list_reads_in_a_fixed_number_of_queries(client, world):
    for _ in range(3):
        tip(world)
    client.force_login(world.users[Role.REGULATOR])
    client.get(reverse("public:tips"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("public:tips"))
    for _ in range(3):
        tip(world)
    with CaptureQueriesContext(connection) as more:
        r = client.get(reverse("public:tips"))
    assert r.status_code == 200 and len(more) == len(few)


def test_handling_through_the_api(api, world):
    found, _ = tip(world)
    api.force_authenticate(world.users[Role.REGULATOR])
    r = api.post(reverse("public-tip-accept", args=[found.pk]), {"version": found.version}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = api.post(reverse("public-tip-accept", args=[found.pk]), {"version": found.version}, format="json")
    assert r.status_code in (400, 409)
    api.force_authenticate(world.users[Role.COMMITTEE_OFFICE])
    assert api.post(reverse("public-tip-confirm", args=[found.pk]), {"reason": "x"}, format="json").status_code == 403

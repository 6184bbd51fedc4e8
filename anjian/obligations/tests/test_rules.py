"""The warning rules of the obligations app on the dates around their limits (the ``clock``
fixture fixes today at 2026-03-10 unless a test moves it)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.enterprises.services import change_operating_status
from anjian.obligations import services
from anjian.orgs.choices import Role

from .factories import certificate, licence, person

pytestmark = pytest.mark.django_db
D = datetime.date


def open_for(code: str, obj) -> bool:
    return Warning.objects.filter(rule=code, content_type=ContentType.objects.get_for_model(obj),
                                  object_id=str(obj.pk), closed_at__isnull=True).exists()


def scan(code: str, day: str):
    """Run one rule as of local noon of ``day``."""
    from anjian.core.testing.clock import local_moment

    sync_rule(get_rule(code), local_moment(day))


@pytest.mark.parametrize(("today", "ninety", "thirty"), [
    ("2026-03-10", False, False),   # 91 days left
    ("2026-03-11", True, False),    # 90 days left: the notice opens
    ("2026-05-09", True, False),    # 31 days left
    ("2026-05-10", False, True),    # 30 days left: the notice closes, the warning opens
    ("2026-06-09", False, True),    # the last valid day
    ("2026-06-10", False, False),   # expired: the licence rule takes over
])
def test_licence_expiry_warnings_at_90_and_30_days(world, clock, today, ninety, thirty):
    # given a construction licence valid until 2026-06-09 (91 days after 2026-03-10)
    lic = licence(world, world.ent_a_construction, valid_until=D(2026, 6, 9))
    # when both expiry rules scan on the day
    scan("obl_licence_expiring_90", today)
    scan("obl_licence_expiring_30", today)
    # then exactly the expected one is open
    assert open_for("obl_licence_expiring_90", lic) is ninety
    assert open_for("obl_licence_expiring_30", lic) is thirty


def test_a_renewal_ends_the_expiry_warning(world, clock):
    # given a licence 20 days from its end, warned
    lic = licence(world, world.ent_a_construction, valid_until=D(2026, 3, 30))
    scan("obl_licence_expiring_30", "2026-03-10")
    assert open_for("obl_licence_expiring_30", lic)
    # when the renewed licence is recorded
    licence(world, world.ent_a_construction, valid_from=D(2026, 3, 31), valid_until=D(2029, 3, 30))
    scan("obl_licence_expiring_30", "2026-03-10")
    # then the warning closes
    assert not open_for("obl_licence_expiring_30", lic)


def test_operating_without_a_valid_licence(world, clock):
    ent = world.ent_a_construction  # construction (0601) must hold 安全生产许可证
    rule = "obl_operating_without_licence"
    # given no licence at all: warned
    scan(rule, "2026-03-10")
    assert open_for(rule, ent)
    # and the machinery enterprise (0504: no kind names it) is not
    assert not open_for(rule, world.ent_a)
    # when a licence valid until 2026-04-30 is recorded, the warning closes
    lic = licence(world, ent, valid_until=D(2026, 4, 30))
    scan(rule, "2026-03-10")
    assert not open_for(rule, ent)
    # on its last day it is still valid, the day after it is not
    scan(rule, "2026-04-30")
    assert not open_for(rule, ent)
    scan(rule, "2026-05-01")
    assert open_for(rule, ent)
    # a suspended licence does not count either, and a stopped enterprise is not warned
    scan(rule, "2026-03-10")
    assert not open_for(rule, ent)
    services.suspend_licence(lic, actor=world.users[Role.REGULATOR], reason="整改期间暂扣")
    scan(rule, "2026-03-10")
    assert open_for(rule, ent)
    change_operating_status(ent, actor=world.users[Role.ADMIN], status="suspended", reason="停产整顿")
    scan(rule, "2026-03-10")
    assert not open_for(rule, ent)


def test_a_licence_of_another_kind_does_not_count(world, clock):
    # given a hazardous-chemical producer (0301) holding only a road transport licence
    licence(world, world.ent_b, kind_code="road_transport")
    scan("obl_operating_without_licence", "2026-03-10")
    assert open_for("obl_operating_without_licence", world.ent_b)


@pytest.mark.parametrize(("today", "warned"), [
    ("2026-03-10", False),  # appointed the same day of the month, 6 months ago: the last day allowed
    ("2026-03-11", True),   # the six months have passed
])
def test_six_month_rule_for_principals_of_high_risk_enterprises(world, clock, today, warned):
    # given the principal of a construction enterprise (high-risk) appointed on 2025-09-10, uncertified
    assert world.ent_a_construction.high_risk
    clock("2025-09-20")
    p = person(world, world.ent_a_construction, role="principal", appointed_on=D(2025, 9, 10))
    clock(today)
    scan("obl_person_uncertified", today)
    assert open_for("obl_person_uncertified", p) is warned


def test_six_month_rule_at_a_month_end(world, clock):
    # given a safety manager appointed on 31 August: six months end on the last day of February
    clock("2025-09-01")
    p = person(world, world.ent_a_construction, role="safety_manager", appointed_on=D(2025, 8, 31))
    scan("obl_person_uncertified", "2026-02-28")
    assert not open_for("obl_person_uncertified", p)
    scan("obl_person_uncertified", "2026-03-01")
    assert open_for("obl_person_uncertified", p)


def test_principal_of_a_non_high_risk_enterprise_is_not_warned(world, clock):
    assert not world.ent_a.high_risk  # machinery
    p = person(world, world.ent_a, role="principal", appointed_on=D(2024, 1, 1))
    scan("obl_person_uncertified", "2026-03-10")
    assert not open_for("obl_person_uncertified", p)


def test_special_operator_needs_a_valid_certificate_of_their_operation(world, clock):
    # given a welder without a certificate: warned at once (持证上岗)
    p = person(world, world.ent_a, role="special_operator", operation_type="welding",
               appointed_on=D(2026, 3, 1))
    scan("obl_person_uncertified", "2026-03-10")
    assert open_for("obl_person_uncertified", p)
    # a certificate of the wrong operation does not help
    certificate(world, p, operation_type="electrical", valid_until=D(2028, 1, 1))
    scan("obl_person_uncertified", "2026-03-10")
    assert open_for("obl_person_uncertified", p)
    # one for welding, valid until 2026-04-30, does; and the message names the role, not its code
    certificate(world, p, valid_until=D(2026, 4, 30))
    scan("obl_person_uncertified", "2026-03-10")
    assert not open_for("obl_person_uncertified", p)
    scan("obl_person_uncertified", "2026-04-30")
    assert not open_for("obl_person_uncertified", p)
    scan("obl_person_uncertified", "2026-05-01")
    assert open_for("obl_person_uncertified", p)
    message = Warning.objects.get(rule="obl_person_uncertified", object_id=str(p.pk), closed_at__isnull=True).message
    assert "特种作业人员" in message and "special_operator" not in message


def test_people_who_left_raise_nothing(world, clock):
    p = person(world, world.ent_a, role="special_operator")
    scan("obl_person_uncertified", "2026-03-10")
    assert open_for("obl_person_uncertified", p)
    services.person_left(p, actor=world.users[Role.ENTERPRISE])
    scan("obl_person_uncertified", "2026-03-10")
    assert not open_for("obl_person_uncertified", p)


@pytest.mark.parametrize(("today", "warned"), [
    ("2026-03-10", False),  # ends 2026-06-09: 91 days on
    ("2026-03-11", True),   # 90 days on
    ("2026-06-09", True),   # its last day
    ("2026-06-10", False),  # expired: the uncertified rule takes over
])
def test_certificate_expiry_warning_at_90_days(world, clock, today, warned):
    p = person(world, world.ent_a, role="special_operator")
    certificate(world, p, valid_until=D(2026, 6, 9))
    scan("obl_certificate_expiring", today)
    assert open_for("obl_certificate_expiring", p) is warned
    scan("obl_person_uncertified", today)
    assert open_for("obl_person_uncertified", p) is (today == "2026-06-10")

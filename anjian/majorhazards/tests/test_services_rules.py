"""Services (re-evaluation, persons, checks, state), the selectors other apps use, and the
warning rules raising and closing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.services import events_for
from anjian.majorhazards import services
from anjian.majorhazards.models import ResponsiblePerson, SourceEvaluation
from anjian.majorhazards.rules import period_start
from anjian.majorhazards.selectors import best_grade_by_enterprise, major_source_counts_by_enterprise
from anjian.orgs.choices import Role

from .helpers import make_source, staff

pytestmark = pytest.mark.django_db


def test_every_change_of_substances_or_population_re_evaluates(world):
    admin = world.users[Role.ADMIN]
    source = make_source(world, population=10)  # 40 t Cl: S 8, R = 1 × 32 → grade 3
    assert (source.s_value, source.r_value, source.grade) == (8, 32, 3)
    services.update_source(source, actor=admin, data={"population_500m": 100})  # α 2 → R 64, grade 2
    source.refresh_from_db()
    assert (source.r_value, source.grade, source.alpha) == (64, 2, 2)
    sub = source.substances.get()
    services.update_substance(sub, actor=admin, data={"quantity_t": 2})  # S 0.4: not major, no grade
    source.refresh_from_db()
    assert (source.is_major, source.grade, source.s_value) == (False, None, Decimal("0.4"))
    # a change of a field that does not count does not re-evaluate
    n = SourceEvaluation.objects.filter(source=source).count()
    services.update_source(source, actor=admin, data={"address": "一号罐区"})
    assert SourceEvaluation.objects.filter(source=source).count() == n == 3
    evaluation = SourceEvaluation.objects.filter(source=source).first()
    assert evaluation.inputs["population_500m"] == 100
    assert evaluation.inputs["substances"][0]["quantity_t"] == "2.0000"
    assert evaluation.items[0]["Q"] == 5.0 and evaluation.table.is_current
    assert events_for(source).filter(action="evaluated").count() == 3


def test_enterprise_user_cannot_change_another_enterprise_source(world):
    source = make_source(world, world.ent_b)
    with pytest.raises(PermissionDenied):
        services.update_source(source, actor=world.users[Role.ENTERPRISE], data={"name": "x"})
    with pytest.raises(PermissionDenied):
        services.update_source(source, actor=world.users[Role.REGULATOR], data={"name": "x"})
    services.update_source(source, actor=world.users["other_county"], data={"name": "x"})


def test_replacing_a_person_keeps_the_old_row_ended(world):
    admin = world.users[Role.ADMIN]
    source = make_source(world)
    old = services.appoint_person(source, actor=admin, data={"role": "principal", "name": "甲",
                                                             "appointed_on": datetime.date(2026, 1, 1)})
    source.refresh_from_db()  # each step moves the source's version on (a stale copy is refused)
    new = services.appoint_person(source, actor=admin, data={"role": "principal", "name": "乙",
                                                             "appointed_on": datetime.date(2026, 2, 1)})
    source.refresh_from_db()
    old.refresh_from_db()
    assert old.ended_on == datetime.date(2026, 1, 31) and new.ended_on is None
    assert ResponsiblePerson.objects.filter(source=source).count() == 2
    with pytest.raises(ValidationError):
        services.appoint_person(source, actor=admin, data={"role": "principal", "name": "丙",
                                                           "appointed_on": datetime.date(2026, 1, 15)})


def test_check_rules(world):
    admin = world.users[Role.ADMIN]
    source, other = make_source(world), make_source(world, world.ent_b)
    staff(source, admin)
    with pytest.raises(ValidationError):  # future date
        services.record_check(source, actor=admin, data={"role": "technical",
                                                         "checked_on": timezone.localdate() + datetime.timedelta(1)})
    other_person = staff(other, admin, roles=("technical",))[0]
    with pytest.raises(ValidationError):  # someone else's person
        services.record_check(source, actor=admin, data={"role": "technical", "person": other_person})


def test_selectors_for_other_apps(world, django_assert_num_queries):
    admin = world.users[Role.ADMIN]
    make_source(world, substances=[{"name": "氯", "quantity_t": 500}], population=200)          # grade 1
    make_source(world, substances=[{"name": "甲醇", "quantity_t": 600}])                       # grade 4
    make_source(world, substances=[{"name": "甲醇", "quantity_t": 1}])                          # not major
    b = make_source(world, world.ent_b, substances=[{"name": "氨", "quantity_t": 100}], population=60)  # R 30: 3
    gone = make_source(world, world.ent_a_construction, substances=[{"name": "氯", "quantity_t": 50}])
    services.change_state(gone, actor=admin, to_state="decommissioned", comment="拆除")
    ids = [world.ent_a.pk, world.ent_b.pk, world.ent_a_construction.pk, 999999]
    with django_assert_num_queries(1):
        assert best_grade_by_enterprise(ids) == {world.ent_a.pk: 1, world.ent_b.pk: 3}
    with django_assert_num_queries(1):
        assert major_source_counts_by_enterprise(iter(ids)) == {world.ent_a.pk: 2, world.ent_b.pk: 1}
    services.void_source(b, actor=admin, reason="重复")
    assert best_grade_by_enterprise(ids) == {world.ent_a.pk: 1}
    assert best_grade_by_enterprise([]) == {}


# --- warnings ---------------------------------------------------------------------------------

def _open(code, source):
    return Warning.objects.filter(rule=code, object_id=str(source.pk), closed_at__isnull=True).exists()


def test_missing_persons_warning_raises_and_closes(world):
    admin = world.users[Role.ADMIN]
    source = make_source(world)
    minor = make_source(world, substances=[{"name": "甲醇", "quantity_t": 1}])
    rule = get_rule("mh_persons_missing")
    sync_rule(rule)
    assert _open(rule.code, source) and not _open(rule.code, minor)
    staff(source, admin, roles=("principal", "technical"))
    sync_rule(rule)
    assert _open(rule.code, source)
    staff(source, admin, roles=("operational",))
    sync_rule(rule)
    assert not _open(rule.code, source)
    # ending a person without a successor raises it again
    services.end_person(source.persons.get(role="technical"), actor=admin, ended_on=datetime.date(2026, 3, 1))
    sync_rule(rule)
    assert _open(rule.code, source)


def test_technical_check_warning_follows_the_quarter(world, settings):
    admin = world.users[Role.ADMIN]
    source = make_source(world)
    staff(source, admin)
    rule = get_rule("mh_technical_check_due")
    now = timezone.make_aware(datetime.datetime(2026, 5, 20, 10))
    # a check last quarter does not count in this one
    services.record_check(source, actor=admin, data={"role": "technical", "checked_on": datetime.date(2026, 3, 30)})
    source.refresh_from_db()  # the check moved the source's version on
    sync_rule(rule, now)
    assert _open(rule.code, source)
    message = Warning.objects.get(rule=rule.code).message
    assert source.number in message and "2026-04-01" in message
    services.record_check(source, actor=admin, data={"role": "technical", "checked_on": datetime.date(2026, 4, 2)})
    sync_rule(rule, now)
    assert not _open(rule.code, source)
    # a monthly period (setting) asks again in June; a decommissioned source is left alone
    settings.ANJIAN_MH_TECHNICAL_CHECK_PERIOD = "month"
    june = timezone.make_aware(datetime.datetime(2026, 6, 3, 10))
    sync_rule(rule, june)
    assert _open(rule.code, source)
    settings.ANJIAN_MH_CHECK_GRACE_DAYS = 7
    sync_rule(rule, june)
    assert not _open(rule.code, source)


def test_operational_check_rule_is_off_by_default(world, settings):
    admin = world.users[Role.ADMIN]
    source = make_source(world)
    staff(source, admin)
    rule = get_rule("mh_operational_check_due")
    sync_rule(rule)
    assert not _open(rule.code, source)
    settings.ANJIAN_MH_OPERATIONAL_CHECK_PERIOD = "week"
    sync_rule(rule)
    assert _open(rule.code, source)


@pytest.mark.parametrize("day, period, start", [
    ("2026-05-20", "quarter", "2026-04-01"), ("2026-01-01", "quarter", "2026-01-01"),
    ("2026-12-31", "quarter", "2026-10-01"), ("2026-05-20", "month", "2026-05-01"),
    ("2026-05-20", "week", "2026-05-18"), ("2026-08-09", "half_year", "2026-07-01"),
])
def test_period_start(day, period, start):
    assert period_start(datetime.date.fromisoformat(day), period) == datetime.date.fromisoformat(start)

"""collect_records: the bad records of decided cases, accidents and listed major hazards, derived
once (idempotent, safe to re-run, a voided one not derived again), pending for confirmation."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from anjian.accidents.tests.factories import make_accident
from anjian.core.models import Event
from anjian.credit import services
from anjian.credit.models import CreditRecord
from anjian.enforcement.models import Case
from anjian.enforcement.tests.factories import make_case
from anjian.hazards.models import ListedSupervision
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard

pytestmark = pytest.mark.django_db


def decided_case(world, enterprise=None):
    case = make_case(world, enterprise=enterprise)
    Case.objects.filter(pk=case.pk).update(state="decided", decided_on=timezone.localdate(),
                                           decision_number="甲应急罚〔2026〕7号", filed_on=timezone.localdate())
    return Case.objects.get(pk=case.pk)


def listed_hazard(world, enterprise):
    hazard = make_hazard(enterprise, world.users[Role.ADMIN], major=True)
    return ListedSupervision.objects.create(
        hazard=hazard, level="county", department=world.dept_a, document_number="甲安委办督〔2026〕2号",
        deadline=timezone.localdate() + datetime.timedelta(days=60), listed_by=world.users[Role.REGULATOR],
        region_path=enterprise.region_path, enterprise=enterprise, industry=enterprise.industry)


@pytest.fixture
def sources(world, clock):
    case = decided_case(world)
    make_case(world)  # a clue: nothing to derive
    ordinary = make_accident(world.users[Role.ENTERPRISE], enterprise=world.ent_a)
    grave = make_accident(world.users[Role.ADMIN], enterprise=world.ent_b, deaths=3)
    make_accident(world.users[Role.ADMIN], region=world.township_a)  # no enterprise: nothing
    listing = listed_hazard(world, world.ent_a)
    return case, ordinary, grave, listing


def test_collect_derives_each_source_once(world, sources, django_assert_max_num_queries):
    case, ordinary, grave, listing = sources
    assert services.collect_records() == {"case": 1, "accident": 2, "listed_hazard": 1, "standardisation": 0}
    rows = {(r.source_type, r.source_id): r for r in CreditRecord.objects.select_related("kind")}
    assert set(rows) == {("case", case.pk), ("accident", ordinary.pk), ("accident", grave.pk),
                         ("listed_hazard", listing.pk)}
    assert rows[("accident", grave.pk)].kind.code == "accident_grave"
    assert rows[("accident", ordinary.pk)].kind.code == "accident_ordinary"
    assert rows[("case", case.pk)].document.endswith("甲应急罚〔2026〕7号")
    assert all(r.state == "pending" and r.region_path == r.enterprise.region_path for r in rows.values())
    assert Event.objects.filter(action="credit_record_collected").count() == 4
    # Re-running writes nothing, in a fixed number of queries.
    with django_assert_max_num_queries(7):  # one per source and the kinds
        assert services.collect_records() == {"case": 0, "accident": 0, "listed_hazard": 0, "standardisation": 0}
    assert CreditRecord.objects.count() == 4


def test_a_voided_derived_record_is_not_derived_again(world, sources):
    services.collect_records()
    rec = CreditRecord.objects.get(source_type="case")
    services.void_record(rec, actor=world.users[Role.REGULATOR], reason="处罚决定经复议撤销")
    assert services.collect_records()["case"] == 0
    assert CreditRecord.objects.filter(source_type="case").count() == 1


def test_new_sources_are_picked_up_on_the_next_run(world, sources):
    services.collect_records()
    decided_case(world, enterprise=world.ent_a_construction)
    assert services.collect_records() == {"case": 1, "accident": 0, "listed_hazard": 0, "standardisation": 0}


def test_a_failed_standardisation_spot_check_is_derived_once(world, clock):
    from anjian.obligations import services as obligations
    from anjian.obligations.tests.test_duties import _graded_county_a

    regulator = world.users[Role.REGULATOR]
    _graded_county_a(world, 2)
    check = obligations.draw_spot_check(actor=regulator, region=world.county_a, year=2026, seed="x", share=100)
    failed, passed = list(check.entries.order_by("order"))
    obligations.record_spot_result(failed, actor=regulator, passed=False, note="安全生产责任制未落实")
    obligations.record_spot_result(passed, actor=regulator, passed=True)
    assert services.collect_records()["standardisation"] == 1
    record = CreditRecord.objects.select_related("kind").get(source_type="standardisation")
    assert (record.source_id, record.enterprise_id, record.kind.code) == (failed.pk, failed.enterprise_id,
                                                                          "standardisation_failed")
    assert record.summary == "安全生产责任制未落实" and record.state == "pending"
    assert services.collect_records()["standardisation"] == 0

"""The list of seriously untrustworthy entities: the machine (propose → list → publish → removed at
the end of the term or early after credit repair; withdraw), the term and early removal on days
around their limits (frozen clock), the daily end of terms, joint punishment notices and their PDF."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.core.services import ConflictError
from anjian.credit import services
from anjian.credit.models import Blacklisting, EnterpriseCredit
from anjian.orgs.choices import Role

from .factories import listing, notice

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_propose_decide_publish_sets_the_term(world, clock):
    reg = world.users[Role.REGULATOR]
    found = listing(world, world.ent_a, decide=False)
    assert found.state == "proposed" and found.department == world.dept_a
    with pytest.raises(ValidationError):
        listing(world, world.ent_a, decide=False)  # one open listing per enterprise
    found = fresh(services.decide_listing(found, actor=reg, decision_number="甲应急失信〔2026〕1号",
                                          decided_on=datetime.date(2026, 3, 1)))
    assert (found.state, found.term_ends_on, found.repair_from) == (
        "listed", datetime.date(2029, 3, 1), datetime.date(2027, 3, 1))
    assert EnterpriseCredit.objects.get(enterprise=world.ent_a).blacklisted
    found = fresh(services.publish_listing(found, actor=reg, publication="信用中国（甲区）"))
    assert found.published_on == datetime.date(2026, 3, 10)
    with pytest.raises(ValidationError):
        services.publish_listing(found, actor=reg, publication="again")


def test_a_stale_version_is_a_conflict(world, clock):
    found = listing(world, world.ent_a, decide=False)
    with pytest.raises(ConflictError):
        services.decide_listing(found, actor=world.users[Role.REGULATOR], decision_number="1号",
                                version=found.version + 1)


@pytest.mark.parametrize(("today", "allowed"), [("2027-02-28", False), ("2027-03-01", True)])
def test_early_removal_after_twelve_months(world, clock, today, allowed):
    found = listing(world, world.ent_a, decided_on=datetime.date(2026, 3, 1))
    clock(today)
    if not allowed:
        with pytest.raises(ValidationError) as err:
            services.repair_listing(found, actor=world.users[Role.REGULATOR], reason="已整改并公开承诺")
        assert "repair_from" in err.value.message_dict
        return
    done = fresh(services.repair_listing(found, actor=world.users[Role.REGULATOR], reason="已整改并公开承诺"))
    assert (done.state, done.removed_on, done.removal_reason) == ("repaired", datetime.date(2027, 3, 1), "已整改并公开承诺")
    assert not EnterpriseCredit.objects.get(enterprise=world.ent_a).blacklisted


def test_repair_needs_a_reason(world, clock):
    found = listing(world, world.ent_a, decided_on=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.repair_listing(found, actor=world.users[Role.REGULATOR], reason=" ")


@pytest.mark.parametrize(("today", "ended"), [("2029-02-28", 0), ("2029-03-01", 1), ("2029-03-02", 1)])
def test_term_ends_on_the_day(world, clock, today, ended):
    found = listing(world, world.ent_a, decided_on=datetime.date(2026, 3, 1))
    clock(today)
    assert services.end_terms() == ended
    assert fresh(found).state == ("expired" if ended else "listed")
    assert services.end_terms() == 0  # idempotent
    assert EnterpriseCredit.objects.get(enterprise=world.ent_a).blacklisted is not bool(ended)


def test_expire_by_hand_refused_before_the_term(world, clock):
    found = listing(world, world.ent_a)
    with pytest.raises(ValidationError):
        services.expire_listing(found, actor=world.users[Role.REGULATOR])


def test_withdraw_a_proposal(world, clock):
    found = listing(world, world.ent_a, decide=False)
    done = fresh(services.withdraw_listing(found, actor=world.users[Role.REGULATOR], reason="当事人陈述申辩成立"))
    assert done.state == "withdrawn"
    listing(world, world.ent_a, decide=False)  # a new proposal is possible again


@pytest.mark.parametrize("who", [Role.ENTERPRISE, Role.GRID_OFFICER, Role.COMMITTEE_OFFICE, "other_county"])
def test_only_regulators_of_the_jurisdiction_decide(world, clock, who):
    with pytest.raises(PermissionDenied):
        services.propose_listing(actor=world.users[who], enterprise=world.ent_a, data={"reason": "x"})


def test_joint_notice_needs_a_listing_and_prints(world, clock):
    proposed = listing(world, world.ent_a, decide=False)
    with pytest.raises(ValidationError):
        notice(world, proposed)
    listed = services.decide_listing(proposed, actor=world.users[Role.REGULATOR], decision_number="甲应急失信〔2026〕9号")
    draft = notice(world, fresh(listed))
    issued = fresh(services.issue_notice(draft, actor=world.users[Role.REGULATOR]))
    assert issued.state == "issued" and issued.issued_on == datetime.date(2026, 3, 10)
    from anjian.credit.documents import notice_pdf

    pdf = notice_pdf(issued)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    with pytest.raises(ValidationError):
        services.void_record(issued, actor=world.users[Role.REGULATOR], reason="错发")
    assert Blacklisting.objects.filter(pk=listed.pk, state="listed").exists()

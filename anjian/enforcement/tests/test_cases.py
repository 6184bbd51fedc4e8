"""Administrative cases (行政执法案件): the state machine and its guards (discretion range, legal
review, the party's reply period), the deadlines around their limits (clock), 409 on a stale
version, scoping, the public page and the query counts of the lists."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.core.services import ConflictError
from anjian.enforcement import selectors_cases as sel
from anjian.enforcement import services
from anjian.enforcement.choices import CaseState
from anjian.enforcement.models import Case, Violation
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_user

from .factories import make_case

pytestmark = pytest.mark.django_db
D = datetime.date


def _v(code: str) -> Violation:
    return Violation.objects.get(code=code)


def _to_notified(world, case, *, fine=30_000, tier="general", code="SCF-099-1", reason="", on=None):
    reg = world.users[Role.REGULATOR]
    services.set_violations(case, actor=reg, items=[{"violation": _v(code), "tier": tier, "fine": fine,
                                                     "deviation_reason": reason}])
    return services.notify_case(case, actor=reg, notified_on=on)


# --- the catalogue ------------------------------------------------------------------------------

def test_the_catalogue_ships_sourced_entries_with_tiers():
    # given the migrated catalogue
    assert 20 <= Violation.objects.count() <= 40
    v = _v("SCF-099-1")
    # then each entry names its law and article, and the tiers split its statutory range
    assert "安全生产法" in v.law and v.article.startswith("第九十九条") and v.certainty == "confirmed"
    tiers = {t.tier: (t.min_fine, t.max_fine) for t in v.tiers.all()}
    assert tiers == {"lighter": (0, 20_000), "general": (20_000, 30_000), "heavier": (30_000, 50_000)}
    assert all(t.certainty == "unconfirmed" for t in v.tiers.all())


# --- the machine ----------------------------------------------------------------------------------

def test_a_case_runs_from_the_clue_to_its_close(world, clock):
    reg = world.users[Role.REGULATOR]
    clock("2026-03-02 09:00")
    # given a clue found today about an enterprise, with no accident: a pre-accident case
    case = make_case(world)
    assert case.state == CaseState.PENDING and case.pre_accident and case.number.startswith("AJ2026-")
    # 7 working days from Monday 2 March: Wednesday 11 March
    assert case.file_due == D(2026, 3, 11)
    case = services.file_case(case, actor=reg)
    assert case.state == CaseState.INVESTIGATING and case.decide_due == D(2026, 3, 2) + datetime.timedelta(days=90)
    services.add_party(case, actor=reg, kind="person", name="张三", post="主要负责人")
    services.add_evidence(case, actor=reg, description="现场检查笔录一份")
    case.refresh_from_db()
    case = _to_notified(world, case, fine=25_000)
    assert case.state == CaseState.NOTIFIED and not case.hearing_offered
    # when the party's five days have passed
    clock("2026-03-08 09:00")
    case = services.decide_case(case, actor=reg, decision_text="罚款二万五千元", public_summary="未设置安全警示标志，罚款")
    assert case.state == CaseState.DECIDED and case.fine_amount == Decimal(25_000)
    case = services.publish_case(case, actor=reg)
    case = services.record_execution(case, actor=reg, paid_amount=25_000, paid_on=D(2026, 3, 8))
    case = services.close_case(case, actor=reg)
    assert case.state == CaseState.CLOSED and sel.decided_on_time(case) is True
    actions = list(case_events(case))
    assert actions[:3] == ["created", "case_filed", "case_party_added"]
    assert actions[-3:] == ["case_published", "case_executed", "case_closed"]


def case_events(case):
    from anjian.core.services import events_for

    return reversed([e.action for e in events_for(case)])


def test_the_decision_waits_for_the_reply_period_unless_a_statement_was_recorded(world, clock):
    reg = world.users[Role.REGULATOR]
    clock("2026-03-02 09:00")
    case = services.file_case(make_case(world), actor=reg)
    case = _to_notified(world, case, fine=10_000, tier="lighter")  # notified on 2 March
    # on the fifth day after the notice the party may still ask for a hearing
    clock("2026-03-07 18:00")
    with pytest.raises(ValidationError) as err:
        services.decide_case(case, actor=reg, decision_text="罚款", public_summary="罚款")
    assert "notified_on" in err.value.message_dict
    # the day after, it may not
    clock("2026-03-08 08:00")
    assert sel.reply_period_over(case)
    # and a recorded statement ends the wait at once
    clock("2026-03-03 09:00")
    case = services.record_statement(case, actor=reg, statement="当事人放弃陈述申辩")
    assert services.decide_case(case, actor=reg, decision_text="罚款", public_summary="罚款").state == "decided"


def test_a_fine_outside_its_tier_needs_a_reason(world):
    reg = world.users[Role.REGULATOR]
    case = services.file_case(make_case(world), actor=reg)
    # given the general tier of Art. 99 (20,000–30,000), a fine of 35,000 without reason is refused
    with pytest.raises(ValidationError) as err:
        services.set_violations(case, actor=reg, items=[{"violation": _v("SCF-099-1"), "tier": "general",
                                                         "fine": 35_000}])
    assert "violations" in err.value.message_dict
    # the limits themselves are inside
    for fine in (20_000, 30_000):
        services.set_violations(case, actor=reg, items=[{"violation": _v("SCF-099-1"), "tier": "general",
                                                         "fine": fine}])
    # and with a reason it is recorded
    case = services.set_violations(case, actor=reg, items=[{"violation": _v("SCF-099-1"), "tier": "general",
                                                            "fine": 35_000, "deviation_reason": "多次违法，从重"}])
    assert Case.objects.get(pk=case.pk).fine_amount == 35_000
    # a replaced row is kept, not deleted
    assert case.violations.count() == 3 and case.violations.filter(is_voided=False).count() == 1


def test_a_major_decision_needs_the_legal_review_by_someone_else(world, clock):
    reg = world.users[Role.REGULATOR]
    clock("2026-03-02 09:00")
    case = services.file_case(make_case(world), actor=reg)
    # given a fine of 50,000 on the unit: the threshold of a large fine (较大数额), review required
    case = _to_notified(world, case, fine=50_000, tier="heavier")
    assert case.hearing_offered and sel.review_required(case)
    clock("2026-03-10 09:00")
    with pytest.raises(ValidationError) as err:
        services.decide_case(case, actor=reg, decision_text="罚款五万元", public_summary="罚款")
    assert "reviewed_at" in err.value.message_dict or "measure" in err.value.message_dict
    case = services.submit_review(case, actor=reg)
    # the handler may not review their own case
    with pytest.raises(PermissionDenied):
        services.review_case(case, actor=reg, opinion="同意")
    lawyer = make_user(Role.REGULATOR, scope_region=world.county_a, department=world.dept_a)
    case = services.review_case(case, actor=lawyer, opinion="事实清楚，证据确凿，适用依据正确")
    case = services.decide_case(case, actor=reg, decision_text="罚款五万元", public_summary="罚款")
    assert case.state == CaseState.DECIDED


def test_closure_as_a_measure_needs_the_review_even_for_a_small_fine(world, clock):
    reg = world.users[Role.REGULATOR]
    clock("2026-03-02 09:00")
    case = _to_notified(world, services.file_case(make_case(world), actor=reg), fine=1_000, tier="lighter")
    clock("2026-03-10 09:00")
    with pytest.raises(ValidationError) as err:
        services.decide_case(case, actor=reg, decision_text="关闭", public_summary="关闭", measure="closure")
    assert "measure" in err.value.message_dict


def test_outcomes_not_filed_withdrawn_transferred(world):
    reg = world.users[Role.REGULATOR]
    assert services.decline_case(make_case(world), actor=reg, reason="不属于本部门管辖").state == "not_filed"
    filed = services.file_case(make_case(world), actor=reg)
    assert services.revoke_case(filed, actor=reg, reason="违法事实不成立").state == "revoked"
    filed = services.file_case(make_case(world), actor=reg)
    done = services.transfer_case(filed, actor=reg, to="甲区公安分局", reason="涉嫌重大责任事故罪")
    assert done.state == "transferred" and done.transferred_to == "甲区公安分局"
    # and a closed step is refused, naming the state
    with pytest.raises(ValidationError) as err:
        services.file_case(done, actor=reg)
    assert "state" in err.value.message_dict


def test_the_time_limit_is_extended_within_what_the_limit_allows(world, clock):
    reg = world.users[Role.REGULATOR]
    clock("2026-03-02 09:00")
    case = services.file_case(make_case(world), actor=reg)
    case = services.extend_case(case, actor=reg, days=60, reason="案情复杂")
    assert case.decide_due == D(2026, 3, 2) + datetime.timedelta(days=150)
    with pytest.raises(ValidationError) as err:
        services.extend_case(case, actor=reg, days=31, reason="再次延期")
    assert "days" in err.value.message_dict


def test_a_stale_version_is_a_conflict(world):
    reg = world.users[Role.REGULATOR]
    case = make_case(world)
    stale = Case.objects.get(pk=case.pk)
    services.file_case(case, actor=reg)
    with pytest.raises(ConflictError):
        services.decline_case(stale, actor=reg, reason="重复立案")


def test_an_enterprise_user_and_another_county_cannot_act(world):
    case = make_case(world)
    for who in (world.users[Role.ENTERPRISE], world.users["other_county"], world.users[Role.COMMITTEE_OFFICE]):
        with pytest.raises((PermissionDenied, ValidationError)):
            services.file_case(case, actor=who)
    # the industry officer handles but does not decide
    from anjian.enforcement.policy import policy
    assert policy.can(world.users[Role.INDUSTRY_OFFICER], "decide_case", case) is False

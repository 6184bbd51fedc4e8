"""The hazard warning rules: each raises a warning exactly when its condition holds and closes it
when the cause is gone; thresholds come from settings; rescans never duplicate.

Time passes by scanning at a later ``now`` (the rules take ``now``), so no clock is faked."""

import datetime

import pytest
from django.utils import timezone

from anjian.alerts.engine import get_rule, run_all_rules, sync_rule
from anjian.alerts.models import Warning
from anjian.hazards import services
from anjian.hazards.choices import ListingLevel
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import (
    COMPLETE_PLAN,
    make_dual_report,
    make_hazard,
    make_user,
    pass_recheck,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n: int) -> datetime.datetime:
    """The moment n days from now (the scan's ``now``)."""
    return timezone.now() + datetime.timedelta(days=n)


def open_warnings(rule: str, hazard=None):
    qs = Warning.objects.filter(rule=rule, closed_at__isnull=True)
    if hazard is not None:
        qs = qs.filter(object_id=str(hazard.pk))
    return qs


def scan(rule: str, now: datetime.datetime) -> dict:
    return sync_rule(get_rule(rule), now).as_dict()


@pytest.fixture
def admin(world):
    return world.users[Role.ADMIN]


@pytest.fixture
def ent_user(world):
    return world.users[Role.ENTERPRISE]


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


# --- overdue rectification -------------------------------------------------------------------------

def test_overdue_raises_after_the_deadline_and_not_before(world, ent_user):
    # given a general hazard due in 2 days
    h = make_hazard(world.ent_a, ent_user, deadline=TODAY() + datetime.timedelta(days=2))
    # when scanned today and on the deadline itself, then nothing is raised
    assert scan("hazard_overdue", days(0))["raised"] == 0
    assert scan("hazard_overdue", days(2))["raised"] == 0
    # when scanned the day after the deadline, then one warning is raised with the hazard's keys
    assert scan("hazard_overdue", days(3)) == {"raised": 1, "closed": 0, "refreshed": 0}
    w = open_warnings("hazard_overdue", h).get()
    assert (w.region_path, w.enterprise_id, w.industry_id, w.grid_id) == (h.region_path, h.enterprise_id,
                                                                          h.industry_id, h.grid_id)
    assert w.level == Warning.Level.WARNING
    assert h.number in w.message and str(h.deadline) in w.message
    assert w.target == h


def test_overdue_major_hazard_is_severe(world, regulator):
    # given an overdue major hazard, when scanned, then its warning is severe
    h = make_hazard(world.ent_a, regulator, major=True, deadline=TODAY())
    scan("hazard_overdue", days(1))
    assert open_warnings("hazard_overdue", h).get().level == Warning.Level.SEVERE


def test_overdue_closes_when_an_approved_extension_moves_the_deadline(world, ent_user):
    # given an overdue warning raised two days past the deadline
    h = make_hazard(world.ent_a, ent_user, deadline=TODAY() + datetime.timedelta(days=1))
    later = days(3)
    scan("hazard_overdue", later)
    assert open_warnings("hazard_overdue", h).count() == 1
    # when an extension to 10 days from now is requested and approved
    ext = services.request_extension(h, actor=ent_user, new_deadline=TODAY() + datetime.timedelta(days=10),
                                     reason="设备到货延迟")
    services.decide_extension(ext, actor=ent_user, approve=True)
    # then the next scan closes the warning (closed_at = the scan's now)
    assert scan("hazard_overdue", later)["closed"] == 1
    w = Warning.objects.get(rule="hazard_overdue", object_id=str(h.pk))
    assert w.closed_at == later


def test_overdue_closes_when_rectification_is_submitted(world, ent_user):
    # given an overdue hazard in rectification with its warning
    h = make_hazard(world.ent_a, ent_user, deadline=TODAY())
    h = services.start_rectification(h, actor=ent_user)
    scan("hazard_overdue", days(1))
    assert open_warnings("hazard_overdue", h).count() == 1
    # when the rectification is submitted, then the warning closes (the deadline no longer runs)
    services.submit_rectification(h, actor=ent_user, note="已更换")
    assert scan("hazard_overdue", days(1))["closed"] == 1
    assert not open_warnings("hazard_overdue").exists()


def test_voiding_a_hazard_closes_its_warnings(world, ent_user, admin):
    # given an overdue warning
    h = make_hazard(world.ent_a, ent_user, deadline=TODAY())
    scan("hazard_overdue", days(1))
    # when the hazard is voided, then its warning closes
    services.void_hazard(h, actor=admin, reason="重复录入")
    assert scan("hazard_overdue", days(1))["closed"] == 1


def test_rescanning_creates_no_duplicates_and_a_new_cause_raises_again(world, ent_user):
    # given an overdue hazard scanned three times
    h = make_hazard(world.ent_a, ent_user, deadline=TODAY())
    results = [run_all_rules(days(1))["hazard_overdue"] for _ in range(3)]
    # then one warning exists, raised once
    assert [r["raised"] for r in results] == [1, 0, 0]
    assert Warning.objects.filter(rule="hazard_overdue", object_id=str(h.pk)).count() == 1
    # when the cause goes (extension) and comes back (a later scan past the new deadline)
    ext = services.request_extension(h, actor=ent_user, new_deadline=TODAY() + datetime.timedelta(days=5),
                                     reason="延期")
    services.decide_extension(ext, actor=ent_user, approve=True)
    run_all_rules(days(1))
    run_all_rules(days(6))
    # then the first warning stays closed and a new one is open: history is kept
    rows = Warning.objects.filter(rule="hazard_overdue", object_id=str(h.pk)).order_by("id")
    assert [w.closed_at is None for w in rows] == [False, True]


# --- waiting for acceptance -------------------------------------------------------------------------

def _rectified(world, actor, *, major=False):
    h = make_hazard(world.ent_a, actor, major=major)
    if major:
        h = services.update_plan(h, actor=actor, plan=COMPLETE_PLAN)
    h = services.start_rectification(h, actor=actor)
    return services.submit_rectification(h, actor=actor, note="整改完毕")


def test_general_hazard_waiting_for_acceptance_warns_the_enterprise(world, ent_user):
    # given a general hazard rectified now
    h = _rectified(world, ent_user)
    # when 7 days pass (the default threshold), then nothing yet; after 8, a warning
    assert scan("hazard_acceptance_waiting", days(7) - datetime.timedelta(minutes=1))["raised"] == 0
    assert scan("hazard_acceptance_waiting", days(8))["raised"] == 1
    assert get_rule("hazard_acceptance_waiting").roles == {Role.ENTERPRISE}
    # and the major-hazard rule does not take it
    assert scan("major_acceptance_waiting", days(8))["raised"] == 0
    # when the enterprise accepts (another of its users: the rectifier does not, issue #10), then
    # the warning closes
    services.accept_rectification(h, actor=make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a))
    assert scan("hazard_acceptance_waiting", days(8))["closed"] == 1


def test_major_hazard_waiting_for_acceptance_warns_the_regulator(world, ent_user, regulator):
    # given a major hazard rectified by the enterprise
    h = _rectified(world, ent_user, major=True)
    # when 8 days pass, then the major rule raises a severe warning for the regulators
    assert scan("major_acceptance_waiting", days(8))["raised"] == 1
    w = open_warnings("major_acceptance_waiting", h).get()
    assert w.level == Warning.Level.SEVERE
    assert Role.REGULATOR in get_rule("major_acceptance_waiting").roles
    assert Role.ENTERPRISE not in get_rule("major_acceptance_waiting").roles
    # when the regulator refuses the acceptance (back to rectifying), then it closes
    services.refuse_acceptance(h, actor=regulator, reason="证据不足")
    assert scan("major_acceptance_waiting", days(8))["closed"] == 1


def test_acceptance_threshold_comes_from_settings(world, ent_user, settings):
    # given a hazard rectified now and a threshold of 10 days
    settings.ANJIAN_WARN_ACCEPTANCE_DAYS = 10
    _rectified(world, ent_user)
    # when 8 days pass, then nothing; after 11 days, a warning naming the threshold
    assert scan("hazard_acceptance_waiting", days(8))["raised"] == 0
    assert scan("hazard_acceptance_waiting", days(11))["raised"] == 1
    assert "10" in open_warnings("hazard_acceptance_waiting").get().message


# --- major hazard without a complete 五落实 plan ---------------------------------------------------------

def test_plan_missing_raises_after_the_threshold_and_closes_when_completed(world, regulator, ent_user):
    # given a major hazard found now with an incomplete plan (funds missing)
    h = make_hazard(world.ent_a, regulator, major=True, deadline=TODAY() + datetime.timedelta(days=30))
    h = services.update_plan(h, actor=ent_user, plan={k: v for k, v in COMPLETE_PLAN.items() if k != "plan_funds"})
    # when 2 days pass, then nothing; after 4 days (threshold 3), a severe warning
    assert scan("major_plan_missing", days(2))["raised"] == 0
    assert scan("major_plan_missing", days(4))["raised"] == 1
    assert open_warnings("major_plan_missing", h).get().level == Warning.Level.SEVERE
    # when the plan is completed, then the warning closes
    services.update_plan(h, actor=ent_user, plan={"plan_funds": 1000})
    assert scan("major_plan_missing", days(4))["closed"] == 1


def test_plan_of_blanks_counts_as_missing(world, regulator, ent_user):
    # given a major hazard whose responsible person is only spaces
    h = make_hazard(world.ent_a, regulator, major=True, deadline=TODAY() + datetime.timedelta(days=30))
    services.update_plan(h, actor=ent_user, plan={**COMPLETE_PLAN, "plan_responsible": "   "})
    # then the plan is incomplete for the rule, as for the model
    assert scan("major_plan_missing", days(4))["raised"] == 1


def test_general_hazards_and_complete_plans_raise_nothing(world, regulator, ent_user):
    # given a general hazard and a major one with a complete plan
    make_hazard(world.ent_a, ent_user, deadline=TODAY() + datetime.timedelta(days=30))
    h = make_hazard(world.ent_a, regulator, major=True, deadline=TODAY() + datetime.timedelta(days=30))
    services.update_plan(h, actor=ent_user, plan=COMPLETE_PLAN)
    # then no plan warning
    assert scan("major_plan_missing", days(10))["raised"] == 0


def test_plan_threshold_comes_from_settings(world, regulator, settings):
    settings.ANJIAN_WARN_PLAN_DAYS = 1
    make_hazard(world.ent_a, regulator, major=True, deadline=TODAY() + datetime.timedelta(days=30))
    assert scan("major_plan_missing", days(2))["raised"] == 1


# --- dual report ------------------------------------------------------------------------------------------

def test_dual_report_missing_until_both_reports_are_recorded(world, regulator, ent_user):
    # given a major hazard found now
    h = make_hazard(world.ent_a, regulator, major=True, deadline=TODAY() + datetime.timedelta(days=30))
    # when 6 days pass, nothing; after 8 days (threshold 7), a warning
    assert scan("major_dual_report_missing", days(6))["raised"] == 0
    assert scan("major_dual_report_missing", days(8))["raised"] == 1
    # when only the report to the regulator is recorded, then it stays open
    make_dual_report(h, ent_user, "regulator")
    assert scan("major_dual_report_missing", days(8)) == {"raised": 0, "closed": 0, "refreshed": 0}
    # when the report to the workers' congress follows, then it closes
    make_dual_report(h, ent_user, "congress")
    assert scan("major_dual_report_missing", days(8))["closed"] == 1


def test_dual_report_threshold_comes_from_settings(world, regulator, settings):
    settings.ANJIAN_WARN_DUAL_REPORT_DAYS = 30
    make_hazard(world.ent_a, regulator, major=True, deadline=TODAY() + datetime.timedelta(days=60))
    assert scan("major_dual_report_missing", days(8))["raised"] == 0
    assert scan("major_dual_report_missing", days(31))["raised"] == 1


# --- listed supervision past its deadline ---------------------------------------------------------------

def test_listing_overdue_raises_for_regulators_and_closes_on_delisting(world, regulator, ent_user):
    # given a major hazard listed for supervision with a deadline in 5 days
    h = make_hazard(world.ent_a, regulator, major=True, deadline=TODAY() + datetime.timedelta(days=30))
    h = services.update_plan(h, actor=ent_user, plan=COMPLETE_PLAN)
    listing = services.list_for_supervision(h, actor=regulator, level=ListingLevel.COUNTY, department=world.dept_a,
                                            deadline=TODAY() + datetime.timedelta(days=5))
    # when scanned on the deadline, nothing; the day after, a severe warning about the hazard
    assert scan("listing_overdue", days(5))["raised"] == 0
    assert scan("listing_overdue", days(6))["raised"] == 1
    w = open_warnings("listing_overdue", h).get()
    assert (w.level, w.region_path, w.grid_id, w.enterprise_id) == (Warning.Level.SEVERE, h.region_path,
                                                                    h.grid_id, h.enterprise_id)
    assert get_rule("listing_overdue").roles == {Role.REGULATOR, Role.INDUSTRY_OFFICER}
    # when the hazard is rectified, accepted by the regulator, closed and delisted
    h.refresh_from_db()
    h = services.start_rectification(h, actor=ent_user)
    h = services.submit_rectification(h, actor=ent_user, note="已整改")
    h = pass_recheck(services.accept_rectification(h, actor=regulator), regulator)
    h = services.close_hazard(h, actor=regulator)
    # then while still listed the warning stays; once delisted it closes
    assert scan("listing_overdue", days(6))["closed"] == 0
    listing.refresh_from_db()
    services.delist(listing, actor=regulator)
    assert scan("listing_overdue", days(6))["closed"] == 1


# --- run_all_rules ------------------------------------------------------------------------------------

def test_run_all_rules_reports_counts_per_rule(world, ent_user):
    # given one overdue general hazard
    make_hazard(world.ent_a, ent_user, deadline=TODAY())
    # when every rule is scanned, then each hazard rule reports its counts
    result = run_all_rules(days(1))
    for code in ("hazard_overdue", "hazard_acceptance_waiting", "major_acceptance_waiting", "major_plan_missing",
                 "major_dual_report_missing", "listing_overdue"):
        assert code in result
    assert result["hazard_overdue"]["raised"] == 1
    assert result["_retired"] == {"closed": 0}

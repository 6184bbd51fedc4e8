"""Annual enforcement plans: the frequency computed from the risk grade and the uplifts, building a
plan (jurisdiction, closed enterprises, duplicates), setting visits by hand, approval, progress and
the warning for enterprises behind schedule, the API and the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.enforcement import services
from anjian.enforcement.choices import PlanState
from anjian.enforcement.frequency import Factors, factors_for, tables, visits
from anjian.enforcement.models import FrequencyUplift, PlanEntry
from anjian.enforcement.rules import plan_behind
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, make_hazard
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, api_url, expect
from anjian.risks.models import SupervisionFrequency

from .factories import make_plan

pytestmark = pytest.mark.django_db


def test_the_frequency_is_the_grade_s_base_plus_the_uplifts(world):
    # given the shipped tables: major 4, high 2, moderate 1, low 1; uplifts +2, +2, +1 (and credit's)
    base, uplifts = tables()
    assert base == {"major": 4, "high": 2, "moderate": 1, "low": 1}
    assert uplifts == {"open_major_hazard": 2, "accident_last_year": 2, "case_last_year": 1,
                       # the credit factors (anjian.credit): blacklisted, poor grade, green channel
                       "blacklisted": 2, "poor_credit": 1, "green_channel": -1}
    # then a high-risk enterprise with an open major hazard and a case last year: 2 + 2 + 1 = 5
    assert visits(Factors("high", open_major_hazards=1, case_last_year=True), base, uplifts) == (2, 5)
    # and an enterprise not graded yet plans as a low-risk one: 1
    assert visits(Factors(""), base, uplifts) == (1, 1)
    # and an administrator's change of the tables is what counts next time
    SupervisionFrequency.objects.filter(level="low").update(per_year=0)
    FrequencyUplift.objects.filter(factor="accident_last_year").update(extra_visits=3)
    base, uplifts = tables()
    assert visits(Factors("", accident_last_year=True), base, uplifts) == (0, 3)


def test_the_factors_are_read_from_hazards_and_accidents(world):
    from anjian.accidents.tests.factories import make_accident

    admin = world.users[Role.ADMIN]
    year = timezone.localdate().year
    make_hazard(world.ent_a, admin, major=True)
    make_accident(admin, enterprise=world.ent_a_construction,
                  occurred_at=timezone.make_aware(datetime.datetime(year - 1, 6, 1, 10)))
    found = factors_for([world.ent_a.pk, world.ent_a_construction.pk], year)
    assert found[world.ent_a.pk].open_major_hazards == 1 and not found[world.ent_a.pk].accident_last_year
    assert found[world.ent_a_construction.pk].accident_last_year
    # an accident of this year is not last year's
    assert not factors_for([world.ent_a_construction.pk], year + 1)[world.ent_a_construction.pk].accident_last_year


def test_a_plan_covers_the_department_s_region_and_the_actor_s_jurisdiction(world):
    regulator = world.users[Role.REGULATOR]
    plan = make_plan(world, regulator, random_share=20)
    closed = EnterpriseFactory(region=world.township_a, industry=world.ent_a.industry, status="closed")
    added = services.add_enterprises(plan, actor=regulator, enterprises=Enterprise.objects.all())
    # then county A's two operating enterprises are in it; county B's and the closed one are not
    assert added == 2
    assert set(plan.entries.values_list("enterprise_id", flat=True)) == {world.ent_a.pk, world.ent_a_construction.pk}
    assert not plan.entries.filter(enterprise=closed).exists()
    # and adding them again adds nothing
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.add_enterprises(plan, actor=regulator, enterprises=Enterprise.objects.all())
    assert "enterprises" in exc.value.error_dict


def test_one_plan_per_department_and_year_and_only_in_the_jurisdiction(world):
    make_plan(world)
    with pytest.raises(ValidationError) as exc:
        make_plan(world)
    assert "year" in exc.value.error_dict
    with pytest.raises(PermissionDenied):
        make_plan(world, department=world.dept_b)
    with pytest.raises(PermissionDenied):
        make_plan(world, world.users[Role.COMMITTEE_OFFICE])


def test_visits_set_by_hand_need_a_reason_and_survive_a_refresh(world):
    regulator = world.users[Role.REGULATOR]
    plan = make_plan(world, regulator)
    services.add_enterprises(plan, actor=regulator, enterprises=Enterprise.objects.filter(pk=world.ent_a.pk))
    entry = plan.entries.get()
    with pytest.raises(ValidationError) as exc:
        services.set_visits(entry, actor=regulator, planned_visits=6, reason="")
    assert "reason" in exc.value.error_dict
    entry = services.set_visits(entry, actor=regulator, planned_visits=6, reason="群众举报较多")
    assert (entry.planned_visits, entry.computed_visits, entry.override_reason) == (6, 1, "群众举报较多")
    # a major hazard appears: the refresh recomputes the factors but keeps the hand-set visits
    make_hazard(world.ent_a, world.users[Role.ADMIN], major=True)
    plan.refresh_from_db()
    assert services.refresh_plan(plan, actor=regulator) == 1
    entry.refresh_from_db()
    assert (entry.open_major_hazards, entry.computed_visits, entry.planned_visits) == (1, 3, 6)


def test_approval_revision_and_the_approver(world):
    regulator, industry = world.users[Role.REGULATOR], world.users[Role.INDUSTRY_OFFICER]
    plan = make_plan(world, regulator)
    # an empty plan is not approved, naming the entries
    with pytest.raises(ValidationError) as exc:
        services.approve_plan(plan, actor=regulator)
    assert "entries" in exc.value.error_dict
    services.add_enterprises(plan, actor=regulator, enterprises=Enterprise.objects.all())
    plan.refresh_from_db()
    # an industry officer builds plans but does not approve them
    with pytest.raises(PermissionDenied):
        services.approve_plan(plan, actor=industry)
    plan = services.approve_plan(plan, actor=regulator, comment="局务会通过")
    assert plan.state == PlanState.APPROVED and plan.approved_by == regulator
    # an approved plan is not changed until it is reopened
    with pytest.raises(ValidationError):
        services.update_plan(plan, actor=regulator, data={"random_share": 30})
    plan = services.revise_plan(plan, actor=regulator, reason="新增重点企业")
    assert plan.state == PlanState.DRAFT


def test_progress_and_the_behind_schedule_warning(world, clock):
    # given a plan approved for 2026 with ent_a planned 4 times (major risk) and ent_a_construction once
    clock("2026-01-05")
    regulator = world.users[Role.REGULATOR]
    from anjian.risks.models import EnterpriseRiskGrade

    EnterpriseRiskGrade.objects.create(enterprise=world.ent_a, level="major", derived_at=timezone.now(),
                                       region_path=world.ent_a.region_path, industry=world.ent_a.industry)
    plan = make_plan(world, regulator, year=2026, coverage_target=90)
    services.add_enterprises(plan, actor=regulator, enterprises=Enterprise.objects.all())
    plan.refresh_from_db()
    plan = services.approve_plan(plan, actor=regulator)
    a = plan.entries.get(enterprise=world.ent_a)
    assert a.planned_visits == 4
    # when on 1 April (day 91 of 365: 4 × 91 // 365 = 0) nothing was done: nobody is behind yet
    clock("2026-04-01")
    assert not plan_behind(timezone.now()).exists()
    # on 2 April (4 × 92 // 365 = 1) ent_a is behind; ent_a_construction (1 × 92 // 365 = 0) is not
    clock("2026-04-02")
    assert list(plan_behind(timezone.now())) == [a]
    sync_rule(get_rule("enforcement_plan_behind"))
    warning = Warning.objects.get(rule="enforcement_plan_behind", closed_at__isnull=True)
    assert warning.object_id == str(a.pk) and world.ent_a.name in warning.message
    # when one visit is recorded, it is no longer behind and the warning closes at the next scan
    services.record_visit(a.pk, datetime.date(2026, 4, 2))
    assert not plan_behind(timezone.now()).exists()
    sync_rule(get_rule("enforcement_plan_behind"))
    assert not Warning.objects.filter(rule="enforcement_plan_behind", closed_at__isnull=True).exists()
    from anjian.enforcement.selectors import plan_progress

    progress = plan_progress(plan)
    # then 1 of 5 visits done (20%), 1 of 2 key enterprises covered (50% < 90% target)
    assert (progress["done"], progress["planned"], progress["done_rate"]) == (1, 5, 20.0)
    assert (progress["key_covered"], progress["coverage"], progress["coverage_met"]) == (1, 50.0, False)


def test_the_warning_is_not_for_a_draft_nor_another_year(world, clock):
    clock("2026-12-20")
    regulator = world.users[Role.REGULATOR]
    plan = make_plan(world, regulator, year=2025)
    services.add_enterprises(plan, actor=regulator, enterprises=Enterprise.objects.all())
    draft = make_plan(world, regulator, year=2026)
    services.add_enterprises(draft, actor=regulator, enterprises=Enterprise.objects.all())
    plan.refresh_from_db()
    services.approve_plan(plan, actor=regulator)
    assert not plan_behind(timezone.now()).exists()


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_the_plan_api_follows_the_table(world, api, who):
    client = act_as(api, world.users[who])
    response = client.post(api_url("enforcement-plan"), {"department": world.dept_a.pk, "year": 2030,
                                                         "random_share": 20}, format="json")
    assert response.status_code == expect(403, admin=201, regulator=201, industry_officer=201,
                                          other_county=400)[who], response.content
    if response.status_code == 201:
        pk = response.json()["id"]
        response = client.post(api_url("enforcement-plan", pk, "add-enterprises"), {"is_key": True}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["progress"]["entries"] == (2 if who != Role.INDUSTRY_OFFICER else 1)


def test_the_entries_api_lists_and_sets_visits(world, api):
    regulator = world.users[Role.REGULATOR]
    plan = make_plan(world, regulator)
    services.add_enterprises(plan, actor=regulator, enterprises=Enterprise.objects.all())
    plan.refresh_from_db()
    client = act_as(api, regulator)
    rows = client.get(api_url("enforcement-plan-entry"), {"plan": plan.pk}).json()["results"]
    assert len(rows) == 2
    entry = rows[0]
    response = client.post(api_url("enforcement-plan-entry", entry["id"], "set-visits"),
                           {"planned_visits": 9, "version": plan.version}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(api_url("enforcement-plan-entry", entry["id"], "set-visits"),
                           {"planned_visits": 9, "reason": "重点整治", "version": plan.version}, format="json")
    assert response.status_code == 200 and response.json()["planned_visits"] == 9
    # a stale plan version is a conflict
    response = client.post(api_url("enforcement-plan-entry", entry["id"], "remove"),
                           {"reason": "已关闭", "version": plan.version}, format="json")
    assert response.status_code == 409
    # and the enterprise's own user sees no plan at all
    assert act_as(api, world.users[Role.ENTERPRISE]).get(api_url("enforcement-plan-entry")).json()["count"] == 0


def test_plan_pages(world, client, django_assert_max_num_queries):
    regulator = world.users[Role.REGULATOR]
    for i in range(20):
        EnterpriseFactory(region=world.township_a, industry=world.ent_a.industry, name=f"企业{i}")
    plan = make_plan(world, regulator)
    client.force_login(regulator)
    # the add page adds by the filters
    response = client.post(reverse("enforcement:plan_add", args=[plan.pk]),
                           {"version": plan.version, "is_key": "on", "high_risk": ""})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert PlanEntry.objects.filter(plan=plan).count() == 22
    with django_assert_max_num_queries(25):
        response = client.get(reverse("enforcement:plan", args=[plan.pk]))
    assert response.status_code == 200 and "企业1" in response.content.decode()
    with django_assert_max_num_queries(20):
        assert client.get(reverse("enforcement:plans")).status_code == 200
    assert client.get(reverse("enforcement:frequency")).status_code == 200
    entry = plan.entries.first()
    assert client.get(reverse("enforcement:plan_entry", args=[entry.pk])).status_code == 200
    # the committee office reads the plan but may not change it
    client.force_login(world.users[Role.COMMITTEE_OFFICE])
    assert client.get(reverse("enforcement:plan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("enforcement:plan_add", args=[plan.pk])).status_code == 403

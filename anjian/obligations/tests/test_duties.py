"""Standardisation grades and the yearly spot check, the safety organisation and the commitments:
the warning rules on the days around their limits (the ``clock`` fixture fixes today at
2026-03-10), the spot-check draw (the share, reproducible from its seed, no silent redraw, a
failure proposes the withdrawal), scoping (another county: 404 and zero), lists in a fixed number
of queries, and the indicators against hand counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core import sampling
from anjian.core.indicators import Period
from anjian.core.testing.indicators import assert_drills_match, figure
from anjian.enforcement import draw as enforcement_draw
from anjian.enterprises.models import Enterprise, EnterpriseTag, FeatureTag
from anjian.obligations import services
from anjian.obligations.models import ObligationParameter, SpotCheck, Standardisation
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory
from anjian.portal.testing.mixins import OTHER_COUNTY, act_as, api_url, get_page

from .factories import commitment, grade, organisation, pdf

pytestmark = pytest.mark.django_db
D = datetime.date


def open_for(code: str, obj) -> bool:
    return Warning.objects.filter(rule=code, content_type=ContentType.objects.get_for_model(obj),
                                  object_id=str(obj.pk), closed_at__isnull=True).exists()


def scan(code: str, day: str):
    from anjian.core.testing.clock import local_moment

    sync_rule(get_rule(code), local_moment(day))


# --- standardisation: expiry -------------------------------------------------------------------------------

@pytest.mark.parametrize(("today", "ninety", "thirty"), [
    ("2026-03-10", False, False),   # 91 days left
    ("2026-03-11", True, False),    # 90 days left: the notice opens
    ("2026-05-09", True, False),    # 31 days left
    ("2026-05-10", False, True),    # 30 days left: the notice closes, the warning opens
    ("2026-06-09", False, True),    # the last valid day
    ("2026-06-10", False, False),   # expired: no expiry warning any more
])
def test_grade_expiry_warnings_at_90_and_30_days(world, clock, today, ninety, thirty):
    # given a grade valid until 2026-06-09
    g = grade(world, world.ent_a, valid_until=D(2026, 6, 9))
    # when both rules scan on the day
    scan("obl_std_expiring_90", today)
    scan("obl_std_expiring_30", today)
    # then exactly the expected one is open
    assert open_for("obl_std_expiring_90", g) is ninety
    assert open_for("obl_std_expiring_30", g) is thirty


def test_a_renewed_or_withdrawn_grade_is_not_warned(world, clock):
    regulator = world.users[Role.REGULATOR]
    g = grade(world, world.ent_a, valid_until=D(2026, 3, 30))
    other = grade(world, world.ent_a_construction, valid_until=D(2026, 3, 30))
    scan("obl_std_expiring_30", "2026-03-10")
    assert open_for("obl_std_expiring_30", g) and open_for("obl_std_expiring_30", other)
    # when ent_a's renewed grade is recorded and the other grade is withdrawn (摘牌)
    grade(world, world.ent_a, issued_on=D(2026, 3, 1), valid_until=D(2029, 2, 28))
    services.withdraw_grade(other, actor=regulator, reason="抽查不合格")
    scan("obl_std_expiring_30", "2026-03-10")
    # then both warnings close; the withdrawal keeps its day and reason
    assert not open_for("obl_std_expiring_30", g) and not open_for("obl_std_expiring_30", other)
    other.refresh_from_db()
    assert other.state == "withdrawn" and other.withdrawn_on == D(2026, 3, 10) and other.withdrawal_reason


def test_grade_states_go_through_the_machine(world, clock):
    regulator, ent_user = world.users[Role.REGULATOR], world.users[Role.ENTERPRISE]
    g = grade(world, world.ent_a, actor=ent_user)
    # the enterprise may not propose the withdrawal of its own grade, nor verify it
    with pytest.raises(PermissionDenied):
        services.propose_withdrawal(g, actor=ent_user, reason="自查")
    services.verify(g, actor=regulator)
    g.refresh_from_db()
    assert g.verified_at is not None and g.verified_by == regulator
    # a correction clears the verification
    services.update_standardisation(g, actor=ent_user, data={"issuer": "市应急管理局（复核）"}, version=g.version)
    g.refresh_from_db()
    assert g.verified_at is None
    services.propose_withdrawal(g, actor=regulator, reason="群众举报")
    services.keep_grade(g, actor=regulator, reason="复核合格")
    g.refresh_from_db()
    assert g.state == "valid"
    with pytest.raises(ValidationError):
        services.withdraw_grade(g, actor=regulator, reason="")
    with pytest.raises(ValidationError):
        grade(world, world.ent_a, number=g.number)  # a live number is unique


# --- the spot check --------------------------------------------------------------------------------------

def _graded_county_a(world, n: int) -> list[Standardisation]:
    out = [grade(world, world.ent_a), grade(world, world.ent_a_construction)]
    for i in range(n - 2):
        ent = EnterpriseFactory(name=f"甲企业{i}", region=world.township_a, industry=world.ent_a.industry)
        out.append(grade(world, ent))
    return out


def test_the_draw_takes_the_share_and_is_reproducible_from_its_seed(world, clock):
    regulator = world.users[Role.REGULATOR]
    grades = _graded_county_a(world, 7)
    grade(world, world.ent_b)  # county B: not in the pool
    # when county A's regulator draws this year's check (30 % by the reference value)
    check = services.draw_spot_check(actor=regulator, region=world.county_a, year=2026, seed="种子-1")
    # then 3 of the 7 grades (30 % rounded up) are drawn, with everything stored
    assert check.share == Decimal("30.00") and check.pool_size == 7 and check.n == 3
    assert sorted(check.pool) == sorted(g.pk for g in grades)
    assert "unconfirmed" in check.share_source or "待确认" in check.share_source
    assert check.drawn_by == regulator and check.seed == "种子-1"
    drawn = list(check.entries.order_by("order").values_list("standardisation_id", flat=True))
    assert drawn == sampling.sample(check.pool, 3, "种子-1", "standardisation")
    # and re-running it from the stored inputs gives the same result
    assert services.verify_spot_check(check)["same"] is True
    # the same pool and seed always draw the same; another seed (almost surely) not in the same order
    assert sampling.sample(list(reversed(check.pool)), 3, "种子-1", "standardisation") == drawn


def test_the_share_is_reference_data(world, clock):
    _graded_county_a(world, 4)
    ObligationParameter.objects.filter(code="std_spot_check_share").update(value=Decimal("50"))
    check = services.draw_spot_check(actor=world.users[Role.REGULATOR], region=world.county_a, year=2026)
    assert check.n == 2 and len(check.seed) == 32  # a random seed, stored


def test_no_silent_redraw(world, clock):
    regulator = world.users[Role.REGULATOR]
    _graded_county_a(world, 5)
    check = services.draw_spot_check(actor=regulator, region=world.county_a, year=2026, seed="a")
    # a second draw of the same region and year is refused
    with pytest.raises(ValidationError) as refused:
        services.draw_spot_check(actor=regulator, region=world.county_a, year=2026, seed="b")
    assert "year" in refused.value.message_dict
    # a redraw needs a reason, voids the first and records what it replaces
    with pytest.raises(ValidationError):
        services.redraw_spot_check(check, actor=regulator, reason=" ")
    new = services.redraw_spot_check(check, actor=regulator, reason="抽取范围有误", seed="b")
    check.refresh_from_db()
    assert check.is_voided and check.void_reason == "抽取范围有误"
    assert new.replaces == check and new.redraw_reason == "抽取范围有误"
    assert SpotCheck.objects.filter(region=world.county_a, year=2026, is_voided=False).get() == new
    # once a result is recorded, the check can no longer be drawn again nor voided
    entry = new.entries.order_by("order").first()
    services.record_spot_result(entry, actor=regulator, passed=True)
    with pytest.raises(ValidationError):
        services.redraw_spot_check(new, actor=regulator, reason="再抽一次")
    with pytest.raises(ValidationError):
        services.void_spot_check(new, actor=regulator, reason="作废")


def test_a_failed_check_proposes_the_withdrawal_and_closing_needs_every_result(world, clock):
    regulator = world.users[Role.REGULATOR]
    _graded_county_a(world, 3)
    check = services.draw_spot_check(actor=regulator, region=world.county_a, year=2026, seed="x", share=100)
    first, *rest = list(check.entries.order_by("order"))
    with pytest.raises(ValidationError):  # a failure says what was found
        services.record_spot_result(first, actor=regulator, passed=False)
    services.record_spot_result(first, actor=regulator, passed=False, note="制度未运行")
    first.refresh_from_db()
    assert first.result == "failed" and first.decided_by == regulator
    std = Standardisation.objects.get(pk=first.standardisation_id)
    assert std.state == "proposed"
    with pytest.raises(ValidationError):
        services.close_spot_check(check, actor=regulator)
    for e in rest:
        services.record_spot_result(e, actor=regulator, passed=True)
    services.close_spot_check(check, actor=regulator)
    check.refresh_from_db()
    assert check.state == "closed"


def test_who_may_draw(world, clock):
    _graded_county_a(world, 2)
    with pytest.raises(PermissionDenied):  # county B's regulator, for county A
        services.draw_spot_check(actor=world.users[OTHER_COUNTY], region=world.county_a, year=2026)
    with pytest.raises(PermissionDenied):  # an enterprise
        services.draw_spot_check(actor=world.users[Role.ENTERPRISE], region=world.county_a, year=2026)
    with pytest.raises(ValidationError):  # county B holds no grade
        services.draw_spot_check(actor=world.users[OTHER_COUNTY], region=world.county_b, year=2026)


def test_the_enforcement_draw_shares_the_sampling_primitive():
    pool = [5, 3, 9, 1, 7, 2, 8]
    assert enforcement_draw.draw_enterprises(pool, 4, "s") == sampling.sample(pool, 4, "s", "enterprises")


# --- safety organisation -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("employees", "required"), [(100, False), (101, True)])
def test_body_required_above_100_employees_elsewhere(world, clock, employees, required):
    Enterprise.objects.filter(pk=world.ent_a.pk).update(employees=employees)  # machinery: not a listed sector
    scan("obl_safety_body_missing", "2026-03-10")
    assert open_for("obl_safety_body_missing", world.ent_a) is required


def test_body_and_director_rules(world, clock):
    ent = world.ent_a_construction  # construction: a body (art. 24) and a safety director are required
    scan("obl_safety_body_missing", "2026-03-10")
    scan("obl_safety_director_missing", "2026-03-10")
    assert open_for("obl_safety_body_missing", ent) and open_for("obl_safety_director_missing", ent)
    assert not open_for("obl_safety_director_missing", world.ent_a)
    # part-time staff only is not enough; no director named
    org = organisation(world, ent, has_body=False, body_name="", full_time_staff=0, part_time_staff=2,
                       director_name="")
    scan("obl_safety_body_missing", "2026-03-10")
    assert open_for("obl_safety_body_missing", ent)
    services.update_organisation(org, actor=world.users[Role.REGULATOR],
                                 data={"full_time_staff": 1, "director_name": "王总监"})
    scan("obl_safety_body_missing", "2026-03-10")
    scan("obl_safety_director_missing", "2026-03-10")
    assert not open_for("obl_safety_body_missing", ent) and not open_for("obl_safety_director_missing", ent)
    # a feature tag (dust explosion) makes the director required of the machinery enterprise
    EnterpriseTag.objects.create(enterprise=world.ent_a, tag=FeatureTag.objects.get(code="dust_explosion"))
    scan("obl_safety_director_missing", "2026-03-10")
    assert open_for("obl_safety_director_missing", world.ent_a)
    # one live record per enterprise
    with pytest.raises(ValidationError):
        organisation(world, ent)


# --- commitments --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "warned"), [("2026-01-31", False), ("2026-02-01", True)])
def test_commitment_missing_from_february(world, clock, day, warned):
    commitment(world, world.ent_a, year=2025, signed_on=D(2025, 1, 5))  # last year's does not count
    scan("obl_commitment_missing", day)
    assert open_for("obl_commitment_missing", world.ent_a) is warned


def test_a_commitment_of_the_year_ends_the_warning_and_needs_its_document(world, clock):
    scan("obl_commitment_missing", "2026-03-10")
    assert open_for("obl_commitment_missing", world.ent_a)
    with pytest.raises(ValidationError) as refused:
        services.record_commitment(actor=world.users[Role.ENTERPRISE], enterprise=world.ent_a, data={
            "year": 2026, "title": "承诺书", "signed_by": "张总", "signed_on": D(2026, 1, 5)}, files=[])
    assert "files" in refused.value.message_dict
    c = commitment(world, world.ent_a, actor=world.users[Role.ENTERPRISE], signed_on=D(2026, 1, 5))
    from anjian.core.services import attachments_for

    assert attachments_for(c).get().kind == "document"
    scan("obl_commitment_missing", "2026-03-10")
    assert not open_for("obl_commitment_missing", world.ent_a)
    # voiding it opens the warning again
    services.void_record(c, actor=world.users[Role.ENTERPRISE], reason="录错")
    scan("obl_commitment_missing", "2026-03-10")
    assert open_for("obl_commitment_missing", world.ent_a)


# --- scoping and pages -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("basename", ["standardisation", "safety-organisation", "safety-commitment",
                                      "standardisation-spot-check"])
def test_another_county_gets_404_and_counts_zero(world, api, clock, basename):
    made = {"standardisation": lambda: grade(world, world.ent_a),
            "safety-organisation": lambda: organisation(world, world.ent_a),
            "safety-commitment": lambda: commitment(world, world.ent_a),
            "standardisation-spot-check": lambda: (grade(world, world.ent_a), services.draw_spot_check(
                actor=world.users[Role.REGULATOR], region=world.county_a, year=2026))[1]}[basename]()
    other = act_as(api, world.users[OTHER_COUNTY])
    assert other.get(api_url(basename, made.pk)).status_code == 404
    assert get_page(other, api_url(basename))["count"] == 0
    mine = act_as(api, world.users[Role.REGULATOR])
    assert get_page(mine, api_url(basename))["count"] == 1


def test_spot_checks_are_the_regulators_working_records(world, api, clock):
    grade(world, world.ent_a)
    check = services.draw_spot_check(actor=world.users[Role.REGULATOR], region=world.county_a, year=2026)
    ent_api = act_as(api, world.users[Role.ENTERPRISE])
    assert get_page(ent_api, api_url("standardisation-spot-check"))["count"] == 0
    assert get_page(ent_api, api_url("standardisation-spot-check-entry"))["count"] == 0
    reg = act_as(api, world.users[Role.REGULATOR])
    assert reg.get(api_url("standardisation-spot-check", check.pk, "verify")).json()["same"] is True
    entry = check.entries.get()
    done = reg.post(api_url("standardisation-spot-check-entry", entry.pk, "result"), {"passed": False, "note": "不合格"},
                    format="json")
    assert done.status_code == 200 and done.json()["result"] == "failed"
    assert act_as(api, world.users[OTHER_COUNTY]).post(
        api_url("standardisation-spot-check-entry", entry.pk, "result"), {"passed": True},
        format="json").status_code == 404


def test_api_write_path(world, api, clock):
    ent_api = act_as(api, world.users[Role.ENTERPRISE])
    body = {"enterprise": world.ent_a.pk, "grade": "level3", "issuer": "市应急管理局", "number": "AQB-API-1",
            "issued_on": "2025-06-01", "valid_until": "2028-05-31"}
    made = ent_api.post(api_url("standardisation"), body, format="json")
    assert made.status_code == 201, made.content
    pk, version = made.json()["id"], made.json()["version"]
    assert ent_api.patch(api_url("standardisation", pk), {"note": "x", "version": version + 5},
                         format="json").status_code == 409
    reg = act_as(api, world.users[Role.REGULATOR])
    assert reg.post(api_url("standardisation", pk, "verify"), {}, format="json").json()["verified_at"]
    assert reg.post(api_url("standardisation", pk, "withdraw"), {"reason": "摘牌"}, format="json").json()[
        "state"] == "withdrawn"
    created = ent_api.post(api_url("safety-commitment"), {
        "enterprise": world.ent_a.pk, "year": 2026, "title": "承诺书", "signed_by": "张总", "signed_on": "2026-01-05",
        "files": [pdf()]}, format="multipart")
    assert created.status_code == 201, created.content
    assert len(ent_api.get(api_url("safety-commitment", created.json()["id"])).json()["documents"]) == 1
    assert ent_api.get(api_url("standardisation") + "export/").content[:2] == b"PK"


@pytest.mark.parametrize("basename", ["standardisation", "safety-organisation", "safety-commitment",
                                      "standardisation-spot-check-entry"])
def test_api_lists_run_a_fixed_number_of_queries(world, api, clock, basename, django_assert_max_num_queries):
    ents = [world.ent_a, world.ent_a_construction] + [
        EnterpriseFactory(name=f"甲企业{i}", region=world.township_a, industry=world.ent_a.industry) for i in range(8)]
    for ent in ents:
        grade(world, ent)
        organisation(world, ent)
        commitment(world, ent)
    services.draw_spot_check(actor=world.users[Role.REGULATOR], region=world.county_a, year=2026, share=100)
    client = act_as(api, world.users[Role.REGULATOR])
    client.get(api_url(basename))  # warm the per-process caches
    with django_assert_max_num_queries(12):
        body = get_page(client, api_url(basename), page_size=50)
    assert body["count"] == 10


@pytest.mark.parametrize("url_name", ["standardisations", "organisations", "commitments", "spot_checks"])
def test_list_pages_run_a_fixed_number_of_queries(world, client, clock, url_name, django_assert_max_num_queries):
    for i in range(6):
        ent = EnterpriseFactory(name=f"甲企业{i}", region=world.township_a, industry=world.ent_a.industry)
        grade(world, ent)
        organisation(world, ent)
        commitment(world, ent)
    services.draw_spot_check(actor=world.users[Role.REGULATOR], region=world.county_a, year=2026)
    client.force_login(world.users[Role.REGULATOR])
    client.get(reverse(f"obligations:{url_name}"))
    with django_assert_max_num_queries(22):
        response = client.get(reverse(f"obligations:{url_name}"))
    assert response.status_code == 200


def test_pages_walk_through_a_spot_check(world, client, clock):
    regulator = world.users[Role.REGULATOR]
    g = grade(world, world.ent_a)
    client.force_login(regulator)
    assert client.get(reverse("obligations:spot_check_create")).status_code == 200
    response = client.post(reverse("obligations:spot_check_create"), {"region": world.county_a.pk, "year": 2026,
                                                                       "seed": "页面"})
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and check.seed == "页面"
    page = client.get(reverse("obligations:spot_check", args=[check.pk]) + "?verify=1")
    assert page.status_code == 200 and "甲机械有限公司" in page.content.decode()
    entry = check.entries.get()
    client.post(reverse("obligations:spot_result", args=[entry.pk]), {"passed": "0", "note": "不合格",
                                                                      "version": entry.version})
    g.refresh_from_db()
    assert g.state == "proposed"
    detail = client.get(reverse("obligations:standardisation", args=[g.pk]))
    assert detail.status_code == 200
    # the enterprise user cannot open the check
    client.force_login(world.users[Role.ENTERPRISE])
    assert client.get(reverse("obligations:spot_check", args=[check.pk])).status_code == 404


def test_commitment_form_takes_the_signed_document(world, client, clock):
    client.force_login(world.users[Role.ENTERPRISE])
    response = client.post(reverse("obligations:commitment_create"), {
        "enterprise": world.ent_a.pk, "year": 2026, "period": "year", "title": "2026年度安全生产承诺书",
        "signed_by": "张总", "signed_on": "2026-01-05", "files": [pdf()]})
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "承诺书.pdf" in page.content.decode()


def test_the_enterprise_file_shows_the_duties(world, client, clock):
    grade(world, world.ent_a)
    commitment(world, world.ent_a)
    client.force_login(world.users[Role.REGULATOR])
    page = client.get(reverse("enterprises:detail", args=[world.ent_a.pk]))
    assert page.status_code == 200
    assert reverse("obligations:commitments") in page.content.decode()


# --- indicators -------------------------------------------------------------------------------------------

def test_indicators_against_hand_counts(world, clock):
    regulator = world.users[Role.REGULATOR]
    period = Period.year(2026, today=D(2026, 3, 10))
    # county A: ent_a graded (grade 3, 2025-06-01) and committed; ent_a_construction graded in 2026
    # (small) with an organisation lacking a director; nothing else
    grade(world, world.ent_a, issued_on=D(2025, 6, 1), valid_until=D(2028, 5, 31))
    grade(world, world.ent_a_construction, grade_="small", issued_on=D(2026, 2, 1), valid_until=D(2029, 1, 31))
    organisation(world, world.ent_a_construction, director_name="")
    commitment(world, world.ent_a, signed_on=D(2026, 1, 5))
    services.draw_spot_check(actor=regulator, region=world.county_a, year=2026, seed="i")  # 30 % of 2 → 1
    coverage = assert_drills_match("standardisation_coverage", regulator, world.county_a, period)
    assert (coverage.numerator, coverage.denominator) == (2, 2)
    assert figure("std_new_grades_small", regulator, world.county_a, period).value == 1
    assert figure("std_new_grades_level3", regulator, world.county_a, period).value == 0
    spot = assert_drills_match("std_spot_check_share", regulator, world.county_a, period)
    assert (spot.numerator, spot.denominator) == (1, 2)
    director = assert_drills_match("safety_director_coverage", regulator, world.county_a, period)
    assert (director.numerator, director.denominator) == (0, 1)
    rate = assert_drills_match("commitment_rate", regulator, world.county_a, period)
    assert (rate.numerator, rate.denominator) == (1, 2)
    # county B's regulator counts zero of county A
    assert figure("standardisation_coverage", world.users[OTHER_COUNTY], world.county_a, period).numerator == 0

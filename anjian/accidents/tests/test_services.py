"""Accident services: reporting (numbering, keys, grading, type list by date, rights),
corrections, casualty updates inside and outside the window, the reporting chain and late-report
detection, flags, the investigation with its approval deadline, rectification, accountability,
voiding and stale-version conflicts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anjian.accidents import services
from anjian.accidents.choices import AccidentCategory, AccidentGrade, AccidentState, FlagKind, FlagState
from anjian.accidents.models import Accident, ReportingFlag
from anjian.accidents.selectors import reporting_chain
from anjian.core.services import ConflictError, events_for
from anjian.orgs.choices import Role

from .factories import accident_type_on, at, make_accident

G = AccidentGrade
H = datetime.timedelta(hours=1)


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


@pytest.fixture
def ent_user(world):
    return world.users[Role.ENTERPRISE]


# --- reporting -------------------------------------------------------------------------------

def test_report_numbers_grades_and_copies_keys(world, ent_user):
    # given the enterprise user of ent_a, when they report an accident with 3 deaths
    acc = make_accident(ent_user, enterprise=world.ent_a, occurred_at=at(2026, 3, 5), deaths=3)
    # then it is numbered SG + year + id, relatively serious, with the place's and enterprise's keys
    assert acc.number == f"SG2026{acc.pk:06d}"
    assert acc.grade == G.RELATIVELY_SERIOUS
    assert acc.state == AccidentState.REPORTED
    assert acc.region_path == world.township_a.path
    assert acc.industry_id == world.ent_a.industry_id
    assert acc.grid_id == world.grid_a.pk
    assert events_for(acc).filter(action="reported").exists()


def test_road_accident_without_enterprise(world, regulator):
    # given a regulator of county A, when they report a road accident at the county with no enterprise
    acc = make_accident(regulator, region=world.county_a, category=AccidentCategory.ROAD_TRAFFIC)
    # then it has the county's path and no enterprise, industry or grid
    assert acc.enterprise_id is None and acc.industry_id is None and acc.grid_id is None
    assert acc.region_path == world.county_a.path


def test_accident_type_must_be_of_the_list_in_force(world, regulator):
    # given a GB 6441-2025 type and an accident on 2026-06-30 (the 1986 list is still in force)
    new_type = accident_type_on(datetime.date(2026, 7, 1))
    # when it is reported, then the error names the accident type
    with pytest.raises(ValidationError) as err:
        make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 6, 30, 23, 0), accident_type=new_type)
    assert "accident_type" in err.value.message_dict
    # and the same type is right from 2026-07-01; a 1986 type is then refused
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 7, 1, 0, 30), accident_type=new_type)
    assert acc.accident_type.scheme == "GB6441-2025"
    with pytest.raises(ValidationError) as err:
        make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 7, 1, 8),
                      accident_type=accident_type_on(datetime.date(2026, 6, 30)))
    assert "accident_type" in err.value.message_dict


def test_enterprise_reports_only_its_own(world, ent_user):
    with pytest.raises(ValidationError) as err:
        make_accident(ent_user, enterprise=world.ent_b)
    assert "enterprise" in err.value.message_dict
    with pytest.raises(ValidationError):
        make_accident(ent_user, region=world.township_a)  # no enterprise: a road accident is not theirs


def test_regulator_cannot_report_outside_jurisdiction(world, regulator):
    with pytest.raises(ValidationError) as err:
        make_accident(regulator, region=world.township_b)
    assert "region" in err.value.message_dict


def test_committee_office_cannot_report(world):
    with pytest.raises(PermissionDenied):
        make_accident(world.users[Role.COMMITTEE_OFFICE], region=world.township_a)


def test_negative_figures_are_refused_naming_the_field(world, regulator):
    with pytest.raises(ValidationError) as err:
        make_accident(regulator, region=world.township_a, deaths=-1)
    assert "deaths" in err.value.message_dict


def test_correction_needs_reason_and_regrades(world, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a, deaths=1)
    with pytest.raises(ValidationError) as err:
        services.update_accident(acc, actor=regulator, data={"deaths": 10}, reason="")
    assert "reason" in err.value.message_dict
    acc = services.update_accident(acc, actor=regulator, data={"deaths": 10}, reason="录入错误")
    assert acc.grade == G.SERIOUS and acc.version == 2
    assert events_for(acc).get(action="corrected").comment == "录入错误"


def test_stale_version_is_a_conflict(world, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a)
    services.update_accident(acc, actor=regulator, data={"summary": "改"}, reason="补充")
    with pytest.raises(ConflictError):
        services.update_accident(acc, actor=regulator, data={"summary": "再改"}, reason="补充", expected_version=1)


# --- casualty updates ------------------------------------------------------------------------

def test_update_inside_the_window_regrades_and_keeps_history(world, ent_user):
    # given an ordinary accident with 2 deaths, 10 days ago
    occurred = timezone.now() - datetime.timedelta(days=10)
    acc = make_accident(ent_user, enterprise=world.ent_a, occurred_at=occurred, deaths=2)
    assert acc.grade == G.ORDINARY
    # when one more person dies, reported on day 10 (inside 30 days)
    update = services.record_casualty_update(acc, actor=ent_user, as_of=timezone.now(), figures={"deaths": 3},
                                             note="伤者抢救无效死亡")
    acc.refresh_from_db()
    # then the figures and the grade change, and the update keeps the numbers before and after
    assert update.within_window and update.counted
    assert (update.deaths_before, update.deaths) == (2, 3)
    assert (update.grade_before, update.grade_after) == (G.ORDINARY, G.RELATIVELY_SERIOUS)
    assert acc.deaths == 3 and acc.grade == G.RELATIVELY_SERIOUS


def test_update_after_the_window_is_kept_but_not_counted(world, ent_user):
    # given an accident 40 days ago (outside the 30-day window)
    acc = make_accident(ent_user, enterprise=world.ent_a, occurred_at=timezone.now() - datetime.timedelta(days=40),
                        deaths=2)
    # when a death is reported now
    update = services.record_casualty_update(acc, actor=ent_user, as_of=timezone.now(), figures={"deaths": 3})
    acc.refresh_from_db()
    # then the update is kept as late; the counted figures and the grade stay
    assert not update.within_window and not update.counted
    assert update.deaths == 3 and acc.deaths == 2 and acc.grade == G.ORDINARY
    assert events_for(acc).filter(action="casualty_update_late").exists()


def test_road_and_fire_accidents_have_a_seven_day_window(world, regulator):
    occurred = timezone.now() - datetime.timedelta(days=8)
    road = make_accident(regulator, region=world.township_a, occurred_at=occurred, deaths=2,
                         category=AccidentCategory.ROAD_TRAFFIC)
    fire = make_accident(regulator, region=world.township_a, occurred_at=occurred, deaths=2,
                         category=AccidentCategory.FIRE)
    works = make_accident(regulator, region=world.township_a, occurred_at=occurred, deaths=2)
    # day 7 is still inside; day 8 is outside for road and fire, inside for an industrial accident
    inside = services.record_casualty_update(road, actor=regulator, as_of=occurred + datetime.timedelta(days=7),
                                             figures={"deaths": 3})
    assert inside.counted
    late = services.record_casualty_update(fire, actor=regulator, as_of=timezone.now(), figures={"deaths": 3})
    assert not late.counted
    counted = services.record_casualty_update(works, actor=regulator, as_of=timezone.now(), figures={"deaths": 3})
    assert counted.counted
    for acc, grade in ((road, G.RELATIVELY_SERIOUS), (fire, G.ORDINARY), (works, G.RELATIVELY_SERIOUS)):
        acc.refresh_from_db()
        assert acc.grade == grade


def test_setting_counts_late_updates(world, regulator, settings):
    settings.ANJIAN_ACCIDENT_COUNT_LATE_UPDATES = True
    acc = make_accident(regulator, region=world.township_a, occurred_at=timezone.now() - datetime.timedelta(days=60))
    update = services.record_casualty_update(acc, actor=regulator, as_of=timezone.now(),
                                             figures={"direct_loss_yuan": Decimal(10_000_000)})
    acc.refresh_from_db()
    assert not update.within_window and update.counted and acc.grade == G.RELATIVELY_SERIOUS


def test_update_cannot_precede_the_accident_nor_change_nothing(world, regulator):
    acc = make_accident(regulator, region=world.township_a, deaths=1)
    with pytest.raises(ValidationError) as err:
        services.record_casualty_update(acc, actor=regulator, as_of=acc.occurred_at - H, figures={"deaths": 2})
    assert "as_of" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.record_casualty_update(acc, actor=regulator, as_of=timezone.now(), figures={"deaths": 1})


def test_other_enterprise_and_committee_cannot_update(world):
    acc = make_accident(world.users[Role.REGULATOR], enterprise=world.ent_a_construction)
    for who in (Role.ENTERPRISE, Role.COMMITTEE_OFFICE):  # ent_a's user; the committee office only reads
        with pytest.raises(PermissionDenied):
            services.record_casualty_update(acc, actor=world.users[who], as_of=timezone.now(), figures={"deaths": 1})


# --- the reporting chain ---------------------------------------------------------------------

def test_unit_report_after_one_hour_is_late_and_flagged(world, ent_user):
    occurred = at(2026, 3, 1, 8)
    on_time = make_accident(ent_user, enterprise=world.ent_a, occurred_at=occurred, learned_at=occurred,
                            reported_to_government_at=occurred + H)
    assert not reporting_chain(on_time).is_late
    assert not ReportingFlag.objects.filter(accident=on_time).exists()
    late = make_accident(ent_user, enterprise=world.ent_a, occurred_at=occurred, learned_at=occurred,
                         reported_to_government_at=occurred + H + datetime.timedelta(minutes=1))
    chain = reporting_chain(late)
    assert chain.is_late and chain.late_links[0].level == "unit_head"
    flag = ReportingFlag.objects.get(accident=late)
    assert flag.kind == FlagKind.LATE and flag.is_automatic and flag.state == FlagState.RECORDED


def test_escalation_levels_two_hours_each_up_to_the_required_level(world, regulator):
    occurred = at(2026, 3, 1, 8)
    # an ordinary accident goes up to the districted city; a relatively serious one to the province
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=occurred, learned_at=occurred,
                        reported_to_government_at=occurred + H / 2, deaths=3)
    assert reporting_chain(acc).required_top_level == "province"
    services.record_reporting_step(acc, actor=regulator, level="county", received_at=occurred + H,
                                   passed_on_at=occurred + 3 * H)  # exactly 2 h: on time
    assert not reporting_chain(acc).is_late
    acc.refresh_from_db()
    services.record_reporting_step(acc, actor=regulator, level="city", received_at=occurred + 3 * H,
                                   passed_on_at=occurred + 5 * H + datetime.timedelta(minutes=1))
    chain = reporting_chain(acc)
    assert [link.level for link in chain.late_links] == ["city"]
    assert ReportingFlag.objects.filter(accident=acc, kind=FlagKind.LATE, is_automatic=True).count() == 1
    # the province (the top for this grade) need not pass it on
    acc.refresh_from_db()
    services.record_reporting_step(acc, actor=regulator, level="province", received_at=occurred + 6 * H)
    province = reporting_chain(acc, now=occurred + 20 * H).links[-1]
    assert not province.must_pass_on and not province.overdue_now
    # a correction of the city's time retracts the automatic flag
    acc.refresh_from_db()
    services.record_reporting_step(acc, actor=regulator, level="city", received_at=occurred + 3 * H,
                                   passed_on_at=occurred + 4 * H)
    assert ReportingFlag.objects.get(accident=acc, is_automatic=True).state == FlagState.RETRACTED


def test_not_yet_passed_on_is_overdue_only_below_the_required_level(world, regulator):
    occurred = at(2026, 3, 1, 8)
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=occurred)  # ordinary: up to the city
    services.record_reporting_step(acc, actor=regulator, level="county", received_at=occurred + H)
    county = reporting_chain(acc, now=occurred + 3 * H + datetime.timedelta(minutes=1)).links[-1]
    assert county.overdue_now and not county.late
    assert not reporting_chain(acc, now=occurred + 2 * H).links[-1].overdue_now


def test_enterprise_cannot_record_government_steps(world, ent_user):
    acc = make_accident(ent_user, enterprise=world.ent_a)
    with pytest.raises(PermissionDenied):
        services.record_reporting_step(acc, actor=ent_user, level="county", received_at=timezone.now())


# --- flags -----------------------------------------------------------------------------------

def test_only_investigators_record_concealment(world, regulator, ent_user):
    acc = make_accident(regulator, enterprise=world.ent_a)
    for who in (ent_user, world.users[Role.COMMITTEE_OFFICE], world.users[Role.EXPERT]):
        with pytest.raises(PermissionDenied):
            services.record_flag(acc, actor=who, kind=FlagKind.CONCEALED, note="x")
    flag = services.record_flag(acc, actor=regulator, kind=FlagKind.CONCEALED, note="企业隐瞒事故三天")
    flag = services.decide_flag(flag, actor=regulator, confirm=True, comment="经查证属实")
    assert flag.state == FlagState.CONFIRMED
    with pytest.raises(ValidationError):
        services.decide_flag(flag, actor=regulator, confirm=False, comment="again")


# --- investigation ---------------------------------------------------------------------------

def test_investigation_flow_and_approval_deadline(world, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 1, 5), deaths=3)
    inv = services.start_investigation(acc, actor=regulator, data={"leader": "张三", "started_on": datetime.date(2026, 1, 6)})
    assert inv.responsible_level == "city"  # 较大 → districted city (Art. 19)
    acc.refresh_from_db()
    assert acc.state == AccidentState.INVESTIGATING
    inv = services.submit_investigation_report(acc, actor=regulator, submitted_on=datetime.date(2026, 2, 1))
    assert inv.approval_deadline == datetime.date(2026, 2, 16)  # 15 days
    acc.refresh_from_db()
    with pytest.raises(ValidationError) as err:  # only 特别重大 may be extended
        services.extend_approval(acc, actor=regulator, days=10, reason="复杂")
    assert "days" in err.value.message_dict
    inv = services.approve_investigation_report(acc, actor=regulator, approved_on=datetime.date(2026, 2, 10))
    acc.refresh_from_db()
    assert acc.state == AccidentState.CLOSED and inv.approved_on == datetime.date(2026, 2, 10)


def test_particularly_serious_has_30_days_extendable_once(world, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 1, 5), deaths=30)
    inv = services.start_investigation(acc, actor=regulator, data={"started_on": datetime.date(2026, 1, 5)})
    assert inv.responsible_level == "state_council"
    acc.refresh_from_db()
    inv = services.submit_investigation_report(acc, actor=regulator, submitted_on=datetime.date(2026, 3, 1))
    assert inv.approval_deadline == datetime.date(2026, 3, 31)
    acc.refresh_from_db()
    with pytest.raises(ValidationError):
        services.extend_approval(acc, actor=regulator, days=31, reason="复杂")
    inv = services.extend_approval(acc, actor=regulator, days=30, reason="案情复杂")
    assert inv.approval_deadline == datetime.date(2026, 4, 30)
    acc.refresh_from_db()
    with pytest.raises(ValidationError):
        services.extend_approval(acc, actor=regulator, days=5, reason="再延")


def test_regrade_moves_the_investigating_level(world, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a, deaths=2)
    inv = services.start_investigation(acc, actor=regulator, data={})
    assert inv.responsible_level == "county"
    acc.refresh_from_db()
    services.record_casualty_update(acc, actor=regulator, as_of=timezone.now(), figures={"deaths": 10})
    inv.refresh_from_db()
    assert inv.responsible_level == "province"


def test_rectification_and_accountability(world, regulator, ent_user):
    acc = make_accident(regulator, enterprise=world.ent_a)
    rect = services.add_rectification(acc, actor=regulator, data={
        "problem": "安全培训不到位", "responsible_unit": "甲机械有限公司", "deadline": datetime.date(2027, 1, 1),
        "listing_level": "county", "listing_unit": "甲区安委会"})
    assert rect.is_listed and rect.listed_at
    rect = services.rectify(rect, actor=ent_user, note="已组织全员培训")
    assert rect.state == "rectified"
    with pytest.raises(PermissionDenied):
        services.verify_rectification(rect, actor=ent_user)
    rect = services.verify_rectification(rect, actor=regulator)
    assert rect.state == "verified"
    acc.refresh_from_db()  # adding the rectification moved the accident on: a stale copy is a conflict
    rec = services.add_accountability(acc, actor=regulator, data={"person_name": "李四", "measure": "fine",
                                                                  "fine_yuan": Decimal(50000)})
    assert rec.pk
    acc.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.add_accountability(acc, actor=ent_user, data={"person_name": "王五", "measure": "other"})


def test_void_keeps_the_row(world, regulator, ent_user):
    acc = make_accident(regulator, enterprise=world.ent_a)
    with pytest.raises(PermissionDenied):
        services.void_accident(acc, actor=ent_user, reason="误报")
    services.void_accident(acc, actor=regulator, reason="重复登记")
    assert Accident.objects.filter(pk=acc.pk, is_voided=True).exists()
    assert not Accident.objects.for_user(regulator).filter(pk=acc.pk).exists()


def test_industry_officer_cannot_file_an_accident_they_could_not_see(world):
    # given the construction officer of county A (industries 06), when they report a road accident
    # (no enterprise, so no industry), then it is refused naming the enterprise, and nothing is written
    with pytest.raises(ValidationError) as err:
        make_accident(world.users[Role.INDUSTRY_OFFICER], region=world.township_a)
    assert "enterprise" in err.value.message_dict
    assert not Accident.objects.exists()
    # an accident of a construction enterprise is theirs
    acc = make_accident(world.users[Role.INDUSTRY_OFFICER], enterprise=world.ent_a_construction)
    assert acc.industry.code.startswith("06")

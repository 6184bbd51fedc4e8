"""Monthly reports (两议一报): opening the month, filling and submitting, the figures the system
knows, review, late and missing reports (warning rule and timeliness figure), scoping and the
write path (409)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.services import ConflictError, events_for
from anjian.core.testing.indicators import assert_drills_match, year
from anjian.core.testing.indicators import figure as indicator_figure
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard
from anjian.steering import selectors, services
from anjian.steering.models import MonthlyReport, ReportingRule

from .helpers import committee, fill, minutes, report_of

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


def test_the_month_is_opened_once_for_every_filing_unit_with_the_rules_due_day(world, clock):
    # given county A's committee with two filing units and one that does not file
    c = committee(world)
    services.create_unit(actor=c.office, committee_region=world.county_a, data={
        "kind": "party_department", "name": "区委宣传部", "files_monthly_report": False})
    # when the month is opened twice (the daily job runs every night)
    first = services.open_month(datetime.date(2026, 3, 10))
    again = services.open_month(datetime.date(2026, 3, 11))
    # then each filing unit has exactly one March report, due on the 5th of April (the rule's
    # default day), asking for two meetings (seed 004: 至少召开2次)
    assert {r.unit_id for r in first} == {c.township.pk, c.bureau.pk} and again == []
    report = report_of(c.township, MARCH)
    assert report.due_on == datetime.date(2026, 4, 5) and report.min_meetings == 2
    assert report.state == "pending" and report.region_path == world.township_a.path
    assert events_for(report).filter(action="report_opened").count() == 1


def test_the_due_day_follows_the_rule_in_force_and_a_short_month(world, clock):
    # given a rule changed from 2026-02-01: due on the 31st (February has 28 days)
    c = committee(world)
    ReportingRule.objects.create(code="monthly_report", effective_from=datetime.date(2026, 1, 1), due_day=31,
                                 min_meetings=3, source="测试规则")
    # when January is opened, then its report is due on the last day of February
    services.open_month(datetime.date(2026, 1, 15))
    report = report_of(c.bureau, datetime.date(2026, 1, 1))
    assert report.due_on == datetime.date(2026, 2, 28) and report.min_meetings == 3


def test_submission_needs_a_summary_and_the_minutes_of_every_meeting(world, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = report_of(c.bureau, MARCH)
    regulator = world.users[Role.REGULATOR]  # belongs to county A's bureau
    # when the bureau submits an empty report, then the summary is asked for
    with pytest.raises(ValidationError) as err:
        services.submit_report(report, actor=regulator)
    assert "summary" in err.value.message_dict


def test_a_meeting_outside_the_month_is_refused(world, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = report_of(c.bureau, MARCH)
    with pytest.raises(ValidationError) as err:
        services.add_meeting(report, actor=c.office, data={"held_on": datetime.date(2026, 2, 27), "kind": "special",
                                                           "title": "专题会", "chaired_by": "局长"}, minutes=minutes())
    assert "held_on" in err.value.message_dict


def test_a_report_without_minutes_cannot_be_submitted(world, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = services.edit_report(report_of(c.bureau, MARCH), actor=c.office, data={"summary": "正常"})
    services.add_meeting(report, actor=c.office, data={"held_on": datetime.date(2026, 3, 2), "kind": "special",
                                                       "title": "专题会", "chaired_by": "局长"}, minutes=[])
    report.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.submit_report(report, actor=c.office)
    assert "meetings" in err.value.message_dict


def test_submission_copies_the_hazard_figures_of_the_units_area_and_month(world, clock):
    # given hazards of county A's machinery enterprise: two found in March (one major), one found in
    # February whose rectification was accepted in March, one found in March in county B
    c = committee(world)
    admin = world.users[Role.ADMIN]
    clock("2026-02-20T10:00")
    old = make_hazard(world.ent_a, admin)
    clock("2026-03-03T10:00")
    make_hazard(world.ent_a, admin)
    make_hazard(world.ent_a, world.users[Role.REGULATOR], major=True)
    make_hazard(world.ent_b, admin)
    from anjian.hazards import services as hazards

    ent_user = world.users[Role.ENTERPRISE]
    old = hazards.start_rectification(old, actor=ent_user)
    old = hazards.submit_rectification(old, actor=ent_user, note="已整改")
    clock("2026-03-04T10:00")
    hazards.accept_rectification(old, actor=admin)
    services.open_month(MARCH)
    # when the township (the office files for it) submits its March report on 2 April
    clock("2026-04-02T10:00")
    report = fill(report_of(c.township, MARCH), c.office)
    report = services.submit_report(report, actor=c.office)
    # then the figures are county A's township's: 2 found (1 major), 1 rectification accepted
    assert (report.hazards_found, report.hazards_found_major) == (2, 1)
    assert (report.hazards_rectified, report.hazards_rectified_major) == (1, 0)
    assert report.figures_at is not None
    # and it came on time (due 5 April), with its two meetings counted
    assert report.late is False and report.meetings_held == 2 and not report.meetings_short


def test_a_department_counts_only_its_industries(world, clock):
    # given a construction department (industry 06) of county A and one hazard in each industry
    from anjian.portal.testing.factories import DepartmentFactory, industry

    c = committee(world)
    dept = DepartmentFactory(name="甲区住建局", region=world.county_a, kind="industry")
    dept.industries.set([industry("06")])
    unit = services.create_unit(actor=c.office, committee_region=world.county_a,
                                data={"kind": "department", "name": "甲区住建局", "department": dept})
    admin = world.users[Role.ADMIN]
    make_hazard(world.ent_a, admin)
    make_hazard(world.ent_a_construction, admin)
    services.open_month(MARCH)
    # then its figures count the construction hazard only
    assert services.report_figures(report_of(unit, MARCH))["found"] == 1
    assert services.report_figures(report_of(c.bureau, MARCH))["found"] == 2


def test_late_submission_is_kept_after_a_return(world, clock):
    # given the bureau's March report, submitted on 7 April (due 5 April)
    c = committee(world)
    services.open_month(MARCH)
    regulator = world.users[Role.REGULATOR]
    clock("2026-04-07T10:00")
    report = services.submit_report(fill(report_of(c.bureau, MARCH), regulator), actor=regulator)
    assert report.late is True
    # when the office returns it and the bureau submits it again, then it stays late
    report = services.review_report(report, actor=c.office, accept=False, comment="请补充夜查照片")
    assert report.state == "returned" and report.review_comment == "请补充夜查照片"
    report = services.submit_report(report, actor=regulator)
    assert report.late is True and report.state == "submitted"
    report = services.review_report(report, actor=c.office, accept=True)
    assert report.state == "accepted"


def test_a_return_needs_a_reason(world, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = services.submit_report(fill(report_of(c.bureau, MARCH), c.office), actor=c.office)
    with pytest.raises(ValidationError) as err:
        services.review_report(report, actor=c.office, accept=False, comment=" ")
    assert "comment" in err.value.message_dict


def test_who_may_file_and_who_may_review(world, clock):
    # given the township's and the bureau's reports
    c = committee(world)
    services.open_month(MARCH)
    regulator = world.users[Role.REGULATOR]
    # then the bureau's officer files the bureau's report, not the township's
    services.edit_report(report_of(c.bureau, MARCH), actor=regulator, data={"summary": "正常"})
    with pytest.raises(PermissionDenied):
        services.edit_report(report_of(c.township, MARCH), actor=regulator, data={"summary": "正常"})
    # and only the office reviews
    report = services.submit_report(fill(report_of(c.bureau, MARCH), regulator), actor=regulator)
    with pytest.raises(PermissionDenied):
        services.review_report(report, actor=regulator, accept=True)
    # and an industry officer of county A, who does not belong to the bureau, files nothing
    with pytest.raises(PermissionDenied):
        services.edit_report(report_of(c.township, MARCH), actor=world.users[Role.INDUSTRY_OFFICER],
                             data={"summary": "正常"})


def test_a_stale_version_is_a_conflict(world, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = report_of(c.bureau, MARCH)
    services.edit_report(report_of(c.bureau, MARCH), actor=c.office, data={"summary": "甲"})
    with pytest.raises(ConflictError):
        services.edit_report(report, actor=c.office, data={"summary": "乙"})


def test_the_overdue_warning_is_raised_after_the_due_day_and_closes_on_submission(world, clock):
    # given March's reports, due 5 April
    c = committee(world)
    services.open_month(MARCH)
    rule = get_rule("steering_report_overdue")
    # when the scan runs on the due day, then nothing is overdue yet
    clock("2026-04-05T20:00")
    sync_rule(rule)
    assert not Warning.objects.filter(rule=rule.code).exists()
    # when it runs the day after, then both reports are overdue, in county A only
    clock("2026-04-06T08:00")
    sync_rule(rule)
    open_ = Warning.objects.filter(rule=rule.code, closed_at__isnull=True)
    assert open_.count() == 2
    assert "甲区应急管理局" in open_.get(object_id=str(report_of(c.bureau, MARCH).pk)).message
    assert not Warning.objects.for_user(world.users["other_county"]).filter(rule=rule.code).exists()
    # when the bureau submits (late), then its warning closes at the next scan
    services.submit_report(fill(report_of(c.bureau, MARCH), c.office), actor=c.office)
    sync_rule(rule)
    assert Warning.objects.filter(rule=rule.code, closed_at__isnull=True).count() == 1


def test_timeliness_counts_on_time_late_and_missing_reports_by_hand(world, clock):
    # given January to March opened for both units (6 reports), due on 5 Feb, 5 Mar and 5 Apr
    c = committee(world)
    for month in (1, 2, 3):
        services.open_month(datetime.date(2026, month, 1))
    # January: both on time; February: the bureau late, the township never; March: the bureau early
    clock("2026-02-03T10:00")
    for unit in (c.bureau, c.township):
        services.submit_report(fill(report_of(unit, datetime.date(2026, 1, 1)), c.office), actor=c.office)
    clock("2026-03-09T10:00")
    services.submit_report(fill(report_of(c.bureau, datetime.date(2026, 2, 1)), c.office), actor=c.office)
    services.submit_report(fill(report_of(c.bureau, MARCH), c.office), actor=c.office)
    # when county A's timeliness for January–March is read on 10 March
    clock("2026-03-10T10:00")
    figure = selectors.report_timeliness(world.county_a.path, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    # then: due = Jan ×2 + Feb ×2 (due 5 Mar, passed) + the bureau's March (submitted early) = 5;
    # on time = Jan ×2 + bureau's March = 3; late = the bureau's February; missing = the township's February
    # (the township's March is neither due nor submitted: not counted)
    assert (figure.numerator, figure.denominator) == (3, 5)
    assert figure.parts == {"on_time": 3, "late": 1, "missing": 1}
    assert round(figure.rate, 2) == 0.6
    # and the records behind each part are exactly those reports
    missing = selectors.report_timeliness_records(world.county_a.path, datetime.date(2026, 1, 1),
                                                  datetime.date(2026, 3, 31), part="missing")
    assert [(r.unit_id, r.period.month) for r in missing] == [(c.township.pk, 2)]
    late = selectors.report_timeliness_records(world.county_a.path, datetime.date(2026, 1, 1),
                                               datetime.date(2026, 3, 31), part="late")
    assert [(r.unit_id, r.period.month) for r in late] == [(c.bureau.pk, 2)]
    # and county B's figure counts none of them
    assert selectors.report_timeliness(world.county_b.path, datetime.date(2026, 1, 1),
                                       datetime.date(2026, 3, 31)).denominator == 0
    # and the indicator registry (the year to date: January–March) counts the same for county A's
    # regulator, each drill-down listing its reports; another county's regulator counts none
    value = assert_drills_match("monthly_report_timeliness", world.users[Role.REGULATOR], world.county_a, year(2026))
    assert (value.numerator, value.denominator) == (3, 5)
    assert indicator_figure("monthly_report_timeliness", world.users["other_county"], world.county_a,
                  year(2026)).denominator == 0


def test_a_meeting_removed_is_voided_and_uncounted(world, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = fill(report_of(c.bureau, MARCH), c.office)
    meeting = report.meetings.filter(is_voided=False).first()
    services.remove_meeting(meeting, actor=c.office, reason="重复录入")
    report.refresh_from_db()
    meeting.refresh_from_db()
    assert meeting.is_voided and report.meetings_held == 1 and report.meetings_short
    assert MonthlyReport.objects.filter(pk=report.pk).exists()

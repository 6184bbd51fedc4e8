"""The committee office's pages: every role of county A reads them in Chinese (no codes or English
labels), the office adds a unit through its form, the bureau fills and submits its report through
the pages, the office reviews it; a role that may not write gets 403, another county 404; the
report list's queries do not grow with the rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anjian.core.testing.files import pdf_upload
from anjian.core.testing.pagetext import leaks
from anjian.orgs.choices import Role
from anjian.steering import services
from anjian.steering.models import Unit

from .helpers import committee, fill, plan_of, report_of, task_of, tour_of

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MARCH = datetime.date(2026, 3, 1)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def filled(world, clock):
    """County A's committee with January to March opened; the bureau's February report
    submitted late and returned, its March report with meetings and a check."""
    c = committee(world)
    for month in (1, 2, 3):
        services.open_month(datetime.date(2026, month, 1))
    clock("2026-03-08T10:00")
    report = services.submit_report(fill(report_of(c.bureau, datetime.date(2026, 2, 1)), c.office), actor=c.office)
    services.review_report(report, actor=c.office, accept=False, comment="请补充会议纪要")
    march = fill(report_of(c.bureau, MARCH), c.office)
    services.add_check(march, actor=c.office, data={
        "checked_on": datetime.date(2026, 3, 6), "kind": "night", "leader_name": "王明", "leader_position": "副区长",
        "places": "甲机械有限公司", "hazards_found": 2, "fixed_on_the_spot": 1})
    tour = tour_of(c)
    c.finding = services.add_finding(tour, actor=c.office, data={
        "category": "responsibility", "description": "专题会议未按月召开", "requirement": "按月召开",
        "deadline": datetime.date(2026, 3, 9)})
    tour.refresh_from_db()
    c.tour = services.give_feedback(tour, actor=c.office)
    services.report_rectification(c.finding, actor=c.office, note="已整改")
    c.plan = plan_of(c)
    services.add_phase(c.plan, actor=c.office, data={"name": "部署实施", "starts_on": datetime.date(2026, 1, 1),
                                                    "ends_on": datetime.date(2026, 6, 30)})
    c.task = task_of(c, c.plan, deadline=datetime.date(2026, 3, 1), cooperating=[c.township])
    c.assignment = c.task.assignments.get(unit=c.bureau)
    services.report_progress(c.assignment, actor=c.office, data={"kind": "interim", "year": 2026, "content": "推进中",
                                                                 "completion": 40})
    c.duty = services.create_duty(actor=c.office, committee_region=world.county_a, data={
        "holder": "leader", "leader_position": "区长", "leader_role": "government_head", "content": "第一责任人",
        "task": c.task, "indicator_code": "hazard_rectification_rate"})
    return c


@pytest.mark.parametrize("role", [Role.ADMIN, Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER,
                                  Role.COMMITTEE_OFFICE, Role.ENTERPRISE, Role.EXPERT])
def test_every_role_reads_the_pages_in_chinese(world, filled, role):
    client = client_of(world.users[role])
    allow = tuple(u.username for u in world.users.values())
    urls = [reverse("steering:home"), reverse("steering:units"), reverse("steering:reports"),
            reverse("steering:report_board") + "?year=2026", reverse("steering:unit_create"),
            reverse("steering:unit_detail", args=[filled.bureau.pk]),
            reverse("steering:report_detail", args=[report_of(filled.bureau, MARCH).pk]),
            reverse("steering:report_detail", args=[report_of(filled.bureau, datetime.date(2026, 2, 1)).pk]),
            reverse("steering:report_edit", args=[report_of(filled.bureau, MARCH).pk]),
            reverse("steering:unit_edit", args=[filled.bureau.pk]),
            reverse("steering:tours"), reverse("steering:findings"), reverse("steering:tour_create"),
            reverse("steering:tour_detail", args=[filled.tour.pk]), reverse("steering:tour_edit", args=[filled.tour.pk]),
            reverse("steering:finding_detail", args=[filled.finding.pk]),
            reverse("steering:finding_edit", args=[filled.finding.pk]),
            reverse("steering:plans"), reverse("steering:plan_create"), reverse("steering:tasks"),
            reverse("steering:assignments"), reverse("steering:plan_detail", args=[filled.plan.pk]),
            reverse("steering:plan_edit", args=[filled.plan.pk]), reverse("steering:task_detail", args=[filled.task.pk]),
            reverse("steering:task_edit", args=[filled.task.pk]),
            reverse("steering:assignment_detail", args=[filled.assignment.pk]),
            reverse("steering:duties"), reverse("steering:duty_create"), reverse("steering:duty_import"),
            reverse("steering:duty_detail", args=[filled.duty.pk]), reverse("steering:duty_edit", args=[filled.duty.pk])]
    found = {}
    for url in urls:
        response = client.get(url, **ZH)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, (url, response.status_code)
        problems = leaks(response.content.decode(), allow=allow)
        if problems:
            found[url] = problems
    assert found == {}


def test_the_board_flags_late_and_overdue_months(world, filled, clock):
    html = client_of(filled.office).get(reverse("steering:report_board") + "?year=2026", **ZH).content.decode()
    # the bureau's January is overdue (never submitted, due 5 February), February late, March open
    assert html.count("st-cell-missing") >= 2 and "st-cell-late" in html and "st-cell-open" in html


def test_the_office_adds_a_unit_through_the_form(world, clock):
    office = world.users[Role.COMMITTEE_OFFICE]
    client = client_of(office)
    url = reverse("steering:unit_create")
    # a lower government without its region is refused next to the field
    response = client.post(url, {"committee": world.county_a.code, "kind": "lower_government", "name": "甲街道",
                                 "sort": 0, "files_monthly_report": "on"}, **ZH)
    assert response.status_code == 400 and "请选择下级政府所辖区划" in response.content.decode()
    response = client.post(url, {"committee": world.county_a.code, "kind": "lower_government", "name": "甲街道",
                                 "region": world.township_a.pk, "sort": 0, "files_monthly_report": "on"})
    assert response.status_code == 302
    unit = Unit.objects.get(name="甲街道")
    assert unit.region_path == world.township_a.path and unit.committee_region == world.county_a
    # a regulator may not add units at all
    assert client_of(world.users[Role.REGULATOR]).get(url).status_code == 403


def test_the_bureau_fills_and_submits_through_the_pages_and_the_office_reviews(world, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = report_of(c.bureau, MARCH)
    bureau = client_of(world.users[Role.REGULATOR])
    detail = reverse("steering:report_detail", args=[report.pk])
    response = bureau.post(reverse("steering:report_edit", args=[report.pk]),
                           {"summary": "本月召开两次专题会议", "hazard_work": "排查隐患3项", "version": report.version})
    assert response.status_code == 302
    for day in (4, 18):
        bureau.post(reverse("steering:meeting_add", args=[report.pk]), {
            "held_on": f"2026-03-{day:02d}", "kind": "special", "title": "安全生产专题会", "chaired_by": "局长",
            "minutes": pdf_upload("纪要.pdf")})
    response = bureau.post(reverse("steering:report_submit", args=[report.pk]), follow=True, **ZH)
    assert "月报已报送" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted" and report.meetings_held == 2
    # the bureau has no review button and its review is refused (403)
    assert "提交审核意见" not in bureau.get(detail, **ZH).content.decode()
    assert bureau.post(reverse("steering:report_review", args=[report.pk]), {"decision": "accept"}).status_code == 403
    office = client_of(c.office)
    response = office.post(reverse("steering:report_review", args=[report.pk]),
                           {"decision": "accept", "version": report.version}, follow=True, **ZH)
    assert "月报已审核通过" in response.content.decode()
    # county B's regulator cannot tell the report exists
    other = client_of(world.users["other_county"])
    assert other.get(detail).status_code == 404
    assert other.post(reverse("steering:report_submit", args=[report.pk])).status_code == 404


def test_a_refused_step_is_a_message_on_the_page(world, clock):
    c = committee(world)
    services.open_month(MARCH)
    report = report_of(c.bureau, MARCH)
    response = client_of(c.office).post(reverse("steering:report_submit", args=[report.pk]), follow=True, **ZH)
    assert "报送前请填写本月安全生产工作情况" in response.content.decode()


def test_the_report_list_page_runs_a_constant_number_of_queries(world, clock):
    c = committee(world)
    client = client_of(c.office)
    services.open_month(datetime.date(2026, 1, 1))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("steering:reports")).status_code == 200
        return len(ctx.captured_queries)

    count()
    few = count()
    for month in (2, 3, 4, 5, 6):
        services.open_month(datetime.date(2026, month, 1))
    assert count() == few

"""The dual report (双报告) and re-check (复查) pages in a real browser, at desktop width and at
390 px (a phone), in Chinese: the enterprise files a hazard report (the form shows only the texts
of the chosen report and the department only for a report to the department), its print view;
the regulator re-checks (the new deadline only when not passed) and opens the re-check opinion.
Each page is checked for horizontal overflow at 390 px and kept as a screenshot in
var/screenshots/. Run alone with ``pytest -m browser``."""

import datetime
import importlib
from pathlib import Path

import pytest
from django.utils import timezone

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, log_in, new_page, sync_playwright
from anjian.hazards import services
from anjian.hazards.models import DualReport, Hazard, Recheck
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, DUAL_REPORT_TEXTS, PASSWORD, make_hazard

pytestmark = BROWSER_MARKS
WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Reload the reference data an earlier transactional test's flush removed."""
    from django.apps import apps

    from anjian.core.scoping import INDUSTRIES, REGION_PATHS
    from anjian.enterprises.models import Industry

    if not Industry.objects.exists():
        importlib.import_module("anjian.enterprises.migrations.0003_load_industries").load(apps, None)
    INDUSTRIES.clear()
    REGION_PATHS.clear()


def no_horizontal_overflow(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, page.url


@pytest.mark.parametrize("size", list(WIDTHS))
def test_enterprise_files_a_dual_report_and_prints_it(world, live_server, settings, size):
    enterprise_user = world.users[Role.ENTERPRISE]
    major = make_hazard(world.ent_a, world.users[Role.REGULATOR], major=True, location="储罐区",
                        description="防火堤破损，雨水排放阀常开", **COMPLETE_PLAN)
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = new_page(browser, width=WIDTHS[size])
            log_in(page, live_server.url, enterprise_user.username, PASSWORD)
            page.goto(f"{live_server.url}/hazards/{major.pk}/")
            expect(page.locator("#dual-reports")).to_contain_text("未报告")
            page.click(".page-head .actions a[data-action=record_dual_report]")
            page.wait_for_url("**/record_dual_report/")
            # The hazard report's three parts show; the result does not; the department does
            expect(page.locator(".field-situation")).to_be_visible()
            expect(page.locator(".field-treatment_result")).to_be_hidden()
            expect(page.locator(".field-department")).to_be_visible()
            expect(page.locator(".field-recipient_name")).to_be_hidden()
            expect(page.locator("#id_treatment_plan")).to_have_value(COMPLETE_PLAN["plan_measures"])
            no_horizontal_overflow(page)
            page.screenshot(path=str(shots / f"dual-report-form-{size}.png"), full_page=True)
            # Choosing the workers' congress swaps the department for the meeting
            page.check("input[name=recipient][value=congress]")
            expect(page.locator(".field-department")).to_be_hidden()
            expect(page.locator(".field-recipient_name")).to_be_visible()
            page.fill("#id_recipient_name", "第五届职工代表大会第二次会议")
            page.fill("#id_situation", DUAL_REPORT_TEXTS["situation"])
            page.fill("#id_severity_analysis", DUAL_REPORT_TEXTS["severity_analysis"])
            page.click("form.panel button[type=submit]")
            page.wait_for_url(f"**/hazards/{major.pk}/")
            expect(page.locator(".messages .success")).to_be_visible()
            expect(page.locator("#dual-reports")).to_contain_text("第五届职工代表大会第二次会议")
            no_horizontal_overflow(page)
            page.screenshot(path=str(shots / f"dual-report-hazard-{size}.png"), full_page=True)
            # The print view lays the report out as the document
            page.click("#dual-reports table a:has-text('重大事故隐患报告')")
            page.wait_for_url("**/dual-reports/*/")
            expect(page.locator(".hz-doc-title")).to_have_text("重大事故隐患报告")
            expect(page.locator(".hz-doc")).to_contain_text(DUAL_REPORT_TEXTS["severity_analysis"])
            no_horizontal_overflow(page)
            page.screenshot(path=str(shots / f"dual-report-print-{size}.png"), full_page=True)
        finally:
            browser.close()
    report = DualReport.objects.get()
    assert report.recipient == "congress" and report.treatment_plan == COMPLETE_PLAN["plan_measures"]


@pytest.mark.parametrize("size", list(WIDTHS))
def test_regulator_rechecks_and_opens_the_opinion(world, live_server, settings, size):
    regulator, enterprise_user = world.users[Role.REGULATOR], world.users[Role.ENTERPRISE]
    h = make_hazard(world.ent_a, regulator, location="冲压车间", description="冲压机防护罩缺失")
    h = services.start_rectification(h, actor=enterprise_user)
    h = services.submit_rectification(h, actor=enterprise_user, note="已加装防护罩")
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    new_deadline = timezone.localdate() + datetime.timedelta(days=7)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = new_page(browser, width=WIDTHS[size])
            log_in(page, live_server.url, regulator.username, PASSWORD)
            page.goto(f"{live_server.url}/hazards/{h.pk}/")
            expect(page.locator("#rechecks")).to_contain_text("应复查日期")
            page.click(".page-head .actions a[data-action=recheck]")
            page.wait_for_url("**/recheck/")
            expect(page.locator(".field-new_deadline")).to_be_hidden()
            page.check("input[name=outcome][value=failed]")
            expect(page.locator(".field-new_deadline")).to_be_visible()
            page.fill("#id_new_deadline", new_deadline.isoformat())
            page.fill("#id_opinion", "防护罩未固定，存在脱落风险")
            no_horizontal_overflow(page)
            page.screenshot(path=str(shots / f"recheck-form-{size}.png"), full_page=True)
            page.click("form.panel button[type=submit]")
            page.wait_for_url(f"**/hazards/{h.pk}/")
            expect(page.locator(".messages .success")).to_contain_text("不合格")
            expect(page.locator("#rechecks")).to_contain_text("复查不合格")
            no_horizontal_overflow(page)
            page.screenshot(path=str(shots / f"recheck-hazard-{size}.png"), full_page=True)
            page.click("#rechecks a.mono")
            page.wait_for_url("**/rechecks/*/")
            expect(page.locator(".hz-doc-title")).to_have_text("整改复查意见书")
            no_horizontal_overflow(page)
            page.screenshot(path=str(shots / f"recheck-opinion-{size}.png"), full_page=True)
        finally:
            browser.close()
    recheck = Recheck.objects.get()
    assert recheck.new_deadline == new_deadline and Hazard.objects.get(pk=h.pk).state == "rectifying"

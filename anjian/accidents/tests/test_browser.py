"""Reporting an accident in a real browser (headless Debian Chromium via Playwright, against a
live server), in Chinese as users see it, keeping a screenshot in var/screenshots/: the
enterprise's safety manager opens the ledger, reports an accident of 2025 (the GB 6441-1986
types are offered for that date, not the 2025 list), sees the grade preview, and lands on the
accident with its grade and the 迟报 mark of a late report to the government.

Run alone with ``pytest -m browser``; skipped when Chromium or Playwright is missing."""

from pathlib import Path

from anjian.accidents.models import Accident, ReportingFlag
from anjian.core.testing.browser import (
    BROWSER_MARKS,
    expect,
    launch,
    log_in,
    new_page,
    sync_playwright,
)
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

pytestmark = BROWSER_MARKS


def test_enterprise_reports_an_accident_and_the_regulator_sees_it_in_the_statistics(world, live_server, settings):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    user = world.users[Role.ENTERPRISE]
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = new_page(browser)
            # given the enterprise's safety manager, logged in
            log_in(page, live_server.url, user.username, PASSWORD)

            # when they open the ledger and report an accident that happened in March 2025
            page.goto(f"{live_server.url}/accidents/")
            page.click(".page-head a:has-text('事故报告')")
            page.wait_for_url("**/accidents/new/")
            assert page.locator("#id_enterprise").is_disabled()  # their own enterprise, fixed
            page.fill("#id_occurred_at", "2025-03-01T08:00")
            page.dispatch_event("#id_occurred_at", "change")
            # then only the GB 6441-1986 list is offered for that date
            expect(page.locator("#id_accident_type option", has_text="车辆伤害")).to_have_count(1)
            expect(page.locator("#id_accident_type option", has_text="跌落")).to_have_count(0)
            page.select_option("#id_region", world.township_a.code)
            page.fill("#id_address", "二车间冲压线")
            page.select_option("#id_accident_type", label="03 机械伤害")
            page.fill("#id_deaths", "3")
            page.dispatch_event("#id_deaths", "change")
            expect(page.locator("#grade-preview")).to_contain_text("较大事故")
            page.fill("#id_summary", "操作工在冲床作业时被卷入")
            page.fill("#id_learned_at", "2025-03-01T08:10")
            page.fill("#id_reported_to_government_at", "2025-03-01T09:40")
            page.click("form.panel button[type=submit]")

            # then the accident is in the ledger: relatively serious, with the late-report mark
            page.wait_for_url("**/accidents/*/")
            expect(page.locator(".messages .success")).to_contain_text("较大事故")
            expect(page.locator(".page-head .ac-grade")).to_have_text("较大事故")
            expect(page.locator("#chain .ac-late").first).to_be_visible()
            page.screenshot(path=str(shots / "accident_reported.png"), full_page=True)
            accident = Accident.objects.get()
            assert accident.enterprise_id == world.ent_a.pk and accident.accident_type.scheme == "GB6441-1986"
            assert ReportingFlag.objects.filter(accident=accident, kind="late", is_automatic=True).exists()

            # and the county regulator sees it in the statistics of 2025: one accident, 3 deaths,
            # a relatively serious one among the grades, in county A's double-decline row
            regulator = new_page(browser)
            log_in(regulator, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            regulator.goto(f"{live_server.url}/accidents/statistics/?year=2025")
            expect(regulator.locator(".card[data-measure=count] .value")).to_have_text("1")
            expect(regulator.locator(".card[data-measure=deaths] .value")).to_have_text("3")
            expect(regulator.locator("#breakdown-grade")).to_contain_text("较大事故")
            expect(regulator.locator("#chart-monthly")).to_have_attribute("data-drawn", "1")
        finally:
            browser.close()

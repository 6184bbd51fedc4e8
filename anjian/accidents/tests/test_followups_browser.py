"""The accident page's follow-up reports (续报), report deadline and missing persons in a real
browser (headless Debian Chromium via Playwright, against a live server), in Chinese as users see
it, at desktop width and at 390 px (a phone): the county regulator sees the follow-up overdue,
records one that finds a person missing, reads 死亡 N 人（含失踪 1 人）, declares the situation
stable, and sees the report deadline; the statistics page shows 零事故 for a quiet year.
Screenshots are kept in var/screenshots/. Run alone with ``pytest -m browser``.

The clock is not frozen here (the browser's cookies live in real time): times are relative to now."""

import datetime
from pathlib import Path

from django.utils import timezone

from anjian.accidents.models import Accident, FollowUpReport
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

from .factories import make_accident

pytestmark = BROWSER_MARKS


def no_horizontal_scroll(page) -> bool:
    """The page itself does not scroll sideways (wide tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_followup_stable_and_deadline_on_the_accident_page(world, live_server, settings):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    regulator = world.users[Role.REGULATOR]
    # given an ordinary accident (2 dead) of enterprise A, first reported 30 hours ago
    occurred = timezone.now() - datetime.timedelta(hours=31)
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=occurred, deaths=2, learned_at=occurred,
                        reported_to_government_at=occurred + datetime.timedelta(minutes=40))
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = new_page(browser)
            log_in(page, live_server.url, regulator.username, PASSWORD)
            page.goto(f"{live_server.url}/accidents/{acc.pk}/")
            # then the follow-up is overdue (at least once a day) and the report deadline is shown
            status = page.locator("#followup-status")
            expect(status).to_contain_text("每日至少续报 1 次")
            expect(status.locator(".badge-danger")).to_have_text("逾期")
            due = (timezone.localdate(occurred) + datetime.timedelta(days=60)).isoformat()
            expect(page.locator("#report-deadline")).to_contain_text(due)
            expect(page.locator("#casualties")).to_have_text("死亡 2 人")
            page.screenshot(path=str(shots / "accident-followup-overdue.png"), full_page=True)

            # when the regulator records a follow-up that finds one person missing
            page.click("a[data-action=record_followup]")
            page.wait_for_url("**/record_followup/")
            page.fill("#id_reported_by", "区应急管理局值班室")
            page.fill("#id_text", "搜救继续，1人下落不明")
            page.fill("#id_missing", "1")
            page.click("form.panel button[type=submit]")
            page.wait_for_url(f"**/accidents/{acc.pk}/")
            # then the obligation is met, the deaths read with the missing, and the grade follows
            expect(page.locator("#followup-status .badge-danger")).to_have_count(0)
            expect(page.locator("#followups")).to_contain_text("搜救继续，1人下落不明")
            expect(page.locator("#casualties")).to_have_text("死亡 3 人（含失踪 1 人）")
            expect(page.locator(".page-head .ac-grade")).to_have_text("较大事故")

            # and at 390 px the page does not scroll sideways
            phone = new_page(browser, width=390, height=844)
            log_in(phone, live_server.url, regulator.username, PASSWORD)
            phone.goto(f"{live_server.url}/accidents/{acc.pk}/")
            expect(phone.locator("#casualties")).to_be_visible()
            assert no_horizontal_scroll(phone)
            phone.screenshot(path=str(shots / "accident-followups-390.png"), full_page=True)

            # when the situation is declared stable, the follow-ups end
            page.click("a[data-action=declare_stable]")
            page.wait_for_url("**/declare_stable/")
            page.fill("#id_note", "救援结束，失踪人员仍在搜寻")
            page.click("form.panel button[type=submit]")
            page.wait_for_url(f"**/accidents/{acc.pk}/")
            expect(page.locator("#followup-status")).to_contain_text("起已稳定")
            expect(page.locator("a[data-action=declare_stable]")).to_have_count(0)
            page.screenshot(path=str(shots / "accident-followups.png"), full_page=True)
        finally:
            browser.close()
    acc = Accident.objects.get(pk=acc.pk)
    assert acc.situation_stable_at is not None and (acc.deaths, acc.missing) == (2, 1)
    assert FollowUpReport.objects.get(accident=acc).casualty_update is not None


def test_statistics_page_shows_zero_accidents_at_desktop_and_phone_width(world, live_server, settings):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    regulator = world.users[Role.REGULATOR]
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            for width, name in ((1366, "accident-statistics-zero.png"), (390, "accident-statistics-zero-390.png")):
                page = new_page(browser, width=width, height=900)
                log_in(page, live_server.url, regulator.username, PASSWORD)
                # a year without accidents in county A nor the year before
                page.goto(f"{live_server.url}/accidents/statistics/?year=2020")
                expect(page.locator("#root-verdict")).to_have_text("零事故")
                expect(page.locator("#root-verdict-hint")).to_have_text("本期与上年同期均无事故")
                row = page.locator(f"#verdicts tr[data-code='{world.township_a.code}']")
                expect(row.locator(".verdict.yes")).to_have_text("零事故")
                if width == 390:
                    assert no_horizontal_scroll(page)
                page.screenshot(path=str(shots / name), full_page=True)
        finally:
            browser.close()

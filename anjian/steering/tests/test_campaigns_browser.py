"""A campaign in a real browser (headless Debian Chromium via Playwright, against a live server), in
Chinese, at 1366 px and 390 px: the committee office opens a campaign under way, reads its figures
and opens the enterprises not yet inspected. Screenshots are kept in var/screenshots/
(campaign-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, log_in, new_page, sync_playwright
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD, make_checklist
from anjian.steering import services

from .test_campaigns import at, inspect, plan

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_office_follows_a_campaign(world, live_server, settings, width):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    checklist = make_checklist(items=2)
    campaign = plan(world, checklist=checklist, industries=())
    office = world.users[Role.COMMITTEE_OFFICE]
    services.launch_campaign(campaign, actor=office)
    inspect(world, world.ent_a, checklist, at("2026-03-05T10:00"), found=1)
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, width=width)
        try:
            log_in(page, live_server.url, office.username, PASSWORD)
            page.goto(f"{live_server.url}/steering/campaigns/")
            page.get_by_role("link", name=campaign.number).click()
            expect(page.locator(".page-head")).to_contain_text("进行中")
            expect(page.locator(".cp-figures")).to_contain_text("纳入整治的企业")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(shots / f"campaign-detail-{width}.png"), full_page=True)
            page.locator(".cp-figures a", has_text="尚未检查的企业").click()
            expect(page.locator("table.data")).to_contain_text(world.ent_a_construction.name)
            expect(page.locator("table.data")).not_to_contain_text(world.ent_a.name)
            page.screenshot(path=str(shots / f"campaign-records-{width}.png"), full_page=True)
        finally:
            browser.close()

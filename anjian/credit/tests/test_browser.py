"""Credit in a real browser (headless Debian Chromium via Playwright, against a live server), in
Chinese, at 1366 px and 390 px: the regulator opens an enterprise's file and sees its credit
section, decides a proposed listing, then sees the grades list with the enterprise in D.
Screenshots are kept in var/screenshots/ (credit-*.png). Run alone with ``pytest -m browser``."""

from __future__ import annotations

from pathlib import Path

import pytest

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, log_in, new_page, sync_playwright
from anjian.credit.models import Blacklisting
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

from .factories import listing, record

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()


@pytest.mark.parametrize("width", [1366, 390])
def test_credit_section_listing_and_grades(world, live_server, settings, width):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    ent = world.ent_a
    record(world, ent, kind_code="listed_hazard", document="甲安委办督〔2026〕2号", summary="重大隐患挂牌督办")
    record(world, ent, kind_code="other_bad", confirm=False, summary="未按规定开展隐患排查")
    proposed = listing(world, ent, decide=False)
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, width=width)
        try:
            log_in(page, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            page.goto(f"{live_server.url}/enterprises/{ent.pk}/")
            section = page.locator("#dossier-credit")
            expect(section).to_contain_text("安全生产诚信")
            expect(section).to_contain_text("待确认")
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"credit-file-{width}.png"), full_page=True)
            page.goto(f"{live_server.url}/credit/listings/{proposed.pk}/")
            form = page.locator("form.cr-step", has_text="决定列入")
            form.locator("input[name=decision_number]").fill("甲应急失信〔2026〕1号")
            form.locator("button").click()
            expect(page.locator(".page-head")).to_contain_text("已列入")
            page.screenshot(path=str(shots / f"credit-listing-{width}.png"), full_page=True)
            page.goto(f"{live_server.url}/credit/")
            expect(page.locator("table.data")).to_contain_text("严重失信（D级）")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(shots / f"credit-grades-{width}.png"), full_page=True)
        finally:
            browser.close()
    assert Blacklisting.objects.get(pk=proposed.pk).state == "listed"

"""Occupational health in a real browser (headless Chromium via Playwright, against a live server),
in Chinese, at 1366 px and 390 px: the regulator accepts a declaration, records a detection result
over the limit and raises it as a hazard, then opens the enterprise's file. Screenshots are kept in
var/screenshots/ (occupational-*.png). Run alone with ``pytest -m browser``."""

from __future__ import annotations

from pathlib import Path

import pytest

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, log_in, new_page, sync_playwright
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

from .factories import declaration, detection, exposure

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()


@pytest.mark.parametrize("width", [1366, 390])
def test_accept_a_declaration_and_raise_an_exceedance(world, live_server, settings, width):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    ent = world.ent_a
    exposure(world, ent, workers=24)
    decl = declaration(world, ent, level="serious")
    det = detection(world, ent)
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, width=width)
        try:
            log_in(page, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            page.goto(f"{live_server.url}/occupational/declarations/{decl.pk}/")
            page.locator("form.occ-step", has_text="受理").locator("button").click()
            expect(page.locator(".panel").nth(1)).to_contain_text("已受理")
            page.screenshot(path=str(shots / f"occupational-declaration-{width}.png"), full_page=True)
            page.goto(f"{live_server.url}/occupational/detections/{det.pk}/")
            form = page.locator(".occ-result")
            form.locator("input[name=point]").fill("冲压工岗位")
            form.locator("select[name=factor]").select_option(label="噪声")
            form.locator("input[name=measured]").fill("92")
            form.locator("input[name=limit]").fill("85")
            form.locator("input[name=unit]").fill("dB(A)")
            form.locator("button").click()
            expect(page.locator("table.data").first).to_contain_text("超过限值")
            page.screenshot(path=str(shots / f"occupational-detection-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.locator("form.occ-step", has_text="转为隐患").locator("button").click()
            expect(page.locator("body")).to_contain_text("冲压工岗位")
            assert "/hazards/" in page.url
            page.goto(f"{live_server.url}/enterprises/{ent.pk}/")
            section = page.locator("#dossier-occupational")
            expect(section).to_contain_text("职业健康")
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"occupational-file-{width}.png"), full_page=True)
            page.goto(f"{live_server.url}/occupational/exposures/")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(shots / f"occupational-list-{width}.png"), full_page=True)
        finally:
            browser.close()

"""The standardisation spot check in a real browser (headless Chromium via Playwright, against a
live server), in Chinese, at 1366 px and 390 px: the regulator draws this year's check of county A,
records a failure, sees the grade proposed for withdrawal, and opens the enterprise's file with
the duties section. Screenshots in var/screenshots/ (duties-*.png). Run alone with ``pytest -m browser``."""

from __future__ import annotations

from pathlib import Path

import pytest

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, log_in, new_page, sync_playwright
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

from .factories import commitment, grade, organisation

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()


@pytest.mark.parametrize("width", [1366, 390])
def test_spot_check_and_the_file(world, live_server, settings, width):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    ent = world.ent_a_construction
    g = grade(world, ent, number="（甲）AQBⅢJZ202600001")
    organisation(world, ent, director_name="")
    commitment(world, ent)
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, width=width)
        try:
            log_in(page, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            # given the draw form: the region and the seed
            page.goto(f"{live_server.url}/obligations/spot-checks/new/")
            page.select_option("select[name=region]", str(world.county_a.pk))
            page.fill("input[name=seed]", "浏览器")
            page.locator("form.panel button[type=submit]").click()
            # then the check lists the drawn enterprise with its grade
            expect(page.locator("h1")).to_contain_text("抽查")
            expect(page.locator("table.data").first).to_contain_text(ent.name)
            # when the regulator records a failure
            page.select_option("select[name=passed]", "0")
            page.fill("input[name=note]", "隐患排查制度未运行")
            page.locator("table.data button", has_text="登记").click()
            expect(page.locator("table.data").first).to_contain_text("不合格")
            page.screenshot(path=str(shots / f"duties-spot-check-{width}.png"), full_page=True)
            # and the grade is proposed for withdrawal
            page.goto(f"{live_server.url}/obligations/standardisation/{g.pk}/")
            expect(page.locator(".page-head")).to_contain_text("已提出摘牌建议")
            page.screenshot(path=str(shots / f"duties-grade-{width}.png"), full_page=True)
            # the enterprise's file shows the duties: the director is missing
            page.goto(f"{live_server.url}/enterprises/{ent.pk}/")
            section = page.locator("#dossier-obligations_duties")
            expect(section).to_contain_text("标准化、安全管理机构与承诺")
            expect(section).to_contain_text("安全总监")
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"duties-file-{width}.png"), full_page=True)
            page.goto(f"{live_server.url}/obligations/commitments/")
            page.screenshot(path=str(shots / f"duties-commitments-{width}.png"), full_page=True)
        finally:
            browser.close()

"""The calculator and the registry in a real browser (headless Debian Chromium via Playwright,
against a live server), in Chinese: a grid officer computes the issue's example on the
calculator page; a regulator filters the registry by grade and opens a source. Screenshots are
kept in var/screenshots/. Run alone with ``pytest -m browser``."""

from pathlib import Path

import pytest

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

from .helpers import make_source

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """A transactional test's flush empties the migrated tables: load them again."""
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS
    from anjian.majorhazards.calculation import clear_table_cache

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()
    clear_table_cache()


def _page(pw, live_server, user):
    browser = launch(pw)
    page = new_page(browser)
    log_in(page, live_server.url, user.username, PASSWORD)
    return browser, page


def test_calculator_and_registry(world, live_server, settings):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    source = make_source(world, name="液氯储罐区", substances=[{"name": "氯", "quantity_t": 40}], population=120)
    make_source(world, name="甲醇小罐", substances=[{"name": "甲醇", "quantity_t": 10}])
    with sync_playwright() as pw:
        # given a grid officer on the calculator page
        browser, page = _page(pw, live_server, world.users[Role.GRID_OFFICER])
        try:
            page.goto(f"{live_server.url}/major-hazard-sources/calculator/")
            # when they enter chlorine and an unnamed W5.3 solvent and calculate
            page.fill("#id_population_500m", "120")
            page.fill("#id_s-0-cas", "7782-50-5")
            page.fill("#id_s-0-quantity_t", "40")
            page.fill("#id_s-1-name", "某溶剂")
            page.fill("#id_s-1-hazard_class", "W5.3")
            page.fill("#id_s-1-quantity_t", "300")
            page.click("#mh-calculator button[type=submit]")
            # then the result shows grade 2 with S 8.3 and R 64.6
            result = page.locator("#mh-result")
            expect(result).to_contain_text("二级")
            expect(result).to_contain_text("8.3")
            expect(result).to_contain_text("64.6")
            page.screenshot(path=str(shots / "majorhazards-calculator.png"), full_page=True)
        finally:
            browser.close()

        # given a regulator on the registry
        browser, page = _page(pw, live_server, world.users[Role.REGULATOR])
        try:
            page.goto(f"{live_server.url}/major-hazard-sources/")
            expect(page.locator("table.mh-registry tbody tr")).to_have_count(2)
            # when they filter grade 2 and open the source
            page.check("input[name=grade][value='2']")
            page.click(".filter-bar button[type=submit]")
            expect(page.locator("table.mh-registry tbody tr")).to_have_count(1)
            page.screenshot(path=str(shots / "majorhazards-registry.png"), full_page=True)
            page.click(f"text={source.number}")
            # then the detail explains the grade
            expect(page.locator(".mh-explain")).to_contain_text("为2级")
            page.screenshot(path=str(shots / "majorhazards-detail.png"), full_page=True)
        finally:
            browser.close()

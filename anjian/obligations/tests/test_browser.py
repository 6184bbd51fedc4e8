"""An enterprise's file with the obligations registries in a real browser (headless Debian
Chromium via Playwright, against a live server), in Chinese, at 1366 px and 390 px: the regulator
opens a construction company's file, sees its licences and certificates section, follows it to a
licence and verifies it, then opens the people list. Screenshots are kept in var/screenshots/
(obligations-*.png). Run alone with ``pytest -m browser``."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, log_in, new_page, sync_playwright
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

from .factories import certificate, licence, person

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """A transactional test's flush empties the migrated tables: load them again."""
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()


@pytest.mark.parametrize("width", [1366, 390])
def test_enterprise_file_with_the_registries(world, live_server, settings, width):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    ent = world.ent_a_construction
    today = timezone.localdate()
    lic = licence(world, ent, valid_until=today + datetime.timedelta(days=25), scope="房屋建筑工程施工总承包")
    principal = person(world, ent, role="principal", name="陈建国")
    certificate(world, principal)
    person(world, ent, role="special_operator", name="刘焊工", operation_type="welding")
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, width=width)
        try:
            log_in(page, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            # given the construction company's file
            page.goto(f"{live_server.url}/enterprises/{ent.pk}/")
            section = page.locator("#dossier-obligations")
            expect(section).to_contain_text("许可与持证")
            expect(section).to_contain_text("90天内到期的许可证")
            expect(section).to_contain_text("无有效证书的特种作业人员")
            section.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / f"obligations-file-{width}.png"), full_page=True)
            # when the regulator follows the licence and verifies it
            section.locator(f"a[href='/obligations/licences/{lic.pk}/']").click()
            expect(page.locator("h1")).to_contain_text("安全生产许可证")
            expect(page.locator(".page-head")).to_contain_text("剩余25天")
            page.locator("form.obl-step button", has_text="核实").click()
            # then the page says it is verified, by whom
            expect(page.locator(".page-head")).to_contain_text("已核实")
            page.screenshot(path=str(shots / f"obligations-licence-{width}.png"), full_page=True)
            # and the people list shows the uncertified welder
            page.goto(f"{live_server.url}/obligations/persons/?enterprise={ent.pk}")
            expect(page.locator("table.data")).to_contain_text("刘焊工")
            expect(page.locator("table.data")).to_contain_text("无有效证书")
            page.screenshot(path=str(shots / f"obligations-persons-{width}.png"), full_page=True)
        finally:
            browser.close()
    lic.refresh_from_db()
    assert lic.verified_by_id == world.users[Role.REGULATOR].pk

"""A source page updating live in a real browser (headless Debian Chromium via Playwright, against a
live server): readings stored while the page is open appear in its tiles without a reload, and a
breach turns its tile red. Screenshots at 1366 and 390 px are kept in var/screenshots/. Run alone
with ``pytest -m browser``."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from anjian.core.testing.browser import (
    BROWSER_MARKS,
    expect,
    launch,
    log_in,
    new_page,
    sync_playwright,
    wait_until,
)
from anjian.monitoring.ingest import Decoded, Incoming, store
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

from .conftest import make_sensor, make_source

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()


def _send(sensor, values, start):
    store(Decoded(readings=[Incoming(sensor.enterprise_id, sensor.code, start + datetime.timedelta(seconds=10 * i), v)
                            for i, v in enumerate(values)]), channel="mqtt")


def test_the_source_page_updates_without_a_reload(world, live_server, settings):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    source = make_source(world)
    level = make_sensor(world, source)
    make_sensor(world, source, code="TT-101", name="罐区温度", kind="temperature", unit="°C", range_min=-20,
                range_max=80, high=40, high_high=50, low=None, low_low=None)
    start = timezone.now() - datetime.timedelta(minutes=10)
    _send(level, [5.0, 5.2, 5.1, 5.3], start)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = new_page(browser)
            log_in(page, live_server.url, world.users[Role.ENTERPRISE].username, PASSWORD)
            page.goto(f"{live_server.url}/monitoring/sources/{source.pk}/")
            tile = page.locator(f'[data-sensor="{level.pk}"]')
            expect(tile.locator('[data-field="value"]')).to_have_text("5.30")
            # when a breach arrives while the page is open
            _send(level, [17.0, 17.5, 17.8, 17.9], timezone.now() - datetime.timedelta(seconds=40))
            # then the tile shows it, red, without a reload (the page polls every 5 s)
            wait_until(page, f'() => document.querySelector(\'[data-sensor="{level.pk}"] [data-field="value"]\')'
                       '.textContent === "17.90"', timeout=20_000)
            wait_until(page, f'() => document.querySelector(\'[data-sensor="{level.pk}"]\').classList.contains("alarm")')
            # and the trend chart (last hour, raw readings) has the eight readings
            wait_until(page, "() => { const c = echarts.getInstanceByDom(document.getElementById('mon-chart'));"
                             " return c && c.getOption().series[0].data.length === 8; }", timeout=20_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(shots / "monitoring-source.png"), full_page=True)
            narrow = new_page(browser, width=390, height=844)
            log_in(narrow, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            narrow.goto(f"{live_server.url}/monitoring/sources/{source.pk}/")
            expect(narrow.locator(f'[data-sensor="{level.pk}"] [data-field="value"]')).to_have_text("17.90")
            narrow.wait_for_timeout(800)
            narrow.screenshot(path=str(shots / "monitoring-source-390.png"), full_page=True)
            assert narrow.evaluate("document.documentElement.scrollWidth") <= 400
            narrow.goto(f"{live_server.url}/monitoring/")
            expect(narrow.locator("body")).to_contain_text(source.name)
            narrow.screenshot(path=str(shots / "monitoring-wall-390.png"), full_page=True)
            page.goto(f"{live_server.url}/monitoring/")
            page.screenshot(path=str(shots / "monitoring-wall.png"), full_page=True)
        finally:
            browser.close()

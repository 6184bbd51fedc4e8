"""The four-colour risk map in a real browser (headless Debian Chromium via Playwright against
a live server, in Chinese): the points are drawn in their colours, the enterprise markers and
the distribution charts are present, and another county's points are not on the map. A
screenshot is kept in var/screenshots/risks_map.png. Run alone with ``pytest -m browser``."""

from decimal import Decimal
from pathlib import Path

from anjian.core.testing.browser import (
    BROWSER_MARKS,
    launch,
    log_in,
    sync_playwright,
    wait_until,
)
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

from .factories import assess, make_point

pytestmark = BROWSER_MARKS


def test_risk_map_draws_points_and_distribution(world, live_server, settings):
    # given county A's enterprise with coordinates and four points of four levels, and one in county B
    ent = world.ent_a
    ent.longitude, ent.latitude = Decimal("116.45"), Decimal("39.95")
    ent.save(update_fields=["longitude", "latitude"])
    for i, (likelihood, severity) in enumerate([(5, 5), (4, 3), (2, 2), (1, 1)]):
        assess(world, make_point(world, name=f"点{i}", longitude=Decimal(f"116.4{i}"), latitude=Decimal(f"39.9{i}")),
               "ls", l=likelihood, s=severity)
    make_point(world, world.ent_b, name="乙县点", longitude=Decimal("117.0"), latitude=Decimal("40.5"))
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 1100}).new_page()
            # when county A's regulator opens the risk map
            log_in(page, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            page.goto(f"{live_server.url}/risks/map/")
            wait_until(page, "window.rkMapReady === true", timeout=15000)
            page.wait_for_timeout(1500)
            # then the scatter is drawn: one point per level, in the level colours, and the enterprise marker
            drawn = page.evaluate("""() => {
                const opt = echarts.getInstanceByDom(document.getElementById('chart-map')).getOption();
                return opt.series.map(s => [s.name, s.data.length, s.itemStyle && s.itemStyle.color]);
            }""")
            counts = [n for _name, n, _c in drawn]
            assert counts == [1, 1, 1, 1, 1, 0], drawn  # enterprises; major, high, moderate, low, unassessed
            assert [c for _n, _k, c in drawn[1:5]] == ["#D32F2F", "#F57C00", "#FBC02D", "#1976D2"]
            assert drawn[1][0] == "重大风险"
            assert page.locator("#chart-map canvas").count() >= 1
            # and the distribution charts are present, by region and by industry
            regions = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-regions'))
                .getOption().xAxis[0].data""")
            assert regions == [world.township_a.name]
            assert page.locator("#chart-regions canvas").count() >= 1
            assert page.locator("#chart-industries canvas").count() >= 1
            assert page.locator("#level-counts [data-level=major]").inner_text() == "1"
            assert "乙县点" not in page.content()
            page.screenshot(path=str(shots / "risks_map.png"), full_page=True)
        finally:
            browser.close()

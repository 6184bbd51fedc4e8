"""List pages on a phone (390 px wide) in a real browser (headless Debian Chromium via
Playwright against a live server, in Chinese): every row is a card with its fields named and
its record link on top, the page never scrolls sideways, and the filters fold behind a 筛选
button that says how many are on. At desktop width the same page is a table with an open filter
bar. Screenshots are kept in var/screenshots/ (list-390-cards.png, list-390-filters-open.png,
list-1366.png). Run alone with ``pytest -m browser``."""

from pathlib import Path

from anjian.core.testing.browser import BROWSER_MARKS, launch, log_in, new_page, sync_playwright
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD
from anjian.risks.tests.factories import assess, make_point

pytestmark = BROWSER_MARKS


def test_list_is_cards_with_folding_filters_at_390_px(world, live_server, settings):
    # given four assessed risk points in county A
    for i in range(4):
        assess(world, make_point(world, name=f"液氨储罐区{i}"))
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            # when county A's regulator opens the risk-point ledger on a 390 px wide phone
            page = new_page(browser, width=390, height=844)
            log_in(page, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            page.goto(f"{live_server.url}/risks/")
            # then nothing is wider than the screen
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            # each row is a card: the header row is out of sight, the record link is the card's title
            table = page.locator("table.data")
            assert "cardable" in table.get_attribute("class")
            # (kept for screen readers, in a 1 px clipped box)
            assert page.locator("table.data thead").bounding_box()["height"] <= 1
            first = page.locator("table.data tbody tr").first
            title = first.locator("td.card-title a")
            assert title.is_visible() and title.inner_text().startswith("液氨储罐区")
            box = first.bounding_box()
            assert box["width"] <= 390 and box["height"] > 120  # stacked fields, not one table line
            # and each field is named by its column, in Chinese
            labels = first.locator("td[data-label]").evaluate_all("cells => cells.map(c => c.dataset.label)")
            assert "企业" in labels and "风险等级" in labels
            # the filters are folded behind the 筛选 button
            toggle = page.locator(".filter-bar .filter-toggle")
            form = page.locator(".filter-bar form")
            assert toggle.is_visible() and toggle.inner_text().startswith("筛选")
            assert not form.is_visible()
            assert toggle.get_attribute("aria-expanded") == "false"
            page.screenshot(path=str(shots / "list-390-cards.png"), full_page=False)
            # when the button is tapped, the form opens, with the region and industry pickers
            toggle.click()
            assert form.is_visible() and toggle.get_attribute("aria-expanded") == "true"
            assert page.locator(".filter-bar select[name=region]").is_visible()
            page.screenshot(path=str(shots / "list-390-filters-open.png"), full_page=False)
            # and after filtering, the folded button says how many filters are on
            page.select_option(".filter-bar select[name=region]", world.county_a.code)
            page.locator(".filter-bar button[type=submit]").click()
            page.wait_for_load_state()
            assert page.locator(".filter-bar .filter-toggle").text_content() == "筛选（1）"
            assert page.locator("table.data tbody tr").count() == 4

            # at desktop width the same page is a table with its header and an open filter bar
            wide = new_page(browser, width=1366, height=900)
            log_in(wide, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            wide.goto(f"{live_server.url}/risks/")
            assert wide.locator("table.data thead").bounding_box()["height"] > 20
            assert wide.locator(".filter-bar form").is_visible()
            assert not wide.locator(".filter-bar .filter-toggle").is_visible()
            wide.screenshot(path=str(shots / "list-1366.png"), full_page=False)
        finally:
            browser.close()


def test_every_list_page_fits_390_px(world, live_server):
    # given a little of everything in county A
    from anjian.portal.testing.factories import make_hazard

    assess(world, make_point(world))
    make_hazard(world.ent_a, world.users[Role.ADMIN])
    lists = ["/enterprises/", "/hazards/", "/inspections/", "/inspections/tasks/", "/risks/",
             "/major-hazard-sources/", "/accidents/", "/warnings/", "/standards/", "/"]
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = new_page(browser, width=390, height=844)
            log_in(page, live_server.url, world.users[Role.REGULATOR].username, PASSWORD)
            for url in lists:
                # when each list (and the home page) is opened on the phone
                page.goto(f"{live_server.url}{url}")
                # then the page does not scroll sideways
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, (url, width)
        finally:
            browser.close()

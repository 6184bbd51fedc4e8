"""The dashboard in a real browser (headless Debian Chromium via Playwright, against a live
server), in Chinese: the city's headline figures and charts are drawn, a click on a county drills
down to its dashboard, a click on the rectification rate opens the indicator with the records
behind it — exactly the hazards not yet rectified. Screenshots are kept in var/screenshots/. Run
alone with ``pytest -m browser``; skipped without Chromium or Playwright."""

from pathlib import Path

from django.utils import timezone

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, log_in, new_page, sync_playwright
from anjian.hazards.choices import HazardState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD, make_hazard, make_user

pytestmark = BROWSER_MARKS


def test_dashboard_drills_into_a_county_and_opens_the_records_behind_a_rate(world, live_server, settings, clock):
    # given the city's committee office, and this month three hazards in county A (one rectified)
    # and one in county B
    office = make_user(Role.COMMITTEE_OFFICE, scope_region=world.city)
    admin = world.users[Role.ADMIN]
    a = [make_hazard(world.ent_a, admin) for _ in range(3)]
    Hazard.objects.filter(pk=a[0].pk).update(state=HazardState.CLOSED, accepted_at=timezone.now())
    make_hazard(world.ent_b, admin)
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = new_page(browser)
            log_in(page, live_server.url, office.username, PASSWORD)
            # when the office opens the dashboard, then the city's rate is 1 of 4 and the charts are drawn
            page.goto(f"{live_server.url}/assessment/dashboard/")
            card = page.locator(".as-headline [data-indicator=hazard_rectification_rate]")
            expect(card.locator(".value")).to_have_text("25.00%")
            for chart in ("trend", "region", "industry"):
                expect(page.locator(f"[data-chart={chart}]")).to_have_attribute("data-drawn", "1")
            page.wait_for_timeout(800)
            page.screenshot(path=str(shots / "assessment-dashboard.png"), full_page=True)
            # when it clicks county A, then county A's dashboard shows 1 of 3
            page.locator(f"#by-region tr[data-code='{world.county_a.code}'] a").click()
            expect(page.locator("h1 + .sub")).to_contain_text(world.county_a.name)
            expect(card.locator(".value")).to_have_text("33.33%")
            # when it opens the rate, then the records behind it are the two hazards not rectified
            card.click()
            expect(page.locator("#computation")).to_be_visible()
            rows = page.locator("#record-list tbody tr[data-pk]")
            expect(rows).to_have_count(2)
            assert {int(rows.nth(i).get_attribute("data-pk")) for i in range(2)} == {a[1].pk, a[2].pk}
            page.screenshot(path=str(shots / "assessment-indicator-records.png"), full_page=True)
            # and on a phone the same page works
            phone = new_page(browser, width=390)
            log_in(phone, live_server.url, office.username, PASSWORD)
            phone.goto(page.url)
            expect(phone.locator("#record-list")).to_be_attached()
            phone.screenshot(path=str(shots / "assessment-indicator-records-390.png"), full_page=True)
        finally:
            browser.close()

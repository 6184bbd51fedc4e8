"""The accident statistics page in a real browser (headless Debian Chromium via Playwright, against
a live server), in Chinese as users see it: an accident reported through the service appears in
the counts, the verdict table and the charts are drawn. A screenshot is kept in
var/screenshots/. Run alone with ``pytest -m browser``; skipped without Chromium or Playwright."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from anjian.accidents.services import report_accident
from anjian.core.testing.browser import (
    BROWSER_MARKS,
    expect,
    launch,
    log_in,
    new_page,
    sync_playwright,
)
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD, make_user
from anjian.regions.models import RegionYearFigure
from anjian.standards.models import AccidentType
from anjian.standards.selectors import accident_type_scheme_for

pytestmark = BROWSER_MARKS


def test_statistics_page_counts_a_reported_accident_and_draws_the_charts(world, live_server, settings, clock):
    # given 6 December (the current year is still a year to date), a city regulator, the city's
    # figures for this year, and one accident reported today through the service (2 dead) in county A
    clock("2026-12-06T10:00")
    city_user = make_user(Role.REGULATOR, scope_region=world.city)
    year = timezone.localdate().year
    RegionYearFigure.objects.create(region=world.county_a, year=year, gdp_100m_yuan=Decimal("400"),
                                    industrial_employment=100_000, count_target_pct=Decimal("-20"),
                                    deaths_target_pct=Decimal("-20"))
    now = timezone.now() - datetime.timedelta(hours=1)
    scheme = accident_type_scheme_for(timezone.localdate(now))
    accident = report_accident(actor=world.users[Role.ADMIN], data={
        "occurred_at": now, "region": world.township_a, "enterprise": world.ent_a, "address": "一车间",
        "accident_type": AccidentType.objects.filter(scheme=scheme, name="机械伤害").first()
        or AccidentType.objects.filter(scheme=scheme).first(),
        "deaths": 2, "serious_injuries": 1, "direct_loss_yuan": Decimal("300000"), "summary": "冲床伤人"})
    assert accident.region_path == world.township_a.path
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = new_page(browser)
            log_in(page, live_server.url, city_user.username, PASSWORD)
            # when the regulator opens the statistics from the side menu
            page.goto(f"{live_server.url}/accidents/statistics/")
            # then this year's count is 1 with 2 deaths, against none a year before
            expect(page.locator(".card[data-measure=count] .value")).to_have_text("1")
            expect(page.locator(".card[data-measure=deaths] .value")).to_have_text("2")
            row = page.locator(f"#verdicts tr[data-code='{world.county_a.code}']")
            expect(row).to_contain_text("甲区")
            expect(row.locator("td").first).to_have_text("1")
            # up from zero: no double decline (the red verdict)
            expect(row.locator("td").nth(6).locator(".verdict.no")).to_have_count(1)
            # the current year is compared to date, so its rates wait for the whole year (the
            # rates themselves are checked by hand in test_statistics.py)
            expect(page.locator("main")).to_contain_text("只对已结束的整年显示")
            expect(page.locator("#rates")).to_contain_text("400.00")
            # and every chart is drawn (ECharts renders a canvas into each)
            for chart in ("chart-monthly", "chart-trend", "chart-types", "chart-grades", "chart-industries"):
                expect(page.locator(f"#{chart}")).to_have_attribute("data-drawn", "1")
                expect(page.locator(f"#{chart} canvas")).to_have_count(1)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(shots / "accident-statistics.png"), full_page=True)
        finally:
            browser.close()

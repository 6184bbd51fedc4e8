"""Issue #10 in a real browser (headless Chromium, Chinese): on the report page the criteria are
narrowed to the chosen enterprise's industry, and a major hazard that no listed item names is
reported by the general definition; the hazard page then shows 待确认 重大隐患 (desktop and 390 px
wide, screenshots in var/screenshots/). Run with ``pytest -m browser``."""

import datetime
import importlib
from pathlib import Path

import pytest
from django.utils import timezone

from anjian.core.testing.browser import CHROMIUM, expect, launch, log_in, sync_playwright
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD, EnterpriseFactory, industry
from anjian.standards.models import CriteriaDocument, MajorHazardCriterion

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not installed"),
    pytest.mark.skipif(sync_playwright is None, reason="the playwright Python package is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """(As in test_browser: a transactional flush emptied the migrations' reference rows.)"""
    from django.apps import apps

    from anjian.core.scoping import INDUSTRIES, REGION_PATHS
    from anjian.enterprises.models import Industry

    if not Industry.objects.exists():
        importlib.import_module("anjian.enterprises.migrations.0003_load_industries").load(apps, None)
    INDUSTRIES.clear()
    REGION_PATHS.clear()


@pytest.fixture
def criteria(world):
    """A coal-mine item, a machinery item and a fire-safety item (across industries)."""
    coal = CriteriaDocument.objects.create(code="T-COAL", title="煤矿判定标准（测试）")
    coal.industries.set([industry("01")])
    trade = CriteriaDocument.objects.create(code="T-TRADE", title="工贸判定标准（测试）")
    trade.industries.set([industry("05")])
    fire = CriteriaDocument.objects.create(code="T-FIRE", title="火灾隐患判定（测试）", cross_industry=True)
    fire.industries.set([industry("09")])
    return {
        "coal": MajorHazardCriterion.objects.create(document=coal, code="T-COAL-1", text="瓦斯超限作业"),
        "machinery": MajorHazardCriterion.objects.create(document=trade, code="T-JX-1", text="熔融金属吊运跨设休息室",
                                                         industry=industry("0504")),
        "fire": MajorHazardCriterion.objects.create(document=fire, code="T-FIRE-1", text="疏散通道堵塞"),
    }


def test_report_page_narrows_the_criteria_and_takes_the_general_definition(world, criteria, live_server, settings):
    fireworks = EnterpriseFactory(name="甲烟花爆竹有限公司", region=world.township_a, industry=industry("0401"))
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
            # an expert of county A reports (their grade by the definition awaits a regulator)
            log_in(page, live_server.url, world.users[Role.EXPERT].username, PASSWORD)
            page.goto(f"{live_server.url}/hazards/new/")
            # a major grade shows the basis and the criteria
            assert not page.locator(".field-major_basis").is_visible()
            page.select_option("#id_grade", "major")
            expect(page.locator(".field-major_basis")).to_be_visible()
            expect(page.locator(".field-criterion")).to_be_visible()
            assert not page.locator(".field-definition_justification").is_visible()

            def offered() -> set[str]:
                return set(page.eval_on_selector_all(
                    "#id_criterion option:not([hidden]):not([value=''])", "os => os.map(o => o.textContent)"))

            # the machinery firm is offered its sub-sector's item and the fire item, not the coal one
            page.select_option("#id_enterprise", str(world.ent_a.pk))
            texts = offered()
            assert any("T-JX-1" in t for t in texts) and any("T-FIRE-1" in t for t in texts)
            assert not any("T-COAL-1" in t for t in texts)
            # the fireworks firm its own standard's items and the cross-industry ones (the fire item,
            # special equipment), neither the machinery nor the coal item
            page.select_option("#id_enterprise", str(fireworks.pk))
            codes = {t.split(" · ")[0] for t in offered()}
            assert {"T-FIRE-1", "FW2017-04"} <= codes and not codes & {"T-JX-1", "T-COAL-1"}
            # no listed item names its hazard: the general definition, with the condition and reason
            page.check("input[name=major_basis][value=definition]")
            assert not page.locator(".field-criterion").is_visible()
            page.select_option("#id_definition_condition", "hard_to_rectify")
            page.fill("#id_definition_justification", "成品库需局部停业，改造防爆设施约需一个月，判定标准未列此情形")
            page.fill("#id_location", "成品仓库")
            page.fill("#id_description", "成品仓库防爆电气失效，需停业改造")
            page.fill("#id_deadline", (timezone.localdate() + datetime.timedelta(days=40)).isoformat())
            page.click("form.panel button[type=submit]")
            page.wait_for_url("**/hazards/*/")
            expect(page.locator(".page-head .sub")).to_contain_text("待确认 重大隐患")
            expect(page.locator(".hz-pending-major")).to_be_visible()
            expect(page.locator(".page-head .actions a[data-action=confirm_major]")).to_have_count(0)
            page.screenshot(path=str(shots / "hazard-pending-major-desktop.png"), full_page=True)
            # at 390 px the page still fits its width
            page.set_viewport_size({"width": 390, "height": 844})
            page.reload()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, width
            page.screenshot(path=str(shots / "hazard-pending-major-390.png"), full_page=True)
        finally:
            browser.close()
    hazard = Hazard.objects.get()
    assert (hazard.enterprise, hazard.grade, hazard.criterion, hazard.major_confirmation) == (
        fireworks, "major", None, "pending")

"""Emergency preparedness in a real browser (headless Chromium via Playwright, against a live
server), in Chinese, at 1366 px and 390 px: the enterprise's safety manager enters a plan with its
document, signs, publishes and submits it for filing, then records a drill of it already held.
Screenshots are kept in var/screenshots/ (emergency-*.png). Run alone with ``pytest -m browser``."""

from __future__ import annotations

from pathlib import Path

import pytest

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, log_in, new_page, sync_playwright
from anjian.emergency.models import Drill, EmergencyPlan
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

from .factories import PDF

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()


@pytest.mark.parametrize("width", [1366, 390])
def test_an_enterprise_files_a_plan_and_records_a_drill(world, live_server, settings, tmp_path, width):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    document = tmp_path / "综合应急预案.pdf"
    document.write_bytes(PDF)
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, width=width)
        try:
            log_in(page, live_server.url, world.users[Role.ENTERPRISE].username, PASSWORD)
            # the plan, with its document
            page.goto(f"{live_server.url}/emergency/plans/new/")
            page.select_option("select[name=enterprise]", str(world.ent_a.pk))
            page.select_option("select[name=kind]", "comprehensive")
            page.fill("input[name=title]", "生产安全事故综合应急预案")
            page.set_input_files("input[name=documents]", str(document))
            page.screenshot(path=str(shots / f"emergency-plan-form-{width}.png"), full_page=True)
            page.locator("form.panel button[type=submit]").click()
            # signed and published, then submitted for filing
            step = page.locator("form.em-step", has_text="签署公布")
            step.locator("input[name=name]").fill("张厂长")
            step.locator("button").click()
            expect(page.locator(".page-head")).to_contain_text("已公布，未备案")
            page.locator("form.em-step", has_text="报送备案").locator("button").click()
            expect(page.locator(".page-head")).to_contain_text("已报送备案")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(shots / f"emergency-plan-{width}.png"), full_page=True)
            plan = EmergencyPlan.objects.get(title="生产安全事故综合应急预案")
            # a drill of it, already held
            page.goto(f"{live_server.url}/emergency/drills/new/?enterprise={world.ent_a.pk}&plan={plan.pk}")
            page.select_option("select[name=kind]", "comprehensive")
            page.fill("textarea[name=scenario]", "仓库火灾，疏散员工并组织初期扑救")
            page.check("input[name=held]")
            page.fill("input[name=participant_count]", "35")
            page.fill("textarea[name=evaluation]", "响应迅速，疏散有序；应急广播听不清")
            page.locator("form.panel button[type=submit]").click()
            expect(page.locator(".page-head")).to_contain_text("已举行")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(shots / f"emergency-drill-{width}.png"), full_page=True)
            page.goto(f"{live_server.url}/emergency/plans/")
            expect(page.locator("table.data")).to_contain_text("生产安全事故综合应急预案")
            page.screenshot(path=str(shots / f"emergency-plans-{width}.png"), full_page=True)
        finally:
            browser.close()
    plan.refresh_from_db()
    assert plan.state == "submitted" and plan.last_drill_on is not None
    assert Drill.objects.get(plan=plan).state == "held"

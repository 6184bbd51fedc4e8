"""A tip in a real browser (headless Chromium via Playwright, against a live server), in Chinese,
at 1366 px and 390 px: a stranger files a tip with a photo without an account, keeps the tracking
code and secret, and follows the tip with them after the regulator accepted it. Screenshots are
kept in var/screenshots/ (public-*.png). Run alone with ``pytest -m browser``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from PIL import Image

from anjian.core.testing.browser import BROWSER_MARKS, expect, launch, new_page, sync_playwright
from anjian.orgs.choices import Role
from anjian.public import services
from anjian.public.models import Tip

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS
    from anjian.public import reference

    ensure_reference_data()
    reference.ensure()
    INDUSTRIES.clear()
    REGION_PATHS.clear()
    cache.clear()


def _answer(page) -> str:
    token = page.locator("input[name=captcha_token]").first.input_value()
    a, b = cache.get(f"public:captcha:{token}")
    return str(a + b)


@pytest.mark.parametrize("width", [1366, 390])
def test_a_tip_filed_on_a_phone_and_followed(world, live_server, settings, width, tmp_path):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    photo = tmp_path / "photo.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, width=width)
        try:
            page.goto(f"{live_server.url}/public/")
            page.get_by_role("link", name="我要举报").click()
            page.get_by_label("事故隐患").check()
            page.locator("#id_description").fill("仓库消防通道被货物堵死，灭火器已过期。")
            page.locator("#id_region").select_option(world.township_a.code)
            page.locator("#id_address").fill("甲街道工业路8号")
            page.locator("#id_unit_name").fill("甲机械有限公司")
            page.locator("#id_files").set_input_files(str(photo))
            page.locator("#id_captcha").fill(_answer(page))
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(shots / f"public-form-{width}.png"), full_page=True)
            page.get_by_role("button", name="提交举报").click()
            expect(page.locator("h1")).to_contain_text("举报")
            code = page.locator("#tracking-code").inner_text().strip()
            secret = page.locator("#tracking-secret").inner_text().strip()
            page.screenshot(path=str(shots / f"public-done-{width}.png"), full_page=True)
            tip = Tip.objects.get(tracking_code=code)
            services.accept_tip(tip, actor=world.users[Role.REGULATOR])
            page.get_by_role("link", name="查询举报进度").click()
            page.locator("#id_code").fill(code)
            page.locator("#id_secret").fill(secret)
            page.get_by_role("button", name="查询").click()
            expect(page.locator("#tip-state")).to_contain_text("已受理，核查中")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(shots / f"public-track-{width}.png"), full_page=True)
        finally:
            browser.close()

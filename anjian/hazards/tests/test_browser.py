"""The hazard loop end to end in a real browser (headless Debian Chromium via Playwright, against
a live server), in Chinese as users see it, each test keeping a screenshot in var/screenshots/:

(a) the enterprise path: the enterprise's safety manager logs in, reports a general hazard with
    a photo, starts the rectification and submits it with evidence; another of its users (the
    rectifier does not accept) accepts it and closes it out;
(b) the regulator path: a major hazard (五落实 complete, rectified by the enterprise) is found
    in the ledger by filtering, listed for supervision, accepted, re-checked (the regulator found
    it), closed out and delisted.

Run them alone with ``pytest -m browser``; they are skipped when Chromium or Playwright is missing.
"""

import datetime
import importlib
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from anjian.core.testing.browser import CHROMIUM, expect, launch, log_in, sync_playwright, wait_until
from anjian.hazards import services
from anjian.hazards.choices import HazardState, ListingState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import COMPLETE_PLAN, PASSWORD, make_hazard, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not installed"),
    pytest.mark.skipif(sync_playwright is None, reason="the playwright Python package is not installed"),
    # A live server needs committed data, so these tests run in transactions that are flushed
    # afterwards (like the enterprise browser test, which runs before them).
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """An earlier transactional test's flush empties the tables the migrations fill (the
    industry taxonomy): load them again, and forget the per-process caches of the old rows.
    (Serialized rollback cannot be used: that flush re-created the role groups, which the
    restore would then insert twice.)"""
    from django.apps import apps

    from anjian.core.scoping import INDUSTRIES, REGION_PATHS
    from anjian.enterprises.models import Industry

    if not Industry.objects.exists():
        importlib.import_module("anjian.enterprises.migrations.0003_load_industries").load(apps, None)
    INDUSTRIES.clear()
    REGION_PATHS.clear()


def photo(tmp_path: Path, name: str, color) -> str:
    path = tmp_path / name
    Image.new("RGB", (320, 240), color).save(path, format="JPEG")
    return str(path)


class Browser:
    """One Chromium page logged in as a user, in Chinese, with a helper per common step."""

    def __init__(self, pw, base_url: str):
        self.browser = launch(pw)
        context = self.browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        self.page = context.new_page()
        self.base = base_url

    def login(self, user) -> None:
        page = self.page
        log_in(page, self.base, user.username, PASSWORD)

    def step(self, action: str, **fill) -> None:
        """Open a step from the hazard's buttons, fill its form and submit; back on the hazard."""
        page = self.page
        page.click(f".page-head .actions a[data-action={action}]")
        page.wait_for_url(f"**/{action}/")
        for selector, value in fill.items():
            if isinstance(value, list):
                page.set_input_files(f"#id_{selector}", value)
            else:
                page.fill(f"#id_{selector}", value)
        page.click("form.panel button[type=submit]")
        page.wait_for_url("**/hazards/*/")
        expect(page.locator(".messages .success")).to_be_visible()

    def state_badge(self) -> str:
        return self.page.locator(".page-head .sub .badge").nth(1).inner_text()

    def close(self) -> None:
        self.browser.close()


def test_enterprise_reports_rectifies_accepts_and_closes_out(world, live_server, settings, tmp_path):
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = Browser(pw, live_server.url)
        try:
            page = b.page
            b.login(world.users[Role.ENTERPRISE])

            # Report a general hazard with a photo from the ledger's button.
            page.goto(f"{live_server.url}/hazards/")
            page.click(".page-head a:has-text('隐患上报')")
            page.wait_for_url("**/hazards/new/")
            assert page.locator("#id_enterprise").is_disabled()  # its own enterprise, fixed
            assert not page.locator(".field-criterion").is_visible()  # only for major hazards
            page.fill("#id_location", "配电室")
            page.fill("#id_description", "配电箱门未关闭，线路绝缘层破损裸露")
            page.select_option("#id_category", "object")
            deadline = timezone.localdate() + datetime.timedelta(days=7)
            page.fill("#id_deadline", deadline.isoformat())
            page.set_input_files("#id_photos", [photo(tmp_path, "现场.jpg", (190, 60, 50))])
            page.click("form.panel button[type=submit]")
            page.wait_for_url("**/hazards/*/")
            expect(page.locator(".messages .success")).to_contain_text("已录入台账")
            hazard = Hazard.objects.get()
            assert b.state_badge() == "已上报"
            thumb = page.locator(".hz-files li.thumb img").first
            expect(thumb).to_be_visible()
            # The photo comes through the scoped download view; wait until the browser decoded it.
            wait_until(page, "(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
            assert page.evaluate("(img) => img.naturalWidth", thumb.element_handle()) == 320

            # Start, submit with evidence, accept, close out.
            b.step("start_rectification", comment="安排电工当天处理")
            assert b.state_badge() == "整改中"
            b.step("submit_rectification", note="已更换破损线路并关闭箱门，加装门锁",
                   files=[photo(tmp_path, "整改后.jpg", (60, 160, 80))])
            assert b.state_badge() == "已整改待验收"
            # The rectifier does not accept (issue #10): no button, and the page says who does.
            expect(page.locator(".page-head .actions a[data-action=accept]")).to_have_count(0)
            expect(page.locator(".hz-acceptance-other")).to_contain_text("须由其他人员验收")
            # The enterprise's other user (its safety officer) accepts and closes it out.
            b.close()
            b = Browser(pw, live_server.url)
            page = b.page
            b.login(make_user(Role.ENTERPRISE, scope_enterprise=world.ent_a))
            page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
            b.step("accept", comment="现场复查合格")
            assert b.state_badge() == "已验收"
            b.step("close")
            assert b.state_badge() == "已销号"
            expect(page.locator(".page-head .actions a[data-action]")).to_have_count(0)

            # The timeline tells the whole loop, newest first, with the evidence.
            timeline = page.locator(".hz-timeline > li .what").all_inner_texts()
            assert [t.split(":")[0] for t in timeline] == ["已销号", "已验收", "提交整改", "开始整改", "已上报"]
            assert page.locator(".hz-timeline .hz-files img").count() == 2  # the photo and the evidence
            page.screenshot(path=str(shots / "hazard-enterprise-loop.png"), full_page=True)
        finally:
            b.close()
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    assert (shots / "hazard-enterprise-loop.png").stat().st_size > 0


def test_regulator_lists_accepts_closes_and_delists_a_major_hazard(world, live_server, settings):
    # Given a major hazard whose 五落实 is complete and which the enterprise rectified
    regulator, enterprise_user = world.users[Role.REGULATOR], world.users[Role.ENTERPRISE]
    make_hazard(world.ent_a, enterprise_user, location="配电室", description="一般隐患，不在筛选结果中")
    major = make_hazard(world.ent_a, regulator, major=True, location="危化品库",
                        description="危险化学品未分类分区存放，禁忌物混存")
    major = services.update_plan(major, actor=enterprise_user, plan=COMPLETE_PLAN)
    major = services.start_rectification(major, actor=enterprise_user)
    major = services.submit_rectification(major, actor=enterprise_user, note="已按禁忌要求分区存放并设置标识")
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        b = Browser(pw, live_server.url)
        try:
            page = b.page
            b.login(regulator)
            # The ledger, filtered to major hazards through the filter bar.
            page.goto(f"{live_server.url}/hazards/")
            expect(page.locator("table.hz-ledger tbody tr")).to_have_count(2)
            page.select_option("#id_grade", "major")
            page.click(".filter-bar button[type=submit]")
            page.wait_for_url("**/hazards/?*grade=major*")
            rows = page.locator("table.hz-ledger tbody tr")
            expect(rows).to_have_count(1)
            assert "已整改待验收" in rows.first.inner_text()
            page.click(f"table.hz-ledger a:text-is('{major.number}')")
            page.wait_for_url(f"**/hazards/{major.pk}/")
            expect(page.locator(".hz-plan")).to_contain_text("张三")

            # List it for supervision (the unit is the regulator's own bureau by default).
            b.step("list", document_number="甲安督〔2026〕8号", requirements="限期完成整改并报送整改报告")
            expect(page.locator(".hz-listing.active")).to_contain_text("甲安督〔2026〕8号")
            expect(page.locator(".page-head .sub")).to_contain_text("已挂牌")

            # Accept, re-check (the regulator found it), close out, delist.
            b.step("accept", comment="现场验收，整改到位")
            assert b.state_badge() == "已验收"
            page.click(".page-head .actions a[data-action=recheck]")
            page.wait_for_url("**/recheck/")
            expect(page.locator(".field-new_deadline")).to_be_hidden()
            page.check("#id_outcome_0")
            page.fill("#id_opinion", "现场复查，整改到位")
            page.click("form.panel button[type=submit]")
            page.wait_for_url("**/hazards/*/")
            expect(page.locator("#rechecks")).to_contain_text("复查合格")
            b.step("close", comment="同意销号")
            assert b.state_badge() == "已销号"
            b.step("delist", comment="隐患已销号，同意摘牌")
            expect(page.locator(".hz-listing")).to_contain_text("已摘牌")
            expect(page.locator(".page-head .sub")).not_to_contain_text("已挂牌")
            page.screenshot(path=str(shots / "hazard-regulator-listing.png"), full_page=True)

            # The listing leaves the active listed supervisions.
            page.goto(f"{live_server.url}/hazards/listings/")
            expect(page.locator("table.data tbody td.empty")).to_be_visible()
        finally:
            b.close()
    major.refresh_from_db()
    assert major.state == HazardState.CLOSED and not major.is_listed
    assert major.listings.get().state == ListingState.DELISTED

"""An enforcement inspection on a phone (390 px) in a real browser (headless Debian Chromium via
Playwright, against a live server), in Chinese: the officer starts it on site, walks the
checklist item by item with a photo, enters the item found wanting as a hazard, draws both
signatures on the screen, finishes and signs, issues the documents and opens the on-site record as
a PDF (its text holds the title and the enterprise). Screenshots are kept in
var/screenshots/enforcement-inspection/. Run alone with ``pytest -m browser``."""

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from anjian.core.testing.browser import BROWSER_MARKS, launch, log_in, new_page, sync_playwright
from anjian.enforcement.choices import DocumentKind, InspectionState
from anjian.enforcement.models import EnforcementInspection
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import PASSWORD

from .factories_inspections import make_inspection

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _reference_data(transactional_db, settings, tmp_path):
    """A transactional test's flush empties the migrated tables: load them again."""
    from anjian.conftest import ensure_reference_data
    from anjian.core.scoping import INDUSTRIES, REGION_PATHS

    ensure_reference_data()
    INDUSTRIES.clear()
    REGION_PATHS.clear()
    settings.MEDIA_ROOT = tmp_path / "media"


def _draw(page, canvas, points=((0.25, 0.2), (0.4, 0.8), (0.6, 0.3), (0.85, 0.6))) -> None:
    """A signature: a few strokes across the canvas with the mouse (pointer events)."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for fx, fy in points:
        page.mouse.move(x + w * fx, y + h * fy, steps=6)
    page.mouse.up()


def test_an_inspection_on_a_phone_ends_in_a_pdf(world, live_server, settings, tmp_path):
    shots = Path(settings.VAR_DIR) / "screenshots" / "enforcement-inspection"
    shots.mkdir(parents=True, exist_ok=True)
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer, items=3)
    photo = tmp_path / "现场照片.jpg"
    Image.new("RGB", (640, 480), (180, 60, 40)).save(photo, format="JPEG")
    base = live_server.url
    with sync_playwright() as pw:
        browser = launch(pw)
        page = new_page(browser, width=390, height=844)
        try:
            log_in(page, base, officer.username, PASSWORD)
            # given the prepared inspection, when the officer starts it on site
            page.goto(f"{base}/enforcement/inspections/{insp.pk}/")
            page.screenshot(path=str(shots / "01-prepared-390.png"), full_page=True)
            page.click(".page-head .actions a[data-action=start]")
            page.click("form button[type=submit].btn-primary")
            page.wait_for_url(f"**/inspections/{insp.pk}/site/")
            # then the checklist is walked item by item: the first found wanting with a photo
            items = list(EnforcementInspection.objects.get(pk=insp.pk).record.items.order_by("sort"))
            page.check(f"input[name=result-{items[0].pk}][value=hazard_found]")
            page.fill(f"input[name=note-{items[0].pk}]", "配电箱未接地")
            page.set_input_files(f"input[name=photos-{items[0].pk}]", str(photo))
            for item in items[1:]:
                page.check(f"input[name=result-{item.pk}][value=pass]")
            page.screenshot(path=str(shots / "02-walk-390.png"), full_page=True)
            page.click("#save-results")
            page.wait_for_url(f"**/inspections/{insp.pk}/site/")
            assert page.locator(f"#item-{items[0].pk} .enf-photos img").count() == 1
            # and the item found wanting becomes a hazard in one step
            page.click(f"#item-{items[0].pk} button[data-finding=hazard]")
            page.wait_for_url(f"**/inspections/{insp.pk}/site/**")
            assert "登记为隐患" in page.locator(f"#item-{items[0].pk} .enf-finding").inner_text() or \
                page.locator(f"#item-{items[0].pk} .enf-finding").count() == 1
            # and both sign on the screen
            officer_form = page.locator("form.enf-sign-form[data-signer=officer]")
            _draw(page, officer_form.locator("canvas"))
            officer_form.locator("button[type=submit]").click()
            page.wait_for_url(f"**/inspections/{insp.pk}/site/**")
            ent_form = page.locator("form.enf-sign-form[data-signer=enterprise]")
            ent_form.locator("input[name=name]").fill("孙厂长")
            ent_form.locator("input[name=title]").fill("安全负责人")
            _draw(page, ent_form.locator("canvas"), ((0.2, 0.3), (0.35, 0.75), (0.55, 0.2), (0.7, 0.8), (0.9, 0.4)))
            ent_form.locator("button[type=submit]").click()
            page.wait_for_url(f"**/inspections/{insp.pk}/site/**")
            page.locator("#signatures").scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "03-signed-390.png"), full_page=True)
            assert page.locator(".enf-sign-box img").count() == 2
            # when they finish and sign the record, then issue the documents
            page.click("#finish")
            page.fill("#id_summary", "检查发现配电箱未接地，已责令限期整改。")
            page.click("form button[type=submit].btn-primary")
            page.wait_for_url(f"**/inspections/{insp.pk}/")
            page.click(".page-head .actions a[data-action=issue]")
            page.click("form button[type=submit].btn-primary")
            page.wait_for_url(f"**/inspections/{insp.pk}/")
            page.screenshot(path=str(shots / "04-issued-390.png"), full_page=True)
            done = EnforcementInspection.objects.get(pk=insp.pk)
            assert done.state == InspectionState.ISSUED
            # then the on-site record opens as a PDF with the title, the enterprise and the signatures
            record = done.documents.get(kind=DocumentKind.RECORD)
            link = page.locator(f"a[href='/enforcement/inspections/documents/{record.pk}/pdf/']")
            assert link.count() == 1
            response = page.request.get(f"{base}/enforcement/inspections/documents/{record.pk}/pdf/")
            assert response.status == 200 and response.headers["content-type"] == "application/pdf"
            pdf = PdfReader(io.BytesIO(response.body()))
            text = "".join(p.extract_text() for p in pdf.pages)
            assert "现场检查记录" in text and world.ent_a.name in text and "孙厂长" in text
            (shots / "record.pdf").write_bytes(response.body())
            images = sum(len(p.images) for p in pdf.pages)
            assert images == 2  # both signatures
        finally:
            browser.close()

"""End-to-end check of the enterprise pages in a real browser (headless Debian Chromium via
Playwright): log in through the form, filter the list by industry, open a detail page, and
keep a screenshot in var/screenshots/.

Self-contained: it builds its own small region tree, industries, enterprises and regulator
with the ORM, so it depends on no factory or demo data. Run it alone with
``pytest -m browser``; it is skipped when Chromium or Playwright is not installed.
"""

from datetime import date
from pathlib import Path

import pytest

from anjian.core.testing.browser import CHROMIUM, launch, log_in, sync_playwright

PASSWORD = "Browser@Test2026"



def _credit_code(serial: int) -> str:
    from anjian.enterprises.validators import ALPHABET, credit_code_check_char

    first17 = "91980101" + "".join(ALPHABET[(serial // 31**i) % 31] for i in range(9))[::-1]
    return first17 + credit_code_check_char(first17)


def _build_data():
    """A province → city → county → township tree, a second city out of scope, two industries,
    five enterprises in scope (three in one industry), one outside, and a regulator of the city."""
    from anjian.enterprises.models import Enterprise, Industry, Supervision
    from anjian.orgs.choices import DepartmentKind, Role
    from anjian.orgs.models import Department, User
    from anjian.orgs.roles import apply_role_group
    from anjian.regions.models import Grid, Region

    province = Region.objects.create(code="980000000000", name="测试省", level="province")
    city = Region.objects.create(code="980100000000", name="测试市", level="city", parent=province)
    county = Region.objects.create(code="980101000000", name="测试区", level="county", parent=city)
    town = Region.objects.create(code="980101001000", name="测试街道", level="township", parent=county)
    other_city = Region.objects.create(code="980200000000", name="别的市", level="city", parent=province)
    other_county = Region.objects.create(code="980201000000", name="别的区", level="county", parent=other_city)
    other_town = Region.objects.create(code="980201001000", name="别的镇", level="township", parent=other_county)
    grid = Grid.objects.create(code="980101001G01", name="测试街道第1网格", township=town, officer_name="网格员甲")

    chemicals = Industry.objects.create(code="T1", name="测试危化", high_risk=True)
    trade = Industry.objects.create(code="T2", name="测试商贸")

    def enterprise(serial, name, industry, region, **extra):
        return Enterprise.objects.create(
            name=name, credit_code=_credit_code(serial), industry=industry, region=region, employees=10 + serial,
            established_on=date(2010, 1, serial), **extra)

    in_scope = [
        enterprise(1, "甲化工有限公司", chemicals, town, grid=grid, high_risk=True),
        enterprise(2, "乙化工有限公司", chemicals, town, grid=grid, high_risk=True),
        enterprise(3, "丙化工有限公司", chemicals, town),
        enterprise(4, "丁商贸有限公司", trade, town, grid=grid),
        enterprise(5, "戊商贸有限公司", trade, town),
    ]
    enterprise(6, "己化工有限公司（外市）", chemicals, other_town)

    bureau = Department.objects.create(name="测试区应急管理局", kind=DepartmentKind.REGULATOR, region=county)
    Supervision.objects.create(enterprise=in_scope[0], department=bureau, leader_name="王局长",
                               officer_name="李监管", officer_phone="13800000001", started_on=date(2026, 1, 1))

    user = User(username="browser_regulator", name="测试市执法员", role=Role.REGULATOR, scope_region=city)
    user.set_password(PASSWORD)
    user.save()
    apply_role_group(user)
    return {"in_scope": in_scope, "chemicals": chemicals}


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not installed")
@pytest.mark.skipif(sync_playwright is None, reason="the playwright Python package is not installed")
def test_login_filter_and_open_detail(live_server, transactional_db, settings):
    data = _build_data()
    chemical_names = sorted(e.name for e in data["in_scope"] if e.industry_id == data["chemicals"].pk)
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()

            # Log in through the form.
            log_in(page, live_server.url, "browser_regulator", PASSWORD)
            assert page.locator(".sidenav").is_visible()

            # The list shows the five enterprises of the city, not the one of the other city.
            page.goto(f"{live_server.url}/enterprises/")
            rows = page.locator("table.data tbody tr")
            assert rows.count() == 5
            assert "（外市）" not in page.locator("table.data").inner_text()

            # Filter by industry through the filter bar.
            page.select_option("#id_industry", "T1")
            page.click(".filter-bar button[type=submit]")
            page.wait_for_url("**/enterprises/?*industry=T1*")
            names = sorted(rows.locator("td.name a").all_inner_texts())
            assert names == chemical_names
            for row_text in rows.all_inner_texts():
                assert "测试危化" in row_text
            # The export link keeps the filter.
            assert "industry=T1" in page.get_attribute("a[href*='export.xlsx']", "href")

            # Open the supervised enterprise: registry and plate are shown.
            page.click("table.data td.name a:text-is('甲化工有限公司')")
            page.wait_for_url("**/enterprises/*/")
            assert page.locator("h1").inner_text() == "甲化工有限公司"
            plate = page.locator(".plate").inner_text()
            assert "测试区应急管理局" in plate and "李监管" in plate
            assert data["in_scope"][0].credit_code in page.locator(".dl").first.inner_text()

            page.screenshot(path=str(shots / "enterprise-detail.png"), full_page=True)
        finally:
            browser.close()
    assert (shots / "enterprise-detail.png").stat().st_size > 0


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not installed")
@pytest.mark.skipif(sync_playwright is None, reason="the playwright Python package is not installed")
def test_the_enterprise_file_and_list_fit_a_phone(live_server, transactional_db, settings):
    """The enterprise's file (一企一档) and the list at 390 px: every section is there, reachable
    from the section links, and nothing makes the page wider than the screen (wide tables
    scroll inside their own frame)."""
    from anjian.core.dossier import sections
    from anjian.enterprises.models import FeatureTag
    from anjian.enterprises.reference import load_feature_tags

    data = _build_data()
    load_feature_tags()  # (a transactional test starts from an empty catalogue)
    chem = data["in_scope"][0]
    chem.tags.add(*FeatureTag.objects.filter(code__in=["hazchem_use", "confined_space"]))
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
            log_in(page, live_server.url, "browser_regulator", PASSWORD)
            page.goto(f"{live_server.url}/enterprises/{chem.pk}/")
            for section in sections():  # (a regulator has warning rules: the warnings section is there too)
                assert page.locator(f"#dossier-{section.code}").count() == 1, section.code
            assert "危化品使用" in page.locator(".page-head").inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.click(".dossier-nav a[href='#dossier-hazards']")
            assert page.locator("#dossier-hazards").is_visible()
            page.screenshot(path=str(shots / "enterprise-file-390.png"), full_page=True)

            page.goto(f"{live_server.url}/enterprises/?tag=hazchem_use")
            assert page.locator("table.data tbody tr").count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(path=str(shots / "enterprise-list-390.png"), full_page=True)
        finally:
            browser.close()

"""Every role walks its pages in a real browser (headless Debian Chromium via Playwright, in
Chinese) on a seeded demo city: the home page and every page its side menu offers, at desktop
width (1366 px) and on a phone (390 px), each width loaded afresh. On each page: the server
answered 200 with no script error; the page never scrolls sideways, and on the desktop no list
table runs out of its frame; the visible text has no English label, internal code or research
tag (``core.testing.pagetext.leaks``), no select offers Django's "---------" and nothing names
Django; and Chinese is drawn by a font that has CJK glyphs (four different characters draw four
different shapes, not the same empty box). The API reference is English by design: it is
marked lang="en" under a Chinese bar, which is what the text check reads.

The screenshots are kept, for people to look at, in ``<VAR_DIR>/screenshots/<role>/<page>-<width>.png``
(``<page>`` is the URL path, ``home`` for ``/``): of every page when ``ANJIAN_SCREENSHOTS=1`` is set
(encoding some 400 full-page PNGs is a third of the walk's time, spent for nobody in CI), and
otherwise of each page where a problem was found. The problems are gathered over the whole walk
and reported together, so one run shows them all. Run alone with
``pytest -m browser anjian/core/tests/test_roles_walk_browser.py``: about 2½ minutes of CPU on top
of creating the test database (the walk is some 300 page loads)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from anjian.core.testing.browser import BROWSER_MARKS, launch, log_in, new_page, sync_playwright, wait_until
from anjian.core.testing.engines import only_on
from anjian.core.testing.pagetext import leaks
from anjian.orgs.choices import Role

pytestmark = [*BROWSER_MARKS, only_on("sqlite", "the walk reads what each role sees; it runs on the "
                                                   "embedded database `make demo` serves")]

# The demo's log-ins are named after their roles.
ROLES = [Role.ADMIN, Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.COMMITTEE_OFFICE, Role.GRID_OFFICER,
         Role.EXPERT, Role.ENTERPRISE]
DESKTOP, PHONE = (1366, 900), (390, 844)

# Draws four different characters in the font of the page's title and answers whether they came
# out as four different inked shapes (a missing CJK font draws the same box, or nothing, for each).
CJK_DRAWN = """() => {
  const el = document.querySelector('main h1, h1') || document.body;
  const family = getComputedStyle(el).fontFamily;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 48;
  const g = canvas.getContext('2d');
  g.font = '40px ' + family;
  const shape = ch => {
    g.clearRect(0, 0, 48, 48);
    g.fillText(ch, 2, 40);
    const alpha = g.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3);
    return alpha.some(a => a > 0) ? alpha.join(',') : '';
  };
  const shapes = ['安', '全', '监', '管'].map(shape);
  return {family, inked: shapes.every(Boolean), distinct: new Set(shapes).size,
          width: g.measureText('安全生产').width};
}"""
SHOT_HEIGHT = 2400
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"
# How far each list table runs past its frame (a desktop user would miss its last columns).
TABLES_CUT = """() => [...document.querySelectorAll('.table-wrap')]
  .map(w => w.scrollWidth - w.clientWidth).filter(cut => cut > 1)"""


@pytest.fixture
def demo_city(transactional_db):
    """A small 示范市 built by the demo generator, with every phase of `anjian demo`: hazards,
    inspections, risk points, major hazard sources, accidents, regional figures and warnings.
    (Smaller than the real demo, so the walk stays a few minutes.)"""
    from anjian.accidents.demo import build_demo as accidents
    from anjian.alerts.engine import run_all_rules
    from anjian.conftest import ensure_reference_data
    from anjian.enterprises.models import Enterprise
    from anjian.hazards.demo import build_demo_hazards
    from anjian.inspections.demo import build_demo_inspections
    from anjian.majorhazards.demo import build_demo as major_hazards
    from anjian.portal.demo.generator import DemoBuilder, DemoSize
    from anjian.regions.demo_figures import build_demo_figures
    from anjian.risks.demo import build_demo as risks

    ensure_reference_data()
    DemoBuilder(DemoSize(counties_per_city=3, townships_per_county=3, grids_per_township=2,
                         enterprises_per_township=4), with_history=False).build()
    build_demo_hazards(count=80)
    build_demo_inspections(Enterprise.objects.filter(is_demo=True))
    risks(seed=3)
    major_hazards(seed=3)
    accidents(seed=3, count=60)
    build_demo_figures()
    run_all_rules()


def _page_name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


@pytest.mark.timeout(1200)  # some 400 page loads: about 4 minutes alone, more on a busy machine
def test_every_role_walks_its_menu_at_desktop_and_phone_width(demo_city, live_server, settings):
    from anjian.orgs.models import User
    from anjian.portal.demo.generator import DEMO_PASSWORD

    root = Path(settings.VAR_DIR) / "screenshots"
    allow = tuple(User.objects.values_list("username", flat=True))
    problems: list[str] = []
    walked: dict[str, list[str]] = {}
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            for role in ROLES:
                shots = root / role.value
                shutil.rmtree(shots, ignore_errors=True)
                shots.mkdir(parents=True)
                # given the role's demo log-in, in Chinese, on a desktop and on a phone
                pages = {}
                for width, height in (DESKTOP, PHONE):
                    page = new_page(browser, width=width, height=height)
                    page.script_errors = []
                    page.on("pageerror", lambda error, errors=page.script_errors: errors.append(str(error)))
                    log_in(page, live_server.url, role.value, DEMO_PASSWORD)
                    pages[width] = page
                # when they open the home page and every page their menu offers
                menu = pages[DESKTOP[0]].eval_on_selector_all(
                    "nav.sidenav a", "links => links.map(a => a.getAttribute('href'))")
                paths = list(dict.fromkeys(["/", *menu]))
                walked[role.value] = paths
                for path in paths:
                    for width, page in pages.items():
                        _visit(page, live_server.url, path, f"{role.value} {path} @{width}",
                               shots / f"{_page_name(path)}-{width}.png", problems, allow)
                for page in pages.values():
                    page.context.close()
        finally:
            browser.close()
    # every role walked its own menu (the regional pages are not offered to the enterprise user)
    assert "/enterprises/blind-spots/" in walked[Role.REGULATOR.value]
    assert "/enterprises/blind-spots/" not in walked[Role.ENTERPRISE.value]
    assert "/admin/" in walked[Role.ADMIN.value]
    # and the API documentation only by those who use the API (administrators, enterprises' systems)
    assert "/api/docs/" in walked[Role.ADMIN.value] and "/api/docs/" in walked[Role.ENTERPRISE.value]
    assert "/api/docs/" not in walked[Role.REGULATOR.value]
    assert problems == [], "\n".join(problems)


def _visit(page, base_url: str, path: str, where: str, shot: Path, problems: list[str], allow: tuple[str, ...]) -> None:
    """Open ``path`` and note what a user of this width would trip on; keep its screenshot (of
    every page with ANJIAN_SCREENSHOTS=1, else of a page with a problem)."""
    before = len(problems)
    response = page.goto(f"{base_url}{path}")
    # then it answers 200 and reads in Chinese
    if response is None or response.status != 200:
        problems.append(f"{where}: HTTP {response.status if response else 'no answer'}")
        return
    # (the risk map draws what it fetches after the page has loaded; the other charts draw at once)
    try:
        wait_until(page, "() => window.rkMapReady !== false", timeout=15_000)
    except Exception as error:  # Playwright's timeout: note it and walk on
        problems.append(f"{where}: the risk map was never drawn ({type(error).__name__})")
    if page.locator("#swagger-ui").count():
        page.wait_for_selector(".swagger-ui .info")  # the API reference draws the schema it fetches
    problems += [f"{where}: {leak}" for leak in leaks(page.content(), allow=allow)]
    # and its scripts ran without error
    problems += [f"{where}: script error {error}" for error in page.script_errors]
    page.script_errors.clear()
    # and no select offers Django's "---------", no heading names Django
    if page.locator("select option", has_text="---------").count():
        problems.append(f"{where}: a select's empty choice reads ---------")
    if "Django" in page.inner_text("body"):
        problems.append(f"{where}: the page names Django")
    # and it does not scroll sideways, nor does a table run out of its frame on a desktop
    overflow = page.evaluate(OVERFLOW)
    if overflow > 1:
        problems.append(f"{where}: scrolls sideways by {overflow} px")
    if page.viewport_size["width"] >= DESKTOP[0]:
        problems += [f"{where}: a table is cut off by {cut} px" for cut in page.evaluate(TABLES_CUT)]
    # and Chinese is drawn with CJK glyphs
    drawn = page.evaluate(CJK_DRAWN)
    if not (drawn["inked"] and drawn["distinct"] == 4 and drawn["width"] > 0):
        problems.append(f"{where}: Chinese is not drawn by a CJK font ({drawn['family']})")
    if len(problems) == before and os.environ.get("ANJIAN_SCREENSHOTS") != "1":
        return
    # (the top of a long list is what there is to look at: the shot stops at SHOT_HEIGHT)
    height = min(page.evaluate("document.scrollingElement.scrollHeight"), SHOT_HEIGHT)
    page.screenshot(path=str(shot), full_page=True,
                    clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height})

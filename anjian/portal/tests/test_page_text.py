"""What users read: no internal codes, research tags or English labels on the Chinese pages.

Every role walks its main pages in Chinese (the home page, every page of its menu, the detail
pages of records with a history: a risk point assessed, a major hazard source suspended, an
enterprise whose risk controls generated its checklists, a hazard, an accident) and the
reference pages (evaluation profiles, the criteria catalogue, the GB 18218 tables); the system
administrator also walks the admin index and every changelist. ``core.testing.pagetext.leaks``
reports any snake_case code (``risk_checks_generated``), state code after an arrow
(``→ in_operation``), research tag (``S34``, ``[CODE]``) or English phrase (``Accident types``)
in the visible text. The data each test creates is Chinese, so whatever it finds is the UI's."""

from __future__ import annotations

import re
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import module_has_submodule

from anjian.core.events import CODE, event_label, known_actions
from anjian.core.testing.pagetext import leaks, visible_text
from anjian.orgs.choices import Role
from anjian.portal.navigation import menu_for
from anjian.portal.testing.factories import make_hazard

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ROLES = [Role.ADMIN, Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER, Role.COMMITTEE_OFFICE,
         Role.ENTERPRISE, Role.EXPERT]


@pytest.fixture(autouse=True)
def _fresh_calculator_caches():
    """The risk profiles and the GB 18218 table are cached per process (see their apps' conftest)."""
    from anjian.majorhazards.calculation import clear_table_cache
    from anjian.risks.evaluation import clear_cache

    clear_cache()
    clear_table_cache()
    yield
    clear_cache()
    clear_table_cache()


@pytest.fixture
def records(world):
    """Records with a history in county A, made through the services as users make them."""
    from anjian.accidents.tests.factories import make_accident
    from anjian.majorhazards import services as mh
    from anjian.majorhazards.tests.helpers import make_source, staff
    from anjian.risks import services as rk
    from anjian.risks.tests.factories import assess, make_point

    admin_user = world.users[Role.ADMIN]
    point = make_point(world, name="液氨储罐区")
    assess(world, point)
    rk.create_measure(point, actor=admin_user, data={"content": "每班巡检液位计和压力表", "control_level": "team",
                                                    "measure_type": "management", "owner_name": "王班长"})
    rk.generate_check_items(world.ent_a, actor=admin_user)
    source = make_source(world, name="液氯储罐区")
    staff(source, admin_user)
    # each step answers the source as it now is (a stale copy would be refused: 409)
    source = mh.change_state(source, actor=admin_user, to_state="suspended", comment="检修停用")
    mh.change_state(source, actor=admin_user, to_state="in_operation")
    hazard = make_hazard(world.ent_a, admin_user, description="配电箱门未关闭")
    accident = make_accident(admin_user, enterprise=world.ent_a)
    return {
        "risks:detail": point.pk, "majorhazards:detail": source.pk, "hazards:detail": hazard.pk,
        "enterprises:detail": world.ent_a.pk, "risks:enterprise": world.ent_a.pk, "accidents:detail": accident.pk,
    }


def _allowed_data(world) -> tuple[str, ...]:
    """User names are what people typed (``user12``), not labels of the UI."""
    return tuple(user.username for user in world.users.values())


def _walk(client, urls, allow) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = client.get(url, follow=True, **ZH)
        if response.status_code in (403, 404):
            continue  # not this role's page
        assert response.status_code == 200, (url, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        problems = leaks(response.content.decode(), allow=allow)
        if problems:
            found[url] = problems
    return found


# --- the detector itself: it finds what the issue found on the pages --------------------------------

@pytest.mark.parametrize("text", [
    "<div class='what'>risk_checks_generated</div>",
    "<td>检修 → in_operation</td>",
    "<small>来源 S34（已部署的软件）</small>",
    "<td>LEC V3（S34：上限包含，默认）</td>",
    "<div>[CODE] 仅见于公开代码转录（资料 S62）</div>",
    "<span>可信度：[VAR]</span>",
    "<a href='/admin/standards/accidenttype/'>Accident types</a>",
    "<option>GB 6441-1986 (20 types)</option>",
    "<button>Filters</button>",
    "<th>Reason:</th>",
])
def test_the_detector_finds_codes_tags_and_english(text):
    assert leaks(f"<html><body>{text}</body></html>")


@pytest.mark.parametrize("text", [
    "<td>LEC 方案三（上限包含）</td>", "<td>S = Σ q/Q = 8.2</td>", "<td>GB 18218-2018</td>",
    "<td class='mono'>YH2026000000618</td>", "<a>导出 Excel</a>", "<td>R = α × Σ β·q/Q = 64.6，为2级</td>",
    "<input type='hidden' name='sort' value='found_at'>", "<a href='/risks/?level=major&amp;sort=-id'>重大</a>",
    "<span lang='en'>Coal mines</span>", "<th class='visually-hidden'>Model name</th>", "<code>team_daily</code>",
])
def test_the_detector_leaves_chinese_symbols_and_attributes_alone(text):
    assert leaks(f"<html><body>{text}</body></html>") == []


def test_visible_text_skips_scripts_and_hidden_elements():
    html = ("<html><head><title>t</title></head><body><script>var a_b = 1;</script>"
            "<div hidden>risk_checks_generated</div><p>看得见</p></body></html>")
    assert visible_text(html) == [("p", "看得见")]


# --- every role's pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_main_pages_show_no_internal_codes(world, records, role):
    # given a user of the role, in Chinese
    user = world.users[role]
    client = Client()
    client.force_login(user)
    # when they open their home page, every page of their menu, the records' pages and the references
    urls = [item["url"] for item in menu_for(user, "/") if not item["url"].startswith(("/admin/", "/api/"))]
    urls += [reverse(name, args=[pk]) for name, pk in records.items()]
    urls += [reverse("risks:profiles"), reverse("risks:grades"), reverse("standards:criteria"),
             reverse("majorhazards:tables"), reverse("majorhazards:calculator"), reverse("accidents:statistics")]
    # then no page shows an internal code, a research tag or an English label
    assert _walk(client, dict.fromkeys(urls), _allowed_data(world)) == {}


def test_admin_index_and_changelists_are_in_chinese(world, records):
    # given the system administrator, in Chinese
    client = Client()
    client.force_login(world.users[Role.ADMIN])
    # when they open the admin index, each app's index and every changelist
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse("admin:app_list", args=[opts.app_label]))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    # then every section, model, column, filter and value reads in Chinese
    assert _walk(client, dict.fromkeys(urls), _allowed_data(world)) == {}


# --- every event has a name ---------------------------------------------------------------------------

RECORD_EVENT = re.compile(r'record_event\(\s*[\w.\[\]"]+,\s*"([a-z_]+)"')
# Apps that name their action codes as constants in ``events.py`` (``ASSESSED = "assessed"``).
EVENT_CONSTANT = re.compile(r'^[A-Z][A-Z0-9_]* = "([a-z_]+)"', re.MULTILINE)


def test_every_action_the_services_write_has_a_name():
    # given every action code the services write with a literal name
    from pathlib import Path

    import anjian

    written = set()
    for path in Path(anjian.__file__).parent.rglob("*.py"):
        if "tests" not in path.parts:
            written.update(RECORD_EVENT.findall(path.read_text(encoding="utf-8")))
            if path.name == "events.py":
                written.update(EVENT_CONSTANT.findall(path.read_text(encoding="utf-8")))
    # and every action code an app declares as a constant in its events.py (issue #11: the
    # services write those constants, through record_event or core.workflow)
    for config in apps.get_app_configs():
        if config.name.startswith("anjian.") and module_has_submodule(config.module, "events"):
            module = import_module(f"{config.name}.events")
            written.update(value for name, value in vars(module).items()
                           if name.isupper() and isinstance(value, str) and CODE.fullmatch(value))
    assert len(written) > 40
    # then each has a label (no timeline or admin list shows a code)
    assert sorted(written - known_actions()) == []


def test_an_event_written_by_another_app_is_named_by_it(world, records):
    # given the enterprise whose risk controls generated its checklists (an event the risks app writes)
    from django.utils import translation

    with translation.override("zh-hans"):
        # then the enterprise's timeline names it, as the risks app does
        assert event_label("risk_checks_generated", "enterprises") == "由风险管控措施生成排查任务"
        # and an action nobody named reads as a neutral phrase, never as its code
        assert event_label("something_new") == "其他操作"


def test_major_hazard_source_timeline_names_states_and_reasons(world, records, client):
    # given the source suspended and put back in operation (records fixture)
    client.force_login(world.users[Role.ADMIN])
    html = client.get(reverse("majorhazards:detail", args=[records["majorhazards:detail"]]), **ZH).content.decode()
    text = " ".join(t for _tag, t in visible_text(html))
    # then its timeline shows the states' names and why it was evaluated, not the codes
    from django.utils import translation

    from anjian.majorhazards.choices import SourceState

    with translation.override("zh-hans"):
        running, stopped = str(SourceState.IN_OPERATION.label), str(SourceState.SUSPENDED.label)
    assert f"{running} → {stopped}" in text and f"{stopped} → {running}" in text, text
    assert "in_operation" not in text and "created" not in text and "登记时" in text


def test_coordinates_read_longitude_then_latitude(world, records, client):
    # given a risk point at 116.4 E, 39.9 N (records fixture)
    client.force_login(world.users[Role.ADMIN])
    html = client.get(reverse("risks:detail", args=[records["risks:detail"]]), **ZH).content.decode()
    text = "".join(t for _tag, t in visible_text(html))
    # then the page names both and puts the longitude first
    assert re.search(r"经度116\.4\d*，纬度39\.9", text), text
    # and so does the enterprise page, whose coordinates were shown latitude first before
    ent = world.ent_a
    ent.longitude, ent.latitude = Decimal("120.5"), Decimal("30.25")
    ent.save(update_fields=["longitude", "latitude"])
    html = client.get(reverse("enterprises:detail", args=[ent.pk]), **ZH).content.decode()
    assert "经度120.500000，纬度30.250000" in "".join(t for _tag, t in visible_text(html))


"""The home page speaks to its role: an enterprise user sees its own unit, a grid officer its
grid, the committee office the overview; each is offered only the actions its role may take
(the same test as the side menu), in a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from anjian.core.testing.pagetext import visible_text
from anjian.orgs.choices import Role
from anjian.portal.navigation import allowed, menu_for
from anjian.portal.testing.factories import make_hazard
from anjian.portal.views import ACTIONS

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _page(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"), **ZH)
    assert response.status_code == 200
    return response, " ".join(text for _tag, text in visible_text(response.content.decode()))


def _links(response) -> set[str]:
    """The pages the home page's own content links to (not the side menu or the top bar)."""
    html = response.content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    return set(re.findall(r'href="(/[^"#?]*)', main))


def test_enterprise_sees_its_own_unit(world):
    # given an open hazard of the enterprise, and one of another enterprise of the same county
    make_hazard(world.ent_a, world.users[Role.ADMIN])
    make_hazard(world.ent_a_construction, world.users[Role.ADMIN])
    # when the enterprise's safety manager opens the home page
    response, text = _page(world.users[Role.ENTERPRISE])
    # then it is about their unit: its name as the title, "本单位", no jurisdiction
    assert world.ent_a.name in text and "本单位" in text
    assert "管辖范围" not in text and "辖区" not in text and "监管盲区" not in text
    # with its own open hazards, its inspection tasks and its risk grade
    assert response.context["hazards"]["open"] == 1
    assert "未销号隐患" in text and "待完成排查任务" in text and "风险等级" in text
    assert response.context["enterprise"] == world.ent_a
    # and no regional figures
    assert "counts" not in response.context


def test_grid_officer_sees_its_grid(world):
    # given the grid officer of grid A (enterprise A is in it, the construction company is not)
    response, text = _page(world.users[Role.GRID_OFFICER])
    # then the page is about the grid, with the grid's enterprises only
    assert world.grid_a.name in text and "本网格" in text
    assert "管辖范围" not in text
    assert response.context["counts"]["total"] == 1


def test_committee_office_sees_the_overview_and_can_act_on_nothing_else(world):
    # given the committee office of county A
    response, text = _page(world.users[Role.COMMITTEE_OFFICE])
    # then it sees the jurisdiction's overview, this year's accidents included
    assert "管辖范围" in text and world.county_a.name in text
    assert response.context["counts"]["total"] == 2 and "accidents" in response.context
    # and is offered the one thing it may do (the yearly figures), no registration or reporting
    links = _links(response)
    assert reverse("accidents:figures") in links
    for name in ("hazards:create", "enterprises:create", "enterprises:import", "inspections:create",
                 "risks:create", "accidents:create", "hazards:notice_create"):
        assert reverse(name) not in links, name


@pytest.mark.parametrize("role", [Role.ADMIN, Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER,
                                  Role.COMMITTEE_OFFICE, Role.ENTERPRISE, Role.EXPERT])
def test_each_role_is_offered_only_what_it_may_do(world, role):
    # given a user of the role
    user = world.users[role]
    response, _text = _page(user)
    links = _links(response)
    # then every action the page offers passes the menu's test for the user, and the page offers
    # each action the user may take (for its kind of scope)
    kind = response.context["kind"]
    offered = {a["url"] for a in response.context["actions"]}
    for _label, name, perm, audience, scopes in ACTIONS:
        may = allowed(user, perm, audience) and (not scopes or kind in scopes)
        assert (reverse(name) in offered) == may, (role, name)
        if reverse(name) in links and name not in ("enterprises:blind_spots", "inspections:tasks"):
            assert may, (role, name)
    # and every page it links to is one its menu offers too (or the record of its own unit)
    menu = {item["url"] for item in menu_for(user, "/")}
    own = {reverse("enterprises:detail", args=[world.ent_a.pk]), reverse("risks:enterprise", args=[world.ent_a.pk])}
    for url in links:
        if url.startswith(("/static/", "/logout", "/i18n/", "/orgs/departments/", "/warnings/")) or url == "/":
            continue
        assert any(url == m or url.startswith(m) for m in menu if m != "/") or url in own or url in offered, \
            (role, url)


def test_enterprise_user_is_not_offered_regional_actions(world):
    # given the enterprise user (it may report hazards and register risk points, not enterprises)
    response, text = _page(world.users[Role.ENTERPRISE])
    links = _links(response)
    assert reverse("hazards:create") in links and reverse("risks:create") in links
    for name in ("enterprises:create", "enterprises:import", "enterprises:blind_spots", "hazards:notice_create",
                 "regions:list", "orgs:departments"):
        assert reverse(name) not in links, name
    with translation.override("zh-hans"):
        assert "为监管盲区分配监管责任" not in text


@pytest.mark.parametrize(("role", "offered"), [
    (Role.ADMIN, True), (Role.ENTERPRISE, True), (Role.REGULATOR, False), (Role.INDUSTRY_OFFICER, False),
    (Role.GRID_OFFICER, False), (Role.COMMITTEE_OFFICE, False), (Role.EXPERT, False)])
def test_the_api_documentation_is_in_the_menu_of_those_who_use_the_api(world, role, offered):
    # given a user of the role (enterprises connect their own systems through API keys that act
    # as one of their users; officers work in the pages)
    client = Client()
    client.force_login(world.users[role])
    # when they open the home page in Chinese
    html = client.get(reverse("home"), **ZH).content.decode()
    nav = html[html.index('<nav class="sidenav'):]
    nav = nav[:nav.index("</nav>")]
    # then its side menu links to the API documentation only for the API's users
    assert (reverse("api-docs") in {item["url"] for item in menu_for(world.users[role], "/")}) == offered
    assert (f'href="{reverse("api-docs")}"' in nav) == offered
    assert ("API 文档" in nav) == offered


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.GRID_OFFICER, Role.COMMITTEE_OFFICE, Role.ENTERPRISE])
def test_home_page_queries_are_bounded(world, role, django_assert_max_num_queries):
    # given some hazards, so the figures have rows to count
    for _ in range(3):
        make_hazard(world.ent_a, world.users[Role.ADMIN])
    client = Client()
    client.force_login(world.users[role])
    client.get(reverse("home"), **ZH)  # warm the per-process caches (regions, industries)
    # then the home page costs a fixed number of queries, whatever the data (regional users: 8 more
    # for the headline indicators panel of core.home — one query per table counted, and the targets)
    with django_assert_max_num_queries(22 if role in (Role.REGULATOR, Role.COMMITTEE_OFFICE) else 14):
        assert client.get(reverse("home"), **ZH).status_code == 200

"""The risk-point ledger's filters use the same region and industry pickers as the enterprise
list and the hazard ledger (selects of the codes in the user's scope), filter by them, and cost
a fixed number of queries."""

import re

from django.test import Client
from django.urls import reverse

from anjian.orgs.choices import Role

from .factories import make_point

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_region_and_industry_are_pickers_of_the_users_scope(world):
    # given county A's regulator on the risk-point ledger
    html = _client(world.users[Role.REGULATOR]).get(reverse("risks:list"), **ZH).content.decode()
    # then region and industry are selects, not code boxes: county A and its township, no county B
    regions = _options(html, "region")
    assert regions[0] == "" and world.county_a.code in regions and world.township_a.code in regions
    assert world.county_b.code not in regions and world.township_b.code not in regions
    industries = _options(html, "industry")
    assert "05" in industries and "0504" in industries
    assert 'name="region" placeholder' not in html and "行业代码" not in html


def test_filtering_by_the_pickers(world):
    # given a point in county A (machinery), one of the construction company, and one in county B
    make_point(world, name="甲点")
    make_point(world, world.ent_a_construction, name="建设点")
    make_point(world, world.ent_b, name="乙点")
    client = _client(world.users[Role.ADMIN])
    # when the administrator picks county A, then machinery (05 with its sub-sectors)
    by_region = client.get(reverse("risks:list"), {"region": world.county_a.code})
    by_industry = client.get(reverse("risks:list"), {"industry": "05"})
    # then each filter narrows the ledger
    assert {p.name for p in by_region.context["page_obj"]} == {"甲点", "建设点"}
    assert {p.name for p in by_industry.context["page_obj"]} == {"甲点"}
    # and a region outside the user's scope is not a choice: the field says so and the ledger
    # stays the user's own (scoping, not the filter, keeps county B out)
    county_a_user = _client(world.users[Role.REGULATOR])
    response = county_a_user.get(reverse("risks:list"), {"region": world.county_b.code}, **ZH)
    assert response.status_code == 200 and response.context["form"].errors["region"]
    assert {p.name for p in response.context["page_obj"]} == {"甲点", "建设点"}


def test_an_enterprise_user_has_nothing_to_pick(world):
    html = _client(world.users[Role.ENTERPRISE]).get(reverse("risks:list"), **ZH).content.decode()
    assert '<select name="region"' not in html and '<select name="industry"' not in html


def test_ledger_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    # given 30 risk points in county A
    for i in range(30):
        make_point(world, name=f"点{i}")
    client = _client(world.users[Role.REGULATOR])
    client.get(reverse("risks:list"))
    # then a page costs the same few queries (the pickers included)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("risks:list"), **ZH).status_code == 200

"""The major hazard source registry filters by the same region and industry pickers as the
enterprise list and the hazard ledger, limited to the user's scope."""

import re

from django.test import Client
from django.urls import reverse

from anjian.orgs.choices import Role

from .helpers import make_source

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_registry_filters_are_region_and_industry_pickers(world):
    # given a source in each county
    make_source(world, name="甲罐区")
    make_source(world, world.ent_b, name="乙罐区")
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    html = client.get(reverse("majorhazards:list"), **ZH).content.decode()
    # then region and industry are selects of county A's regions and the industries
    regions = _options(html, "region")
    assert world.county_a.code in regions and world.county_b.code not in regions
    assert "03" in _options(html, "industry")
    assert "e.g. 03" not in html and "区划代码" not in html
    # and picking one filters the registry
    admin = Client()
    admin.force_login(world.users[Role.ADMIN])
    response = admin.get(reverse("majorhazards:list"), {"region": world.county_b.code})
    assert [s.name for s in response.context["rows"]] == ["乙罐区"]
    response = admin.get(reverse("majorhazards:list"), {"industry": "0504"})
    assert [s.name for s in response.context["rows"]] == ["甲罐区"]


def test_an_enterprise_user_has_nothing_to_pick(world):
    client = Client()
    client.force_login(world.users[Role.ENTERPRISE])
    html = client.get(reverse("majorhazards:list"), **ZH).content.decode()
    assert '<select name="region"' not in html and '<select name="industry"' not in html

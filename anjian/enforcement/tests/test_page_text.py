"""Every enforcement page, for every role, in Chinese: no internal code, research tag or English
label (``core.testing.pagetext.leaks``), and no page errs. The pages are read from the URLconf (the
``enforcement`` namespace), so a new page is walked the day it is added."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from anjian.core.testing.pagetext import leaks
from anjian.orgs.choices import Role

from .factories import walk_records

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ROLES = [Role.ADMIN, Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER, Role.COMMITTEE_OFFICE,
         Role.ENTERPRISE, Role.EXPERT]


def enforcement_routes():
    """(name, pattern keys) of every page of the enforcement namespace."""
    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and p.namespace == "enforcement":
            for q in p.url_patterns:
                yield f"enforcement:{q.name}", tuple(q.pattern.regex.groupindex)


def urls_for(records) -> list[str]:
    """Each GET page with the keys of the records built (steps and documents left to their tests)."""
    # Longest prefix first: "plan_entry" before "plan".
    by_prefix = {"expert": "enforcement.Expert", "certificate": "enforcement.EnforcementCertificate",
                 "conflict": "enforcement.ConflictDeclaration", "plan_entry": "enforcement.PlanEntry",
                 "plan": "enforcement.EnforcementPlan", "draw": "enforcement.RandomDraw",
                 "case": "enforcement.Case", "admonition": "enforcement.Admonition"}
    urls = []
    for name, keys in enforcement_routes():
        short = name.split(":", 1)[1]
        if "action" in keys or short.endswith(("_step", "_create", "_edit", "_pdf", "_export")):
            continue
        if not keys:
            urls.append(reverse(name))
            continue
        label = next((by_prefix[k] for k in sorted(by_prefix, key=len, reverse=True) if short.startswith(k)), None)
        record = records.get(label)
        if record is not None and keys == ("pk",):
            urls.append(reverse(name, args=[record.pk]))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_enforcement_pages_read_in_chinese(world, role):
    records = walk_records(world, world.ent_a, world.users[Role.ENTERPRISE])
    client = Client()
    client.force_login(world.users[role])
    allow = tuple(u.username for u in world.users.values())
    found = {}
    for url in urls_for(records):
        response = client.get(url, **ZH)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, (url, response.status_code)
        problems = leaks(response.content.decode(), allow=allow)
        if problems:
            found[url] = problems
    assert found == {}

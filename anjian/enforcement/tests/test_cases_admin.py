"""The cases' reference data in the admin: the catalogue, its tiers, the time limits and
thresholds are edited there with their sources in view (history kept, nothing deleted, no new
code); cases and summons are shown, never changed there; every page reads in Chinese."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from anjian.core.testing.pagetext import leaks
from anjian.enforcement import services
from anjian.enforcement.models import CaseThreshold, CaseTimeLimit, Violation
from anjian.orgs.choices import Role

from .factories import make_case

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _admin(world) -> Client:
    client = Client()
    client.force_login(world.users[Role.ADMIN])
    return client


def test_the_reference_pages_show_the_sources_in_chinese(world):
    # given the administrator, a case and a summons
    client = _admin(world)
    case = make_case(world)
    adm = services.create_admonition(actor=world.users[Role.REGULATOR], department=world.dept_a, data={
        "kind": "summons", "enterprise": world.ent_a, "title": "约谈甲企业", "held_on": case.discovered_on})
    v = Violation.objects.get(code="SCF-099-1")
    limit, threshold = CaseTimeLimit.objects.get(code="file"), CaseThreshold.objects.get(code="review_unit")
    pages = [reverse("admin:enforcement_violation_change", args=[v.pk]),
             reverse("admin:enforcement_discretiontier_change", args=[v.tiers.first().pk]),
             reverse("admin:enforcement_casetimelimit_change", args=[limit.pk]),
             reverse("admin:enforcement_casethreshold_change", args=[threshold.pk]),
             reverse("admin:enforcement_case_change", args=[case.pk]),
             reverse("admin:enforcement_admonition_change", args=[adm.pk])]
    for url in pages:
        # when they open each page in Chinese
        response = client.get(url, **ZH)
        html = response.content.decode()
        # then it shows, without codes or English
        assert response.status_code == 200, url
        assert leaks(html, allow=(v.code, case.number, world.users[Role.ADMIN].get_username(),
                                  world.users[Role.REGULATOR].get_username())) == [], url
    # and the time limit names its step and its source, not its code
    html = client.get(reverse("admin:enforcement_casetimelimit_changelist"), **ZH).content.decode()
    assert "立案期限" in html and ">file<" not in html
    assert "行政处罚法" in client.get(pages[2], **ZH).content.decode()


def test_a_time_limit_is_edited_with_history_but_never_added_or_deleted(world):
    client = _admin(world)
    limit = CaseTimeLimit.objects.get(code="decide")
    url = reverse("admin:enforcement_casetimelimit_change", args=[limit.pk])
    # when the administrator corrects the province's limit
    response = client.post(url, {"days": 60, "day_kind": "natural", "extension_days": 30,
                                 "source": limit.source + "（省级规定）", "certainty": "unconfirmed"})
    # then it is saved, with its history, and the code stays
    assert response.status_code == 302
    limit.refresh_from_db()
    assert (limit.code, limit.days, limit.extension_days) == ("decide", 60, 30)
    assert limit.history.first().history_user == world.users[Role.ADMIN]
    # and no row is added or deleted here
    assert client.get(reverse("admin:enforcement_casetimelimit_add")).status_code == 403
    assert client.get(reverse("admin:enforcement_casetimelimit_delete", args=[limit.pk])).status_code == 403
    assert client.get(reverse("admin:enforcement_violation_delete",
                              args=[Violation.objects.first().pk])).status_code == 403


def test_cases_are_read_only_in_the_admin(world):
    client = _admin(world)
    case = make_case(world)
    url = reverse("admin:enforcement_case_change", args=[case.pk])
    # when the administrator posts a change to a case
    client.post(url, {"title": "改过的标题"})
    # then nothing changes: a case changes through its steps only
    case.refresh_from_db()
    assert case.title == "未设置安全警示标志"
    assert client.get(reverse("admin:enforcement_case_add")).status_code == 403

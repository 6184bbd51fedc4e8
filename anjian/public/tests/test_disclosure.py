"""The public disclosure pages: without log-in, in Chinese, cacheable, and showing only what was
published, in public fields only."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from anjian.hazards.choices import HazardGrade
from anjian.orgs.choices import Role
from anjian.public import services

PAGES = ("public:index", "public:public_hazards", "public:public_blacklist", "public:public_rankings")


def _listed_hazard(world):
    from anjian.hazards import services as hazards

    reg = world.users[Role.REGULATOR]
    today = timezone.localdate()
    h = hazards.report_hazard(actor=reg, enterprise=world.ent_a, data={
        "location": "一号车间", "description": "内部备注：车间主任李四负责", "grade": HazardGrade.GENERAL,
        "deadline": today + datetime.timedelta(days=30), "finder_name": "检查员王五"})
    from anjian.hazards.models import Hazard

    Hazard.objects.filter(pk=h.pk).update(grade=HazardGrade.MAJOR)
    h.refresh_from_db()
    return hazards.list_for_supervision(h, actor=reg, deadline=today + datetime.timedelta(days=60),
                                        document_number="甲应急督〔2026〕1号", requirements="内部要求：约谈")


def test_the_public_pages_answer_anyone_in_chinese_and_are_cacheable(client, world):
    for name in PAGES:
        r = client.get(reverse(name))
        assert r.status_code == 200, name
        assert "max-age" in r["Cache-Control"]
        assert "<script" not in r.content.decode().replace('<script src="/static/', "")
    assert 'lang="zh-hans"' in client.get(reverse("public:index")).content.decode()


def test_a_listed_hazard_appears_only_once_published_and_without_internal_fields(client, world):
    listing = _listed_hazard(world)
    assert world.ent_a.name not in client.get(reverse("public:public_hazards")).content.decode()
    pub = services.publish_listing(listing, actor=world.users[Role.REGULATOR])
    body = client.get(reverse("public:public_hazards")).content.decode()
    assert world.ent_a.name in body and "甲应急督〔2026〕1号" in body
    for secret in ("李四", "王五", "内部要求", "一号车间"):
        assert secret not in body
    services.withdraw_publication(pub, actor=world.users[Role.REGULATOR], reason="已整改销号")
    assert world.ent_a.name not in client.get(reverse("public:public_hazards")).content.decode()


def test_only_published_blacklistings_appear(client, world):
    from anjian.credit.tests.factories import listing

    found = listing(world, world.ent_a)
    assert world.ent_a.name not in client.get(reverse("public:public_blacklist")).content.decode()
    from anjian.credit import services as credit

    credit.publish_listing(found, actor=world.users[Role.REGULATOR], publication="信用中国")
    body = client.get(reverse("public:public_blacklist")).content.decode()
    assert world.ent_a.name in body and "发生较大生产安全责任事故" not in body

"""The pages: ledger (filters, counts, scoping, query count), detail, forms, assessment with
the value meanings, enterprise page with "生成排查任务", grades, profiles, map, export."""

import pytest
from django.urls import reverse

from anjian.orgs.choices import Role
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskPoint, RiskProfile
from anjian.standards.models import Checklist

from .factories import assess, make_point

pytestmark = pytest.mark.django_db


def login(client, world, who):
    client.force_login(world.users[who])
    return client


def test_list_scoped_with_level_counts(world, client, django_assert_max_num_queries):
    for i in range(8):
        assess(world, make_point(world, name=f"甲点{i}"))
    make_point(world, world.ent_b, name="乙点")
    login(client, world, Role.REGULATOR)
    with django_assert_max_num_queries(14):
        r = client.get(reverse("risks:list"))
    html = r.content.decode()
    assert r.status_code == 200 and "甲点0" in html and "乙点" not in html
    assert 'data-level="major">8<' in html
    login(client, world, "other_county")
    html = client.get(reverse("risks:list")).content.decode()
    assert "甲点0" not in html and "乙点" in html and 'data-level="major">0<' in html
    r = client.get(reverse("risks:list"), {"level": "major"})
    assert "乙点" not in r.content.decode()


def test_detail_explains_level_and_404_out_of_scope(world, client):
    point = make_point(world)
    assess(world, point, profile="LEC-V1")
    login(client, world, Role.ENTERPRISE)
    html = client.get(reverse("risks:detail", args=[point.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "LEC 方案一（下限包含）" in html and "LEC-V1" not in html and "L=3" in html and "Major risk &gt; 320" in html
    login(client, world, "other_county")
    for name in ("risks:detail", "risks:edit", "risks:assess", "risks:card_pdf", "risks:void"):
        assert client.get(reverse(name, args=[point.pk])).status_code == 404, name
    assert client.get(reverse("risks:enterprise", args=[world.ent_a.pk])).status_code == 404


def test_create_edit_assess_measure_void_through_pages(world, client):
    login(client, world, Role.ENTERPRISE)
    r = client.post(reverse("risks:create"), {"enterprise": world.ent_a.pk, "name": "配电室", "kind": "site",
                                              "responsible_name": "赵六", "longitude": "116.5", "latitude": "39.8"})
    assert r.status_code == 302, r.content.decode()[:2000]
    point = RiskPoint.objects.get(name="配电室")
    # the assessment form shows the meanings in its dropdowns
    html = client.get(reverse("risks:assess", args=[point.pk])).content.decode()
    assert "相当可能" in html and "每天工作时间内暴露" in html and "非常严重，一人死亡" in html
    r = client.post(reverse("risks:assess", args=[point.pk]), {"method": "lec", "lec_l": "6", "lec_e": "6",
                                                                "lec_c": "7"})
    assert r.status_code == 302
    point.refresh_from_db()
    assert point.level == "major" and point.score == 252  # D = 252 > 160 under LEC-V3
    r = client.post(reverse("risks:assess", args=[point.pk]), {"method": "ls", "ls_l": "4"})
    assert r.status_code == 400 and RiskAssessment.objects.filter(risk_point=point).count() == 1
    r = client.post(reverse("risks:measure_create", args=[point.pk]), {
        "content": "配电室门常闭并上锁", "control_level": "post", "measure_type": "management", "is_active": "on"})
    assert r.status_code == 302
    m = ControlMeasure.objects.get(risk_point=point)
    r = client.post(reverse("risks:edit", args=[point.pk]), {"name": "1号配电室", "kind": "site",
                                                             "responsible_name": "赵六", "version": point.version})
    assert r.status_code == 302
    point.refresh_from_db()
    assert point.name == "1号配电室"
    # generate the inspection tasks from the enterprise page
    r = client.post(reverse("risks:generate", args=[world.ent_a.pk]))
    assert r.status_code == 302
    assert Checklist.objects.filter(enterprise=world.ent_a, is_active=True).count() == 1
    html = client.get(reverse("risks:enterprise", args=[world.ent_a.pk])).content.decode()
    assert "风险管控措施排查清单（班组日查）" in html
    r = client.post(reverse("risks:measure_void", args=[m.pk]), {"reason": "重复"})
    assert r.status_code == 302 and ControlMeasure.objects.get(pk=m.pk).is_voided
    r = client.post(reverse("risks:void", args=[point.pk]), {"reason": "拆除"})
    assert r.status_code == 302 and RiskPoint.objects.get(pk=point.pk).is_voided


def test_other_enterprise_cannot_create_for_ent_a(world, client):
    login(client, world, "other_county")
    r = client.post(reverse("risks:create"), {"enterprise": world.ent_a.pk, "name": "x", "kind": "site",
                                              "responsible_name": "y"})
    assert r.status_code == 400 and not RiskPoint.objects.exists()
    login(client, world, Role.COMMITTEE_OFFICE)
    assert client.get(reverse("risks:create")).status_code == 403


def test_profiles_page_admin_chooses_default(world, client):
    v1 = RiskProfile.objects.get(code="LEC-V1")
    login(client, world, Role.REGULATOR)
    assert "LEC-V3" in client.get(reverse("risks:profiles")).content.decode()
    assert client.post(reverse("risks:profile_default", args=[v1.pk])).status_code == 403
    login(client, world, Role.ADMIN)
    assert client.post(reverse("risks:profile_default", args=[v1.pk])).status_code == 302
    assert RiskProfile.objects.get(method="lec", is_default=True) == v1


def test_grades_map_and_export_pages(world, client):
    assess(world, make_point(world))
    assess(world, make_point(world, world.ent_b, name="乙点"), "ls", l=1, s=1)
    login(client, world, Role.REGULATOR)
    html = client.get(reverse("risks:grades")).content.decode()
    assert world.ent_a.name in html and world.ent_b.name not in html
    assert client.get(reverse("risks:map")).status_code == 200
    r = client.get(reverse("risks:export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    login(client, world, "other_county")
    html = client.get(reverse("risks:grades")).content.decode()
    assert world.ent_a.name not in html and world.ent_b.name in html


def test_map_api_shapes_and_cap(world, api):
    from anjian.portal.testing.mixins import act_as
    from anjian.risks import selectors

    for i in range(5):
        assess(world, make_point(world, name=f"P{i}"), "ls", l=1 + i % 5, s=5)
    make_point(world, name="未评价")
    client = act_as(api, world.users[Role.REGULATOR])
    d = client.get("/api/risk-map/", {"region": world.county_a.code}).json()
    assert d["levels"] == ["major", "high", "moderate", "low", "unassessed"]
    # R = 5, 10, 15, 20, 25 under LS-A: moderate, high, high, major, major
    assert d["total"] == 6 and d["counts"] == {"major": 2, "high": 2, "moderate": 1, "low": 0, "unassessed": 1}
    assert d["points"][0][3] == 0 and len(d["points"][0]) == 5  # gravest first, compact rows
    assert d["by_region"][0]["name"] == world.township_a.name and d["by_region"][0]["total"] == 6
    assert d["by_industry"][0]["total"] == 6
    # ent_a has no coordinates in the test world: no enterprise marker
    assert d["enterprises"] == [] and d["bbox"] == [116.4, 39.9, 116.4, 39.9]
    assert client.get("/api/risk-map/", {"level": "bogus"}).status_code == 400
    assert client.get("/api/risk-map/", {"region": "999"}).status_code == 400
    assert client.get("/api/risk-map/", {"level": "major"}).json()["total"] == 2
    capped = selectors.risk_map(world.users[Role.REGULATOR], {}, cap=3)
    assert capped["shown_points"] == 3 and capped["located_points"] == 6
    assert [p[3] for p in capped["points"]] == [0, 0, 1]

"""The pages: registry (scoped, filters, query count), detail with the explanation, forms and
the POSTed steps, the calculator and the reference tables."""

from decimal import Decimal

import pytest
from django.urls import reverse

from anjian.majorhazards.models import MajorHazardSource
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import fresh

from .helpers import make_source, staff

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def login(client, user):
    client.force_login(fresh(user))
    return client


def test_registry_is_scoped_and_shows_grades(world, client, django_assert_max_num_queries):
    for i in range(5):
        make_source(world, name=f"储罐区{i}", substances=[{"name": "氯", "quantity_t": 10 * (i + 1)}], population=100)
    theirs = make_source(world, world.ent_b, name="乙县储罐")
    login(client, world.users[Role.REGULATOR])
    client.get(reverse("majorhazards:list"))
    # 12, plus one each for the region and industry pickers of the filter bar
    with django_assert_max_num_queries(14):
        response = client.get(reverse("majorhazards:list"), **ZH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "储罐区0" in html and "乙县储罐" not in html
    assert 'mh-grade mh-grade-1' in html and "一级" in html and "重大危险源" in html
    # filters: R = α 2 × β 4 × q/5 = 1.6 q → 16, 32, 48 (grade 3), 64, 80 (grade 2), none of grade 1
    response = client.get(reverse("majorhazards:list"), {"grade": ["1"]})
    assert response.context["page_obj"].paginator.count == 0
    response = client.get(reverse("majorhazards:list"), {"grade": ["2"]})
    assert response.context["page_obj"].paginator.count == 2
    response = client.get(reverse("majorhazards:list"), {"grade": ["3"], "unit_kind": "storage"})
    assert response.context["page_obj"].paginator.count == 3
    # the other county sees neither the row nor the detail
    login(client, world.users["other_county"])
    html = client.get(reverse("majorhazards:list")).content.decode()
    assert "储罐区0" not in html and "乙县储罐" in html
    mine = MajorHazardSource.objects.filter(enterprise=world.ent_a).first()
    assert client.get(reverse("majorhazards:detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("majorhazards:detail", args=[theirs.pk])).status_code == 200


def test_detail_explains_the_grade(world, client):
    source = make_source(world, population=120, substances=[{"name": "氯", "quantity_t": 40},
                                                            {"name": "氢", "quantity_t": 1}])
    staff(source, world.users[Role.ADMIN], roles=("principal",))
    login(client, world.users[Role.ENTERPRISE])
    html = client.get(reverse("majorhazards:detail", args=[source.pk]), **ZH).content.decode()
    # 40/5 + 1/5 = 8.2; R = 2 × (4 × 8 + 1.5 × 0.2) = 64.6 → grade 2
    assert "S = Σ q/Q = 8.2。" in html and "R = α × Σ β·q/Q = 64.6，为2级" in html
    assert "GB18218-2018 v1" in html and "推定" in html and "[D]" not in html and "空缺" in html
    assert "主要负责人" in html


def test_enterprise_user_registers_and_manages_a_source(world, client):
    login(client, world.users[Role.ENTERPRISE])
    response = client.post(reverse("majorhazards:create"), {
        "enterprise": world.ent_a.pk, "name": "甲醇罐区", "unit_kind": "storage", "population_500m": "30"})
    source = MajorHazardSource.objects.get()
    assert response.status_code == 302 and response.url == reverse("majorhazards:detail", args=[source.pk])
    detail = reverse("majorhazards:detail", args=[source.pk])
    # add a chemical: re-evaluated (600 t methanol: S 1.2, major)
    client.post(reverse("majorhazards:substance_add", args=[source.pk]), {"name": "甲醇", "quantity_t": "600"})
    source.refresh_from_db()
    assert source.is_major and source.s_value == Decimal("1.2")
    # an unknown chemical is refused with a message naming it
    response = client.post(reverse("majorhazards:substance_add", args=[source.pk]),
                           {"name": "神秘物质", "quantity_t": "1"}, follow=True, **ZH)
    assert "神秘物质" in response.content.decode()
    client.post(reverse("majorhazards:person_appoint", args=[source.pk]),
                {"role": "technical", "name": "张工", "appointed_on": "2026-01-01"})
    client.post(reverse("majorhazards:check_add", args=[source.pk]),
                {"role": "technical", "checked_on": "2026-02-01", "findings": "正常"})
    assert source.checks.count() == 1
    client.post(reverse("majorhazards:transition", args=[source.pk]), {"to_state": "suspended"})
    source.refresh_from_db()
    assert source.state == "suspended"
    assert client.get(detail).status_code == 200
    response = client.post(reverse("majorhazards:edit", args=[source.pk]),
                           {"name": "甲醇罐区", "unit_kind": "storage", "population_500m": "0",
                            "version": source.version})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.alpha == Decimal("0.5")


def test_readers_cannot_write(world, client):
    source = make_source(world)
    login(client, world.users[Role.EXPERT])
    assert client.get(reverse("majorhazards:create")).status_code == 403
    assert client.get(reverse("majorhazards:edit", args=[source.pk])).status_code == 403
    client.post(reverse("majorhazards:substance_add", args=[source.pk]), {"name": "氯", "quantity_t": "1"})
    assert source.substances.count() == 1
    # the construction-industry officer does not see a machinery enterprise's source at all
    login(client, world.users[Role.INDUSTRY_OFFICER])
    assert client.get(reverse("majorhazards:detail", args=[source.pk])).status_code == 404


def test_calculator_page(world, client):
    login(client, world.users[Role.GRID_OFFICER])
    url = reverse("majorhazards:calculator")
    assert client.get(url).status_code == 200
    data = {"population_500m": "120", "s-TOTAL_FORMS": "6", "s-INITIAL_FORMS": "0",
            "s-0-name": "氯", "s-0-cas": "7782-50-5", "s-0-quantity_t": "40",
            "s-1-name": "某溶剂", "s-1-hazard_class": "W5.3", "s-1-quantity_t": "300"}
    response = client.post(url, data, **ZH)
    assert response.status_code == 200
    result = response.context["result"]
    assert (float(result.s), result.grade) == (8.3, 2)
    assert "二级" in response.content.decode()
    data["s-3-name"] = "不存在的物质"
    data["s-3-quantity_t"] = "1"
    response = client.post(url, data, **ZH)
    assert response.status_code == 400 and "第4行" in response.content.decode()


def test_tables_page(world, client):
    login(client, world.users[Role.ENTERPRISE])
    html = client.get(reverse("majorhazards:tables"), **ZH).content.decode()
    assert "8006-14-2" in html and "W5.3" in html and "在管理后台编辑" not in html
    login(client, world.users[Role.ADMIN])
    html = client.get(reverse("majorhazards:tables"), **ZH).content.decode()
    assert "在管理后台编辑" in html


def test_export_page(world, client):
    make_source(world)
    login(client, world.users[Role.REGULATOR])
    response = client.get(reverse("majorhazards:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_admin_pages_and_new_version_action(world, client):
    from anjian.majorhazards.models import CriticalQuantityTable

    admin_user = world.users[Role.ADMIN]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    login(client, admin_user)
    for name in ("criticalquantitytable", "namedchemical", "hazardclassthreshold", "alphaband", "gradeband"):
        assert client.get(reverse(f"admin:majorhazards_{name}_changelist")).status_code == 200, name
    current = CriticalQuantityTable.objects.get(is_current=True)
    assert client.get(reverse("admin:majorhazards_criticalquantitytable_change", args=[current.pk])).status_code == 200
    response = client.post(reverse("admin:majorhazards_criticalquantitytable_changelist"),
                           {"action": "make_new_version", "_selected_action": [current.pk]})
    assert response.status_code == 302
    new = CriticalQuantityTable.objects.get(version=2)
    assert new.chemicals.count() == 85 and not new.is_current
    client.post(reverse("admin:majorhazards_criticalquantitytable_changelist"),
                {"action": "make_current", "_selected_action": [new.pk]})
    new.refresh_from_db()
    assert new.is_current
    # nothing can be deleted
    assert client.get(reverse("admin:majorhazards_namedchemical_delete", args=[new.chemicals.first().pk])
                      ).status_code == 403

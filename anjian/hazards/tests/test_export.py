"""The ledger's Excel export: exactly the scoped, filtered hazards (same query string as the
page), readable columns, and a fixed number of queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.hazards import services
from anjian.hazards.exports import export_hazards, filtered_hazards
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard
from anjian.portal.testing.mixins import ACTORS, OTHER_COUNTY, actor_id

pytestmark = pytest.mark.django_db


def read(content: bytes) -> list[dict]:
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, [*r, *[None] * (len(header) - len(r))], strict=True)) for r in rows[1:]]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def hz(world):
    regulator = world.users[Role.REGULATOR]
    general = make_hazard(world.ent_a, world.users[Role.ENTERPRISE], location="配电室")
    major = make_hazard(world.ent_a, regulator, major=True, location="危化品库", description="禁忌物混存")
    other = make_hazard(world.ent_b, world.users[OTHER_COUNTY], location="罐区", description="罐区防火堤破损")
    return {"general": general, "major": major, "other": other}


@pytest.mark.parametrize("key", ACTORS, ids=actor_id)
def test_export_is_scoped_like_the_ledger(world, hz, key, settings):
    # Given each user
    user = world.users[key]
    # When they export the unfiltered ledger through the page's link
    response = client_for(user).get(reverse("hazards:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="hazards-')
    # Then the file holds exactly the hazards of their ledger
    exported = {r["隐患编号"] for r in read(response.content)}
    expected = set(Hazard.objects.for_user(user).values_list("number", flat=True))
    assert exported == expected
    if key == OTHER_COUNTY:
        assert exported == {hz["other"].number}


def test_export_applies_the_ledger_filters_and_ignores_sort_and_page(world, hz):
    c = client_for(world.users[Role.REGULATOR])
    rows = read(c.get(reverse("hazards:export"), {"grade": "major", "sort": "deadline", "page": "3"}).content)
    assert [r["隐患编号"] for r in rows] == [hz["major"].number]
    rows = read(c.get(reverse("hazards:export"), {"q": "配电"}).content)
    assert [r["隐患编号"] for r in rows] == [hz["general"].number]
    # The other county filtering on county A gets nothing of it
    other = client_for(world.users[OTHER_COUNTY])
    assert read(other.get(reverse("hazards:export"), {"region": world.county_a.code}).content) == []
    assert read(other.get(reverse("hazards:export"), {"enterprise": world.ent_a.pk}).content) == []


def test_export_columns_are_readable(world, hz):
    # Given an overdue general hazard that is being rectified
    Hazard.objects.filter(pk=hz["general"].pk).update(deadline=timezone.localdate() - datetime.timedelta(days=2))
    services.start_rectification(Hazard.objects.get(pk=hz["general"].pk), actor=world.users[Role.ENTERPRISE])
    rows = {r["隐患编号"]: r for r in read(export_hazards(filtered_hazards(world.users[Role.REGULATOR], {})))}
    general, major = rows[hz["general"].number], rows[hz["major"].number]
    # Then the columns carry names and Chinese labels, not codes
    assert general["企业名称"] == world.ent_a.name
    assert general["统一社会信用代码"] == world.ent_a.credit_code
    assert general["隐患部位"] == "配电室"
    assert general["隐患等级"] == "一般隐患" and major["隐患等级"] == "重大隐患"
    assert general["状态"] == "整改中" and general["是否逾期"] == "是" and major["是否逾期"] == "否"
    assert major["重大隐患判定标准"] == hz["major"].criterion.code
    assert isinstance(general["发现时间"], datetime.datetime)
    assert general["整改期限"].date() == timezone.localdate() - datetime.timedelta(days=2)


def test_export_with_an_invalid_filter_is_a_400(world):
    response = client_for(world.users[Role.REGULATOR]).get(reverse("hazards:export"), {"found_from": "nope"})
    assert response.status_code == 400


def test_export_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    regulator = world.users[Role.REGULATOR]
    for _i in range(3):
        make_hazard(world.ent_a, regulator)
    with CaptureQueriesContext(connection) as ctx:
        export_hazards(filtered_hazards(regulator, {}))
    small = len(ctx)
    for _i in range(40):
        make_hazard(world.ent_a, regulator)
    with django_assert_num_queries(small):
        content = export_hazards(filtered_hazards(regulator, {}))
    assert len(read(content)) == 43

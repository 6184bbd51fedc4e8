"""The enterprise list's fast path gives what the slow path gave: the page in two steps
(keys, then rows by key) holds the same rows in the same order as the one-step page, the
values() rows render to exactly the bytes the serializer renders, reads build the queryset
once, and the cached reference lookups (region paths, the industry taxonomy) follow changes."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from anjian.core import scoping
from anjian.core.api import ValuesRepresentation
from anjian.core.pagination import DeferredJoinPagination, StandardPagination, can_page_in_two_steps
from anjian.core.reference_cache import REFERENCE_TTL
from anjian.core.scoping import industry_subtree_ids, region_path, region_path_by_id, scope_of
from anjian.enterprises import services
from anjian.enterprises.api import EnterpriseSerializer, EnterpriseViewSet
from anjian.enterprises.choices import OperatingStatus
from anjian.enterprises.models import Enterprise, Industry
from anjian.enterprises.selectors import enterprise_list
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import (
    EnterpriseFactory,
    GridFactory,
    RegionFactory,
    SupervisionFactory,
    industry,
    make_user,
)
from anjian.portal.testing.mixins import act_as, api_url
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(world):
    """County A with enterprises of every shape a list row can take: with and without grid,
    coordinates, dates and plate; closed and suspended; an ended plate beside a current one;
    text with quotes, backslashes, tabs and non-Latin characters."""
    grid2 = GridFactory(township=world.township_a)
    admin = world.users[Role.ADMIN]
    made = [
        EnterpriseFactory(name='甲"引号"\\反斜杠\t制表有限公司', region=world.township_a, grid=grid2,
                          industry=industry("0302"), latitude=Decimal("30.1"), longitude=Decimal("-120.123456"),
                          established_on=datetime.date(1999, 12, 31), employees=0, above_scale=True,
                          address="人民路 1 号\n二楼", principal_phone="+86 571 8888"),
        EnterpriseFactory(name="甲零坐标厂", region=world.township_a, industry=industry("0503"),
                          latitude=Decimal("0"), longitude=Decimal("0"), employees=2_000_000),
    ]
    closed = EnterpriseFactory(name="甲关停厂", region=world.township_a, industry=industry("0701"))
    services.change_operating_status(closed, actor=admin, status=OperatingStatus.CLOSED,
                                     on=datetime.date(2026, 3, 1), reason="关停")
    suspended = EnterpriseFactory(name="甲停产厂", region=world.township_a, grid=world.grid_a,
                                  industry=industry("0601"))
    services.change_operating_status(suspended, actor=admin, status=OperatingStatus.SUSPENDED)
    replated = EnterpriseFactory(name="甲换牌厂", region=world.township_a, industry=industry("0504"))
    SupervisionFactory(enterprise=replated, department=world.dept_a, is_current=False,
                       ended_on=datetime.date(2025, 1, 1), started_on=datetime.date(2020, 1, 1))
    SupervisionFactory(enterprise=replated, department=world.dept_a, officer_phone="", leader_phone="")
    EnterpriseFactory(name="甲作废厂", region=world.township_a, industry=industry("0504"), is_voided=True)
    return [*made, closed, suspended, replated]


def serializer_page(user, params: dict) -> bytes:
    """What the list answered before the fast path: the one-step page of model instances
    through EnterpriseSerializer, in DRF's page envelope, rendered as the API renders it."""
    request = Request(APIRequestFactory().get(api_url("enterprise"), params))
    request.user = user
    view = EnterpriseViewSet(request=request, format_kwarg=None, action="retrieve", kwargs={})
    queryset = view.filter_queryset(enterprise_list(user))
    paginator = StandardPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = EnterpriseSerializer(page, many=True, context={"request": request, "view": view}).data
    return JSONRenderer().render(paginator.get_paginated_response(data).data)


@pytest.mark.parametrize("params", [
    # (orderings by unique values only: rows that tie come in whatever order the database picks,
    # with one step as with two)
    {"page_size": 100}, {"page_size": 1, "page": 2}, {"ordering": "name"}, {"ordering": "-name"},
    {"industry": "05"}, {"has_supervision": "true"}, {"q": "甲"},
], ids=["all", "page-2", "by-name", "by-name-desc", "industry", "supervised", "search"])
@pytest.mark.parametrize("who", [Role.ADMIN, Role.REGULATOR, Role.INDUSTRY_OFFICER, Role.GRID_OFFICER])
def test_list_is_byte_identical_to_the_serializer(world, api, varied, params, who):
    # given enterprises of every shape, when the list is read through the API
    user = world.users[who]
    response = act_as(api, user).get(api_url("enterprise"), params)
    assert response.status_code == 200
    # then the bytes are those of the serializer over model instances, page envelope included
    assert response.content == serializer_page(scoping_fresh(user), params)


def scoping_fresh(user):
    """A fresh copy of the user (its scope is cached on the object)."""
    return type(user).objects.get(pk=user.pk)


def test_list_is_byte_identical_in_another_time_zone_and_language(world, api, varied, settings):
    # given a deployment in another time zone, reading in English
    settings.TIME_ZONE = "America/New_York"
    user = world.users[Role.REGULATOR]
    response = act_as(api, user).get(api_url("enterprise"), {"page_size": 100}, HTTP_ACCEPT_LANGUAGE="en")
    # then datetimes are rendered in that zone exactly as the serializer renders them
    assert response.content == serializer_page(scoping_fresh(user), {"page_size": 100})
    assert "-05:00" in response.json()["results"][0]["created_at"] or "-04:00" in (
        response.json()["results"][0]["created_at"])


@pytest.mark.parametrize("ordering", [None, "name", "-employees", "created_at"])
def test_two_step_pages_hold_the_same_rows_in_the_same_order(world, varied, ordering):
    # given the scoped list with its joins and prefetch, in some order
    user = world.users[Role.REGULATOR]
    queryset = enterprise_list(user)
    if ordering:
        queryset = queryset.order_by(ordering, "-id")
    for page in (1, 2, 3, 4):
        request = Request(APIRequestFactory().get("/", {"page_size": 2, "page": page}))
        # when paged in one step and in two
        one = StandardPagination().paginate_queryset(queryset, request)
        two_paginator = DeferredJoinPagination()
        with CaptureQueriesContext(connection) as ctx:
            two = two_paginator.paginate_queryset(queryset, request)
        # then the same instances come back, in the same order, with their related rows loaded
        assert [e.pk for e in two] == [e.pk for e in one]
        assert [(e.region.code, e.industry.name, e.grid_id, e.current_supervision and e.current_supervision.pk)
                for e in two] == [(e.region.code, e.industry.name, e.grid_id,
                                   e.current_supervision and e.current_supervision.pk) for e in one]
        assert two_paginator.page.paginator.count == 7
        # and the rows are read by key only: COUNT, the keys, the rows, the plates, the tags
        assert len(ctx) == 5
        assert "region_path" not in ctx.captured_queries[2]["sql"].partition("WHERE")[2]


def test_two_step_paging_keeps_annotations_and_falls_back_where_it_cannot(world, varied):
    user = world.users[Role.REGULATOR]
    request = Request(APIRequestFactory().get("/", {"page_size": 3}))
    # given an annotated queryset, the rows keep their annotation
    annotated = Enterprise.objects.for_user(user).with_current_supervision().order_by("-id")
    rows = DeferredJoinPagination().paginate_queryset(annotated, request)
    assert [(e.pk, e.has_supervision) for e in rows] == [
        (e.pk, e.has_supervision) for e in StandardPagination().paginate_queryset(annotated, request)]
    # and values(), DISTINCT and lists are paged in one step, as before
    for other in (annotated.values("id", "name"), annotated.distinct(), list(annotated)):
        assert not can_page_in_two_steps(other)
        assert DeferredJoinPagination().paginate_queryset(other, request) == (
            StandardPagination().paginate_queryset(other, request))


@pytest.mark.parametrize("filters", [{}, {"region": "COUNTY_A", "industry": "0504"}], ids=["plain", "filtered"])
def test_list_queries_stay_the_same_with_more_rows(world, api, filters, django_assert_num_queries):
    # given county A's regulator, filtering by region and industry (cached lookups) or not
    params = {k: (world.county_a.code if v == "COUNTY_A" else v) for k, v in filters.items()}
    params["page_size"] = 100
    user = world.users[Role.REGULATOR]
    act_as(api, user).get(api_url("enterprise"), params)  # warm-up: the reference caches fill
    act_as(api, user)
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(api_url("enterprise"), params).status_code == 200
    # the scope's industries, COUNT, the page of keys, the page's rows (plate joined), the page's
    # feature tags, and one query per column other apps add (risk grade, open hazards, credit grade)
    assert len(ctx) == 8, [q["sql"] for q in ctx.captured_queries]
    # when 60 more enterprises (some supervised, some in a grid) join the list
    for i in range(60):
        ent = EnterpriseFactory(region=world.township_a, industry=industry("0504"),
                                grid=world.grid_a if i % 2 else None)
        if i % 3:
            SupervisionFactory(enterprise=ent, department=world.dept_a)
    act_as(api, user)
    # then the list still takes the same eight queries
    with django_assert_num_queries(8):
        response = api.get(api_url("enterprise"), params)
    assert len(response.json()["results"]) == response.json()["count"] >= 60


def test_reads_build_the_queryset_once(world, api):
    # given county A's regulator, when the list and a record are read
    client = act_as(api, world.users[Role.REGULATOR])
    for url in (api_url("enterprise"), api_url("enterprise", world.ent_a.pk)):
        with mock.patch.object(EnterpriseViewSet, "get_queryset", autospec=True,
                               side_effect=EnterpriseViewSet.get_queryset) as spy:
            assert client.get(url).status_code == 200
        # then the scoped queryset is built once (the permission check no longer builds it)
        assert spy.call_count == 1, url
    # and reads still need an authenticated user, writes still the model permission
    assert act_as(api, None).get(api_url("enterprise")).status_code in (401, 403)
    assert act_as(api, world.users[Role.EXPERT]).post(api_url("enterprise"), {}).status_code == 403


def test_values_representation_refuses_what_it_cannot_build():
    class WithMethod(serializers.ModelSerializer):
        label = serializers.SerializerMethodField()

        class Meta:
            model = Enterprise
            fields = ["id", "label"]

        def get_label(self, obj):
            return obj.name

    class ThroughNullable(serializers.ModelSerializer):
        grid_name = serializers.CharField(source="grid.name")

        class Meta:
            model = Enterprise
            fields = ["id", "grid_name"]

    # (EnterpriseSerializer: its nested plate needs the values() prefix given in `nested`)
    for serializer_class in (WithMethod, ThroughNullable, EnterpriseSerializer):
        with pytest.raises(ImproperlyConfigured):
            ValuesRepresentation(serializer_class).columns  # noqa: B018 (compiles the plan)


# --- reference caches ------------------------------------------------------------------------


def test_region_paths_are_cached_and_new_regions_found_at_once(world, django_assert_num_queries):
    # given a township whose path was looked up once
    assert region_path(world.township_a.code) == world.township_a.path
    assert region_path_by_id(world.township_a.pk) == world.township_a.path
    # then it is not looked up again
    with django_assert_num_queries(0):
        assert region_path(world.township_a.code) == world.township_a.path
        assert region_path_by_id(world.township_a.pk) == world.township_a.path
    # and an unknown code is not remembered: once the region exists, it is found
    code = world.county_a.code[:6] + "777000"
    assert region_path(code) is None
    new = Region.objects.create(code=code, name="新镇", level=RegionLevel.TOWNSHIP, parent=world.county_a)
    assert region_path(code) == new.path == world.county_a.path + code


def test_saving_or_deleting_a_region_clears_the_cache(world, django_assert_num_queries):
    region = RegionFactory(level=RegionLevel.TOWNSHIP, parent=world.county_a)
    assert region_path(region.code) == region.path
    region.delete()
    assert region_path(region.code) is None
    region_path(world.township_a.code)
    world.township_a.save()  # a rename, say
    with django_assert_num_queries(1):
        region_path(world.township_a.code)


def test_industry_changes_reach_the_filter_and_the_scope(world, api):
    # given the taxonomy cached, and county A's construction officer scoped to industry 06
    officer = world.users[Role.INDUSTRY_OFFICER]
    before = industry_subtree_ids(["06"])
    assert before == {i.pk for i in Industry.objects.filter(code__startswith="06")}
    # when a new sub-sector of 06 is added in the admin and an enterprise registered in it
    sub = Industry.objects.create(code="069901", name="新建筑子行业", parent=industry("06"))
    ent = EnterpriseFactory(region=world.township_a, industry=sub)
    # then the filter and the officer's scope include it at once
    assert industry_subtree_ids(["06"]) == before | {sub.pk}
    assert sub.pk in scope_of(scoping_fresh(officer)).industry_ids
    ids = {r["id"] for r in act_as(api, officer).get(api_url("enterprise"), {"industry": "06"}).json()["results"]}
    assert ent.pk in ids
    # and when it is recoded out of 06, it leaves them at once
    sub.code = "079901"
    sub.save()
    assert sub.pk not in industry_subtree_ids(["06"]) and sub.pk in industry_subtree_ids(["07"])
    assert sub.pk not in scope_of(scoping_fresh(officer)).industry_ids


def test_bulk_changes_are_seen_after_the_ttl(world, monkeypatch):
    # given the taxonomy cached at t=0
    now = [1000.0]
    monkeypatch.setattr(scoping.INDUSTRIES, "clock", lambda: now[0])
    before = industry_subtree_ids(["0504"])
    # when a sub-sector is added without signals (bulk_create, another process)
    [sub] = Industry.objects.bulk_create([Industry(code="050499", name="批量子行业", parent=industry("0504"))])
    # then it is not seen before the TTL, and is after it
    now[0] += REFERENCE_TTL - 1
    assert industry_subtree_ids(["0504"]) == before
    now[0] += 2
    assert industry_subtree_ids(["0504"]) == before | {sub.pk}


def test_scope_resolution_reads_the_region_path_once_per_process(world, django_assert_num_queries):
    user = make_user(Role.REGULATOR, scope_region=world.county_a)
    scope_of(scoping_fresh(user))
    # a fresh user object (as per request): only its industries are read
    with django_assert_num_queries(1):
        scope = scope_of(scoping_fresh_no_query(user))
    assert scope.path == world.county_a.path and scope.industry_ids is None


def scoping_fresh_no_query(user):
    """A fresh user object built without a query (as the authentication hands it over)."""
    return type(user)(**{f.attname: getattr(user, f.attname) for f in type(user)._meta.concrete_fields})

"""No N+1: every list endpoint and page of the library runs the same number of queries with a
few rows as with many (each read as a fresh user object, after a warm-up request so
per-process caches are not counted)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, api_url
from anjian.standards import services
from anjian.standards.models import CriteriaDocument, MajorHazardCriterion

from .factories import make_checklist

pytestmark = pytest.mark.django_db

MAX_QUERIES = 8
MORE = 30


def add_checklists(world, n):
    crit = MajorHazardCriterion.objects.get(code="HC2017-01")
    for _ in range(n):
        make_checklist("0301", items=4, criterion=crit)


def add_criteria(world, n):
    doc = CriteriaDocument.objects.get(code="HOUSING-2022")
    for _ in range(n):
        services.create_criterion(actor=None, data={"document": doc, "code": f"QC-{doc.criteria.count()}",
                                                    "text": "情形", "section": "测试"})


def add_documents(world, n):
    from anjian.enterprises.models import Industry

    for i in range(n):
        services.create_criteria_document(actor=None, data={"code": f"QD-{i}", "title": "文件"},
                                          industries=list(Industry.objects.filter(code__in=["05", "0501"])))


CASES = [
    ("checklist", add_checklists),
    ("check-item", add_checklists),
    ("major-hazard-criterion", add_criteria),
    ("criteria-document", add_documents),
]


def read(api, world, url):
    act_as(api, world.users[Role.REGULATOR])
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, {"page_size": 500})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == response.json()["count"]  # every row is serialised
    return len(ctx), response.json()["count"]


@pytest.mark.parametrize(("endpoint", "add"), CASES, ids=[c[0] for c in CASES])
def test_api_list_queries_do_not_grow_with_rows(world, api, endpoint, add, django_assert_num_queries,
                                                django_assert_max_num_queries):
    # given the list as shipped (read once to warm up)
    url = api_url(endpoint)
    read(api, world, url)
    with django_assert_max_num_queries(MAX_QUERIES):
        small, count = read(api, world, url)
    # when many more rows are added
    add(world, MORE)
    act_as(api, world.users[Role.REGULATOR])
    # then reading it runs exactly as many queries
    with django_assert_num_queries(small):
        response = api.get(url, {"page_size": 500})
    assert response.json()["count"] > count


@pytest.mark.parametrize(("page", "add"), [("standards:list", add_checklists),
                                           ("standards:criteria", add_criteria)])
def test_page_queries_do_not_grow_with_rows(world, page, add, django_assert_num_queries,
                                            django_assert_max_num_queries):
    # given a list page of the library as shipped
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    url = reverse(page) + "?status=all"
    assert client.get(url).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(MAX_QUERIES + 6):
        assert client.get(url).status_code == 200
    # when many more rows are added, then the page runs exactly as many queries
    add(world, MORE)
    with django_assert_num_queries(len(ctx)):
        assert client.get(url).status_code == 200


def test_detail_page_queries_do_not_grow_with_items(world, django_assert_num_queries):
    # given a checklist with 3 items and one with 40, then their pages run as many queries
    client = Client()
    client.force_login(world.users[Role.ADMIN])
    small = make_checklist("0504", items=3, actor=world.users[Role.ADMIN])
    large = make_checklist("0504", items=40, actor=world.users[Role.ADMIN],
                           criterion=MajorHazardCriterion.objects.get(code="GM2023-JX01"))
    client.get(reverse("standards:detail", args=[small.pk]))  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("standards:detail", args=[small.pk])).status_code == 200
    with django_assert_num_queries(len(ctx)):
        assert client.get(reverse("standards:detail", args=[large.pk])).status_code == 200

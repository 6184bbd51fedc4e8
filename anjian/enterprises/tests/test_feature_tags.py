"""Feature tags (特征标签): a catalogue loaded by migrate and edited by administrators (never
deleted), given to enterprises in the form, the API, the import (a ``tags_changed`` event
records who changed what), shown on the enterprise page, filtered on in the list page and the
API (``?tag=``), exported, all without growing the list's queries."""

import io

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anjian.core.services import events_for
from anjian.enterprises import services
from anjian.enterprises.data.feature_tags import FEATURE_TAGS
from anjian.enterprises.exports import export_enterprises, filtered_enterprises
from anjian.enterprises.imports import import_enterprises, read_enterprise_rows
from anjian.enterprises.models import Enterprise, EnterpriseTag, FeatureTag
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, SupervisionFactory, industry
from anjian.portal.testing.mixins import act_as, api_url

from .test_exports import read
from .test_imports import code as credit_code
from .test_imports import row, xlsx

pytestmark = pytest.mark.django_db


def tag(code: str) -> FeatureTag:
    return FeatureTag.objects.get(code=code)


def give(enterprise, *codes, actor=None):
    services.set_tags(enterprise, [tag(c) for c in codes], actor=actor)


# --- the catalogue --------------------------------------------------------------------------------

def test_migrate_loads_the_five_tags_with_their_sources(world):
    assert list(FeatureTag.objects.values_list("name", flat=True)) == [
        "涉爆粉尘", "涉氨制冷", "有限空间作业", "危化品使用", "人员密集"]
    for t in FeatureTag.objects.all():
        assert t.source and t.description and t.is_active
    # the articles not checked against a stored copy of the text say so
    assert not tag("ammonia_refrigeration").source_confirmed and "待确认" in tag("ammonia_refrigeration").source
    assert tag("dust_explosion").source_confirmed and "应急管理部令第6号" in tag("dust_explosion").source
    assert len(FEATURE_TAGS) == FeatureTag.objects.count()


def test_administrators_edit_tags_but_never_delete_them(world, rf):
    model_admin = admin_site._registry[FeatureTag]
    request = rf.get("/")
    request.user = world.users[Role.ADMIN]
    assert model_admin.has_delete_permission(request, tag("crowded")) is False


def test_the_api_lists_the_catalogue(world, api):
    rows = act_as(api, world.users[Role.EXPERT]).get("/api/feature-tags/").json()
    assert [r["code"] for r in rows][:2] == ["dust_explosion", "ammonia_refrigeration"]
    assert set(rows[0]) == {"code", "name", "description", "source", "source_confirmed", "is_active"}


# --- giving tags ---------------------------------------------------------------------------------

def test_tags_are_given_and_taken_with_an_event(world):
    admin = world.users[Role.ADMIN]
    # when the regulator tags the machinery plant, then the change is one event naming the tags
    give(world.ent_a, "dust_explosion", "confined_space", actor=admin)
    assert [t.code for t in world.ent_a.tags.all()] == ["dust_explosion", "confined_space"]
    event = events_for(world.ent_a).get(action="tags_changed")
    assert event.data["added"] == ["涉爆粉尘", "有限空间作业"] and event.data["removed"] == []
    assert EnterpriseTag.objects.get(enterprise=world.ent_a, tag=tag("dust_explosion")).created_by == admin
    # when one is taken away and another given, then one more event says both
    give(world.ent_a, "confined_space", "crowded", actor=admin)
    latest = events_for(world.ent_a).filter(action="tags_changed").first()
    assert latest.data["added"] == ["人员密集"] and latest.data["removed"] == ["涉爆粉尘"]
    # giving the same tags again writes nothing
    give(world.ent_a, "confined_space", "crowded", actor=admin)
    assert events_for(world.ent_a).filter(action="tags_changed").count() == 2


def test_a_retired_tag_stays_but_cannot_be_given(world):
    admin = world.users[Role.ADMIN]
    give(world.ent_a, "crowded", actor=admin)
    FeatureTag.objects.filter(code="crowded").update(is_active=False)
    # kept on the enterprise that has it
    give(world.ent_a, "crowded", "confined_space", actor=admin)
    assert {t.code for t in world.ent_a.tags.all()} == {"crowded", "confined_space"}
    # refused for another, naming the field
    with pytest.raises(Exception) as exc:
        give(world.ent_a_construction, "crowded", actor=admin)
    assert "tags" in exc.value.message_dict and "人员密集" in exc.value.message_dict["tags"][0]


def test_the_form_gives_tags_and_the_page_shows_them(world):
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    url = f"/enterprises/{world.ent_a.pk}/edit/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "tags"}
    data["grid"] = world.grid_a.pk
    data["tags"] = [tag("ammonia_refrigeration").pk, tag("hazchem_use").pk]
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.context["form"].errors
    assert {t.code for t in world.ent_a.tags.all()} == {"ammonia_refrigeration", "hazchem_use"}
    # only the tags changed: no new field-history version, one event
    assert world.ent_a.history.count() == 1
    page = client.get(f"/enterprises/{world.ent_a.pk}/").content.decode()
    assert "涉氨制冷" in page and "危化品使用" in page


def test_the_api_gives_tags_by_code_and_the_enterprise_user_cannot(world, api):
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.patch(api_url("enterprise", world.ent_a.pk), {"tags": ["crowded", "dust_explosion"]},
                            format="json")
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["dust_explosion", "crowded"]  # in the catalogue's order
    assert client.patch(api_url("enterprise", world.ent_a.pk), {"tags": ["nonsense"]},
                        format="json").status_code == 400
    own = act_as(api, world.users[Role.ENTERPRISE]).patch(api_url("enterprise", world.ent_a.pk), {"tags": []},
                                                          format="json")
    assert own.status_code == 400 and "tags" in own.json()
    assert world.ent_a.tags.count() == 2


# --- filtering -----------------------------------------------------------------------------------

@pytest.fixture
def tagged(world):
    """County A: the machinery plant has dust and confined spaces, the construction company
    confined spaces; county B's chemicals plant has dust (out of county A's scope)."""
    admin = world.users[Role.ADMIN]
    give(world.ent_a, "dust_explosion", "confined_space", actor=admin)
    give(world.ent_a_construction, "confined_space", actor=admin)
    give(world.ent_b, "dust_explosion", actor=admin)


@pytest.mark.parametrize(("code", "expected"), [
    ("dust_explosion", {"甲机械有限公司"}),
    ("confined_space", {"甲机械有限公司", "甲建设有限公司"}),   # each listed once
    ("crowded", set()),
    ("no-such-tag", set()),
])
def test_the_api_filters_by_tag_within_the_scope(world, api, tagged, code, expected):
    page = act_as(api, world.users[Role.REGULATOR]).get(api_url("enterprise"), {"tag": code}).json()
    assert {r["name"] for r in page["results"]} == expected and page["count"] == len(expected)


def test_the_list_page_filters_by_tag_and_offers_the_tags(world, tagged):
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    response = client.get("/enterprises/", {"tag": "dust_explosion"})
    assert [e.name for e in response.context["page_obj"]] == ["甲机械有限公司"]
    html = response.content.decode()
    assert '<option value="dust_explosion" selected>涉爆粉尘</option>' in html
    # the export link keeps the filter, and the export holds the filtered rows with their tags
    assert "tag=dust_explosion" in html
    rows = read(export_enterprises(filtered_enterprises(world.users[Role.REGULATOR], {"tag": "confined_space"})))
    assert {r["企业名称"]: r["特征标签"] for r in rows} == {"甲机械有限公司": "涉爆粉尘、有限空间作业",
                                                         "甲建设有限公司": "有限空间作业"}


def test_the_tag_filter_runs_on_the_tag_index(world, tagged):
    # the filter is an EXISTS on the (enterprise, tag) / (tag, enterprise) keys, not a join
    qs = filtered_enterprises(world.users[Role.REGULATOR], {"tag": "confined_space"})
    sql = str(qs.query)
    assert "EXISTS" in sql and "enterprises_enterprisetag" in sql
    names = {i.name for i in EnterpriseTag._meta.indexes} | {c.name for c in EnterpriseTag._meta.constraints}
    assert names == {"ent_tag_tag_idx", "ent_tag_unique"}


def test_list_queries_do_not_grow_with_tagged_rows(world, api, tagged, django_assert_num_queries):
    user = world.users[Role.REGULATOR]
    act_as(api, user).get(api_url("enterprise"), {"tag": "confined_space"})
    act_as(api, user)
    with CaptureQueriesContext(connection) as ctx:
        api.get(api_url("enterprise"), {"tag": "confined_space", "page_size": 100})
    for i in range(30):
        ent = EnterpriseFactory(region=world.township_a, industry=industry("0504"))
        give(ent, "confined_space", *(["crowded"] if i % 2 else []))
        SupervisionFactory(enterprise=ent, department=world.dept_a)
    act_as(api, user)
    with django_assert_num_queries(len(ctx)):
        page = api.get(api_url("enterprise"), {"tag": "confined_space", "page_size": 100}).json()
    assert page["count"] == 32
    assert all("confined_space" in r["tags"] for r in page["results"])


# --- import and export ------------------------------------------------------------------------------

def test_import_gives_tags_by_name_or_code_and_refuses_unknown_ones(world):
    actor = world.users[Role.REGULATOR]
    ok = xlsx([row(name="甲冷库有限公司", region_code=world.township_a.code, tags="涉氨制冷、confined_space")])
    report = import_enterprises(ok, "e.xlsx", actor=actor)
    assert report.ok, report.as_dict()
    ent = Enterprise.objects.get(name="甲冷库有限公司")
    assert [t.code for t in ent.tags.all()] == ["ammonia_refrigeration", "confined_space"]
    assert EnterpriseTag.objects.filter(enterprise=ent, created_by=actor).count() == 2
    bad = xlsx([row(name="甲乙", credit_code=credit_code(900011), region_code=world.township_a.code,
                    tags="涉爆粉尘，会飞")])
    report = import_enterprises(bad, "e.xlsx", actor=actor)
    assert [(e.row, e.field, e.column) for e in report.errors] == [(2, "tags", "特征标签")]
    assert "会飞" in report.errors[0].message


def test_an_export_with_tags_imports_back(world, tagged):
    content = export_enterprises(filtered_enterprises(world.users[Role.REGULATOR], {}))
    rows = {r["credit_code"]: r for _n, r in read_enterprise_rows(io.BytesIO(content), "export.xlsx")}
    assert rows[world.ent_a.credit_code]["tags"] == "涉爆粉尘、有限空间作业"
    assert rows[world.ent_a.credit_code]["high_risk_basis"] == "按行业"

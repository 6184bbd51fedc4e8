"""The standards API: reference data every logged-in role reads in full (no jurisdiction),
paginated and filterable; writes only by system administrators, through the services
(deactivate instead of delete, new versions, nested items); import/export endpoints."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, api_url, assert_page_shape, get_page
from anjian.standards.imports import CHECKLIST_COLUMNS
from anjian.standards.models import CheckItem, Checklist, CriteriaDocument, MajorHazardCriterion

pytestmark = pytest.mark.django_db

ENDPOINTS = ["criteria-document", "major-hazard-criterion", "checklist", "check-item"]
NON_ADMINS = [a for a in ACTORS if a != Role.ADMIN]


def totals() -> dict[str, int]:
    return {
        "criteria-document": CriteriaDocument.objects.filter(is_active=True).count(),
        "major-hazard-criterion": MajorHazardCriterion.objects.filter(is_active=True).count(),
        "checklist": Checklist.objects.filter(is_active=True).count(),
        "check-item": CheckItem.objects.filter(is_active=True).count(),
    }


def xlsx(rows: list[dict]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in CHECKLIST_COLUMNS])
    for r in rows:
        ws.append([r.get(c.field) for c in CHECKLIST_COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "upload.xlsx"
    return buf


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_role_reads_the_whole_library(world, api, endpoint, who):
    # given a user of any role (reference data is not jurisdiction-scoped), when they read a list
    page = get_page(act_as(api, world.users[who]), api_url(endpoint), page_size=5)
    # then it is paginated and holds every active record
    assert_page_shape(page)
    assert page["count"] == totals()[endpoint] and len(page["results"]) == 5
    # and a detail reads back
    first = page["results"][0]["id"]
    assert api.get(api_url(endpoint, first)).status_code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_is_refused(api, db, endpoint):
    # given nobody logged in, when they read a list, then they must authenticate
    assert act_as(api, None).get(api_url(endpoint)).status_code == 401


def write_requests(world):
    """(method, url, data) of every kind of write, on shipped records."""
    checklist = Checklist.objects.get(code="CL-05")
    item = checklist.items.first()
    doc = CriteriaDocument.objects.get(code="HAZCHEM-2017")
    crit = doc.criteria.first()
    return [
        ("post", api_url("checklist"), {"code": "X-1", "name": "新表", "industry": "0504"}),
        ("patch", api_url("checklist", checklist.pk), {"name": "改名"}),
        ("delete", api_url("checklist", checklist.pk) + "?reason=test", None),
        ("post", api_url("checklist", checklist.pk, "new-version"), {"effective_from": "2030-01-01"}),
        ("post", api_url("check-item"), {"checklist": checklist.pk, "content": "新检查项"}),
        ("patch", api_url("check-item", item.pk), {"content": "改"}),
        ("post", api_url("criteria-document"), {"code": "X-DOC", "title": "新文件"}),
        ("patch", api_url("criteria-document", doc.pk), {"title": "改"}),
        ("patch", api_url("major-hazard-criterion", crit.pk), {"text": "改"}),
        ("post", api_url("major-hazard-criterion", crit.pk, "deactivate"), {"reason": "test"}),
    ]


@pytest.mark.parametrize("who", NON_ADMINS, ids=actor_id)
def test_writes_are_refused_for_everyone_but_system_administrators(world, api, who):
    # given a user who is not a system administrator
    client = act_as(api, world.users[who])
    before = (totals(), list(Checklist.objects.values_list("name", "effective_to", "is_active")))
    # when they try every kind of write, then each is refused and nothing changes
    for method, url, data in write_requests(world):
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 403, (method, url, response.content)
    upload = client.post("/api/checklists/import/", {"file": xlsx([{"checklist_code": "Z", "name": "Z",
                                                                    "content": "Z"}])}, format="multipart")
    assert upload.status_code == 403
    assert (totals(), list(Checklist.objects.values_list("name", "effective_to", "is_active"))) == before


def test_the_administrator_writes_through_the_services(world, api):
    client = act_as(api, world.users[Role.ADMIN])
    crit = MajorHazardCriterion.objects.get(code="GM2023-JX02")
    # when creating a checklist with nested items, then the item with a criterion is major
    response = client.post(api_url("checklist"), {
        "code": "X-1", "name": "铸造车间检查表", "industry": "0504", "effective_from": "2026-01-01",
        "items": [{"content": "熔炼炉应急设施", "criterion": crit.pk, "hazard_factor": "object"},
                  {"content": "作业人员培训"}],
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == "1" and body["status"] == "in_force"
    assert [(i["item_no"], i["is_major_criterion"], i["criterion_code"]) for i in body["items"]] == \
        [("1", True, "GM2023-JX02"), ("2", False, None)]
    pk = body["id"]
    # when starting a new version, then it answers the new version with copied items
    response = client.post(api_url("checklist", pk, "new-version"), {"effective_from": "2026-09-01",
                                                                    "note": "修订"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["version"] == "2" and len(response.json()["items"]) == 2
    assert client.get(api_url("checklist", pk)).json()["effective_to"] == "2026-08-31"
    versions = client.get(api_url("checklist", pk, "versions")).json()
    assert [v["version"] for v in versions] == ["1", "2"]
    # when a new version would start too early, then 400 names the field
    response = client.post(api_url("checklist", pk, "new-version"), {"effective_from": "2026-02-01"}, format="json")
    assert response.status_code == 400 and "effective_from" in response.json()
    # when deleting, then it is deactivated (kept, hidden from lists) and can be brought back
    assert client.delete(api_url("checklist", pk) + "?reason=误建").status_code == 204
    assert Checklist.objects.get(pk=pk).is_active is False
    codes = {r["id"] for r in get_page(client, api_url("checklist"), page_size=100)["results"]}
    assert pk not in codes
    assert pk in {r["id"] for r in get_page(client, api_url("checklist"), include_inactive="true",
                                            page_size=100)["results"]}
    assert client.get(api_url("checklist", pk)).status_code == 200  # the detail still opens
    response = client.post(api_url("checklist", pk, "activate"), {}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is True
    # and the timeline shows what was done
    actions = [e["action"] for e in client.get(api_url("checklist", pk, "events")).json()]
    assert actions == ["reactivated", "deactivated", "version_closed", "created"]
    # when deleting without a reason, then 400 names it
    assert "reason" in client.delete(api_url("checklist", pk)).json()


def test_check_items_and_criteria_are_edited_one_by_one(world, api):
    client = act_as(api, world.users[Role.ADMIN])
    checklist = Checklist.objects.get(code="CL-06")
    # when an item is added, then it goes to the end of the checklist
    response = client.post(api_url("check-item"), {"checklist": checklist.pk, "content": "塔吊防碰撞"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["sort"] > max(checklist.items.exclude(pk=response.json()["id"])
                                         .values_list("sort", flat=True))
    # when it would move to another checklist, then 400 names the field
    other = Checklist.objects.get(code="CL-07")
    response = client.patch(api_url("check-item", response.json()["id"]), {"checklist": other.pk}, format="json")
    assert response.status_code == 400 and "checklist" in response.json()
    # when a criterion is added to a document, then it applies to the sub-sector given
    doc = CriteriaDocument.objects.get(code="INDTRADE-2023")
    response = client.post(api_url("major-hazard-criterion"), {
        "document": doc.pk, "code": "GM2023-YS99", "section": "行业类·有色（第五条）", "article": "第五条第（九十九）项",
        "text": "示例", "industry": "0502", "is_confirmed": False}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["industry"] == "0502" and body["document_code"] == "INDTRADE-2023"
    assert body["industry_codes"] == ["0502"]
    assert body["citation"] == "来源：《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第五条第（九十九）项"


def test_filters(world, api):
    client = act_as(api, world.users[Role.REGULATOR])
    doc = CriteriaDocument.objects.get(code="HAZCHEM-2017")
    # criteria: by document, by industry (document applies + sub-sector), by text
    assert get_page(client, api_url("major-hazard-criterion"), document=doc.pk)["count"] == 20
    assert get_page(client, api_url("major-hazard-criterion"), document_code="COAL-2020")["count"] == 15
    # (工贸 2023: management 3 + building materials 8 + special fields 14 + general rule 1; and
    # the special-equipment rules, which apply in every industry: 47)
    assert get_page(client, api_url("major-hazard-criterion"), industry="0503")["count"] == 3 + 8 + 14 + 1 + 47
    assert get_page(client, api_url("major-hazard-criterion"), industry="0301")["count"] == 20 + 53 + 47
    assert get_page(client, api_url("major-hazard-criterion"), q="瓦斯")["count"] >= 2
    # documents: by industry (a parent's document applies to its sub-sectors; cross-industry ones everywhere)
    codes = {d["code"] for d in get_page(client, api_url("criteria-document"), industry="0201")["results"]}
    assert codes == {"NONCOAL-2022", "NONCOAL-2024-SUPP", "FIRE-GB35181-2025", "FIRE-GB35181-2017",
                     "SPECEQ-GB45067-2024"}
    # checklists: by industry (with parents), in force on a date, general ones
    assert [c["code"] for c in get_page(client, api_url("checklist"), industry="0301")["results"]] == ["CL-03"]
    assert get_page(client, api_url("checklist"), general="true")["results"][0]["code"] == "CL-GEN"
    assert get_page(client, api_url("checklist"), in_force="2026-01-01")["count"] == 21
    # check items: by checklist code and major flag
    assert get_page(client, api_url("check-item"), checklist_code="CL-03", is_major_criterion="true")["count"] == 12


def test_in_force_endpoint_falls_back_to_the_parent_and_to_general(world, api):
    client = act_as(api, world.users[Role.ENTERPRISE])
    url = "/api/checklists/in-force/"
    # an industry's sub-sector gets its parent's checklist, with items
    body = client.get(url, {"industry": "0302", "date": "2026-05-01"}).json()
    assert body["code"] == "CL-03" and len(body["items"]) == 14
    # no industry: the general checklist
    assert client.get(url).json()["code"] == "CL-GEN"
    # unknown industry: 404; a bad date: 400 naming it
    assert client.get(url, {"industry": "7777"}).status_code == 404
    assert "date" in client.get(url, {"industry": "03", "date": "soon"}).json()


def test_import_and_export_endpoints(world, api):
    admin = act_as(api, world.users[Role.ADMIN])
    # a good file is imported (201) and reported
    response = admin.post("/api/checklists/import/", {"file": xlsx([
        {"checklist_code": "API-1", "name": "接口导入", "content": "一"},
        {"checklist_code": "API-1", "content": "二"}])}, format="multipart")
    assert response.status_code == 201, response.content
    assert (response.json()["checklists"], response.json()["created"]) == (1, 2)
    # a bad one answers 400 with every error's row and column, and writes nothing
    response = admin.post("/api/checklists/import/", {"file": xlsx([{"checklist_code": "API-2", "content": "一"}])},
                          format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 2 and response.json()["errors"][0]["column"] == "检查表名称"
    assert not Checklist.objects.filter(code="API-2").exists()
    # no file: 400 naming it
    assert admin.post("/api/checklists/import/", {}, format="multipart").json()["errors"][0]["field"] == "file"
    # exports and the template are xlsx for any logged-in user
    reader = act_as(api, world.users[Role.EXPERT])
    for url in ("/api/checklists/export/?industry=05", "/api/checklists/import-template/",
                "/api/major-hazard-criteria/export/?industry=01"):
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url


def test_errors_follow_the_language(world, api):
    client = act_as(api, world.users[Role.GRID_OFFICER])
    # in English when asked for
    response = client.post(api_url("checklist"), {"code": "X"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only system administrators may change the inspection standards."
    # in Chinese by default
    response = client.post(api_url("checklist"), {"code": "X"}, format="json")
    assert response.json()["detail"] == "只有系统管理员可以修改排查标准。"


def test_status_is_computed_for_today(world, api):
    # given a checklist that starts in the future
    client = act_as(api, world.users[Role.ADMIN])
    start = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(api_url("checklist"), {"code": "FUT", "name": "未来表", "effective_from": start},
                           format="json")
    # then it is upcoming, and listed under status=upcoming only
    assert response.json()["status"] == "upcoming"
    assert [c["code"] for c in get_page(client, api_url("checklist"), status="upcoming")["results"]] == ["FUT"]

"""The standards pages: every role reads the list, a checklist, the criteria catalogue (in
Chinese by default, in English when asked); only system administrators open the import page
and make versions or deactivate; the pages' forms go through the services."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import ACTORS, actor_id
from anjian.standards.imports import CHECKLIST_COLUMNS
from anjian.standards.models import Checklist

pytestmark = pytest.mark.django_db

NON_ADMINS = [a for a in ACTORS if a != Role.ADMIN]


def login(world, who) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_every_role_reads_the_pages(world, who):
    client = login(world, who)
    checklist = Checklist.objects.get(code="CL-03")
    # the list: current versions, with their industry and major-item counts
    response = client.get(reverse("standards:list"))
    assert response.status_code == 200
    assert "危险化学品安全检查表" in response.content.decode()
    assert response.context["page_obj"].paginator.count == 21
    # a checklist: its items, their criteria and its versions
    response = client.get(reverse("standards:detail", args=[checklist.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "HC2017-05" in body and "检查项" in body and "现行" in body
    # the catalogue: every document, grouped by section, with certainty marks
    response = client.get(reverse("standards:criteria"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）" in body
    assert "专项类·有限空间（第十三条）" in body
    assert "两个独立来源核实" in body and "未收录该文件的条目" in body
    assert "来源：《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第十三条第（二）项" in body
    # and no research tag or internal source code shows
    for tag in ("[C2]", "[CODE]", "[C]", "资料 S", "仅见于公开代码转录", "safety-basis"):
        assert tag not in body, tag
    # and the admin-only actions are offered to administrators only
    assert ("新建版本" in client.get(reverse("standards:detail", args=[checklist.pk])).content.decode()) == \
        (who == Role.ADMIN)


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(reverse("standards:list"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", NON_ADMINS, ids=actor_id)
def test_changes_are_for_system_administrators_only(world, who):
    client = login(world, who)
    pk = Checklist.objects.get(code="CL-05").pk
    for name in ("standards:new_version", "standards:deactivate", "standards:activate"):
        assert client.get(reverse(name, args=[pk])).status_code == 403
        assert client.post(reverse(name, args=[pk]), {"effective_from": "2030-01-01", "reason": "x"}).status_code \
            == 403
    assert client.get(reverse("standards:import")).status_code == 403
    assert Checklist.objects.filter(code="CL-05").count() == 1 and Checklist.objects.get(pk=pk).is_active


def test_list_filters_and_versions(world):
    client = login(world, Role.REGULATOR)
    # by industry: a sub-sector finds its parent's checklist
    response = client.get(reverse("standards:list"), {"industry": "0503"})
    assert [c.code for c in response.context["page_obj"]] == ["CL-05"]
    # by text
    response = client.get(reverse("standards:list"), {"q": "燃气"})
    assert [c.code for c in response.context["page_obj"]] == ["CL-11"]
    # deactivated versions only when asked for
    Checklist.objects.filter(code="CL-13").update(is_active=False)
    assert "CL-13" not in {c.code for c in client.get(reverse("standards:list")).context["page_obj"]}
    response = client.get(reverse("standards:list"), {"status": "inactive"})
    assert [c.code for c in response.context["page_obj"]] == ["CL-13"]
    # and the export link carries the same filters
    assert "status=inactive" in response.context["export_query"]


def test_new_version_through_the_page(world):
    client = login(world, Role.ADMIN)
    old = Checklist.objects.get(code="CL-06")
    url = reverse("standards:new_version", args=[old.pk])
    # the form proposes the next version number
    assert client.get(url).context["form"].initial["version"] == "2"
    # a missing date is a 400 next to the field
    response = client.post(url, {"version": "2"})
    assert response.status_code == 400 and "effective_from" in response.context["form"].errors
    # a good one (starting next week) creates the version and opens it
    start = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(url, {"effective_from": start.isoformat(), "version": "2", "name": "", "note": "按新规修订"})
    new = Checklist.objects.get(code="CL-06", version="2")
    assert response.status_code == 302 and response["Location"] == reverse("standards:detail", args=[new.pk])
    assert new.items.count() == old.items.count()
    old.refresh_from_db()
    assert old.effective_to == start - datetime.timedelta(days=1)
    # a second one on an earlier date is refused next to the date
    response = client.post(url, {"effective_from": timezone.localdate().isoformat(), "version": "3"})
    assert response.status_code == 400 and "effective_from" in response.context["form"].errors
    # the old version's page lists both versions (the new one not yet in force), and its
    # timeline says it is superseded by the new one
    body = client.get(reverse("standards:detail", args=[old.pk])).content.decode()
    assert "尚未生效" in body and "由新版本替代" in body and reverse("standards:detail", args=[new.pk]) in body


def test_deactivate_and_reactivate_through_the_pages(world):
    client = login(world, Role.ADMIN)
    checklist = Checklist.objects.get(code="CL-14")
    # deactivating needs a reason
    response = client.post(reverse("standards:deactivate", args=[checklist.pk]), {"reason": ""})
    assert response.status_code == 400
    response = client.post(reverse("standards:deactivate", args=[checklist.pk]), {"reason": "本地不涉及渔业"})
    assert response.status_code == 302
    checklist.refresh_from_db()
    assert checklist.is_active is False
    body = client.get(reverse("standards:detail", args=[checklist.pk])).content.decode()
    assert "本地不涉及渔业" in body and "重新启用" in body
    # reactivating brings it back
    assert client.post(reverse("standards:activate", args=[checklist.pk]), {"reason": ""}).status_code == 302
    assert Checklist.objects.get(pk=checklist.pk).is_active


def upload(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in CHECKLIST_COLUMNS])
    for r in rows:
        ws.append([r.get(c.field) for c in CHECKLIST_COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "list.xlsx"
    return buf


def test_import_page(world):
    client = login(world, Role.ADMIN)
    url = reverse("standards:import")
    assert client.get(url).status_code == 200
    # a bad file: 400, the error table names row and column, nothing written
    response = client.post(url, {"file": upload([{"checklist_code": "P-1", "content": "一", "industry_code": "77"}])})
    assert response.status_code == 400
    body = response.content.decode()
    assert "未导入任何数据" in body and "行业代码 77 不存在。" in body and "检查表名称" in body
    assert not Checklist.objects.filter(code="P-1").exists()
    # a good file: the count of checklists and items
    response = client.post(url, {"file": upload([{"checklist_code": "P-1", "name": "页面导入", "content": "一"}])})
    assert response.status_code == 200
    assert "已从 list.xlsx 导入 1 个检查表，共 1 个检查项。" in response.content.decode()
    # no file
    assert client.post(url, {}).status_code == 400
    # the template downloads
    response = client.get(reverse("standards:import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_pages_in_english(world):
    client = login(world, Role.ADMIN)
    pk = Checklist.objects.get(code="CL-01").pk
    body = client.get(reverse("standards:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Inspection standards" in body and "Major-hazard items" in body and "no time limit" in body
    body = client.get(reverse("standards:detail", args=[pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Check items" in body and "Human factor" in body and "New version" in body
    body = client.get(reverse("standards:criteria"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Confirmed in two independent sources" in body and "whole document" in body
    # and Chinese by default
    body = client.get(reverse("standards:criteria")).content.decode()
    assert "两个独立来源核实" in body and "全文适用" in body


def test_catalogue_filters(world):
    client = login(world, Role.ENTERPRISE)
    url = reverse("standards:criteria")
    # by industry: documents that apply, criteria limited to the sub-sector
    response = client.get(url, {"industry": "0503"})
    docs = {d.code: d for d in response.context["documents"]}
    assert set(docs) == {"INDTRADE-2023", "INDTRADE-2017", "FIRE-GB35181-2025", "FIRE-GB35181-2017",
                         "SPECEQ-GB45067-2024"}
    assert docs["INDTRADE-2023"].shown == 3 + 8 + 14 + 1
    # by text: only documents with a match, the one in force before the one it replaced
    response = client.get(url, {"q": "冲击地压"})
    assert [d.code for d in response.context["documents"]] == ["COAL-2026", "COAL-2020"]
    # by document
    response = client.get(url, {"document": "ROAD-2023"})
    assert response.context["total"] == 6
    # an unknown value is ignored rather than an error page
    assert client.get(url, {"document": "NOPE"}).status_code == 200

"""Enforcement inspections over HTTP: the API (who may prepare one, the steps as routes, 409 on a
stale version, scoping: another county's officer gets 404 and counts zero), the pages (list with
filters and export, detail, the phone walk, steps) with bounded query counts, and the PDFs (each
document's Chinese title in its text, the font embedded)."""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anjian.enforcement import services
from anjian.enforcement.choices import DocumentKind, InspectionState
from anjian.enforcement.models import EnforcementDocument, EnforcementInspection
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_checklist
from anjian.portal.testing.mixins import ACTORS, act_as, actor_id, api_url, expect

from .factories_inspections import make_inspection, signature_png, walk

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _issued(world, n_found=1):
    """An inspection of ent_a, walked with ``n_found`` hazards, signed, documents issued."""
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer)
    walk(insp, officer, found=n_found)
    services.sign_inspection(insp, actor=officer, summary="现场检查结论")
    services.issue_documents(insp, actor=officer)
    return EnforcementInspection.objects.get(pk=insp.pk)


@pytest.mark.parametrize("who", ACTORS, ids=actor_id)
def test_who_may_prepare_an_inspection(world, api, who):
    # given a checklist and county A's bureau, when each actor prepares an inspection of ent_a
    checklist = make_checklist(2)
    client = act_as(api, world.users[who])
    response = client.post(api_url("enforcement-inspection"), {
        "department": world.dept_a.pk, "enterprise": world.ent_a.pk, "kind": "unannounced",
        "checklist": checklist.pk, "location": "车间"}, format="json")
    # then the bureau's officers and the admin may; the industry officer sees ent_a (0504) outside
    # its industries (06), so the enterprise is refused as unknown; the others have no right
    assert response.status_code == expect(403, admin=201, regulator=201, industry_officer=400,
                                          other_county=400)[who], response.content


def test_the_api_walks_an_inspection_to_its_documents(world, api):
    officer = world.users[Role.REGULATOR]
    client = act_as(api, officer)
    checklist = make_checklist(2)
    made = client.post(api_url("enforcement-inspection"), {
        "department": world.dept_a.pk, "enterprise": world.ent_a.pk, "kind": "unannounced",
        "checklist": checklist.pk}, format="json").json()
    pk = made["id"]
    assert made["available_actions"] == ["update", "start", "void"]
    r = client.post(api_url("enforcement-inspection", pk, "start"), {"version": made["version"]}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "on_site"
    body = r.json()
    items = body["items"]
    # a stale version is a conflict (409), and nothing changes
    r = client.post(api_url("enforcement-inspection", pk, "record-results"), {
        "version": made["version"], "results": [{"item": items[0]["id"], "result": "pass"}]}, format="json")
    assert r.status_code == 409
    r = client.post(api_url("enforcement-inspection", pk, "record-results"), {"version": body["version"], "results": [
        {"item": items[0]["id"], "result": "hazard_found", "note": "安全阀失效"},
        {"item": items[1]["id"], "result": "pass"}]}, format="json")
    assert r.status_code == 200, r.content
    r = client.post(api_url("enforcement-inspection", pk, "raise-hazard"), {
        "item": items[0]["id"], "deadline": (timezone.localdate() + datetime.timedelta(days=10)).isoformat()},
        format="json")
    assert r.status_code == 200 and r.json()["findings"][0]["hazard"]
    png = base64.b64encode(signature_png()).decode()
    for signer, extra in (("officer", {}), ("enterprise", {"name": "赵厂长"})):
        r = client.post(api_url("enforcement-inspection", pk, "add-signature"),
                        {"signer": signer, "signature": f"data:image/png;base64,{png}", **extra}, format="json")
        assert r.status_code == 200, r.content
    r = client.post(api_url("enforcement-inspection", pk, "sign"), {"summary": "发现一处隐患"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "signed"
    r = client.post(api_url("enforcement-inspection", pk, "issue"), {}, format="json")
    assert {d["kind"] for d in r.json()["documents"]} == {"record", "order"}
    # a step the state does not allow is a 400 naming the state
    r = client.post(api_url("enforcement-inspection", pk, "start"), {}, format="json")
    assert r.status_code == 400 and "state" in r.json()
    doc = r.json() if False else EnforcementDocument.objects.filter(inspection_id=pk, kind="order").get()
    r = client.get(api_url("enforcement-document", doc.pk, "pdf"))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_another_county_gets_404_and_counts_zero(world, api, client):
    insp = _issued(world)
    doc = insp.documents.first()
    other = world.users["other_county"]
    c = act_as(api, other)
    assert c.get(api_url("enforcement-inspection")).json()["count"] == 0
    assert c.get(api_url("enforcement-inspection", insp.pk)).status_code == 404
    assert c.post(api_url("enforcement-inspection", insp.pk, "close"), {}, format="json").status_code == 404
    assert c.get(api_url("enforcement-document")).json()["count"] == 0
    assert c.get(api_url("enforcement-document", doc.pk, "pdf")).status_code == 404
    # the enterprise reads its own inspection (a party to it), the grid officer nothing
    ent = act_as(api, world.users[Role.ENTERPRISE])
    assert ent.get(api_url("enforcement-inspection")).json()["count"] == 1
    assert ent.post(api_url("enforcement-inspection", insp.pk, "close"), {}, format="json").status_code == 403
    grid = act_as(api, world.users[Role.GRID_OFFICER])
    assert grid.get(api_url("enforcement-inspection")).json()["count"] == 0
    # and the pages alike
    client.force_login(other)
    assert client.get(reverse("enforcement:inspection", args=[insp.pk])).status_code == 404
    assert client.get(reverse("enforcement:inspection_document", args=[doc.pk])).status_code == 404
    page = client.get(reverse("enforcement:inspections"))
    assert page.context["counts"]["total"] == 0


def test_list_api_query_count_is_flat(world, api, django_assert_max_num_queries):
    officer = world.users[Role.REGULATOR]
    for _ in range(6):
        make_inspection(world, officer, items=1)
    client = act_as(api, officer)
    with django_assert_max_num_queries(8):
        body = client.get(api_url("enforcement-inspection")).json()
    assert body["count"] == 6


def test_the_pages(world, client, django_assert_max_num_queries):
    officer = world.users[Role.REGULATOR]
    client.force_login(officer)
    checklist = make_checklist(2)
    # prepare through the page
    response = client.post(reverse("enforcement:inspection_create"), {
        "department": world.dept_a.pk, "kind": "unannounced", "enterprise": world.ent_a.pk,
        "planned_on": timezone.localdate().isoformat(), "checklist": checklist.pk, "location": "仓库"})
    assert response.status_code == 302, response.context["form"].errors
    insp = EnforcementInspection.objects.get()
    for _ in range(4):
        make_inspection(world, officer, items=1)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("enforcement:inspections"), {"kind": "unannounced", "region": world.county_a.code})
    assert page.status_code == 200 and page.context["counts"]["total"] == 5
    export = client.get(reverse("enforcement:inspections"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    # start, then the walk
    r = client.post(reverse("enforcement:inspection_step", args=[insp.pk, "start"]), {"version": insp.version})
    assert r.status_code == 302 and r["Location"].endswith("/site/")
    insp.refresh_from_db()
    with django_assert_max_num_queries(25):
        walk_page = client.get(reverse("enforcement:inspection_walk", args=[insp.pk]))
    assert walk_page.status_code == 200
    items = list(insp.record.items.order_by("sort"))
    r = client.post(reverse("enforcement:inspection_results", args=[insp.pk]), {
        "version": insp.version, f"result-{items[0].pk}": "hazard_found", f"note-{items[0].pk}": "消防通道堵塞",
        f"result-{items[1].pk}": "pass"})
    assert r.status_code == 302
    insp.refresh_from_db()
    r = client.post(reverse("enforcement:inspection_finding", args=[insp.pk, items[0].pk, "violation"]),
                    {"version": insp.version, "violation": "占用消防通道", "legal_basis": "《消防法》第二十八条"})
    assert insp.findings.get().for_case
    png = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    insp.refresh_from_db()
    client.post(reverse("enforcement:inspection_signature", args=[insp.pk]),
                {"version": insp.version, "signer": "officer", "signature": png})
    insp.refresh_from_db()
    client.post(reverse("enforcement:inspection_signature", args=[insp.pk]),
                {"version": insp.version, "signer": "enterprise", "signature": png, "name": "钱经理"})
    insp.refresh_from_db()
    r = client.post(reverse("enforcement:inspection_step", args=[insp.pk, "sign"]),
                    {"version": insp.version, "summary": "占用消防通道，移交立案"})
    assert r.status_code == 302
    insp.refresh_from_db()
    assert insp.state == InspectionState.SIGNED
    with django_assert_max_num_queries(30):
        detail = client.get(reverse("enforcement:inspection", args=[insp.pk]))
    assert "占用消防通道" in detail.content.decode()
    # a stale version on a step page shows the conflict and changes nothing
    r = client.post(reverse("enforcement:inspection_step", args=[insp.pk, "issue"]), {"version": insp.version - 1})
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    # a step the user may not take is 403
    client.force_login(world.users[Role.COMMITTEE_OFFICE])
    assert client.get(reverse("enforcement:inspection_step", args=[insp.pk, "issue"])).status_code == 403


@pytest.mark.parametrize("kind,title", [(DocumentKind.RECORD, "现场检查记录"), (DocumentKind.ORDER, "责令限期整改指令书"),
                                        (DocumentKind.RECHECK, "整改复查意见书"),
                                        (DocumentKind.MEASURE, "强制措施决定书")])
def test_each_document_prints_with_its_title_and_number(world, clock, client, kind, title):
    clock("2026-03-10 09:00")
    officer = world.users[Role.REGULATOR]
    insp = _issued(world)
    if kind == DocumentKind.MEASURE:
        services.decide_measure(insp, actor=officer, kind="seal_seize", reason="违法储存危险化学品",
                                ends_on=D(2026, 3, 30), scope="3号仓库")
    if kind == DocumentKind.RECHECK:
        clock("2026-04-01 09:00")
        services.open_recheck(insp, actor=officer)
        services.recheck_inspection(insp, actor=officer, passed=False, opinion="尚未整改完毕",
                                    new_deadline=D(2026, 4, 15))
    doc = EnforcementDocument.objects.get(inspection=insp, kind=kind)
    client.force_login(officer)
    response = client.get(reverse("enforcement:inspection_document", args=[doc.pk]))
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert title in text and doc.number in text.replace("\n", "")
    assert world.ent_a.name in text

"""The credit API and pages: scoping (another county: 404 and empty lists), rights, the steps
through the API and the pages, exports, the PDF, and constant query counts on the lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from anjian.credit import services
from anjian.credit.models import Blacklisting, CreditRecord, JointNotice
from anjian.orgs.choices import Role

from .factories import kind, listing, notice, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world, clock):
    rec = record(world, world.ent_a, confirm=False)
    other = record(world, world.ent_b, actor=world.users["other_county"])
    found = listing(world, world.ent_a)
    draft = notice(world, found)
    services.refresh_grades()
    return rec, other, found, draft


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


LISTS = ["/api/credit-records/", "/api/credit-listings/", "/api/joint-notices/", "/api/enterprise-credits/"]


def test_another_county_sees_nothing(world, api, data):
    rec, other, found, draft = data
    api.force_authenticate(world.users["other_county"])
    assert api.get(f"/api/credit-records/{rec.pk}/").status_code == 404
    assert api.get(f"/api/credit-listings/{found.pk}/").status_code == 404
    assert api.get(f"/api/joint-notices/{draft.pk}/pdf/").status_code == 404
    assert api.post(f"/api/credit-records/{rec.pk}/confirm/", {}, format="json").status_code == 404
    assert [r["id"] for r in api.get("/api/credit-records/").json()["results"]] == [other.pk]
    assert api.get("/api/credit-listings/").json()["count"] == 0
    page = client_of(world.users["other_county"])
    assert page.get(reverse("credit:record", args=[rec.pk])).status_code == 404
    assert page.get(reverse("credit:listing", args=[found.pk])).status_code == 404
    assert page.get(reverse("credit:notice_pdf", args=[draft.pk])).status_code == 404


def test_the_enterprise_reads_its_own_and_writes_nothing(world, api, data):
    rec, other, found, draft = data
    api.force_authenticate(world.users[Role.ENTERPRISE])
    assert [r["id"] for r in api.get("/api/credit-records/").json()["results"]] == [rec.pk]
    assert api.get("/api/enterprise-credits/").json()["count"] == 1
    assert api.post(f"/api/credit-records/{rec.pk}/confirm/", {}, format="json").status_code == 403
    assert api.post("/api/credit-records/", {"enterprise": world.ent_a.pk}, format="json").status_code == 403


@pytest.mark.parametrize("url", LISTS)
def test_api_lists_run_a_constant_number_of_queries(world, api, data, url, django_assert_max_num_queries):
    api.force_authenticate(world.users[Role.REGULATOR])
    with django_assert_max_num_queries(12) as few:
        assert api.get(url).status_code == 200
    for _ in range(3):
        record(world, world.ent_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get(url).status_code == 200


def test_record_through_the_api(world, api, clock):
    api.force_authenticate(world.users[Role.REGULATOR])
    made = api.post("/api/credit-records/", {
        "enterprise": world.ent_a.pk, "kind": kind("commendation").pk, "occurred_on": "2026-03-01",
        "document": "甲政发〔2026〕3号", "summary": "安全生产先进单位"}, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "pending" and body["effective_points"] == 5 and "confirm" in body["available_actions"]
    stale = api.post(f"/api/credit-records/{body['id']}/confirm/", {"version": 9}, format="json")
    assert stale.status_code == 409
    done = api.post(f"/api/credit-records/{body['id']}/confirm/", {"version": 1}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "confirmed"
    grade = api.get(f"/api/enterprise-credits/?enterprise={world.ent_a.pk}").json()["results"][0]
    assert (grade["score"], grade["grade"], grade["green_channel"]) == (105, "A", True)
    missing = api.post("/api/credit-records/", {
        "enterprise": world.ent_a.pk, "kind": kind().pk, "occurred_on": "2026-03-01", "summary": "x"}, format="json")
    assert missing.status_code == 400 and "document" in missing.json()
    assert api.delete(f"/api/credit-records/{body['id']}/?reason=录入错误").status_code == 204
    assert CreditRecord.objects.get(pk=body["id"]).is_voided


def test_listing_and_notice_through_the_api(world, api, clock):
    api.force_authenticate(world.users[Role.REGULATOR])
    made = api.post("/api/credit-listings/", {"enterprise": world.ent_a.pk, "reason": "瞒报事故"}, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    decided = api.post(f"/api/credit-listings/{pk}/decide/", {"decision_number": "甲应急失信〔2026〕1号"},
                       format="json")
    assert decided.status_code == 200 and decided.json()["term_ends_on"] == "2029-03-10"
    assert api.post(f"/api/credit-listings/{pk}/repair/", {"reason": "x"}, format="json").status_code == 400
    published = api.post(f"/api/credit-listings/{pk}/publish/", {"publication": "信用中国"}, format="json")
    assert published.json()["published_on"] == "2026-03-10"
    n = api.post("/api/joint-notices/", {"listing": pk, "number": "甲应急联惩〔2026〕1号", "recipients": "区税务局",
                                         "measures": "加大执法检查频次"}, format="json")
    assert n.status_code == 201, n.content
    assert api.post(f"/api/joint-notices/{n.json()['id']}/issue/", {}, format="json").json()["state"] == "issued"
    pdf = api.get(f"/api/joint-notices/{n.json()['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = api.get("/api/credit-listings/export/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert api.get(f"/api/credit-listings/{pk}/events/").status_code == 200
    assert api.get(f"/api/credit-listings/{pk}/history/").status_code == 200


def test_pages_for_the_regulator(world, data, django_assert_max_num_queries):
    rec, other, found, draft = data
    c = client_of(world.users[Role.REGULATOR])
    for name in ("enterprises", "records", "listings", "scheme", "record_create", "listing_create"):
        assert c.get(reverse(f"credit:{name}")).status_code == 200, name
    for name in ("enterprise_export", "record_export", "listing_export"):
        resp = c.get(reverse(f"credit:{name}"))
        assert resp.status_code == 200 and resp.content[:2] == b"PK", name
    detail = c.get(reverse("credit:record", args=[rec.pk]))
    assert detail.status_code == 200 and "确认" in detail.content.decode()
    assert c.get(reverse("credit:listing", args=[found.pk])).status_code == 200
    assert c.get(reverse("credit:notice_create", args=[found.pk])).status_code == 200
    resp = c.post(reverse("credit:record_step", args=[rec.pk]), {"action": "confirm", "version": rec.version})
    assert resp.status_code == 302 and CreditRecord.objects.get(pk=rec.pk).state == "confirmed"
    resp = c.post(reverse("credit:notice_step", args=[draft.pk]), {"action": "issue", "version": draft.version})
    assert JointNotice.objects.get(pk=draft.pk).state == "issued"
    resp = c.post(reverse("credit:listing_step", args=[found.pk]), {"action": "publish", "publication": "信用中国",
                                                                   "version": found.version})
    assert Blacklisting.objects.get(pk=found.pk).published_on is not None
    with django_assert_max_num_queries(25) as few:
        c.get(reverse("credit:records"))
    for _ in range(5):
        record(world, world.ent_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(reverse("credit:records"))


def test_page_writes_need_the_right(world, data):
    rec, other, found, draft = data
    c = client_of(world.users[Role.ENTERPRISE])
    assert c.get(reverse("credit:record_create")).status_code == 403
    assert c.post(reverse("credit:record_step", args=[rec.pk]), {"action": "confirm"}).status_code == 403
    assert c.get(reverse("credit:records")).status_code == 200


def test_page_form_enters_a_record(world, clock):
    c = client_of(world.users[Role.REGULATOR])
    resp = c.post(reverse("credit:record_create"), {
        "enterprise": world.ent_a.pk, "kind": kind("other_bad").pk, "occurred_on": "2026-03-01",
        "source_type": "manual", "document": "甲应急信〔2026〕9号", "summary": "未按规定开展隐患排查"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert CreditRecord.objects.filter(enterprise=world.ent_a, document="甲应急信〔2026〕9号").exists()

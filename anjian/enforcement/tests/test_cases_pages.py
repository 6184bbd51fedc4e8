"""Cases on the pages and the API: scoping (404 for another county, zero in its counts), 409 on a
stale version, the public page showing only public fields, the PDF, the export, the warnings and
the query counts of the lists."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anjian.core.indicators import Period, Subject, evaluate
from anjian.enforcement import services
from anjian.enforcement.models import Violation
from anjian.orgs.choices import Role

from .factories import make_case

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def _decided(world, clock, *, person="张三"):
    reg = world.users[Role.REGULATOR]
    clock("2026-03-02 09:00")
    case = services.file_case(make_case(world), actor=reg)
    services.add_party(case, actor=reg, kind="person", name=person, post="主要负责人")
    case.refresh_from_db()
    services.set_violations(case, actor=reg, items=[{"violation": Violation.objects.get(code="SCF-099-1"),
                                                     "tier": "general", "fine": 25_000}])
    case = services.notify_case(case, actor=reg)
    clock("2026-03-09 09:00")
    return services.decide_case(case, actor=reg, decision_text="罚款二万五千元",
                                public_summary="未在危险场所设置安全警示标志，罚款二万五千元")


def test_another_county_gets_404_and_counts_zero(world, clock):
    case = _decided(world, clock)
    other = world.users["other_county"]
    # given county B's regulator, then the page, the PDF and the API answer 404
    for url in (reverse("enforcement:case", args=[case.pk]), reverse("enforcement:case_pdf", args=[case.pk])):
        assert _client(other).get(url).status_code == 404
    assert _api(other).get(f"/api/enforcement-cases/{case.pk}/").status_code == 404
    assert _api(other).get("/api/enforcement-cases/").json()["count"] == 0
    assert "0" in _client(other).get(reverse("enforcement:cases")).content.decode()
    # and the indicators count nothing for county B's viewer, one penalty for county A's
    subject = Subject.for_region(code=world.county_a.code, name="甲区", path=world.county_a.path)
    period = Period.year(2026, datetime.date(2026, 3, 9))
    mine = evaluate(["penalty_count", "penalty_amount", "pre_accident_case_rate"], world.users[Role.REGULATOR],
                    [subject], period)
    theirs = evaluate(["penalty_count"], other, [subject], period)
    assert mine["penalty_count"][subject.key].value == 1 and mine["penalty_amount"][subject.key].value == 25_000
    assert mine["pre_accident_case_rate"][subject.key].value == 100
    assert theirs["penalty_count"][subject.key].value == 0


def test_the_pdf_and_the_public_page_show_only_public_fields(world, clock):
    case = _decided(world, clock, person="李秘密")
    reg = world.users[Role.REGULATOR]
    pdf = _client(reg).get(reverse("enforcement:case_pdf", args=[case.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    public = Client().get(reverse("enforcement:public_decisions")).content.decode()
    assert case.enterprise.name not in public  # not published yet
    services.publish_case(case, actor=reg)
    public = Client().get(reverse("enforcement:public_decisions")).content.decode()
    # then anyone sees the enterprise, the decision number and the summary
    assert case.enterprise.name in public and "未在危险场所设置安全警示标志" in public
    # and never a person of the enterprise, the facts or the decision's full text
    assert "李秘密" not in public and "罚款二万五千元" not in public.replace("罚款二万五千元", "", 1) or True
    assert "李秘密" not in public and case.decision_text not in public.replace(case.public_summary, "")


def test_a_stale_version_is_409_in_the_api(world):
    case = make_case(world)
    api = _api(world.users[Role.REGULATOR])
    assert api.post(f"/api/enforcement-cases/{case.pk}/file/", {"version": case.version}, format="json"
                    ).status_code == 200
    stale = api.post(f"/api/enforcement-cases/{case.pk}/decline/", {"version": case.version, "reason": "重复"},
                     format="json")
    assert stale.status_code == 409 and stale.json()["current_state"] == "investigating"


def test_the_detail_offers_exactly_the_available_steps(world):
    case = make_case(world)
    page = _client(world.users[Role.REGULATOR]).get(reverse("enforcement:case", args=[case.pk])).content.decode()
    for step in ("file", "decline", "transfer", "void"):
        assert f'data-action="{step}"' in page
    assert 'data-action="decide"' not in page
    detail = _api(world.users[Role.ENTERPRISE]).get(f"/api/enforcement-cases/{case.pk}/").json()
    assert detail["available_actions"] == []


def test_the_lists_and_the_export_run_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(6):
        make_case(world, title=f"案件{i}")
    reg = world.users[Role.REGULATOR]
    client, api = _client(reg), _api(reg)
    client.get(reverse("enforcement:cases"))  # warm the per-process caches
    with django_assert_max_num_queries(14):
        assert client.get(reverse("enforcement:cases") + "?state=pending").status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get("/api/enforcement-cases/?state=pending").json()["count"] == 6
    resp = client.get(reverse("enforcement:case_export"))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_decision_deadline_warns_before_and_after(world, clock):
    from anjian.alerts.engine import get_rule

    reg = world.users[Role.REGULATOR]
    clock("2026-03-02 09:00")
    case = services.file_case(make_case(world), actor=reg)  # decide by 31 May
    soon, late = get_rule("enforcement_case_decision_soon"), get_rule("enforcement_case_decision_overdue")
    from django.utils import timezone

    # 16 days before: nothing; 15 days before: the warning; the day after: severe
    clock("2026-05-15 09:00")
    assert not soon.matches(timezone.now()).filter(pk=case.pk).exists()
    clock("2026-05-16 09:00")
    assert soon.matches(timezone.now()).filter(pk=case.pk).exists()
    clock("2026-05-31 18:00")
    assert not late.matches(timezone.now()).filter(pk=case.pk).exists()
    clock("2026-06-01 09:00")
    assert late.matches(timezone.now()).filter(pk=case.pk).exists()
    # and the filing rule sees a clue past its filing date
    pending = make_case(world, discovered_on=datetime.date(2026, 5, 1))
    assert get_rule("enforcement_case_filing_overdue").matches(timezone.now()).filter(pk=pending.pk).exists()


def test_admonitions_are_recorded_issued_and_counted(world, clock):
    from django.core.files.uploadedfile import SimpleUploadedFile

    reg = world.users[Role.REGULATOR]
    clock("2026-03-02 09:00")
    doc = SimpleUploadedFile("约谈纪要.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    adm = services.create_admonition(actor=reg, department=world.dept_a, data={
        "kind": "summons", "enterprise": world.ent_a, "title": "约谈甲机械主要负责人", "held_on": datetime.date(2026, 3, 2)},
        files=[doc])
    adm = services.issue_admonition(adm, actor=reg)
    assert adm.state == "issued"
    subject = Subject.for_region(code=world.county_a.code, name="甲区", path=world.county_a.path)
    values = evaluate(["summons_count", "circular_count"], reg, [subject], Period.year(2026, datetime.date(2026, 3, 2)))
    assert values["summons_count"][subject.key].value == 1 and values["circular_count"][subject.key].value == 0
    assert _client(world.users["other_county"]).get(reverse("enforcement:admonition", args=[adm.pk])).status_code == 404

"""The emergency API and pages: a plan filed and returned through the API (rights per step, 404 for
another county), a drill problem becoming a hazard in one step, scoping of the enterprise's and
the region's records, the printed card whose QR code opens its public page, and lists that run
a constant number of queries."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageChops
from pypdf import PdfReader

from anjian.core.pdf import qr_png
from anjian.core.services import ConflictError
from anjian.emergency import services
from anjian.emergency.models import EmergencyPlan
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role

from .factories import actor, card, document, held_drill, log_entry, plan, shift, supply

pytestmark = pytest.mark.django_db
PLANS = "/api/emergency/plans/"


def test_a_plan_is_filed_returned_and_filed_again_through_the_api(world, clock, api):
    ent_user, regulator = actor(world, Role.ENTERPRISE), actor(world)
    # given the enterprise enters its plan with the document and publishes it
    api.force_authenticate(ent_user)
    r = api.post(PLANS, {"enterprise": world.ent_a.pk, "kind": "special", "title": "危化品泄漏专项应急预案",
                         "files": [document()]}, format="multipart")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert api.post(f"{PLANS}{pk}/publish/", {"approved_by_name": "张厂长"}).json()["state"] == "published"
    assert api.post(f"{PLANS}{pk}/submit/", {}).json()["state"] == "submitted"
    # the enterprise cannot accept its own filing; another county's regulator does not find it
    assert api.post(f"{PLANS}{pk}/accept/", {"filing_number": "x"}).status_code == 403
    api.force_authenticate(world.users["other_county"])
    assert api.post(f"{PLANS}{pk}/return/", {"reason": "缺材料"}).status_code == 404
    # when the regulator returns it with the reasons
    api.force_authenticate(regulator)
    r = api.post(f"{PLANS}{pk}/return/", {"reason": "缺少评审意见和风险评估报告"})
    assert r.json()["state"] == "returned" and r.json()["return_reason"] == "缺少评审意见和风险评估报告"
    assert api.post(f"{PLANS}{pk}/accept/", {"filing_number": "x"}).status_code == 400  # not submitted now
    # then the enterprise submits it again and the regulator files it with its number
    api.force_authenticate(ent_user)
    assert "submit" in api.get(f"{PLANS}{pk}/").json()["available_actions"]
    api.post(f"{PLANS}{pk}/submit/", {})
    api.force_authenticate(regulator)
    r = api.post(f"{PLANS}{pk}/accept/", {"filing_number": "甲应急备〔2026〕7号"})
    assert r.json()["state"] == "filed" and r.json()["return_reason"] == ""
    events = [e["action"] for e in api.get(f"{PLANS}{pk}/events/").json()]
    assert events[:3] == ["emergency_plan_accepted", "emergency_plan_submitted", "emergency_plan_returned"]
    # a stale version is a conflict
    assert api.post(f"{PLANS}{pk}/revise/", {"version": 1}).status_code == 409


def test_a_plan_cannot_be_published_without_its_document(world, clock, api):
    api.force_authenticate(actor(world, Role.ENTERPRISE))
    pk = api.post(PLANS, {"enterprise": world.ent_a.pk, "kind": "comprehensive", "title": "综合预案"}).json()["id"]
    r = api.post(f"{PLANS}{pk}/publish/", {"approved_by_name": "张厂长"})
    assert r.status_code == 400 and "files" in r.json()


def test_a_drill_problem_becomes_a_hazard_in_one_step(world, clock):
    regulator = actor(world)
    found = plan(world, world.ent_a)
    drill = held_drill(world, world.ent_a, plan_=found)
    # given a problem that needs the plan revised: the plan's revision is required from the drill
    problem = services.add_problem(drill, actor=regulator, description="应急广播在仓库区听不清", needs_revision=True)
    assert EmergencyPlan.objects.get(pk=found.pk).revision_trigger == "drill"
    # when it is raised as a hazard from the drill's page
    client = Client()
    client.force_login(regulator)
    drill.refresh_from_db()
    r = client.post(reverse("emergency:drill_step", args=[drill.pk]), {
        "action": "raise_hazard", "problem": problem.pk, "day": "2026-04-10", "version": drill.version})
    assert r.status_code == 302
    # then the hazard ledger holds it, of the enterprise, linked to the problem; a second raise conflicts
    problem.refresh_from_db()
    hazard = Hazard.objects.get(pk=problem.hazard_id)
    assert hazard.enterprise_id == world.ent_a.pk and "应急广播" in hazard.description
    assert str(hazard.deadline) == "2026-04-10"
    with pytest.raises(ConflictError):
        services.raise_problem_hazard(problem, actor=regulator, deadline=hazard.deadline)
    assert hazard.number in client.get(reverse("emergency:drill", args=[drill.pk])).content.decode()


def test_scoping_of_enterprise_and_regional_records(world, clock, api):
    ent_line = supply(world, world.ent_a)
    regional = supply(world, region=world.county_a)
    shift(world)
    log_entry(world)
    # the enterprise user sees its own line, not the region's, and no duty record
    api.force_authenticate(actor(world, Role.ENTERPRISE))
    assert [r["id"] for r in api.get("/api/emergency/supplies/").json()["results"]] == [ent_line.pk]
    assert api.get("/api/emergency/duty-log/").json()["results"] == []
    assert api.get(f"/api/emergency/supplies/{regional.pk}/").status_code == 404
    # the enterprise cannot enter a regional resource; the county's regulator reads both
    r = api.post("/api/emergency/teams/", {"region": world.county_a.pk, "name": "救援队", "kind": "full_time",
                                           "leader": "赵", "phone": "119"})
    assert r.status_code in (400, 403)
    api.force_authenticate(actor(world))
    assert {r["id"] for r in api.get("/api/emergency/supplies/").json()["results"]} == {ent_line.pk, regional.pk}
    api.force_authenticate(world.users["other_county"])
    assert api.get("/api/emergency/supplies/").json()["results"] == []


def test_the_printed_cards_qr_code_opens_its_public_page(world, clock):
    found = card(world, world.ent_a)
    client = Client()
    client.force_login(actor(world, Role.ENTERPRISE))
    r = client.get(reverse("emergency:card_pdf", args=[found.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(r.content)).pages[0]
    url = "http://testserver" + reverse("emergency:card_public", args=[found.card_token])
    assert "应急处置卡" in page.extract_text() and "切断电源" in page.extract_text()
    # the card's only image is the QR code of the public address, module for module
    (printed,) = page.images
    expected = Image.open(qr_png(url)).convert("1")
    assert ImageChops.difference(printed.image.convert("1").resize(expected.size), expected).getbbox() is None
    # which anyone opens without logging in, showing the card's public fields only
    public = Client().get(url.removeprefix("http://testserver"))
    assert public.status_code == 200 and "心肺复苏" in public.content.decode()
    assert "region_path" not in public.content.decode() and public["X-Robots-Tag"] == "noindex"
    # a renewed token retires the printed code
    services.renew_card_token(found, actor=actor(world))
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404


@pytest.mark.parametrize("url", ["/api/emergency/plans/", "/api/emergency/drills/", "/api/emergency/supplies/"])
def test_lists_run_a_constant_number_of_queries(world, clock, api, url, django_assert_max_num_queries):
    for _ in range(3):
        held_drill(world, world.ent_a, plan_=plan(world, world.ent_a))
        supply(world, world.ent_a)
    api.force_authenticate(actor(world))
    with django_assert_max_num_queries(8):
        assert api.get(url).status_code == 200

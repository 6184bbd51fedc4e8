"""The occupational records' steps through the API and the pages: a declaration accepted or
returned by the regulator (and refused to the enterprise), an exceedance raised as a hazard in one
step (once), scoping (another county's regulator gets 404), the list's query count, the file's
section."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from anjian.hazards.models import Hazard
from anjian.occupational.models import Declaration, DetectionResult
from anjian.orgs.choices import Role

from .factories import declaration, detection, exposure, factor, result


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_declaration_is_returned_corrected_resubmitted_and_accepted(world):
    ent_user, regulator = world.users[Role.ENTERPRISE], world.users[Role.REGULATOR]
    # given the enterprise submits its first declaration through the API
    created = api(ent_user).post("/api/occupational/declarations/", {
        "enterprise": world.ent_a.pk, "kind": "initial", "hazard_level": "serious", "principal": "张经理",
        "declared_on": timezone.localdate().isoformat(), "exposed_workers": 30, "content": "打磨车间：矽尘"},
        format="json")
    assert created.status_code == 201, created.content
    pk, url = created.data["id"], f"/api/occupational/declarations/{created.data['id']}/"
    assert created.data["state"] == "submitted" and "accept" not in created.data["available_actions"]
    # when the enterprise tries to accept it itself: 403 (its role lacks the right)
    assert api(ent_user).post(url + "accept/", {}, format="json").status_code == 403
    # and another county's regulator does not find it
    assert api(world.users["other_county"]).post(url + "return/", {"reason": "x"}, format="json").status_code == 404
    # when county A's regulator returns it without a reason: 400 naming the field; with one: returned
    assert "reason" in api(regulator).post(url + "return/", {}, format="json").data
    returned = api(regulator).post(url + "return/", {"reason": "接触人数有误", "version": 1}, format="json")
    assert returned.status_code == 200 and returned.data["state"] == "returned"
    # then a stale version conflicts, the enterprise corrects and resubmits, and the regulator accepts
    assert api(ent_user).patch(url, {"exposed_workers": 32, "version": 1}, format="json").status_code == 409
    assert api(ent_user).patch(url, {"exposed_workers": 32, "version": 2}, format="json").status_code == 200
    assert api(ent_user).post(url + "resubmit/", {}, format="json").data["state"] == "submitted"
    accepted = api(regulator).post(url + "accept/", {"receipt_number": "甲卫职申〔2026〕8号"}, format="json")
    assert accepted.data["state"] == "accepted" and accepted.data["receipt_number"] == "甲卫职申〔2026〕8号"
    decl = Declaration.objects.get(pk=pk)
    assert decl.exposed_workers == 32 and decl.decided_by == regulator and decl.return_reason == ""
    events = api(regulator).get(url + "events/").data
    assert [e["action"] for e in reversed(events)] == [
        "occ_declaration_submitted", "occ_declaration_returned", "updated", "occ_declaration_submitted",
        "occ_declaration_accepted"]


def test_an_exceedance_becomes_a_hazard_in_one_step_and_only_once(world):
    regulator = world.users[Role.REGULATOR]
    # given a detection with a point over the limit (92 > 85 dB(A)) and one within (85 = 85 passes)
    det = detection(world, world.ent_a)
    over = result(world, det)
    within = result(world, det, measured="85")
    assert (over.result, within.result) == ("exceed", "pass")
    # when the regulator raises the within-limit point: refused; the exceedance from the page: a hazard
    client = Client()
    client.force_login(regulator)
    step = f"/occupational/detections/{det.pk}/step/"
    client.post(step, {"action": "raise_hazard", "result": within.pk})
    assert not Hazard.objects.exists()
    det.refresh_from_db()
    response = client.post(step, {"action": "raise_hazard", "result": over.pk, "version": det.version})
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hazards/{hazard.pk}/"
    # then the hazard carries the enterprise, the point and the figures, and the result links to it
    assert hazard.enterprise == world.ent_a and hazard.location == "冲压工岗位"
    assert "92" in hazard.description and "85" in hazard.description and hazard.state == "reported"
    assert DetectionResult.objects.get(pk=over.pk).hazard == hazard
    # and a second raise through the API is a conflict
    again = api(regulator).post(f"/api/occupational/detection-results/{over.pk}/raise-hazard/", {}, format="json")
    assert again.status_code == 409 and Hazard.objects.count() == 1


def test_lists_are_scoped_and_cost_the_same_queries_whatever_the_rows(world, django_assert_max_num_queries):
    # given exposures of county A's two enterprises and one of county B
    for ent in (world.ent_a, world.ent_a_construction, world.ent_b):
        exposure(world, ent, actor=world.users[Role.ADMIN])
    # then each regulator sees its county's, the enterprise user its own
    rows = api(world.users[Role.REGULATOR]).get("/api/occupational/exposures/").data["results"]
    assert {r["enterprise"] for r in rows} == {world.ent_a.pk, world.ent_a_construction.pk}
    assert [r["enterprise"] for r in api(world.users[Role.ENTERPRISE]).get(
        "/api/occupational/exposures/").data["results"]] == [world.ent_a.pk]
    # and the list page of 2 rows and of 12 rows runs the same number of queries
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    assert client.get("/occupational/exposures/").status_code == 200
    with django_assert_max_num_queries(40) as few:
        client.get("/occupational/exposures/")
    for _ in range(10):
        exposure(world, world.ent_a, code="D01")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/occupational/exposures/")
    assert page.context["page_obj"].paginator.count == 12


@pytest.mark.parametrize("role", [Role.COMMITTEE_OFFICE, Role.EXPERT])
def test_read_only_roles_get_403_on_writes(world, role):
    # given a read-only role of county A
    created = api(world.users[role]).post("/api/occupational/exposures/", {
        "enterprise": world.ent_a.pk, "workplace": "a", "post": "b", "factor": factor().pk, "exposed_workers": 1},
        format="json")
    # then it is refused by its role, not by its data
    assert created.status_code == 403


def test_the_enterprise_file_shows_the_level_cadence_and_declaration(world):
    ent = world.ent_a
    exposure(world, ent, workers=20)
    declaration(world, ent, level="serious", accept=True)
    detection(world, ent)
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    response = client.get(f"/enterprises/{ent.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    section = next(s for s in response.context["sections"] if s.code == "occupational")
    values = {str(f.label): f.value for f in section.content.figures}
    assert values["接害人数"] == 20 and values["危害程度"] == "职业病危害严重"
    texts = [i.text for i in section.content.items]
    assert "定期检测" in texts and "现状评价" in texts  # serious: both cadences shown

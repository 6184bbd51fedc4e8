"""The assessment API: the indicator declarations, a unit's figures, the breakdown by region, the
records behind a figure (paginated, exactly the records), the dashboard; agreements, rounds and
assessments with their steps (403 for a role that may not, 404 out of scope, 409 on a stale
version, 400 naming the field); bounded queries on the lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.assessment import services
from anjian.assessment.models import Assessment
from anjian.hazards.choices import HazardState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard
from anjian.portal.testing.mixins import act_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world, clock):
    admin = world.users[Role.ADMIN]
    made = [make_hazard(world.ent_a, admin) for _ in range(4)]
    Hazard.objects.filter(pk__in=[made[0].pk, made[1].pk, made[2].pk]).update(
        state=HazardState.CLOSED, accepted_at=timezone.now())
    return made


def test_declarations_and_values(api, world, ledger):
    act_as(api, world.users[Role.REGULATOR])
    declared = {d["code"]: d for d in api.get("/api/indicators/").json()}
    assert declared["hazard_rectification_rate"]["direction"] == "higher"
    assert [p["code"] for p in declared["hazard_rectification_rate"]["parts"]] == ["missing", "counted"]
    body = api.get("/api/indicators/values/").json()
    rows = {r["indicator"]: r for r in body["rows"]}
    assert body["unit"]["key"] == world.county_a.code
    assert (rows["hazard_rectification_rate"]["value"], rows["hazard_rectification_rate"]["numerator"],
            rows["hazard_rectification_rate"]["denominator"]) == (75.0, 3, 4)
    assert rows["hazard_rectification_rate"]["target"] == 100.0 and rows["hazard_rectification_rate"]["met"] is False


def test_breakdown_and_records(api, world, ledger, django_assert_max_num_queries):
    act_as(api, world.users[Role.REGULATOR])
    body = api.get("/api/indicators/breakdown/", {"indicator": "hazard_rectification_rate"}).json()
    assert [r["code"] for r in body["regions"]] == [world.township_a.code]
    assert body["regions"][0]["numerator"] == 3
    page = api.get("/api/indicators/records/", {"indicator": "hazard_rectification_rate", "part": "missing"}).json()
    assert page["count"] == 1 and page["results"][0]["id"] == ledger[3].pk
    assert page["results"][0]["fields"]["state"] == "已上报" and page["results"][0]["url"].endswith(f"/{ledger[3].pk}/")
    page = api.get("/api/indicators/records/", {"indicator": "hazard_rectification_rate", "part": "counted",
                                                "page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    with django_assert_max_num_queries(10):
        api.get("/api/indicators/records/", {"indicator": "hazard_rectification_rate", "part": "counted"})


def test_bad_input_is_a_400_naming_it_and_out_of_scope_is_404(api, world, ledger):
    act_as(api, world.users[Role.REGULATOR])
    response = api.get("/api/indicators/values/", {"year": "next"})
    assert response.status_code == 400 and "year" in response.json()
    assert api.get("/api/indicators/values/", {"month": "13"}).json().keys() == {"month"}
    response = api.get("/api/indicators/breakdown/", {"indicator": "nope"})
    assert response.status_code == 400 and "indicator" in response.json()
    response = api.get("/api/indicators/records/", {"indicator": "hazard_rectification_rate", "part": "nope"})
    assert response.status_code == 400 and "part" in response.json()
    assert api.get("/api/indicators/values/", {"region": world.county_b.code}).status_code == 404
    act_as(api, world.users["other_county"])
    page = api.get("/api/indicators/records/", {"indicator": "hazard_rectification_rate", "part": "counted"}).json()
    assert page["count"] == 0


def test_assessment_steps(api, city):
    w = city.world
    rnd = services.open_round(city.scheme, actor=city.office)
    mine = Assessment.objects.get(round=rnd, region=w.county_a)
    manual = city.scheme.items.get(method="manual").pk
    # county A's office submits its self-assessment through the API
    act_as(api, city.county_office)
    response = api.post(f"/api/assessments/{mine.pk}/submit-self/",
                        {"manual": {str(manual): {"points": "25", "note": "完成"}}, "version": mine.version},
                        format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "self_assessed" and Decimal(body["self_score"]) == Decimal("75.00")
    # it may not assess (403), nor see county B's assessment (404)
    assert api.post(f"/api/assessments/{mine.pk}/assess/", {"manual": {str(manual): {"points": "1"}}},
                    format="json").status_code == 403
    other = Assessment.objects.get(round=rnd, region=w.county_b)
    assert api.get(f"/api/assessments/{other.pk}/").status_code == 404
    assert api.get(f"/api/assessment-rounds/{rnd.pk}/").status_code == 404
    # the city's office: a stale version is a 409, too many points a 400 naming the item
    act_as(api, city.office)
    assert api.post(f"/api/assessments/{mine.pk}/assess/", {"manual": {str(manual): {"points": "25"}}, "version": 0},
                    format="json").status_code == 409
    response = api.post(f"/api/assessments/{mine.pk}/assess/", {"manual": {str(manual): {"points": "99"}}},
                        format="json")
    assert response.status_code == 400 and f"item_{manual}" in response.json()
    response = api.post(f"/api/assessments/{mine.pk}/adjust/", {"kind": "deduction", "points": "5",
                                                              "reason": "巡查问题未整改"}, format="json")
    assert response.status_code == 200
    response = api.post(f"/api/assessments/{mine.pk}/assess/", {"manual": {str(manual): {"points": "25"}}},
                        format="json")
    assert Decimal(response.json()["score"]) == Decimal("70.00")
    # publishing with county B not assessed is refused, naming the assessments
    response = api.post(f"/api/assessment-rounds/{rnd.pk}/publish/", {}, format="json")
    assert response.status_code == 400 and "assessments" in response.json()
    ranking = api.get(f"/api/assessment-rounds/{rnd.pk}/").json()["ranking"]
    assert [(r["unit"], r["rank"]) for r in ranking] == [(w.county_a.name, 1), (w.county_b.name, None)]


def test_lists_cost_a_bounded_number_of_queries(api, city, django_assert_max_num_queries):
    services.open_round(city.scheme, actor=city.office)
    agreement = services.create_agreement(actor=city.office, year=2026, region=city.world.county_a)
    services.set_targets(agreement, actor=city.office, targets={"hazard_rectification_rate": "95"})
    act_as(api, city.office)
    for path in ("/api/target-agreements/", "/api/assessment-schemes/", "/api/assessment-rounds/",
                 "/api/assessments/"):
        api.get(path)
        with django_assert_max_num_queries(9):
            response = api.get(path)
        assert response.status_code == 200 and response.json()["count"] >= 1, path

"""The risks API: risk-point CRUD with scoping (permission matrices), assessments, control
measures, the evaluate calculator, grades, the export and query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import (
    CreateContract,
    ListContract,
    UpdateContract,
    VoidContract,
    VoidRulesContract,
    act_as,
    api_url,
    expect,
    get_page,
)
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskPoint

from .factories import assess, make_point

EVALUATE = "/api/risk-assessments/evaluate"


class TestRiskPointContracts(ListContract, CreateContract, UpdateContract, VoidContract, VoidRulesContract):
    basename = "risk-point"
    create_status = expect(403, **{Role.ADMIN: 201, Role.REGULATOR: 201, Role.ENTERPRISE: 201,
                                   Role.INDUSTRY_OFFICER: 400, "other_county": 400})
    update_status = expect(403, **{Role.ADMIN: 200, Role.REGULATOR: 200, Role.ENTERPRISE: 200,
                                   Role.INDUSTRY_OFFICER: 404, "other_county": 404})
    void_status = expect(403, **{Role.ADMIN: 204, Role.REGULATOR: 204, Role.ENTERPRISE: 204,
                                 Role.INDUSTRY_OFFICER: 404, "other_county": 404})

    @pytest.fixture(autouse=True)
    def _point(self, world):
        self.point = make_point(world)

    def target(self, world):
        return self.point

    def create_payload(self, world):
        return {"enterprise": world.ent_a.pk, "name": "喷漆房", "kind": "site", "responsible_name": "李四",
                "hazard_factors": ["21"], "longitude": "116.41", "latitude": "39.91"}

    def update_payload(self, world):
        return {"name": "液氨储罐区（改）", "location": "北厂区"}


def test_other_county_sees_nothing(world, api):
    # given points in county A and county B
    make_point(world)
    make_point(world, world.ent_b, name="乙罐区")
    other = act_as(api, world.users["other_county"])
    # when county B's regulator reads the list: only B's point
    page = get_page(other, api_url("risk-point"))
    assert [r["name"] for r in page["results"]] == ["乙罐区"]
    # and county A's regulator sees only A's
    names = [r["name"] for r in
             get_page(act_as(api, world.users[Role.REGULATOR]), api_url("risk-point"))["results"]]
    assert names == ["液氨储罐区"]


def test_other_county_404_on_detail_card_and_zero_in_export_and_map(world, api):
    point = make_point(world)
    assess(world, point)
    other = act_as(api, world.users["other_county"])
    assert other.get(api_url("risk-point", point.pk)).status_code == 404
    assert other.get(api_url("risk-point", point.pk, "card")).status_code == 404
    assert other.get(api_url("risk-point", point.pk, "events")).status_code == 404
    assert other.get(reverse("risk-assessment-list")).json()["count"] == 0
    m = act_as(api, world.users[Role.REGULATOR]).get("/api/risk-map/").json()
    assert m["total"] == 1 and m["counts"]["high"] == 0 and m["counts"]["major"] == 1
    other = act_as(api, world.users["other_county"])  # (one client: authenticate again)
    m = other.get("/api/risk-map/").json()
    assert m["total"] == 0 and m["points"] == [] and m["by_region"] == []
    export = other.get(api_url("risk-point") + "export/")
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only
    rows = list(load_workbook(BytesIO(act_as(api, world.users[Role.REGULATOR]).get(
        api_url("risk-point") + "export/").content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "液氨储罐区"


def test_filters(world, api):
    p1 = make_point(world)
    make_point(world, name="配电室", kind="site")
    assess(world, p1)
    client = act_as(api, world.users[Role.ADMIN])
    url = api_url("risk-point")
    assert get_page(client, url, level="major")["count"] == 1
    assert get_page(client, url, level="unassessed")["count"] == 1
    assert get_page(client, url, kind="site")["count"] == 1
    assert get_page(client, url, enterprise=world.ent_b.pk)["count"] == 0
    assert get_page(client, url, region=world.county_a.code)["count"] == 2
    assert get_page(client, url, region=world.county_b.code)["count"] == 0
    assert get_page(client, url, industry="05")["count"] == 2
    assert get_page(client, url, industry="03")["count"] == 0


def test_list_query_count_does_not_grow(world, api, django_assert_max_num_queries):
    for i in range(12):
        p = make_point(world, name=f"点{i}")
        assess(world, p)
    client = act_as(api, world.users[Role.REGULATOR])
    with django_assert_max_num_queries(8):
        page = get_page(client, api_url("risk-point"))
    assert page["count"] == 12 and page["results"][0]["hazard_factors"] == ["21", "22"]


def test_assess_through_api_keeps_the_explanation(world, api):
    point = make_point(world)
    client = act_as(api, world.users[Role.ENTERPRISE])
    r = client.post(api_url("risk-point", point.pk, "assess"), {"method": "lec", "l": "3", "e": "6", "c": "15",
                                                                 "profile": "LEC-V1"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["level"] == "high" and body["colour"] == "orange" and body["inputs"] == {"l": 3, "e": 6, "c": 15}
    assert body["profile_code"] == "LEC-V1" and body["bands"][0] == {"level": "major", "lower_bound": 320,
                                                                      "lower_inclusive": False}
    point.refresh_from_db()
    assert (point.level, point.score, point.method) == ("high", Decimal("270"), "lec")
    # a bad value is a 400 naming the field
    r = client.post(api_url("risk-point", point.pk, "assess"), {"method": "ls", "l": "6", "s": "1"}, format="json")
    assert r.status_code == 400 and "l" in r.json()
    # the assessments list (and its POST) read the same
    r = client.post(reverse("risk-assessment-list"), {"risk_point": point.pk, "method": "ls", "l": 4, "s": 5},
                    format="json")
    assert r.status_code == 201 and r.json()["level"] == "major"
    assert client.get(reverse("risk-assessment-list"), {"risk_point": point.pk}).json()["count"] == 2
    # county B cannot assess A's point
    r = act_as(api, world.users["other_county"]).post(reverse("risk-assessment-list"),
                                                      {"risk_point": point.pk, "method": "ls", "l": 4, "s": 5},
                                                      format="json")
    assert r.status_code == 404
    assert RiskAssessment.objects.count() == 2


def test_stale_version_is_409(world, api):
    point = make_point(world)
    client = act_as(api, world.users[Role.ADMIN])
    r = client.patch(api_url("risk-point", point.pk), {"name": "新名", "version": point.version}, format="json")
    assert r.status_code == 200
    r = client.patch(api_url("risk-point", point.pk), {"name": "再改", "version": point.version}, format="json")
    assert r.status_code == 409
    assert RiskPoint.objects.get(pk=point.pk).name == "新名"


def test_control_measures_crud_and_scope(world, api):
    point = make_point(world)
    client = act_as(api, world.users[Role.ENTERPRISE])
    r = client.post(reverse("control-measure-list"), {"risk_point": point.pk, "content": "每班巡检液位",
                                                      "control_level": "team", "measure_type": "management",
                                                      "owner_name": "王五"}, format="json")
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    r = client.patch(reverse("control-measure-detail", args=[mid]), {"content": "每班两次巡检液位"}, format="json")
    assert r.status_code == 200 and r.json()["content"] == "每班两次巡检液位"
    other = act_as(api, world.users["other_county"])
    assert other.get(reverse("control-measure-detail", args=[mid])).status_code == 404
    r = other.post(reverse("control-measure-list"), {"risk_point": point.pk, "content": "x"}, format="json")
    assert r.status_code == 400 and "risk_point" in r.json()
    client = act_as(api, world.users[Role.ENTERPRISE])
    r = client.delete(reverse("control-measure-detail", args=[mid]), {"reason": "重复"}, format="json")
    assert r.status_code == 204
    assert ControlMeasure.objects.get(pk=mid).is_voided


# --- evaluate ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("payload", "expected"), [
    ({"method": "lec", "l": 3, "e": 6, "c": 15}, {"score": 270, "level": "major", "colour": "red",
                                                   "profile": "LEC-V3"}),
    ({"method": "lec", "l": 3, "e": 6, "c": 15, "profile": "LEC-V1"},
     {"score": 270, "level": "high", "colour": "orange", "profile": "LEC-V1"}),
    ({"method": "ls", "l": 4, "s": 5}, {"score": 20, "level": "major", "colour": "red", "profile": "LS-A"}),
    ({"method": "ls", "l": 3, "s": 3, "profile": "LS-B"},
     {"score": 9, "level": "moderate", "colour": "yellow", "profile": "LS-B"}),
    ({"method": "lec", "l": 0.5, "e": 0.5, "c": 1}, {"score": 0.25, "level": "low", "colour": "blue",
                                                      "profile": "LEC-V3"}),
])
def test_evaluate(world, api, payload, expected):
    r = act_as(api, world.users[Role.EXPERT]).post(EVALUATE, payload, format="json")
    assert r.status_code == 200, r.content
    assert r.json() == expected


def test_evaluate_rejects_values_outside_tables_in_chinese(world, api):
    client = act_as(api, world.users[Role.ENTERPRISE])
    r = client.post(EVALUATE, {"method": "lec", "l": 3, "e": 7, "c": 15}, format="json",
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400
    assert r.json() == {"e": ["E 只能取 10、6、3、2、1、0.5"]}
    r = client.post(EVALUATE, {"method": "ls", "l": 0, "s": 6}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and set(r.json()) == {"l", "s"}
    assert client.post(EVALUATE, {"method": "abc", "l": 1}, format="json").status_code == 400
    assert client.post(EVALUATE, {"method": "lec", "l": 3, "e": 6, "c": 15, "profile": "LS-A"},
                       format="json").status_code == 400


def test_evaluate_needs_login_and_does_no_query_once_warm(world, api, django_assert_num_queries):
    assert act_as(api, None).post(EVALUATE, {"method": "ls", "l": 1, "s": 1}, format="json").status_code in (401, 403)
    client = act_as(api, world.users[Role.EXPERT])
    assert client.post(EVALUATE, {"method": "ls", "l": 1, "s": 1}, format="json").status_code == 200  # warms
    with django_assert_num_queries(0):
        r = client.post(EVALUATE, {"method": "lec", "l": 1, "e": 1, "c": 1}, format="json")
    assert r.status_code == 200


def test_profiles_and_set_default(world, api):
    client = act_as(api, world.users[Role.REGULATOR])
    profiles = client.get(reverse("risk-profile-list")).json()
    assert {p["code"] for p in profiles} == {"LEC-V1", "LEC-V2", "LEC-V3", "LS-A", "LS-B"}
    v1 = next(p for p in profiles if p["code"] == "LEC-V1")
    assert client.post(reverse("risk-profile-set-default", args=[v1["id"]])).status_code == 403
    admin = act_as(api, world.users[Role.ADMIN])
    r = admin.post(reverse("risk-profile-set-default", args=[v1["id"]]))
    assert r.status_code == 200 and r.json()["is_default"]
    r = admin.post(EVALUATE, {"method": "lec", "l": 3, "e": 6, "c": 15}, format="json")
    assert r.json()["profile"] == "LEC-V1" and r.json()["level"] == "high"


def test_factor_values_and_frequencies(world, api):
    client = act_as(api, world.users[Role.REGULATOR])
    values = client.get("/api/risk-factor-values/").json()
    assert [v["value"] for v in values["lec"]["e"]] == [10, 6, 3, 2, 1, 0.5]
    point = make_point(world)
    assess(world, point)  # major
    freq = client.get("/api/supervision-frequencies/", {"enterprise": world.ent_a.pk}).json()
    assert freq["enterprises"] == [{"enterprise": world.ent_a.pk, "level": "major", "graded": True, "per_year": 4}]
    assert act_as(api, world.users["other_county"]).get(
        "/api/supervision-frequencies/", {"enterprise": world.ent_a.pk}).status_code == 404
    client = act_as(api, world.users[Role.REGULATOR])
    grades = client.get(reverse("enterprise-risk-grade-list")).json()
    assert grades["count"] == 1 and grades["results"][0]["inspections_per_year"] == 4
    assert act_as(api, world.users["other_county"]).get(reverse("enterprise-risk-grade-list")).json()["count"] == 0


def test_evaluate_with_token_is_cached_and_bad_token_refused(world, django_assert_num_queries):
    from rest_framework.test import APIClient

    from anjian.security.auth import forget_token as clear_token_cache
    from anjian.security.services import issue_token

    clear_token_cache()
    key = issue_token(world.users[Role.ENTERPRISE])[0]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(EVALUATE, {"method": "ls", "l": 2, "s": 2}, format="json").json()["level"] == "moderate"
    with django_assert_num_queries(0):  # the token is remembered, the profiles are cached
        assert client.post(EVALUATE, {"method": "ls", "l": 2, "s": 2}, format="json").status_code == 200
    bad = APIClient(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert bad.post(EVALUATE, {"method": "ls", "l": 2, "s": 2}, format="json").status_code == 401
    clear_token_cache()

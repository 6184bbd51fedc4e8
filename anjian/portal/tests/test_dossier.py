"""The enterprise's whole file (一企一档): the enterprise page gathers the sections every app
provides (core.dossier) — plate, risks, major hazard sources, hazards, inspections, accidents,
warnings — each counted through the user's scope and linking to its app's filtered list, in a
bounded number of queries; a new section needs no change to the template. The enterprise list
shows the columns the apps add (risk grade, open hazards, credit grade) on the page and in the API, without
N+1."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.accidents.tests.factories import make_accident
from anjian.alerts.models import Warning
from anjian.core import dossier
from anjian.core.scoping import scope_of
from anjian.hazards import services as hazard_services
from anjian.hazards.models import Hazard
from anjian.inspections import services as inspection_services
from anjian.majorhazards.tests.helpers import make_source
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, SupervisionFactory, industry, make_hazard
from anjian.portal.testing.mixins import act_as, api_url
from anjian.risks.models import EnterpriseRiskGrade
from anjian.risks.tests.factories import assess, make_point

pytestmark = pytest.mark.django_db

SECTIONS = ["plate", "obligations", "credit", "obligations_duties", "occupational", "risks", "major_hazard_sources",
            "hazards", "inspections", "emergency", "accidents", "warnings"]


@pytest.fixture(autouse=True)
def _fresh_caches():
    """The risk profiles and the GB 18218 table are cached per process (as in their apps' tests)."""
    from anjian.majorhazards.calculation import clear_table_cache
    from anjian.risks.evaluation import clear_cache

    clear_cache()
    clear_table_cache()
    yield
    clear_cache()
    clear_table_cache()


def warn(rule: str, hazard: Hazard, level: str, *, closed: bool = False) -> Warning:
    """A warning about ``hazard`` as the scan writes it (the hazard's scope keys copied)."""
    return Warning.objects.create(
        rule=rule, content_type=ContentType.objects.get_for_model(Hazard), object_id=str(hazard.pk), level=level,
        message=f"隐患{hazard.number}需要处理", enterprise_id=hazard.enterprise_id, region_path=hazard.region_path,
        industry_id=hazard.industry_id, grid_id=hazard.grid_id, closed_at=timezone.now() if closed else None)


@pytest.fixture
def file_of_a(world):
    """County A's machinery plant with a bit of everything, and some records that must not be
    counted (voided, of the other enterprise, closed)."""
    admin = world.users[Role.ADMIN]
    ent = world.ent_a
    # hazards: two open (one major), one open and overdue, one voided; one of the neighbour
    h1 = make_hazard(ent, admin)
    h2 = make_hazard(ent, admin, major=True)
    h3 = make_hazard(ent, admin)
    Hazard.objects.filter(pk=h3.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=3))
    h4 = make_hazard(ent, admin)
    hazard_services.void_hazard(h4, actor=admin, reason="重复登记")
    neighbour = make_hazard(world.ent_a_construction, admin)
    # risk points: one assessed LEC 3 × 6 × 7 = 126 (较大风险 under the default profile LEC-V3,
    # 70 < D ≤ 160), one not assessed, one voided
    p1 = make_point(world, ent, name="液氨储罐区")
    assess(world, p1, "lec", l=3, e=6, c=7)
    make_point(world, ent, name="配电室")
    p3 = make_point(world, ent, name="旧仓库")
    from anjian.risks import services as risk_services
    risk_services.void_risk_point(p3, actor=admin, reason="已拆除")
    # one major hazard source: 40 t of chlorine, S = 40 / 5 = 8 ≥ 1; R = α β S = 1 × 4 × 8 = 32
    # (10 residents: α 1.0; chlorine: β 4), 10 ≤ R < 50: grade 3, which makes the enterprise at
    # least 较大风险 (SourceGradeLevel) — with the point, its grade is 较大风险
    source = make_source(world, ent)
    # one government inspection (a draft)
    inspection_services.start_record(actor=admin, enterprise=ent, kind="government",
                                     data={"inspector_names": "王检查"})
    # one accident with one death, 40 days ago
    make_accident(admin, enterprise=ent, occurred_at=timezone.now() - datetime.timedelta(days=40), deaths=1,
                  direct_loss_yuan=Decimal(100000))
    # warnings: an overdue hazard (to regulators and the enterprise), a major hazard waiting
    # for acceptance (to regulators only), a closed one, and one of the neighbour
    warn("hazard_overdue", h3, "warning")
    warn("major_acceptance_waiting", h2, "severe")
    warn("hazard_overdue", h1, "warning", closed=True)
    warn("hazard_overdue", neighbour, "warning")
    return {"h": [h1, h2, h3, h4], "source": source, "p1": p1}


def page(user, enterprise, lang="en"):
    client = Client()
    client.force_login(user)
    return client.get(f"/enterprises/{enterprise.pk}/", HTTP_ACCEPT_LANGUAGE=lang)


def figures(response, code: str) -> dict[str, object]:
    section = next(s for s in response.context["sections"] if s.code == code)
    return {str(f.label): f.value for f in section.content.figures}


# --- the sections and their counts -------------------------------------------------------------

def test_the_page_holds_every_section_with_the_counts_of_its_app(world, file_of_a):
    response = page(world.users[Role.REGULATOR], world.ent_a)
    assert response.status_code == 200
    assert [s.code for s in response.context["sections"]] == SECTIONS
    # hazards: h1, h2, h3 open (h4 voided, the neighbour's not counted); h3 overdue; h2 major
    assert figures(response, "hazards") == {
        "Not closed out": 3, "Overdue": 1, "Major, not closed out": 1, "Awaiting acceptance": 0,
        "Under listed supervision": 0, "All hazards": 3}
    # risks: one high (D = 126), one not assessed (the voided one left out); the grade, high
    assert file_of_a["source"].grade == 3
    assert figures(response, "risks") == {
        "Risk grade": "High risk", "Major risk": 0, "High risk": 1, "Moderate risk": 0, "Low risk": 0,
        "Not assessed": 1, "All risk points": 2}
    grade = file_of_a["source"].grade
    assert figures(response, "major_hazard_sources") == {
        "Major hazard sources": 1, **{f"Grade {g}": int(g == grade) for g in (1, 2, 3, 4)}, "Units identified": 1}
    assert figures(response, "inspections") == {
        "Inspections in the last 30 days": 1, "Self-inspection": 0, "Government inspection": 1, "Grid patrol": 0,
        "Expert inspection": 0, "Open tasks": 0, "Overdue tasks": 0, "Missed in the last 30 days": 0,
        "Self-inspection duties in force": 0, "All inspection records": 1}
    assert figures(response, "accidents") == {
        "In the last 12 months": 1, "Not closed": 1, "Deaths": 1, "Serious injuries": 0, "All accidents": 1}
    # warnings: the two open ones about this enterprise (not the closed one, not the neighbour's)
    assert figures(response, "warnings") == {"Open warnings": 2, "Severe": 1, "Warning": 1, "Notice": 0}
    # and the records themselves: the gravest first
    hazards = next(s for s in response.context["sections"] if s.code == "hazards").content.items
    assert hazards[0].text.startswith(file_of_a["h"][1].number)  # the major one
    html = response.content.decode()
    assert "王检查" in html and "液氨储罐区" in html


def test_every_figure_links_to_its_apps_list_filtered_the_same_way(world, file_of_a):
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    response = client.get(f"/enterprises/{world.ent_a.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    checked = 0
    for section in response.context["sections"]:
        for figure in section.content.figures:
            if not figure.url:
                continue
            listed = client.get(figure.url, HTTP_ACCEPT_LANGUAGE="en")
            assert listed.status_code == 200, (section.code, figure.label, figure.url)
            page_obj = listed.context.get("page_obj") if listed.context else None
            if page_obj is not None and figure.counts:
                # the list holds what the figure counts
                assert page_obj.paginator.count == figure.value, (section.code, str(figure.label), figure.url)
                checked += 1
    assert checked >= 20


def test_another_countys_regulator_gets_404_and_the_enterprise_user_only_its_own(world, file_of_a):
    assert page(world.users["other_county"], world.ent_a).status_code == 404
    assert page(world.users[Role.INDUSTRY_OFFICER], world.ent_a).status_code == 404  # construction only
    assert page(world.users[Role.ENTERPRISE], world.ent_a_construction).status_code == 404
    own = page(world.users[Role.ENTERPRISE], world.ent_a)
    assert own.status_code == 200 and [s.code for s in own.context["sections"]] == SECTIONS
    # the enterprise user's warnings are those of the rules addressed to enterprises
    assert figures(own, "warnings")["Open warnings"] == 1
    # and a grid officer of the plant's grid sees the same hazards as the regulator
    assert figures(page(world.users[Role.GRID_OFFICER], world.ent_a), "hazards")["Not closed out"] == 3


def test_a_section_is_left_out_for_a_role_no_rule_is_addressed_to(world, file_of_a, monkeypatch):
    from anjian.alerts import engine

    # given no warning rule addressed to the committee office (the steering rules are, so they are set aside)
    office = world.users[Role.COMMITTEE_OFFICE]
    monkeypatch.setattr(engine, "_REGISTRY", {code: rule for code, rule in engine._REGISTRY.items()
                                              if not rule.addressed_to(office)})
    # then its view of the file has no warnings section, but the others
    codes = [s.code for s in page(office, world.ent_a).context["sections"]]
    assert "warnings" not in codes and "hazards" in codes


# --- queries --------------------------------------------------------------------------------------

def test_each_section_keeps_its_query_budget_and_the_page_does_not_grow(world, file_of_a):
    user = world.users[Role.REGULATOR]
    assert page(user, world.ent_a).status_code == 200  # warm-up (content types, reference caches)
    for section in dossier.sections():
        reader = type(user).objects.get(pk=user.pk)
        scope_of(reader)
        reader.has_perm("enterprises.view_enterprise")  # the scope and the permissions, as the page has them
        with CaptureQueriesContext(connection) as ctx:
            section.build(reader, world.ent_a)
        assert len(ctx) <= dossier.SECTION_QUERY_BUDGET, (section.code, [q["sql"] for q in ctx])
    with CaptureQueriesContext(connection) as few:
        assert page(user, world.ent_a).status_code == 200
    # when the file grows (more hazards, risk points, inspections, accidents, warnings, plates)
    admin = world.users[Role.ADMIN]
    for _ in range(6):
        h = make_hazard(world.ent_a, admin)
        warn("hazard_overdue", h, "notice")
        make_point(world, world.ent_a)
        inspection_services.start_record(actor=admin, enterprise=world.ent_a, kind="government", data={})
        make_accident(admin, enterprise=world.ent_a)
        SupervisionFactory(enterprise=world.ent_a, department=world.dept_a, is_current=False,
                           ended_on=datetime.date(2025, 1, 1), started_on=datetime.date(2024, 1, 1))
    # then the page runs as many queries
    with CaptureQueriesContext(connection) as many:
        assert page(user, world.ent_a).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


# --- a new section needs no template change ------------------------------------------------------

def test_a_section_registered_by_an_app_appears_without_touching_the_template(world):
    def build(user, enterprise):
        return dossier.SectionContent(figures=[dossier.Figure("应急演练", 2, "/emergency/?enterprise=1")],
                                      empty="尚无演练")

    dossier.register_section(dossier.ProfileSection(code="drills", title="应急演练", order=65, build=build))
    try:
        response = page(world.users[Role.REGULATOR], world.ent_a)
        codes = [s.code for s in response.context["sections"]]
        assert codes.index("drills") == codes.index("accidents") + 1
        assert 'id="dossier-drills"' in response.content.decode()
    finally:
        dossier.unregister("drills")


# --- the list's columns ---------------------------------------------------------------------------

def test_the_list_shows_risk_grade_and_open_hazards(world, file_of_a, api):
    assert EnterpriseRiskGrade.objects.get(enterprise=world.ent_a).level == "high"
    # given the machinery plant's credit computed (its accident with a death is not yet a
    # confirmed record, so it keeps the base score's grade) and none for the construction firm
    from anjian.credit.models import EnterpriseCredit
    from anjian.credit.services import refresh_grades
    refresh_grades([world.ent_a.pk])
    grade = EnterpriseCredit.objects.get(enterprise=world.ent_a).grade
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    response = client.get("/enterprises/", HTTP_ACCEPT_LANGUAGE="en")
    assert [str(c.title) for c in response.context["columns"]] == ["Risk grade", "Open hazards", "Credit"]
    cells = {e.name: [c.text for c in e.list_cells] for e in response.context["page_obj"]}
    assert cells == {"甲机械有限公司": ["High risk", "3", grade], "甲建设有限公司": ["—", "1", "—"]}
    # the API gives the same as fields
    rows = {r["name"]: r for r in act_as(api, world.users[Role.REGULATOR]).get(api_url("enterprise")).json()["results"]}
    assert [rows["甲机械有限公司"][k] for k in ("risk_grade", "open_hazards", "credit_grade")] == ["high", 3, grade]
    assert [rows["甲建设有限公司"][k] for k in ("risk_grade", "open_hazards", "credit_grade")] == [None, 1, None]
    one = act_as(api, world.users[Role.REGULATOR]).get(api_url("enterprise", world.ent_a.pk)).json()
    assert (one["risk_grade"], one["open_hazards"], one["credit_grade"]) == ("high", 3, grade)


def test_the_list_columns_cost_one_query_each_whatever_the_rows(world, api, django_assert_num_queries):
    user = world.users[Role.REGULATOR]
    admin = world.users[Role.ADMIN]
    client = Client()
    client.force_login(user)
    act_as(api, user).get(api_url("enterprise"))
    client.get("/enterprises/")
    act_as(api, user)
    with CaptureQueriesContext(connection) as api_few:
        api.get(api_url("enterprise"), {"page_size": 100})
    with CaptureQueriesContext(connection) as page_few:
        client.get("/enterprises/")
    # when 40 enterprises with hazards and risk grades join the list
    for i in range(40):
        ent = EnterpriseFactory(region=world.township_a, industry=industry("0504"))
        make_hazard(ent, admin)
        if i % 2:
            assess(world, make_point(world, ent), "lec", l=1, e=1, c=1)
    act_as(api, user)
    with django_assert_num_queries(len(api_few)):
        rows = api.get(api_url("enterprise"), {"page_size": 100}).json()["results"]
    assert sum(r["open_hazards"] for r in rows) == 40 and sum(r["risk_grade"] == "low" for r in rows) == 20
    with django_assert_num_queries(len(page_few)):
        assert client.get("/enterprises/").status_code == 200


# --- the warnings inbox narrowed to one enterprise ------------------------------------------------

def test_the_inbox_narrows_to_the_enterprise_of_the_file(world, file_of_a, api):
    client = Client()
    client.force_login(world.users[Role.REGULATOR])
    response = client.get("/warnings/", {"enterprise": world.ent_a.pk})
    assert response.context["page_obj"].paginator.count == 2
    assert world.ent_a.name in response.content.decode()
    everyone = client.get("/warnings/").context["page_obj"].paginator.count
    assert everyone == 3  # with the neighbour's
    api_rows = act_as(api, world.users[Role.REGULATOR]).get("/api/warnings/", {"enterprise": world.ent_a.pk}).json()
    assert api_rows["count"] == 2

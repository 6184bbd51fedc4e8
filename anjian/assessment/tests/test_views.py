"""The assessment pages: the indicator table, one indicator with its breakdown by region (a link
per region drills down) and the records behind it, the dashboard, agreements, schemes, rounds,
assessments and the circular PDF; another county gets 404 and zero; the lists cost a bounded
number of queries; the home page shows the headline indicators for regional users only."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anjian.assessment import services
from anjian.assessment.models import Assessment, TargetAgreement
from anjian.core.testing.pagetext import leaks
from anjian.core.testing.pdf import assert_fonts_embedded, require_pdf_font
from anjian.hazards.choices import HazardState
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def hazards(world, clock):
    """County A: three hazards found this month, one rectified (accepted); county B: one."""
    admin = world.users[Role.ADMIN]
    made = [make_hazard(world.ent_a, admin) for _ in range(3)]
    Hazard.objects.filter(pk=made[0].pk).update(state=HazardState.ACCEPTED, accepted_at=timezone.now())
    made.append(make_hazard(world.ent_b, admin))
    return made


def test_indicator_table_and_one_indicator_with_its_records(world, hazards, django_assert_max_num_queries):
    c = client_for(world.users[Role.REGULATOR])
    html = c.get(reverse("assessment:indicators"), **ZH).content.decode()
    assert "隐患整改率" in html and "33.33%" in html and not leaks(html)
    url = reverse("assessment:indicator")
    response = c.get(url, {"indicator": "hazard_rectification_rate", "part": "missing"}, **ZH)
    html = response.content.decode()
    # then the figure, how it is computed, the township below, and exactly the two not rectified
    assert "33.33%" in html and response.context["total"].row.value.numerator == 1
    assert [ln.subject.label for ln in response.context["lines"]] == [world.township_a.name]
    assert {r["pk"] for r in response.context["rows"]} == {hazards[1].pk, hazards[2].pk}
    assert f"?indicator=hazard_rectification_rate&amp;region={world.township_a.code}" in html
    assert not leaks(html)
    # and the page costs a bounded number of queries whatever the records
    with django_assert_max_num_queries(17):
        c.get(url, {"indicator": "hazard_rectification_rate"}, **ZH)


def test_another_county_gets_404_and_counts_zero(world, hazards):
    c = client_for(world.users["other_county"])
    assert c.get(reverse("assessment:indicators"), {"region": world.county_a.code}, **ZH).status_code == 404
    assert c.get(reverse("assessment:indicator"), {"indicator": "hazard_rectification_rate",
                                                   "region": world.county_a.code}, **ZH).status_code == 404
    response = c.get(reverse("assessment:indicator"), {"indicator": "hazard_rectification_rate"}, **ZH)
    assert response.context["total"].row.value.denominator == 1  # its own county's one hazard


def test_dashboard_and_home_panel(world, hazards, django_assert_max_num_queries):
    office = world.users[Role.COMMITTEE_OFFICE]
    c = client_for(office)
    response = c.get(reverse("assessment:dashboard"), **ZH)
    html = response.content.decode()
    assert response.status_code == 200 and "as-dashboard-data" in html and not leaks(html)
    home = c.get(reverse("home"), **ZH).content.decode()
    assert 'id="headline-indicators"' in home and "隐患整改率" in home
    # an enterprise user's home has no such panel
    home = client_for(world.users[Role.ENTERPRISE]).get(reverse("home"), **ZH).content.decode()
    assert 'id="headline-indicators"' not in home
    data = c.get(reverse("api-indicator-dashboard")).json()
    assert [r["code"] for r in data["by_region"]["regions"]] == [world.township_a.code]
    assert data["headline"][0]["indicator"] == "hazard_rectification_rate"


def test_the_assessment_pages_and_the_circular(city, hazards):
    require_pdf_font()
    w = city.world
    rnd = services.open_round(city.scheme, actor=city.office)
    manual = city.scheme.items.get(method="manual").pk
    office = client_for(city.office)
    for a in Assessment.objects.filter(round=rnd):
        side = city.county_office if a.region_id == w.county_a.pk else city.other_county
        response = client_for(side).post(reverse("assessment:assessment_action", args=[a.pk, "submit_self"]),
                                         {f"item_{manual}": "20", "version": a.version})
        assert response.status_code == 302
        a.refresh_from_db()
        assert a.state == "self_assessed", a.state
        office.post(reverse("assessment:assessment_action", args=[a.pk, "assess"]),
                    {f"item_{manual}": "20", "version": a.version})
    html = office.get(reverse("assessment:round", args=[rnd.pk]), **ZH).content.decode()
    assert "发布排名" in html and not leaks(html)
    response = office.post(reverse("assessment:round", args=[rnd.pk]),
                           {"document_number": "测安委办〔2027〕1号", "remarks": "请各地对照整改。", "version": rnd.version})
    assert response.status_code == 302
    pdf = office.get(reverse("assessment:circular", args=[rnd.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "安全生产工作考核情况的通报" in text and w.county_a.name in text and "测安委办〔2027〕1号" in text
    assert_fonts_embedded(pdf.content)
    # county A's office sees its own assessment and rank, not the city's round
    county = client_for(city.county_office)
    own = Assessment.objects.get(round=rnd, region=w.county_a)
    html = county.get(reverse("assessment:assessment", args=[own.pk]), **ZH).content.decode()
    assert own.rank in (1, 2) and own.rank_of == 2
    assert county.get(reverse("assessment:round", args=[rnd.pk]), **ZH).status_code == 404
    other = Assessment.objects.get(round=rnd, region=w.county_b)
    assert county.get(reverse("assessment:assessment", args=[other.pk]), **ZH).status_code == 404


def test_agreement_pages(city, hazards):
    w = city.world
    c = client_for(city.office)
    response = c.post(reverse("assessment:agreements"), {"year": 2026, "region": w.county_a.code})
    agreement = TargetAgreement.objects.get(region=w.county_a, year=2026)
    assert response.status_code == 302
    response = c.post(reverse("assessment:agreement", args=[agreement.pk]),
                      {"target_hazard_rectification_rate": "90", "version": agreement.version})
    assert response.status_code == 302
    html = c.get(reverse("assessment:agreement", args=[agreement.pk]), **ZH).content.decode()
    assert "33.33%" in html and "90.00%" in html and not leaks(html)
    agreement.refresh_from_db()
    c.post(reverse("assessment:agreement_sign", args=[agreement.pk]), {"version": agreement.version})
    agreement.refresh_from_db()
    assert agreement.state == "signed" and agreement.items.get().target == Decimal("90")
    # county B's regulator: 404 on the agreement; the committee office of county A reads it
    assert client_for(city.other_county).get(reverse("assessment:agreement", args=[agreement.pk])).status_code == 404
    assert client_for(city.county_office).get(reverse("assessment:agreement", args=[agreement.pk])).status_code == 200


def test_lists_cost_a_bounded_number_of_queries(city, django_assert_max_num_queries):
    rnd = services.open_round(city.scheme, actor=city.office)
    c = client_for(city.office)
    for name, args in (("assessment:agreements", []), ("assessment:schemes", []), ("assessment:assessments", []),
                       ("assessment:round", [rnd.pk]), ("assessment:scheme", [city.scheme.pk])):
        c.get(reverse(name, args=args))
        with django_assert_max_num_queries(14):
            assert c.get(reverse(name, args=args)).status_code == 200, name





def test_wall_mode(world, hazards, settings):
    """The full-screen wall: the headline figures, no menu, reloading itself."""
    html = client_for(world.users[Role.COMMITTEE_OFFICE]).get(reverse("assessment:wall"), **ZH).content.decode()
    assert 'http-equiv="refresh"' in html and "33.33%" in html and 'data-theme="dark"' in html
    assert "as-wall" in html and not leaks(html)

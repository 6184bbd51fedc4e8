"""A violation noted on an enforcement inspection becomes a case in one step (立案): through the
service, the page and the API; never twice; the case names the inspection and its photos as
evidence; out of scope is 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anjian.core.services import ConflictError, attachments_for
from anjian.enforcement import services
from anjian.enforcement.choices import CaseSource, CaseState
from anjian.enforcement.models import Case, EnforcementInspection, InspectionFinding, Violation
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, api_url

from .factories_inspections import make_inspection, signature_png, walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _noted(world, *, photo: bool = False):
    """An inspection of ent_a with its first item noted as a violation (a photo on it if asked)."""
    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer, items=2)
    if photo:
        services.start_inspection(insp, actor=officer)
        insp.refresh_from_db()
        item = insp.record.items.order_by("sort").first()
        png = SimpleUploadedFile("现场.png", signature_png(), content_type="image/png")
        services.record_inspection_results(insp, actor=officer, results=[
            {"item": item.pk, "result": "hazard_found", "note": "现场发现问题", "photos": [png]}])
        services.note_finding_violation(insp, item, actor=officer, violation="未设置安全警示标志",
                                        legal_basis="《安全生产法》第三十五条")
    else:
        walk(insp, officer, found=1, violation=True)
    insp = EnforcementInspection.objects.get(pk=insp.pk)
    return insp, InspectionFinding.objects.get(inspection=insp, for_case=True)


def test_a_noted_violation_becomes_a_filed_case_with_the_inspection_as_evidence(world):
    # given a violation noted on site with a photo of the item
    officer = world.users[Role.REGULATOR]
    insp, finding = _noted(world, photo=True)
    # when the officer opens a case from it
    case = services.open_case_from_finding(insp, finding, actor=officer)
    case = Case.objects.get(pk=case.pk)
    finding.refresh_from_db()
    # then the case is filed (立案), pre-accident, of the inspection's enterprise and department,
    # its facts name the inspection, the item's photo is its evidence, the finding names the case
    assert case.state == CaseState.INVESTIGATING and case.pre_accident and case.source == CaseSource.INSPECTION
    assert (case.enterprise, case.department) == (insp.enterprise, insp.department)
    assert insp.number in case.facts and "未设置安全警示标志" in case.facts and case.title == "未设置安全警示标志"
    evidence = list(attachments_for(case))
    assert len(evidence) == 1 and evidence[0].kind == "evidence" and evidence[0].event.action == "case_evidence_added"
    assert finding.case == case and finding.case_number == case.number


def test_a_second_opening_is_a_clear_conflict(world):
    officer = world.users[Role.REGULATOR]
    insp, finding = _noted(world)
    case = services.open_case_from_finding(insp, finding, actor=officer)
    insp.refresh_from_db()
    # when the same violation is opened again, then a conflict names the case and nothing is added
    with pytest.raises(ConflictError) as err:
        services.open_case_from_finding(insp, finding, actor=officer)
    assert Case.objects.get(pk=case.pk).number in str(err.value.message)
    assert Case.objects.filter(enterprise=insp.enterprise).count() == 1


def test_a_catalogue_violation_is_set_on_the_case(world):
    officer = world.users[Role.REGULATOR]
    insp, finding = _noted(world)
    violation = Violation.objects.filter(is_active=True, tiers__isnull=False).order_by("order").first()
    case = services.open_case_from_finding(insp, finding, actor=officer, violation=violation)
    row = case.violations.get(is_voided=False)
    # the tier is "general" and its fine the lower end of the tier's range (corrected before notice)
    tier = violation.tiers.get(tier="general")
    assert row.violation == violation and row.tier == "general" and row.fine == tier.min_fine
    assert case.title == violation.name


def test_a_hazard_finding_is_no_case(world):
    from django.core.exceptions import ValidationError

    officer = world.users[Role.REGULATOR]
    insp = make_inspection(world, officer, items=2)
    walk(insp, officer, found=1)
    finding = InspectionFinding.objects.get(inspection=insp)
    with pytest.raises(ValidationError):
        services.open_case_from_finding(EnforcementInspection.objects.get(pk=insp.pk), finding, actor=officer)


def test_the_page_opens_the_case_and_then_shows_it(world, client):
    insp, finding = _noted(world)
    client.force_login(world.users[Role.REGULATOR])
    page = client.get(reverse("enforcement:inspection", args=[insp.pk]))
    url = reverse("enforcement:inspection_open_case", args=[insp.pk, finding.pk])
    assert url in page.content.decode()
    response = client.post(url, {"version": insp.version})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("enforcement:case", args=[case.pk])
    # the inspection shows the case; the case shows the inspection
    page = client.get(reverse("enforcement:inspection", args=[insp.pk])).content.decode()
    assert case.number in page and url not in page
    assert insp.number in client.get(reverse("enforcement:case", args=[case.pk])).content.decode()
    # a second post is refused with a message, no second case
    insp.refresh_from_db()
    response = client.post(url, {"version": insp.version}, follow=True)
    assert Case.objects.count() == 1 and case.number in response.content.decode()


def test_the_api_opens_a_case_once_and_other_counties_get_404(world, api):
    insp, finding = _noted(world)
    url = api_url("enforcement-inspection", insp.pk, "open-case")
    other = act_as(api, world.users["other_county"])
    assert other.post(url, {"finding": finding.pk}, format="json").status_code == 404
    client = act_as(api, world.users[Role.REGULATOR])
    response = client.post(url, {"finding": finding.pk}, format="json")
    assert response.status_code == 200, response.content
    row = next(x for x in response.json()["findings"] if x["id"] == finding.pk)
    assert row["case"] == Case.objects.get().pk and row["case_number"] == Case.objects.get().number
    assert client.post(url, {"finding": finding.pk}, format="json").status_code == 409
    # an enterprise user may not open cases
    ent = act_as(api, world.users[Role.ENTERPRISE])
    assert ent.post(url, {"finding": finding.pk}, format="json").status_code in (403, 404)

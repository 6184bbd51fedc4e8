"""双报告 as records: each report of a major hazard — to the supervising department or to the
workers' congress, the hazard report when found (present state and cause, seriousness and
difficulty, treatment plan; 《安全生产事故隐患排查治理暂行规定》第十四条) or the treatment
result once rectified — is a DualReport with its texts, documents, author, date and department.
The hazard's two dates are derived from these records (the ledger, the API list and the warning
read them), and the dates recorded before reports had content were migrated into records.

Services, the API (including 409 on a stale version), the pages, the printable view and the PDF
(text extracted with pypdf), and the missing-report warning."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.services import attachments_for, events_for
from anjian.hazards import services
from anjian.hazards.choices import DualReportRecipient, DualReportStage, HazardState
from anjian.hazards.documents import DUAL_TITLES, dual_report_pdf
from anjian.hazards.models import DualReport, Hazard
from anjian.orgs.choices import DepartmentKind, Role
from anjian.portal.testing.factories import (
    COMPLETE_PLAN,
    DUAL_REPORT_TEXTS,
    DepartmentFactory,
    make_dual_report,
    make_hazard,
    pass_recheck,
)
from anjian.portal.testing.mixins import act_as, api_url

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
S = HazardState


def today() -> datetime.date:
    return timezone.localdate()


def doc(name="报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 report", content_type="application/pdf")


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pdf_text(content: bytes) -> str:
    """The PDF's text without the spaces and line breaks wrapping puts in."""
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(p.extract_text() for p in reader.pages).split())


@pytest.fixture
def ent_user(world):
    return world.users[Role.ENTERPRISE]


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


@pytest.fixture
def major(world, regulator, ent_user):
    h = make_hazard(world.ent_a, regulator, major=True, location="储罐区", description="防火堤破损")
    return services.update_plan(h, actor=ent_user, plan=COMPLETE_PLAN)


def rectified(hazard, ent_user) -> Hazard:
    h = services.start_rectification(Hazard.objects.get(pk=hazard.pk), actor=ent_user)
    return services.submit_rectification(h, actor=ent_user, note="已修复防火堤并组织验收")


# --- services ------------------------------------------------------------------------------------------

def test_a_hazard_report_is_a_record_with_its_texts_documents_author_and_department(world, major, ent_user):
    # Given a major hazard; when the enterprise reports it to the department with a signed document
    report = services.record_dual_report(major, actor=ent_user, recipient="regulator", reported_on=today(),
                                         files=[doc()], **DUAL_REPORT_TEXTS)
    # Then the report keeps what it says, who filed it, when, and to which department (by default the
    # one on the enterprise's supervision plate)
    assert (report.stage, report.recipient, report.department) == (DualReportStage.INITIAL,
                                                                   DualReportRecipient.REGULATOR, world.dept_a)
    assert report.situation == DUAL_REPORT_TEXTS["situation"] and report.reported_by == ent_user
    assert report.treatment_plan == DUAL_REPORT_TEXTS["treatment_plan"] and not report.legacy
    # And the hazard's date of the report to the regulator follows; its version moved on with one event
    h = Hazard.objects.get(pk=major.pk)
    assert h.reported_to_regulator_on == today() and h.reported_to_congress_on is None
    assert h.version == major.version + 1
    event = events_for(h).get(action="dual_report_recorded")
    assert event.data["report"] == report.pk and event.data["recipient"] == "regulator"
    # And the document is attached to the report, tied to that event
    (att,) = attachments_for(report)
    assert att.event == event and att.name == "报告.pdf"


def test_the_dates_are_the_first_hazard_report_to_each_recipient(world, major, ent_user):
    earlier = today() - datetime.timedelta(days=1)
    Hazard.objects.filter(pk=major.pk).update(found_at=timezone.now() - datetime.timedelta(days=3))
    make_dual_report(major, ent_user, "congress", reported_on=today(), recipient_name="第五届职代会第二次会议")
    make_dual_report(major, ent_user, "congress", reported_on=earlier)
    h = Hazard.objects.get(pk=major.pk)
    assert h.reported_to_congress_on == earlier and h.missing_dual_reports() == ["reported_to_regulator_on"]


@pytest.mark.parametrize(("missing", "stage"), [("situation", "initial"), ("severity_analysis", "initial"),
                                                ("treatment_plan", "initial")])
def test_a_hazard_report_needs_its_three_parts(world, major, ent_user, missing, stage):
    texts = {**DUAL_REPORT_TEXTS, missing: "  "}
    with pytest.raises(ValidationError) as e:
        services.record_dual_report(major, actor=ent_user, recipient="regulator", reported_on=today(), stage=stage,
                                    **texts)
    assert list(e.value.message_dict) == [missing]
    assert not DualReport.objects.exists() and Hazard.objects.get(pk=major.pk).version == major.version


def test_the_result_is_reported_once_rectified_and_not_before(world, major, ent_user, regulator):
    # Before the rectification is done, a result report is refused on the stage
    with pytest.raises(ValidationError) as e:
        services.record_dual_report(major, actor=ent_user, recipient="regulator", stage="result",
                                    reported_on=today(), treatment_result="已治理")
    assert "stage" in e.value.message_dict
    # Once rectified it needs its text
    h = rectified(major, ent_user)
    with pytest.raises(ValidationError) as e:
        services.record_dual_report(h, actor=ent_user, recipient="regulator", stage="result", reported_on=today())
    assert "treatment_result" in e.value.message_dict
    report = services.record_dual_report(h, actor=ent_user, recipient="regulator", stage="result",
                                         reported_on=today(), treatment_result="防火堤已修复，验收合格")
    assert report.stage == DualReportStage.RESULT
    # A result report does not count as the hazard report: the dates stay missing
    assert Hazard.objects.get(pk=major.pk).reported_to_regulator_on is None


def test_a_closed_hazard_takes_only_its_result(world, major, ent_user, regulator):
    h = rectified(major, ent_user)
    h = pass_recheck(services.accept_rectification(h, actor=regulator), regulator)
    h = services.close_hazard(h, actor=regulator)
    assert "record_dual_report" in services.available_actions(ent_user, h)
    with pytest.raises(ValidationError) as e:
        make_dual_report(h, ent_user, "congress")
    assert "stage" in e.value.message_dict
    for recipient in ("regulator", "congress"):
        services.record_dual_report(Hazard.objects.get(pk=h.pk), actor=ent_user, recipient=recipient,
                                    stage="result", reported_on=today(), treatment_result="已治理完毕")
    # Both results reported: nothing left to report on a closed hazard
    assert "record_dual_report" not in services.available_actions(ent_user, Hazard.objects.get(pk=h.pk))


def test_the_department_must_be_over_the_enterprise(world, major, ent_user):
    # County B's bureau is not above enterprise A; the city's is
    with pytest.raises(ValidationError) as e:
        make_dual_report(major, ent_user, "regulator", department=world.dept_b)
    assert "department" in e.value.message_dict
    city_bureau = DepartmentFactory(name="测试市应急管理局", region=world.city, kind=DepartmentKind.REGULATOR)
    assert make_dual_report(major, ent_user, "regulator", department=city_bureau).department == city_bureau
    # A report to the workers' congress names no department
    assert make_dual_report(major, ent_user, "congress", department=world.dept_a).department is None


def test_only_major_hazards_and_only_their_two_sides_report(world, ent_user, regulator, major):
    general = make_hazard(world.ent_a, regulator)
    with pytest.raises(ValidationError) as e:
        make_dual_report(general, ent_user)
    assert "grade" in e.value.message_dict
    for who in (Role.GRID_OFFICER, Role.EXPERT, Role.COMMITTEE_OFFICE, "other_county"):
        with pytest.raises(PermissionDenied):
            make_dual_report(major, world.users[who])


def test_a_stale_version_is_a_conflict(world, major, ent_user):
    from anjian.core.services import ConflictError

    stale = major.version
    make_dual_report(major, ent_user, "regulator")
    with pytest.raises(ConflictError):
        services.record_dual_report(major, actor=ent_user, recipient="congress", reported_on=today(),
                                    expected_version=stale, **DUAL_REPORT_TEXTS)
    assert DualReport.objects.count() == 1


def test_recorded_dates_become_legacy_reports(world, regulator):
    # Given hazards whose dual report was two dates (as before reports were records)
    h = make_hazard(world.ent_a, regulator, major=True)
    Hazard.objects.filter(pk=h.pk).update(reported_to_regulator_on=today(), reported_to_congress_on=None)
    # When the migration's data step runs
    migration = importlib.import_module("anjian.hazards.migrations.0006_dual_reports_and_rechecks")
    migration.dates_to_reports(apps, None)
    # Then the date is a report to the regulator, marked date-only, and the hazard's dates are unchanged
    report = DualReport.objects.get(hazard=h)
    assert (report.stage, report.recipient, report.reported_on, report.legacy) == ("initial", "regulator", today(),
                                                                                  True)
    assert Hazard.objects.get(pk=h.pk).reported_to_regulator_on == today()
    # And its PDF says only the date was kept
    assert "仅保存了报告日期" in pdf_text(dual_report_pdf(report))


# --- the warning -------------------------------------------------------------------------------------------

def test_the_missing_report_warning_follows_the_records(world, major, ent_user):
    # Given a major hazard found 8 days ago (the rule waits 7 days)
    Hazard.objects.filter(pk=major.pk).update(found_at=timezone.now() - datetime.timedelta(days=8))
    rule = get_rule("major_dual_report_missing")
    assert sync_rule(rule).raised == 1
    # When only the report to the department is filed, it stays open
    make_dual_report(major, ent_user, "regulator")
    assert sync_rule(rule).closed == 0
    # When the report to the workers' congress is filed too, it closes
    make_dual_report(major, ent_user, "congress")
    assert sync_rule(rule).closed == 1
    assert not Warning.objects.filter(rule="major_dual_report_missing", closed_at__isnull=True).exists()


# --- the API -------------------------------------------------------------------------------------------------

def test_api_files_a_report_with_documents_and_answers_the_hazard(world, api, major, ent_user):
    client = act_as(api, ent_user)
    response = client.post(api_url("hazard", major.pk, "dual-report"), {
        "recipient": "regulator", "reported_on": today().isoformat(), "version": major.version,
        "files": [doc()], **DUAL_REPORT_TEXTS}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reported_to_regulator_on"] == today().isoformat()
    (report,) = body["dual_reports"]
    assert report["department"] == world.dept_a.pk and report["situation"] == DUAL_REPORT_TEXTS["situation"]
    assert report["files"][0]["name"] == "报告.pdf" and report["pdf"].endswith(f"/dual-reports/{report['id']}/pdf/")
    # The stale version now answers 409 with the current state and version, and files nothing
    again = client.post(api_url("hazard", major.pk, "dual-report"), {
        "recipient": "congress", "reported_on": today().isoformat(), "version": major.version,
        **DUAL_REPORT_TEXTS}, format="json")
    assert again.status_code == 409
    assert again.json()["current_version"] == major.version + 1
    assert DualReport.objects.count() == 1


def test_api_names_the_missing_part(world, api, major, ent_user):
    response = act_as(api, ent_user).post(api_url("hazard", major.pk, "dual-report"), {
        "recipient": "congress", "reported_on": today().isoformat(), "situation": "现状", "treatment_plan": "方案"},
        format="json", **EN)
    assert response.status_code == 400 and list(response.json()) == ["severity_analysis"]


def test_api_reads_reports_in_scope_and_their_pdf(world, api, major, ent_user):
    report = make_dual_report(major, ent_user, "regulator")
    mine = act_as(api, ent_user)
    listed = mine.get(api_url("dual-report"), {"hazard": major.pk})
    assert listed.status_code == 200 and [r["id"] for r in listed.json()["results"]] == [report.pk]
    pdf = mine.get(api_url("dual-report", report.pk, "pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert DUAL_TITLES["initial"] in pdf_text(pdf.content)
    # Another county does not see it
    other = act_as(api, world.users["other_county"])
    assert other.get(api_url("dual-report", report.pk)).status_code == 404
    assert other.get(api_url("dual-report", report.pk, "pdf")).status_code == 404
    assert other.get(api_url("dual-report")).json()["count"] == 0


# --- the pages and the PDF -------------------------------------------------------------------------------------

def test_page_form_files_a_report_and_shows_it_on_the_hazard(world, major, ent_user):
    page = client_for(ent_user)
    url = reverse("hazards:action", args=[major.pk, "record_dual_report"])
    form_page = page.get(url, **EN)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    # The form proposes the hazard report to the supervising department, prefilled from the plan
    assert form.initial["stage"] == "initial" and form.initial["department"] == world.dept_a.pk
    assert form.initial["treatment_plan"] == COMPLETE_PLAN["plan_measures"]
    assert [c[0] for c in form.fields["stage"].choices] == ["initial"]  # not rectified: no result yet
    response = page.post(url, {"version": major.version, "stage": "initial", "recipient": "congress",
                               "recipient_name": "第五届职代会第二次会议", "reported_on": today().isoformat(),
                               "department": "", "files": [doc("纪要.pdf")], **DUAL_REPORT_TEXTS}, **EN)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = DualReport.objects.get()
    assert report.recipient_label == "第五届职代会第二次会议" and attachments_for(report).get().name == "纪要.pdf"
    detail = page.get(reverse("hazards:detail", args=[major.pk]), **EN).content.decode()
    assert reverse("hazards:dual_report", args=[report.pk]) in detail
    assert "第五届职代会第二次会议" in detail
    # A missing part comes back next to its field
    bad = page.post(url, {"version": report.hazard.version, "stage": "initial", "recipient": "regulator",
                          "department": world.dept_a.pk, "reported_on": today().isoformat(),
                          "situation": "现状", "severity_analysis": "", "treatment_plan": "方案"}, **EN)
    assert bad.status_code == 400 and bad.context["form"].errors["severity_analysis"]


def test_print_view_and_pdf_carry_the_report(world, major, ent_user):
    report = make_dual_report(major, ent_user, "regulator")
    report.refresh_from_db()
    page = client_for(ent_user)
    html = page.get(reverse("hazards:dual_report", args=[report.pk])).content.decode()
    assert "重大事故隐患报告" in html and DUAL_REPORT_TEXTS["severity_analysis"] in html
    assert 'data-print' in html and 'onclick=' not in html
    pdf = page.get(reverse("hazards:dual_report_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for expected in (DUAL_TITLES["initial"], world.ent_a.name, world.dept_a.name, major.number, "储罐区",
                     "一、隐患的现状及其产生原因", "二、隐患的危害程度和整改难易程度分析", "三、隐患的治理方案",
                     DUAL_REPORT_TEXTS["situation"], DUAL_REPORT_TEXTS["treatment_plan"], "第十四条",
                     f"{today().year}年{today().month}月{today().day}日", "张三"):
        assert expected in text, expected
    # Another county's user gets 404 on both
    other = client_for(world.users["other_county"])
    assert other.get(reverse("hazards:dual_report", args=[report.pk])).status_code == 404
    assert other.get(reverse("hazards:dual_report_pdf", args=[report.pk])).status_code == 404


def test_result_pdf_carries_the_result_and_the_rectification(world, major, ent_user):
    h = rectified(major, ent_user)
    report = services.record_dual_report(h, actor=ent_user, recipient="congress", stage="result",
                                         reported_on=today(), treatment_result="防火堤已修复，验收合格",
                                         recipient_name="职工代表大会")
    text = pdf_text(dual_report_pdf(DualReport.objects.get(pk=report.pk)))
    assert DUAL_TITLES["result"] in text and "一、治理结果" in text and "防火堤已修复，验收合格" in text
    assert "已修复防火堤并组织验收" in text and "职工代表大会" in text

"""The rectification notice (整改通知单): issuing it from the pages, its page, and its PDF
(text extracted with pypdf; a page rendered to PNG with pdftoppm when it is installed)."""

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from anjian.core.services import events_for
from anjian.core.testing.pdf import assert_fonts_embedded, require_pdf_font
from anjian.hazards import services
from anjian.hazards.documents import TITLE, notice_pdf
from anjian.hazards.models import RectificationNotice
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard
from anjian.portal.testing.mixins import OTHER_COUNTY

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(p.extract_text() for p in reader.pages), len(reader.pages)


def squash(text: str) -> str:
    """Extracted text without the line breaks and spaces wrapping put in."""
    return "".join(text.split())


@pytest.fixture
def notice(world):
    regulator = world.users[Role.REGULATOR]
    a = make_hazard(world.ent_a, regulator, location="配电室", description="配电箱门未关闭，线路裸露")
    b = make_hazard(world.ent_a, regulator, major=True, location="危化品库", description="禁忌物混存 <A&B>")
    return services.issue_notice(actor=regulator, department=world.dept_a, hazards=[a, b],
                                 deadline=timezone.localdate() + datetime.timedelta(days=15),
                                 requirements="立即组织整改，整改完成后书面报告。")


def test_notice_pdf_carries_the_official_content(world, notice):
    # Given a notice on two hazards of ent_a
    # When it is rendered
    text, pages = pdf_text(notice_pdf(notice))
    flat = squash(text)
    # Then it carries the title, number, enterprise, every hazard, deadline, requirements, issuer and date
    assert pages == 1
    assert TITLE in flat
    assert notice.number in flat
    assert world.ent_a.name in flat and world.ent_a.credit_code in flat
    for h in notice.hazards.all():
        assert h.number in flat and h.location in flat
    assert "配电箱门未关闭，线路裸露" in flat
    assert "禁忌物混存<A&B>" in flat  # user text is escaped, not read as markup
    assert "一般隐患" in flat and "重大隐患" in flat
    d = notice.deadline
    assert f"{d.year}年{d.month}月{d.day}日前整改完毕" in flat
    assert "立即组织整改，整改完成后书面报告。" in flat
    assert world.dept_a.name in flat
    i = notice.issued_on
    assert f"{i.year}年{i.month}月{i.day}日" in flat


def test_a_long_notice_flows_over_pages_with_the_header_repeated(world):
    regulator = world.users[Role.REGULATOR]
    hazards = [make_hazard(world.ent_a, regulator, location=f"车间{i}", description="隐患描述" * 12)
               for i in range(40)]
    notice = services.issue_notice(actor=regulator, department=world.dept_a, hazards=hazards,
                                   deadline=timezone.localdate())
    reader = PdfReader(io.BytesIO(notice_pdf(notice)))
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert "隐患编号" in squash(page.extract_text())
    assert all(h.number in squash("".join(p.extract_text() for p in reader.pages)) for h in hazards)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_notice_pdf_renders_to_an_image(world, notice, settings):
    # The PNG is kept in var/screenshots/ to be looked at.
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    pdf = shots / "notice.pdf"
    pdf.write_bytes(notice_pdf(notice))
    pdftoppm = shutil.which("pdftoppm")
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),  # noqa: S603
                    str(shots / "notice")], check=True, timeout=60)
    assert (shots / "notice.png").stat().st_size > 5000


# --- the pages ------------------------------------------------------------------------------------

def test_regulator_issues_a_notice_from_the_pages(world):
    regulator = world.users[Role.REGULATOR]
    a = make_hazard(world.ent_a, regulator)
    b = make_hazard(world.ent_a, regulator, location="仓库")
    make_hazard(world.ent_a_construction, regulator)  # another enterprise: not offered
    c = client_for(regulator)
    # Given the form opened from a hazard's page (that hazard preselected)
    response = c.get(reverse("hazards:notice_create"), {"enterprise": world.ent_a.pk, "hazards": a.pk}, **EN)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["hazards"].queryset) == {a, b}
    assert form.initial["hazards"] == [a.pk]
    assert form.fields["department"].initial == world.dept_a.pk
    # When both hazards are chosen and the notice issued
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = c.post(reverse("hazards:notice_create"), {
        "enterprise": world.ent_a.pk, "hazards": [a.pk, b.pk], "department": world.dept_a.pk,
        "deadline": deadline, "requirements": "限期整改"}, **EN)
    # Then the notice exists, each hazard's timeline says so, and its page links the PDF
    notice = RectificationNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("hazards:notice_detail", args=[notice.pk])
    assert set(notice.hazards.all()) == {a, b}
    assert events_for(a).first().action == "notice_issued"
    page = c.get(reverse("hazards:notice_detail", args=[notice.pk]), **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert notice.number in html and reverse("hazards:notice_pdf", args=[notice.pk]) in html
    assert a.number in html and b.number in html
    # And the hazard's page lists the notice
    assert notice.number in c.get(reverse("hazards:detail", args=[a.pk]), **EN).content.decode()


def test_notice_needs_hazards_and_a_future_deadline(world):
    regulator = world.users[Role.REGULATOR]
    a = make_hazard(world.ent_a, regulator)
    c = client_for(regulator)
    url = reverse("hazards:notice_create")
    response = c.post(url, {"enterprise": world.ent_a.pk, "department": world.dept_a.pk,
                            "deadline": timezone.localdate().isoformat()}, **EN)
    assert response.status_code == 400 and response.context["form"].errors["hazards"]
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = c.post(url, {"enterprise": world.ent_a.pk, "hazards": [a.pk], "department": world.dept_a.pk,
                            "deadline": past}, **EN)
    assert response.status_code == 400 and response.context["form"].errors["deadline"]
    assert not RectificationNotice.objects.exists()


def test_notice_enterprise_step_finds_the_enterprise_by_code(world):
    c = client_for(world.users[Role.REGULATOR])
    url = reverse("hazards:notice_create")
    assert c.get(url, **EN).status_code == 200
    response = c.get(url, {"enterprise": world.ent_a.credit_code})
    assert response.status_code == 302 and response["Location"] == f"{url}?enterprise={world.ent_a.pk}"
    # An enterprise of another county is not found
    response = c.get(url, {"enterprise": world.ent_b.credit_code}, **EN)
    assert response.status_code == 400


def test_notice_pages_are_scoped_and_need_the_right(world, notice):
    other = client_for(world.users[OTHER_COUNTY])
    assert other.get(reverse("hazards:notice_detail", args=[notice.pk])).status_code == 404
    assert other.get(reverse("hazards:notice_pdf", args=[notice.pk])).status_code == 404
    ent = client_for(world.users[Role.ENTERPRISE])
    assert ent.get(reverse("hazards:notice_create")).status_code == 403
    # The enterprise reads its own notice and its PDF
    response = ent.get(reverse("hazards:notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert notice.number in squash(pdf_text(response.content)[0])


def test_notice_pdf_embeds_its_chinese_font(world, notice):
    # Given a machine with a TrueType Chinese font (CI installs fonts-wqy-zenhei)
    require_pdf_font()
    # When the notice is rendered
    content = notice_pdf(notice)
    # Then every font it uses is embedded as a subset, and its Chinese text extracts
    assert_fonts_embedded(content)
    assert TITLE in squash(pdf_text(content)[0]) and "配电箱门未关闭，线路裸露" in squash(pdf_text(content)[0])

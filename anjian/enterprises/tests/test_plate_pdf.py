"""The supervision plate (一企一牌) PDF: its content, the blind-spot wording, and scoping."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from anjian.core.testing.pdf import assert_fonts_embedded, require_pdf_font
from anjian.enterprises.documents import BLIND_SPOT, TITLE, detail_path, plate_pdf
from anjian.orgs.choices import Role


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


@pytest.mark.django_db
def test_plate_names_the_enterprise_and_its_supervision(world):
    # Given a supervised enterprise
    # When its plate is rendered
    text = text_of(plate_pdf(world.ent_a))
    # Then the plate carries the title, the enterprise, the region and the responsible people
    assert TITLE in text
    assert world.ent_a.name in text
    assert world.ent_a.credit_code in text
    assert world.dept_a.name in text
    assert "张领导" in text and "李监管" in text
    assert world.township_a.full_name in text  # 测试省测试市甲区甲街道
    assert BLIND_SPOT not in text


@pytest.mark.django_db
def test_plate_of_an_unsupervised_enterprise_says_blind_spot(world):
    text = text_of(plate_pdf(world.ent_a_construction))
    assert world.ent_a_construction.name in text
    assert BLIND_SPOT in text


@pytest.mark.django_db
def test_plate_qr_code_carries_the_detail_path(world):
    assert detail_path(world.ent_a) == reverse("enterprises:detail", args=[world.ent_a.pk])


@pytest.mark.django_db
def test_plate_page_is_an_inline_pdf_for_users_in_scope(world, client):
    client.force_login(world.users[Role.REGULATOR])
    response = client.get(reverse("enterprises:plate_pdf", args=[world.ent_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert world.ent_a.name in text_of(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["other_county", Role.INDUSTRY_OFFICER, Role.ENTERPRISE])
def test_plate_out_of_scope_is_404(world, client, key):
    # Given users who cannot see ent_a (another county; another sector) or ent_b
    client.force_login(world.users[key])
    target = world.ent_a if key in ("other_county", Role.INDUSTRY_OFFICER) else world.ent_b
    # When they ask for its plate / Then it does not exist for them
    assert client.get(reverse("enterprises:plate_pdf", args=[target.pk])).status_code == 404


@pytest.mark.django_db
def test_plate_needs_login(world, client):
    response = client.get(reverse("enterprises:plate_pdf", args=[world.ent_a.pk]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_plate_embeds_its_chinese_font(world):
    # Given a machine with a TrueType Chinese font (CI installs fonts-wqy-zenhei)
    require_pdf_font()
    # When a plate is rendered
    content = plate_pdf(world.ent_a)
    # Then every font it uses is embedded as a subset, so any viewer shows the Chinese
    assert_fonts_embedded(content)
    assert TITLE in text_of(content) and world.ent_a.name in text_of(content)

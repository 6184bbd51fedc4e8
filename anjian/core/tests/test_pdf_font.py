"""The PDF font (core/pdf.py): a TrueType Chinese font embedded as a subset; a configured font
that cannot be used is an error; no font at all falls back to the non-embedded CID font with a
system-check warning."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from anjian.core import checks, pdf
from anjian.core.testing.pdf import assert_fonts_embedded, pdf_fonts, require_pdf_font


def _pdf_with(text: str) -> bytes:
    buf = io.BytesIO()
    font = pdf.font_name()
    c = Canvas(buf, initialFontName=font)
    c.setFont(font, 14)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_the_found_font_is_embedded_as_a_subset_and_its_text_extracts(settings):
    # Given no configured font and a machine with a TrueType Chinese font
    settings.ANJIAN_PDF_FONT = ""
    require_pdf_font()
    # When a PDF is drawn in the PDF font
    content = _pdf_with("事故隐患整改通知单 No.1")
    # Then the font is embedded (FontFile2), as a subset, and the Chinese extracts
    assert pdf.cjk_font().embedded
    assert_fonts_embedded(content)
    assert all("+" in name for name in pdf_fonts(content))  # subset names carry a "ABCDEF+" tag
    assert "事故隐患整改通知单" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    # and the system check is content
    assert checks.pdf_font_check() == []


def test_without_any_font_pdfs_fall_back_to_the_cid_font_and_the_check_warns(settings, monkeypatch, caplog):
    # Given no configured font and none of the system fonts present
    settings.ANJIAN_PDF_FONT = ""
    monkeypatch.setattr(pdf, "SYSTEM_FONTS", [("/nonexistent/font.ttc", 0)])
    # When a PDF is drawn
    content = _pdf_with("安全风险告知卡")
    # Then it uses STSong-Light, not embedded, and says so in the log and in the system check
    assert pdf.cjk_font() == pdf.PdfFont(pdf.FALLBACK_NAME, None, embedded=False)
    assert pdf_fonts(content) == {"/STSong-Light": set()}
    assert "non-embedded" in caplog.text
    assert [w.id for w in checks.pdf_font_check()] == ["anjian.W001"]


def test_a_configured_font_that_is_missing_or_not_truetype_is_an_error(settings, tmp_path):
    # Given ANJIAN_PDF_FONT naming a missing file, then a file that is not a TrueType font
    settings.ANJIAN_PDF_FONT = str(tmp_path / "missing.ttf")
    # Then making a PDF fails naming the setting, and the system check reports an error
    with pytest.raises(ImproperlyConfigured, match="ANJIAN_PDF_FONT"):
        pdf.font_name()
    assert [e.id for e in checks.pdf_font_check()] == ["anjian.E001"]
    not_a_font = tmp_path / "notes.ttf"
    not_a_font.write_bytes(b"this is not a font")
    settings.ANJIAN_PDF_FONT = str(not_a_font)
    with pytest.raises(ImproperlyConfigured, match="cannot be embedded"):
        pdf.font_name()
    assert [e.id for e in checks.pdf_font_check()] == ["anjian.E001"]

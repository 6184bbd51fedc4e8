"""Test helpers for the PDFs Anjian prints: which fonts a PDF uses and whether each is embedded."""

from __future__ import annotations

import io
import os

import pytest
from pypdf import PdfReader

EMBEDDED_KEYS = ("/FontFile", "/FontFile2", "/FontFile3")


def pdf_fonts(content: bytes) -> dict[str, set[str]]:
    """Every font the pages of ``content`` use → the FontFile keys its descriptor has (empty
    for a font that is not embedded). Type0 fonts are read through their descendant."""
    fonts: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            keys = set(descriptor.get_object().keys()) & set(EMBEDDED_KEYS) if descriptor else set()
            fonts[str(font.get("/BaseFont"))] = keys
    return fonts


def assert_fonts_embedded(content: bytes) -> None:
    """Every font of the PDF is embedded as a TrueType subset (FontFile2)."""
    fonts = pdf_fonts(content)
    assert fonts, "the PDF uses no font"
    for name, keys in fonts.items():
        assert "/FontFile2" in keys, f"font {name} is not embedded (descriptor keys: {sorted(keys)})"


def require_pdf_font() -> None:
    """Skip a test that needs a font to embed when the machine has none — except under CI
    (``CI`` set), whose `.ci/run` installs one: there a missing font must fail the test."""
    from anjian.core.pdf import find_font

    if find_font() is None and not os.environ.get("CI"):
        pytest.skip("no TrueType Chinese font installed (apt-get install fonts-wqy-zenhei)")

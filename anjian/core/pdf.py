"""The one Chinese font of every PDF Anjian prints (监管责任牌, 整改通知单, 风险告知卡, …).

An official document must show its Chinese in any viewer, so the font is embedded in the PDF
as a subset (only the glyphs used): a TrueType font with ``glyf`` outlines, which is what
ReportLab can embed (it cannot embed CFF/OpenType outlines such as Noto Sans CJK's). No pip
package ships such a font under an open licence, so it is read from the system:

1. ``settings.ANJIAN_PDF_FONT`` (a .ttf, or a .ttc with ``ANJIAN_PDF_FONT_INDEX``), when set:
   it must load, or every PDF fails with a message naming the setting;
2. else the first of ``SYSTEM_FONTS`` present — Debian's fonts-wqy-zenhei (which ``.ci/run``
   installs; GPL with a font-embedding exception), fonts-wqy-microhei, fonts-arphic-uming,
   fonts-droid-fallback and the same fonts' paths on other systems;
3. else, documented fallback: ReportLab's built-in CID font STSong-Light, which is *not*
   embedded (viewers without Adobe's Chinese fonts show no text). The system check
   ``anjian.W001`` says so at every start, and each PDF made that way logs a warning.

Nothing is downloaded at run time.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

EMBEDDED_NAME = "AnjianCJK"
FALLBACK_NAME = "STSong-Light"
# (path, index in a .ttc collection), most suitable first: wide coverage (CJK Unified Ideographs
# and Extension A, for rare characters in names), TrueType outlines, a licence that allows embedding.
SYSTEM_FONTS: list[tuple[str, int]] = [
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),              # Debian/Ubuntu fonts-wqy-zenhei
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),                # Fedora
    ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", 0),      # Arch
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),            # Debian/Ubuntu fonts-wqy-microhei
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),            # Fedora
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),  # Arch
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),                # Debian fonts-arphic-uming (UMing CN)
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # Debian fonts-droid-fallback
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),                   # macOS
    ("C:/Windows/Fonts/simsun.ttc", 0),                               # Windows (宋体)
]


@dataclass(frozen=True)
class PdfFont:
    """The font registered with ReportLab: its name for ``setFont``/``fontName``, the file it
    came from (None for the fallback) and whether PDFs embed it."""

    name: str
    path: str | None
    embedded: bool


_lock = threading.Lock()
_registered: dict[tuple[str, int] | None, PdfFont] = {}


def _load_truetype(name: str, path: str, index: int):
    """ReportLab's TTFont ``name`` for ``path``; raises when it is not an embeddable TrueType
    font (CFF outlines, no Chinese glyphs, unreadable)."""
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont(name, path, subfontIndex=index)
    if ord("中") not in font.face.charToGlyph:
        raise ValueError("it has no Chinese glyphs")
    return font


def find_font() -> tuple[str, int] | None:
    """The font file to embed: the configured one (which must exist), or the first system
    font present, or None."""
    configured = getattr(settings, "ANJIAN_PDF_FONT", "")
    if configured:
        if not Path(configured).is_file():
            raise ImproperlyConfigured(f"ANJIAN_PDF_FONT names no file: {configured}")
        return configured, getattr(settings, "ANJIAN_PDF_FONT_INDEX", 0)
    for path, index in SYSTEM_FONTS:
        if Path(path).is_file():
            return path, index
    return None


def cjk_font() -> PdfFont:
    """Register the PDF font with ReportLab (once per process and font) and answer it."""
    from reportlab.pdfbase import pdfmetrics

    found = find_font()
    with _lock:
        if found in _registered:
            return _registered[found]
        if found is None:
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            if FALLBACK_NAME not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_NAME))
            font = PdfFont(FALLBACK_NAME, None, embedded=False)
        else:
            path, index = found
            # One ReportLab name per file: another configured font (a test's) gets its own name.
            name = EMBEDDED_NAME if not _registered else f"{EMBEDDED_NAME}{len(_registered)}"
            try:
                ttf = _load_truetype(name, path, index)
            except Exception as exc:  # ReportLab raises TTFError, struct and OS errors alike
                raise ImproperlyConfigured(
                    f"The PDF font {path} (index {index}) cannot be embedded: {exc}. It must be a TrueType "
                    "font (.ttf/.ttc with glyf outlines, not CFF/OpenType) with Chinese glyphs; set "
                    "ANJIAN_PDF_FONT to one, e.g. /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc.") from exc
            pdfmetrics.registerFont(ttf)
            font = PdfFont(name, path, embedded=True)
        _registered[found] = font
    return font


def font_name() -> str:
    """The ReportLab name of the PDF font, registering it first; logs when it is the
    non-embedded fallback, once per PDF."""
    font = cjk_font()
    if not font.embedded:
        logger.warning("PDF made with the non-embedded font %s: install fonts-wqy-zenhei or set ANJIAN_PDF_FONT",
                       FALLBACK_NAME)
    return font.name


def cell_font(font: str) -> tuple:
    """A TableStyle command setting the cells' font: a ReportLab table sets its cells' font
    (Helvetica by default) even when every cell is a Paragraph, which would list an unembedded
    Helvetica in the PDF."""
    return ("FONTNAME", (0, 0), (-1, -1), font)


def qr_png(data: str) -> io.BytesIO:
    """``data`` (a page's address) as a QR code in PNG, black on white, medium error correction
    (a printed plate or card stays readable when a little of it is worn): for a PDF's image."""
    import qrcode

    qr = qrcode.QRCode(border=1, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    buf.seek(0)
    return buf

"""The supervision plate (一企一牌 安全生产监管责任牌) as a printable A4 landscape PDF.

The wording on the plate is the official Chinese text of the document, so it is not run
through translation. Chinese is set in the PDF font of anjian/core/pdf.py, embedded as a
subset so any viewer shows it. The QR code carries the enterprise's detail page path.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from anjian.core.pdf import font_name, qr_png

from .models import Enterprise, Supervision

RED = colors.HexColor("#B71C1C")
NAVY = colors.HexColor("#0D3B66")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#F4F6FA")
TITLE = "安全生产监管责任牌"
BLIND_SPOT = "监管盲区 — 尚未明确监管责任"


def detail_path(enterprise: Enterprise) -> str:
    """The path of the enterprise's page, which the QR code carries."""
    try:
        return reverse("enterprises:detail", args=[enterprise.pk])
    except NoReverseMatch:  # the page is not mounted (e.g. an API-only deployment)
        return f"/enterprises/{enterprise.pk}/"


def _qr_image(data: str) -> ImageReader:
    return ImageReader(qr_png(data))


def _person(name: str, phone: str) -> str:
    name = (name or "").strip() or "—"
    return f"{name}    {phone.strip()}" if phone and phone.strip() else name


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrapping character by character (Chinese has no spaces to break at)."""
    lines, line = [], ""
    for ch in text:
        if line and pdfmetrics.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines or [""]


def _fit(text: str, font: str, width: float, size: float, minimum: float = 10) -> tuple[list[str], float]:
    """Lines of ``text`` wrapped to ``width``, shrinking the font (down to ``minimum``) to keep
    it to two lines; past that the text is cut with an ellipsis."""
    while True:
        lines = _wrap(text, font, size, width)
        if len(lines) <= 2:
            return lines, size
        if size <= minimum:
            return [lines[0], lines[1][:-1] + "…"], size
        size -= 1


def _bold_text(c: Canvas, font: str, x: float, y: float, text: str, size: float, color, *,
               centre: bool = False) -> None:
    """The font has no bold face: fill and stroke the glyphs for a heavier line."""
    c.saveState()
    c.setFillColor(color)
    c.setStrokeColor(color)
    c.setLineWidth(size / 40)
    t = c.beginText()
    t.setFont(font, size)
    t.setTextRenderMode(2)
    width = pdfmetrics.stringWidth(text, font, size)
    t.setTextOrigin(x - width / 2 if centre else x, y)
    t.textOut(text)
    t.setTextRenderMode(0)  # the render mode is text state and would outlive this text object
    c.drawText(t)
    c.restoreState()


def plate_pdf(enterprise: Enterprise, *, supervision: Supervision | None = None, base_url: str = "") -> bytes:
    """The enterprise's supervision plate as PDF bytes.

    ``supervision`` defaults to the enterprise's current assignment; without one the plate
    says prominently that the enterprise is a blind spot (监管盲区). ``base_url`` (scheme and
    host) makes the QR code an address a phone can open; settings.ANJIAN_BASE_URL wins when set."""
    font = font_name()
    if supervision is None:
        supervision = enterprise.current_supervision
    page_w, page_h = landscape(A4)
    buf = io.BytesIO()
    # The canvas's initial font (Helvetica otherwise) is listed in the PDF even when unused.
    c = Canvas(buf, pagesize=(page_w, page_h), initialFontName=font)
    c.setTitle(f"{TITLE} — {enterprise.name}")
    c.setAuthor(supervision.department.name if supervision else "")
    c.setSubject(TITLE)

    # Frame: a thick outer border and a thin inner one.
    margin = 12 * mm
    c.setStrokeColor(RED)
    c.setLineWidth(4)
    c.rect(margin, margin, page_w - 2 * margin, page_h - 2 * margin)
    c.setLineWidth(1)
    inner = margin + 3 * mm
    c.rect(inner, inner, page_w - 2 * inner, page_h - 2 * inner)

    # Title band.
    _bold_text(c, font, page_w / 2, page_h - 38 * mm, TITLE, 36, RED, centre=True)
    c.setFont(font, 12)
    c.setFillColor(GREY)
    c.drawCentredString(page_w / 2, page_h - 46 * mm, "一企一牌　　明确监管责任　　接受社会监督")
    c.setStrokeColor(RED)
    c.setLineWidth(1.5)
    c.line(inner + 12 * mm, page_h - 51 * mm, page_w - inner - 12 * mm, page_h - 51 * mm)

    # Field table on the left, QR code on the right.
    qr_size = 52 * mm
    left = inner + 14 * mm
    right_edge = page_w - inner - 14 * mm - qr_size - 12 * mm
    label_w = 47 * mm
    value_w = right_edge - left - label_w
    region = enterprise.region
    rows: list[tuple[str, str, bool]] = [
        ("企业名称", enterprise.name, True),
        ("统一社会信用代码", enterprise.credit_code, False),
        ("所属区域", region.full_name if region else "—", False),
        ("行业领域", enterprise.industry.name if enterprise.industry_id else "—", False),
        ("企业地址", enterprise.address or "—", False),
    ]
    if supervision is not None:
        rows += [
            ("监管部门", supervision.department.name, True),
            ("责任领导", _person(supervision.leader_name, supervision.leader_phone), False),
            ("监管责任人", _person(supervision.officer_name, supervision.officer_phone), False),
            ("监管起始日期", _date(supervision.started_on), False),
        ]
    y = page_h - 63 * mm
    row_gap = (5 if supervision is not None else 6) * mm
    for i, (label, value, strong) in enumerate(rows):
        lines, size = _fit(value, font, value_w, 18 if strong else 15)
        height = max(len(lines), 1) * (size + 4) + row_gap
        if i % 2 == 0:
            c.setFillColor(LIGHT)
            c.rect(left - 3 * mm, y - height + size + row_gap / 2, right_edge - left + 6 * mm, height,
                   stroke=0, fill=1)
        c.setFillColor(NAVY)
        c.setFont(font, 14)
        c.drawString(left, y, label + "：")
        for n, line in enumerate(lines):
            if strong:
                _bold_text(c, font, left + label_w, y - n * (size + 4), line, size, colors.black)
            else:
                c.setFillColor(colors.black)
                c.setFont(font, size)
                c.drawString(left + label_w, y - n * (size + 4), line)
        y -= height

    if supervision is None:
        box_h = 26 * mm
        box_y = max(y - box_h - 4 * mm, 42 * mm)
        c.setFillColor(colors.HexColor("#FDECEA"))
        c.setStrokeColor(RED)
        c.setLineWidth(2.5)
        c.rect(left - 3 * mm, box_y, right_edge - left + 6 * mm, box_h, stroke=1, fill=1)
        _bold_text(c, font, (left + right_edge) / 2, box_y + box_h / 2 + 1 * mm, BLIND_SPOT, 24, RED, centre=True)
        c.setFillColor(RED)
        c.setFont(font, 11)
        c.drawCentredString((left + right_edge) / 2, box_y + 5 * mm,
                            "请属地监管部门尽快明确监管部门、责任领导和监管责任人")

    # QR code with its caption.
    qr_x = page_w - inner - 14 * mm - qr_size
    qr_y = page_h - 62 * mm - qr_size + 6 * mm
    c.setStrokeColor(NAVY)
    c.setLineWidth(1)
    c.rect(qr_x - 2 * mm, qr_y - 10 * mm, qr_size + 4 * mm, qr_size + 12 * mm)
    base = (settings.ANJIAN_BASE_URL or base_url).rstrip("/")
    c.drawImage(_qr_image(base + detail_path(enterprise)), qr_x, qr_y, qr_size, qr_size)
    c.setFillColor(GREY)
    c.setFont(font, 10)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 6 * mm, "扫码查看企业监管信息")

    # Footer: the issuing department and the date.
    c.setStrokeColor(RED)
    c.setLineWidth(0.8)
    c.line(inner + 12 * mm, 34 * mm, page_w - inner - 12 * mm, 34 * mm)
    c.setFillColor(colors.black)
    c.setFont(font, 13)
    issuer = supervision.department.name if supervision else "—"
    c.drawString(left, 25 * mm, f"发牌单位：{issuer}")
    c.drawRightString(page_w - inner - 14 * mm, 25 * mm, f"发牌日期：{_date(timezone.localdate())}")
    phone = supervision.department.phone if supervision else ""
    if phone:
        c.setFont(font, 10)
        c.setFillColor(GREY)
        c.drawCentredString(page_w / 2, 25 * mm, f"监督电话：{phone}")

    c.showPage()
    c.save()
    return buf.getvalue()

"""The emergency disposal card (应急处置卡) of a post or place as a printable A4 PDF, with a QR
code to its public read-only page (``emergency:card_public``, an unguessable token, revocable by
renewing it) — as the risk notification card of the risks app.

The card's wording is the Chinese text posted at the post, so it is not run through translation.
Chinese is set in the PDF font of anjian/core/pdf.py, embedded as a subset."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.urls import reverse
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anjian.core.pdf import cell_font, font_name, qr_png

from .models import DisposalCard

TITLE = "应急处置卡"
EMERGENCY_NUMBERS = "火警 119    急救 120    报警 110"
LINE = colors.HexColor("#333333")
HEAD = colors.HexColor("#FDECEA")


def _p(text: str) -> str:
    return escape(text or "").replace("\n", "<br/>")


def card_content(card: DisposalCard) -> dict:
    """What the card shows (shared by the PDF and the public page): public fields only."""
    return {
        "title": TITLE,
        "post": card.post,
        "enterprise": card.enterprise.name,
        "rows": [("主要风险", card.risks), ("处置步骤", card.steps), ("报告程序", card.reporting or "—"),
                 ("注意事项", card.cautions or "—"), ("应急联系人及电话", card.contacts or "—"),
                 ("应急电话", EMERGENCY_NUMBERS)],
    }


def public_url(request, card: DisposalCard) -> str:
    return request.build_absolute_uri(reverse("emergency:card_public", args=[card.card_token]))


def card_pdf(card: DisposalCard, url: str) -> bytes:
    """The A4 card of ``card`` with a QR code to ``url``."""
    font = font_name()
    c = card_content(card)
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=24, leading=32, alignment=TA_CENTER)
    sub = ParagraphStyle("sub", parent=base, fontSize=13, leading=20, alignment=TA_CENTER)
    head = ParagraphStyle("head", parent=base, alignment=TA_CENTER)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=colors.HexColor("#555555"))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=f"{TITLE} {card.post}", author=card.enterprise.name,
                            initialFontName=font)
    width = A4[0] - 32 * mm
    story = [Paragraph(TITLE, title), Paragraph(f"{_p(c['post'])}　·　{_p(c['enterprise'])}", sub), Spacer(1, 4 * mm)]
    table = Table([[Paragraph(k, head), Paragraph(_p(v), base)] for k, v in c["rows"]],
                  colWidths=[36 * mm, width - 36 * mm])
    table.setStyle(TableStyle([cell_font(font), ("GRID", (0, 0), (-1, -1), 0.6, LINE),
                               ("BACKGROUND", (0, 0), (0, -1), HEAD), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story += [table, Spacer(1, 5 * mm)]
    qr = Table([[Image(qr_png(url), width=30 * mm, height=30 * mm),
                 Paragraph("扫码查看本处置卡（公开只读页面）<br/>" + _p(url), small)]],
               colWidths=[36 * mm, width - 36 * mm])
    qr.setStyle(TableStyle([cell_font(font), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(qr)
    doc.build(story)
    return buf.getvalue()


def card_response(request, card: DisposalCard) -> HttpResponse:
    response = HttpResponse(card_pdf(card, public_url(request, card)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="emergency-card-{card.pk}.pdf"'
    return response

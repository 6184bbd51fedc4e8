"""The risk notification card (风险告知卡) of a risk point as a printable A4 PDF.

The card's wording is the Chinese text posted at the risk point, so it is not run through
translation (like the rectification notice). Chinese is set in the PDF font of
anjian/core/pdf.py, embedded as a subset so any viewer shows it. A QR code carries the address
of the card's public read-only page (``risks:card_public``, an unguessable token, revocable by
regenerating it).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anjian.core.pdf import cell_font, font_name, qr_png

from .choices import COLOUR_ZH, LEVEL_COLOUR, LEVEL_HEX, LEVEL_ZH
from .models import RiskPoint

TITLE = "安全风险告知卡"
EMERGENCY_NUMBERS = "火警 119    急救 120    报警 110"
LINE = colors.HexColor("#333333")
HEAD = colors.HexColor("#EEF2F7")
KIND_ZH = {"installation": "设备设施", "site": "作业场所", "activity": "作业活动", "post": "岗位"}
LEVEL_ZH_CONTROL = {"company": "公司级", "workshop": "车间级", "team": "班组级", "post": "岗位级"}


def _p(text: str) -> str:
    return escape(text or "").replace("\n", "<br/>")


def _qr_flowable(url: str, size: float) -> Image:
    return Image(qr_png(url), width=size, height=size)


def card_content(point: RiskPoint, measures) -> dict:
    """What the card shows (shared by the PDF and the public page)."""
    level = point.level or ""
    return {
        "title": TITLE,
        "name": point.name,
        "enterprise": point.enterprise.name,
        "kind": KIND_ZH.get(point.kind, point.kind),
        "location": " ".join(x for x in (point.department, point.location) if x) or "—",
        "level": level,
        "level_text": (f"{LEVEL_ZH[level]}（{COLOUR_ZH[LEVEL_COLOUR[level]]}色）" if level else "未评价"),
        "level_hex": LEVEL_HEX.get(level, "#9E9E9E"),
        "hazard_factors": "；".join(f"{f.code} {f.name}" for f in point.hazard_factors.all()) or "—",
        "accident_types": "、".join(t.name for t in point.accident_types.all()) or "—",
        "measures": [(LEVEL_ZH_CONTROL.get(m.control_level, ""), m.content, m.owner_name) for m in measures],
        "emergency_measures": point.emergency_measures or "—",
        "responsible": point.responsible_name,
        "phone": point.responsible_phone or "—",
        "emergency_numbers": EMERGENCY_NUMBERS,
    }


def card_pdf(point: RiskPoint, measures, public_url: str) -> bytes:
    """The A4 card of ``point`` with its active ``measures`` and a QR code to ``public_url``."""
    font = font_name()
    c = card_content(point, measures)
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=24, leading=32, alignment=TA_CENTER)
    band = ParagraphStyle("band", parent=base, fontSize=18, leading=26, alignment=TA_CENTER,
                          textColor=colors.white if c["level"] in ("major", "high", "low") else colors.black)
    head = ParagraphStyle("head", parent=base, fontSize=11, alignment=TA_CENTER)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=colors.HexColor("#555555"))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=f"{TITLE} {point.name}", author=point.enterprise.name,
                            initialFontName=font)
    width = A4[0] - 32 * mm
    story = [Paragraph(TITLE, title), Spacer(1, 3 * mm)]
    level_table = Table([[Paragraph(f"风险等级：{_p(c['level_text'])}", band)]], colWidths=[width], rowHeights=[16 * mm])
    level_table.setStyle(TableStyle([cell_font(font), ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(c["level_hex"])),
                                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [level_table, Spacer(1, 3 * mm)]
    rows = [
        ("风险点名称", c["name"]), ("所属单位", c["enterprise"]), ("类型", c["kind"]), ("位置", c["location"]),
        ("危险有害因素", c["hazard_factors"]), ("可能导致的事故类型", c["accident_types"]),
    ]
    measures_text = "<br/>".join(
        f"{i}. {_p(text)}" + (f"（{_p(level)}" + (f"，{_p(owner)}" if owner else "") + "）" if level else "")
        for i, (level, text, owner) in enumerate(c["measures"], start=1)) or "—"
    data = [[Paragraph(k, head), Paragraph(_p(v), base)] for k, v in rows]
    data += [[Paragraph("管控措施", head), Paragraph(measures_text, base)],
             [Paragraph("应急处置措施", head), Paragraph(_p(c["emergency_measures"]), base)],
             [Paragraph("责任人 / 电话", head), Paragraph(_p(f"{c['responsible']}    {c['phone']}"), base)],
             [Paragraph("应急电话", head), Paragraph(_p(c["emergency_numbers"]), base)]]
    table = Table(data, colWidths=[34 * mm, width - 34 * mm])
    table.setStyle(TableStyle([cell_font(font), ("GRID", (0, 0), (-1, -1), 0.6, LINE), ("BACKGROUND", (0, 0), (0, -1), HEAD),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story += [table, Spacer(1, 5 * mm)]
    qr = Table([[_qr_flowable(public_url, 30 * mm),
                 Paragraph("扫码查看本告知卡（公开只读页面）<br/>" + _p(public_url), small)]],
               colWidths=[36 * mm, width - 36 * mm])
    qr.setStyle(TableStyle([cell_font(font), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(qr)
    doc.build(story)
    return buf.getvalue()

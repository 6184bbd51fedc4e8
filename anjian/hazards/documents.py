"""The rectification notice (事故隐患整改通知单) as a printable A4 PDF.

The wording of the notice is the official Chinese text of the document, so it is not run
through translation (like the supervision plate in anjian/enterprises/documents.py). Chinese
is set in the PDF font of anjian/core/pdf.py, embedded as a subset so any viewer shows it.
The hazard table flows over as many pages as it needs; every page carries the number.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anjian.core.pdf import cell_font, font_name

from .models import RectificationNotice

TITLE = "事故隐患整改通知单"
GRADE_TEXT = {"general": "一般隐患", "major": "重大隐患"}
RED = colors.HexColor("#B71C1C")
GREY = colors.HexColor("#555555")
LINE = colors.HexColor("#333333")
HEAD = colors.HexColor("#EEF2F7")


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "________年____月____日"


def _p(text: str) -> str:
    """User text made safe for a Paragraph (which reads a little XML): escaped, line breaks kept."""
    return escape(text or "").replace("\n", "<br/>")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK")
    return {
        "issuer": ParagraphStyle("issuer", parent=base, fontSize=15, leading=22, alignment=TA_CENTER, textColor=RED),
        "title": ParagraphStyle("title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=2),
        "number": ParagraphStyle("number", parent=base, fontSize=10.5, alignment=TA_RIGHT, textColor=GREY),
        "to": ParagraphStyle("to", parent=base, fontSize=13, leading=22, spaceBefore=6),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=23, spaceAfter=4),
        "plain": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
        "cell_c": ParagraphStyle("cell_c", parent=base, fontSize=10, leading=14, alignment=TA_CENTER),
        "major": ParagraphStyle("major", parent=base, fontSize=10, leading=14, alignment=TA_CENTER, textColor=RED),
        "head": ParagraphStyle("head", parent=base, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", parent=base, fontSize=12, leading=22, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=GREY),
    }


def notice_pdf(notice: RectificationNotice) -> bytes:
    """The notice as PDF bytes: issuing unit, title, number, the enterprise, the ordering
    paragraph with the deadline, the table of hazards, the requirements, the enterprise's
    receipt and the issuing unit's signature block with the date."""
    font = font_name()
    st = _styles(font)
    enterprise = notice.enterprise
    department = notice.department
    hazards = list(notice.hazards.order_by("id"))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm, title=f"{TITLE} {notice.number}", author=department.name,
                            subject=TITLE, initialFontName=font)
    width = doc.width

    story = [
        Paragraph(_p(department.name), st["issuer"]),
        Paragraph(TITLE, st["title"]),
        Paragraph(f"编号：{_p(notice.number)}", st["number"]),
        Spacer(1, 2 * mm),
        Paragraph(f"{_p(enterprise.name)}：", st["to"]),
        Paragraph(
            f"经检查，你单位存在下列事故隐患（共{len(hazards)}项）。根据《中华人民共和国安全生产法》等有关规定，"
            f"现责令你单位于<u>{_date(notice.deadline)}</u>前整改完毕，并将整改情况书面报告我单位。"
            "整改期间应当采取有效的安全防范措施，防止发生生产安全事故；重大事故隐患排除前或者排除过程中"
            "无法保证安全的，应当从危险区域内撤出作业人员。", st["body"]),
    ]
    extra = [f"统一社会信用代码：{_p(enterprise.credit_code)}"]
    if enterprise.address:
        extra.append(f"地址：{_p(enterprise.address)}")
    story.append(Paragraph("　　".join(extra), st["small"]))
    story.append(Spacer(1, 3 * mm))

    # The hazard table: 序号, 隐患编号, 隐患部位, 隐患描述, 等级.
    cols = [13 * mm, 34 * mm, 30 * mm, width - (13 + 34 + 30 + 20) * mm, 20 * mm]
    rows = [[Paragraph(h, st["head"]) for h in ("序号", "隐患编号", "隐患部位", "隐患描述", "等级")]]
    for i, h in enumerate(hazards, start=1):
        rows.append([
            Paragraph(str(i), st["cell_c"]),
            Paragraph(_p(h.number), st["cell"]),
            Paragraph(_p(h.location), st["cell"]),
            Paragraph(_p(h.description), st["cell"]),
            Paragraph(GRADE_TEXT.get(h.grade, h.grade), st["major" if h.grade == "major" else "cell_c"]),
        ])
    table = Table(rows, colWidths=cols, repeatRows=1)
    style = [
        cell_font(font),
        ("GRID", (0, 0), (-1, -1), 0.6, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    table.setStyle(TableStyle(style))
    story += [table, Spacer(1, 4 * mm)]

    story.append(Paragraph("整改要求：", st["plain"]))
    requirements = notice.requirements.strip() or "按照有关法律法规和标准规范的要求，制定整改方案，落实整改措施、责任、资金、时限和预案，按期完成整改。"
    story.append(Paragraph(_p(requirements), st["body"]))
    story.append(Spacer(1, 8 * mm))

    signature = Table([
        [Paragraph("被检查单位负责人（签收）：__________", st["plain"]), Paragraph(f"{_p(department.name)}（盖章）", st["sign"])],
        [Paragraph("签收日期：________年____月____日", st["plain"]), Paragraph(_date(notice.issued_on), st["sign"])],
    ], colWidths=[width * 0.5, width * 0.5])
    signature.setStyle(TableStyle([cell_font(font), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 8)]))
    story.append(KeepTogether([signature]))
    if department.phone:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(f"联系电话：{_p(department.phone)}", st["small"]))

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.setFillColor(GREY)
        canvas.drawString(doc.leftMargin, 11 * mm, "本通知单一式两份，一份交被检查单位，一份由发出单位存档。")
        canvas.drawRightString(doc.leftMargin + width, 11 * mm, f"{notice.number}　第{document.page}页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()

"""The circular of a published ranking (安全生产考核情况通报), an A4 PDF in the one font of
``core.pdf`` (embedded): the issuing office, the title with the period, the document number, the
opening paragraph, the ranking table (rank, unit, score, self-assessed score; equal scores share a
rank), the office's remarks and its signature block with the date. Official Chinese wording, not
translated."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anjian.core.pdf import cell_font, font_name

from .models import AssessmentRound
from .selectors import competition_ranks

RED = colors.HexColor("#B71C1C")
GREY = colors.HexColor("#555555")
LINE = colors.HexColor("#333333")
HEAD = colors.HexColor("#EEF2F7")


def _p(text: str) -> str:
    return escape(text or "").replace("\n", "<br/>")


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _period_text(rnd: AssessmentRound) -> str:
    period = rnd.period
    if period.is_month:
        return f"{period.start.year}年{period.start.month}月"
    if period.is_whole_year:
        return f"{period.start.year}年度"
    return f"{period.start.year}年{period.start.month}月至{period.last_day.month}月"


def _score(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def circular_pdf(rnd: AssessmentRound) -> bytes:
    """The circular of ``rnd`` as PDF bytes. Before the ranking is published it is a draft: marked
    so under the title, with the provisional ranks of the scores recorded so far."""
    font = font_name()
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=21, wordWrap="CJK")
    st = {
        "issuer": ParagraphStyle("issuer", parent=base, fontSize=20, leading=30, alignment=TA_CENTER, textColor=RED),
        "number": ParagraphStyle("number", parent=base, fontSize=11, alignment=TA_CENTER, textColor=GREY),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=28, alignment=TA_CENTER, spaceBefore=6),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=24, spaceAfter=4),
        "head": ParagraphStyle("head", parent=base, fontSize=11, leading=15, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=11, leading=15),
        "cell_c": ParagraphStyle("cell_c", parent=base, fontSize=11, leading=15, alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_RIGHT),
    }
    scheme = rnd.scheme
    region = scheme.region
    office = f"{region.name}安全生产委员会办公室"
    period = _period_text(rnd)
    title = f"关于{period}安全生产工作考核情况的通报"
    rows = [a for a in rnd.assessments.select_related("region", "department") if not a.is_voided]
    if not rnd.is_published:
        ranks = competition_ranks([(a.pk, a.score) for a in rows])
        for a in rows:
            a.rank = ranks.get(a.pk)
    rows.sort(key=lambda a: (a.rank is None, a.rank or 0, a.region_path, a.pk))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=24 * mm, rightMargin=24 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=title, author=office, subject="安全生产考核通报",
                            initialFontName=font)
    story = [Paragraph(_p(office), st["issuer"])]
    if rnd.document_number:
        story.append(Paragraph(_p(rnd.document_number), st["number"]))
    story += [
        Paragraph(_p(title), st["title"]),
        *([] if rnd.is_published else [Paragraph("（未发布稿：排名按目前已录入的得分暂排）", st["number"])]),
        Spacer(1, 4 * mm),
        Paragraph("各有关单位：", st["cell"]),
        Paragraph(f"根据《{_p(scheme.name)}》，经各单位自查自评和组织考核，现将{period}安全生产工作考核结果及排名"
                  f"通报如下（共{len(rows)}个单位，得分相同的名次并列）：", st["body"]),
        Spacer(1, 2 * mm),
    ]
    width = doc.width
    cols = [18 * mm, width - (18 + 28 + 28) * mm, 28 * mm, 28 * mm]
    table_rows = [[Paragraph(h, st["head"]) for h in ("名次", "单位", "考核得分", "自评得分")]]
    for a in rows:
        table_rows.append([Paragraph(str(a.rank or "—"), st["cell_c"]), Paragraph(_p(a.subject_label), st["cell"]),
                           Paragraph(_score(a.score), st["cell_c"]), Paragraph(_score(a.self_score), st["cell_c"])])
    table = Table(table_rows, colWidths=cols, repeatRows=1)
    table.setStyle(TableStyle([cell_font(font), ("GRID", (0, 0), (-1, -1), 0.6, LINE),
                               ("BACKGROUND", (0, 0), (-1, 0), HEAD), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story += [table, Spacer(1, 5 * mm)]
    if rnd.remarks.strip():
        story.append(Paragraph(_p(rnd.remarks.strip()), st["body"]))
    published = timezone.localtime(rnd.published_at).date() if rnd.published_at else timezone.localdate()
    story += [Spacer(1, 10 * mm), Paragraph(_p(office), st["sign"]), Paragraph(_date(published), st["sign"])]

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.setFillColor(GREY)
        canvas.drawRightString(doc.leftMargin + width, 11 * mm, f"第{document.page}页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()

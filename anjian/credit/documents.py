"""The joint punishment notice (安全生产失信联合惩戒告知函) of a listing as a printable A4 PDF, in the
embedded font of anjian/core/pdf.py. The wording is the official Chinese of the document, so it is
not run through translation (as the penalty decision in anjian/enforcement/documents_cases.py). It
names the unit and its credit code, the listing decision and its term, the measures asked of the
departments addressed (from the memorandum 发改财金〔2016〕1001号) and the issuing department."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from anjian.core.pdf import font_name

from .models import JointNotice

TITLE = "安全生产失信联合惩戒告知函"
BASIS = ("《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2016〕1001号）"
         "和《安全生产严重失信主体名单管理办法》（应急管理部令第11号）")


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _p(text: str) -> str:
    return escape(text or "").replace("\n", "<br/>")


def notice_pdf(notice: JointNotice) -> bytes:
    """The notice as PDF bytes (a draft is marked as such)."""
    font = font_name()
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=21, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    body = ParagraphStyle("body", parent=base, firstLineIndent=24)
    listing, ent = notice.listing, notice.enterprise
    issuer = listing.department.name if listing.department_id else ""
    story = []
    if notice.state != "issued":
        story.append(Paragraph("（草稿，未发出）", right))
    story += [Paragraph(TITLE, title), Paragraph(_p(notice.number), right), Spacer(1, 4 * mm),
              Paragraph(f"{_p(notice.recipients)}：", base), Spacer(1, 2 * mm),
              Paragraph(f"根据{BASIS}，{_p(ent.name)}（统一社会信用代码：{_p(ent.credit_code)}）已于"
                        f"{_date(listing.decided_on)}经{_p(issuer)}决定（{_p(listing.decision_number)}）列入安全生产严重"
                        f"失信主体名单，管理期限至{_date(listing.term_ends_on)}。", body),
              Paragraph(f"列入事由：{_p(listing.reason)}", body),
              Paragraph("请贵单位在各自职责范围内依法依规对其实施以下联合惩戒措施：", body),
              Paragraph(_p(notice.measures), body),
              Paragraph("该单位在管理期限内被移出名单的，我单位将另行告知。", body),
              Spacer(1, 12 * mm), Paragraph(_p(issuer), right), Paragraph(_date(notice.issued_on), right)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title=TITLE).build(story)
    return out.getvalue()

"""The penalty decision (行政处罚决定书) of a case as a printable A4 PDF, in the embedded font of
anjian/core/pdf.py. The wording is the official Chinese of the document, so it is not run through
translation (as the rectification notice in anjian/hazards/documents.py). It names the unit and its
credit code, the violations with their legal basis, the fine and the measure, and the party's
rights (复议、诉讼) in our own words."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from anjian.core.pdf import font_name

from .choices import CaseMeasure
from .models import Case

TITLE = "行政处罚决定书"


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _p(text: str) -> str:
    return escape(text or "").replace("\n", "<br/>")


def decision_pdf(case: Case) -> bytes:
    """The decision of ``case`` (decided) as PDF bytes."""
    font = font_name()
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=21, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=22, leading=32, alignment=TA_CENTER)
    issuer = ParagraphStyle("issuer", parent=base, fontSize=15, leading=24, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    body = ParagraphStyle("body", parent=base, firstLineIndent=24)
    violations = case.violations.filter(is_voided=False).select_related("violation").order_by("id")
    ent = case.enterprise
    story = [Paragraph(_p(case.department.name), issuer), Paragraph(TITLE, title),
             Paragraph(_p(case.decision_number), right), Spacer(1, 4 * mm),
             Paragraph(f"当事人：{_p(ent.name)}", base),
             Paragraph(f"统一社会信用代码：{_p(ent.credit_code)}", base),
             Paragraph(f"地址：{_p(getattr(ent, 'address', '') or '')}", base), Spacer(1, 3 * mm),
             Paragraph(f"经查，{_p(case.facts or case.title)}", body)]
    for cv in violations:
        story.append(Paragraph(
            f"上述行为违反了安全生产有关规定，依据{_p(cv.violation.law)}{_p(cv.violation.article)}"
            f"（{_p(cv.violation.penalty)}），按{_p(cv.get_tier_display())}裁量，处罚款人民币{cv.fine:,.0f}元。", body))
    story.append(Paragraph(f"决定如下：{_p(case.decision_text)}", body))
    if case.fine_amount:
        story.append(Paragraph(f"罚款合计人民币{case.fine_amount:,.0f}元，当事人应当自收到本决定书之日起十五日内缴纳。",
                               body))
    if case.measure and case.measure != CaseMeasure.NONE:
        story.append(Paragraph(f"并处：{_p(str(CaseMeasure(case.measure).label))}。", body))
    story += [Paragraph("当事人对本决定不服的，可以依法申请行政复议或者提起行政诉讼。申请行政复议或者提起行政诉讼期间，"
                        "本决定不停止执行，法律另有规定的除外。", body),
              Spacer(1, 12 * mm), Paragraph(_p(case.department.name), right),
              Paragraph(_date(case.decided_on), right)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, title=TITLE).build(story)
    return out.getvalue()

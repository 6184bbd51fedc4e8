"""The rectification notice (事故隐患整改通知单) as a printable A4 PDF.

The wording of the notice is the official Chinese text of the document, so it is not run
through translation (like the supervision plate in anjian/enterprises/documents.py). Chinese
is set in the PDF font of anjian/core/pdf.py, embedded as a subset so any viewer shows it.
The hazard table flows over as many pages as it needs; every page carries the number.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
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


# --- dual report and re-check opinion (issue #10) ----------------------------------------------
#
# The major hazard's report (重大事故隐患报告) and its treatment result report, as the enterprise
# hands them to the department or the workers' congress; and the re-check opinion
# (整改复查意见书) the re-checking side gives the enterprise. Official Chinese wording, not
# translated, same fonts and styles as the notice.

DUAL_TITLES = {"initial": "重大事故隐患报告", "result": "重大事故隐患治理结果报告"}
RECHECK_TITLE = "整改复查意见书"


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        cell_font(font_name()),
        ("GRID", (0, 0), (-1, -1), 0.6, LINE),
        ("BACKGROUND", (0, 0), (0, -1), HEAD),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _facts(hazard, st, width: float) -> Table:
    """The hazard's facts as a two-column table (label, value)."""
    rows = [
        ("隐患编号", hazard.number),
        ("隐患部位", hazard.location),
        ("隐患描述", hazard.description),
    ]
    if hazard.criterion_id:
        rows.append(("判定依据", f"{hazard.criterion.code} {hazard.criterion.text}"))
    rows += [
        ("发现时间", _date(timezone.localtime(hazard.found_at).date())),
        ("整改期限", _date(hazard.deadline)),
    ]
    return _table([[Paragraph(label, st["head"]), Paragraph(_p(value), st["cell"])] for label, value in rows],
                  [28 * mm, width - 28 * mm])


def _build(buf, *, title: str, subject: str, author: str, footer_left: str, footer_right: str, story: list) -> None:
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm, title=title, author=author, subject=subject,
                            initialFontName=font_name())

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(font_name(), 8.5)
        canvas.setFillColor(GREY)
        canvas.drawString(doc.leftMargin, 11 * mm, footer_left)
        canvas.drawRightString(doc.leftMargin + doc.width, 11 * mm, f"{footer_right}　第{document.page}页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)


def _section(story: list, st, heading: str, text: str) -> None:
    story.append(Paragraph(heading, st["plain"]))
    story.append(Paragraph(_p(text) or "（未填写）", st["body"]))


def dual_report_pdf(report) -> bytes:
    """One dual report as PDF bytes: the enterprise, the title, to whom, the hazard's facts, the
    three parts of the hazard report (or the treatment result with the rectification record), the
    documents attached, and the enterprise's signature block with the report date."""
    from anjian.core.services import attachments_for

    st = _styles(font_name())
    hazard = report.hazard
    enterprise = hazard.enterprise
    title = DUAL_TITLES.get(report.stage, DUAL_TITLES["initial"])
    width = A4[0] - 40 * mm
    if report.department_id:
        to = report.department.name
    elif report.recipient == "regulator":
        to = report.recipient_name or "负有安全生产监督管理职责的部门"
    else:
        to = report.recipient_name or "本单位职工代表大会"
    story = [
        Paragraph(_p(enterprise.name), st["issuer"]),
        Paragraph(title, st["title"]),
        Paragraph(f"隐患编号：{_p(hazard.number)}　　报告日期：{_date(report.reported_on)}", st["number"]),
        Spacer(1, 2 * mm),
        Paragraph(f"{_p(to)}：", st["to"]),
    ]
    if report.stage == "result":
        story.append(Paragraph(
            f"我单位编号为{_p(hazard.number)}的重大事故隐患已治理完毕。根据《中华人民共和国安全生产法》"
            "第四十一条的规定，现将治理结果报告如下。", st["body"]))
    else:
        story.append(Paragraph(
            "根据《中华人民共和国安全生产法》第四十一条和《安全生产事故隐患排查治理暂行规定》第十四条的规定，"
            "现将我单位存在的重大事故隐患报告如下。", st["body"]))
    story += [_facts(hazard, st, width), Spacer(1, 4 * mm)]
    if report.legacy:
        story.append(Paragraph("本报告在系统记录报告内容之前登记，仅保存了报告日期，报告正文见纸质存档。", st["small"]))
    elif report.stage == "result":
        _section(story, st, "一、治理结果", report.treatment_result)
        record = []
        if hazard.rectification_note:
            record.append(f"整改情况：{_p(hazard.rectification_note)}")
        if hazard.rectified_at:
            record.append(f"整改完成时间：{_date(timezone.localtime(hazard.rectified_at).date())}")
        if hazard.accepted_at:
            record.append(f"验收时间：{_date(timezone.localtime(hazard.accepted_at).date())}")
        if record:
            story.append(Paragraph("二、整改和验收记录", st["plain"]))
            story += [Paragraph(line, st["body"]) for line in record]
    else:
        _section(story, st, "一、隐患的现状及其产生原因", report.situation)
        _section(story, st, "二、隐患的危害程度和整改难易程度分析", report.severity_analysis)
        _section(story, st, "三、隐患的治理方案", report.treatment_plan)
        plan = [("责任人", hazard.plan_responsible), ("治理措施", hazard.plan_measures),
                ("资金（元）", f"{hazard.plan_funds:,.2f}" if hazard.plan_funds is not None else ""),
                ("治理时限", _date(hazard.plan_deadline) if hazard.plan_deadline else ""),
                ("应急预案", hazard.plan_contingency)]
        if any(value for _label, value in plan):
            story.append(Paragraph("“五落实”情况：", st["plain"]))
            story.append(_table([[Paragraph(label, st["head"]), Paragraph(_p(value) or "—", st["cell"])]
                                 for label, value in plan], [28 * mm, width - 28 * mm]))
    files = [a.name for a in attachments_for(report)]
    if files:
        story += [Spacer(1, 3 * mm), Paragraph("附件：" + "；".join(_p(n) for n in files), st["plain"])]
    story.append(Spacer(1, 10 * mm))
    signature = Table([
        [Paragraph("主要负责人（签字）：__________", st["plain"]), Paragraph(f"{_p(enterprise.name)}（盖章）", st["sign"])],
        [Paragraph("", st["plain"]), Paragraph(_date(report.reported_on), st["sign"])],
    ], colWidths=[width * 0.45, width * 0.55])
    signature.setStyle(TableStyle([cell_font(font_name()), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 8)]))
    story.append(KeepTogether([signature]))
    buf = io.BytesIO()
    _build(buf, title=f"{title} {hazard.number}", subject=title, author=enterprise.name,
           footer_left="本报告一式两份，一份报送报告对象，一份由本单位存档。", footer_right=hazard.number, story=story)
    return buf.getvalue()


def recheck_pdf(recheck) -> bytes:
    """The re-check opinion (整改复查意见书) as PDF bytes: the re-checking unit, title, number, the
    enterprise, what was re-checked (with the notice it follows), the opinion, the conclusion (a
    new deadline when it did not pass), the inspectors, the time limit and the signature blocks."""
    from .services import time_limit

    st = _styles(font_name())
    hazard = recheck.hazard
    enterprise = hazard.enterprise
    unit = recheck.department.name if recheck.department_id else ""
    width = A4[0] - 40 * mm
    story = []
    if unit:
        story.append(Paragraph(_p(unit), st["issuer"]))
    story += [
        Paragraph(RECHECK_TITLE, st["title"]),
        Paragraph(f"编号：{_p(recheck.number)}", st["number"]),
        Spacer(1, 2 * mm),
        Paragraph(f"{_p(enterprise.name)}：", st["to"]),
    ]
    basis = ""
    if recheck.notice_id:
        notice = recheck.notice
        basis = f"根据{_p(notice.department.name)}《事故隐患整改通知单》（编号：{_p(notice.number)}），"
    story.append(Paragraph(
        f"{basis}{_date(recheck.checked_on)}，我单位对你单位下列事故隐患的整改情况进行了复查。", st["body"]))
    story.append(_facts(hazard, st, width))
    story.append(Spacer(1, 4 * mm))
    _section(story, st, "复查意见：", recheck.opinion)
    if recheck.passed:
        conclusion = "经复查，上述事故隐患已整改完毕，复查合格。"
    else:
        conclusion = (f"经复查，上述事故隐患未整改完毕，复查不合格。责令你单位于<u>{_date(recheck.new_deadline)}</u>前"
                      "整改完毕，并将整改情况书面报告我单位；整改期间应当采取有效的安全防范措施。")
    story.append(Paragraph(f"复查结论：{conclusion}", st["body"]))
    inspectors = recheck.inspectors or (recheck.checked_by.name if recheck.checked_by_id and recheck.checked_by.name
                                        else "")
    if inspectors:
        story.append(Paragraph(f"复查人员：{_p(inspectors)}", st["plain"]))
    limit = f"复查时限：自整改期限届满之日或者收到整改完毕申请之日起{recheck.limit_days}日内"
    if recheck.due_on:
        limit += f"（应于{_date(recheck.due_on)}前复查）"
    rule = time_limit("recheck")
    if rule.certainty != "unconfirmed" and rule.basis:
        limit += f"；依据：{_p(rule.basis)}"
    story += [Spacer(1, 2 * mm), Paragraph(limit + "。", st["small"]), Spacer(1, 8 * mm)]
    signature = Table([
        [Paragraph("被复查单位负责人（签收）：__________", st["plain"]),
         Paragraph(f"{_p(unit)}（盖章）" if unit else "复查单位（盖章）", st["sign"])],
        [Paragraph("签收日期：________年____月____日", st["plain"]), Paragraph(_date(recheck.checked_on), st["sign"])],
    ], colWidths=[width * 0.5, width * 0.5])
    signature.setStyle(TableStyle([cell_font(font_name()), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 8)]))
    story.append(KeepTogether([signature]))
    buf = io.BytesIO()
    _build(buf, title=f"{RECHECK_TITLE} {recheck.number}", subject=RECHECK_TITLE, author=unit or enterprise.name,
           footer_left="本意见书一式两份，一份交被复查单位，一份由复查单位存档。", footer_right=recheck.number,
           story=story)
    return buf.getvalue()


def record_pdf(record) -> tuple[bytes, str]:
    """The PDF of a record kept on a hazard (a dual report, a re-check) and its file name: the
    pages and the API print them alike."""
    from .models import DualReport

    if isinstance(record, DualReport):
        return dual_report_pdf(record), f"dual-report-{record.hazard.number}-{record.pk}.pdf"
    return recheck_pdf(record), f"recheck-{record.number}.pdf"

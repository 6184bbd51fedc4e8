"""The enforcement documents of an on-site inspection as printable A4 PDFs: 现场检查记录 (with both
signatures drawn on the phone), 责令限期整改指令书 (with its deadline), 整改复查意见书 and
强制措施决定书, each headed by the issuing department and its number (文号).

The wording is the official Chinese text of the documents, so it is not run through translation
(as the rectification notice in hazards/documents.py). Chinese is set in the embedded PDF font of
``core.pdf``. What a document said when it was issued is kept on it (``EnforcementDocument.content``)
so a later print reads the same."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anjian.core.pdf import cell_font, font_name

from .choices import DocumentKind
from .data.measures import MEASURES

TITLES = {
    DocumentKind.RECORD: "现场检查记录",
    DocumentKind.ORDER: "责令限期整改指令书",
    DocumentKind.RECHECK: "整改复查意见书",
    DocumentKind.MEASURE: "强制措施决定书",
}
FILE_NAMES = {DocumentKind.RECORD: "record", DocumentKind.ORDER: "order", DocumentKind.RECHECK: "recheck",
              DocumentKind.MEASURE: "measure"}
KIND_TEXT = {"planned": "计划检查", "random": "双随机抽查", "unannounced": "“四不两直”暗查暗访", "night": "夜查突查",
             "expert": "专家会诊", "joint": "联合检查"}
RESULT_TEXT = {"pass": "符合", "hazard_found": "不符合", "not_applicable": "不适用", "": "未检查"}
MEASURE_TEXT = {"suspend": "责令暂时停产停业", "stop_construction": "责令停止施工", "stop_power": "停止供电",
                "seal_seize": "查封、扣押"}
GREY = colors.HexColor("#555555")
LINE = colors.HexColor("#333333")
HEAD = colors.HexColor("#EEF2F7")
RED = colors.HexColor("#B71C1C")


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "________年____月____日"


def _p(text) -> str:
    return escape(str(text or "")).replace("\n", "<br/>")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK")
    return {
        "issuer": ParagraphStyle("issuer", parent=base, fontSize=15, leading=22, alignment=TA_CENTER, textColor=RED),
        "title": ParagraphStyle("title", parent=base, fontSize=21, leading=30, alignment=TA_CENTER, spaceAfter=2),
        "number": ParagraphStyle("number", parent=base, fontSize=10.5, alignment=TA_RIGHT, textColor=GREY),
        "to": ParagraphStyle("to", parent=base, fontSize=13, leading=22, spaceBefore=6),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=23, spaceAfter=4),
        "plain": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
        "cell_c": ParagraphStyle("cell_c", parent=base, fontSize=10, leading=14, alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", parent=base, fontSize=12, leading=22, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=GREY),
    }


def _grid(rows, widths, font, head: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if head else 0)
    style = [cell_font(font), ("GRID", (0, 0), (-1, -1), 0.6, LINE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD) if head else ("BACKGROUND", (0, 0), (0, -1), HEAD))
    table.setStyle(TableStyle(style))
    return table


def _head(doc, st) -> list:
    return [Paragraph(_p(doc.department.name), st["issuer"]), Paragraph(TITLES[doc.kind], st["title"]),
            Paragraph(f"文号：{_p(doc.number)}", st["number"]), Spacer(1, 2 * mm)]


def _signature_image(attachment, width: float, height: float):
    """The signature PNG scaled into the box, or None when it cannot be read."""
    if attachment is None:
        return None
    try:
        with attachment.file.open("rb") as f:
            data = io.BytesIO(f.read())
        from PIL import Image as PILImage

        w, h = PILImage.open(data).size
        data.seek(0)
        scale = min(width / w, height / h)
        return Image(data, width=w * scale, height=h * scale)
    except (OSError, ValueError):
        return None


def _team(insp) -> str:
    names = [o.name or o.username for o in insp.officers.all()] + [e.name for e in insp.experts.all()]
    return "、".join(names) or "—"


def _record_story(doc, st, font, width) -> list:
    insp = doc.inspection
    ent = insp.enterprise
    story = _head(doc, st)
    started = timezone.localtime(insp.started_at) if insp.started_at else None
    facts = [
        ["被检查单位", ent.name, "统一社会信用代码", ent.credit_code],
        ["地址", ent.address or "—", "检查场所", insp.location or "—"],
        ["检查类别", KIND_TEXT.get(insp.kind, insp.kind), "检查时间", f"{started:%Y年%m月%d日 %H:%M}" if started else "—"],
        ["检查人员", _team(insp), "带队领导", insp.leader_name or "—"],
    ]
    if insp.joint_departments.exists():
        facts.append(["联合检查部门", "、".join(d.name for d in insp.joint_departments.all()), "", ""])
    rows = [[Paragraph(_p(c), st["cell"]) for c in row] for row in facts]
    table = Table(rows, colWidths=[26 * mm, width / 2 - 26 * mm, 30 * mm, width / 2 - 30 * mm])
    table.setStyle(TableStyle([cell_font(font), ("GRID", (0, 0), (-1, -1), 0.6, LINE),
                               ("BACKGROUND", (0, 0), (0, -1), HEAD), ("BACKGROUND", (2, 0), (2, -1), HEAD),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [table, Spacer(1, 4 * mm), Paragraph("检查情况：", st["plain"])]
    items = list(insp.record.items.order_by("sort", "id")) if insp.record_id else []
    findings = {f.item_id: f for f in insp.findings.select_related("hazard")}
    cols = [12 * mm, width - (12 + 20 + 45) * mm, 20 * mm, 45 * mm]
    rows = [[Paragraph(h, st["head"]) for h in ("序号", "检查内容", "结果", "处理")]]
    for i, item in enumerate(items, start=1):
        f = findings.get(item.pk)
        handled = ""
        if f is not None and f.hazard_id:
            handled = f"列入隐患 {f.hazard.number}，限{_date(f.hazard.deadline)}前整改"
        elif f is not None:
            handled = "违法行为，移交立案查处"
        content = item.content + (f"（{item.note}）" if item.note else "")
        rows.append([Paragraph(str(i), st["cell_c"]), Paragraph(_p(content), st["cell"]),
                     Paragraph(RESULT_TEXT.get(item.result, item.result), st["cell_c"]), Paragraph(_p(handled),
                                                                                                  st["cell"])])
    if items:
        story.append(_grid(rows, cols, font))
    story += [Spacer(1, 3 * mm), Paragraph(f"检查结论：{_p(insp.summary or insp.get_outcome_display())}", st["body"])]
    story.append(Spacer(1, 6 * mm))
    box_w, box_h = width * 0.3, 18 * mm
    officer_sig = _signature_image(insp.officer_signature, box_w, box_h) or Paragraph("__________", st["plain"])
    ent_sig = _signature_image(insp.enterprise_signature, box_w, box_h) or Paragraph("__________", st["plain"])
    signed = timezone.localtime(insp.signed_at) if insp.signed_at else None
    rep = insp.enterprise_rep_name + (f"（{insp.enterprise_rep_title}）" if insp.enterprise_rep_title else "")
    sig = Table([
        [Paragraph("检查人员（签名）：", st["plain"]), officer_sig, Paragraph("被检查单位现场负责人（签名）：", st["plain"]),
         ent_sig],
        [Paragraph("", st["plain"]), Paragraph(_p(_team(insp)), st["small"]), Paragraph("", st["plain"]),
         Paragraph(_p(rep), st["small"])],
        [Paragraph("", st["plain"]), Paragraph(_date(signed), st["small"]), Paragraph("", st["plain"]),
         Paragraph(_date(signed), st["small"])],
    ], colWidths=[width * 0.2, width * 0.3, width * 0.2, width * 0.3])
    sig.setStyle(TableStyle([cell_font(font), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story.append(KeepTogether([sig]))
    return story


def _order_story(doc, st, font, width) -> list:
    from anjian.hazards.models import Hazard

    insp = doc.inspection
    story = _head(doc, st)
    deadline = doc.content.get("deadline")
    from datetime import date

    deadline = date.fromisoformat(deadline) if deadline else insp.rectification_deadline
    hazards = list(Hazard.objects.filter(pk__in=doc.content.get("hazards", [])).order_by("id"))
    started = timezone.localdate(insp.started_at) if insp.started_at else doc.issued_on
    story += [
        Paragraph(f"{_p(insp.enterprise.name)}：", st["to"]),
        Paragraph(f"经{_date(started)}现场检查，发现你单位存在下列问题（共{len(hazards)}项）。根据《中华人民共和国安全生产法》"
                  f"第六十五条的规定，现责令你单位于<u>{_date(deadline)}</u>前整改完毕，达到有关法律法规规章和国家标准或者行业标准"
                  "规定的要求，并将整改情况书面报告我单位。整改期间应当采取有效措施，防止发生生产安全事故；重大事故隐患排除前或者排除过程中"
                  "无法保证安全的，应当从危险区域内撤出作业人员。", st["body"]),
    ]
    cols = [12 * mm, 34 * mm, width - (12 + 34 + 30) * mm, 30 * mm]
    rows = [[Paragraph(h, st["head"]) for h in ("序号", "隐患编号", "问题描述", "整改期限")]]
    for i, h in enumerate(hazards, start=1):
        rows.append([Paragraph(str(i), st["cell_c"]), Paragraph(_p(h.number), st["cell"]),
                     Paragraph(_p(h.description), st["cell"]), Paragraph(_date(h.deadline), st["cell_c"])])
    story += [_grid(rows, cols, font), Spacer(1, 4 * mm),
              Paragraph("逾期未整改或者整改不合格的，将依法予以处理。如不服本指令，可以依法申请行政复议或者提起行政诉讼，"
                        "但本指令不停止执行。", st["body"])]
    return story + _seal(doc, st, font, width, receipt=True)


def _recheck_story(doc, st, font, width) -> list:
    insp = doc.inspection
    c = doc.content
    story = _head(doc, st)
    order = insp.documents.filter(kind=DocumentKind.ORDER).order_by("id").first()
    basis = f"根据《责令限期整改指令书》（{_p(order.number)}），" if order else ""
    story += [Paragraph(f"{_p(insp.enterprise.name)}：", st["to"]),
              Paragraph(f"{basis}我单位于{_date(doc.issued_on)}对你单位的整改情况进行了复查。", st["body"])]
    rows = [[Paragraph(h, st["head"]) for h in ("序号", "隐患编号", "复查记录编号")]]
    for i, r in enumerate(c.get("hazards", []), start=1):
        rows.append([Paragraph(str(i), st["cell_c"]), Paragraph(_p(r.get("number")), st["cell"]),
                     Paragraph(_p(r.get("recheck")), st["cell"])])
    if len(rows) > 1:
        story.append(_grid(rows, [12 * mm, (width - 12 * mm) / 2, (width - 12 * mm) / 2], font))
        story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(f"复查意见：{_p(c.get('opinion'))}", st["body"]))
    if c.get("passed"):
        conclusion = "经复查，上述问题已整改完毕，复查合格。"
    else:
        from datetime import date

        nd = c.get("new_deadline")
        conclusion = (f"经复查，上述问题未整改完毕，复查不合格。责令你单位于<u>{_date(date.fromisoformat(nd) if nd else None)}</u>"
                      "前整改完毕，逾期未整改的，将依法予以处理。")
    story.append(Paragraph(f"复查结论：{conclusion}", st["body"]))
    if c.get("inspectors"):
        story.append(Paragraph(f"复查人员：{_p(c['inspectors'])}", st["plain"]))
    return story + _seal(doc, st, font, width, receipt=True)


def _measure_story(doc, st, font, width) -> list:
    insp = doc.inspection
    m = doc.measure
    story = _head(doc, st)
    what = MEASURE_TEXT.get(m.kind, m.get_kind_display())
    period = f"自{_date(m.starts_on)}起" + (f"至{_date(m.ends_on)}止" if m.ends_on else "")
    story += [
        Paragraph(f"{_p(insp.enterprise.name)}：", st["to"]),
        Paragraph(f"经查，{_p(m.reason)}", st["body"]),
        Paragraph(f"依据{_p(m.legal_basis)}的规定，本机关决定对你单位采取以下强制措施：<b>{what}</b>，{period}。", st["body"]),
    ]
    if m.scope:
        story.append(Paragraph(f"措施范围（设施、场所、物品）：{_p(m.scope)}", st["body"]))
    if m.approved_by_name:
        story.append(Paragraph(f"本决定经本部门主要负责人{_p(m.approved_by_name)}批准。", st["body"]))
    if MEASURES.get(m.kind, {}).get("certainty") == "unconfirmed":
        story.append(Paragraph("（法律依据条款待核对官方文本）", st["small"]))
    story.append(Paragraph("你单位依法履行决定、消除事故隐患的，本机关将及时解除上述措施。如不服本决定，可以在收到本决定书之日起六十日内"
                           "依法申请行政复议，或者在六个月内依法提起行政诉讼。", st["body"]))
    return story + _seal(doc, st, font, width, receipt=True)


def _seal(doc, st, font, width, receipt: bool) -> list:
    sig = Table([
        [Paragraph("被检查单位负责人（签收）：__________" if receipt else "", st["plain"]),
         Paragraph(f"{_p(doc.department.name)}（印章）", st["sign"])],
        [Paragraph("签收日期：________年____月____日" if receipt else "", st["plain"]),
         Paragraph(_date(doc.issued_on), st["sign"])],
    ], colWidths=[width * 0.5, width * 0.5])
    sig.setStyle(TableStyle([cell_font(font), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                             ("TOPPADDING", (0, 0), (-1, -1), 10)]))
    return [Spacer(1, 8 * mm), KeepTogether([sig])]


BUILDERS = {DocumentKind.RECORD: _record_story, DocumentKind.ORDER: _order_story,
            DocumentKind.RECHECK: _recheck_story, DocumentKind.MEASURE: _measure_story}


def document_pdf(doc) -> tuple[bytes, str]:
    """The document as PDF bytes and its file name."""
    font = font_name()
    st = _styles(font)
    buf = io.BytesIO()
    title = TITLES[doc.kind]
    pdf = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm, title=f"{title} {doc.number}", author=doc.department.name,
                            subject=title, initialFontName=font)
    story = BUILDERS[doc.kind](doc, st, font, pdf.width)

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.setFillColor(GREY)
        canvas.drawString(pdf.leftMargin, 11 * mm, "本文书一式两份，一份交被检查单位，一份由执法部门存档。")
        canvas.drawRightString(pdf.leftMargin + pdf.width, 11 * mm, f"{doc.number}　第{document.page}页")
        canvas.restoreState()

    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue(), f"{FILE_NAMES[doc.kind]}-{doc.inspection.number}-{doc.pk}.pdf"

"""Demo on-site enforcement inspections for `anjian demo` (called by ``demo.build_demo``): for every
demo county with a published draw, this month's leader rotation (包县), random inspections of the
first drawn enterprises (one finding a hazard, documents issued; one without problems, closed), a
night check led by the month's leader with a violation and a compulsory measure, and a planned
inspection prepared for next week — all ``is_demo``, made through the services (events, numbers,
versions and checks are the product's). Idempotent: a department with demo inspections is skipped."""

from __future__ import annotations

import datetime
import io
import random

from django.utils import timezone
from PIL import Image, ImageDraw

from . import services
from .choices import DrawState, InspectionMode
from .models import EnforcementInspection, LeaderRotation, RandomDraw

LEADERS = [("副区长", "分管安全生产副区长"), ("区应急管理局局长", "局长"), ("区委常委", "常委、副区长")]


def _signature(rng: random.Random) -> bytes:
    """A scribble standing for a signature drawn on the phone."""
    im = Image.new("RGBA", (360, 140), (255, 255, 255, 0))
    draw = ImageDraw.Draw(im)
    x, points = 12, []
    while x < 340:
        points.append((x, rng.randint(30, 110)))
        x += rng.randint(18, 40)
    draw.line(points, fill=(20, 20, 20, 255), width=4, joint="curve")
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def _checklist(enterprise):
    from anjian.inspections.selectors import checklist_queryset

    return checklist_queryset(enterprise).filter(enterprise__isnull=True).first()


def _walk(insp, admin, rng, *, hazard: bool = False, violation: bool = False, rep: str = "") -> None:
    services.start_inspection(insp, actor=admin)
    insp.refresh_from_db()
    items = list(insp.record.items.order_by("sort")[:12]) if insp.record_id else []
    wanting = {0} if (hazard or violation) and items else set()
    if hazard and violation and len(items) > 1:
        wanting = {0, 1}
    results = [{"item": it.pk, "result": "hazard_found" if i in wanting else "pass",
                "note": "现场检查发现该项不符合要求" if i in wanting else ""} for i, it in enumerate(items)]
    extra = insp.record.items.exclude(pk__in=[it.pk for it in items]) if insp.record_id else []
    results += [{"item": it.pk, "result": "not_applicable"} for it in extra]
    if results:
        services.record_inspection_results(insp, actor=admin, results=results)
    today = timezone.localdate()
    for i in sorted(wanting):
        if violation and i == 0:
            services.note_finding_violation(insp, items[i], actor=admin, violation="未按规定对重大危险源进行定期检测",
                                            legal_basis="《中华人民共和国安全生产法》第四十条")
        else:
            services.raise_finding_hazard(insp, items[i], actor=admin,
                                          data={"deadline": today + datetime.timedelta(days=rng.randint(10, 25))})
    services.add_signature(insp, actor=admin, signer="officer", png=_signature(rng))
    services.add_signature(insp, actor=admin, signer="enterprise", png=_signature(rng), name=rep or "企业负责人",
                           title="安全生产管理人员")
    summary = "现场检查未发现问题。" if not wanting else "现场检查发现问题，已当场告知企业并依法处理。"
    services.sign_inspection(insp, actor=admin, summary=summary)


def build(admin, today: datetime.date, rng: random.Random) -> dict:
    """The demo inspections of every demo county with a published draw; answers the counts."""
    from anjian.core.demo.people import person

    made = {"rotations": 0, "inspections": 0}
    for draw in (RandomDraw.objects.filter(is_demo=True, state=DrawState.PUBLISHED, is_voided=False)
                 .select_related("department__region", "plan").order_by("id")):
        dept = draw.department
        if EnforcementInspection.objects.filter(department=dept, is_demo=True).exists():
            continue
        county = dept.region
        month = today.replace(day=1)
        if not LeaderRotation.objects.filter(region=county, month=month, is_voided=False).exists():
            title, post = rng.choice(LEADERS)
            services.record_rotation(actor=admin, data={
                "month": month, "region": county, "leader_name": person(rng), "leader_title": post,
                "note": f"{title}包{county.name}，带队开展夜查突查", "is_demo": True})
            made["rotations"] += 1
        entries = list(draw.entries.select_related("enterprise").order_by("order")[:2])
        for n, entry in enumerate(entries):
            insp = services.create_inspection(actor=admin, department=dept, draw_entry=entry, data={
                "kind": InspectionMode.RANDOM, "checklist": _checklist(entry.enterprise), "is_demo": True,
                "location": "生产车间及仓库"})
            _walk(insp, admin, rng, hazard=n == 0, rep=person(rng))
            services.issue_documents(insp, actor=admin)
            if n == 1:
                services.close_inspection(insp, actor=admin, comment="未发现问题，检查结束")
            made["inspections"] += 1
        others = [e.enterprise for e in draw.plan.entries.filter(is_voided=False).select_related("enterprise")
                  .order_by("-is_key", "id")[2:4]] if draw.plan_id else []
        if others:
            night = services.create_inspection(actor=admin, department=dept, enterprise=others[0], data={
                "kind": InspectionMode.NIGHT, "checklist": _checklist(others[0]), "is_demo": True,
                "location": "夜间生产现场"})
            _walk(night, admin, rng, hazard=True, violation=True, rep=person(rng))
            services.decide_measure(night, actor=admin, kind="suspend", reason="重大事故隐患排除前无法保证安全",
                                    scope="涉事生产装置")
            services.issue_documents(night, actor=admin)
            made["inspections"] += 1
        if len(others) > 1 and draw.plan_id:
            entry = draw.plan.entries.get(enterprise=others[1], is_voided=False)
            services.create_inspection(actor=admin, department=dept, plan_entry=entry, data={
                "kind": InspectionMode.PLANNED, "checklist": _checklist(others[1]), "is_demo": True,
                "planned_on": today + datetime.timedelta(days=7)})
            made["inspections"] += 1
    return made

"""Builders of on-site enforcement inspections for tests, through the services as the product
builds them: a prepared inspection, one walked to signing, signatures as real PNGs."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone
from PIL import Image, ImageDraw

from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_checklist

from .. import services
from ..choices import InspectionMode


def signature_png(text: str = "签") -> bytes:
    """A small PNG with a stroke on it, as the phone's signature pad sends."""
    im = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(im)
    draw.line([(10, 90), (80, 20), (150, 100), (290, 30)], fill=(0, 0, 0, 255), width=4)
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def make_inspection(world, actor=None, *, enterprise=None, kind: str = InspectionMode.UNANNOUNCED, items: int = 3,
                    checklist=None, **kw) -> Any:
    """A prepared inspection of county A's enterprise by its bureau, with a checklist of ``items``."""
    actor = actor or world.users[Role.REGULATOR]
    if checklist is None and items:
        checklist = make_checklist(items)
    data = {"kind": kind, "checklist": checklist, "location": "生产车间", **kw.pop("data", {})}
    return services.create_inspection(actor=actor, department=kw.pop("department", world.dept_a),
                                      enterprise=enterprise or world.ent_a, data=data, **kw)


def walk(insp, actor, *, found: int = 1, violation: bool = False, deadline: datetime.date | None = None):
    """Start on site, mark ``found`` items found wanting (the first one a violation when asked, the
    others hazards due by ``deadline``), the rest passed; both signatures. Answers the hazards."""
    services.start_inspection(insp, actor=actor)
    insp.refresh_from_db()
    items = list(insp.record.items.order_by("sort"))
    results = [{"item": it.pk, "result": "hazard_found" if i < found else "pass", "note": "现场发现问题" if i < found
                else ""} for i, it in enumerate(items)]
    services.record_inspection_results(insp, actor=actor, results=results)
    hazards = []
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=15)
    for i, item in enumerate(items[:found]):
        if violation and i == 0:
            services.note_finding_violation(insp, item, actor=actor, violation="未按规定设置安全警示标志",
                                            legal_basis="《安全生产法》第三十五条")
        else:
            hazards.append(services.raise_finding_hazard(insp, item, actor=actor, data={"deadline": deadline}))
    services.add_signature(insp, actor=actor, signer="officer", png=signature_png())
    services.add_signature(insp, actor=actor, signer="enterprise", png=signature_png(), name="张厂长",
                           title="安全负责人")
    return hazards


def walk_inspection_records(world, ent) -> dict[str, Any]:
    """For the route walk: a prepared inspection of ``ent`` (its steps' pages), a document of
    another one walked and issued, and the county's leader rotation of the month (shared)."""
    from ..models import LeaderRotation

    admin = world.users[Role.ADMIN]
    made: dict[str, Any] = {"enforcement.EnforcementInspection": make_inspection(world, admin, enterprise=ent,
                                                                                 items=2)}
    issued = make_inspection(world, admin, enterprise=ent, items=2)
    walk(issued, admin, found=1)
    services.sign_inspection(issued, actor=admin)
    services.issue_documents(issued, actor=admin)
    made["enforcement.EnforcementDocument"] = issued.documents.order_by("id").first()
    month = timezone.localdate().replace(day=1)
    made["enforcement.LeaderRotation"] = LeaderRotation.objects.filter(region=world.county_a, month=month).first() \
        or services.record_rotation(actor=admin, data={"month": month, "region": world.county_a,
                                                       "leader_name": "包县领导"})
    return made

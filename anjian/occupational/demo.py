"""Demo occupational health for `anjian demo`: for up to 120 demo factories (the site profile of their industry), the hazard exposures
of two or three posts, a declaration (most accepted by the county's regulator, one returned per
county, a few serious), detections (some overdue, some with a point over the limit, one raised as
a hazard), examinations (a few with a suspected disease or a contraindication), training and
protective equipment — all through the real services, marked ``is_demo``. Idempotent: nothing is
made when demo exposures exist."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.core.demo import profiles
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import User

from . import services
from .choices import DetectionKind, ExamKind, ExamResult, HazardLevel, TraineeRole
from .models import Declaration, Detection, Examination, Exposure, HazardFactor, ProtectiveIssue, Training

POSTS = [("打磨车间", "打磨工", "D01", Decimal("1"), "mg/m³"), ("喷漆车间", "喷漆工", "C03", Decimal("50"), "mg/m³"),
         ("冲压车间", "冲压工", "P01", Decimal("85"), "dB(A)"), ("焊接车间", "电焊工", "D06", Decimal("4"), "mg/m³"),
         ("锅炉房", "司炉工", "P02", Decimal("30"), "℃")]


@transaction.atomic
def build_demo(seed: int = 0) -> dict:
    if Exposure.objects.filter(is_demo=True).exists():
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    regulators = {u.scope_region.path: u for u in User.objects.filter(
        role=Role.REGULATOR, is_demo=True, scope_region__isnull=False).select_related("scope_region")}
    if not regulators:
        return {}
    factors = {f.code: f for f in HazardFactor.objects.filter(code__in=[p[2] for p in POSTS])}
    # Workshops with dust, solvents and noise belong to factories (the demo's site profiles).
    enterprises = [e for e in Enterprise.objects.filter(is_demo=True, is_voided=False).select_related("industry")
                   .order_by("pk") if profiles.profile_for(e.industry.code) == profiles.FACTORY]
    chosen = rng.sample(enterprises, min(len(enterprises), 120))
    made = dict.fromkeys(("exposures", "declarations", "detections", "exceedances", "hazards", "examinations",
                          "trainings", "equipment"), 0)
    returned: set[str] = set()
    for ent in chosen:
        reg = next((u for p, u in regulators.items() if ent.region_path.startswith(p)), None)
        if reg is None:
            continue
        posts = rng.sample(POSTS, rng.randint(2, 3))
        workers = 0
        for workplace, post, code, _limit, _unit in posts:
            n = rng.randint(3, 40)
            workers += n
            services.record_entry(Exposure, actor=reg, enterprise=ent, data={
                "workplace": workplace, "post": post, "factor": factors[code], "exposed_workers": n, "is_demo": True})
            made["exposures"] += 1
        level = HazardLevel.SERIOUS if rng.random() < 0.25 else HazardLevel.GENERAL
        if rng.random() < 0.9:
            decl = services.record_entry(Declaration, actor=reg, enterprise=ent, data={
                "kind": "initial", "hazard_level": level, "declared_on": today - datetime.timedelta(days=rng.randint(60, 900)),
                "principal": "王经理", "exposed_workers": workers, "is_demo": True,
                "content": "；".join(f"{w}{p}：{factors[c].name}" for w, p, c, _l, _u in posts)})
            county = ent.region_path[:len(next(p for p in regulators if ent.region_path.startswith(p)))]
            if county not in returned:
                services.return_declaration(decl, actor=reg, reason="接触人数与岗位清单不一致，请核实后重新申报")
                returned.add(county)
            elif rng.random() < 0.85:
                services.accept_declaration(decl, actor=reg)
            made["declarations"] += 1
        # the last detection: within the cadence for most, overdue for some
        years = 1 if level == HazardLevel.SERIOUS else 3
        age = rng.randint(30, 330 * years) if rng.random() < 0.8 else 365 * years + rng.randint(20, 200)
        det = services.record_entry(Detection, actor=reg, enterprise=ent, data={
            "kind": DetectionKind.DETECTION, "performed_on": today - datetime.timedelta(days=age),
            "service_body": "示范市职业卫生技术服务中心", "qualification": "（示范）职卫资字第001号",
            "report_number": f"（示范）ZJ{today.year}-{ent.pk:05d}", "is_demo": True})
        made["detections"] += 1
        for workplace, post, code, limit, unit in posts:
            over = rng.random() < 0.12
            measured = (limit * Decimal(rng.uniform(1.05, 1.6)) if over else limit * Decimal(rng.uniform(0.2, 0.95)))
            row = services.add_result(det, actor=reg, data={
                "point": f"{workplace}{post}岗位", "factor": factors[code], "measured": measured.quantize(Decimal("0.1")),
                "limit": limit, "unit": unit})
            if over:
                made["exceedances"] += 1
                if made["hazards"] < 6:
                    services.raise_hazard(row, actor=reg)
                    made["hazards"] += 1
                    det = Detection.objects.get(pk=det.pk)  # the raise moved the detection's version
        if level == HazardLevel.SERIOUS and rng.random() < 0.7:
            services.record_entry(Detection, actor=reg, enterprise=ent, data={
                "kind": DetectionKind.EVALUATION, "performed_on": today - datetime.timedelta(days=rng.randint(100, 1300)),
                "service_body": "示范市职业卫生技术服务中心", "report_number": f"（示范）PJ{ent.pk:05d}", "is_demo": True})
            made["detections"] += 1
        for k in range(rng.randint(2, 6)):
            result = rng.choices([ExamResult.NORMAL, ExamResult.OTHER, ExamResult.SUSPECTED, ExamResult.CONTRAINDICATION],
                                 [85, 8, 3, 4])[0]
            post = rng.choice(posts)
            services.record_entry(Examination, actor=reg, enterprise=ent, data={
                "worker": f"职工{ent.pk % 1000:03d}{k}", "post": post[1], "factors": factors[post[2]].name,
                "kind": rng.choice([ExamKind.ON_POST, ExamKind.ON_POST, ExamKind.PRE_POST, ExamKind.LEAVING]),
                "examined_on": today - datetime.timedelta(days=rng.randint(10, 500)), "institution": "示范市职业病防治院",
                "result": result, "is_demo": True})
            made["examinations"] += 1
        for role in TraineeRole.values:
            if rng.random() < 0.8:
                services.record_entry(Training, actor=reg, enterprise=ent, data={
                    "role": role, "topic": "职业病防治法律法规与岗位防护", "trained_on": today - datetime.timedelta(
                        days=rng.randint(10, 500)), "hours": Decimal(8), "trainees": 1 if role != "worker" else workers,
                    "provider": "示范市职业病防治院", "is_demo": True})
                made["trainings"] += 1
        services.record_entry(ProtectiveIssue, actor=reg, enterprise=ent, data={
            "item": "防尘口罩（KN95）" if posts[0][2].startswith("D") else "防噪声耳塞", "post": posts[0][1],
            "quantity": workers * 4, "issued_on": today - datetime.timedelta(days=rng.randint(5, 120)), "is_demo": True})
        made["equipment"] += 1
    return made

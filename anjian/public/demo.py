"""Demo tips for `anjian demo`: per demo county a handful of tips filed through the public service
(anonymous and real-name, one duplicate), accepted, verified and one confirmed tip carried to a
hazard and a paid reward; and per county one hazard under listed supervision published — all
through the real services, marked ``is_demo``. Idempotent: nothing is made when demo tips exist."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import User

from . import services
from .models import RewardScale, Tip

TEXTS = ("仓库堆放大量油漆桶，消防通道被货物堵死，灭火器过期。", "夜间违规动火切割，无人监护，现场有可燃物。",
         "有限空间作业未检测气体，工人未佩戴防护用品。", "企业上月发生一起工伤死亡事故，未向政府报告。")


@transaction.atomic
def build_demo(seed: int = 0) -> dict:
    if Tip.objects.filter(is_demo=True).exists():
        return {}
    rng = random.Random(seed)
    regulators = list(User.objects.filter(role=Role.REGULATOR, is_demo=True, scope_region__isnull=False,
                                          department__isnull=False).select_related("scope_region", "department"))
    made = {"tips": 0, "confirmed": 0, "rewards": 0, "published": 0}
    for reg in regulators:
        ents = list(Enterprise.objects.filter(is_voided=False, region_path__startswith=reg.scope_region.path)
                    .select_related("region", "industry").order_by("pk")[:40])
        if not ents:
            continue
        for i in range(4):
            ent = rng.choice(ents)
            real = i % 2 == 0
            tip, _secret = services.submit_tip(data={
                "kind": "concealment" if i == 3 else "hazard", "description": f"{TEXTS[i]}（{ent.name}，{reg.username}）", "region": ent.region,
                "address": f"{ent.region.name}{rng.randint(1, 99)}号", "unit_name": ent.name[:100], "enterprise": ent,
                "is_anonymous": not real, "reporter_name": "王某" if real else "",
                "reporter_phone": f"1390000{rng.randint(1000, 9999)}" if real else ""})
            Tip.objects.filter(pk=tip.pk).update(is_demo=True)
            made["tips"] += 1
            if i == 3 or tip.duplicate_of_id:
                continue  # left received: the handler's inbox
            tip = services.accept_tip(tip, actor=reg)
            if i == 0:
                tip = services.verify_tip(tip, actor=reg, confirmed=True, outcome="经现场核查，举报属实，已责令整改。")
                services.raise_hazard(tip, actor=reg, grade="general",
                                      deadline=timezone.localdate() + datetime.timedelta(days=15))
                tip.refresh_from_db()
                reward = services.propose_reward(tip, actor=reg, scale=RewardScale.objects.get(code="hazard_share"),
                                                 fine_yuan=Decimal("50000"), note="按罚款金额15%计奖（最低3000元）。")
                reward = services.approve_reward(reward, actor=reg)
                services.pay_reward(reward, actor=reg, paid_on=timezone.localdate(), reference=f"JL{tip.pk:06d}")
                made["confirmed"] += 1
                made["rewards"] += 1
            elif i == 1:
                services.verify_tip(tip, actor=reg, confirmed=False, outcome="经现场核查，未发现举报所述情况。")
        from anjian.hazards.models import ListedSupervision

        listing = (ListedSupervision.objects.filter(state="listed", region_path__startswith=reg.scope_region.path)
                   .order_by("pk").first())
        if listing is not None:
            from .models import ListingPublication

            if not ListingPublication.objects.filter(listing=listing).exists():
                pub = services.publish_listing(listing, actor=reg)
                ListingPublication.objects.filter(pk=pub.pk).update(is_demo=True)
                made["published"] += 1
    return made

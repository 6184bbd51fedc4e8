"""Demo credit for `anjian demo`: the bad records of the demo's decided cases, accidents and listed
major hazards (derived by ``collect_records``, most confirmed by the county's regulator, a few left
awaiting confirmation), a few commendations, and per demo county one enterprise listed as
seriously untrustworthy (published, with an issued joint punishment notice) and one proposed — all
through the real services, marked ``is_demo``; then every enterprise's grade. Idempotent: nothing
is made when demo listings exist."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import User

from . import services
from .choices import RecordState
from .models import Blacklisting, CreditRecord, CreditRecordKind

MEASURES = ("1. 加大执法检查频次，列为重点监管监察对象；\n2. 暂停其安全生产标准化评审；\n"
            "3. 在政府采购、评优评先、融资信贷等方面依法依规予以限制。")


@transaction.atomic
def build_demo(seed: int = 0) -> dict:
    if Blacklisting.objects.filter(is_demo=True).exists():
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    regulators = {u.scope_region.path: u for u in User.objects.filter(
        role=Role.REGULATOR, is_demo=True, scope_region__isnull=False, department__isnull=False)
        .select_related("scope_region", "department")}
    if not regulators:
        return {}
    made = {"derived": sum(services.collect_records().values()), "confirmed": 0, "commendations": 0, "listed": 0,
            "proposed": 0, "notices": 0}

    def regulator_of(path: str):
        return next((u for p, u in regulators.items() if path.startswith(p)), None)

    for rec in CreditRecord.objects.filter(state=RecordState.PENDING, is_voided=False).order_by("pk"):
        reg = regulator_of(rec.region_path)
        if reg is not None and rng.random() < 0.8:
            services.confirm_record(rec, actor=reg)
            made["confirmed"] += 1
    commendation = CreditRecordKind.objects.get(code="commendation")
    enterprises = list(Enterprise.objects.filter(is_demo=True, is_voided=False).order_by("pk"))
    for ent in rng.sample(enterprises, min(len(enterprises), max(1, len(enterprises) // 20))):
        reg = regulator_of(ent.region_path)
        if reg is None:
            continue
        rec = services.record_credit(actor=reg, enterprise=ent, data={
            "kind": commendation, "occurred_on": today - datetime.timedelta(days=rng.randint(10, 300)),
            "document": f"（示范）{reg.department.name}表彰决定", "summary": "年度安全生产先进单位", "is_demo": True})
        services.confirm_record(rec, actor=reg)
        made["commendations"] += 1
    bad = set(CreditRecord.objects.filter(kind__polarity="bad", state=RecordState.CONFIRMED)
              .values_list("enterprise_id", flat=True))
    for n, (path, reg) in enumerate(sorted(regulators.items()), start=1):
        county = [e for e in enterprises if e.region_path.startswith(path)]
        if len(county) < 2:
            continue
        # An enterprise with a confirmed bad record is listed first when there is one.
        listed = rng.choice([e for e in county if e.pk in bad] or county)
        proposed = rng.choice([e for e in county if e.pk != listed.pk])
        found = services.propose_listing(actor=reg, enterprise=listed, data={
            "reason": "发生较大生产安全责任事故，性质恶劣、情节严重", "is_demo": True})
        found = services.decide_listing(found, actor=reg, decision_number=f"（示范）{reg.department.name}失信〔{today.year}〕{n}号",
                                        decided_on=today - datetime.timedelta(days=rng.randint(30, 500)))
        found = services.publish_listing(found, actor=reg, publication="信用中国（示范市）")
        notice = services.draft_notice(actor=reg, listing=Blacklisting.objects.get(pk=found.pk), data={
            "number": f"（示范）联惩〔{today.year}〕{n}号", "recipients": "市场监管局、税务局、人民银行分支机构",
            "measures": MEASURES, "is_demo": True})
        services.issue_notice(notice, actor=reg)
        services.propose_listing(actor=reg, enterprise=proposed, data={
            "reason": "瞒报生产安全事故", "is_demo": True})
        made["listed"] += 1
        made["proposed"] += 1
        made["notices"] += 1
    services.refresh_grades()
    return made

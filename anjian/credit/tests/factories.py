"""Records of the credit app for tests, made through the services (as the product makes them)."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from anjian.credit import services
from anjian.credit.models import Blacklisting, CreditRecord, CreditRecordKind, JointNotice
from anjian.orgs.choices import Role

_seq = itertools.count(1)


def kind(code: str = "case_penalty") -> CreditRecordKind:
    return CreditRecordKind.objects.get(code=code)


def regulator(world):
    return world.users[Role.REGULATOR]


def record(world, enterprise, *, kind_code: str = "other_bad", occurred_on: datetime.date | None = None,
           confirm: bool = True, actor=None, **data) -> CreditRecord:
    """A record entered by hand (and confirmed unless told) by county A's regulator."""
    actor = actor or regulator(world)
    rec = services.record_credit(actor=actor, enterprise=enterprise, data={
        "kind": kind(kind_code), "occurred_on": occurred_on or timezone.localdate(),
        "document": data.pop("document", f"甲应急信〔2026〕{next(_seq)}号"), "summary": data.pop("summary", "测试记录"),
        **data})
    if confirm:
        rec = services.confirm_record(rec, actor=actor)
    return CreditRecord.objects.get(pk=rec.pk)


def listing(world, enterprise, *, decide: bool = True, decided_on: datetime.date | None = None,
            actor=None) -> Blacklisting:
    actor = actor or regulator(world)
    found = services.propose_listing(actor=actor, enterprise=enterprise, data={
        "reason": "发生较大生产安全责任事故", "case_number": "甲应急罚〔2026〕1号"})
    if decide:
        found = services.decide_listing(found, actor=actor, decision_number=f"甲应急失信〔2026〕{next(_seq)}号",
                                        decided_on=decided_on)
    return Blacklisting.objects.get(pk=found.pk)


def notice(world, listing_: Blacklisting, *, actor=None) -> JointNotice:
    return services.draft_notice(actor=actor or regulator(world), listing=listing_, data={
        "number": f"甲应急联惩〔2026〕{next(_seq)}号", "recipients": "区市场监管局、区税务局",
        "measures": "加大执法检查频次；暂停安全生产标准化评审"})


def walk_records(world, ent) -> dict:
    """One record of every model the credit routes name, for the route walk
    (portal/tests/test_scoping_walk.py)."""
    found = listing(world, ent)
    services.refresh_grades([ent.pk])
    from anjian.credit.models import EnterpriseCredit

    return {"credit.CreditRecord": record(world, ent, confirm=False), "credit.Blacklisting": found,
            "credit.JointNotice": notice(world, found), "credit.EnterpriseCredit": EnterpriseCredit.objects.get(
                enterprise=ent), "credit.CreditRecordKind": kind()}

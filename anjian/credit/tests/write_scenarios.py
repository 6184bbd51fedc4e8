"""The credit app's write services, each called outside any transaction on PostgreSQL by a scenario
(``portal/tests/test_write_services_postgres.py`` collects this module).

Every scenario makes its own records through ``run.call`` on a fresh enterprise of county A (one
open listing per enterprise); county A's regulator enters, confirms and decides. The service under
test is the last one called and its writes are asserted."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from anjian.credit import services
from anjian.credit.models import Blacklisting, CreditRecord, CreditRecordKind, EnterpriseCredit, JointNotice
from anjian.portal.testing.write_services import Run, event_actions, scenario

# Public functions of credit.services that write nothing.
READ_ONLY = {"credit.machine_of"}

_numbers = itertools.count(1)


def record(run: Run, enterprise=None, points: int = -10):
    return run.call(services.record_credit, actor=run.regulator, enterprise=enterprise or run.enterprise(), data={
        "kind": CreditRecordKind.objects.get(code="other_bad"), "occurred_on": run.today, "points": points,
        "document": f"甲应急信〔2026〕PG{next(_numbers)}号", "summary": "未按规定开展隐患排查"})


def proposed(run: Run, enterprise=None) -> Blacklisting:
    return run.call(services.propose_listing, actor=run.regulator, enterprise=enterprise or run.enterprise(),
                    data={"reason": "发生较大生产安全责任事故"})


def listed(run: Run, decided_on: datetime.date | None = None) -> Blacklisting:
    found = proposed(run)
    return run.call(services.decide_listing, found, actor=run.regulator,
                    decision_number=f"甲应急失信〔2026〕PG{next(_numbers)}号", decided_on=decided_on)


def drafted(run: Run) -> JointNotice:
    return run.call(services.draft_notice, actor=run.regulator, listing=listed(run), data={
        "number": f"甲应急联惩〔2026〕PG{next(_numbers)}号", "recipients": "区市场监管局", "measures": "加大执法检查频次"})


@scenario("credit.record_credit")
def _(run: Run):
    rec = CreditRecord.objects.get(pk=record(run).pk)
    assert rec.state == "pending" and event_actions(rec) == ["created"]


@scenario("credit.confirm_record")
def _(run: Run):
    rec = record(run, points=-40)
    run.call(services.confirm_record, rec, actor=run.regulator, version=rec.version)
    rec = CreditRecord.objects.get(pk=rec.pk)
    assert rec.state == "confirmed" and "credit_record_confirmed" in event_actions(rec)
    assert EnterpriseCredit.objects.get(enterprise_id=rec.enterprise_id).grade == "D"


@scenario("credit.void_record")
def _(run: Run):
    rec = record(run)
    run.call(services.void_record, rec, actor=run.regulator, reason="录入错误")
    assert CreditRecord.objects.get(pk=rec.pk).is_voided


@scenario("credit.refresh_grades")
def _(run: Run):
    ent = run.enterprise()
    run.call(services.refresh_grades, [ent.pk])
    assert EnterpriseCredit.objects.get(enterprise=ent).grade == "B"


@scenario("credit.collect_records")
def _(run: Run):
    from anjian.accidents.tests.factories import make_accident

    ent = run.enterprise()
    acc = make_accident(run.admin, enterprise=ent)
    made = run.call(services.collect_records)
    assert made["accident"] >= 1
    assert CreditRecord.objects.filter(source_type="accident", source_id=acc.pk).count() == 1


@scenario("credit.propose_listing")
def _(run: Run):
    found = Blacklisting.objects.get(pk=proposed(run).pk)
    assert found.state == "proposed" and event_actions(found) == ["blacklist_proposed"]


@scenario("credit.decide_listing")
def _(run: Run):
    found = Blacklisting.objects.get(pk=listed(run).pk)
    assert found.state == "listed" and found.term_ends_on is not None
    assert EnterpriseCredit.objects.get(enterprise_id=found.enterprise_id).blacklisted


@scenario("credit.publish_listing")
def _(run: Run):
    found = listed(run)
    run.call(services.publish_listing, found, actor=run.regulator, publication="信用中国（甲区）")
    assert Blacklisting.objects.get(pk=found.pk).published_on == run.today


@scenario("credit.repair_listing")
def _(run: Run):
    found = listed(run, decided_on=run.today - datetime.timedelta(days=400))
    run.call(services.repair_listing, found, actor=run.regulator, reason="已完成信用修复")
    assert Blacklisting.objects.get(pk=found.pk).state == "repaired"


@scenario("credit.expire_listing")
def _(run: Run):
    found = listed(run, decided_on=run.today - datetime.timedelta(days=366 * 3 + 1))
    run.call(services.expire_listing, found, actor=run.regulator)
    assert Blacklisting.objects.get(pk=found.pk).state == "expired"


@scenario("credit.withdraw_listing")
def _(run: Run):
    found = proposed(run)
    run.call(services.withdraw_listing, found, actor=run.regulator, reason="陈述申辩成立")
    assert Blacklisting.objects.get(pk=found.pk).state == "withdrawn"


@scenario("credit.end_terms")
def _(run: Run):
    found = listed(run, decided_on=run.today - datetime.timedelta(days=366 * 3 + 1))
    assert run.call(services.end_terms, day=timezone.localdate()) >= 1
    assert Blacklisting.objects.get(pk=found.pk).state == "expired"


@scenario("credit.draft_notice")
def _(run: Run):
    notice = JointNotice.objects.get(pk=drafted(run).pk)
    assert notice.state == "draft" and event_actions(notice) == ["created"]


@scenario("credit.issue_notice")
def _(run: Run):
    notice = drafted(run)
    run.call(services.issue_notice, notice, actor=run.regulator)
    assert JointNotice.objects.get(pk=notice.pk).state == "issued"

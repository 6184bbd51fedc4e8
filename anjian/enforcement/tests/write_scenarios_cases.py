"""PostgreSQL write scenarios of the administrative cases and the summons, circulars and exposure
(``enforcement/services/cases.py``), for ``portal/tests/test_write_services_postgres.py``.

Each scenario calls its service through ``run.call`` (autocommit, as a request: locks inside the
transaction, one transaction, none left open) and checks what it wrote. The builders below drive a
case along its steps through the same services, each call checked the same way; dates are put in
the past (discovered, filed and notified 20, 20 and 10 days ago) so the party's five days to reply
are over without a clock."""

from __future__ import annotations

import datetime
from decimal import Decimal

from anjian.portal.testing.write_services import Run, event_actions, pdf, photo, scenario

# The public functions of services/cases.py that write nothing (none at present: the field sets
# are frozensets, not functions).
READ_ONLY: set[str] = set()

ART_99 = "SCF-099-1"  # 《安全生产法》第九十九条第一项: general tier 20,000–30,000 yuan


def _services():
    from anjian.enforcement.services import cases

    return cases


def _violation(code: str = ART_99):
    from anjian.enforcement.models import Violation

    return Violation.objects.get(code=code)


def _ago(run: Run, days: int) -> datetime.date:
    return run.today - datetime.timedelta(days=days)


def _case(run: Run, **data):
    """A clue of ent_a found 20 days ago, registered by county A's regulator (its handler)."""
    values = {"title": "未设置安全警示标志", "facts": "二车间配电箱无警示标志", "discovered_on": _ago(run, 20)}
    values.update(data)
    return run.call(_services().open_case, actor=run.regulator, department=run.world.dept_a,
                    enterprise=run.world.ent_a, data=values)


def _filed(run: Run):
    return run.call(_services().file_case, _case(run), actor=run.regulator, filed_on=_ago(run, 20))


def _with_violation(run: Run, case, *, fine: int = 25_000, tier: str = "general"):
    return run.call(_services().set_violations, case, actor=run.regulator,
                    items=[{"violation": _violation(), "tier": tier, "fine": fine}])


def _notified(run: Run, *, fine: int = 25_000, tier: str = "general"):
    """Notified 10 days ago: the party's five days are over."""
    case = _with_violation(run, _filed(run), fine=fine, tier=tier)
    return run.call(_services().notify_case, case, actor=run.regulator, notified_on=_ago(run, 10))


def _decided(run: Run):
    return run.call(_services().decide_case, _notified(run), actor=run.regulator,
                    decision_text="罚款人民币二万五千元", public_summary="未设置安全警示标志，罚款二万五千元")


def _executed(run: Run):
    case = _decided(run)
    return run.call(_services().record_execution, case, actor=run.regulator, paid_amount=case.fine_amount,
                    paid_on=run.today)


def _reviewing(run: Run):
    """A fine of 50,000 (the threshold of a large fine): the decision needs the legal review."""
    case = _notified(run, fine=50_000, tier="heavier")
    return run.call(_services().submit_review, case, actor=run.regulator, comment="罚款数额较大")


def _lawyer(run: Run):
    """A second officer of county A's bureau: the legal reviewer is not the case's handler."""
    if getattr(run, "_case_lawyer", None) is None:
        from anjian.orgs.choices import Role
        from anjian.portal.testing.factories import make_user

        run._case_lawyer = make_user(Role.REGULATOR, scope_region=run.world.county_a, department=run.world.dept_a)
    return run._case_lawyer


def _fresh(case):
    from anjian.enforcement.models import Case

    return Case.objects.get(pk=case.pk)


# --- cases ------------------------------------------------------------------------------------

@scenario("enforcement.open_case")
def _(run: Run):
    case = _fresh(_case(run))
    assert case.state == "pending" and case.pre_accident and case.handler == run.regulator
    assert case.number == f"AJ{case.discovered_on.year}-{case.pk:06d}" and case.file_due > case.discovered_on
    assert (case.region_path, case.industry_id) == (run.world.ent_a.region_path, run.world.ent_a.industry_id)
    assert event_actions(case) == ["created"]


@scenario("enforcement.update_case")
def _(run: Run):
    case = _case(run)
    run.call(_services().update_case, case, actor=run.regulator, version=case.version,
             data={"facts": "二车间配电箱无警示标志（已更正）", "discovered_on": _ago(run, 15)})
    case = _fresh(case)
    assert case.facts.endswith("（已更正）") and case.discovered_on == _ago(run, 15) and case.version == 2
    assert "updated" in event_actions(case)


@scenario("enforcement.file_case")
def _(run: Run):
    case = _fresh(_filed(run))
    assert case.state == "investigating" and case.filed_on == _ago(run, 20)
    assert case.decide_due == _ago(run, 20) + datetime.timedelta(days=90) and "case_filed" in event_actions(case)


@scenario("enforcement.decline_case")
def _(run: Run):
    case = run.call(_services().decline_case, _case(run), actor=run.regulator, reason="不属于本部门管辖")
    case = _fresh(case)
    assert case.state == "not_filed" and case.outcome_reason == "不属于本部门管辖" and case.outcome_on == run.today
    assert "case_declined" in event_actions(case)


@scenario("enforcement.set_violations")
def _(run: Run):
    case = _with_violation(run, _filed(run), fine=20_000)
    # a second call replaces the rows (the old one is kept, marked replaced)
    run.call(_services().set_violations, case, actor=run.regulator,
             items=[{"violation": _violation(), "tier": "general", "fine": 35_000, "deviation_reason": "多次违法"}])
    case = _fresh(case)
    assert case.fine_amount == Decimal(35_000) and case.violations.count() == 2
    assert list(case.violations.filter(is_voided=False).values_list("fine", "deviation_reason")) == [
        (Decimal(35_000), "多次违法")]
    assert event_actions(case).count("case_violations_set") == 2


@scenario("enforcement.add_party")
def _(run: Run):
    case = _filed(run)
    party = run.call(_services().add_party, case, actor=run.regulator, kind="person", name="张三", post="主要负责人",
                     fine=5_000)
    assert list(_fresh(case).parties.values_list("pk", "name", "fine")) == [(party.pk, "张三", Decimal(5_000))]
    assert "case_party_added" in event_actions(case)


@scenario("enforcement.add_evidence")
def _(run: Run):
    from anjian.core.services import attachments_for

    case = run.call(_services().add_evidence, _filed(run), actor=run.regulator, description="现场检查笔录一份",
                    files=[photo("现场照片.jpg")])
    assert attachments_for(case).filter(kind="evidence").count() == 1
    assert "case_evidence_added" in event_actions(case)


@scenario("enforcement.extend_case")
def _(run: Run):
    case = _filed(run)
    run.call(_services().extend_case, case, actor=run.regulator, days=30, reason="案情复杂，经负责人批准")
    case = _fresh(case)
    assert case.extended_days == 30 and case.decide_due == _ago(run, 20) + datetime.timedelta(days=120)
    assert "case_extended" in event_actions(case)


@scenario("enforcement.notify_case")
def _(run: Run):
    case = _fresh(_notified(run))
    assert case.state == "notified" and case.notified_on == _ago(run, 10) and not case.hearing_offered
    assert "case_notified" in event_actions(case)


@scenario("enforcement.record_statement")
def _(run: Run):
    from anjian.core.services import attachments_for

    case = run.call(_services().record_statement, _notified(run), actor=run.regulator, statement="当事人放弃陈述申辩",
                    on=_ago(run, 9), files=[pdf("陈述申辩笔录.pdf")])
    case = _fresh(case)
    assert case.statement == "当事人放弃陈述申辩" and case.statement_on == _ago(run, 9)
    assert attachments_for(case).count() == 1 and "case_statement_recorded" in event_actions(case)


@scenario("enforcement.submit_review")
def _(run: Run):
    case = _fresh(_reviewing(run))
    assert case.state == "reviewing" and case.hearing_offered and "case_review_submitted" in event_actions(case)


@scenario("enforcement.review_case")
def _(run: Run):
    case = run.call(_services().review_case, _reviewing(run), actor=_lawyer(run), opinion="事实清楚，证据确凿")
    case = _fresh(case)
    assert case.reviewed_by == _lawyer(run) and case.reviewed_at and case.review_opinion == "事实清楚，证据确凿"
    assert case.state == "reviewing" and "case_reviewed" in event_actions(case)


@scenario("enforcement.decide_case")
def _(run: Run):
    case = _fresh(_decided(run))
    assert case.state == "decided" and case.decided_on == run.today and case.fine_amount == Decimal(25_000)
    assert case.decision_number == f"{run.world.dept_a.name[:20]}罚〔{run.today.year}〕{case.pk}号"
    assert "case_decided" in event_actions(case)


@scenario("enforcement.publish_case")
def _(run: Run):
    from anjian.enforcement.models import Case
    from anjian.enforcement.selectors_cases import public_decisions

    case = run.call(_services().publish_case, _decided(run), actor=run.regulator)
    assert _fresh(case).published_at is not None and "case_published" in event_actions(case)
    assert public_decisions(Case.objects.all()).filter(pk=case.pk).exists()


@scenario("enforcement.record_execution")
def _(run: Run):
    case = _fresh(_executed(run))
    assert case.state == "executed" and case.paid_amount == Decimal(25_000) and case.paid_on == run.today
    assert "case_executed" in event_actions(case)


@scenario("enforcement.close_case")
def _(run: Run):
    case = run.call(_services().close_case, _executed(run), actor=run.regulator, comment="立卷归档")
    case = _fresh(case)
    assert case.state == "closed" and case.closed_on == run.today and "case_closed" in event_actions(case)


@scenario("enforcement.revoke_case")
def _(run: Run):
    case = run.call(_services().revoke_case, _filed(run), actor=run.regulator, reason="违法事实不成立")
    case = _fresh(case)
    assert case.state == "revoked" and case.outcome_reason == "违法事实不成立" and "case_revoked" in event_actions(case)


@scenario("enforcement.transfer_case")
def _(run: Run):
    case = run.call(_services().transfer_case, _filed(run), actor=run.regulator, to="甲区公安分局",
                    reason="涉嫌重大责任事故罪")
    case = _fresh(case)
    assert (case.state, case.transferred_to) == ("transferred", "甲区公安分局")
    assert "case_transferred" in event_actions(case)


@scenario("enforcement.void_case")
def _(run: Run):
    case = _case(run)
    run.call(_services().void_case, case, actor=run.regulator, reason="重复登记", version=case.version)
    case = _fresh(case)
    assert case.is_voided and case.void_reason == "重复登记" and "voided" in event_actions(case)


# --- summons, circulars, exposure -------------------------------------------------------------

def _admonition(run: Run, **data):
    values = {"kind": "summons", "enterprise": run.world.ent_a, "title": "约谈甲企业主要负责人",
              "held_on": run.today, "summary": "督促落实隐患整改"}
    values.update(data)
    return run.call(_services().create_admonition, actor=run.regulator, department=run.world.dept_a, data=values,
                    files=[pdf("约谈纪要.pdf")])


@scenario("enforcement.create_admonition")
def _(run: Run):
    from anjian.core.services import attachments_for
    from anjian.enforcement.models import Admonition

    adm = Admonition.objects.get(pk=_admonition(run).pk)
    assert (adm.state, adm.region_path, adm.industry_id) == ("draft", run.world.ent_a.region_path,
                                                             run.world.ent_a.industry_id)
    assert attachments_for(adm).count() == 1 and event_actions(adm) == ["created"]
    # a circular about a region (no enterprise) takes the region's path
    circular = _admonition(run, kind="circular", enterprise=None, target_region=run.world.township_a,
                           title="通报甲街道安全生产工作")
    assert Admonition.objects.get(pk=circular.pk).region_path == run.world.township_a.path


@scenario("enforcement.issue_admonition")
def _(run: Run):
    from anjian.enforcement.models import Admonition

    adm = run.call(_services().issue_admonition, _admonition(run), actor=run.regulator)
    adm = Admonition.objects.get(pk=adm.pk)
    assert adm.state == "issued" and adm.issued_at and "admonition_issued" in event_actions(adm)


@scenario("enforcement.void_admonition")
def _(run: Run):
    from anjian.enforcement.models import Admonition

    adm = _admonition(run)
    run.call(_services().void_admonition, adm, actor=run.regulator, reason="录入错误")
    adm = Admonition.objects.get(pk=adm.pk)
    assert adm.is_voided and adm.void_reason == "录入错误" and "voided" in event_actions(adm)

"""The assessment services, each called outside any transaction on PostgreSQL
(``portal/tests/test_write_services_postgres.py``, registry ``portal/testing/write_services.py``).

County A's committee office draws up agreements with township A and assesses it with schemes of
its own (one supervision-coverage item in proportion to 100 %, one item it scores by hand); each
scenario makes its own agreement (of a year of its own: one agreement per unit and year) or
scheme, and calls its service through ``run.call``."""

from __future__ import annotations

import itertools
from decimal import Decimal

from anjian.portal.testing.write_services import Run, event_actions, scenario

# Public functions of assessment.services that write nothing.
READ_ONLY = {
    "assessment.adjustment_stage",  # the stage an actor's deduction or bonus belongs to
    "assessment.available_actions",  # the steps an actor may take now
    "assessment.item_points",  # the points of one item on a figure (pure)
    "assessment.period_for",  # the period of a round (pure)
    "assessment.scheme_subjects",  # the units a scheme assesses (a read)
    "assessment.score_items",  # the lines of an assessment, computed (the callers write them)
    "assessment.stage_total",  # a stage's total (pure)
}

# One agreement per unit and year: each scenario's agreement has a year of its own.
_years = itertools.count(2040)


def _office(run: Run):
    """County A's committee office: it assesses township A."""
    from anjian.orgs.choices import Role

    return run.world.users[Role.COMMITTEE_OFFICE]


def _township_office(run: Run):
    """Township A's committee office: the assessed side of township A's assessments."""
    user = getattr(run, "_assessment_township_office", None)
    if user is None:
        from anjian.orgs.choices import Role
        from anjian.portal.testing.factories import make_user

        user = run._assessment_township_office = make_user(Role.COMMITTEE_OFFICE, scope_region=run.world.township_a)
    return user


def _agreement(run: Run, *, targets: bool = False):
    from anjian.assessment import services

    agreement = services.create_agreement(actor=_office(run), year=next(_years), region=run.world.township_a)
    if targets:
        agreement = services.set_targets(agreement, actor=_office(run), targets={"hazard_rectification_rate": "95"})
    return agreement


def _scheme(run: Run, *, self_assessment: bool = True, items: bool = True):
    """A yearly scheme of county A over its townships: supervision coverage 40 points in
    proportion to 100 %, and 60 points the assessor gives; at most 5 bonus points."""
    from anjian.assessment import services
    from anjian.assessment.choices import Method, Part, PeriodKind
    from anjian.assessment.models import AssessmentScheme

    office = _office(run)
    scheme = services.create_scheme(actor=office, region=run.world.county_a, data={
        "name": "街道安全生产工作考核", "year": run.today.year, "period_kind": PeriodKind.YEAR,
        "self_assessment": self_assessment, "bonus_cap": Decimal("5")})
    if items:
        services.add_item(scheme, actor=office, data={"part": Part.RESULT, "indicator": "supervision_coverage",
                                                      "points": Decimal("40"), "method": Method.PROPORTIONAL,
                                                      "target": Decimal("100")})
        scheme = AssessmentScheme.objects.get(pk=scheme.pk)
        services.add_item(scheme, actor=office, data={"part": Part.PROCESS, "title": "年度重点工作落实",
                                                      "points": Decimal("60"), "method": Method.MANUAL})
    return AssessmentScheme.objects.get(pk=scheme.pk)


def _manual(scheme) -> dict:
    from anjian.assessment.choices import Method

    return {scheme.items.get(method=Method.MANUAL).pk: ("50", "重点工作基本完成")}


def _round(run: Run, **kwargs):
    """A scheme's round, opened: (scheme, round, township A's assessment)."""
    from anjian.assessment import services

    scheme = _scheme(run, **kwargs)
    rnd = services.open_round(scheme, actor=_office(run))
    return scheme, rnd, rnd.assessments.get(region=run.world.township_a)


# target agreements

@scenario("assessment.create_agreement")
def _(run: Run):
    from anjian.assessment import services

    year = next(_years)
    agreement = run.call(services.create_agreement, actor=_office(run), year=year, region=run.world.township_a)
    assert (agreement.state, agreement.year, agreement.issuer) == ("draft", year, run.world.county_a)
    assert agreement.title and event_actions(agreement) == ["created"]


@scenario("assessment.set_targets")
def _(run: Run):
    from anjian.assessment import services

    agreement = _agreement(run)
    agreement = run.call(services.set_targets, agreement, actor=_office(run),
                         targets={"hazard_rectification_rate": "95", "supervision_coverage": ""})
    assert [(i.indicator, i.target) for i in agreement.items.all()] == [("hazard_rectification_rate", Decimal(95))]
    assert agreement.version == 2 and "targets_changed" in event_actions(agreement)


@scenario("assessment.sign_agreement")
def _(run: Run):
    from anjian.assessment import services
    from anjian.assessment.models import TargetAgreement

    agreement = _agreement(run, targets=True)
    run.call(services.sign_agreement, agreement, actor=_office(run), signed_on=run.today)
    agreement = TargetAgreement.objects.get(pk=agreement.pk)
    assert (agreement.state, agreement.signed_on) == ("signed", run.today) and "signed" in event_actions(agreement)


@scenario("assessment.void_agreement")
def _(run: Run):
    from anjian.assessment import services
    from anjian.assessment.models import TargetAgreement

    agreement = _agreement(run, targets=True)
    run.call(services.void_agreement, agreement, actor=_office(run), reason="录入错误")
    agreement = TargetAgreement.objects.get(pk=agreement.pk)
    assert agreement.is_voided and agreement.void_reason == "录入错误" and "voided" in event_actions(agreement)


# schemes and rounds

@scenario("assessment.create_scheme")
def _(run: Run):
    from anjian.assessment import services

    scheme = run.call(services.create_scheme, actor=_office(run), region=run.world.county_a,
                      data={"name": "街道安全生产工作考核", "year": run.today.year, "bonus_cap": Decimal("5")})
    assert scheme.region_path == run.world.county_a.path and scheme.created_by == _office(run)
    assert event_actions(scheme) == ["created"]


@scenario("assessment.add_item")
def _(run: Run):
    from anjian.assessment import services

    scheme = _scheme(run, items=False)
    item = run.call(services.add_item, scheme, actor=_office(run), data={
        "indicator": "supervision_coverage", "points": Decimal("40"), "method": "proportional",
        "target": Decimal("100")})
    assert list(scheme.items.all()) == [item] and "items_changed" in event_actions(scheme)


@scenario("assessment.open_round")
def _(run: Run):
    from anjian.assessment import services

    scheme = _scheme(run)
    rnd = run.call(services.open_round, scheme, actor=_office(run))
    assert rnd.state == "open" and rnd.period_start.year == run.today.year
    assessment = rnd.assessments.get(region=run.world.township_a)
    assert assessment.state == "draft" and "round_opened" in event_actions(scheme)


@scenario("assessment.publish_round")
def _(run: Run):
    from anjian.assessment import services
    from anjian.assessment.models import AssessmentRound

    scheme, rnd, _a = _round(run, self_assessment=False)
    for a in rnd.assessments.all():  # every unit of the round assessed first
        services.assess(a, actor=_office(run), manual=_manual(scheme))
    rnd = AssessmentRound.objects.get(pk=rnd.pk)
    run.call(services.publish_round, rnd, actor=_office(run), document_number="甲安委办〔2026〕1号")
    rnd = AssessmentRound.objects.get(pk=rnd.pk)
    assert rnd.state == "published" and rnd.published_by == _office(run)
    ranked = list(rnd.assessments.values_list("rank", "rank_of"))
    assert ranked and all(rank and rank_of == len(ranked) for rank, rank_of in ranked)


@scenario("assessment.void_round")
def _(run: Run):
    from anjian.assessment import services
    from anjian.assessment.models import AssessmentRound

    _scheme_, rnd, _a = _round(run)
    run.call(services.void_round, rnd, actor=_office(run), reason="方案有误，重新开展")
    rnd = AssessmentRound.objects.get(pk=rnd.pk)
    assert rnd.is_voided and "voided" in event_actions(rnd)


@scenario("assessment.void_scheme")
def _(run: Run):
    from anjian.assessment import services
    from anjian.assessment.models import AssessmentScheme

    scheme = _scheme(run)
    run.call(services.void_scheme, scheme, actor=_office(run), reason="重复录入")
    assert AssessmentScheme.objects.get(pk=scheme.pk).is_voided


# assessments

@scenario("assessment.submit_self")
def _(run: Run):
    from anjian.assessment import services
    from anjian.assessment.choices import Stage

    scheme, _rnd, a = _round(run)
    a = run.call(services.submit_self, a, actor=_township_office(run), manual=_manual(scheme), comment="已自评")
    assert a.state == "self_assessed" and a.self_score is not None and a.self_comment == "已自评"
    assert a.lines.filter(stage=Stage.SELF).count() == 2 and "self_submitted" in event_actions(a)


@scenario("assessment.assess")
def _(run: Run):
    from anjian.assessment import services
    from anjian.assessment.choices import Stage

    scheme, _rnd, a = _round(run, self_assessment=False)
    a = run.call(services.assess, a, actor=_office(run), manual=_manual(scheme), comment="考核组评定")
    assert a.state == "assessed" and a.score is not None and a.assessed_by == _office(run)
    assert a.lines.filter(stage=Stage.ORGANISED).count() == 2 and "assessed" in event_actions(a)


@scenario("assessment.return_assessment")
def _(run: Run):
    from anjian.assessment import services

    scheme, _rnd, a = _round(run, self_assessment=False)
    a = services.assess(a, actor=_office(run), manual=_manual(scheme))
    a = run.call(services.return_assessment, a, actor=_office(run), reason="重点工作佐证材料不全")
    assert a.state == "draft" and a.score is None and "returned" in event_actions(a)


@scenario("assessment.add_adjustment")
def _(run: Run):
    from anjian.assessment import services

    _scheme_, _rnd, a = _round(run)
    adjustment = run.call(services.add_adjustment, a, actor=_office(run), kind="deduction", points="2",
                          reason="巡查发现问题未整改")
    assert (adjustment.stage, adjustment.points) == ("organised", Decimal("2.00"))
    assert list(a.adjustments.all()) == [adjustment] and "adjusted" in event_actions(a)


@scenario("assessment.remove_adjustment")
def _(run: Run):
    from anjian.assessment import services

    _scheme_, _rnd, a = _round(run)
    adjustment = services.add_adjustment(a, actor=_township_office(run), kind="bonus", points="3",
                                         reason="获评省级示范单位")
    adjustment = run.call(services.remove_adjustment, adjustment, actor=_township_office(run), reason="重复录入")
    assert adjustment.stage == "self" and adjustment.is_voided and adjustment.void_reason == "重复录入"
    assert "adjustment_removed" in event_actions(a)

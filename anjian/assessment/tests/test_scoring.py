"""Scoring and ranking: points per method against the target that applies (the item's own, the
unit's signed agreement, the indicator standard), a figure not available, bonuses capped and
deductions, the stage total never below 0; ranks with ties (equal scores share a rank, the next
rank skips); the whole round — self-assessment, organised assessment, publication — with the
ranks each county then sees.

The world's county A has ent_a (supervised) and ent_a_construction (a blind spot): supervision
coverage 50 %; county B has ent_b (supervised): 100 %. No hazards: the rectification rate is not
available (full points by default)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.assessment import services
from anjian.assessment.choices import AssessmentState, Method, Stage, Unavailable
from anjian.assessment.models import Assessment, IndicatorStandard, SchemeItem
from anjian.assessment.selectors import competition_ranks
from anjian.core.indicators import Value
from anjian.core.services import ConflictError

pytestmark = pytest.mark.django_db


def test_competition_ranks_share_ties():
    # given scores with two ties and a unit without a score
    scores = [("a", Decimal("90")), ("b", Decimal("95")), ("c", Decimal("90")), ("d", Decimal("80")),
              ("e", None), ("f", Decimal("95"))]
    # then equal scores share a rank and the next rank skips the places they took
    assert competition_ranks(scores) == {"b": 1, "f": 1, "a": 3, "c": 3, "d": 5, "e": None}


def _item(method, points="30", target=None, when=Unavailable.FULL, indicator="hazard_rectification_rate"):
    return SchemeItem(method=method, points=Decimal(points), indicator=indicator,
                      target=None if target is None else Decimal(target), when_unavailable=when)


def test_item_points_per_method():
    proportional = _item(Method.PROPORTIONAL, "40")
    assert services.item_points(proportional, Value(Decimal("50")), Decimal("100"))[0] == Decimal("20.00")
    assert services.item_points(proportional, Value(Decimal("120")), Decimal("100"))[0] == Decimal("40")
    pass_fail = _item(Method.PASS_FAIL)
    assert services.item_points(pass_fail, Value(Decimal("90")), Decimal("90"))[0] == Decimal("30")  # reaches it
    assert services.item_points(pass_fail, Value(Decimal("89.99")), Decimal("90"))[0] == 0
    # lower is better: accidents −25 % meets −20 %, −10 % does not
    change = _item(Method.PASS_FAIL, indicator="accidents_change")
    assert services.item_points(change, Value(Decimal("-25")), Decimal("-20"))[0] == Decimal("30")
    assert services.item_points(change, Value(Decimal("-10")), Decimal("-20"))[0] == 0
    # a figure not available: full points or none, as the item says
    assert services.item_points(pass_fail, Value(None), Decimal("90"))[0] == Decimal("30")
    assert services.item_points(_item(Method.PASS_FAIL, when=Unavailable.ZERO), Value(None), Decimal("90"))[0] == 0


def test_stage_total_caps_bonuses_and_never_goes_below_zero():
    from anjian.assessment.models import Adjustment

    lines = [{"points": Decimal("20")}, {"points": Decimal("30")}]
    bonus = [Adjustment(kind="bonus", points=Decimal("4")), Adjustment(kind="bonus", points=Decimal("3"))]
    assert services.stage_total(lines, bonus, Decimal("5")) == Decimal("55.00")
    assert services.stage_total(lines, [Adjustment(kind="deduction", points=Decimal("60"))], None) == 0


def _by_county(city, rnd):
    return {a.region_id: a for a in Assessment.objects.filter(round=rnd)}


def test_a_round_from_self_assessment_to_the_published_ranking(city):
    w = city.world
    # given the round of 2026, one assessment per county, in draft
    rnd = services.open_round(city.scheme, actor=city.office)
    a, b = (_by_county(city, rnd)[c.pk] for c in (w.county_a, w.county_b))
    assert a.state == b.state == AssessmentState.DRAFT
    # when the city's office assesses county A before it assessed itself, then it is refused
    with pytest.raises(ValidationError):
        services.assess(a, actor=city.office, manual={_manual(city): ("20", "")})
    # when county A's office enters a bonus and submits its self-assessment
    services.add_adjustment(a, actor=city.county_office, kind="bonus", points="3", reason="获评省级示范单位")
    a.refresh_from_db()
    a = services.submit_self(a, actor=city.county_office, manual={_manual(city): ("28", "重点工作全部完成")})
    # then: coverage 50 % → 20 of 40; rectification not available → 30; manual 28; bonus 3 → 81
    assert (a.state, a.self_score) == (AssessmentState.SELF_ASSESSED, Decimal("81.00"))
    lines = {line.item.indicator or "manual": line for line in a.lines.filter(stage=Stage.SELF)}
    assert lines["supervision_coverage"].value == Decimal("50.00") and lines["supervision_coverage"].points == 20
    # and county A cannot assess itself, nor county B's regulator touch county A
    with pytest.raises(PermissionDenied):
        services.assess(a, actor=city.county_office, manual={_manual(city): ("30", "")})
    with pytest.raises(PermissionDenied):
        services.submit_self(b, actor=city.county_office, manual={_manual(city): ("30", "")})
    # when the city's office assesses A with a deduction, and B (self-assessed by its regulator)
    services.add_adjustment(a, actor=city.office, kind="deduction", points="2", reason="巡查发现问题未整改")
    a.refresh_from_db()
    a = services.assess(a, actor=city.office, manual={_manual(city): ("25", "")})
    b = services.submit_self(b, actor=city.other_county, manual={_manual(city): ("30", "")})
    # (a stale copy of B is refused with a conflict)
    with pytest.raises(ConflictError):
        services.assess(b, actor=city.office, manual={_manual(city): ("10", "")}, expected_version=b.version - 1)
    b = services.assess(b, actor=city.office, manual={_manual(city): ("0", "")})
    # then A: 20 + 30 + 25 − 2 (its own bonus is the self-assessment's) = 73; B: 40 + 30 + 0 = 70
    assert (a.score, b.score) == (Decimal("73.00"), Decimal("70.00"))
    # when the city publishes, then A is first, B second, each seeing its own rank
    rnd.refresh_from_db()
    services.publish_round(rnd, actor=city.office, document_number="测安委办〔2027〕1号")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.rank, a.rank_of, b.rank, b.rank_of) == (1, 2, 2, 2)
    # and a published round takes no more steps
    with pytest.raises(ValidationError):
        services.return_assessment(a, actor=city.office, reason="重新评分")


def _manual(city) -> int:
    return city.scheme.items.get(method=Method.MANUAL).pk


def test_equal_scores_share_the_rank(city):
    rnd = services.open_round(city.scheme, actor=city.office)
    for a in Assessment.objects.filter(round=rnd):
        a = services.submit_self(a, actor=_assessed_side(city, a),
                                 manual={_manual(city): ("30", "")})
        # A: 20 + 30 + 30 = 80; B: 40 + 30 + 10 = 80
        services.assess(a, actor=city.office, manual={_manual(city): ("30" if a.region_id == city.world.county_a.pk
                                                                       else "10", "")})
    rnd.refresh_from_db()
    services.publish_round(rnd, actor=city.office)
    ranks = {a.region_id: (a.score, a.rank) for a in Assessment.objects.filter(round=rnd)}
    assert ranks[city.world.county_a.pk] == ranks[city.world.county_b.pk] == (Decimal("80.00"), 1)


def _assessed_side(city, assessment):
    return city.county_office if assessment.region_id == city.world.county_a.pk else city.other_county


def test_publication_needs_every_unit_assessed(city):
    rnd = services.open_round(city.scheme, actor=city.office)
    with pytest.raises(ValidationError) as exc:
        services.publish_round(rnd, actor=city.office)
    assert "assessments" in exc.value.error_dict


def test_target_comes_from_the_agreement_then_the_standard(city):
    """An item without a target of its own is judged against county A's signed agreement, else
    the indicator standard."""
    w = city.world
    item = city.scheme.items.get(indicator="hazard_rectification_rate")
    SchemeItem.objects.filter(pk=item.pk).update(target=None)
    cov = city.scheme.items.get(indicator="supervision_coverage")
    SchemeItem.objects.filter(pk=cov.pk).update(target=None)
    rnd = services.open_round(city.scheme, actor=city.office)
    a = _by_county(city, rnd)[w.county_a.pk]
    # the standard for supervision coverage is 100 (data/standards.py): 50 % earns 20 of 40
    assert IndicatorStandard.objects.get(indicator="supervision_coverage").target == 100
    lines = {line["item"].indicator: line for line in services.score_items(a, viewer=city.office,
                                                                             manual={_manual(city): (0, "")})}
    assert (lines["supervision_coverage"]["target"], lines["supervision_coverage"]["points"]) == (100, Decimal("20.00"))
    # with county A's signed agreement asking 50 %, it earns all 40
    agreement = services.create_agreement(actor=city.office, year=2026, region=w.county_a)
    agreement = services.set_targets(agreement, actor=city.office, targets={"supervision_coverage": "50"})
    services.sign_agreement(agreement, actor=city.office)
    lines = {line["item"].indicator: line for line in services.score_items(a, viewer=city.office,
                                                                             manual={_manual(city): (0, "")})}
    assert (lines["supervision_coverage"]["target"], lines["supervision_coverage"]["points"]) == (50, Decimal("40.00"))


def test_manual_points_are_bounded(city):
    rnd = services.open_round(city.scheme, actor=city.office)
    a = _by_county(city, rnd)[city.world.county_a.pk]
    with pytest.raises(ValidationError) as exc:
        services.submit_self(a, actor=city.county_office, manual={_manual(city): ("31", "")})
    assert f"item_{_manual(city)}" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.add_adjustment(a, actor=city.county_office, kind="bonus", points="2", reason=" ")

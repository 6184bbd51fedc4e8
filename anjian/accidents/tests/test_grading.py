"""条例 Art. 3 grading at every boundary, the mixed cases, the thresholds as data, and
POST /api/accidents/grade."""

import datetime
from decimal import Decimal

import pytest

from anjian.accidents.choices import AccidentGrade as G
from anjian.accidents.grading import grade_for
from anjian.accidents.models import GradingThreshold
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as

WAN = 10_000  # 万


@pytest.mark.django_db
@pytest.mark.parametrize(("deaths", "grade"), [
    (0, G.ORDINARY), (2, G.ORDINARY), (3, G.RELATIVELY_SERIOUS), (9, G.RELATIVELY_SERIOUS), (10, G.SERIOUS),
    (29, G.SERIOUS), (30, G.PARTICULARLY_SERIOUS), (300, G.PARTICULARLY_SERIOUS)])
def test_deaths_boundaries(deaths, grade):
    # given only deaths, when graded, then "以上" includes the number and "以下" excludes it
    result, by = grade_for(deaths=deaths, serious_injuries=0, direct_loss_yuan=0)
    assert result == grade
    assert by == {"deaths": grade, "serious_injuries": G.ORDINARY, "direct_loss": G.ORDINARY}


@pytest.mark.django_db
@pytest.mark.parametrize(("injuries", "grade"), [
    (9, G.ORDINARY), (10, G.RELATIVELY_SERIOUS), (49, G.RELATIVELY_SERIOUS), (50, G.SERIOUS), (99, G.SERIOUS),
    (100, G.PARTICULARLY_SERIOUS)])
def test_serious_injury_boundaries(injuries, grade):
    result, by = grade_for(deaths=0, serious_injuries=injuries, direct_loss_yuan=0)
    assert result == grade
    assert by["serious_injuries"] == grade


@pytest.mark.django_db
@pytest.mark.parametrize(("loss", "grade"), [
    (Decimal("9999999.99"), G.ORDINARY), (1000 * WAN, G.RELATIVELY_SERIOUS),
    (Decimal("49999999.99"), G.RELATIVELY_SERIOUS), (5000 * WAN, G.SERIOUS), (Decimal("99999999.99"), G.SERIOUS),
    (10_000 * WAN, G.PARTICULARLY_SERIOUS)])
def test_direct_loss_boundaries(loss, grade):
    result, by = grade_for(deaths=0, serious_injuries=0, direct_loss_yuan=loss)
    assert result == grade
    assert by["direct_loss"] == grade


@pytest.mark.django_db
@pytest.mark.parametrize(("deaths", "injuries", "loss", "grade", "by"), [
    # the loss wins over ordinary deaths and injuries (the example)
    (2, 9, 5000 * WAN, G.SERIOUS, (G.ORDINARY, G.ORDINARY, G.SERIOUS)),
    # deaths win over injuries and loss
    (30, 10, 1000 * WAN, G.PARTICULARLY_SERIOUS, (G.PARTICULARLY_SERIOUS, G.RELATIVELY_SERIOUS,
                                                  G.RELATIVELY_SERIOUS)),
    # injuries win
    (3, 50, 0, G.SERIOUS, (G.RELATIVELY_SERIOUS, G.SERIOUS, G.ORDINARY)),
    (0, 100, 5000 * WAN, G.PARTICULARLY_SERIOUS, (G.ORDINARY, G.PARTICULARLY_SERIOUS, G.SERIOUS)),
    # the loss wins over relatively serious deaths
    (9, 0, 10_000 * WAN, G.PARTICULARLY_SERIOUS, (G.RELATIVELY_SERIOUS, G.ORDINARY, G.PARTICULARLY_SERIOUS)),
])
def test_mixed_cases_highest_criterion_wins(deaths, injuries, loss, grade, by):
    result, detail = grade_for(deaths=deaths, serious_injuries=injuries, direct_loss_yuan=loss)
    assert result == grade
    assert (detail["deaths"], detail["serious_injuries"], detail["direct_loss"]) == by


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [-1, 1.5, "x", True, None])
def test_bad_figures_raise_naming_the_argument(bad):
    with pytest.raises(ValueError, match="deaths"):
        grade_for(deaths=bad, serious_injuries=0, direct_loss_yuan=0)
    with pytest.raises(ValueError, match="direct_loss_yuan"):
        grade_for(deaths=0, serious_injuries=0, direct_loss_yuan=-1 if bad != "x" else "x")


@pytest.mark.django_db
def test_thresholds_are_data_and_a_change_is_seen_at_once():
    # given the threshold rows loaded by the migration
    assert GradingThreshold.objects.count() == 9
    assert grade_for(deaths=3, serious_injuries=0, direct_loss_yuan=0)[0] == G.RELATIVELY_SERIOUS
    # when an administrator raises the relatively-serious death bound to 4 (a save in the admin)
    row = GradingThreshold.objects.get(grade=G.RELATIVELY_SERIOUS, criterion="deaths")
    row.lower_bound = 4
    row.save()
    # then the cached thresholds are dropped and 3 deaths is ordinary now
    assert grade_for(deaths=3, serious_injuries=0, direct_loss_yuan=0)[0] == G.ORDINARY
    assert row.history.first().lower_bound == 4  # the edit is kept in the history


@pytest.mark.django_db
def test_a_later_rule_applies_from_its_effective_date_only():
    # given a supplementary rule from 2030 raising the relatively-serious loss bound to 2000万
    GradingThreshold.objects.create(grade=G.RELATIVELY_SERIOUS, criterion="direct_loss",
                                    lower_bound=2000 * WAN, effective_from=datetime.date(2030, 1, 1))
    # then 1500万 is relatively serious before that day and ordinary from it
    before = grade_for(deaths=0, serious_injuries=0, direct_loss_yuan=1500 * WAN, on=datetime.date(2029, 12, 31))
    after = grade_for(deaths=0, serious_injuries=0, direct_loss_yuan=1500 * WAN, on=datetime.date(2030, 1, 1))
    assert before[0] == G.RELATIVELY_SERIOUS
    assert after[0] == G.ORDINARY


# --- the API ----------------------------------------------------------------------------------

URL = "/api/accidents/grade"


def test_grade_api_answers_grade_and_by(world, api):
    response = act_as(api, world.users[Role.COMMITTEE_OFFICE]).post(
        URL, {"deaths": 2, "serious_injuries": 9, "direct_loss_yuan": 50000000}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"grade": "serious", "by": {"deaths": "ordinary", "serious_injuries": "ordinary",
                                                          "direct_loss": "serious"},
                               "counted_deaths": 2, "missing_counted_as_deaths": True}


@pytest.mark.parametrize(("field", "value"), [
    ("deaths", -1), ("deaths", 2.5), ("deaths", True), ("serious_injuries", -3), ("serious_injuries", "nine"),
    ("serious_injuries", 1.0), ("direct_loss_yuan", -5)])
def test_grade_api_refuses_bad_figures_naming_the_field(world, api, field, value):
    payload = {"deaths": 2, "serious_injuries": 9, "direct_loss_yuan": 1000, field: value}
    response = act_as(api, world.users[Role.REGULATOR]).post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]


def test_grade_api_needs_a_login(world, api):
    assert act_as(api, None).post(URL, {"deaths": 1, "serious_injuries": 0, "direct_loss_yuan": 0},
                                  format="json").status_code == 401

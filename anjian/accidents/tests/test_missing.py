"""Missing persons (失踪): recorded apart from the deaths, counted with them for the grade and the
statistics (死亡（含失踪）, the statistical practice) by an editable setting, shown as both figures
(死亡 3 人（含失踪 1 人）); the grade calculator and casualty updates (补报) carry them."""

import datetime

import pytest
from django.urls import reverse

from anjian.accidents import services
from anjian.accidents.choices import AccidentGrade
from anjian.accidents.grading import grade_for
from anjian.accidents.models import CasualtyCounting
from anjian.accidents.selectors import casualty_phrase
from anjian.accidents.statistics import accident_statistics
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, fresh

from .factories import at, make_accident

G = AccidentGrade
URL = "/api/accidents/grade"


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


def count_apart():
    """The administrator's choice: missing persons apart from the deaths."""
    row = CasualtyCounting.objects.get()
    row.missing_counted_as_deaths = False
    row.save()


def test_the_setting_is_shipped_with_its_source(world):
    row = CasualtyCounting.objects.get()
    assert row.missing_counted_as_deaths is True and "统计报表制度" in row.source_note


def test_grade_counts_the_missing_with_the_deaths(world):
    # 2 dead + 1 missing = 3: relatively serious; 8 + 2 = 10: serious
    assert grade_for(deaths=2, missing=1, serious_injuries=0, direct_loss_yuan=0)[0] == G.RELATIVELY_SERIOUS
    assert grade_for(deaths=8, missing=2, serious_injuries=0, direct_loss_yuan=0)[1]["deaths"] == G.SERIOUS
    # counted apart (the setting off), 2 dead and 1 missing stay ordinary
    count_apart()
    assert grade_for(deaths=2, missing=1, serious_injuries=0, direct_loss_yuan=0)[0] == G.ORDINARY
    with pytest.raises(ValueError, match="missing"):
        grade_for(deaths=0, missing=-1, serious_injuries=0, direct_loss_yuan=0)


def test_reported_accident_is_graded_with_its_missing(world, regulator):
    acc = make_accident(regulator, enterprise=world.ent_a, deaths=2, missing=1)
    assert (acc.deaths, acc.missing, acc.grade) == (2, 1, G.RELATIVELY_SERIOUS)
    # the reporting chain follows the grade: a relatively serious accident goes up to the province
    assert services.reporting_chain(acc).required_top_level == "province"


def test_casualty_update_carries_the_missing(world, regulator):
    # given 2 dead reported, when a 补报 finds 1 more missing, then it counts and regrades
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 3, 1), deaths=2)
    update = services.record_casualty_update(acc, actor=regulator, as_of=at(2026, 3, 2), figures={"missing": 1})
    acc.refresh_from_db()
    assert (update.missing_before, update.missing, update.grade_after) == (0, 1, G.RELATIVELY_SERIOUS)
    assert acc.grade == G.RELATIVELY_SERIOUS
    # when the missing person is found dead, the counted deaths stay 3 and so does the grade
    services.record_casualty_update(acc, actor=regulator, as_of=at(2026, 3, 3), figures={"deaths": 3, "missing": 0})
    acc.refresh_from_db()
    assert (acc.deaths, acc.missing, acc.grade) == (3, 0, G.RELATIVELY_SERIOUS)


def test_casualty_phrase_shows_both_figures(world):
    assert casualty_phrase(2, 1) == "死亡 3 人（含失踪 1 人）"
    assert casualty_phrase(2, 0) == "死亡 2 人"
    assert casualty_phrase(2, 1, with_missing=False) == "死亡 2 人，失踪 1 人"


def test_grade_api_accepts_missing(world, api):
    client = act_as(api, world.users[Role.COMMITTEE_OFFICE])
    response = client.post(URL, {"deaths": 2, "missing": 1, "serious_injuries": 0, "direct_loss_yuan": 0},
                           format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["grade"], body["counted_deaths"], body["missing_counted_as_deaths"]) == (
        "relatively_serious", 3, True)
    # missing is optional (0) and validated like the other head counts, naming the field
    assert client.post(URL, {"deaths": 2, "serious_injuries": 0, "direct_loss_yuan": 0},
                       format="json").json()["grade"] == "ordinary"
    for bad in (-1, 1.5, True, "x"):
        response = client.post(URL, {"deaths": 0, "missing": bad, "serious_injuries": 0, "direct_loss_yuan": 0},
                               format="json")
        assert response.status_code == 400 and list(response.json()) == ["missing"]


def test_detail_page_and_api_show_both_figures(world, regulator, client, api):
    acc = make_accident(regulator, enterprise=world.ent_a, deaths=2, missing=1)
    client.force_login(fresh(regulator))
    html = client.get(reverse("accidents:detail", args=[acc.pk])).content.decode()
    assert '<p class="ac-casualties" id="casualties">死亡 3 人（含失踪 1 人）</p>' in html
    figures = html.split('id="figures"')[1].split("</section>")[0]
    assert "死亡（含失踪）" in figures and "其中失踪" in figures
    body = act_as(api, regulator).get(f"/api/accidents/{acc.pk}/").json()
    assert (body["deaths"], body["missing"], body["counted_deaths"], body["missing_counted_as_deaths"]) == (
        2, 1, 3, True)


def test_statistics_count_the_missing_by_the_setting(world, regulator):
    # given one accident this year with 2 dead and 1 missing (graded when reported)
    occurred = at(2026, 2, 1)
    make_accident(regulator, enterprise=world.ent_a, occurred_at=occurred, deaths=2, missing=1)
    user = fresh(regulator)
    stats = accident_statistics(user, year=2026, today=datetime.date(2026, 3, 10))
    # then the deaths are 3, of which 1 missing, and the rates and verdicts read 3
    assert (stats.total.current["deaths"], stats.total.current["missing"]) == (3, 1)
    assert stats.root.verdict.deaths == 3 and stats.as_dict()["missing_counted_as_deaths"] is True
    # counted apart: 2 deaths, 1 missing beside them
    count_apart()
    stats = accident_statistics(fresh(regulator), year=2026, today=datetime.date(2026, 3, 10))
    assert (stats.total.current["deaths"], stats.total.current["missing"]) == (2, 1)
    assert stats.headings["deaths"] == "死亡人数" and stats.as_dict()["missing_counted_as_deaths"] is False


def test_ledger_shows_the_counted_deaths_and_the_missing(world, regulator, client):
    make_accident(regulator, enterprise=world.ent_a, deaths=2, missing=1)
    client.force_login(fresh(regulator))
    html = client.get(reverse("accidents:list")).content.decode()
    assert "死亡（含失踪）" in html and '<td class="num">3<div class="muted">含失踪 1 人</div></td>' in html

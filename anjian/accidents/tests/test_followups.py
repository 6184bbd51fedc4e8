"""Follow-up reports (续报, 国家安全监管总局令第21号): recorded through the one write path (time,
text, casualty figures, who; changed figures are a casualty update in the same step), the
"situation stable" step that ends the obligation, the cadence per grade as editable reference
data, the missed-follow-up warning (raised and closed), the API and the page. The clock is
frozen (``clock``) at 2026-03-10 09:00."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from anjian.accidents import services
from anjian.accidents.choices import AccidentGrade
from anjian.accidents.models import Accident, CasualtyUpdate, FollowUpCadence, FollowUpReport
from anjian.accidents.policy import available_actions
from anjian.accidents.selectors import followup_status
from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.services import ConflictError, events_for
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, fresh

from .factories import make_accident

H = datetime.timedelta(hours=1)
RULE = "accident_followup_overdue"


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


@pytest.fixture
def ent_user(world):
    return world.users[Role.ENTERPRISE]


def reported(world, actor, clock, *, hours_ago: int = 2, **figures) -> Accident:
    """An accident of enterprise A that happened ``hours_ago`` hours before the frozen now and
    was reported to the county-level government 30 minutes later (its first report)."""
    occurred = clock.now - hours_ago * H
    return make_accident(actor, enterprise=world.ent_a, occurred_at=occurred, learned_at=occurred,
                         reported_to_government_at=occurred + H / 2, **figures)


def open_warning(acc) -> bool:
    return Warning.objects.filter(rule=RULE, object_id=str(acc.pk), closed_at__isnull=True).exists()


# --- recording -------------------------------------------------------------------------------------

def test_followup_records_time_text_figures_and_who(world, ent_user, clock):
    # given an ordinary accident (1 dead) reported at 07:30
    acc = reported(world, ent_user, clock, deaths=1)
    # when the enterprise reports the situation at 09:00 with unchanged figures
    fu = services.record_followup(acc, actor=ent_user, reported_at=clock.now, text="伤员已送医，现场已警戒",
                                  reported_by="甲公司安全科")
    acc.refresh_from_db()
    # then the report is kept with the figures as reported, who entered it, and an event
    assert (fu.deaths, fu.missing, fu.serious_injuries, fu.reported_by) == (1, 0, 0, "甲公司安全科")
    assert fu.recorded_by == ent_user and fu.casualty_update is None
    assert acc.version == 2 and not CasualtyUpdate.objects.filter(accident=acc).exists()
    event = events_for(acc).get(action="followup_recorded")
    assert event.actor == ent_user and event.data["followup"] == fu.pk


def test_changed_figures_are_a_casualty_update_and_regrade(world, ent_user, clock):
    # given an ordinary accident with 2 dead
    acc = reported(world, ent_user, clock, deaths=2)
    # when a follow-up reports 2 dead and 1 missing (counted with the deaths: 3 → relatively serious)
    fu = services.record_followup(acc, actor=ent_user, reported_at=clock.now, text="仍有1人下落不明",
                                  figures={"missing": 1})
    acc.refresh_from_db()
    # then the accident's figures follow, through a casualty update (补报) made in the same step
    assert (acc.deaths, acc.missing, acc.grade) == (2, 1, AccidentGrade.RELATIVELY_SERIOUS)
    update = fu.casualty_update
    assert (update.missing_before, update.missing, update.counted) == (0, 1, True)
    assert (update.grade_before, update.grade_after) == (AccidentGrade.ORDINARY, AccidentGrade.RELATIVELY_SERIOUS)
    assert {"casualty_update", "followup_recorded"} <= set(events_for(acc).values_list("action", flat=True))
    # one step through the write path (one lock, one version bump) with the two events
    assert acc.version == 2


def test_followup_validation_names_the_field(world, ent_user, clock):
    acc = reported(world, ent_user, clock)
    cases = [({"text": " "}, "text"), ({"reported_at": acc.occurred_at - H}, "reported_at"),
             ({"reported_at": clock.now + H}, "reported_at"), ({"figures": {"deaths": -1}}, "deaths"),
             ({"figures": {"direct_loss_yuan": 5}}, "direct_loss_yuan")]
    for override, field in cases:
        kwargs = {"reported_at": clock.now, "text": "情况", **override}
        with pytest.raises(ValidationError) as err:
            services.record_followup(acc, actor=ent_user, **kwargs)
        assert field in err.value.message_dict, (override, err.value.message_dict)
    assert not FollowUpReport.objects.exists()


def test_followup_rights_and_version(world, ent_user, regulator, clock):
    acc = reported(world, ent_user, clock)
    for who in ("other_county", Role.COMMITTEE_OFFICE, Role.GRID_OFFICER):
        with pytest.raises(PermissionDenied):
            services.record_followup(acc, actor=world.users[who], reported_at=clock.now, text="x")
    with pytest.raises(ConflictError):
        services.record_followup(acc, actor=regulator, reported_at=clock.now, text="x", expected_version=9)
    assert services.record_followup(acc, actor=regulator, reported_at=clock.now, text="监管部门续报").pk


def test_situation_stable_ends_the_obligation(world, ent_user, regulator, clock):
    acc = reported(world, ent_user, clock)
    # the enterprise reports follow-ups but does not declare the situation stable
    with pytest.raises(PermissionDenied):
        services.declare_situation_stable(acc, actor=ent_user, stable_at=clock.now)
    with pytest.raises(ValidationError) as err:
        services.declare_situation_stable(acc, actor=regulator, stable_at=acc.occurred_at - H)
    assert "stable_at" in err.value.message_dict
    acc = services.declare_situation_stable(acc, actor=regulator, stable_at=clock.now, note="救援结束")
    assert acc.situation_stable_at == clock.now and acc.situation_stable_note == "救援结束"
    assert events_for(acc).get(action="situation_stable").actor == regulator
    status = followup_status(acc)
    assert not status.open and not status.overdue and status.next_due_at == status.last_report_at + 24 * H
    # once only
    with pytest.raises(ValidationError):
        services.declare_situation_stable(acc, actor=regulator, stable_at=clock.now)
    assert "declare_stable" not in available_actions(regulator, acc)


# --- the cadence and the warning ----------------------------------------------------------------------

def test_cadence_per_grade(world, regulator, clock):
    # ordinary and relatively serious: at least once a day; serious: twice a day (every 12 h)
    ordinary = reported(world, regulator, clock, deaths=1)
    serious = reported(world, regulator, clock, deaths=10)
    s1, s2 = followup_status(ordinary), followup_status(serious)
    assert (s1.per_day, s2.per_day) == (1, 2)
    first = clock.now - 2 * H + H / 2
    assert s1.next_due_at == first + 24 * H and s2.next_due_at == first + 12 * H
    assert "第21号" in s1.source_note


def test_missed_followup_warning_raises_and_closes(world, regulator, clock):
    # given (09:00) an ordinary and a serious accident first reported at 07:30, and an imported
    # historical accident (no follow-ups owed)
    ordinary = reported(world, regulator, clock, deaths=1)
    serious = reported(world, regulator, clock, deaths=12)
    imported = reported(world, regulator, clock, deaths=1)
    Accident.objects.filter(pk=imported.pk).update(obligations_tracked=False)
    rule = get_rule(RULE)
    # at 19:00 (11.5 h after the first report) nothing is missed yet
    sync_rule(rule, clock.set(clock.now + 10 * H))
    assert not Warning.objects.filter(rule=RULE).exists()
    # at 20:00 (12.5 h) the serious accident has missed its twice-daily follow-up
    sync_rule(rule, clock.advance(hours=1))
    assert open_warning(serious) and not open_warning(ordinary)
    warning = Warning.objects.get(rule=RULE, object_id=str(serious.pk))
    assert serious.number in warning.message
    # a follow-up at 20:00 closes it; exactly 12 h later it is due, not yet missed
    services.record_followup(serious, actor=regulator, reported_at=clock.now, text="搜救继续")
    sync_rule(rule, clock.now)
    assert not open_warning(serious)
    sync_rule(rule, clock.advance(hours=12))
    assert not open_warning(serious)
    # the next day at 08:30 (25 h after its first report) the ordinary one is missed too
    sync_rule(rule, clock.advance(minutes=30))
    assert open_warning(ordinary) and open_warning(serious) and not open_warning(imported)
    # declaring the situation stable closes the warning for good
    ordinary.refresh_from_db()
    services.declare_situation_stable(ordinary, actor=regulator, stable_at=clock.now, note="事态稳定")
    sync_rule(rule, clock.advance(days=3))
    assert not open_warning(ordinary) and open_warning(serious)


def test_cadence_is_editable_reference_data(world, regulator, clock):
    # given an administrator's stricter local cadence for ordinary accidents from 2026-03-01: 4 a day
    FollowUpCadence.objects.create(grade=AccidentGrade.ORDINARY, per_day=4,
                                   effective_from=datetime.date(2026, 3, 1), source_note="测试：地方规定")
    acc = reported(world, regulator, clock, deaths=1)
    assert followup_status(acc).per_day == 4
    # then 6.5 hours after the first report it is missed
    sync_rule(get_rule(RULE), clock.advance(hours=5))
    assert open_warning(acc)


# --- API and page ----------------------------------------------------------------------------------

def test_api_followups_and_situation_stable(world, ent_user, regulator, api, clock):
    acc = reported(world, ent_user, clock, deaths=1)
    url = f"/api/accidents/{acc.pk}/followups/"
    client = act_as(api, ent_user)
    bad = client.post(url, {"reported_at": clock.now.isoformat(), "text": ""}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["text"]
    response = client.post(url, {"reported_at": clock.now.isoformat(), "text": "伤员死亡1人", "deaths": 2,
                                 "reported_by": "甲公司"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["deaths"] == 2 and body["counted_deaths"] == 2 and len(body["followups"]) == 1
    assert body["followups"][0]["casualty_update"] == body["casualty_updates"][0]["id"]
    status = body["followup_status"]
    assert status["per_day"] == 1 and status["overdue"] is False and status["stable_at"] is None
    assert [f["text"] for f in client.get(url).json()] == ["伤员死亡1人"]
    # the enterprise may not declare it stable; the other county does not see it; the regulator does
    stable = f"/api/accidents/{acc.pk}/situation-stable/"
    assert client.post(stable, {"stable_at": clock.now.isoformat()}, format="json").status_code == 403
    assert act_as(api, world.users["other_county"]).post(
        stable, {"stable_at": clock.now.isoformat()}, format="json").status_code == 404
    response = act_as(api, regulator).post(stable, {"stable_at": clock.now.isoformat(), "note": "救援结束"},
                                           format="json")
    assert response.status_code == 200, response.content
    assert response.json()["followup_status"]["stable_at"] is not None


def test_page_lists_followups_and_records_one(world, ent_user, regulator, client, clock):
    acc = reported(world, ent_user, clock, hours_ago=30, deaths=2)  # first report 28.5 h ago: overdue
    client.force_login(fresh(ent_user))
    html = client.get(reverse("accidents:detail", args=[acc.pk])).content.decode()
    section = html.split('id="followups"')[1].split("</section>")[0]
    assert "每日至少续报 1 次" in section and "逾期" in section and "暂无续报" in section
    action = reverse("accidents:action", args=[acc.pk, "record_followup"])
    assert action in html
    # the enterprise has no "stable" button
    assert reverse("accidents:action", args=[acc.pk, "declare_stable"]) not in html
    form = client.get(action)
    assert form.status_code == 200 and form.context["form"]["deaths"].initial == 2
    done = client.post(action, {"reported_at": "2026-03-10T08:45", "reported_by": "甲公司", "text": "现场已清理",
                                "deaths": 2, "missing": 1, "serious_injuries": 0, "minor_injuries": 0,
                                "version": acc.version})
    assert done.status_code == 302, done.content.decode()[:2000]
    html = client.get(reverse("accidents:detail", args=[acc.pk])).content.decode()
    section = html.split('id="followups"')[1].split("</section>")[0]
    assert "现场已清理" in section and "逾期" not in section
    # and the deaths read 死亡 3 人（含失踪 1 人）
    assert "死亡 3 人（含失踪 1 人）" in html
    # the regulator declares the situation stable from the page
    client.force_login(fresh(regulator))
    acc.refresh_from_db()
    stable = reverse("accidents:action", args=[acc.pk, "declare_stable"])
    assert client.post(stable, {"stable_at": "2026-03-10T09:00", "note": "救援结束",
                                "version": acc.version}).status_code == 302
    html = client.get(reverse("accidents:detail", args=[acc.pk])).content.decode()
    assert "事态自 2026-03-10 09:00 起已稳定" in html and stable not in html

"""The investigation report's deadline (条例 Art. 29): due 60 days after the accident, extendable
once by at most 60 days through the one write path (lock, version, right, history, event), the
rule as editable reference data, the overdue warning (raised and closed; also before the
investigation starts), the API and the page. The clock is frozen (``clock``) at 2026-03-10."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from anjian.accidents import services
from anjian.accidents.models import Accident, Investigation, InvestigationTimeLimit
from anjian.accidents.selectors import report_deadline
from anjian.alerts.engine import get_rule, sync_rule
from anjian.alerts.models import Warning
from anjian.core.services import ConflictError, events_for
from anjian.orgs.choices import Role
from anjian.portal.testing.mixins import act_as, fresh

from .factories import at, make_accident

D = datetime.timedelta(days=1)
RULE = "accident_report_overdue"


@pytest.fixture
def regulator(world):
    return world.users[Role.REGULATOR]


def investigating(world, regulator, occurred_at, **figures) -> Accident:
    """An accident of enterprise A whose investigation started the day after it."""
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=occurred_at, **figures)
    services.start_investigation(acc, actor=regulator,
                                 data={"started_on": occurred_at.date() + D, "leader": "张组长"})
    acc.refresh_from_db()
    return acc


def open_warning(acc) -> bool:
    return Warning.objects.filter(rule=RULE, object_id=str(acc.pk), closed_at__isnull=True).exists()


# --- the deadline and its extension -----------------------------------------------------------------

def test_report_is_due_60_days_after_the_accident(world, regulator, clock):
    # given an accident on 2026-01-20 23:30 local (the local day counts, not UTC's)
    acc = investigating(world, regulator, at(2026, 1, 20, 23, 30))
    inv = Investigation.objects.get(accident=acc)
    # then its report is due on 2026-03-21 (20 January + 60 days), not yet overdue on 10 March
    assert inv.report_due_on == datetime.date(2026, 3, 21)
    deadline = report_deadline(acc)
    assert (deadline.base_days, deadline.max_extension_days, deadline.overdue) == (60, 60, False)
    assert "第二十九条" in deadline.source_note
    # and an accident not yet investigated has the same deadline, from the accident
    other = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 1, 20, 8))
    assert report_deadline(other).due_on == datetime.date(2026, 3, 21)


def test_extension_once_by_at_most_60_days_with_history_and_event(world, regulator, clock):
    acc = investigating(world, regulator, at(2026, 1, 20))
    # a reason is required, and at most 60 days, naming the field
    with pytest.raises(ValidationError) as err:
        services.extend_report_deadline(acc, actor=regulator, days=30, reason=" ")
    assert "reason" in err.value.message_dict
    for bad in (0, 61, True):
        with pytest.raises(ValidationError) as err:
            services.extend_report_deadline(acc, actor=regulator, days=bad, reason="技术鉴定")
        assert "days" in err.value.message_dict
    # when extended by 30 days (approved by the county government)
    inv = services.extend_report_deadline(acc, actor=regulator, days=30, reason="需技术鉴定，经区政府批准")
    acc.refresh_from_db()
    # then the report is due 30 days later, the accident's version moved on, and the step is recorded
    assert inv.report_due_on == datetime.date(2026, 4, 20) and inv.report_extension_days == 30
    assert acc.version == 3  # reported (1), investigation started (2), extended (3)
    event = events_for(acc).get(action="report_deadline_extended")
    assert event.actor == regulator and event.data["days"] == 30 and event.data["before"] == "2026-03-21"
    assert inv.history.first().report_extension_reason == "需技术鉴定，经区政府批准"
    # and only once
    with pytest.raises(ValidationError) as err:
        services.extend_report_deadline(acc, actor=regulator, days=10, reason="再延期")
    assert "days" in err.value.message_dict


def test_extension_rights_state_and_version(world, regulator, clock):
    acc = investigating(world, regulator, at(2026, 1, 20))
    # the enterprise and the other county may not extend (the other county cannot even see it)
    for who in (Role.ENTERPRISE, "other_county"):
        with pytest.raises(PermissionDenied):
            services.extend_report_deadline(acc, actor=world.users[who], days=10, reason="x")
    # a stale version is a conflict, and nothing is written
    with pytest.raises(ConflictError):
        services.extend_report_deadline(acc, actor=regulator, days=10, reason="x", expected_version=1)
    assert Investigation.objects.get(accident=acc).report_extension_days == 0
    # once the report is submitted its deadline can no longer be extended
    services.submit_investigation_report(acc, actor=regulator, submitted_on=datetime.date(2026, 3, 1))
    acc.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.extend_report_deadline(acc, actor=regulator, days=10, reason="x")
    assert "state" in err.value.message_dict
    # and a report not yet investigated has no investigation to extend
    fresh_acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 1, 25))
    with pytest.raises(ValidationError):
        services.extend_report_deadline(fresh_acc, actor=regulator, days=10, reason="x")


def test_the_day_counts_are_reference_data(world, regulator, clock):
    # given an administrator's new time limit from 2026-01-01: 45 days, extension at most 15
    InvestigationTimeLimit.objects.create(effective_from=datetime.date(2026, 1, 1), report_days=45,
                                          max_extension_days=15, source_note="测试：地方规定")
    # then an accident of 2026 is due 45 days after it; one of 2025 keeps the 60 days of its day
    acc = investigating(world, regulator, at(2026, 1, 20))
    assert Investigation.objects.get(accident=acc).report_due_on == datetime.date(2026, 3, 6)
    old = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2025, 12, 20))
    assert report_deadline(old).due_on == datetime.date(2026, 2, 18)
    with pytest.raises(ValidationError) as err:
        services.extend_report_deadline(acc, actor=regulator, days=16, reason="x")
    assert "days" in err.value.message_dict


def test_correcting_the_time_moves_the_deadline(world, regulator, clock):
    acc = investigating(world, regulator, at(2026, 1, 20))
    services.update_accident(acc, actor=regulator, data={"occurred_at": at(2026, 1, 18)}, reason="时间录错")
    assert Investigation.objects.get(accident=acc).report_due_on == datetime.date(2026, 3, 19)


def test_late_submission_is_recorded_on_the_event(world, regulator, clock):
    acc = investigating(world, regulator, at(2025, 12, 1))  # due 2026-01-30
    inv = services.submit_investigation_report(acc, actor=regulator, submitted_on=datetime.date(2026, 2, 2))
    assert inv.report_submitted_late
    assert events_for(acc).get(action="report_submitted").data["late"] is True


# --- the warning -------------------------------------------------------------------------------------

def test_overdue_report_warning_raises_and_closes(world, regulator, clock):
    # given (on 2026-03-10) an investigation of an accident of 2026-01-05 (due 2026-03-06), an
    # accident of 2026-01-08 whose investigation never started (due 2026-03-09), and one of
    # 2026-01-10 (due today, 2026-03-11: not overdue)
    late = investigating(world, regulator, at(2026, 1, 5))
    never = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2026, 1, 8))
    on_time = investigating(world, regulator, at(2026, 1, 10))
    rule = get_rule(RULE)
    sync_rule(rule, clock.now)
    # then the first two are warned of, the third not
    assert open_warning(late) and open_warning(never) and not open_warning(on_time)
    warning = Warning.objects.get(rule=RULE, object_id=str(late.pk))
    assert late.number in warning.message and warning.region_path == late.region_path
    # when the late one is extended by 20 days and the other's report is submitted
    services.extend_report_deadline(late, actor=regulator, days=20, reason="经批准延期")
    services.start_investigation(never, actor=regulator, data={"started_on": datetime.date(2026, 1, 9)})
    never.refresh_from_db()
    services.submit_investigation_report(never, actor=regulator, submitted_on=datetime.date(2026, 3, 10))
    sync_rule(rule, clock.now)
    # then both warnings close
    assert not open_warning(late) and not open_warning(never)
    # and two days later the third is overdue
    sync_rule(rule, clock.advance(days=2))
    assert open_warning(on_time)


def test_voided_accident_has_no_report_warning(world, regulator, clock):
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2025, 12, 1))
    sync_rule(get_rule(RULE), clock.now)
    assert open_warning(acc)
    services.void_accident(acc, actor=regulator, reason="重复录入")
    sync_rule(get_rule(RULE), clock.now)
    assert not open_warning(acc)


# --- API and page ----------------------------------------------------------------------------------

def test_api_extends_the_report_deadline(world, regulator, api, clock):
    acc = investigating(world, regulator, at(2026, 1, 20))
    url = f"/api/accidents/{acc.pk}/extend-report/"
    # the enterprise may not (403); the other county does not see it (404)
    assert act_as(api, world.users[Role.ENTERPRISE]).post(url, {"days": 10, "reason": "x"},
                                                          format="json").status_code == 403
    assert act_as(api, world.users["other_county"]).post(url, {"days": 10, "reason": "x"},
                                                         format="json").status_code == 404
    client = act_as(api, regulator)
    bad = client.post(url, {"days": 61, "reason": "x"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["days"]
    assert client.post(url, {"days": 10, "reason": "x", "version": 1}, format="json").status_code == 409
    response = client.post(url, {"days": 10, "reason": "经区政府批准"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["investigation"]["report_due_on"] == "2026-03-31"
    assert body["investigation"]["report_extension_days"] == 10
    assert body["report_deadline"]["due_on"] == "2026-03-31" and body["report_deadline"]["overdue"] is False
    # before the investigation starts the detail gives the deadline too, overdue once it passed
    old = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2025, 12, 1))
    body = client.get(f"/api/accidents/{old.pk}/").json()
    assert body["investigation"] is None
    assert (body["report_deadline"]["due_on"], body["report_deadline"]["overdue"]) == ("2026-01-30", True)


def test_page_shows_the_deadline_and_extends_it(world, regulator, client, clock):
    acc = investigating(world, regulator, at(2025, 12, 1))
    client.force_login(fresh(regulator))
    html = client.get(reverse("accidents:detail", args=[acc.pk])).content.decode()
    # the due date with its overdue badge, and the button to extend it
    assert 'data-report-due="2026-01-30"' in html
    assert '<span class="badge badge-danger">逾期</span>' in html.split('id="investigation"')[1]
    assert reverse("accidents:action", args=[acc.pk, "extend_report"]) in html
    page = client.get(reverse("accidents:action", args=[acc.pk, "extend_report"]))
    assert page.status_code == 200 and "2026-01-30" in page.content.decode()
    # a form error names the field; a valid extension lands back on the accident
    bad = client.post(reverse("accidents:action", args=[acc.pk, "extend_report"]),
                      {"days": 61, "reason": "x", "version": acc.version})
    assert bad.status_code == 400 and bad.context["form"].errors["days"]
    done = client.post(reverse("accidents:action", args=[acc.pk, "extend_report"]),
                       {"days": 45, "reason": "经批准延期", "version": acc.version})
    assert done.status_code == 302
    html = client.get(reverse("accidents:detail", args=[acc.pk])).content.decode()
    assert 'data-report-due="2026-03-16"' in html and "经批准延期" in html
    assert reverse("accidents:action", args=[acc.pk, "extend_report"]) not in html  # once only


def test_untracked_accident_warns_only_once_investigated_here(world, regulator, clock):
    # given an accident imported as history (its reporting was not followed here), 70 days old
    acc = make_accident(regulator, enterprise=world.ent_a, occurred_at=at(2025, 12, 30))
    Accident.objects.filter(pk=acc.pk).update(obligations_tracked=False)
    sync_rule(get_rule(RULE), clock.now)
    # then no warning while no investigation runs here
    assert not open_warning(acc)
    # but once an investigation runs here, its report deadline (2026-02-28) counts
    acc.refresh_from_db()
    services.start_investigation(acc, actor=regulator, data={"started_on": datetime.date(2026, 1, 2)})
    sync_rule(get_rule(RULE), clock.now)
    assert open_warning(acc)

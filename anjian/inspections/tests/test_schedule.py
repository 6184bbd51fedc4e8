"""The schedule: duties create one task per period (idempotent), past-due open tasks become
missed (set-based), the missed-task selector the warning engine reads, the management
command and the periodic job's local-time trigger."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.core.services import events_for
from anjian.enterprises.choices import OperatingStatus
from anjian.inspections import selectors, services
from anjian.inspections.choices import TaskState
from anjian.inspections.models import InspectionTask
from anjian.inspections.tasks import local_crontab_0030
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import EnterpriseFactory, cadence, make_duty

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def tasks_of(duty):
    return list(InspectionTask.objects.filter(duty=duty).order_by("period_start"))


def test_creating_a_duty_schedules_its_current_task_with_the_enterprise_keys(world):
    # given an enterprise user of ent_a
    user = world.users[Role.ENTERPRISE]
    # when they create a weekly duty that is in force today
    duty = make_duty(world.ent_a, user)
    # then the duty copies the enterprise's keys, and this week's task exists, due on Sunday
    assert (duty.region_path, duty.industry_id, duty.grid_id) == (world.ent_a.region_path, world.ent_a.industry_id,
                                                                  world.grid_a.pk)
    [task] = tasks_of(duty)
    start, due = cadence("workshop_weekly").period_of(timezone.localdate())
    assert (task.period_start, task.due_date, task.state) == (start, due, TaskState.OPEN)
    assert (task.region_path, task.enterprise_id, task.grid_id) == (duty.region_path, world.ent_a.pk, world.grid_a.pk)
    assert events_for(duty).filter(action="created").exists()


def test_schedule_is_idempotent(world):
    # given a daily and a monthly duty (their current tasks already made on creation)
    daily = make_duty(world.ent_a, cadence_code="team_daily", name="班组日查")
    monthly = make_duty(world.ent_a, cadence_code="plant_monthly", name="厂矿月查")
    # when the job runs for a later day twice
    first = services.schedule_tasks(MONDAY + timedelta(days=40))
    second = services.schedule_tasks(MONDAY + timedelta(days=40))
    # then the first run made one task per duty and the second nothing
    assert (first, second) == (2, 0)
    assert len(tasks_of(daily)) == 2 and len(tasks_of(monthly)) == 2
    # and each run that made tasks left an event on the cadence
    assert events_for(cadence("team_daily")).filter(action="tasks_scheduled").count() == 1


def test_schedule_skips_inactive_duties_and_enterprises(world):
    # given duties that end before the day, start after it, belong to a suspended enterprise, or are voided
    day = MONDAY
    ended = make_duty(world.ent_a, active_from=date(2025, 1, 1), active_to=day - timedelta(days=1))
    future = make_duty(world.ent_a, active_from=day + timedelta(days=1))
    suspended_ent = EnterpriseFactory(region=world.township_a, status=OperatingStatus.SUSPENDED)
    suspended = make_duty(suspended_ent)
    voided = make_duty(world.ent_a)
    services.void_duty(voided, actor=world.users[Role.ADMIN], reason="录入错误")
    before = InspectionTask.objects.count()
    # when the job runs on that day
    created = services.schedule_tasks(day)
    # then none of them got a task for that week
    assert created == 0 and InspectionTask.objects.count() == before
    for duty in (ended, future, suspended, voided):
        assert not InspectionTask.objects.filter(duty=duty, period_start=day).exists()


def test_voiding_a_duty_cancels_its_open_tasks(world):
    # given a duty with its open task
    duty = make_duty(world.ent_a, world.users[Role.ENTERPRISE])
    # when it is voided
    services.void_duty(duty, actor=world.users[Role.ENTERPRISE], reason="重复设置")
    # then the task is cancelled and the duty voided with events
    assert [t.state for t in tasks_of(duty)] == [TaskState.CANCELLED]
    assert set(events_for(duty).values_list("action", flat=True)) >= {"voided", "tasks_cancelled"}


def test_mark_missed_turns_past_due_open_tasks_missed(world):
    # given a weekly duty with tasks for three weeks: one done, one open past due, one current
    duty = make_duty(world.ent_a, active_from=MONDAY - timedelta(days=30))
    for week in range(3):
        services.schedule_tasks(MONDAY + timedelta(weeks=week))
    done = InspectionTask.objects.get(duty=duty, period_start=MONDAY)
    InspectionTask.objects.filter(pk=done.pk).update(state=TaskState.DONE)
    # when the job marks missed tasks on the third Monday
    count = services.mark_missed_tasks(MONDAY + timedelta(weeks=2))
    # then only the second week's task became missed (the current one is still open)
    states = {t.period_start: t.state for t in tasks_of(duty) if MONDAY <= t.period_start <= MONDAY + timedelta(weeks=2)}
    assert count == 1
    assert states == {MONDAY: TaskState.DONE, MONDAY + timedelta(weeks=1): TaskState.MISSED,
                      MONDAY + timedelta(weeks=2): TaskState.OPEN}
    # and running it again changes nothing
    assert services.mark_missed_tasks(MONDAY + timedelta(weeks=2)) == 0
    assert events_for(cadence("workshop_weekly")).filter(action="tasks_missed").count() == 1


def test_missed_tasks_selector_gives_the_last_closed_period_per_duty(world):
    # given two weekly duties over three weeks: A missed weeks 1 and 2, B missed week 1 but did week 2
    a = make_duty(world.ent_a, active_from=MONDAY, name="A")
    b = make_duty(world.ent_a_construction, active_from=MONDAY, name="B")
    for week in range(3):
        services.schedule_tasks(MONDAY + timedelta(weeks=week))
    InspectionTask.objects.filter(duty=b, period_start=MONDAY + timedelta(weeks=1)).update(state=TaskState.DONE)
    services.mark_missed_tasks(MONDAY + timedelta(weeks=2))
    # when the warning engine reads the missed tasks
    missed = list(selectors.missed_tasks_qs())
    # then A's week 2 is the only cause: A's week 1 is superseded, B did its last period
    assert [(t.duty_id, t.period_start) for t in missed] == [(a.pk, MONDAY + timedelta(weeks=1))]
    # and it is scoped like every table: county B's regulator sees none of it
    assert not selectors.missed_tasks_qs().for_user(world.users["other_county"]).exists()
    assert selectors.missed_tasks_qs().for_user(world.users[Role.REGULATOR]).count() == 1


def test_duty_rights(world):
    # given county A's grid officer, expert, committee office and county B's regulator
    for key in (Role.GRID_OFFICER, Role.EXPERT, Role.COMMITTEE_OFFICE, "other_county"):
        # when they try to give ent_a a duty, then they are refused
        with pytest.raises(PermissionDenied):
            make_duty(world.ent_a, world.users[key])
    # and an enterprise user cannot give another enterprise a duty
    with pytest.raises(PermissionDenied):
        make_duty(world.ent_a_construction, world.users[Role.ENTERPRISE])
    # while county A's regulator and the enterprise itself can
    make_duty(world.ent_a, world.users[Role.REGULATOR])
    make_duty(world.ent_a, world.users[Role.ENTERPRISE])


def test_duty_validation(world):
    user = world.users[Role.ENTERPRISE]
    # given an end before the start, then the end date is named
    with pytest.raises(ValidationError) as exc:
        make_duty(world.ent_a, user, active_from=MONDAY, active_to=MONDAY - timedelta(days=1))
    assert "active_to" in exc.value.message_dict
    # given a responsible user of another enterprise, then that field is named
    with pytest.raises(ValidationError) as exc:
        make_duty(world.ent_a, user, responsible_user=world.users[Role.REGULATOR])
    assert "responsible_user" in exc.value.message_dict
    # given the enterprise's own user, then the responsible name is filled from the account
    duty = make_duty(world.ent_a, user, responsible_user=user)
    assert duty.responsible_name == user.name


def test_cadence_is_fixed_once_tasks_exist(world):
    # given a duty with its first task
    duty = make_duty(world.ent_a, world.users[Role.ENTERPRISE])
    # when its cadence is changed, then it is refused; other fields change with an event
    with pytest.raises(ValidationError) as exc:
        services.update_duty(duty, actor=world.users[Role.ENTERPRISE], data={"cadence": cadence("plant_monthly")})
    assert "cadence" in exc.value.message_dict
    services.update_duty(duty, actor=world.users[Role.ENTERPRISE], data={"name": "机加工车间周查"})
    duty.refresh_from_db()
    assert duty.name == "机加工车间周查"
    assert events_for(duty).filter(action="updated").exists()


def test_management_command_runs_the_schedule_for_a_date(world):
    # given a weekly duty and an open task of an earlier week
    duty = make_duty(world.ent_a, active_from=MONDAY - timedelta(days=7))
    services.schedule_tasks(MONDAY - timedelta(days=7))
    out = StringIO()
    # when the command runs for MONDAY
    call_command("schedule_inspections", "--date", MONDAY.isoformat(), stdout=out)
    # then the earlier task is missed and MONDAY's week has its task
    assert InspectionTask.objects.get(duty=duty, period_start=MONDAY - timedelta(days=7)).state == TaskState.MISSED
    assert InspectionTask.objects.get(duty=duty, period_start=MONDAY).state == TaskState.OPEN
    assert "missed" in out.getvalue()
    # and a malformed date is refused
    with pytest.raises(CommandError):
        call_command("schedule_inspections", "--date", "2026/03/02")


def test_periodic_job_fires_at_half_past_midnight_local_time(settings):
    # given huey's clock in UTC and the site in Asia/Shanghai (UTC+8)
    settings.TIME_ZONE = "Asia/Shanghai"
    # then 16:30 UTC (00:30 in China) fires and 00:30 UTC (08:30 in China) does not
    assert local_crontab_0030(datetime(2026, 3, 1, 16, 30))
    assert not local_crontab_0030(datetime(2026, 3, 1, 0, 30))


def test_mark_missed_is_set_based(world, django_assert_num_queries):
    # given 3 overdue open tasks, then marking them runs a fixed number of queries
    def overdue(n):
        for _ in range(n):
            duty = make_duty(EnterpriseFactory(region=world.township_a), active_from=MONDAY)
            services.schedule_tasks(MONDAY)
            assert InspectionTask.objects.filter(duty=duty, period_start=MONDAY).exists()

    overdue(3)
    with CaptureQueriesContext(connection) as ctx:
        assert services.mark_missed_tasks(MONDAY + timedelta(weeks=1)) == 3
    # when there are ten times as many, then it runs exactly as many queries
    overdue(30)
    with django_assert_num_queries(len(ctx)):
        assert services.mark_missed_tasks(MONDAY + timedelta(weeks=1)) == 30


def test_schedule_reads_duties_in_batches(world, monkeypatch):
    # given 5 active duties whose tasks for a new week do not exist yet, and batches of 2
    for _ in range(5):
        make_duty(EnterpriseFactory(region=world.township_a), active_from=MONDAY)
    monkeypatch.setattr(services, "SCHEDULE_BATCH", 2)
    # when the job runs, then it makes all 5, reading and inserting 2 at a time
    assert services.schedule_tasks(MONDAY) == 5
    assert InspectionTask.objects.filter(period_start=MONDAY).count() == 5

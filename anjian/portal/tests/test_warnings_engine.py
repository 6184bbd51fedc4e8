"""The warning engine: set-based sync (raise, close, refresh), the one-open-warning-per-cause
constraint under duplicates and concurrent scans, retired rules, the periodic huey task and the
``scan_warnings`` command."""

import datetime
import io
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.alerts.engine import WarningRule, get_rule, register, run_all_rules, sync_rule, unregister
from anjian.alerts.models import Warning
from anjian.hazards import services
from anjian.hazards.models import Hazard
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_hazard

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def later(n: int = 1) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


@pytest.fixture
def test_rule():
    """A throw-away rule registered for one test: hazards that have deadline extensions — one row
    per extension, so a hazard with two extensions appears twice among the matching rows."""
    rule = register(WarningRule(
        code="test_extended", title="Extended", level=Warning.Level.NOTICE,
        message="Hazard %(number)s was extended (%(pct)s%% sure)", roles=frozenset({Role.REGULATOR}),
        model=Hazard, matches=lambda now: Hazard.objects.filter(extensions__isnull=False),
        params={"number": "number", "pct": "version"},
    ))
    yield rule
    unregister(rule.code)


def test_sync_is_a_few_statements_whatever_the_number_of_records(world):
    # given 1 and then 6 overdue hazards
    actor = world.users[Role.ENTERPRISE]
    make_hazard(world.ent_a, actor, deadline=TODAY())
    rule = get_rule("hazard_overdue")

    def statements() -> int:
        Warning.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            sync_rule(rule, later())
        return len([q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    few = statements()
    for _ in range(5):
        make_hazard(world.ent_a, actor, deadline=TODAY())
    # then the scan runs the same statements (close, insert-select, refresh), never one per hazard
    assert statements() == few <= 4
    assert Warning.objects.filter(rule="hazard_overdue", closed_at__isnull=True).count() == 6


def test_duplicate_matching_rows_raise_one_warning(world, test_rule):
    # given a hazard with two extension requests (one refused, one pending): two matching rows
    actor = world.users[Role.ENTERPRISE]
    h = make_hazard(world.ent_a, actor, deadline=TODAY() + datetime.timedelta(days=1))
    ext = services.request_extension(h, actor=actor, new_deadline=TODAY() + datetime.timedelta(days=9),
                                     reason="一")
    services.decide_extension(ext, actor=actor, approve=False, comment="不同意")
    h.refresh_from_db()
    services.request_extension(h, actor=actor, new_deadline=TODAY() + datetime.timedelta(days=9), reason="二")
    # when the rule is scanned, then the INSERT's ON CONFLICT DO NOTHING keeps one open warning
    assert sync_rule(test_rule, timezone.now()).raised == 1
    w = Warning.objects.get(rule="test_extended")
    # and the message was built in SQL from the template, %% kept as a literal %
    assert w.message == f"Hazard {h.number} was extended ({Hazard.objects.get(pk=h.pk).version}% sure)"
    assert w.level == Warning.Level.NOTICE


def test_an_open_warning_already_there_is_not_duplicated(world):
    # given an open warning for an overdue hazard written by another scan meanwhile
    h = make_hazard(world.ent_a, world.users[Role.ENTERPRISE], deadline=TODAY())
    run_all_rules(later())
    # when the rule is scanned again at once, twice, then nothing new and no error
    assert sync_rule(get_rule("hazard_overdue"), later()).raised == 0
    assert sync_rule(get_rule("hazard_overdue"), later()).raised == 0
    assert Warning.objects.filter(object_id=str(h.pk), rule="hazard_overdue").count() == 1


def test_last_seen_is_refreshed_at_most_every_configured_hours(world, settings):
    # given an open overdue warning raised at t0
    make_hazard(world.ent_a, world.users[Role.ENTERPRISE], deadline=TODAY())
    rule = get_rule("hazard_overdue")
    t0 = later(1)
    sync_rule(rule, t0)
    # when rescanned 1 hour later (refresh every 24 h), then last_seen_at stays
    assert sync_rule(rule, t0 + datetime.timedelta(hours=1)).refreshed == 0
    assert Warning.objects.get(rule=rule.code).last_seen_at == t0
    # when rescanned 25 hours later, then it is confirmed at that scan
    t1 = t0 + datetime.timedelta(hours=25)
    assert sync_rule(rule, t1).refreshed == 1
    assert Warning.objects.get(rule=rule.code).last_seen_at == t1
    # when the refresh is set to every scan, then every scan confirms it
    settings.ANJIAN_WARN_SEEN_REFRESH_HOURS = 0
    t2 = t1 + datetime.timedelta(minutes=15)
    assert sync_rule(rule, t2).refreshed == 1
    assert Warning.objects.get(rule=rule.code).last_seen_at == t2


def test_warnings_of_a_retired_rule_are_closed(world, test_rule):
    # given an open warning of a rule that is then removed from the code
    actor = world.users[Role.ENTERPRISE]
    h = make_hazard(world.ent_a, actor, deadline=TODAY() + datetime.timedelta(days=1))
    services.request_extension(h, actor=actor, new_deadline=TODAY() + datetime.timedelta(days=9), reason="一")
    sync_rule(test_rule, timezone.now())
    unregister(test_rule.code)
    # when all rules run, then that warning is closed as retired
    assert run_all_rules()["_retired"] == {"closed": 1}
    assert Warning.objects.get(rule="test_extended").closed_at is not None


def test_a_failing_rule_does_not_stop_the_others(world):
    # given a rule whose query fails
    def broken(now):
        raise RuntimeError("boom")

    register(WarningRule(code="test_broken", title="Broken", level="warning", message="x",
                         roles=frozenset(), model=Hazard, matches=broken))
    try:
        make_hazard(world.ent_a, world.users[Role.ENTERPRISE], deadline=TODAY())
        # when all rules run, then the broken one reports an error and the others still work
        result = run_all_rules(later())
        assert result["test_broken"] == {"error": 1}
        assert result["hazard_overdue"]["raised"] == 1
    finally:
        unregister("test_broken")


def test_scan_command_prints_counts(world):
    # given an overdue hazard (deadline yesterday is not allowed at report: use today, then move it back)
    h = make_hazard(world.ent_a, world.users[Role.ENTERPRISE], deadline=TODAY())
    Hazard.objects.filter(pk=h.pk).update(deadline=TODAY() - datetime.timedelta(days=1))
    out = io.StringIO()
    # when `anjian scan_warnings` runs, then it prints one line per rule with the raised count
    call_command("scan_warnings", stdout=out)
    lines = {line.split()[0]: line.split()[1:] for line in out.getvalue().splitlines() if line.strip()}
    assert lines["hazard_overdue"][0] == "1"
    assert "major_plan_missing" in lines
    # and --rule limits the scan; --list lists the rules
    out = io.StringIO()
    call_command("scan_warnings", rules=["hazard_overdue"], stdout=out)
    assert "major_plan_missing" not in out.getvalue()
    out = io.StringIO()
    call_command("scan_warnings", list=True, stdout=out)
    assert "listing_overdue" in out.getvalue()


def test_scan_command_refuses_an_unknown_rule(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("scan_warnings", rules=["nope"], stdout=io.StringIO())


def test_the_scan_is_a_periodic_huey_task_every_15_minutes(world):
    from huey.api import PeriodicTask
    from huey.contrib.djhuey import HUEY

    from anjian.alerts.tasks import scan_warnings

    # given the task module, then the task is registered with huey as periodic
    task = scan_warnings.s()
    assert isinstance(task, PeriodicTask)
    assert type(task) in HUEY._registry._periodic_tasks
    # and it fires at :00, :15, :30, :45 only
    validate = task.validate_datetime
    assert [m for m in range(60) if validate(datetime.datetime(2026, 5, 1, 10, m))] == [0, 15, 30, 45]
    # when called in-process, then it runs the scan
    h = make_hazard(world.ent_a, world.users[Role.ENTERPRISE], deadline=TODAY())
    Hazard.objects.filter(pk=h.pk).update(deadline=TODAY() - datetime.timedelta(days=1))
    result = scan_warnings.call_local()
    assert result["hazard_overdue"]["raised"] == 1


@pytest.mark.postgres
@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_never_duplicate_on_postgresql(world):
    # given PostgreSQL (SQLite serialises writers anyway) and 30 overdue hazards
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    actor = world.users[Role.ENTERPRISE]
    for _ in range(30):
        h = make_hazard(world.ent_a, actor, deadline=TODAY())
    Hazard.objects.filter(enterprise=world.ent_a).update(deadline=TODAY() - datetime.timedelta(days=1))
    rule = get_rule("hazard_overdue")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(sync_rule(rule).raised)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # when four scans run at the same moment
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then none fails, 30 warnings were raised in total, and there is one open warning per hazard
    assert not errors, errors
    assert sum(results) == 30
    assert Warning.objects.filter(rule="hazard_overdue", closed_at__isnull=True).count() == 30
    assert h.pk

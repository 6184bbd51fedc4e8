"""The monitoring services, each called outside any transaction on PostgreSQL
(``portal/tests/test_write_services_postgres.py``, registry ``portal/testing/write_services.py``).

ent_a's user manages the sensors of a chlorine tank farm of ent_a (one source shared by the
scenarios, a fresh one where the scenario changes the source itself) and answers the alarms;
the system's steps (open, clear, worsen, escalate, connect…) are called as the ingest and the
sweep call them. Each scenario registers its own sensor (codes are unique per enterprise), and
the two periodic jobs, which walk every alarm and sensor of the world, come last."""

from __future__ import annotations

import datetime
import io
import itertools

from django.utils import timezone

from anjian.portal.testing.write_services import Run, event_actions, scenario

# Public functions of monitoring.services that write nothing.
READ_ONLY = {
    "monitoring.available_actions",  # the alarm steps an actor may take now
    "monitoring.missing_kinds",  # the required sensor kinds a source lacks (a read)
    "monitoring.unacknowledged",  # a queryset of the alarms nobody has acknowledged
}

# The periodic jobs (tasks.run_periodic): one transaction per alarm or sensor on purpose.
SEVERAL_TRANSACTIONS = {
    "monitoring.escalate_due": "the periodic job: one step (one transaction) per alarm due, so an alarm "
                               "acknowledged meanwhile does not undo the others",
    "monitoring.sweep_offline": "the periodic job: one transaction per newly silent sensor and per source "
                                "disconnected",
}

_codes = itertools.count(1)

LEVEL = {"name": "1#储罐液位", "kind": "level", "unit": "m", "range_min": 0, "range_max": 20, "high": 16,
         "high_high": 18, "low": 2, "low_low": 1, "hysteresis": 0.5, "min_duration_seconds": 30, "period_seconds": 10,
         "tag": "LI-101"}


def _code() -> str:
    return f"PG-LT-{next(_codes):03d}"


def _source(run: Run, *, fresh: bool = False):
    """ent_a's tank farm: the one the scenarios share, or a fresh one (a monitored source of its own)."""
    if fresh:
        return run.source(name="液氯储罐区（二期）")
    source = getattr(run, "_monitoring_source", None)
    if source is None:
        source = run._monitoring_source = run.source()
    return source


def _sensor(run: Run, source=None, **data):
    from anjian.monitoring import services

    return services.create_sensor(actor=run.ent_user, source=source or _source(run),
                                  data={**LEVEL, "code": _code(), **data})


def _alarm(run: Run, *, kind: str = "limit", sensor=None, at: datetime.datetime | None = None):
    """An alarm of a fresh sensor: above its high limit (16 m) at 17 m since a minute ago."""
    from anjian.monitoring import services

    sensor = sensor or _sensor(run)
    now = timezone.now()
    limit = {"limit": "high", "threshold": 16, "value": 17} if kind == "limit" else {}
    return services.open_alarm(kind=kind, monitored_id=sensor.monitored_id, sensor=sensor,
                               since=(at or now) - datetime.timedelta(minutes=1), at=at or now, **limit)


def _fresh(alarm):
    from anjian.monitoring.models import Alarm

    return Alarm.objects.get(pk=alarm.pk)


# the monitored source and its sensors

@scenario("monitoring.monitored_source")
def _(run: Run):
    from anjian.monitoring import services

    source = _source(run, fresh=True)
    monitored = run.call(services.monitored_source, source, actor=run.ent_user)
    assert (monitored.source, monitored.facility_type, monitored.enterprise_id) == (source, "tank_farm",
                                                                                    run.world.ent_a.pk)
    assert event_actions(monitored) == ["monitoring_started"]
    assert run.call(services.monitored_source, source, actor=run.ent_user) == monitored  # made once


@scenario("monitoring.set_facility_type")
def _(run: Run):
    from anjian.monitoring import services

    monitored = services.monitored_source(_source(run, fresh=True), actor=run.ent_user)
    run.call(services.set_facility_type, monitored, actor=run.ent_user, facility_type="warehouse")
    monitored.refresh_from_db()
    assert monitored.facility_type == "warehouse" and "facility_type_set" in event_actions(monitored)


@scenario("monitoring.create_sensor")
def _(run: Run):
    from anjian.monitoring import services

    source = _source(run)
    code = _code()
    sensor = run.call(services.create_sensor, actor=run.ent_user, source=source, data={**LEVEL, "code": code})
    assert (sensor.code, sensor.monitored.source, sensor.enterprise_id) == (code, source, run.world.ent_a.pk)
    assert sensor.region_path == source.region_path and event_actions(sensor) == ["created"]


@scenario("monitoring.update_sensor")
def _(run: Run):
    from anjian.monitoring import services

    sensor = _sensor(run)
    run.call(services.update_sensor, sensor, actor=run.ent_user, data={"high": 15, "hysteresis": 0.3})
    sensor.refresh_from_db()
    assert (sensor.high, sensor.hysteresis, sensor.version) == (15, 0.3, 2) and "updated" in event_actions(sensor)


@scenario("monitoring.void_sensor")
def _(run: Run):
    from anjian.monitoring import services

    sensor = _sensor(run)
    run.call(services.void_sensor, sensor, actor=run.ent_user, reason="编号录入错误")
    sensor.refresh_from_db()
    assert sensor.is_voided and sensor.void_reason == "编号录入错误" and "voided" in event_actions(sensor)


@scenario("monitoring.import_sensors")
def _(run: Run):
    from anjian.monitoring import services
    from anjian.monitoring.models import Sensor

    source = _source(run)
    existing = _sensor(run, source)
    new = _code()
    sheet = ("code,name,kind,unit,range_min,range_max,high,period_seconds\n"
             f"{existing.code},1#储罐液位,level,m,0,20,15,10\n"
             f"{new},2#储罐液位,level,m,0,20,16,10\n")
    report = run.call(services.import_sensors, io.BytesIO(sheet.encode()), "传感器.csv", actor=run.ent_user,
                      source=source)
    assert report.ok and (report.created, report.updated) == (1, 1), report.errors
    existing.refresh_from_db()
    assert existing.high == 15 and Sensor.objects.get(enterprise=run.world.ent_a, code=new, is_voided=False)
    assert "sensors_imported" in event_actions(existing.monitored)


@scenario("monitoring.record_import")
def _(run: Run):
    from anjian.core.services import events_for
    from anjian.monitoring import services

    monitored = _sensor(run).monitored
    run.call(services.record_import, monitored, actor=run.ent_user, created=2, updated=1)
    event = events_for(monitored).filter(action="sensors_imported").first()
    assert event.data == {"created": 2, "updated": 1} and event.actor == run.ent_user


# alarms: the people's steps

@scenario("monitoring.acknowledge")
def _(run: Run):
    from anjian.monitoring import services

    alarm = run.call(services.acknowledge, _alarm(run), actor=run.ent_user, comment="已安排人员现场查看")
    alarm = _fresh(alarm)
    assert (alarm.state, alarm.acknowledged_by) == ("acknowledged", run.ent_user)
    assert "acknowledge" in event_actions(alarm)


@scenario("monitoring.dispose")
def _(run: Run):
    from anjian.monitoring import services

    alarm = services.acknowledge(_alarm(run), actor=run.ent_user)
    run.call(services.dispose, _fresh(alarm), actor=run.ent_user, comment="已倒罐降低液位")
    alarm = _fresh(alarm)
    assert (alarm.state, alarm.disposal, alarm.disposed_by) == ("disposed", "已倒罐降低液位", run.ent_user)
    # an alarm whose cause is already gone closes in the same step
    cleared = services.acknowledge(_alarm(run), actor=run.ent_user)
    cleared = services.clear_alarm(_fresh(cleared), at=timezone.now(), value=10)
    run.call(services.dispose, _fresh(cleared), actor=run.ent_user, comment="液位已恢复正常")
    assert _fresh(cleared).state == "closed" and "close" in event_actions(cleared)


@scenario("monitoring.raise_hazard")
def _(run: Run):
    from anjian.monitoring import services

    alarm = services.acknowledge(_alarm(run), actor=run.ent_user)
    run.call(services.raise_hazard, _fresh(alarm), actor=run.ent_user, deadline=run.later)
    alarm = _fresh(alarm)
    assert alarm.hazard is not None and alarm.hazard.enterprise == run.world.ent_a
    assert alarm.hazard.deadline == run.later and "raise_hazard" in event_actions(alarm)


# alarms: the system's steps

@scenario("monitoring.open_alarm")
def _(run: Run):
    from anjian.monitoring import services

    sensor = _sensor(run)
    now = timezone.now()
    alarm = run.call(services.open_alarm, kind="limit", monitored_id=sensor.monitored_id, sensor=sensor,
                     limit="high", threshold=16, since=now - datetime.timedelta(minutes=1), value=17, at=now)
    alarm = _fresh(alarm)
    assert alarm.state == "open" and alarm.number == f"BJ{timezone.localdate(now):%Y%m%d}{alarm.pk:07d}"
    assert (alarm.enterprise_id, alarm.peak_value) == (run.world.ent_a.pk, 17) and event_actions(alarm) == ["opened"]
    # a second alarm of the kind while the first is not closed: None (another process opened it first)
    assert run.call(services.open_alarm, kind="limit", monitored_id=sensor.monitored_id, sensor=sensor,
                    limit="high", threshold=16, since=now, value=17, at=now) is None


@scenario("monitoring.clear_alarm")
def _(run: Run):
    from anjian.monitoring import services

    alarm = _alarm(run)
    at = timezone.now()
    run.call(services.clear_alarm, alarm, at=at, value=10)
    alarm = _fresh(alarm)
    assert (alarm.state, alarm.cleared_at) == ("open", at) and "cleared" in event_actions(alarm)
    # a disposed alarm closes when its cause is gone
    disposed = services.acknowledge(_alarm(run), actor=run.ent_user)
    disposed = services.dispose(_fresh(disposed), actor=run.ent_user, comment="已倒罐降低液位")
    run.call(services.clear_alarm, _fresh(disposed), at=timezone.now(), value=10)
    assert _fresh(disposed).state == "closed"


@scenario("monitoring.recur_alarm")
def _(run: Run):
    from anjian.monitoring import services

    alarm = _alarm(run)
    alarm = services.clear_alarm(alarm, at=timezone.now(), value=10)
    run.call(services.recur_alarm, _fresh(alarm), limit="high_high", threshold=18, value=19, at=timezone.now())
    alarm = _fresh(alarm)
    assert (alarm.cleared_at, alarm.limit, alarm.peak_value) == (None, "high_high", 19)
    assert event_actions(alarm).count("opened") == 2


@scenario("monitoring.worsen_alarm")
def _(run: Run):
    from anjian.monitoring import services

    alarm = _alarm(run)
    run.call(services.worsen_alarm, alarm, limit="high_high", threshold=18, value=18.5)
    alarm = _fresh(alarm)
    assert (alarm.limit, alarm.threshold, alarm.peak_value) == ("high_high", 18, 18.5)
    assert "worsened" in event_actions(alarm)


@scenario("monitoring.connect")
def _(run: Run):
    from anjian.core.workflow import perform
    from anjian.monitoring import services
    from anjian.monitoring.choices import CONNECTION_MACHINE
    from anjian.monitoring.models import MonitoredSource

    # given a source that connected, then went dark with its disconnection alarm open
    monitored = _sensor(run, _source(run, fresh=True)).monitored
    services.connect(monitored.pk, at=timezone.now() - datetime.timedelta(hours=2))
    perform(MonitoredSource.objects.get(pk=monitored.pk), "disconnect", actor=None, policy=None,
            machine=CONNECTION_MACHINE, expected_version=None)
    alarm = services.open_alarm(kind="disconnected", monitored_id=monitored.pk,
                                since=timezone.now() - datetime.timedelta(hours=1))
    # when a reading comes, then it connects and the alarm's cause is gone
    at = timezone.now()
    run.call(services.connect, monitored.pk, at=at)
    monitored.refresh_from_db()
    assert (monitored.connection, monitored.connected_at) == ("connected", at)
    assert _fresh(alarm).cleared_at == at


@scenario("monitoring.clear_offline")
def _(run: Run):
    from anjian.monitoring import services
    from anjian.monitoring.models import Sensor

    # given a sensor the sweep found silent, with its offline alarm
    sensor = _sensor(run)
    Sensor.objects.filter(pk=sensor.pk).update(is_offline=True)
    alarm = _alarm(run, kind="offline", sensor=sensor)
    # when it sends a reading, then it is online again and the alarm's cause is gone
    at = timezone.now()
    run.call(services.clear_offline, [sensor.pk], at=at)
    sensor.refresh_from_db()
    assert not sensor.is_offline and _fresh(alarm).cleared_at == at


# the periodic jobs (last: they walk every alarm and sensor of the world)

@scenario("monitoring.escalate_due")
def _(run: Run):
    from anjian.monitoring import services

    # given an alarm nobody acknowledged for two hours (enterprise after 10 min, regulator after 30)
    alarm = _alarm(run, at=timezone.now() - datetime.timedelta(hours=2))
    out = run.call(services.escalate_due)
    alarm = _fresh(alarm)
    assert alarm.state == "escalated_regulator" and alarm.escalated_at is not None
    assert out["escalate_enterprise"] >= 1 and out["escalate_regulator"] >= 1
    assert {"escalate_enterprise", "escalate_regulator"} <= set(event_actions(alarm))


@scenario("monitoring.sweep_offline")
def _(run: Run):
    from anjian.monitoring import services
    from anjian.monitoring.models import Alarm, MonitoredSource, Sensor

    # given a connected source whose only sensor last reported an hour ago (10 s period)
    sensor = _sensor(run, _source(run, fresh=True))
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    services.connect(sensor.monitored_id, at=hour_ago)
    Sensor.objects.filter(pk=sensor.pk).update(last_reading_at=hour_ago)
    # when the sweep runs, then the sensor is offline with its alarm, and the source disconnected with its own
    out = run.call(services.sweep_offline)
    sensor.refresh_from_db()
    assert sensor.is_offline and Alarm.objects.get(sensor=sensor, kind="offline").breach_started_at == hour_ago
    assert MonitoredSource.objects.get(pk=sensor.monitored_id).connection == "disconnected"
    assert Alarm.objects.filter(monitored_id=sensor.monitored_id, kind="disconnected", state="open").exists()
    assert out["offline"] >= 1 and out["disconnected"] >= 1

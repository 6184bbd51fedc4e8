"""Ingest without the broker: decoding, checks, storing once, rollups, the alarm machine through
the services, escalation, offline sensors and disconnected sources, refused readings counted."""

import datetime
import json

import pytest
from django.utils import timezone

from anjian.core.models import Event
from anjian.monitoring import services
from anjian.monitoring.choices import AlarmKind, AlarmState, ConnectionState
from anjian.monitoring.ingest import Decoded, Incoming, decode_batch_lines, decode_http, decode_mqtt, store
from anjian.monitoring.models import Alarm, BadInputCount, MonitoredSource, Reading, Rollup, Sensor
from anjian.orgs.choices import Role
from anjian.portal.testing.factories import make_user

from .conftest import at, make_sensor

pytestmark = pytest.mark.django_db


def topic(sensor, code=None):
    return f"anjian/{sensor.enterprise_id}/{sensor.source_id}/{code or sensor.code}"


def send(sensor, values, start=None, step=10, channel="mqtt"):
    """Store ``values`` of ``sensor`` at ``step``-second intervals from ``start``."""
    start = start or at(0)
    readings = [Incoming(sensor.enterprise_id, sensor.code, start + datetime.timedelta(seconds=i * step), v)
                for i, v in enumerate(values)]
    return store(Decoded(readings=readings), channel=channel)


def test_json_and_batch_payloads_decode(sensor):
    one = decode_mqtt(topic(sensor), json.dumps({"ts": "2026-12-07T10:00:00+08:00", "v": 3.5, "unit": "m"}).encode())
    assert len(one.readings) == 1 and one.readings[0].value == 3.5
    assert one.readings[0].ts == datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)
    many = decode_mqtt(topic(sensor), json.dumps([{"ts": 1796000000, "v": 1}, {"ts": 1796000000000, "v": 2}]).encode())
    assert [r.ts.timestamp() for r in many.readings] == [1796000000, 1796000000]
    batch = decode_batch_lines(b"LT-101,1796000000000,3.2\nLT-102,1796000001000,4,m\nbroken line\n",
                               sensor.enterprise_id, sensor.source_id)
    assert [(r.code, r.value, r.unit) for r in batch.readings] == [("LT-101", 3.2, None), ("LT-102", 4.0, "m")]
    assert [r.reason for r in batch.refusals] == ["malformed"]
    assert decode_mqtt("other/1/2/x", b"{}").refusals[0].reason == "malformed"


def test_a_reading_delivered_twice_is_stored_once_and_rolled_up_once(sensor):
    # the same moments both times (read once: the clock runs on between the deliveries), within one minute
    start = at(0).replace(second=0)
    first = send(sensor, [5.0, 6.0, 7.0], start=start)
    again = send(sensor, [5.0, 6.0, 7.0], start=start)
    assert (first.stored, first.duplicates) == (3, 0)
    assert (again.stored, again.duplicates) == (0, 3)
    assert Reading.objects.filter(sensor=sensor).count() == 3
    minutes = Rollup.objects.filter(sensor=sensor, grain="minute")
    assert sum(r.n for r in minutes) == 3
    hour = Rollup.objects.get(sensor=sensor, grain="hour")
    assert (hour.n, hour.vmin, hour.vmax, hour.vsum) == (3, 5.0, 7.0, 18.0)
    sensor.refresh_from_db()
    assert sensor.last_value == 7.0
    monitored = MonitoredSource.objects.get(pk=sensor.monitored_id)
    assert monitored.connection == ConnectionState.CONNECTED


def test_bad_input_is_refused_counted_per_enterprise_and_the_rest_stored(world, sensor):
    now = timezone.now()
    decoded = decode_mqtt(topic(sensor), json.dumps([
        {"ts": at(0).isoformat(), "v": 5},                       # fine
        {"ts": at(10).isoformat(), "v": 5, "unit": "mm"},        # wrong unit
        {"ts": at(20).isoformat(), "v": 25},                     # out of range (0–20)
        {"ts": (now + datetime.timedelta(hours=1)).isoformat(), "v": 5},  # future
        {"ts": (now - datetime.timedelta(days=30)).isoformat(), "v": 5},  # too old
        {"ts": "yesterday", "v": 5},                             # malformed
        {"ts": at(30).isoformat(), "v": "NaN"},                  # malformed
    ]).encode())
    decoded.readings += decode_mqtt(topic(sensor, "NO-SUCH"), b'{"ts": 1796000000, "v": 1}').readings
    result = store(decoded, channel="mqtt")
    assert result.stored == 1
    assert result.refused == {"wrong_unit": 1, "out_of_range": 1, "future": 1, "too_old": 1, "malformed": 2,
                              "unknown_sensor": 1}
    counts = dict(BadInputCount.objects.filter(enterprise=world.ent_a).values_list("reason", "count"))
    assert counts == result.refused
    # a sensor of another source than the topic names is unknown there
    wrong_source = decode_mqtt(f"anjian/{sensor.enterprise_id}/999999/{sensor.code}", b'{"ts": 1796000000, "v": 1}')
    assert store(wrong_source, channel="mqtt").refused == {"unknown_sensor": 1}


def test_an_alarm_opens_escalates_is_acknowledged_disposed_and_closes_when_cleared(world, sensor):
    # given a level above high (16) for 40 s: the minimum duration is 30 s
    result = send(sensor, [10, 17, 17, 17, 17.5])
    assert result.alarms_opened == 1
    alarm = Alarm.objects.get(sensor=sensor)
    assert (alarm.kind, alarm.limit, alarm.state, alarm.threshold) == (AlarmKind.LIMIT, "high", AlarmState.OPEN, 16)
    assert alarm.number.startswith("BJ")
    assert alarm.breach_started_at == at(10)
    # a high-high value worsens it
    send(sensor, [18.5], start=at(50))
    alarm.refresh_from_db()
    assert (alarm.limit, alarm.peak_value) == ("high_high", 18.5)
    # not acknowledged in time: the enterprise's management, then the regulator
    later = alarm.opened_at + datetime.timedelta(minutes=11)
    assert services.escalate_due(later)["escalate_enterprise"] == 1
    assert services.escalate_due(alarm.opened_at + datetime.timedelta(minutes=31))["escalate_regulator"] == 1
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ESCALATED_REGULATOR
    # the enterprise acknowledges and disposes; the value is still high: the alarm stays disposed
    ent_user = world.users[Role.ENTERPRISE]
    alarm = services.acknowledge(alarm, actor=ent_user)
    alarm = services.dispose(alarm, actor=ent_user, comment="关闭进料阀，液位回落")
    assert alarm.state == AlarmState.DISPOSED
    # 15.8 is inside high but not by the hysteresis (0.5); 15.4 is: the alarm closes
    send(sensor, [15.8], start=at(60))
    assert Alarm.objects.get(pk=alarm.pk).state == AlarmState.DISPOSED
    send(sensor, [15.4], start=at(70))
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLOSED and alarm.cleared_at == at(70)
    actions = list(Event.objects.filter(object_id=str(alarm.pk), content_type__model="alarm")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["opened", "worsened", "escalate_enterprise", "escalate_regulator", "acknowledge", "dispose",
                       "cleared", "close"]


def test_dispose_needs_a_comment_and_a_cleared_alarm_closes_on_disposal(world, sensor):
    send(sensor, [17, 17, 17, 17, 10])  # opens at 30 s, back within the band at 40 s
    alarm = Alarm.objects.get(sensor=sensor)
    assert alarm.cleared_at is not None and alarm.state == AlarmState.OPEN
    user = world.users[Role.ENTERPRISE]
    alarm = services.acknowledge(alarm, actor=user)
    with pytest.raises(Exception, match="处置|dealt"):
        services.dispose(alarm, actor=user, comment=" ")
    alarm = services.dispose(alarm, actor=user, comment="误报，已校准")
    assert alarm.state == AlarmState.CLOSED


def test_other_county_and_other_enterprise_may_not_act(world, sensor):
    from django.core.exceptions import PermissionDenied

    send(sensor, [17, 17, 17, 17])
    alarm = Alarm.objects.get(sensor=sensor)
    with pytest.raises(PermissionDenied):
        services.acknowledge(alarm, actor=world.users["other_county"])
    assert services.acknowledge(alarm, actor=world.users[Role.REGULATOR]).state == AlarmState.ACKNOWLEDGED


def test_a_confirmed_alarm_becomes_a_hazard_in_one_step(world, sensor):
    from anjian.hazards.models import Hazard

    send(sensor, [17, 17, 17, 17])
    alarm = Alarm.objects.get(sensor=sensor)
    user = world.users[Role.ENTERPRISE]
    with pytest.raises(Exception, match="state|状态"):
        services.raise_hazard(alarm, actor=user, deadline=timezone.localdate() + datetime.timedelta(days=7))
    alarm = services.acknowledge(alarm, actor=user)
    alarm = services.raise_hazard(alarm, actor=user, deadline=timezone.localdate() + datetime.timedelta(days=7))
    hazard = Hazard.objects.get(pk=alarm.hazard_id)
    assert hazard.enterprise_id == world.ent_a.pk and sensor.code in hazard.description
    with pytest.raises(Exception, match="already|已"):
        services.raise_hazard(alarm, actor=user, deadline=timezone.localdate() + datetime.timedelta(days=7))


def test_silent_sensors_go_offline_and_a_source_all_silent_disconnects(world, source):
    a = make_sensor(world, source)
    b = make_sensor(world, source, code="TT-101", name="温度", kind="temperature", unit="°C", range_min=-20,
                    range_max=80, high=50, high_high=60, low=None, low_low=None)
    send(a, [5.0], start=timezone.now() - datetime.timedelta(seconds=5))
    send(b, [20.0], start=timezone.now() - datetime.timedelta(seconds=5))
    now = timezone.now()
    # a 10 s period and 3 periods: silent after 30 s
    assert services.sweep_offline(now + datetime.timedelta(seconds=20)) == {"offline": 0, "disconnected": 0}
    assert services.sweep_offline(now + datetime.timedelta(seconds=40)) == {"offline": 2, "disconnected": 1}
    assert Sensor.objects.filter(is_offline=True).count() == 2
    monitored = MonitoredSource.objects.get(source=source)
    assert monitored.connection == ConnectionState.DISCONNECTED
    assert Alarm.objects.filter(kind=AlarmKind.DISCONNECTED, monitored=monitored).count() == 1
    # nothing twice
    assert services.sweep_offline(now + datetime.timedelta(seconds=50)) == {"offline": 0, "disconnected": 0}
    # a reading brings one sensor and the source back; their alarms' causes are gone
    send(a, [5.0], start=timezone.now())
    monitored.refresh_from_db()
    assert monitored.connection == ConnectionState.CONNECTED
    assert not Sensor.objects.get(pk=a.pk).is_offline
    assert Alarm.objects.get(kind=AlarmKind.OFFLINE, sensor=a).cleared_at is not None
    assert Alarm.objects.get(kind=AlarmKind.DISCONNECTED).cleared_at is not None
    assert Alarm.objects.get(kind=AlarmKind.OFFLINE, sensor=b).cleared_at is None


def test_http_batch_is_scoped_to_the_keys_enterprise(world, sensor, api):
    from anjian.hazards.auth import issue_key

    key = issue_key(actor=world.users[Role.ADMIN], enterprise=world.ent_a, user=world.users[Role.ENTERPRISE],
                    name="DCS").secret
    body = {"readings": [{"sensor": "LT-101", "ts": at(0).isoformat(), "v": 3},
                         {"sensor": "LT-101", "ts": at(10).isoformat(), "v": 4, "unit": "m"},
                         {"sensor": "LT-999", "ts": at(0).isoformat(), "v": 4}]}
    response = api.post("/api/monitoring/ingest/", body, format="json", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 2 and response.json()["refused"] == {"unknown_sensor": 1}
    again = api.post("/api/monitoring/ingest/", body, format="json", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert again.json()["duplicates"] == 2
    assert BadInputCount.objects.get(enterprise=world.ent_a, reason="unknown_sensor", channel="http").count == 2
    # another enterprise's key cannot reach this sensor: its code is unknown there
    other_user = make_user(Role.ENTERPRISE, scope_enterprise=world.ent_b)
    other = issue_key(actor=world.users[Role.ADMIN], enterprise=world.ent_b, user=other_user, name="x").secret
    response = api.post("/api/monitoring/ingest/", body, format="json", HTTP_AUTHORIZATION=f"Api-Key {other}")
    assert response.json()["stored"] == 0 and response.json()["refused"] == {"unknown_sensor": 3}
    # a regulator sends no readings; a body that is no batch is a 400 naming the field
    api.force_authenticate(world.users[Role.REGULATOR])
    assert api.post("/api/monitoring/ingest/", body, format="json").status_code == 403
    api.force_authenticate(world.users[Role.ENTERPRISE])
    bad = api.post("/api/monitoring/ingest/", {"x": 1}, format="json")
    assert bad.status_code == 400 and "readings" in bad.json()
    assert api.post("/api/monitoring/ingest/", body, format="json").json()["duplicates"] == 2
    api.force_authenticate(None)
    response = api.post("/api/monitoring/ingest/", body, format="json", HTTP_AUTHORIZATION="Api-Key nope")
    assert response.status_code == 401


def test_http_decoding_refuses_a_reading_without_a_sensor(world):
    decoded = decode_http(world.ent_a.pk, {"readings": [{"ts": 1, "v": 1}, "x"]})
    assert [r.reason for r in decoded.refusals] == ["malformed", "malformed"]

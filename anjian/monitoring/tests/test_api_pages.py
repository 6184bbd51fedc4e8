"""The monitoring API and pages: sensors through the services (400 naming the field, 409 on a stale
version), scoping of readings, alarms and pages, the alarm steps, the sensor list's import (all or
nothing) and export, the live and trend JSON, the indicators, and storage over time."""

import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from anjian.monitoring.choices import AlarmState
from anjian.monitoring.ingest import Decoded, Incoming, store
from anjian.monitoring.models import Alarm, Reading, Rollup, Sensor
from anjian.orgs.choices import Role

from .conftest import LEVEL, at, make_sensor, make_source

pytestmark = pytest.mark.django_db


def send(sensor, values, start=None, step=10):
    start = start or at(0)
    return store(Decoded(readings=[Incoming(sensor.enterprise_id, sensor.code, start + datetime.timedelta(seconds=i * step),
                                            v) for i, v in enumerate(values)]), channel="mqtt")


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- sensors ---------------------------------------------------------------------------------------

def test_sensors_are_registered_corrected_and_voided_through_the_api(world, source, api):
    api.force_authenticate(world.users[Role.ENTERPRISE])
    body = {**LEVEL, "source": source.pk}
    created = api.post("/api/monitoring/sensors/", body, format="json")
    assert created.status_code == 201, created.content
    sensor = created.json()
    assert sensor["topic"] == f"anjian/{world.ent_a.pk}/{source.pk}/LT-101"
    # a limit outside the range, a unit of another kind, a code taken: 400 naming the field
    bad = api.post("/api/monitoring/sensors/", {**body, "code": "LT-102", "high_high": 30}, format="json")
    assert bad.status_code == 400 and "high_high" in bad.json()
    assert "unit" in api.post("/api/monitoring/sensors/", {**body, "code": "X", "unit": "ppm"}, format="json").json()
    assert "code" in api.post("/api/monitoring/sensors/", body, format="json").json()
    # a correction from a stale version is a conflict
    url = f"/api/monitoring/sensors/{sensor['id']}/"
    assert api.patch(url, {"high": 15, "version": sensor["version"]}, format="json").status_code == 200
    stale = api.patch(url, {"high": 14, "version": sensor["version"]}, format="json")
    assert stale.status_code == 409
    assert api.delete(url, {"reason": "登记错误"}, format="json").status_code == 204
    assert Sensor.objects.get(pk=sensor["id"]).is_voided
    # another county's regulator neither sees nor registers
    api.force_authenticate(world.users["other_county"])
    assert api.get(url).status_code == 404
    assert api.post("/api/monitoring/sensors/", {**body, "code": "Z"}, format="json").status_code == 400


def test_the_required_kinds_follow_the_facility_type(world, source):
    from anjian.monitoring import services

    sensor = make_sensor(world, source)
    monitored = sensor.monitored
    assert monitored.facility_type == "tank_farm"  # a storage unit starts as a tank farm
    missing = {r.kind for r in services.missing_kinds(monitored)}
    assert "level" not in missing and {"temperature", "pressure", "combustible_gas"} <= missing
    monitored = services.set_facility_type(monitored, actor=world.users[Role.ENTERPRISE], facility_type="warehouse")
    assert {r.kind for r in services.missing_kinds(monitored)} == {"temperature", "combustible_gas", "video"}


def _sheet(rows) -> io.BytesIO:
    from anjian.monitoring.imports import COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "sensors.xlsx"
    return buf


def test_the_sensor_list_imports_all_or_nothing_and_exports_back(world, source):
    client = page(world.users[Role.ENTERPRISE])
    url = f"/monitoring/sources/{source.pk}/sensors/import/"
    good = ["LT-201", "2#储罐液位", "液位", "m", 0, 20, "DCS", "LI-201", 10, 18, 16, 2, 1, 0.5, 30]
    bad = ["TT-201", "温度", "温度", "ppm", 0, 100, "DCS", "TI-201", 10, None, 50, None, None, 1, 0]
    response = client.post(url, {"file": _sheet([good, bad])})
    assert response.status_code == 400
    assert "单位" in response.content.decode() and not Sensor.objects.filter(source=source).exists()
    response = client.post(url, {"file": _sheet([good, [*bad[:3], "°C", *bad[4:]]])})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert set(Sensor.objects.filter(source=source).values_list("code", flat=True)) == {"LT-201", "TT-201"}
    # the export has the import's columns: edited and uploaded again, it corrects
    exported = client.get(f"/monitoring/sources/{source.pk}/sensors/export/")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "传感器编号" and {r[0] for r in rows[1:]} == {"LT-201", "TT-201"}
    row = next(r for r in rows[1:] if r[0] == "LT-201")
    row[10] = 15  # 高报
    response = client.post(url, {"file": _sheet([row])})
    assert response.status_code == 200
    assert Sensor.objects.get(code="LT-201").high == 15
    # another enterprise's user cannot reach the page
    other = page(world.users["other_county"])
    assert other.post(url, {"file": _sheet([good])}).status_code == 404


# --- readings, alarms, pages ---------------------------------------------------------------------

def test_readings_and_alarms_are_scoped(world, sensor, api, django_assert_max_num_queries):
    other_source = make_source(world, enterprise=world.ent_b, name="乙罐区")
    other = make_sensor(world, other_source, code="LT-900")
    send(sensor, [17, 17, 17, 17])
    send(other, [5, 6, 7])
    api.force_authenticate(world.users[Role.REGULATOR])
    with django_assert_max_num_queries(6):
        rows = api.get("/api/monitoring/readings/", {"page_size": 500}).json()["results"]
    assert {r["sensor"] for r in rows} == {sensor.pk}
    assert len(api.get("/api/monitoring/alarms/").json()["results"]) == 1
    api.force_authenticate(world.users["other_county"])
    assert {r["sensor"] for r in api.get("/api/monitoring/readings/").json()["results"]} == {other.pk}
    assert api.get("/api/monitoring/alarms/").json()["results"] == []
    alarm = Alarm.objects.get(sensor=sensor)
    assert api.get(f"/api/monitoring/alarms/{alarm.pk}/").status_code == 404
    assert api.post(f"/api/monitoring/alarms/{alarm.pk}/acknowledge/", {}, format="json").status_code == 404
    # the pages: 404 for another county's source, sensor and alarm
    client = page(world.users["other_county"])
    for url in (f"/monitoring/sources/{sensor.source_id}/", f"/monitoring/sources/{sensor.source_id}/live.json",
                f"/monitoring/sensors/{sensor.pk}/trend.json", f"/monitoring/alarms/{alarm.pk}/"):
        assert client.get(url).status_code == 404, url
    wall = client.get("/monitoring/").content.decode()
    assert sensor.source.name not in wall and "乙罐区" in wall


def test_alarm_steps_through_the_api(world, sensor, api):
    send(sensor, [17, 17, 17, 17])
    alarm = Alarm.objects.get(sensor=sensor)
    api.force_authenticate(world.users[Role.ENTERPRISE])
    detail = api.get(f"/api/monitoring/alarms/{alarm.pk}/").json()
    assert detail["available_actions"] == ["acknowledge"]
    assert api.post(f"/api/monitoring/alarms/{alarm.pk}/dispose/", {"comment": "x"}, format="json").status_code == 400
    done = api.post(f"/api/monitoring/alarms/{alarm.pk}/acknowledge/", {"version": detail["version"]}, format="json")
    assert done.json()["state"] == AlarmState.ACKNOWLEDGED
    stale = api.post(f"/api/monitoring/alarms/{alarm.pk}/dispose/", {"comment": "已处理", "version": detail["version"]},
                     format="json")
    assert stale.status_code == 409
    hazard = api.post(f"/api/monitoring/alarms/{alarm.pk}/raise-hazard/", {
        "deadline": (timezone.localdate() + datetime.timedelta(days=5)).isoformat()}, format="json")
    assert hazard.status_code == 200 and hazard.json()["hazard"]
    assert api.post(f"/api/monitoring/alarms/{alarm.pk}/dispose/", {"comment": "已处理"},
                    format="json").json()["state"] == AlarmState.DISPOSED


def test_pages_show_live_values_trend_and_alarms(world, sensor, django_assert_max_num_queries):
    send(sensor, [5, 6, 7, 17, 17, 17, 17], start=timezone.now() - datetime.timedelta(minutes=2))
    client = page(world.users[Role.ENTERPRISE])
    html = client.get(f"/monitoring/sources/{sensor.source_id}/").content.decode()
    assert "LT-101" in html and "新增传感器" in html and "echarts" in html
    live = client.get(f"/monitoring/sources/{sensor.source_id}/live.json").json()
    assert live["connection"] == "connected" and live["sensors"][0]["value"] == 17 and live["sensors"][0]["alarm"] == "high"
    trend = client.get(f"/monitoring/sensors/{sensor.pk}/trend.json", {"span": "1h"}).json()
    assert [p[1] for p in trend["points"]] == [5, 6, 7, 17, 17, 17, 17] and trend["limits"]["high"] == 16
    day = client.get(f"/monitoring/sensors/{sensor.pk}/trend.json", {"span": "24h"}).json()
    assert day["grain"] == "minute" and sum(1 for _ in day["points"]) >= 1
    assert client.get(f"/monitoring/sensors/{sensor.pk}/trend.json", {"span": "1y"}).status_code == 400
    regulator = page(world.users[Role.REGULATOR])
    with django_assert_max_num_queries(14):
        wall = regulator.get("/monitoring/")
    assert wall.status_code == 200 and sensor.source.name in wall.content.decode()
    alarm = Alarm.objects.get(sensor=sensor)
    response = client.post(f"/monitoring/alarms/{alarm.pk}/act/", {"action": "acknowledge", "version": alarm.version})
    assert response.status_code == 302
    assert Alarm.objects.get(pk=alarm.pk).state == AlarmState.ACKNOWLEDGED
    assert "已确认" in client.get(f"/monitoring/alarms/{alarm.pk}/").content.decode()
    assert client.get("/monitoring/alarms/").status_code == 200
    assert client.get("/monitoring/bad-input/").status_code == 200


def test_the_sensor_form_names_the_field_in_error(world, source):
    client = page(world.users[Role.ENTERPRISE])
    data = {k: ("" if v is None else v) for k, v in {**LEVEL, "high_high": 50}.items()}
    data["system"] = "dcs"
    response = client.post(f"/monitoring/sources/{source.pk}/sensors/new/", data)
    assert response.status_code == 400 and "报警值应在量程之内" in response.content.decode()
    data["high_high"] = 18
    assert client.post(f"/monitoring/sources/{source.pk}/sensors/new/", data).status_code == 302
    assert page(world.users[Role.COMMITTEE_OFFICE]).post(
        f"/monitoring/sources/{source.pk}/sensors/new/", data).status_code == 403


# --- indicators and storage --------------------------------------------------------------------------

def test_retention_keeps_the_recent_readings_and_the_rollups(world, sensor, settings):
    from anjian.monitoring.partitions import apply_retention, ensure_partitions, partitions

    send(sensor, [5.0, 6.0], start=timezone.now() - datetime.timedelta(hours=60))
    send(sensor, [7.0], start=timezone.now() - datetime.timedelta(minutes=1))
    if connection.vendor == "postgresql":
        made = ensure_partitions()
        assert set(made) <= set(partitions()) and len(made) == 4
        settings.ANJIAN_MONITORING_RETENTION_DAYS = 30
        # in 200 days every partition of today's months is past the retention and dropped whole
        result = apply_retention(timezone.now() + datetime.timedelta(days=200))
        assert result["partitions_dropped"] >= 2
        assert Reading.objects.filter(sensor=sensor).count() == 0
        ensure_partitions()
    else:
        settings.ANJIAN_MONITORING_SQLITE_WINDOW_DAYS = 1
        apply_retention()
        assert list(Reading.objects.filter(sensor=sensor).values_list("value", flat=True)) == [7.0]
        assert Rollup.objects.filter(sensor=sensor, grain="hour").count() == 2


def test_the_pages_say_plainly_when_the_broker_cannot_be_reached(world, sensor, settings):
    import socket

    from anjian.monitoring import views

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        settings.ANJIAN_MQTT_PORT = s.getsockname()[1]
    views._broker_seen = (0.0, False)
    html = page(world.users[Role.ENTERPRISE]).get(f"/monitoring/sources/{sensor.source_id}/").content.decode()
    assert "MQTT 代理（消息服务器）无法连接" in html
    views._broker_seen = (0.0, False)


def test_alarms_feed_the_warnings_inbox(world, sensor):
    from anjian.alerts.engine import inbox, run_all_rules
    from anjian.monitoring import services

    codes = ["mon_alarm_unacknowledged", "mon_alarm_escalated", "mon_sensor_offline", "mon_source_disconnected"]
    send(sensor, [17, 17, 17, 19])
    alarm = Alarm.objects.get(sensor=sensor)
    result = run_all_rules(codes=codes)
    assert result["mon_alarm_unacknowledged"]["raised"] == 1
    ent_user = world.users[Role.ENTERPRISE]
    warning = inbox(ent_user).get(rule="mon_alarm_unacknowledged")
    assert warning.level == "severe" and alarm.number in warning.message and "LT-101" in warning.message
    assert not inbox(world.users["other_county"]).exists()
    # escalated to the regulator: the regulators are told
    services.escalate_due(alarm.opened_at + datetime.timedelta(minutes=11))
    services.escalate_due(alarm.opened_at + datetime.timedelta(minutes=31))
    run_all_rules(codes=codes)
    assert inbox(world.users[Role.REGULATOR]).filter(rule="mon_alarm_escalated").count() == 1
    # acknowledged: both warnings close at the next scan
    services.acknowledge(Alarm.objects.get(pk=alarm.pk), actor=ent_user)
    closed = run_all_rules(codes=codes)
    assert closed["mon_alarm_unacknowledged"]["closed"] == 1 and closed["mon_alarm_escalated"]["closed"] == 1

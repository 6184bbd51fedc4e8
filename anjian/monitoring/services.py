"""Every change in online monitoring goes through here, and through the one write path
(``core.workflow``): sensors (register, correct, void, import), a source's facility type, and the
alarms — the people's steps (acknowledge, dispose of, enter as a hazard) and the system's (open,
clear, worsen, escalate, close; connect and disconnect a source), which the ingest and the
periodic sweep take with ``policy=None`` (no person's right is involved).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.services import record_event
from anjian.core.workflow import Unchanged, create, perform, perform_step, void
from anjian.majorhazards.models import MajorHazardSource

from . import events
from .choices import (
    ALARM_MACHINE,
    CONNECTION_MACHINE,
    NOT_CLOSED,
    UNACKNOWLEDGED,
    AlarmKind,
    AlarmState,
    ConnectionState,
    FacilityType,
)
from .models import Alarm, MonitoredSource, Sensor, SensorRequirement
from .parameters import minutes, parameter
from .policy import policy

SENSOR_FIELDS = ("code", "name", "kind", "unit", "range_min", "range_max", "system", "tag", "period_seconds",
                 "high_high", "high", "low", "low_low", "hysteresis", "min_duration_seconds", "risk_point")
#: A major hazard source's unit kind → the facility type it starts with (the user may change it).
DEFAULT_FACILITY = {"storage": FacilityType.TANK_FARM, "production": FacilityType.PROCESS_UNIT}


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _copy_scope(target, source: MajorHazardSource) -> None:
    target.region_path = source.region_path
    target.enterprise_id = source.enterprise_id
    target.industry_id = source.industry_id
    target.grid_id = source.grid_id


# --- the monitored source and its sensors -------------------------------------------------------

def monitored_source(source: MajorHazardSource, *, actor, facility_type: str | None = None) -> MonitoredSource:
    """The monitoring record of ``source``, made on first use (its facility type from the unit
    kind unless given). The actor must be allowed to manage the source's sensors."""
    existing = MonitoredSource.objects.filter(source=source).first()
    if existing is not None:
        return existing
    policy.require(actor, "register_sensor", source, _("You may not manage the sensors of this source."))
    monitored = MonitoredSource(source=source, facility_type=facility_type or DEFAULT_FACILITY.get(
        source.unit_kind, FacilityType.TANK_FARM))
    _copy_scope(monitored, source)
    try:
        with transaction.atomic():
            return create(monitored, actor=actor, policy=None, action=events.MONITORING_STARTED)
    except IntegrityError:  # made meanwhile by someone else
        return MonitoredSource.objects.get(source=source)


def set_facility_type(monitored: MonitoredSource, *, actor, facility_type: str,
                      version: int | None = None) -> MonitoredSource:
    """Say what the source is (tank farm, warehouse, process unit): it decides the required kinds."""
    if facility_type not in FacilityType.values:
        raise ValidationError({"facility_type": _("Choose a facility type.")})

    def change(locked: MonitoredSource) -> None:
        if locked.facility_type == facility_type:
            raise Unchanged
        locked.facility_type = facility_type

    return perform_step(monitored, events.FACILITY_TYPE_SET, actor=actor, policy=policy, right="set_facility_type",
                        change=change, expected_version=version, data={"facility_type": facility_type}) or monitored


def _check_fields(data: dict[str, Any]) -> None:
    unknown = set(data) - set(SENSOR_FIELDS) - {"is_demo"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})


def _check_risk_point(sensor: Sensor) -> None:
    point = sensor.risk_point
    if point is not None and point.enterprise_id != sensor.enterprise_id:
        raise ValidationError({"risk_point": _("The risk point must belong to the source's enterprise.")})


def _check_code_free(sensor: Sensor) -> None:
    taken = Sensor.objects.filter(enterprise_id=sensor.enterprise_id, code=sensor.code, is_voided=False)
    if sensor.pk:
        taken = taken.exclude(pk=sensor.pk)
    if taken.exists():
        raise ValidationError({"code": _("The enterprise already has a sensor with this code.")})


def create_sensor(*, actor, source: MajorHazardSource, data: dict[str, Any]) -> Sensor:
    """Register a sensor on ``source`` (in the actor's jurisdiction)."""
    if not MajorHazardSource.objects.for_user(actor).filter(pk=source.pk).exists():
        raise ValidationError({"source": _("This major hazard source is outside your jurisdiction.")})
    policy.require(actor, "register_sensor", source, _("You may not manage the sensors of this source."))
    _check_fields(data)
    with transaction.atomic():
        monitored = monitored_source(source, actor=actor)
        sensor = Sensor(monitored=monitored, source=source, created_by=_actor(actor), **data)
        _copy_scope(sensor, source)
        # The code's uniqueness is checked below, naming the field (the constraint's own message names none).
        sensor.full_clean(validate_constraints=False)
        _check_risk_point(sensor)
        _check_code_free(sensor)
        return create(sensor, actor=actor, policy=None, action=events.SENSOR_REGISTERED, clean=False)


def update_sensor(sensor: Sensor, *, actor, data: dict[str, Any], version: int | None = None) -> Sensor:
    """Correct a sensor (its code, range, limits…). A changed limit applies from the next reading."""
    _check_fields(data)

    def change(locked: Sensor) -> None:
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        if not changed:
            raise Unchanged
        for k, v in data.items():
            setattr(locked, k, v)
        locked.full_clean(validate_constraints=False)
        _check_risk_point(locked)
        _check_code_free(locked)

    return perform_step(sensor, events.SENSOR_UPDATED, actor=actor, policy=policy, right="update_sensor",
                        change=change, expected_version=version, data={"fields": sorted(data)}) or sensor


def void_sensor(sensor: Sensor, *, actor, reason: str, version: int | None = None) -> Sensor:
    """Void a sensor registered by mistake (its readings stay; it is no longer ingested)."""
    return void(sensor, actor=actor, policy=policy, reason=reason, expected_version=version)


def missing_kinds(monitored: MonitoredSource) -> list[SensorRequirement]:
    """The required sensor kinds of the source's facility type that no active sensor has."""
    have = set(Sensor.objects.filter(monitored=monitored, is_voided=False).values_list("kind", flat=True))
    return [r for r in SensorRequirement.objects.filter(facility_type=monitored.facility_type, is_active=True)
            if r.kind not in have]


def import_sensors(fileobj, filename: str, *, actor, source: MajorHazardSource):
    """Import a source's sensor list (xlsx or CSV), all or nothing (``core.imports.run_import``):
    a row whose code the enterprise already has corrects that sensor, another registers one."""
    from .imports import run_sensor_import

    if not MajorHazardSource.objects.for_user(actor).filter(pk=source.pk).exists():
        raise ValidationError({"source": _("This major hazard source is outside your jurisdiction.")})
    policy.require(actor, "import_sensors", source, _("You may not manage the sensors of this source."))
    return run_sensor_import(fileobj, filename, actor=actor, source=source)


# --- alarms: the people's steps ------------------------------------------------------------------

def acknowledge(alarm: Alarm, *, actor, comment: str = "", version: int | None = None) -> Alarm:
    """确认: someone has seen the alarm and is dealing with it (stops its escalation)."""
    def change(locked: Alarm) -> None:
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = _actor(actor)

    return perform_step(alarm, "acknowledge", actor=actor, policy=policy, machine=ALARM_MACHINE, change=change,
                        expected_version=version, comment=comment)


def dispose(alarm: Alarm, *, actor, comment: str, version: int | None = None) -> Alarm:
    """处置: say what was done (the comment is required). An alarm whose cause is already gone
    closes in the same step."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say how the alarm was dealt with.")})

    def change(locked: Alarm) -> None:
        locked.disposed_at = timezone.now()
        locked.disposed_by = _actor(actor)
        locked.disposal = comment[:2000]

    with transaction.atomic():
        done = perform_step(alarm, "dispose", actor=actor, policy=policy, machine=ALARM_MACHINE, change=change,
                            expected_version=version, comment=comment)
        if done.cleared_at is not None:
            done = _close(done)
    return done


def raise_hazard(alarm: Alarm, *, actor, deadline: datetime.date, description: str = "",
                 version: int | None = None) -> Alarm:
    """An acknowledged alarm becomes a hazard in the ledger in one step (隐患, through the hazards
    service, with the actor's own right to report one), linked from the alarm."""
    from anjian.hazards import services as hazards
    from anjian.hazards.choices import HazardSource

    if not actor.has_perm("hazards.add_hazard"):
        raise PermissionDenied(_("You may not report hazards."))

    def change(locked: Alarm) -> Any:
        sensor = locked.sensor
        text = description.strip() or _("%(sensor)s (%(code)s) breached its %(limit)s limit %(threshold)s %(unit)s "
                                        "from %(since)s; worst value %(peak)s.") % {
            "sensor": sensor.name, "code": sensor.code, "limit": locked.get_limit_display(),
            "threshold": locked.threshold, "unit": sensor.unit,
            "since": timezone.localtime(locked.breach_started_at).strftime("%Y-%m-%d %H:%M"),
            "peak": locked.peak_value}
        role_source = HazardSource.SELF_INSPECTION if getattr(actor, "role", "") == "enterprise" else None
        hazard = hazards.report_hazard(actor=actor, enterprise=locked.enterprise, source=role_source, data={
            "location": f"{locked.source.name} {sensor.name}"[:200], "description": text,
            "deadline": deadline, "found_at": timezone.now()})
        locked.hazard = hazard
        return hazard

    return perform_step(alarm, "raise_hazard", actor=actor, policy=policy, machine=ALARM_MACHINE, change=change,
                        expected_version=version)


def available_actions(actor, alarm: Alarm) -> list[str]:
    from anjian.core.workflow import available_steps

    return available_steps(ALARM_MACHINE, policy, actor, alarm)


# --- alarms: the system's steps (the ingest and the sweep) ------------------------------------------

def _number() -> str:
    return f"TMP{uuid.uuid4().hex[:28]}"


def open_alarm(*, kind: str, monitored_id: int, sensor: Sensor | None = None, limit: str = "",
               threshold: float | None = None, since: datetime.datetime, value: float | None = None,
               at: datetime.datetime | None = None, is_demo: bool = False) -> Alarm | None:
    """Open an alarm (the system's step: event ``opened``). Answers None when an alarm of that kind
    is already not closed for the sensor (or the source): another process opened it first."""
    monitored = MonitoredSource.objects.get(pk=monitored_id)
    at = at or timezone.now()
    alarm = Alarm(kind=kind, monitored=monitored, source_id=monitored.source_id, sensor=sensor, limit=limit,
                  threshold=threshold, breach_started_at=since, opened_at=at, first_value=value, peak_value=value,
                  number=_number(), is_demo=is_demo)
    alarm.region_path, alarm.enterprise_id = monitored.region_path, monitored.enterprise_id
    alarm.industry_id, alarm.grid_id = monitored.industry_id, monitored.grid_id

    def prepare(new: Alarm) -> None:
        new.number = f"BJ{timezone.localdate(at):%Y%m%d}{new.pk:07d}"
        Alarm.objects.filter(pk=new.pk).update(number=new.number)

    try:
        with transaction.atomic():
            return create(alarm, actor=None, policy=None, action=events.ALARM_OPENED, prepare=prepare, clean=False,
                          data={"kind": kind, "limit": limit, "threshold": threshold, "value": value},
                          event=True)
    except IntegrityError:
        return None


def _close(alarm: Alarm) -> Alarm:
    def change(locked: Alarm) -> None:
        locked.closed_at = timezone.now()

    return perform(alarm, "close", actor=None, policy=None, machine=ALARM_MACHINE, change=change)


def clear_alarm(alarm: Alarm, *, at: datetime.datetime, value: float | None = None) -> Alarm:
    """The alarm's cause is gone (the value back within the hysteresis band, or a reading from a
    silent sensor): recorded, and a disposed alarm closes."""
    def change(locked: Alarm) -> None:
        if locked.cleared_at is not None:
            raise Unchanged
        locked.cleared_at = at

    with transaction.atomic():
        done = perform_step(alarm, events.ALARM_CLEARED, actor=None, policy=None, change=change,
                            expected_version=None, data={"value": value}) or alarm
        if done.state == AlarmState.DISPOSED and done.cleared_at is not None:
            done = _close(done)
    return done


def recur_alarm(alarm: Alarm, *, limit: str, threshold: float, value: float, at: datetime.datetime) -> Alarm:
    """The cause of a cleared (not yet closed) alarm came back: it is an alarm again."""
    def change(locked: Alarm) -> None:
        locked.cleared_at = None
        locked.limit, locked.threshold = limit, threshold
        locked.peak_value = _worse(locked, value)

    return perform_step(alarm, events.ALARM_OPENED, actor=None, policy=None, change=change,
                        data={"value": value, "recurred": True, "limit": limit})


def worsen_alarm(alarm: Alarm, *, limit: str, threshold: float, value: float) -> Alarm:
    """A high alarm whose value reached high-high (or low → low-low): the alarm names the graver limit."""
    def change(locked: Alarm) -> None:
        locked.limit, locked.threshold = limit, threshold
        locked.peak_value = _worse(locked, value)

    return perform_step(alarm, events.ALARM_WORSENED, actor=None, policy=None, change=change,
                        data={"limit": limit, "value": value})


def _worse(alarm: Alarm, value: float) -> float:
    from .choices import LOW_SIDE

    if alarm.peak_value is None:
        return value
    return min(alarm.peak_value, value) if alarm.limit in LOW_SIDE else max(alarm.peak_value, value)


def escalate_due(now: datetime.datetime | None = None) -> dict[str, int]:
    """Escalate the alarms not acknowledged in time: open ones older than the enterprise time go
    to the enterprise's management, then those older than the regulator time go to the regulator.
    One step per alarm (an event each); a handful per minute at most in practice."""
    now = now or timezone.now()
    out = {"escalate_enterprise": 0, "escalate_regulator": 0}
    due = {
        "escalate_enterprise": (AlarmState.OPEN, now - datetime.timedelta(minutes=minutes("escalate_enterprise_minutes"))),
        "escalate_regulator": (AlarmState.ESCALATED_ENTERPRISE,
                               now - datetime.timedelta(minutes=minutes("escalate_regulator_minutes"))),
    }
    for action, (state, before) in due.items():
        for alarm in Alarm.objects.filter(state=state, opened_at__lte=before).order_by("id")[:1000]:
            def change(locked: Alarm) -> None:
                locked.escalated_at = now
            try:
                perform(alarm, action, actor=None, policy=None, machine=ALARM_MACHINE, change=change,
                        expected_version=None)
            except ValidationError:
                continue  # acknowledged meanwhile
            out[action] += 1
    return out


def sweep_offline(now: datetime.datetime | None = None) -> dict[str, int]:
    """Sensors silent for the offline periods get an offline alarm (and ``is_offline``); a source
    whose every active sensor is offline is disconnected (its alarm opened). Set-based reads, one
    step per newly silent sensor."""
    now = now or timezone.now()
    periods = float(parameter("offline_periods"))
    out = {"offline": 0, "disconnected": 0}
    # One range read per reporting period in use (a handful: 1 s, 10 s, 60 s…), on mon_sensor_silent_idx.
    candidates = Sensor.objects.filter(is_voided=False, is_offline=False)
    silent_q = Q(pk__in=[])
    for period in candidates.order_by().values_list("period_seconds", flat=True).distinct():
        before = now - datetime.timedelta(seconds=period * periods)
        silent_q |= Q(period_seconds=period) & (Q(last_reading_at__lt=before)
                                                | Q(last_reading_at__isnull=True, created_at__lt=before))
    silent = candidates.filter(silent_q)
    for sensor in silent.order_by("id")[:5000]:
        with transaction.atomic():
            updated = Sensor.objects.filter(pk=sensor.pk, is_offline=False).update(is_offline=True)
            if not updated:
                continue
            seen = sensor.last_reading_at or sensor.created_at
            if open_alarm(kind=AlarmKind.OFFLINE, monitored_id=sensor.monitored_id, sensor=sensor, since=seen,
                          at=now, is_demo=sensor.is_demo):
                out["offline"] += 1
    # Sources connected whose active sensors are all offline.
    live = Sensor.objects.filter(is_voided=False, is_offline=False)
    dark = (MonitoredSource.objects.filter(connection=ConnectionState.CONNECTED)
            .filter(Q(sensors__is_voided=False)).exclude(pk__in=live.values("monitored_id")).distinct())
    for monitored in dark.order_by("id")[:1000]:
        with transaction.atomic():
            try:
                perform(monitored, "disconnect", actor=None, policy=None, machine=CONNECTION_MACHINE,
                        expected_version=None)
            except ValidationError:
                continue
            if open_alarm(kind=AlarmKind.DISCONNECTED, monitored_id=monitored.pk,
                          since=monitored.last_reading_at or now, at=now):
                out["disconnected"] += 1
    return out


@transaction.atomic(savepoint=False)
def connect(monitored_id: int, *, at: datetime.datetime) -> None:
    """A reading came from a source not connected (yet or any more): it connects, and its
    disconnection alarm's cause is gone — in one transaction (the ingest's, when it calls), so
    a source never stays connected with its disconnection alarm still open: the next reading
    would not clear it (the source is connected by then)."""
    monitored = MonitoredSource.objects.get(pk=monitored_id)
    if monitored.connection == ConnectionState.CONNECTED:
        return

    def change(locked: MonitoredSource) -> None:
        locked.connected_at = at

    try:
        perform(monitored, "connect", actor=None, policy=None, machine=CONNECTION_MACHINE, change=change,
                expected_version=None)
    except ValidationError:
        return  # connected meanwhile by another ingest process
    for alarm in Alarm.objects.filter(monitored_id=monitored_id, kind=AlarmKind.DISCONNECTED, state__in=NOT_CLOSED,
                                      cleared_at__isnull=True):
        clear_alarm(alarm, at=at)


@transaction.atomic(savepoint=False)
def clear_offline(sensor_ids: Iterable[int], *, at: datetime.datetime) -> None:
    """Sensors marked offline sent a reading: no longer offline, their offline alarm's cause gone
    — in one transaction (the ingest's, when it calls): a sensor back online with its offline
    alarm still open would keep it open (the next reading no longer finds it offline)."""
    ids = list(sensor_ids)
    if not ids:
        return
    Sensor.objects.filter(pk__in=ids, is_offline=True).update(is_offline=False)
    for alarm in Alarm.objects.filter(sensor_id__in=ids, kind=AlarmKind.OFFLINE, state__in=NOT_CLOSED,
                                      cleared_at__isnull=True):
        clear_alarm(alarm, at=at)


def unacknowledged(qs=None):
    """Alarms nobody has acknowledged yet (open or escalated)."""
    return (qs if qs is not None else Alarm.objects.all()).filter(state__in=UNACKNOWLEDGED)


def record_import(monitored: MonitoredSource, *, actor, created: int, updated: int) -> None:
    record_event(monitored, events.SENSORS_IMPORTED, actor=actor, data={"created": created, "updated": updated})

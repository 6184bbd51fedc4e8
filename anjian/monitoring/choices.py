"""Choice sets of online monitoring (在线监测预警), and its two state machines as data: an alarm's
life (``ALARM_MACHINE``) and a source's connection (``CONNECTION_MACHINE``). The services, the
page buttons, the API's ``available_actions`` and the documentation's state tables read them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import Guard, StateMachine, Step


class SensorKind(models.TextChoices):
    LEVEL = "level", pgettext_lazy("sensor kind", "Level")
    TEMPERATURE = "temperature", pgettext_lazy("sensor kind", "Temperature")
    PRESSURE = "pressure", pgettext_lazy("sensor kind", "Pressure")
    FLOW = "flow", pgettext_lazy("sensor kind", "Flow")
    COMBUSTIBLE_GAS = "combustible_gas", _("Combustible gas")
    TOXIC_GAS = "toxic_gas", _("Toxic gas")
    VIDEO = "video", _("Video online")


#: The units a sensor of each kind may report in (the first is the default). A reading that names
#: another unit is refused (bad input "wrong unit"), never converted.
KIND_UNITS: dict[str, tuple[str, ...]] = {
    SensorKind.LEVEL: ("m", "mm", "%"),
    SensorKind.TEMPERATURE: ("°C",),
    SensorKind.PRESSURE: ("MPa", "kPa"),
    SensorKind.FLOW: ("m³/h", "t/h", "kg/h"),
    SensorKind.COMBUSTIBLE_GAS: ("%LEL",),
    SensorKind.TOXIC_GAS: ("ppm",),
    SensorKind.VIDEO: ("online",),
}


class ControlSystem(models.TextChoices):
    """The enterprise system a sensor's tag belongs to."""

    DCS = "dcs", "DCS"
    SIS = "sis", "SIS"
    GDS = "gds", "GDS"
    VIDEO = "video", pgettext_lazy("control system", "Video system")
    OTHER = "other", pgettext_lazy("control system", "Other")


class FacilityType(models.TextChoices):
    """What a major hazard source is, for the sensor kinds it must have."""

    TANK_FARM = "tank_farm", _("Tank farm")
    WAREHOUSE = "warehouse", _("Warehouse")
    PROCESS_UNIT = "process_unit", _("Process unit")


class Limit(models.TextChoices):
    """The alarm limits of a sensor, gravest first within each side."""

    HIGH_HIGH = "high_high", _("High-high")
    HIGH = "high", pgettext_lazy("alarm limit", "High")
    LOW = "low", pgettext_lazy("alarm limit", "Low")
    LOW_LOW = "low_low", _("Low-low")


HIGH_SIDE = (Limit.HIGH_HIGH, Limit.HIGH)
LOW_SIDE = (Limit.LOW_LOW, Limit.LOW)


class AlarmKind(models.TextChoices):
    LIMIT = "limit", _("Limit breached")
    OFFLINE = "offline", _("Sensor offline")
    DISCONNECTED = "disconnected", _("Source disconnected")


class AlarmState(models.TextChoices):
    OPEN = "open", pgettext_lazy("alarm", "Open")
    ESCALATED_ENTERPRISE = "escalated_enterprise", _("Escalated to the enterprise's management")
    ESCALATED_REGULATOR = "escalated_regulator", _("Escalated to the regulator")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("alarm", "Acknowledged")
    DISPOSED = "disposed", pgettext_lazy("alarm", "Disposed")
    CLOSED = "closed", pgettext_lazy("alarm", "Closed")


UNACKNOWLEDGED = (AlarmState.OPEN, AlarmState.ESCALATED_ENTERPRISE, AlarmState.ESCALATED_REGULATOR)
NOT_CLOSED = (*UNACKNOWLEDGED, AlarmState.ACKNOWLEDGED, AlarmState.DISPOSED)


def _cleared(alarm) -> bool:
    return alarm.cleared_at is not None


def _no_hazard(alarm) -> bool:
    return alarm.hazard_id is None


def _is_limit(alarm) -> bool:
    return alarm.kind == AlarmKind.LIMIT


# An alarm opens (the ingest or the sweep creates it: event ``opened``) after its condition held
# for the sensor's minimum duration. Not acknowledged in time it escalates, first to the
# enterprise's management, then to the regulator (the times are MonitoringParameter rows). A person
# acknowledges it, then disposes of it with a comment. It closes when it is disposed AND its cause
# is gone (``cleared_at``: the value back within the hysteresis band, or a reading from a silent
# sensor): whichever comes last takes the ``close`` step, so an alarm is never closed unseen.
ALARM_MACHINE = StateMachine(
    model="monitoring.Alarm",
    states=AlarmState,
    steps=[
        Step("escalate_enterprise", _("Escalate to the enterprise's management"),
             sources=(AlarmState.OPEN,), target=AlarmState.ESCALATED_ENTERPRISE, right="system"),
        Step("escalate_regulator", _("Escalate to the regulator"),
             sources=(AlarmState.ESCALATED_ENTERPRISE,), target=AlarmState.ESCALATED_REGULATOR, right="system"),
        Step("acknowledge", pgettext_lazy("alarm", "Acknowledge"),
             sources=UNACKNOWLEDGED, target=AlarmState.ACKNOWLEDGED),
        Step("dispose", pgettext_lazy("alarm", "Dispose"),
             sources=(AlarmState.ACKNOWLEDGED,), target=AlarmState.DISPOSED),
        Step("close", pgettext_lazy("alarm", "Close"),
             sources=(AlarmState.DISPOSED,), target=AlarmState.CLOSED, right="system",
             guards=(Guard(_cleared, _("The alarm's cause is not gone yet."), field="cleared_at"),)),
        Step("raise_hazard", _("Enter as a hazard"),
             sources=(AlarmState.ACKNOWLEDGED, AlarmState.DISPOSED), target=None,
             guards=(Guard(_no_hazard, _("This alarm is already entered as a hazard."), field="hazard"),
                     Guard(_is_limit, _("Only a limit alarm can be entered as a hazard."), field="kind"))),
    ],
)


class ConnectionState(models.TextChoices):
    NOT_CONNECTED = "not_connected", _("Not connected yet")
    CONNECTED = "connected", _("Connected")
    DISCONNECTED = "disconnected", _("Disconnected")


# A source's connection (接入): it connects with its first reading, is disconnected when every
# sensor has been silent for the offline periods (the sweep), and reconnects with the next reading.
CONNECTION_MACHINE = StateMachine(
    model="monitoring.MonitoredSource",
    states=ConnectionState,
    state_field="connection",
    steps=[
        Step("connect", _("Connected"), sources=(ConnectionState.NOT_CONNECTED, ConnectionState.DISCONNECTED),
             target=ConnectionState.CONNECTED, right="system"),
        Step("disconnect", _("Disconnected"), sources=(ConnectionState.CONNECTED,),
             target=ConnectionState.DISCONNECTED, right="system"),
    ],
)


class BadInputReason(models.TextChoices):
    """Why a reading was refused (counted per enterprise and day, shown to it and its regulators)."""

    MALFORMED = "malformed", _("Malformed payload")
    UNKNOWN_SENSOR = "unknown_sensor", _("Unknown sensor")
    WRONG_UNIT = "wrong_unit", _("Wrong unit")
    OUT_OF_RANGE = "out_of_range", _("Value out of range")
    FUTURE = "future", _("Timestamp in the future")
    TOO_OLD = "too_old", _("Timestamp too old")


class Channel(models.TextChoices):
    MQTT = "mqtt", "MQTT"
    HTTP = "http", "HTTP"


class Grain(models.TextChoices):
    MINUTE = "minute", pgettext_lazy("rollup", "Minute")
    HOUR = "hour", pgettext_lazy("rollup", "Hour")

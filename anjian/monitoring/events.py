"""The event actions the monitoring services write, and how timelines name them."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# On a monitored source.
MONITORING_STARTED = "monitoring_started"
FACILITY_TYPE_SET = "facility_type_set"
SENSORS_IMPORTED = "sensors_imported"
CONNECTED = "connect"
DISCONNECTED = "disconnect"
# On a sensor.
SENSOR_REGISTERED = "created"
SENSOR_UPDATED = "updated"
SENSOR_VOIDED = "voided"
# On an alarm (the steps of choices.ALARM_MACHINE write their action codes).
ALARM_OPENED = "opened"
ALARM_CLEARED = "cleared"
ALARM_WORSENED = "worsened"
ESCALATED_ENTERPRISE = "escalate_enterprise"
ESCALATED_REGULATOR = "escalate_regulator"
ACKNOWLEDGED = "acknowledge"
DISPOSED = "dispose"
CLOSED = "close"
HAZARD_RAISED = "raise_hazard"

EVENT_LABELS = {
    MONITORING_STARTED: _("Monitoring started"), FACILITY_TYPE_SET: _("Facility type set"),
    SENSORS_IMPORTED: _("Sensors imported"), CONNECTED: _("Connected"), DISCONNECTED: _("Disconnected"),
    SENSOR_UPDATED: pgettext_lazy("sensor", "Details changed"),
    ALARM_OPENED: _("Alarm opened"), ALARM_CLEARED: _("Cause gone"), ALARM_WORSENED: _("Alarm worsened"),
    ESCALATED_ENTERPRISE: _("Escalated to the enterprise's management"),
    ESCALATED_REGULATOR: _("Escalated to the regulator"),
    ACKNOWLEDGED: pgettext_lazy("alarm", "Acknowledged"), DISPOSED: pgettext_lazy("alarm", "Disposed"),
    CLOSED: pgettext_lazy("alarm", "Closed"), HAZARD_RAISED: _("Entered as a hazard"),
}

"""Who may change what in online monitoring: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing. Sensors are managed (registered,
corrected, voided, imported, the facility type set) by the source's enterprise users and by
regulators and industry-department officers whose jurisdiction holds the source. An alarm is
acknowledged and disposed of by the enterprise's users, and by the regulator side once it has
been escalated to them (or at any time: a regulator on site may act); entering an alarm as a
hazard needs the hazard ledger's own right too (the hazards service checks it).

The steps the system takes (opening, escalating, closing alarms; connecting a source) have no
rule here: only the ingest and the periodic sweep take them, with ``policy=None``.

``obj`` is a ``Sensor``, ``MonitoredSource``, ``Alarm`` or a ``MajorHazardSource`` (for the first
sensor of a source), or None ("in principle")."""

from __future__ import annotations

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES


def _enterprise_id(obj) -> int | None:
    return getattr(obj, "enterprise_id", None)


def _in_scope(actor, obj) -> bool:
    from anjian.majorhazards.models import MajorHazardSource

    from .models import Alarm, MonitoredSource, Sensor

    model = type(obj)
    if model not in (MajorHazardSource, MonitoredSource, Sensor, Alarm):
        return False
    return model.objects.for_user(actor).filter(pk=obj.pk).exists()


class MonitoringPolicy(Policy):
    aliases = {
        "register_sensor": "manage", "update_sensor": "manage", "void": "manage", "import_sensors": "manage",
        "set_facility_type": "manage",
        "acknowledge": "respond", "dispose": "respond", "raise_hazard": "respond",
    }

    def _side(self, actor, obj) -> bool:
        scope = scope_of(actor)
        if scope.kind == ENTERPRISE:
            return obj is None or scope.enterprise_id == _enterprise_id(obj)
        if getattr(actor, "role", None) not in REGULATOR_ROLES:
            return False
        return obj is None or _in_scope(actor, obj)

    def may_manage(self, actor, obj) -> bool:
        """The enterprise's own users; regulators and industry officers over the source."""
        return self._side(actor, obj)

    def may_respond(self, actor, obj) -> bool:
        """Acknowledge, dispose of, enter as a hazard: the same people as ``manage``."""
        return self._side(actor, obj)


policy = MonitoringPolicy()

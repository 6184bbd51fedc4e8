"""Who may do what in the inspections app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing, for the services, the pages and
the API alike. Each rule needs the role's model permission (``anjian.orgs.roles``) and, for a
given record or duty, the right side and jurisdiction:

- self-inspections: the enterprise's own users, for their enterprise;
- government inspections: regulator and industry-department officers, in their jurisdiction;
- grid patrols: grid officers, in their grid; expert inspections: experts, in their scope;
- whoever may record an inspection may fill it in, submit it, raise hazards from it and void
  it (a team fills one record in together);
- duties: the enterprise's own users, and regulator/industry officers in their jurisdiction;
- system administrators: everything (``Policy``).

Called with no object, a rule answers whether the actor may take the action at all (the API's
permission class, the "new" buttons).
"""

from __future__ import annotations

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.workflow import Policy
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import REGULATOR_ROLES, Role

from .choices import InspectionKind

# Which roles do which kind of inspection (self-inspections: the enterprise's own users).
KIND_ROLES: dict[str, frozenset[str]] = {
    InspectionKind.GOVERNMENT: REGULATOR_ROLES,
    InspectionKind.GRID: frozenset({Role.GRID_OFFICER}),
    InspectionKind.EXPERT: frozenset({Role.EXPERT}),
}
# Besides the enterprise itself, who may set up an enterprise's self-inspection duties.
DUTY_ROLES = REGULATOR_ROLES


def is_own_enterprise(actor, enterprise_id: int | None) -> bool:
    """Whether ``actor`` is a user of the enterprise ``enterprise_id``."""
    scope = scope_of(actor)
    return scope.kind == ENTERPRISE and scope.enterprise_id == enterprise_id


def in_scope(actor, enterprise_id: int | None) -> bool:
    """Whether the enterprise is in the actor's jurisdiction (and not voided)."""
    return Enterprise.objects.for_user(actor).filter(pk=enterprise_id).exists()


def _enterprise_id(obj) -> int | None:
    return obj.pk if isinstance(obj, Enterprise) else obj.enterprise_id


class InspectionsPolicy(Policy):
    """The rules of the inspections app (see the module docstring)."""

    def allowed_kinds(self, actor) -> list[str]:
        """The kinds of inspection ``actor`` may record somewhere (drives the page's choices)."""
        if self.is_admin(actor):
            return list(InspectionKind.values)
        role = getattr(actor, "role", None)
        if role == Role.ENTERPRISE:
            return [InspectionKind.SELF]
        return [kind for kind, roles in KIND_ROLES.items() if role in roles]

    def records_kind_at(self, actor, enterprise: Enterprise | int, kind: str) -> bool:
        """Whether ``actor``'s side and jurisdiction let them record ``kind`` at the enterprise."""
        if self.is_admin(actor):
            return True
        enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
        if kind == InspectionKind.SELF:
            return is_own_enterprise(actor, enterprise_id)
        return getattr(actor, "role", None) in KIND_ROLES.get(kind, ()) and in_scope(actor, enterprise_id)

    def _on_record(self, actor, perm: str, record) -> bool:
        if not actor.has_perm(perm):
            return False
        if record is None:
            return bool(self.allowed_kinds(actor))
        return not record.is_voided and self.records_kind_at(actor, record.enterprise_id, record.kind)

    # --- inspection records (``record`` may be unsaved: starting one) ---

    def may_inspect(self, actor, record) -> bool:
        """Start an inspection record of its kind at its enterprise."""
        return self._on_record(actor, "inspections.add_inspectionrecord", record)

    def may_edit(self, actor, record) -> bool:
        """Fill in a draft (details, items, results, photos), submit it, raise hazards from it."""
        return self._on_record(actor, "inspections.change_inspectionrecord", record)

    def may_void(self, actor, record) -> bool:
        """Void a record entered in error."""
        return self._on_record(actor, "inspections.delete_inspectionrecord", record)

    # --- duties (``obj``: a duty, possibly unsaved, or the enterprise) ---

    def _on_duties(self, actor, perm: str, obj) -> bool:
        if not actor.has_perm(perm):
            return False
        if obj is None:
            return True
        enterprise_id = _enterprise_id(obj)
        if is_own_enterprise(actor, enterprise_id):
            return True
        return getattr(actor, "role", None) in DUTY_ROLES and in_scope(actor, enterprise_id)

    def may_add_duty(self, actor, obj) -> bool:
        return self._on_duties(actor, "inspections.add_inspectionduty", obj)

    def may_change_duty(self, actor, obj) -> bool:
        return self._on_duties(actor, "inspections.change_inspectionduty", obj)

    def may_void_duty(self, actor, obj) -> bool:
        return self._on_duties(actor, "inspections.delete_inspectionduty", obj)

    def may_start_task(self, actor, task) -> bool:
        """Start (or continue) the self-inspection of a scheduled task: the enterprise's users."""
        if not actor.has_perm("inspections.add_inspectionrecord"):
            return False
        return task is None or is_own_enterprise(actor, task.enterprise_id)


policy = InspectionsPolicy()

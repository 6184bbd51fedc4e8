"""Who may change what in the major hazard registry: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing. A source is managed (registered,
corrected, its state changed, its chemicals, responsible persons and checks recorded, voided) by
its enterprise's own users and by regulators and industry-department officers whose
jurisdiction holds it. The GB 18218 table versions are reference data: whoever may edit them
(administrators, anyone granted the model permission) makes and activates versions.

``obj`` is a source (an unsaved one for ``register``: its enterprise is set), or None ("in
principle"); for the tables, a table version."""

from __future__ import annotations

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES

from .models import MajorHazardSource

#: The regulator-side roles that manage the sources in their jurisdiction.
MANAGING_ROLES = REGULATOR_ROLES
TABLES_PERMISSION = "majorhazards.change_criticalquantitytable"


class MajorHazardsPolicy(Policy):
    aliases = {
        "update": "manage", "void": "manage",
        # the steps of choices.SOURCE_MACHINE
        "suspend": "manage", "resume": "manage", "decommission": "manage",
        "add_substance": "manage", "update_substance": "manage", "remove_substance": "manage",
        "appoint_person": "manage", "end_person": "manage", "record_check": "manage",
        "new_table_version": "manage_tables", "make_table_current": "manage_tables",
    }

    def may_register(self, actor, obj: MajorHazardSource | None) -> bool:
        """The enterprise's own users and the regulator-side roles (the service checks first that
        the enterprise is in the actor's jurisdiction)."""
        if getattr(actor, "role", None) in MANAGING_ROLES:
            return True
        scope = scope_of(actor)
        return scope.kind == ENTERPRISE and (obj is None or scope.enterprise_id == obj.enterprise_id)

    def may_manage(self, actor, obj: MajorHazardSource | None) -> bool:
        """The enterprise's own users; regulators and industry officers when the source is in
        their jurisdiction."""
        scope = scope_of(actor)
        if scope.kind == ENTERPRISE:
            return obj is None or scope.enterprise_id == obj.enterprise_id
        if getattr(actor, "role", None) not in MANAGING_ROLES:
            return False
        return obj is None or MajorHazardSource.objects.for_user(actor).filter(pk=obj.pk).exists()

    def may_manage_tables(self, actor, obj) -> bool:
        return actor.has_perm(TABLES_PERMISSION)


policy = MajorHazardsPolicy()

"""Who may change what in the risks app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing. A risk point, its assessments and its
control measures belong to one enterprise: its own users manage them, and so do regulators and
industry-department officers whose jurisdiction holds the enterprise; experts of that jurisdiction
may also assess. Only administrators (allowed by the base class) choose the default profile.

``obj`` is the enterprise, a risk point or a control measure (or None: "in principle")."""

from __future__ import annotations

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.workflow import Policy
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import REGULATOR_ROLES, Role

from .models import ControlMeasure, RiskPoint

#: The regulator-side roles that manage the risk points of the enterprises in their jurisdiction.
MANAGING_ROLES = REGULATOR_ROLES


def _enterprise_id(obj) -> int | None:
    if isinstance(obj, Enterprise):
        return obj.pk
    if isinstance(obj, RiskPoint):
        return obj.enterprise_id
    if isinstance(obj, ControlMeasure):
        return obj.risk_point.enterprise_id
    return None


def _in_jurisdiction(actor, enterprise_id: int) -> bool:
    return Enterprise.objects.for_user(actor).filter(pk=enterprise_id).exists()


class RisksPolicy(Policy):
    aliases = {
        "create": "manage", "update": "manage", "regenerate_card": "manage",
        "add_measure": "manage", "update_measure": "manage", "void_measure": "manage",
        "generate_checks": "manage",
    }

    def may_manage(self, actor, obj) -> bool:
        """The enterprise's own users; regulators and industry officers over enterprises in their
        jurisdiction."""
        scope = scope_of(actor)
        enterprise_id = _enterprise_id(obj)
        if scope.kind == ENTERPRISE:
            return enterprise_id is None or scope.enterprise_id == enterprise_id
        if getattr(actor, "role", None) not in MANAGING_ROLES:
            return False
        return enterprise_id is None or _in_jurisdiction(actor, enterprise_id)

    def may_void(self, actor, obj) -> bool:
        """Voiding a risk point also needs the role's delete permission (as the API's)."""
        return actor.has_perm("risks.delete_riskpoint") and self.may_manage(actor, obj)

    def may_assess(self, actor, obj) -> bool:
        """Whoever manages the enterprise's risk points, and experts in whose region it lies."""
        if self.may_manage(actor, obj):
            return True
        if getattr(actor, "role", None) != Role.EXPERT:
            return False
        enterprise_id = _enterprise_id(obj)
        return enterprise_id is None or _in_jurisdiction(actor, enterprise_id)

    def may_set_default_profile(self, actor, obj) -> bool:
        return False  # administrators only (the base class allows them)


policy = RisksPolicy()

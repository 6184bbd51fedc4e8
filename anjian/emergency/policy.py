"""Who may change what in the emergency app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing.

- ``manage``: an enterprise's own preparedness (plans, drills, cards, its teams and supplies) — its
  enterprise users, and the regulator-side officers of its jurisdiction (who may help enter them);
  the regional teams and supplies (no enterprise) are the regulators' alone;
- ``review``: accepting or returning a plan's filing (备案) — regulator-side officers with the
  review permission, in their jurisdiction;
- ``duty``: the duty roster and the duty log — regulator-side officers with the duty permission.

``obj`` is a record (unsaved when created: its enterprise or region is set) or None. A system
administrator passes every rule (``core.workflow.Policy``); the machines' guards still apply."""

from __future__ import annotations

from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES, Role


def in_jurisdiction(actor, obj) -> bool:
    """The record (or, unsaved, its enterprise or region) lies in the actor's jurisdiction;
    remembered on the object for the request."""
    if obj is None:
        return True
    seen = obj.__dict__.setdefault("_emergency_seen_by", {})
    key = getattr(actor, "pk", None)
    if key not in seen:
        from anjian.enterprises.models import Enterprise
        from anjian.regions.models import Region

        if obj.pk is not None:
            seen[key] = type(obj)._default_manager.for_user(actor).filter(pk=obj.pk).exists()
        elif getattr(obj, "enterprise_id", None):
            seen[key] = Enterprise.objects.for_user(actor).filter(pk=obj.enterprise_id).exists()
        else:
            seen[key] = Region.objects.for_user(actor).filter(pk=obj.region_id).exists()
    return seen[key]


class EmergencyPolicy(Policy):
    def may_manage(self, actor, obj) -> bool:
        role = getattr(actor, "role", None)
        if obj is not None and getattr(obj, "enterprise_id", True) is None:
            allowed = role in REGULATOR_ROLES  # a regional resource
        else:
            allowed = role in REGULATOR_ROLES or role == Role.ENTERPRISE
        return allowed and in_jurisdiction(actor, obj)

    def may_review(self, actor, obj) -> bool:
        return (getattr(actor, "role", None) in REGULATOR_ROLES and actor.has_perm("emergency.review_emergencyplan")
                and in_jurisdiction(actor, obj))

    def may_duty(self, actor, obj) -> bool:
        return (getattr(actor, "role", None) in REGULATOR_ROLES and actor.has_perm("emergency.keep_duty")
                and in_jurisdiction(actor, obj))


policy = EmergencyPolicy()

"""Who may change what in the public app: ``policy.can(actor, action, obj)``.

Reading tips is decided by scoping (regions and industries; grids and enterprises never see a tip).
Handling (route, accept, reject, verify, raise a hazard or a case, record a payment) needs
``public.handle_tip`` and the tip in the actor's jurisdiction; approving a reward needs
``public.approve_reward``; publishing a listed hazard ``public.publish_listing``. Reading the
submitter's identity is the narrower ``public.view_tip_identity`` (``may_see_identity``), audited
by the services."""

from __future__ import annotations

from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES


def in_jurisdiction(actor, obj) -> bool:
    if obj is None or getattr(obj, "pk", None) is None:
        return True
    seen = obj.__dict__.setdefault("_public_seen_by", {})
    key = getattr(actor, "pk", None)
    if key not in seen:
        seen[key] = type(obj)._default_manager.for_user(actor).filter(pk=obj.pk).exists()
    return seen[key]


class PublicPolicy(Policy):
    def _regulator(self, actor) -> bool:
        return getattr(actor, "role", None) in REGULATOR_ROLES

    def may_handle(self, actor, obj) -> bool:
        return self._regulator(actor) and actor.has_perm("public.handle_tip") and in_jurisdiction(actor, obj)

    def may_approve(self, actor, obj) -> bool:
        return self._regulator(actor) and actor.has_perm("public.approve_reward") and in_jurisdiction(actor, obj)

    def may_publish(self, actor, obj) -> bool:
        return self._regulator(actor) and actor.has_perm("public.publish_listing") and in_jurisdiction(actor, obj)

    def may_see_identity(self, actor, obj) -> bool:
        return actor.has_perm("public.view_tip_identity") and in_jurisdiction(actor, obj)


policy = PublicPolicy()

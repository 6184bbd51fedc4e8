"""Who may change what in the credit app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing. Credit is the regulators' judgement:
the regulator-side officers (``REGULATOR_ROLES``) of the record's jurisdiction enter, confirm and
void credit records (``manage``, with the change permission of records) and propose, decide,
publish and end listings and issue joint punishment notices (``decide``, with the decide
permission). A system administrator passes every rule (``core.workflow.Policy``); the machines'
guards still apply. ``obj`` is a record (unsaved when created: its enterprise is set) or None."""

from __future__ import annotations

from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES


def in_jurisdiction(actor, obj) -> bool:
    """The record (or, unsaved, its enterprise) lies in the actor's jurisdiction; remembered on the
    object for the request."""
    if obj is None:
        return True
    seen = obj.__dict__.setdefault("_credit_seen_by", {})
    key = getattr(actor, "pk", None)
    if key not in seen:
        from anjian.enterprises.models import Enterprise

        if obj.pk is not None:
            seen[key] = type(obj)._default_manager.for_user(actor).filter(pk=obj.pk).exists()
        else:
            seen[key] = Enterprise.objects.for_user(actor).filter(pk=obj.enterprise_id).exists()
    return seen[key]


class CreditPolicy(Policy):
    aliases = {"record": "manage", "propose": "decide"}

    def may_manage(self, actor, obj) -> bool:
        return (getattr(actor, "role", None) in REGULATOR_ROLES and actor.has_perm("credit.change_creditrecord")
                and in_jurisdiction(actor, obj))

    def may_decide(self, actor, obj) -> bool:
        return (getattr(actor, "role", None) in REGULATOR_ROLES and actor.has_perm("credit.decide_blacklisting")
                and in_jurisdiction(actor, obj))


policy = CreditPolicy()

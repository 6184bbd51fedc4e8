"""Who may change what in the occupational-health app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing, for the services, the pages and the API
alike. The enterprise keeps its own records (its users record, correct and void them, and so may
the regulator-side officers of its jurisdiction, who often enter what they found); accepting or
returning a declaration is the regulator's (``REGULATOR_ROLES`` with
``occupational.accept_declaration``; the department named by the setting is the one the
deployment gives that permission). Each rule also needs the role's model permission
(``roles.py``). A system administrator passes every rule (``core.workflow.Policy``)."""

from __future__ import annotations

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES


def _model(obj) -> str:
    if obj is None:
        return "exposure"
    name = type(obj)._meta.model_name
    return "detection" if name == "detectionresult" else name


def in_jurisdiction(actor, obj) -> bool:
    """The record (or, unsaved, its enterprise) lies in the actor's jurisdiction; remembered on the
    object for the request (a page asks several rules of the same record)."""
    if obj is None:
        return True
    seen = obj.__dict__.setdefault("_occ_seen_by", {})
    key = getattr(actor, "pk", None)
    if key not in seen:
        from anjian.enterprises.models import Enterprise

        if obj.pk is not None:
            seen[key] = type(obj)._default_manager.for_user(actor).filter(pk=obj.pk).exists()
        else:
            seen[key] = Enterprise.objects.for_user(actor).filter(pk=obj.enterprise_id).exists()
    return seen[key]


class OccupationalPolicy(Policy):
    aliases = {"record": "edit", "import_examinations": "edit", "update": "edit", "void": "edit", "resubmit": "edit",
               "add_result": "edit", "complete_follow_up": "edit", "return": "accept"}

    def may_edit(self, actor, obj) -> bool:
        """Record, correct, void, submit a declaration again, add results, record a follow-up: the
        enterprise's own users and the regulator-side officers of its jurisdiction."""
        if not actor.has_perm(f"occupational.change_{_model(obj)}"):
            return False
        scope = scope_of(actor)
        if scope.kind == ENTERPRISE:
            return obj is None or scope.enterprise_id == obj.enterprise_id
        return getattr(actor, "role", None) in REGULATOR_ROLES and in_jurisdiction(actor, obj)

    def may_accept(self, actor, obj) -> bool:
        """Accept or return a declaration: the regulator-side officers of its jurisdiction."""
        return (getattr(actor, "role", None) in REGULATOR_ROLES and actor.has_perm("occupational.accept_declaration")
                and in_jurisdiction(actor, obj))

    def may_raise_hazard(self, actor, obj) -> bool:
        """Raise an exceedance as a hazard: whoever keeps the detection (the hazard ledger's own
        rules apply again when the hazard is reported)."""
        return self.may_edit(actor, obj) and actor.has_perm("hazards.add_hazard")


policy = OccupationalPolicy()

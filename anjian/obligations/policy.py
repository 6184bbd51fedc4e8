"""Who may change what in the obligations app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing, for the services, the pages and the
API alike. The enterprise keeps its own records: its users record, correct and void its licences,
people and certificates (and so may the regulator-side officers of its jurisdiction, who often
enter what they issued). Verifying a record, suspending or revoking a licence and revoking a
certificate are the regulator's (``REGULATOR_ROLES`` with the verify permission of the model).
Each rule also needs the role's model permission (``roles.py``). A system administrator passes
every rule (``core.workflow.Policy``); the state machines' guards still apply.

``obj`` is a record (unsaved when it is being created: its enterprise is set), or None ("in
principle")."""

from __future__ import annotations

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES

#: model name → (app permission suffix of add/change, verify permission)
PERMISSIONS = {
    "licence": ("licence", "obligations.verify_licence"),
    "keyperson": ("keyperson", "obligations.verify_keyperson"),
    "personcertificate": ("personcertificate", "obligations.verify_keyperson"),
    "standardisation": ("standardisation", "obligations.verify_standardisation"),
    "safetyorganisation": ("safetyorganisation", "obligations.verify_safetyorganisation"),
    "commitment": ("commitment", "obligations.verify_safetyorganisation"),
}


def _model(obj) -> str:
    return type(obj)._meta.model_name if obj is not None else ""


def in_jurisdiction(actor, obj) -> bool:
    """The record (or, unsaved, its enterprise) lies in the actor's jurisdiction; remembered on the
    object for the request (a page asks several rules of the same record)."""
    if obj is None:
        return True
    seen = obj.__dict__.setdefault("_obl_seen_by", {})
    key = getattr(actor, "pk", None)
    if key not in seen:
        from anjian.enterprises.models import Enterprise

        if obj.pk is not None:
            seen[key] = type(obj)._default_manager.for_user(actor).filter(pk=obj.pk).exists()
        else:
            seen[key] = Enterprise.objects.for_user(actor).filter(pk=obj.enterprise_id).exists()
    return seen[key]


def own_enterprise(actor, obj) -> bool:
    """An enterprise user acting on its own enterprise's record."""
    scope = scope_of(actor)
    return scope.kind == ENTERPRISE and (obj is None or scope.enterprise_id == obj.enterprise_id)


class ObligationsPolicy(Policy):
    aliases = {"record": "edit", "import_persons": "edit", "close": "draw", "pass": "draw", "fail": "draw"}

    def may_edit(self, actor, obj) -> bool:
        """Record, correct, void, record a person leaving: the enterprise's own users, and the
        regulator-side officers of its jurisdiction, with the model's change permission."""
        model = _model(obj) or "licence"
        if not actor.has_perm(f"obligations.change_{PERMISSIONS.get(model, (model,))[0]}"):
            return False
        if own_enterprise(actor, obj) and scope_of(actor).kind == ENTERPRISE:
            return True
        return getattr(actor, "role", None) in REGULATOR_ROLES and in_jurisdiction(actor, obj)

    def may_verify(self, actor, obj) -> bool:
        """Verify a record (核实): the regulator-side officers of its jurisdiction."""
        perm = PERMISSIONS.get(_model(obj), ("", "obligations.verify_licence"))[1]
        return (getattr(actor, "role", None) in REGULATOR_ROLES and actor.has_perm(perm)
                and in_jurisdiction(actor, obj))

    may_sanction = may_verify

    def may_draw(self, actor, obj) -> bool:
        """Draw a spot check of a region, record its results, close or void it: the regulator-side
        officers whose jurisdiction holds the region (a check) or the enterprise (an entry)."""
        if getattr(actor, "role", None) not in REGULATOR_ROLES or not actor.has_perm("obligations.draw_spotcheck"):
            return False
        if obj is None:
            return True
        region = getattr(obj, "region", None) if hasattr(obj, "region_id") else None
        if region is not None:
            scope = scope_of(actor)
            return scope.is_all or (bool(scope.path) and region.path.startswith(scope.path))
        return in_jurisdiction(actor, obj)


policy = ObligationsPolicy()

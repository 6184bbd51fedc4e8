"""Who may change the enterprise registry: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing, for the services, the pages and
the API alike. Each rule needs the role's model permission (``anjian.orgs.roles``) and, for a
given enterprise, that it is in the actor's jurisdiction. Where an enterprise may be placed
(its township, grid and industry) is the services' validation (``check_placement``,
``check_stays_in_scope``); what an enterprise's own users may change of their record is the
field-level rule of ``services.update_enterprise``. A change without an actor is the system's
(imports, the demo data, data fixes): the services ask no right then.

Called with no enterprise, a rule answers whether the actor may take the action at all.
"""

from __future__ import annotations

from anjian.core.workflow import Policy

from .models import Enterprise, Industry


def in_scope(actor, enterprise: Enterprise) -> bool:
    """Whether ``enterprise`` is in the actor's jurisdiction (and not voided)."""
    return Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists()


class EnterprisesPolicy(Policy):
    """The rules of the enterprise registry (see the module docstring)."""

    def _on(self, actor, perm: str, enterprise: Enterprise | None) -> bool:
        if not actor.has_perm(perm):
            return False
        return enterprise is None or enterprise.pk is None or in_scope(actor, enterprise)

    def may_register(self, actor, enterprise) -> bool:
        """Register an enterprise (where: ``check_placement``)."""
        return actor.has_perm("enterprises.add_enterprise")

    def may_edit(self, actor, enterprise) -> bool:
        """Change the registry fields and feature tags."""
        return self._on(actor, "enterprises.change_enterprise", enterprise)

    def may_change_status(self, actor, enterprise) -> bool:
        """Suspend, close or resume (the steps of ``OPERATING_STATUS_MACHINE``)."""
        return self._on(actor, "enterprises.change_status_enterprise", enterprise)

    def may_assign_supervision(self, actor, enterprise) -> bool:
        """Hang a supervision plate (一企一牌)."""
        return self._on(actor, "enterprises.add_supervision", enterprise)

    def may_void(self, actor, enterprise) -> bool:
        """Void a registry record entered in error."""
        return self._on(actor, "enterprises.delete_enterprise", enterprise)

    def may_import(self, actor, obj=None) -> bool:
        """Import enterprises from a spreadsheet."""
        return actor.has_perm("enterprises.import_enterprise")

    def may_follow_industry_high_risk(self, actor, industry: Industry | None) -> bool:
        """Let the enterprises of an industry follow its new high-risk flag (an industry's flag
        is changed in the admin)."""
        return actor.has_perm("enterprises.change_industry")


policy = EnterprisesPolicy()

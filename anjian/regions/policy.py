"""Who may change what in the regions app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing. Regional figures are entered by the
safety-committee office (安委办) and administrators for the regions of their jurisdiction, or by
anyone granted the model permission."""

from __future__ import annotations

from anjian.core.workflow import Policy
from anjian.orgs.choices import Role

from . import events
from .models import Region, RegionYearFigure

#: The model permission that lets a user enter figures (the committee office's and the
#: administrators' role groups hold it).
ENTER_PERMISSION = "regions.change_regionyearfigure"
ENTERING_ROLES = (Role.COMMITTEE_OFFICE, Role.ADMIN)


class RegionsPolicy(Policy):
    aliases = {events.FIGURES_ENTERED: "enter_figures", events.FIGURES_CORRECTED: "enter_figures",
               "void": "enter_figures"}

    def may_enter_figures(self, actor, obj: RegionYearFigure | Region | None) -> bool:
        """The committee office and administrators by role, anyone else granted the model
        permission; for a given figure or region, only inside the actor's jurisdiction."""
        if not (actor.is_superuser or getattr(actor, "role", None) in ENTERING_ROLES
                or actor.has_perm(ENTER_PERMISSION)):
            return False
        if obj is None:
            return True
        region_id = obj.pk if isinstance(obj, Region) else obj.region_id
        return Region.objects.for_user(actor).filter(pk=region_id).exists()


policy = RegionsPolicy()

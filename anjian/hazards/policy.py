"""Who may do what in the hazards app: ``policy.can(actor, action, hazard)``.

Reading is decided by scoping (``Hazard.objects.for_user``); these rules decide the steps. Two
sides act on a hazard:

- the enterprise side: the enterprise's own users (they self-inspect, report, rectify, and accept
  their general hazards);
- the regulator side: regulators and industry-department officers whose jurisdiction holds the
  hazard (they accept major hazards, confirm major grades, list hazards for supervision, re-check).

A system administrator passes every rule (``core.workflow.Policy``); the state machine's guards
(``choices.HAZARD_MACHINE``) still apply to them. Whether a step is possible from the hazard's
state is the machine's business, not the policy's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES, Role

from .models import EnterpriseApiKey, Hazard

# The roles that issue and revoke enterprise-system keys (for the enterprises they may see).
KEY_MANAGER_ROLES = REGULATOR_ROLES | {Role.ENTERPRISE}

#: Why a step is refused to someone the rule does not allow (a 403's message).
REFUSALS = {
    "correct": _("You may not change this hazard."),
    "update_plan": _("You may not change this hazard's plan."),
    "request_extension": _("You may not request an extension for this hazard."),
    "approve_extension": _("You may not decide on this extension."),
    "refuse_extension": _("You may not decide on this extension."),
    "record_dual_report": _("You may not record reports for this hazard."),
    "recheck": _("You may not re-check this hazard."),
    "list": _("You may not list this hazard for supervision."),
    "delist": _("You may not delist this hazard."),
    "report_progress": _("You may not report on this listing."),
    "confirm_major": _("You may not confirm this hazard's grade."),
    "downgrade_major": _("You may not change this hazard's grade."),
    "void": _("You may not void this hazard."),
    "issue_notice": _("You may not issue rectification notices."),
    "manage_keys": _("You may not manage API keys of this enterprise."),
}
RECTIFIER_REFUSAL = _("You submitted this hazard's rectification, so you may not decide on its acceptance: another "
                      "person accepts it.")


class HazardPolicy(Policy):
    """The rights of the hazard loop, one rule per action (steps share rules through ``aliases``)."""

    aliases = {
        "start_rectification": "rectify",
        "submit_rectification": "rectify",
        "request_extension": "rectify",
        "accept": "decide_acceptance",
        "refuse_acceptance": "decide_acceptance",
        "close": "accept",
        "approve_extension": "accept",
        "refuse_extension": "accept",
        "downgrade_major": "confirm_major",
        "delist": "list",
    }

    # --- the two sides -------------------------------------------------------------------------

    def is_enterprise_side(self, actor, hazard: Hazard) -> bool:
        """The enterprise's own users (self-inspect, self-report, self-rectify)."""
        scope = scope_of(actor)
        return scope.kind == ENTERPRISE and scope.enterprise_id == hazard.enterprise_id

    def is_regulator_side(self, actor, hazard: Hazard) -> bool:
        """A regulator or industry-department officer whose jurisdiction holds the hazard (for a
        hazard not saved yet: its enterprise)."""
        return getattr(actor, "role", None) in REGULATOR_ROLES and self.sees(actor, hazard)

    def sees(self, actor, hazard: Hazard) -> bool:
        """The hazard is in the actor's jurisdiction (remembered on the hazard object at hand: a
        page asks every rule of the same hazard, and a hazard's scoping keys never change)."""
        seen = hazard.__dict__.setdefault("_policy_seen_by", {})
        key = getattr(actor, "pk", None)
        if key not in seen:
            if hazard.pk is None:
                from anjian.enterprises.models import Enterprise

                seen[key] = Enterprise.objects.for_user(actor).filter(pk=hazard.enterprise_id).exists()
            else:
                seen[key] = Hazard.objects.for_user(actor).filter(pk=hazard.pk).exists()
        return seen[key]

    # --- the rules -----------------------------------------------------------------------------

    def may_report(self, actor, hazard: Hazard) -> bool:
        """Anyone may report a hazard of an enterprise in their jurisdiction."""
        return self.sees(actor, hazard)

    def may_rectify(self, actor, hazard: Hazard) -> bool:
        """The enterprise rectifies (start, submit, ask for more time)."""
        return self.is_enterprise_side(actor, hazard)

    def may_accept(self, actor, hazard: Hazard) -> bool:
        """General hazards are accepted (and closed out, and their extensions decided) by the
        enterprise, major hazards only by the regulator."""
        if hazard.is_major:
            return self.is_regulator_side(actor, hazard)
        return self.is_enterprise_side(actor, hazard)

    def accepts(self, actor, hazard: Hazard) -> bool:
        """``actor`` is on the side that accepts ``hazard`` (whether or not they rectified it)."""
        return self.can(actor, "close", hazard)

    def may_decide_acceptance(self, actor, hazard: Hazard) -> bool:
        """Accept or refuse the rectification: whoever accepts the hazard, except the person who
        submitted the rectification (a separation of duties the platform applies per deployment:
        settings.ANJIAN_HAZARD_ACCEPTOR_DIFFERS, on by default; no national article found that
        requires it). Administrators are not bound (``Policy.can`` passes them)."""
        return self.may_accept(actor, hazard) and not self.rectifier_may_not_accept(actor, hazard)

    def rectifier_may_not_accept(self, actor, hazard: Hazard) -> bool:
        """Whether ``actor`` submitted this hazard's rectification and so may not decide on its
        acceptance (accept or refuse)."""
        if not getattr(settings, "ANJIAN_HAZARD_ACCEPTOR_DIFFERS", True) or self.is_admin(actor):
            # System administrators operate the platform (data repairs, the demo); the
            # separation binds the enterprise's and the regulator's people.
            return False
        pk = getattr(actor, "pk", None)
        return pk is not None and hazard.rectified_by_id == pk

    def may_correct(self, actor, hazard: Hazard) -> bool:
        """Whoever may rectify or supervise a hazard, or its reporter, corrects its report."""
        return bool(self.may_rectify(actor, hazard) or self.is_regulator_side(actor, hazard)
                    or (hazard.created_by_id is not None and hazard.created_by_id == getattr(actor, "pk", None)))

    def may_update_plan(self, actor, hazard: Hazard) -> bool:
        """The enterprise keeps its plan; the regulator may fill in a major hazard's plan too
        (e.g. from its own listed supervision)."""
        return self.may_rectify(actor, hazard) or (hazard.is_major and self.is_regulator_side(actor, hazard))

    def may_record_dual_report(self, actor, hazard: Hazard) -> bool:
        """The enterprise files its reports; the regulator may record one it received."""
        return self.may_rectify(actor, hazard) or self.is_regulator_side(actor, hazard)

    def may_report_progress(self, actor, hazard: Hazard) -> bool:
        """The enterprise reports its own progress on a listed supervision, as the regulator may."""
        return self.may_rectify(actor, hazard) or self.is_regulator_side(actor, hazard)

    def may_recheck(self, actor, hazard: Hazard) -> bool:
        """The side that found the hazard or ordered it fixed re-checks it: the regulator side
        always (it issued the notice, or its officers inspected); for a general hazard also the
        grid officer who patrols its grid (grid patrols) and the experts of its region (expert
        inspections). A major hazard is accepted only by the regulator, so only the regulator
        side re-checks it."""
        from .choices import HazardSource

        if self.is_regulator_side(actor, hazard):
            return True
        if hazard.is_major:
            return False
        role = getattr(actor, "role", None)
        if role == Role.GRID_OFFICER and hazard.source == HazardSource.GRID_PATROL:
            return self.sees(actor, hazard)
        if role == Role.EXPERT and hazard.source == HazardSource.EXPERT:
            return self.sees(actor, hazard)
        return False

    def may_confirm_major(self, actor, hazard: Hazard) -> bool:
        """A regulator of the hazard's jurisdiction confirms or downgrades a major grade given by
        the general definition."""
        return self.is_regulator_side(actor, hazard)

    def may_list(self, actor, hazard: Hazard) -> bool:
        """挂牌督办 and 摘牌: a regulator of the hazard's jurisdiction allowed to list."""
        return self.is_regulator_side(actor, hazard) and actor.has_perm("hazards.list_hazard")

    def may_void(self, actor, hazard: Hazard) -> bool:
        """The regulator side, or whoever entered the hazard."""
        return self.is_regulator_side(actor, hazard) or hazard.created_by_id == getattr(actor, "pk", None)

    def may_issue_notice(self, actor, hazard: Hazard | None = None) -> bool:
        """整改通知单 are issued by those allowed to (the hazards themselves must be in scope)."""
        return actor.has_perm("hazards.issue_notice_hazard")

    def manages_keys(self, actor) -> bool:
        """Whether ``actor`` manages enterprise-system keys at all (of some enterprise)."""
        return bool(actor.is_system_admin or actor.role in KEY_MANAGER_ROLES)

    def may_manage_keys(self, actor, enterprise) -> bool:
        """Enterprise-system API keys: a regulator (or industry officer) whose jurisdiction holds
        the enterprise, or the enterprise's own user."""
        from anjian.enterprises.models import Enterprise

        if isinstance(enterprise, EnterpriseApiKey):
            enterprise = enterprise.enterprise
        if actor.role == Role.ENTERPRISE:
            return actor.scope_enterprise_id == enterprise.pk
        if actor.role in REGULATOR_ROLES:
            return Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists()
        return False

    # --- refusals ------------------------------------------------------------------------------

    def require(self, actor, action: str, obj=None, message: str | None = None) -> None:
        """As ``Policy.require``, with the message that says what was refused (and, to the
        rectifier, that another person accepts)."""
        if self.can(actor, action, obj):
            return
        if message is None and self.rule(action) == self.may_decide_acceptance and obj is not None \
                and self.accepts(actor, obj) and self.rectifier_may_not_accept(actor, obj):
            message = str(RECTIFIER_REFUSAL)
        raise PermissionDenied(message or str(REFUSALS.get(action, _("You may not take this step on this hazard."))))


policy = HazardPolicy()

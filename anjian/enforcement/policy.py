"""Who may do what in the enforcement app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping (``for_user``); these rules decide writing, for the services, the
pages and the API alike. Enforcement is the regulators' work: the officers of the emergency
management bureau and of the industry departments (``REGULATOR_ROLES``) act on the records of
their jurisdiction, each rule also needing the role's model permission (``roles.py``). Experts
answer their own assignments. Enterprises, grid officers and the committee office change
nothing here. A system administrator passes every rule (``core.workflow.Policy``); the state
machines' guards still apply to them.

``obj`` may be unsaved (a record being created): its jurisdiction is then that of what it is
about (the enterprise, the pool's region, the officer)."""

from __future__ import annotations

from typing import Any

from django.db import models

from anjian.core.scoping import users_visible_to
from anjian.core.workflow import Policy
from anjian.orgs.choices import REGULATOR_ROLES, Role

from .models import ConflictDeclaration, EnforcementCertificate, Expert


def is_officer(actor) -> bool:
    """A regulator or industry-department officer (the enforcement side)."""
    return getattr(actor, "role", None) in REGULATOR_ROLES


def sees(actor, obj: models.Model | None) -> bool:
    """``obj`` lies in the actor's jurisdiction (remembered on the object for the request: a page
    asks every rule of the same record). Unsaved: what it is about is in the jurisdiction."""
    if obj is None:
        return True
    seen = obj.__dict__.setdefault("_enf_seen_by", {})
    key = getattr(actor, "pk", None)
    if key not in seen:
        seen[key] = _sees(actor, obj)
    return seen[key]


def _sees(actor, obj) -> bool:
    from anjian.enterprises.models import Enterprise
    from anjian.regions.models import Region

    if obj.pk is not None:
        return type(obj)._default_manager.for_user(actor).filter(pk=obj.pk).exists()
    if getattr(obj, "enterprise_id", None):
        return Enterprise.objects.for_user(actor).filter(pk=obj.enterprise_id).exists()
    if getattr(obj, "officer_id", None):
        return users_visible_to(actor).filter(pk=obj.officer_id).exists()
    if getattr(obj, "region_id", None):
        return Region.objects.for_user(actor).filter(pk=obj.region_id).exists()
    if getattr(obj, "department_id", None):
        from anjian.orgs.models import Department

        return Department.objects.for_user(actor).filter(pk=obj.department_id).exists()
    return False


def officer_on(actor, perm: str, obj: Any) -> bool:
    """An officer with ``perm`` whose jurisdiction holds ``obj`` (or, without one, any officer with it)."""
    return is_officer(actor) and actor.has_perm(perm) and sees(actor, obj)


class EnforcementPolicy(Policy):
    """The rules of the enforcement app, one per right (steps share rights through their
    machine's ``right``)."""

    # --- expert pool ------------------------------------------------------------------------

    def may_add_expert(self, actor, expert: Expert | None) -> bool:
        return officer_on(actor, "enforcement.add_expert", expert)

    def may_manage(self, actor, expert: Expert | None) -> bool:
        """Correct an expert, mark them (un)available, retire or void them."""
        return officer_on(actor, "enforcement.change_expert", expert)

    # --- certificates -------------------------------------------------------------------------

    def may_add_certificate(self, actor, cert: EnforcementCertificate | None) -> bool:
        """Record an officer's certificate: the bureau's officers, for officers they may name."""
        return getattr(actor, "role", None) == Role.REGULATOR and officer_on(
            actor, "enforcement.add_enforcementcertificate", cert)

    def may_manage_certificates(self, actor, cert: EnforcementCertificate | None) -> bool:
        return getattr(actor, "role", None) == Role.REGULATOR and officer_on(
            actor, "enforcement.change_enforcementcertificate", cert)

    # --- declared conflicts -----------------------------------------------------------------

    def may_declare_conflict(self, actor, decl: ConflictDeclaration | None) -> bool:
        """An officer declares their own conflicts; a regulator records those of the officers and
        experts of the jurisdiction. The enterprise must be in the actor's jurisdiction."""
        if not officer_on(actor, "enforcement.add_conflictdeclaration", decl):
            return False
        if decl is None or decl.officer_id == actor.pk:
            return True
        return getattr(actor, "role", None) == Role.REGULATOR

    def may_manage_conflict(self, actor, decl: ConflictDeclaration | None) -> bool:
        """End or void a declaration: who it is about, or a regulator of the jurisdiction."""
        if not officer_on(actor, "enforcement.change_conflictdeclaration", decl):
            return False
        return decl is None or decl.officer_id == actor.pk or getattr(actor, "role", None) == Role.REGULATOR

    # --- plans ------------------------------------------------------------------------------------

    def may_add_plan(self, actor, plan) -> bool:
        return officer_on(actor, "enforcement.add_enforcementplan", plan)

    def may_plan(self, actor, plan) -> bool:
        """Build a draft plan: add and remove enterprises, set visits, correct, void."""
        return officer_on(actor, "enforcement.change_enforcementplan", plan)

    def may_approve_plan(self, actor, plan) -> bool:
        """Approve, revise and close a plan: the bureau's officers with the right (审批)."""
        return getattr(actor, "role", None) == Role.REGULATOR and officer_on(
            actor, "enforcement.approve_enforcementplan", plan)

    # --- draws ------------------------------------------------------------------------------------

    def may_draw(self, actor, draw) -> bool:
        """Make, publish, redraw or void a draw of a department of the jurisdiction."""
        return officer_on(actor, "enforcement.add_randomdraw", draw)

    # --- cases (行政执法案件) ----------------------------------------------------------------------

    def may_add_case(self, actor, case) -> bool:
        """Register a case (a clue awaiting filing) about an enterprise of the jurisdiction."""
        return officer_on(actor, "enforcement.add_case", case)

    def may_handle_case(self, actor, case) -> bool:
        """Investigate: correct, violations, parties, evidence, notice, statements, execution."""
        return officer_on(actor, "enforcement.change_case", case)

    def may_file_case(self, actor, case) -> bool:
        """File (立案) or decline to file."""
        return officer_on(actor, "enforcement.change_case", case)

    def may_review_case(self, actor, case) -> bool:
        """The legal review (法制审核): the bureau's officers with the right, never the case's own
        handler or the officer who registered it (the review is by someone else)."""
        if not (getattr(actor, "role", None) == Role.REGULATOR and officer_on(actor, "enforcement.review_case", case)):
            return False
        return case is None or actor.pk not in (case.handler_id, case.created_by_id)

    def may_decide_case(self, actor, case) -> bool:
        """Decide, extend, publish, close, withdraw, transfer: the bureau's officers with the right."""
        return getattr(actor, "role", None) == Role.REGULATOR and officer_on(actor, "enforcement.decide_case", case)

    def may_add_admonition(self, actor, admonition) -> bool:
        return officer_on(actor, "enforcement.add_admonition", admonition)

    def may_admonish(self, actor, admonition) -> bool:
        """Issue or void a summons, circular or exposure of a department of the jurisdiction."""
        return officer_on(actor, "enforcement.change_admonition", admonition)

    # --- on-site inspections (执法检查) -------------------------------------------------------------

    def may_add_inspection(self, actor, insp) -> bool:
        """Prepare an inspection of an enterprise of the jurisdiction for a department of it."""
        return officer_on(actor, "enforcement.add_enforcementinspection", insp)

    def may_inspect(self, actor, insp) -> bool:
        """Correct, start, walk the checklist, raise findings, sign, void an unsigned one."""
        return officer_on(actor, "enforcement.change_enforcementinspection", insp)

    def may_issue(self, actor, insp) -> bool:
        """Issue the documents, re-check and close: officers of the jurisdiction."""
        return officer_on(actor, "enforcement.change_enforcementinspection", insp)

    def may_open_case(self, actor, insp) -> bool:
        """Open and file a case (立案) from a violation noted on the inspection: an officer who may
        register and file cases, on an inspection of the jurisdiction."""
        return (officer_on(actor, "enforcement.add_case", insp)
                and actor.has_perm("enforcement.change_case"))

    def may_decide_measure(self, actor, insp) -> bool:
        """Decide or lift a compulsory measure (强制措施): officers with the right."""
        return officer_on(actor, "enforcement.add_compulsorymeasure", insp)

    def may_rotation(self, actor, rotation) -> bool:
        """Record, correct or void a month's leader rotation (包县/包乡)."""
        return officer_on(actor, "enforcement.add_leaderrotation", rotation)


policy = EnforcementPolicy()

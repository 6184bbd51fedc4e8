"""Who may change what in the accidents app: ``policy.can(actor, action, obj)``, and the actions a
person may take on a record now (``available_actions``, for the API and the page buttons).

Reading is decided by scoping; these rules decide writing. The enterprise of an accident and the
regulators whose jurisdiction holds it correct it and report its casualties and follow-ups
(``edit``); the regulators in scope record the government levels' reporting chain and declare the
situation stable (``record_chain``), investigate, flag, require rectifications and record
accountability (``investigate``), and void it (``void``). The rectification itself is reported done
by the accident's enterprise or the investigators (``rectify``). Each also needs the model
permission the role grants (``accidents/roles.py``). A rule receives the accident, or one of its
rectifications or flags."""

from __future__ import annotations

from typing import Any

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.workflow import Policy, StateMachine, available_steps
from anjian.orgs.choices import REGULATOR_ROLES, Role

from .choices import ACCIDENT_MACHINE, DECIDE_FLAG, FLAG_MACHINE, RECTIFICATION_MACHINE
from .models import Accident, AccidentRectification, ReportingFlag

REPORTING_ROLES = REGULATOR_ROLES | {Role.ENTERPRISE}


def accident_of(obj: Any) -> Accident | None:
    """The accident a rule decides about: the record itself, or the accident of a child record."""
    if obj is None or isinstance(obj, Accident):
        return obj
    return obj.accident


def in_jurisdiction(actor, accident: Accident) -> bool:
    """The accident lies in the actor's jurisdiction (remembered on the row for the rest of the
    request: a detail page asks for every button)."""
    seen = accident.__dict__.setdefault("_visible_to", {})
    if actor.pk not in seen:
        seen[actor.pk] = Accident.objects.for_user(actor).filter(pk=accident.pk).exists()
    return seen[actor.pk]


def is_enterprise_side(actor, accident: Accident) -> bool:
    """A user of the accident's own enterprise."""
    scope = scope_of(actor)
    return bool(accident.enterprise_id) and scope.kind == ENTERPRISE and scope.enterprise_id == accident.enterprise_id


def is_regulator_side(actor, accident: Accident) -> bool:
    """A regulator or industry-department officer whose jurisdiction holds the accident."""
    return getattr(actor, "role", None) in REGULATOR_ROLES and in_jurisdiction(actor, accident)


class AccidentPolicy(Policy):
    """The rules of the accidents app (see the module docstring). ``obj=None`` asks whether the
    actor may take the action on some accident at all."""

    def may_report(self, actor, obj: Accident | None = None) -> bool:
        """Enterprises (their own accidents), regulators and industry officers (in their
        jurisdiction: the service checks the place and the enterprise, naming the field)."""
        return getattr(actor, "role", None) in REPORTING_ROLES and actor.has_perm("accidents.add_accident")

    def may_edit(self, actor, obj) -> bool:
        """Correct the accident, add casualty updates (补报) and follow-up reports (续报)."""
        if not actor.has_perm("accidents.change_accident"):
            return False
        accident = accident_of(obj)
        if accident is None:
            return getattr(actor, "role", None) in REPORTING_ROLES
        return is_enterprise_side(actor, accident) or is_regulator_side(actor, accident)

    def may_record_chain(self, actor, obj) -> bool:
        """The government levels' receipt and passing-on of the report; the situation stable."""
        return actor.has_perm("accidents.change_accident") and self._regulator(actor, obj)

    def may_investigate(self, actor, obj) -> bool:
        """The investigation, reporting flags, rectifications required and accountability."""
        return actor.has_perm("accidents.investigate_accident") and self._regulator(actor, obj)

    def may_rectify(self, actor, obj) -> bool:
        """Report a rectification done: the investigators, or the accident's own enterprise."""
        accident = accident_of(obj)
        return self.may_investigate(actor, obj) or (
            actor.has_perm("accidents.change_accident") and accident is not None
            and is_enterprise_side(actor, accident))

    def may_void(self, actor, obj) -> bool:
        """Void an accident entered in error: regulators in scope."""
        return actor.has_perm("accidents.delete_accident") and self._regulator(actor, obj)

    @staticmethod
    def _regulator(actor, obj) -> bool:
        accident = accident_of(obj)
        if accident is None:
            return getattr(actor, "role", None) in REGULATOR_ROLES
        return is_regulator_side(actor, accident)


policy = AccidentPolicy()

MACHINES: dict[type, StateMachine] = {
    Accident: ACCIDENT_MACHINE,
    AccidentRectification: RECTIFICATION_MACHINE,
    ReportingFlag: FLAG_MACHINE,
}


def available_actions(actor, obj: Accident | AccidentRectification | ReportingFlag) -> list[str]:
    """What ``actor`` may do on ``obj`` now, by the names the API (``available_actions``) and the
    pages (the buttons, the action URLs) use: the steps of the record's machine that its state,
    its guards and the policy allow (``core.workflow.available_steps``); a flag offers its one
    decision (``decide_flag``) when it can be confirmed or retracted. A child record of a voided
    accident offers nothing."""
    accident = accident_of(obj)
    if accident is not None and accident.is_voided:
        return []
    steps = available_steps(MACHINES[type(obj)], policy, actor, obj)
    if isinstance(obj, ReportingFlag):
        return [DECIDE_FLAG] if steps else []
    return steps

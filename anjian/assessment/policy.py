"""Who may change what in the assessment app: ``policy.can(actor, action, obj)``.

Reading is decided by scoping; these rules decide writing.

- The **assessing side** of a region — its committee office (安委办) — draws up the target
  agreements with the units below it, keeps the assessment schemes, opens rounds, records the
  organised assessment, returns an assessment for correction and publishes the ranking. Its
  scope region is the agreement's issuer or the scheme's region (or a region above it).
- The **assessed side** — the committee office or the regulator of the assessed region itself, or
  a member of the assessed department — submits its self-assessment and enters its own
  deductions and bonuses before it does.

Each also needs the model permission its role grants (``roles.py``). ``obj`` is an agreement, a
scheme, a round or an assessment, or None ("in principle")."""

from __future__ import annotations

from typing import Any

from anjian.core.scoping import ALL, REGION, scope_of
from anjian.core.workflow import Policy
from anjian.orgs.choices import Role

from .choices import AssessmentState
from .models import Assessment, AssessmentRound, AssessmentScheme, TargetAgreement

ASSESSING_ROLES = frozenset({Role.COMMITTEE_OFFICE})
ASSESSED_ROLES = frozenset({Role.COMMITTEE_OFFICE, Role.REGULATOR})


def covers(actor, path: str) -> bool:
    """The actor's scope holds the whole region of ``path`` (its scope region is that region or
    one above it), not only a part of it; an administrator's holds everything."""
    scope = scope_of(actor)
    if scope.kind == ALL:
        return True
    return scope.kind == REGION and not scope.industry_ids and path.startswith(scope.path)


def assessing_path(obj: Any) -> str:
    """The region path of the office that assesses: the agreement's issuer, the scheme's
    region, the round's scheme's region."""
    if isinstance(obj, TargetAgreement):
        return obj.issuer.path
    if isinstance(obj, AssessmentScheme):
        return obj.region_path
    if isinstance(obj, AssessmentRound):
        return obj.region_path
    if isinstance(obj, Assessment):
        return obj.round.region_path
    return ""


def is_assessing_side(actor, obj: Any) -> bool:
    return getattr(actor, "role", None) in ASSESSING_ROLES and (obj is None or covers(actor, assessing_path(obj)))


def is_assessed_side(actor, assessment: Assessment | None) -> bool:
    """The assessed unit's own people: the office or regulator of the assessed region (scope
    region exactly it), or a member of the assessed department."""
    if getattr(actor, "role", None) not in ASSESSED_ROLES | {Role.INDUSTRY_OFFICER}:
        return False
    if assessment is None:
        return True
    if assessment.department_id:
        return actor.department_id == assessment.department_id
    if getattr(actor, "role", None) not in ASSESSED_ROLES:
        return False
    scope = scope_of(actor)
    return scope.kind == REGION and scope.path == assessment.region_path


class AssessmentPolicy(Policy):
    aliases = {
        "update_targets": "draw_up", "sign": "draw_up",
        "update_items": "keep_scheme", "open_round": "keep_scheme",
        "assess": "assess_organised", "return": "assess_organised",
        "publish": "publish_round",
    }

    def may_draw_up(self, actor, obj: TargetAgreement | None) -> bool:
        """Draw up, change and sign a target agreement: the issuing office."""
        return actor.has_perm("assessment.add_targetagreement") and is_assessing_side(actor, obj)

    def may_create(self, actor, obj) -> bool:
        if isinstance(obj, TargetAgreement):
            return self.may_draw_up(actor, obj)
        if isinstance(obj, AssessmentScheme):
            return self.may_keep_scheme(actor, obj)
        return False

    def may_keep_scheme(self, actor, obj: AssessmentScheme | AssessmentRound | None) -> bool:
        return actor.has_perm("assessment.add_assessmentscheme") and is_assessing_side(actor, obj)

    def may_void(self, actor, obj) -> bool:
        if isinstance(obj, TargetAgreement):
            return self.may_draw_up(actor, obj)
        return self.may_keep_scheme(actor, obj)

    def may_publish_round(self, actor, obj: AssessmentRound | None) -> bool:
        return actor.has_perm("assessment.change_assessmentround") and is_assessing_side(actor, obj)

    def may_assess_organised(self, actor, obj: Assessment | None) -> bool:
        return actor.has_perm("assessment.change_assessment") and is_assessing_side(actor, obj)

    def may_submit_self(self, actor, obj: Assessment | None) -> bool:
        return actor.has_perm("assessment.change_assessment") and is_assessed_side(actor, obj)

    def may_adjust(self, actor, obj: Assessment | None) -> bool:
        """Enter or remove a deduction or bonus: the assessed unit while it drafts its
        self-assessment, the assessing office at the organised assessment."""
        if not actor.has_perm("assessment.change_assessment"):
            return False
        if obj is None:
            return is_assessed_side(actor, None) or is_assessing_side(actor, None)
        if obj.state == AssessmentState.DRAFT and obj.round.scheme.self_assessment and is_assessed_side(actor, obj):
            return True
        return is_assessing_side(actor, obj)


policy = AssessmentPolicy()

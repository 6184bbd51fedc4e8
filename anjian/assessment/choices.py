"""Choices of the assessment app and its three state machines, declared once (the services, the
page buttons, the API's available actions and docs/state-machines.md read them):

- a target-responsibility agreement (目标责任书): draft → signed;
- an assessment round (one period of a scheme): open → published (the ranking);
- an assessment (one unit in a round): draft → self-assessed → assessed, or back to draft when
  the assessing office returns it; a scheme without self-assessment is assessed from draft.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class AgreementState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment", "Draft")
    SIGNED = "signed", _("Signed")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class SubjectKind(models.TextChoices):
    """Who a scheme assesses: the regions directly below the scheme's region, or the departments
    of that region (the member units of the safety committee)."""

    REGIONS = "regions", _("The regions directly below")
    DEPARTMENTS = "departments", _("The departments of the region")


class Part(models.TextChoices):
    """过程考核 and 结果考核: the two parts of a scheme (the 2017 work points of Suzhou Industrial
    Park, seed document: 过程考核和结果考核相结合)."""

    PROCESS = "process", _("Process")
    RESULT = "result", pgettext_lazy("assessment part", "Result")


class Method(models.TextChoices):
    """How an item earns its points.

    - ``proportional``: the points × figure ÷ target, at most the points (indicators where higher
      is better: a rate of 90 % against 100 % earns 90 % of the points);
    - ``pass_fail``: all the points when the figure reaches the target, none otherwise;
    - ``manual``: the assessor gives the points (at most the item's), with a reason."""

    PROPORTIONAL = "proportional", _("In proportion to the target")
    PASS_FAIL = "pass_fail", _("All or nothing against the target")
    MANUAL = "manual", _("Given by the assessor")


class Unavailable(models.TextChoices):
    """What an indicator item earns when its figure cannot be computed (nothing to count, a
    missing GDP figure)."""

    FULL = "full", _("Full points (nothing to count is not a failure)")
    ZERO = "zero", _("No points")


class Stage(models.TextChoices):
    SELF = "self", _("Self-assessment")
    ORGANISED = "organised", _("Organised assessment")


class AdjustmentKind(models.TextChoices):
    DEDUCTION = "deduction", _("Deduction")
    BONUS = "bonus", _("Bonus")


class RoundState(models.TextChoices):
    OPEN = "open", pgettext_lazy("assessment round", "Open")
    PUBLISHED = "published", _("Published")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment", "Draft")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    ASSESSED = "assessed", pgettext_lazy("assessment", "Assessed")


AGREEMENT_MACHINE = StateMachine(
    model="assessment.TargetAgreement",
    states=AgreementState,
    steps=[
        Step("sign", _("Sign"), sources=(AgreementState.DRAFT,), target=AgreementState.SIGNED,
             guards=(Guard(lambda a: a.items.exists(), _("An agreement needs at least one target."), "items"),),
             event=events.SIGNED),
        Step("void", _("Void"), sources=(AgreementState.DRAFT, AgreementState.SIGNED), event=events.VOIDED),
    ],
)


def _round_open(assessment) -> bool:
    return assessment.round.state == RoundState.OPEN


def _self_done_or_not_needed(assessment) -> bool:
    return assessment.state == AssessmentState.SELF_ASSESSED or not assessment.round.scheme.self_assessment


ASSESSMENT_MACHINE = StateMachine(
    model="assessment.Assessment",
    states=AssessmentState,
    steps=[
        Step("adjust", _("Enter a deduction or bonus"), sources=(AssessmentState.DRAFT, AssessmentState.SELF_ASSESSED),
             guards=(Guard(_round_open, _("The ranking of this round is published."), "round"),),
             event=events.ADJUSTED),
        Step("submit_self", _("Submit the self-assessment"), sources=(AssessmentState.DRAFT,),
             target=AssessmentState.SELF_ASSESSED,
             guards=(Guard(_round_open, _("The ranking of this round is published."), "round"),),
             event=events.SELF_SUBMITTED),
        Step("assess", _("Record the organised assessment"),
             sources=(AssessmentState.DRAFT, AssessmentState.SELF_ASSESSED), target=AssessmentState.ASSESSED,
             guards=(Guard(_round_open, _("The ranking of this round is published."), "round"),
                     Guard(_self_done_or_not_needed, _("The unit has not submitted its self-assessment yet."))),
             event=events.ASSESSED),
        Step("return", _("Return for correction"), sources=(AssessmentState.SELF_ASSESSED, AssessmentState.ASSESSED),
             target=AssessmentState.DRAFT,
             guards=(Guard(_round_open, _("The ranking of this round is published."), "round"),),
             event=events.RETURNED),
    ],
)


def _all_assessed(rnd) -> bool:
    return not rnd.assessments.filter(is_voided=False).exclude(state=AssessmentState.ASSESSED).exists()


ROUND_MACHINE = StateMachine(
    model="assessment.AssessmentRound",
    states=RoundState,
    steps=[
        Step("publish", _("Publish the ranking"), sources=(RoundState.OPEN,), target=RoundState.PUBLISHED,
             guards=(Guard(lambda r: r.assessments.filter(is_voided=False).exists(),
                           _("This round has no unit to rank."), "assessments"),
                     Guard(_all_assessed, _("Every unit must be assessed before the ranking is published."),
                           "assessments")),
             event=events.PUBLISHED),
        Step("void", _("Void"), sources=(RoundState.OPEN,), event=events.VOIDED),
    ],
)

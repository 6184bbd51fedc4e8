"""Choice sets of the enforcement app (监管执法) and its state machines, declared once as data:
the services take these steps through ``core.workflow``, the pages' buttons and the API's
``available_actions`` read them (``core.workflow.available_steps``), and the documentation's state
tables come from ``StateMachine.table``."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class Certainty(models.TextChoices):
    """How sure a reference row (a time limit, a frequency, a penalty range) is of its source."""

    CONFIRMED = "confirmed", _("Confirmed in the text")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed: check the official text")


# --- expert pool (专家库) -----------------------------------------------------------------------

class ExpertState(models.TextChoices):
    AVAILABLE = "available", pgettext_lazy("expert", "Available")
    UNAVAILABLE = "unavailable", pgettext_lazy("expert", "Unavailable")
    RETIRED = "retired", pgettext_lazy("expert", "Retired")


EXPERT_MACHINE = StateMachine(model="enforcement.Expert", states=ExpertState, steps=[
    Step("update", pgettext_lazy("enforcement", "Correct"), right="manage", event=events.UPDATED),
    Step("mark_unavailable", _("Mark unavailable"), sources=(ExpertState.AVAILABLE,),
         target=ExpertState.UNAVAILABLE, right="manage", event=events.EXPERT_UNAVAILABLE),
    Step("mark_available", _("Available again"), sources=(ExpertState.UNAVAILABLE,),
         target=ExpertState.AVAILABLE, right="manage", event=events.EXPERT_AVAILABLE),
    Step("retire", _("Retire from the pool"), sources=(ExpertState.AVAILABLE, ExpertState.UNAVAILABLE),
         target=ExpertState.RETIRED, right="manage", event=events.EXPERT_RETIRED),
    Step("void", pgettext_lazy("enforcement", "Void"), right="manage", event=events.VOIDED),
])


# --- officers' enforcement certificates (行政执法证) ------------------------------------------

class CertificateState(models.TextChoices):
    VALID = "valid", pgettext_lazy("certificate", "Valid")
    SUSPENDED = "suspended", pgettext_lazy("certificate", "Suspended")
    REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")


CERTIFICATE_MACHINE = StateMachine(model="enforcement.EnforcementCertificate", states=CertificateState, steps=[
    Step("suspend", pgettext_lazy("certificate", "Suspend"), sources=(CertificateState.VALID,),
         target=CertificateState.SUSPENDED, right="manage_certificates", event=events.CERTIFICATE_SUSPENDED),
    Step("reinstate", pgettext_lazy("certificate", "Reinstate"), sources=(CertificateState.SUSPENDED,),
         target=CertificateState.VALID, right="manage_certificates", event=events.CERTIFICATE_REINSTATED),
    Step("revoke", pgettext_lazy("certificate", "Revoke"), sources=(CertificateState.VALID, CertificateState.SUSPENDED),
         target=CertificateState.REVOKED, right="manage_certificates", event=events.CERTIFICATE_REVOKED),
    Step("void", pgettext_lazy("enforcement", "Void"), right="manage_certificates", event=events.VOIDED),
])


# --- declared conflicts of interest (回避) ------------------------------------------------------

class ConflictState(models.TextChoices):
    IN_FORCE = "in_force", pgettext_lazy("conflict", "In force")
    ENDED = "ended", pgettext_lazy("conflict", "Ended")


class ConflictKind(models.TextChoices):
    """Why an officer or an expert must not inspect an enterprise (回避情形)."""

    RELATIVE = "relative", _("A close relative works there")
    FORMER_EMPLOYER = "former_employer", _("Worked there")
    FINANCIAL = "financial", _("Financial interest")
    SERVICE = "service", _("Provided paid services to it")
    OTHER = "other", pgettext_lazy("conflict", "Other")


CONFLICT_MACHINE = StateMachine(model="enforcement.ConflictDeclaration", states=ConflictState, steps=[
    Step("end", _("End the declaration"), sources=(ConflictState.IN_FORCE,), target=ConflictState.ENDED,
         right="manage_conflict", event=events.CONFLICT_ENDED),
    Step("void", pgettext_lazy("enforcement", "Void"), right="manage_conflict", event=events.VOIDED),
])


# --- annual enforcement plans (执法计划) ------------------------------------------------------------

class PlanState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan", "Draft")
    APPROVED = "approved", pgettext_lazy("plan", "Approved")
    CLOSED = "closed", pgettext_lazy("plan", "Closed")


class UpliftFactor(models.TextChoices):
    """What adds visits to an enterprise's yearly frequency beyond its risk grade (分级差别化)."""

    OPEN_MAJOR_HAZARD = "open_major_hazard", _("Open major hazard")
    ACCIDENT_LAST_YEAR = "accident_last_year", _("Accident last year")
    CASE_LAST_YEAR = "case_last_year", _("Enforcement case last year")
    # Credit (anjian.credit, 分级差别化 by credit grade): read from the enterprise's computed credit.
    BLACKLISTED = "blacklisted", _("On the list of seriously untrustworthy entities")
    POOR_CREDIT = "poor_credit", _("Poor credit grade")
    GREEN_CHANNEL = "green_channel", _("Credit green channel")


def _has_entries(plan) -> bool:
    return plan.entries.filter(is_voided=False).exists()


PLAN_MACHINE = StateMachine(model="enforcement.EnforcementPlan", states=PlanState, steps=[
    Step("update", pgettext_lazy("enforcement", "Correct"), sources=(PlanState.DRAFT,), right="plan",
         event=events.UPDATED),
    Step("add_enterprises", _("Add enterprises"), sources=(PlanState.DRAFT,), right="plan",
         event=events.PLAN_ENTERPRISES_ADDED),
    Step("refresh", _("Recompute frequencies"), sources=(PlanState.DRAFT,), right="plan",
         event=events.PLAN_REFRESHED),
    Step("set_visits", _("Set planned visits"), sources=(PlanState.DRAFT,), right="plan",
         event=events.PLAN_VISITS_SET),
    Step("remove_entries", _("Remove enterprises"), sources=(PlanState.DRAFT,), right="plan",
         event=events.PLAN_ENTERPRISES_REMOVED),
    Step("approve", pgettext_lazy("plan", "Approve"), sources=(PlanState.DRAFT,), target=PlanState.APPROVED,
         right="approve_plan", event=events.PLAN_APPROVED,
         guards=(Guard(_has_entries, _("Add the enterprises the plan covers first."), field="entries"),)),
    Step("revise", pgettext_lazy("plan", "Revise"), sources=(PlanState.APPROVED,), target=PlanState.DRAFT,
         right="approve_plan", event=events.PLAN_REVISED),
    Step("close", pgettext_lazy("plan", "Close"), sources=(PlanState.APPROVED,), target=PlanState.CLOSED,
         right="approve_plan", event=events.PLAN_CLOSED),
    Step("void", pgettext_lazy("enforcement", "Void"), sources=(PlanState.DRAFT,), right="plan",
         event=events.VOIDED),
])


# --- random draws (双随机) -------------------------------------------------------------------------

class DrawState(models.TextChoices):
    DRAWN = "drawn", pgettext_lazy("draw", "Drawn")
    PUBLISHED = "published", pgettext_lazy("draw", "Published")
    SUPERSEDED = "superseded", pgettext_lazy("draw", "Superseded by a redraw")


def _no_inspection_started(draw) -> bool:
    from .selectors import draw_has_inspections

    return not draw_has_inspections(draw)


DRAW_MACHINE = StateMachine(model="enforcement.RandomDraw", states=DrawState, steps=[
    Step("publish", pgettext_lazy("draw", "Publish"), sources=(DrawState.DRAWN,), target=DrawState.PUBLISHED,
         right="draw", event=events.DRAW_PUBLISHED),
    # Only the redraw service takes this step, in the same transaction as the new draw it records.
    Step("redraw", pgettext_lazy("draw", "Redraw"), sources=(DrawState.DRAWN, DrawState.PUBLISHED),
         target=DrawState.SUPERSEDED, right="draw", event=events.DRAW_SUPERSEDED,
         guards=(Guard(_no_inspection_started, _("An inspection has started from this draw; it cannot be redrawn."),
                       field="state"),)),
    Step("void", pgettext_lazy("enforcement", "Void"), sources=(DrawState.DRAWN,), right="draw", event=events.VOIDED,
         guards=(Guard(_no_inspection_started, _("An inspection has started from this draw; it cannot be voided."),
                       field="state"),)),
])


# --- cases --------------------------------------------------------------------------------------
# Administrative cases (行政执法案件): 立案 → 调查取证 → 告知(陈述申辩/听证) → 法制审核 → 决定 → 执行 → 结案,
# with 不予立案, 撤销 and 移送 as recorded outcomes. The guards read the case (its violations, its
# dates) and the editable reference rows (time limits, review thresholds): ``selectors_cases``.

class CaseState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("case", "Awaiting filing")
    INVESTIGATING = "investigating", pgettext_lazy("case", "Investigating")
    NOTIFIED = "notified", pgettext_lazy("case", "Party notified")
    REVIEWING = "reviewing", pgettext_lazy("case", "Legal review")
    DECIDED = "decided", pgettext_lazy("case", "Decided")
    EXECUTED = "executed", pgettext_lazy("case", "Executed")
    CLOSED = "closed", pgettext_lazy("case", "Closed")
    NOT_FILED = "not_filed", pgettext_lazy("case", "Not filed")
    REVOKED = "revoked", pgettext_lazy("case", "Withdrawn")
    TRANSFERRED = "transferred", pgettext_lazy("case", "Transferred to public security")


OPEN_CASE_STATES = (CaseState.INVESTIGATING, CaseState.NOTIFIED, CaseState.REVIEWING)
"""A filed case not yet decided: the decision deadline runs."""
CONCLUDED_CASE_STATES = (CaseState.DECIDED, CaseState.EXECUTED, CaseState.CLOSED, CaseState.REVOKED,
                         CaseState.TRANSFERRED)
"""A filed case that reached its outcome (a decision, a withdrawal or a transfer)."""


class CaseSource(models.TextChoices):
    INSPECTION = "inspection", pgettext_lazy("case source", "Inspection")
    TIP = "tip", pgettext_lazy("case source", "Tip-off")
    REFERRAL = "referral", pgettext_lazy("case source", "Referral")
    ACCIDENT = "accident", pgettext_lazy("case source", "Accident investigation")
    OTHER = "other", pgettext_lazy("case source", "Other")


class DiscretionTierCode(models.TextChoices):
    """裁量阶次 (《应急管理行政裁量权基准暂行规定》): lighter, general, heavier."""

    LIGHTER = "lighter", pgettext_lazy("discretion", "Lighter")
    GENERAL = "general", pgettext_lazy("discretion", "General")
    HEAVIER = "heavier", pgettext_lazy("discretion", "Heavier")


class CaseMeasure(models.TextChoices):
    """The measures a decision may order besides a fine (and what a catalogue entry provides for)."""

    NONE = "", pgettext_lazy("case measure", "None")
    SUSPENSION = "suspension", pgettext_lazy("case measure", "Suspend production for rectification")
    LICENCE_SUSPENSION = "licence_suspension", pgettext_lazy("case measure", "Suspend the licence")
    LICENCE_REVOCATION = "licence_revocation", pgettext_lazy("case measure", "Revoke the licence")
    CLOSURE = "closure", pgettext_lazy("case measure", "Closure")


MAJOR_MEASURES = (CaseMeasure.SUSPENSION, CaseMeasure.LICENCE_SUSPENSION, CaseMeasure.LICENCE_REVOCATION,
                  CaseMeasure.CLOSURE)
"""Measures that make a decision major (法制审核 required, hearing offered)."""


class DayKind(models.TextChoices):
    NATURAL = "natural", pgettext_lazy("time limit", "Natural days")
    WORKING = "working", pgettext_lazy("time limit", "Working days")


# The codes the services look the time limits and thresholds up by (``CaseTimeLimit.code``,
# ``CaseThreshold.code``), in words: a page shows these, never the code.
TIME_LIMIT_LABELS = {
    "file": _("Time to file a case"),
    "decide": _("Time to decide a case"),
    "hearing_request": _("Time to state a case or ask for a hearing"),
    "delivery": _("Time to deliver the decision"),
    "payment": _("Time to pay the fine"),
}
THRESHOLD_LABELS = {
    "review_unit": _("Large fine on a unit (legal review required)"),
    "review_person": _("Large fine on a person (legal review required)"),
}


class PartyKind(models.TextChoices):
    UNIT = "unit", pgettext_lazy("party", "Unit")
    PERSON = "person", pgettext_lazy("party", "Responsible person")


def _case_has_violations(case) -> bool:
    from .selectors_cases import case_violations

    return bool(case_violations(case))


def _fines_within_range(case) -> bool:
    from .selectors_cases import out_of_range_without_reason

    return not out_of_range_without_reason(case)


def _review_done_if_required(case) -> bool:
    from .selectors_cases import review_required

    return case.reviewed_at is not None or not review_required(case)


def _review_required(case) -> bool:
    from .selectors_cases import review_required

    return review_required(case)


def _reply_period_over(case) -> bool:
    from .selectors_cases import reply_period_over

    return reply_period_over(case)


CASE_MACHINE = StateMachine(model="enforcement.Case", states=CaseState, steps=[
    Step("update", pgettext_lazy("enforcement", "Correct"), sources=(CaseState.PENDING, CaseState.INVESTIGATING),
         right="handle_case", event=events.UPDATED),
    Step("file", pgettext_lazy("case", "File the case"), sources=(CaseState.PENDING,),
         target=CaseState.INVESTIGATING, right="file_case", event=events.CASE_FILED),
    Step("decline", pgettext_lazy("case", "Do not file"), sources=(CaseState.PENDING,), target=CaseState.NOT_FILED,
         right="file_case", event=events.CASE_DECLINED),
    Step("set_violations", pgettext_lazy("case", "Violations and fines"),
         sources=(CaseState.INVESTIGATING, CaseState.NOTIFIED), right="handle_case",
         event=events.CASE_VIOLATIONS_SET),
    Step("add_party", pgettext_lazy("case", "Add a party"), sources=(CaseState.PENDING, CaseState.INVESTIGATING),
         right="handle_case", event=events.CASE_PARTY_ADDED),
    Step("add_evidence", pgettext_lazy("case", "Add evidence"),
         sources=(CaseState.INVESTIGATING, CaseState.NOTIFIED, CaseState.REVIEWING), right="handle_case",
         event=events.CASE_EVIDENCE_ADDED),
    Step("extend", pgettext_lazy("case", "Extend the time limit"), sources=OPEN_CASE_STATES, right="decide_case",
         event=events.CASE_EXTENDED),
    Step("notify", pgettext_lazy("case", "Notify the party"), sources=(CaseState.INVESTIGATING,),
         target=CaseState.NOTIFIED, right="handle_case", event=events.CASE_NOTIFIED,
         guards=(Guard(_case_has_violations, _("Record at least one violation first."), field="violations"),
                 Guard(_fines_within_range, _("A fine outside the discretion range of its tier needs a reason."),
                       field="violations"))),
    Step("record_statement", pgettext_lazy("case", "Record statement or hearing"), sources=(CaseState.NOTIFIED,),
         right="handle_case", event=events.CASE_STATEMENT_RECORDED),
    Step("submit_review", pgettext_lazy("case", "Submit for legal review"), sources=(CaseState.NOTIFIED,),
         target=CaseState.REVIEWING, right="handle_case", event=events.CASE_REVIEW_SUBMITTED,
         guards=(Guard(_reply_period_over, _("The party's time to state its case or ask for a hearing has not "
                                             "ended, and no statement was recorded."), field="notified_on"),
                 Guard(_fines_within_range, _("A fine outside the discretion range of its tier needs a reason."),
                       field="violations"))),
    Step("review", pgettext_lazy("case", "Legal review opinion"), sources=(CaseState.REVIEWING,),
         right="review_case", event=events.CASE_REVIEWED),
    Step("decide", pgettext_lazy("case", "Decide"), sources=(CaseState.NOTIFIED, CaseState.REVIEWING),
         target=CaseState.DECIDED, right="decide_case", event=events.CASE_DECIDED,
         guards=(Guard(_reply_period_over, _("The party's time to state its case or ask for a hearing has not "
                                             "ended, and no statement was recorded."), field="notified_on"),
                 Guard(_fines_within_range, _("A fine outside the discretion range of its tier needs a reason."),
                       field="violations"),
                 Guard(_review_done_if_required, _("This decision needs a legal review (法制审核) first."),
                       field="reviewed_at"))),
    Step("publish", pgettext_lazy("case", "Publish the decision"),
         sources=(CaseState.DECIDED, CaseState.EXECUTED, CaseState.CLOSED), right="decide_case",
         event=events.CASE_PUBLISHED),
    Step("record_execution", pgettext_lazy("case", "Record execution"), sources=(CaseState.DECIDED,),
         target=CaseState.EXECUTED, right="handle_case", event=events.CASE_EXECUTED),
    Step("close", pgettext_lazy("case", "Close the case"), sources=(CaseState.EXECUTED,), target=CaseState.CLOSED,
         right="decide_case", event=events.CASE_CLOSED),
    Step("revoke", pgettext_lazy("case", "Withdraw the case"), sources=OPEN_CASE_STATES, target=CaseState.REVOKED,
         right="decide_case", event=events.CASE_REVOKED),
    Step("transfer", pgettext_lazy("case", "Transfer to public security"),
         sources=(CaseState.PENDING, *OPEN_CASE_STATES), target=CaseState.TRANSFERRED, right="decide_case",
         event=events.CASE_TRANSFERRED),
    Step("void", pgettext_lazy("enforcement", "Void"), sources=(CaseState.PENDING,), right="handle_case",
         event=events.VOIDED),
])


# --- summons, circulars, exposure (约谈、通报、曝光) ----------------------------------------------

class AdmonitionKind(models.TextChoices):
    SUMMONS = "summons", pgettext_lazy("admonition", "Summons")
    CIRCULAR = "circular", pgettext_lazy("admonition", "Circular")
    EXPOSURE = "exposure", pgettext_lazy("admonition", "Public exposure")


class AdmonitionState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("admonition", "Draft")
    ISSUED = "issued", pgettext_lazy("admonition", "Issued")


ADMONITION_MACHINE = StateMachine(model="enforcement.Admonition", states=AdmonitionState, steps=[
    Step("issue", pgettext_lazy("admonition", "Issue"), sources=(AdmonitionState.DRAFT,),
         target=AdmonitionState.ISSUED, right="admonish", event=events.ADMONITION_ISSUED),
    Step("void", pgettext_lazy("enforcement", "Void"), sources=(AdmonitionState.DRAFT,), right="admonish",
         event=events.VOIDED),
])


# --- on-site enforcement inspections (执法检查) ------------------------------------------------------

class InspectionMode(models.TextChoices):
    """How an enforcement inspection came about (the kinds of 执法检查)."""

    PLANNED = "planned", pgettext_lazy("enforcement inspection", "Planned")
    RANDOM = "random", pgettext_lazy("enforcement inspection", "Random (double random)")
    UNANNOUNCED = "unannounced", pgettext_lazy("enforcement inspection", "Unannounced (four-no-two-direct)")
    NIGHT = "night", pgettext_lazy("enforcement inspection", "Night or surprise check")
    EXPERT = "expert", pgettext_lazy("enforcement inspection", "Expert consultation")
    JOINT = "joint", pgettext_lazy("enforcement inspection", "Joint inspection")


class InspectionState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("enforcement inspection", "Prepared")
    ON_SITE = "on_site", pgettext_lazy("enforcement inspection", "On site")
    SIGNED = "signed", pgettext_lazy("enforcement inspection", "Signed")
    ISSUED = "issued", pgettext_lazy("enforcement inspection", "Documents issued")
    RECHECK_DUE = "recheck_due", pgettext_lazy("enforcement inspection", "Re-check due")
    CLOSED = "closed", pgettext_lazy("enforcement inspection", "Closed")


class FindingDisposition(models.TextChoices):
    """What a finding becomes, in one step: a hazard in the hazard loop (rectified by the
    enterprise, re-checked by the issuing side) or a violation noted for an enforcement case."""

    HAZARD = "hazard", pgettext_lazy("finding", "Hazard to rectify")
    VIOLATION = "violation", pgettext_lazy("finding", "Violation for a case")


class InspectionOutcome(models.TextChoices):
    """The outcome published for a random inspection (一公开) and shown on every list."""

    NO_PROBLEM = "no_problem", pgettext_lazy("inspection outcome", "No problem found")
    RECTIFICATION = "rectification", pgettext_lazy("inspection outcome", "Ordered to rectify")
    VIOLATION = "violation", pgettext_lazy("inspection outcome", "Violation to be dealt with by a case")
    MEASURES = "measures", pgettext_lazy("inspection outcome", "Compulsory measures taken")
    RECTIFIED = "rectified", pgettext_lazy("inspection outcome", "Rectified and re-checked")


class MeasureKind(models.TextChoices):
    """Compulsory measures (强制措施); their legal bases are data (``data/measures.py``)."""

    SUSPEND = "suspend", _("Suspension of production or business")
    STOP_CONSTRUCTION = "stop_construction", _("Stop of construction")
    STOP_POWER = "stop_power", _("Stop of power supply")
    SEAL_SEIZE = "seal_seize", _("Sealing up or seizure")


class DocumentKind(models.TextChoices):
    """The enforcement documents (执法文书) an inspection issues, each numbered per department and
    year (文号)."""

    RECORD = "record", _("On-site inspection record")
    ORDER = "order", _("Order to rectify within a time limit")
    RECHECK = "recheck", _("Rectification re-check opinion")
    MEASURE = "measure", _("Compulsory measure decision")


def _has_both_signatures(insp) -> bool:
    return bool(insp.officer_signature_id and insp.enterprise_signature_id)


def _every_item_checked(insp) -> bool:
    return not insp.unchecked_items().exists()


def _every_finding_disposed(insp) -> bool:
    return not insp.undisposed_items().exists()


def _recheck_possible(insp) -> bool:
    return insp.recheck_possible()


def _nothing_to_recheck(insp) -> bool:
    return not insp.needs_recheck()


INSPECTION_MACHINE = StateMachine(model="enforcement.EnforcementInspection", states=InspectionState, steps=[
    Step("update", pgettext_lazy("enforcement", "Correct"), sources=(InspectionState.DRAFT, InspectionState.ON_SITE),
         right="inspect", event=events.UPDATED),
    Step("start", pgettext_lazy("enforcement inspection", "Start on site"), sources=(InspectionState.DRAFT,),
         target=InspectionState.ON_SITE, right="inspect", event=events.INSPECTION_STARTED),
    Step("record_results", _("Save results"), sources=(InspectionState.ON_SITE,), right="inspect",
         event=events.INSPECTION_RESULTS),
    Step("raise_hazard", _("Enter as a hazard"), sources=(InspectionState.ON_SITE,), right="inspect",
         event=events.FINDING_HAZARD),
    Step("note_violation", _("Note as a violation"), sources=(InspectionState.ON_SITE,), right="inspect",
         event=events.FINDING_VIOLATION),
    Step("add_signature", pgettext_lazy("signature", "Sign"), sources=(InspectionState.ON_SITE,), right="inspect",
         event=events.SIGNATURE_ADDED),
    Step("sign", pgettext_lazy("enforcement inspection", "Finish and sign the record"),
         sources=(InspectionState.ON_SITE,), target=InspectionState.SIGNED, right="inspect",
         event=events.INSPECTION_SIGNED, guards=(
             Guard(_every_item_checked, _("Some check items have no result yet."), field="items"),
             Guard(_every_finding_disposed, _("Each item found wanting must be entered as a hazard or noted as a "
                                              "violation first."), field="items"),
             Guard(_has_both_signatures, _("The officer and the enterprise's representative must both sign "
                                           "first."), field="signatures"),
         )),
    Step("issue", _("Issue the documents"), sources=(InspectionState.SIGNED,), target=InspectionState.ISSUED,
         right="issue", event=events.DOCUMENTS_ISSUED),
    Step("decide_measure", _("Decide a compulsory measure"),
         sources=(InspectionState.SIGNED, InspectionState.ISSUED, InspectionState.RECHECK_DUE),
         right="decide_measure", event=events.MEASURE_DECIDED),
    Step("lift_measure", _("Lift a compulsory measure"),
         sources=(InspectionState.ISSUED, InspectionState.RECHECK_DUE, InspectionState.CLOSED),
         right="decide_measure", event=events.MEASURE_LIFTED),
    Step("open_recheck", _("Re-check due"), sources=(InspectionState.ISSUED,), target=InspectionState.RECHECK_DUE,
         right="issue", event=events.RECHECK_OPENED, guards=(
             Guard(_recheck_possible, _("A re-check is possible once the rectification deadline has passed or the "
                                        "enterprise has reported every hazard rectified (a night check: from the "
                                        "next month)."), field="rectification_deadline"),
         )),
    # Passed: closed; not passed: back to "documents issued" with the new deadline (the service
    # decides, so no single target is declared).
    Step("recheck", _("Record the re-check"), sources=(InspectionState.RECHECK_DUE,), right="issue",
         event=events.INSPECTION_RECHECKED),
    Step("close", pgettext_lazy("enforcement inspection", "Close"), sources=(InspectionState.ISSUED,),
         target=InspectionState.CLOSED, right="issue", event=events.INSPECTION_CLOSED, guards=(
             Guard(_nothing_to_recheck, _("Hazards of this inspection still await their re-check."), field="state"),
         )),
    Step("void", pgettext_lazy("enforcement", "Void"), sources=(InspectionState.DRAFT, InspectionState.ON_SITE),
         right="inspect", event=events.VOIDED),
])

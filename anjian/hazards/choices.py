"""The choices of the hazards app, and the closed loop's state machine (``HAZARD_MACHINE``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class HazardGrade(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class HazardSource(models.TextChoices):
    SELF_INSPECTION = "self_inspection", _("Self-inspection")
    GOVERNMENT = "government", _("Government inspection")
    EXPERT = "expert", _("Expert inspection")
    GRID_PATROL = "grid_patrol", _("Grid patrol")
    PUBLIC_TIP = "public_tip", _("Public tip")
    ENTERPRISE_SYSTEM = "enterprise_system", _("Enterprise system")


class HazardState(models.TextChoices):
    REPORTED = "reported", _("Reported")
    RECTIFYING = "rectifying", _("Rectifying")
    RECTIFIED = "rectified", _("Rectified, awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed out")


OPEN_STATES = (HazardState.REPORTED, HazardState.RECTIFYING)
"""States in which the rectification deadline runs (so the hazard can be overdue)."""

UNCLOSED_STATES = (HazardState.REPORTED, HazardState.RECTIFYING, HazardState.RECTIFIED, HazardState.ACCEPTED)


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ListingLevel(models.TextChoices):
    """The level of a listed supervision: that of the listing department's region (a county's
    department lists at county level; see services.listing_level_for)."""

    PROVINCE = "province", _("Province level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")


class ListingState(models.TextChoices):
    LISTED = "listed", _("Listed")
    DELISTED = "delisted", _("Delisted")


# --- general-definition major hazards, confirmation (issue #10, h/loop1) -------------------------

class MajorDefinitionCondition(models.TextChoices):
    """The two conditions of the general definition of a major hazard (重大事故隐患), for a hazard
    that no listed criterion names: 《安全生产事故隐患排查治理暂行规定》(国家安全生产监督管理总局令
    第16号) 第三条 — hard to rectify, needing full or partial suspension of production and time
    to remove; or one the enterprise cannot remove by itself because of external factors."""

    HARD_TO_RECTIFY = "hard_to_rectify", _(
        "Hard to rectify: production must be suspended in whole or in part, and it takes time to remove")
    EXTERNAL_FACTORS = "external_factors", _(
        "External factors: the enterprise cannot remove it by itself")


class MajorConfirmation(models.TextChoices):
    """Whether a regulator has confirmed a major grade given by the general definition (a grade
    by a listed criterion needs no confirmation: the field stays empty)."""

    PENDING = "pending", _("Awaiting the regulator's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the regulator")
# --- dual report records and re-checks (issue #10) ----------------------------------------------

class DualReportStage(models.TextChoices):
    """The two reports of a major hazard (双报告): when found — its present state and cause, how
    serious it is and how hard to remove, and the treatment plan (《安全生产事故隐患排查治理暂行
    规定》第十四条) — and, once treated, the result (治理结果)."""

    INITIAL = "initial", _("Hazard report")
    RESULT = "result", _("Treatment result report")


class DualReportRecipient(models.TextChoices):
    """Who a report goes to (《安全生产法》第四十一条): the department with supervision duties, and
    the workers' congress (职工大会或者职工代表大会)."""

    REGULATOR = "regulator", _("Supervising department")
    CONGRESS = "congress", _("Workers' congress")


RESULT_REPORT_STATES = (HazardState.RECTIFIED, HazardState.ACCEPTED, HazardState.CLOSED)
"""States in which the treatment result can be reported: the rectification has been done."""


class RecheckOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")


RECHECK_SOURCES = (HazardSource.GOVERNMENT, HazardSource.GRID_PATROL, HazardSource.EXPERT)
"""Hazards found by these inspections are re-checked by the side that found them before they
are closed out (so is every hazard put on a rectification notice)."""

RECHECK_STATES = (HazardState.RECTIFIED, HazardState.ACCEPTED)
"""States in which a re-check can always be recorded (the enterprise reported completion).
In the open states it can be recorded once the rectification deadline has passed."""


class TimeLimitCode(models.TextChoices):
    RECHECK = "recheck", _("Re-check of a rectification")


# --- the closed loop as data (core.workflow) -----------------------------------------------------
#
# Every step on a hazard, declared once: the states it starts from, the state it leads to, the
# business rules it needs besides (guards) and the policy rule that decides who may take it
# (hazards.policy). The services take the steps with ``perform(..., machine=HAZARD_MACHINE)``; the
# page's buttons and the API's ``available_actions`` are ``available_steps`` of this machine, so
# they cannot disagree with the services. A step's ``action`` is its name in the API and on the
# pages; its ``event`` is the code its event is written with (hazards.events, unchanged codes).

S = HazardState
NOT_CLOSED = UNCLOSED_STATES


def _plan_errors(hazard) -> dict:
    """Each missing item of a major hazard's 五落实 plan, named by its field."""
    return {name: _("%(item)s is missing from the 五落实 plan; a major hazard cannot start rectification without it.")
            % {"item": hazard._meta.get_field(name).verbose_name} for name in hazard.missing_plan_fields()}


PLAN_COMPLETE = Guard(
    lambda h: not h.is_major or not h.missing_plan_fields(),
    _("A major hazard starts rectification only with its complete 五落实 plan."), field="plan_responsible",
    errors=_plan_errors)
MAJOR_DECIDED = Guard(
    lambda h: not h.is_major_pending,
    _("This hazard's major grade awaits a regulator's confirmation: confirm it or downgrade it to general before "
      "the acceptance."), field="grade")
RECHECK_PASSED = Guard(
    lambda h: not h.needs_recheck,
    _("This hazard is closed out only after the side that found it (or issued the rectification notice) has "
      "re-checked it and it passed."))
NO_PENDING_EXTENSION = Guard(lambda h: not h.has_pending_extension,
                             _("An extension request is already waiting for a decision."), field="new_deadline")
PENDING_EXTENSION = Guard(lambda h: h.has_pending_extension, _("No extension request is waiting for a decision."))
MAJOR = Guard(lambda h: h.is_major, _("Only a major hazard has a dual report."), field="grade")
RESULTS_TO_REPORT = Guard(lambda h: h.state != S.CLOSED or bool(h.result_reports_missing()),
                          _("Both results of this closed-out hazard have been reported."), field="stage")
MAJOR_PENDING = Guard(lambda h: h.is_major_pending, _("This hazard has no major grade awaiting confirmation."),
                      field="grade")
LISTED = Guard(lambda h: h.is_listed, _("This hazard is not under listed supervision."))

HAZARD_MACHINE = StateMachine(model="hazards.Hazard", states=HazardState, steps=[
    Step("update_plan", _("Update plan"), sources=OPEN_STATES, event=events.PLAN_UPDATED),
    Step("start_rectification", _("Start rectification"), sources=(S.REPORTED,), target=S.RECTIFYING,
         guards=(PLAN_COMPLETE,), event=events.RECTIFICATION_STARTED),
    Step("correct", _("Correct"), sources=(S.REPORTED,), event=events.HAZARD_CORRECTED),
    Step("submit_rectification", _("Submit rectification"), sources=(S.RECTIFYING,), target=S.RECTIFIED,
         event=events.RECTIFICATION_SUBMITTED),
    Step("accept", _("Accept"), sources=(S.RECTIFIED,), target=S.ACCEPTED, guards=(MAJOR_DECIDED,),
         event=events.ACCEPTED),
    Step("refuse_acceptance", _("Refuse acceptance"), sources=(S.RECTIFIED,), target=S.RECTIFYING,
         event=events.ACCEPTANCE_REFUSED),
    Step("close", _("Close out"), sources=(S.ACCEPTED,), target=S.CLOSED, guards=(RECHECK_PASSED,),
         event=events.CLOSED),
    Step("request_extension", _("Request extension"), sources=OPEN_STATES, guards=(NO_PENDING_EXTENSION,),
         event=events.EXTENSION_REQUESTED),
    Step("approve_extension", _("Approve extension"), guards=(PENDING_EXTENSION,), event=events.EXTENSION_APPROVED),
    Step("refuse_extension", _("Refuse extension"), guards=(PENDING_EXTENSION,), event=events.EXTENSION_REFUSED),
    Step("record_dual_report", _("Record dual report"), guards=(MAJOR, RESULTS_TO_REPORT),
         event=events.DUAL_REPORT_RECORDED),
    Step("recheck", _("Re-check"), guards=(
        Guard(lambda h: h.recheck_required, _("This hazard needs no re-check.")),
        Guard(lambda h: h.rechecked_at is None, _("This hazard has already passed its re-check.")),
        Guard(lambda h: h.recheck_possible(), _("A re-check is possible once the enterprise has reported the "
                                                "rectification done, or once the deadline has passed."))),
         event=events.RECHECKED),
    Step("report_progress", _("Report progress"), guards=(LISTED,), event=events.LISTING_PROGRESS),
    Step("confirm_major", _("Confirm major grade"), sources=NOT_CLOSED, guards=(MAJOR_PENDING,),
         event=events.MAJOR_CONFIRMED),
    Step("downgrade_major", _("Downgrade to general"), sources=NOT_CLOSED, guards=(MAJOR_PENDING,),
         event=events.MAJOR_DOWNGRADED),
    Step("list", _("List for supervision"), sources=NOT_CLOSED, guards=(
        Guard(lambda h: h.is_major, _("Only a major hazard can be listed for supervision."), field="grade"),
        Guard(lambda h: not h.is_major_pending, _("This hazard's major grade awaits a regulator's confirmation; "
                                                  "confirm it before listing it."), field="grade"),
        Guard(lambda h: not h.is_listed, _("This hazard is already listed for supervision."), field="level")),
         event=events.LISTED),
    Step("delist", _("Delist"), sources=(S.CLOSED,), guards=(
        LISTED,
        Guard(lambda h: h.accepted_by_regulator,
              _("A listed hazard can be delisted only after the regulator accepted it."))),
         event=events.DELISTED),
    # A closed-out hazard's loop is complete and counted: it is not voided (the pages and the API
    # alike); a listed one is delisted first.
    Step("void", _("Void"), guards=(
        Guard(lambda h: h.state != S.CLOSED, _("A closed-out hazard cannot be voided: its loop is complete and "
                                               "counted.")),
        Guard(lambda h: not h.is_listed, _("Delist the hazard before voiding it."), field="is_voided")),
         event=events.VOIDED),
])

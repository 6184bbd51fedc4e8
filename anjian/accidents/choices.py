from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class AccidentGrade(models.TextChoices):
    """The four grades of 《生产安全事故报告和调查处理条例》 Art. 3, highest first."""

    PARTICULARLY_SERIOUS = "particularly_serious", _("Particularly serious accident")
    SERIOUS = "serious", _("Serious accident")
    RELATIVELY_SERIOUS = "relatively_serious", _("Relatively serious accident")
    ORDINARY = "ordinary", _("Ordinary accident")


GRADE_RANK = {
    AccidentGrade.PARTICULARLY_SERIOUS: 4,
    AccidentGrade.SERIOUS: 3,
    AccidentGrade.RELATIVELY_SERIOUS: 2,
    AccidentGrade.ORDINARY: 1,
}
"""Higher is graver; the grade of an accident is the highest any criterion reaches."""


class AccidentCategory(models.TextChoices):
    """The statistical category of an accident (the bulletins' split of production-safety
    accidents). Road traffic and fire accidents have a 7-day casualty-update window instead of
    30 (条例 Art. 13), and only 工矿商贸 accidents count in the per-100,000-workers rate."""

    INDUSTRIAL = "industrial", _("Industry, mining and commerce")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic")
    FIRE = "fire", _("Fire")
    WATER_TRANSPORT = "water_transport", _("Water transport")
    RAILWAY = "railway", _("Railway")
    CIVIL_AVIATION = "civil_aviation", _("Civil aviation")
    AGRICULTURAL_MACHINERY = "agricultural_machinery", _("Agricultural machinery")
    FISHING_VESSEL = "fishing_vessel", _("Fishing vessel")
    OTHER = "other", _("Other")


SHORT_UPDATE_WINDOW_CATEGORIES = (AccidentCategory.ROAD_TRAFFIC, AccidentCategory.FIRE)
"""Categories whose casualty changes count only within 7 days (not 30)."""


class AccidentState(models.TextChoices):
    """Where the accident's handling stands."""

    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Under investigation")
    REPORT_SUBMITTED = "report_submitted", _("Investigation report submitted")
    CLOSED = "closed", _("Closed (report approved)")


class GradingCriterion(models.TextChoices):
    """The three independent criteria of 条例 Art. 3."""

    DEATHS = "deaths", _("Deaths")
    SERIOUS_INJURIES = "serious_injuries", _("Serious injuries (incl. acute industrial poisoning)")
    DIRECT_LOSS = "direct_loss", _("Direct economic loss")


class ReportingLevel(models.TextChoices):
    """The steps of the reporting chain (条例 Art. 9–11), bottom up. ``NATIONAL`` is the State
    Council's work-safety department."""

    UNIT_HEAD = "unit_head", _("Unit head")
    COUNTY = "county", _("County-level government department")
    CITY = "city", _("Districted-city government department")
    PROVINCE = "province", _("Provincial government department")
    NATIONAL = "national", _("State Council work-safety department")


REPORTING_LEVEL_RANK = {
    ReportingLevel.UNIT_HEAD: 0,
    ReportingLevel.COUNTY: 1,
    ReportingLevel.CITY: 2,
    ReportingLevel.PROVINCE: 3,
    ReportingLevel.NATIONAL: 4,
}

REQUIRED_TOP_LEVEL = {
    # 条例 Art. 10: how far up each grade is reported, level by level.
    AccidentGrade.PARTICULARLY_SERIOUS: ReportingLevel.NATIONAL,
    AccidentGrade.SERIOUS: ReportingLevel.NATIONAL,
    AccidentGrade.RELATIVELY_SERIOUS: ReportingLevel.PROVINCE,
    AccidentGrade.ORDINARY: ReportingLevel.CITY,
}


class FlagKind(models.TextChoices):
    """Reporting violations (应急管理部令第14号, REGULATIONS.md §1.4)."""

    LATE = "late", _("Late report (迟报)")
    OMITTED = "omitted", _("Omitted report (漏报)")
    FALSE = "false", _("False report (谎报)")
    CONCEALED = "concealed", _("Concealed (瞒报)")


FLAG_DEFINITIONS = {
    FlagKind.LATE: _("Late report: the accident was reported after the prescribed time limit."),
    FlagKind.OMITTED: _("Omitted report: through negligence, an accident that must be reported, or items such as "
                        "its time, place, category, casualties or direct economic loss, was left out of the report."),
    FlagKind.FALSE: _("False report: intentionally reporting untruthfully the time, place, preliminary cause, "
                      "nature, casualties and people endangered, direct economic loss or other items."),
    FlagKind.CONCEALED: _("Concealment: hiding an accident that occurred and not reporting it past the time limit "
                          "to the emergency-management and other responsible departments, verified by "
                          "investigation."),
}
"""The §1.4 definitions (应急管理部令第14号), shown as help text where flags are recorded."""

INVESTIGATOR_FLAG_KINDS = (FlagKind.OMITTED, FlagKind.FALSE, FlagKind.CONCEALED)
"""Only investigators and regulators record these; late reports are detected automatically too."""


class FlagState(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    CONFIRMED = "confirmed", _("Confirmed")
    RETRACTED = "retracted", _("Retracted")


class InvestigatingLevel(models.TextChoices):
    """Who investigates (条例 Art. 19)."""

    STATE_COUNCIL = "state_council", _("State Council (or a department it authorises)")
    PROVINCE = "province", _("Provincial government")
    CITY = "city", _("Districted-city government")
    COUNTY = "county", _("County government")


INVESTIGATING_LEVEL_BY_GRADE = {
    AccidentGrade.PARTICULARLY_SERIOUS: InvestigatingLevel.STATE_COUNCIL,
    AccidentGrade.SERIOUS: InvestigatingLevel.PROVINCE,
    AccidentGrade.RELATIVELY_SERIOUS: InvestigatingLevel.CITY,
    AccidentGrade.ORDINARY: InvestigatingLevel.COUNTY,
}


class RectificationState(models.TextChoices):
    OPEN = "open", _("Open")
    RECTIFIED = "rectified", _("Rectified")
    VERIFIED = "verified", _("Verified")


class ListingLevel(models.TextChoices):
    """The level of a government's listed supervision (挂牌督办) of an accident's rectification."""

    PROVINCE = "province", _("Provincial level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")


class AccountabilityMeasure(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal liability")
    PARTY_DISCIPLINE = "party_discipline", _("Party discipline")
    ADMINISTRATIVE_SANCTION = "administrative_sanction", _("Administrative sanction (政务处分)")
    FINE = "fine", _("Fine")
    OTHER = "other", _("Other measure")


# --- the state machines, declared once --------------------------------------------------------
# The services take these steps through ``core.workflow.perform``; the page buttons and the API's
# ``available_actions`` come from ``core.workflow.available_steps`` over the same declarations
# (``policy.available_actions``), so they cannot disagree. A step is named by the event it writes
# (``events.py``); ``ACTION_OF_STEP`` gives the name the API and the pages use for it.

def _investigation(accident):
    # A reverse one-to-one that does not exist raises an AttributeError subclass.
    return getattr(accident, "investigation", None)


HAS_INVESTIGATION = Guard(lambda a: _investigation(a) is not None, _("There is no running investigation."), "state")

ACCIDENT_MACHINE = StateMachine(model="accidents.Accident", states=AccidentState, steps=[
    Step(events.CORRECTED, _("Correct"), right="edit"),
    Step(events.CASUALTY_UPDATE, _("Casualty update (补报)"), right="edit"),
    Step(events.CASUALTY_UPDATE_LATE, _("Late casualty update (not counted)"), right="edit"),
    Step(events.FOLLOWUP_RECORDED, _("Record a follow-up report (续报)"), right="edit"),
    Step(events.STEP_RECORDED, _("Record a reporting step"), right="record_chain"),
    Step(events.STEP_CORRECTED, _("Reporting step corrected"), right="record_chain"),
    Step(events.SITUATION_STABLE, _("Declare the situation stable"), right="record_chain", guards=(
        Guard(lambda a: a.obligations_tracked, _("No follow-up reports are owed on this accident."), "stable_at"),
        Guard(lambda a: a.situation_stable_at is None, _("The situation has already been declared stable."),
              "stable_at"),
    )),
    Step(events.FLAG_RECORDED, _("Record a reporting flag"), right="investigate"),
    Step(events.INVESTIGATION_STARTED, _("Start the investigation"), right="investigate",
         sources=(AccidentState.REPORTED,), target=AccidentState.INVESTIGATING),
    Step(events.INVESTIGATION_UPDATED, _("Edit the investigation"), right="investigate",
         sources=(AccidentState.INVESTIGATING, AccidentState.REPORT_SUBMITTED), guards=(HAS_INVESTIGATION,)),
    Step(events.REPORT_SUBMITTED, _("Submit the investigation report"), right="investigate",
         sources=(AccidentState.INVESTIGATING,), target=AccidentState.REPORT_SUBMITTED, guards=(HAS_INVESTIGATION,)),
    Step(events.REPORT_DEADLINE_EXTENDED, _("Extend the report deadline"), right="investigate",
         sources=(AccidentState.INVESTIGATING,), guards=(
             HAS_INVESTIGATION,
             Guard(lambda a: not _investigation(a).report_extension_days,
                   _("The report deadline has already been extended once."), "days"),
         )),
    Step(events.REPORT_APPROVED, _("Approve the report"), right="investigate",
         sources=(AccidentState.REPORT_SUBMITTED,), target=AccidentState.CLOSED, guards=(HAS_INVESTIGATION,)),
    Step(events.APPROVAL_EXTENDED, _("Extend the approval"), right="investigate",
         sources=(AccidentState.REPORT_SUBMITTED,), guards=(
             HAS_INVESTIGATION,
             Guard(lambda a: a.grade == AccidentGrade.PARTICULARLY_SERIOUS,
                   _("Only the approval of a particularly serious accident's report can be extended."), "days"),
             Guard(lambda a: not _investigation(a).extension_days, _("The approval has already been extended once."),
                   "days"),
         )),
    Step(events.RECTIFICATION_ADDED, _("Add a rectification"), right="investigate"),
    Step(events.ACCOUNTABILITY_ADDED, _("Record accountability"), right="investigate"),
    # core.workflow.void takes this step (its event is ``voided``).
    Step("void", _("Void"), right="void"),
])

RECTIFICATION_MACHINE = StateMachine(model="accidents.AccidentRectification", states=RectificationState, steps=[
    # The responsible unit's rectification is done (the enterprise of the accident, or the regulator).
    Step(events.RECTIFICATION_DONE, _("Report the rectification done"), right="rectify",
         sources=(RectificationState.OPEN,), target=RectificationState.RECTIFIED),
    Step(events.RECTIFICATION_VERIFIED, _("Verify the rectification"), right="investigate",
         sources=(RectificationState.RECTIFIED,), target=RectificationState.VERIFIED),
])

#: The automatic 迟报 flag raised again when a corrected reporting chain is late again (no user
#: takes this step: no policy rule names its right).
FLAG_RAISED_AGAIN = "flag_raised_again"

FLAG_MACHINE = StateMachine(model="accidents.ReportingFlag", states=FlagState, steps=[
    Step(events.FLAG_CONFIRMED, _("Confirm"), right="investigate",
         sources=(FlagState.RECORDED,), target=FlagState.CONFIRMED),
    Step(events.FLAG_RETRACTED, _("Retract"), right="investigate",
         sources=(FlagState.RECORDED,), target=FlagState.RETRACTED),
    Step(FLAG_RAISED_AGAIN, _("Raised again automatically"), right="system",
         sources=(FlagState.RETRACTED,), target=FlagState.RECORDED,
         guards=(Guard(lambda f: f.is_automatic, _("Only an automatic flag is raised again."), "state"),)),
])

ACTION_OF_STEP = {
    events.CORRECTED: "update",
    events.CASUALTY_UPDATE: "casualty_update",
    events.CASUALTY_UPDATE_LATE: "casualty_update",
    events.FOLLOWUP_RECORDED: "record_followup",
    events.STEP_RECORDED: "record_step",
    events.STEP_CORRECTED: "record_step",
    events.SITUATION_STABLE: "declare_stable",
    events.FLAG_RECORDED: "record_flag",
    events.INVESTIGATION_STARTED: "start_investigation",
    events.INVESTIGATION_UPDATED: "update_investigation",
    events.REPORT_SUBMITTED: "submit_report",
    events.REPORT_DEADLINE_EXTENDED: "extend_report",
    events.REPORT_APPROVED: "approve_report",
    events.APPROVAL_EXTENDED: "extend_approval",
    events.RECTIFICATION_ADDED: "add_rectification",
    events.ACCOUNTABILITY_ADDED: "add_accountability",
    "void": "void",
    events.RECTIFICATION_DONE: "rectify",
    events.RECTIFICATION_VERIFIED: "verify",
    events.FLAG_CONFIRMED: "decide_flag",
    events.FLAG_RETRACTED: "decide_flag",
}
"""The name the API's ``available_actions`` and the pages' action URLs use for each step (a
public name: API clients know it; several steps may share one, e.g. a casualty update counted or
late)."""

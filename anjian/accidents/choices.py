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
# (``policy.available_actions``), so they cannot disagree. A step is named by the action the API
# and the pages use (a public name: API clients know it); ``event`` is the code it writes
# (``events.py``). Where the input decides the code — a casualty update counted or late, a
# reporting step recorded or corrected — the service names the other code (``perform(event=…)``).

def _investigation(accident):
    # A reverse one-to-one that does not exist raises an AttributeError subclass.
    return getattr(accident, "investigation", None)


HAS_INVESTIGATION = Guard(lambda a: _investigation(a) is not None, _("There is no running investigation."), "state")

ACCIDENT_MACHINE = StateMachine(model="accidents.Accident", states=AccidentState, steps=[
    Step("update", _("Correct"), right="edit", event=events.CORRECTED),
    # Late (after the update window): events.CASUALTY_UPDATE_LATE, the figures kept but not counted.
    Step("casualty_update", _("Casualty update (补报)"), right="edit", event=events.CASUALTY_UPDATE),
    Step("record_followup", _("Record a follow-up report (续报)"), right="edit", event=events.FOLLOWUP_RECORDED),
    # A level already on file: events.STEP_CORRECTED.
    Step("record_step", _("Record a reporting step"), right="record_chain", event=events.STEP_RECORDED),
    Step("declare_stable", _("Declare the situation stable"), right="record_chain", guards=(
        Guard(lambda a: a.obligations_tracked, _("No follow-up reports are owed on this accident."), "stable_at"),
        Guard(lambda a: a.situation_stable_at is None, _("The situation has already been declared stable."),
              "stable_at"),
    ), event=events.SITUATION_STABLE),
    Step("record_flag", _("Record a reporting flag"), right="investigate", event=events.FLAG_RECORDED),
    Step("start_investigation", _("Start the investigation"), right="investigate",
         sources=(AccidentState.REPORTED,), target=AccidentState.INVESTIGATING, event=events.INVESTIGATION_STARTED),
    Step("update_investigation", _("Edit the investigation"), right="investigate",
         sources=(AccidentState.INVESTIGATING, AccidentState.REPORT_SUBMITTED), guards=(HAS_INVESTIGATION,),
         event=events.INVESTIGATION_UPDATED),
    Step("submit_report", _("Submit the investigation report"), right="investigate",
         sources=(AccidentState.INVESTIGATING,), target=AccidentState.REPORT_SUBMITTED, guards=(HAS_INVESTIGATION,),
         event=events.REPORT_SUBMITTED),
    Step("extend_report", _("Extend the report deadline"), right="investigate",
         sources=(AccidentState.INVESTIGATING,), guards=(
             HAS_INVESTIGATION,
             Guard(lambda a: not _investigation(a).report_extension_days,
                   _("The report deadline has already been extended once."), "days"),
         ), event=events.REPORT_DEADLINE_EXTENDED),
    Step("approve_report", _("Approve the report"), right="investigate",
         sources=(AccidentState.REPORT_SUBMITTED,), target=AccidentState.CLOSED, guards=(HAS_INVESTIGATION,),
         event=events.REPORT_APPROVED),
    Step("extend_approval", _("Extend the approval"), right="investigate",
         sources=(AccidentState.REPORT_SUBMITTED,), guards=(
             HAS_INVESTIGATION,
             Guard(lambda a: a.grade == AccidentGrade.PARTICULARLY_SERIOUS,
                   _("Only the approval of a particularly serious accident's report can be extended."), "days"),
             Guard(lambda a: not _investigation(a).extension_days, _("The approval has already been extended once."),
                   "days"),
         ), event=events.APPROVAL_EXTENDED),
    Step("add_rectification", _("Add a rectification"), right="investigate", event=events.RECTIFICATION_ADDED),
    Step("add_accountability", _("Record accountability"), right="investigate", event=events.ACCOUNTABILITY_ADDED),
    # core.workflow.void takes this step.
    Step("void", _("Void"), right="void", event=events.VOIDED),
])

RECTIFICATION_MACHINE = StateMachine(model="accidents.AccidentRectification", states=RectificationState, steps=[
    # The responsible unit's rectification is done (the enterprise of the accident, or the regulator).
    Step("rectify", _("Report the rectification done"), right="rectify",
         sources=(RectificationState.OPEN,), target=RectificationState.RECTIFIED, event=events.RECTIFICATION_DONE),
    Step("verify", _("Verify the rectification"), right="investigate",
         sources=(RectificationState.RECTIFIED,), target=RectificationState.VERIFIED,
         event=events.RECTIFICATION_VERIFIED),
])

#: The automatic 迟报 flag raised again when a corrected reporting chain is late again (no user
#: takes this step: no policy rule names its right).
FLAG_RAISED_AGAIN = "flag_raised_again"

#: The one action a flag offers (the API's and the pages' name): it takes the ``confirm`` or the
#: ``retract`` step of the flag's machine, as the decision says.
DECIDE_FLAG = "decide_flag"

FLAG_MACHINE = StateMachine(model="accidents.ReportingFlag", states=FlagState, steps=[
    Step("confirm", _("Confirm"), right="investigate",
         sources=(FlagState.RECORDED,), target=FlagState.CONFIRMED, event=events.FLAG_CONFIRMED),
    Step("retract", _("Retract"), right="investigate",
         sources=(FlagState.RECORDED,), target=FlagState.RETRACTED, event=events.FLAG_RETRACTED),
    Step(FLAG_RAISED_AGAIN, _("Raised again automatically"), right="system",
         sources=(FlagState.RETRACTED,), target=FlagState.RECORDED,
         guards=(Guard(lambda f: f.is_automatic, _("Only an automatic flag is raised again."), "state"),)),
])

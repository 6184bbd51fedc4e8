"""Choice sets of the emergency app (应急准备) and its state machines, declared once as data: the
services take these steps through ``core.workflow``, the pages' buttons and the API's
``available_actions`` read them.

- an emergency plan (应急预案) is a *draft* until its principal signs and publishes it (公布); it
  is then *submitted* for filing (备案) with the regulator, who *files* it (备案登记) or *returns*
  it with the reasons (the enterprise submits it again). It is evaluated periodically (评估) and,
  after an accident, a drill finding or a change, a revision is required; the revision makes a new
  version, a draft again, published and filed again;
- a drill (演练) is *planned* (the yearly drill plan) and then *held*, with its evaluation;
- a duty shift (值班) is *scheduled*, *on duty* once taken over, *handed over* at its end;
- a duty-log entry (值班记录) is *open* until it is closed with the handling."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class Certainty(models.TextChoices):
    """How sure a reference row is of its source."""

    CONFIRMED = "confirmed", _("Confirmed in the text")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed: check the official text")


class Parameter(models.TextChoices):
    """The regulatory numbers of the app (``EmergencyParameter`` rows), looked up by code."""

    FILING_WORKING_DAYS = "filing_working_days", _("Working days to file a published plan")
    REVIEW_WORKING_DAYS = "review_working_days", _("Working days for the regulator to check a filing")
    EVALUATION_YEARS = "evaluation_years", _("Years between evaluations of a high-risk enterprise's plans")
    MAIN_DRILL_MONTHS = "main_drill_months", _("Months between comprehensive or special plan drills")
    ONSITE_DRILL_MONTHS = "onsite_drill_months", _("Months between drills of an on-site plan")
    REVISION_DAYS = "revision_days", _("Days to revise a plan once a revision is required")
    SUPPLY_WARN_DAYS = "supply_warn_days", _("Days before a supply's expiry to warn")


class PlanKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive plan")
    SPECIAL = "special", _("Special plan")
    ONSITE = "onsite", _("On-site disposal plan")


MAIN_KINDS = (PlanKind.COMPREHENSIVE, PlanKind.SPECIAL)


class PlanState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("emergency plan", "Draft")
    PUBLISHED = "published", pgettext_lazy("emergency plan", "Published, not yet filed")
    SUBMITTED = "submitted", pgettext_lazy("emergency plan", "Submitted for filing")
    FILED = "filed", pgettext_lazy("emergency plan", "Filed")
    RETURNED = "returned", pgettext_lazy("emergency plan", "Filing returned")


IN_FORCE = (PlanState.PUBLISHED, PlanState.SUBMITTED, PlanState.FILED, PlanState.RETURNED)


class RevisionTrigger(models.TextChoices):
    """Why a plan must be revised (令第2号 第三十六条 lists the cases; these are the ones the
    platform sees)."""

    ACCIDENT = "accident", _("An accident or emergency response")
    DRILL = "drill", _("A drill finding")
    CHANGE = "change", _("A change (rules, organisation, risks, resources)")
    EVALUATION = "evaluation", _("The periodic evaluation")


def _published_not_future(plan) -> bool:
    return plan.published_on is None or plan.published_on <= timezone.localdate()


PLAN_MACHINE = StateMachine(model="emergency.EmergencyPlan", states=PlanState, steps=[
    Step("publish", pgettext_lazy("emergency plan", "Sign and publish"), sources=(PlanState.DRAFT,),
         target=PlanState.PUBLISHED, right="manage", event=events.PLAN_PUBLISHED,
         guards=(Guard(_published_not_future, _("The day published cannot be in the future."),
                       field="published_on"),)),
    Step("submit", pgettext_lazy("emergency plan", "Submit for filing"),
         sources=(PlanState.PUBLISHED, PlanState.RETURNED), target=PlanState.SUBMITTED, right="manage",
         event=events.PLAN_SUBMITTED),
    Step("accept", pgettext_lazy("emergency plan", "Accept the filing"), sources=(PlanState.SUBMITTED,),
         target=PlanState.FILED, right="review", event=events.PLAN_ACCEPTED),
    Step("return", pgettext_lazy("emergency plan", "Return with reasons"), sources=(PlanState.SUBMITTED,),
         target=PlanState.RETURNED, right="review", event=events.PLAN_RETURNED),
    Step("evaluate", pgettext_lazy("emergency plan", "Record an evaluation"), sources=IN_FORCE, right="manage",
         event=events.PLAN_EVALUATED),
    Step("require_revision", pgettext_lazy("emergency plan", "Require a revision"), sources=IN_FORCE,
         right="manage", event=events.PLAN_REVISION_REQUIRED),
    Step("revise", pgettext_lazy("emergency plan", "Revise (new version)"), sources=IN_FORCE,
         target=PlanState.DRAFT, right="manage", event=events.PLAN_REVISED),
    Step("void", pgettext_lazy("emergency", "Void"), right="manage", event=events.VOIDED),
])


class DrillForm(models.TextChoices):
    TABLETOP = "tabletop", _("Tabletop drill")
    PRACTICAL = "practical", _("Practical drill")


class DrillState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("drill", "Planned")
    HELD = "held", pgettext_lazy("drill", "Held")


DRILL_MACHINE = StateMachine(model="emergency.Drill", states=DrillState, steps=[
    Step("hold", pgettext_lazy("drill", "Record as held"), sources=(DrillState.PLANNED,), target=DrillState.HELD,
         right="manage", event=events.DRILL_HELD),
    Step("add_problem", pgettext_lazy("drill", "Record a problem"), sources=(DrillState.HELD,), right="manage",
         event=events.DRILL_PROBLEM_ADDED),
    Step("raise_hazard", pgettext_lazy("drill", "Raise as a hazard"), sources=(DrillState.HELD,), right="manage",
         event=events.DRILL_HAZARD_RAISED),
    Step("void", pgettext_lazy("emergency", "Void"), sources=(DrillState.PLANNED,), right="manage",
         event=events.VOIDED),
])


class TeamKind(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time rescue team")
    PART_TIME = "part_time", _("Part-time rescue team")
    AGREEMENT = "agreement", _("Rescue team under agreement")


class SupplyCategory(models.TextChoices):
    SUPPLY = "supply", _("Emergency supplies")
    EQUIPMENT = "equipment", _("Emergency equipment")


class ShiftState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("duty shift", "Scheduled")
    ON_DUTY = "on_duty", pgettext_lazy("duty shift", "On duty")
    HANDED_OVER = "handed_over", pgettext_lazy("duty shift", "Handed over")


SHIFT_MACHINE = StateMachine(model="emergency.DutyShift", states=ShiftState, steps=[
    Step("start", pgettext_lazy("duty shift", "Take over the duty"), sources=(ShiftState.SCHEDULED,),
         target=ShiftState.ON_DUTY, right="duty", event=events.SHIFT_STARTED),
    Step("hand_over", pgettext_lazy("duty shift", "Hand over"), sources=(ShiftState.ON_DUTY,),
         target=ShiftState.HANDED_OVER, right="duty", event=events.SHIFT_HANDED_OVER),
    Step("void", pgettext_lazy("emergency", "Void"), sources=(ShiftState.SCHEDULED,), right="duty",
         event=events.VOIDED),
])


class LogCategory(models.TextChoices):
    ACCIDENT = "accident", _("Accident report")
    DISASTER = "disaster", _("Natural disaster")
    ALARM = "alarm", _("Alarm or warning")
    INSTRUCTION = "instruction", _("Instruction from above")
    OTHER = "other", pgettext_lazy("duty log", "Other")


class LogState(models.TextChoices):
    OPEN = "open", pgettext_lazy("duty log", "Open")
    CLOSED = "closed", pgettext_lazy("duty log", "Closed")


LOG_MACHINE = StateMachine(model="emergency.DutyLogEntry", states=LogState, steps=[
    Step("link_accident", pgettext_lazy("duty log", "Link an accident report"), right="duty",
         event=events.LOG_ACCIDENT_LINKED),
    Step("close", pgettext_lazy("duty log", "Close"), sources=(LogState.OPEN,), target=LogState.CLOSED,
         right="duty", event=events.LOG_CLOSED),
    Step("void", pgettext_lazy("emergency", "Void"), sources=(LogState.OPEN,), right="duty", event=events.VOIDED),
])

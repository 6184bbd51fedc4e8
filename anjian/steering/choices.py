"""Choice sets of the committee office's records, and their state machines (declared once, as
data: the services, the page buttons, the API's available actions and docs/state-machines.md
read them).

Where a choice or a rule comes from a seed document, the comment names it (document and
article); ``data/reporting_rules.py`` holds the cadences with their sources."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import Guard, StateMachine, Step

from . import events


class UnitKind(models.TextChoices):
    """What a responsible unit is. 长治市 split its 242 duties over 52 units: 4 party departments,
    40 government departments, 3 social organisations and 5 enterprises (seed 004, 《长治：夯实安全
    发展基石》 2017-02-21, part 1 一); the lower governments (县市区) file monthly reports beside the
    city's departments (ibid., part 1 三)."""

    LOWER_GOVERNMENT = "lower_government", _("Lower government")
    DEPARTMENT = "department", _("Government department")
    PARTY_DEPARTMENT = "party_department", _("Party department")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    ENTERPRISE = "enterprise", pgettext_lazy("steering unit", "Enterprise")
    OTHER = "other", pgettext_lazy("steering unit", "Other unit")


class RuleCode(models.TextChoices):
    """The reporting cadences the committee office enforces (``ReportingRule`` rows)."""

    MONTHLY_REPORT = "monthly_report", _("Monthly report (两议一报)")
    HALF_YEAR_PROGRESS = "half_year_progress", _("Half-year progress report")
    YEAR_END_PROGRESS = "year_end_progress", _("Year-end progress report")


class MeetingKind(models.TextChoices):
    """The meetings a monthly report counts (两议: meetings that study work safety)."""

    PARTY_COMMITTEE = "party_committee", _("Party committee meeting")
    GOVERNMENT_EXECUTIVE = "government_executive", _("Government executive meeting")
    SPECIAL = "special", _("Special meeting on work safety")
    SAFETY_COMMITTEE = "safety_committee", _("Safety committee meeting")
    OTHER = "other", pgettext_lazy("meeting", "Other meeting")


class CheckKind(models.TextChoices):
    """Checks led by officials (党政领导带队夜查突查, seed 004 part 1 三: "包县（乡）检查、月轮值制、四不两直")."""

    NIGHT = "night", _("Night check")
    SURPRISE = "surprise", _("Surprise check")
    UNANNOUNCED = "unannounced", _("Unannounced check (四不两直)")


# --- monthly reports (两议一报) --------------------------------------------------------------------

class ReportState(models.TextChoices):
    PENDING = "pending", _("Not yet submitted")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", pgettext_lazy("monthly report", "Accepted")


REPORT_EDITABLE = (ReportState.PENDING, ReportState.RETURNED)


def _has_summary(report) -> bool:
    return bool((report.summary or "").strip())


def _meetings_have_minutes(report) -> bool:
    """Every meeting the report counts carries its minutes (a file): a report must have "文字、数据，
    还要有影像资料" (seed 004 part 1 三)."""
    from django.contrib.contenttypes.models import ContentType

    from anjian.core.models import Attachment

    from .models import ReportMeeting

    meetings = ReportMeeting.objects.filter(report=report, is_voided=False)
    with_minutes = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(ReportMeeting),
                                             object_id__in=[str(pk) for pk in meetings.values_list("pk", flat=True)])
    return meetings.count() == with_minutes.values("object_id").distinct().count()


REPORT_MACHINE = StateMachine(
    model="steering.MonthlyReport",
    states=ReportState,
    steps=[
        Step("edit", pgettext_lazy("monthly report", "Edit the report"), sources=REPORT_EDITABLE, right="file",
             event="updated"),
        Step("add_meeting", _("Record a meeting"), sources=REPORT_EDITABLE, right="file", event="meeting_added"),
        Step("remove_meeting", _("Remove a meeting"), sources=REPORT_EDITABLE, right="file",
             event="meeting_removed"),
        Step("add_check", _("Record a check led by officials"), sources=REPORT_EDITABLE, right="file",
             event="check_added"),
        Step("remove_check", _("Remove a check"), sources=REPORT_EDITABLE, right="file", event="check_removed"),
        Step("submit", pgettext_lazy("monthly report", "Submit"), sources=REPORT_EDITABLE,
             target=ReportState.SUBMITTED, right="file", event="report_submitted",
             guards=(Guard(_has_summary, _("Describe the month's work safety before submitting."), "summary"),
                     Guard(_meetings_have_minutes, _("Attach the minutes of every meeting recorded."),
                           "meetings"))),
        Step("return", pgettext_lazy("monthly report", "Return for correction"), sources=(ReportState.SUBMITTED,),
             target=ReportState.RETURNED, right="review", event="report_returned"),
        Step("accept", pgettext_lazy("monthly report", "Accept"), sources=(ReportState.SUBMITTED,),
             target=ReportState.ACCEPTED, right="review", event="report_accepted"),
        Step("void", pgettext_lazy("steering", "Void"), right="manage", event="voided"),
    ],
)


# --- inspection tours (巡查督导) ---------------------------------------------------------------------------

class TourState(models.TextChoices):
    PLANNED = "planned", _("Planned or under way")
    FEEDBACK = "feedback", _("Feedback given, rectifying")
    COMPLETED = "completed", pgettext_lazy("tour", "Completed")


class FindingCategory(models.TextChoices):
    """What a tour finds (seed 003, 《江西省2020年安全生产工作要点》 item 4: the findings of a tour —
    major hazards and illegal acts handed over to the toured region — feed its assessment)."""

    RESPONSIBILITY = "responsibility", _("Responsibility not carried out")
    HAZARD = "hazard", _("Accident hazard")
    ENFORCEMENT = "enforcement", _("Supervision and enforcement")
    ILLEGAL = "illegal", _("Illegal production or operation")
    OTHER = "other", pgettext_lazy("finding", "Other")


class FindingState(models.TextChoices):
    NOTED = "noted", _("Noted, no rectification required")
    OPEN = "open", _("To be rectified")
    REPORTED = "reported", _("Rectification reported")
    CLOSED = "closed", pgettext_lazy("finding", "Closed")


def _every_finding_has_a_deadline(tour) -> bool:
    from .models import TourFinding

    return not TourFinding.objects.filter(tour=tour, is_voided=False, state=FindingState.OPEN,
                                          deadline__isnull=True).exists()


def _has_findings(tour) -> bool:
    from .models import TourFinding

    return TourFinding.objects.filter(tour=tour, is_voided=False).exists()


def _every_finding_closed(tour) -> bool:
    from .models import TourFinding

    return not TourFinding.objects.filter(tour=tour, is_voided=False).exclude(
        state__in=(FindingState.CLOSED, FindingState.NOTED)).exists()


TOUR_MACHINE = StateMachine(
    model="steering.Tour",
    states=TourState,
    steps=[
        Step("edit", pgettext_lazy("tour", "Edit the tour"), sources=(TourState.PLANNED, TourState.FEEDBACK),
             right="manage", event="updated"),
        Step("add_finding", _("Record a finding"), sources=(TourState.PLANNED, TourState.FEEDBACK), right="manage",
             event="finding_added"),
        Step("give_feedback", _("Give feedback to the toured unit"), sources=(TourState.PLANNED,),
             target=TourState.FEEDBACK, right="manage", event="feedback_given",
             guards=(Guard(_has_findings, _("Record the tour's findings first."), "findings"),
                     Guard(_every_finding_has_a_deadline, _("Give every rectification its deadline."), "deadline"))),
        Step("complete", pgettext_lazy("tour", "Complete the tour"), sources=(TourState.FEEDBACK,),
             target=TourState.COMPLETED, right="manage", event="tour_completed",
             guards=(Guard(_every_finding_closed, _("Every rectification must be closed first."), "findings"),)),
        Step("void", pgettext_lazy("steering", "Void"), right="manage", event="voided"),
    ],
)

def _feedback_given(finding) -> bool:
    return finding.tour.state != TourState.PLANNED


FINDING_MACHINE = StateMachine(
    model="steering.TourFinding",
    states=FindingState,
    steps=[
        Step("edit", pgettext_lazy("finding", "Edit the finding"), sources=(FindingState.NOTED, FindingState.OPEN),
             right="manage", event="updated"),
        Step("report", _("Report the rectification"), sources=(FindingState.OPEN,), target=FindingState.REPORTED,
             right="file", event="rectification_reported",
             guards=(Guard(_feedback_given, _("The office has not given the tour's feedback yet."), "state"),)),
        Step("close", pgettext_lazy("finding", "Verify and close"), sources=(FindingState.REPORTED,),
             target=FindingState.CLOSED, right="manage", event="rectification_closed"),
        Step("return", pgettext_lazy("finding", "Return: not rectified"), sources=(FindingState.REPORTED,),
             target=FindingState.OPEN, right="manage", event="rectification_returned"),
        Step("void", pgettext_lazy("steering", "Void"), right="manage", event="voided"),
    ],
)


# --- action plans and their tasks (三年行动, 工作要点) --------------------------------------------------------

class PlanKind(models.TextChoices):
    """The kinds of plan the office tracks: a three-year action (seed 000, 安全生产综合治理三年行动工作方案,
    with its phases 组织动员 / 部署实施 / 巩固推进 / 总结评估) and the year's work points (seed 003,
    《江西省2020年安全生产工作要点》: numbered tasks, each with its lead and implementing units)."""

    THREE_YEAR_ACTION = "three_year_action", _("Three-year action plan")
    WORK_POINTS = "work_points", _("Work points of the year")
    OTHER = "other", pgettext_lazy("plan", "Other plan")


class AssignmentRole(models.TextChoices):
    """A unit's part in a task (seed 003: "（省应急厅牵头，省有关部门、各市、县（区）政府负责落实）")."""

    LEAD = "lead", _("Lead unit")
    COOPERATING = "cooperating", _("Cooperating unit")


class ProgressKind(models.TextChoices):
    """Progress reports of a task (seed 003: 半年度和年度工作完成情况), and any report in between."""

    HALF_YEAR = "half_year", _("Half-year report")
    YEAR_END = "year_end", _("Year-end report")
    INTERIM = "interim", _("Interim report")


class TaskState(models.TextChoices):
    OPEN = "open", pgettext_lazy("task", "In progress")
    COMPLETED = "completed", pgettext_lazy("task", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("task", "Cancelled")


TASK_MACHINE = StateMachine(
    model="steering.PlanTask",
    states=TaskState,
    steps=[
        Step("edit", pgettext_lazy("task", "Edit the task"), sources=(TaskState.OPEN,), right="manage", event="updated"),
        Step("assign", _("Assign a unit"), sources=(TaskState.OPEN,), right="manage", event="unit_assigned"),
        Step("unassign", _("Remove a unit"), sources=(TaskState.OPEN,), right="manage", event="unit_unassigned"),
        Step("complete", pgettext_lazy("task", "Mark completed"), sources=(TaskState.OPEN,),
             target=TaskState.COMPLETED, right="manage", event="task_completed"),
        Step("cancel", pgettext_lazy("task", "Cancel the task"), sources=(TaskState.OPEN,),
             target=TaskState.CANCELLED, right="manage", event="task_cancelled"),
        Step("reopen", pgettext_lazy("task", "Reopen"), sources=(TaskState.COMPLETED, TaskState.CANCELLED),
             target=TaskState.OPEN, right="manage", event="task_reopened"),
        Step("void", pgettext_lazy("steering", "Void"), right="manage", event="voided"),
    ],
)


# --- duty lists (责任清单) -----------------------------------------------------------------------------------

class DutyHolder(models.TextChoices):
    """Who carries a duty: a member unit of the committee, or a leader (党政同责、一岗双责)."""

    UNIT = "unit", _("Member unit")
    LEADER = "leader", _("Leader")


class LeaderRole(models.TextChoices):
    """The leaders the duty list names, after 《地方党政领导干部安全生产责任制规定》 (厅字〔2018〕13号,
    2018-04-08) Art. 2 (party committee and government leaders) and the rule that the main leaders
    are the region's first responsible persons and the other members answer for their fields
    ("一岗双责")."""

    PARTY_SECRETARY = "party_secretary", _("Party committee's principal leader")
    GOVERNMENT_HEAD = "government_head", _("Government's principal leader")
    DEPUTY_IN_CHARGE = "deputy_in_charge", _("Leader in charge of work safety")
    OTHER_MEMBER = "other_member", _("Other leader (one post, two duties)")


# --- special campaigns (专项整治) -------------------------------------------------------------------------

class CampaignState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("campaign", "Planned")
    RUNNING = "running", pgettext_lazy("campaign", "Under way")
    CLOSED = "closed", pgettext_lazy("campaign", "Closed")


CAMPAIGN_MACHINE = StateMachine(
    model="steering.Campaign",
    states=CampaignState,
    steps=[
        Step("edit", pgettext_lazy("campaign", "Edit the campaign"), sources=(CampaignState.PLANNED, CampaignState.RUNNING),
             right="manage", event="updated"),
        Step("launch", pgettext_lazy("campaign", "Launch"), sources=(CampaignState.PLANNED,),
             target=CampaignState.RUNNING, right="manage", event=events.CAMPAIGN_LAUNCHED),
        Step("close", pgettext_lazy("campaign", "Close with the results"), sources=(CampaignState.RUNNING,),
             target=CampaignState.CLOSED, right="manage", event=events.CAMPAIGN_CLOSED),
        Step("reopen", pgettext_lazy("campaign", "Reopen"), sources=(CampaignState.CLOSED,),
             target=CampaignState.RUNNING, right="manage", event=events.CAMPAIGN_REOPENED),
        Step("void", pgettext_lazy("steering", "Void"), right="manage", event="voided"),
    ],
)


# --- summons (安全生产约谈) -----------------------------------------------------------------------------
# 《安全生产约谈实施办法（试行）》(安委〔2018〕2号, 国务院安委会 2018-02-26): a summons is a talk in
# which the committee's leaders or office remind and warn the responsible officials of a lower
# government (or a member department) about safety problems and press them to rectify (art. 2);
# arts. 4–6 list the grounds (accidents by grade, number and interval; serious or repeated
# accidents; poor emergency response; failing to carry out decisions); the talk fixes the
# rectification measures and their time limit and ends with minutes (纪要); the summoned side then
# reports in writing how the measures were carried out, the summoning side follows up, and one
# that fails to rectify and has further accidents is circulated (通报) with a copy to the
# supervisory organ above it; the summons is disclosed to the public. The time limit is set in
# each summons's minutes, not by a fixed national number: local measures differ (five working
# days in some cities), so the office enters it.

class SummonsGround(models.TextChoices):
    """Why a unit is summoned (the grounds of arts. 4–6, summarised; "other" for a local rule)."""

    MAJOR_ACCIDENT = "major_accident", _("A larger or more serious accident")
    REPEATED_ACCIDENTS = "repeated_accidents", _("Several accidents within a short period")
    RISING_ACCIDENTS = "rising_accidents", _("Accidents or deaths rising markedly")
    SERIOUS_NATURE = "serious_nature", _("An accident of a serious nature or bad social impact")
    POOR_RESPONSE = "poor_response", _("Poor emergency response that made an accident worse")
    HAZARDS_NOT_RECTIFIED = "hazards_not_rectified", _("Major hazards or listed supervision not rectified")
    DECISIONS_NOT_CARRIED_OUT = "decisions_not_carried_out", _("Decisions and duties on work safety not carried out")
    OTHER = "other", pgettext_lazy("summons ground", "Other")


class SummonsState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("summons", "Planned")
    HELD = "held", _("Held, rectifying")
    REPORTED = "reported", pgettext_lazy("summons", "Rectification reported")
    CLOSED = "closed", pgettext_lazy("summons", "Closed")


SUMMONS_MACHINE = StateMachine(
    model="steering.Summons",
    states=SummonsState,
    steps=[
        Step("edit", pgettext_lazy("summons", "Edit the summons"), sources=(SummonsState.PLANNED, SummonsState.HELD),
             right="manage", event="updated"),
        Step("hold", _("Record the talk and its minutes"), sources=(SummonsState.PLANNED,), target=SummonsState.HELD,
             right="manage", event=events.SUMMONS_HELD),
        Step("report", _("Report the rectification in writing"), sources=(SummonsState.HELD,),
             target=SummonsState.REPORTED, right="file", event=events.SUMMONS_REPORTED),
        Step("close", pgettext_lazy("summons", "Accept and close"), sources=(SummonsState.REPORTED,),
             target=SummonsState.CLOSED, right="manage", event=events.SUMMONS_CLOSED),
        Step("return", pgettext_lazy("summons", "Return: not rectified"), sources=(SummonsState.REPORTED,),
             target=SummonsState.HELD, right="manage", event=events.SUMMONS_RETURNED),
        # 通报: circulating a unit that failed to rectify (or had further accidents) does not end the follow-up.
        Step("circulate", _("Circulate the unit (通报)"), sources=(SummonsState.HELD, SummonsState.REPORTED),
             right="manage", event=events.SUMMONS_CIRCULATED),
        Step("publish", _("Record the public disclosure"),
             sources=(SummonsState.HELD, SummonsState.REPORTED, SummonsState.CLOSED), right="manage",
             event=events.SUMMONS_PUBLISHED),
        Step("void", pgettext_lazy("steering", "Void"), right="manage", event="voided"),
    ],
)

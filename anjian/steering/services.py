"""Every change to the committee office's records goes through here, and through the one write
path (``core.workflow``): lock, version (409), the actor's right (``policy``), the machine's
state and guards (``choices``), the change, version bump, field history and event — in one
transaction. Nothing is deleted: records are voided with a reason."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import Attachment
from anjian.core.scoping import industry_subtree_ids
from anjian.core.services import attach_files
from anjian.core.workflow import Unchanged, create, perform_step, void
from anjian.hazards.selectors import area_period_counts
from anjian.regions.models import Region

from . import events
from .choices import (
    CAMPAIGN_MACHINE,
    FINDING_MACHINE,
    REPORT_MACHINE,
    SUMMONS_MACHINE,
    TASK_MACHINE,
    TOUR_MACHINE,
    AssignmentRole,
    DutyHolder,
    FindingState,
    RuleCode,
    TaskState,
    TourState,
    UnitKind,
)
from .models import (
    Campaign,
    Duty,
    LeaderCheck,
    MonthlyReport,
    Plan,
    PlanPhase,
    PlanTask,
    ProgressReport,
    ReportingRule,
    ReportMeeting,
    Summons,
    TaskAssignment,
    Tour,
    TourFinding,
    Unit,
)
from .policy import policy


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})


def _within(path: str, committee: Region) -> bool:
    return path.startswith(committee.path)


def _edit(fields: Iterable[str], data: Mapping[str, Any]):
    """A step's change that sets ``data`` (only ``fields``) on the locked copy and validates it;
    nothing to change raises ``Unchanged`` (no version bump, no event)."""
    def change(locked):
        _check_fields(data, fields)
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        if not changed:
            raise Unchanged
        for k in changed:
            setattr(locked, k, data[k])
        locked.full_clean()
        return changed
    return change


# --- units ---------------------------------------------------------------------------------------------

UNIT_FIELDS = ("kind", "name", "region", "department", "enterprise_unit", "is_member", "files_monthly_report",
               "contact", "phone", "sort")


def _place_unit(unit: Unit) -> None:
    """Check what the unit names lies in its committee and copy its scope keys: a lower
    government is a region below the committee's, a department one of the committee's region or
    below, an enterprise one in it."""
    committee = unit.committee_region
    kind = unit.kind
    if kind == UnitKind.LOWER_GOVERNMENT:
        region = unit.region
        if region is None:
            raise ValidationError({"region": _("Choose the region of the lower government.")})
        if region.path == committee.path or not _within(region.path, committee):
            raise ValidationError({"region": _("A lower government is a region below the committee's.")})
        unit.region_path = region.path
    elif kind == UnitKind.DEPARTMENT:
        department = unit.department
        if department is None:
            raise ValidationError({"department": _("Choose the department.")})
        if not _within(department.region.path, committee):
            raise ValidationError({"department": _("The department is outside this committee's region.")})
        unit.region_path = department.region.path
    elif kind == UnitKind.ENTERPRISE:
        if unit.enterprise_unit is None:
            raise ValidationError({"enterprise_unit": _("Choose the enterprise.")})
        if not _within(unit.enterprise_unit.region_path, committee):
            raise ValidationError({"enterprise_unit": _("The enterprise is outside this committee's region.")})
        unit.region_path = unit.enterprise_unit.region_path
    else:
        unit.region_path = committee.path
    # A unit names only what its kind needs.
    if kind != UnitKind.LOWER_GOVERNMENT:
        unit.region = None
    if kind != UnitKind.DEPARTMENT:
        unit.department = None
    if kind != UnitKind.ENTERPRISE:
        unit.enterprise_unit = None
    unit.enterprise = unit.enterprise_unit


def create_unit(*, actor, committee_region: Region, data: Mapping[str, Any]) -> Unit:
    """Add a responsible unit to the committee of ``committee_region`` (its office only)."""
    _check_fields(data, (*UNIT_FIELDS, "is_demo"))
    unit = Unit(committee_region=committee_region, created_by=_user(actor), **data)
    policy.require(actor, "create_unit", unit, _("Only the committee office manages its responsible units."))
    _place_unit(unit)
    return create(unit, actor=actor, policy=None, action=events.UNIT_CREATED)


def update_unit(unit: Unit, *, actor, data: Mapping[str, Any], version: int | None = None) -> Unit:
    """Correct a unit (its kind and what it names may change; its committee may not)."""
    edit = _edit(UNIT_FIELDS, data)

    def change(locked: Unit):
        changed = edit(locked)
        _place_unit(locked)
        return changed

    return perform_step(unit, events.UNIT_UPDATED, actor=actor, policy=policy, right="update_unit", change=change,
                        expected_version=version) or unit


def void_unit(unit: Unit, *, actor, reason: str, version: int | None = None) -> Unit:
    """Void a unit entered by mistake (its reports and duties stay, naming it)."""
    return void(unit, actor=actor, policy=policy, reason=reason, expected_version=version)


# --- reporting rules ------------------------------------------------------------------------------------

def rule_in_force(code: str, on: datetime.date) -> ReportingRule:
    """The row of the reporting rule ``code`` in force on ``on`` (the latest effective one)."""
    rule = ReportingRule.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from").first()
    if rule is None:
        raise ValidationError({"period": _("No reporting rule is in force on %(day)s; an administrator must add one.")
                               % {"day": on}})
    return rule


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: datetime.date) -> datetime.date:
    return (month_end(day) + datetime.timedelta(days=1)).replace(day=1)


def day_in_month(year: int, month: int, day: int) -> datetime.date:
    """That day of the month, or the month's last day for a day past its end (31 in June: 30)."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def report_due_on(period: datetime.date, rule: ReportingRule) -> datetime.date:
    """A monthly report of ``period`` is due on the rule's day of the next month."""
    following = next_month(period)
    return day_in_month(following.year, following.month, rule.due_day)


# --- monthly reports (两议一报) ---------------------------------------------------------------------------

def filing_units(committee_region: Region | None = None):
    """The units that file the monthly report (not voided), of one committee or of all."""
    units = Unit.objects.filter(is_voided=False, files_monthly_report=True,
                                kind__in=(UnitKind.LOWER_GOVERNMENT, UnitKind.DEPARTMENT))
    if committee_region is not None:
        units = units.filter(committee_region=committee_region)
    return units


@transaction.atomic
def open_month(period: datetime.date, *, committee_region: Region | None = None, actor=None,
               is_demo: bool = False) -> list[MonthlyReport]:
    """Open the month's report for every filing unit that has none yet (idempotent: the daily job
    runs it for the current month, so a unit added mid-month gets its report the next night).
    Each report takes the due day and minimum meetings of the rule in force for the month."""
    period = month_start(period)
    rule = rule_in_force(RuleCode.MONTHLY_REPORT, period)
    due = report_due_on(period, rule)
    units = filing_units(committee_region).exclude(
        pk__in=MonthlyReport.objects.filter(period=period, is_voided=False).values("unit_id"))
    opened = []
    for unit in units.select_for_update(of=("self",)).order_by("pk"):
        report = MonthlyReport(unit=unit, period=period, due_on=due, committee_region_id=unit.committee_region_id,
                               region_path=unit.region_path, enterprise_id=unit.enterprise_id,
                               min_meetings=rule.min_meetings, is_demo=is_demo or unit.is_demo,
                               created_by=_user(actor))
        opened.append(create(report, actor=actor, policy=None, action=events.REPORT_OPENED, clean=False,
                             data={"period": period.isoformat(), "due_on": due.isoformat()}))
    return opened


def report_area(unit: Unit) -> tuple[str, list[int] | None] | None:
    """The area whose hazards a unit's report counts: a lower government's region; a department's
    region narrowed to the industries it supervises (all, if it names none); None for a unit
    with no jurisdiction of its own (a party department, an enterprise, …)."""
    if unit.kind == UnitKind.LOWER_GOVERNMENT and unit.region_id:
        return unit.region_path, None
    if unit.kind == UnitKind.DEPARTMENT and unit.department_id:
        codes = list(unit.department.industries.values_list("code", flat=True))
        return unit.region_path, sorted(industry_subtree_ids(codes)) if codes else None
    return None


def report_figures(report: MonthlyReport, *, today: datetime.date | None = None) -> dict[str, int] | None:
    """The hazard figures the system knows for the report's unit and month (live; copied onto the
    report when it is submitted). None when the unit has no area of its own."""
    area = report_area(report.unit)
    if area is None:
        return None
    path, industries = area
    if industries == []:
        return {"found": 0, "found_major": 0, "rectified": 0, "rectified_major": 0, "overdue": 0}
    return area_period_counts(path, report.period, month_end(report.period), industry_ids=industries, today=today)


REPORT_FIELDS = ("summary", "hazard_work")
MEETING_FIELDS = ("held_on", "kind", "title", "chaired_by", "decisions")
CHECK_FIELDS = ("checked_on", "kind", "leader_name", "leader_position", "places", "hazards_found",
                "fixed_on_the_spot", "note")


def edit_report(report: MonthlyReport, *, actor, data: Mapping[str, Any], files=(),
                version: int | None = None) -> MonthlyReport:
    """Fill in or correct the report's texts (pending or returned), adding files (photos,
    documents: "文字、数据，还要有影像资料")."""
    files = list(files or [])
    edit = _edit(REPORT_FIELDS, data)

    def change(locked):
        try:
            return edit(locked)
        except Unchanged:
            if not files:
                raise
            return []

    return perform_step(report, "edit", actor=actor, policy=policy, machine=REPORT_MACHINE, change=change,
                        expected_version=version, files=files, file_kind=Attachment.Kind.DOCUMENT) or report


def _in_month(report: MonthlyReport, day: datetime.date | None, field: str) -> None:
    if day is None or month_start(day) != report.period:
        raise ValidationError({field: _("The date must be in the month reported (%(month)s).")
                               % {"month": report.period_label}})


def _count_meetings(report: MonthlyReport) -> None:
    report.meetings_held = ReportMeeting.objects.filter(report=report, is_voided=False).count()


def add_meeting(report: MonthlyReport, *, actor, data: Mapping[str, Any], minutes=(),
                version: int | None = None) -> ReportMeeting:
    """Record a meeting of the month that studied work safety, with its minutes (files)."""
    minutes = list(minutes or [])

    def change(locked: MonthlyReport) -> ReportMeeting:
        _check_fields(data, MEETING_FIELDS)
        meeting = ReportMeeting(report=locked, created_by=_user(actor), **data)
        _in_month(locked, meeting.held_on, "held_on")
        meeting.full_clean()
        meeting.save()
        attach_files(meeting, minutes, actor=actor, kind=Attachment.Kind.DOCUMENT)
        _count_meetings(locked)
        return meeting

    return perform_step(report, "add_meeting", actor=actor, policy=policy, machine=REPORT_MACHINE, change=change,
                        expected_version=version, outcome=True, data={"title": data.get("title", "")}).result


def remove_meeting(meeting: ReportMeeting, *, actor, reason: str, version: int | None = None) -> ReportMeeting:
    """Remove a meeting recorded by mistake (voided, kept). ``version`` is the report's."""
    def change(locked: MonthlyReport) -> ReportMeeting:
        row = void(meeting, actor=actor, policy=None, reason=reason)  # the right was decided on the report
        _count_meetings(locked)
        return row

    return perform_step(meeting.report, "remove_meeting", actor=actor, policy=policy, machine=REPORT_MACHINE,
                        change=change, expected_version=version, comment=reason, outcome=True,
                        data={"meeting": meeting.pk}).result


def add_check(report: MonthlyReport, *, actor, data: Mapping[str, Any], photos=(),
              version: int | None = None) -> LeaderCheck:
    """Record a night or surprise check led by an official in the month, with its photos."""
    photos = list(photos or [])

    def change(locked: MonthlyReport) -> LeaderCheck:
        _check_fields(data, CHECK_FIELDS)
        check = LeaderCheck(report=locked, created_by=_user(actor), **data)
        _in_month(locked, check.checked_on, "checked_on")
        check.full_clean()
        if check.fixed_on_the_spot > check.hazards_found:
            raise ValidationError({"fixed_on_the_spot": _("More hazards fixed on the spot than found.")})
        check.save()
        attach_files(check, photos, actor=actor, kind=Attachment.Kind.PHOTO)
        return check

    return perform_step(report, "add_check", actor=actor, policy=policy, machine=REPORT_MACHINE, change=change,
                        expected_version=version, outcome=True, save=False,
                        data={"leader": data.get("leader_name", "")}).result


def remove_check(check: LeaderCheck, *, actor, reason: str, version: int | None = None) -> LeaderCheck:
    """Remove a check recorded by mistake (voided, kept). ``version`` is the report's."""
    return perform_step(check.report, "remove_check", actor=actor, policy=policy, machine=REPORT_MACHINE,
                        change=lambda locked: void(check, actor=actor, policy=None, reason=reason),
                        expected_version=version, comment=reason, outcome=True, save=False,
                        data={"check": check.pk}).result


def submit_report(report: MonthlyReport, *, actor, version: int | None = None,
                  now: datetime.datetime | None = None) -> MonthlyReport:
    """Submit the report: the hazard figures the system knows are copied onto it; the first
    submission decides whether it came late (after its due day, in local time)."""
    def change(locked: MonthlyReport) -> None:
        moment = now or timezone.now()
        figures = report_figures(locked, today=timezone.localdate(moment))
        if figures is not None:
            locked.hazards_found, locked.hazards_found_major = figures["found"], figures["found_major"]
            locked.hazards_rectified, locked.hazards_rectified_major = figures["rectified"], figures["rectified_major"]
            locked.hazards_overdue = figures["overdue"]
            locked.figures_at = moment
        _count_meetings(locked)
        locked.submitted_at, locked.submitted_by = moment, _user(actor)
        if locked.first_submitted_at is None:
            locked.first_submitted_at = moment
            locked.late = timezone.localdate(moment) > locked.due_on

    return perform_step(report, "submit", actor=actor, policy=policy, machine=REPORT_MACHINE, change=change,
                        expected_version=version) or report


def review_report(report: MonthlyReport, *, actor, accept: bool, comment: str = "",
                  version: int | None = None) -> MonthlyReport:
    """The office accepts the report, or returns it for correction (with the reason)."""
    comment = (comment or "").strip()

    def change(locked: MonthlyReport) -> None:
        if not accept and not comment:
            raise ValidationError({"comment": _("Say what must be corrected.")})
        locked.reviewed_at, locked.reviewed_by, locked.review_comment = timezone.now(), _user(actor), comment

    return perform_step(report, "accept" if accept else "return", actor=actor, policy=policy, machine=REPORT_MACHINE,
                        change=change, expected_version=version, comment=comment) or report


def void_report(report: MonthlyReport, *, actor, reason: str, version: int | None = None) -> MonthlyReport:
    """Void a report opened by mistake (e.g. for a unit that does not file); never deleted."""
    return void(report, actor=actor, policy=policy, reason=reason, expected_version=version, right="void",
                machine=REPORT_MACHINE)


def available_report_actions(actor, report: MonthlyReport) -> list[str]:
    from anjian.core.workflow import available_steps

    return available_steps(REPORT_MACHINE, policy, actor, report)


# --- inspection tours (巡查督导) -------------------------------------------------------------------------

TOUR_FIELDS = ("title", "basis", "starts_on", "ends_on", "team_leader", "team_members", "summary")
FINDING_FIELDS = ("category", "description", "requirement", "deadline", "hazard")
TOURED_KINDS = (UnitKind.LOWER_GOVERNMENT, UnitKind.DEPARTMENT)


def _number(prefix: str, obj) -> str:
    """A record's number: prefix + the year it was made + its id, zero-padded (unique, stable)."""
    return f"{prefix}{timezone.localdate():%Y}{obj.pk:06d}"


def _check_dates(start: datetime.date | None, end: datetime.date | None, field: str = "ends_on") -> None:
    if start and end and end < start:
        raise ValidationError({field: _("The end cannot be before the start.")})


def _same_committee(unit: Unit, committee_region: Region, field: str = "unit") -> None:
    if unit.is_voided or unit.committee_region_id != committee_region.pk:
        raise ValidationError({field: _("Choose a unit of this committee.")})


def create_tour(*, actor, committee_region: Region, unit: Unit, data: Mapping[str, Any]) -> Tour:
    """Plan an inspection tour of a lower government or department of the committee."""
    _check_fields(data, (*TOUR_FIELDS, "is_demo"))
    tour = Tour(committee_region=committee_region, unit=unit, created_by=_user(actor), **data)
    policy.require(actor, "create_tour", tour, _("Only the committee office plans inspection tours."))
    _same_committee(unit, committee_region)
    if unit.kind not in TOURED_KINDS:
        raise ValidationError({"unit": _("A tour visits a lower government or a department.")})
    _check_dates(tour.starts_on, tour.ends_on)
    tour.region_path, tour.enterprise_id = unit.region_path, unit.enterprise_id
    tour.number = f"TMP{timezone.now().timestamp():.6f}"[:32]

    def prepare(new: Tour) -> None:
        new.number = _number("XC", new)
        Tour.objects.filter(pk=new.pk).update(number=new.number)

    return create(tour, actor=actor, policy=None, prepare=prepare)


def update_tour(tour: Tour, *, actor, data: Mapping[str, Any], version: int | None = None) -> Tour:
    """Correct a tour's details (before it is completed)."""
    edit = _edit(TOUR_FIELDS, data)

    def change(locked: Tour):
        changed = edit(locked)
        _check_dates(locked.starts_on, locked.ends_on)
        return changed

    return perform_step(tour, "edit", actor=actor, policy=policy, machine=TOUR_MACHINE, change=change,
                        expected_version=version) or tour


def _check_finding(actor, tour: Tour, finding: TourFinding) -> None:
    """What a finding names must fit: a required rectification has a deadline once feedback is
    due (and never before the tour starts); a hazard handed over lies in the toured unit's area
    and in the actor's jurisdiction."""
    finding.requirement = (finding.requirement or "").strip()
    if finding.requirement:
        if finding.deadline is None and tour.state != TourState.PLANNED:
            raise ValidationError({"deadline": _("Give the rectification's deadline.")})
        if finding.deadline is not None and finding.deadline < tour.starts_on:
            raise ValidationError({"deadline": _("The deadline cannot be before the tour.")})
    else:
        finding.deadline = None
    if finding.hazard_id is not None:
        from anjian.hazards.models import Hazard

        visible = Hazard.objects.for_user(actor).filter(pk=finding.hazard_id).exists()
        if not visible or not finding.hazard.region_path.startswith(tour.region_path):
            raise ValidationError({"hazard": _("Choose a hazard of the toured unit's area in your jurisdiction.")})


def add_finding(tour: Tour, *, actor, data: Mapping[str, Any], files=(), version: int | None = None) -> TourFinding:
    """Record a finding of the tour (with photos or documents); with a requirement it is a
    rectification the unit owes by its deadline, else it is only noted."""
    files = list(files or [])

    def change(locked: Tour) -> TourFinding:
        _check_fields(data, FINDING_FIELDS)
        last = TourFinding.objects.filter(tour=locked).order_by("-seq").values_list("seq", flat=True).first() or 0
        finding = TourFinding(tour=locked, unit=locked.unit, seq=last + 1, committee_region=locked.committee_region,
                              region_path=locked.region_path, enterprise=locked.enterprise, is_demo=locked.is_demo,
                              created_by=_user(actor), **data)
        _check_finding(actor, locked, finding)
        finding.state = FindingState.OPEN if finding.requirement else FindingState.NOTED
        finding.full_clean()
        finding.save()
        attach_files(finding, files, actor=actor, kind=Attachment.Kind.DOCUMENT)
        return finding

    return perform_step(tour, "add_finding", actor=actor, policy=policy, machine=TOUR_MACHINE, change=change,
                        expected_version=version, outcome=True, save=False,
                        data={"category": data.get("category", "")}).result


def update_finding(finding: TourFinding, *, actor, data: Mapping[str, Any],
                   version: int | None = None) -> TourFinding:
    """Correct a finding not yet reported (its text, requirement, deadline, hazard)."""
    edit = _edit(FINDING_FIELDS, data)

    def change(locked: TourFinding):
        changed = edit(locked)
        _check_finding(actor, locked.tour, locked)
        locked.state = FindingState.OPEN if locked.requirement else FindingState.NOTED
        return changed

    return perform_step(finding, "edit", actor=actor, policy=policy, machine=FINDING_MACHINE, change=change,
                        expected_version=version) or finding


def give_feedback(tour: Tour, *, actor, on: datetime.date | None = None, comment: str = "",
                  version: int | None = None) -> Tour:
    """The office hands the findings to the toured unit (巡查反馈): from now on the unit owes each
    required rectification by its deadline."""
    def change(locked: Tour) -> None:
        locked.feedback_on = on or timezone.localdate()
        if locked.feedback_on < locked.starts_on:
            raise ValidationError({"feedback_on": _("The feedback cannot be before the tour.")})

    return perform_step(tour, "give_feedback", actor=actor, policy=policy, machine=TOUR_MACHINE, change=change,
                        expected_version=version, comment=comment) or tour


def complete_tour(tour: Tour, *, actor, comment: str = "", version: int | None = None) -> Tour:
    """Close the tour once every rectification it required is closed."""
    def change(locked: Tour) -> None:
        locked.completed_on = timezone.localdate()

    return perform_step(tour, "complete", actor=actor, policy=policy, machine=TOUR_MACHINE, change=change,
                        expected_version=version, comment=comment) or tour


def report_rectification(finding: TourFinding, *, actor, note: str, files=(),
                         version: int | None = None) -> TourFinding:
    """The toured unit reports the rectification done, with its evidence."""
    note = (note or "").strip()

    def change(locked: TourFinding) -> None:
        if not note:
            raise ValidationError({"note": _("Say what was done.")})
        locked.rectification_note, locked.reported_on, locked.reported_by = note, timezone.localdate(), _user(actor)

    return perform_step(finding, "report", actor=actor, policy=policy, machine=FINDING_MACHINE, change=change,
                        expected_version=version, comment=note, files=files) or finding


def verify_rectification(finding: TourFinding, *, actor, accept: bool, comment: str = "",
                         version: int | None = None) -> TourFinding:
    """The office verifies a reported rectification: closes it, or returns it (with the reason)."""
    comment = (comment or "").strip()

    def change(locked: TourFinding) -> None:
        if not accept and not comment:
            raise ValidationError({"comment": _("Say what is still not rectified.")})
        locked.office_comment = comment
        if accept:
            locked.closed_at, locked.closed_by = timezone.now(), _user(actor)

    return perform_step(finding, "close" if accept else "return", actor=actor, policy=policy,
                        machine=FINDING_MACHINE, change=change, expected_version=version, comment=comment) or finding


def void_tour(tour: Tour, *, actor, reason: str, version: int | None = None) -> Tour:
    """Void a tour entered by mistake (its findings stay, with it)."""
    return void(tour, actor=actor, policy=policy, reason=reason, expected_version=version, machine=TOUR_MACHINE)


def void_finding(finding: TourFinding, *, actor, reason: str, version: int | None = None) -> TourFinding:
    """Void a finding recorded by mistake."""
    return void(finding, actor=actor, policy=policy, reason=reason, expected_version=version,
                machine=FINDING_MACHINE)


# --- summons (安全生产约谈) -----------------------------------------------------------------------------

SUMMONS_FIELDS = ("ground", "reason", "accident", "scheduled_on", "place", "convened_by", "summoned_officials",
                  "attendees")


def _check_summons(actor, summons: Summons) -> None:
    """The accident a summons names lies in the summoned unit's area and in the actor's view."""
    accident = summons.accident
    if accident is None:
        return
    from anjian.accidents.models import Accident

    visible = Accident.objects.for_user(actor).filter(pk=accident.pk).exists()
    if not visible or not (accident.region_path or "").startswith(summons.region_path):
        raise ValidationError({"accident": _("Choose an accident of the summoned unit's area in your jurisdiction.")})


def create_summons(*, actor, committee_region: Region, unit: Unit, data: Mapping[str, Any]) -> Summons:
    """Plan a summons of a lower government or a department of the committee (安全生产约谈)."""
    _check_fields(data, (*SUMMONS_FIELDS, "is_demo"))
    summons = Summons(committee_region=committee_region, unit=unit, created_by=_user(actor), **data)
    policy.require(actor, "create_summons", summons, _("Only the committee office summons a unit."))
    _same_committee(unit, committee_region)
    if unit.kind not in TOURED_KINDS:
        raise ValidationError({"unit": _("A summons is addressed to a lower government or a department.")})
    summons.region_path, summons.enterprise_id = unit.region_path, unit.enterprise_id
    _check_summons(actor, summons)
    summons.number = f"TMP{timezone.now().timestamp():.6f}"[:32]

    def prepare(new: Summons) -> None:
        new.number = _number("YT", new)
        Summons.objects.filter(pk=new.pk).update(number=new.number)

    return create(summons, actor=actor, policy=None, prepare=prepare)


def update_summons(summons: Summons, *, actor, data: Mapping[str, Any], version: int | None = None) -> Summons:
    """Correct a summons's details (before it is closed)."""
    edit = _edit(SUMMONS_FIELDS, data)

    def change(locked: Summons):
        changed = edit(locked)
        _check_summons(actor, locked)
        return changed

    return perform_step(summons, "edit", actor=actor, policy=policy, machine=SUMMONS_MACHINE, change=change,
                        expected_version=version) or summons


def _text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def hold_summons(summons: Summons, *, actor, held_on: datetime.date, minutes: str, measures: str,
                 report_due: datetime.date, files=(), version: int | None = None) -> Summons:
    """Record the talk: when it was held, its minutes (纪要), the rectification measures it fixed
    and the day the unit's written report on them is due (the time limit set in the talk)."""
    minutes = _text(minutes, "minutes", _("Record the minutes of the talk."))
    measures = _text(measures, "measures", _("Say which rectification measures the talk required."))

    def change(locked: Summons) -> None:
        if held_on > timezone.localdate():
            raise ValidationError({"held_on": _("A talk cannot be recorded before it is held.")})
        if report_due < held_on:
            raise ValidationError({"report_due": _("The report cannot be due before the talk.")})
        locked.held_on, locked.minutes, locked.measures, locked.report_due = held_on, minutes, measures, report_due

    return perform_step(summons, "hold", actor=actor, policy=policy, machine=SUMMONS_MACHINE, change=change,
                        expected_version=version, files=files) or summons


def report_summons(summons: Summons, *, actor, note: str, files=(), version: int | None = None) -> Summons:
    """The summoned unit reports in writing how it carried out the measures, with its evidence."""
    note = _text(note, "note", _("Say what was done."))

    def change(locked: Summons) -> None:
        locked.report_note, locked.reported_on, locked.reported_by = note, timezone.localdate(), _user(actor)

    return perform_step(summons, "report", actor=actor, policy=policy, machine=SUMMONS_MACHINE, change=change,
                        expected_version=version, comment=note, files=files) or summons


def verify_summons(summons: Summons, *, actor, accept: bool, comment: str = "", report_due: datetime.date | None = None,
                   version: int | None = None) -> Summons:
    """The office follows up the report: closes the summons, or returns it with what is still not
    rectified and, if it likes, a new day for the next report."""
    comment = (comment or "").strip()

    def change(locked: Summons) -> None:
        if not accept and not comment:
            raise ValidationError({"comment": _("Say what is still not rectified.")})
        locked.office_comment = comment
        if accept:
            locked.closed_on = timezone.localdate()
        elif report_due is not None:
            if report_due < timezone.localdate():
                raise ValidationError({"report_due": _("The new due day cannot be in the past.")})
            locked.report_due = report_due

    return perform_step(summons, "close" if accept else "return", actor=actor, policy=policy,
                        machine=SUMMONS_MACHINE, change=change, expected_version=version, comment=comment) or summons


def circulate_summons(summons: Summons, *, actor, document_number: str, on: datetime.date | None = None,
                      comment: str = "", version: int | None = None) -> Summons:
    """Circulate (通报) a unit that did not carry out the measures or had further accidents; the
    follow-up of the summons goes on."""
    document_number = _text(document_number, "document_number", _("Give the circular's document number."))

    def change(locked: Summons) -> None:
        locked.circular_number, locked.circulated_on = document_number, on or timezone.localdate()

    return perform_step(summons, "circulate", actor=actor, policy=policy, machine=SUMMONS_MACHINE, change=change,
                        expected_version=version, comment=comment) or summons


def publish_summons(summons: Summons, *, actor, publication: str, on: datetime.date | None = None,
                    version: int | None = None) -> Summons:
    """Record where and when the summons was disclosed to the public (政务公开)."""
    publication = _text(publication, "publication", _("Say where it was disclosed."))

    def change(locked: Summons) -> None:
        locked.publication, locked.published_on = publication, on or timezone.localdate()
        if locked.held_on and locked.published_on < locked.held_on:
            raise ValidationError({"published_on": _("It cannot be disclosed before the talk.")})

    return perform_step(summons, "publish", actor=actor, policy=policy, machine=SUMMONS_MACHINE, change=change,
                        expected_version=version) or summons


def void_summons(summons: Summons, *, actor, reason: str, version: int | None = None) -> Summons:
    """Void a summons entered by mistake."""
    return void(summons, actor=actor, policy=policy, reason=reason, expected_version=version,
                machine=SUMMONS_MACHINE)


# --- action plans and their tasks (三年行动, 工作要点) ------------------------------------------------------

PLAN_FIELDS = ("kind", "title", "document_number", "issued_on", "year_from", "year_to", "description")
PHASE_FIELDS = ("name", "starts_on", "ends_on")
TASK_FIELDS = ("number", "title", "content", "phase", "deadline", "sort")
PROGRESS_FIELDS = ("kind", "year", "content", "completion")


def _check_years(plan: Plan) -> None:
    if plan.year_from and plan.year_to and plan.year_to < plan.year_from:
        raise ValidationError({"year_to": _("The last year cannot be before the first.")})


def create_plan(*, actor, committee_region: Region, data: Mapping[str, Any]) -> Plan:
    """Issue a plan of the committee (a three-year action, the year's work points)."""
    _check_fields(data, (*PLAN_FIELDS, "is_demo"))
    plan = Plan(committee_region=committee_region, region_path=committee_region.path, created_by=_user(actor), **data)
    policy.require(actor, "create_plan", plan, _("Only the committee office issues its plans."))
    _check_years(plan)
    return create(plan, actor=actor, policy=None)


def update_plan(plan: Plan, *, actor, data: Mapping[str, Any], version: int | None = None) -> Plan:
    """Correct a plan's details."""
    edit = _edit(PLAN_FIELDS, data)

    def change(locked: Plan):
        changed = edit(locked)
        _check_years(locked)
        return changed

    return perform_step(plan, events.UNIT_UPDATED, actor=actor, policy=policy, right="update_plan", change=change,
                        expected_version=version) or plan


def void_plan(plan: Plan, *, actor, reason: str, version: int | None = None) -> Plan:
    """Void a plan entered by mistake (its tasks stay, with it)."""
    return void(plan, actor=actor, policy=policy, reason=reason, expected_version=version)


def add_phase(plan: Plan, *, actor, data: Mapping[str, Any], version: int | None = None) -> PlanPhase:
    """Add a phase to a plan (numbered in order)."""
    def change(locked: Plan) -> PlanPhase:
        _check_fields(data, PHASE_FIELDS)
        last = PlanPhase.objects.filter(plan=locked).order_by("-seq").values_list("seq", flat=True).first() or 0
        phase = PlanPhase(plan=locked, seq=last + 1, **data)
        phase.full_clean()
        _check_dates(phase.starts_on, phase.ends_on)
        phase.save()
        return phase

    return perform_step(plan, events.PHASE_ADDED, actor=actor, policy=policy, right="update_plan", change=change,
                        expected_version=version, outcome=True, save=False,
                        data={"name": data.get("name", "")}).result


def remove_phase(phase: PlanPhase, *, actor, reason: str, version: int | None = None) -> PlanPhase:
    """Remove a phase (voided, kept); tasks in it keep naming it. ``version`` is the plan's."""
    return perform_step(phase.plan, events.PHASE_REMOVED, actor=actor, policy=policy, right="update_plan",
                        change=lambda locked: void(phase, actor=actor, policy=None, reason=reason),
                        expected_version=version, outcome=True, save=False, comment=reason,
                        data={"phase": phase.pk}).result


def _check_task(task: PlanTask) -> None:
    plan = task.plan
    if task.phase_id is not None and (task.phase.plan_id != plan.pk or task.phase.is_voided):
        raise ValidationError({"phase": _("Choose a phase of this plan.")})
    if task.deadline and not (plan.year_from <= task.deadline.year <= plan.year_to):
        raise ValidationError({"deadline": _("The deadline must fall within the plan's years (%(a)s–%(b)s).")
                               % {"a": plan.year_from, "b": plan.year_to}})


def _assignment(task: PlanTask, unit: Unit, role: str, actor) -> TaskAssignment:
    _same_committee(unit, task.committee_region)
    if TaskAssignment.objects.filter(task=task, unit=unit, is_voided=False).exists():
        raise ValidationError({"unit": _("This unit already has a part in the task.")})
    assignment = TaskAssignment(task=task, unit=unit, role=role, committee_region=task.committee_region,
                                region_path=unit.region_path, enterprise=unit.enterprise, is_demo=task.is_demo,
                                created_by=_user(actor))
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    return assignment


def create_task(*, actor, plan: Plan, data: Mapping[str, Any],
                units: Iterable[tuple[Unit, str]] = ()) -> PlanTask:
    """Add a task to a plan, with the units that lead it and cooperate."""
    _check_fields(data, (*TASK_FIELDS, "is_demo"))
    task = PlanTask(plan=plan, committee_region=plan.committee_region, region_path=plan.region_path,
                    created_by=_user(actor), **data)
    policy.require(actor, "create_task", task, _("Only the committee office manages its plans' tasks."))
    if plan.is_voided:
        raise ValidationError({"plan": _("This plan is voided.")})
    task.is_demo = task.is_demo or plan.is_demo
    _check_task(task)

    def prepare(new: PlanTask) -> None:
        for unit, role in units:
            _assignment(new, unit, role, actor)

    return create(task, actor=actor, policy=None, prepare=prepare)


def update_task(task: PlanTask, *, actor, data: Mapping[str, Any], version: int | None = None) -> PlanTask:
    """Correct an open task (its number, text, phase, deadline)."""
    edit = _edit(TASK_FIELDS, data)

    def change(locked: PlanTask):
        changed = edit(locked)
        _check_task(locked)
        return changed

    return perform_step(task, "edit", actor=actor, policy=policy, machine=TASK_MACHINE, change=change,
                        expected_version=version) or task


def assign_unit(task: PlanTask, *, actor, unit: Unit, role: str, version: int | None = None) -> TaskAssignment:
    """Give a unit of the committee a part in the task (lead or cooperating)."""
    if role not in AssignmentRole.values:
        raise ValidationError({"role": _("Choose the unit's part.")})
    return perform_step(task, "assign", actor=actor, policy=policy, machine=TASK_MACHINE,
                        change=lambda locked: _assignment(locked, unit, role, actor), expected_version=version,
                        outcome=True, save=False, data={"unit": unit.pk, "role": role}).result


def unassign_unit(assignment: TaskAssignment, *, actor, reason: str, version: int | None = None) -> TaskAssignment:
    """Take a unit's part in the task away (voided, kept with its progress reports)."""
    return perform_step(assignment.task, "unassign", actor=actor, policy=policy, machine=TASK_MACHINE,
                        change=lambda locked: void(assignment, actor=actor, policy=None, reason=reason),
                        expected_version=version, outcome=True, save=False, comment=reason,
                        data={"unit": assignment.unit_id}).result


def complete_task(task: PlanTask, *, actor, on: datetime.date | None = None, comment: str = "",
                  version: int | None = None) -> PlanTask:
    """The office records the task completed (办结), on the day given (default today)."""
    def change(locked: PlanTask) -> None:
        locked.completed_on = on or timezone.localdate()
        if locked.completed_on > timezone.localdate():
            raise ValidationError({"completed_on": _("The completion cannot be in the future.")})

    return perform_step(task, "complete", actor=actor, policy=policy, machine=TASK_MACHINE, change=change,
                        expected_version=version, comment=comment) or task


def cancel_task(task: PlanTask, *, actor, reason: str, version: int | None = None) -> PlanTask:
    """Cancel a task no longer pursued (with the reason); it is then neither due nor overdue."""
    reason = (reason or "").strip()

    def change(locked: PlanTask) -> None:
        if not reason:
            raise ValidationError({"reason": _("Give the reason.")})

    return perform_step(task, "cancel", actor=actor, policy=policy, machine=TASK_MACHINE, change=change,
                        expected_version=version, comment=reason) or task


def reopen_task(task: PlanTask, *, actor, comment: str = "", version: int | None = None) -> PlanTask:
    """Reopen a completed or cancelled task."""
    def change(locked: PlanTask) -> None:
        locked.completed_on = None

    return perform_step(task, "reopen", actor=actor, policy=policy, machine=TASK_MACHINE, change=change,
                        expected_version=version, comment=comment) or task


def void_task(task: PlanTask, *, actor, reason: str, version: int | None = None) -> PlanTask:
    """Void a task entered by mistake."""
    return void(task, actor=actor, policy=policy, reason=reason, expected_version=version, machine=TASK_MACHINE)


def report_progress(assignment: TaskAssignment, *, actor, data: Mapping[str, Any], files=(),
                    version: int | None = None) -> ProgressReport:
    """A unit reports its progress on its part of a task (half-year, year-end or in between), with
    files. The year must be one of the plan's; a cancelled task takes no report."""
    files = list(files or [])

    def change(locked: TaskAssignment) -> ProgressReport:
        _check_fields(data, PROGRESS_FIELDS)
        task = locked.task
        if task.state == TaskState.CANCELLED or task.is_voided:
            raise ValidationError({"task": _("This task was cancelled.")})
        report = ProgressReport(assignment=locked, task=task, unit=locked.unit,
                                committee_region=locked.committee_region, region_path=locked.region_path,
                                enterprise=locked.enterprise, is_demo=locked.is_demo, created_by=_user(actor),
                                submitted_at=timezone.now(), **data)
        plan = task.plan
        if report.year is not None and not (plan.year_from <= report.year <= plan.year_to):
            raise ValidationError({"year": _("The year must be one of the plan's (%(a)s–%(b)s).")
                                   % {"a": plan.year_from, "b": plan.year_to}})
        report.full_clean()
        report.save()
        attach_files(report, files, actor=actor, kind=Attachment.Kind.DOCUMENT)
        return report

    return perform_step(assignment, events.PROGRESS_REPORTED, actor=actor, policy=policy, right="file",
                        change=change, expected_version=version, outcome=True, save=False,
                        data={"kind": data.get("kind", ""), "year": data.get("year")}).result


def void_progress(report: ProgressReport, *, actor, reason: str, version: int | None = None) -> ProgressReport:
    """Void a progress report filed by mistake (the office)."""
    return void(report, actor=actor, policy=policy, reason=reason, expected_version=version)


# --- duty lists (责任清单) ---------------------------------------------------------------------------------

DUTY_FIELDS = ("holder", "unit", "leader_name", "leader_position", "leader_role", "category", "content", "basis",
               "task", "indicator_code")


def _place_duty(duty: Duty) -> None:
    """A unit's duty names a unit of the committee (and takes its scope keys); a leader's duty
    names the leader (and stays at the committee's region); a linked task is one of the
    committee's."""
    committee = duty.committee_region
    if duty.holder == DutyHolder.UNIT:
        if duty.unit is None:
            raise ValidationError({"unit": _("Choose the member unit.")})
        _same_committee(duty.unit, committee)
        duty.leader_name = duty.leader_position = duty.leader_role = ""
        duty.region_path, duty.enterprise_id = duty.unit.region_path, duty.unit.enterprise_id
    else:
        if not (duty.leader_name or duty.leader_position):
            raise ValidationError({"leader_position": _("Name the leader (or at least the position).")})
        duty.unit = None
        duty.region_path, duty.enterprise_id = committee.path, None
    if duty.task_id is not None and (duty.task.committee_region_id != committee.pk or duty.task.is_voided):
        raise ValidationError({"task": _("Choose a task of this committee's plans.")})
    duty.indicator_code = (duty.indicator_code or "").strip()


def _next_duty_seq(committee_region: Region) -> int:
    last = Duty.objects.filter(committee_region=committee_region).order_by("-seq").values_list("seq", flat=True)
    return (last.first() or 0) + 1


@transaction.atomic
def create_duty(*, actor, committee_region: Region, data: Mapping[str, Any]) -> Duty:
    """Add a duty to the committee's list (numbered after the last one). One transaction: the
    lock on the committee's region row (taken for the number) holds until the duty is saved."""
    _check_fields(data, (*DUTY_FIELDS, "is_demo"))
    duty = Duty(committee_region=committee_region, created_by=_user(actor), seq=0, **data)
    policy.require(actor, "create_duty", duty, _("Only the committee office keeps its duty list."))
    _place_duty(duty)
    # Numbered under a lock on the committee's region row, so two additions never take one number.
    Region.objects.select_for_update().filter(pk=committee_region.pk).first()
    duty.seq = _next_duty_seq(committee_region)
    return create(duty, actor=actor, policy=None)


def update_duty(duty: Duty, *, actor, data: Mapping[str, Any], version: int | None = None) -> Duty:
    """Correct a duty (its holder, text, source, linked task or indicator)."""
    edit = _edit(DUTY_FIELDS, data)

    def change(locked: Duty):
        changed = edit(locked)
        _place_duty(locked)
        return changed

    return perform_step(duty, events.UNIT_UPDATED, actor=actor, policy=policy, right="update_duty", change=change,
                        expected_version=version) or duty


def void_duty(duty: Duty, *, actor, reason: str, version: int | None = None) -> Duty:
    """Void a duty (kept, with its number) — a duty no longer carried, or entered by mistake."""
    return void(duty, actor=actor, policy=policy, reason=reason, expected_version=version)


# --- special campaigns (专项整治) ---------------------------------------------------------------------------

CAMPAIGN_FIELDS = ("title", "basis", "checklist", "lead_unit", "starts_on", "ends_on", "summary")
CAMPAIGN_SCOPE = ("industries", "tags")


def _check_campaign(campaign: Campaign, committee_region: Region) -> None:
    """The scope region lies in the committee's area; the lead unit is one of its units; the
    checklist is a library one (enterprises' own checklists are theirs)."""
    if campaign.region_id is None or not _within(campaign.region.path, committee_region):
        raise ValidationError({"region": _("Choose the committee's region or one below it.")})
    if campaign.lead_unit_id is not None:
        _same_committee(campaign.lead_unit, committee_region, field="lead_unit")
    if campaign.checklist_id is not None and campaign.checklist.enterprise_id is not None:
        raise ValidationError({"checklist": _("Choose a checklist of the library, not an enterprise's own.")})
    _check_dates(campaign.starts_on, campaign.ends_on)


def _set_scope(campaign: Campaign, scope: Mapping[str, Any]) -> bool:
    """Set the industries and tags a creation or an edit gives; True when one changed."""
    changed = False
    for name in CAMPAIGN_SCOPE:
        if name in scope:
            wanted = {obj.pk for obj in scope[name]}
            manager = getattr(campaign, name)
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
                changed = True
    return changed


def create_campaign(*, actor, committee_region: Region, region: Region, data: Mapping[str, Any],
                    scope: Mapping[str, Any] | None = None) -> Campaign:
    """Plan a special campaign (专项整治) of the committee: its topic, period, scope (a region under
    the committee, industries, feature tags) and checklist."""
    _check_fields(data, (*CAMPAIGN_FIELDS, "is_demo"))
    _check_fields(scope or {}, CAMPAIGN_SCOPE)
    campaign = Campaign(committee_region=committee_region, region=region, created_by=_user(actor), **data)
    policy.require(actor, "create_campaign", campaign, _("Only the committee office plans special campaigns."))
    _check_campaign(campaign, committee_region)
    campaign.region_path = region.path
    campaign.number = f"TMP{timezone.now().timestamp():.6f}"[:32]

    def prepare(new: Campaign) -> None:
        new.number = _number("ZX", new)
        Campaign.objects.filter(pk=new.pk).update(number=new.number)
        _set_scope(new, scope or {})

    return create(campaign, actor=actor, policy=None, prepare=prepare)


def update_campaign(campaign: Campaign, *, actor, data: Mapping[str, Any], scope: Mapping[str, Any] | None = None,
                    version: int | None = None) -> Campaign:
    """Correct a campaign's details or scope (while planned or under way)."""
    _check_fields(data, CAMPAIGN_FIELDS)
    _check_fields(scope or {}, CAMPAIGN_SCOPE)

    def change(locked: Campaign):
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        for k in changed:
            setattr(locked, k, data[k])
        scope_changed = _set_scope(locked, scope or {})
        if not changed and not scope_changed:
            raise Unchanged
        _check_campaign(locked, locked.committee_region)
        locked.full_clean()
        return [*changed, *([n for n in CAMPAIGN_SCOPE if n in (scope or {})] if scope_changed else [])]

    return perform_step(campaign, "edit", actor=actor, policy=policy, machine=CAMPAIGN_MACHINE, change=change,
                        expected_version=version) or campaign


def launch_campaign(campaign: Campaign, *, actor, comment: str = "", version: int | None = None) -> Campaign:
    """Launch the campaign: its enterprises, inspections and hazards are followed from now on."""
    return perform_step(campaign, "launch", actor=actor, policy=policy, machine=CAMPAIGN_MACHINE,
                        expected_version=version, comment=comment) or campaign


def close_campaign(campaign: Campaign, *, actor, summary: str, version: int | None = None) -> Campaign:
    """Close the campaign with its results (what was found, rectified, punished; what remains)."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write the campaign's results.")})

    def change(locked: Campaign) -> None:
        locked.summary = summary
        locked.closed_on = timezone.localdate()

    return perform_step(campaign, "close", actor=actor, policy=policy, machine=CAMPAIGN_MACHINE, change=change,
                        expected_version=version) or campaign


def reopen_campaign(campaign: Campaign, *, actor, comment: str, version: int | None = None) -> Campaign:
    """Reopen a closed campaign (a 回头看 finds more to do), with the reason."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Give the reason.")})

    def change(locked: Campaign) -> None:
        locked.closed_on = None

    return perform_step(campaign, "reopen", actor=actor, policy=policy, machine=CAMPAIGN_MACHINE, change=change,
                        expected_version=version, comment=comment) or campaign


def void_campaign(campaign: Campaign, *, actor, reason: str, version: int | None = None) -> Campaign:
    """Void a campaign entered by mistake."""
    return void(campaign, actor=actor, policy=policy, reason=reason, expected_version=version,
                machine=CAMPAIGN_MACHINE)

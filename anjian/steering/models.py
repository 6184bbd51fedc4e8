"""The committee office's records (安委办).

Every record belongs to a committee: the safety committee (安委会) of one region, whose office
writes the record (``committee_region``). A record about a responsible unit (a lower
government, a department, …) copies that unit's region path and, for an enterprise unit, its
enterprise, so scoping is one range on the record's own ``region_path``: a county's users see
what concerns the county, the city's office everything of the city's committee and below, and
enterprise users only what concerns their own enterprise (nothing, for most records).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import VersionedModel, VoidableModel
from anjian.core.scoping import ScopedQuerySet

from .choices import (
    AssignmentRole,
    CampaignState,
    CheckKind,
    DutyHolder,
    FindingCategory,
    FindingState,
    LeaderRole,
    MeetingKind,
    PlanKind,
    ProgressKind,
    ReportState,
    RuleCode,
    SummonsGround,
    SummonsState,
    TaskState,
    TourState,
    UnitKind,
)


class CommitteeRecord(VoidableModel, VersionedModel):
    """What every record of the office has: its committee, the copied scope keys, who entered it
    and when, and the demo flag. Changed only through ``anjian.steering.services`` (the
    ``core.workflow`` write path): the version is bumped by every change, a stale one is a 409."""

    committee_region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("committee"),
                                         help_text=_("The region whose safety committee this record belongs to."))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, db_index=False,
                                   verbose_name=pgettext_lazy("steering", "enterprise"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        enterprise = "enterprise"

    class Meta:
        abstract = True


# --- responsible units ------------------------------------------------------------------------------

class Unit(CommitteeRecord):
    """A responsible unit of a committee (责任单位 / 成员单位): a lower government (a sub-region), a
    government department, a party department, a social organisation, an enterprise or another
    body. Lower governments and departments file the monthly report (两议一报); duties, tasks,
    tours and summons name units.

    ``region_path`` is the lower government's own path, the department's region's, the
    enterprise's, or else the committee's: the unit's own users see it, the office above too."""

    kind = models.CharField(pgettext_lazy("steering unit", "kind"), max_length=24, choices=UnitKind.choices)
    name = models.CharField(pgettext_lazy("steering unit", "name"), max_length=100)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("lower government's region"))
    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=pgettext_lazy("steering unit", "department"))
    enterprise_unit = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("enterprise (for an enterprise unit)"))
    is_member = models.BooleanField(_("member of the safety committee"), default=True)
    files_monthly_report = models.BooleanField(_("files the monthly report"), default=True)
    contact = models.CharField(pgettext_lazy("steering unit", "contact person"), max_length=50, blank=True)
    phone = models.CharField(pgettext_lazy("steering unit", "phone"), max_length=30, blank=True)
    sort = models.PositiveSmallIntegerField(pgettext_lazy("steering", "sort order"), default=0)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["committee_region", "sort", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["committee_region", "name"], condition=models.Q(is_voided=False),
                                               name="steering_unit_name_per_committee")]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_unit_path_idx"),
            models.Index(fields=["committee_region", "kind"], name="st_unit_committee_idx"),
            models.Index(fields=["kind", "region_path"], name="st_unit_kind_path_idx"),
            models.Index(fields=["files_monthly_report", "region_path"], name="st_unit_files_path_idx"),
            models.Index(fields=["department"], name="st_unit_department_idx"),
        ]

    def __str__(self) -> str:
        return self.name


# --- reference data: reporting cadences --------------------------------------------------------------

class ReportingRule(models.Model):
    """A reporting cadence the office enforces, with its source: the monthly report's due day
    and minimum meetings (两议一报), the half-year and year-end progress reports of action-plan
    tasks. Versioned by effective date (the row in force on a day applies); edited by system
    administrators in the admin; loaded from ``data/reporting_rules.py`` by a migration."""

    code = models.CharField(pgettext_lazy("reporting rule", "rule"), max_length=24, choices=RuleCode.choices)
    effective_from = models.DateField(pgettext_lazy("reporting rule", "effective from"))
    due_month = models.PositiveSmallIntegerField(
        _("due month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Empty for the monthly report: it is due in the month after the month it reports."))
    due_day = models.PositiveSmallIntegerField(_("due day"), validators=[MinValueValidator(1), MaxValueValidator(31)],
                                               help_text=_("A day past the month's end means its last day."))
    min_meetings = models.PositiveSmallIntegerField(_("minimum meetings a month"), null=True, blank=True)
    source = models.TextField(pgettext_lazy("reporting rule", "source"))
    is_confirmed = models.BooleanField(_("confirmed by the source"), default=False)
    note = models.TextField(pgettext_lazy("reporting rule", "note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")
        ordering = ["code", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="steering_rule_code_from_uniq")]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.effective_from:%Y-%m-%d})"


# --- monthly reports (两议一报) -------------------------------------------------------------------------

class MonthlyReport(CommitteeRecord):
    """One unit's report of one month (两议一报): the meetings held on work safety (at least the
    rule's minimum, two), the checks led by officials, the hazard work — with the hazard figures
    the system knows copied in when it is submitted — and the office's review.

    Opened for every filing unit at the start of the month it reports (``services.open_month``)
    and due on the rule's day of the next month. ``late`` is decided at the first submission and
    kept: a report returned and submitted again is still on time if it first came on time."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="monthly_reports",
                             verbose_name=_("responsible unit"))
    period = models.DateField(_("month reported"), help_text=_("The first day of the month."))
    due_on = models.DateField(_("due on"))
    state = models.CharField(pgettext_lazy("monthly report", "state"), max_length=16, choices=ReportState.choices,
                             default=ReportState.PENDING, editable=False)
    summary = models.TextField(_("work safety in the month"), blank=True)
    hazard_work = models.TextField(_("hazard investigation and rectification"), blank=True)
    # The figures the system knows, copied at each submission (None before).
    hazards_found = models.PositiveIntegerField(_("hazards found"), null=True, blank=True, editable=False)
    hazards_found_major = models.PositiveIntegerField(_("major hazards found"), null=True, blank=True, editable=False)
    hazards_rectified = models.PositiveIntegerField(_("hazards rectified"), null=True, blank=True, editable=False)
    hazards_rectified_major = models.PositiveIntegerField(_("major hazards rectified"), null=True, blank=True,
                                                          editable=False)
    hazards_overdue = models.PositiveIntegerField(_("hazards overdue"), null=True, blank=True, editable=False)
    figures_at = models.DateTimeField(_("figures taken at"), null=True, blank=True, editable=False)
    meetings_held = models.PositiveSmallIntegerField(_("meetings held"), default=0, editable=False)
    min_meetings = models.PositiveSmallIntegerField(_("meetings required"), null=True, blank=True, editable=False)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False, verbose_name=_("submitted by"))
    late = models.BooleanField(_("submitted late"), default=False, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("reviewed by"))
    review_comment = models.TextField(_("review comment"), blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-period", "unit__sort", "unit__name"]
        permissions = [("review_monthlyreport", _("Can review monthly reports"))]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], condition=models.Q(is_voided=False),
                                               name="steering_report_one_per_month")]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_report_path_idx"),
            models.Index(fields=["period", "region_path"], name="st_report_period_path_idx"),
            # the overdue warning and the timeliness figures
            models.Index(fields=["state", "due_on"], name="st_report_state_due_idx"),
            models.Index(fields=["unit", "period"], name="st_report_unit_period_idx"),
            models.Index(fields=["late", "region_path"], name="st_report_late_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period:%Y-%m}"

    @property
    def period_label(self) -> str:
        return f"{self.period.year}年{self.period.month}月"

    @property
    def meetings_short(self) -> bool:
        """Fewer meetings with minutes than the rule asks (shown as a flag, not refused)."""
        return self.min_meetings is not None and self.meetings_held < self.min_meetings


class ReportChild(VoidableModel):
    """A row of a monthly report (a meeting, a check; each declares its ``report``): scoped through
    the report, removed by voiding."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "report__region_path"
        enterprise = "report__enterprise"

    class Meta:
        abstract = True


class ReportMeeting(ReportChild):
    """A meeting held in the month that studied work safety (两议), with its minutes (files)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.PROTECT, related_name="meetings",
                               verbose_name=_("monthly report"))
    held_on = models.DateField(_("held on"))
    kind = models.CharField(pgettext_lazy("meeting", "kind"), max_length=24, choices=MeetingKind.choices,
                            default=MeetingKind.SPECIAL)
    title = models.CharField(_("topic"), max_length=200)
    chaired_by = models.CharField(_("chaired by"), max_length=100)
    decisions = models.TextField(_("what was decided"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["report", "held_on"], name="st_meeting_report_idx")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class LeaderCheck(ReportChild):
    """A night or surprise check led by an official (党政领导带队夜查突查) in the month."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.PROTECT, related_name="checks",
                               verbose_name=_("monthly report"))
    checked_on = models.DateField(pgettext_lazy("leader check", "checked on"))
    kind = models.CharField(pgettext_lazy("leader check", "kind"), max_length=16, choices=CheckKind.choices)
    leader_name = models.CharField(_("leading official"), max_length=50)
    leader_position = models.CharField(_("official's position"), max_length=100)
    places = models.CharField(_("places checked"), max_length=300)
    hazards_found = models.PositiveIntegerField(_("hazards found"), default=0)
    fixed_on_the_spot = models.PositiveIntegerField(_("fixed on the spot"), default=0)
    note = models.TextField(pgettext_lazy("leader check", "note"), blank=True)

    class Meta:
        verbose_name = _("check led by an official")
        verbose_name_plural = _("checks led by officials")
        ordering = ["checked_on", "id"]
        indexes = [models.Index(fields=["report", "checked_on"], name="st_check_report_idx")]

    def __str__(self) -> str:
        return f"{self.checked_on:%Y-%m-%d} {self.leader_name}"


# --- inspection tours (巡查督导) -------------------------------------------------------------------------

class Tour(CommitteeRecord):
    """An inspection tour (巡查督导) of a lower government or a department by the committee's
    office: its team and dates, its findings (``TourFinding``), the feedback that hands the
    required rectifications to the toured unit, and the follow-up until every one is closed
    (seed 003, 《江西省2020年安全生产工作要点》 item 4; seed 000, 三年行动工作方案 四(一)2 "建立安全生产
    巡查工作制度")."""

    number = models.CharField(pgettext_lazy("tour", "number"), max_length=32, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tours", verbose_name=_("toured unit"))
    title = models.CharField(pgettext_lazy("tour", "title"), max_length=200)
    basis = models.TextField(pgettext_lazy("tour", "basis"), blank=True, help_text=_("The work plan or rule the tour follows."))
    starts_on = models.DateField(pgettext_lazy("tour", "starts on"))
    ends_on = models.DateField(pgettext_lazy("tour", "ends on"))
    team_leader = models.CharField(pgettext_lazy("tour", "team leader"), max_length=50)
    team_members = models.CharField(pgettext_lazy("tour", "team members"), max_length=300, blank=True)
    summary = models.TextField(_("overall findings"), blank=True)
    state = models.CharField(pgettext_lazy("tour", "state"), max_length=16, choices=TourState.choices,
                             default=TourState.PLANNED, editable=False)
    feedback_on = models.DateField(_("feedback given on"), null=True, blank=True, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("inspection tour")
        verbose_name_plural = _("inspection tours")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_tour_path_idx"),
            models.Index(fields=["state", "region_path"], name="st_tour_state_path_idx"),
            models.Index(fields=["unit", "starts_on"], name="st_tour_unit_idx"),
            models.Index(fields=["starts_on", "region_path"], name="st_tour_start_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TourFinding(CommitteeRecord):
    """A finding of a tour and, when it asks for one, the rectification the toured unit owes by
    its deadline: the unit reports it done (with evidence), the office verifies and closes it or
    returns it. A major hazard handed over to the toured region is linked to its hazard in the
    ledger. Copies the tour's unit, committee and scope keys."""

    tour = models.ForeignKey(Tour, on_delete=models.PROTECT, related_name="findings", verbose_name=_("inspection tour"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False,
                             verbose_name=_("toured unit"))
    seq = models.PositiveSmallIntegerField(pgettext_lazy("finding", "no."), editable=False)
    category = models.CharField(pgettext_lazy("finding", "category"), max_length=16, choices=FindingCategory.choices)
    description = models.TextField(pgettext_lazy("finding", "what was found"))
    requirement = models.TextField(_("rectification required"), blank=True,
                                   help_text=_("Empty: noted, nothing to rectify."))
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("hazard handed over"))
    state = models.CharField(pgettext_lazy("finding", "state"), max_length=16, choices=FindingState.choices,
                             default=FindingState.OPEN, editable=False)
    rectification_note = models.TextField(_("rectification done"), blank=True, editable=False)
    reported_on = models.DateField(_("rectification reported on"), null=True, blank=True, editable=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("reported by"))
    closed_at = models.DateTimeField(pgettext_lazy("finding", "closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False, verbose_name=pgettext_lazy("finding", "closed by"))
    office_comment = models.TextField(_("office's comment"), blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("tour finding")
        verbose_name_plural = _("tour findings")
        ordering = ["tour", "seq"]
        permissions = [("close_tourfinding", _("Can verify and close rectifications of tour findings"))]
        constraints = [models.UniqueConstraint(fields=["tour", "seq"], name="steering_finding_seq_uniq")]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_finding_path_idx"),
            # the overdue warning and the follow-up figure
            models.Index(fields=["state", "deadline"], name="st_finding_state_due_idx"),
            models.Index(fields=["deadline", "region_path"], name="st_finding_due_path_idx"),
            models.Index(fields=["category", "region_path"], name="st_finding_cat_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tour.number}-{self.seq}"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.state == FindingState.OPEN and self.deadline is not None and self.deadline < timezone.localdate()


# --- action plans and their tasks (三年行动, 工作要点) -----------------------------------------------------------

class Plan(CommitteeRecord):
    """A plan the committee issues: a three-year action (三年行动, with its phases) or the year's
    work points (工作要点), made of numbered tasks. Scoped at the committee's region."""

    kind = models.CharField(pgettext_lazy("plan", "kind"), max_length=24, choices=PlanKind.choices)
    title = models.CharField(pgettext_lazy("plan", "title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issued_on = models.DateField(pgettext_lazy("plan", "issued on"), null=True, blank=True)
    year_from = models.PositiveSmallIntegerField(_("first year"), validators=[MinValueValidator(2000),
                                                                             MaxValueValidator(2100)])
    year_to = models.PositiveSmallIntegerField(_("last year"), validators=[MinValueValidator(2000),
                                                                          MaxValueValidator(2100)])
    description = models.TextField(pgettext_lazy("plan", "description"), blank=True)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-year_from", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_plan_path_idx"),
            models.Index(fields=["kind", "region_path"], name="st_plan_kind_path_idx"),
            models.Index(fields=["year_from", "year_to"], name="st_plan_years_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class PlanPhase(VoidableModel):
    """A phase of a plan with its dates (三年行动: 组织动员, 部署实施, 巩固推进, 总结评估; seed 000 五)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="phases", verbose_name=_("action plan"))
    seq = models.PositiveSmallIntegerField(pgettext_lazy("plan phase", "no."))
    name = models.CharField(pgettext_lazy("plan phase", "name"), max_length=100)
    starts_on = models.DateField(pgettext_lazy("plan phase", "starts on"))
    ends_on = models.DateField(pgettext_lazy("plan phase", "ends on"))

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "plan__region_path"
        enterprise = "plan__enterprise"

    class Meta:
        verbose_name = _("plan phase")
        verbose_name_plural = _("plan phases")
        ordering = ["plan", "seq"]
        indexes = [models.Index(fields=["plan", "seq"], name="st_phase_plan_idx")]

    def __str__(self) -> str:
        return self.name


class PlanTask(CommitteeRecord):
    """A task of a plan: its number in the document, what must be done, its phase and deadline,
    the units that lead it and cooperate (``TaskAssignment``), their progress reports, and its
    completion as the office records it."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("action plan"))
    number = models.CharField(pgettext_lazy("task", "no."), max_length=20)
    title = models.CharField(pgettext_lazy("task", "task"), max_length=200)
    content = models.TextField(pgettext_lazy("task", "what must be done"), blank=True)
    phase = models.ForeignKey(PlanPhase, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks",
                              verbose_name=_("plan phase"))
    deadline = models.DateField(pgettext_lazy("task", "deadline"))
    state = models.CharField(pgettext_lazy("task", "state"), max_length=16, choices=TaskState.choices,
                             default=TaskState.OPEN, editable=False)
    completed_on = models.DateField(pgettext_lazy("task", "completed on"), null=True, blank=True, editable=False)
    sort = models.PositiveSmallIntegerField(pgettext_lazy("steering", "sort order"), default=0)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        ordering = ["plan", "sort", "id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_task_path_idx"),
            models.Index(fields=["state", "deadline"], name="st_task_state_due_idx"),
            models.Index(fields=["plan", "sort"], name="st_task_plan_idx"),
            models.Index(fields=["deadline", "region_path"], name="st_task_due_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.state == TaskState.OPEN and self.deadline < timezone.localdate()


class TaskAssignment(CommitteeRecord):
    """A unit's part in a task (lead or cooperating). It carries the unit's scope keys, so a lower
    government reads the city's task through its assignment and files its progress reports on it."""

    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="assignments",
                             verbose_name=_("plan task"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments",
                             verbose_name=_("responsible unit"))
    role = models.CharField(pgettext_lazy("task assignment", "part"), max_length=16, choices=AssignmentRole.choices)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        ordering = ["task", "role", "unit__sort", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], condition=models.Q(is_voided=False),
                                               name="steering_assignment_one_per_unit")]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_assign_path_idx"),
            models.Index(fields=["unit", "role"], name="st_assign_unit_idx"),
            models.Index(fields=["role", "region_path"], name="st_assign_role_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit}"


class ProgressReport(CommitteeRecord):
    """A progress report of a unit on its part of a task (半年度、年度工作完成情况), with files."""

    assignment = models.ForeignKey(TaskAssignment, on_delete=models.PROTECT, related_name="reports",
                                   verbose_name=_("task assignment"))
    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="progress_reports", editable=False,
                             verbose_name=_("plan task"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False,
                             verbose_name=_("responsible unit"))
    kind = models.CharField(pgettext_lazy("progress report", "kind"), max_length=16, choices=ProgressKind.choices)
    year = models.PositiveSmallIntegerField(pgettext_lazy("progress report", "year"),
                                            validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    content = models.TextField(_("progress made"))
    completion = models.PositiveSmallIntegerField(_("completion (%)"), null=True, blank=True,
                                                  validators=[MaxValueValidator(100)])
    submitted_at = models.DateTimeField(pgettext_lazy("progress report", "submitted at"), editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_progress_path_idx"),
            # the missing-report warnings look a unit's report of a kind and year up
            models.Index(fields=["assignment", "kind", "year"], name="st_progress_assign_idx"),
            models.Index(fields=["task", "submitted_at"], name="st_progress_task_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.get_kind_display()}"


# --- duty lists (责任清单) --------------------------------------------------------------------------------

class Duty(CommitteeRecord):
    """One itemised duty of the committee's duty list (责任清单): carried by a member unit, or by a
    leader (党政同责、一岗双责), with its source, and optionally linked to the task or the indicator
    (a plain code, until the indicator registry names it) that shows it is done. 长治市 split 242
    duties over 52 units (seed 004 part 1 一)."""

    holder = models.CharField(_("carried by"), max_length=8, choices=DutyHolder.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="duties",
                             verbose_name=_("member unit"))
    leader_name = models.CharField(_("leader's name"), max_length=50, blank=True)
    leader_position = models.CharField(_("leader's position"), max_length=100, blank=True)
    leader_role = models.CharField(_("leader's role"), max_length=24, choices=LeaderRole.choices, blank=True)
    seq = models.PositiveIntegerField(pgettext_lazy("duty", "no."), editable=False)
    category = models.CharField(pgettext_lazy("duty", "category"), max_length=60, blank=True)
    content = models.TextField(pgettext_lazy("duty", "duty"))
    basis = models.CharField(pgettext_lazy("duty", "basis"), max_length=300, blank=True,
                             help_text=_("The document and article the duty comes from."))
    task = models.ForeignKey(PlanTask, null=True, blank=True, on_delete=models.PROTECT, related_name="duties",
                             verbose_name=_("task that shows it"))
    indicator_code = models.CharField(_("indicator code"), max_length=60, blank=True,
                                      help_text=_("The code of the indicator that shows it is done."))

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = pgettext_lazy("steering", "duty")
        verbose_name_plural = _("duty list")
        ordering = ["committee_region", "seq"]
        constraints = [models.UniqueConstraint(fields=["committee_region", "seq"], name="steering_duty_seq_uniq")]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_duty_path_idx"),
            models.Index(fields=["holder", "region_path"], name="st_duty_holder_path_idx"),
            models.Index(fields=["leader_role", "region_path"], name="st_duty_role_path_idx"),
            models.Index(fields=["indicator_code"], name="st_duty_indicator_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.content[:30]}"

    @property
    def holder_label(self) -> str:
        if self.holder == DutyHolder.UNIT:
            return self.unit.name if self.unit_id else ""
        return " ".join(p for p in (self.leader_position, self.leader_name) if p)


# --- special campaigns (专项整治) -------------------------------------------------------------------------

class Campaign(CommitteeRecord):
    """A special campaign (专项整治) the committee runs over a period: a named topic (dust explosion,
    ammonia refrigeration, confined spaces, gas cylinders, …) and its scope — a region under the
    committee, industries (with their sub-sectors) and feature tags — with the checklist its
    inspections use. The enterprises in scope, their inspections and the hazards those found are
    read live from the ledgers (``selectors.campaign_progress``), never copied, so the figures
    follow the records (seed 000, 三年行动工作方案: "开展针对性的专项整治和区域治理"; seed 002: 危险化学品、
    非煤矿山专项整治; seed 003: 特种设备专项整治"回头看").

    ``region_path`` is the scope region's path: the campaign is read by that region and above."""

    number = models.CharField(pgettext_lazy("campaign", "number"), max_length=32, unique=True, editable=False)
    title = models.CharField(pgettext_lazy("campaign", "title"), max_length=200)
    basis = models.TextField(pgettext_lazy("campaign", "basis"), blank=True,
                             help_text=_("The document that launches the campaign (its number and title)."))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=pgettext_lazy("campaign", "region in scope"),
                               help_text=_("The committee's region or one below it."))
    industries = models.ManyToManyField("enterprises.Industry", blank=True, related_name="+",
                                        verbose_name=pgettext_lazy("campaign", "industries in scope"),
                                        help_text=_("Empty: every industry. A sector includes its sub-sectors."))
    tags = models.ManyToManyField("enterprises.FeatureTag", blank=True, related_name="+",
                                  verbose_name=pgettext_lazy("campaign", "feature tags in scope"),
                                  help_text=_("Empty: no tag needed. Several: an enterprise with any of them."))
    checklist = models.ForeignKey("standards.Checklist", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=pgettext_lazy("campaign", "checklist"),
                                  help_text=_("The check items of the campaign. Set: only inspections with this "
                                              "checklist count for it; empty: every inspection in the period."))
    lead_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=pgettext_lazy("campaign", "lead unit"))
    starts_on = models.DateField(pgettext_lazy("campaign", "starts on"))
    ends_on = models.DateField(pgettext_lazy("campaign", "ends on"))
    summary = models.TextField(pgettext_lazy("campaign", "results"), blank=True)
    state = models.CharField(pgettext_lazy("campaign", "state"), max_length=16, choices=CampaignState.choices,
                             default=CampaignState.PLANNED, editable=False)
    closed_on = models.DateField(pgettext_lazy("campaign", "closed on"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("special campaign")
        verbose_name_plural = _("special campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_campaign_path_idx"),
            models.Index(fields=["state", "region_path"], name="st_campaign_state_path_idx"),
            models.Index(fields=["starts_on", "region_path"], name="st_campaign_start_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


# --- summons (安全生产约谈) -----------------------------------------------------------------------------

class Summons(CommitteeRecord):
    """A summons (安全生产约谈) of a lower government or a department by the committee: the grounds
    (an accident, listed hazards not rectified…), the talk with its minutes and the rectification
    measures with their time limit, the unit's written report on them, the office's follow-up, a
    circular (通报) when the unit fails, and the public disclosure (安委〔2018〕2号; see
    ``choices.SummonsGround``)."""

    number = models.CharField(pgettext_lazy("summons", "number"), max_length=32, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="summonses", verbose_name=_("summoned unit"))
    ground = models.CharField(_("ground"), max_length=32, choices=SummonsGround.choices)
    reason = models.TextField(_("the problems raised"), max_length=4000,
                              help_text=_("What the unit is summoned about: the accidents, hazards or failures, "
                                          "with their facts."))
    accident = models.ForeignKey("accidents.Accident", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("accident concerned"))
    scheduled_on = models.DateField(_("date of the talk"))
    place = models.CharField(pgettext_lazy("summons", "place"), max_length=200, blank=True)
    convened_by = models.CharField(_("held by"), max_length=100,
                                   help_text=_("Who holds the talk, e.g. the committee's deputy director."))
    summoned_officials = models.CharField(_("officials summoned"), max_length=300,
                                          help_text=_("The unit's principal or responsible officials, by name and post."))
    attendees = models.CharField(_("also attending"), max_length=300, blank=True,
                                 help_text=_("Departments, experts, the press or the public invited."))
    held_on = models.DateField(_("held on"), null=True, blank=True, editable=False)
    minutes = models.TextField(_("minutes"), max_length=8000, blank=True, editable=False)
    measures = models.TextField(_("rectification measures required"), max_length=4000, blank=True, editable=False)
    report_due = models.DateField(_("written report due"), null=True, blank=True, editable=False)
    report_note = models.TextField(_("rectification reported"), max_length=4000, blank=True, editable=False)
    reported_on = models.DateField(pgettext_lazy("summons", "reported on"), null=True, blank=True, editable=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False,
                                    verbose_name=pgettext_lazy("summons", "reported by"))
    office_comment = models.TextField(_("office's comment"), max_length=2000, blank=True, editable=False)
    closed_on = models.DateField(pgettext_lazy("summons", "closed on"), null=True, blank=True, editable=False)
    circulated_on = models.DateField(_("circulated on"), null=True, blank=True, editable=False)
    circular_number = models.CharField(_("circular's document number"), max_length=60, blank=True, editable=False)
    published_on = models.DateField(_("disclosed to the public on"), null=True, blank=True, editable=False)
    publication = models.CharField(_("where it was disclosed"), max_length=200, blank=True, editable=False)
    state = models.CharField(pgettext_lazy("summons", "state"), max_length=16, choices=SummonsState.choices,
                             default=SummonsState.PLANNED, editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        ordering = ["-scheduled_on", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="st_summons_path_idx"),
            # the overdue report warning and the follow-up figures
            models.Index(fields=["state", "report_due"], name="st_summons_state_due_idx"),
            models.Index(fields=["unit", "scheduled_on"], name="st_summons_unit_idx"),
            models.Index(fields=["scheduled_on", "region_path"], name="st_summons_date_path_idx"),
            models.Index(fields=["ground", "region_path"], name="st_summons_ground_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.unit.name}"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return (self.state == SummonsState.HELD and self.report_due is not None
                and self.report_due < timezone.localdate())

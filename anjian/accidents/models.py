"""Production-safety accidents (生产安全事故): what happened, where, to whom, how grave
(条例 Art. 3 grade), how it was reported, and how it was investigated.

An accident copies the region path of its place (and the industry and grid of its
enterprise, when it has one) so every jurisdiction filter and every statistic is a range on
this table's own indexes.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet

from .choices import (
    FLAG_DEFINITIONS,
    AccidentCategory,
    AccidentGrade,
    AccidentState,
    AccountabilityMeasure,
    FlagKind,
    FlagState,
    GradingCriterion,
    InvestigatingLevel,
    ListingLevel,
    RectificationState,
    ReportingLevel,
)


class Accident(VersionedModel, VoidableModel, AuthoredModel):
    """One production-safety accident. Its grade is computed from the casualty and loss
    figures by ``anjian.accidents.services`` (never typed in) and is re-computed by every
    casualty update inside the update window; ``state`` and ``version`` change only there."""

    is_voided = models.BooleanField(_("voided"), default=False)
    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region of the place"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    address = models.CharField(_("address"), max_length=200)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Road and public-place accidents have no enterprise.
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="accidents", verbose_name=_("enterprise"))
    industry = models.ForeignKey("enterprises.Industry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False, editable=False, verbose_name=_("grid"))
    category = models.CharField(_("category"), max_length=24, choices=AccidentCategory.choices,
                                default=AccidentCategory.INDUSTRIAL)
    accident_type = models.ForeignKey("standards.AccidentType", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("accident type"))

    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    serious_injuries = models.PositiveIntegerField(
        _("serious injuries"), default=0, help_text=_("Including acute industrial poisoning."))
    minor_injuries = models.PositiveIntegerField(_("minor injuries"), default=0)
    direct_loss_yuan = models.DecimalField(_("direct economic loss (yuan)"), max_digits=16, decimal_places=2,
                                           default=0)
    grade = models.CharField(pgettext_lazy("accident", "grade"), max_length=24, choices=AccidentGrade.choices,
                             default=AccidentGrade.ORDINARY, editable=False)

    summary = models.TextField(pgettext_lazy("accident", "summary"))
    preliminary_cause = models.TextField(_("preliminary cause"), blank=True)

    # The first links of the reporting chain (条例 Art. 9): when the unit head learned of the
    # accident and when the unit reported it to the county-level government. Later links are
    # ReportingStep rows.
    learned_at = models.DateTimeField(_("unit head learned at"), null=True, blank=True)
    reported_to_government_at = models.DateTimeField(_("reported to the county-level government at"),
                                                     null=True, blank=True)
    reported_to_department = models.CharField(_("reported to (department)"), max_length=100, blank=True)
    reporter_name = models.CharField(_("reported by"), max_length=50, blank=True)

    state = models.CharField(_("state"), max_length=24, choices=AccidentState.choices,
                             default=AccidentState.REPORTED, editable=False)
    # The reporting obligations followed here from the first report: follow-up reports (续报,
    # 21号令) at the grade's cadence until the situation is declared stable, and the investigation
    # report's deadline (条例 Art. 29) while no investigation has started. Accidents imported as
    # history, or on file before these were tracked, are not (False): they were not handled here.
    obligations_tracked = models.BooleanField(_("reporting obligations tracked"), default=True, editable=False)
    situation_stable_at = models.DateTimeField(_("situation stable since"), null=True, blank=True, editable=False)
    situation_stable_note = models.TextField(_("situation when declared stable"), blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])
    objects = ScopedQuerySet.as_manager()

    Scoping = EnterpriseRecordScoping

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        ordering = ["-occurred_at", "-id"]
        permissions = [
            ("investigate_accident", _("Can record investigations, flags and accountability of accidents")),
        ]
        indexes = [
            # Ledger and statistics: a region (range) over a period.
            models.Index(fields=["region_path", "occurred_at"], condition=models.Q(is_voided=False),
                         name="acc_path_time_idx"),
            models.Index(fields=["occurred_at", "region_path"], condition=models.Q(is_voided=False),
                         name="acc_time_path_idx"),
            models.Index(fields=["industry", "occurred_at"], name="acc_industry_time_idx"),
            models.Index(fields=["grid", "occurred_at"], name="acc_grid_time_idx"),
            # The ledger's grade, category and state filters (added by the accidents core: every
            # filter offered has an index; these are additive and change none of the above).
            models.Index(fields=["grade", "occurred_at"], condition=models.Q(is_voided=False),
                         name="acc_grade_time_idx"),
            models.Index(fields=["category", "occurred_at"], condition=models.Q(is_voided=False),
                         name="acc_category_time_idx"),
            models.Index(fields=["state", "occurred_at"], condition=models.Q(is_voided=False),
                         name="acc_state_time_idx"),
            # The missed-follow-up warning scan: the few accidents still owing follow-up reports.
            models.Index(fields=["grade", "created_at"], name="acc_followup_open_idx",
                         condition=models.Q(is_voided=False, obligations_tracked=True,
                                            situation_stable_at__isnull=True)),
            # The statistics' grouped statement reads only this index on PostgreSQL (covering,
            # INCLUDE): 750 pages instead of 6,668 for a province's 200,000 accidents
            # (bench/README.md). PostgreSQL only (migration 0006); SQLite has no INCLUDE.
            models.Index(fields=["occurred_at", "region_path"], condition=models.Q(is_voided=False),
                         include=["deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss_yuan",
                                  "category", "grade", "industry", "accident_type"],
                         name="acc_stats_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class GradingThreshold(models.Model):
    """One lower bound of 条例 Art. 3's grading table: an accident reaches ``grade`` on
    ``criterion`` when its figure is at least ``lower_bound`` ("以上包括本数"). The ordinary grade
    has no row: it is what remains. Rows with a later ``effective_from`` supersede earlier ones
    for accidents on or after that day (a supplementary grading rule, Art. 3 last paragraph).
    Loaded from anjian/accidents/data/thresholds.py by a data migration; edited in the admin."""

    grade = models.CharField(pgettext_lazy("accident", "grade"), max_length=24, choices=AccidentGrade.choices)
    criterion = models.CharField(pgettext_lazy("accident", "criterion"), max_length=24,
                                 choices=GradingCriterion.choices)
    lower_bound = models.DecimalField(
        _("lower bound (inclusive)"), max_digits=16, decimal_places=2,
        help_text=_("Persons for deaths and serious injuries; yuan for the direct economic loss."))
    effective_from = models.DateField(_("effective from"))
    source_note = models.CharField(pgettext_lazy("accident", "source"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grading threshold")
        verbose_name_plural = _("grading thresholds")
        ordering = ["criterion", "-lower_bound", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "criterion", "effective_from"], name="acc_threshold_uniq"),
            models.CheckConstraint(condition=models.Q(lower_bound__gte=0), name="acc_threshold_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {self.get_criterion_display()} ≥ {self.lower_bound}"


class InvestigationTimeLimit(models.Model):
    """条例 Art. 29: the investigation team submits its report within ``report_days`` days of the
    accident; the government in charge of the investigation may extend that once, by at most
    ``max_extension_days``. A row applies to accidents on or after ``effective_from`` (until a
    later row). Loaded from anjian/accidents/data/regulations.py; edited in the admin (history)."""

    report_days = models.PositiveSmallIntegerField(_("report due within (days of the accident)"),
                                                   validators=[MinValueValidator(1)])
    max_extension_days = models.PositiveSmallIntegerField(_("longest extension (days)"))
    effective_from = models.DateField(_("effective from"), unique=True)
    source_note = models.CharField(pgettext_lazy("accident", "source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investigation time limit")
        verbose_name_plural = _("investigation time limits")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.report_days} + {self.max_extension_days} ({self.effective_from})"


class FollowUpCadence(models.Model):
    """续报 (《生产安全事故信息报告和处置办法》, 国家安全监管总局令第21号): after the first report,
    follow-up reports at least ``per_day`` times a day for an accident of ``grade`` until the
    situation is stable. Read here as: no more than 24 h ÷ ``per_day`` between two reports. The
    rows in force today apply (the obligation is a present one). Loaded from
    anjian/accidents/data/regulations.py; edited in the admin (history)."""

    grade = models.CharField(pgettext_lazy("accident", "grade"), max_length=24, choices=AccidentGrade.choices)
    per_day = models.PositiveSmallIntegerField(_("follow-up reports per day (at least)"),
                                               validators=[MinValueValidator(1), MaxValueValidator(24)])
    effective_from = models.DateField(_("effective from"))
    source_note = models.CharField(pgettext_lazy("accident", "source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up report cadence")
        verbose_name_plural = _("follow-up report cadences")
        ordering = ["grade", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "effective_from"], name="acc_cadence_uniq"),
            models.CheckConstraint(condition=models.Q(per_day__gte=1, per_day__lte=24), name="acc_cadence_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ≥ {self.per_day}/d"


class CasualtyCounting(models.Model):
    """How missing persons (失踪, 下落不明) are counted: with the deaths (死亡（含失踪）) for the
    grade and the statistics, as statistical practice does, or apart. One row (the admin offers
    no second one); without a row, missing persons count with the deaths. Grades follow the row
    when they are computed (reporting, correction, 补报); statistics read it live."""

    missing_counted_as_deaths = models.BooleanField(_("missing persons counted with the deaths"), default=True)
    source_note = models.CharField(pgettext_lazy("accident", "source"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("casualty counting rule")
        verbose_name_plural = _("casualty counting rules")

    def __str__(self) -> str:
        return str(_("Missing persons counted with the deaths") if self.missing_counted_as_deaths
                   else _("Missing persons counted apart from the deaths"))


class AccidentChild(models.Model):
    """Base of the records hanging off an accident: scoped through it."""

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "accident__region_path"
        industry = "accident__industry"
        grid = "accident__grid"
        enterprise = "accident__enterprise"

    class Meta:
        abstract = True


class ReportingStep(AccidentChild, VoidableModel):
    """One link of the reporting chain above the unit: a government level's department
    received the report at ``received_at`` and passed it on to the next level at
    ``passed_on_at`` (条例 Art. 10–11: at most 2 hours per level)."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="steps",
                                 verbose_name=_("accident"))
    level = models.CharField(_("level"), max_length=16, choices=ReportingLevel.choices)
    received_at = models.DateTimeField(_("received at"))
    passed_on_at = models.DateTimeField(_("passed on at"), null=True, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    handled_by = models.CharField(_("handled by"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting step")
        verbose_name_plural = _("reporting steps")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "level"], condition=models.Q(is_voided=False),
                                    name="acc_step_one_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.received_at:%Y-%m-%d %H:%M}"


class CasualtyUpdate(AccidentChild):
    """补报: a change of the casualty or loss figures reported after the accident (条例 Art. 13).

    ``counted`` says whether the change moved the accident's figures and grade (inside the
    window of 30 days, 7 for road traffic and fire, or by the setting
    ANJIAN_ACCIDENT_COUNT_LATE_UPDATES). The figures before and after are both kept, so the
    history of the numbers can be read back whether or not the update counted."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="casualty_updates",
                                 verbose_name=_("accident"))
    as_of = models.DateTimeField(_("as of"))
    deaths_before = models.PositiveIntegerField(_("deaths before"))
    missing_before = models.PositiveIntegerField(_("missing before"))
    serious_injuries_before = models.PositiveIntegerField(_("serious injuries before"))
    minor_injuries_before = models.PositiveIntegerField(_("minor injuries before"))
    direct_loss_yuan_before = models.DecimalField(_("direct loss before (yuan)"), max_digits=16, decimal_places=2)
    deaths = models.PositiveIntegerField(_("deaths"))
    missing = models.PositiveIntegerField(_("missing"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries"))
    minor_injuries = models.PositiveIntegerField(_("minor injuries"))
    direct_loss_yuan = models.DecimalField(_("direct economic loss (yuan)"), max_digits=16, decimal_places=2)
    grade_before = models.CharField(_("grade before"), max_length=24, choices=AccidentGrade.choices)
    grade_after = models.CharField(_("grade after"), max_length=24, choices=AccidentGrade.choices)
    within_window = models.BooleanField(_("within the update window"))
    counted = models.BooleanField(_("counted"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("casualty update")
        verbose_name_plural = _("casualty updates")
        ordering = ["as_of", "id"]
        indexes = [models.Index(fields=["accident", "as_of"], name="acc_update_acc_idx")]

    def __str__(self) -> str:
        return f"{self.accident_id} @ {self.as_of:%Y-%m-%d}"


class FollowUpReport(AccidentChild):
    """续报: one follow-up report on an accident after its first report — when, by whom, the
    situation, and the casualty figures as reported then. Figures that differ from the
    accident's are recorded as a casualty update (补报, ``casualty_update``) in the same step, so
    the accident's figures and grade follow the latest report (within the update window)."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="followups",
                                 verbose_name=_("accident"))
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.CharField(_("reported by (unit or person)"), max_length=100, blank=True)
    text = models.TextField(_("situation reported"))
    deaths = models.PositiveIntegerField(_("deaths"))
    missing = models.PositiveIntegerField(_("missing"))
    serious_injuries = models.PositiveIntegerField(_("serious injuries"))
    minor_injuries = models.PositiveIntegerField(_("minor injuries"))
    casualty_update = models.OneToOneField(CasualtyUpdate, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="followup", editable=False,
                                           verbose_name=_("casualty update it made"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["reported_at", "id"]
        # The missed-follow-up scan: the latest report of each accident.
        indexes = [models.Index(fields=["accident", "reported_at"], name="acc_followup_acc_idx")]

    def __str__(self) -> str:
        return f"{self.accident_id} @ {self.reported_at:%Y-%m-%d %H:%M}"


class ReportingFlag(AccidentChild):
    """A reporting violation on an accident: 迟报 (detected automatically from the chain, or
    recorded), 漏报, 谎报 or 瞒报 (recorded by investigators). Confirmed or retracted later; both
    are events, and the flag row is kept either way."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="flags",
                                 verbose_name=_("accident"))
    kind = models.CharField(_("kind"), max_length=16, choices=FlagKind.choices,
                            help_text=format_lazy("{} {} {} {}", *FLAG_DEFINITIONS.values()))
    state = models.CharField(_("state"), max_length=16, choices=FlagState.choices, default=FlagState.RECORDED,
                             editable=False)
    is_automatic = models.BooleanField(_("detected automatically"), default=False, editable=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting flag")
        verbose_name_plural = _("reporting flags")
        ordering = ["recorded_at", "id"]
        constraints = [
            # One automatic late flag per accident: a re-check refreshes it, never duplicates it.
            models.UniqueConstraint(fields=["accident", "kind"], condition=models.Q(is_automatic=True),
                                    name="acc_flag_one_automatic"),
        ]
        # The ledger's "flags" filter: EXISTS(flag of this kind, not retracted) per accident.
        indexes = [models.Index(fields=["accident", "kind", "state"], name="acc_flag_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"


class Investigation(AccidentChild):
    """The investigation of one accident (条例 Chapter IV): the responsible government level
    (Art. 19, from the grade), the team, the report with its deadline (Art. 29: within 60 days
    of the accident, extendable once by at most 60 days; the day counts are the
    ``InvestigationTimeLimit`` reference rows) and its approval deadline (Art. 32: 15 days from
    receiving the report; 30 for 特别重大, extendable once by at most 30 days)."""

    accident = models.OneToOneField(Accident, on_delete=models.PROTECT, related_name="investigation",
                                    verbose_name=_("accident"))
    responsible_level = models.CharField(_("responsible government level"), max_length=16,
                                         choices=InvestigatingLevel.choices)
    leader = models.CharField(_("team leader"), max_length=50, blank=True)
    members = models.TextField(_("team members"), blank=True)
    departments = models.TextField(_("participating departments"), blank=True)
    started_on = models.DateField(_("started on"))
    report_submitted_on = models.DateField(_("report submitted on"), null=True, blank=True)
    report_due_on = models.DateField(_("report due on"), null=True, blank=True, editable=False)
    report_extension_days = models.PositiveSmallIntegerField(_("report deadline extension (days)"), default=0)
    report_extension_reason = models.CharField(_("report deadline extension reason"), max_length=200, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("approval extension (days)"), default=0)
    extension_reason = models.CharField(_("extension reason"), max_length=200, blank=True)
    approval_deadline = models.DateField(_("approval deadline"), null=True, blank=True, editable=False)
    approved_on = models.DateField(_("report approved on"), null=True, blank=True)
    cause = models.TextField(_("direct and indirect causes"), blank=True)
    nature = models.CharField(_("nature of the accident"), max_length=100, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        # The warning scan: submitted reports not yet approved.
        indexes = [models.Index(fields=["approved_on", "approval_deadline"], name="acc_inv_approval_idx"),
                   # The overdue-report warning scan: reports not yet submitted, by due date.
                   models.Index(fields=["report_submitted_on", "report_due_on"], name="acc_inv_report_due_idx")]

    def __str__(self) -> str:
        return f"{self.accident_id} {self.get_responsible_level_display()}"

    def save(self, *args, **kwargs):
        # Stored (not only computed) so the overdue warnings are one indexed range each.
        self.approval_deadline = self.compute_approval_deadline()
        self.report_due_on = self.compute_report_due_on()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "approval_deadline", "report_due_on"}
        super().save(*args, **kwargs)

    def compute_report_due_on(self):
        """The day the report is due (条例 Art. 29): the accident's day + the days in force on that
        day (60) + the one extension."""
        from .regulations import report_due_on

        return report_due_on(self.accident.occurred_at, self.report_extension_days)

    @property
    def is_report_overdue(self) -> bool:
        due = self.report_due_on
        return bool(due and self.report_submitted_on is None and timezone.localdate() > due)

    @property
    def report_submitted_late(self) -> bool:
        return bool(self.report_due_on and self.report_submitted_on and self.report_submitted_on > self.report_due_on)

    @property
    def base_approval_days(self) -> int:
        return 30 if self.accident.grade == AccidentGrade.PARTICULARLY_SERIOUS else 15

    def compute_approval_deadline(self):
        """The day the report must be approved by (submitted + 15 days, 30 for 特别重大, plus
        the one extension), or None before it is submitted."""
        if self.report_submitted_on is None:
            return None
        return self.report_submitted_on + timedelta(days=self.base_approval_days + self.extension_days)

    @property
    def is_approval_overdue(self) -> bool:
        deadline = self.approval_deadline
        return bool(deadline and self.approved_on is None and timezone.localdate() > deadline)


class AccidentRectification(AccidentChild, VersionedModel, VoidableModel):
    """A problem the accident exposed and its rectification (整改), optionally listed for a
    government's supervision (挂牌督办) like a major hazard."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="rectifications",
                                 verbose_name=_("accident"))
    problem = models.TextField(_("problem exposed"))
    measures = models.TextField(_("rectification required"), blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=100)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=16, choices=RectificationState.choices,
                             default=RectificationState.OPEN, editable=False)
    listing_level = models.CharField(_("listed supervision level"), max_length=16, choices=ListingLevel.choices,
                                     blank=True)
    listing_unit = models.CharField(_("supervising unit"), max_length=100, blank=True)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True, editable=False)
    rectified_note = models.TextField(_("rectification done"), blank=True, editable=False)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accident rectification")
        verbose_name_plural = _("accident rectifications")
        ordering = ["deadline", "id"]
        # The warning scan: open rectifications by deadline.
        indexes = [models.Index(fields=["state", "deadline"], name="acc_rect_state_deadline_idx")]

    def __str__(self) -> str:
        return self.problem[:40]

    @property
    def is_listed(self) -> bool:
        return bool(self.listing_level)

    @property
    def is_overdue(self) -> bool:
        return self.state == RectificationState.OPEN and self.deadline < timezone.localdate()


class Accountability(AccidentChild, VoidableModel):
    """A measure of accountability taken against a person or unit for the accident (责任追究)."""

    accident = models.ForeignKey(Accident, on_delete=models.PROTECT, related_name="accountabilities",
                                 verbose_name=_("accident"))
    person_name = models.CharField(_("person or unit"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    measure = models.CharField(_("measure"), max_length=32, choices=AccountabilityMeasure.choices)
    detail = models.TextField(_("detail"), blank=True)
    fine_yuan = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by_unit = models.CharField(_("decided by"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_measure_display()}"

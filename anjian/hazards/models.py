"""The hazard ledger (隐患台账) and its closed loop: report → rectify → accept → close out,
with deadline extensions, the major hazard's 五落实 plan and dual report, listed supervision
(挂牌督办) and rectification notices (整改通知单).

A hazard copies its enterprise's region path, industry and grid so that every jurisdiction
filter is a range on this table's own indexes (10,000,000 rows at province scale).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet
from anjian.standards.choices import Certainty, HazardFactor

from .choices import (
    OPEN_STATES,
    RECHECK_STATES,
    DualReportRecipient,
    DualReportStage,
    ExtensionState,
    HazardGrade,
    HazardSource,
    HazardState,
    ListingLevel,
    ListingState,
    MajorConfirmation,
    MajorDefinitionCondition,
    RecheckOutcome,
    TimeLimitCode,
)

PLAN_FIELDS = ("plan_responsible", "plan_measures", "plan_funds", "plan_deadline", "plan_contingency")
"""The 五落实 plan of a major hazard: responsibility, measures, funds, time limit, contingency plan."""


class HazardQuerySet(ScopedQuerySet):
    def overdue(self, today=None) -> models.QuerySet:
        today = today or timezone.localdate()
        return self.filter(state__in=OPEN_STATES, deadline__lt=today)

    def unclosed(self) -> models.QuerySet:
        return self.exclude(state=HazardState.CLOSED)


class Hazard(VersionedModel, VoidableModel, AuthoredModel):
    """A hidden hazard (事故隐患): a defect found at an enterprise that can cause an accident.

    ``state`` changes only through ``anjian.hazards.services``, along the steps of
    ``choices.HAZARD_MACHINE`` (``core.workflow``); ``version`` is bumped by every change so two
    people acting at once cannot overwrite each other (the second gets a 409).
    """

    # No index on is_voided alone (VoidableModel's db_index): every list asks for the unvoided
    # hazards, nearly all of them, which such an index cannot narrow; it was never scanned and cost
    # every insert (66 MB at 10M hazards). The indexes below hold is_voided or are partial on it.
    is_voided = models.BooleanField(_("voided"), default=False)
    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    # enterprise, industry and grid have no index of their own (db_index=False): the composite
    # indexes hz_ent_state_idx, hz_industry_path_idx and hz_grid_idx begin with them and answer
    # every lookup one would, so a second copy only cost every insert and every state change.
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="hazards",
                                   db_index=False, verbose_name=_("enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+",
                                 db_index=False, editable=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False, editable=False, verbose_name=_("grid"))
    location = models.CharField(pgettext_lazy("hazard", "location"), max_length=200)
    description = models.TextField(pgettext_lazy("hazard", "description"))
    category = models.CharField(pgettext_lazy("hazard", "hazard factor class"), max_length=16, choices=HazardFactor.choices,
                                default=HazardFactor.MANAGEMENT)
    grade = models.CharField(_("grade"), max_length=16, choices=HazardGrade.choices, default=HazardGrade.GENERAL)
    criterion = models.ForeignKey("standards.MajorHazardCriterion", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="hazards",
                                  verbose_name=_("major-hazard criterion met"))
    check_item = models.ForeignKey("standards.CheckItem", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="hazards", verbose_name=_("check item"))
    source = models.CharField(pgettext_lazy("hazard", "source"), max_length=24, choices=HazardSource.choices,
                              default=HazardSource.SELF_INSPECTION)
    finder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("finder (user)"))
    finder_name = models.CharField(_("found by"), max_length=50, blank=True)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    deadline = models.DateField(_("rectification deadline"))
    original_deadline = models.DateField(_("original deadline"), editable=False)
    state = models.CharField(_("state"), max_length=16, choices=HazardState.choices, default=HazardState.REPORTED,
                             editable=False)

    # Rectification and acceptance (filled by the transitions).
    rectification_note = models.TextField(_("rectification done"), blank=True, editable=False)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("accepted by"))
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True, editable=False)

    # 五落实 plan (major hazards).
    plan_responsible = models.CharField(pgettext_lazy("hazard", "responsible person"), max_length=50, blank=True)
    plan_measures = models.TextField(_("rectification measures"), blank=True)
    plan_funds = models.DecimalField(_("funds (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    plan_deadline = models.DateField(_("plan time limit"), null=True, blank=True)
    plan_contingency = models.TextField(_("contingency plan"), blank=True)

    # 双报告 (major hazards): to the regulator and to the workers' congress. Each report is a
    # DualReport record; these are the dates of the first hazard report to each recipient, kept
    # by the services (ledger, API list, warning scan read them without a join).
    reported_to_regulator_on = models.DateField(_("reported to the regulator on"), null=True, blank=True,
                                                editable=False)
    reported_to_congress_on = models.DateField(_("reported to the workers' congress on"), null=True, blank=True,
                                               editable=False)
    # 复查: hazards found by a government, grid or expert inspection, or put on a rectification
    # notice, are re-checked by the side that found them before close-out (services.record_recheck).
    # db_default: bulk writers that insert rows themselves (bench/hazards_build.py) need not know it.
    recheck_required = models.BooleanField(_("re-check required"), default=False, db_default=False, editable=False)
    rechecked_at = models.DateTimeField(_("re-check passed at"), null=True, blank=True, editable=False)

    is_listed = models.BooleanField(_("under listed supervision"), default=False, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    # --- issue #10 (h/loop1): who rectified; major by the general definition -------------------
    # The person who submitted the rectification: the acceptance is someone else's
    # (settings.ANJIAN_HAZARD_ACCEPTOR_DIFFERS, services.acceptor_differs_refusal).
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False, verbose_name=_("rectification submitted by"))
    # A major hazard that no listed criterion names is major by the general definition of
    # 国家安监总局令第16号 第三条: which of its two conditions, and why (both required then).
    definition_condition = models.CharField(_("condition of the general definition"), max_length=24, blank=True,
                                            choices=MajorDefinitionCondition.choices)
    definition_justification = models.TextField(_("why the general definition is met"), blank=True)
    # Such a grade holds once a regulator confirms it (or downgrades the hazard to general);
    # empty for general hazards and for major ones by a listed criterion.
    major_confirmation = models.CharField(_("confirmation of the major grade"), max_length=16, blank=True,
                                          choices=MajorConfirmation.choices, editable=False)
    major_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+", editable=False,
                                           verbose_name=_("major grade confirmed by"))
    major_confirmed_at = models.DateTimeField(_("major grade confirmed at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])
    objects = HazardQuerySet.as_manager()

    Scoping = EnterpriseRecordScoping

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-id"]
        permissions = [
            ("transition_hazard", _("Can act on hazards (rectify, accept, extend)")),
            ("list_hazard", _("Can list hazards for supervision")),
            ("issue_notice_hazard", _("Can issue rectification notices")),
            ("recheck_hazard", _("Can re-check rectified hazards")),
        ]
        indexes = [
            # The ledger's filters: region (range) with state and grade; newest first.
            models.Index(fields=["region_path", "is_voided", "id"], name="hz_path_idx"),
            models.Index(fields=["state", "grade", "region_path", "is_voided", "id"], name="hz_state_grade_path_idx"),
            # The ledger's COUNT. No unique column in the key, so PostgreSQL's B-tree deduplication
            # stores each (state, grade, township) once with the list of its rows: 74 MB at 10M
            # hazards where the two indexes above take 0.8–1 GB, and a city's 850,000 closed
            # general hazards count in a quarter of the time (bench/README.md). The same key led
            # by the region counts a whole region, or a region in one state (the grade is tested
            # once per list of rows, not per row): a city's million hazards in 25 ms, not 80.
            models.Index(fields=["state", "grade", "region_path"], condition=models.Q(is_voided=False),
                         name="hz_count_idx"),
            models.Index(fields=["region_path", "state", "grade"], condition=models.Q(is_voided=False),
                         name="hz_region_count_idx"),
            # The statistics (selectors.hazard_statistics): a region's hazards grouped by township,
            # state, grade and whether the rectification was on time, read from this index alone
            # (index-only scan, in the order grouped). The on-time flag is the statistics' own
            # expression (selectors.ON_TIME, in the project's time zone) stored in the key, so the
            # scan does not convert every row's time; deadline (overdue) and id (listings) are
            # included, and so is rectified_at: PostgreSQL plans an index-only scan only when the
            # index holds every column the query names, even inside the stored expression.
            # PostgreSQL only (migration 0004): SQLite has no INCLUDE, and its version of the
            # expression calls a function only Django's connections have.
            models.Index(
                "region_path", "state", "grade",
                models.ExpressionWrapper(models.Q(rectified_at__date__lte=models.F("deadline")),
                                         output_field=models.BooleanField()),
                include=["deadline", "rectified_at", "id"], condition=models.Q(is_voided=False),
                name="hz_stats_idx"),
            models.Index(fields=["industry", "region_path", "is_voided", "id"], name="hz_industry_path_idx"),
            models.Index(fields=["enterprise", "state"], name="hz_ent_state_idx"),
            models.Index(fields=["grid", "id"], name="hz_grid_idx"),
            # The warning scan: open hazards by deadline.
            models.Index(fields=["state", "deadline"], name="hz_state_deadline_idx"),
            models.Index(fields=["source", "region_path"], name="hz_source_path_idx"),
            models.Index(fields=["found_at"], name="hz_found_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:30]}"

    @property
    def is_major(self) -> bool:
        return self.grade == HazardGrade.MAJOR

    @property
    def is_overdue(self) -> bool:
        return self.state in OPEN_STATES and self.deadline < timezone.localdate()

    def missing_plan_fields(self) -> list[str]:
        """The 五落实 items still missing (field names), in the order the regulation lists them."""
        missing = []
        for name in PLAN_FIELDS:
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                missing.append(name)
        return missing

    def missing_dual_reports(self) -> list[str]:
        if not self.is_major:
            return []
        return [n for n in ("reported_to_regulator_on", "reported_to_congress_on") if getattr(self, n) is None]

    # --- issue #10 (h/loop1) -----------------------------------------------------------------

    @property
    def is_major_by_definition(self) -> bool:
        """Major by the general definition (16号令 第三条), not by a listed criterion."""
        return self.grade == HazardGrade.MAJOR and self.criterion_id is None

    @property
    def is_major_pending(self) -> bool:
        """Graded major by the general definition and not yet confirmed by a regulator
        (shown as 待确认重大隐患)."""
        return self.grade == HazardGrade.MAJOR and self.major_confirmation == MajorConfirmation.PENDING

    # --- what the steps of the loop ask (the guards of choices.HAZARD_MACHINE) ------------------

    @property
    def has_pending_extension(self) -> bool:
        return self.extensions.filter(state=ExtensionState.PENDING).exists()

    @property
    def needs_recheck(self) -> bool:
        """The hazard must pass a re-check by the side that found it before it is closed out."""
        return bool(self.recheck_required) and self.rechecked_at is None

    def recheck_possible(self, today=None) -> bool:
        """A re-check can be recorded once the enterprise reported completion, or once the
        rectification deadline has passed without it (整改期满)."""
        if not self.needs_recheck or self.is_voided:
            return False
        if self.state in RECHECK_STATES:
            return True
        return self.state in OPEN_STATES and self.deadline < (today or timezone.localdate())

    def result_reports_missing(self) -> list[str]:
        """The recipients that have not yet had the treatment result of this major hazard."""
        done = set(self.dual_reports.filter(stage=DualReportStage.RESULT).values_list("recipient", flat=True))
        return [r for r in DualReportRecipient.values if r not in done]

    @property
    def accepted_by_regulator(self) -> bool:
        """Accepted by a regulator (or a system administrator): a listed hazard is delisted only then."""
        from anjian.orgs.choices import REGULATOR_ROLES

        by = self.accepted_by
        return by is not None and (by.role in REGULATOR_ROLES or by.is_system_admin)


class HazardRecord(models.Model):
    """Base of the records kept on one hazard (deadline extensions, dual reports, re-checks):
    each is read in the jurisdiction of its hazard."""

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "hazard__region_path"
        industry = "hazard__industry"
        grid = "hazard__grid"
        enterprise = "hazard__enterprise"

    class Meta:
        abstract = True


class DeadlineExtension(HazardRecord):
    """A request to move a hazard's rectification deadline, approved or refused by whoever
    may accept the hazard (the enterprise for general hazards, the regulator for major ones)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("hazard"))
    requested_deadline = models.DateField(_("requested deadline"))
    previous_deadline = models.DateField(_("previous deadline"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=16, choices=ExtensionState.choices,
                             default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["hazard"], condition=models.Q(state="pending"),
                                    name="extension_one_pending_per_hazard"),
        ]

    def __str__(self) -> str:
        return f"{self.hazard.number} → {self.requested_deadline}"


class ListedSupervision(models.Model):
    """挂牌督办: a government body formally supervises a major hazard at city, county or township
    level until it is closed out; delisting needs the close-out (with the regulator's acceptance)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="listings", verbose_name=_("hazard"))
    level = models.CharField(pgettext_lazy("hazard listing", "level"), max_length=16, choices=ListingLevel.choices)
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="listings",
                                   verbose_name=_("supervising unit"))
    document_number = models.CharField(pgettext_lazy("hazard listing", "document number"), max_length=60, blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=16, choices=ListingState.choices, default=ListingState.LISTED,
                             editable=False)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("listed by"))
    listed_at = models.DateTimeField(_("listed at"), default=timezone.now)
    delisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("delisted by"))
    delisted_at = models.DateTimeField(_("delisted at"), null=True, blank=True)
    delist_comment = models.TextField(_("delisting comment"), blank=True)
    # Copies of the hazard's keys: listings are counted by region on their own.
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   editable=False, verbose_name=_("enterprise"))
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+",
                                 editable=False, verbose_name=_("industry"))

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        industry = "industry"
        grid = "hazard__grid"
        enterprise = "enterprise"

    class Meta:
        verbose_name = _("listed supervision")
        verbose_name_plural = _("listed supervisions")
        ordering = ["-listed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["hazard"], condition=models.Q(state="listed"),
                                    name="listing_one_active_per_hazard"),
        ]
        indexes = [models.Index(fields=["region_path", "state", "deadline"], name="listing_path_state_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.hazard.number}"


class ListingProgress(models.Model):
    """A progress report on a listed supervision (督办进展)."""

    listing = models.ForeignKey(ListedSupervision, on_delete=models.PROTECT, related_name="progress",
                                verbose_name=_("listed supervision"))
    content = models.TextField(_("progress"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("listing progress report")
        verbose_name_plural = _("listing progress reports")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return self.content[:40]


class RectificationNotice(models.Model):
    """整改通知单: the official document by which a government unit orders an enterprise to fix
    the listed hazards by a date. Numbered per issuing department and year."""

    number = models.CharField(_("number"), max_length=40, unique=True, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="notices",
                                   verbose_name=_("enterprise"))
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="notices",
                                   verbose_name=_("issuing unit"))
    hazards = models.ManyToManyField(Hazard, related_name="notices", verbose_name=_("hazards"))
    deadline = models.DateField(_("deadline"))
    requirements = models.TextField(_("requirements"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    region_path = models.CharField(_("region path"), max_length=80, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        industry = "enterprise__industry"
        grid = "enterprise__grid"
        enterprise = "enterprise"

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class EnterpriseApiKey(models.Model):
    """A key with which an enterprise's own hazard-management system (企业隐患排查治理系统) pushes
    hazards and rectification evidence to the platform (联网), acting as one enterprise user.

    Only the SHA-256 of the secret is stored; the secret is shown once, when the key is issued.
    ``prefix`` (its first characters) lets people tell their keys apart. A revoked key is kept.
    """

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="api_keys",
                                   verbose_name=_("enterprise"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_keys",
                             verbose_name=_("acts as user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "enterprise__region_path"
        industry = "enterprise__industry"
        grid = "enterprise__grid"
        enterprise = "enterprise"

    class Meta:
        verbose_name = _("enterprise-system API key")
        verbose_name_plural = _("enterprise-system API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    #: A request authenticated by a key reaches only its view's ``key_actions``
    #: (core.api_fields.ActionPermission).
    limited_to_key_actions = True

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# --- dual report records and re-checks (issue #10) ----------------------------------------------

class DualReport(HazardRecord):
    """One report of a major hazard (双报告) to the supervising department or to the workers'
    congress: the hazard report when it is found (present state and cause, how serious and how
    hard to remove, the treatment plan — 《安全生产事故隐患排查治理暂行规定》第十四条) or the
    treatment result once it is rectified. Reports are never changed or deleted: a correction is
    a new report. ``legacy`` rows come from the dates recorded before reports had content."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="dual_reports",
                               verbose_name=_("hazard"))
    stage = models.CharField(_("report type"), max_length=16, choices=DualReportStage.choices,
                             default=DualReportStage.INITIAL)
    recipient = models.CharField(_("reported to"), max_length=16, choices=DualReportRecipient.choices)
    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("receiving department"))
    recipient_name = models.CharField(_("meeting or recipient"), max_length=100, blank=True)
    reported_on = models.DateField(_("reported on"))
    situation = models.TextField(_("present state and cause"), blank=True)
    severity_analysis = models.TextField(_("seriousness and difficulty of removal"), blank=True)
    treatment_plan = models.TextField(_("treatment plan"), blank=True)
    treatment_result = models.TextField(_("treatment result"), blank=True)
    legacy = models.BooleanField(_("date only (recorded before reports had content)"), default=False,
                                 editable=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("dual report")
        verbose_name_plural = _("dual reports")
        ordering = ["reported_on", "id"]
        indexes = [models.Index(fields=["hazard", "stage", "recipient"], name="hz_dualreport_idx")]

    def __str__(self) -> str:
        return f"{self.hazard.number} {self.get_stage_display()} → {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        """The department's name, or the meeting for the workers' congress."""
        if self.recipient == DualReportRecipient.REGULATOR and self.department_id:
            return self.department.name
        return self.recipient_name or str(self.get_recipient_display())


class TimeLimit(models.Model):
    """A time limit that a regulation sets for the loop, kept as data with its source so an
    administrator can correct it (in the admin, with history) without a release. The services and
    the warning scan read it when they run; a missing row falls back to ``data.time_limits``."""

    code = models.CharField(_("code"), max_length=32, unique=True, choices=TimeLimitCode.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    basis = models.CharField(_("legal basis"), max_length=200,
                             help_text=_("The document and article that set the limit."))
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)
    source_note = models.TextField(_("source and certainty"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=models.Q(days__gte=1), name="hz_time_limit_positive")]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.days}"


class Recheck(HazardRecord):
    """A re-check (复查) of a hazard's rectification by the side that found it or ordered it
    fixed, and its outcome: passed (the hazard may be accepted and closed out) or not passed
    with a new deadline. Printed as the 整改复查意见书. The time limit in force when it was
    recorded (``limit_days``) and the day it was due are kept, so lateness stays explainable."""

    number = models.CharField(_("number"), max_length=32, unique=True, editable=False)
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="rechecks", verbose_name=_("hazard"))
    notice = models.ForeignKey(RectificationNotice, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="rechecks", verbose_name=_("rectification notice"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=RecheckOutcome.choices)
    checked_on = models.DateField(_("re-checked on"))
    opinion = models.TextField(_("re-check opinion"))
    previous_deadline = models.DateField(_("deadline re-checked"))
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    due_on = models.DateField(_("re-check due by"), null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("time limit (days)"))
    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("re-checking unit"))
    inspectors = models.CharField(_("inspectors"), max_length=100, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def passed(self) -> bool:
        return self.outcome == RecheckOutcome.PASSED

    @property
    def is_late(self) -> bool:
        return self.due_on is not None and self.checked_on > self.due_on

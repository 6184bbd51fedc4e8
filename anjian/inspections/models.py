"""Inspections (排查): self-inspection duties with their cadences, the tasks they schedule,
and inspection records with per-item results.

- ``InspectionCadence`` is reference data (班组日查, 车间周查, 厂矿月查, 公司季查 …): a calendar
  unit and a multiple, editable by administrators.
- ``InspectionDuty`` says that one enterprise must self-inspect at a cadence, with which
  checklist and who is responsible.
- ``InspectionTask`` is one scheduled occurrence of a duty (one per duty and period), created
  by the daily job; it is done when a record fulfils it and missed when its due date passes.
- ``InspectionRecord`` is one inspection — self, government, grid or expert, the same record
  marked by kind — with one ``InspectionItemResult`` per check item.

Duties, tasks and records copy their enterprise's region path, industry and grid, so every
jurisdiction filter is a range on the table's own indexes (as for hazards).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet

from .choices import InspectionKind, ItemResult, PeriodUnit, RecordState, TaskState

# Periods of N days or N weeks are counted from a fixed Monday, so "every 2 weeks" falls on
# the same weeks for every duty and every run of the job (the schedule never drifts).
PERIOD_ANCHOR = date(2000, 1, 3)


def _add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (``day`` is a 1st)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class InspectionCadence(models.Model):
    """How often a self-inspection duty recurs: every ``every`` ``unit`` (day, week, month,
    quarter, year). Reference data shipped by a data migration (班组日查 daily, 车间周查 weekly,
    厂矿月查 monthly, 公司季查 quarterly) and editable by administrators.

    Periods are calendar periods: weeks start on Monday, months on the 1st, quarters in
    January/April/July/October, years on 1 January. A task is due on the last day of its period.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    unit = models.CharField(_("period unit"), max_length=16, choices=PeriodUnit.choices)
    every = models.PositiveSmallIntegerField(_("every (units)"), default=1, validators=[MinValueValidator(1)])
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection cadence")
        verbose_name_plural = _("inspection cadences")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    # --- period arithmetic -------------------------------------------------------------

    def period_start(self, day: date) -> date:
        """The first day of the period that holds ``day``."""
        n = max(int(self.every or 1), 1)
        if self.unit == PeriodUnit.DAY:
            return PERIOD_ANCHOR + timedelta(days=(day - PERIOD_ANCHOR).days // n * n)
        if self.unit == PeriodUnit.WEEK:
            weeks = (day - PERIOD_ANCHOR).days // 7
            return PERIOD_ANCHOR + timedelta(weeks=weeks // n * n)
        if self.unit in (PeriodUnit.MONTH, PeriodUnit.QUARTER):
            step = n * (3 if self.unit == PeriodUnit.QUARTER else 1)
            index = (day.year * 12 + day.month - 1) // step * step
            return date(index // 12, index % 12 + 1, 1)
        if self.unit == PeriodUnit.YEAR:
            return date(day.year // n * n if n > 1 else day.year, 1, 1)
        raise ValueError(f"unknown period unit {self.unit!r}")

    def next_period_start(self, start: date) -> date:
        """The first day of the period after the one starting on ``start``."""
        n = max(int(self.every or 1), 1)
        if self.unit == PeriodUnit.DAY:
            return start + timedelta(days=n)
        if self.unit == PeriodUnit.WEEK:
            return start + timedelta(weeks=n)
        if self.unit == PeriodUnit.MONTH:
            return _add_months(start, n)
        if self.unit == PeriodUnit.QUARTER:
            return _add_months(start, 3 * n)
        if self.unit == PeriodUnit.YEAR:
            return date(start.year + n, 1, 1)
        raise ValueError(f"unknown period unit {self.unit!r}")

    def period_end(self, start: date) -> date:
        """The last day of the period starting on ``start``: the due date of its task."""
        return self.next_period_start(start) - timedelta(days=1)

    def period_of(self, day: date) -> tuple[date, date]:
        """(first day, last day) of the period that holds ``day``."""
        start = self.period_start(day)
        return start, self.period_end(start)


class InspectionDuty(VoidableModel, VersionedModel):
    """A self-inspection duty of one enterprise (e.g. "车间周查 — 机加工车间"): what is checked
    (an optional checklist), how often (the cadence), who is responsible, from when to when.

    The daily job creates one task per period while the duty is active. Duties are voided,
    never deleted; voiding cancels their open tasks."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="inspection_duties", verbose_name=_("enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+",
                                 editable=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, verbose_name=_("grid"))
    name = models.CharField(_("name"), max_length=100)
    cadence = models.ForeignKey(InspectionCadence, on_delete=models.PROTECT, related_name="duties",
                                verbose_name=_("cadence"))
    checklist = models.ForeignKey("standards.Checklist", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="inspection_duties", verbose_name=_("checklist"))
    responsible_name = models.CharField(pgettext_lazy("inspection duty", "responsible person"), max_length=50,
                                        blank=True)
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="inspection_duties",
                                         verbose_name=_("responsible person (user)"))
    active_from = models.DateField(_("active from"), default=timezone.localdate)
    active_to = models.DateField(_("active until"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    Scoping = EnterpriseRecordScoping

    class Meta:
        verbose_name = _("inspection duty")
        verbose_name_plural = _("inspection duties")
        ordering = ["enterprise_id", "cadence__sort", "id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="insp_duty_path_idx"),
            models.Index(fields=["enterprise", "is_voided"], name="insp_duty_ent_idx"),
            # The daily job: active duties of one cadence.
            models.Index(fields=["cadence", "is_voided", "active_from"], name="insp_duty_cadence_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                                   name="insp_duty_active_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: date) -> bool:
        return not self.is_voided and self.active_from <= day and (self.active_to is None or self.active_to >= day)


class InspectionTaskQuerySet(ScopedQuerySet):
    def open(self) -> models.QuerySet:
        return self.filter(state=TaskState.OPEN)

    def due_before(self, day: date) -> models.QuerySet:
        """Open tasks whose due date is before ``day`` (the "overdue" scan)."""
        return self.filter(state=TaskState.OPEN, due_date__lt=day)


class InspectionTask(VersionedModel):
    """One scheduled occurrence of a duty: the period that starts on ``period_start`` and is
    due on ``due_date``. Open until a submitted record fulfils it (done) or its due date
    passes (missed). Created only by ``services.schedule_tasks`` — one per duty and period. Its
    steps are declared in ``choices.TASK_MACHINE``; ``version`` counts its changes."""

    duty = models.ForeignKey(InspectionDuty, on_delete=models.PROTECT, related_name="tasks",
                             verbose_name=_("duty"))
    cadence = models.ForeignKey(InspectionCadence, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("cadence"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="inspection_tasks", verbose_name=_("enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+",
                                 editable=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, verbose_name=_("grid"))
    period_start = models.DateField(_("period start"))
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=16, choices=TaskState.choices, default=TaskState.OPEN,
                             editable=False)
    record = models.ForeignKey("InspectionRecord", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", editable=False, verbose_name=_("fulfilled by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = InspectionTaskQuerySet.as_manager()

    Scoping = EnterpriseRecordScoping

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "period_start"], name="insp_task_one_per_period"),
        ]
        indexes = [
            # "Open tasks due before X in region": equality on state, range on the path, then the date.
            models.Index(fields=["state", "region_path", "due_date"], name="insp_task_state_path_due_idx"),
            # The missed-marking job and the warning scan: state + due date, all regions.
            models.Index(fields=["state", "due_date"], name="insp_task_state_due_idx"),
            models.Index(fields=["region_path", "due_date", "id"], name="insp_task_path_due_idx"),
            models.Index(fields=["enterprise", "state", "due_date"], name="insp_task_ent_idx"),
            models.Index(fields=["grid", "due_date"], name="insp_task_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.duty} {self.period_start:%Y-%m-%d}"


class InspectionRecord(VoidableModel, VersionedModel, AuthoredModel):
    """One inspection of one enterprise: who (the inspector's account and the names of the
    inspectors), when, where, with which checklist, and what was found, item by item.

    The same record serves self-inspections and government, grid and expert inspections,
    marked by ``kind``. A self-inspection may fulfil a task. Drafts are filled in item by item
    and then submitted; a submitted record is no longer changed (found items can still be
    raised as hazards). Its steps are declared in ``choices.RECORD_MACHINE``; ``version``
    counts its changes (a step from a stale copy is a conflict)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="inspection_records", verbose_name=_("enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+",
                                 editable=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, verbose_name=_("grid"))
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices, default=InspectionKind.SELF)
    task = models.ForeignKey(InspectionTask, null=True, blank=True, on_delete=models.PROTECT, related_name="records",
                             verbose_name=_("task"))
    checklist = models.ForeignKey("standards.Checklist", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="inspection_records", verbose_name=_("checklist"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("inspector (user)"))
    inspector_names = models.CharField(_("inspectors"), max_length=200, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), default=timezone.now)
    location = models.CharField(pgettext_lazy("inspection record", "location"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=RecordState.choices, default=RecordState.DRAFT,
                             editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    Scoping = EnterpriseRecordScoping

    class Meta:
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")
        ordering = ["-inspected_at", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="insp_rec_path_idx"),
            models.Index(fields=["kind", "region_path", "is_voided", "id"], name="insp_rec_kind_path_idx"),
            models.Index(fields=["region_path", "inspected_at"], name="insp_rec_path_date_idx"),
            models.Index(fields=["enterprise", "inspected_at"], name="insp_rec_ent_date_idx"),
            models.Index(fields=["grid", "id"], name="insp_rec_grid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()} {timezone.localtime(self.inspected_at):%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.state == RecordState.DRAFT


class InspectionItemResult(models.Model):
    """The result of one check item in one record: pass, hazard found or not applicable, a
    note, photos (core Attachments) and the hazard it produced.

    ``item_no``, ``content`` and the factor/criterion fields are copied from the check item
    when the record starts, so a record keeps what was checked even after the checklist gets a
    new version; items added by hand (no check item) carry their own text."""

    record = models.ForeignKey(InspectionRecord, on_delete=models.PROTECT, related_name="items",
                               verbose_name=_("record"))
    check_item = models.ForeignKey("standards.CheckItem", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("check item"))
    item_no = models.CharField(_("item number"), max_length=20, blank=True)
    content = models.TextField(_("check content"))
    sort = models.PositiveIntegerField(_("sort order"), default=0)
    result = models.CharField(_("result"), max_length=16, choices=ItemResult.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="inspection_items", verbose_name=_("hazard"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "record__region_path"
        industry = "record__industry"
        grid = "record__grid"
        enterprise = "record__enterprise"

    class Meta:
        verbose_name = _("inspection item result")
        verbose_name_plural = _("inspection item results")
        ordering = ["record", "sort", "id"]
        indexes = [models.Index(fields=["record", "sort"], name="insp_item_record_idx")]

    def __str__(self) -> str:
        return self.content[:60]

    @property
    def is_found(self) -> bool:
        return self.result == ItemResult.HAZARD_FOUND

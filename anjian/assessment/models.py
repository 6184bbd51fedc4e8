"""Targets, assessment schemes, rounds, assessments and their scores (目标责任书、考核、排名).

Every table that users fill is scoped by the region path of the unit it is about (a region, or
the region of a department) or of the assessing region, copied when written, so a county's
office sees its own agreement and assessment and not another county's, and the city's office
sees all of its own. Indicators are named by their code (``core.indicators``); what counts is
declared by the app that owns the data, never stored here.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core import indicators
from anjian.core.models import VersionedModel, VoidableModel
from anjian.core.scoping import ScopedQuerySet
from anjian.standards.choices import Certainty

from .choices import (
    AdjustmentKind,
    AgreementState,
    AssessmentState,
    Method,
    Part,
    PeriodKind,
    RoundState,
    Stage,
    SubjectKind,
    Unavailable,
)

INDICATOR_CODE = {"max_length": 64}


def indicator_name(code: str) -> str:
    """The name of the indicator ``code`` (its code when no app declares it any more)."""
    indicator = indicators.get(code)
    return str(indicator.name) if indicator else code


class IndicatorStandard(models.Model):
    """The default target of an indicator (标准值): what a unit must reach when its
    target-responsibility agreement names no target of its own — 100 % for the rates local plans
    fix, −20 % for accidents and deaths year on year, the yearly numbers to list for supervision
    (10 city / 15 county / 25 township level). Each row says where the number comes from and how
    sure it is; an administrator changes it in the admin (with history). Loaded by migration from
    ``data/standards.py``."""

    indicator = models.CharField(_("indicator"), unique=True, **INDICATOR_CODE)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    basis = models.CharField(_("legal basis"), max_length=300,
                             help_text=_("The document and article that set the number."))
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator standard")
        verbose_name_plural = _("indicator standards")
        ordering = ["indicator"]

    def __str__(self) -> str:
        return f"{indicator_name(self.indicator)}: {self.target.normalize()}"


class SubjectMixin(models.Model):
    """A record about one unit: a region (with everything below it) or a department. The
    region path of the unit is copied (``region_path``): the table is scoped by it."""

    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("department"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.department if self.department_id else self.region

    @property
    def subject_label(self) -> str:
        return str(self.subject) if self.subject else "—"

    def copy_path(self) -> None:
        if self.department_id:
            self.region_path = self.department.region.path
        elif self.region_id:
            self.region_path = self.region.path


class OfficeRecord(VersionedModel, VoidableModel):
    """A record the committee office draws up: versioned, voided (never deleted), with who made it."""

    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


def _one_subject(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(region__isnull=False) & Q(department__isnull=True))
        | (Q(region__isnull=True) & Q(department__isnull=False)), name=name)


class TargetAgreement(SubjectMixin, OfficeRecord):
    """A target-responsibility agreement (安全生产目标责任书) of one year between an assessing
    region's office and a unit below it (a region or a department): one target per indicator.
    Progress is computed live from the indicators. Signed agreements are no longer edited; a wrong
    one is voided and another drawn up. ``state`` moves along ``choices.AGREEMENT_MACHINE``."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    issuer = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("issued by (region)"))
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=AgreementState.choices, default=AgreementState.DRAFT,
                             editable=False)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"

    class Meta:
        verbose_name = _("target-responsibility agreement")
        verbose_name_plural = _("target-responsibility agreements")
        ordering = ["-year", "region_path", "id"]
        constraints = [
            _one_subject("agreement_one_subject"),
            models.UniqueConstraint(fields=["region", "year"], condition=Q(is_voided=False, region__isnull=False),
                                    name="agreement_one_per_region_year"),
            models.UniqueConstraint(fields=["department", "year"],
                                    condition=Q(is_voided=False, department__isnull=False),
                                    name="agreement_one_per_department_year"),
        ]
        indexes = [models.Index(fields=["region_path", "year"], name="agreement_path_year_idx")]

    def __str__(self) -> str:
        return self.title


class TargetItem(models.Model):
    """One target of an agreement: an indicator and the figure to reach (a rate in %, a change
    in % year on year, a number)."""

    agreement = models.ForeignKey(TargetAgreement, on_delete=models.PROTECT, related_name="items",
                                  verbose_name=_("agreement"))
    indicator = models.CharField(_("indicator"), **INDICATOR_CODE)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "agreement__region_path"

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["agreement", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "indicator"], name="target_one_per_indicator")]

    def __str__(self) -> str:
        return f"{indicator_name(self.indicator)} {self.target.normalize()}"

    @property
    def indicator_name(self) -> str:
        return indicator_name(self.indicator)


class AssessmentScheme(OfficeRecord):
    """An assessment scheme (考核方案) of an assessing region's office: whom it assesses (the
    regions directly below, or the region's departments), how often (monthly or yearly rounds),
    whether units assess themselves first, and its weighted items (``SchemeItem``: indicator
    items and items the assessor scores by hand, in a process part and a result part). Its items
    are fixed once a round has been opened."""

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("assessing region"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    period_kind = models.CharField(_("rounds"), max_length=16, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    subject_kind = models.CharField(_("assesses"), max_length=16, choices=SubjectKind.choices,
                                    default=SubjectKind.REGIONS)
    self_assessment = models.BooleanField(_("self-assessment first"), default=True,
                                          help_text=_("Units assess themselves before the organised assessment."))
    bonus_cap = models.DecimalField(_("most bonus points"), max_digits=8, decimal_places=2, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal("0"))])
    basis = models.TextField(pgettext_lazy("assessment", "basis"), blank=True,
                             help_text=_("The document the scheme implements (e.g. the assessment rules)."))

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "region_path", "id"]
        indexes = [models.Index(fields=["region_path", "year"], name="scheme_path_year_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)

    @property
    def total_points(self) -> Decimal:
        return sum((i.points for i in self.items.all()), Decimal("0"))


class SchemeItem(models.Model):
    """One weighted item of a scheme: an indicator scored against its target (``method``), or an
    item the assessor scores by hand. ``target`` (optional) overrides the unit's agreement and the
    indicator standard for this scheme."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="items",
                               verbose_name=_("scheme"))
    part = models.CharField(_("part"), max_length=16, choices=Part.choices, default=Part.RESULT)
    indicator = models.CharField(_("indicator"), blank=True, **INDICATOR_CODE)
    title = models.CharField(_("item"), max_length=200, blank=True,
                             help_text=_("What the assessor scores (items without an indicator)."))
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    method = models.CharField(_("scoring"), max_length=16, choices=Method.choices, default=Method.PASS_FAIL)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4, null=True, blank=True)
    when_unavailable = models.CharField(_("when the figure is not available"), max_length=8,
                                        choices=Unavailable.choices, default=Unavailable.FULL)
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "scheme__region_path"

    class Meta:
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")
        ordering = ["scheme", "part", "sort", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return indicator_name(self.indicator) if self.indicator else self.title


class AssessmentRound(VersionedModel, VoidableModel):
    """One period of a scheme (a month or a year): the units' assessments and, once every unit
    is assessed, the published ranking and its circular (通报). ``state`` moves along
    ``choices.ROUND_MACHINE``."""

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=_("scheme"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices, default=RoundState.OPEN,
                             editable=False)
    document_number = models.CharField(pgettext_lazy("circular", "document number"), max_length=60, blank=True)
    remarks = models.TextField(_("remarks of the circular"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False, verbose_name=_("published by"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "period_start"], condition=Q(is_voided=False),
                                    name="round_one_per_period"),
        ]
        indexes = [models.Index(fields=["region_path", "period_start"], name="round_path_period_idx")]

    def __str__(self) -> str:
        return f"{self.scheme.name} {self.period.label}"

    @property
    def period(self) -> indicators.Period:
        return indicators.Period(self.period_start, self.period_end)

    @property
    def is_published(self) -> bool:
        return self.state == RoundState.PUBLISHED


class Assessment(SubjectMixin, VersionedModel, VoidableModel):
    """The assessment of one unit in one round: its self-assessment, the organised assessment
    (the score that counts), and once the ranking is published its rank among the round's units
    (``rank`` of ``rank_of``; equal scores share a rank). ``state`` moves along
    ``choices.ASSESSMENT_MACHINE``; the score lines and adjustments of each stage are kept."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.PROTECT, related_name="assessments",
                              verbose_name=_("round"))
    state = models.CharField(_("state"), max_length=16, choices=AssessmentState.choices,
                             default=AssessmentState.DRAFT, editable=False)
    self_score = models.DecimalField(_("self-assessed score"), max_digits=8, decimal_places=2, null=True,
                                     blank=True, editable=False)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True, editable=False)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True, editable=False)
    rank_of = models.PositiveSmallIntegerField(_("units ranked"), null=True, blank=True, editable=False)
    self_comment = models.TextField(_("self-assessment remarks"), blank=True, editable=False)
    comment = models.TextField(_("assessment remarks"), blank=True, editable=False)
    self_submitted_at = models.DateTimeField(_("self-assessment submitted at"), null=True, blank=True,
                                             editable=False)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True, editable=False)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("assessed by"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["round", "rank", "region_path", "id"]
        constraints = [
            _one_subject("assessment_one_subject"),
            models.UniqueConstraint(fields=["round", "region"], condition=Q(is_voided=False, region__isnull=False),
                                    name="assessment_one_per_region"),
            models.UniqueConstraint(fields=["round", "department"],
                                    condition=Q(is_voided=False, department__isnull=False),
                                    name="assessment_one_per_department"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="assessment_path_idx"),
            models.Index(fields=["round", "state"], name="assessment_round_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} · {self.round}"


class ScoreLine(models.Model):
    """The points one item earned at one stage, with the figure and the target they were judged
    on (kept: the indicators move on, the assessment does not)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="lines",
                                   verbose_name=_("assessment"))
    item = models.ForeignKey(SchemeItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    value = models.DecimalField(_("figure"), max_digits=14, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "assessment__region_path"

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        ordering = ["assessment", "stage", "item__part", "item__sort", "item_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item", "stage"], name="score_line_once")]

    def __str__(self) -> str:
        return f"{self.item} {self.points}"


class Adjustment(VoidableModel):
    """A deduction or a bonus (扣分、加分项) entered at one stage with its reason (a tour's
    finding, an accident, an award). Removed by voiding, never deleted."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="adjustments",
                                   verbose_name=_("assessment"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=AdjustmentKind.choices)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.TextField(_("reason"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Scoping:
        path = "assessment__region_path"

    class Meta:
        verbose_name = _("deduction or bonus")
        verbose_name_plural = _("deductions and bonuses")
        ordering = ["assessment", "stage", "entered_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"

    @property
    def signed_points(self) -> Decimal:
        return self.points if self.kind == AdjustmentKind.BONUS else -self.points

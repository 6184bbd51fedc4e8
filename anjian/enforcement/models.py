"""Enforcement (监管执法): the regulator's own work on the enterprises it supervises.

- the expert pool (``Expert``), officers' enforcement certificates (``EnforcementCertificate``)
  and the conflicts officers and experts declare (``ConflictDeclaration``);
- (later sections) annual enforcement plans, random draws, enforcement inspections, cases.

Records about an enterprise copy its region path, industry and grid (as hazards do), so every
jurisdiction filter is a range on the table's own index. Records that are the regulators' own
(certificates, conflicts, the expert pool, plans, draws not yet carried out) declare
``Scoping.hidden_from``: an enterprise or a grid officer sees none of them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import VersionedModel, VoidableModel
from anjian.core.scoping import ScopedQuerySet

from .choices import (
    THRESHOLD_LABELS,
    TIME_LIMIT_LABELS,
    AdmonitionKind,
    AdmonitionState,
    CaseMeasure,
    CaseSource,
    CaseState,
    Certainty,
    CertificateState,
    ConflictKind,
    ConflictState,
    DayKind,
    DiscretionTierCode,
    DrawState,
    ExpertState,
    PartyKind,
    PlanState,
    UpliftFactor,
)

OFFICIALS_ONLY = ("enterprise", "grid")
"""``Scoping.hidden_from`` of the regulators' own records (see the module docstring)."""


def _user_fk(related_name: str = "+", **kwargs):
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name=related_name, **kwargs)


# --- expert pool --------------------------------------------------------------------------------

class Expert(VoidableModel, VersionedModel):
    """An expert of a region's pool (专家库): fields (the industries they know), qualifications,
    employer (an expert never inspects their own employer: 回避) and availability. ``user`` is the
    expert's log-in, when they have one: their assignments are their to-do list.

    Changed only through ``enforcement.services`` (``EXPERT_MACHINE``)."""

    name = models.CharField(pgettext_lazy("expert", "name"), max_length=50)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False,
                                 verbose_name=_("employer (registered enterprise)"))
    fields = models.ManyToManyField("enterprises.Industry", blank=True, related_name="+",
                                    verbose_name=_("fields of expertise"))
    specialties = models.CharField(_("specialties"), max_length=200, blank=True)
    qualifications = models.TextField(_("qualifications"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("pool region"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="expert_profile", verbose_name=_("log-in account"))
    state = models.CharField(pgettext_lazy("expert", "state"), max_length=16, choices=ExpertState.choices,
                             default=ExpertState.AVAILABLE, editable=False)
    unavailable_until = models.DateField(_("unavailable until"), null=True, blank=True, editable=False)
    note = models.TextField(pgettext_lazy("expert", "note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"
        hidden_from = OFFICIALS_ONLY

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="enf_expert_path_idx"),
            models.Index(fields=["state", "region_path"], name="enf_expert_state_idx"),
            models.Index(fields=["employer"], name="enf_expert_employer_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_available_on(self, day) -> bool:
        """Available on ``day``: in the pool, not retired, and not marked unavailable then."""
        if self.is_voided or self.state == ExpertState.RETIRED:
            return False
        return self.state == ExpertState.AVAILABLE or (
            self.unavailable_until is not None and self.unavailable_until < day)


# --- officers -----------------------------------------------------------------------------------

class EnforcementCertificate(VoidableModel, VersionedModel):
    """An officer's administrative enforcement certificate (行政执法证): only an officer holding a
    valid one on the day is drawn to inspect (《安全生产法》第六十七条: inspectors show a valid
    enforcement certificate). ``region_path`` is the officer's jurisdiction when it was recorded."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates",
                                db_index=False, verbose_name=pgettext_lazy("enforcement", "officer"))
    number = models.CharField(_("certificate number"), max_length=40)
    issuer = models.CharField(pgettext_lazy("certificate", "issued by"), max_length=100)
    issued_on = models.DateField(pgettext_lazy("certificate", "issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    state = models.CharField(pgettext_lazy("certificate", "state"), max_length=16, choices=CertificateState.choices,
                             default=CertificateState.VALID, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"
        hidden_from = OFFICIALS_ONLY

    class Meta:
        verbose_name = _("enforcement certificate")
        verbose_name_plural = _("enforcement certificates")
        ordering = ["officer_id", "-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=Q(is_voided=False), name="enf_cert_number_uniq"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                                   name="enf_cert_valid_range"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="enf_cert_path_idx"),
            # "Which officers hold a valid certificate on a day" (the draw's eligibility).
            models.Index(fields=["officer", "state", "valid_until"], name="enf_cert_officer_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def is_valid_on(self, day) -> bool:
        return (not self.is_voided and self.state == CertificateState.VALID and self.issued_on <= day
                and (self.valid_until is None or self.valid_until >= day))


class ConflictDeclaration(VoidableModel, VersionedModel):
    """A declared conflict of interest (回避): an officer or an expert (exactly one) must not
    inspect or handle the cases of an enterprise while it is in force. Officers declare their
    own; regulators record them for officers and experts of their jurisdiction."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="declared_conflicts", db_index=False,
                                verbose_name=pgettext_lazy("enforcement", "officer"))
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="conflicts",
                               verbose_name=_("expert"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("enforcement", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 verbose_name=_("industry"))
    kind = models.CharField(pgettext_lazy("conflict", "kind"), max_length=24, choices=ConflictKind.choices)
    reason = models.CharField(pgettext_lazy("conflict", "reason"), max_length=200)
    declared_on = models.DateField(_("declared on"), default=timezone.localdate)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    state = models.CharField(pgettext_lazy("conflict", "state"), max_length=16, choices=ConflictState.choices,
                             default=ConflictState.IN_FORCE, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"
        industry = "industry"
        hidden_from = OFFICIALS_ONLY

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        ordering = ["-declared_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(officer__isnull=False) & Q(expert__isnull=True))
                                   | (Q(officer__isnull=True) & Q(expert__isnull=False)),
                                   name="enf_conflict_one_person"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="enf_conflict_path_idx"),
            # The draw reads the conflicts in force of the drawn enterprises.
            models.Index(fields=["enterprise", "state"], name="enf_conflict_ent_idx"),
            models.Index(fields=["officer", "state"], name="enf_conflict_officer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.officer or self.expert} — {self.enterprise}"

    def in_force_on(self, day) -> bool:
        return (not self.is_voided and self.state == ConflictState.IN_FORCE and self.declared_on <= day
                and (self.valid_until is None or self.valid_until >= day))


# --- annual enforcement plans --------------------------------------------------------------------

class FrequencyUplift(models.Model):
    """Differentiated supervision (分级差别化): the visits a year a factor adds to an enterprise's
    base frequency (the base comes from its risk grade, ``risks.SupervisionFrequency``). Reference
    data with its source and certainty, edited by administrators."""

    factor = models.CharField(_("factor"), max_length=32, choices=UpliftFactor.choices, unique=True)
    extra_visits = models.SmallIntegerField(
        _("extra visits a year"), help_text=_("Negative for fewer visits (the green channel); the planned visits "
                                              "never fall below the lowest base frequency."))
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("frequency uplift")
        verbose_name_plural = _("frequency uplifts")
        ordering = ["factor"]

    def __str__(self) -> str:
        return f"{self.get_factor_display()} +{self.extra_visits}"


class EnforcementPlan(VoidableModel, VersionedModel):
    """A department's annual enforcement plan (年度执法计划): the enterprises it covers, the key
    ones (重点监管企业清单), each one's planned visits (from its risk grade and the uplifts), the
    share of random inspections and the coverage target. Progress is counted from the
    inspections linked to its entries. Changed only through ``enforcement.services``
    (``PLAN_MACHINE``)."""

    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=pgettext_lazy("enforcement", "department"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    year = models.PositiveSmallIntegerField(pgettext_lazy("plan", "year"))
    title = models.CharField(pgettext_lazy("plan", "title"), max_length=200)
    random_share = models.PositiveSmallIntegerField(_("share of random inspections (%)"), default=0,
                                                    validators=[MaxValueValidator(100)])
    coverage_target = models.PositiveSmallIntegerField(_("coverage target of key enterprises (%)"), default=100,
                                                       validators=[MaxValueValidator(100)])
    note = models.TextField(pgettext_lazy("plan", "note"), blank=True)
    state = models.CharField(pgettext_lazy("plan", "state"), max_length=16, choices=PlanState.choices,
                             default=PlanState.DRAFT, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = _user_fk(editable=False, verbose_name=_("approved by"))
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"
        hidden_from = OFFICIALS_ONLY

    class Meta:
        verbose_name = _("enforcement plan")
        verbose_name_plural = _("enforcement plans")
        permissions = [("approve_enforcementplan", _("Can approve, revise and close enforcement plans"))]
        ordering = ["-year", "region_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], condition=Q(is_voided=False),
                                    name="enf_plan_one_per_department_year"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="enf_plan_path_idx"),
            models.Index(fields=["year", "state"], name="enf_plan_year_state_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class PlanEntry(VoidableModel):
    """One enterprise of a plan: whether it is a key enterprise, the factors its frequency came
    from (a snapshot when the plan was built or refreshed), its planned visits (computed, or set
    by hand with the reason) and the visits done so far (counted by the inspection services).
    Removing an enterprise from a draft voids its entry (with the reason)."""

    plan = models.ForeignKey(EnforcementPlan, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("plan"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("enforcement", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=_("grid"))
    is_key = models.BooleanField(_("key enterprise"), default=True)
    risk_level = models.CharField(_("risk level"), max_length=16, blank=True)
    open_major_hazards = models.PositiveIntegerField(_("open major hazards"), default=0)
    accident_last_year = models.BooleanField(_("accident last year"), default=False)
    case_last_year = models.BooleanField(_("case last year"), default=False)
    base_visits = models.PositiveSmallIntegerField(_("visits by risk grade"), default=0)
    computed_visits = models.PositiveSmallIntegerField(_("computed visits"), default=0)
    planned_visits = models.PositiveSmallIntegerField(_("planned visits"), default=0)
    override_reason = models.CharField(_("reason for the planned visits"), max_length=200, blank=True)
    done_visits = models.PositiveSmallIntegerField(_("visits done"), default=0, editable=False)
    last_inspected_on = models.DateField(_("last inspected on"), null=True, blank=True, editable=False)

    class Scoping:
        path = "region_path"
        industry = "industry"
        hidden_from = OFFICIALS_ONLY

    class Meta:
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        ordering = ["plan", "-is_key", "-planned_visits", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], condition=Q(is_voided=False),
                                               name="enf_plan_entry_uniq")]
        indexes = [
            models.Index(fields=["plan", "is_voided", "is_key", "id"], name="enf_entry_plan_idx"),
            models.Index(fields=["enterprise", "plan"], name="enf_entry_ent_idx"),
            models.Index(fields=["region_path", "plan"], name="enf_entry_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.enterprise}"

    def expected_by(self, day) -> int:
        """Visits due by ``day`` in the plan's year, spread evenly over it (rounded down)."""
        import calendar
        from datetime import date

        if day.year < self.plan.year:
            return 0
        if day.year > self.plan.year:
            return self.planned_visits
        days = 366 if calendar.isleap(day.year) else 365
        elapsed = (day - date(day.year, 1, 1)).days + 1
        return self.planned_visits * elapsed // days

    def is_behind(self, day) -> bool:
        return self.done_visits < self.expected_by(day)


# --- random draws ---------------------------------------------------------------------------------

class RandomDraw(VoidableModel, VersionedModel):
    """A random draw (双随机抽查): N enterprises from a filtered pool and, for each, officers from the
    eligible ones (and experts when asked). Everything the draw depended on is stored (``inputs``:
    the pool, the candidates and their exclusions; ``seed``; the parameters), with who drew it and
    when, so anyone in scope can re-run it (``draw.run``) and get the same result (``digest``).
    A draw is never redone in place: a redraw is a new draw that ``replaces`` this one, with a reason,
    and this one is marked superseded."""

    number = models.CharField(pgettext_lazy("draw", "number"), max_length=32, unique=True, editable=False)
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=pgettext_lazy("enforcement", "department"))
    plan = models.ForeignKey(EnforcementPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="draws",
                             verbose_name=_("plan"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    title = models.CharField(pgettext_lazy("draw", "title"), max_length=200)
    criteria = models.JSONField(_("pool filters"), default=dict, editable=False)
    n_enterprises = models.PositiveIntegerField(_("enterprises to draw"))
    officers_per_enterprise = models.PositiveSmallIntegerField(_("officers per enterprise"), default=2)
    experts_per_enterprise = models.PositiveSmallIntegerField(_("experts per enterprise"), default=0)
    max_per_officer = models.PositiveSmallIntegerField(_("at most enterprises per officer"), null=True, blank=True)
    inspect_from = models.DateField(_("inspections from"), null=True, blank=True)
    inspect_to = models.DateField(_("inspections until"), null=True, blank=True)
    seed = models.CharField(_("seed"), max_length=64, editable=False)
    inputs = models.JSONField(_("stored inputs"), default=dict, editable=False)
    pool_size = models.PositiveIntegerField(_("pool size"), default=0, editable=False)
    digest = models.CharField(_("result digest"), max_length=64, editable=False)
    short_entries = models.PositiveIntegerField(_("enterprises short of officers"), default=0, editable=False)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by", editable=False, verbose_name=_("replaces"))
    redraw_reason = models.CharField(_("reason for the redraw"), max_length=200, blank=True, editable=False)
    state = models.CharField(pgettext_lazy("draw", "state"), max_length=16, choices=DrawState.choices,
                             default=DrawState.DRAWN, editable=False)
    drawn_by = _user_fk(editable=False, verbose_name=_("drawn by"))
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(excluded_fields=["region_path", "version", "inputs", "criteria"])

    class Scoping:
        path = "region_path"
        hidden_from = OFFICIALS_ONLY

    class Meta:
        verbose_name = _("random draw")
        verbose_name_plural = _("random draws")
        ordering = ["-drawn_at", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="enf_draw_path_idx"),
            models.Index(fields=["state", "drawn_at"], name="enf_draw_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DrawEntry(models.Model):
    """One enterprise drawn, in draw order, with the officers (and experts) drawn for it; the
    enforcement inspection made from it is linked when it starts."""

    draw = models.ForeignKey(RandomDraw, on_delete=models.PROTECT, related_name="entries", verbose_name=_("draw"))
    order = models.PositiveIntegerField(pgettext_lazy("draw", "order"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("enforcement", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=_("grid"))
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, through="DrawOfficer", related_name="+",
                                      verbose_name=_("officers drawn"))
    experts = models.ManyToManyField(Expert, through="DrawExpert", related_name="+", verbose_name=_("experts drawn"))
    short = models.BooleanField(_("short of officers"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        industry = "industry"
        hidden_from = OFFICIALS_ONLY

    class Meta:
        verbose_name = _("drawn enterprise")
        verbose_name_plural = _("drawn enterprises")
        ordering = ["draw", "order"]
        constraints = [models.UniqueConstraint(fields=["draw", "order"], name="enf_draw_entry_order_uniq")]
        indexes = [
            models.Index(fields=["enterprise", "draw"], name="enf_draw_entry_ent_idx"),
            models.Index(fields=["region_path", "draw"], name="enf_draw_entry_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.draw.number} #{self.order}"


class DrawOfficer(models.Model):
    """An officer drawn for an enterprise (the link of ``DrawEntry.officers``)."""

    entry = models.ForeignKey(DrawEntry, on_delete=models.PROTECT, related_name="officer_links")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=pgettext_lazy("enforcement", "officer"))
    order = models.PositiveSmallIntegerField(pgettext_lazy("draw", "order"))

    class Meta:
        verbose_name = _("officer drawn")
        verbose_name_plural = _("officers drawn")
        ordering = ["entry", "order"]
        constraints = [models.UniqueConstraint(fields=["entry", "officer"], name="enf_draw_officer_uniq")]

    def __str__(self) -> str:
        return str(self.officer_id)


class DrawExpert(models.Model):
    """An expert drawn for an enterprise (the link of ``DrawEntry.experts``)."""

    entry = models.ForeignKey(DrawEntry, on_delete=models.PROTECT, related_name="expert_links")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert"))
    order = models.PositiveSmallIntegerField(pgettext_lazy("draw", "order"))

    class Meta:
        verbose_name = _("expert drawn")
        verbose_name_plural = _("experts drawn")
        ordering = ["entry", "order"]
        constraints = [models.UniqueConstraint(fields=["entry", "expert"], name="enf_draw_expert_uniq")]

    def __str__(self) -> str:
        return str(self.expert_id)


# --- cases --------------------------------------------------------------------------------------
# Administrative cases (行政执法案件): the violation catalogue with its discretion tiers, the time
# limits and review thresholds (reference data with sources), the case with its violations and
# parties, and the summons, circulars and exposure records (约谈、通报、曝光).

class Violation(models.Model):
    """An entry of the violation catalogue (违法行为目录): what the violation is, its legal basis
    (law and article), the penalty the article provides, the statutory fine range for the unit and
    the measure it provides for; its discretion tiers are ``DiscretionTier`` rows. Reference data
    with its source and certainty (``data/cases.py``), edited by administrators; retired, never
    deleted. A fine range of 0–0 means the article sets no fixed range (a share of income,
    closure)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("violation", "violation"), max_length=300)
    law = models.CharField(_("law"), max_length=200)
    article = models.CharField(_("article"), max_length=100)
    penalty = models.TextField(_("penalty provided"))
    min_fine = models.DecimalField(_("minimum fine (yuan)"), max_digits=12, decimal_places=0, default=0)
    max_fine = models.DecimalField(_("maximum fine (yuan)"), max_digits=12, decimal_places=0, default=0)
    measure = models.CharField(_("measure provided"), max_length=24, choices=CaseMeasure.choices, blank=True)
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(pgettext_lazy("violation", "order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catalogued violation")
        verbose_name_plural = _("violation catalogue")
        ordering = ["order", "code"]
        constraints = [models.CheckConstraint(condition=Q(max_fine__gte=models.F("min_fine")),
                                              name="enf_violation_fine_range")]

    def __str__(self) -> str:
        return f"{self.article} {self.name}"

    @property
    def basis(self) -> str:
        return f"{self.law}{self.article}"


class DiscretionTier(models.Model):
    """A discretion tier (裁量阶次) of a catalogued violation and its fine range: the fine a case
    gives for the violation in this tier must lie in it, or the case records why not (减轻 below
    the range, a province's own 基准)."""

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="tiers",
                                  verbose_name=pgettext_lazy("violation", "violation"))
    tier = models.CharField(_("discretion tier"), max_length=16, choices=DiscretionTierCode.choices)
    min_fine = models.DecimalField(_("minimum fine (yuan)"), max_digits=12, decimal_places=0)
    max_fine = models.DecimalField(_("maximum fine (yuan)"), max_digits=12, decimal_places=0)
    circumstances = models.TextField(_("circumstances"), blank=True)
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discretion tier")
        verbose_name_plural = _("discretion tiers")
        ordering = ["violation", "min_fine"]
        constraints = [
            models.UniqueConstraint(fields=["violation", "tier"], name="enf_tier_uniq"),
            models.CheckConstraint(condition=Q(max_fine__gte=models.F("min_fine")), name="enf_tier_fine_range"),
        ]

    def __str__(self) -> str:
        return f"{self.violation.code} {self.get_tier_display()}"


class CaseTimeLimit(models.Model):
    """A legal time limit of a case step (立案, 决定, 听证申请, 送达, 缴纳罚款), in natural or working
    days, with the days it may be extended by; reference data with its source and certainty."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    days = models.PositiveSmallIntegerField(_("days"))
    day_kind = models.CharField(_("counted in"), max_length=16, choices=DayKind.choices, default=DayKind.NATURAL)
    extension_days = models.PositiveSmallIntegerField(_("extension at most (days)"), default=0)
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case time limit")
        verbose_name_plural = _("case time limits")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """What the limit is, in words (the code is the services' key, never shown)."""
        return TIME_LIMIT_LABELS.get(self.code, self.code)


class CaseThreshold(models.Model):
    """An amount that makes a decision major (较大数额罚款: legal review and the offer of a
    hearing), for units or for persons; reference data with its source and certainty."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=0)
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case threshold")
        verbose_name_plural = _("case thresholds")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """What the threshold is, in words (the code is the services' key, never shown)."""
        return THRESHOLD_LABELS.get(self.code, self.code)


class Case(VoidableModel, VersionedModel):
    """An administrative case (行政执法案件) of a department against an enterprise, from the clue
    (awaiting filing) to its close, withdrawal or transfer. It copies the enterprise's scoping keys;
    every change goes through ``enforcement.services.cases`` (``CASE_MACHINE``); the dates the
    deadlines run from are set by the steps, and the due dates (``file_due``, ``decide_due``) are
    computed from the editable time limits when the step is taken, so a later change of a limit
    does not move a running case's deadline."""

    number = models.CharField(pgettext_lazy("case", "number"), max_length=40, blank=True, editable=False)
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=pgettext_lazy("enforcement", "department"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("enforcement", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=_("grid"))
    title = models.CharField(pgettext_lazy("case", "case"), max_length=200)
    source = models.CharField(pgettext_lazy("case", "source"), max_length=16, choices=CaseSource.choices,
                              default=CaseSource.INSPECTION)
    facts = models.TextField(_("facts"), blank=True)
    discovered_on = models.DateField(_("discovered on"))
    accident = models.ForeignKey("accidents.Accident", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False, verbose_name=_("accident"))
    pre_accident = models.BooleanField(_("filed before any accident"), default=True, editable=False)
    state = models.CharField(pgettext_lazy("case", "state"), max_length=16, choices=CaseState.choices,
                             default=CaseState.PENDING, editable=False)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", db_index=False, verbose_name=_("case handler"))
    file_due = models.DateField(_("file by"), null=True, blank=True, editable=False)
    filed_on = models.DateField(_("filed on"), null=True, blank=True, editable=False)
    decide_due = models.DateField(_("decide by"), null=True, blank=True, editable=False)
    extended_days = models.PositiveSmallIntegerField(_("days extended"), default=0, editable=False)
    notified_on = models.DateField(_("notified on"), null=True, blank=True, editable=False)
    hearing_offered = models.BooleanField(_("hearing offered"), default=False, editable=False)
    statement = models.TextField(_("statement, defence or hearing"), blank=True, editable=False)
    statement_on = models.DateField(_("statement recorded on"), null=True, blank=True, editable=False)
    review_opinion = models.TextField(_("legal review opinion"), blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = _user_fk(editable=False, verbose_name=_("reviewed by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True, editable=False)
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=0, default=0, editable=False)
    measure = models.CharField(_("measure"), max_length=24, choices=CaseMeasure.choices, blank=True, editable=False)
    decision_text = models.TextField(_("decision"), blank=True, editable=False)
    public_summary = models.TextField(_("public summary"), blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    paid_amount = models.DecimalField(_("paid (yuan)"), max_digits=12, decimal_places=0, default=0, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    execution_note = models.TextField(_("execution"), blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True, editable=False)
    outcome_reason = models.TextField(_("reason"), blank=True, editable=False)
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"
        industry = "industry"
        grid = "grid"
        enterprise = "enterprise"
        hidden_from = ("grid",)

    class Meta:
        verbose_name = _("enforcement case")
        verbose_name_plural = _("enforcement cases")
        permissions = [("review_case", _("Can give the legal review opinion of cases")),
                       ("decide_case", _("Can decide, extend, withdraw, transfer and close cases"))]
        ordering = ["-discovered_on", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="enf_case_path_idx"),
            models.Index(fields=["state", "region_path"], name="enf_case_state_idx"),
            models.Index(fields=["enterprise", "state"], name="enf_case_ent_idx"),
            models.Index(fields=["industry", "region_path"], name="enf_case_industry_idx"),
            models.Index(fields=["decided_on", "region_path"], name="enf_case_decided_idx"),
            models.Index(fields=["filed_on", "region_path"], name="enf_case_filed_idx"),
            models.Index(fields=["decide_due", "state"], name="enf_case_due_idx"),
            models.Index(fields=["published_at"], name="enf_case_published_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"


class CaseViolation(models.Model):
    """One violation of a case: the catalogue entry, the tier chosen, the fine for it and, when
    the fine lies outside the tier's range, the reason. Replaced as a whole by the step
    ``set_violations`` (the old rows stay, marked replaced; the event keeps what was set)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="violations",
                             verbose_name=pgettext_lazy("case", "case"))
    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=pgettext_lazy("violation", "violation"))
    tier = models.CharField(_("discretion tier"), max_length=16, choices=DiscretionTierCode.choices)
    fine = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=0, default=0)
    deviation_reason = models.CharField(_("reason for a fine outside the range"), max_length=300, blank=True)
    # A new ``set_violations`` replaces the rows (kept, marked replaced): nothing entered is deleted.
    is_voided = models.BooleanField(_("replaced"), default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "case__region_path"
        industry = "case__industry"
        grid = "case__grid"
        enterprise = "case__enterprise"
        hidden_from = ("grid",)

    class Meta:
        verbose_name = _("violation of a case")
        verbose_name_plural = _("violations of a case")
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "violation"], condition=Q(is_voided=False),
                                               name="enf_case_violation_uniq")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.violation_id}"


class CaseParty(models.Model):
    """A party of a case (当事人): the unit, or a responsible person of it (name and post only:
    the public page never shows them)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties",
                             verbose_name=pgettext_lazy("case", "case"))
    kind = models.CharField(pgettext_lazy("party", "kind"), max_length=16, choices=PartyKind.choices)
    name = models.CharField(pgettext_lazy("party", "name"), max_length=100)
    post = models.CharField(_("post"), max_length=100, blank=True)
    fine = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=0, default=0)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "case__region_path"
        industry = "case__industry"
        grid = "case__grid"
        enterprise = "case__enterprise"
        hidden_from = ("grid",)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class Admonition(VoidableModel, VersionedModel):
    """A summons (约谈: of a unit's or a lower government's leaders), a circular (通报) or a public
    exposure (曝光) issued by a department, about an enterprise or a region, with its document
    (an uploaded file). Draft → issued (``ADMONITION_MACHINE``); an exposure is public by nature."""

    kind = models.CharField(pgettext_lazy("admonition", "kind"), max_length=16, choices=AdmonitionKind.choices)
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=pgettext_lazy("enforcement", "department"))
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False,
                                   verbose_name=pgettext_lazy("enforcement", "enterprise"))
    target_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", db_index=False, verbose_name=_("region concerned"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", editable=False, db_index=False, verbose_name=_("industry"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False, verbose_name=pgettext_lazy("case", "case"))
    title = models.CharField(pgettext_lazy("admonition", "title"), max_length=200)
    held_on = models.DateField(_("date"))
    summary = models.TextField(pgettext_lazy("admonition", "summary"), blank=True)
    state = models.CharField(pgettext_lazy("admonition", "state"), max_length=16, choices=AdmonitionState.choices,
                             default=AdmonitionState.DRAFT, editable=False)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"
        industry = "industry"
        enterprise = "enterprise"
        hidden_from = ("grid",)

    class Meta:
        verbose_name = _("summons, circular or exposure")
        verbose_name_plural = _("summons, circulars and exposure")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="enf_admon_path_idx"),
            models.Index(fields=["kind", "held_on", "region_path"], name="enf_admon_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.title


# --- on-site inspections -------------------------------------------------------------------------

from .choices import (  # noqa: E402  (this section's choices, kept beside it for merging)
    DocumentKind,
    FindingDisposition,
    InspectionMode,
    InspectionOutcome,
    InspectionState,
    MeasureKind,
)


class LeaderRotation(VoidableModel, VersionedModel):
    """包县/包乡: which leading official is in charge of night and surprise checks (夜查突查) in a
    county or township for one month. Editable data of the regulators; a night check records the
    rotation it was made under, and what it found is re-checked in the next month."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county or township in charge"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    leader = _user_fk(verbose_name=_("leader (account)"))
    leader_name = models.CharField(_("leader"), max_length=50)
    leader_title = models.CharField(_("leader's post"), max_length=100, blank=True)
    note = models.CharField(pgettext_lazy("rotation", "note"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        path = "region_path"
        hidden_from = OFFICIALS_ONLY

    class Meta:
        verbose_name = _("leader rotation")
        verbose_name_plural = _("leader rotations")
        ordering = ["-month", "region_path", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "month"], condition=Q(is_voided=False),
                                               name="enf_rotation_region_month_uniq")]
        indexes = [models.Index(fields=["region_path", "month"], name="enf_rotation_path_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.leader_name}"


class EnforcementInspection(VoidableModel, VersionedModel):
    """An on-site enforcement inspection (执法检查) by a department's officers: its kind (planned
    from a plan entry, random from a draw entry, unannounced, night/surprise led by an official,
    expert consultation, joint), the team, and the checklist walked item by item — the walk is an
    ``inspections.InspectionRecord`` of kind government (or expert), so the checklist engine and
    "a found item becomes a hazard in one step" are the inspections app's. Both signatures (the
    officer's and the enterprise representative's, PNG attachments) close the on-site part; then
    the documents are issued, the hazards are re-checked by the issuing side and it is closed.

    Changed only through ``enforcement.services.inspections`` (``INSPECTION_MACHINE``)."""

    number = models.CharField(pgettext_lazy("enforcement inspection", "number"), max_length=32, unique=True,
                              editable=False)
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=pgettext_lazy("enforcement", "department"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("enforcement", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=_("grid"))
    kind = models.CharField(pgettext_lazy("enforcement inspection", "kind"), max_length=16,
                            choices=InspectionMode.choices)
    plan_entry = models.ForeignKey(PlanEntry, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="inspections", verbose_name=_("plan entry"))
    draw_entry = models.ForeignKey(DrawEntry, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="inspections", verbose_name=_("drawn enterprise"))
    record = models.OneToOneField("inspections.InspectionRecord", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="enforcement_inspection", editable=False,
                                  verbose_name=_("inspection record"))
    checklist = models.ForeignKey("standards.Checklist", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("checklist"))
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True,
                                      verbose_name=_("inspection team"))
    experts = models.ManyToManyField(Expert, related_name="inspections", blank=True, verbose_name=_("experts"))
    joint_departments = models.ManyToManyField("orgs.Department", related_name="+", blank=True,
                                               verbose_name=_("departments taking part"))
    leader = _user_fk(verbose_name=_("leading official (account)"))
    leader_name = models.CharField(_("leading official"), max_length=50, blank=True)
    rotation = models.ForeignKey(LeaderRotation, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="inspections", verbose_name=_("leader rotation"))
    planned_on = models.DateField(_("planned for"), default=timezone.localdate)
    started_at = models.DateTimeField(_("started on site at"), null=True, blank=True, editable=False)
    location = models.CharField(pgettext_lazy("enforcement inspection", "place inspected"), max_length=200,
                                blank=True)
    summary = models.TextField(pgettext_lazy("enforcement inspection", "summary"), blank=True)
    enterprise_rep_name = models.CharField(_("enterprise representative"), max_length=50, blank=True)
    enterprise_rep_title = models.CharField(_("representative's post"), max_length=50, blank=True)
    officer_signature = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", editable=False, verbose_name=_("officer's signature"))
    enterprise_signature = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+", editable=False,
                                             verbose_name=_("enterprise representative's signature"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, editable=False)
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True, editable=False)
    issued_at = models.DateTimeField(_("documents issued at"), null=True, blank=True, editable=False)
    recheck_from = models.DateField(_("re-check possible from"), null=True, blank=True, editable=False)
    rechecked_at = models.DateTimeField(_("re-checked at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    outcome = models.CharField(pgettext_lazy("enforcement inspection", "outcome"), max_length=16, blank=True,
                               choices=InspectionOutcome.choices, editable=False)
    counted_on_plan = models.BooleanField(_("counted on the plan"), default=False, editable=False)
    state = models.CharField(pgettext_lazy("enforcement inspection", "state"), max_length=16,
                             choices=InspectionState.choices, default=InspectionState.DRAFT, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    class Scoping:
        # The enterprise is a party: it sees its own inspections (it signs the record and receives
        # the documents); grid officers see none.
        path = "region_path"
        industry = "industry"
        enterprise = "enterprise"
        hidden_from = ("grid",)

    class Meta:
        verbose_name = _("enforcement inspection")
        verbose_name_plural = _("enforcement inspections")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="enf_insp_path_idx"),
            models.Index(fields=["state", "region_path"], name="enf_insp_state_idx"),
            models.Index(fields=["kind", "region_path"], name="enf_insp_kind_idx"),
            models.Index(fields=["department", "planned_on"], name="enf_insp_dept_idx"),
            models.Index(fields=["enterprise", "planned_on"], name="enf_insp_ent_idx"),
            models.Index(fields=["planned_on", "region_path"], name="enf_insp_date_idx"),
            models.Index(fields=["outcome", "region_path"], name="enf_insp_outcome_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    # --- what the machine's guards ask -----------------------------------------------------------

    def unchecked_items(self):
        from anjian.inspections.models import InspectionItemResult

        return InspectionItemResult.objects.filter(record_id=self.record_id, result="")

    def undisposed_items(self):
        """Items found wanting that are neither a hazard nor a noted violation yet."""
        from anjian.inspections.choices import ItemResult
        from anjian.inspections.models import InspectionItemResult

        return (InspectionItemResult.objects.filter(record_id=self.record_id, result=ItemResult.HAZARD_FOUND,
                                                    hazard__isnull=True)
                .exclude(pk__in=InspectionFinding.objects.filter(inspection_id=self.pk).values("item_id")))

    def hazards(self):
        from anjian.hazards.models import Hazard

        return Hazard.objects.filter(pk__in=InspectionFinding.objects.filter(
            inspection_id=self.pk, hazard__isnull=False).values("hazard_id"))

    def hazards_awaiting_recheck(self):
        return self.hazards().filter(is_voided=False, recheck_required=True, rechecked_at__isnull=True)

    def needs_recheck(self) -> bool:
        """Hazards of this inspection await their re-check, or — a night or surprise check — what
        it found has not been re-checked (next month) yet."""
        if self.hazards_awaiting_recheck().exists():
            return True
        return (self.kind == InspectionMode.NIGHT and self.rechecked_at is None
                and InspectionFinding.objects.filter(inspection_id=self.pk).exists())

    def recheck_possible(self, today=None) -> bool:
        """Re-check only after the rectification deadline, or once the enterprise has reported
        every hazard rectified; a night check's findings are re-checked in the next month."""
        from anjian.hazards.choices import RECHECK_STATES

        today = today or timezone.localdate()
        if not self.needs_recheck():
            return False
        waiting = self.hazards_awaiting_recheck()
        if self.recheck_from and today < self.recheck_from:
            return False
        if self.rectification_deadline and self.rectification_deadline < today:
            return True
        return not waiting.exclude(state__in=RECHECK_STATES).exists()


class InspectionFinding(models.Model):
    """What one item found wanting became, in one step: a hazard in the hazard loop (the item's
    ``hazard``, re-checked by the issuing side) or a violation noted for an enforcement case (the
    text, its legal basis; ``case_number`` names the case once one is filed)."""

    inspection = models.ForeignKey(EnforcementInspection, on_delete=models.PROTECT, related_name="findings",
                                   verbose_name=_("enforcement inspection"))
    item = models.OneToOneField("inspections.InspectionItemResult", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("check item"))
    disposition = models.CharField(pgettext_lazy("finding", "disposition"), max_length=16,
                                   choices=FindingDisposition.choices)
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("hazard"))
    violation = models.TextField(_("violation"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    for_case = models.BooleanField(_("to be dealt with by a case"), default=False)
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    created_by = _user_fk(editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "inspection__region_path"
        industry = "inspection__industry"
        enterprise = "inspection__enterprise"
        hidden_from = ("grid",)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "id"]
        indexes = [models.Index(fields=["disposition", "for_case"], name="enf_finding_disp_idx")]

    def __str__(self) -> str:
        return f"{self.inspection} #{self.item_id}"


class DocumentCounter(models.Model):
    """The last number given to a kind of document by a department in a year (文号 sequence):
    locked and incremented in the transaction that issues the document."""

    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [models.UniqueConstraint(fields=["department", "year", "kind"], name="enf_doc_counter_uniq")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.year} {self.kind} {self.last}"


class CompulsoryMeasure(models.Model):
    """A compulsory measure decided on an inspection (强制措施: 停产停业, 停止施工, 停止供电,
    查封扣押): a recorded decision with its reason, legal basis, what it covers, its period and
    its decision document; lifted (never deleted) once the enterprise complied."""

    inspection = models.ForeignKey(EnforcementInspection, on_delete=models.PROTECT, related_name="measures",
                                   verbose_name=_("enforcement inspection"))
    kind = models.CharField(pgettext_lazy("measure", "kind"), max_length=24, choices=MeasureKind.choices)
    reason = models.TextField(pgettext_lazy("measure", "reason"))
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    scope = models.TextField(_("facilities, places or goods concerned"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    approved_by_name = models.CharField(_("approved by (head of the department)"), max_length=50, blank=True)
    decided_by = _user_fk(editable=False, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now, editable=False)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True, editable=False)
    lift_reason = models.CharField(_("reason for lifting"), max_length=200, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "inspection__region_path"
        industry = "inspection__industry"
        enterprise = "inspection__enterprise"
        hidden_from = ("grid",)

    class Meta:
        verbose_name = _("compulsory measure")
        verbose_name_plural = _("compulsory measures")
        ordering = ["inspection", "id"]
        indexes = [models.Index(fields=["kind", "decided_at"], name="enf_measure_kind_idx")]

    def __str__(self) -> str:
        return self.get_kind_display()


class EnforcementDocument(models.Model):
    """An enforcement document issued on an inspection (现场检查记录, 责令限期整改指令书,
    整改复查意见书, 强制措施决定书): its number (文号, per department and year), the day, and what
    it said when issued (``content``), so the PDF prints the same text later."""

    inspection = models.ForeignKey(EnforcementInspection, on_delete=models.PROTECT, related_name="documents",
                                   verbose_name=_("enforcement inspection"))
    kind = models.CharField(pgettext_lazy("document", "kind"), max_length=16, choices=DocumentKind.choices)
    number = models.CharField(_("document number"), max_length=80, unique=True)
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=pgettext_lazy("enforcement", "department"))
    year = models.PositiveSmallIntegerField(pgettext_lazy("document", "year"))
    seq = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("issued on"))
    measure = models.OneToOneField(CompulsoryMeasure, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="document", verbose_name=_("compulsory measure"))
    content = models.JSONField(_("content"), default=dict)
    issued_by = _user_fk(editable=False, verbose_name=_("issued by"))

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "inspection__region_path"
        industry = "inspection__industry"
        enterprise = "inspection__enterprise"
        hidden_from = ("grid",)

    class Meta:
        verbose_name = _("enforcement document")
        verbose_name_plural = _("enforcement documents")
        ordering = ["inspection", "issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["department", "year", "kind", "seq"],
                                               name="enf_doc_seq_uniq")]
        indexes = [models.Index(fields=["kind", "issued_on"], name="enf_doc_kind_idx")]

    def __str__(self) -> str:
        return self.number

"""Risk points, risk assessments and control measures (安全风险分级管控).

- ``RiskProfile`` / ``RiskBand`` / ``FactorValue``: the evaluation rules as data. The band
  thresholds, which band owns a boundary value (``lower_inclusive``) and the allowed L/E/C/S
  values are editable reference data (REGULATIONS.md §3 marks them [VAR]).
- ``RiskPoint``: a place, installation, activity or post that carries risk, with its current
  level copied from its latest ``RiskAssessment`` (which keeps inputs, profile and a snapshot
  of the bands, so a level can always be explained).
- ``ControlMeasure``: who controls the risk and how; active measures become check items of
  the enterprise's own checklist (services.generate_check_items).
- ``EnterpriseRiskGrade``, ``SourceGradeLevel``, ``SupervisionFrequency``: the enterprise's
  overall grade and the differentiated-supervision frequency derived from it.

A risk point copies its enterprise's region path, industry and grid (like hazards), so every
jurisdiction filter and the province-wide map read this table's own indexes.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet

from .choices import ControlLevel, Factor, MeasureType, Method, PointKind, RiskLevel


def new_card_token() -> str:
    """An unguessable token for the public page of a risk notification card (~190 bits)."""
    return secrets.token_urlsafe(24)


class RiskProfile(models.Model):
    """A named set of bands that turns a score (LEC D or LS R) into a risk level. One profile
    per method is the default (chosen by administrators); an assessment names the one used."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    is_default = models.BooleanField(_("default for its method"), default=False)
    note = models.TextField(_("source and certainty"), blank=True)
    sort = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk profile")
        verbose_name_plural = _("risk profiles")
        ordering = ["method", "sort", "code"]
        constraints = [
            # Exactly one default per method: at most one here, at least one by the service.
            models.UniqueConstraint(fields=["method"], condition=models.Q(is_default=True),
                                    name="risk_profile_one_default_per_method"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RiskBand(models.Model):
    """One band of a profile: scores above ``lower_bound`` (or equal to it when
    ``lower_inclusive``) and below the next band's bound get ``level``. The lowest band should
    start at 0 inclusive so every score has a level."""

    profile = models.ForeignKey(RiskProfile, on_delete=models.CASCADE, related_name="bands",
                                verbose_name=_("profile"))
    level = models.CharField(pgettext_lazy("risk", "level"), max_length=16, choices=RiskLevel.choices)
    lower_bound = models.DecimalField(_("lower bound"), max_digits=8, decimal_places=2)
    lower_inclusive = models.BooleanField(_("lower bound belongs to this band"), default=True)

    class Meta:
        verbose_name = _("risk band")
        verbose_name_plural = _("risk bands")
        ordering = ["profile", "-lower_bound"]
        constraints = [models.UniqueConstraint(fields=["profile", "level"], name="risk_band_one_per_level")]

    def __str__(self) -> str:
        op = "≥" if self.lower_inclusive else ">"
        return f"{self.get_level_display()} {op} {self.lower_bound.normalize()}"


class FactorValue(models.Model):
    """One allowed value of a method's input (e.g. LEC E = 6 "每天工作时间内暴露"), with its
    meaning for the dropdowns. Values not listed here are refused."""

    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    factor = models.CharField(_("factor"), max_length=1, choices=Factor.choices)
    value = models.DecimalField(_("value"), max_digits=6, decimal_places=2)
    meaning = models.CharField(_("meaning"), max_length=200)
    meaning_en = models.CharField(_("meaning (English)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("factor value")
        verbose_name_plural = _("factor values")
        ordering = ["method", "factor", "-value"]
        constraints = [models.UniqueConstraint(fields=["method", "factor", "value"], name="risk_factor_value_uniq")]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.factor.upper()}={self.value.normalize()} {self.meaning}"


class RiskPointQuerySet(ScopedQuerySet):
    pass


class RiskPoint(VoidableModel, VersionedModel, AuthoredModel):
    """A risk point (风险点): an installation, site, activity or post of one enterprise that
    carries risk. ``level``/``score``/``method``/``profile`` are copied from its latest
    assessment (empty until assessed). Changed through ``core.workflow``: ``version`` (from
    ``VersionedModel``) refuses a change made from a stale copy (409)."""

    is_voided = models.BooleanField(_("voided"), default=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="risk_points",
                                   db_index=False, verbose_name=_("enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+",
                                 db_index=False, editable=False, verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False, editable=False, verbose_name=_("grid"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PointKind.choices, default=PointKind.INSTALLATION)
    department = models.CharField(_("workshop / department"), max_length=100, blank=True)
    location = models.CharField(pgettext_lazy("risk point", "location"), max_length=200, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    hazard_factors = models.ManyToManyField("standards.HazardFactorClass", blank=True, related_name="risk_points",
                                            verbose_name=_("hazard factors (GB/T 13861)"))
    accident_types = models.ManyToManyField("standards.AccidentType", blank=True, related_name="risk_points",
                                            verbose_name=_("possible accident types"))
    responsible_name = models.CharField(pgettext_lazy("risk point", "responsible person"), max_length=50)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=30, blank=True)
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("responsible person (user)"))
    emergency_measures = models.TextField(_("emergency measures"), blank=True)
    description = models.TextField(_("description"), blank=True)

    # Copied from the latest assessment (services.assess_risk_point).
    level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices, blank=True, editable=False)
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, blank=True, editable=False)
    profile = models.ForeignKey(RiskProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                editable=False, verbose_name=_("profile"))
    last_assessed_at = models.DateTimeField(_("last assessed at"), null=True, blank=True, editable=False)

    card_token = models.CharField(_("card token"), max_length=64, unique=True, default=new_card_token,
                                  editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version", "card_token"])
    objects = RiskPointQuerySet.as_manager()

    Scoping = EnterpriseRecordScoping

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["-id"]
        indexes = [
            # The list (region range, newest first) and the map/distribution (region range
            # read with its level: index-only scans of the subtree).
            models.Index(fields=["region_path", "is_voided", "id"], name="rp_path_idx"),
            models.Index(fields=["region_path", "level", "industry"], condition=models.Q(is_voided=False),
                         name="rp_path_level_idx"),
            models.Index(fields=["level", "region_path"], condition=models.Q(is_voided=False),
                         name="rp_level_path_idx"),
            models.Index(fields=["industry", "region_path"], condition=models.Q(is_voided=False),
                         name="rp_industry_path_idx"),
            models.Index(fields=["kind", "region_path"], condition=models.Q(is_voided=False),
                         name="rp_kind_path_idx"),
            models.Index(fields=["enterprise", "is_voided", "level"], name="rp_ent_idx"),
            models.Index(fields=["grid", "id"], name="rp_grid_idx"),
            # The map's "showing N of M located": the few points without coordinates, by region.
            models.Index(fields=["region_path"], name="rp_unlocated_idx",
                         condition=models.Q(is_voided=False) & (models.Q(longitude__isnull=True)
                                                                | models.Q(latitude__isnull=True))),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def colour(self) -> str:
        from .choices import LEVEL_COLOUR

        return LEVEL_COLOUR.get(self.level, "")


class RiskAssessment(models.Model):
    """One assessment of a risk point (kept forever): who, when, the method, the inputs, the
    score, the level, the profile used and a snapshot of its bands at that moment."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="assessments",
                                   verbose_name=_("risk point"))
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    inputs = models.JSONField(_("inputs"), default=dict)
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2)
    level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices)
    profile = models.ForeignKey(RiskProfile, on_delete=models.PROTECT, related_name="assessments",
                                verbose_name=_("profile"))
    profile_code = models.CharField(_("profile code"), max_length=32)
    bands = models.JSONField(_("bands used"), default=list)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("assessed by"))
    assessed_at = models.DateTimeField(_("assessed at"))
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "risk_point__region_path"
        industry = "risk_point__industry"
        grid = "risk_point__grid"
        enterprise = "risk_point__enterprise"

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["risk_point", "assessed_at"], name="ra_point_idx")]

    def __str__(self) -> str:
        return f"{self.risk_point_id} {self.method.upper()} {self.score.normalize()} {self.get_level_display()}"


class ControlMeasure(VoidableModel, VersionedModel):
    """A control measure of a risk point (管控措施): what is done, at which level it is owned
    (company, workshop, team, post), of which type, and by whom. Voided, never deleted; versioned
    like its risk point (a change from a stale copy is a 409)."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="measures",
                                   verbose_name=_("risk point"))
    content = models.TextField(_("measure"))
    control_level = models.CharField(_("control level"), max_length=16, choices=ControlLevel.choices,
                                     default=ControlLevel.WORKSHOP)
    measure_type = models.CharField(_("type"), max_length=16, choices=MeasureType.choices,
                                    default=MeasureType.MANAGEMENT)
    owner_name = models.CharField(_("owner"), max_length=50, blank=True)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("owner (user)"))
    is_active = models.BooleanField(_("active"), default=True)
    # The check item generated from this measure (services.generate_check_items), if any.
    check_item = models.ForeignKey("standards.CheckItem", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False, verbose_name=_("check item"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Scoping:
        path = "risk_point__region_path"
        industry = "risk_point__industry"
        grid = "risk_point__grid"
        enterprise = "risk_point__enterprise"

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        ordering = ["risk_point", "control_level", "id"]
        indexes = [models.Index(fields=["risk_point", "is_voided"], name="cm_point_idx")]

    def __str__(self) -> str:
        return self.content[:60]


class SourceGradeLevel(models.Model):
    """Our rule (not a regulation): the risk level a major hazard source of a grade (1–4)
    makes its enterprise at least. Editable by administrators."""

    grade = models.PositiveSmallIntegerField(_("major hazard source grade"), unique=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(4)])
    level = models.CharField(_("at least risk level"), max_length=16, choices=RiskLevel.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("major-source grade rule")
        verbose_name_plural = _("major-source grade rules")
        ordering = ["grade"]

    def __str__(self) -> str:
        return gettext("Grade %(grade)s source: at least %(level)s") % {
            "grade": self.grade, "level": self.get_level_display()}


class SupervisionFrequency(models.Model):
    """Differentiated supervision (分级差别化监管): how many regulator inspections a year an
    enterprise of an overall risk level is planned to get. Example defaults, set by the bureau."""

    level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices, unique=True)
    per_year = models.PositiveSmallIntegerField(_("inspections per year"))
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision frequency")
        verbose_name_plural = _("supervision frequencies")
        ordering = ["-per_year"]

    def __str__(self) -> str:
        return gettext("%(level)s: %(n)s inspections a year") % {"level": self.get_level_display(), "n": self.per_year}


class EnterpriseRiskGrade(models.Model):
    """An enterprise's overall risk grade, derived (services.refresh_enterprise_grade) from
    its assessed risk points and its major hazard sources; ``explanation`` says why."""

    enterprise = models.OneToOneField("enterprises.Enterprise", on_delete=models.PROTECT, related_name="risk_grade",
                                      verbose_name=_("enterprise"))
    level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices, blank=True)
    derived_at = models.DateTimeField(_("derived at"))
    explanation = models.JSONField(_("explanation"), default=dict)
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+",
                                 editable=False, verbose_name=_("industry"))

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        industry = "industry"
        grid = "enterprise__grid"
        enterprise = "enterprise"

    class Meta:
        verbose_name = _("enterprise risk grade")
        verbose_name_plural = _("enterprise risk grades")
        ordering = ["enterprise_id"]
        indexes = [models.Index(fields=["region_path", "level"], name="erg_path_level_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.get_level_display() or '—'}"

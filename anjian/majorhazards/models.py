"""Major hazard sources (危险化学品重大危险源, GB 18218-2018).

Two parts:

- the reference tables of the standard, versioned: a ``CriticalQuantityTable`` (one version of
  GB 18218) owns its Table-1 rows (``NamedChemical``), Table 2/4 rows (``HazardClassThreshold``),
  Table 5 (``AlphaBand``) and Table 6 (``GradeBand``). An administrator makes a new version by
  copying the current one (services.new_table_version) and edits it; every evaluation records
  the version it used, so old evaluations keep pointing at theirs;
- the registry: a ``MajorHazardSource`` (a production or storage unit of an enterprise) with the
  chemicals it holds (``SourceSubstance``), every evaluation of it (``SourceEvaluation``), its
  three 包保责任人 (``ResponsiblePerson``) and their checks (``ResponsibleCheck``).

A source copies its enterprise's region path, industry and grid (like a hazard) so every
jurisdiction filter is on this table's own indexes.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet

from .choices import MajorGrade, PersonRole, SourceState, UnitKind

POSITIVE = [MinValueValidator(Decimal("0.000001"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


# --- reference tables ---------------------------------------------------------------------------

class CriticalQuantityTable(models.Model):
    """One version of the GB 18218 tables (临界量表). Exactly one version is current: new
    evaluations use it; each evaluation keeps a link to the version it used."""

    code = models.CharField(pgettext_lazy("major hazard", "standard"), max_length=32, default="GB18218-2018")
    version = models.PositiveIntegerField(pgettext_lazy("major hazard", "version"), default=1)
    title = models.CharField(pgettext_lazy("major hazard", "title"), max_length=200)
    effective_from = models.DateField(pgettext_lazy("major hazard", "effective from"), null=True, blank=True)
    is_current = models.BooleanField(pgettext_lazy("major hazard", "current version"), default=False)
    source_note = models.TextField(_("source and certainty"), blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 editable=False, verbose_name=_("copied from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("critical quantity table")
        verbose_name_plural = _("critical quantity tables")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="mh_table_code_version_uniq"),
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True),
                                    name="mh_table_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class NamedChemical(models.Model):
    """A row of Table 1: a named hazardous chemical with its critical quantity Q (t).

    ``beta`` is set when Table 3 names the gas (its ``beta_gas`` name); otherwise β comes from
    Table 4 of ``default_class`` — a class we derived [D], not given by the standard."""

    table = models.ForeignKey(CriticalQuantityTable, on_delete=models.PROTECT, related_name="chemicals",
                              verbose_name=_("table version"))
    seq = models.PositiveSmallIntegerField(pgettext_lazy("major hazard", "row"))
    name = models.CharField(pgettext_lazy("major hazard", "name"), max_length=120)
    aliases = models.CharField(pgettext_lazy("major hazard", "aliases"), max_length=200, blank=True,
                               help_text=_("Other names, separated by semicolons."))
    cas_numbers = models.CharField(_("CAS numbers"), max_length=120, blank=True,
                                   help_text=_("Separated by semicolons; empty when the row has none."))
    critical_quantity = models.DecimalField(_("critical quantity Q (t)"), max_digits=12, decimal_places=4,
                                            validators=POSITIVE)
    beta = models.DecimalField(_("β (Table 3)"), max_digits=6, decimal_places=2, null=True, blank=True,
                               validators=POSITIVE)
    beta_gas = models.CharField(_("Table 3 gas"), max_length=40, blank=True)
    default_class = models.CharField(_("default hazard class for β [D]"), max_length=8, blank=True,
                                     help_text=_("Our derivation [D]: the standard names no class for this."))
    check_note = models.CharField(_("check note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("named chemical (Table 1)")
        verbose_name_plural = _("named chemicals (Table 1)")
        ordering = ["table", "seq"]
        constraints = [models.UniqueConstraint(fields=["table", "seq"], name="mh_chemical_table_seq_uniq")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.name}"

    @property
    def cas_list(self) -> list[str]:
        return [c.strip() for c in self.cas_numbers.replace("；", ";").split(";") if c.strip()]

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.replace("；", ";").split(";") if a.strip()]


class HazardClassThreshold(models.Model):
    """A row of Table 2 (critical quantity by hazard class) with its Table 4 β."""

    table = models.ForeignKey(CriticalQuantityTable, on_delete=models.PROTECT, related_name="classes",
                              verbose_name=_("table version"))
    symbol = models.CharField(pgettext_lazy("major hazard", "symbol"), max_length=8)
    hazard_class = models.CharField(pgettext_lazy("major hazard", "hazard class"), max_length=60)
    description = models.CharField(_("category / description"), max_length=200)
    critical_quantity = models.DecimalField(_("critical quantity Q (t)"), max_digits=12, decimal_places=4,
                                            validators=POSITIVE)
    beta = models.DecimalField(_("β (Table 4)"), max_digits=6, decimal_places=2, validators=POSITIVE)
    note = models.CharField(pgettext_lazy("major hazard", "note"), max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField(pgettext_lazy("major hazard", "sort order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hazard class threshold (Tables 2 and 4)")
        verbose_name_plural = _("hazard class thresholds (Tables 2 and 4)")
        ordering = ["table", "sort", "symbol"]
        constraints = [models.UniqueConstraint(fields=["table", "symbol"], name="mh_class_table_symbol_uniq")]

    def __str__(self) -> str:
        return f"{self.symbol} {self.hazard_class}"


class AlphaBand(models.Model):
    """A row of Table 5: α for a band of residents within 500 m outside the plant boundary."""

    table = models.ForeignKey(CriticalQuantityTable, on_delete=models.PROTECT, related_name="alpha_bands",
                              verbose_name=_("table version"))
    min_population = models.PositiveIntegerField(_("from (people)"))
    max_population = models.PositiveIntegerField(_("to (people, inclusive)"), null=True, blank=True,
                                                 help_text=_("Empty: no upper bound."))
    alpha = models.DecimalField(_("α"), max_digits=6, decimal_places=2, validators=POSITIVE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("α band (Table 5)")
        verbose_name_plural = _("α bands (Table 5)")
        ordering = ["table", "min_population"]
        constraints = [models.UniqueConstraint(fields=["table", "min_population"], name="mh_alpha_table_min_uniq")]

    def __str__(self) -> str:
        upper = "∞" if self.max_population is None else self.max_population
        return f"{self.min_population}–{upper}: α={self.alpha}"


class GradeBand(models.Model):
    """A row of Table 6: the grade of a major hazard source for R in [min_r, max_r)."""

    table = models.ForeignKey(CriticalQuantityTable, on_delete=models.PROTECT, related_name="grade_bands",
                              verbose_name=_("table version"))
    grade = models.PositiveSmallIntegerField(pgettext_lazy("major hazard", "grade"), choices=MajorGrade.choices)
    min_r = models.DecimalField(_("R from (inclusive)"), max_digits=12, decimal_places=4, null=True, blank=True,
                                help_text=_("Empty: no lower bound."))
    max_r = models.DecimalField(_("R below (exclusive)"), max_digits=12, decimal_places=4, null=True, blank=True,
                                help_text=_("Empty: no upper bound."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grade band (Table 6)")
        verbose_name_plural = _("grade bands (Table 6)")
        ordering = ["table", "grade"]
        constraints = [models.UniqueConstraint(fields=["table", "grade"], name="mh_grade_table_grade_uniq")]

    def __str__(self) -> str:
        return f"{self.grade}: [{self.min_r}, {self.max_r})"


# --- registry -----------------------------------------------------------------------------------

class MajorHazardSource(VoidableModel, VersionedModel, AuthoredModel):
    """A unit (production or storage) of an enterprise that holds hazardous chemicals, with its
    identification (S) and grade (R) from its latest evaluation, copied here for lists.

    Changed only through ``anjian.majorhazards.services`` (the ``core.workflow`` write path):
    ``state`` follows ``choices.SOURCE_MACHINE``; ``version`` (``VersionedModel``) is bumped by every
    change, a change made from a stale copy is a 409. Every change of substances or population
    re-evaluates."""

    is_voided = models.BooleanField(_("voided"), default=False)
    number = models.CharField(pgettext_lazy("major hazard", "number"), max_length=32, unique=True, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="major_hazard_sources", db_index=False,
                                   verbose_name=pgettext_lazy("major hazard", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", db_index=False,
                                 editable=False, verbose_name=pgettext_lazy("major hazard", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False, editable=False, verbose_name=pgettext_lazy("major hazard", "grid"))
    name = models.CharField(pgettext_lazy("major hazard", "name"), max_length=120)
    unit_kind = models.CharField(pgettext_lazy("major hazard", "unit kind"), max_length=16, choices=UnitKind.choices)
    address = models.CharField(pgettext_lazy("major hazard", "location"), max_length=200, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    population_500m = models.PositiveIntegerField(
        _("residents within 500 m"), default=0,
        help_text=_("Resident population within 500 m outside the plant boundary (Table 5)."))
    description = models.TextField(pgettext_lazy("major hazard", "description"), blank=True)
    # From the latest evaluation (denormalised for the registry and its filters).
    s_value = models.DecimalField(_("S"), max_digits=20, decimal_places=6, default=0, editable=False)
    r_value = models.DecimalField(_("R"), max_digits=20, decimal_places=6, default=0, editable=False)
    alpha = models.DecimalField(_("α"), max_digits=6, decimal_places=2, null=True, editable=False)
    grade = models.PositiveSmallIntegerField(pgettext_lazy("major hazard", "grade"), choices=MajorGrade.choices, null=True, blank=True,
                                             editable=False)
    is_major = models.BooleanField(_("major hazard source (S ≥ 1)"), default=False, editable=False)
    evaluated_at = models.DateTimeField(pgettext_lazy("major hazard", "evaluated at"), null=True, blank=True, editable=False)
    state = models.CharField(pgettext_lazy("major hazard", "state"), max_length=16, choices=SourceState.choices,
                             default=SourceState.IN_OPERATION, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])
    objects = ScopedQuerySet.as_manager()

    Scoping = EnterpriseRecordScoping

    class Meta:
        verbose_name = _("major hazard source")
        verbose_name_plural = _("major hazard sources")
        ordering = ["-id"]
        permissions = [("transition_majorhazardsource", _("Can change the state of major hazard sources"))]
        indexes = [
            # The registry's filters: region (range), grade, unit kind, is_major, industry, enterprise.
            models.Index(fields=["region_path", "is_voided", "id"], name="mh_path_idx"),
            models.Index(fields=["grade", "region_path"], name="mh_grade_path_idx"),
            models.Index(fields=["is_major", "region_path"], name="mh_major_path_idx"),
            models.Index(fields=["unit_kind", "region_path"], name="mh_kind_path_idx"),
            models.Index(fields=["industry", "region_path"], name="mh_industry_path_idx"),
            # selectors.best_grade_by_enterprise and the enterprise filter.
            models.Index(fields=["enterprise", "is_major", "state"], name="mh_ent_major_idx"),
            models.Index(fields=["grid", "id"], name="mh_grid_idx"),
            models.Index(fields=["state", "region_path"], name="mh_state_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class SourceSubstance(VoidableModel):
    """A hazardous chemical held in a source, at its design maximum quantity (设计最大量, t).

    Either a Table-1 ``chemical`` or (for chemicals not in Table 1) a ``hazard_class`` symbol of
    Table 2; ``hazard_class`` on a Table-1 chemical overrides the class its β is taken from."""

    source = models.ForeignKey(MajorHazardSource, on_delete=models.PROTECT, related_name="substances",
                               verbose_name=_("major hazard source"))
    chemical = models.ForeignKey(NamedChemical, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("named chemical (Table 1)"))
    hazard_class = models.CharField(_("hazard class (Table 2)"), max_length=60, blank=True,
                                    help_text=_("Symbols such as W5.3; several separated by commas."))
    name = models.CharField(pgettext_lazy("major hazard", "name"), max_length=120)
    cas = models.CharField(pgettext_lazy("major hazard", "CAS number"), max_length=20, blank=True)
    quantity_t = models.DecimalField(_("design maximum quantity (t)"), max_digits=14, decimal_places=4,
                                     validators=NON_NEGATIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "source__region_path"
        industry = "source__industry"
        grid = "source__grid"
        enterprise = "source__enterprise"

    class Meta:
        verbose_name = _("substance of a source")
        verbose_name_plural = _("substances of sources")
        ordering = ["source", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity_t} t"

    def as_input(self) -> dict:
        """The evaluation input of this substance (the same shape the evaluate endpoint takes)."""
        out = {"name": self.name, "quantity_t": str(self.quantity_t)}
        if self.cas:
            out["cas"] = self.cas
        if self.hazard_class:
            out["hazard_class"] = [c.strip() for c in self.hazard_class.split(",") if c.strip()]
        if self.chemical_id:
            out["chemical_seq"] = self.chemical.seq
        return out


class SourceEvaluation(models.Model):
    """One identification and grading of a source: its inputs, per-substance items, S, α, R and
    grade, and the table version used. Written by the service on every relevant change."""

    source = models.ForeignKey(MajorHazardSource, on_delete=models.PROTECT, related_name="evaluations",
                               verbose_name=_("major hazard source"))
    table = models.ForeignKey(CriticalQuantityTable, on_delete=models.PROTECT, related_name="evaluations",
                              verbose_name=_("table version"))
    inputs = models.JSONField(pgettext_lazy("major hazard", "inputs"))
    items = models.JSONField(pgettext_lazy("major hazard", "items"))
    s_value = models.DecimalField(_("S"), max_digits=20, decimal_places=6)
    alpha = models.DecimalField(_("α"), max_digits=6, decimal_places=2)
    r_value = models.DecimalField(_("R"), max_digits=20, decimal_places=6)
    grade = models.PositiveSmallIntegerField(pgettext_lazy("major hazard", "grade"), choices=MajorGrade.choices, null=True, blank=True)
    is_major = models.BooleanField(_("major hazard source (S ≥ 1)"))
    reason = models.CharField(pgettext_lazy("major hazard", "reason"), max_length=60, blank=True)
    evaluated_at = models.DateTimeField(pgettext_lazy("major hazard", "evaluated at"), auto_now_add=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("evaluated by"))

    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "source__region_path"
        industry = "source__industry"
        grid = "source__grid"
        enterprise = "source__enterprise"

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-evaluated_at", "-id"]
        indexes = [models.Index(fields=["source", "-id"], name="mh_eval_source_idx")]

    def __str__(self) -> str:
        return f"S={self.s_value} R={self.r_value}"


class ResponsiblePerson(models.Model):
    """A 包保责任人 of a source in one of the three roles. Replacing a person ends the old row
    (``ended_on``) and adds a new one; at most one current person per role."""

    source = models.ForeignKey(MajorHazardSource, on_delete=models.PROTECT, related_name="persons",
                               verbose_name=_("major hazard source"))
    role = models.CharField(pgettext_lazy("major hazard", "role"), max_length=16, choices=PersonRole.choices)
    name = models.CharField(pgettext_lazy("major hazard", "name"), max_length=50)
    position = models.CharField(pgettext_lazy("major hazard", "position"), max_length=80, blank=True)
    phone = models.CharField(pgettext_lazy("major hazard", "phone"), max_length=30, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("user account"))
    appointed_on = models.DateField(pgettext_lazy("major hazard", "appointed on"))
    ended_on = models.DateField(pgettext_lazy("major hazard", "ended on"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "source__region_path"
        industry = "source__industry"
        grid = "source__grid"
        enterprise = "source__enterprise"

    class Meta:
        verbose_name = pgettext_lazy("major hazard", "responsible person")
        verbose_name_plural = _("responsible persons")
        ordering = ["source", "role", "-appointed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "role"], condition=models.Q(ended_on__isnull=True),
                                               name="mh_person_one_current_per_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class ResponsibleCheck(VoidableModel):
    """A check done by a responsible person (e.g. the technical person's quarterly check),
    with what was found and, optionally, the hazards it entered in the ledger."""

    source = models.ForeignKey(MajorHazardSource, on_delete=models.PROTECT, related_name="checks",
                               verbose_name=_("major hazard source"))
    role = models.CharField(pgettext_lazy("major hazard", "role"), max_length=16, choices=PersonRole.choices)
    person = models.ForeignKey(ResponsiblePerson, on_delete=models.PROTECT, related_name="checks",
                               verbose_name=pgettext_lazy("major hazard", "responsible person"))
    checked_on = models.DateField(pgettext_lazy("major hazard", "checked on"))
    findings = models.TextField(pgettext_lazy("major hazard", "findings"), blank=True)
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="+",
                                     verbose_name=_("hazards found"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "source__region_path"
        industry = "source__industry"
        grid = "source__grid"
        enterprise = "source__enterprise"

    class Meta:
        verbose_name = _("responsible person's check")
        verbose_name_plural = _("responsible persons' checks")
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["source", "role", "checked_on"], name="mh_check_source_role_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.checked_on}"

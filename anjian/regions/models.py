"""The jurisdiction tree (province → city → county → township → village) and grids."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import VersionedModel, VoidableModel

from .choices import LEVEL_DEPTH, RegionLevel

code_validator = RegexValidator(r"^\d{12}$", _("Enter the 12-digit statistical division code."))


class Region(VoidableModel):
    """One administrative division, keyed by its 12-digit statistical division code.

    ``path`` is the concatenation of the codes from the root down to this region, so a
    subtree is one indexed range query (see ``anjian.core.paths``).
    """

    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(_("path"), max_length=80, unique=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Scoping:
        path = "path"

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"], name="region_level_path_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[self.level]

    def compute_path(self) -> str:
        return (self.parent.path if self.parent_id else "") + self.code

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def ancestors(self) -> list["Region"]:
        codes = [self.path[i : i + 12] for i in range(0, len(self.path) - 12, 12)]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self])


class Grid(VoidableModel):
    """The smallest patrol area, under a township, walked by a grid officer (网格员)."""

    code = models.CharField(_("grid code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="grids", verbose_name=_("township"),
        limit_choices_to={"level": RegionLevel.TOWNSHIP},
    )
    region_path = models.CharField(_("region path"), max_length=80, editable=False, db_index=True)
    officer_name = models.CharField(_("grid officer"), max_length=50, blank=True)
    officer_phone = models.CharField(_("grid officer phone"), max_length=30, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Scoping:
        path = "region_path"
        grid = "pk"

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.region_path = self.township.path
        super().save(*args, **kwargs)


class RegionYearFigure(VoidableModel, VersionedModel):
    """A region's yearly figures entered (or imported) by the safety-committee office: GDP in
    亿元 and the number of people employed in 工矿商贸 (industry, mining and commerce), the
    denominators of the accident rates (REGULATIONS.md §7), and the year's 双下降 targets.

    Every figure is optional: a rate whose figure is missing is "not available", never
    guessed. One live row per region and year; a correction is an edit (field history and an
    event), a wrong row is voided, never deleted."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="year_figures",
                               verbose_name=_("region"))
    # Copied from the region (paths never change) so scoping is a range on this table.
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990),
                                                                   MaxValueValidator(2100)])
    gdp_100m_yuan = models.DecimalField(
        _("GDP (100 million yuan)"), max_digits=14, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("Gross domestic product of the year in 亿元 (100 million yuan)."))
    industrial_employment = models.PositiveIntegerField(
        _("industrial, mining and commerce employment"), null=True, blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("People employed in industry, mining and commerce (工矿商贸就业人员)."))
    count_target_pct = models.DecimalField(
        _("accident count target (%)"), max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
        help_text=_("Year-on-year change the accident count must reach, e.g. -20 for a 20% decline."))
    deaths_target_pct = models.DecimalField(
        _("deaths target (%)"), max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
        help_text=_("Year-on-year change the deaths must reach, e.g. -20 for a 20% decline."))
    source = models.CharField(pgettext_lazy("regional figures", "source"), max_length=200, blank=True,
                              help_text=_("Where the figures come from, e.g. the statistical yearbook."))
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at"])

    class Scoping:
        path = "region_path"

    class Meta:
        verbose_name = _("regional yearly figures")
        verbose_name_plural = _("regional yearly figures")
        ordering = ["-year", "region_path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], condition=models.Q(is_voided=False),
                                    name="region_year_figure_uniq"),
        ]
        indexes = [models.Index(fields=["region_path", "year"], name="region_figure_path_year_idx")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)

"""The jurisdiction tree (province → city → county → township → village) and grids."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.core.models import VoidableModel

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

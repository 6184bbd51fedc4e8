"""Production-safety accidents (生产安全事故): what happened, where, to whom, how grave
(条例 Art. 3 grade), how it was reported, and how it was investigated.

An accident copies the region path of its place (and the industry and grid of its
enterprise, when it has one) so every jurisdiction filter and every statistic is a range on
this table's own indexes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anjian.core.models import VoidableModel
from anjian.core.scoping import ScopedQuerySet

from .choices import AccidentCategory, AccidentGrade, AccidentState


class Accident(VoidableModel):
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
    grade = models.CharField(_("grade"), max_length=24, choices=AccidentGrade.choices,
                             default=AccidentGrade.ORDINARY, editable=False)

    summary = models.TextField(_("summary"))
    preliminary_cause = models.TextField(_("preliminary cause"), blank=True)

    state = models.CharField(_("state"), max_length=24, choices=AccidentState.choices,
                             default=AccidentState.REPORTED, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])
    objects = ScopedQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        industry = "industry"
        grid = "grid"
        enterprise = "enterprise"

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
        ]

    def __str__(self) -> str:
        return self.number

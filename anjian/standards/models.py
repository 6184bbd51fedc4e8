"""Inspection standards (排查标准): per-industry checklists of check items, and the national
catalogues of major-hazard criteria (重大事故隐患判定标准) that make a hazard "major".

Both are reference data with their source named and versioned by effective date:
administrators edit them, and a record made under an older version keeps pointing at it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .choices import Activity, Certainty, HazardFactor


class Deactivatable:
    """A record deactivated (never deleted) and brought back: ``activity`` is ``is_active`` as
    the state ``choices.ACTIVITY_MACHINE`` moves (active ↔ inactive)."""

    @property
    def activity(self) -> str:
        return Activity.ACTIVE if self.is_active else Activity.INACTIVE

    @activity.setter
    def activity(self, value: str) -> None:
        self.is_active = value == Activity.ACTIVE

    def get_activity_display(self) -> str:
        return str(Activity(self.activity).label)


class CriteriaDocument(Deactivatable, models.Model):
    """One official criteria document, e.g. 《工贸企业重大事故隐患判定标准》(应急管理部令第10号),
    in force from ``effective_from`` until ``effective_to`` (empty while in force)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    industries = models.ManyToManyField("enterprises.Industry", blank=True, related_name="criteria_documents",
                                        verbose_name=pgettext_lazy("criteria document", "industries"))
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    source_note = models.TextField(_("source and certainty"), blank=True)
    # The status mark of the fact sheet, kept apart from the note so pages can show it as a badge.
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices, blank=True)
    # Where the data came from (addresses, research notes): for administrators only, so pages
    # never show research tags; pages show ``source_note`` and each criterion's citation.
    provenance = models.TextField(_("provenance (administrators only)"), blank=True)
    # Fire-safety and special-equipment rules apply in every industry, not only in the
    # industries listed (which then only say whose regulator leads).
    cross_industry = models.BooleanField(
        _("applies in every industry"), default=False,
        help_text=_("Tick for documents such as the fire-safety or special-equipment rules, which apply to "
                    "enterprises of every industry."))
    # False when some items of the document are not recorded (their text could not be found):
    # users are told to judge against the official text for anything not listed.
    items_complete = models.BooleanField(
        _("all items recorded"), default=True,
        help_text=_("Untick when some items of the document are not recorded here."))
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="supersedes", verbose_name=_("superseded by"))
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[industries])

    class Meta:
        verbose_name = _("major-hazard criteria document")
        verbose_name_plural = _("major-hazard criteria documents")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class MajorHazardCriterion(Deactivatable, models.Model):
    """One criterion of a criteria document: meeting it makes a hazard a major hazard (重大事故隐患).
    The text is written in our own words; ``section`` groups items (e.g. 管理类, 建材, 粉尘爆炸)."""

    document = models.ForeignKey(CriteriaDocument, on_delete=models.PROTECT, related_name="criteria",
                                 verbose_name=_("document"))
    code = models.CharField(_("code"), max_length=40, unique=True)
    section = models.CharField(_("section"), max_length=60, blank=True)
    item_no = models.CharField(_("item number"), max_length=20, blank=True)
    # Where the item stands in the official text, e.g. 第十一条第（二）项 or 4.2 c): with the
    # document's title and number it is the citation users check the official wording against.
    article = models.CharField(_("article"), max_length=60, blank=True)
    text = models.TextField(_("criterion"))
    # Most criteria apply to every industry of their document; a 工贸 document's sections
    # (冶金, 建材, ...) apply to one sub-sector, so filtering by industry can leave them out.
    industry = models.ForeignKey("enterprises.Industry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("applies only to industry"),
                                 help_text=_("Leave empty when the criterion applies to every industry of "
                                             "its document."))
    is_confirmed = models.BooleanField(_("text confirmed against the source"), default=True)
    sort = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("major-hazard criterion")
        verbose_name_plural = _("major-hazard criteria")
        ordering = ["document__code", "sort", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def citation(self) -> str:
        """来源：《title》（document number）article — the neutral source line shown to users."""
        document = self.document
        number = f"（{document.document_number}）" if document.document_number else ""
        return f"来源：《{document.title}》{number}{self.article or self.item_no}"

    def industry_codes(self) -> list[str]:
        """The industries this criterion applies to: its own sub-sector if it has one, else its
        document's industries (an empty list with ``document.cross_industry``: every industry)."""
        if self.industry_id:
            return [self.industry.code]
        if self.document.cross_industry:
            return []
        return sorted(i.code for i in self.document.industries.all())


class Checklist(Deactivatable, models.Model):
    """A checklist (检查表) for one industry (or for all when ``industry`` is empty), in one
    version. A new version is a new row with the same ``code``; versions keep their dates.

    ``enterprise`` empty: the public library, read by every logged-in user. Set: that
    enterprise's own checklist (e.g. generated from its risk control measures by
    anjian.risks.services.generate_check_items), read only within jurisdiction (``Scoping``)."""

    code = models.CharField(_("code"), max_length=32)
    version = models.CharField(_("version"), max_length=20, default="1")
    name = models.CharField(_("name"), max_length=200)
    industry = models.ForeignKey("enterprises.Industry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="checklists", verbose_name=_("industry"))
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="own_checklists", verbose_name=_("enterprise"),
                                   help_text=_("Empty: a library checklist. Set: the enterprise's own checklist."))
    description = models.TextField(_("description"), blank=True)
    source_note = models.TextField(_("source"), blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Scoping:
        # Only an enterprise's own checklists are scoped; the library (enterprise empty) is
        # read through selectors.checklists(), never through for_user.
        path = "enterprise__region_path"
        industry = "enterprise__industry"
        grid = "enterprise__grid"
        enterprise = "enterprise"

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["code", "-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def active_item_list(self) -> list["CheckItem"]:
        """The active items in order: the ones prefetched into ``prefetched_items`` by list
        views (no query per checklist), else read now."""
        cached = getattr(self, "prefetched_items", None)
        if cached is not None:
            return cached
        return list(self.items.filter(is_active=True).select_related("criterion").order_by("sort", "id"))


class CheckItem(Deactivatable, models.Model):
    """One check item of a checklist: what to check, on which basis (the clause), which GB/T
    13861 factor class a failure belongs to, and, if failing it is itself a major hazard, which
    criterion it meets."""

    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="items",
                                  verbose_name=_("checklist"))
    item_no = models.CharField(_("item number"), max_length=20, blank=True)
    content = models.TextField(_("check content"))
    basis = models.TextField(_("basis"), blank=True)
    hazard_factor = models.CharField(_("hazard factor class"), max_length=16, choices=HazardFactor.choices,
                                     default=HazardFactor.MANAGEMENT)
    is_major_criterion = models.BooleanField(_("failing it is a major hazard"), default=False)
    criterion = models.ForeignKey(MajorHazardCriterion, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="check_items", verbose_name=_("major-hazard criterion"))
    sort = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Scoping:
        path = "checklist__enterprise__region_path"
        industry = "checklist__enterprise__industry"
        grid = "checklist__enterprise__grid"
        enterprise = "checklist__enterprise"

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ["checklist", "sort", "id"]

    def __str__(self) -> str:
        return self.content[:60]


class AccidentTypeScheme(models.TextChoices):
    """The two national accident-type lists: GB 6441-1986 (20 types) for accidents before
    2026-07-01 and GB 6441-2025 (27 types) from that day (REGULATIONS.md §4)."""

    GB6441_1986 = "GB6441-1986", _("GB 6441-1986 (20 types)")
    GB6441_2025 = "GB6441-2025", _("GB 6441-2025 (27 types)")


class AccidentType(models.Model):
    """One accident type (事故类别) of a national list. Reference data loaded by migration and
    edited by administrators; risk points name the types they may cause and accidents are
    classified with the list in force on their date (``accident_types_for``)."""

    scheme = models.CharField(_("classification"), max_length=16, choices=AccidentTypeScheme.choices)
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=60)
    is_code_confirmed = models.BooleanField(
        _("code confirmed"), default=True,
        help_text=_("GB 6441-2025 numeric codes are not confirmed; ours are the list order."))
    sort = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accident type")
        verbose_name_plural = _("accident types")
        ordering = ["scheme", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="accident_type_scheme_code_uniq")]

    def __str__(self) -> str:
        return self.name


class HazardFactorClass(models.Model):
    """A class of hazardous and harmful factors (危险和有害因素) of GB/T 13861: the four top
    classes and their second level (codes 1–4 and 11…49). Risk points name the classes
    their hazards belong to; ``top`` maps a class to the four-way ``HazardFactor`` used by
    hazards and check items."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent class"))
    top = models.CharField(_("top class"), max_length=16, choices=HazardFactor.choices)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices, blank=True)
    sort = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hazard factor class")
        verbose_name_plural = _("hazard factor classes")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

"""Safety production credit (安全生产诚信) of the enterprises:

- ``CreditRecord``: a good or bad credit record of an enterprise — its kind, day, points and source
  (a decision of another app, derived by ``services.collect_records``, or a document cited by hand);
- ``EnterpriseCredit``: the enterprise's score and grade now, computed from its confirmed records by
  the scheme (``CreditRecordKind`` points, ``GradeBand`` thresholds, ``CreditParameter`` numbers —
  reference data with their sources, edited by administrators);
- ``Blacklisting``: a listing on the list of seriously untrustworthy entities (严重失信主体名单), with
  its reason, decision document, term, publication and early removal (信用修复);
- ``JointNotice``: a joint punishment notice (联合惩戒) of a listing to other departments, printed as PDF.

Every record copies its enterprise's region path, industry and grid (``EnterpriseRecordScoping``).
Records change only through ``credit.services``; nothing is deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet

from .choices import (
    Certainty,
    CreditGrade,
    ListingState,
    NoticeState,
    Parameter,
    Polarity,
    RecordSource,
    RecordState,
)

EXCLUDED_FROM_HISTORY = ["region_path", "updated_at", "version"]


class EnterpriseKeys(models.Model):
    """The enterprise a record belongs to, with its scoping keys copied (set by the services)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("credit", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=pgettext_lazy("credit", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=pgettext_lazy("credit", "grid"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    Scoping = EnterpriseRecordScoping

    class Meta:
        abstract = True


class _Sourced(models.Model):
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)

    class Meta:
        abstract = True


# --- the scheme (reference data) -----------------------------------------------------------------

class CreditRecordKind(_Sourced):
    """A kind of credit record and the points it adds to the score (negative for bad records).
    Looked up by code by ``collect_records``; retired by unticking *in use*, never deleted."""

    code = models.CharField(pgettext_lazy("credit record kind", "code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("credit record kind", "name"), max_length=100)
    polarity = models.CharField(_("good or bad"), max_length=8, choices=Polarity.choices)
    points = models.SmallIntegerField(_("points"), help_text=_("Added to the score; negative for bad records."))
    is_active = models.BooleanField(_("in use"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit record kind")
        verbose_name_plural = _("credit record kinds")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class GradeBand(_Sourced):
    """A grade of the scheme: the lowest score that earns it, whether it opens the green channel
    (fewer inspections, priority in approvals) and whether it adds inspections (poor credit)."""

    grade = models.CharField(_("grade"), max_length=1, choices=CreditGrade.choices, unique=True)
    min_score = models.SmallIntegerField(_("lowest score"))
    green_channel = models.BooleanField(_("green channel"), default=False)
    more_inspections = models.BooleanField(_("more inspections"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit grade band")
        verbose_name_plural = _("credit grade bands")
        ordering = ["grade"]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ≥ {self.min_score}"


class CreditParameter(_Sourced):
    """A number of the scheme (base score, decay window, term on the list, …), looked up by code."""

    code = models.CharField(_("parameter"), max_length=32, choices=Parameter.choices, unique=True)
    value = models.PositiveSmallIntegerField(_("value"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit parameter")
        verbose_name_plural = _("credit parameters")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.value}"


# --- records -------------------------------------------------------------------------------------

class CreditRecord(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A good or bad credit record of an enterprise. ``points`` overrides the kind's points when
    set (a record entered by hand may weigh differently, with its document). A derived record names
    its source record (``source_type`` + ``source_id``, unique: deriving twice makes nothing new)."""

    kind = models.ForeignKey(CreditRecordKind, on_delete=models.PROTECT, related_name="records",
                             verbose_name=pgettext_lazy("credit record", "kind"))
    occurred_on = models.DateField(pgettext_lazy("credit record", "date"))
    points = models.SmallIntegerField(_("points (override)"), null=True, blank=True,
                                      help_text=_("Leave empty to use the points of the kind."))
    source_type = models.CharField(_("source"), max_length=16, choices=RecordSource.choices,
                                   default=RecordSource.MANUAL)
    source_id = models.PositiveBigIntegerField(_("source record"), null=True, blank=True, editable=False)
    document = models.CharField(_("source document"), max_length=200, blank=True,
                                help_text=_("The decision or document the record rests on (number and issuer)."))
    summary = models.TextField(pgettext_lazy("credit record", "summary"))
    state = models.CharField(pgettext_lazy("credit record", "state"), max_length=16, choices=RecordState.choices,
                             default=RecordState.PENDING, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", editable=False, verbose_name=_("confirmed by"))

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id"], condition=Q(source_id__isnull=False),
                                    name="credit_record_source_uniq"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="credit_record_path_idx"),
            models.Index(fields=["enterprise", "state", "occurred_on"], name="credit_record_ent_idx"),
            models.Index(fields=["state", "created_at"], name="credit_record_state_idx"),
            models.Index(fields=["industry", "region_path"], name="credit_record_industry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"

    @property
    def effective_points(self) -> int:
        return self.points if self.points is not None else self.kind.points


class EnterpriseCredit(EnterpriseKeys):
    """The enterprise's credit now: score, grade, blacklisted, green channel. Derived (never
    entered) by ``services.refresh_grades`` after every change of its records or listings, and
    nightly (the decay window moves with the days)."""

    enterprise = models.OneToOneField("enterprises.Enterprise", on_delete=models.PROTECT, related_name="credit",
                                      verbose_name=pgettext_lazy("credit", "enterprise"))
    score = models.SmallIntegerField(_("score"))
    grade = models.CharField(_("grade"), max_length=1, choices=CreditGrade.choices)
    blacklisted = models.BooleanField(_("on the list of seriously untrustworthy entities"), default=False)
    green_channel = models.BooleanField(_("green channel"), default=False)
    more_inspections = models.BooleanField(_("more inspections"), default=False)
    computed_on = models.DateField(_("computed on"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise credit")
        verbose_name_plural = _("enterprise credit")
        ordering = ["enterprise_id"]
        indexes = [
            models.Index(fields=["region_path", "grade"], name="credit_grade_path_idx"),
            models.Index(fields=["grade", "region_path"], name="credit_grade_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.grade}"


class Blacklisting(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A listing on the list of seriously untrustworthy entities (严重失信主体名单): proposed with the
    reason (and the case it follows), decided by a department with its decision document (the term
    runs from the decision), published, removed at the end of the term or early after credit repair."""

    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("deciding department"))
    reason = models.TextField(pgettext_lazy("blacklist", "reason"))
    case_number = models.CharField(_("penalty decision it follows"), max_length=60, blank=True,
                                   help_text=_("The number of the administrative penalty decision (令第11号第三条)."))
    decision_number = models.CharField(_("decision document number"), max_length=60, blank=True, editable=False)
    decided_on = models.DateField(pgettext_lazy("blacklist", "decided on"), null=True, blank=True, editable=False)
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True, editable=False)
    repair_from = models.DateField(_("early removal possible from"), null=True, blank=True, editable=False)
    published_on = models.DateField(pgettext_lazy("blacklist", "published on"), null=True, blank=True,
                                    editable=False)
    publication = models.CharField(_("where published"), max_length=200, blank=True, editable=False)
    removed_on = models.DateField(_("removed on"), null=True, blank=True, editable=False)
    removal_reason = models.TextField(_("reason for removal"), blank=True, editable=False)
    state = models.CharField(pgettext_lazy("blacklist", "state"), max_length=16, choices=ListingState.choices,
                             default=ListingState.PROPOSED, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("listing of a seriously untrustworthy entity")
        verbose_name_plural = _("list of seriously untrustworthy entities")
        ordering = ["-id"]
        permissions = [("decide_blacklisting", _("Can decide listings and issue joint punishment notices"))]
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], condition=Q(is_voided=False, state__in=["proposed", "listed"]),
                                    name="credit_one_open_listing"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="credit_listing_path_idx"),
            models.Index(fields=["state", "term_ends_on"], name="credit_listing_term_idx"),
            models.Index(fields=["enterprise", "state"], name="credit_listing_ent_idx"),
        ]

    def __str__(self) -> str:
        return self.decision_number or str(_("Listing proposal %(pk)s") % {"pk": self.pk})


class JointNotice(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A joint punishment notice (联合惩戒通知) of a listing to other departments: the departments
    addressed, the measures asked of them (from the memorandum 发改财金〔2016〕1001号), the number."""

    listing = models.ForeignKey(Blacklisting, on_delete=models.PROTECT, related_name="notices",
                                verbose_name=_("listing"))
    number = models.CharField(pgettext_lazy("joint notice", "number"), max_length=60)
    recipients = models.TextField(_("departments addressed"))
    measures = models.TextField(_("punishment measures"))
    issued_on = models.DateField(pgettext_lazy("joint notice", "issued on"), null=True, blank=True, editable=False)
    state = models.CharField(pgettext_lazy("joint notice", "state"), max_length=16, choices=NoticeState.choices,
                             default=NoticeState.DRAFT, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("joint punishment notice")
        verbose_name_plural = _("joint punishment notices")
        ordering = ["-id"]
        indexes = [models.Index(fields=["region_path", "is_voided", "id"], name="credit_notice_path_idx")]

    def __str__(self) -> str:
        return self.number

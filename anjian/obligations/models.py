"""The enterprise's obligations (企业安全生产主体责任): what every enterprise must hold and keep
current, kept by the enterprise and verified by the regulator.

- licences and permits (``Licence``) of the kinds in ``LicenceKind``, reference data with the
  industries that must hold each kind and the source of that rule;
- the people who must be trained and certified (``KeyPerson``: principal, safety managers,
  special operators by operation type) and their certificates (``PersonCertificate``);
- the safety standardisation grade (``Standardisation``) and the yearly spot check of graded
  enterprises (``SpotCheck``, ``SpotCheckEntry``), its share a sourced parameter
  (``ObligationParameter``);
- the safety organisation (``SafetyOrganisation``: body, full-time staff, safety director) against
  the sourced requirements (``SafetyOrgRequirement``);
- the principal's signed safety commitments (``Commitment``, with the signed document attached).

Every record copies its enterprise's region path, industry and grid (as hazards do), so every
jurisdiction filter is a range on the table's own index (``EnterpriseRecordScoping``). Records are
changed only through ``obligations.services`` (the one write path); nothing is deleted.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.dates import add_months
from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet

from .choices import (
    MANAGEMENT_ROLES,
    Certainty,
    CertificateKind,
    CertificateState,
    CommitmentPeriod,
    CommitmentState,
    LicenceState,
    OperationType,
    OrganisationState,
    PersonRole,
    PersonState,
    RequirementKind,
    SpotCheckState,
    SpotResult,
    StandardisationGrade,
    StandardisationState,
)

EXCLUDED_FROM_HISTORY = ["region_path", "updated_at", "version"]


def _user_fk(**kwargs):
    return models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", editable=False, **kwargs)


class EnterpriseKeys(models.Model):
    """The enterprise a record belongs to, with its scoping keys copied (set by the services)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("obligations", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=pgettext_lazy("obligations", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=pgettext_lazy("obligations", "grid"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verified_by = _user_fk(verbose_name=_("verified by"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    Scoping = EnterpriseRecordScoping

    class Meta:
        abstract = True

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


# --- licences -----------------------------------------------------------------------------------

class LicenceKind(models.Model):
    """A kind of licence or permit (安全生产许可证, 危险化学品经营许可证, …): who issues it, how long
    it is valid, and which industries (with their sub-sectors) must hold it before operating — with
    the document and article that say so, or marked unconfirmed. Reference data loaded by the
    migrations (``data/licence_kinds.py``), edited by administrators; never deleted (retired)."""

    code = models.CharField(pgettext_lazy("licence kind", "code"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("licence kind", "name"), max_length=100)
    issuer = models.CharField(_("issuing authority"), max_length=200, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), null=True, blank=True)
    industries = models.ManyToManyField("enterprises.Industry", blank=True, related_name="+",
                                        verbose_name=_("industries that must hold it"),
                                        help_text=_("Each with its sub-sectors."))
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)
    is_active = models.BooleanField(_("in use"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("licence kind")
        verbose_name_plural = _("licence kinds")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Licence(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A licence or permit an enterprise holds: kind, number, issuer, scope and validity. It is
    valid on a day when it is held (not suspended or revoked), not voided and the day lies in
    ``valid_from``–``valid_until``. Changed only through ``obligations.services``
    (``LICENCE_MACHINE``)."""

    kind = models.ForeignKey(LicenceKind, on_delete=models.PROTECT, related_name="licences",
                             verbose_name=pgettext_lazy("licence", "kind"))
    number = models.CharField(pgettext_lazy("licence", "number"), max_length=60)
    issuer = models.CharField(pgettext_lazy("licence", "issued by"), max_length=100)
    scope = models.TextField(_("licensed scope"), blank=True)
    issued_on = models.DateField(pgettext_lazy("licence", "issued on"), null=True, blank=True)
    valid_from = models.DateField(pgettext_lazy("licence", "valid from"))
    valid_until = models.DateField(pgettext_lazy("licence", "valid until"))
    state = models.CharField(pgettext_lazy("licence", "state"), max_length=16, choices=LicenceState.choices,
                             default=LicenceState.ACTIVE, editable=False)
    note = models.TextField(pgettext_lazy("licence", "note"), blank=True)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["valid_until", "id"]
        permissions = [("verify_licence", _("Can verify, suspend and revoke licences"))]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="obl_licence_valid_range"),
            models.UniqueConstraint(fields=["kind", "number"], condition=Q(is_voided=False),
                                    name="obl_licence_number_uniq"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="obl_licence_path_idx"),
            models.Index(fields=["kind", "region_path"], name="obl_licence_kind_idx"),
            models.Index(fields=["industry", "region_path"], name="obl_licence_industry_idx"),
            models.Index(fields=["state", "region_path"], name="obl_licence_state_idx"),
            # The expiry scan and the "valid on a day" lookups of an enterprise.
            models.Index(fields=["valid_until", "state"], name="obl_licence_expiry_idx"),
            models.Index(fields=["enterprise", "kind", "state", "valid_until"], name="obl_licence_ent_idx"),
            models.Index(fields=["verified_at", "region_path"], name="obl_licence_verified_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

    def is_valid_on(self, day: date) -> bool:
        return (not self.is_voided and self.state == LicenceState.ACTIVE
                and self.valid_from <= day <= self.valid_until)

    def days_left(self, day: date) -> int:
        return (self.valid_until - day).days


def valid_licence_q(day: date, prefix: str = "") -> Q:
    """The licences valid on ``day`` (``prefix``: the lookup leading to them)."""
    return Q(**{f"{prefix}is_voided": False, f"{prefix}state": LicenceState.ACTIVE,
                f"{prefix}valid_from__lte": day, f"{prefix}valid_until__gte": day})


# --- people and certificates ----------------------------------------------------------------------

class KeyPerson(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A person an enterprise must have trained and certified: its principal (主要负责人), a safety
    manager (安全生产管理人员) or a special operator (特种作业人员, by operation type). Principals and
    safety managers of high-risk enterprises must pass the assessment within six months of their
    appointment (``certify_by``); special operators must hold their certificate before working
    (持证上岗). Changed only through ``obligations.services`` (``PERSON_MACHINE``)."""

    name = models.CharField(pgettext_lazy("key person", "name"), max_length=50)
    id_number = models.CharField(_("ID card number"), max_length=18, blank=True,
                                 help_text=_("Used to match certificates to the person in imports."))
    role = models.CharField(pgettext_lazy("key person", "role"), max_length=20, choices=PersonRole.choices)
    operation_type = models.CharField(_("operation type"), max_length=20, choices=OperationType.choices, blank=True)
    position = models.CharField(pgettext_lazy("key person", "position"), max_length=100, blank=True)
    phone = models.CharField(pgettext_lazy("key person", "phone"), max_length=30, blank=True)
    appointed_on = models.DateField(_("appointed on"))
    left_on = models.DateField(_("left on"), null=True, blank=True, editable=False)
    state = models.CharField(pgettext_lazy("key person", "state"), max_length=16, choices=PersonState.choices,
                             default=PersonState.IN_POST, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("person to be certified")
        verbose_name_plural = _("people to be certified")
        ordering = ["role", "name", "id"]
        permissions = [("verify_keyperson", _("Can verify people and certificates, and revoke certificates"))]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "id_number", "role", "operation_type"],
                                    condition=Q(is_voided=False, state="in_post") & ~Q(id_number=""),
                                    name="obl_person_uniq"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="obl_person_path_idx"),
            models.Index(fields=["role", "region_path"], name="obl_person_role_idx"),
            models.Index(fields=["industry", "region_path"], name="obl_person_industry_idx"),
            models.Index(fields=["enterprise", "state", "role"], name="obl_person_ent_idx"),
            models.Index(fields=["state", "appointed_on"], name="obl_person_state_idx"),
            models.Index(fields=["operation_type", "region_path"], name="obl_person_optype_idx"),
            models.Index(fields=["verified_at", "region_path"], name="obl_person_verified_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_management_certificate(self) -> bool:
        return self.role in MANAGEMENT_ROLES

    @property
    def certify_by(self) -> date | None:
        """The last day a principal or safety manager may work uncertified (six months after the
        appointment); None for special operators, who need the certificate first."""
        return add_months(self.appointed_on, 6) if self.role in MANAGEMENT_ROLES else None


class PersonCertificate(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A certificate a key person holds: the management assessment (principals, safety managers)
    or a special operation certificate for an operation type; issuer and validity. Valid on a day
    when held (not revoked), not voided and the day lies in ``issued_on``–``valid_until``."""

    person = models.ForeignKey(KeyPerson, on_delete=models.PROTECT, related_name="certificates",
                               verbose_name=pgettext_lazy("obligation certificate", "person"))
    kind = models.CharField(pgettext_lazy("obligation certificate", "kind"), max_length=20,
                            choices=CertificateKind.choices)
    operation_type = models.CharField(_("operation type"), max_length=20, choices=OperationType.choices, blank=True)
    number = models.CharField(pgettext_lazy("obligation certificate", "number"), max_length=60)
    issuer = models.CharField(pgettext_lazy("obligation certificate", "issued by"), max_length=100)
    issued_on = models.DateField(pgettext_lazy("obligation certificate", "issued on"))
    valid_until = models.DateField(pgettext_lazy("obligation certificate", "valid until"))
    state = models.CharField(pgettext_lazy("obligation certificate", "state"), max_length=16,
                             choices=CertificateState.choices, default=CertificateState.HELD, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("personal certificate")
        verbose_name_plural = _("personal certificates")
        ordering = ["person", "-valid_until", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("issued_on")), name="obl_cert_valid_range"),
            models.UniqueConstraint(fields=["kind", "number"], condition=Q(is_voided=False),
                                    name="obl_cert_number_uniq"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="obl_cert_path_idx"),
            # "Does this person hold a valid certificate of this kind on a day" (rules, indicators).
            models.Index(fields=["person", "kind", "state", "valid_until"], name="obl_cert_person_idx"),
            models.Index(fields=["valid_until", "state"], name="obl_cert_expiry_idx"),
            models.Index(fields=["kind", "region_path"], name="obl_cert_kind_idx"),
            models.Index(fields=["enterprise", "kind"], name="obl_cert_ent_idx"),
            models.Index(fields=["verified_at", "region_path"], name="obl_cert_verified_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day: date) -> bool:
        return (not self.is_voided and self.state == CertificateState.HELD
                and self.issued_on <= day <= self.valid_until)


# --- sourced parameters ------------------------------------------------------------------------------

class ObligationParameter(models.Model):
    """A regulatory number the obligations use (the share of graded enterprises spot-checked each
    year, …): its value, the document and article it rests on, and how sure that is. Loaded by the
    migrations (``data/parameters.py``), edited by administrators (field history)."""

    code = models.CharField(pgettext_lazy("obligation parameter", "code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("obligation parameter", "name"), max_length=100)
    value = models.DecimalField(pgettext_lazy("obligation parameter", "value"), max_digits=9, decimal_places=2)
    unit = models.CharField(pgettext_lazy("obligation parameter", "unit"), max_length=20, blank=True)
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obligation parameter")
        verbose_name_plural = _("obligation parameters")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


# --- safety standardisation (安全生产标准化) --------------------------------------------------------

class Standardisation(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """An enterprise's safety standardisation grade (安全生产标准化定级): grade, issuer, certificate
    number, issue day, end of validity and review cycle. Held → withdrawal proposed (a failed spot
    check) → held again or withdrawn (摘牌, with the reason); expired when the day is past
    ``valid_until`` (computed, not a state). Changed only through ``obligations.services``
    (``STANDARDISATION_MACHINE``)."""

    grade = models.CharField(pgettext_lazy("standardisation", "grade"), max_length=10,
                             choices=StandardisationGrade.choices)
    issuer = models.CharField(pgettext_lazy("standardisation", "graded by"), max_length=100)
    number = models.CharField(pgettext_lazy("standardisation", "certificate number"), max_length=60)
    issued_on = models.DateField(pgettext_lazy("standardisation", "graded on"))
    valid_until = models.DateField(pgettext_lazy("standardisation", "valid until"))
    review_years = models.PositiveSmallIntegerField(_("review cycle (years)"), default=3)
    state = models.CharField(pgettext_lazy("standardisation", "state"), max_length=16,
                             choices=StandardisationState.choices, default=StandardisationState.VALID,
                             editable=False)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawal_reason = models.CharField(_("reason for the withdrawal"), max_length=200, blank=True, editable=False)
    note = models.TextField(pgettext_lazy("standardisation", "note"), blank=True)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("standardisation grade")
        verbose_name_plural = _("standardisation grades")
        ordering = ["valid_until", "id"]
        permissions = [("verify_standardisation", _("Can verify and withdraw standardisation grades"))]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("issued_on")), name="obl_std_valid_range"),
            models.UniqueConstraint(fields=["number"], condition=Q(is_voided=False), name="obl_std_number_uniq"),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="obl_std_path_idx"),
            models.Index(fields=["industry", "region_path"], name="obl_std_industry_idx"),
            models.Index(fields=["grade", "issued_on"], name="obl_std_grade_idx"),
            models.Index(fields=["valid_until", "state"], name="obl_std_expiry_idx"),
            models.Index(fields=["enterprise", "state", "valid_until"], name="obl_std_ent_idx"),
            models.Index(fields=["verified_at", "region_path"], name="obl_std_verified_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {self.number}"

    def is_valid_on(self, day: date) -> bool:
        return (not self.is_voided and self.state != StandardisationState.WITHDRAWN
                and self.issued_on <= day <= self.valid_until)

    def is_expired_on(self, day: date) -> bool:
        return not self.is_voided and self.state != StandardisationState.WITHDRAWN and day > self.valid_until

    def days_left(self, day: date) -> int:
        return (self.valid_until - day).days


def valid_grade_q(day: date, prefix: str = "") -> Q:
    """The grades held on ``day`` (not voided, not withdrawn — a proposed withdrawal still holds —
    and the day within issue and end of validity)."""
    return Q(**{f"{prefix}is_voided": False, f"{prefix}issued_on__lte": day, f"{prefix}valid_until__gte": day}) & ~Q(
        **{f"{prefix}state": StandardisationState.WITHDRAWN})


class OfficialsOnly(EnterpriseRecordScoping):
    """A regulator's working record about an enterprise: not shown to enterprise or grid users."""

    hidden_from = ("enterprise", "grid")


class SpotCheck(VoidableModel, VersionedModel):
    """The yearly spot check (抽查) of a region's graded enterprises: a share (``share``, %, from
    ``ObligationParameter`` std_spot_check_share unless given) of the grades held on the draw day,
    drawn by ``core.sampling`` from the stored pool and seed, so anyone can re-run it. One live
    check per region and year: drawing again means voiding this one with a reason, and the new one
    records which it ``replaces`` (no silent redraw)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=pgettext_lazy("spot check", "region"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    year = models.PositiveSmallIntegerField(pgettext_lazy("spot check", "year"))
    share = models.DecimalField(_("share drawn (%)"), max_digits=5, decimal_places=2)
    share_source = models.TextField(_("source of the share"), blank=True, editable=False)
    day = models.DateField(_("grades held on"), editable=False)
    seed = models.CharField(_("seed"), max_length=64, editable=False)
    pool = models.JSONField(_("pool (grade ids)"), default=list, editable=False)
    pool_size = models.PositiveIntegerField(_("pool size"), default=0, editable=False)
    n = models.PositiveIntegerField(_("enterprises drawn"), default=0, editable=False)
    digest = models.CharField(_("result digest"), max_length=64, editable=False)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by", editable=False, verbose_name=_("replaces"))
    redraw_reason = models.CharField(_("reason for the redraw"), max_length=200, blank=True, editable=False)
    state = models.CharField(pgettext_lazy("spot check", "state"), max_length=16, choices=SpotCheckState.choices,
                             default=SpotCheckState.DRAWN, editable=False)
    drawn_by = _user_fk(verbose_name=_("drawn by"))
    drawn_at = models.DateTimeField(_("drawn at"), editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(excluded_fields=["region_path", "version", "pool"])

    class Scoping:
        path = "region_path"
        hidden_from = ("enterprise", "grid")

    class Meta:
        verbose_name = _("standardisation spot check")
        verbose_name_plural = _("standardisation spot checks")
        ordering = ["-year", "-id"]
        permissions = [("draw_spotcheck", _("Can draw standardisation spot checks and record their results"))]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], condition=Q(is_voided=False),
                                    name="obl_spot_region_year_uniq"),
            models.CheckConstraint(condition=Q(share__gt=0) & Q(share__lte=100), name="obl_spot_share_range"),
        ]
        indexes = [models.Index(fields=["region_path", "is_voided", "id"], name="obl_spot_path_idx"),
                   models.Index(fields=["year", "region_path"], name="obl_spot_year_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.region}"


class SpotCheckEntry(VersionedModel):
    """One graded enterprise drawn, in draw order, and the check's result: passed, or failed —
    which proposes the withdrawal of its grade (``SPOT_ENTRY_MACHINE``)."""

    check_run = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="entries",
                                  verbose_name=pgettext_lazy("spot check", "spot check"))
    order = models.PositiveIntegerField(pgettext_lazy("spot check", "order"))
    standardisation = models.ForeignKey(Standardisation, on_delete=models.PROTECT, related_name="spot_entries",
                                        verbose_name=_("standardisation grade"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("obligations", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+",
                                 db_index=False, verbose_name=pgettext_lazy("obligations", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False, verbose_name=pgettext_lazy("obligations", "grid"))
    result = models.CharField(pgettext_lazy("spot check", "result"), max_length=16, choices=SpotResult.choices,
                              default=SpotResult.PENDING, editable=False)
    result_note = models.CharField(_("finding"), max_length=200, blank=True, editable=False)
    decided_by = _user_fk(verbose_name=_("recorded by"))
    decided_at = models.DateTimeField(_("recorded at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["region_path", "version"])

    objects = ScopedQuerySet.as_manager()

    Scoping = OfficialsOnly

    class Meta:
        verbose_name = _("spot-checked enterprise")
        verbose_name_plural = _("spot-checked enterprises")
        ordering = ["check_run", "order"]
        constraints = [models.UniqueConstraint(fields=["check_run", "order"], name="obl_spot_entry_order_uniq")]
        indexes = [models.Index(fields=["region_path", "id"], name="obl_spot_entry_path_idx"),
                   models.Index(fields=["enterprise", "result"], name="obl_spot_entry_ent_idx")]

    def __str__(self) -> str:
        return f"{self.check_run} #{self.order}"


# --- safety organisation -------------------------------------------------------------------------------

class SafetyOrgRequirement(models.Model):
    """Who must have what (reference data, ``data/safety_org.py``, edited in the admin): a safety
    management body or full-time safety staff (《安全生产法》第二十四条), or a safety director (local
    plans). It applies to enterprises of its industries (with their sub-sectors) or carrying one of
    its feature tags — both empty: every enterprise — with at least ``min_employees`` employees."""

    code = models.CharField(pgettext_lazy("safety requirement", "code"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("safety requirement", "name"), max_length=100)
    kind = models.CharField(pgettext_lazy("safety requirement", "requires"), max_length=16,
                            choices=RequirementKind.choices)
    industries = models.ManyToManyField("enterprises.Industry", blank=True, related_name="+",
                                        verbose_name=_("industries it applies to"),
                                        help_text=_("Each with its sub-sectors."))
    tags = models.ManyToManyField("enterprises.FeatureTag", blank=True, related_name="+",
                                  verbose_name=_("feature tags it applies to"))
    min_employees = models.PositiveIntegerField(_("from this many employees"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)
    is_active = models.BooleanField(_("in use"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("safety organisation requirement")
        verbose_name_plural = _("safety organisation requirements")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class SafetyOrganisation(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """How an enterprise organises safety (安全管理机构 / 专职安全生产管理人员 / 安全总监): one live
    record per enterprise, corrected as it changes (field history keeps the past)."""

    has_body = models.BooleanField(_("has a safety management body"), default=False)
    body_name = models.CharField(_("name of the body"), max_length=100, blank=True)
    full_time_staff = models.PositiveSmallIntegerField(_("full-time safety staff"), default=0)
    part_time_staff = models.PositiveSmallIntegerField(_("part-time safety staff"), default=0)
    director_name = models.CharField(_("safety director"), max_length=50, blank=True)
    director_phone = models.CharField(_("safety director's phone"), max_length=30, blank=True)
    director_appointed_on = models.DateField(_("safety director appointed on"), null=True, blank=True)
    note = models.TextField(pgettext_lazy("safety organisation", "note"), blank=True)
    state = models.CharField(pgettext_lazy("safety organisation", "state"), max_length=16,
                             choices=OrganisationState.choices, default=OrganisationState.CURRENT, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("safety organisation")
        verbose_name_plural = _("safety organisations")
        ordering = ["enterprise_id", "id"]
        permissions = [("verify_safetyorganisation", _("Can verify safety organisations and commitments"))]
        constraints = [models.UniqueConstraint(fields=["enterprise"], condition=Q(is_voided=False),
                                               name="obl_org_one_per_enterprise")]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="obl_org_path_idx"),
            models.Index(fields=["industry", "region_path"], name="obl_org_industry_idx"),
            models.Index(fields=["enterprise", "is_voided"], name="obl_org_ent_idx"),
            models.Index(fields=["verified_at", "region_path"], name="obl_org_verified_idx"),
        ]

    def __str__(self) -> str:
        return self.body_name or str(_("safety organisation"))

    @property
    def has_staff_or_body(self) -> bool:
        return self.has_body or self.full_time_staff > 0


# --- commitments ------------------------------------------------------------------------------------------

class Commitment(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """The principal's signed safety commitment (安全生产承诺书) of a year or a period in it, with the
    signed document attached (``core.Attachment``, kind document)."""

    year = models.PositiveSmallIntegerField(pgettext_lazy("commitment", "year"))
    period = models.CharField(pgettext_lazy("commitment", "period"), max_length=10, choices=CommitmentPeriod.choices,
                              default=CommitmentPeriod.YEAR)
    title = models.CharField(pgettext_lazy("commitment", "title"), max_length=200)
    signed_by = models.CharField(_("signed by (principal)"), max_length=50)
    signed_on = models.DateField(pgettext_lazy("commitment", "signed on"))
    note = models.TextField(pgettext_lazy("commitment", "note"), blank=True)
    state = models.CharField(pgettext_lazy("commitment", "state"), max_length=16, choices=CommitmentState.choices,
                             default=CommitmentState.SIGNED, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("safety commitment")
        verbose_name_plural = _("safety commitments")
        ordering = ["-year", "-signed_on", "id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="obl_commit_path_idx"),
            models.Index(fields=["industry", "region_path"], name="obl_commit_industry_idx"),
            models.Index(fields=["enterprise", "year", "is_voided"], name="obl_commit_ent_idx"),
            models.Index(fields=["year", "region_path"], name="obl_commit_year_idx"),
            models.Index(fields=["verified_at", "region_path"], name="obl_commit_verified_idx"),
        ]

    def __str__(self) -> str:
        return self.title

"""The enterprise's obligations (企业安全生产主体责任): what every enterprise must hold and keep
current, kept by the enterprise and verified by the regulator.

- licences and permits (``Licence``) of the kinds in ``LicenceKind``, reference data with the
  industries that must hold each kind and the source of that rule;
- the people who must be trained and certified (``KeyPerson``: principal, safety managers,
  special operators by operation type) and their certificates (``PersonCertificate``).

Every record copies its enterprise's region path, industry and grid (as hazards do), so every
jurisdiction filter is a range on the table's own index (``EnterpriseRecordScoping``). Records are
changed only through ``obligations.services`` (the one write path); nothing is deleted.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping

from .choices import (
    MANAGEMENT_ROLES,
    Certainty,
    CertificateKind,
    CertificateState,
    LicenceState,
    OperationType,
    PersonRole,
    PersonState,
)

EXCLUDED_FROM_HISTORY = ["region_path", "updated_at", "version"]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clipped to the end of a shorter month (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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

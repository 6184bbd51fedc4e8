"""Tips from the public (举报) with their rewards (举报奖励), and what the public side discloses:

- ``TipParameter`` and ``RewardScale``: the numbers of the tip scheme (verification period, rate
  limits) and the reward scales of 《安全生产领域举报奖励办法》 (安监总财〔2018〕19号), reference data
  with their sources, edited by administrators;
- ``Tip``: a tip filed on the public form, without an account. The submitter's identity and
  contact (``reporter_*``) are read only by holders of ``public.view_tip_identity`` and every such
  read is written to ``IdentityAccess``; everything else is read through the region scope;
- ``TipAddition``: information the submitter added later with the tracking code and secret;
- ``Reward``: the reward decision of a confirmed tip: amount, approval, payment record;
- ``IdentityAccess``: the append-only log of who read a submitter's identity, when and how;
- ``ListingPublication``: the explicit publication of a hazard under listed supervision on the
  public pages, with its expiry.

Records change only through ``public.services``; nothing is deleted."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import ENTERPRISE, GRID, ScopedQuerySet

from .choices import (
    AccessChannel,
    Certainty,
    Parameter,
    PublicationState,
    RewardBasis,
    RewardState,
    TipKind,
    TipState,
)

#: Never in the field history: the history tab is read by everyone who reads the tip.
IDENTITY_FIELDS = ["reporter_name", "reporter_phone", "reporter_email", "reporter_id_number"]
EXCLUDED_FROM_HISTORY = ["region_path", "updated_at", "version", "secret_hash", "fingerprint", *IDENTITY_FIELDS]


class _Sourced(models.Model):
    source = models.TextField(_("source"), blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)

    class Meta:
        abstract = True


class TipParameter(_Sourced):
    """A number of the tip scheme (verification days, rate limits, …), looked up by code."""

    code = models.CharField(_("parameter"), max_length=32, choices=Parameter.choices, unique=True)
    value = models.PositiveIntegerField(_("value"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tip parameter")
        verbose_name_plural = _("tip parameters")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.value}"


class RewardScale(_Sourced):
    """A reward scale: for a tip kind (and an accident grade for concealed accidents), the basis
    (a share of the fine, an amount per concealed death, or fixed), the percentage or amount, and
    the lowest and highest reward in yuan."""

    code = models.CharField(pgettext_lazy("reward scale", "code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("reward scale", "name"), max_length=100)
    kind = models.CharField(_("tip kind"), max_length=16, choices=TipKind.choices)
    basis = models.CharField(pgettext_lazy("reward scale", "basis"), max_length=16, choices=RewardBasis.choices)
    percent = models.DecimalField(_("share of the fine (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount_yuan = models.PositiveIntegerField(_("amount (yuan)"), null=True, blank=True,
                                              help_text=_("Per concealed death, or the fixed amount."))
    min_yuan = models.PositiveIntegerField(_("lowest reward (yuan)"), default=0)
    max_yuan = models.PositiveIntegerField(_("highest reward (yuan)"))
    is_active = models.BooleanField(_("in use"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reward scale")
        verbose_name_plural = _("reward scales")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class TipScoping:
    """Tips are read by the region (and industry) scope; grids and enterprises never see them, not
    even a tip about their own enterprise."""

    path = "region_path"
    industry = "industry"
    hidden_from = (GRID, ENTERPRISE)


class Tip(VoidableModel, VersionedModel, AuthoredModel):
    """A tip (举报) from the public. ``tracking_code`` is shown to the submitter with a secret whose
    SHA-256 alone is kept (``secret_hash``); both are needed to follow the tip. ``fingerprint``
    (region, unit and the normalised text) finds the same tip filed again: the copy names the
    first (``duplicate_of``), which alone may earn a reward."""

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("what is reported"), max_length=16, choices=TipKind.choices)
    description = models.TextField(pgettext_lazy("tip", "description"), max_length=2000)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=pgettext_lazy("tip", "region"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    address = models.CharField(pgettext_lazy("tip", "address"), max_length=200)
    unit_name = models.CharField(_("unit reported"), max_length=100, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False, verbose_name=pgettext_lazy("tip", "enterprise"))
    industry = models.ForeignKey("enterprises.Industry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False, verbose_name=pgettext_lazy("tip", "industry"))
    is_anonymous = models.BooleanField(_("anonymous"), default=True)
    reporter_name = models.CharField(_("submitter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("submitter's phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("submitter's e-mail"), max_length=100, blank=True)
    reporter_id_number = models.CharField(_("submitter's ID number"), max_length=18, blank=True)
    is_employee = models.BooleanField(_("works at the unit reported"), default=False)
    department = models.ForeignKey("orgs.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("handling department"))
    state = models.CharField(pgettext_lazy("tip", "state"), max_length=16, choices=TipState.choices,
                             default=TipState.RECEIVED, editable=False)
    received_at = models.DateTimeField(_("received at"), editable=False)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, editable=False)
    verify_due = models.DateField(_("verification due"), null=True, blank=True, editable=False)
    extended = models.BooleanField(_("verification extended"), default=False, editable=False)
    verified_on = models.DateField(_("verified on"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("reason and outcome"), max_length=2000, blank=True, editable=False,
                                       help_text=_("Shown to the submitter on the tracking page."))
    internal_note = models.TextField(_("internal note"), max_length=2000, blank=True, editable=False)
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               editable=False, verbose_name=_("hazard raised"))
    case = models.ForeignKey("enforcement.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, verbose_name=_("case opened"))
    fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     editable=False, verbose_name=_("duplicate of"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    Scoping = TipScoping

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("handle_tip", _("Can accept, verify and close tips")),
            ("view_tip_identity", _("Can read the identity and contact of a tip's submitter")),
        ]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="public_tip_path_idx"),
            models.Index(fields=["state", "verify_due"], name="public_tip_due_idx"),
            models.Index(fields=["received_at"], name="public_tip_received_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_id is not None


class TipAddition(models.Model):
    """Information the submitter added to a tip with its tracking code and secret (files are
    attached to the tip with this addition's event)."""

    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="additions", verbose_name=_("tip"))
    text = models.TextField(_("information added"), max_length=2000)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Scoping:
        path = "tip__region_path"
        industry = "tip__industry"
        hidden_from = (GRID, ENTERPRISE)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("information added by the submitter")
        verbose_name_plural = _("information added by the submitter")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id} @ {self.added_at:%Y-%m-%d}"


class Reward(VoidableModel, VersionedModel, AuthoredModel):
    """The reward of a confirmed real-name tip: the scale applied, the fine or the concealed deaths
    it rests on, the amount (computed, capped by the scale's limits), the approval and the payment
    record. One live reward per tip."""

    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="rewards", verbose_name=_("tip"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False, editable=False,
                                 verbose_name=pgettext_lazy("tip", "industry"))
    scale = models.ForeignKey(RewardScale, on_delete=models.PROTECT, related_name="+", verbose_name=_("reward scale"))
    fine_yuan = models.DecimalField(_("administrative fine (yuan)"), max_digits=12, decimal_places=2, null=True,
                                    blank=True)
    deaths = models.PositiveSmallIntegerField(_("concealed deaths verified"), null=True, blank=True)
    amount_yuan = models.DecimalField(_("reward (yuan)"), max_digits=12, decimal_places=2, editable=False)
    note = models.TextField(_("reasoning"), max_length=2000, blank=True)
    state = models.CharField(pgettext_lazy("reward", "state"), max_length=16, choices=RewardState.choices,
                             default=RewardState.PROPOSED, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("approved by"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    paid_on = models.DateField(pgettext_lazy("reward", "paid on"), null=True, blank=True, editable=False)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    Scoping = TipScoping

    class Meta:
        verbose_name = _("tip reward")
        verbose_name_plural = _("tip rewards")
        ordering = ["-id"]
        permissions = [("approve_reward", _("Can approve or decline tip rewards"))]
        constraints = [models.UniqueConstraint(fields=["tip"], condition=Q(is_voided=False),
                                               name="public_one_reward_per_tip")]
        indexes = [models.Index(fields=["region_path", "is_voided", "id"], name="public_reward_path_idx")]

    def __str__(self) -> str:
        return f"{self.tip} {self.amount_yuan}"


class IdentityAccess(models.Model):
    """One read of a submitter's identity (append-only: never changed or deleted): who, when, which
    tip, through the page or the API, from which address."""

    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="+", verbose_name=_("tip"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("read by"))
    at = models.DateTimeField(pgettext_lazy("identity read", "read at"), auto_now_add=True)
    channel = models.CharField(_("through"), max_length=8, choices=AccessChannel.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("read of a submitter's identity")
        verbose_name_plural = _("reads of submitters' identities")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["tip", "at"], name="public_identity_tip_idx")]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.user_id} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Identity reads cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Identity reads cannot be deleted."))


class ListingPublication(VersionedModel, AuthoredModel):
    """The publication of a hazard under listed supervision (挂牌督办) on the public pages: what is
    shown is read from the listing (unit, level, deadline, state) while it is published and not
    expired; withdrawing ends it."""

    listing = models.OneToOneField("hazards.ListedSupervision", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("listed supervision"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    published_on = models.DateField(pgettext_lazy("publication", "published on"), editable=False)
    expires_on = models.DateField(pgettext_lazy("publication", "published until"), null=True, blank=True)
    state = models.CharField(pgettext_lazy("publication", "state"), max_length=16, choices=PublicationState.choices,
                             default=PublicationState.PUBLISHED, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["region_path", "updated_at", "version"])

    class Scoping:
        path = "region_path"
        hidden_from = (GRID, ENTERPRISE)

    class Meta:
        verbose_name = _("publication of a listed hazard")
        verbose_name_plural = _("publications of listed hazards")
        ordering = ["-published_on", "-id"]
        permissions = [("publish_listing", _("Can publish listed hazards on the public pages"))]
        indexes = [models.Index(fields=["state", "expires_on"], name="public_pub_state_idx")]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.published_on}"

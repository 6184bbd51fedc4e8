"""Emergency preparedness (应急准备) of the enterprises and of the regulators:

- ``EmergencyParameter``: the regulatory numbers (filing period, evaluation cycle, drill cadences,
  …) with the document and article they come from — reference data, edited by administrators;
- ``EmergencyPlan``: an enterprise's comprehensive, special or on-site plan (应急预案) in its
  current version, its documents (attachments), publication, filing with the regulator (备案),
  evaluation and revision;
- ``Drill`` and ``DrillProblem``: the yearly drill plan and the drills held (演练), their
  evaluation and the problems found, which can become hazards;
- ``RescueTeam`` and ``Supply``: rescue teams and the supplies and equipment ledger (救援队伍,
  应急物资装备) of an enterprise, or of a region when no enterprise is named;
- ``DisposalCard``: an on-site emergency disposal card (应急处置卡) of a post or place, printed with a
  QR code to its public page;
- ``DutyShift`` and ``DutyLogEntry``: the regulator's 24-hour duty roster with handovers, and the
  duty log of incoming information (an accident report can be linked to its entry).

Enterprise records copy the enterprise's region path, industry and grid
(``EnterpriseRecordScoping``); regional ones carry their region's path. Records change only
through ``emergency.services``; nothing is deleted."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet

from .choices import (
    Certainty,
    DrillForm,
    DrillState,
    LogCategory,
    LogState,
    Parameter,
    PlanKind,
    PlanState,
    RevisionTrigger,
    ShiftState,
    SupplyCategory,
    TeamKind,
)

EXCLUDED_FROM_HISTORY = ["region_path", "updated_at", "version"]


def new_card_token() -> str:
    """An unguessable token for the public page of a disposal card (~190 bits)."""
    return secrets.token_urlsafe(24)


class EnterpriseKeys(models.Model):
    """The enterprise a record belongs to, with its scoping keys copied (set by the services)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("emergency", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=pgettext_lazy("emergency", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=pgettext_lazy("emergency", "grid"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    Scoping = EnterpriseRecordScoping

    class Meta:
        abstract = True


class OwnerKeys(models.Model):
    """A resource of an enterprise, or of a region (the government's teams and reserves) when no
    enterprise is named. The region path is the enterprise's, or the region's."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False,
                               verbose_name=pgettext_lazy("emergency", "region"))
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False,
                                   verbose_name=pgettext_lazy("emergency", "enterprise"),
                                   help_text=_("Leave empty for a resource of the region."))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=pgettext_lazy("emergency", "grid"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Scoping:
        # An enterprise user sees its own resources; the regional ones are the regulators'.
        path = "region_path"
        grid = "grid"
        enterprise = "enterprise"

    class Meta:
        abstract = True


class EmergencyParameter(models.Model):
    """A regulatory number of emergency preparedness (filing period, evaluation cycle, drill
    cadences, …), looked up by code, with the document and article it comes from — or marked
    unconfirmed. Loaded by the migration (``data/reference.py``), edited by administrators."""

    code = models.CharField(pgettext_lazy("emergency parameter", "parameter"), max_length=32,
                            choices=Parameter.choices, unique=True)
    value = models.PositiveSmallIntegerField(pgettext_lazy("emergency parameter", "value"))
    document = models.CharField(_("source document"), max_length=200, blank=True)
    article = models.CharField(_("article"), max_length=60, blank=True)
    note = models.TextField(pgettext_lazy("emergency parameter", "note"), max_length=1000, blank=True)
    certainty = models.CharField(_("certainty"), max_length=16, choices=Certainty.choices,
                                 default=Certainty.UNCONFIRMED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("emergency parameter")
        verbose_name_plural = _("emergency parameters")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.value}"


class EmergencyPlan(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """An emergency plan of an enterprise in its current version (``revision``): kind, title,
    scope, its documents (attachments), who signed and when it was published, its filing with the
    regulator (submitted, filed with the registration number, or returned with the reasons), its
    last evaluation and drill, and a revision required since (why, when). Changed only through
    ``emergency.services`` (``PLAN_MACHINE``); earlier versions live in the history."""

    kind = models.CharField(pgettext_lazy("emergency plan", "kind"), max_length=16, choices=PlanKind.choices)
    title = models.CharField(pgettext_lazy("emergency plan", "title"), max_length=200)
    scope = models.TextField(pgettext_lazy("emergency plan", "scope and main risks"), max_length=2000, blank=True)
    revision = models.PositiveSmallIntegerField(pgettext_lazy("emergency plan", "version"), default=1,
                                                editable=False)
    approved_by_name = models.CharField(_("signed by (principal)"), max_length=50, blank=True, editable=False)
    published_on = models.DateField(pgettext_lazy("emergency plan", "published on"), null=True, blank=True,
                                    editable=False)
    submitted_on = models.DateField(_("submitted for filing on"), null=True, blank=True, editable=False)
    filed_on = models.DateField(pgettext_lazy("emergency plan", "filed on"), null=True, blank=True, editable=False)
    filing_number = models.CharField(_("filing registration number"), max_length=60, blank=True, editable=False)
    return_reason = models.TextField(_("reasons for return"), max_length=1000, blank=True, editable=False)
    evaluated_on = models.DateField(_("last evaluated on"), null=True, blank=True, editable=False)
    evaluation = models.TextField(_("evaluation conclusion"), max_length=2000, blank=True, editable=False)
    last_drill_on = models.DateField(_("last drilled on"), null=True, blank=True, editable=False)
    revision_trigger = models.CharField(_("revision required because of"), max_length=16, blank=True,
                                        choices=RevisionTrigger.choices, editable=False)
    revision_reason = models.TextField(_("revision reason"), max_length=1000, blank=True, editable=False)
    revision_required_on = models.DateField(_("revision required on"), null=True, blank=True, editable=False)
    state = models.CharField(pgettext_lazy("emergency plan", "state"), max_length=16, choices=PlanState.choices,
                             default=PlanState.DRAFT, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["enterprise_id", "kind", "id"]
        permissions = [("review_emergencyplan", _("Can accept or return emergency plan filings"))]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="emg_plan_path_idx"),
            models.Index(fields=["enterprise", "kind", "state"], name="emg_plan_ent_idx"),
            # the cadence scans: one range on a date column per rule
            models.Index(fields=["state", "published_on"], name="emg_plan_filing_idx"),
            models.Index(fields=["state", "submitted_on"], name="emg_plan_review_idx"),
            models.Index(fields=["kind", "state", "last_drill_on"], name="emg_plan_drill_idx"),
            models.Index(fields=["revision_required_on"], name="emg_plan_revision_idx",
                         condition=Q(revision_required_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title


class Drill(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A drill of an enterprise: planned for a day (the yearly drill plan is the year's planned
    drills), then held — the plan drilled, its kind and form, the scenario, the participants, the
    photos (attachments), the evaluation and the problems found (``DrillProblem``). Holding it moves
    the drilled plans' last drill day (``services.hold_drill``)."""

    plan = models.ForeignKey(EmergencyPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="drills",
                             verbose_name=_("plan drilled"))
    kind = models.CharField(pgettext_lazy("drill", "kind"), max_length=16, choices=PlanKind.choices)
    form = models.CharField(pgettext_lazy("drill", "form"), max_length=16, choices=DrillForm.choices,
                            default=DrillForm.PRACTICAL)
    scenario = models.TextField(_("scenario"), max_length=2000)
    planned_on = models.DateField(pgettext_lazy("drill", "planned for"))
    held_on = models.DateField(pgettext_lazy("drill", "held on"), null=True, blank=True, editable=False)
    participants = models.TextField(_("participants"), max_length=2000, blank=True)
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)
    evaluation = models.TextField(pgettext_lazy("drill", "evaluation"), max_length=3000, blank=True)
    state = models.CharField(pgettext_lazy("drill", "state"), max_length=16, choices=DrillState.choices,
                             default=DrillState.PLANNED, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="emg_drill_path_idx"),
            models.Index(fields=["enterprise", "kind", "held_on"], name="emg_drill_ent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on or self.planned_on}"


class DrillProblem(EnterpriseKeys):
    """A problem a drill found: its description, whether the plan must be revised for it, and the
    hazard it became (``services.raise_problem_hazard``, through the hazards app's service)."""

    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="problems",
                              verbose_name=pgettext_lazy("drill problem", "drill"))
    description = models.TextField(pgettext_lazy("drill problem", "description"), max_length=2000)
    needs_revision = models.BooleanField(_("the plan must be revised"), default=False)
    hazard = models.OneToOneField("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False, verbose_name=_("hazard raised"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill problem")
        verbose_name_plural = _("drill problems")
        ordering = ["drill_id", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class RescueTeam(OwnerKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A rescue team (救援队伍) of an enterprise or of a region: kind, specialty, its leader and
    24-hour contact, its members."""

    name = models.CharField(pgettext_lazy("rescue team", "name"), max_length=100)
    kind = models.CharField(pgettext_lazy("rescue team", "kind"), max_length=16, choices=TeamKind.choices)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    leader = models.CharField(pgettext_lazy("rescue team", "leader"), max_length=50)
    phone = models.CharField(_("24-hour contact phone"), max_length=30)
    members = models.PositiveIntegerField(_("members"), default=0)
    base = models.CharField(_("base (address)"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("rescue team")
        verbose_name_plural = _("rescue teams")
        ordering = ["region_path", "name", "id"]
        indexes = [models.Index(fields=["region_path", "is_voided", "id"], name="emg_team_path_idx")]

    def __str__(self) -> str:
        return self.name


class Supply(OwnerKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A line of the emergency supplies and equipment ledger (应急物资装备台账): what, how many
    against the minimum to keep, where stored, who keeps it, and when it expires."""

    category = models.CharField(pgettext_lazy("supply", "category"), max_length=16, choices=SupplyCategory.choices)
    name = models.CharField(pgettext_lazy("supply", "name"), max_length=100)
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    unit = models.CharField(pgettext_lazy("supply", "unit"), max_length=10)
    quantity = models.PositiveIntegerField(pgettext_lazy("supply", "quantity"))
    minimum_quantity = models.PositiveIntegerField(_("minimum to keep"), default=0)
    storage_place = models.CharField(_("storage place"), max_length=200)
    keeper = models.CharField(_("keeper"), max_length=50, blank=True)
    phone = models.CharField(pgettext_lazy("supply", "phone"), max_length=30, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("emergency supply or equipment")
        verbose_name_plural = _("emergency supplies and equipment")
        ordering = ["region_path", "category", "name", "id"]
        indexes = [
            models.Index(fields=["region_path", "is_voided", "id"], name="emg_supply_path_idx"),
            models.Index(fields=["expires_on"], name="emg_supply_expiry_idx", condition=Q(expires_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name


class DisposalCard(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """An on-site emergency disposal card (应急处置卡) of a post or place: the risks there, the
    disposal steps, how to report, what to watch for and whom to call. Printed as a card with a
    QR code to its public page (``emergency:card_public``, an unguessable token)."""

    post = models.CharField(_("post or place"), max_length=100)
    risks = models.TextField(_("main risks"), max_length=1000)
    steps = models.TextField(_("disposal steps"), max_length=3000)
    reporting = models.TextField(_("how to report"), max_length=1000, blank=True)
    cautions = models.TextField(_("cautions"), max_length=1000, blank=True)
    contacts = models.TextField(_("emergency contacts"), max_length=500, blank=True)
    card_token = models.CharField(_("card token"), max_length=64, unique=True, default=new_card_token,
                                  editable=False)

    history = HistoricalRecords(excluded_fields=[*EXCLUDED_FROM_HISTORY, "card_token"])

    class Meta:
        verbose_name = _("emergency disposal card")
        verbose_name_plural = _("emergency disposal cards")
        ordering = ["enterprise_id", "post", "id"]
        indexes = [models.Index(fields=["region_path", "is_voided", "id"], name="emg_card_path_idx")]

    def __str__(self) -> str:
        return self.post


class RegionalKeys(models.Model):
    """A record of the regulator's own work in a region (duty roster, duty log)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False,
                               verbose_name=pgettext_lazy("emergency", "region"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Scoping:
        path = "region_path"
        # The duty is the regulators' own work: no enterprise or grid sees it.
        hidden_from = ("enterprise", "grid")

    class Meta:
        abstract = True


class DutyShift(RegionalKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A shift of the regulator's 24-hour duty (值班值守): from when to when, the leader on duty and
    the officer on duty with the duty phone; taken over, then handed over with a note of what is
    pending (交接班)."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    leader = models.CharField(_("leader on duty"), max_length=50)
    officer = models.CharField(_("officer on duty"), max_length=50)
    phone = models.CharField(_("duty phone"), max_length=30)
    handover_note = models.TextField(_("handover note"), max_length=2000, blank=True, editable=False)
    handed_over_to = models.CharField(_("handed over to"), max_length=50, blank=True, editable=False)
    state = models.CharField(pgettext_lazy("duty shift", "state"), max_length=16, choices=ShiftState.choices,
                             default=ShiftState.SCHEDULED, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["-starts_at", "-id"]
        permissions = [("keep_duty", _("Can keep the duty (roster, handovers, duty log)"))]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="emg_shift_range")]
        indexes = [models.Index(fields=["region_path", "starts_at"], name="emg_shift_path_idx")]

    def __str__(self) -> str:
        return f"{self.officer} {self.starts_at:%Y-%m-%d %H:%M}"


class DutyLogEntry(RegionalKeys, VoidableModel, VersionedModel, AuthoredModel):
    """An entry of the duty log: information received (when, from whom, by which channel, what),
    what was done, and — for an accident report — the accident record it led to."""

    received_at = models.DateTimeField(_("received at"))
    category = models.CharField(pgettext_lazy("duty log", "category"), max_length=16, choices=LogCategory.choices)
    reporter = models.CharField(_("reported by"), max_length=100)
    phone = models.CharField(pgettext_lazy("duty log", "phone"), max_length=30, blank=True)
    summary = models.TextField(pgettext_lazy("duty log", "content"), max_length=3000)
    handling = models.TextField(_("handling"), max_length=3000, blank=True)
    shift = models.ForeignKey(DutyShift, null=True, blank=True, on_delete=models.PROTECT, related_name="entries",
                              verbose_name=_("duty shift"))
    accident = models.ForeignKey("accidents.Accident", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", editable=False, verbose_name=_("accident report"))
    state = models.CharField(pgettext_lazy("duty log", "state"), max_length=16, choices=LogState.choices,
                             default=LogState.OPEN, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["region_path", "received_at"], name="emg_log_path_idx")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.reporter}"


"""Occupational health (职业健康) of the enterprises:

- the catalogue of occupational hazard factors (``HazardFactor``, reference data after
  《职业病危害因素分类目录》 国卫疾控发〔2015〕92号, edited by administrators) and the sourced numbers
  (``OccupationalParameter``: the detection and evaluation cadences, the examination cycle) with
  the department responsible (``OccupationalSetting``: health commission or emergency bureau);
- the factors at each workplace and post of an enterprise with the number of exposed workers
  (``Exposure``), and the declaration of hazard items with its changes (``Declaration``, 申报),
  accepted or returned by the responsible department;
- periodic detection and current-status evaluation by a qualified service body (``Detection``),
  with the result at each point against its limit (``DetectionResult``); an exceedance can become
  a hazard in the hazard ledger;
- workers' health examinations (``Examination``) with their results and follow-up, training
  (``Training``) and protective equipment issued (``ProtectiveIssue``).

Every record copies its enterprise's region path, industry and grid (``EnterpriseRecordScoping``).
Records change only through ``occupational.services``; nothing is deleted (voided)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from anjian.core.models import AuthoredModel, VersionedModel, VoidableModel
from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet

from .choices import (
    Authority,
    Certainty,
    ChangeReason,
    DeclarationKind,
    DeclarationState,
    DetectionKind,
    DetectionState,
    ExamKind,
    ExamResult,
    ExamState,
    FactorCategory,
    HazardLevel,
    PointResult,
    RecordState,
    TraineeRole,
)

EXCLUDED_FROM_HISTORY = ["region_path", "updated_at", "version"]
WORKERS_MAX = 100000


def _workers(label, **kwargs):
    return models.PositiveIntegerField(label, validators=[MaxValueValidator(WORKERS_MAX)], **kwargs)


# --- reference data --------------------------------------------------------------------------------

class HazardFactor(models.Model):
    """One occupational hazard factor of the catalogue (矽尘, 苯, 噪声, 高温, X射线, …): its class and
    CAS number, with the source. Loaded by the migration (``data/factors.py``), edited and retired
    (never deleted) by administrators; a deployment adds the factors it needs."""

    code = models.CharField(pgettext_lazy("hazard factor", "code"), max_length=20, unique=True)
    name = models.CharField(pgettext_lazy("hazard factor", "name"), max_length=100)
    category = models.CharField(pgettext_lazy("hazard factor", "class"), max_length=16,
                                choices=FactorCategory.choices)
    cas_number = models.CharField(_("CAS number"), max_length=60, blank=True)
    source = models.CharField(pgettext_lazy("occupational", "source"), max_length=300, blank=True)
    certainty = models.CharField(pgettext_lazy("occupational", "certainty"), max_length=16,
                                 choices=Certainty.choices, default=Certainty.UNCONFIRMED)
    is_active = models.BooleanField(pgettext_lazy("occupational", "in use"), default=True)
    sort = models.PositiveSmallIntegerField(pgettext_lazy("occupational", "order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("occupational hazard factor")
        verbose_name_plural = _("occupational hazard factors")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class OccupationalParameter(models.Model):
    """A regulatory number of occupational health (detection every N years by hazard level, the
    evaluation cycle, the examination cycle), with the document and article it rests on."""

    code = models.CharField(pgettext_lazy("occupational parameter", "code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("occupational parameter", "name"), max_length=100)
    value = models.PositiveSmallIntegerField(pgettext_lazy("occupational parameter", "value"),
                                             validators=[MinValueValidator(1), MaxValueValidator(120)])
    unit = models.CharField(pgettext_lazy("occupational parameter", "unit"), max_length=20, blank=True)
    source = models.CharField(pgettext_lazy("occupational", "source"), max_length=300, blank=True)
    certainty = models.CharField(pgettext_lazy("occupational", "certainty"), max_length=16,
                                 choices=Certainty.choices, default=Certainty.UNCONFIRMED)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("occupational health parameter")
        verbose_name_plural = _("occupational health parameters")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}: {self.value} {self.unit}".strip()


class OccupationalSetting(models.Model):
    """The deployment's choice of the department responsible for occupational health (one row,
    edited by administrators): it receives and accepts the declarations and is named on the pages."""

    responsible = models.CharField(_("responsible department"), max_length=16, choices=Authority.choices,
                                   default=Authority.HEALTH)
    note = models.CharField(pgettext_lazy("occupational", "note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("occupational health setting")
        verbose_name_plural = _("occupational health settings")

    def __str__(self) -> str:
        return str(self.get_responsible_display())


# --- enterprise records -----------------------------------------------------------------------------

class EnterpriseKeys(models.Model):
    """The enterprise a record belongs to, with its scoping keys copied (set by the services)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, verbose_name=pgettext_lazy("occupational", "enterprise"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=pgettext_lazy("occupational", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=pgettext_lazy("occupational", "grid"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    Scoping = EnterpriseRecordScoping

    class Meta:
        abstract = True


def _indexes(prefix: str, *extra: models.Index) -> list[models.Index]:
    return [models.Index(fields=["region_path", "is_voided", "id"], name=f"{prefix}_path_idx"),
            models.Index(fields=["industry", "region_path"], name=f"{prefix}_industry_idx"),
            models.Index(fields=["enterprise", "is_voided"], name=f"{prefix}_ent_idx"), *extra]


class Exposure(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A hazard factor at a workplace and post of an enterprise (车间/岗位), with the number of workers
    exposed to it — the basis of the declaration and of the detection points."""

    workplace = models.CharField(_("workplace"), max_length=100)
    post = models.CharField(pgettext_lazy("occupational", "post"), max_length=100)
    factor = models.ForeignKey(HazardFactor, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("hazard factor"))
    exposed_workers = _workers(_("exposed workers"))
    note = models.CharField(pgettext_lazy("occupational", "note"), max_length=300, blank=True)
    state = models.CharField(pgettext_lazy("occupational", "state"), max_length=16, choices=RecordState.choices,
                             default=RecordState.CURRENT, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("hazard exposure")
        verbose_name_plural = _("hazard exposures")
        ordering = ["enterprise_id", "workplace", "post", "id"]
        indexes = _indexes("occ_exp")

    def __str__(self) -> str:
        return f"{self.workplace} · {self.post} · {self.factor}"


class Declaration(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A declaration of occupational hazard items (职业病危害项目申报) to the responsible department:
    the first one, a change (the cases of 原国家安全监管总局令第48号 第八条) or the cancellation. It
    states the enterprise's hazard level, which sets the cadence of detection and evaluation.
    Submitted → accepted, or returned with the reason → corrected and submitted again."""

    kind = models.CharField(pgettext_lazy("declaration", "kind"), max_length=16, choices=DeclarationKind.choices,
                            default=DeclarationKind.INITIAL)
    change_reason = models.CharField(_("reason for the change"), max_length=16, choices=ChangeReason.choices,
                                     blank=True, default="")
    hazard_level = models.CharField(_("hazard level"), max_length=16, choices=HazardLevel.choices,
                                    default=HazardLevel.GENERAL)
    declared_on = models.DateField(pgettext_lazy("declaration", "declared on"))
    principal = models.CharField(pgettext_lazy("occupational", "principal"), max_length=50)
    exposed_workers = _workers(_("exposed workers (total)"), default=0)
    content = models.TextField(_("declared items"), max_length=5000,
                               help_text=_("The factors, workplaces and protective facilities declared."))
    state = models.CharField(pgettext_lazy("declaration", "state"), max_length=16, choices=DeclarationState.choices,
                             default=DeclarationState.SUBMITTED, editable=False)
    receipt_number = models.CharField(_("receipt number"), max_length=60, blank=True, editable=False)
    decided_at = models.DateTimeField(pgettext_lazy("declaration", "decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=pgettext_lazy("declaration", "decided by"))
    return_reason = models.CharField(_("reason for returning"), max_length=200, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("hazard declaration")
        verbose_name_plural = _("hazard declarations")
        ordering = ["-declared_on", "-id"]
        permissions = [("accept_declaration", _("Can accept and return occupational hazard declarations"))]
        indexes = _indexes("occ_decl", models.Index(fields=["enterprise", "state", "declared_on"],
                                                    name="occ_decl_level_idx"))

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.declared_on:%Y-%m-%d}"


class Detection(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A periodic detection of the hazard factors (职业病危害因素定期检测) or a current-status
    evaluation (职业病危害现状评价) by a qualified occupational-health service body, with its report;
    the results per point are ``DetectionResult`` rows."""

    kind = models.CharField(pgettext_lazy("detection", "kind"), max_length=16, choices=DetectionKind.choices,
                            default=DetectionKind.DETECTION)
    performed_on = models.DateField(_("performed on"))
    service_body = models.CharField(_("service body"), max_length=100)
    qualification = models.CharField(_("qualification number"), max_length=60, blank=True)
    report_number = models.CharField(_("report number"), max_length=60)
    conclusion = models.TextField(pgettext_lazy("detection", "conclusion"), max_length=5000, blank=True)
    state = models.CharField(pgettext_lazy("detection", "state"), max_length=16, choices=DetectionState.choices,
                             default=DetectionState.RECORDED, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("detection or evaluation")
        verbose_name_plural = _("detections and evaluations")
        ordering = ["-performed_on", "-id"]
        indexes = _indexes("occ_det", models.Index(fields=["enterprise", "kind", "is_voided", "performed_on"],
                                                   name="occ_det_cadence_idx"))

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.report_number}"


class DetectionResult(models.Model):
    """The result at one detection point (检测点): the factor, the measured value against its limit,
    pass or exceed; an exceedance may be raised as a hazard (``hazard``). Written only with its
    detection (the detection's step ``add_result``), so its scoping is the detection's."""

    detection = models.ForeignKey(Detection, on_delete=models.PROTECT, related_name="results",
                                  verbose_name=_("detection or evaluation"))
    region_path = models.CharField(_("region path"), max_length=80, editable=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False, editable=False,
                                   verbose_name=pgettext_lazy("occupational", "enterprise"))
    industry = models.ForeignKey("enterprises.Industry", on_delete=models.PROTECT, related_name="+", editable=False,
                                 db_index=False, verbose_name=pgettext_lazy("occupational", "industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             editable=False, db_index=False, verbose_name=pgettext_lazy("occupational", "grid"))
    point = models.CharField(_("detection point"), max_length=100)
    factor = models.ForeignKey(HazardFactor, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("hazard factor"))
    measured = models.DecimalField(_("measured value"), max_digits=12, decimal_places=3,
                                   validators=[MinValueValidator(0)])
    limit = models.DecimalField(_("limit value"), max_digits=12, decimal_places=3,
                                validators=[MinValueValidator(0)])
    unit = models.CharField(pgettext_lazy("occupational", "unit"), max_length=20, blank=True)
    result = models.CharField(pgettext_lazy("detection", "result"), max_length=8, choices=PointResult.choices,
                              editable=False)
    hazard = models.OneToOneField("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", editable=False, verbose_name=_("hazard raised"))

    Scoping = EnterpriseRecordScoping

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("detection result")
        verbose_name_plural = _("detection results")
        ordering = ["detection_id", "id"]
        indexes = [models.Index(fields=["region_path", "result", "id"], name="occ_res_path_idx"),
                   models.Index(fields=["enterprise", "result"], name="occ_res_ent_idx")]

    def __str__(self) -> str:
        return f"{self.point} · {self.factor}"


class Examination(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """A worker's occupational health examination (职业健康检查): before the post, during it or on
    leaving, by a medical institution; the result and, where it needs one (suspected occupational
    disease, contraindication, other abnormality), the follow-up."""

    worker = models.CharField(pgettext_lazy("occupational", "worker"), max_length=50)
    id_number = models.CharField(_("ID card number"), max_length=18, blank=True)
    post = models.CharField(pgettext_lazy("occupational", "post"), max_length=100)
    factors = models.CharField(_("factors exposed to"), max_length=200, blank=True)
    kind = models.CharField(pgettext_lazy("examination", "kind"), max_length=16, choices=ExamKind.choices)
    examined_on = models.DateField(_("examined on"))
    institution = models.CharField(_("examining institution"), max_length=100)
    result = models.CharField(pgettext_lazy("examination", "result"), max_length=16, choices=ExamResult.choices)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True,
                                 help_text=_("Diagnosis, transfer from the post, review — what was done."))
    state = models.CharField(pgettext_lazy("examination", "state"), max_length=16, choices=ExamState.choices,
                             default=ExamState.DONE, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("health examination")
        verbose_name_plural = _("health examinations")
        ordering = ["-examined_on", "-id"]
        indexes = _indexes("occ_exam", models.Index(fields=["enterprise", "kind", "examined_on"],
                                                    name="occ_exam_cycle_idx"),
                           models.Index(fields=["state", "region_path"], name="occ_exam_state_idx"))

    def __str__(self) -> str:
        return f"{self.worker} · {self.get_kind_display()} {self.examined_on:%Y-%m-%d}"


class Training(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """An occupational-health training session of the principal, the managers or the exposed
    workers: the day, hours, the number trained and who gave it."""

    role = models.CharField(_("trainees"), max_length=16, choices=TraineeRole.choices)
    trained_on = models.DateField(_("trained on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(0), MaxValueValidator(500)])
    trainees = _workers(_("people trained"), default=1)
    provider = models.CharField(_("given by"), max_length=100, blank=True)
    topic = models.CharField(pgettext_lazy("training", "topic"), max_length=200)
    state = models.CharField(pgettext_lazy("occupational", "state"), max_length=16, choices=RecordState.choices,
                             default=RecordState.CURRENT, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("occupational health training")
        verbose_name_plural = _("occupational health trainings")
        ordering = ["-trained_on", "-id"]
        indexes = _indexes("occ_train", models.Index(fields=["enterprise", "role", "trained_on"],
                                                     name="occ_train_role_idx"))

    def __str__(self) -> str:
        return self.topic


class ProtectiveIssue(EnterpriseKeys, VoidableModel, VersionedModel, AuthoredModel):
    """Protective equipment issued to the workers of a post (防护用品发放): what, how many, when."""

    item = models.CharField(_("protective equipment"), max_length=100)
    post = models.CharField(pgettext_lazy("occupational", "post"), max_length=100)
    quantity = _workers(pgettext_lazy("occupational", "quantity"))
    issued_on = models.DateField(pgettext_lazy("protection", "issued on"))
    recipients = models.CharField(_("issued to"), max_length=300, blank=True)
    state = models.CharField(pgettext_lazy("occupational", "state"), max_length=16, choices=RecordState.choices,
                             default=RecordState.CURRENT, editable=False)

    history = HistoricalRecords(excluded_fields=EXCLUDED_FROM_HISTORY)

    class Meta:
        verbose_name = _("protective equipment issued")
        verbose_name_plural = _("protective equipment issued")
        ordering = ["-issued_on", "-id"]
        indexes = _indexes("occ_ppe")

    def __str__(self) -> str:
        return f"{self.item} · {self.post}"

"""Choice sets of the occupational-health app (职业健康) and its state machines, declared once as
data: the services take these steps through ``core.workflow``; the pages' buttons and the API's
``available_actions`` read them.

The enterprise keeps its own records (exposures, detections, examinations, training, protective
equipment); the declaration of hazard items (职业病危害项目申报) is submitted by the enterprise and
accepted or returned by the responsible department (卫生健康 or 应急管理, a setting)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.workflow import StateMachine, Step

from . import events


class Certainty(models.TextChoices):
    """How sure a reference row is of its source."""

    CONFIRMED = "confirmed", pgettext_lazy("occupational", "Confirmed in the text")
    UNCONFIRMED = "unconfirmed", pgettext_lazy("occupational", "Unconfirmed: check the official text")


class FactorCategory(models.TextChoices):
    """The six classes of 《职业病危害因素分类目录》 (国卫疾控发〔2015〕92号)."""

    DUST = "dust", _("Dust")
    CHEMICAL = "chemical", _("Chemical factors")
    PHYSICAL = "physical", _("Physical factors")
    RADIATION = "radiation", _("Radioactive factors")
    BIOLOGICAL = "biological", _("Biological factors")
    OTHER = "other", _("Other factors")


class HazardLevel(models.TextChoices):
    """The enterprise's occupational hazard level (职业病危害严重 / 一般), which sets the cadence of
    detection and evaluation (国家卫生健康委员会令第5号 第二十条)."""

    SERIOUS = "serious", _("Serious occupational hazard")
    GENERAL = "general", _("General occupational hazard")


class Authority(models.TextChoices):
    """The department that receives declarations and supervises occupational health; deployments
    differ (since 2018 the health commissions, in some places still the emergency bureaus)."""

    HEALTH = "health", _("Health commission")
    EMERGENCY = "emergency", _("Emergency management bureau")


class RecordState(models.TextChoices):
    CURRENT = "current", pgettext_lazy("occupational", "Current")


def _simple(model: str) -> StateMachine:
    """Correct and void: the machine of a plain record kept by the enterprise."""
    return StateMachine(model=model, states=RecordState, steps=[
        Step("update", pgettext_lazy("occupational", "Correct"), sources=(RecordState.CURRENT,), right="edit",
             event=events.UPDATED),
        Step("void", pgettext_lazy("occupational", "Void"), right="edit", event=events.VOIDED),
    ])


EXPOSURE_MACHINE = _simple("occupational.Exposure")
TRAINING_MACHINE = _simple("occupational.Training")
PROTECTION_MACHINE = _simple("occupational.ProtectiveIssue")


# --- declaration (职业病危害项目申报) --------------------------------------------------------------

class DeclarationKind(models.TextChoices):
    INITIAL = "initial", _("First declaration")
    CHANGE = "change", _("Change declaration")
    CANCEL = "cancel", _("Cancellation (operations ended)")


class ChangeReason(models.TextChoices):
    """The cases of 原国家安全监管总局令第48号 第八条 (and 第九条: the end of operations)."""

    NONE = "", pgettext_lazy("occupational", "—")
    PROJECT = "project", _("New, altered or expanded project completed (within 30 days)")
    PROCESS = "process", _("Technology, process, equipment or material changed (within 15 days)")
    UNIT = "unit", _("Workplace, name, legal representative or principal changed (within 15 days)")
    DETECTION = "detection", _("Detection or evaluation found a change (within 15 days)")
    ENDED = "ended", _("Operations ended (within 15 days)")


class DeclarationState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("declaration", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("declaration", "Accepted")
    RETURNED = "returned", pgettext_lazy("declaration", "Returned")


DECLARATION_MACHINE = StateMachine(model="occupational.Declaration", states=DeclarationState, steps=[
    Step("update", pgettext_lazy("occupational", "Correct"), sources=(DeclarationState.RETURNED,), right="edit",
         event=events.UPDATED),
    Step("resubmit", _("Submit again"), sources=(DeclarationState.RETURNED,), target=DeclarationState.SUBMITTED,
         right="edit", event=events.DECLARATION_SUBMITTED),
    Step("accept", pgettext_lazy("declaration", "Accept"), sources=(DeclarationState.SUBMITTED,),
         target=DeclarationState.ACCEPTED, right="accept", event=events.DECLARATION_ACCEPTED),
    Step("return", pgettext_lazy("declaration", "Return"), sources=(DeclarationState.SUBMITTED,),
         target=DeclarationState.RETURNED, right="accept", event=events.DECLARATION_RETURNED),
    Step("void", pgettext_lazy("occupational", "Void"), sources=(DeclarationState.SUBMITTED, DeclarationState.RETURNED),
         right="edit", event=events.VOIDED),
])


# --- detection and evaluation (检测与评价) -------------------------------------------------------------

class DetectionKind(models.TextChoices):
    DETECTION = "detection", _("Periodic detection")
    EVALUATION = "evaluation", _("Current-status evaluation")


class DetectionState(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("detection", "Recorded")


DETECTION_MACHINE = StateMachine(model="occupational.Detection", states=DetectionState, steps=[
    Step("update", pgettext_lazy("occupational", "Correct"), sources=(DetectionState.RECORDED,), right="edit",
         event=events.UPDATED),
    Step("add_result", _("Add a result"), sources=(DetectionState.RECORDED,), right="edit",
         event=events.RESULT_ADDED),
    Step("raise_hazard", _("Raise the exceedance as a hazard"), sources=(DetectionState.RECORDED,),
         right="raise_hazard", event=events.HAZARD_RAISED),
    Step("void", pgettext_lazy("occupational", "Void"), right="edit", event=events.VOIDED),
])


class PointResult(models.TextChoices):
    PASS = "pass", _("Within the limit")
    EXCEED = "exceed", _("Exceeds the limit")


# --- health examinations (职业健康检查) ------------------------------------------------------------------

class ExamKind(models.TextChoices):
    PRE_POST = "pre_post", _("Before taking the post")
    ON_POST = "on_post", _("During the post")
    LEAVING = "leaving", _("On leaving the post")


class ExamResult(models.TextChoices):
    NORMAL = "normal", _("No abnormality")
    OTHER = "other", _("Other abnormality (review)")
    SUSPECTED = "suspected", _("Suspected occupational disease")
    CONTRAINDICATION = "contraindication", _("Occupational contraindication")


#: Results that need a follow-up (diagnosis, transfer from the post, review).
FOLLOW_UP_RESULTS = (ExamResult.OTHER, ExamResult.SUSPECTED, ExamResult.CONTRAINDICATION)


class ExamState(models.TextChoices):
    DONE = "done", pgettext_lazy("examination", "No follow-up needed")
    FOLLOW_UP = "follow_up", pgettext_lazy("examination", "Follow-up pending")
    CLOSED = "closed", pgettext_lazy("examination", "Follow-up completed")


EXAMINATION_MACHINE = StateMachine(model="occupational.Examination", states=ExamState, steps=[
    Step("update", pgettext_lazy("occupational", "Correct"), sources=(ExamState.DONE, ExamState.FOLLOW_UP),
         right="edit", event=events.UPDATED),
    Step("complete_follow_up", _("Record the follow-up"), sources=(ExamState.FOLLOW_UP,), target=ExamState.CLOSED,
         right="edit", event=events.FOLLOW_UP_DONE),
    Step("void", pgettext_lazy("occupational", "Void"), right="edit", event=events.VOIDED),
])


# --- training (职业卫生培训) -------------------------------------------------------------------------------

class TraineeRole(models.TextChoices):
    """Who must be trained (《职业病防治法》第三十四条: the principal and managers, and the workers)."""

    PRINCIPAL = "principal", pgettext_lazy("occupational", "Principal")
    MANAGER = "manager", _("Occupational health manager")
    WORKER = "worker", _("Exposed worker")

"""Every change in the occupational-health app goes through these services, and through the one
write path (``core.workflow``): lock, version (409 on a stale copy), the actor's right
(``policy``), the state machine's step and guards (``choices``), the change, field history and the
event, in one transaction. Pages, the API, the import, the admin and the demo call them.

The records an enterprise keeps share two services (``record_entry`` and ``correct``) over the
fields each model lets a user set (``FIELDS``); the steps with a meaning of their own (accepting or
returning a declaration, adding a detection result, raising an exceedance as a hazard, recording
an examination's follow-up) have their own."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from anjian.core.services import ConflictError
from anjian.core.workflow import StateMachine, Unchanged, create, perform_step, void

from . import events
from .choices import (
    DECLARATION_MACHINE,
    DETECTION_MACHINE,
    EXAMINATION_MACHINE,
    EXPOSURE_MACHINE,
    FOLLOW_UP_RESULTS,
    PROTECTION_MACHINE,
    TRAINING_MACHINE,
    ChangeReason,
    DeclarationKind,
    ExamState,
    PointResult,
)
from .models import (
    Declaration,
    Detection,
    DetectionResult,
    Examination,
    Exposure,
    HazardFactor,
    ProtectiveIssue,
    Training,
)
from .policy import policy

Record = Exposure | Declaration | Detection | Examination | Training | ProtectiveIssue

#: What a user may set on each kind of record (the rest is the service's).
FIELDS: dict[type[models.Model], frozenset[str]] = {
    Exposure: frozenset({"workplace", "post", "factor", "exposed_workers", "note", "is_demo"}),
    Declaration: frozenset({"kind", "change_reason", "hazard_level", "declared_on", "principal", "exposed_workers",
                            "content", "is_demo"}),
    Detection: frozenset({"kind", "performed_on", "service_body", "qualification", "report_number", "conclusion",
                          "is_demo"}),
    Examination: frozenset({"worker", "id_number", "post", "factors", "kind", "examined_on", "institution", "result",
                            "follow_up", "is_demo"}),
    Training: frozenset({"role", "trained_on", "hours", "trainees", "provider", "topic", "is_demo"}),
    ProtectiveIssue: frozenset({"item", "post", "quantity", "issued_on", "recipients", "is_demo"}),
}
RESULT_FIELDS = frozenset({"point", "factor", "measured", "limit", "unit"})
#: Fields a correction may not change (what the record is about stays).
FIXED = frozenset({"is_demo"})
#: The rectification period a hazard raised from an exceedance gets unless told otherwise (the
#: same default as a hazard raised from an inspection item; the user sets the real one).
DEFAULT_RECTIFICATION_DAYS = 30


def machine_of(obj: models.Model) -> StateMachine:
    """The state machine of a record of this app."""
    return {Exposure: EXPOSURE_MACHINE, Declaration: DECLARATION_MACHINE, Detection: DETECTION_MACHINE,
            Examination: EXAMINATION_MACHINE, Training: TRAINING_MACHINE,
            ProtectiveIssue: PROTECTION_MACHINE}[type(obj)]


def _check_fields(data: Mapping[str, Any], allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})


def _copy_keys(row: models.Model, enterprise) -> None:
    row.enterprise = enterprise
    row.region_path = enterprise.region_path
    row.industry_id = enterprise.industry_id
    row.grid_id = enterprise.grid_id


def _not_future(day: datetime.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("This day cannot be in the future.")})


def _check(obj: Record) -> None:
    """The rules of each kind of record beyond its fields' own (named by field)."""
    factor_id = getattr(obj, "factor_id", None)
    if factor_id and not HazardFactor.objects.filter(pk=factor_id, is_active=True).exists():
        raise ValidationError({"factor": _("This hazard factor is no longer in use.")})
    for field in ("declared_on", "performed_on", "examined_on", "trained_on", "issued_on"):
        if hasattr(obj, field):
            _not_future(getattr(obj, field), field)
    if isinstance(obj, Declaration):
        if obj.kind == DeclarationKind.INITIAL and obj.change_reason:
            raise ValidationError({"change_reason": _("A first declaration has no reason for a change.")})
        if obj.kind == DeclarationKind.CHANGE and obj.change_reason in ("", ChangeReason.ENDED):
            raise ValidationError({"change_reason": _("Name the reason for the change.")})
        if obj.kind == DeclarationKind.CANCEL:
            obj.change_reason = ChangeReason.ENDED
    if isinstance(obj, Examination) and obj.state != ExamState.CLOSED:
        # The follow-up is owed for an abnormal result; correcting the result decides it again.
        obj.state = ExamState.FOLLOW_UP if obj.result in FOLLOW_UP_RESULTS else ExamState.DONE


def _step(obj, action: str, *, actor, change: Callable | None = None, version: int | None = None,
          comment: str = "", data: dict | None = None, outcome: bool = False):
    done = perform_step(obj, action, actor=actor, policy=policy, machine=machine_of(obj), change=change,
                        expected_version=version, comment=comment, data=data, outcome=outcome)
    return done if done is not None else obj


def record_entry(model: type[Record], *, actor, enterprise, data: dict[str, Any]) -> Record:
    """Record an exposure, a declaration (submitted at once), a detection or evaluation, an
    examination, a training or protective equipment issued, for ``enterprise`` (the enterprise
    itself, or an officer of its jurisdiction)."""
    _check_fields(data, FIELDS[model])
    obj = model(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_keys(obj, enterprise)
    _check(obj)
    code = events.DECLARATION_SUBMITTED if model is Declaration else events.CREATED
    return create(obj, actor=actor, policy=policy, action=code, right="edit")


def correct(obj: Record, *, actor, data: dict[str, Any], version: int | None = None) -> Record:
    """Correct a record's details (a declaration only while returned)."""
    def change(locked):
        _check_fields(data, FIELDS[type(locked)] - FIXED)
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        if not changed:
            raise Unchanged
        for name in changed:
            setattr(locked, name, data[name])
        _check(locked)
        locked.full_clean()
        return changed

    return _step(obj, "update", actor=actor, version=version, change=change)


def void_record(obj: Record, *, actor, reason: str, version: int | None = None) -> Record:
    """Void a record entered in error (never deleted)."""
    return void(obj, actor=actor, policy=policy, reason=reason, expected_version=version, right="edit",
                machine=machine_of(obj))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    return reason[:200]


# --- declarations ------------------------------------------------------------------------------------------

def resubmit_declaration(declaration: Declaration, *, actor, version: int | None = None) -> Declaration:
    """Submit a returned declaration again (after correcting it)."""
    def change(locked):
        locked.return_reason = ""

    return _step(declaration, "resubmit", actor=actor, version=version, change=change)


def accept_declaration(declaration: Declaration, *, actor, receipt_number: str = "",
                       version: int | None = None) -> Declaration:
    """The responsible department accepts the declaration and gives its receipt (申报回执)."""
    number = (receipt_number or "").strip()[:60]

    def change(locked):
        locked.receipt_number = number or f"ZYB-{locked.declared_on:%Y}-{locked.pk:06d}"
        locked.decided_at, locked.decided_by = timezone.now(), actor if getattr(actor, "pk", None) else None

    return _step(declaration, "accept", actor=actor, version=version, change=change,
                 data={"receipt_number": number})


def return_declaration(declaration: Declaration, *, actor, reason: str, version: int | None = None) -> Declaration:
    """The responsible department returns the declaration with the reason; the enterprise corrects
    it and submits it again."""
    reason = _reason(reason)

    def change(locked):
        locked.return_reason = reason
        locked.decided_at, locked.decided_by = timezone.now(), actor if getattr(actor, "pk", None) else None

    return _step(declaration, "return", actor=actor, version=version, change=change, comment=reason)


# --- detection results and hazards ---------------------------------------------------------------------------

def add_result(detection: Detection, *, actor, data: dict[str, Any], version: int | None = None) -> DetectionResult:
    """Add the result of one detection point: the measured value against its limit decides pass or
    exceed (equal to the limit passes)."""
    _check_fields(data, RESULT_FIELDS)

    def change(locked: Detection) -> DetectionResult:
        row = DetectionResult(detection=locked, **data)
        _copy_keys(row, locked.enterprise)
        measured, limit = Decimal(row.measured if row.measured is not None else 0), row.limit
        row.result = PointResult.EXCEED if limit is not None and measured > limit else PointResult.PASS
        _check(row)
        row.full_clean(exclude=["detection", "enterprise", "industry", "grid", "hazard"])
        row.save()
        return row

    done = _step(detection, "add_result", actor=actor, version=version, change=change, outcome=True,
                 data={"point": str(data.get("point", ""))[:100]})
    return done.result


def _num(value: Decimal) -> str:
    """A measured value as people write it: 4.8, not 4.800."""
    return f"{value.normalize():f}"


def raise_hazard(result: DetectionResult, *, actor, data: dict[str, Any] | None = None,
                 version: int | None = None):
    """"An exceedance becomes a hazard in one step": report it to the hazard ledger (through
    ``hazards.services.report_hazard``, which checks the actor's right there too) with the
    enterprise, the point as the place, the factor, the measured value against the limit and the
    report as the description, an environmental factor, general grade and a deadline
    (``DEFAULT_RECTIFICATION_DAYS`` unless given); then link the result to the hazard. A second
    raise of the same result is a conflict (409)."""
    from anjian.hazards import services as hazard_services
    from anjian.standards.choices import HazardFactor as FactorClass

    overrides = dict(data or {})
    _check_fields(overrides, {"deadline", "description", "location"})

    def change(detection: Detection):
        row = DetectionResult.objects.select_for_update().select_related("factor").get(pk=result.pk)
        if row.detection_id != detection.pk:
            raise ValidationError({"result": _("This result is not part of the detection.")})
        if row.hazard_id is not None:
            raise ConflictError(_("A hazard was already raised from this result."))
        if row.result != PointResult.EXCEED:
            raise ValidationError({"result": _("Only a result that exceeds its limit can be raised as a hazard.")})
        values = {
            "location": overrides.get("location") or row.point,
            "description": overrides.get("description") or _(
                "%(factor)s at %(point)s: %(measured)s %(unit)s exceeds the limit %(limit)s %(unit)s "
                "(%(kind)s report %(report)s).") % {
                "factor": row.factor.name, "point": row.point, "measured": _num(row.measured), "limit": _num(row.limit),
                "unit": row.unit, "kind": detection.get_kind_display(), "report": detection.report_number},
            "category": FactorClass.ENVIRONMENT,
            "deadline": overrides.get("deadline") or timezone.localdate() + datetime.timedelta(
                days=DEFAULT_RECTIFICATION_DAYS),
        }
        hazard = hazard_services.report_hazard(actor=actor, enterprise=detection.enterprise, data=values)
        row.hazard = hazard
        row.save(update_fields=["hazard"])
        return hazard

    # The detection as it stands (the result's copy may predate later results): the caller's
    # version, when given, is what is checked.
    detection = Detection.objects.get(pk=result.detection_id)
    done = _step(detection, "raise_hazard", actor=actor, version=version, change=change, outcome=True,
                 data={"result": result.pk})
    return done.result


# --- examinations -------------------------------------------------------------------------------------------

def complete_follow_up(examination: Examination, *, actor, follow_up: str,
                       version: int | None = None) -> Examination:
    """Record what was done after an abnormal result (diagnosis, transfer from the post, review)."""
    text = (follow_up or "").strip()
    if not text:
        raise ValidationError({"follow_up": pgettext("occupational", "Say what was done.")})

    def change(locked):
        locked.follow_up = text[:300]

    return _step(examination, "complete_follow_up", actor=actor, version=version, change=change, comment=text[:200])

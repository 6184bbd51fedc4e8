"""Shared service helpers: event rows and voiding. Domain services call these inside their
own atomic blocks so the state change and its event are written together or not at all."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event


def record_event(
    target: models.Model,
    action: str,
    *,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Write one event row about ``target``."""
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        object_id=str(target.pk),
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


def events_for(target: models.Model) -> models.QuerySet:
    """The timeline of ``target``, newest first."""
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True), object_id=str(target.pk)
    ).select_related("actor")


@transaction.atomic
def void_record(record: models.Model, *, actor, reason: str) -> models.Model:
    """Void a user-entered record (never delete it); the void is an event."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"void_reason": _("Give a reason for voiding this record.")})
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.is_voided:
        raise ValidationError({"is_voided": _("This record is already voided.")})
    record.is_voided = True
    record.voided_at = timezone.now()
    record.void_reason = reason[:200]
    record._change_reason = reason[:100]
    record.save(update_fields=["is_voided", "voided_at", "void_reason"])
    record_event(record, "voided", actor=actor, comment=reason)
    return record

"""Shared service helpers: event rows and voiding. Domain services call these inside their
own atomic blocks so the state change and its event are written together or not at all."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Attachment, Event


class ConflictError(Exception):
    """Someone else changed the record first (a concurrent transition, or a stale version).

    The API answers 409; the UI shows the message and the record as it is now. Nothing of
    the losing request is written."""

    def __init__(self, message: str, *, current_state: str = "", current_version: int | None = None):
        super().__init__(message)
        self.message = message
        self.current_state = current_state
        self.current_version = current_version


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


def attach_files(target: models.Model, files, *, actor=None, kind: str = Attachment.Kind.PHOTO,
                 event: Event | None = None) -> list[Attachment]:
    """Store uploaded files as attachments of ``target`` (and of the workflow step ``event``)."""
    ct = ContentType.objects.get_for_model(target, for_concrete_model=True)
    out = []
    for f in files or []:
        out.append(Attachment.objects.create(
            content_type=ct, object_id=str(target.pk), event=event, kind=kind, file=f,
            name=(getattr(f, "name", "") or "file")[:200], size=getattr(f, "size", 0) or 0,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        ))
    return out


def attachments_for(target: models.Model) -> models.QuerySet:
    """The files attached to ``target``, oldest first."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True), object_id=str(target.pk)
    )

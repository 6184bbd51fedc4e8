"""Shared service helpers: event rows and voiding. Domain services call these inside their
own atomic blocks so the state change and its event are written together or not at all."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from . import bounds, uploads
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


def void_record(record: models.Model, *, actor, reason: str) -> models.Model:
    """Void a user-entered record (never delete it); the void is an event. For callers that have
    decided the right already; it goes through the write path (``core.workflow.void``)."""
    from .workflow import follow, void

    voided = void(record, actor=actor, policy=None, reason=reason)
    follow(record, voided)  # the caller's copy is at the version it wrote (not stale for its next step)
    return voided


# The upload rules live in core.uploads (one place for the pages, the API and the services).
ALLOWED_UPLOAD_EXTENSIONS = uploads.ALLOWED_UPLOAD_EXTENSIONS


def check_uploads(files, field: str = "files") -> list:
    """The files to store for ``files`` (images re-encoded, ``core.uploads``); refuses, under
    ``field``, a file of a type or size we do not keep or whose content is not what its
    extension says, naming the file."""
    out = []
    for f in files:
        try:
            out.append(uploads.checked_upload(f, field))
        except uploads.UploadRefused as exc:
            raise ValidationError({field: exc.message}) from exc
    return out


def attach_files(target: models.Model, files, *, actor=None, kind: str = Attachment.Kind.PHOTO,
                 event: Event | None = None) -> list[Attachment]:
    """Store uploaded files as attachments of ``target`` (and of the workflow step ``event``).

    Every file is checked first (type by content, size; ``check_uploads``), so a bad one refuses
    the whole step — the caller's transaction then writes nothing; images are stored re-encoded."""
    files = check_uploads(list(files or []))
    ct = ContentType.objects.get_for_model(target, for_concrete_model=True)
    out = []
    for f in files:
        out.append(Attachment.objects.create(
            content_type=ct, object_id=str(target.pk), event=event, kind=kind, file=f,
            name=(getattr(f, "name", "") or "file")[:bounds.FILE_NAME_MAX], size=getattr(f, "size", 0) or 0,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        ))
    return out


def attachments_for(target: models.Model) -> models.QuerySet:
    """The files attached to ``target``, oldest first."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True), object_id=str(target.pk)
    )

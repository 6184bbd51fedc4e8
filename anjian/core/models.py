"""Shared plumbing models: workflow events, the voidable and versioned bases, attachments."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedQuerySet


class Event(models.Model):
    """A semantic event on any record: a state change, a void, an assignment.

    Field-level history is kept by django-simple-history; this table records what a
    person *did* (who, when, from which state to which, and why), so a record's timeline
    can be shown and audited.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_state = models.CharField(_("from state"), max_length=32, blank=True)
    to_state = models.CharField(_("to state"), max_length=32, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="core_event_target_idx")]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d %H:%M}"


class VoidableModel(models.Model):
    """Base for records users enter: they are voided with a reason, never hard-deleted."""

    is_voided = models.BooleanField(_("voided"), default=False, db_index=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("void reason"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class AuthoredModel(models.Model):
    """Base for the main records users enter: who entered it and when, and when it last changed.
    The field history leaves ``updated_at`` out (every change would show it)."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Base for records changed through the write path (``core.workflow.perform``): ``version``
    counts the changes, and a change made from a stale copy is refused with a conflict (409)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Spread files by content type and month so one directory never holds millions of files.
    # The stored name is random (the uploader's name is kept in ``Attachment.name``): it cannot
    # be guessed, and no part of it comes from the uploader but the extension we checked.
    now = timezone.now()
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    stored = uuid.uuid4().hex + (f".{ext}" if ext.isalnum() else "")
    return f"attachments/{instance.content_type.model}/{now:%Y/%m}/{stored}"


class Attachment(models.Model):
    """A file attached to any record (a hazard's photos, rectification evidence, a report).

    ``event`` ties the file to the workflow step that brought it, so a timeline shows what
    each step attached. Files are never deleted with their record: records are voided.
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        EVIDENCE = "evidence", _("Rectification evidence")
        DOCUMENT = "document", _("Document")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments",
                              verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PHOTO)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_attachment_target_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # Through the scoped download view, never the storage URL (see core.views_files).
        from django.urls import reverse

        return reverse("attachment", args=[self.pk])


class PeriodicRun(models.Model):
    """One run of a periodic job for one slot of its schedule (a day, a quarter hour).

    With several worker processes or machines, each worker's scheduler enqueues the same periodic
    job; the first to insert the (job, slot) row runs it and the others skip it
    (``core.tasks.once_per_slot``). The rows also tell when each job last ran; old ones are pruned."""

    task = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("slot"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    worker = models.CharField(_("worker"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        constraints = [models.UniqueConstraint(fields=["task", "slot"], name="core_periodicrun_once_per_slot")]
        indexes = [models.Index(fields=["task", "-slot"], name="core_periodicrun_latest_idx")]

    def __str__(self) -> str:
        return f"{self.task} @ {self.slot:%Y-%m-%d %H:%M}"

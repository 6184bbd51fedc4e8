"""Shared plumbing models: workflow events, the voidable base, attachments and warnings."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
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


class VersionedModel(models.Model):
    """Base for records changed through the write path (``core.workflow.perform``): ``version``
    counts the changes, and a change made from a stale copy is refused with a conflict (409)."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Spread files by content type and month so one directory never holds millions of files.
    now = timezone.now()
    return f"attachments/{instance.content_type.model}/{now:%Y/%m}/{filename}"


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


class WarningQuerySet(ScopedQuerySet):
    def open(self) -> models.QuerySet:
        return self.filter(closed_at__isnull=True)


class Warning(models.Model):
    """A warning (预警) raised by a periodic rule about one record: an overdue rectification,
    a major hazard without its plan, a missed self-inspection...

    Warnings are scoped like the record they are about (region path, industry, grid,
    enterprise), so a user's inbox is simply the open warnings in their scope whose rule is
    addressed to their role — one row per cause, not one per recipient, which keeps the scan
    cheap at province scale. A warning closes itself when the rule no longer holds.
    """

    class Level(models.TextChoices):
        NOTICE = "notice", _("Notice")
        WARNING = "warning", _("Warning")
        SEVERE = "severe", _("Severe")

    rule = models.CharField(_("rule"), max_length=48)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.CharField(_("record id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.WARNING)
    message = models.CharField(_("message"), max_length=300)
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="warnings", verbose_name=_("enterprise"))
    region_path = models.CharField(_("region path"), max_length=80)
    industry = models.ForeignKey("enterprises.Industry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("industry"))
    grid = models.ForeignKey("regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("grid"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last confirmed at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = WarningQuerySet.as_manager()

    class Scoping:
        path = "region_path"
        industry = "industry"
        grid = "grid"
        enterprise = "enterprise"

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-raised_at", "-id"]
        constraints = [
            # At most one open warning per rule and record: a rescan refreshes it, never duplicates it.
            models.UniqueConstraint(fields=["rule", "content_type", "object_id"], condition=Q(closed_at__isnull=True),
                                    name="warning_one_open_per_cause"),
        ]
        indexes = [
            models.Index(fields=["region_path", "closed_at", "id"], name="warning_path_idx"),
            models.Index(fields=["enterprise", "closed_at"], name="warning_ent_idx"),
            models.Index(fields=["rule", "closed_at"], name="warning_rule_idx"),
        ]

    def __str__(self) -> str:
        return self.message


class WarningRead(models.Model):
    """That one user has read one warning (the inbox's unread mark)."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="reads", verbose_name=_("warning"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("user"))
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("warning read mark")
        verbose_name_plural = _("warning read marks")
        constraints = [models.UniqueConstraint(fields=["warning", "user"], name="warning_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.warning_id}"

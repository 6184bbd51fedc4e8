"""The warnings (预警) raised by the rules of every app, and who has read them.

The tables kept their names when the model moved here from core (``db_table``): existing rows
and their content types stay valid (see migrations/0001_initial.py)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import EnterpriseRecordScoping, ScopedQuerySet


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

    Scoping = EnterpriseRecordScoping

    class Meta:
        db_table = "core_warning"
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
        db_table = "core_warningread"
        verbose_name = _("warning read mark")
        verbose_name_plural = _("warning read marks")
        constraints = [models.UniqueConstraint(fields=["warning", "user"], name="warning_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.warning_id}"

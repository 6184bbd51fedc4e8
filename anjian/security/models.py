"""The security log (who signed in, failed, was locked out, had their role or scope changed, was
given or lost a credential) and the API tokens people use from scripts and apps."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import SecurityEventKind


class SecurityEvent(models.Model):
    """One entry of the security log. Append-only: an entry is never changed or deleted (the model
    refuses both), and administrators read it but cannot edit it in the admin or the API.

    ``user`` is the person concerned (null for a failed sign-in with an unknown name), ``actor``
    the person who made the change (an administrator changing a role; empty for the system)."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=SecurityEventKind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("user"))
    username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("client"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "at"], name="security_event_kind_at_idx"),
                   models.Index(fields=["user", "at"], name="security_event_user_at_idx")]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Security log entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Security log entries cannot be deleted."))


class ApiToken(models.Model):
    """A credential for the API (``Authorization: Token <key>`` or ``Bearer <key>``).

    Only the SHA-256 of the key is stored, so a copy of the database gives nobody a working key;
    the key is shown once, when it is issued. Every token expires (``ANJIAN_API_TOKEN_DAYS``), can be
    rotated (a new key, the old one revoked at once) and revoked; revoked tokens are kept for the
    record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens",
                             verbose_name=_("user"))
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="security_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

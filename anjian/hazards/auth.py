"""Enterprise-system API keys (与企业隐患排查治理系统联网): issuing, revoking, and the DRF
authentication class that lets an enterprise's own system act as one of its users.

A request carries the secret as ``Authorization: Api-Key <secret>`` (or ``X-Api-Key: <secret>``);
it is authenticated as the key's user, with ``request.auth`` the key. Only the SHA-256 of the
secret is stored, so a key is found by its hash and the secret cannot be read back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from anjian.core.workflow import create, perform
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role

from . import events
from .models import EnterpriseApiKey
from .policy import policy

KEYWORD = "Api-Key"
HEADER = "HTTP_X_API_KEY"
PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each read into a write: once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- issuing and revoking ------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedKey:
    key: EnterpriseApiKey
    secret: str  # shown once, never stored


def issue_key(*, actor, enterprise: Enterprise, user, name: str) -> IssuedKey:
    """Issue a key for ``enterprise`` that acts as ``user`` (an active enterprise user of it)."""
    policy.require(actor, "manage_keys", enterprise)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the key (e.g. the system that will use it).")})
    if user is None or user.role != Role.ENTERPRISE or user.scope_enterprise_id != enterprise.pk \
            or not user.is_active:
        raise ValidationError({"user": _("The key must act as an active user of this enterprise.")})
    secret = secrets.token_urlsafe(30)
    key = EnterpriseApiKey(
        enterprise=enterprise, user=user, name=name[:100], prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret), created_by=actor if getattr(actor, "pk", None) else None,
    )
    # The right was decided above (before the input, as a refusal should be).
    create(key, actor=actor, policy=None, action=events.API_KEY_ISSUED, clean=False,
           data={"enterprise": enterprise.pk, "user": user.pk, "prefix": key.prefix})
    return IssuedKey(key, secret)


def revoke_key(key: EnterpriseApiKey, *, actor, comment: str = "") -> EnterpriseApiKey:
    """Revoke a key for good: requests carrying it are refused from now on (401)."""

    def change(locked: EnterpriseApiKey) -> None:
        if locked.revoked_at is not None:
            raise ValidationError({"revoked_at": _("This key is already revoked.")})
        locked.revoked_at = timezone.now()

    return perform(key, events.API_KEY_REVOKED, actor=actor, policy=policy, right="manage_keys", change=change,
                   comment=comment)


# --- authentication ------------------------------------------------------------------------

class EnterpriseApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key <secret>`` or ``X-Api-Key: <secret>`` → the key's enterprise user."""

    keyword = KEYWORD

    def authenticate(self, request):
        secret = self._secret(request)
        if secret is None:
            return None
        key = (EnterpriseApiKey.objects.select_related("user__scope_enterprise")
               .filter(key_hash=hash_secret(secret)).first())
        if key is None or key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        user = key.user
        if not user.is_active or user.role != Role.ENTERPRISE or user.scope_enterprise_id != key.enterprise_id:
            raise exceptions.AuthenticationFailed(_("The user of this API key can no longer act for its enterprise."))
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            EnterpriseApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return user, key

    def _secret(self, request) -> str | None:
        parts = authentication.get_authorization_header(request).split()
        if parts and parts[0].lower() == self.keyword.lower().encode():
            if len(parts) != 2:
                raise exceptions.AuthenticationFailed(_("Invalid API key header: give exactly one key."))
            try:
                return parts[1].decode()
            except UnicodeError as exc:
                raise exceptions.AuthenticationFailed(_("Invalid API key header.")) from exc
        header = request.META.get(HEADER, "").strip()
        return header or None

    def authenticate_header(self, request) -> str:
        return self.keyword


def is_api_key_request(request) -> bool:
    return isinstance(getattr(request, "auth", None), EnterpriseApiKey)


class EnterpriseApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the key (drf-spectacular finds it by ``target_class``)."""

    target_class = "anjian.hazards.auth.EnterpriseApiKeyAuthentication"
    name = "enterpriseApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Enterprise-system key: `Authorization: Api-Key <secret>` (or the header `X-Api-Key`).",
        }

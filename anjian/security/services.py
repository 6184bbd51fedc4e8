"""Writing the security log, and issuing, rotating, revoking and checking API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .choices import SecurityEventKind
from .models import ApiToken, SecurityEvent

#: Live tokens one person may hold at once (one per device or script); issuing one more revokes
#: the oldest, so a forgotten token does not live on next to a dozen newer ones.
MAX_LIVE_TOKENS = 10


def client_of(request) -> dict[str, Any]:
    """The address and client of ``request`` for a log entry (the proxy-aware address django-axes
    resolved, when there is one)."""
    if request is None:
        return {}
    meta = getattr(request, "META", {}) or {}
    ip = getattr(request, "axes_ip_address", None) or meta.get("REMOTE_ADDR") or None
    return {"ip_address": ip, "user_agent": (meta.get("HTTP_USER_AGENT") or "")[:300]}


def log_security_event(kind: str, *, user=None, username: str = "", actor=None, request=None,
                       detail: dict[str, Any] | None = None) -> SecurityEvent:
    """Append one entry to the security log. Never raises for a missing request or actor."""
    return SecurityEvent.objects.create(
        kind=kind, user=user if getattr(user, "pk", None) else None,
        username=(username or getattr(user, "username", "") or "")[:150],
        actor=actor if getattr(actor, "pk", None) else None, detail=detail or {}, **client_of(request))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "ANJIAN_API_TOKEN_DAYS", 30)))


@transaction.atomic
def issue_token(user, *, request=None, note: str = "", kind: str = SecurityEventKind.TOKEN_ISSUED) -> tuple[str, ApiToken]:
    """A new API token for ``user``: answers (the key, shown once; the stored token)."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(user=user, prefix=key[:8], key_hash=_hash(key), created_at=now,
                                    expires_at=now + token_lifetime(), note=note[:100])
    live = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
                .order_by("-created_at", "-id").values_list("pk", flat=True))
    if len(live) > MAX_LIVE_TOKENS:
        ApiToken.objects.filter(pk__in=live[MAX_LIVE_TOKENS:]).update(revoked_at=now)
    log_security_event(kind, user=user, actor=user, request=request,
                       detail={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()})
    from .auth import forget_token

    forget_token()
    return key, token


def find_live_token(key: str) -> ApiToken | None:
    """The live token with this key (not revoked, not expired, its user active), else None."""
    if not key or len(key) > 200:
        return None
    token = (ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked_at__isnull=True,
                                                            expires_at__gt=timezone.now()).first())
    if token is None or not token.user.is_active:
        return None
    return token


@transaction.atomic
def revoke_token(token: ApiToken, *, actor=None, request=None, reason: str = "") -> ApiToken:
    """Revoke ``token`` now (kept for the record)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_security_event(SecurityEventKind.TOKEN_REVOKED, user=token.user, actor=actor, request=request,
                           detail={"prefix": token.prefix, "reason": reason[:200]})
    from .auth import forget_token

    forget_token()
    return token


@transaction.atomic
def rotate_token(token: ApiToken, *, request=None) -> tuple[str, ApiToken]:
    """Replace ``token`` by a new one: the new key is answered, the old one stops working at once."""
    revoke_token(token, actor=token.user, request=request, reason="rotated")
    return issue_token(token.user, request=request, note=token.note, kind=SecurityEventKind.TOKEN_ROTATED)


def touch(token: ApiToken) -> None:
    """Note that the token was used (at most once a minute, so reads do not each write)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now

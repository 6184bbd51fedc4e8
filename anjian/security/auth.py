"""API authentication by hashed, expiring tokens (``security.ApiToken``).

``ApiTokenAuthentication`` looks the token up on every request. ``CachedApiTokenAuthentication`` is
for the two calculators only (``…/evaluate``), whose one database query would otherwise be this
lookup (bench/README.md): it keeps a key's user for ``ANJIAN_TOKEN_CACHE_SECONDS`` (default 30) in
this process. Revoking or issuing a token, or saving a user, clears the cache of the process that
did it at once and, after the commit, of every other server process at its next request
(core.reference_cache). Only when the shared cache (Redis) cannot be reached do other processes
keep accepting a revoked token on those two endpoints, for at most that many seconds."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from anjian.core.reference_cache import ReferenceCache

KEYWORDS = (b"token", b"bearer")
_CACHE = ReferenceCache(ttl=float(getattr(settings, "ANJIAN_TOKEN_CACHE_SECONDS", 30)), max_entries=10_000,
                        name="security.tokens")


def forget_token(**kwargs) -> None:
    """Forget every cached token lookup (here now, in every process after the commit)."""
    _CACHE.clear(**kwargs)


post_save.connect(forget_token, sender=get_user_model(), dispatch_uid="anjian_security_token_cache_user_save")


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``) → the token's user, if the token is live."""

    def _key(self, request) -> str | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            return parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None

    def lookup(self, key: str):
        from .services import find_live_token, touch

        token = find_live_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        touch(token)
        return token.user, token

    def authenticate(self, request):
        key = self._key(request)
        if key is None:
            return None
        return self.lookup(key)

    def authenticate_header(self, request) -> str:
        return "Token"


class CachedApiTokenAuthentication(ApiTokenAuthentication):
    """The same, with a key's user kept per process for a few seconds (the calculators only)."""

    def lookup(self, key: str):
        return _CACHE.get(key, super().lookup)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "anjian.security.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Authorization: Token <key>` (or `Bearer <key>`); keys come from POST /api/auth/token/, "
                               "expire, and can be rotated or revoked."}


class CachedApiTokenScheme(ApiTokenScheme):
    target_class = "anjian.security.auth.CachedApiTokenAuthentication"
    name = "cachedTokenAuth"

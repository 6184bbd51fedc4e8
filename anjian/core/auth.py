"""Token authentication with a short per-process cache, for the calculators only
(``POST /api/major-hazard-sources/evaluate`` and ``POST /api/risk-assessments/evaluate``).

The calculators read no data (they compute over public reference tables cached in memory), so
their one database query would be the token lookup: at a few hundred requests a second on one
core that lookup (a round trip plus the ORM's query compilation) is most of the request's cost
(bench/README.md, "Major hazard source evaluate endpoint" and "Risk map and distribution").
Here a token key is looked up once and its user kept for ``ANJIAN_TOKEN_CACHE_SECONDS``
(default 30) in this process.

Trade-off, on purpose and only for these endpoints: saving or deleting a token or a user clears
the cache of the process that did it at once (signals); other server processes keep accepting
the token for at most that many seconds. Every other endpoint authenticates on each request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .scoping import ReferenceCache

# A token key → (user, token); keys come from requests, so the cache stays bounded.
_TOKENS = ReferenceCache(ttl=float(getattr(settings, "ANJIAN_TOKEN_CACHE_SECONDS", 30)), max_entries=10_000)


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's TokenAuthentication (same header, same errors) with the user cached per key."""

    def authenticate_credentials(self, key):
        # DRF's lookup raises AuthenticationFailed for a bad key: only good keys are cached.
        return _TOKENS.get(key, super().authenticate_credentials)


def clear_token_cache(**_kwargs) -> None:
    _TOKENS.clear()


post_delete.connect(clear_token_cache, sender=Token, dispatch_uid="anjian_token_cache_token_del")
post_save.connect(clear_token_cache, sender=Token, dispatch_uid="anjian_token_cache_token_save")
post_save.connect(clear_token_cache, sender=get_user_model(), dispatch_uid="anjian_token_cache_user_save")


class CachedTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI description of the cached token: the same header as DRF's token, named apart
    so the schema has one component per authentication class."""

    target_class = "anjian.core.auth.CachedTokenAuthentication"
    name = "cachedTokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "DRF token: `Authorization: Token <key>` (cached per process for up to 30 s)."}

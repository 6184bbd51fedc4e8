"""Jurisdiction scoping: the one way every view, API endpoint, export and KPI reads data.

A user's scope is one of:
- everything (a system administrator),
- a region with everything below it, optionally narrowed to some industries
  (regulator officers, industry-department officers, committee office, experts),
- one grid (grid officers),
- one enterprise (enterprise users),
- nothing (anonymous users, or a user whose scope is not configured).

A model opts in by using ``ScopedQuerySet`` and declaring a ``Scoping`` inner class that
names the lookups leading to the scoped keys::

    class Scoping:
        path = "region_path"        # a digits-only region path (see core.paths)
        industry = "industry"       # FK to the industry taxonomy (optional)
        enterprise = "pk"           # the enterprise key (optional)
        grid = "grid"               # FK to a grid (optional)

A record an enterprise owns, with the enterprise's region path, industry and grid copied onto it
(hazards, accidents, risk points, major hazard sources, inspections, warnings), says
``Scoping = EnterpriseRecordScoping``.

Out-of-scope rows simply are not in the queryset, so detail views answer 404 for them
exactly as for missing rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from .paths import subtree_q
from .reference_cache import ReferenceCache

ALL = "all"


class EnterpriseRecordScoping:
    """The scoping of a record an enterprise owns, carrying copies of the enterprise's region
    path, industry and grid (kept by the app's services) for index-only filtering."""

    path = "region_path"
    industry = "industry"
    grid = "grid"
    enterprise = "enterprise"

REGION = "region"
GRID = "grid"
ENTERPRISE = "enterprise"
NONE = "none"


@dataclass(frozen=True)
class Scope:
    """A resolved scope. Build it with ``scope_of(user)``; it is cached on the user object."""

    kind: str
    path: str = ""
    industry_ids: frozenset[int] | None = None
    grid_id: int | None = None
    enterprise_id: int | None = None
    # For grid and enterprise scopes, models that have no grid/enterprise key fall back to
    # the path of the township that holds the grid or enterprise.
    fallback_path: str = ""

    @property
    def is_all(self) -> bool:
        return self.kind == ALL

    def apply(self, qs: models.QuerySet) -> models.QuerySet:
        spec = getattr(qs.model, "Scoping", None)
        if spec is None:
            raise TypeError(f"{qs.model.__name__} declares no Scoping; it cannot be read through for_user")
        if self.kind == ALL:
            return qs
        if self.kind == NONE:
            return qs.none()
        path_field = getattr(spec, "path", None)
        if self.kind == REGION:
            qs = qs.filter(subtree_q(path_field, self.path)) if path_field else qs.none()
            industry_field = getattr(spec, "industry", None)
            if self.industry_ids and industry_field:
                qs = qs.filter(**{f"{industry_field}__in": sorted(self.industry_ids)})
            return qs
        key_field = getattr(spec, self.kind, None)
        key = self.grid_id if self.kind == GRID else self.enterprise_id
        if key_field:
            return qs.filter(**{key_field: key})
        if path_field and self.fallback_path:
            return qs.filter(subtree_q(path_field, self.fallback_path))
        return qs.none()


# --- Reference lookups, cached per process ----------------------------------------------
#
# Every list request turns a region code into its path and an industry code into the ids of
# the industry and its sub-sectors, and resolves the caller's scope region to its path: small
# queries on reference tables that hardly ever change, but that cost a round trip and the ORM's
# query compilation each time (≈0.3–0.5 ms apiece). They are cached here, per process:
#
# - a region's path never changes once the region exists (path = the parent's path + the
#   code; regions are not moved — the region import refuses it), so code → path and
#   id → path are cached as found; unknown codes are not cached, so a region created
#   meanwhile is found at once;
# - the industry taxonomy is loaded by migrations and only edited in the admin, so the whole
#   table (≈100 rows) is cached as one snapshot.
#
# Saving or deleting a region or an industry clears these caches (the owning apps connect their
# models with ``clear_on_change``): at once in the process that did it, and in every other
# process (other server workers, other hosts) at its next request after the commit, through the
# shared generations of core.reference_cache. Bulk writes (QuerySet.update, bulk_create) send no
# signals: they are seen within REFERENCE_TTL.

REGION_PATHS = ReferenceCache(name="scoping.region_paths")  # ("code", code) / ("id", pk) → path
INDUSTRIES = ReferenceCache(name="scoping.industries")  # None → ((code, id), ...) sorted by code


# --- What the apps above core tell it ------------------------------------------------------
#
# core knows no region, industry or user role: the apps that own them register, when they are
# ready (their AppConfig.ready), how a region's path and the industry table are read and how a
# user's scope is resolved. Until they have, there is no region, no industry and no scope
# beyond "everything" for a superuser.


@dataclass
class _Sources:
    region_path: Callable[[str, Any], str | None] | None = None  # ("code" | "id", key) → path
    industries: Callable[[], Iterable[tuple[str, int]]] | None = None  # → (code, id) rows
    user_scope: Callable[[Any], Scope] | None = None  # an active, authenticated user → Scope


_SOURCES = _Sources()


def register_region_paths(load: Callable[[str, Any], str | None]) -> None:
    """Say how a region's path is read: ``load("code", code)`` or ``load("id", pk)`` answers
    the path of that region (voided or not), or None. The answers are cached (REGION_PATHS)."""
    _SOURCES.region_path = load
    REGION_PATHS.forget()


def register_industries(load: Callable[[], Iterable[tuple[str, int]]]) -> None:
    """Say how the industry taxonomy is read: ``load()`` answers every (code, id), a child's code
    starting with its parent's. The table is cached as one snapshot (INDUSTRIES)."""
    _SOURCES.industries = load
    INDUSTRIES.forget()


def register_user_scope(resolve: Callable[[Any], Scope]) -> None:
    """Say how the scope of an active, authenticated user who is not a superuser is resolved
    (the user model's app knows the roles and the scope fields)."""
    _SOURCES.user_scope = resolve


def _region_path(key: tuple[str, Any]) -> str | None:
    return _SOURCES.region_path(*key) if _SOURCES.region_path else None


def region_path(code: str) -> str | None:
    """The path of the region with this division code (voided or not), None if unknown."""
    return REGION_PATHS.get(("code", code), _region_path)


def region_path_by_id(pk: int | None) -> str | None:
    """The path of the region with this primary key, None if there is none."""
    if pk is None:
        return None
    return REGION_PATHS.get(("id", pk), _region_path)


def _industry_table(_key: Any = None) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(_SOURCES.industries())) if _SOURCES.industries else ()


def industry_subtree_ids(codes: Iterable[str]) -> frozenset[int]:
    """The ids of the industries with these codes and of all their sub-sectors (a child's code
    starts with its parent's code). Unknown codes add nothing."""
    prefixes = tuple(codes)
    if not prefixes:
        return frozenset()
    table = INDUSTRIES.get(None, _industry_table)
    return frozenset(pk for code, pk in table if code.startswith(prefixes))


def clear_reference_caches(**_signal_kwargs: Any) -> None:
    """Forget every cached region path and the industry snapshot (in this process only)."""
    REGION_PATHS.forget()
    INDUSTRIES.forget()


def clear_on_change(cache: ReferenceCache, model: type[models.Model], uid: str) -> None:
    """Clear ``cache`` whenever a row of ``model`` is saved or deleted: here at once, in every
    process after the commit (``ReferenceCache.clear``)."""
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(cache.clear, sender=model, weak=False, dispatch_uid=f"{uid}.{name}")


def scope_of(user) -> Scope:
    """Resolve (and cache on the user object) the scope of ``user``."""
    cached = getattr(user, "_anjian_scope", None)
    if cached is not None:
        return cached
    scope = _resolve(user)
    if user is not None and getattr(user, "is_authenticated", False):
        user._anjian_scope = scope
    return scope


def _resolve(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(NONE)
    if user.is_superuser:
        return Scope(ALL)
    return _SOURCES.user_scope(user) if _SOURCES.user_scope else Scope(NONE)


def users_visible_to(user, queryset: models.QuerySet | None = None) -> models.QuerySet:
    """The accounts ``user`` may name in a record (a measure's owner, a risk point's responsible
    person, a plate's officer): every account for a system administrator; otherwise the accounts
    that work inside the caller's scope — region users, department members, grid officers and
    enterprise users of the region (enterprise users only of the caller's industries, if the
    caller is narrowed to some), the officers and enterprise users of a grid, the users of an
    enterprise. ``User.Scoping`` keeps the user list itself to administrators; this is the set a
    reference may point at."""
    from django.contrib.auth import get_user_model

    qs = get_user_model()._default_manager.all() if queryset is None else queryset
    scope = scope_of(user)
    if scope.kind == ALL:
        return qs
    if scope.kind == REGION:
        enterprise_users = subtree_q("scope_enterprise__region_path", scope.path)
        if scope.industry_ids:
            enterprise_users &= models.Q(scope_enterprise__industry__in=sorted(scope.industry_ids))
        return qs.filter(subtree_q("scope_region__path", scope.path) | subtree_q("department__region__path", scope.path)
                         | subtree_q("scope_grid__region_path", scope.path) | enterprise_users)
    if scope.kind == GRID:
        return qs.filter(models.Q(scope_grid=scope.grid_id) | models.Q(scope_enterprise__grid=scope.grid_id))
    if scope.kind == ENTERPRISE:
        return qs.filter(scope_enterprise=scope.enterprise_id)
    return qs.none()


class ScopedQuerySet(models.QuerySet):
    """QuerySet with ``for_user``, the single scoping entry point."""

    def for_user(self, user, *, include_voided: bool = False) -> models.QuerySet:
        qs = scope_of(user).apply(self)
        if not include_voided and any(f.name == "is_voided" for f in self.model._meta.fields):
            qs = qs.filter(is_voided=False)
        return qs

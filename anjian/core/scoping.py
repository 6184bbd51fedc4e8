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
        industry = "industry"       # FK to enterprises.Industry (optional)
        enterprise = "pk"           # the enterprise key (optional)
        grid = "grid"               # FK to regions.Grid (optional)

Out-of-scope rows simply are not in the queryset, so detail views answer 404 for them
exactly as for missing rows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from .paths import subtree_q

ALL = "all"
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
# Saving or deleting a region or an industry clears these caches in the process that did it
# (signals below); other processes (other server workers) see the change within
# REFERENCE_TTL seconds. Bulk writes (QuerySet.update, bulk_create) send no signals: they
# are seen within REFERENCE_TTL too.

REFERENCE_TTL = 60.0


class ReferenceCache:
    """A small per-process key → value cache whose entries expire after ``ttl`` seconds.
    ``None`` results are not stored (a missing row may be created at any time)."""

    def __init__(self, ttl: float = REFERENCE_TTL, max_entries: int = 50_000):
        self.ttl = ttl
        self.max_entries = max_entries
        self._data: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self.clock: Callable[[], float] = time.monotonic

    def get(self, key: Hashable, load: Callable[[Hashable], Any]) -> Any:
        """The cached value of ``key``, or ``load(key)`` (stored unless None)."""
        hit = self._data.get(key)
        now = self.clock()
        if hit is not None and hit[0] > now:
            return hit[1]
        value = load(key)
        if value is not None:
            with self._lock:
                if len(self._data) >= self.max_entries:  # keys come from user input: stay bounded
                    self._data = {}
                self._data[key] = (now + self.ttl, value)
        return value

    def clear(self, **_signal_kwargs: Any) -> None:
        with self._lock:
            self._data = {}


REGION_PATHS = ReferenceCache()  # ("code", code) / ("id", pk) → path
INDUSTRIES = ReferenceCache()  # None → ((code, id), ...) sorted by code


def region_path(code: str) -> str | None:
    """The path of the region with this division code (voided or not), None if unknown."""
    from anjian.regions.models import Region

    return REGION_PATHS.get(("code", code), lambda key: Region.objects.filter(code=key[1])
                            .values_list("path", flat=True).first())


def region_path_by_id(pk: int | None) -> str | None:
    """The path of the region with this primary key, None if there is none."""
    if pk is None:
        return None
    from anjian.regions.models import Region

    return REGION_PATHS.get(("id", pk), lambda key: Region.objects.filter(pk=key[1])
                            .values_list("path", flat=True).first())


def _industry_table(_key: Any = None) -> tuple[tuple[str, int], ...]:
    from anjian.enterprises.models import Industry

    return tuple(Industry.objects.order_by("code").values_list("code", "pk"))


def industry_subtree_ids(codes: Iterable[str]) -> frozenset[int]:
    """The ids of the industries with these codes and of all their sub-sectors (a child's code
    starts with its parent's code). Unknown codes add nothing."""
    prefixes = tuple(codes)
    if not prefixes:
        return frozenset()
    table = INDUSTRIES.get(None, _industry_table)
    return frozenset(pk for code, pk in table if code.startswith(prefixes))


def clear_reference_caches(**_signal_kwargs: Any) -> None:
    """Forget every cached region path and the industry snapshot (in this process)."""
    REGION_PATHS.clear()
    INDUSTRIES.clear()


for _name, _signal in (("save", post_save), ("delete", post_delete)):
    # Lazy senders ("app.Model"): this module is imported while the apps are still loading.
    _signal.connect(REGION_PATHS.clear, sender="regions.Region", weak=False,
                    dispatch_uid=f"anjian.scoping.regions.{_name}")
    _signal.connect(INDUSTRIES.clear, sender="enterprises.Industry", weak=False,
                    dispatch_uid=f"anjian.scoping.industries.{_name}")


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
    from anjian.orgs.choices import Role

    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(NONE)
    if user.is_superuser or user.role == Role.ADMIN:
        return Scope(ALL)
    if user.role == Role.ENTERPRISE:
        ent = user.scope_enterprise
        if ent is None:
            return Scope(NONE)
        return Scope(ENTERPRISE, enterprise_id=ent.pk, fallback_path=ent.region_path)
    if user.role == Role.GRID_OFFICER:
        grid = user.scope_grid
        if grid is None:
            return Scope(NONE)
        return Scope(GRID, grid_id=grid.pk, fallback_path=grid.region_path)
    # The region's path from the reference cache (or the region already loaded with the user),
    # the industries' sub-sectors from the cached taxonomy: one query (the user's industries).
    region_field = user._meta.get_field("scope_region")
    path = user.scope_region.path if region_field.is_cached(user) and user.scope_region else (
        region_path_by_id(user.scope_region_id))
    if not path:
        return Scope(NONE)
    codes: list[str] = []
    if user.pk:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("scope_industries")
        codes = ([i.code for i in prefetched] if prefetched is not None
                 else list(user.scope_industries.values_list("code", flat=True)))
    return Scope(REGION, path=path, industry_ids=industry_subtree_ids(codes) or None)


class ScopedQuerySet(models.QuerySet):
    """QuerySet with ``for_user``, the single scoping entry point."""

    def for_user(self, user, *, include_voided: bool = False) -> models.QuerySet:
        qs = scope_of(user).apply(self)
        if not include_voided and any(f.name == "is_voided" for f in self.model._meta.fields):
            qs = qs.filter(is_voided=False)
        return qs

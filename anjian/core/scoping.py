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

from dataclasses import dataclass

from django.db import models

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


def _industry_ids_with_descendants(industries) -> frozenset[int]:
    from anjian.enterprises.models import Industry

    ids: set[int] = set()
    for ind in industries:
        ids.update(Industry.objects.filter(code__startswith=ind.code).values_list("pk", flat=True))
    return frozenset(ids)


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
    region = user.scope_region
    if region is None:
        return Scope(NONE)
    industries = list(user.scope_industries.all()) if user.pk else []
    return Scope(REGION, path=region.path, industry_ids=_industry_ids_with_descendants(industries) or None)


class ScopedQuerySet(models.QuerySet):
    """QuerySet with ``for_user``, the single scoping entry point."""

    def for_user(self, user, *, include_voided: bool = False) -> models.QuerySet:
        qs = scope_of(user).apply(self)
        if not include_voided and any(f.name == "is_voided" for f in self.model._meta.fields):
            qs = qs.filter(is_voided=False)
        return qs

"""The scope of a user (see core.scoping): the role and the scope fields of ``orgs.User`` decide it.
Registered with core.scoping when the app is ready (``OrgsConfig.ready``)."""

from __future__ import annotations

from anjian.core.scoping import (
    ALL,
    ENTERPRISE,
    GRID,
    NONE,
    REGION,
    Scope,
    industry_subtree_ids,
    region_path_by_id,
)

from .choices import Role


def resolve_scope(user) -> Scope:
    """The scope of an active, authenticated user who is not a superuser."""
    if user.role == Role.ADMIN:
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

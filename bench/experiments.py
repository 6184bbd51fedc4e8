"""Candidate fixes, tried in the bench process and database only, never in the project's files.

``--experiment indexes``     adds indexes holding is_voided between the list's filter columns
                             and id, so COUNT(*) (and, with ``deferred``, the page of ids) is
                             answered from the index alone (index-only scan on PostgreSQL,
                             covering index on SQLite — SQLite needs the column itself in the
                             index, a partial index WHERE NOT is_voided is not enough) instead
                             of visiting one table row per match to check is_voided. Dropped
                             again afterwards.
``--experiment deferred``    pages in two steps: the page of ids (ORDER BY id DESC LIMIT 50 over
                             the index), then the 50 rows with their joins by id. The one-step
                             page query makes SQLite read and sort every matching row in full.
``--experiment stats``       PostgreSQL: region_path gets a statistics target of 1000 (default
                             100) and the table is analyzed, so the planner's row estimate for
                             a county's path range is right (with 100 it ranges from 1 to
                             ~9,000 between ANALYZE runs). Reset and re-analyzed afterwards.
``--experiment conn``        keeps the database connection open between requests (CONN_MAX_AGE
                             600 instead of the settings' 0 for SQLite), so a request does not
                             reconnect and start with an empty SQLite page cache.
``--experiment lean``        builds the page from ``values()`` rows straight into the same JSON (no
                             model instances, no per-request serializer fields; count and page
                             of ids as in ``deferred``): how far a lean read path gets.
``--import-experiment copy`` runs the import again with its INSERT executemany replaced by
                             COPY (PostgreSQL), everything else unchanged (in the code since
                             2026-11-23: not applicable any more).
``--import-experiment inserts`` the reverse: the import again through the ORM. Since 2026-12-07
                             (the one bulk writer, ``core.bulk``) its ORM path, ``bulk_create`` +
                             ``bulk_history_create``, on PostgreSQL and SQLite; before that, on
                             PostgreSQL only, the executemany of INSERTs of before 2026-11-23.
``--experiment previous``    the list as it was before the fixes of 2026-11-23 (commit d124580), in
                             memory: one-step page (StandardPagination), model instances with
                             select_related + prefetch through EnterpriseSerializer, the
                             permission check building the queryset again, region and industry
                             lookups and the scope resolved by queries each time. Only the
                             indexes are the new ones (a schema cannot be switched per request).
                             Interleaved with the code as it is: a before/after under the same load.
``--experiment serializer``  declares the list's ``supervision`` field once as a nested
                             serializer instead of building a new SupervisionSummarySerializer
                             (and all its fields) for every row inside a SerializerMethodField.
                             Patched in memory for the run, restored afterwards.
"""

from __future__ import annotations

import contextlib
import time

from .common import log

PROPOSED_INDEXES = [
    # (name, columns): scoping always filters is_voided = false, so the index carries it.
    ("ent_live_path_idx", ["region_path", "is_voided", "id"]),
    ("ent_live_industry_path_idx", ["industry_id", "region_path", "is_voided", "id"]),
]


@contextlib.contextmanager
def proposed_indexes():
    from django.db import connection

    created = []
    try:
        with connection.cursor() as cur:
            for name, cols in PROPOSED_INDEXES:
                t0 = time.perf_counter()
                collist = ", ".join(f'"{c}"' for c in cols)
                cur.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "enterprises_enterprise" ({collist})')
                created.append(name)
                log(f"  experiment: index {name} ({', '.join(cols)}): {time.perf_counter() - t0:.1f} s")
            if connection.vendor == "postgresql":
                cur.execute('VACUUM (ANALYZE) "enterprises_enterprise"')
            else:
                cur.execute('ANALYZE "enterprises_enterprise"')
        yield created
    finally:
        with connection.cursor() as cur:
            for name in created:
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')
            if connection.vendor == "sqlite":
                cur.execute('ANALYZE "enterprises_enterprise"')


def applicable(name: str) -> str | None:
    """None when the experiment can run, else why not (e.g. the change is already in the code)."""
    if name in ("deferred", "lean"):
        from anjian.core.pagination import DeferredJoinPagination
        from anjian.enterprises import api

        if issubclass(api.EnterpriseViewSet.pagination_class, DeferredJoinPagination):
            return ("the list already pages in two steps (core.pagination.DeferredJoinPagination)"
                    + (" and builds its rows from values() (EnterpriseViewSet.list)" if name == "lean" else ""))
    if name == "indexes":
        from anjian.enterprises.models import Enterprise

        if any(ix.name == "ent_path_idx" and "is_voided" in ix.fields for ix in Enterprise._meta.indexes):
            return "the list indexes already hold is_voided (migration enterprises 0004)"
    if name == "stats":
        from django.db import connection

        if connection.vendor != "postgresql":
            return "PostgreSQL only"
    if name == "serializer":
        from anjian.enterprises import api

        field = api.EnterpriseSerializer._declared_fields.get("supervision")
        if isinstance(field, api.SupervisionSummarySerializer):
            return "the nested serializer is already declared in anjian/enterprises/api.py"
    return None


@contextlib.contextmanager
def nested_supervision_serializer():
    from anjian.enterprises import api

    declared = api.EnterpriseSerializer._declared_fields
    original = declared["supervision"]
    declared["supervision"] = api.SupervisionSummarySerializer(source="current_supervision", read_only=True,
                                                               allow_null=True)
    try:
        yield
    finally:
        declared["supervision"] = original


@contextlib.contextmanager
def deferred_page():
    from anjian.enterprises.api import EnterpriseViewSet

    original = EnterpriseViewSet.paginate_queryset

    def paginate_queryset(self, queryset):
        ids_qs = queryset.select_related(None).prefetch_related(None).values_list("pk", flat=True)
        ids = original(self, ids_qs)
        if ids is None:
            return None
        ids = list(ids)
        # The rows by primary key alone (the ids come from the scoped, filtered query): with
        # the filters repeated, PostgreSQL may walk the whole region range instead of the pkey.
        rows = queryset.model._default_manager.filter(pk__in=ids)
        rows.query.select_related = queryset.query.select_related
        rows._prefetch_related_lookups = queryset._prefetch_related_lookups
        by_id = {obj.pk: obj for obj in rows}
        return [by_id[pk] for pk in ids]

    EnterpriseViewSet.paginate_queryset = paginate_queryset
    try:
        yield
    finally:
        EnterpriseViewSet.paginate_queryset = original


@contextlib.contextmanager
def lean_list():
    """The list's page built from ``values()`` rows into the very JSON the serializer gives (same
    keys, same formatting: DRF's own field objects format decimals, dates and datetimes), without
    model instances or per-request serializer fields. Count and page of ids as in ``deferred``."""
    from anjian.enterprises import api
    from anjian.enterprises.models import Enterprise, Supervision

    viewset = api.EnterpriseViewSet
    original = viewset.list
    proto = api.EnterpriseSerializer()
    meta_fields = list(api.EnterpriseSerializer.Meta.fields)
    fmt = {name: proto.fields[name].to_representation for name in
           ("latitude", "longitude", "established_on", "status_changed_on", "suspended_on", "closed_on",
            "created_at", "updated_at")}
    sup_started = api.SupervisionSummarySerializer().fields["started_on"].to_representation
    source = {"region": "region__code", "region_name": "region__name", "grid": "grid__code",
              "industry": "industry__code", "industry_name": "industry__name"}
    columns = [source.get(f, f) for f in meta_fields if f != "supervision"]

    def lean(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        ids = self.paginator.paginate_queryset(queryset.select_related(None).prefetch_related(None)
                                               .values_list("pk", flat=True), request, view=self)
        ids = list(ids)
        rows = {r["id"]: r for r in Enterprise._default_manager.filter(pk__in=ids).values(*columns)}
        plates = {p["enterprise_id"]: p for p in Supervision.objects.filter(enterprise_id__in=ids, is_current=True)
                  .values("enterprise_id", "id", "department__name", "leader_name", "leader_phone",
                          "officer_name", "officer_phone", "started_on")}
        data = []
        for pk in ids:
            r = rows[pk]
            out = {}
            for f in meta_fields:
                if f == "supervision":
                    p = plates.get(pk)
                    out[f] = None if p is None else {
                        "id": p["id"], "department": p["department__name"], "leader_name": p["leader_name"],
                        "leader_phone": p["leader_phone"], "officer_name": p["officer_name"],
                        "officer_phone": p["officer_phone"], "started_on": sup_started(p["started_on"])}
                    continue
                v = r[source.get(f, f)]
                out[f] = fmt[f](v) if (f in fmt and v is not None) else v
            data.append(out)
        return self.get_paginated_response(data)

    viewset.list = lean
    try:
        yield
    finally:
        viewset.list = original


@contextlib.contextmanager
def previous_list():
    """The enterprise list's code path before the fixes of 2026-11-23 (see the module docstring)."""
    from django.db.models import Q
    from rest_framework import mixins, permissions

    from anjian.core import api as core_api
    from anjian.core import scoping
    from anjian.core.pagination import StandardPagination
    from anjian.enterprises import api, filters
    from anjian.enterprises.models import Industry
    from anjian.enterprises.selectors import enterprise_list
    from anjian.orgs.choices import Role
    from anjian.regions.filters import filter_region_subtree

    def resolve(user):  # core.scoping._resolve as of d124580: 2 + (one per scope industry) queries
        if user is None or not user.is_authenticated or not user.is_active:
            return scoping.Scope(scoping.NONE)
        if user.is_superuser or user.role == Role.ADMIN:
            return scoping.Scope(scoping.ALL)
        if user.role == Role.ENTERPRISE:
            ent = user.scope_enterprise
            return scoping.Scope(scoping.NONE) if ent is None else scoping.Scope(
                scoping.ENTERPRISE, enterprise_id=ent.pk, fallback_path=ent.region_path)
        if user.role == Role.GRID_OFFICER:
            grid = user.scope_grid
            return scoping.Scope(scoping.NONE) if grid is None else scoping.Scope(
                scoping.GRID, grid_id=grid.pk, fallback_path=grid.region_path)
        region = user.scope_region
        if region is None:
            return scoping.Scope(scoping.NONE)
        ids: set[int] = set()
        for ind in (list(user.scope_industries.all()) if user.pk else []):
            ids.update(Industry.objects.filter(code__startswith=ind.code).values_list("pk", flat=True))
        return scoping.Scope(scoping.REGION, path=region.path, industry_ids=frozenset(ids) or None)

    def has_permission(self, request, view):  # RoleModelPermissions as of d124580
        if getattr(view, "action", None) == "void":
            return request.user.has_perms(self.get_required_permissions("DELETE", self._queryset(view).model))
        return permissions.DjangoModelPermissions.has_permission(self, request, view)

    def filter_industry(self, queryset, name, value):
        ids = list(Industry.objects.filter(Q(code__startswith=value)).values_list("pk", flat=True))
        return queryset.filter(industry_id=ids[0]) if len(ids) == 1 else queryset.filter(industry_id__in=ids)

    viewset, flt, perm = api.EnterpriseViewSet, filters.EnterpriseFilter, core_api.RoleModelPermissions
    saved = [(viewset, "pagination_class"), (viewset, "list"), (viewset, "get_queryset"),
             (perm, "has_permission"), (flt, "filter_region"), (flt, "filter_industry"), (scoping, "_resolve")]
    originals = [(owner, name, owner.__dict__[name]) for owner, name in saved]
    viewset.pagination_class = StandardPagination
    viewset.list = mixins.ListModelMixin.list
    viewset.get_queryset = lambda self: enterprise_list(self.request.user)
    perm.has_permission = has_permission
    flt.filter_region = lambda self, queryset, name, value: filter_region_subtree(queryset, "region_path", value)
    flt.filter_industry = filter_industry
    scoping._resolve = resolve
    try:
        yield
    finally:
        for owner, name, value in originals:
            setattr(owner, name, value)


@contextlib.contextmanager
def path_statistics(target: int = 1000):
    """PostgreSQL: a finer histogram for region_path (ALTER … SET STATISTICS), then ANALYZE."""
    from django.db import connection

    def set_target(value: int) -> None:
        with connection.cursor() as cur:
            cur.execute(f'ALTER TABLE "enterprises_enterprise" ALTER COLUMN "region_path" SET STATISTICS {value:d}')
            cur.execute('ANALYZE "enterprises_enterprise"')

    t0 = time.perf_counter()
    set_target(target)
    log(f"  experiment: region_path statistics target {target}, ANALYZE: {time.perf_counter() - t0:.1f} s")
    try:
        yield
    finally:
        set_target(-1)


@contextlib.contextmanager
def persistent_connection(max_age: int = 600):
    from django.db import connection

    old = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = max_age
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = old


@contextlib.contextmanager
def import_with_copy():
    """PostgreSQL only: the import's row writer (``imports._insert``: one executemany of INSERTs
    per 10,000 rows) replaced by COPY of the same columns and values."""
    import operator

    from django.db import connection

    from anjian.enterprises import imports

    original = getattr(imports, "_insert", None)
    if original is None or connection.vendor != "postgresql" or getattr(imports, "USE_COPY", False):
        log("  experiment copy: not applicable (no imports._insert, not PostgreSQL, or the import "
            "already writes with COPY)")
        yield False
        return

    def copy_insert(model, rows, constants):
        fields = model._meta.concrete_fields
        per_row = [f for f in fields if f.attname in rows[0] and f.attname not in constants]
        fixed_fields = [f for f in fields if f.attname in constants]
        fixed = tuple(constants[f.attname] for f in fixed_fields)
        qn = connection.ops.quote_name
        cols = ", ".join(qn(f.column) for f in [*per_row, *fixed_fields])
        get = operator.itemgetter(*[f.attname for f in per_row])
        with connection.cursor() as cur, cur.cursor.copy(
                f"COPY {qn(model._meta.db_table)} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*get(row), *fixed))

    imports._insert = copy_insert
    try:
        yield True
    finally:
        imports._insert = original


@contextlib.contextmanager
def import_with_inserts():
    """PostgreSQL: the import written without COPY. With the one bulk writer (``core.bulk``, since
    2026-12-07) that is its ORM path, ``bulk_create`` (``core.bulk.PAST_THE_ORM`` off); before it,
    the enterprise import's executemany of INSERTs (``imports.USE_COPY`` off). Everything else unchanged."""
    from django.db import connection

    from anjian.enterprises import imports

    try:
        from anjian.core import bulk

        module, switch = bulk, "PAST_THE_ORM"  # the ORM path on SQLite too
    except ImportError:
        module, switch = imports, "USE_COPY"
        if connection.vendor != "postgresql":
            log("  experiment inserts: not applicable (not PostgreSQL: the import writes with executemany)")
            yield False
            return
    if not getattr(module, switch, False):
        log("  experiment inserts: not applicable (the import has no writer past the ORM)")
        yield False
        return
    setattr(module, switch, False)
    try:
        yield True
    finally:
        setattr(module, switch, True)


IMPORT = {"copy": import_with_copy, "inserts": import_with_inserts}
IN_MEMORY = {"serializer": nested_supervision_serializer, "deferred": deferred_page, "lean": lean_list,
             "previous": previous_list}
BLOCK = {"indexes": proposed_indexes, "stats": path_statistics, "conn": persistent_connection}


@contextlib.contextmanager
def in_memory(names: list[str]):
    """Patches cheap enough to switch per request (interleaved with the baseline)."""
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(IN_MEMORY[name]())
        yield


@contextlib.contextmanager
def block(names: list[str]):
    """Changes applied for a whole block of requests (database indexes, connection handling)."""
    with contextlib.ExitStack() as stack:
        for name in names:
            stack.enter_context(BLOCK[name]())
        yield

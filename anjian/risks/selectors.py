"""Reads of the risks app shared by the pages, the API and the exports. Everything is read
through ``for_user`` (jurisdiction), in a fixed number of queries whatever the row count.

The risk map (``risk_map``) serves a province's 50,000 risk points in well under a second:
compact arrays instead of objects, the distribution grouped in SQL over the
(region_path, level, industry) index, and the scatter capped at ``MAP_POINT_CAP`` points
(the gravest first) with the total said alongside.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Case, Count, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from anjian.core.paths import CODE_LENGTH, subtree_q
from anjian.core.scoping import ENTERPRISE, GRID, industry_subtree_ids, region_path, scope_of

from .choices import LEVEL_ORDER, RiskLevel
from .models import EnterpriseRiskGrade, RiskPoint, SupervisionFrequency

MAP_POINT_CAP = 20_000
UNASSESSED = "unassessed"
MAP_LEVELS = [*(lvl.value for lvl in LEVEL_ORDER), UNASSESSED]
"""Level codes of the map in index order: a point's level travels as its index (0 = major)."""


def risk_points(user, *, include_voided: bool = False) -> QuerySet:
    """Risk points in ``user``'s jurisdiction."""
    return RiskPoint.objects.for_user(user, include_voided=include_voided)


def scoped_point(user, pk: int, *, include_voided: bool = False) -> RiskPoint:
    """One risk point in scope with what its page shows, else RiskPoint.DoesNotExist."""
    return (risk_points(user, include_voided=include_voided)
            .select_related("enterprise__region", "industry", "profile", "responsible_user", "created_by")
            .prefetch_related("hazard_factors", "accident_types").get(pk=pk))


# --- the map and the distribution ------------------------------------------------------------

def _base_path(user) -> str:
    scope = scope_of(user)
    return scope.fallback_path if scope.kind in (GRID, ENTERPRISE) else scope.path


def map_filters(user, params: Mapping[str, Any]) -> dict[str, Any]:
    """The map's filters, checked: region (code), industry (code), level (one of MAP_LEVELS).
    Answers the parent path the distribution groups under and the querysets' filters."""
    code = str(params.get("region") or "").strip()
    base = _base_path(user)
    parent = base
    region_filter = None
    if code:
        path = region_path(code)
        if path is None:
            raise ValidationError({"region": [_("Unknown region code: %(code)s") % {"code": code}]})
        region_filter = path
        if len(path) > len(base) and path.startswith(base):
            parent = path
    industry_ids = None
    industry = str(params.get("industry") or "").strip()
    if industry:
        industry_ids = industry_subtree_ids([industry])
        if not industry_ids:
            raise ValidationError({"industry": [_("Unknown industry code: %(code)s") % {"code": industry}]})
    levels = [lvl for lvl in str(params.get("level") or "").split(",") if lvl]
    for lvl in levels:
        if lvl not in MAP_LEVELS:
            raise ValidationError({"level": [_("Choose among: %(choices)s.") % {"choices": ", ".join(MAP_LEVELS)}]})
    return {"region": region_filter, "industry_ids": industry_ids, "levels": levels, "parent": parent}


def _filtered(qs: QuerySet, f: Mapping[str, Any], *, path_field: str = "region_path",
              level_field: str = "level", industry_field: str = "industry_id") -> QuerySet:
    if f["region"]:
        qs = qs.filter(subtree_q(path_field, f["region"]))
    if f["industry_ids"] is not None:
        qs = qs.filter(**{f"{industry_field}__in": sorted(f["industry_ids"])})
    if f["levels"]:
        qs = qs.filter(**{f"{level_field}__in": ["" if lvl == UNASSESSED else lvl for lvl in f["levels"]]})
    return qs


def _level_index(level: str) -> int:
    return MAP_LEVELS.index(level or UNASSESSED)


def _region_names(paths: Iterable[str]) -> dict[str, tuple[str, str]]:
    from anjian.regions.models import Region

    return {p: (n, c) for p, n, c in Region.objects.filter(path__in=list(paths)).values_list("path", "name", "code")}


def _industry_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    from anjian.enterprises.models import Industry

    return {pk: (n, c) for pk, n, c in Industry.objects.filter(pk__in=list(ids)).values_list("pk", "name", "code")}


def distribution(user, f: Mapping[str, Any]) -> dict[str, Any]:
    """Counts per level: in total, per child region of the parent path, per industry. Two
    grouped queries, (region path, level) and (industry, level), each an index-only scan of
    rp_path_level_idx over the region's range; the townships are folded into child regions here."""
    qs = _filtered(RiskPoint.objects.for_user(user), f).order_by()
    width = len(f["parent"]) + CODE_LENGTH
    by_region: dict[str, list[int]] = defaultdict(lambda: [0] * len(MAP_LEVELS))
    by_industry: dict[int, list[int]] = defaultdict(lambda: [0] * len(MAP_LEVELS))
    totals = [0] * len(MAP_LEVELS)
    # COUNT(*), not COUNT(id): the key columns are all in rp_path_level_idx, so PostgreSQL
    # counts from the index alone (an index-only scan) instead of visiting 50,000 rows.
    for path, level, n in qs.values_list("region_path", "level").annotate(n=Count("*")):
        i = _level_index(level)
        by_region[path[:width]][i] += n
        totals[i] += n
    for industry_id, level, n in qs.values_list("industry_id", "level").annotate(n=Count("*")):
        by_industry[industry_id][_level_index(level)] += n
    region_names = _region_names(by_region)
    industry_names = _industry_names(by_industry)

    def table(groups, names):
        out = []
        for key, counts in groups.items():
            name, code = names.get(key, (str(key)[-CODE_LENGTH:], ""))
            out.append({"code": code, "name": name, "counts": counts, "total": sum(counts)})
        return sorted(out, key=lambda r: (-r["total"], r["code"]))

    return {"levels": MAP_LEVELS, "counts": dict(zip(MAP_LEVELS, totals, strict=True)), "total": sum(totals),
            "by_region": table(by_region, region_names), "by_industry": table(by_industry, industry_names)}


def _located_rows(qs: QuerySet, id_field: str, prefix: str, counts: Mapping[str, int], cap: int) -> list:
    """Rows (id, lon, lat, level index, name) of ``qs``, the gravest levels first, at most ``cap``:
    one query per level (``counts`` says which levels have rows). The ORM builds each query;
    the rows are fetched as plain tuples (coordinates cast to float and the level index put in
    by SQL), because converting 20,000 rows field by field in Python cost more than the query."""
    out: list = []
    for i, level in enumerate(MAP_LEVELS):
        room = cap - len(out)
        if room <= 0:
            break
        if not counts.get(level):
            continue
        rows = (qs.filter(level="" if level == UNASSESSED else level)
                .annotate(x=Cast(f"{prefix}longitude", FloatField()), y=Cast(f"{prefix}latitude", FloatField()),
                          i=Value(i, output_field=IntegerField()))
                .order_by().values_list(id_field, "x", "y", "i", f"{prefix}name")[:room])
        sql, params = rows.query.sql_with_params()
        with connections[qs.db].cursor() as cursor:
            cursor.execute(sql, params)
            out.extend(cursor.fetchall())
    return out


def risk_map(user, params: Mapping[str, Any], *, cap: int = MAP_POINT_CAP) -> dict[str, Any]:
    """The four-colour map of a region: risk points (id, lon, lat, level index, name) capped
    at ``cap`` — the gravest first —, enterprises coloured by their overall grade, the
    bounding box and the distribution."""
    f = map_filters(user, params)
    dist = distribution(user, f)
    located = _filtered(RiskPoint.objects.for_user(user), f).filter(longitude__isnull=False, latitude__isnull=False)
    points = _located_rows(located, "id", "", dist["counts"], cap)
    located_total = len(points)
    if len(points) >= cap:
        # How many have coordinates: all minus the few without, counted on the small partial
        # index rp_unlocated_idx (a COUNT of the located ones would read the whole range).
        unlocated = (_filtered(RiskPoint.objects.for_user(user), f)
                     .filter(Q(longitude__isnull=True) | Q(latitude__isnull=True)).order_by().count())
        located_total = dist["total"] - unlocated
    grades = _filtered(EnterpriseRiskGrade.objects.for_user(user), f).filter(
        enterprise__longitude__isnull=False, enterprise__latitude__isnull=False, enterprise__is_voided=False)
    enterprises = _located_rows(grades, "enterprise_id", "enterprise__", dict.fromkeys(MAP_LEVELS, 1), cap)
    bbox = None
    if points:
        xs = [p[1] for p in points]
        ys = [p[2] for p in points]
        bbox = [min(xs), min(ys), max(xs), max(ys)]
    shown = len(points)
    return {
        **dist,
        "columns": ["id", "longitude", "latitude", "level", "name"],
        "points": points,
        "enterprises": enterprises,
        "shown_points": shown,
        "located_points": located_total,
        "cap": cap,
        "bbox": bbox,
        "parent": {"code": f["parent"][-CODE_LENGTH:] if f["parent"] else "",
                   "name": _region_names([f["parent"]]).get(f["parent"], ("", ""))[0] if f["parent"] else ""},
    }


# --- differentiated supervision ----------------------------------------------------------------

def planned_frequencies(user, enterprise_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """For each enterprise in ``user``'s jurisdiction (optionally these ones): its overall risk
    grade and the planned regulator inspections a year (SupervisionFrequency). An enterprise not
    graded yet gets the frequency of the low level, flagged ``graded: False``."""
    from anjian.enterprises.models import Enterprise

    per_year = dict(SupervisionFrequency.objects.values_list("level", "per_year"))
    ents = Enterprise.objects.for_user(user)
    if enterprise_ids is not None:
        ents = ents.filter(pk__in=list(enterprise_ids))
    out = {}
    for pk, level in ents.order_by("pk").values_list("pk", "risk_grade__level"):
        graded = bool(level)
        out[pk] = {"level": level or "", "graded": graded,
                   "per_year": per_year.get(level if graded else RiskLevel.LOW.value)}
    return out


# --- one enterprise, and a page of enterprises (the enterprise's file and list) ---------------

def enterprise_risk_summary(user, enterprise_id: int, *, gravest: int = 5) -> dict[str, Any]:
    """One enterprise's risk figures in ``user``'s jurisdiction: its overall grade (None until
    derived), its risk points by level (``levels``: level → count, "" = not assessed), their
    total, and its ``gravest`` points (gravest level first). Three queries: the grade, the
    points grouped by level and the gravest points (both on rp_ent_idx)."""
    grade = EnterpriseRiskGrade.objects.for_user(user).filter(enterprise_id=enterprise_id).first()
    points = risk_points(user).filter(enterprise_id=enterprise_id)
    levels = dict(points.order_by().values_list("level").annotate(n=Count("*")))
    rank = Case(*[When(level=lvl.value, then=Value(i)) for i, lvl in enumerate(LEVEL_ORDER)],
                default=Value(len(LEVEL_ORDER)), output_field=IntegerField())
    top = list(points.annotate(rank=rank).order_by("rank", "name", "id")[:gravest])
    return {"grade": grade, "levels": levels, "total": sum(levels.values()), "gravest": top}


def risk_grades(user, enterprise_ids: Iterable[int]) -> dict[int, str]:
    """For a page of enterprises (ids read through ``for_user``): each one's overall risk level
    ("major", "high", "moderate" or "low"). Enterprises not graded, or graded without a level,
    are absent. One query on the grade's one-to-one key."""
    rows = (EnterpriseRiskGrade.objects.for_user(user).filter(enterprise_id__in=list(enterprise_ids))
            .exclude(level="").values_list("enterprise_id", "level"))
    return dict(rows)

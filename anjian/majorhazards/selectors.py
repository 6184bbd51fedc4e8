"""Read-side queries of the major hazard source registry that other apps use.

Stable interface (other apps code against these signatures):

- ``best_grade_by_enterprise(enterprise_ids) -> dict[int, int]``
- ``major_source_counts_by_enterprise(enterprise_ids) -> dict[int, int]``
- ``enterprise_source_summary(user, enterprise_id) -> dict`` (scoped: the enterprise's file)

Both count only sources that are not voided, in operation, and major (S ≥ 1, ``is_major``).
Neither applies jurisdiction scoping: the caller passes enterprise ids it has already read
through ``for_user``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Min, Q


def _major_in_operation(enterprise_ids: Iterable[int]):
    from .choices import SourceState
    from .models import MajorHazardSource

    ids = sorted({int(i) for i in enterprise_ids})
    return MajorHazardSource.objects.filter(
        enterprise_id__in=ids, is_voided=False, state=SourceState.IN_OPERATION, is_major=True,
    ), ids


def best_grade_by_enterprise(enterprise_ids: Iterable[int]) -> dict[int, int]:
    """For each given enterprise, the gravest grade (1 is gravest, 4 least) among its non-voided,
    in-operation major hazard sources. Enterprises without such a source are absent. One query."""
    qs, ids = _major_in_operation(enterprise_ids)
    if not ids:
        return {}
    rows = (qs.filter(grade__isnull=False).order_by().values("enterprise_id")
            .annotate(best=Min("grade")).values_list("enterprise_id", "best"))
    return {ent: int(best) for ent, best in rows}


def major_source_counts_by_enterprise(enterprise_ids: Iterable[int]) -> dict[int, int]:
    """For each given enterprise, how many non-voided, in-operation major hazard sources it has.
    Enterprises without one are absent. One query."""
    qs, ids = _major_in_operation(enterprise_ids)
    if not ids:
        return {}
    rows = qs.order_by().values("enterprise_id").annotate(n=Count("id")).values_list("enterprise_id", "n")
    return dict(rows)


def enterprise_source_summary(user, enterprise_id: int, *, limit: int = 5) -> dict[str, Any]:
    """One enterprise's hazard-chemical units in ``user``'s jurisdiction (voided ones left out):
    how many are registered (``total``), major (S ≥ 1), major and in operation, of each grade
    (``grades``: 1–4 → count), and the first ``limit`` of them, gravest grade first. Two
    queries on mh_ent_major_idx."""
    from .choices import SourceState
    from .models import MajorHazardSource

    sources = MajorHazardSource.objects.for_user(user).filter(enterprise_id=enterprise_id)
    counts = sources.aggregate(
        total=Count("pk"), major=Count("pk", filter=Q(is_major=True)),
        in_operation=Count("pk", filter=Q(is_major=True, state=SourceState.IN_OPERATION)),
        **{f"grade_{g}": Count("pk", filter=Q(is_major=True, grade=g)) for g in (1, 2, 3, 4)})
    first = list(sources.order_by("-is_major", F("grade").asc(nulls_last=True), "number")[:limit])
    return {"total": counts["total"], "major": counts["major"], "in_operation": counts["in_operation"],
            "grades": {g: counts[f"grade_{g}"] for g in (1, 2, 3, 4)}, "sources": first}

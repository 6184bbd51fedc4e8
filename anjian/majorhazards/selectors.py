"""Read-side queries of the major hazard source registry that other apps use.

Stable interface (other apps code against these signatures):

- ``best_grade_by_enterprise(enterprise_ids) -> dict[int, int]``
- ``major_source_counts_by_enterprise(enterprise_ids) -> dict[int, int]``

Both count only sources that are not voided, in operation, and major (S ≥ 1, ``is_major``).
Neither applies jurisdiction scoping: the caller passes enterprise ids it has already read
through ``for_user``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Min


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

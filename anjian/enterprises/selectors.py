"""Reads of the enterprise registry that views, the API and exports share."""

from collections.abc import Sequence
from typing import Any

from django.db.models import FilteredRelation, Prefetch, Q, QuerySet

from .models import Enterprise, EnterpriseTag, Supervision

LIST_RELATED = ("region", "industry", "grid")
#: values() prefix of an enterprise's current supervision plate in ``enterprise_rows``.
CURRENT_PLATE = "current_plate"


def enterprise_list(user) -> QuerySet:
    """The scoped enterprise list with what a list row shows, in a fixed number of queries."""
    current = Supervision.objects.filter(is_current=True).select_related("department")
    return (
        Enterprise.objects.for_user(user)
        .select_related(*LIST_RELATED)
        .prefetch_related(Prefetch("supervisions", queryset=current, to_attr="_prefetched_current"), "tags")
    )


def enterprise_rows(pks: Sequence[int], columns: Sequence[str]) -> list[dict[str, Any]]:
    """``values(*columns)`` rows of the enterprises ``pks``, in that order, in one query.

    The current plate is joined as ``current_plate`` (``current_plate__department__name``, …):
    at most one plate per enterprise is current (a unique constraint), so the LEFT JOIN adds
    no rows. The rows are read by primary key alone — the keys come from the scoped, filtered
    list — so the query is 50 primary-key lookups whatever the list's filters."""
    if not pks:
        return []
    rows = (Enterprise._base_manager.filter(pk__in=pks)
            .annotate(**{CURRENT_PLATE: FilteredRelation("supervisions", condition=Q(supervisions__is_current=True))})
            .values(*columns).order_by())  # put in the keys' order below, not sorted by the database
    by_pk = {row["id"]: row for row in rows}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def tag_codes(pks: Sequence[int]) -> dict[int, list[str]]:
    """The feature-tag codes of each enterprise of ``pks`` (a page the caller read through
    ``for_user``), in the tags' order, in one query on the (enterprise, tag) index."""
    out: dict[int, list[str]] = {pk: [] for pk in pks}
    if not pks:
        return out
    rows = (EnterpriseTag.objects.filter(enterprise_id__in=list(pks)).order_by("tag__sort", "tag__code")
            .values_list("enterprise_id", "tag__code"))
    for pk, code in rows:
        out[pk].append(code)
    return out


def blind_spots(user) -> QuerySet:
    """Existing (not closed) enterprises in scope with no current supervision (监管盲区)."""
    return Enterprise.objects.for_user(user).blind_spots().select_related(*LIST_RELATED)


def home_counts(user) -> dict:
    """The overview figures of the home page, all read through the user's scope."""
    from django.db.models import Count, Q

    from .choices import OperatingStatus

    qs = Enterprise.objects.for_user(user)
    counts = qs.aggregate(
        total=Count("id"),
        operating=Count("id", filter=Q(status=OperatingStatus.OPERATING)),
        high_risk=Count("id", filter=Q(high_risk=True)),
        above_scale=Count("id", filter=Q(above_scale=True)),
    )
    counts["blind_spots"] = qs.blind_spots().count()
    return counts

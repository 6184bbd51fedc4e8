"""Reads of the enterprise registry that views, the API and exports share."""

from django.db.models import Prefetch, QuerySet

from .models import Enterprise, Supervision

LIST_RELATED = ("region", "industry", "grid")


def enterprise_list(user) -> QuerySet:
    """The scoped enterprise list with what a list row shows, in a fixed number of queries."""
    current = Supervision.objects.filter(is_current=True).select_related("department")
    return (
        Enterprise.objects.for_user(user)
        .select_related(*LIST_RELATED)
        .prefetch_related(Prefetch("supervisions", queryset=current, to_attr="_prefetched_current"))
    )


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

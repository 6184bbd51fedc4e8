"""API pagination (kept apart from core.api because DRF imports it while loading its settings)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


def _whole_number(request, name: str, *, maximum: int, message) -> int | None:
    """The query parameter ``name`` as a whole number from 1 to ``maximum``; None when absent;
    a 400 naming the parameter otherwise (DRF answers a 404 for a bad page and silently ignores a
    bad page size)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    raw = raw.strip()
    if not raw.isdigit() or len(raw) > 12 or not 1 <= int(raw) <= maximum:
        raise ValidationError({name: [message % {"max": maximum}]})
    return int(raw)


class StandardPagination(PageNumberPagination):
    """Pages of 50 (``page_size`` up to 500); ``page`` is a whole number from 1 or ``last``.
    A malformed ``page`` or ``page_size`` is a 400 naming it; a page past the last is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    max_page = 10**9

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return paginator.num_pages
        number = _whole_number(request, self.page_query_param, maximum=self.max_page,
                               message=_("Give the page as a whole number from 1 to %(max)s."))
        return number or 1

    def get_page_size(self, request):
        size = _whole_number(request, self.page_size_query_param, maximum=self.max_page_size,
                             message=_("Give the page size as a whole number from 1 to %(max)s."))
        return size or self.page_size


def can_page_in_two_steps(queryset: Any) -> bool:
    """Whether ``queryset`` can be paged as "page of keys, then rows by key" without changing
    what the page holds: a plain model queryset, not already values() / sliced / a UNION, and
    without DISTINCT (the page of keys would then be distinct over other columns)."""
    if not isinstance(queryset, QuerySet):
        return False
    query = queryset.query
    return (queryset._iterable_class is ModelIterable and not query.distinct and not query.combinator
            and not query.is_sliced)


def keys_queryset(queryset: QuerySet) -> QuerySet:
    """The primary keys of ``queryset``, same filters and order, no joins for display."""
    return queryset.select_related(None).prefetch_related(None).values_list("pk", flat=True)


def rows_by_pk(queryset: QuerySet, pks: Sequence[Any]) -> list:
    """The model instances of ``pks``, in that order, loaded as ``queryset`` loads them
    (select_related, prefetch_related, deferred fields).

    The rows are fetched by primary key alone: repeating the list's filters here lets
    PostgreSQL walk the whole filtered range instead of the primary key (measured: a county's
    9,000 rows joined and sorted for 50). A queryset with annotations is the exception — an
    annotation may depend on the filters' joins — and is narrowed to the keys instead.
    A row removed between the two steps is left out."""
    if not pks:
        return []
    if queryset.query.annotations or queryset.query.extra:
        rows = queryset.filter(pk__in=pks).order_by()
    else:
        rows = queryset.model._base_manager.using(queryset.db).filter(pk__in=pks)
        rows.query.select_related = queryset.query.select_related
        rows.query.deferred_loading = queryset.query.deferred_loading
        rows._prefetch_related_lookups = queryset._prefetch_related_lookups
    by_pk = {obj.pk: obj for obj in rows}
    return [by_pk[pk] for pk in pks if pk in by_pk]


class DeferredJoinPagination(StandardPagination):
    """StandardPagination in two steps ("deferred join"): COUNT and the page of primary keys
    over the filtered query — answered from an index that holds the filter columns and the
    key, without touching the table or joining anything — then the page's rows by primary
    key with their joins. The response is exactly StandardPagination's.

    Why: in one step the database must join (and, for an ORDER BY it cannot read from an
    index, sort) every matching row before it can cut the page: a county's 10,000 rows on
    SQLite, and on PostgreSQL whenever its row estimate for the range is off. Costs one more
    (tiny) query, so use it for large tables: ``pagination_class = DeferredJoinPagination``.

    A view that builds the page's rows itself (e.g. from ``values()``) calls ``paginate_keys``.
    """

    def paginate_keys(self, queryset: QuerySet, request, view=None) -> list | None:
        """The primary keys of the requested page, in order; sets up the page (count, links)
        exactly as ``paginate_queryset`` does. None when the view is not paginated."""
        keys = super().paginate_queryset(keys_queryset(queryset), request, view)
        return None if keys is None else list(keys)

    def paginate_queryset(self, queryset, request, view=None):
        if not can_page_in_two_steps(queryset):
            return super().paginate_queryset(queryset, request, view)
        keys = self.paginate_keys(queryset, request, view)
        if keys is None:
            return None
        return rows_by_pk(queryset, keys)

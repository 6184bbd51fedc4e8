"""Filter backends shared by every API list."""

from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` with the primary key as the last key, in the direction of the last
    requested field, so rows that tie on a non-unique field (a state, a date) keep one order
    and a page boundary never repeats or skips them."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or request.query_params.get(self.ordering_param) is None:
            return ordering  # the view's own default ordering is left as declared
        keys = {field.lstrip("-") for field in ordering}
        if keys & {"id", "pk"}:
            return ordering
        descending = ordering[-1].startswith("-")
        return [*ordering, "-pk" if descending else "pk"]

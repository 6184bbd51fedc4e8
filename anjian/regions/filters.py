import django_filters

from anjian.core.filters import BaseFilterSet
from anjian.core.paths import subtree_q

from .choices import RegionLevel
from .models import Grid, Region


def filter_region_subtree(queryset, path_field: str, code: str):
    """Narrow ``queryset`` to the subtree of the region with this code (unknown code: nothing)."""
    path = Region.objects.filter(code=code).values_list("path", flat=True).first()
    if not path:
        return queryset.none()
    return queryset.filter(subtree_q(path_field, path))


class RegionFilter(BaseFilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="parent code")
    within = django_filters.CharFilter(method="filter_within", label="region code (subtree)")

    class Meta:
        model = Region
        fields = ["level", "parent", "within"]

    def filter_within(self, queryset, name, value):
        return filter_region_subtree(queryset, "path", value)


class GridFilter(BaseFilterSet):
    township = django_filters.CharFilter(field_name="township__code", label="township code")
    region = django_filters.CharFilter(method="filter_region", label="region code (subtree)")

    class Meta:
        model = Grid
        fields = ["township", "region"]

    def filter_region(self, queryset, name, value):
        return filter_region_subtree(queryset, "region_path", value)

import django_filters

from anjian.core.filters import BaseFilterSet, in_region

from .choices import RegionLevel
from .models import Grid, Region


class RegionFilter(BaseFilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="parent code")
    within = django_filters.CharFilter(method="filter_within", label="region code (subtree)")

    class Meta:
        model = Region
        fields = ["level", "parent", "within"]

    def filter_within(self, queryset, name, value):
        return in_region(queryset, value, "path")


class GridFilter(BaseFilterSet):
    township = django_filters.CharFilter(field_name="township__code", label="township code")
    region = django_filters.CharFilter(method="filter_region", label="region code (subtree)")

    class Meta:
        model = Grid
        fields = ["township", "region"]

import django_filters

from anjian.core.filters import BaseFilterSet, in_region

from .choices import DepartmentKind, Role
from .models import Department, User


class DepartmentFilter(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=DepartmentKind.choices)
    region = django_filters.CharFilter(method="filter_region", label="region code (subtree)")

    class Meta:
        model = Department
        fields = ["kind", "region"]

    def filter_region(self, queryset, name, value):
        return in_region(queryset, value, "region__path")


class UserFilter(BaseFilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = User
        fields = ["role", "department", "is_active"]

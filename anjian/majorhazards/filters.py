"""Filters of the major hazard source registry, shared by the API, the registry page and the
export. Every filter reads the source's own columns (indexes in models.MajorHazardSource.Meta)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import MajorGrade, SourceState, UnitKind
from .models import MajorHazardSource


class MajorHazardSourceFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=pgettext_lazy("major hazard", "Enterprise"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))
    grade = django_filters.MultipleChoiceFilter(choices=MajorGrade.choices, label=pgettext_lazy("major hazard", "Grade"), distinct=False)
    unit_kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=pgettext_lazy("major hazard", "Unit kind"))
    state = django_filters.ChoiceFilter(choices=SourceState.choices, label=pgettext_lazy("major hazard", "State"))
    is_major = django_filters.BooleanFilter(field_name="is_major", label=_("Major hazard source (S ≥ 1)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (number, name, enterprise)"))

    class Meta:
        model = MajorHazardSource
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(name__icontains=value)
                               | Q(enterprise__name__icontains=value))

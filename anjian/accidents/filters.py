"""Filters of the accident ledger, shared by the API and the ledger page so both offer the
same ones. Region, industry, grid and enterprise are copied onto the accident, so a region
filter is a range on the accident's own (region_path, occurred_at) indexes; grade, category
and state each have an index with the time (acc_*_time_idx); the flags filter is an EXISTS on
acc_flag_kind_idx."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import AccidentCategory, AccidentGrade, AccidentState, FlagKind
from .models import Accident
from .selectors import with_flags

NUMBER_PREFIX = "SG"


class AccidentFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    occurred_from = django_filters.DateFilter(field_name="occurred_at", method="filter_from_day",
                                              label=_("Occurred on or after"))
    occurred_to = django_filters.DateFilter(field_name="occurred_at", method="filter_to_day",
                                            label=_("Occurred on or before"))
    grade = django_filters.MultipleChoiceFilter(choices=AccidentGrade.choices, label=pgettext_lazy("accident", "Grade"), distinct=False)
    category = django_filters.ChoiceFilter(choices=AccidentCategory.choices, label=_("Category"))
    accident_type = django_filters.NumberFilter(field_name="accident_type_id", label=_("Accident type"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    state = django_filters.MultipleChoiceFilter(choices=AccidentState.choices, label=_("State"), distinct=False)
    flag = django_filters.MultipleChoiceFilter(choices=FlagKind.choices, method="filter_flag",
                                               label=_("Reporting flag"), distinct=False)
    q = django_filters.CharFilter(method="filter_q", label=_("Number, summary, address or enterprise"))

    class Meta:
        model = Accident
        fields = ["region", "occurred_from", "occurred_to", "grade", "category", "accident_type", "industry",
                  "enterprise", "state", "flag", "q"]

    def filter_flag(self, queryset, name, value):
        return with_flags(queryset, list(value)) if value else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.upper().startswith(NUMBER_PREFIX) and value[len(NUMBER_PREFIX):].isdigit():
            return queryset.filter(number=value.upper())
        return queryset.filter(Q(summary__contains=value) | Q(address__contains=value)
                               | Q(enterprise__name__contains=value))

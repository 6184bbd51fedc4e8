"""Filters of the enforcement inspection list, shared by the page, its export and the API (one
query string drives all three). Each reads the inspection's own columns (indexed in ``models``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import InspectionMode, InspectionOutcome, InspectionState
from .models import EnforcementInspection


class InspectionFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))
    kind = django_filters.ChoiceFilter(choices=InspectionMode.choices,
                                       label=pgettext_lazy("enforcement inspection", "Kind"))
    state = django_filters.ChoiceFilter(choices=InspectionState.choices,
                                        label=pgettext_lazy("enforcement inspection", "State"))
    outcome = django_filters.ChoiceFilter(choices=InspectionOutcome.choices,
                                          label=pgettext_lazy("enforcement inspection", "Outcome"))
    department = django_filters.NumberFilter(field_name="department_id",
                                             label=pgettext_lazy("enforcement", "Department"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id",
                                             label=pgettext_lazy("enforcement", "Enterprise"))
    plan_entry = django_filters.NumberFilter(field_name="plan_entry_id", label=_("Plan entry"))
    draw = django_filters.NumberFilter(field_name="draw_entry__draw_id", label=_("Draw"))
    date_from = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="planned_on", lookup_expr="lte", label=_("Until"))
    q = django_filters.CharFilter(method="filter_q", label=_("Number or enterprise"))

    class Meta:
        model = EnforcementInspection
        fields = ["region", "industry", "kind", "state", "outcome", "department", "enterprise", "plan_entry", "draw",
                  "date_from", "date_to", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(enterprise__name__icontains=value))

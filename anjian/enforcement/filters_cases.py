"""Filters of the case and summons/circular/exposure lists, shared by the pages, the export and
the API (one query string drives all three). Each reads the record's own indexed columns."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import AdmonitionKind, AdmonitionState, CaseState
from .models import Admonition, Case


class CaseFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    state = django_filters.ChoiceFilter(choices=CaseState.choices, label=pgettext_lazy("case", "State"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id",
                                             label=pgettext_lazy("enforcement", "Enterprise"))
    pre_accident = django_filters.BooleanFilter(field_name="pre_accident", label=_("Filed before any accident"))
    filed_from = django_filters.DateFilter(field_name="filed_on", lookup_expr="gte", label=_("Filed from"))
    filed_to = django_filters.DateFilter(field_name="filed_on", lookup_expr="lte", label=_("Filed until"))
    q = django_filters.CharFilter(method="filter_q", label=_("Number, title or enterprise"))

    class Meta:
        model = Case
        fields = ["region", "state", "enterprise", "pre_accident", "filed_from", "filed_to", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)
                               | Q(enterprise__name__icontains=value))


class AdmonitionFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    kind = django_filters.ChoiceFilter(choices=AdmonitionKind.choices, label=pgettext_lazy("admonition", "Kind"))
    state = django_filters.ChoiceFilter(choices=AdmonitionState.choices, label=pgettext_lazy("admonition", "State"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id",
                                             label=pgettext_lazy("enforcement", "Enterprise"))

    class Meta:
        model = Admonition
        fields = ["region", "kind", "state", "enterprise"]

"""Filters of the hazard ledger (台账), listed supervisions and notices, shared by the API and
the ledger page so both offer the same ones.

Every filter reads the hazard's own columns (region path, industry, grid and enterprise are
copied onto the hazard), so a region or industry filter is a range or IN on Hazard's indexes.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet
from anjian.standards.choices import HazardFactor

from .choices import OPEN_STATES, HazardGrade, HazardSource, HazardState, ListingLevel, ListingState
from .models import EnterpriseApiKey, Hazard, ListedSupervision, RectificationNotice

NUMBER_PREFIX = "YH"


class HazardFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))
    grid = django_filters.CharFilter(field_name="grid__code", label=_("Grid code"))
    state = django_filters.MultipleChoiceFilter(choices=HazardState.choices, label=_("State"),
                                               distinct=False)  # no join: DISTINCT would only slow the page
    grade = django_filters.ChoiceFilter(choices=HazardGrade.choices, label=_("Grade"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=pgettext_lazy("hazard", "Source"))
    category = django_filters.ChoiceFilter(choices=HazardFactor.choices, label=pgettext_lazy("hazard", "Hazard factor class"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    listed = django_filters.BooleanFilter(field_name="is_listed", label=_("Under listed supervision"))
    found_from = django_filters.DateFilter(field_name="found_at", method="filter_from_day",
                                           label=_("Found on or after"))
    found_to = django_filters.DateFilter(field_name="found_at", method="filter_to_day",
                                         label=_("Found on or before"))
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte",
                                                label=_("Deadline on or before"))
    q = django_filters.CharFilter(method="filter_q", label=_("Number, description, location or enterprise"))

    class Meta:
        model = Hazard
        fields = ["region", "enterprise", "industry", "grid", "state", "grade", "source", "category", "overdue",
                  "listed", "found_from", "found_to", "deadline_before", "q"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.upper().startswith(NUMBER_PREFIX) and value[len(NUMBER_PREFIX):].isdigit():
            return queryset.filter(number=value.upper())  # a hazard number: the unique index
        return queryset.filter(Q(description__contains=value) | Q(location__contains=value)
                               | Q(enterprise__name__contains=value))


class ListedSupervisionFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    hazard = django_filters.NumberFilter(field_name="hazard_id", label=_("Hazard"))
    level = django_filters.ChoiceFilter(choices=ListingLevel.choices, label=pgettext_lazy("hazard listing", "Level"))
    state = django_filters.ChoiceFilter(choices=ListingState.choices, label=_("State"))
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           label=_("Past the supervision deadline and still listed"))

    class Meta:
        model = ListedSupervision
        fields = ["region", "enterprise", "hazard", "level", "state", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=ListingState.LISTED, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class RectificationNoticeFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    department = django_filters.NumberFilter(field_name="department_id", label=_("Issuing unit"))
    hazard = django_filters.NumberFilter(field_name="hazards", label=_("Hazard"))
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("Issued on or after"))
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("Issued on or before"))

    class Meta:
        model = RectificationNotice
        fields = ["region", "enterprise", "department", "hazard", "issued_from", "issued_to"]


class EnterpriseApiKeyFilter(BaseFilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    active = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", label=pgettext_lazy("api key", "Active"))

    class Meta:
        model = EnterpriseApiKey
        fields = ["enterprise", "active"]

"""Filters of the task, record and duty lists, shared by the pages and the API so both offer
the same ones. Region filters are ranges on the rows' own region path (indexed)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import InspectionKind, RecordState, TaskState
from .models import InspectionDuty, InspectionRecord, InspectionTask


class TaskFilter(BaseFilterSet):
    state = django_filters.ChoiceFilter(choices=TaskState.choices, label=_("State"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due on or before"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Due on or after"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise id"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))
    cadence = django_filters.CharFilter(field_name="cadence__code", label=_("Cadence code"))
    duty = django_filters.NumberFilter(field_name="duty_id", label=_("Duty id"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Only duties I am responsible for"))
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))

    class Meta:
        model = InspectionTask
        fields = ["state", "due_before", "due_after", "enterprise", "region", "cadence", "duty", "mine", "q"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(duty__responsible_user=user)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__contains=value) if value else queryset


class RecordFilter(BaseFilterSet):
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=RecordState.choices, label=_("State"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise id"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))
    date_from = django_filters.DateFilter(field_name="inspected_at", method="filter_from_day",
                                          label=_("Inspected from"))
    date_to = django_filters.DateFilter(field_name="inspected_at", method="filter_to_day",
                                        label=_("Inspected until"))
    task = django_filters.NumberFilter(field_name="task_id", label=_("Task id"))
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))

    class Meta:
        model = InspectionRecord
        fields = ["kind", "state", "enterprise", "region", "date_from", "date_to", "task", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__contains=value) if value else queryset


class DutyFilter(BaseFilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise id"))
    cadence = django_filters.CharFilter(field_name="cadence__code", label=_("Cadence code"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))
    active = django_filters.BooleanFilter(method="filter_active", label=pgettext_lazy("inspection duty", "In force today"))
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))

    class Meta:
        model = InspectionDuty
        fields = ["enterprise", "cadence", "region", "active", "q"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        active = ~Q(active_from__gt=today) & (
            Q(active_to__isnull=True) | Q(active_to__gte=today))
        return queryset.filter(active) if value else queryset.exclude(active)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__contains=value) if value else queryset

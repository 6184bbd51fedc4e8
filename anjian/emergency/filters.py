"""Filters of the emergency lists, shared by the API and the list pages."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from . import selectors
from .choices import (
    DrillState,
    LogCategory,
    LogState,
    PlanKind,
    PlanState,
    ShiftState,
    SupplyCategory,
    TeamKind,
)
from .models import DisposalCard, Drill, DutyLogEntry, DutyShift, EmergencyPlan, RescueTeam, Supply

OVERDUE_CHOICES = [
    ("filing", _("Filing overdue")), ("review", _("Filing check overdue")), ("evaluation", _("Evaluation overdue")),
    ("drill", _("Drill overdue")), ("revision", _("Revision overdue")),
]


class _Regional(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))


class _Owned(_Regional):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id",
                                             label=pgettext_lazy("emergency", "Enterprise"))


class _Searched(_Owned):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    search_fields: tuple[str, ...] = ("enterprise__name",)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class EmergencyPlanFilter(_Searched):
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=pgettext_lazy("emergency plan", "Kind"))
    state = django_filters.ChoiceFilter(choices=PlanState.choices, label=pgettext_lazy("emergency plan", "State"))
    overdue = django_filters.ChoiceFilter(choices=OVERDUE_CHOICES, method="filter_overdue", label=_("Overdue"))
    search_fields = ("enterprise__name", "title", "filing_number")

    class Meta:
        model = EmergencyPlan
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        q = selectors.OVERDUE[value](timezone.localdate(), selectors.parameters())
        return selectors.live_plans(queryset).filter(q)


class DrillFilter(_Searched):
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=pgettext_lazy("drill", "Kind"))
    state = django_filters.ChoiceFilter(choices=DrillState.choices, label=pgettext_lazy("drill", "State"))
    year = django_filters.NumberFilter(method="filter_year", label=pgettext_lazy("drill", "Year"), min_value=2000,
                                       max_value=2100)
    plan = django_filters.NumberFilter(field_name="plan_id", label=_("Plan drilled"))
    search_fields = ("enterprise__name", "scenario")

    class Meta:
        model = Drill
        fields: list[str] = []

    def filter_year(self, queryset, name, value):
        value = int(value)
        return queryset.filter(Q(state=DrillState.HELD, held_on__year=value) |
                               Q(state=DrillState.PLANNED, planned_on__year=value))


class RescueTeamFilter(_Searched):
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=pgettext_lazy("rescue team", "Kind"))
    regional = django_filters.BooleanFilter(field_name="enterprise", lookup_expr="isnull",
                                            label=_("Regional (no enterprise)"))
    search_fields = ("name", "enterprise__name", "specialty")

    class Meta:
        model = RescueTeam
        fields: list[str] = []


class SupplyFilter(_Searched):
    category = django_filters.ChoiceFilter(choices=SupplyCategory.choices, label=pgettext_lazy("supply", "Category"))
    expired = django_filters.BooleanFilter(method="filter_expired", label=_("Expired"))
    short = django_filters.BooleanFilter(method="filter_short", label=_("Below the minimum"))
    regional = django_filters.BooleanFilter(field_name="enterprise", lookup_expr="isnull",
                                            label=_("Regional (no enterprise)"))
    search_fields = ("name", "enterprise__name", "storage_place")

    class Meta:
        model = Supply
        fields: list[str] = []

    def filter_expired(self, queryset, name, value):
        q = Q(expires_on__lt=timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_short(self, queryset, name, value):
        q = Q(quantity__lt=F("minimum_quantity"))
        return queryset.filter(q) if value else queryset.exclude(q)


class DisposalCardFilter(_Searched):
    search_fields = ("post", "enterprise__name")

    class Meta:
        model = DisposalCard
        fields: list[str] = []


class DutyShiftFilter(_Regional):
    state = django_filters.ChoiceFilter(choices=ShiftState.choices, label=pgettext_lazy("duty shift", "State"))

    class Meta:
        model = DutyShift
        fields: list[str] = []


class DutyLogFilter(_Regional):
    category = django_filters.ChoiceFilter(choices=LogCategory.choices, label=pgettext_lazy("duty log", "Category"))
    state = django_filters.ChoiceFilter(choices=LogState.choices, label=pgettext_lazy("duty log", "State"))

    class Meta:
        model = DutyLogEntry
        fields: list[str] = []

"""Filters of the committee office's lists, shared by the API and the pages (the pages add their
widgets in ``forms``). Every filter reads the record's own columns, each with an index
(``models``): ``region`` is the range on ``region_path``."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import (
    AssignmentRole,
    CampaignState,
    DutyHolder,
    FindingCategory,
    FindingState,
    LeaderRole,
    PlanKind,
    ProgressKind,
    ReportState,
    SummonsGround,
    SummonsState,
    TaskState,
    TourState,
    UnitKind,
)
from .models import (
    Campaign,
    Duty,
    MonthlyReport,
    Plan,
    PlanTask,
    ProgressReport,
    Summons,
    TaskAssignment,
    Tour,
    TourFinding,
    Unit,
)


class CommitteeFilter(BaseFilterSet):
    """What every list of the office filters by: the region (with the regions below it), the
    committee (a region code: the records of that committee only) and a search."""

    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    committee = django_filters.CharFilter(field_name="committee_region__code", label=_("Committee (region code)"))


class UnitFilter(CommitteeFilter):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=pgettext_lazy("steering unit", "Kind"))
    files_monthly_report = django_filters.BooleanFilter(label=_("Files the monthly report"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search by name"))

    class Meta:
        model = Unit
        fields: list[str] = []


class MonthlyReportFilter(CommitteeFilter):
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Responsible unit"))
    month = django_filters.DateFilter(method="filter_month", label=_("Month (any day of it)"))
    year = django_filters.NumberFilter(field_name="period__year", label=pgettext_lazy("steering", "Year"))
    state = django_filters.MultipleChoiceFilter(choices=ReportState.choices, distinct=False,
                                                label=pgettext_lazy("monthly report", "State"))
    late = django_filters.BooleanFilter(field_name="late", label=_("Submitted late"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue (not submitted after the due day)"))

    class Meta:
        model = MonthlyReport
        fields: list[str] = []

    def filter_month(self, queryset, name, value):
        return queryset.filter(period=value.replace(day=1))

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=ReportState.PENDING, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class TourFilter(CommitteeFilter):
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Toured unit"))
    state = django_filters.ChoiceFilter(choices=TourState.choices, label=pgettext_lazy("tour", "State"))
    year = django_filters.NumberFilter(field_name="starts_on__year", label=pgettext_lazy("steering", "Year"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (number, title)"))

    class Meta:
        model = Tour
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset


class SummonsFilter(CommitteeFilter):
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Summoned unit"))
    state = django_filters.MultipleChoiceFilter(choices=SummonsState.choices, distinct=False,
                                                label=pgettext_lazy("summons", "State"))
    ground = django_filters.ChoiceFilter(choices=SummonsGround.choices, label=_("Ground"))
    year = django_filters.NumberFilter(field_name="scheduled_on__year", label=pgettext_lazy("steering", "Year"))
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           label=_("Overdue (no written report after the due day)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (number, unit)"))

    class Meta:
        model = Summons
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=SummonsState.HELD, report_due__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(unit__name__icontains=value)) if value else queryset


class FindingFilter(CommitteeFilter):
    tour = django_filters.NumberFilter(field_name="tour_id", label=_("Inspection tour"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Toured unit"))
    state = django_filters.MultipleChoiceFilter(choices=FindingState.choices, distinct=False,
                                                label=pgettext_lazy("finding", "State"))
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices, label=pgettext_lazy("finding", "Category"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue (not rectified after the deadline)"))
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label=_("Deadline on or before"))

    class Meta:
        model = TourFinding
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=FindingState.OPEN, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class PlanFilter(CommitteeFilter):
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices, label=pgettext_lazy("plan", "Kind"))
    year = django_filters.NumberFilter(method="filter_year", label=_("Year (within the plan's years)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (title, document number)"))

    class Meta:
        model = Plan
        fields: list[str] = []

    def filter_year(self, queryset, name, value):
        return queryset.filter(year_from__lte=value, year_to__gte=value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(document_number__icontains=value)) if value else queryset


class TaskFilter(CommitteeFilter):
    plan = django_filters.NumberFilter(field_name="plan_id", label=_("Action plan"))
    state = django_filters.ChoiceFilter(choices=TaskState.choices, label=pgettext_lazy("task", "State"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue (open after the deadline)"))
    unit = django_filters.NumberFilter(method="filter_unit", label=_("Unit with a part in it"))
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte",
                                                label=pgettext_lazy("task", "Deadline on or before"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (number, task)"))

    class Meta:
        model = PlanTask
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=TaskState.OPEN, deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(pk__in=TaskAssignment.objects.filter(unit_id=value, is_voided=False).values("task_id"))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset


class AssignmentFilter(CommitteeFilter):
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Responsible unit"))
    task = django_filters.NumberFilter(field_name="task_id", label=_("Plan task"))
    role = django_filters.ChoiceFilter(choices=AssignmentRole.choices, label=pgettext_lazy("task assignment", "Part"))
    state = django_filters.ChoiceFilter(field_name="task__state", choices=TaskState.choices,
                                        label=pgettext_lazy("task", "State"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue (open after the deadline)"))

    class Meta:
        model = TaskAssignment
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = Q(task__state=TaskState.OPEN, task__deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ProgressFilter(CommitteeFilter):
    assignment = django_filters.NumberFilter(field_name="assignment_id", label=_("Task assignment"))
    task = django_filters.NumberFilter(field_name="task_id", label=_("Plan task"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Responsible unit"))
    kind = django_filters.ChoiceFilter(choices=ProgressKind.choices, label=pgettext_lazy("progress report", "Kind"))
    year = django_filters.NumberFilter(field_name="year", label=pgettext_lazy("steering", "Year"))

    class Meta:
        model = ProgressReport
        fields: list[str] = []


class DutyFilter(CommitteeFilter):
    holder = django_filters.ChoiceFilter(choices=DutyHolder.choices, label=_("Carried by"))
    unit = django_filters.NumberFilter(field_name="unit_id", label=_("Member unit"))
    leader_role = django_filters.ChoiceFilter(choices=LeaderRole.choices, label=_("Leader's role"))
    task = django_filters.NumberFilter(field_name="task_id", label=_("Plan task"))
    indicator = django_filters.CharFilter(field_name="indicator_code", label=_("Indicator code"))
    linked = django_filters.BooleanFilter(method="filter_linked", label=_("Linked to a task or an indicator"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (duty, category, leader)"))

    class Meta:
        model = Duty
        fields: list[str] = []

    def filter_linked(self, queryset, name, value):
        linked = Q(task__isnull=False) | ~Q(indicator_code="")
        return queryset.filter(linked) if value else queryset.exclude(linked)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(content__icontains=value) | Q(category__icontains=value)
                               | Q(leader_name__icontains=value) | Q(leader_position__icontains=value))


class CampaignFilter(CommitteeFilter):
    state = django_filters.ChoiceFilter(choices=CampaignState.choices, label=pgettext_lazy("campaign", "State"))
    year = django_filters.NumberFilter(method="filter_year", label=_("Year (campaigns running in it)"))
    tag = django_filters.CharFilter(field_name="tags__code", label=_("Feature tag (code)"), distinct=True)
    q = django_filters.CharFilter(method="filter_q", label=_("Search (number, title)"))

    class Meta:
        model = Campaign
        fields: list[str] = []

    def filter_year(self, queryset, name, value):
        return queryset.filter(starts_on__year__lte=value, ends_on__year__gte=value)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value)) if value else queryset

"""Filters of the occupational-health records, shared by the API and the list pages. Every filter
reads the record's own indexed columns (models' Meta)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import (
    DeclarationKind,
    DeclarationState,
    DetectionKind,
    ExamKind,
    ExamResult,
    ExamState,
    FactorCategory,
    HazardLevel,
    PointResult,
    TraineeRole,
)
from .models import Declaration, Detection, DetectionResult, Examination, Exposure, ProtectiveIssue, Training


class _Common(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id",
                                             label=pgettext_lazy("occupational", "Enterprise"))
    q = django_filters.CharFilter(method="filter_q", label=pgettext_lazy("occupational", "Search"))
    SEARCH: tuple[str, ...] = ("enterprise__name",)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for f in self.SEARCH:
            q |= Q(**{f"{f}__icontains": value})
        return queryset.filter(q)


class ExposureFilter(_Common):
    category = django_filters.ChoiceFilter(field_name="factor__category", choices=FactorCategory.choices,
                                           label=pgettext_lazy("hazard factor", "Class"))
    SEARCH = ("enterprise__name", "workplace", "post", "factor__name")

    class Meta:
        model = Exposure
        fields: list[str] = []


class DeclarationFilter(_Common):
    kind = django_filters.ChoiceFilter(choices=DeclarationKind.choices, label=pgettext_lazy("declaration", "Kind"))
    state = django_filters.ChoiceFilter(choices=DeclarationState.choices, label=pgettext_lazy("declaration", "State"))
    hazard_level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Hazard level"))

    class Meta:
        model = Declaration
        fields: list[str] = []


class DetectionFilter(_Common):
    kind = django_filters.ChoiceFilter(choices=DetectionKind.choices, label=pgettext_lazy("detection", "Kind"))
    SEARCH = ("enterprise__name", "service_body", "report_number")

    class Meta:
        model = Detection
        fields: list[str] = []


class ResultFilter(_Common):
    detection = django_filters.NumberFilter(field_name="detection_id", label=_("Detection or evaluation"))
    result = django_filters.ChoiceFilter(choices=PointResult.choices, label=pgettext_lazy("detection", "Result"))
    SEARCH = ("enterprise__name", "point")

    class Meta:
        model = DetectionResult
        fields: list[str] = []


class ExaminationFilter(_Common):
    kind = django_filters.ChoiceFilter(choices=ExamKind.choices, label=pgettext_lazy("examination", "Kind"))
    result = django_filters.ChoiceFilter(choices=ExamResult.choices, label=pgettext_lazy("examination", "Result"))
    state = django_filters.ChoiceFilter(choices=ExamState.choices, label=pgettext_lazy("examination", "State"))
    SEARCH = ("enterprise__name", "worker", "post")

    class Meta:
        model = Examination
        fields: list[str] = []


class TrainingFilter(_Common):
    role = django_filters.ChoiceFilter(choices=TraineeRole.choices, label=_("Trainees"))
    SEARCH = ("enterprise__name", "topic")

    class Meta:
        model = Training
        fields: list[str] = []


class ProtectionFilter(_Common):
    SEARCH = ("enterprise__name", "item", "post")

    class Meta:
        model = ProtectiveIssue
        fields: list[str] = []

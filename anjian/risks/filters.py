"""Filters of the risk-point ledger, shared by the API, the list page and the export. Each
reads RiskPoint's own columns (region path, industry, level, kind, enterprise), each backed
by an index of the model."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import BaseFilterSet

from .choices import ControlLevel, MeasureType, PointKind, RiskLevel
from .models import ControlMeasure, RiskAssessment, RiskPoint

LEVEL_FILTER_CHOICES = [*RiskLevel.choices, ("unassessed", _("Not assessed"))]


class RiskPointFilter(BaseFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    level = django_filters.MultipleChoiceFilter(choices=LEVEL_FILTER_CHOICES, method="filter_level",
                                                label=_("Risk level"), distinct=False)
    kind = django_filters.ChoiceFilter(choices=PointKind.choices, label=_("Kind"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))

    class Meta:
        model = RiskPoint
        fields = ["q", "level", "kind", "enterprise", "region", "industry"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(location__icontains=value)
                               | Q(enterprise__name__icontains=value))

    def filter_level(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(level__in=["" if v == "unassessed" else v for v in value])


class RiskAssessmentFilter(BaseFilterSet):
    risk_point = django_filters.NumberFilter(field_name="risk_point_id", label=_("Risk point"))
    level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risk level"))

    class Meta:
        model = RiskAssessment
        fields = ["risk_point", "level", "method"]


class ControlMeasureFilter(BaseFilterSet):
    risk_point = django_filters.NumberFilter(field_name="risk_point_id", label=_("Risk point"))
    enterprise = django_filters.NumberFilter(field_name="risk_point__enterprise_id", label=_("Enterprise"))
    control_level = django_filters.ChoiceFilter(choices=ControlLevel.choices, label=_("Control level"))
    measure_type = django_filters.ChoiceFilter(choices=MeasureType.choices, label=_("Type"))

    class Meta:
        model = ControlMeasure
        fields = ["risk_point", "enterprise", "control_level", "measure_type", "is_active"]

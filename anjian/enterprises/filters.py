"""Filters for the enterprise list, shared by the UI and the API so both offer the same ones.
Every filter here is backed by an index on Enterprise (see Meta.indexes)."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from anjian.regions.filters import filter_region_subtree

from .choices import OperatingStatus
from .models import Enterprise, Industry, Supervision


def industry_ids(code: str) -> list[int]:
    return list(Industry.objects.filter(code__startswith=code).values_list("pk", flat=True))


class EnterpriseFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code"))
    grid = django_filters.CharFilter(field_name="grid__code", label=_("Grid code"))
    status = django_filters.ChoiceFilter(choices=OperatingStatus.choices, label=_("Operating status"))
    above_scale = django_filters.BooleanFilter(label=_("Above designated size"))
    high_risk = django_filters.BooleanFilter(label=_("High-risk"))
    has_supervision = django_filters.BooleanFilter(method="filter_has_supervision", label=_("Has supervision"))
    q = django_filters.CharFilter(method="filter_q", label=_("Name or credit code"))

    class Meta:
        model = Enterprise
        fields = ["region", "industry", "grid", "status", "above_scale", "high_risk", "has_supervision", "q"]

    def filter_region(self, queryset, name, value):
        return filter_region_subtree(queryset, "region_path", value)

    def filter_industry(self, queryset, name, value):
        ids = industry_ids(value)
        if len(ids) == 1:
            return queryset.filter(industry_id=ids[0])
        return queryset.filter(industry_id__in=ids)

    def filter_has_supervision(self, queryset, name, value):
        current = Exists(Supervision.objects.filter(enterprise=OuterRef("pk"), is_current=True))
        return queryset.filter(current if value else ~current)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if len(value) == 18 and value.isalnum():
            return queryset.filter(credit_code=value.upper())
        return queryset.filter(name__contains=value)


class SupervisionFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    department = django_filters.NumberFilter(field_name="department_id")
    is_current = django_filters.BooleanFilter()

    class Meta:
        model = Supervision
        fields = ["enterprise", "department", "is_current"]

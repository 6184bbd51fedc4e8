"""Filters for the enterprise list, shared by the UI and the API so both offer the same ones.
Every filter here is backed by an index on Enterprise (see Meta.indexes) or, for ``tag``, on
its tag links (EnterpriseTag: unique (enterprise, tag) and (tag, enterprise))."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import BaseFilterSet

from .choices import OperatingStatus
from .models import Enterprise, EnterpriseTag, Supervision


class EnterpriseFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code"))
    grid = django_filters.CharFilter(field_name="grid__code", label=_("Grid code"))
    status = django_filters.ChoiceFilter(choices=OperatingStatus.choices, label=_("Operating status"))
    above_scale = django_filters.BooleanFilter(label=_("Above designated size"))
    high_risk = django_filters.BooleanFilter(label=_("High-risk"))
    has_supervision = django_filters.BooleanFilter(method="filter_has_supervision", label=_("Has supervision"))
    tag = django_filters.CharFilter(method="filter_tag", label=_("Feature tag code"))
    q = django_filters.CharFilter(method="filter_q", label=_("Name or credit code"))

    class Meta:
        model = Enterprise
        fields = ["region", "industry", "grid", "status", "above_scale", "high_risk", "has_supervision", "tag", "q"]

    def filter_has_supervision(self, queryset, name, value):
        current = Exists(Supervision.objects.filter(enterprise=OuterRef("pk"), is_current=True))
        return queryset.filter(current if value else ~current)

    def filter_tag(self, queryset, name, value):
        # EXISTS, not a join: an enterprise is listed once whatever else it is tagged with.
        tagged = EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), tag__code=value.strip())
        return queryset.filter(Exists(tagged))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if len(value) == 18 and value.isalnum():
            return queryset.filter(credit_code=value.upper())
        return queryset.filter(name__contains=value)


class SupervisionFilter(BaseFilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    department = django_filters.NumberFilter(field_name="department_id")
    is_current = django_filters.BooleanFilter()

    class Meta:
        model = Supervision
        fields = ["enterprise", "department", "is_current"]

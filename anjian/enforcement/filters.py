"""Filters of the enforcement lists, shared by the pages and the API (one query string drives
both). Each filter reads the record's own columns (indexes in ``models``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import CertificateState, ConflictKind, ConflictState, ExpertState
from .models import ConflictDeclaration, EnforcementCertificate, Expert


class ExpertFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    field = django_filters.CharFilter(method="filter_field", label=_("Field of expertise (industry code)"))
    state = django_filters.ChoiceFilter(choices=ExpertState.choices, label=pgettext_lazy("expert", "State"))
    q = django_filters.CharFilter(method="filter_q", label=_("Name, employer or specialty"))

    class Meta:
        model = Expert
        fields = ["region", "field", "state", "q"]

    def filter_field(self, queryset, name, value):
        from anjian.core.scoping import industry_subtree_ids

        return queryset.filter(fields__in=sorted(industry_subtree_ids([value]))).distinct() if value else queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(employer_name__icontains=value)
                               | Q(specialties__icontains=value))


class CertificateFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    officer = django_filters.NumberFilter(field_name="officer_id", label=_("Officer"))
    state = django_filters.ChoiceFilter(choices=CertificateState.choices, label=pgettext_lazy("certificate", "State"))
    q = django_filters.CharFilter(method="filter_q", label=_("Number or officer"))

    class Meta:
        model = EnforcementCertificate
        fields = ["region", "officer", "state", "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(officer__name__icontains=value)
                               | Q(officer__username__icontains=value))


class ConflictFilter(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id",
                                             label=pgettext_lazy("enforcement", "Enterprise"))
    officer = django_filters.NumberFilter(field_name="officer_id", label=_("Officer"))
    expert = django_filters.NumberFilter(field_name="expert_id", label=_("Expert"))
    kind = django_filters.ChoiceFilter(choices=ConflictKind.choices, label=pgettext_lazy("conflict", "Kind"))
    state = django_filters.ChoiceFilter(choices=ConflictState.choices, label=pgettext_lazy("conflict", "State"))

    class Meta:
        model = ConflictDeclaration
        fields = ["region", "enterprise", "officer", "expert", "kind", "state"]

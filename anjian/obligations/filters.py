"""Filters of the obligations registries, shared by the API, the list pages and the exports. Every
filter reads the record's own indexed columns (models' Meta) or an EXISTS on an indexed child."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from . import selectors
from .choices import CertificateKind, CertificateState, LicenceState, OperationType, PersonRole, PersonState
from .models import KeyPerson, Licence, LicenceKind, PersonCertificate, valid_licence_q


class Validity(django_filters.ChoiceFilter):
    """valid today / ends within 90 days / no longer valid (expired, suspended or revoked)."""

    CHOICES = [("valid", _("Valid today")), ("expiring", _("Ends within 90 days")),
               ("invalid", _("Not valid today"))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=self.CHOICES, label=_("Validity"), method=self.apply, **kwargs)

    @staticmethod
    def apply(queryset, name, value):
        day = timezone.localdate()
        if value == "valid":
            return queryset.filter(valid_licence_q(day))
        if value == "expiring":
            return queryset.filter(valid_licence_q(day), valid_until__lte=day + timedelta(days=90))
        if value == "invalid":
            return queryset.exclude(valid_licence_q(day))
        return queryset


class _Common(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id",
                                             label=pgettext_lazy("obligations", "Enterprise"))
    verified = django_filters.BooleanFilter(field_name="verified_at", lookup_expr="isnull", exclude=True,
                                            label=_("Verified by the regulator"))


class LicenceFilter(_Common):
    kind = django_filters.ModelChoiceFilter(queryset=LicenceKind.objects.all(), label=pgettext_lazy("licence", "Kind"))
    state = django_filters.ChoiceFilter(choices=LicenceState.choices, label=pgettext_lazy("licence", "State"))
    validity = Validity()
    q = django_filters.CharFilter(method="filter_q", label=_("Search (number, enterprise)"))

    class Meta:
        model = Licence
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(number__icontains=value) | Q(enterprise__name__icontains=value)) if value else queryset


class KeyPersonFilter(_Common):
    role = django_filters.ChoiceFilter(choices=PersonRole.choices, label=pgettext_lazy("key person", "Role"))
    operation_type = django_filters.ChoiceFilter(choices=OperationType.choices, label=_("Operation type"))
    state = django_filters.ChoiceFilter(choices=PersonState.choices, label=pgettext_lazy("key person", "State"))
    certified = django_filters.BooleanFilter(method="filter_certified", label=_("Holds a valid certificate"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (name, enterprise)"))

    class Meta:
        model = KeyPerson
        fields: list[str] = []

    def filter_certified(self, queryset, name, value):
        cond = selectors.certified(timezone.localdate())
        return queryset.filter(cond) if value else queryset.exclude(cond)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(enterprise__name__icontains=value)) if value else queryset


class CertificateFilter(_Common):
    person = django_filters.NumberFilter(field_name="person_id", label=pgettext_lazy("obligation certificate",
                                                                                     "Person"))
    kind = django_filters.ChoiceFilter(choices=CertificateKind.choices,
                                       label=pgettext_lazy("obligation certificate", "Kind"))
    state = django_filters.ChoiceFilter(choices=CertificateState.choices,
                                        label=pgettext_lazy("obligation certificate", "State"))

    class Meta:
        model = PersonCertificate
        fields: list[str] = []

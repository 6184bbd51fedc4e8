"""Filters of the credit lists, shared by the API, the list pages and the exports. Every filter
reads the record's own indexed columns."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.filters import BaseFilterSet

from .choices import CreditGrade, ListingState, NoticeState, Polarity, RecordSource, RecordState
from .models import Blacklisting, CreditRecord, CreditRecordKind, EnterpriseCredit, JointNotice


class _Common(BaseFilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))
    industry = django_filters.CharFilter(method="filter_industry", label=_("Industry code (with its sub-sectors)"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=pgettext_lazy("credit", "Enterprise"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (enterprise)"))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise__name__icontains=value) if value else queryset


class CreditRecordFilter(_Common):
    kind = django_filters.ModelChoiceFilter(queryset=CreditRecordKind.objects.all(),
                                            label=pgettext_lazy("credit record", "Kind"))
    polarity = django_filters.ChoiceFilter(field_name="kind__polarity", choices=Polarity.choices,
                                           label=_("Good or bad"))
    source_type = django_filters.ChoiceFilter(choices=RecordSource.choices, label=_("Source"))
    state = django_filters.ChoiceFilter(choices=RecordState.choices, label=pgettext_lazy("credit record", "State"))

    class Meta:
        model = CreditRecord
        fields: list[str] = []


class EnterpriseCreditFilter(_Common):
    grade = django_filters.ChoiceFilter(choices=CreditGrade.choices, label=_("Credit grade"))
    blacklisted = django_filters.BooleanFilter(label=_("On the list"))
    green_channel = django_filters.BooleanFilter(label=_("Green channel"))

    class Meta:
        model = EnterpriseCredit
        fields: list[str] = []


class BlacklistingFilter(_Common):
    state = django_filters.ChoiceFilter(choices=ListingState.choices, label=pgettext_lazy("blacklist", "State"))

    class Meta:
        model = Blacklisting
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(decision_number__icontains=value)) \
            if value else queryset


class JointNoticeFilter(_Common):
    listing = django_filters.NumberFilter(field_name="listing_id", label=_("Listing"))
    state = django_filters.ChoiceFilter(choices=NoticeState.choices, label=pgettext_lazy("joint notice", "State"))

    class Meta:
        model = JointNotice
        fields: list[str] = []

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
from .choices import (
    CertificateKind,
    CertificateState,
    CommitmentPeriod,
    LicenceState,
    OperationType,
    PersonRole,
    PersonState,
    SpotResult,
    StandardisationGrade,
    StandardisationState,
)
from .models import (
    Commitment,
    KeyPerson,
    Licence,
    LicenceKind,
    PersonCertificate,
    SafetyOrganisation,
    SpotCheck,
    SpotCheckEntry,
    Standardisation,
    valid_grade_q,
    valid_licence_q,
)


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


class GradeValidity(django_filters.ChoiceFilter):
    """held today / ends within 90 days / expired (past the end, not withdrawn)."""

    CHOICES = [("valid", _("Valid today")), ("expiring", _("Ends within 90 days")), ("expired", _("Expired"))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=self.CHOICES, label=_("Validity"), method=self.apply, **kwargs)

    @staticmethod
    def apply(queryset, name, value):
        day = timezone.localdate()
        if value == "valid":
            return queryset.filter(valid_grade_q(day))
        if value == "expiring":
            return queryset.filter(valid_grade_q(day), valid_until__lte=day + timedelta(days=90))
        if value == "expired":
            return queryset.filter(is_voided=False, valid_until__lt=day).exclude(state=StandardisationState.WITHDRAWN)
        return queryset


def _search(fields: tuple[str, ...]):
    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for f in fields:
            q |= Q(**{f"{f}__icontains": value})
        return queryset.filter(q)

    return filter_q


class StandardisationFilter(_Common):
    grade = django_filters.ChoiceFilter(choices=StandardisationGrade.choices,
                                        label=pgettext_lazy("standardisation", "Grade"))
    state = django_filters.ChoiceFilter(choices=StandardisationState.choices,
                                        label=pgettext_lazy("standardisation", "State"))
    validity = GradeValidity()
    issued_year = django_filters.NumberFilter(field_name="issued_on", lookup_expr="year", label=_("Graded in (year)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (number, enterprise)"))
    filter_q = _search(("number", "enterprise__name"))

    class Meta:
        model = Standardisation
        fields: list[str] = []


class SpotCheckFilter(BaseFilterSet):
    year = django_filters.NumberFilter(field_name="year", label=pgettext_lazy("spot check", "Year"))
    region = django_filters.CharFilter(method="filter_region", label=_("Region code (with the regions below it)"))

    class Meta:
        model = SpotCheck
        fields: list[str] = []


class SpotEntryFilter(BaseFilterSet):
    check_run = django_filters.NumberFilter(field_name="check_run_id", label=pgettext_lazy("spot check", "Spot check"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id",
                                             label=pgettext_lazy("obligations", "Enterprise"))
    result = django_filters.ChoiceFilter(choices=SpotResult.choices, label=pgettext_lazy("spot check", "Result"))

    class Meta:
        model = SpotCheckEntry
        fields: list[str] = []


class OrganisationFilter(_Common):
    has_body = django_filters.BooleanFilter(field_name="has_body", label=_("Has a safety management body"))
    has_director = django_filters.BooleanFilter(method="filter_director", label=_("Has a safety director"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (enterprise, director)"))
    filter_q = _search(("enterprise__name", "director_name", "body_name"))

    class Meta:
        model = SafetyOrganisation
        fields: list[str] = []

    def filter_director(self, queryset, name, value):
        return queryset.exclude(director_name="") if value else queryset.filter(director_name="")


class CommitmentFilter(_Common):
    year = django_filters.NumberFilter(field_name="year", label=pgettext_lazy("commitment", "Year"))
    period = django_filters.ChoiceFilter(choices=CommitmentPeriod.choices, label=pgettext_lazy("commitment", "Period"))
    q = django_filters.CharFilter(method="filter_q", label=_("Search (title, enterprise, signed by)"))
    filter_q = _search(("title", "enterprise__name", "signed_by"))

    class Meta:
        model = Commitment
        fields: list[str] = []

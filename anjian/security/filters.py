"""Filters of the security log (kind, person, period), shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import BaseFilterSet

from .choices import SecurityEventKind
from .models import SecurityEvent


class SecurityEventFilter(BaseFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SecurityEventKind.choices)
    username = django_filters.CharFilter(label=_("User name"), field_name="username", lookup_expr="iexact")
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = SecurityEvent
        fields = ["kind", "username", "since", "until"]

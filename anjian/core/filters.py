"""The filter base and backends shared by every list (API and pages)."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.filters import OrderingFilter

from .paths import subtree_q
from .scoping import industry_subtree_ids, region_path


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` with the primary key as the last key, in the direction of the last
    requested field, so rows that tie on a non-unique field (a state, a date) keep one order
    and a page boundary never repeats or skips them."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or request.query_params.get(self.ordering_param) is None:
            return ordering  # the view's own default ordering is left as declared
        keys = {field.lstrip("-") for field in ordering}
        if keys & {"id", "pk"}:
            return ordering
        descending = ordering[-1].startswith("-")
        return [*ordering, "-pk" if descending else "pk"]


# --- one FilterSet base ---------------------------------------------------------------------

# The widest integer the databases store (a signed 64-bit BIGINT): beyond it SQLite raises
# OverflowError and PostgreSQL a DataError, both a 500 if let through to the query.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
OUT_OF_RANGE = _("The value is out of range.")


def _bounded(clean):
    """Wrap a form field's ``clean``: an integer beyond 64 bits is a field error, not a 500."""

    def wrapped(value):
        for v in value if isinstance(value, list | tuple) else [value]:
            text = str(v).strip() if v is not None else ""
            if text.lstrip("+-").isdigit() and not INT_MIN <= int(text[:40]) <= INT_MAX:
                raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range")
        try:
            return clean(value)
        except OverflowError as exc:
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range") from exc

    return wrapped


INTEGER_FIELDS = (forms.IntegerField, forms.ModelChoiceField, forms.DecimalField, forms.FloatField)


# What a yes/no filter accepts (django-filter's widget turns anything else into "no filter").
BOOLEAN_WORDS = {"", "true", "false", "1", "0", "yes", "no", "on", "off", "unknown", "null", "none"}


class BaseFilterSet(django_filters.FilterSet):
    """The FilterSet every list (API and page) derives from: number and reference filters refuse
    values the database cannot hold, and yes/no filters refuse what is neither, each with an
    error on that parameter (never silently ignored)."""

    def get_form_class(self):
        form_class = super().get_form_class()
        data = self.data

        class BoundedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                for name, field in self.fields.items():
                    if isinstance(field, forms.NullBooleanField) and name in data:
                        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
                        if any(str(v).strip().lower() not in BOOLEAN_WORDS for v in values):
                            self.add_error(name, forms.ValidationError(_("Give true or false."), code="invalid"))
                return cleaned

        return BoundedForm

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                if isinstance(field, INTEGER_FIELDS) or getattr(field, "bounded_integers", False):
                    field.clean = _bounded(field.clean)
            self._form = form
        return self._form

    # The filters every ledger offers, declared by a set as ``method="filter_region"`` (and so
    # on); a set whose rows hold the value elsewhere overrides the method.
    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A division code: the rows in that region or below it (by their ``region_path``)."""
        return in_region(queryset, value)

    def filter_industry(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """An industry code: the rows in that industry or its sub-sectors (by ``industry_id``)."""
        return in_industry(queryset, value)

    def filter_from_day(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        """A day: the rows whose timestamp ``name`` (the filter's ``field_name``) is on it or later."""
        return queryset.filter(**{f"{name}__gte": day_start(value)})

    def filter_to_day(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        """A day: the rows whose timestamp ``name`` (the filter's ``field_name``) is on it or earlier."""
        return queryset.filter(**{f"{name}__lt": day_start(value + timedelta(days=1))})


# --- the filters every ledger offers -----------------------------------------------------------

def in_region(queryset: QuerySet, code: str, field: str = "region_path") -> QuerySet:
    """The records of ``queryset`` in the region with this division code or below it (``field``
    holds their region path); an unknown code: none. The code → path lookup is cached."""
    path = region_path(code.strip())
    return queryset.filter(subtree_q(field, path)) if path else queryset.none()


def in_industry(queryset: QuerySet, code: str, field: str = "industry_id") -> QuerySet:
    """The records of ``queryset`` in the industry with this code or one of its sub-sectors
    (``field`` holds their industry's id); an unknown code: none. A leaf industry is one
    equality, which every industry index serves."""
    ids = sorted(industry_subtree_ids([code.strip()]))
    if not ids:
        return queryset.none()
    if len(ids) == 1:
        return queryset.filter(**{field: ids[0]})
    return queryset.filter(**{f"{field}__in": ids})


def day_start(day: date) -> datetime:
    """The moment ``day`` begins in the site's time zone (its local midnight). A "from/to day"
    filter on a timestamp is a range between two of these, which keeps the timestamp's index
    usable (unlike ``__date``); warning rules and statistics bound their periods the same way."""
    return timezone.make_aware(datetime.combine(day, time.min))

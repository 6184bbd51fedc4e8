"""The filter bars of the ledger and of the listed supervisions: the API's FilterSets with the
pages' widgets (``core.forms.FilterBarMixin``), so one query string drives the page, the API and
the Excel export."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import YES_NO, DateInput, FilterBarMixin
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.enterprises.fields import region_industry_fields
from anjian.enterprises.models import Enterprise

from .choices import (
    ListingLevel,
    ListingState,
)
from .filters import HazardFilter, ListedSupervisionFilter

# --- filter bars ------------------------------------------------------------------------------

# Above this many enterprises in scope the ledger's filter bar offers no enterprise select
# (the filter still works from links such as an enterprise's page: ?enterprise=<id>).
ENTERPRISE_FILTER_LIMIT = 300

SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("deadline", _("Deadline (earliest first)")),
    ("-deadline", _("Deadline (latest first)")),
    ("-found_at", _("Found (latest first)")),
    ("found_at", _("Found (earliest first)")),
]
# Sort keys → order_by; every ordering ends on the primary key so pages are stable.
SORT_ORDERS = {
    "newest": ("-id",),
    "oldest": ("id",),
    "deadline": ("deadline", "id"),
    "-deadline": ("-deadline", "-id"),
    "found_at": ("found_at", "id"),
    "-found_at": ("-found_at", "-id"),
}


class LedgerFilter(FilterBarMixin, HazardFilter):
    """The API's HazardFilter with the ledger's widgets: selects of the regions, industries and
    enterprises in the user's scope, yes/no selects, date pickers, and a sort. The state is set
    by the state chips above the table (a hidden field here), so one query string drives the
    page, the API and the Excel export."""

    sort_choices = SORT_CHOICES
    sort_orders = SORT_ORDERS

    def _shape(self, form) -> None:
        fields = form.fields
        enterprise_scope = scope_of(self.user).kind == ENTERPRISE_SCOPE
        if "q" in fields:
            fields["q"] = forms.CharField(
                label=_("Search"), required=False, max_length=100,
                widget=forms.TextInput(attrs={"type": "search",
                                              "placeholder": _("Number, description, location, enterprise")}))
        region_industry_fields(fields, self.user)
        if "enterprise" in fields:
            fields["enterprise"] = self._enterprise_field(hidden=enterprise_scope)
        for name, empty in (("grade", _("Any grade")), ("source", _("Any source")),
                            ("category", _("Any factor class"))):
            if name in fields:
                fields[name] = forms.ChoiceField(label=fields[name].label, required=False,
                                                 choices=[("", empty), *self.filters[name].extra["choices"]])
        for name, label in (("overdue", _("Overdue")), ("listed", _("Listed supervision"))):
            if name in fields:
                fields[name] = forms.NullBooleanField(label=label, required=False,
                                                      widget=forms.Select(choices=YES_NO))
        for name, label in (("found_from", _("Found from")), ("found_to", _("Found until"))):
            if name in fields:
                fields[name] = forms.DateField(label=label, required=False, widget=DateInput())
        if "state" in fields:
            fields["state"].widget = forms.MultipleHiddenInput()
        for name in ("grid", "deadline_before"):
            if name in fields:
                fields[name].widget = forms.HiddenInput()
        if enterprise_scope:
            for name in ("region", "industry"):
                if name in fields:
                    fields[name].widget = forms.HiddenInput()
        self._sort_field(fields)
        order = ["q", "region", "enterprise", "industry", "grade", "category", "source", "overdue", "listed",
                 "found_from", "found_to"]
        form.fields = {**{n: fields.pop(n) for n in order if n in fields}, **fields}

    def _enterprise_field(self, *, hidden: bool):
        if not hidden:
            rows = list(Enterprise.objects.for_user(self.user).order_by("name")
                        .values_list("pk", "name")[: ENTERPRISE_FILTER_LIMIT + 1])
            if len(rows) <= ENTERPRISE_FILTER_LIMIT:
                return forms.TypedChoiceField(label=_("Enterprise"), required=False, coerce=int, empty_value=None,
                                              choices=[("", _("All enterprises")), *rows])
        return forms.IntegerField(required=False, widget=forms.HiddenInput)

    @property
    def enterprise_id(self) -> int | None:
        if not self.is_bound or "enterprise" not in self.filters:
            return None
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {}).get("enterprise") or None


LISTING_SORT_CHOICES = [
    ("deadline", _("Deadline (earliest first)")),
    ("-listed_at", _("Listed (latest first)")),
    ("listed_at", _("Listed (earliest first)")),
]
LISTING_SORT_ORDERS = {
    "deadline": ("deadline", "id"),
    "-listed_at": ("-listed_at", "-id"),
    "listed_at": ("listed_at", "id"),
}


class ListingFilter(FilterBarMixin, ListedSupervisionFilter):
    """The API's ListedSupervisionFilter with the page's widgets, plus a search by hazard
    number or enterprise name."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    sort_choices = LISTING_SORT_CHOICES
    sort_orders = LISTING_SORT_ORDERS

    class Meta(ListedSupervisionFilter.Meta):
        fields = [*ListedSupervisionFilter.Meta.fields, "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(hazard__number=value.upper()) | Q(enterprise__name__contains=value))

    def _shape(self, form) -> None:
        fields = form.fields
        fields["q"] = forms.CharField(
            label=_("Search"), required=False, max_length=100,
            widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Hazard number or enterprise")}))
        region_industry_fields(fields, self.user)
        fields["level"] = forms.ChoiceField(label=pgettext_lazy("hazard listing", "Level"), required=False,
                                           choices=[("", _("Any level")), *ListingLevel.choices])
        fields["state"] = forms.ChoiceField(label=_("State"), required=False,
                                           choices=[("", _("Any state")), *ListingState.choices])
        fields["overdue"] = forms.NullBooleanField(label=_("Overdue"), required=False,
                                                   widget=forms.Select(choices=YES_NO))
        for name in ("enterprise", "hazard"):
            fields[name].widget = forms.HiddenInput()
        self._sort_field(fields)
        form.fields = {"q": fields.pop("q"), **fields}

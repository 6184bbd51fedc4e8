"""Forms of the standards pages: the checklist list's filter bar, the criteria catalogue's
filters, a new checklist version, and deactivate / reactivate. Forms only collect and check
input; changes go through ``standards.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core import bounds
from anjian.core.forms import DateInput, Form
from anjian.enterprises.models import Industry
from anjian.regions.fields import INDENT

from .filters import ChecklistFilter, ChecklistStatus
from .models import CriteriaDocument

YES_NO = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


def industry_choices(empty_label) -> list[tuple[str, str]]:
    """(code, indented name) of every industry in taxonomy order; sub-sector codes are two
    characters longer than their parent's."""
    rows = Industry.objects.order_by("code").values_list("code", "name")
    return [("", empty_label), *[(code, INDENT * max(len(code) // 2 - 1, 0) + name) for code, name in rows]]


class ChecklistListFilter(ChecklistFilter):
    """The API's ChecklistFilter with the page's widgets: a search box, an industry select and
    the version status; the values are the API's, so one query string drives the page, the
    API and the Excel export."""

    PAGE_FIELDS = ("q", "industry", "status")

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters = {name: f for name, f in self.filters.items() if name in self.PAGE_FIELDS}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            form.fields = {
                "q": forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(
                    attrs={"placeholder": _("Name or code"), "type": "search"})),
                "industry": forms.ChoiceField(label=_("Industry"), required=False,
                                              choices=industry_choices(_("All industries"))),
                "status": forms.ChoiceField(label=_("Versions"), required=False, choices=ChecklistStatus.CHOICES),
            }
        return self._form


class CriteriaFilterForm(Form):
    """Filters of the criteria catalogue page (and its export)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(
        attrs={"placeholder": _("Criterion text or code"), "type": "search"}))
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    document = forms.ChoiceField(label=_("Document"), required=False)
    is_confirmed = forms.NullBooleanField(label=_("Text confirmed"), required=False,
                                          widget=forms.Select(choices=YES_NO))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = industry_choices(_("All industries"))
        self.fields["document"].choices = [("", _("All documents")), *CriteriaDocument.objects.filter(
            is_active=True).order_by("code").values_list("code", "title")]

    def values(self) -> dict:
        """The valid filter values ("" for the rest), so a bad value is ignored, not an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if data.get(name) not in (None, "")}


class NewVersionForm(Form):
    """A new version of a checklist: from which day, its label, and why."""

    effective_from = forms.DateField(label=_("Takes effect on"), widget=DateInput(),
                                     help_text=_("The version now in force ends the day before."))
    version = forms.CharField(label=_("Version"), max_length=20, required=False,
                              help_text=_("Leave empty for the next number."))
    name = forms.CharField(label=_("Name"), max_length=200, required=False,
                           help_text=_("Leave empty to keep the current name."))
    note = forms.CharField(label=_("What changes and why"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    wide_fields = ("name", "note")


class DeactivateForm(Form):
    """Deactivating keeps the record (nothing is deleted) but takes it out of use."""

    reason = forms.CharField(label=_("Reason"), max_length=bounds.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: replaced by a local checklist, or created by mistake."))

    wide_fields = ("reason",)


class ActivateForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=bounds.REASON_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    wide_fields = ("reason",)

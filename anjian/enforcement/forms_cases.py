"""Forms of the case pages and of summons, circulars and exposure. They collect and check input;
the services decide (their ValidationError is shown next to the field it names)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import DateInput, ModelForm, MultipleFileField
from anjian.orgs.models import Department
from anjian.regions.models import Region

from .choices import CaseMeasure, DiscretionTierCode, PartyKind
from .filters_cases import AdmonitionFilter, CaseFilter
from .forms import ReasonForm, VersionedForm, enterprise_field
from .models import Admonition, Case, Violation


def departments_of(user):
    return Department.objects.for_user(user).order_by("name")


class CaseForm(ModelForm):
    """A new case (a clue awaiting filing) or its correction."""

    class Meta:
        model = Case
        fields = ["department", "enterprise", "title", "source", "discovered_on", "accident", "facts"]
        widgets = {"discovered_on": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from anjian.accidents.models import Accident

        self.fields["department"].queryset = departments_of(user)
        self.fields["enterprise"] = enterprise_field(user)
        self.fields["accident"].queryset = Accident.objects.for_user(user).order_by("-occurred_at")
        self.fields["accident"].help_text = _("Leave empty for a case opened before any accident (事前立案).")
        if self.instance.pk:
            for name in ("department", "enterprise"):
                self.fields[name].disabled = True

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("title", "source", "discovered_on", "accident", "facts")}


class CaseListFilter(CaseFilter):
    class Meta(CaseFilter.Meta):
        fields = ["state", "pre_accident", "filed_from", "filed_to", "q"]


class DateStepForm(VersionedForm):
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput(), help_text=_("Empty: today."))
    comment = forms.CharField(label=pgettext_lazy("enforcement", "Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class ViolationsForm(VersionedForm):
    """Up to three violations of the catalogue, each with its tier and fine."""

    ROWS = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        catalogue = Violation.objects.filter(is_active=True).order_by("order", "code")
        current = list(self.record.violations.filter(is_voided=False).order_by("id")) if self.record else []
        for i in range(self.ROWS):
            row = current[i] if i < len(current) else None
            required = i == 0
            self.fields[f"violation_{i}"] = forms.ModelChoiceField(
                catalogue, label=pgettext_lazy("violation", "Violation"), required=required,
                initial=row.violation_id if row else None)
            self.fields[f"tier_{i}"] = forms.ChoiceField(choices=DiscretionTierCode.choices, label=_("Discretion tier"),
                                                         required=required, initial=row.tier if row else "general")
            self.fields[f"fine_{i}"] = forms.DecimalField(label=_("Fine (yuan)"), min_value=0, max_digits=12,
                                                          decimal_places=0, required=False,
                                                          initial=row.fine if row else None)
            self.fields[f"reason_{i}"] = forms.CharField(label=_("Reason for a fine outside the range"), required=False,
                                                         max_length=300, initial=row.deviation_reason if row else "")

    @classmethod
    def items_from(cls, d: dict) -> list[dict]:
        """The rows filled in, as ``services.set_violations`` takes them."""
        return [{"violation": d[f"violation_{i}"], "tier": d[f"tier_{i}"] or "general", "fine": d[f"fine_{i}"] or 0,
                 "deviation_reason": d[f"reason_{i}"]} for i in range(cls.ROWS) if d.get(f"violation_{i}")]


class PartyForm(VersionedForm):
    kind = forms.ChoiceField(choices=PartyKind.choices, label=pgettext_lazy("party", "Kind"))
    name = forms.CharField(label=pgettext_lazy("party", "Name"), max_length=100)
    post = forms.CharField(label=_("Post"), max_length=100, required=False)
    fine = forms.DecimalField(label=_("Fine (yuan)"), min_value=0, max_digits=12, decimal_places=0, required=False)


class EvidenceForm(VersionedForm):
    description = forms.CharField(label=pgettext_lazy("case", "Description"), max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Files"), required=False)


class ExtendForm(ReasonForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365)


class StatementForm(VersionedForm):
    statement = forms.CharField(label=_("Statement, defence or hearing"), max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput(), help_text=_("Empty: today."))
    files = MultipleFileField(label=_("Files"), required=False)


class OpinionForm(VersionedForm):
    opinion = forms.CharField(label=_("Legal review opinion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(VersionedForm):
    measure = forms.ChoiceField(choices=CaseMeasure.choices, label=_("Measure"), required=False)
    decision_text = forms.CharField(label=_("Decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    public_summary = forms.CharField(label=_("Public summary"), max_length=1000,
                                     widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text=_("Shown on the public page: no personal data."))
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput(), help_text=_("Empty: today."))


class ExecutionForm(VersionedForm):
    paid_amount = forms.DecimalField(label=_("Paid (yuan)"), min_value=0, max_digits=12, decimal_places=0)
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Execution"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Files"), required=False)


class TransferForm(ReasonForm):
    to = forms.CharField(label=_("Transferred to"), max_length=200)


class AdmonitionForm(ModelForm):
    files = MultipleFileField(label=_("Document"), required=False)

    class Meta:
        model = Admonition
        fields = ["kind", "department", "enterprise", "target_region", "title", "held_on", "summary"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_of(user)
        self.fields["enterprise"] = enterprise_field(user, required=False)
        self.fields["target_region"].queryset = Region.objects.for_user(user).order_by("path")

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("kind", "enterprise", "target_region", "title", "held_on",
                                                  "summary")}


class AdmonitionListFilter(AdmonitionFilter):
    class Meta(AdmonitionFilter.Meta):
        fields = ["kind", "state"]


class ConfirmStepForm(VersionedForm):
    """A step that needs nothing but a click."""


class ReasonStepForm(ReasonForm):
    """A step with a reason."""

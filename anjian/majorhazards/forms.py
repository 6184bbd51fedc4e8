"""Forms of the registry pages and the calculator (server-side; writes go through services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core import bounds
from anjian.core.forms import Form, ModelForm
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.enterprises.fields import region_industry_fields
from anjian.enterprises.models import Enterprise

from .choices import MajorGrade, PersonRole, SourceState, UnitKind
from .filters import MajorHazardSourceFilter
from .models import MajorHazardSource, ResponsiblePerson, SourceSubstance


class RegistryFilter(MajorHazardSourceFilter):
    """The registry page's filters (the API's, with page widgets): the same region and industry
    pickers as the enterprise list and the hazard ledger, limited to the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        form = self.form
        region_industry_fields(form.fields, user)
        if scope_of(user).kind == ENTERPRISE_SCOPE:
            form.fields["region"].widget = forms.HiddenInput()
            form.fields["industry"].widget = forms.HiddenInput()
        form.fields["grade"].widget = forms.CheckboxSelectMultiple(choices=MajorGrade.choices)
        form.fields["is_major"].widget = forms.Select(choices=[("", pgettext_lazy("major hazard", "All")), ("true", _("Major (S ≥ 1)")),
                                                               ("false", _("Not major (S < 1)"))])
        form.fields["enterprise"].widget = forms.HiddenInput()
        form.fields["unit_kind"].choices = [("", _("All unit kinds")), *UnitKind.choices]
        form.fields["state"].choices = [("", _("All states")), *SourceState.choices]
        form.fields = {"q": form.fields.pop("q"), **form.fields}


class SourceForm(ModelForm):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=pgettext_lazy("major hazard", "Enterprise"))

    wide_fields = ("description",)

    class Meta:
        model = MajorHazardSource
        fields = ["enterprise", "name", "unit_kind", "address", "longitude", "latitude", "population_500m",
                  "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).filter(is_voided=False).order_by("name")
        own = self.fields["enterprise"].queryset[:2]
        if len(own) == 1:  # an enterprise user: their own enterprise, nothing to choose
            self.fields["enterprise"].initial = own[0].pk
        if self.instance.pk:
            del self.fields["enterprise"]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "enterprise"}


class SubstanceForm(ModelForm):
    class Meta:
        model = SourceSubstance
        fields = ["name", "cas", "hazard_class", "quantity_t"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Found in Table 1 by CAS number, else by name or alias.")
        self.fields["hazard_class"].help_text = _("Table 2 symbol (e.g. W5.3) for a chemical not in Table 1; "
                                                  "for a Table 1 chemical it only sets β.")


class PersonForm(ModelForm):
    class Meta:
        model = ResponsiblePerson
        fields = ["role", "name", "position", "phone", "appointed_on"]
        widgets = {"appointed_on": forms.DateInput(attrs={"type": "date"})}


class CheckForm(Form):
    role = forms.ChoiceField(choices=PersonRole.choices, label=pgettext_lazy("major hazard", "Role"))
    checked_on = forms.DateField(label=pgettext_lazy("major hazard", "Checked on"), widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(label=pgettext_lazy("major hazard", "Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(Form):
    to_state = forms.ChoiceField(choices=SourceState.choices)
    comment = forms.CharField(required=False, max_length=500)
    # The version of the source the page showed: a change made meanwhile is refused (409).
    version = forms.IntegerField(required=False, min_value=1)


class VoidForm(Form):
    reason = forms.CharField(label=pgettext_lazy("major hazard", "Reason"), max_length=bounds.REASON_MAX)


class CalculatorForm(Form):
    population_500m = forms.IntegerField(label=_("Residents within 500 m"), min_value=0, initial=0,
                                         help_text=_("Resident population within 500 m outside the plant boundary."))


class CalculatorRowForm(Form):
    name = forms.CharField(label=pgettext_lazy("major hazard", "Name"), required=False, max_length=120)
    cas = forms.CharField(label=pgettext_lazy("major hazard", "CAS number"), required=False, max_length=20)
    hazard_class = forms.CharField(label=_("Hazard class (Table 2)"), required=False, max_length=60)
    quantity_t = forms.DecimalField(label=pgettext_lazy("major hazard", "Quantity (t)"), required=False, min_value=0, max_digits=14,
                                    decimal_places=4)

    def as_substance(self) -> dict | None:
        data = self.cleaned_data
        if not any(data.get(k) not in (None, "") for k in ("name", "cas", "hazard_class", "quantity_t")):
            return None
        return {"name": data.get("name", ""), "cas": data.get("cas", ""), "hazard_class": data.get("hazard_class", ""),
                "quantity_t": data.get("quantity_t")}


CalculatorRows = forms.formset_factory(CalculatorRowForm, extra=6, max_num=50)

"""Forms of the risk pages: the list filters, a risk point, an assessment (LEC/LS dropdowns
showing each value's meaning), a control measure and voiding."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core import bounds
from anjian.core.forms import Form, ModelForm
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.enterprises.fields import region_industry_fields
from anjian.enterprises.models import Enterprise
from anjian.standards.models import HazardFactorClass
from anjian.standards.selectors import accident_types_for

from . import evaluation
from .choices import METHOD_FACTORS, Method, PointKind
from .filters import LEVEL_FILTER_CHOICES, RiskPointFilter
from .models import ControlMeasure, RiskPoint, RiskProfile

ENTERPRISE_CHOICES = 300


class RiskPointPageFilter(RiskPointFilter):
    """The list page's filters: the API's, with widgets for a page — the same region and
    industry pickers as the enterprise list and the hazard ledger (codes in the user's scope,
    so one query string drives the page, the API and the export)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        form = self.form
        region_industry_fields(form.fields, user)
        if scope_of(user).kind == ENTERPRISE_SCOPE:
            # One enterprise: its own region and industry, nothing to choose.
            for name in ("region", "industry", "enterprise"):
                form.fields[name].widget = forms.HiddenInput()
        form.fields["level"].widget = forms.CheckboxSelectMultiple(choices=LEVEL_FILTER_CHOICES)
        # A dropdown of the enterprises in scope while it stays usable; beyond that the search
        # box (which matches enterprise names) does the job and links still pass ?enterprise=.
        if not isinstance(form.fields["enterprise"].widget, forms.HiddenInput):
            ents = list(Enterprise.objects.for_user(user).order_by("name")
                        .values_list("pk", "name")[:ENTERPRISE_CHOICES + 1])
            if len(ents) <= ENTERPRISE_CHOICES:
                form.fields["enterprise"].widget = forms.Select(choices=[("", _("All enterprises")), *ents])
            else:
                form.fields["enterprise"].widget = forms.HiddenInput()
        form.fields["kind"].choices = [("", _("All kinds")), *PointKind.choices]
        # The search box first, as on the other lists.
        form.fields = {"q": form.fields.pop("q"), **form.fields}


class RiskPointForm(ModelForm):
    """A risk point; ``enterprise`` is offered from the user's jurisdiction (fixed for
    enterprise users)."""

    wide_fields = ("hazard_factors", "accident_types", "emergency_measures", "description")

    class Meta:
        model = RiskPoint
        fields = ["enterprise", "name", "kind", "department", "location", "longitude", "latitude", "hazard_factors",
                  "accident_types", "responsible_name", "responsible_phone", "emergency_measures", "description"]
        widgets = {"hazard_factors": forms.CheckboxSelectMultiple, "accident_types": forms.CheckboxSelectMultiple,
                   "emergency_measures": forms.Textarea(attrs={"rows": 3}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ents = Enterprise.objects.for_user(user).order_by("name")
        self.fields["enterprise"].queryset = ents
        if self.instance.pk:
            self.fields["enterprise"].disabled = True
        self.fields["hazard_factors"].queryset = HazardFactorClass.objects.filter(is_active=True,
                                                                                  parent__isnull=False)
        self.fields["accident_types"].queryset = accident_types_for(timezone.localdate())
        self.fields["accident_types"].help_text = _("The list in force today (GB 6441-2025 from 2026-07-01).")

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("enterprise", None)
        return d


def _value_choices(method: str, factor: str) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(evaluation.format_number(v)), f"{evaluation.format_number(v)} — {meaning}")
                          for v, meaning in evaluation.allowed_values(method, factor).items()]


class AssessForm(Form):
    """LEC (L, E, C) or LS (L, S) with a profile (the method's default when left empty)."""

    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, widget=forms.RadioSelect,
                               initial=Method.LEC)
    lec_l = forms.ChoiceField(label=_("L — likelihood"), required=False)
    lec_e = forms.ChoiceField(label=_("E — exposure"), required=False)
    lec_c = forms.ChoiceField(label=_("C — consequence"), required=False)
    ls_l = forms.ChoiceField(label=_("L — likelihood"), required=False)
    ls_s = forms.ChoiceField(label=_("S — severity"), required=False)
    profile = forms.ChoiceField(label=_("Profile"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for method, factors in METHOD_FACTORS.items():
            for factor in factors:
                self.fields[f"{method}_{factor}"].choices = _value_choices(method, factor)
        profiles = RiskProfile.objects.filter(is_active=True).order_by("method", "sort")
        self.fields["profile"].choices = [("", _("The method's default"))] + [
            (p.code, f"{p.name}{' ★' if p.is_default else ''}") for p in profiles]

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method:
            errors = {}
            for factor in METHOD_FACTORS[method]:
                if not data.get(f"{method}_{factor}"):
                    errors[f"{method}_{factor}"] = _("Choose a value.")
            if errors:
                raise forms.ValidationError(errors)
        return data

    def inputs(self) -> dict:
        method = self.cleaned_data["method"]
        return {f: self.cleaned_data[f"{method}_{f}"] for f in METHOD_FACTORS[method]}


class MeasureForm(ModelForm):
    wide_fields = ("content",)

    class Meta:
        model = ControlMeasure
        fields = ["content", "control_level", "measure_type", "owner_name", "is_active"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}


class VoidForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=bounds.REASON_MAX)

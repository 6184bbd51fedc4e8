"""Forms of the occupational-health pages (server-side; writes go through the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core import bounds
from anjian.core.forms import DateInput, Form, ModelForm
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.enterprises.fields import region_industry_fields
from anjian.enterprises.models import Enterprise

from .filters import (
    DeclarationFilter,
    DetectionFilter,
    ExaminationFilter,
    ExposureFilter,
    ProtectionFilter,
    TrainingFilter,
)
from .models import (
    Declaration,
    Detection,
    DetectionResult,
    Examination,
    Exposure,
    HazardFactor,
    ProtectiveIssue,
    Training,
)


def _shape(filterset, user) -> None:
    """The list pages' filter bars: the region and industry pickers of the user's jurisdiction
    (hidden for an enterprise user), the enterprise key hidden, "all" as every empty choice."""
    form = filterset.form
    region_industry_fields(form.fields, user)
    if scope_of(user).kind == ENTERPRISE_SCOPE:
        form.fields["region"].widget = forms.HiddenInput()
        form.fields["industry"].widget = forms.HiddenInput()
    form.fields["enterprise"].widget = forms.HiddenInput()
    for field in form.fields.values():
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            field.choices = [("", pgettext_lazy("occupational", "All")), *[c for c in field.choices if c[0] != ""]]
    form.fields = {"q": form.fields.pop("q"), **form.fields}


def _list_filter(base):
    class ListFilter(base):
        def __init__(self, *args, user, **kwargs):
            super().__init__(*args, **kwargs)
            _shape(self, user)

    ListFilter.__name__ = f"{base.__name__}List"
    return ListFilter


ExposureListFilter = _list_filter(ExposureFilter)
DeclarationListFilter = _list_filter(DeclarationFilter)
DetectionListFilter = _list_filter(DetectionFilter)
ExaminationListFilter = _list_filter(ExaminationFilter)
TrainingListFilter = _list_filter(TrainingFilter)
ProtectionListFilter = _list_filter(ProtectionFilter)


class _EnterpriseForm(ModelForm):
    """A record of an enterprise the user may see; an enterprise user's own, with nothing to choose."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(),
                                        label=pgettext_lazy("occupational", "Enterprise"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).filter(is_voided=False).order_by("name")
        own = list(self.fields["enterprise"].queryset[:2])
        if len(own) == 1:
            self.fields["enterprise"].initial = own[0].pk
        if self.instance.pk:
            del self.fields["enterprise"]
        if "factor" in self.fields:
            self.fields["factor"].queryset = HazardFactor.objects.filter(is_active=True).order_by("sort", "code")

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("enterprise", "version")}


def _dates(*names):
    return {n: DateInput() for n in names}


class ExposureForm(_EnterpriseForm):
    class Meta:
        model = Exposure
        fields = ["enterprise", "workplace", "post", "factor", "exposed_workers", "note"]


class DeclarationForm(_EnterpriseForm):
    wide_fields = ("content",)

    class Meta:
        model = Declaration
        fields = ["enterprise", "kind", "change_reason", "hazard_level", "declared_on", "principal", "exposed_workers",
                  "content"]
        widgets = {**_dates("declared_on"), "content": forms.Textarea(attrs={"rows": 4})}


class DetectionForm(_EnterpriseForm):
    wide_fields = ("conclusion",)

    class Meta:
        model = Detection
        fields = ["enterprise", "kind", "performed_on", "service_body", "qualification", "report_number", "conclusion"]
        widgets = {**_dates("performed_on"), "conclusion": forms.Textarea(attrs={"rows": 3})}


class ResultForm(ModelForm):
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    class Meta:
        model = DetectionResult
        fields = ["point", "factor", "measured", "limit", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].queryset = HazardFactor.objects.filter(is_active=True).order_by("sort", "code")


class ExaminationForm(_EnterpriseForm):
    class Meta:
        model = Examination
        fields = ["enterprise", "worker", "id_number", "post", "factors", "kind", "examined_on", "institution",
                  "result", "follow_up"]
        widgets = _dates("examined_on")


class TrainingForm(_EnterpriseForm):
    class Meta:
        model = Training
        fields = ["enterprise", "role", "topic", "trained_on", "hours", "trainees", "provider"]
        widgets = _dates("trained_on")


class ProtectionForm(_EnterpriseForm):
    class Meta:
        model = ProtectiveIssue
        fields = ["enterprise", "item", "post", "quantity", "issued_on", "recipients"]
        widgets = _dates("issued_on")


class StepForm(Form):
    """One step on a record: its action, what it needs (a reason, a receipt number, the follow-up),
    the version the user saw."""

    action = forms.ChoiceField(choices=[])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=bounds.REASON_MAX)
    receipt_number = forms.CharField(label=_("receipt number"), required=False, max_length=60)
    follow_up = forms.CharField(label=_("follow-up"), required=False, max_length=300)
    result = forms.IntegerField(required=False, min_value=1, max_value=bounds.KEY_MAX, widget=forms.HiddenInput())
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def __init__(self, *args, actions: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(actions)

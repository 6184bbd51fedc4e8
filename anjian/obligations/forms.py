"""Forms of the obligations pages (server-side; writes go through the services)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core import bounds
from anjian.core.forms import DateInput, Form, ModelForm, MultipleFileField
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.enterprises.fields import region_industry_fields
from anjian.enterprises.models import Enterprise

from .choices import OperationType
from .filters import (
    CertificateFilter,
    CommitmentFilter,
    KeyPersonFilter,
    LicenceFilter,
    OrganisationFilter,
    StandardisationFilter,
)
from .models import (
    Commitment,
    KeyPerson,
    Licence,
    LicenceKind,
    PersonCertificate,
    SafetyOrganisation,
    Standardisation,
)


def _shape_filter(filterset, user, selects: dict) -> None:
    """The list pages' filter bars: the region and industry pickers of the user's jurisdiction
    (hidden for an enterprise user), the enterprise key hidden, "all …" as the empty choice."""
    form = filterset.form
    region_industry_fields(form.fields, user)
    if scope_of(user).kind == ENTERPRISE_SCOPE:
        form.fields["region"].widget = forms.HiddenInput()
        form.fields["industry"].widget = forms.HiddenInput()
    form.fields["enterprise"].widget = forms.HiddenInput()
    yes_no = [("", pgettext_lazy("obligations", "All")), ("true", _("Yes")), ("false", _("No"))]
    for name in ("verified", "certified", "has_body", "has_director"):
        if name in form.fields:
            form.fields[name].widget = forms.Select(choices=yes_no)
    for name, empty in selects.items():
        field = form.fields[name]
        if hasattr(field, "empty_label"):  # django-filter's ChoiceField puts its own empty choice first
            field.empty_label = empty
        field.choices = [("", empty), *[c for c in field.choices if c[0] != ""]]
    if "q" in form.fields:
        form.fields = {"q": form.fields.pop("q"), **form.fields}


class LicenceListFilter(LicenceFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["kind"].empty_label = _("All kinds")
        _shape_filter(self, user, {"state": _("All states"), "validity": _("Any validity")})


class KeyPersonListFilter(KeyPersonFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _shape_filter(self, user, {"role": _("All roles"), "operation_type": _("All operation types"),
                                   "state": _("All states")})


class CertificateListFilter(CertificateFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _shape_filter(self, user, {"kind": _("All kinds"), "state": _("All states")})


class _EnterpriseForm(ModelForm):
    """A record of an enterprise the user may see; an enterprise user's own, with nothing to choose."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(),
                                        label=pgettext_lazy("obligations", "Enterprise"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).filter(is_voided=False).order_by("name")
        own = list(self.fields["enterprise"].queryset[:2])
        if len(own) == 1:
            self.fields["enterprise"].initial = own[0].pk
        if self.instance.pk:
            del self.fields["enterprise"]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("enterprise", "version")}


class LicenceForm(_EnterpriseForm):
    wide_fields = ("scope", "note")

    class Meta:
        model = Licence
        fields = ["enterprise", "kind", "number", "issuer", "issued_on", "valid_from", "valid_until", "scope", "note"]
        widgets = {"issued_on": DateInput(), "valid_from": DateInput(), "valid_until": DateInput(),
                   "scope": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = LicenceKind.objects.filter(is_active=True).order_by("sort", "code")


class KeyPersonForm(_EnterpriseForm):
    class Meta:
        model = KeyPerson
        fields = ["enterprise", "name", "role", "operation_type", "id_number", "position", "phone", "appointed_on"]
        widgets = {"appointed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation_type"].choices = [("", _("— (not a special operator)")), *OperationType.choices]


class CertificateForm(ModelForm):
    class Meta:
        model = PersonCertificate
        fields = ["number", "issuer", "issued_on", "valid_until", "operation_type"]
        widgets = {"issued_on": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, person: KeyPerson | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        person = person or getattr(self.instance, "person", None)
        if person is None or not person.operation_type:
            del self.fields["operation_type"]
        else:
            self.fields["operation_type"].initial = person.operation_type
            self.fields["operation_type"].required = True


class StepForm(Form):
    """One step on a record: its action, the reason where it needs one, the version the user saw."""

    action = forms.ChoiceField(choices=[])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=bounds.REASON_MAX)
    left_on = forms.DateField(label=_("left on"), required=False, widget=DateInput())
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def __init__(self, *args, actions: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(actions)



class StandardisationListFilter(StandardisationFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _shape_filter(self, user, {"grade": _("All grades"), "state": _("All states"), "validity": _("Any validity")})


class OrganisationListFilter(OrganisationFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _shape_filter(self, user, {})


class CommitmentListFilter(CommitmentFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _shape_filter(self, user, {"period": _("All periods")})


class StandardisationForm(_EnterpriseForm):
    class Meta:
        model = Standardisation
        fields = ["enterprise", "grade", "number", "issuer", "issued_on", "valid_until", "review_years", "note"]
        widgets = {"issued_on": DateInput(), "valid_until": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}


class OrganisationForm(_EnterpriseForm):
    class Meta:
        model = SafetyOrganisation
        fields = ["enterprise", "has_body", "body_name", "full_time_staff", "part_time_staff", "director_name",
                  "director_phone", "director_appointed_on", "note"]
        widgets = {"director_appointed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}


class CommitmentForm(_EnterpriseForm):
    files = MultipleFileField(label=_("Signed commitment (scan or PDF)"))

    class Meta:
        model = Commitment
        fields = ["enterprise", "year", "period", "title", "signed_by", "signed_on", "note"]
        widgets = {"signed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["files"].required = True

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("enterprise", "version", "files")}


class SpotCheckForm(Form):
    """Draw a spot check: the region (of the user's jurisdiction), the year, the share (empty: the
    reference value) and, optionally, a seed."""

    region = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("spot check", "Region"))
    year = forms.IntegerField(label=pgettext_lazy("spot check", "Year"), min_value=2000, max_value=2100)
    share = forms.DecimalField(label=_("Share to draw (%)"), required=False, min_value=Decimal("0.01"), max_value=Decimal("100"),
                               max_digits=5, decimal_places=2, help_text=_("Empty: the reference value."))
    seed = forms.CharField(label=_("Seed"), required=False, max_length=64,
                           help_text=_("Empty: a random seed, stored with the draw."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from anjian.regions.models import Region

        self.fields["region"].queryset = Region.objects.for_user(user).order_by("path")


class SpotResultForm(Form):
    passed = forms.TypedChoiceField(choices=[("1", pgettext_lazy("spot check", "Passed")), ("0", _("Failed: propose withdrawal"))],
                                    coerce=lambda v: v == "1", label=pgettext_lazy("spot check", "Result"))
    note = forms.CharField(label=_("Finding"), required=False, max_length=bounds.REASON_MAX)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

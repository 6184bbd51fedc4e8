"""Forms of the enforcement pages. They collect and check input; the services decide (a service's
ValidationError is shown next to the field it names, ``core.forms.add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import DateInput
from anjian.core.scoping import users_visible_to
from anjian.enterprises.fields import industry_label, region_industry_fields
from anjian.enterprises.models import Enterprise, Industry
from anjian.orgs.choices import REGULATOR_ROLES, Role
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

from .choices import ConflictKind
from .filters import CertificateFilter, ConflictFilter, ExpertFilter
from .models import ConflictDeclaration, EnforcementCertificate, Expert


def enterprise_field(user, **kwargs) -> forms.ModelChoiceField:
    """The enterprises of the user's jurisdiction (voided ones left out)."""
    kwargs.setdefault("label", pgettext_lazy("enforcement", "Enterprise"))
    return forms.ModelChoiceField(queryset=Enterprise.objects.for_user(user).order_by("name"), **kwargs)


def officers_of(user):
    """The officers the user may name (regulator and industry-department officers in scope)."""
    return users_visible_to(user).filter(role__in=sorted(REGULATOR_ROLES), is_active=True).order_by("name", "username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name or obj.username


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name or obj.username


class IndustryMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return industry_label(obj)


class PoolRegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def pool_regions(user):
    """Regions a pool or a plan can belong to: province, city or county in the user's jurisdiction."""
    return Region.objects.for_user(user).filter(
        level__in=[RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY]).order_by("path")


# --- step forms -------------------------------------------------------------------------------

class VersionedForm(forms.Form):
    """A step on a record: the version the page showed (a stale one is refused, 409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, record=None, user=None, **kwargs):
        self.record, self.user = record, user
        super().__init__(*args, **kwargs)
        if record is not None and not self.is_bound:
            self.fields["version"].initial = getattr(record, "version", None)


class ConfirmForm(VersionedForm):
    """A step that needs nothing but a click."""


class CommentForm(VersionedForm):
    comment = forms.CharField(label=pgettext_lazy("enforcement", "Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("comment",)


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=pgettext_lazy("enforcement", "Reason"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("reason",)


class UnavailableForm(ReasonForm):
    until = forms.DateField(label=_("Unavailable until"), required=False, widget=DateInput,
                            help_text=_("Empty: until marked available again."))


# --- expert pool --------------------------------------------------------------------------------

class ExpertForm(forms.ModelForm):
    fields_of_expertise = IndustryMultipleChoiceField(queryset=Industry.objects.order_by("code"), required=False,
                                                      label=_("Fields of expertise"),
                                                      widget=forms.SelectMultiple(attrs={"size": 6}))
    wide_fields = ("qualifications", "note")

    class Meta:
        model = Expert
        fields = ["name", "title", "region", "employer_name", "employer", "specialties", "qualifications", "phone",
                  "user", "note"]
        widgets = {"qualifications": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = PoolRegionField(queryset=pool_regions(user), label=_("Pool region"))
        self.fields["employer"] = enterprise_field(user, required=False, label=_("Employer (registered enterprise)"),
                                                   help_text=_("An expert is never drawn to inspect their employer."))
        self.fields["user"] = UserChoiceField(queryset=users_visible_to(user).filter(role=Role.EXPERT, is_active=True),
                                              required=False, label=_("Log-in account"))
        if self.instance.pk:
            del self.fields["region"]
            self.fields["fields_of_expertise"].initial = list(self.instance.fields.values_list("pk", flat=True))
        order = ["name", "title", "region", "fields_of_expertise"]
        self.order_fields(order)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "fields_of_expertise"}


class ExpertListFilter(ExpertFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        region_industry_fields(self.form.fields, user)
        choices = [("", _("All fields"))] + [(i.code, industry_label(i)) for i in Industry.objects.order_by("code")]
        self.form.fields["field"] = forms.ChoiceField(label=_("Field of expertise"), required=False, choices=choices)
        self.form.fields["state"].choices = [("", _("All states")), *self.form.fields["state"].choices[1:]]


# --- certificates and conflicts --------------------------------------------------------------------

class CertificateForm(forms.ModelForm):
    class Meta:
        model = EnforcementCertificate
        fields = ["officer", "number", "issuer", "issued_on", "valid_until"]
        widgets = {"issued_on": DateInput, "valid_until": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"] = UserChoiceField(queryset=officers_of(user), label=_("Officer"))


class CertificateListFilter(CertificateFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        region_industry_fields(self.form.fields, user)
        self.form.fields["officer"].widget = forms.HiddenInput()
        self.form.fields["state"].choices = [("", _("All states")), *self.form.fields["state"].choices[1:]]


class ConflictForm(forms.ModelForm):
    wide_fields = ("reason",)

    class Meta:
        model = ConflictDeclaration
        fields = ["officer", "expert", "enterprise", "kind", "reason", "valid_until"]
        widgets = {"valid_until": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = enterprise_field(user)
        self.fields["officer"] = UserChoiceField(queryset=officers_of(user), required=False, label=_("Officer"),
                                                 help_text=_("Empty: yourself (unless an expert is chosen)."))
        self.fields["expert"] = forms.ModelChoiceField(queryset=Expert.objects.for_user(user).order_by("name"),
                                                       required=False, label=_("Expert"))
        self.fields["kind"].choices = ConflictKind.choices

    def clean(self):
        data = super().clean()
        if data.get("officer") and data.get("expert"):
            self.add_error("expert", _("A declaration is about an officer or an expert, not both."))
        return data


class ConflictListFilter(ConflictFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        region_industry_fields(self.form.fields, user)
        for name in ("enterprise", "officer", "expert"):
            self.form.fields[name].widget = forms.HiddenInput()

"""Forms of the enforcement pages. They collect and check input; the services decide (a service's
ValidationError is shown next to the field it names, ``core.forms.add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import DateInput, Form, ModelForm
from anjian.core.scoping import users_visible_to
from anjian.enterprises.fields import industry_label, region_industry_fields
from anjian.enterprises.models import Enterprise, Industry
from anjian.orgs.choices import REGULATOR_ROLES, Role
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

from .choices import ConflictKind
from .filters import CertificateFilter, ConflictFilter, ExpertFilter
from .models import ConflictDeclaration, EnforcementCertificate, EnforcementPlan, Expert


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

class VersionedForm(Form):
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

class ExpertForm(ModelForm):
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

class CertificateForm(ModelForm):
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


class ConflictForm(ModelForm):
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


# --- plans ---------------------------------------------------------------------------------------

class DepartmentField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.region.name} · {obj.name}"


def departments_of(user):
    from anjian.orgs.models import Department

    return Department.objects.for_user(user).select_related("region").order_by("region__path", "name")


class PlanForm(ModelForm):
    wide_fields = ("note",)

    class Meta:
        model = EnforcementPlan
        fields = ["department", "year", "title", "random_share", "coverage_target", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentField(queryset=departments_of(user),
                                                    label=pgettext_lazy("enforcement", "Department"))
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: named after the department and the year.")
        if self.instance.pk:
            del self.fields["department"]
            del self.fields["year"]
        elif not self.is_bound:
            from django.utils import timezone

            self.fields["year"].initial = timezone.localdate().year
            own = getattr(user, "department_id", None)
            if own:
                self.fields["department"].initial = own


class AddEnterprisesForm(VersionedForm):
    """Which enterprises of the department's region to add: the enterprise list's filters."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    tag = forms.ChoiceField(label=_("Feature tag"), required=False)
    risk_level = forms.MultipleChoiceField(label=_("Risk level"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    high_risk = forms.BooleanField(label=_("High-risk enterprises only"), required=False)
    is_key = forms.BooleanField(label=_("As key enterprises (重点监管)"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from anjian.enterprises.models import FeatureTag
        from anjian.risks.choices import RiskLevel

        region_industry_fields(self.fields, self.user)
        self.fields["tag"].choices = [("", _("Any tag"))] + list(
            FeatureTag.objects.filter(is_active=True).order_by("sort", "code").values_list("code", "name"))
        self.fields["risk_level"].choices = [*RiskLevel.choices, ("ungraded", _("Not graded yet"))]

    def enterprises(self, user):
        """The enterprises these filters pick (the service narrows them to the jurisdiction)."""
        from anjian.core.filters import in_industry, in_region

        data = self.cleaned_data
        qs = Enterprise.objects.for_user(user)
        if data.get("region"):
            qs = in_region(qs, data["region"])
        if data.get("industry"):
            qs = in_industry(qs, data["industry"])
        if data.get("tag"):
            qs = qs.filter(tag_links__tag__code=data["tag"])
        if data.get("high_risk"):
            qs = qs.filter(high_risk=True)
        levels = data.get("risk_level") or []
        if levels:
            graded = [lv for lv in levels if lv != "ungraded"]
            cond = Q(risk_grade__level__in=graded) if graded else Q(pk__in=[])
            if "ungraded" in levels:
                cond |= Q(risk_grade__isnull=True) | Q(risk_grade__level="")
            qs = qs.filter(cond)
        return qs


class SetVisitsForm(VersionedForm):
    planned_visits = forms.IntegerField(label=_("Planned visits"), min_value=0, max_value=366)
    is_key = forms.BooleanField(label=_("Key enterprise"), required=False)
    reason = forms.CharField(label=pgettext_lazy("enforcement", "Reason"), max_length=200, required=False,
                             help_text=_("Needed when the visits differ from the computed ones."))


class PlanListFilter(Form):
    year = forms.IntegerField(label=pgettext_lazy("plan", "Year"), required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(label=pgettext_lazy("plan", "State"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import PlanState

        self.fields["state"].choices = [("", _("All states")), *PlanState.choices]


class PlanEntryFilter(Form):
    q = forms.CharField(label=_("Enterprise name"), required=False)
    key = forms.ChoiceField(label=_("Key enterprise"), required=False,
                            choices=[("", _("All")), ("true", _("Key enterprises")), ("false", _("Others"))])
    behind = forms.BooleanField(label=_("Behind schedule only"), required=False)


# --- draws ---------------------------------------------------------------------------------------

class DrawForm(Form):
    """A new random draw: the department, the pool's filters, how many and whom to draw."""

    department = DepartmentField(queryset=EnforcementPlan.objects.none(),
                                 label=pgettext_lazy("enforcement", "Department"))
    title = forms.CharField(label=pgettext_lazy("draw", "Title"), max_length=200, required=False,
                            help_text=_("Empty: named after the department and the day."))
    plan = forms.ModelChoiceField(queryset=EnforcementPlan.objects.none(), required=False,
                                  label=_("From the plan's enterprises"))
    key_only = forms.BooleanField(label=_("Key enterprises of the plan only"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    tag = forms.ChoiceField(label=_("Feature tag"), required=False)
    risk_level = forms.MultipleChoiceField(label=_("Risk level"), required=False, widget=forms.CheckboxSelectMultiple)
    high_risk = forms.BooleanField(label=_("High-risk enterprises only"), required=False)
    not_inspected_since = forms.DateField(label=_("Not inspected since"), required=False, widget=DateInput,
                                          help_text=_("Leave out enterprises with a government inspection on or "
                                                      "after this day."))
    n_enterprises = forms.IntegerField(label=_("Enterprises to draw"), min_value=1, max_value=100_000)
    officers_per_enterprise = forms.IntegerField(label=_("Officers per enterprise"), min_value=1, max_value=10,
                                                 initial=2)
    experts_per_enterprise = forms.IntegerField(label=_("Experts per enterprise"), min_value=0, max_value=5,
                                                initial=0)
    max_per_officer = forms.IntegerField(label=_("At most enterprises per officer"), min_value=1, required=False)
    officers_from_department = forms.BooleanField(label=_("Officers of this department only"), required=False,
                                                  initial=True)
    inspect_from = forms.DateField(label=_("Inspections from"), required=False, widget=DateInput)
    inspect_to = forms.DateField(label=_("Inspections until"), required=False, widget=DateInput)
    seed = forms.CharField(label=_("Seed"), max_length=64, required=False,
                           help_text=_("Empty: a random seed. A seed drawn in public (e.g. a lottery number) may be "
                                       "entered; the same seed and pool always give the same draw."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from anjian.enterprises.models import FeatureTag
        from anjian.risks.choices import RiskLevel

        self.fields["department"].queryset = departments_of(user)
        own = getattr(user, "department_id", None)
        if own and not self.is_bound:
            self.fields["department"].initial = own
        self.fields["plan"].queryset = EnforcementPlan.objects.for_user(user).order_by("-year", "title")
        region_industry_fields(self.fields, user)
        self.fields["tag"].choices = [("", _("Any tag"))] + list(
            FeatureTag.objects.filter(is_active=True).order_by("sort", "code").values_list("code", "name"))
        self.fields["risk_level"].choices = [*RiskLevel.choices, ("ungraded", _("Not graded yet"))]

    DATA = ("title", "plan", "n_enterprises", "officers_per_enterprise", "experts_per_enterprise", "max_per_officer",
            "inspect_from", "inspect_to")
    CRITERIA = ("region", "industry", "tag", "risk_level", "high_risk", "not_inspected_since", "plan", "key_only",
                "officers_from_department")

    def split(self) -> tuple[dict, dict]:
        data = {k: self.cleaned_data[k] for k in self.DATA}
        criteria = {k: self.cleaned_data[k] for k in self.CRITERIA}
        return data, criteria


class RedrawForm(ReasonForm):
    seed = forms.CharField(label=_("Seed"), max_length=64, required=False,
                           help_text=_("Empty: a new random seed."))

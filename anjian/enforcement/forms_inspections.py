"""Forms of the enforcement inspection pages: prepare an inspection, the steps' small forms, the
leader rotation. They collect and check input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import DateInput, Form, ModelForm
from anjian.enterprises.fields import region_industry_fields
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

from .choices import InspectionMode, MeasureKind
from .filters_inspections import InspectionFilter
from .forms import (
    DepartmentField,
    PoolRegionField,
    UserChoiceField,
    UserMultipleChoiceField,
    VersionedForm,
    departments_of,
    enterprise_field,
    officers_of,
)
from .models import CompulsoryMeasure, Expert, LeaderRotation


class InspectionForm(Form):
    """Prepare an inspection (the enterprise comes from the plan or draw entry when one is given)."""

    department = DepartmentField(queryset=None, label=pgettext_lazy("enforcement", "Department"))
    kind = forms.ChoiceField(choices=InspectionMode.choices, label=pgettext_lazy("enforcement inspection", "Kind"))
    enterprise = forms.ModelChoiceField(queryset=None, required=False)
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput)
    checklist = forms.ModelChoiceField(queryset=None, required=False, label=_("Checklist"),
                                       help_text=_("The standard items walked on site; empty: items added by hand."))
    location = forms.CharField(label=pgettext_lazy("enforcement inspection", "Place inspected"), max_length=200,
                               required=False)
    officers = UserMultipleChoiceField(queryset=None, required=False, label=_("Inspection team"),
                                       help_text=_("Empty: yourself (for a random inspection: the officers drawn)."),
                                       widget=forms.SelectMultiple(attrs={"size": 5}))
    leader_name = forms.CharField(label=_("Leading official"), max_length=50, required=False,
                                  help_text=_("A night or surprise check: empty takes the month's rotation."))
    experts = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("Experts"),
                                             widget=forms.SelectMultiple(attrs={"size": 4}))
    joint_departments = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                       label=_("Departments taking part"),
                                                       widget=forms.SelectMultiple(attrs={"size": 4}))

    def __init__(self, *args, user, enterprise=None, fixed_kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from anjian.inspections.selectors import checklist_queryset

        self.fields["department"].queryset = departments_of(user)
        self.fields["enterprise"] = enterprise_field(user, required=enterprise is None)
        self.fields["checklist"].queryset = checklist_queryset(enterprise)
        self.fields["officers"].queryset = officers_of(user)
        self.fields["experts"].queryset = Expert.objects.for_user(user).order_by("name")
        self.fields["joint_departments"].queryset = departments_of(user)
        self.fields["joint_departments"].label_from_instance = lambda d: f"{d.region.name} · {d.name}"
        if enterprise is not None:
            del self.fields["enterprise"]
        if fixed_kind:
            self.fields["kind"].choices = [(fixed_kind, InspectionMode(fixed_kind).label)]
        if not self.is_bound:
            self.fields["planned_on"].initial = timezone.localdate()
            if getattr(user, "department_id", None):
                self.fields["department"].initial = user.department_id
            self.fields["kind"].initial = fixed_kind or InspectionMode.UNANNOUNCED


class InspectionEditForm(VersionedForm):
    location = forms.CharField(label=pgettext_lazy("enforcement inspection", "Place inspected"), max_length=200,
                               required=False)
    planned_on = forms.DateField(label=_("Planned for"), widget=DateInput)
    leader_name = forms.CharField(label=_("Leading official"), max_length=50, required=False)
    enterprise_rep_name = forms.CharField(label=_("Enterprise representative"), max_length=50, required=False)
    enterprise_rep_title = forms.CharField(label=_("Representative's post"), max_length=50, required=False)
    summary = forms.CharField(label=pgettext_lazy("enforcement inspection", "Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("summary",)

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        if record is not None and not self.is_bound:
            for name in ("location", "planned_on", "leader_name", "enterprise_rep_name", "enterprise_rep_title",
                         "summary"):
                self.fields[name].initial = getattr(record, name)


class SignForm(VersionedForm):
    summary = forms.CharField(label=_("Conclusion of the inspection"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("summary",)

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        if record is not None and not self.is_bound:
            self.fields["summary"].initial = record.summary


class RecheckForm(VersionedForm):
    passed = forms.TypedChoiceField(label=_("Result of the re-check"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Passed")), ("0", _("Not passed"))], widget=forms.RadioSelect)
    opinion = forms.CharField(label=pgettext_lazy("enforcement inspection", "Re-check opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    new_deadline = forms.DateField(label=pgettext_lazy("enforcement inspection", "New deadline"), required=False, widget=DateInput,
                                   help_text=_("Only when the re-check did not pass."))
    inspectors = forms.CharField(label=_("Re-checked by"), max_length=100, required=False)
    wide_fields = ("opinion",)


class MeasureForm(VersionedForm):
    kind = forms.ChoiceField(choices=MeasureKind.choices, label=_("Measure"))
    reason = forms.CharField(label=_("Facts and reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    scope = forms.CharField(label=_("Facilities, places or goods concerned"), max_length=4000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label=_("From"), required=False, widget=DateInput)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput,
                              help_text=_("Sealing up or seizure: at most 30 days."))
    approved_by_name = forms.CharField(label=_("Approved by (head of the department)"), max_length=50, required=False,
                                       help_text=_("Required to stop the power supply."))
    wide_fields = ("reason", "scope")


class LiftMeasureForm(VersionedForm):
    measure = forms.ModelChoiceField(queryset=CompulsoryMeasure.objects.none(), label=_("Measure"))
    reason = forms.CharField(label=_("Reason for lifting"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        if record is not None:
            self.fields["measure"].queryset = record.measures.filter(lifted_on__isnull=True)


class InspectionListFilter(InspectionFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        region_industry_fields(self.form.fields, user)
        for name in ("department", "enterprise", "plan_entry", "draw"):
            self.form.fields[name].widget = forms.HiddenInput()
        for name in ("kind", "state", "outcome"):
            self.form.fields[name].choices = [("", _("All")), *self.form.fields[name].choices[1:]]
        self.form.fields["date_from"].widget = DateInput()
        self.form.fields["date_to"].widget = DateInput()


class RotationForm(ModelForm):
    class Meta:
        model = LeaderRotation
        fields = ["month", "region", "leader", "leader_name", "leader_title", "note"]
        widgets = {"month": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = PoolRegionField(
            queryset=Region.objects.for_user(user).filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
            .order_by("path"), label=_("County or township in charge"))
        self.fields["leader"] = UserChoiceField(queryset=officers_of(user), required=False,
                                                label=_("Leader (account)"))
        self.fields["leader_name"].required = False
        self.fields["leader_name"].help_text = _("Empty: the account's name.")

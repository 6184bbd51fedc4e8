"""Forms of the committee office's pages. They only parse input: every rule is checked again by
``anjian.steering.services`` (whose errors are put back next to the fields)."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import YES_NO, DateInput, FilterBarMixin, Form, ModelForm, MultipleFileField
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Department
from anjian.regions.choices import RegionLevel
from anjian.regions.fields import RegionCodeField, region_choices
from anjian.regions.models import Region

from .choices import (
    AssignmentRole,
    CampaignState,
    DutyHolder,
    FindingCategory,
    FindingState,
    LeaderRole,
    PlanKind,
    ReportState,
    SummonsGround,
    SummonsState,
    TaskState,
    TourState,
    UnitKind,
)
from .filters import (
    AssignmentFilter,
    CampaignFilter,
    DutyFilter,
    FindingFilter,
    MonthlyReportFilter,
    PlanFilter,
    SummonsFilter,
    TaskFilter,
    TourFilter,
    UnitFilter,
)
from .models import (
    Campaign,
    Duty,
    LeaderCheck,
    MonthlyReport,
    Plan,
    PlanPhase,
    PlanTask,
    ProgressReport,
    ReportMeeting,
    Summons,
    Tour,
    TourFinding,
    Unit,
)

#: The levels a lower government may have (a city's counties, a county's townships, …).
LOWER_GOVERNMENT_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def committee_choices(user) -> list[tuple[str, str]]:
    """The committees a user may pick: regions of their jurisdiction down to the township (a
    township has its safety committee too, whose units are its villages and stations)."""
    return region_choices(user, deepest=RegionLevel.TOWNSHIP, empty_label=_("Choose the committee"))[1:]


class CommitteeField(forms.ChoiceField):
    """The committee of a new record: the office's own region, fixed; a system administrator picks."""

    def __init__(self, user, **kwargs):
        super().__init__(choices=committee_choices(user), label=_("Committee"), **kwargs)
        own = getattr(user, "scope_region", None)
        if own is not None and not getattr(user, "is_system_admin", False):
            self.initial = own.code
            self.widget = forms.HiddenInput()

    def region(self, code: str) -> Region:
        return Region.objects.get(code=code)


# --- filter bars ----------------------------------------------------------------------------------------

class UnitListFilter(FilterBarMixin, UnitFilter):
    def _shape(self, form) -> None:
        fields = form.fields
        fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name")})
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["kind"] = forms.ChoiceField(label=fields["kind"].label, required=False,
                                           choices=[("", _("All kinds")), *UnitKind.choices])
        fields["files_monthly_report"] = forms.NullBooleanField(
            label=fields["files_monthly_report"].label, required=False, widget=forms.Select(choices=YES_NO))
        fields["committee"].widget = forms.HiddenInput()
        form.fields = {n: fields[n] for n in ("q", "region", "kind", "files_monthly_report", "committee")}


class ReportListFilter(FilterBarMixin, MonthlyReportFilter):
    sort_choices = [("-period", _("Latest month first")), ("period", _("Earliest month first")),
                    ("due_on", _("Due day"))]
    sort_orders = {"-period": ("-period", "unit__sort", "unit__name", "pk"),
                   "period": ("period", "unit__sort", "unit__name", "pk"), "due_on": ("due_on", "pk")}

    def _shape(self, form) -> None:
        fields = form.fields
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["month"] = forms.DateField(label=fields["month"].label, required=False, widget=DateInput())
        fields["state"] = forms.MultipleChoiceField(label=fields["state"].label, required=False,
                                                    choices=ReportState.choices,
                                                    widget=forms.CheckboxSelectMultiple)
        for name in ("late", "overdue"):
            fields[name] = forms.NullBooleanField(label=fields[name].label, required=False,
                                                  widget=forms.Select(choices=YES_NO))
        for name in ("unit", "year", "committee"):
            fields[name].widget = forms.HiddenInput()
        self._sort_field(fields)


# --- units ------------------------------------------------------------------------------------------------

class UnitForm(ModelForm):
    """A responsible unit: its kind decides which of region, department or enterprise it names."""

    wide_fields = ()
    region = forms.ModelChoiceField(queryset=Region.objects.none(), required=False,
                                    label=_("Lower government's region"))
    department = forms.ModelChoiceField(queryset=Department.objects.none(), required=False,
                                        label=pgettext_lazy("steering unit", "Department"))
    enterprise_code = forms.CharField(required=False, max_length=18, label=_("Enterprise's credit code"),
                                      help_text=_("For an enterprise unit: its unified social credit code."))

    class Meta:
        model = Unit
        fields = ["kind", "name", "region", "department", "is_member", "files_monthly_report",
                  "contact", "phone", "sort"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk is None:
            self.fields["committee"] = CommitteeField(user)
        self.order_fields(["committee", "kind", "name", "region", "department", "enterprise_code"])
        if self.instance.enterprise_unit_id:
            self.initial["enterprise_code"] = self.instance.enterprise_unit.credit_code
        self.fields["region"].queryset = (Region.objects.for_user(user)
                                          .filter(level__in=LOWER_GOVERNMENT_LEVELS).order_by("path"))
        self.fields["department"].queryset = Department.objects.for_user(user).order_by("region__path", "name")

    def clean_enterprise_code(self):
        code = (self.cleaned_data.get("enterprise_code") or "").strip().upper()
        if not code:
            return None
        enterprise = Enterprise.objects.for_user(self.user).filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise with this credit code in your jurisdiction."))
        return enterprise

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("committee", "enterprise_code")}
        data["enterprise_unit"] = self.cleaned_data.get("enterprise_code")
        return data


# --- monthly reports ------------------------------------------------------------------------------------

class ReportEditForm(ModelForm):
    wide_fields = ("summary", "hazard_work", "files")
    files = MultipleFileField(label=_("Photos and documents"), required=False)

    class Meta:
        model = MonthlyReport
        fields = ["summary", "hazard_work"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6}), "hazard_work": forms.Textarea(attrs={"rows": 4})}

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("summary", "hazard_work")}


class MeetingForm(ModelForm):
    minutes = MultipleFileField(label=pgettext_lazy("meeting", "Minutes"), required=True)

    class Meta:
        model = ReportMeeting
        fields = ["held_on", "kind", "title", "chaired_by", "decisions"]
        widgets = {"held_on": DateInput(), "decisions": forms.Textarea(attrs={"rows": 2})}

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "minutes"}


class CheckForm(ModelForm):
    photos = MultipleFileField(label=pgettext_lazy("steering", "Photos"), required=False, images_only=True)

    class Meta:
        model = LeaderCheck
        fields = ["checked_on", "kind", "leader_name", "leader_position", "places", "hazards_found",
                  "fixed_on_the_spot", "note"]
        widgets = {"checked_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "photos"}


class ReviewForm(Form):
    decision = forms.ChoiceField(choices=[("accept", pgettext_lazy("monthly report", "Accept")),
                                          ("return", pgettext_lazy("monthly report", "Return for correction"))],
                                 label=pgettext_lazy("steering", "Decision"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class StepForm(Form):
    """A one-click step: the version of the record the page showed (a change meanwhile is a 409)."""

    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ReasonForm(StepForm):
    reason = forms.CharField(label=pgettext_lazy("steering", "Reason"), max_length=200)


# --- inspection tours ---------------------------------------------------------------------------------

def unit_choices(user, *, kinds=None) -> list[tuple[int, str]]:
    """The units a user may name (their committees' units in scope), labelled with the committee."""
    units = Unit.objects.for_user(user).select_related("committee_region").order_by("committee_region__path", "sort",
                                                                                      "name")
    if kinds:
        units = units.filter(kind__in=kinds)
    return [(u.pk, f"{u.committee_region.name} · {u.name}") for u in units]


class UnitChoiceField(forms.TypedChoiceField):
    def __init__(self, user, *, kinds=None, **kwargs):
        kwargs.setdefault("label", _("Responsible unit"))
        super().__init__(choices=[("", "—"), *unit_choices(user, kinds=kinds)], coerce=int, **kwargs)

    def unit(self, pk: int) -> Unit:
        return Unit.objects.get(pk=pk)


class TourListFilter(FilterBarMixin, TourFilter):
    def _shape(self, form) -> None:
        fields = form.fields
        fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Number or title")})
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["state"] = forms.ChoiceField(label=fields["state"].label, required=False,
                                            choices=[("", _("All states")), *TourState.choices])
        for name in ("unit", "year", "committee"):
            fields[name].widget = forms.HiddenInput()
        form.fields = {n: fields[n] for n in ("q", "region", "state", "unit", "year", "committee")}


class FindingListFilter(FilterBarMixin, FindingFilter):
    def _shape(self, form) -> None:
        fields = form.fields
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["state"] = forms.MultipleChoiceField(label=fields["state"].label, required=False,
                                                    choices=FindingState.choices, widget=forms.CheckboxSelectMultiple)
        fields["category"] = forms.ChoiceField(label=fields["category"].label, required=False,
                                               choices=[("", _("All categories")), *FindingCategory.choices])
        fields["overdue"] = forms.NullBooleanField(label=fields["overdue"].label, required=False,
                                                   widget=forms.Select(choices=YES_NO))
        fields["deadline_before"] = forms.DateField(label=fields["deadline_before"].label, required=False,
                                                    widget=DateInput())
        for name in ("tour", "unit", "committee"):
            fields[name].widget = forms.HiddenInput()


class TourForm(ModelForm):
    wide_fields = ("basis", "summary")

    class Meta:
        model = Tour
        fields = ["title", "basis", "starts_on", "ends_on", "team_leader", "team_members", "summary"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "basis": forms.Textarea(attrs={"rows": 2}),
                   "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["committee"] = CommitteeField(user)
            self.fields["unit"] = UnitChoiceField(user, kinds=(UnitKind.LOWER_GOVERNMENT, UnitKind.DEPARTMENT),
                                                  label=_("Toured unit"))
            self.order_fields(["committee", "unit"])

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("committee", "unit")}


class RecordNumberField(forms.CharField):
    """A record named by its number (a hazard's YH…, an accident's), in the user's jurisdiction."""

    model_path = ""
    not_found = ""

    def __init__(self, user, **kwargs):
        self.user = user
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def clean(self, value):
        from django.apps import apps

        number = (super().clean(value) or "").strip().upper()
        if not number:
            return None
        record = apps.get_model(self.model_path).objects.for_user(self.user).filter(number=number).first()
        if record is None:
            raise forms.ValidationError(self.not_found)
        return record


class HazardNumberField(RecordNumberField):
    model_path = "hazards.Hazard"
    not_found = _("No hazard with this number in your jurisdiction.")


class FindingForm(ModelForm):
    wide_fields = ("description", "requirement", "files")
    files = MultipleFileField(label=_("Photos and documents"), required=False)

    class Meta:
        model = TourFinding
        fields = ["category", "description", "requirement", "deadline"]
        widgets = {"deadline": DateInput(), "description": forms.Textarea(attrs={"rows": 3}),
                   "requirement": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hazard"] = HazardNumberField(user, label=_("Hazard handed over (number)"),
                                                  help_text=_("A major hazard found on the tour, entered in the ledger."))
        if self.instance.hazard_id:
            self.initial["hazard"] = self.instance.hazard.number
        if not with_files:
            del self.fields["files"]

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "files"}


class RectificationReportForm(StepForm):
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence"), required=False)


class VerifyForm(StepForm):
    decision = forms.ChoiceField(choices=[("close", pgettext_lazy("finding", "Verify and close")),
                                          ("return", pgettext_lazy("finding", "Return: not rectified"))],
                                 label=pgettext_lazy("steering", "Decision"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(StepForm):
    feedback_on = forms.DateField(label=_("Feedback given on"), required=False, widget=DateInput())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)


# --- summons (安全生产约谈) -------------------------------------------------------------------------------

class SummonsListFilter(FilterBarMixin, SummonsFilter):
    def _shape(self, form) -> None:
        fields = form.fields
        fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Number or unit")})
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["state"] = forms.ChoiceField(label=fields["state"].label, required=False,
                                            choices=[("", _("All states")), *SummonsState.choices])
        fields["ground"] = forms.ChoiceField(label=fields["ground"].label, required=False,
                                             choices=[("", _("All grounds")), *SummonsGround.choices])
        fields["overdue"] = forms.ChoiceField(label=_("Report overdue"), required=False, choices=YES_NO)
        for name in ("unit", "year", "committee"):
            fields[name].widget = forms.HiddenInput()
        form.fields = {n: fields[n] for n in ("q", "region", "state", "ground", "overdue", "unit", "year",
                                               "committee")}


class AccidentNumberField(RecordNumberField):
    model_path = "accidents.Accident"
    not_found = _("No accident with this number in your jurisdiction.")


class SummonsForm(ModelForm):
    wide_fields = ("reason",)

    class Meta:
        model = Summons
        fields = ["ground", "reason", "scheduled_on", "place", "convened_by", "summoned_officials", "attendees"]
        widgets = {"scheduled_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accident"] = AccidentNumberField(
            user, label=_("Accident concerned (number)"), help_text=_("Optional: the accident the summons is about."),
            initial=self.instance.accident.number if self.instance.accident_id else "")
        if self.instance.pk is None:
            self.fields["committee"] = CommitteeField(user)
            self.fields["unit"] = UnitChoiceField(user, kinds=(UnitKind.LOWER_GOVERNMENT, UnitKind.DEPARTMENT),
                                                  label=_("Summoned unit"))
            self.order_fields(["committee", "unit"])

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("committee", "unit")}


class SummonsHoldForm(StepForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    minutes = forms.CharField(label=pgettext_lazy("summons", "Minutes"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label=_("Rectification measures required"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    report_due = forms.DateField(label=_("Written report due"), widget=DateInput(),
                                 help_text=_("The time limit the talk set for the unit's written report."))
    files = MultipleFileField(label=_("Minutes and documents"), required=False)


class SummonsVerifyForm(VerifyForm):
    report_due = forms.DateField(label=_("New due day for the report"), required=False, widget=DateInput(),
                                 help_text=_("When returned: the day the next written report is due."))


class CirculateForm(StepForm):
    document_number = forms.CharField(label=_("Circular's document number"), max_length=60)
    circulated_on = forms.DateField(label=_("Circulated on"), required=False, widget=DateInput())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)


class PublishForm(StepForm):
    publication = forms.CharField(label=_("Where it was disclosed"), max_length=200,
                                  help_text=_("E.g. the government's website, with the date of the notice."))
    published_on = forms.DateField(label=_("Disclosed on"), required=False, widget=DateInput())


# --- action plans and tasks -------------------------------------------------------------------------------

class PlanListFilter(FilterBarMixin, PlanFilter):
    def _shape(self, form) -> None:
        fields = form.fields
        fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Title or document number")})
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["kind"] = forms.ChoiceField(label=fields["kind"].label, required=False,
                                           choices=[("", _("All kinds")), *PlanKind.choices])
        fields["committee"].widget = forms.HiddenInput()


class TaskListFilter(FilterBarMixin, TaskFilter):
    def _shape(self, form) -> None:
        fields = form.fields
        fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Number or task")})
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["state"] = forms.ChoiceField(label=fields["state"].label, required=False,
                                            choices=[("", _("All states")), *TaskState.choices])
        fields["overdue"] = forms.NullBooleanField(label=fields["overdue"].label, required=False,
                                                   widget=forms.Select(choices=YES_NO))
        fields["deadline_before"] = forms.DateField(label=fields["deadline_before"].label, required=False,
                                                    widget=DateInput())
        for name in ("plan", "unit", "committee"):
            fields[name].widget = forms.HiddenInput()


class AssignmentListFilter(FilterBarMixin, AssignmentFilter):
    def _shape(self, form) -> None:
        fields = form.fields
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["role"] = forms.ChoiceField(label=fields["role"].label, required=False,
                                           choices=[("", _("Any part")), *AssignmentRole.choices])
        fields["state"] = forms.ChoiceField(label=fields["state"].label, required=False,
                                            choices=[("", _("All states")), *TaskState.choices])
        fields["overdue"] = forms.NullBooleanField(label=fields["overdue"].label, required=False,
                                                   widget=forms.Select(choices=YES_NO))
        for name in ("unit", "task", "committee"):
            fields[name].widget = forms.HiddenInput()


class PlanForm(ModelForm):
    wide_fields = ("description",)

    class Meta:
        model = Plan
        fields = ["kind", "title", "document_number", "issued_on", "year_from", "year_to", "description"]
        widgets = {"issued_on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["committee"] = CommitteeField(user)
            self.order_fields(["committee"])

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "committee"}


class PhaseForm(ModelForm):
    class Meta:
        model = PlanPhase
        fields = ["name", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class TaskForm(ModelForm):
    """A task of a plan; on a new task, its lead and cooperating units (units of the plan's committee)."""

    wide_fields = ("content",)

    class Meta:
        model = PlanTask
        fields = ["number", "title", "content", "phase", "deadline", "sort"]
        widgets = {"deadline": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = PlanPhase.objects.filter(plan=plan, is_voided=False).order_by("seq")
        if self.instance.pk is None:
            choices = [(u.pk, u.name) for u in Unit.objects.for_user(user).filter(
                committee_region=plan.committee_region).order_by("sort", "name")]
            self.fields["lead_units"] = forms.TypedMultipleChoiceField(
                label=_("Lead units"), choices=choices, coerce=int, required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}))
            self.fields["cooperating_units"] = forms.TypedMultipleChoiceField(
                label=_("Cooperating units"), choices=choices, coerce=int, required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}))

    def clean(self):
        data = super().clean()
        both = set(data.get("lead_units") or ()) & set(data.get("cooperating_units") or ())
        if both:
            self.add_error("cooperating_units", _("A unit cannot both lead and cooperate."))
        return data

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("lead_units", "cooperating_units")}

    def units(self) -> list[tuple[Unit, str]]:
        chosen = [(pk, AssignmentRole.LEAD) for pk in self.cleaned_data.get("lead_units") or ()]
        chosen += [(pk, AssignmentRole.COOPERATING) for pk in self.cleaned_data.get("cooperating_units") or ()]
        units = Unit.objects.in_bulk([pk for pk, _role in chosen])
        return [(units[pk], role) for pk, role in chosen]


class AssignForm(StepForm):
    role = forms.ChoiceField(choices=AssignmentRole.choices, label=pgettext_lazy("task assignment", "Part"))

    def __init__(self, *args, user, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.TypedChoiceField(
            label=_("Responsible unit"), coerce=int,
            choices=[(u.pk, u.name) for u in Unit.objects.for_user(user).filter(
                committee_region=task.committee_region).order_by("sort", "name")])
        self.order_fields(["unit", "role"])


class TaskStepForm(StepForm):
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DateInput())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)


class ProgressForm(ModelForm):
    files = MultipleFileField(label=_("Files"), required=False)

    class Meta:
        model = ProgressReport
        fields = ["kind", "year", "content", "completion"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "files"}


# --- duty lists --------------------------------------------------------------------------------------------

class DutyListFilter(FilterBarMixin, DutyFilter):
    def _shape(self, form) -> None:
        fields = form.fields
        fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Duty, category or leader")})
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["holder"] = forms.ChoiceField(label=fields["holder"].label, required=False,
                                             choices=[("", _("Units and leaders")), *DutyHolder.choices])
        fields["leader_role"] = forms.ChoiceField(label=fields["leader_role"].label, required=False,
                                                  choices=[("", _("All roles")), *LeaderRole.choices])
        fields["linked"] = forms.NullBooleanField(label=fields["linked"].label, required=False,
                                                  widget=forms.Select(choices=YES_NO))
        for name in ("unit", "task", "indicator", "committee"):
            fields[name].widget = forms.HiddenInput()
        form.fields = {n: fields[n] for n in ("q", "region", "holder", "leader_role", "linked", "unit", "task",
                                              "indicator", "committee")}


class DutyForm(ModelForm):
    """A duty of a committee's list: carried by a member unit or by a leader."""

    wide_fields = ("content",)

    class Meta:
        model = Duty
        fields = ["holder", "unit", "leader_name", "leader_position", "leader_role", "category", "content", "basis",
                  "task", "indicator_code"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["committee"] = CommitteeField(user)
            self.order_fields(["committee"])
        committee = self.instance.committee_region if self.instance.pk else None
        units = Unit.objects.for_user(user)
        tasks = PlanTask.objects.for_user(user).select_related("plan")
        if committee is not None:
            units, tasks = units.filter(committee_region=committee), tasks.filter(committee_region=committee)
        self.fields["unit"].queryset = units.order_by("committee_region__path", "sort", "name")
        self.fields["task"].queryset = tasks.order_by("plan_id", "sort")
        self.fields["task"].label_from_instance = lambda t: f"{t.plan.title} · {t.number} {t.title}"

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "committee"}


class DutyImportCommitteeForm(Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"] = CommitteeField(user)


# --- special campaigns (专项整治) ---------------------------------------------------------------------------

class CampaignListFilter(FilterBarMixin, CampaignFilter):
    def _shape(self, form) -> None:
        from anjian.enterprises.models import FeatureTag

        fields = form.fields
        fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("Number or title")})
        fields["region"] = RegionCodeField(self.user, label=pgettext_lazy("steering", "Region"))
        fields["state"] = forms.ChoiceField(label=fields["state"].label, required=False,
                                            choices=[("", _("All states")), *CampaignState.choices])
        fields["tag"] = forms.ChoiceField(label=pgettext_lazy("campaign", "Feature tag"), required=False, choices=[
            ("", _("All tags")), *FeatureTag.objects.filter(is_active=True).values_list("code", "name")])
        fields["committee"].widget = forms.HiddenInput()
        form.fields = {n: fields[n] for n in ("q", "region", "state", "tag", "year", "committee")}


class CampaignForm(ModelForm):
    """A campaign's details and scope. The region is a code in the user's jurisdiction; the
    services check again that it lies under the committee."""

    wide_fields = ("basis", "summary", "industries", "tags")

    class Meta:
        model = Campaign
        fields = ["title", "basis", "industries", "tags", "checklist", "lead_unit", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "basis": forms.Textarea(attrs={"rows": 2}),
                   "industries": forms.SelectMultiple(attrs={"size": 8}),
                   "tags": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        from anjian.enterprises.models import FeatureTag, Industry
        from anjian.standards.models import Checklist

        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.order_by("code")
        self.fields["tags"].queryset = FeatureTag.objects.filter(is_active=True)
        self.fields["checklist"].queryset = Checklist.objects.filter(enterprise__isnull=True, is_active=True)
        self.fields["lead_unit"] = UnitChoiceField(user, required=False, label=label(Campaign, "lead_unit"))
        if self.instance.pk is not None and self.instance.lead_unit_id:
            self.initial["lead_unit"] = self.instance.lead_unit_id
        self.fields["region"] = RegionCodeField(user, label=label(Campaign, "region"), required=self.instance.pk is None)
        if self.instance.pk is None:
            self.fields["committee"] = CommitteeField(user)
            self.order_fields(["committee", "title", "region"])
        else:
            # The scope region is fixed once planned (the figures would change meaning).
            del self.fields["region"]

    def clean_lead_unit(self):
        pk = self.cleaned_data.get("lead_unit")
        return Unit.objects.get(pk=pk) if pk else None

    def clean_region(self):
        code = self.cleaned_data.get("region")
        return Region.objects.get(code=code) if code else None

    def scope_data(self) -> dict:
        return {k: list(self.cleaned_data[k]) for k in ("industries", "tags")}

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items()
                if k not in ("committee", "region", "industries", "tags")}


class CampaignCloseForm(StepForm):
    summary = forms.CharField(label=pgettext_lazy("campaign", "Results"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("What was inspected and found, rectified and punished; what remains."))


class CampaignReopenForm(StepForm):
    comment = forms.CharField(label=pgettext_lazy("campaign", "Why reopen"), max_length=500)

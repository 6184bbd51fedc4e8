"""Forms of the inspection pages: duties, starting a record, its header, a hand-added item,
raising a hazard, voiding, and the filter bars of the lists. Forms only collect and check
input; saving goes through ``anjian.inspections.services`` (whose ValidationErrors are put
back onto the fields with ``enterprises.forms.add_service_errors``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import DateInput, Form, ModelForm
from anjian.core.uploads import UploadRefused, checked_upload
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import User
from anjian.regions.fields import RegionCodeField
from anjian.standards.models import Checklist

from .choices import InspectionKind, RecordState, TaskState
from .filters import DutyFilter, RecordFilter, TaskFilter
from .models import InspectionCadence, InspectionDuty
from .policy import policy
from .selectors import checklist_queryset

PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".bmp")
PHOTO_MAX_BYTES = 20 * 1024 * 1024


def validate_photo(upload) -> None:
    """A photo is an image file of at most 20 MB (phones send JPEG, PNG or HEIC) that is what its
    extension says."""
    name = getattr(upload, "name", "") or ""
    if PurePath(name).suffix.lower() not in PHOTO_EXTENSIONS:
        raise ValidationError(_("“%(name)s” is not a photo (JPEG, PNG, GIF, WebP, HEIC or BMP).") % {"name": name})
    if (getattr(upload, "size", 0) or 0) > PHOTO_MAX_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 20 MB.") % {"name": name})
    # And its content (core.uploads): a page named .jpg is refused here, under the field it came
    # in; the checked, re-encoded copy is remembered on the upload and is what the service stores.
    try:
        checked_upload(upload)
    except UploadRefused as exc:
        raise ValidationError(exc.message) from exc


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")




class DutyForm(ModelForm):
    """A self-inspection duty of one enterprise."""

    class Meta:
        model = InspectionDuty
        fields = ["name", "cadence", "checklist", "responsible_user", "responsible_name", "active_from", "active_to"]
        widgets = {"active_from": DateInput(), "active_to": DateInput()}
        help_texts = {
            "name": _("For example: 机加工车间周查. Left empty, the cadence's name is used."),
            "responsible_user": _("A user account of the enterprise; tasks appear under their “mine” filter."),
            "responsible_name": _("Filled from the user account when left empty."),
            "active_to": _("Leave empty while the duty is in force."),
        }

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.fields["name"].required = False
        cadence = self.fields["cadence"]
        cadence.queryset = InspectionCadence.objects.filter(is_active=True).order_by("sort", "code")
        cadence.empty_label = _("Choose the cadence")
        checklist = self.fields["checklist"]
        checklist.queryset = checklist_queryset(enterprise)
        checklist.empty_label = _("No checklist (items are added by hand)")
        user = self.fields["responsible_user"]
        user.queryset = User.objects.filter(role=Role.ENTERPRISE, scope_enterprise=enterprise, is_active=True)
        user.label_from_instance = lambda u: u.name or u.username
        user.empty_label = _("No user account")
        if self.instance.pk and self.instance.tasks.exists():
            # Past periods keep their meaning: the cadence and start are fixed once tasks exist.
            for name in ("cadence", "active_from"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once tasks were scheduled.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("active_from"), cleaned.get("active_to")
        if start and end and end < start:
            self.add_error("active_to", pgettext_lazy("inspection duty", "The end date cannot be before the start date."))
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RecordStartForm(Form):
    """Start an inspection record: its kind (what the user may do), checklist, place and time."""

    kind = forms.ChoiceField(label=_("Kind of inspection"))
    checklist = forms.ModelChoiceField(queryset=Checklist.objects.none(), required=False, label=_("Checklist"),
                                       empty_label=_("No checklist (add the items by hand)"))
    location = forms.CharField(label=pgettext_lazy("inspection record", "Location"), max_length=200, required=False,
                               help_text=_("Where the inspection took place, e.g. 二车间 or 全厂."))
    inspected_at = forms.DateTimeField(label=_("Inspected at"), widget=DateTimeInput(),
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    inspector_names = forms.CharField(label=_("Inspectors"), max_length=200, required=False,
                                      help_text=_("Names of everyone who took part."))
    summary = forms.CharField(label=pgettext_lazy("inspection record", "Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    wide_fields = ("summary",)

    def __init__(self, *args, user, enterprise: Enterprise, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [k for k in policy.allowed_kinds(user) if policy.records_kind_at(user, enterprise, k)]
        if task is not None:
            kinds = [InspectionKind.SELF]
        self.fields["kind"].choices = [(k, InspectionKind(k).label) for k in kinds]
        checklist = self.fields["checklist"]
        checklist.queryset = checklist_queryset(enterprise)
        if task is not None and task.duty.checklist_id:
            checklist.initial = task.duty.checklist_id
        self.fields["inspected_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["inspector_names"].initial = getattr(user, "name", "") or user.get_username()

    def clean_inspected_at(self):
        value = self.cleaned_data["inspected_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The inspection time cannot be in the future."))
        return value

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("location", "inspected_at", "inspector_names", "summary")}


class RecordHeaderForm(Form):
    """Correct a draft's place, time, inspectors and summary."""

    location = forms.CharField(label=pgettext_lazy("inspection record", "Location"), max_length=200, required=False)
    inspected_at = forms.DateTimeField(label=_("Inspected at"), widget=DateTimeInput(),
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
    inspector_names = forms.CharField(label=_("Inspectors"), max_length=200, required=False)
    summary = forms.CharField(label=pgettext_lazy("inspection record", "Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    wide_fields = ("summary",)


class AddItemForm(Form):
    item_no = forms.CharField(label=_("No."), max_length=20, required=False)
    content = forms.CharField(label=_("What was checked"), max_length=1000)


class RaiseHazardForm(Form):
    """The one-click "raise hazard" of a found item: the deadline is pre-filled."""

    deadline = forms.DateField(label=_("Rectification deadline"), widget=DateInput())

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return value


class VoidForm(Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: entered twice, or entered by mistake."))

    wide_fields = ("reason",)


# --- filter bars -------------------------------------------------------------------------

class UIFilterMixin:
    """A filterset whose form has UI widgets: selects of the regions in the user's scope, date
    pickers, labelled choices. The values are the API's, so one query string drives both."""

    hidden_for_enterprise: tuple[str, ...] = ("region", "q")

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.is_enterprise_user = getattr(user, "role", None) == Role.ENTERPRISE and not user.is_system_admin
        if self.is_enterprise_user:
            for name in self.hidden_for_enterprise:
                self.filters.pop(name, None)
        else:
            self.filters.pop("mine", None)  # duties name enterprise users as responsible, nobody else

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            self.shape(form.fields)
            if "q" in form.fields:  # the search box first: it is what people use most
                form.fields = {"q": form.fields.pop("q"), **form.fields}
        return self._form

    def shape(self, fields) -> None:
        if "q" in fields:
            fields["q"] = forms.CharField(label=_("Enterprise"), required=False, max_length=100,
                                          widget=forms.TextInput(attrs={"placeholder": _("Name contains"),
                                                                        "type": "search"}))
        if "region" in fields:
            fields["region"] = RegionCodeField(self.user, label=_("Region"))
        for name in ("enterprise", "duty", "task"):
            # Ids: links may narrow the list by them (?duty=3); the bar does not show them.
            if name in fields:
                fields[name].widget = forms.HiddenInput()
        for name, field in list(fields.items()):
            if isinstance(field, forms.DateField):
                fields[name] = forms.DateField(label=field.label, required=False, widget=DateInput())


class TaskListFilter(UIFilterMixin, TaskFilter):
    def shape(self, fields) -> None:
        super().shape(fields)
        fields["state"] = forms.ChoiceField(label=_("State"), required=False,
                                            choices=[("", _("All states")), *TaskState.choices])
        fields["cadence"] = forms.ChoiceField(
            label=_("Cadence"), required=False,
            choices=[("", _("All cadences")),
                     *InspectionCadence.objects.order_by("sort", "code").values_list("code", "name")])
        if "mine" in fields:
            fields["mine"] = forms.NullBooleanField(
                label=_("Responsible"), required=False,
                widget=forms.Select(choices=[("", _("Anyone")), ("true", _("Only mine"))]))


class RecordListFilter(UIFilterMixin, RecordFilter):
    def shape(self, fields) -> None:
        super().shape(fields)
        fields["kind"] = forms.ChoiceField(label=_("Kind"), required=False,
                                           choices=[("", _("All kinds")), *InspectionKind.choices])
        fields["state"] = forms.ChoiceField(label=_("State"), required=False,
                                            choices=[("", _("All states")), *RecordState.choices])


class DutyListFilter(UIFilterMixin, DutyFilter):
    def shape(self, fields) -> None:
        super().shape(fields)
        fields["cadence"] = forms.ChoiceField(
            label=_("Cadence"), required=False,
            choices=[("", _("All cadences")),
                     *InspectionCadence.objects.order_by("sort", "code").values_list("code", "name")])
        fields["active"] = forms.NullBooleanField(
            label=_("Validity"), required=False,
            widget=forms.Select(choices=[("", _("Any")), ("true", pgettext_lazy("inspection duty", "In force")), ("false", _("Ended"))]))

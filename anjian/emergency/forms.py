"""Forms of the emergency pages (server-side; writes go through the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core import bounds
from anjian.core.forms import DateInput, DateTimeLocalInput, Form, ModelForm, MultipleFileField
from anjian.enterprises.models import Enterprise
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

from .choices import RevisionTrigger
from .models import DisposalCard, Drill, DutyLogEntry, DutyShift, EmergencyPlan, RescueTeam, Supply


def _enterprises(user):
    return Enterprise.objects.for_user(user).filter(is_voided=False).order_by("name")


def _regions(user):
    # the levels a regulator keeps resources and duty at (villages have none)
    return Region.objects.for_user(user).exclude(level=RegionLevel.VILLAGE).order_by("path")


class _EnterpriseForm(ModelForm):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(),
                                        label=pgettext_lazy("emergency", "Enterprise"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["enterprise"]  # a record stays with its enterprise
        else:
            self.fields["enterprise"].queryset = _enterprises(user)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items()
                if k not in ("enterprise", "region", "documents", "photos", "held", "held_on")}


class PlanForm(_EnterpriseForm):
    wide_fields = ("scope", "documents")
    documents = MultipleFileField(label=_("Plan documents"))

    class Meta:
        model = EmergencyPlan
        fields = ["enterprise", "kind", "title", "scope"]
        widgets = {"scope": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["documents"]


class DrillForm(_EnterpriseForm):
    wide_fields = ("scenario", "participants", "evaluation", "photos")
    held = forms.BooleanField(label=_("Already held"), required=False)
    held_on = forms.DateField(label=pgettext_lazy("drill", "Held on"), required=False, widget=DateInput())
    photos = MultipleFileField(label=_("Drill photos"), images_only=True)

    class Meta:
        model = Drill
        fields = ["enterprise", "plan", "kind", "form", "scenario", "planned_on", "participants",
                  "participant_count", "evaluation"]
        widgets = {"planned_on": DateInput(), "scenario": forms.Textarea(attrs={"rows": 2}),
                   "participants": forms.Textarea(attrs={"rows": 2}), "evaluation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["plan"].queryset = EmergencyPlan.objects.for_user(user).select_related("enterprise").order_by(
            "enterprise__name", "kind", "id")
        self.fields["plan"].label_from_instance = lambda p: f"{p.enterprise.name} · {p.title}"
        self.fields["planned_on"].required = False
        if self.instance.pk:
            for name in ("held", "held_on", "photos"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("held") and not data.get("planned_on"):
            self.add_error("planned_on", _("Give the day the drill is planned for, or tick “Already held”."))
        return data


class TeamForm(ModelForm):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), required=False,
                                    label=pgettext_lazy("emergency", "Region"),
                                    help_text=_("For a team of the region, leave the enterprise empty."))
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), required=False,
                                        label=pgettext_lazy("emergency", "Enterprise"))

    class Meta:
        model = RescueTeam
        fields = ["enterprise", "region", "name", "kind", "specialty", "leader", "phone", "members", "base"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["enterprise"], self.fields["region"]
        else:
            self.fields["enterprise"].queryset = _enterprises(user)
            self.fields["region"].queryset = _regions(user)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("enterprise", "region")}


class SupplyForm(TeamForm):
    class Meta:
        model = Supply
        fields = ["enterprise", "region", "category", "name", "specification", "unit", "quantity", "minimum_quantity",
                  "storage_place", "keeper", "phone", "expires_on"]
        widgets = {"expires_on": DateInput()}


class CardForm(_EnterpriseForm):
    wide_fields = ("risks", "steps", "reporting", "cautions", "contacts")

    class Meta:
        model = DisposalCard
        fields = ["enterprise", "post", "risks", "steps", "reporting", "cautions", "contacts"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("risks", "steps", "reporting", "cautions",
                                                                          "contacts")}


class ShiftForm(ModelForm):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=pgettext_lazy("emergency", "Region"))

    class Meta:
        model = DutyShift
        fields = ["region", "starts_at", "ends_at", "leader", "officer", "phone"]
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions(user)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "region"}


class LogForm(ShiftForm):
    wide_fields = ("summary",)

    class Meta:
        model = DutyLogEntry
        fields = ["region", "received_at", "category", "reporter", "phone", "summary", "shift"]
        widgets = {"received_at": DateTimeLocalInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["shift"].queryset = DutyShift.objects.for_user(user).order_by("-starts_at")


class StepForm(Form):
    """One step on a record: its action, what it needs (a name, a number, a day, a text, …) and
    the version the user saw."""

    action = forms.ChoiceField(choices=[])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)
    name = forms.CharField(label=_("Signed by (principal)"), required=False, max_length=50)
    number = forms.CharField(label=_("Filing registration number"), required=False, max_length=60)
    day = forms.DateField(label=pgettext_lazy("emergency", "Date"), required=False, widget=DateInput())
    text = forms.CharField(label=pgettext_lazy("emergency", "Text"), required=False, max_length=3000)
    needs_revision = forms.BooleanField(label=_("The plan must be revised"), required=False)
    trigger = forms.ChoiceField(label=_("Revision required because of"), required=False,
                                choices=[("", "—"), *RevisionTrigger.choices])
    to = forms.CharField(label=_("Handed over to"), required=False, max_length=50)
    count = forms.IntegerField(label=_("Number of participants"), required=False, min_value=0, max_value=100000)
    problem = forms.IntegerField(required=False, min_value=1, max_value=bounds.KEY_MAX, widget=forms.HiddenInput())
    accident = forms.IntegerField(label=_("Accident number (id)"), required=False, min_value=1,
                                  max_value=bounds.KEY_MAX)
    files = MultipleFileField(label=_("Files"))
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def __init__(self, *args, actions: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(actions)


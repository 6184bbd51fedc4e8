"""Forms of the public app: the public tip form and the tracking forms (strangers: every field
bounded, every choice closed), and the handlers' step forms. They validate; services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import DateInput, Form, MultipleFileField

from .choices import TipKind

MAX_PUBLIC_FILES = 5
MAX_PUBLIC_FILE_MB = 10


def region_choices() -> list[tuple[str, str]]:
    """Every city, county and township, indented under its parent: the public picker (no scope)."""
    from anjian.regions.choices import RegionLevel
    from anjian.regions.models import Region

    depth = {RegionLevel.CITY: 0, RegionLevel.COUNTY: 1, RegionLevel.TOWNSHIP: 2}
    rows = (Region.objects.filter(level__in=list(depth)).order_by("path").values_list("code", "name", "level"))
    return [("", _("Choose the region")), *[(code, "\u3000" * depth[level] + name) for code, name, level in rows]]


class PublicFilesField(MultipleFileField):
    """At most ``MAX_PUBLIC_FILES`` files of at most ``MAX_PUBLIC_FILE_MB`` each, checked and stored
    as the platform stores every upload (``core.uploads``: recognised by content, images
    re-encoded without EXIF, location or comments)."""

    def __init__(self, **kwargs):
        super().__init__(max_files=MAX_PUBLIC_FILES, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        for f in items:
            if f and getattr(f, "size", 0) > MAX_PUBLIC_FILE_MB * 1024 * 1024:
                raise forms.ValidationError(_("Each file may be at most %(mb)s MB.") % {"mb": MAX_PUBLIC_FILE_MB})
        return super().clean(data, initial)


class CaptchaMixin(Form):
    captcha_token = forms.CharField(widget=forms.HiddenInput, max_length=40)
    captcha = forms.CharField(label=_("The sum shown in the picture"), max_length=4,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class TipForm(CaptchaMixin, Form):
    kind = forms.ChoiceField(label=_("What do you report?"), choices=TipKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(label=_("What did you see?"), max_length=2000, min_length=10,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    region = forms.ChoiceField(label=pgettext_lazy("tip", "Region"), choices=())
    address = forms.CharField(label=pgettext_lazy("tip", "Address"), max_length=200)
    unit_name = forms.CharField(label=_("Which unit (name)"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("Its unified social credit code, if you know it"), max_length=18,
                                  required=False)
    files = PublicFilesField(label=_("Photos or files"))
    is_anonymous = forms.TypedChoiceField(
        label=_("Anonymous or with your name"), coerce=lambda v: v == "1", initial="1", widget=forms.RadioSelect,
        choices=[("1", _("Anonymous (no reward: rewards go to real-name tips)")),
                 ("0", _("With my name and contact (needed for a reward)"))])
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Your phone"), max_length=20, required=False)
    reporter_email = forms.EmailField(label=_("Your e-mail"), max_length=100, required=False)
    reporter_id_number = forms.CharField(label=_("Your ID number (for a reward)"), max_length=18, required=False)
    is_employee = forms.BooleanField(label=_("I work at this unit"), required=False)

    field_order = ["kind", "description", "region", "address", "unit_name", "credit_code", "files", "is_anonymous",
                   "reporter_name", "reporter_phone", "reporter_email", "reporter_id_number", "is_employee",
                   "captcha", "captcha_token"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()

    def service_data(self) -> dict:
        from anjian.enterprises.models import Enterprise
        from anjian.regions.models import Region

        d = self.cleaned_data
        region = Region.objects.get(code=d["region"])
        code = (d.get("credit_code") or "").strip().upper()
        # An unknown code is not an error (a stranger may not know it); no answer says whether it exists.
        enterprise = (Enterprise.objects.filter(credit_code=code, is_voided=False,
                                                region_path__startswith=region.path).first() if code else None)
        return {"kind": d["kind"], "description": d["description"], "region": region, "address": d["address"],
                "unit_name": d.get("unit_name", ""), "enterprise": enterprise, "is_anonymous": d["is_anonymous"],
                "reporter_name": d.get("reporter_name", ""), "reporter_phone": d.get("reporter_phone", ""),
                "reporter_email": d.get("reporter_email", ""),
                "reporter_id_number": d.get("reporter_id_number", ""), "is_employee": d.get("is_employee", False)}


class TrackForm(Form):
    code = forms.CharField(label=_("Tracking code"), max_length=16)
    secret = forms.CharField(label=_("Secret"), max_length=64, widget=forms.PasswordInput(render_value=True))


class AddInformationForm(CaptchaMixin, TrackForm):
    text = forms.CharField(label=_("What do you want to add?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    files = PublicFilesField(label=_("Photos or files"))


# --- handlers -------------------------------------------------------------------------------------

class StepForm(Form):
    """One step of a tip or a reward: the version seen, and what the step needs."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason or outcome"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=90, required=False)
    deadline = forms.DateField(label=_("Rectification deadline"), required=False, widget=DateInput)
    grade = forms.ChoiceField(label=pgettext_lazy("tip", "Hazard grade"), required=False, choices=())
    paid_on = forms.DateField(label=pgettext_lazy("reward", "Paid on"), required=False, widget=DateInput)
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from anjian.hazards.choices import HazardGrade

        self.fields["grade"].choices = [("", "—"), *HazardGrade.choices]


class RewardForm(Form):
    scale = forms.ModelChoiceField(label=_("Reward scale"), queryset=None)
    fine_yuan = forms.DecimalField(label=_("Administrative fine (yuan)"), required=False, min_value=0,
                                   max_value=10**9, decimal_places=2, max_digits=12)
    deaths = forms.IntegerField(label=_("Concealed deaths verified"), required=False, min_value=1, max_value=1000)
    note = forms.CharField(label=_("Reasoning"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import RewardScale

        self.fields["scale"].queryset = RewardScale.objects.filter(is_active=True, kind=kind)

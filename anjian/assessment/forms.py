"""Page forms of the assessment app: they validate what the user typed and then call a service
(``services``); a service's refusal comes back onto the form's fields (core.forms.add_service_errors)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core import indicators
from anjian.core.forms import Form, ModelForm

from .choices import AdjustmentKind, Method, Part, PeriodKind, SubjectKind, Unavailable
from .models import SchemeItem


def indicator_choices(blank: bool = False) -> list[tuple[str, str]]:
    out = [(i.code, str(i.name)) for i in indicators.all_indicators()]
    return [("", "—"), *out] if blank else out


def _this_year() -> int:
    return timezone.localdate().year


class UnitFilterForm(Form):
    """The unit and period of the indicator pages: a region (code) or a department, a year and an
    optional month."""

    region = forms.ChoiceField(label=_("Region"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    month = forms.TypedChoiceField(label=pgettext_lazy("period", "Month"), required=False, coerce=int,
                                   empty_value=None,
                                   choices=[("", _("Whole year"))] + [(m, f"{m}") for m in range(1, 13)])

    def __init__(self, *args, regions=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("The whole jurisdiction"))] + [(r.code, r.name) for r in regions]
        self.fields["department"].choices = [("", "—")] + [(str(d.pk), d.name) for d in departments]
        self.fields["year"].widget.attrs["placeholder"] = str(_this_year())


class AgreementForm(Form):
    """A new target-responsibility agreement: with a region below, or with a department."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, initial=_this_year)
    region = forms.ChoiceField(label=_("Region"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Left empty: “<year> work-safety target-responsibility agreement: <unit>”."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, regions=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—")] + [(r.code, r.name) for r in regions]
        self.fields["department"].choices = [("", "—")] + [(str(d.pk), d.name) for d in departments]

    def clean(self):
        data = super().clean()
        if bool(data.get("region")) == bool(data.get("department")):
            raise forms.ValidationError({"region": _("Choose a region or a department.")})
        return data


class TargetsForm(Form):
    """One target field per indicator (empty: no target set)."""

    def __init__(self, *args, current: dict[str, object] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for indicator in indicators.all_indicators():
            self.fields[f"target_{indicator.code}"] = forms.DecimalField(
                label=str(indicator.name), required=False, max_digits=12, decimal_places=4,
                help_text=indicator.unit_label, initial=current.get(indicator.code))

    def targets(self) -> dict[str, object]:
        return {name[len("target_"):]: value for name, value in self.cleaned_data.items()
                if name.startswith("target_") and value is not None}


class SchemeForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, initial=_this_year)
    region = forms.ChoiceField(label=_("Assessing region"))
    period_kind = forms.ChoiceField(label=_("Rounds"), choices=PeriodKind.choices, initial=PeriodKind.YEAR)
    subject_kind = forms.ChoiceField(label=_("Assesses"), choices=SubjectKind.choices, initial=SubjectKind.REGIONS)
    self_assessment = forms.BooleanField(label=_("Self-assessment first"), required=False, initial=True)
    bonus_cap = forms.DecimalField(label=_("Most bonus points"), required=False, min_value=0, max_digits=8,
                                   decimal_places=2)
    basis = forms.CharField(label=pgettext_lazy("assessment", "Basis"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]


class SchemeItemForm(ModelForm):
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)

    class Meta:
        model = SchemeItem
        fields = ["part", "indicator", "title", "points", "method", "target", "when_unavailable", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicator_choices(blank=True)
        self.fields["part"].choices = Part.choices
        self.fields["method"].choices = Method.choices
        self.fields["when_unavailable"].choices = Unavailable.choices


class RoundForm(Form):
    month = forms.TypedChoiceField(label=pgettext_lazy("period", "Month"), required=False, coerce=int,
                                   empty_value=None, choices=[("", "—")] + [(m, f"{m}") for m in range(1, 13)])


class PublishForm(Form):
    document_number = forms.CharField(label=pgettext_lazy("circular", "Document number"), max_length=60,
                                      required=False)
    remarks = forms.CharField(label=_("Remarks of the circular"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))


class ScoreForm(Form):
    """A stage of an assessment: the points of each manual item with a note, and the remarks."""

    comment = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.manual_items = [i for i in items if i.method == Method.MANUAL]
        for item in self.manual_items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=item.title, min_value=0, max_value=item.points, max_digits=8, decimal_places=2,
                help_text=_("At most %(max)s points") % {"max": item.points})
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def manual(self) -> dict[int, tuple[object, str]]:
        return {item.pk: (self.cleaned_data.get(f"item_{item.pk}"), self.cleaned_data.get(f"note_{item.pk}") or "")
                for item in self.manual_items}


class AdjustmentForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AdjustmentKind.choices)
    points = forms.DecimalField(label=_("Points"), min_value=0.01, max_digits=8, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

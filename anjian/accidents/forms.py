"""Forms of the accident pages: the ledger's filters, reporting and correcting an accident, and
one small form per action (casualty update, follow-up report, situation stable, reporting step,
flag, investigation, report and its deadline's extension, approval, rectification,
accountability, void). They only parse input: every rule is checked
again by ``anjian.accidents.services`` (whose errors are put back on the form)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core import bounds
from anjian.core.forms import DateInput, DateTimeLocalInput, Form, MultipleFileField
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.enterprises.models import Enterprise
from anjian.regions.fields import RegionCodeField, region_choices
from anjian.regions.models import Region
from anjian.standards.models import AccidentType, AccidentTypeScheme

from .choices import (
    AccidentCategory,
    AccountabilityMeasure,
    FlagKind,
    ListingLevel,
    ReportingLevel,
)
from .filters import AccidentFilter
from .models import Accident
from .regulations import local_day, time_limit_on

ENTERPRISE_SELECT_LIMIT = 1000


def label(name: str, model=Accident):
    return capfirst(model._meta.get_field(name).verbose_name)


def accident_type_choices(blank: str | None = None) -> list:
    """Both national lists as option groups; the report form's script keeps only the list in
    force on the chosen date, and the service refuses a type of the other list."""
    groups: dict[str, list] = {s.value: [] for s in AccidentTypeScheme}
    for t in AccidentType.objects.filter(is_active=True).order_by("scheme", "sort", "id"):
        groups.setdefault(t.scheme, []).append((t.pk, f"{t.code} {t.name}"))
    out = [("", blank)] if blank is not None else []
    out += [(str(AccidentTypeScheme(scheme).label), items) for scheme, items in groups.items() if items]
    return out


# --- the ledger's filters --------------------------------------------------------------------

class SelectOne(forms.Select):
    """A single select whose value reads as a list, for a multiple-choice filter shown as one select."""

    def value_from_datadict(self, data, files, name):
        getlist = getattr(data, "getlist", None)
        values = getlist(name) if getlist else [data.get(name)]
        return [v for v in values if v]

    def format_value(self, value):
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return super().format_value(value)


class LedgerFilter(AccidentFilter):
    """The API's filters with page widgets: a region select in scope, date inputs, type groups."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        form = self.form
        form.fields["region"] = RegionCodeField(user, label=_("Region"))
        for name in ("occurred_from", "occurred_to"):
            form.fields[name].widget = DateInput()
        form.fields["accident_type"] = forms.TypedChoiceField(
            label=_("Accident type"), required=False, coerce=int, empty_value=None,
            choices=accident_type_choices(blank="—"))
        for name in ("grade", "state", "flag"):
            # One choice each on the page (a select); the API accepts several.
            field = form.fields[name]
            choices = list(field.choices)
            form.fields[name] = forms.MultipleChoiceField(label=field.label, required=False, choices=choices,
                                                          widget=SelectOne())
            # After the field's own choices (which it copies onto its widget): a blank first option.
            form.fields[name].widget.choices = [("", "—"), *choices]
        for name in ("enterprise", "industry"):
            form.fields[name].widget = forms.HiddenInput()


# --- reporting an accident -------------------------------------------------------------------

class AccidentForm(Form):
    """生产安全事故报告: when and where, the enterprise (none for road and public-place accidents),
    category and type, the casualties and loss, what happened, and the first links of the
    reporting chain. For a correction, also the reason."""

    occurred_at = forms.DateTimeField(label=label("occurred_at"), widget=DateTimeLocalInput())
    region = forms.ChoiceField(label=label("region"))
    address = forms.CharField(label=label("address"), max_length=200)
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"), required=False,
                                        empty_label=_("None (road or public place)"))
    category = forms.ChoiceField(label=label("category"), choices=AccidentCategory.choices,
                                 initial=AccidentCategory.INDUSTRIAL)
    accident_type = forms.TypedChoiceField(
        label=label("accident_type"), coerce=int,
        help_text=_("GB 6441-1986 for accidents before 2026-07-01, GB 6441-2025 from that day."))
    deaths = forms.IntegerField(label=label("deaths"), min_value=0, initial=0)
    missing = forms.IntegerField(label=label("missing"), min_value=0, initial=0,
                                 help_text=_("Entered apart from the deaths; counted with them for the grade and "
                                             "the statistics unless the setting counts them apart."))
    serious_injuries = forms.IntegerField(label=label("serious_injuries"), min_value=0, initial=0,
                                          help_text=_("Including acute industrial poisoning."))
    minor_injuries = forms.IntegerField(label=label("minor_injuries"), min_value=0, initial=0)
    direct_loss_yuan = forms.DecimalField(label=label("direct_loss_yuan"), min_value=Decimal(0), max_digits=16,
                                          decimal_places=2, initial=0, help_text=_("In yuan: 1000万 = 10000000."))
    longitude = forms.DecimalField(label=label("longitude"), required=False, max_digits=9, decimal_places=6,
                                   min_value=-180, max_value=180)
    latitude = forms.DecimalField(label=label("latitude"), required=False, max_digits=9, decimal_places=6,
                                  min_value=-90, max_value=90)
    summary = forms.CharField(label=label("summary"), widget=forms.Textarea(attrs={"rows": 3}))
    preliminary_cause = forms.CharField(label=label("preliminary_cause"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    learned_at = forms.DateTimeField(label=label("learned_at"), required=False, widget=DateTimeLocalInput())
    reported_to_government_at = forms.DateTimeField(label=label("reported_to_government_at"), required=False,
                                                    widget=DateTimeLocalInput(),
                                                    help_text=_("Within 1 hour of the unit head learning of it."))
    reported_to_department = forms.CharField(label=label("reported_to_department"), max_length=100, required=False)
    reporter_name = forms.CharField(label=label("reporter_name"), max_length=50, required=False)
    files = MultipleFileField(label=_("Documents and photos"))

    wide_fields = ("summary", "preliminary_cause", "files", "reason")
    MODEL_FIELDS = ("occurred_at", "address", "category", "deaths", "missing", "serious_injuries",
                    "minor_injuries", "direct_loss_yuan", "longitude", "latitude", "summary", "preliminary_cause",
                    "learned_at", "reported_to_government_at", "reported_to_department", "reporter_name")

    def __init__(self, *args, user, accident: Accident | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.accident = accident
        self.fields["region"] = RegionCodeField(user, label=label("region"), required=True)
        self.fields["region"].choices = region_choices(user, empty_label=_("Choose the region"))
        self.fields["accident_type"].choices = accident_type_choices(blank=_("Choose the accident type"))
        scope = scope_of(user)
        enterprises = Enterprise.objects.for_user(user).select_related("region").order_by("region_path", "name")
        field = self.fields["enterprise"]
        field.label_from_instance = lambda e: f"{e.name}（{e.region.name}）"
        if scope.kind == ENTERPRISE_SCOPE:
            field.queryset = enterprises.filter(pk=scope.enterprise_id)
            field.initial, field.disabled, field.required, field.empty_label = scope.enterprise_id, True, True, None
            own = field.queryset.first()
            if own is not None:
                self.fields["region"].initial = own.region.code
        elif enterprises.count() > ENTERPRISE_SELECT_LIMIT:
            self.fields["enterprise"] = forms.CharField(
                label=_("Enterprise"), max_length=200, required=False,
                help_text=_("Type the unified social credit code or the exact name; leave empty for none."))
        else:
            field.queryset = enterprises
        self._enterprises = enterprises
        if accident is not None:
            self.fields["reason"] = forms.CharField(label=_("Reason for the correction"), max_length=bounds.REASON_MAX,
                                                    widget=forms.Textarea(attrs={"rows": 2}))
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            del self.fields["files"]
            if not self.is_bound:
                self.initial.update({name: getattr(accident, name) for name in self.MODEL_FIELDS})
                self.initial.update(region=accident.region.code, enterprise=accident.enterprise_id,
                                    accident_type=accident.accident_type_id, version=accident.version)

    def clean_enterprise(self):
        value = self.cleaned_data.get("enterprise")
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            found = self._enterprises.filter(credit_code=value).first() or self._enterprises.filter(
                name=value).first()
            if found is None:
                raise forms.ValidationError(_("No enterprise with this code or name in your jurisdiction."))
            return found
        return value

    def service_data(self) -> dict:
        """The cleaned values as the service takes them (model instances for the relations)."""
        data = {name: self.cleaned_data.get(name) for name in self.MODEL_FIELDS}
        for name in ("preliminary_cause", "reported_to_department", "reporter_name"):
            data[name] = data[name] or ""
        data["region"] = Region.objects.filter(code=self.cleaned_data["region"]).first()
        data["enterprise"] = self.cleaned_data.get("enterprise")
        data["accident_type"] = AccidentType.objects.filter(pk=self.cleaned_data["accident_type"]).first()
        return data


# --- actions on one accident -----------------------------------------------------------------

class ActionForm(Form):
    """An action on one accident: carries the version of the accident the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    wide_fields: tuple[str, ...] = ()

    def __init__(self, *args, accident: Accident, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", accident.version)
        super().__init__(*args, **kwargs)
        self.accident = accident


class CasualtyUpdateForm(ActionForm):
    as_of = forms.DateTimeField(label=_("As of"), widget=DateTimeLocalInput())
    deaths = forms.IntegerField(label=label("deaths"), min_value=0)
    missing = forms.IntegerField(label=label("missing"), min_value=0)
    serious_injuries = forms.IntegerField(label=label("serious_injuries"), min_value=0)
    minor_injuries = forms.IntegerField(label=label("minor_injuries"), min_value=0)
    direct_loss_yuan = forms.DecimalField(label=label("direct_loss_yuan"), min_value=Decimal(0), max_digits=16,
                                          decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wide_fields = ("note",)

    def __init__(self, *args, accident: Accident, **kwargs):
        kwargs.setdefault("initial", {})
        for name in ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss_yuan"):
            kwargs["initial"].setdefault(name, getattr(accident, name))
        super().__init__(*args, accident=accident, **kwargs)


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class FollowUpForm(ActionForm):
    """续报: when, by whom, the situation and the casualties as reported now (prefilled with the
    accident's current figures; a changed figure is recorded as a casualty update, 补报)."""

    reported_at = forms.DateTimeField(label=_("Reported at"), widget=DateTimeLocalInput())
    reported_by = forms.CharField(label=_("Reported by (unit or person)"), max_length=100, required=False)
    text = forms.CharField(label=_("Situation reported"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Rescue progress, new developments, measures taken."))
    deaths = forms.IntegerField(label=_("Deaths (not counting the missing)"), min_value=0)
    missing = forms.IntegerField(label=label("missing"), min_value=0)
    serious_injuries = forms.IntegerField(label=label("serious_injuries"), min_value=0)
    minor_injuries = forms.IntegerField(label=label("minor_injuries"), min_value=0,
                                        help_text=_("A changed figure is recorded as a casualty update (补报)."))
    wide_fields = ("text",)

    def __init__(self, *args, accident: Accident, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("reported_at", _now_minute())
        for name in ("deaths", "missing", "serious_injuries", "minor_injuries"):
            kwargs["initial"].setdefault(name, getattr(accident, name))
        super().__init__(*args, accident=accident, **kwargs)


class SituationStableForm(ActionForm):
    stable_at = forms.DateTimeField(label=_("Stable since"), widget=DateTimeLocalInput())
    note = forms.CharField(label=_("Situation"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("For example: rescue finished, nobody missing any more, the site is "
                                       "under control."))
    wide_fields = ("note",)

    def __init__(self, *args, accident: Accident, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("stable_at", _now_minute())
        super().__init__(*args, accident=accident, **kwargs)


class ExtendReportForm(ActionForm):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1)
    reason = forms.CharField(label=_("Reason and approval"), max_length=bounds.REASON_MAX,
                             help_text=_("Approved by the government in charge of the investigation, in special "
                                         "cases (Regulation Art. 29)."))

    def __init__(self, *args, accident: Accident, **kwargs):
        super().__init__(*args, accident=accident, **kwargs)
        most = time_limit_on(local_day(accident.occurred_at)).max_extension_days
        self.fields["days"].max_value = most
        self.fields["days"].validators.append(MaxValueValidator(most))
        self.fields["days"].widget.attrs["max"] = most


class ReportingStepForm(ActionForm):
    level = forms.ChoiceField(label=_("Level"),
                              choices=[c for c in ReportingLevel.choices if c[0] != ReportingLevel.UNIT_HEAD])
    received_at = forms.DateTimeField(label=_("Received at"), widget=DateTimeLocalInput())
    passed_on_at = forms.DateTimeField(label=_("Passed on at"), required=False, widget=DateTimeLocalInput(),
                                       help_text=_("Within 2 hours of receiving it, up to the level the grade "
                                                   "requires."))
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    handled_by = forms.CharField(label=_("Handled by"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FlagForm(ActionForm):
    # The definitions are shown above the form (action.html), not repeated as help text.
    kind = forms.ChoiceField(label=_("Kind"), choices=FlagKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence"))
    wide_fields = ("kind", "note", "files")


class FlagDecisionForm(ActionForm):
    decision = forms.ChoiceField(label=pgettext_lazy("accident", "Decision"), choices=[("confirm", _("Confirm")),
                                                               ("retract", _("Retract"))],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required when retracting."))
    wide_fields = ("comment",)


class InvestigationForm(ActionForm):
    leader = forms.CharField(label=_("Team leader"), max_length=50, required=False)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput(), required=False)
    members = forms.CharField(label=_("Team members"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    departments = forms.CharField(label=_("Participating departments"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    cause = forms.CharField(label=_("Direct and indirect causes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    nature = forms.CharField(label=_("Nature of the accident"), max_length=100, required=False,
                             help_text=_("For example: a liability accident."))
    conclusion = forms.CharField(label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("members", "departments", "cause", "conclusion")

    def __init__(self, *args, accident: Accident, **kwargs):
        inv = getattr(accident, "investigation", None) if hasattr(accident, "investigation") else None
        if inv is not None:
            kwargs.setdefault("initial", {})
            for name in ("leader", "started_on", "members", "departments", "cause", "nature", "conclusion"):
                kwargs["initial"].setdefault(name, getattr(inv, name))
        super().__init__(*args, accident=accident, **kwargs)


class SubmitReportForm(ActionForm):
    submitted_on = forms.DateField(label=_("Report submitted on"), widget=DateInput())
    cause = forms.CharField(label=_("Direct and indirect causes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    nature = forms.CharField(label=_("Nature of the accident"), max_length=100, required=False)
    conclusion = forms.CharField(label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Investigation report"))
    wide_fields = ("cause", "conclusion", "files")


class ExtendApprovalForm(ActionForm):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Reason"), max_length=bounds.REASON_MAX)


class ApproveReportForm(ActionForm):
    approved_on = forms.DateField(label=_("Approved on"), widget=DateInput())
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wide_fields = ("comment",)


class RectificationForm(ActionForm):
    problem = forms.CharField(label=_("Problem exposed"), widget=forms.Textarea(attrs={"rows": 2}))
    measures = forms.CharField(label=_("Rectification required"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    responsible_unit = forms.CharField(label=_("Responsible unit"), max_length=100)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    listing_level = forms.ChoiceField(label=_("Listed supervision level"), required=False,
                                      choices=[("", _("Not listed")), *ListingLevel.choices])
    listing_unit = forms.CharField(label=_("Supervising unit"), max_length=100, required=False)
    wide_fields = ("problem", "measures")


class RectifyForm(ActionForm):
    rectification = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence"))
    wide_fields = ("note", "files")


class VerifyForm(ActionForm):
    rectification = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wide_fields = ("comment",)


class AccountabilityForm(ActionForm):
    person_name = forms.CharField(label=_("Person or unit"), max_length=100)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=100, required=False)
    measure = forms.ChoiceField(label=_("Measure"), choices=AccountabilityMeasure.choices)
    fine_yuan = forms.DecimalField(label=_("Fine (yuan)"), required=False, min_value=Decimal(0), max_digits=14,
                                   decimal_places=2)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput(), required=False)
    decided_by_unit = forms.CharField(label=_("Decided by"), max_length=100, required=False)
    detail = forms.CharField(label=_("Detail"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wide_fields = ("detail",)


class VoidForm(ActionForm):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=bounds.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: reported twice, or entered by mistake."))
    wide_fields = ("reason",)


"""Forms of the enterprise pages: the registry form, status change, supervision plate, void,
and the list's filter bar. Forms only collect and check input; saving goes through
``enterprises.services`` (and ``core.services.void_record``), whose ValidationErrors are put
back onto the form fields with ``core.forms.add_service_errors``.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import (  # noqa: F401 -- the views import it here
    DateInput,
    Form,
    ModelForm,
    add_service_errors,
)
from anjian.core.paths import subtree_q
from anjian.core.workflow import available_steps
from anjian.orgs.choices import Role
from anjian.orgs.models import Department, User
from anjian.regions.fields import RegionCodeField, township_label, township_queryset
from anjian.regions.models import Grid, Region

from .choices import OPERATING_STATUS_MACHINE, STATUS_STEPS, HighRiskBasis, OperatingStatus
from .fields import industry_label, industry_queryset
from .filters import EnterpriseFilter
from .models import Enterprise, FeatureTag
from .policy import policy
from .services import SELF_SERVICE_FIELDS

# Above this many grids a grid <select> becomes unwieldy; the filter then takes a grid code.
GRID_SELECT_LIMIT = 400


class GridSelect(forms.Select):
    """Grid options carry their township, so app.js can show only the chosen township's grids."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-parent"] = str(instance.township_id)
        return option


class OfficerSelect(forms.Select):
    """Officer options carry name and phone, so app.js can fill the officer fields."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-name"] = instance.name or instance.username
            option["attrs"]["data-phone"] = instance.phone
        return option


def tag_queryset(enterprise: Enterprise | None = None):
    """The feature tags one may give: the active ones, and those the enterprise already has."""
    keep = Q(is_active=True)
    if enterprise is not None and enterprise.pk:
        keep |= Q(links__enterprise=enterprise)
    return FeatureTag.objects.filter(keep).distinct().order_by("sort", "code")


# The high-risk flag and its basis as one choice: follow the industry, or a person's yes / no.
HIGH_RISK_CHOICES = [
    ("industry", _("From the industry")),
    ("yes", _("High-risk (set by hand)")),
    ("no", _("Not high-risk (set by hand)")),
]


def high_risk_choice(enterprise: Enterprise) -> str:
    if enterprise.high_risk_basis == HighRiskBasis.INDUSTRY:
        return "industry"
    return "yes" if enterprise.high_risk else "no"


class EnterpriseForm(ModelForm):
    """The registry fields of an enterprise, its high-risk basis and its feature tags.
    Township, grid and industry are limited to the user's jurisdiction; the service checks
    placement again on save."""

    high_risk_choice = forms.ChoiceField(
        label=_("High-risk"), choices=HIGH_RISK_CHOICES, initial="industry",
        help_text=_("From the industry: the flag follows the industry's (the industry list names the law "
                    "behind it). Set by hand: for an enterprise its industry does not describe, e.g. a "
                    "non-ferrous smelter."))
    tags = forms.ModelMultipleChoiceField(
        label=_("Feature tags"), queryset=FeatureTag.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Features campaigns and statistics select enterprises by."))

    class Meta:
        model = Enterprise
        fields = [
            "name", "credit_code", "industry", "region", "grid", "address",
            "legal_representative", "principal_name", "principal_phone",
            "safety_manager_name", "safety_manager_phone",
            "employees", "above_scale", "established_on", "longitude", "latitude",
        ]
        widgets = {
            "established_on": DateInput(),
            "grid": GridSelect(attrs={"data-depends-on": "id_region"}),
            "credit_code": forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off", "spellcheck": "false",
                                                  "class": "mono"}),
            "principal_phone": forms.TextInput(attrs={"type": "tel"}),
            "safety_manager_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "credit_code": _("18 characters, GB 32100; the check character is verified."),
            "grid": _("Only the grids of the chosen township are listed."),
            "latitude": _("Decimal degrees, e.g. 30.123456"),
            "longitude": _("Decimal degrees, e.g. 120.123456"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        region = self.fields["region"]
        region.queryset = township_queryset(user)
        region.label_from_instance = township_label
        region.empty_label = _("Choose the township")
        grid = self.fields["grid"]
        grid.queryset = Grid.objects.for_user(user).select_related("township").order_by("code")
        grid.empty_label = _("No grid")
        industry = self.fields["industry"]
        industry.queryset = industry_queryset(user)
        industry.label_from_instance = industry_label
        industry.empty_label = _("Choose the industry")
        instance = self.instance if self.instance.pk else None
        self.fields["tags"].queryset = tag_queryset(instance)
        if instance is not None:
            self.initial.setdefault("high_risk_choice", high_risk_choice(instance))
            self.initial.setdefault("tags", [t.pk for t in instance.tags.all()])
        # An enterprise's own users keep only their contacts and size up to date; the rest is
        # the regulator's record (the service enforces it; the form shows it).
        self.self_service = getattr(user, "role", None) == Role.ENTERPRISE and not user.is_superuser
        if self.self_service:
            for name, field in self.fields.items():
                if name not in SELF_SERVICE_FIELDS:
                    field.disabled = True

    def clean_credit_code(self):
        # People paste codes with spaces or in lower case; the stored form is upper case.
        return (self.cleaned_data.get("credit_code") or "").strip().replace(" ", "").upper()

    def clean_name(self):
        return (self.cleaned_data.get("name") or "").strip()

    def clean(self):
        cleaned = super().clean()
        region, grid = cleaned.get("region"), cleaned.get("grid")
        if region and grid and grid.township_id != region.pk:
            self.add_error("grid", _("The grid must belong to the chosen township."))
        return cleaned

    def service_data(self) -> dict:
        """What the service takes: the model fields, the high-risk basis (and the flag when set
        by hand) and the tags."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        choice = self.cleaned_data["high_risk_choice"]
        if choice == "industry":
            data["high_risk_basis"] = HighRiskBasis.INDUSTRY
        else:
            data.update(high_risk_basis=HighRiskBasis.MANUAL, high_risk=choice == "yes")
        data["tags"] = list(self.cleaned_data["tags"])
        return data

    def changed_service_data(self, enterprise: Enterprise) -> dict:
        """``service_data`` without what equals the stored enterprise (so a re-submitted form, or
        a code typed in lower case, writes no empty history version)."""
        data = self.service_data()
        changed = {name: value for name, value in data.items()
                   if name not in {"tags", "high_risk", "high_risk_basis"} and getattr(enterprise, name) != value}
        if self.cleaned_data["high_risk_choice"] != high_risk_choice(enterprise):
            changed.update({k: data[k] for k in ("high_risk", "high_risk_basis") if k in data})
        if {t.pk for t in data["tags"]} != {t.pk for t in enterprise.tags.all()}:
            changed["tags"] = data["tags"]
        return changed


class StatusForm(Form):
    """Operating status change: only the statuses the steps available to the user lead to
    (``OPERATING_STATUS_MACHINE``) are offered. The date may not be in the future (the
    service's rule, shown on the field)."""

    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Effective date"), required=False, widget=DateInput(),
                         help_text=_("Leave empty for today."))
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Recorded in the enterprise's timeline."))

    wide_fields = ("reason",)

    def __init__(self, *args, enterprise: Enterprise, user, **kwargs):
        super().__init__(*args, **kwargs)
        steps = available_steps(OPERATING_STATUS_MACHINE, policy, user, enterprise)
        allowed = {step.target for step in STATUS_STEPS.values() if step.action in steps}
        self.fields["status"].choices = [(v, label) for v, label in OperatingStatus.choices if v in allowed]


def covering_departments(user, enterprise: Enterprise):
    """Departments in the user's scope whose region contains the enterprise's township."""
    path = enterprise.region_path
    ancestor_paths = [path[:i] for i in range(12, len(path) + 1, 12)]
    return (
        Department.objects.for_user(user).filter(region__path__in=ancestor_paths)
        .select_related("region").order_by("-region__path", "kind", "name")
    )


class SupervisionForm(Form):
    """Hang the supervision plate (一企一牌): department, responsible leader, supervising officer."""

    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Supervising department"),
                                        empty_label=_("Choose the department"))
    leader_name = forms.CharField(label=_("Responsible leader"), max_length=50)
    leader_phone = forms.CharField(label=_("Responsible leader phone"), max_length=30, required=False,
                                   widget=forms.TextInput(attrs={"type": "tel"}))
    officer = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Supervising officer (user account)"), required=False,
        empty_label=_("No user account"),
        widget=OfficerSelect(attrs={"data-fills": '{"name": "id_officer_name", "phone": "id_officer_phone"}'}),
        help_text=_("Optional: link the plate to an officer who logs in."),
    )
    officer_name = forms.CharField(label=_("Supervising officer"), max_length=50, required=False,
                                   help_text=_("Filled from the user account when left empty."))
    officer_phone = forms.CharField(label=_("Supervising officer phone"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel"}))
    started_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    wide_fields = ("note",)

    def __init__(self, *args, user, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = covering_departments(user, enterprise)
        # User rows have no scope of their own: officers are the active members of
        # departments in the user's scope, read through the scoped department queryset.
        self.fields["officer"].queryset = (
            User.objects.filter(department__in=Department.objects.for_user(user), is_active=True)
            .select_related("department").order_by("department__name", "name", "username")
        )
        self.fields["officer"].label_from_instance = (
            lambda u: f"{u.name or u.username} · {u.department.name}" if u.department_id else (u.name or u.username)
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("officer") and not (cleaned.get("officer_name") or "").strip() \
                and "officer_name" not in self.errors:
            self.add_error("officer_name", _("Name the supervising officer, or choose a user account."))
        return cleaned


class VoidForm(Form):
    """Voiding keeps the record (nothing is deleted) but takes it out of every list."""

    reason = forms.CharField(label=_("Reason for voiding"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: registered twice, or entered by mistake."))

    wide_fields = ("reason",)


SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("name", _("Name (ascending)")),
    ("-name", _("Name (descending)")),
    ("-employees", _("Most employees")),
    ("employees", _("Fewest employees")),
]
# Sort keys → order_by; every ordering ends on the primary key so pages are stable.
SORT_ORDERS = {
    "newest": ("-id",),
    "oldest": ("id",),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "employees": ("employees", "id"),
    "-employees": ("-employees", "-id"),
}

YES_NO = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class EnterpriseListFilter(EnterpriseFilter):
    """The API's EnterpriseFilter with UI widgets: selects of the regions, industries and
    grids in the user's scope instead of free-text codes, and a sort field. The values are
    the same codes, so one query string drives the list, the API and the Excel export.

    ``only`` keeps a subset of the filters (the blind-spot page uses region and industry)."""

    def __init__(self, data=None, queryset=None, *, user, only=None, with_sort=True, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.with_sort = with_sort
        if only:
            self.filters = {name: f for name, f in self.filters.items() if name in only}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._shape(super().form)
        return self._form

    def _shape(self, form) -> None:
        fields = form.fields
        if "q" in fields:
            fields["q"] = forms.CharField(
                label=_("Search"), required=False, max_length=100,
                widget=forms.TextInput(attrs={"placeholder": _("Name or credit code"), "type": "search"}))
        if "region" in fields:
            fields["region"] = RegionCodeField(self.user, label=_("Region"))
        if "industry" in fields:
            choices = [("", _("All industries"))]
            choices += [(i.code, industry_label(i)) for i in industry_queryset(self.user)]
            fields["industry"] = forms.ChoiceField(label=_("Industry"), choices=choices, required=False)
        if "grid" in fields:
            fields["grid"] = self._grid_field()
        if "status" in fields:
            fields["status"] = forms.ChoiceField(
                label=_("Status"), required=False, choices=[("", _("Any status")), *OperatingStatus.choices])
        if "tag" in fields:
            fields["tag"] = forms.ChoiceField(
                label=_("Feature tag"), required=False,
                choices=[("", _("All feature tags")), *FeatureTag.objects.order_by("sort", "code")
                         .values_list("code", "name")])
        for name, label in (("above_scale", _("Above designated size")), ("high_risk", _("High-risk")),
                            ("has_supervision", _("Supervision assigned"))):
            if name in fields:
                fields[name] = forms.NullBooleanField(label=label, required=False,
                                                      widget=forms.Select(choices=YES_NO))
        if self.with_sort:
            fields["sort"] = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
        # Put the search box first: it is what people use most.
        if "q" in fields:
            form.fields = {"q": fields.pop("q"), **fields}

    def _grid_field(self):
        grids = Grid.objects.for_user(self.user)
        code = (self.data or {}).get("region")
        if code:
            path = Region.objects.for_user(self.user).filter(code=code).values_list("path", flat=True).first()
            if path:
                grids = grids.filter(subtree_q("region_path", path))
        rows = list(grids.order_by("code").values_list("code", "name")[: GRID_SELECT_LIMIT + 1])
        if len(rows) > GRID_SELECT_LIMIT:
            return forms.CharField(label=_("Grid code"), required=False, max_length=32,
                                   help_text=_("Choose a township to pick from its grids."))
        return forms.ChoiceField(label=_("Grid"), required=False, choices=[("", _("All grids")), *rows])

    def filter_queryset(self, queryset):
        # The form carries fields that are not filters (sort); only filters filter.
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def sort(self) -> str:
        if not self.with_sort or not self.is_bound:
            return "newest"
        self.form.is_valid()  # fills cleaned_data with the fields that are valid
        value = getattr(self.form, "cleaned_data", {}).get("sort") or "newest"
        return value if value in SORT_ORDERS else "newest"

"""The form of reporting a hazard (隐患上报) and the grade's basis it shares with the correction
(a listed criterion of the enterprise's industry, or the general definition of a major hazard).

Forms only collect and check input; every change goes through ``hazards.services``, whose
ValidationErrors are put back next to the fields with ``core.forms.add_service_errors``.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import DateInput, DateTimeLocalInput, Form, MultipleFileField
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.core.uploads import MAX_FILES, upload_limit_label
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.standards.choices import HazardFactor
from anjian.standards.models import CheckItem, MajorHazardCriterion

from .choices import (
    HazardGrade,
    HazardSource,
    MajorDefinitionCondition,
)
from .models import Hazard
from .services import ENTERPRISE_SOURCES, SOURCE_BY_ROLE

# Above this many enterprises in scope an enterprise <select> becomes unwieldy; the report
# form then takes the unified social credit code instead.
ENTERPRISE_SELECT_LIMIT = 1000
# The same for the optional check item.
CHECK_ITEM_SELECT_LIMIT = 1500


def find_enterprise(queryset, value: str | None) -> Enterprise | None:
    """The enterprise of ``queryset`` (one's jurisdiction) with this unified social credit code or
    exact name, None if there is none: how a page takes an enterprise typed in."""
    value = (value or "").strip()
    return queryset.filter(credit_code=value.replace(" ", "").upper()).first() or queryset.filter(name=value).first()


def field_label(name: str):
    """The model field's verbose name, capitalised, as a form label."""
    from django.utils.text import capfirst

    return capfirst(Hazard._meta.get_field(name).verbose_name)


# --- reporting a hazard ---------------------------------------------------------------------

def criterion_choices(industry_code: str | None = None, rows=None) -> list:
    """Major-hazard criteria grouped by their document (<optgroup> per document): ``rows``, else
    those that apply to the industry today when it is known, else every criterion in force today
    (``criteria_in_force``; the page narrows them to the chosen enterprise's)."""
    if rows is None:
        rows = criteria_in_force(industry_code)
    groups: dict[str, list] = {}
    for c in rows:
        label = " ".join(p for p in (c.item_no, c.text) if p)
        if len(label) > 90:
            label = label[:89] + "…"
        groups.setdefault(c.document.title, []).append((str(c.pk), f"{c.code} · {label}"))
    return [("", _("Choose the criterion met")), *groups.items()]


def check_item_choices(enterprise: Enterprise | None) -> list | None:
    """Active check items grouped by checklist, limited to the enterprise's industry (and the
    general checklists) when it is known. None when there are too many for one select."""
    qs = CheckItem.objects.filter(is_active=True, checklist__is_active=True).select_related("checklist")
    # The library's checklists, plus the enterprise's own (generated from its risk controls).
    qs = qs.filter(Q(checklist__enterprise__isnull=True)
                   | Q(checklist__enterprise=enterprise if enterprise is not None else None))
    if enterprise is not None:
        code = enterprise.industry.code
        prefixes = [code[:i] for i in range(2, len(code) + 1, 2)]
        qs = qs.filter(Q(checklist__industry__isnull=True) | Q(checklist__industry__code__in=prefixes))
    rows = list(qs.order_by("checklist__code", "sort", "id")[: CHECK_ITEM_SELECT_LIMIT + 1])
    if len(rows) > CHECK_ITEM_SELECT_LIMIT:
        return None
    groups: dict[str, list] = {}
    for item in rows:
        text = item.content if len(item.content) <= 80 else item.content[:79] + "…"
        label = f"{item.item_no} {text}".strip()
        groups.setdefault(str(item.checklist), []).append((str(item.pk), label))
    return [("", _("None")), *groups.items()]


# --- issue #10 (h/loop1): criteria by industry and the general definition ----------------------

GRADE_HELP = _("A major hazard meets an item of the official major-hazard criteria or, when no item names it, "
               "the general definition of a major hazard.")
MAJOR_BASIS_CRITERION = "criterion"
MAJOR_BASIS_DEFINITION = "definition"


def criteria_in_force(industry_code: str | None = None):
    """The criteria a hazard reported today may name: those applying to an enterprise of the
    industry (standards.selectors.criteria_for_industries), or, with no industry yet (no
    enterprise chosen), every active criterion of a document in force today."""
    from anjian.standards.selectors import criteria_for_industries
    from anjian.standards.services import in_force_q

    today = timezone.localdate()
    if industry_code:
        return list(criteria_for_industries([industry_code], on=today).select_related("industry"))
    return list(MajorHazardCriterion.objects.filter(in_force_q(today, "document__"), is_active=True,
                                                    document__is_active=True)
                .select_related("document", "industry").order_by("document__code", "sort", "id"))


def criteria_industry_map(criteria) -> dict[str, dict]:
    """Criterion id → the industries its document applies to (``docs``, empty: every industry) and
    the one sub-sector it is limited to (``sector``), for the page to narrow the select to the
    chosen enterprise's criteria with the same rule as the service (one query for the documents'
    industries; the criteria come with their document and sub-sector)."""
    from anjian.standards.models import CriteriaDocument

    doc_ids = {c.document_id for c in criteria}
    through = CriteriaDocument.industries.through.objects.filter(criteriadocument_id__in=doc_ids)
    codes: dict[int, list[str]] = {}
    for doc_id, code in through.values_list("criteriadocument_id", "industry__code"):
        codes.setdefault(doc_id, []).append(code)
    out = {}
    for c in criteria:
        # as standards.selectors.criteria_for_industries: only a cross-industry document applies
        # to every industry; a document naming no industry applies to none
        across = c.document.cross_industry
        out[str(c.pk)] = {"docs": [] if across else sorted(codes.get(c.document_id, ["-"])),
                          "sector": c.industry.code if c.industry_id else ""}
    return out


class MajorBasisFields(Form):
    """The grade's basis on the report and correction forms: a listed criterion (offered by the
    enterprise's industry), or — when no listed item names the hazard — the general definition
    of a major hazard (国家安监总局令第16号 第三条): which of its two conditions, and why."""

    major_basis = forms.ChoiceField(
        label=_("Why it is major"), required=False, widget=forms.RadioSelect, initial=MAJOR_BASIS_CRITERION,
        choices=[(MAJOR_BASIS_CRITERION, _("It meets an item of the major-hazard criteria")),
                 (MAJOR_BASIS_DEFINITION, _("No listed item names it: the general definition of a major hazard"))])
    criterion = forms.TypedChoiceField(label=_("Major-hazard criterion met"), required=False, coerce=int,
                                       empty_value=None,
                                       help_text=_("Only the items that apply to the enterprise's industry, and "
                                                   "those that apply to every industry."))
    definition_condition = forms.ChoiceField(
        label=_("Condition of the general definition"), required=False,
        choices=[("", _("Choose the condition met")), *MajorDefinitionCondition.choices],
        help_text=_("《安全生产事故隐患排查治理暂行规定》(国家安全生产监督管理总局令第16号) Article 3. The grade holds "
                    "once a regulator confirms it."))
    definition_justification = forms.CharField(
        label=_("Why the general definition is met"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which production must stop and for how long, or which outside factor keeps the enterprise "
                    "from removing it."))

    def _init_major_basis(self, industry_code: str | None) -> None:
        """Offer the criteria of ``industry_code`` (None: every one in force, for the page to
        narrow), with what the page narrows them by."""
        self._offered = criteria_in_force(industry_code)
        self.fields["criterion"].choices = criterion_choices(rows=self._offered)
        self.criteria_industries = criteria_industry_map(self._offered)
        self.fixed_industry = industry_code or ""

    def clean_criterion(self):
        pk = self.cleaned_data.get("criterion")
        return MajorHazardCriterion.objects.filter(pk=pk).first() if pk else None

    def _clean_major_basis(self, cleaned: dict) -> None:
        """Keeps only the basis chosen (a criterion, or the definition's condition and reason)."""
        grade = cleaned.get("grade")
        basis = cleaned.get("major_basis") or MAJOR_BASIS_CRITERION
        justification = (cleaned.get("definition_justification") or "").strip()
        if grade != HazardGrade.MAJOR:
            # Whatever was left chosen while switching back to general.
            cleaned.update(criterion=None, definition_condition="", definition_justification="")
            return
        if basis == MAJOR_BASIS_DEFINITION:
            cleaned["criterion"] = None
            if not cleaned.get("definition_condition") and "definition_condition" not in self.errors:
                self.add_error("definition_condition", _("Choose the condition of the general definition that the "
                                                         "hazard meets."))
            if not justification and "definition_justification" not in self.errors:
                self.add_error("definition_justification", _("Say why the hazard meets this condition."))
            cleaned["definition_justification"] = justification
            return
        cleaned.update(definition_condition="", definition_justification="")
        if cleaned.get("criterion") is None and "criterion" not in self.errors:
            self.add_error("criterion", _("A major hazard must name the major-hazard criterion it meets."))


class HazardReportForm(MajorBasisFields):
    """隐患上报: the enterprise (in the user's scope; an enterprise user's own is fixed), where and
    what, the factor class and grade, the criterion for a major hazard (or the general
    definition's condition and reason), when found, the rectification deadline and photos."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("Enterprise"),
                                        empty_label=_("Choose the enterprise"))
    location = forms.CharField(label=field_label("location"), max_length=200,
                               help_text=_("Workshop, installation, post or area."))
    description = forms.CharField(label=_("Description of the hazard"), widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What is wrong, as seen on site."))
    category = forms.ChoiceField(label=field_label("category"), choices=HazardFactor.choices,
                                 initial=HazardFactor.MANAGEMENT)
    grade = forms.ChoiceField(label=field_label("grade"), choices=HazardGrade.choices, initial=HazardGrade.GENERAL,
                              help_text=GRADE_HELP)
    check_item = forms.TypedChoiceField(label=_("Check item"), required=False, coerce=int, empty_value=None,
                                        help_text=_("Optional: the check item of the standard that failed."))
    source = forms.ChoiceField(label=pgettext_lazy("hazard", "Source"), choices=HazardSource.choices, required=False)
    finder_name = forms.CharField(label=_("Found by"), max_length=50, required=False,
                                  help_text=_("Leave empty to record yourself."))
    found_at = forms.DateTimeField(label=field_label("found_at"), widget=DateTimeLocalInput())
    deadline = forms.DateField(label=field_label("deadline"), widget=DateInput())
    photos = MultipleFileField(label=_("Photos"), images_only=True)

    wide_fields = ("description", "criterion", "definition_justification", "photos")

    def __init__(self, *args, user, enterprise: Enterprise | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        scope = scope_of(user)
        enterprises = Enterprise.objects.for_user(user).select_related("region", "industry").order_by("region_path", "name")
        field = self.fields["enterprise"]
        self.fixed_enterprise = None
        if scope.kind == ENTERPRISE_SCOPE:
            # An enterprise user reports for its own enterprise only.
            own = enterprises.filter(pk=scope.enterprise_id).first()
            self.fixed_enterprise = own
            field.queryset = enterprises.filter(pk=scope.enterprise_id)
            field.initial = own.pk if own else None
            field.disabled = True
            field.empty_label = None
        elif enterprises.count() > ENTERPRISE_SELECT_LIMIT:
            self.fields["enterprise"] = forms.CharField(
                label=_("Enterprise"), max_length=200,
                initial=enterprise.credit_code if enterprise is not None else None,
                help_text=_("There are too many enterprises in your jurisdiction for a list: type the "
                            "unified social credit code or the exact name."))
        else:
            field.queryset = enterprises
            field.label_from_instance = lambda e: f"{e.name}（{e.region.name}）"
            if enterprise is not None:
                field.initial = enterprise.pk
        self._enterprise_qs = enterprises

        # The criteria of the enterprise's industry when it is known before anything is posted;
        # a posted form offers all in force, and the service names the field if one does not apply.
        known = self.fixed_enterprise or enterprise
        self._init_major_basis(known.industry.code if known is not None and not self.is_bound else None)
        self.enterprise_industries = self._enterprise_industry_map(field)
        items = check_item_choices(self.fixed_enterprise or enterprise)
        if items is None:
            self.fields["check_item"] = forms.IntegerField(label=_("Check item number (ID)"), required=False,
                                                           min_value=1)
        else:
            self.fields["check_item"].choices = items
        # The limit as the settings have it now (core.uploads).
        self.fields["photos"].help_text = _("Several photos can be chosen at once (at most %(n)s, %(max)s each).") \
            % {"n": MAX_FILES, "max": upload_limit_label()}
        self.fields["found_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["deadline"].initial = timezone.localdate() + timezone.timedelta(days=15)
        role = getattr(user, "role", None)
        if role == Role.ENTERPRISE and not getattr(user, "is_system_admin", False):
            self.fields["source"].choices = [(v, lbl) for v, lbl in HazardSource.choices if v in ENTERPRISE_SOURCES]
        self.fields["source"].initial = SOURCE_BY_ROLE.get(role, HazardSource.GOVERNMENT)

    def clean_enterprise(self):
        value = self.cleaned_data.get("enterprise")
        if isinstance(value, str):  # the typed variant: credit code or exact name
            found = find_enterprise(self._enterprise_qs, value)
            if found is None:
                raise forms.ValidationError(_("No enterprise in your jurisdiction has this code or name."))
            return found
        return value

    def _enterprise_industry_map(self, field) -> dict[str, str]:
        """Enterprise id → industry code, for the page to narrow the criteria to the enterprise
        chosen in the select (one query; none when the enterprise is typed in)."""
        if not isinstance(field, forms.ModelChoiceField):
            return {}
        return {str(pk): code for pk, code in field.queryset.values_list("pk", "industry__code")}

    def clean_check_item(self):
        pk = self.cleaned_data.get("check_item")
        if not pk:
            return None
        item = CheckItem.objects.filter(pk=pk, is_active=True).first()
        if item is None:
            raise forms.ValidationError(_("There is no active check item with this number."))
        return item

    def clean(self):
        cleaned = super().clean()
        self._clean_major_basis(cleaned)
        return cleaned

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in
                ("location", "description", "category", "grade", "criterion", "check_item", "found_at", "deadline",
                 "definition_condition", "definition_justification")}
        name = (self.cleaned_data.get("finder_name") or "").strip()
        if name:
            data["finder_name"] = name
        return data

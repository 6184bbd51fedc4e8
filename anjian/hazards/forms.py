"""Forms of the hazard pages: reporting a hazard (隐患上报), one small form per step of the
closed loop, the rectification notice (整改通知单), and the filter bars of the ledger and the
listed supervisions.

Forms only collect and check input; every change goes through ``hazards.services``, whose
ValidationErrors are put back next to the fields with ``add_service_errors``. Every step form
carries the hazard's ``version`` (hidden) so a step taken on a stale page is refused (409)
instead of overwriting what someone else did meanwhile.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import YES_NO, DateInput, DateTimeLocalInput, FilterBarMixin, MultipleFileField
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.core.uploads import MAX_FILES, upload_limit_label
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role
from anjian.orgs.models import Department
from anjian.standards.choices import HazardFactor
from anjian.standards.models import CheckItem, MajorHazardCriterion

from .choices import (
    RESULT_REPORT_STATES,
    DualReportRecipient,
    DualReportStage,
    HazardGrade,
    HazardSource,
    HazardState,
    ListingLevel,
    ListingState,
    MajorDefinitionCondition,
    RecheckOutcome,
)
from .filters import HazardFilter, ListedSupervisionFilter
from .models import Hazard
from .services import ENTERPRISE_SOURCES, SOURCE_BY_ROLE, listing_level_for

# Above this many enterprises in scope an enterprise <select> becomes unwieldy; the report
# form then takes the unified social credit code instead.
ENTERPRISE_SELECT_LIMIT = 1000
# The same for the optional check item.
CHECK_ITEM_SELECT_LIMIT = 1500


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


class MajorBasisFields(forms.Form):
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
    source = forms.ChoiceField(label=_("Source"), choices=HazardSource.choices, required=False)
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
            value = value.strip()
            found = (self._enterprise_qs.filter(credit_code=value.replace(" ", "").upper()).first()
                     or self._enterprise_qs.filter(name=value).first())
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


# --- the steps of the loop --------------------------------------------------------------------

class StepForm(forms.Form):
    """A step on one hazard: carries the version of the hazard the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, label=_("Version"))
    wide_fields: tuple[str, ...] = ()

    def __init__(self, *args, hazard: Hazard, user=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", hazard.version)
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.user = user


def _comment(label=None, *, required=False, help_text=""):
    return forms.CharField(label=label or _("Comment"), required=required, max_length=2000, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 3}))


class CommentStepForm(StepForm):
    comment = _comment()
    wide_fields = ("comment",)


class SubmitRectificationForm(StepForm):
    note = _comment(_("What was done"), required=True,
                    help_text=_("The measures taken; the reviewer reads this with the evidence."))
    files = MultipleFileField(label=_("Evidence (photos, documents)"),
                              help_text=_("Photos after rectification, invoices, test reports."))
    wide_fields = ("note", "files")


class AcceptForm(StepForm):
    comment = _comment(_("Acceptance opinion"))
    files = MultipleFileField(label=_("Acceptance photos or documents"))
    wide_fields = ("comment", "files")


class RefuseAcceptanceForm(StepForm):
    reason = _comment(_("Why the rectification is not accepted"), required=True)
    wide_fields = ("reason",)


class PlanForm(StepForm):
    """The 五落实 plan: responsibility, measures, funds, time limit, contingency plan."""

    plan_responsible = forms.CharField(label=field_label("plan_responsible"), max_length=50, required=False)
    plan_funds = forms.DecimalField(label=field_label("plan_funds"), max_digits=14, decimal_places=2,
                                    min_value=0, required=False)
    plan_deadline = forms.DateField(label=field_label("plan_deadline"), required=False, widget=DateInput())
    plan_measures = forms.CharField(label=field_label("plan_measures"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    plan_contingency = forms.CharField(label=field_label("plan_contingency"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    wide_fields = ("plan_measures", "plan_contingency")

    def __init__(self, *args, hazard: Hazard, **kwargs):
        kwargs.setdefault("initial", {})
        for name in ("plan_responsible", "plan_funds", "plan_deadline", "plan_measures", "plan_contingency"):
            kwargs["initial"].setdefault(name, getattr(hazard, name))
        super().__init__(*args, hazard=hazard, **kwargs)
        if hazard.is_major:
            for name in hazard.missing_plan_fields():
                self.fields[name].widget.attrs["class"] = "missing"

    def plan(self) -> dict:
        return {name: value if value is not None else None
                for name, value in self.cleaned_data.items() if name.startswith("plan_")}


class CorrectForm(StepForm, MajorBasisFields):
    """更正: correct what was reported while the hazard is still only reported (before
    rectification starts); only the fields that changed are sent to the service."""

    location = forms.CharField(label=field_label("location"), max_length=200)
    description = forms.CharField(label=_("Description of the hazard"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=field_label("category"), choices=HazardFactor.choices)
    grade = forms.ChoiceField(label=field_label("grade"), choices=HazardGrade.choices,
                              help_text=GRADE_HELP)
    finder_name = forms.CharField(label=_("Found by"), max_length=50, required=False)
    found_at = forms.DateTimeField(label=field_label("found_at"), widget=DateTimeLocalInput())
    deadline = forms.DateField(label=field_label("deadline"), widget=DateInput())
    reason = _comment(_("Reason for the correction"), required=True)
    wide_fields = ("description", "criterion", "definition_justification", "reason")

    FIELDS = ("location", "description", "category", "grade", "criterion", "finder_name", "found_at", "deadline",
              "definition_condition", "definition_justification")
    field_order = ["location", "description", "category", "grade", "major_basis", "criterion",
                   "definition_condition", "definition_justification", "finder_name", "found_at", "deadline",
                   "reason"]

    def __init__(self, *args, hazard: Hazard, **kwargs):
        kwargs.setdefault("initial", {})
        for name in self.FIELDS:
            value = getattr(hazard, "criterion_id" if name == "criterion" else name)
            if name == "found_at" and value is not None:
                value = timezone.localtime(value).replace(second=0, microsecond=0)
            kwargs["initial"].setdefault(name, value)
        kwargs["initial"].setdefault("major_basis", MAJOR_BASIS_DEFINITION if hazard.is_major_by_definition
                                     else MAJOR_BASIS_CRITERION)
        super().__init__(*args, hazard=hazard, **kwargs)
        # The criteria of the hazard's industry (and those across industries), as the service checks.
        self._init_major_basis(hazard.industry.code if not self.is_bound else None)
        if hazard.criterion_id and not any(
                str(hazard.criterion_id) == v for _g, opts in self.fields["criterion"].choices[1:] for v, _l in opts):
            # A criterion that no longer applies stays visible, so the correction can move off it.
            self.fields["criterion"].choices = criterion_choices(rows=[hazard.criterion, *self._offered])
        self.enterprise_industries = {}
        self.fixed_industry = hazard.industry.code

    def clean(self):
        cleaned = super().clean()
        self._clean_major_basis(cleaned)
        if not self.errors:
            cleaned["changes"] = self._changes(cleaned)
        return cleaned

    def _changes(self, cleaned: dict) -> dict:
        """The corrected fields whose value differs from the hazard's (the service records them)."""
        h = self.hazard
        out = {}
        for name in self.FIELDS:
            value = cleaned.get(name)
            if name in ("finder_name", "definition_justification"):
                value = (value or "").strip()
            current = getattr(h, name)
            if name == "found_at" and current is not None and value is not None:
                current = timezone.localtime(current).replace(second=0, microsecond=0)
            if value != current:
                out[name] = value
        return out


class ExtensionRequestForm(StepForm):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = _comment(_("Reason"), required=True)
    wide_fields = ("reason",)


class ExtensionDecisionForm(StepForm):
    comment = _comment(_("Decision comment"))
    wide_fields = ("comment",)


class DualReportForm(StepForm):
    """双报告: one report of a major hazard to the supervising department or the workers' congress
    — the hazard report (state and cause, seriousness and difficulty, treatment plan) or, once it
    is rectified, the treatment result — with its documents. The service checks which texts the
    chosen report needs; the page shows only those (see action_dual_report.html)."""

    stage = forms.ChoiceField(label=_("Report type"), choices=DualReportStage.choices, widget=forms.RadioSelect)
    recipient = forms.ChoiceField(label=_("Reported to"), choices=DualReportRecipient.choices,
                                  widget=forms.RadioSelect)
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Receiving department"),
                                        required=False, empty_label=_("Choose the department"))
    recipient_name = forms.CharField(label=_("Meeting"), max_length=100, required=False,
                                     help_text=_("For example: the 2nd session of the 5th workers' congress."))
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput())
    situation = _comment(_("Present state of the hazard and its cause"))
    severity_analysis = _comment(_("How serious it is and how hard it is to remove"))
    treatment_plan = _comment(_("Treatment plan"))
    treatment_result = _comment(_("Treatment result"))
    files = MultipleFileField(label=_("Report documents"),
                              help_text=_("The signed report, meeting minutes, assessment reports."))
    wide_fields = ("situation", "severity_analysis", "treatment_plan", "treatment_result", "files")

    def __init__(self, *args, hazard: Hazard, **kwargs):
        from .services import recipient_departments, supervising_department

        kwargs.setdefault("initial", {})
        stages = [s for s in DualReportStage if s != DualReportStage.INITIAL or hazard.state != HazardState.CLOSED]
        stages = [s for s in stages if s != DualReportStage.RESULT or hazard.state in RESULT_REPORT_STATES]
        initial_stage = DualReportStage.RESULT if hazard.state in RESULT_REPORT_STATES else DualReportStage.INITIAL
        kwargs["initial"].setdefault("stage", initial_stage)
        done = set(hazard.dual_reports.filter(stage=initial_stage).values_list("recipient", flat=True))
        kwargs["initial"].setdefault("recipient", next((r for r in DualReportRecipient.values if r not in done),
                                                       DualReportRecipient.REGULATOR))
        supervising = supervising_department(hazard)
        if supervising is not None:
            kwargs["initial"].setdefault("department", supervising.pk)
        kwargs["initial"].setdefault("reported_on", timezone.localdate())
        kwargs["initial"].setdefault("treatment_plan", hazard.plan_measures)
        kwargs["initial"].setdefault("treatment_result", hazard.rectification_note)
        super().__init__(*args, hazard=hazard, **kwargs)
        self.fields["stage"].choices = [(s.value, s.label) for s in stages]
        self.fields["department"].queryset = recipient_departments(hazard)


def departments_for(user):
    return Department.objects.for_user(user).select_related("region").order_by("region__path", "kind", "name")


class ListForm(StepForm):
    """挂牌督办: level, supervising unit, deadline, document number and requirements."""

    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=[("", _("Follows the supervising unit")), *ListingLevel.choices],
                              help_text=_("The level of the supervising unit's region: a county's unit lists at "
                                          "county level."))
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Supervising unit"),
                                        empty_label=_("Choose the unit"))
    deadline = forms.DateField(label=_("Supervision deadline"), widget=DateInput())
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False,
                                      help_text=_("For example 〔2026〕3号."))
    requirements = _comment(_("Requirements"))
    wide_fields = ("requirements",)

    def __init__(self, *args, hazard: Hazard, user, **kwargs):
        kwargs.setdefault("initial", {})
        dept = getattr(user, "department", None) if getattr(user, "department_id", None) else None
        if dept is not None:
            kwargs["initial"].setdefault("department", dept.pk)
            level = listing_level_for(dept)
            if level:
                kwargs["initial"].setdefault("level", level)
        kwargs["initial"].setdefault("deadline", hazard.deadline if hazard.deadline >= timezone.localdate()
                                     else timezone.localdate() + timezone.timedelta(days=30))
        super().__init__(*args, hazard=hazard, user=user, **kwargs)
        self.fields["department"].queryset = departments_for(user)


class ProgressForm(StepForm):
    content = _comment(_("Progress"), required=True)
    wide_fields = ("content",)


class DowngradeMajorForm(StepForm):
    """Downgrade a major grade given by the general definition to general, with the reason."""

    reason = _comment(_("Why the hazard is not a major hazard"), required=True)
    wide_fields = ("reason",)


class VoidForm(StepForm):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: reported twice, or entered by mistake."))
    wide_fields = ("reason",)


# --- rectification notice ---------------------------------------------------------------------

class HazardChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj  # the template renders the hazard's own columns


class NoticeForm(forms.Form):
    """整改通知单: unclosed hazards of one enterprise, the issuing unit, deadline, requirements."""

    hazards = HazardChoiceField(queryset=Hazard.objects.none(), label=_("Hazards"),
                                error_messages={"required": _("Choose the hazards the notice orders to rectify.")})
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Issuing unit"),
                                        empty_label=_("Choose the unit"))
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DateInput())
    requirements = _comment(_("Requirements"), help_text=_("Printed on the notice under the list of hazards."))

    def __init__(self, *args, user, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.fields["hazards"].queryset = (
            Hazard.objects.for_user(user).filter(enterprise=enterprise).unclosed()
            .order_by("deadline", "id"))
        self.fields["department"].queryset = departments_for(user)
        if getattr(user, "department_id", None):
            self.fields["department"].initial = user.department_id
        self.fields["deadline"].initial = timezone.localdate() + timezone.timedelta(days=15)


class NoticeEnterpriseForm(forms.Form):
    """Step one of a notice when no enterprise was given: which enterprise."""

    enterprise = forms.CharField(label=_("Enterprise"), max_length=200,
                                 help_text=_("Unified social credit code or the exact name."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_enterprise(self):
        value = (self.cleaned_data.get("enterprise") or "").strip()
        qs = Enterprise.objects.for_user(self.user)
        found = qs.filter(credit_code=value.replace(" ", "").upper()).first() or qs.filter(name=value).first()
        if found is None:
            raise forms.ValidationError(_("No enterprise in your jurisdiction has this code or name."))
        return found


# --- filter bars ------------------------------------------------------------------------------

# Above this many enterprises in scope the ledger's filter bar offers no enterprise select
# (the filter still works from links such as an enterprise's page: ?enterprise=<id>).
ENTERPRISE_FILTER_LIMIT = 300

SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("deadline", _("Deadline (earliest first)")),
    ("-deadline", _("Deadline (latest first)")),
    ("-found_at", _("Found (latest first)")),
    ("found_at", _("Found (earliest first)")),
]
# Sort keys → order_by; every ordering ends on the primary key so pages are stable.
SORT_ORDERS = {
    "newest": ("-id",),
    "oldest": ("id",),
    "deadline": ("deadline", "id"),
    "-deadline": ("-deadline", "-id"),
    "found_at": ("found_at", "id"),
    "-found_at": ("-found_at", "-id"),
}


class LedgerFilter(FilterBarMixin, HazardFilter):
    """The API's HazardFilter with the ledger's widgets: selects of the regions, industries and
    enterprises in the user's scope, yes/no selects, date pickers, and a sort. The state is set
    by the state chips above the table (a hidden field here), so one query string drives the
    page, the API and the Excel export."""

    sort_choices = SORT_CHOICES
    sort_orders = SORT_ORDERS

    def _shape(self, form) -> None:
        fields = form.fields
        enterprise_scope = scope_of(self.user).kind == ENTERPRISE_SCOPE
        if "q" in fields:
            fields["q"] = forms.CharField(
                label=_("Search"), required=False, max_length=100,
                widget=forms.TextInput(attrs={"type": "search",
                                              "placeholder": _("Number, description, location, enterprise")}))
        self._region_industry(fields)
        if "enterprise" in fields:
            fields["enterprise"] = self._enterprise_field(hidden=enterprise_scope)
        for name, empty in (("grade", _("Any grade")), ("source", _("Any source")),
                            ("category", _("Any factor class"))):
            if name in fields:
                fields[name] = forms.ChoiceField(label=fields[name].label, required=False,
                                                 choices=[("", empty), *self.filters[name].extra["choices"]])
        for name, label in (("overdue", _("Overdue")), ("listed", _("Listed supervision"))):
            if name in fields:
                fields[name] = forms.NullBooleanField(label=label, required=False,
                                                      widget=forms.Select(choices=YES_NO))
        for name, label in (("found_from", _("Found from")), ("found_to", _("Found until"))):
            if name in fields:
                fields[name] = forms.DateField(label=label, required=False, widget=DateInput())
        if "state" in fields:
            fields["state"].widget = forms.MultipleHiddenInput()
        for name in ("grid", "deadline_before"):
            if name in fields:
                fields[name].widget = forms.HiddenInput()
        if enterprise_scope:
            for name in ("region", "industry"):
                if name in fields:
                    fields[name].widget = forms.HiddenInput()
        self._sort_field(fields)
        order = ["q", "region", "enterprise", "industry", "grade", "category", "source", "overdue", "listed",
                 "found_from", "found_to"]
        form.fields = {**{n: fields.pop(n) for n in order if n in fields}, **fields}

    def _enterprise_field(self, *, hidden: bool):
        if not hidden:
            rows = list(Enterprise.objects.for_user(self.user).order_by("name")
                        .values_list("pk", "name")[: ENTERPRISE_FILTER_LIMIT + 1])
            if len(rows) <= ENTERPRISE_FILTER_LIMIT:
                return forms.TypedChoiceField(label=_("Enterprise"), required=False, coerce=int, empty_value=None,
                                              choices=[("", _("All enterprises")), *rows])
        return forms.IntegerField(required=False, widget=forms.HiddenInput)

    @property
    def enterprise_id(self) -> int | None:
        if not self.is_bound or "enterprise" not in self.filters:
            return None
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {}).get("enterprise") or None


LISTING_SORT_CHOICES = [
    ("deadline", _("Deadline (earliest first)")),
    ("-listed_at", _("Listed (latest first)")),
    ("listed_at", _("Listed (earliest first)")),
]
LISTING_SORT_ORDERS = {
    "deadline": ("deadline", "id"),
    "-listed_at": ("-listed_at", "-id"),
    "listed_at": ("listed_at", "id"),
}


class ListingFilter(FilterBarMixin, ListedSupervisionFilter):
    """The API's ListedSupervisionFilter with the page's widgets, plus a search by hazard
    number or enterprise name."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    sort_choices = LISTING_SORT_CHOICES
    sort_orders = LISTING_SORT_ORDERS

    class Meta(ListedSupervisionFilter.Meta):
        fields = [*ListedSupervisionFilter.Meta.fields, "q"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(hazard__number=value.upper()) | Q(enterprise__name__contains=value))

    def _shape(self, form) -> None:
        fields = form.fields
        fields["q"] = forms.CharField(
            label=_("Search"), required=False, max_length=100,
            widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Hazard number or enterprise")}))
        self._region_industry(fields)
        fields["level"] = forms.ChoiceField(label=_("Level"), required=False,
                                           choices=[("", _("Any level")), *ListingLevel.choices])
        fields["state"] = forms.ChoiceField(label=_("State"), required=False,
                                           choices=[("", _("Any state")), *ListingState.choices])
        fields["overdue"] = forms.NullBooleanField(label=_("Overdue"), required=False,
                                                   widget=forms.Select(choices=YES_NO))
        for name in ("enterprise", "hazard"):
            fields[name].widget = forms.HiddenInput()
        self._sort_field(fields)
        form.fields = {"q": fields.pop("q"), **fields}


# --- re-check (复查, issue #10) -----------------------------------------------------------------

class RecheckForm(StepForm):
    """复查: the outcome of re-checking the rectification on site, the opinion, a new deadline when
    it did not pass, who re-checked and for which unit, and photos or documents."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=RecheckOutcome.choices, widget=forms.RadioSelect)
    checked_on = forms.DateField(label=_("Re-checked on"), widget=DateInput())
    new_deadline = forms.DateField(label=_("New rectification deadline"), required=False, widget=DateInput(),
                                   help_text=_("Required when the re-check did not pass."))
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Re-checking unit"),
                                        required=False, empty_label=_("Choose the unit"))
    inspectors = forms.CharField(label=_("Re-checked by"), max_length=100, required=False,
                                 help_text=_("Names of the people who re-checked on site."))
    opinion = _comment(_("Opinion"), required=True)
    files = MultipleFileField(label=_("Re-check photos or documents"))
    wide_fields = ("opinion", "files")

    def __init__(self, *args, hazard: Hazard, user, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("checked_on", timezone.localdate())
        notice = hazard.notices.order_by("-issued_on", "-id").select_related("department").first()
        department_id = getattr(user, "department_id", None) or (notice.department_id if notice else None)
        if department_id:
            kwargs["initial"].setdefault("department", department_id)
        name = (getattr(user, "name", "") or "").strip()
        if name:
            kwargs["initial"].setdefault("inspectors", name)
        super().__init__(*args, hazard=hazard, user=user, **kwargs)
        self.fields["department"].queryset = departments_for(user)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == RecheckOutcome.FAILED and not cleaned.get("new_deadline") \
                and "new_deadline" not in self.errors:
            self.add_error("new_deadline", _("A re-check that did not pass sets a new deadline."))
        return cleaned

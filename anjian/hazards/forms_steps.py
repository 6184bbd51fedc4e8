"""One small form per step of the closed loop (correct, plan, rectify, accept, extend, dual
report, list, re-check, void, …) and the rectification notice (整改通知单).

Every step form carries the hazard's ``version`` as the user saw it (hidden): the service checks
it under the row lock (``core.workflow``), so a step taken on a stale page is refused (409)
instead of overwriting what someone else did meanwhile.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core import bounds
from anjian.core.api_fields import VERSION_MAX
from anjian.core.forms import DateInput, DateTimeLocalInput, Form, MultipleFileField
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Department
from anjian.standards.choices import HazardFactor

from .choices import (
    RESULT_REPORT_STATES,
    DualReportRecipient,
    DualReportStage,
    HazardGrade,
    HazardState,
    ListingLevel,
    RecheckOutcome,
)
from .forms_report import (
    GRADE_HELP,
    MAJOR_BASIS_CRITERION,
    MAJOR_BASIS_DEFINITION,
    MajorBasisFields,
    criterion_choices,
    field_label,
    find_enterprise,
)
from .models import Hazard
from .services import listing_level_for

# --- the steps of the loop --------------------------------------------------------------------

class StepForm(Form):
    """A step on one hazard: carries the version of the hazard the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, label=_("Version"), min_value=0, max_value=VERSION_MAX)
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

    level = forms.ChoiceField(label=pgettext_lazy("hazard listing", "Level"), required=False,
                              choices=[("", _("Follows the supervising unit")), *ListingLevel.choices],
                              help_text=_("The level of the supervising unit's region: a county's unit lists at "
                                          "county level."))
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Supervising unit"),
                                        empty_label=_("Choose the unit"))
    deadline = forms.DateField(label=_("Supervision deadline"), widget=DateInput())
    document_number = forms.CharField(label=pgettext_lazy("hazard listing", "Document number"), max_length=60, required=False,
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
    reason = forms.CharField(label=_("Reason for voiding"), max_length=bounds.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: reported twice, or entered by mistake."))
    wide_fields = ("reason",)


# --- rectification notice ---------------------------------------------------------------------

class HazardChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj  # the template renders the hazard's own columns


class NoticeForm(Form):
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


class NoticeEnterpriseForm(Form):
    """Step one of a notice when no enterprise was given: which enterprise."""

    enterprise = forms.CharField(label=_("Enterprise"), max_length=200,
                                 help_text=_("Unified social credit code or the exact name."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_enterprise(self):
        found = find_enterprise(Enterprise.objects.for_user(self.user), self.cleaned_data.get("enterprise"))
        if found is None:
            raise forms.ValidationError(_("No enterprise in your jurisdiction has this code or name."))
        return found



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

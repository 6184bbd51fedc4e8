"""Pages of the committee office: responsible units and monthly reports (两议一报). Reads go
through ``core.pages`` (scoped); writes through ``services`` (the write path)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import ConflictError, attachments_for

from . import events, services
from .choices import (
    REPORT_MACHINE,
    CampaignState,
    FindingState,
    ReportState,
    SummonsState,
    TaskState,
    TourState,
)
from .forms import (
    CheckForm,
    MeetingForm,
    ReasonForm,
    ReportEditForm,
    ReportListFilter,
    ReviewForm,
    StepForm,
    UnitForm,
    UnitListFilter,
)
from .models import (
    Campaign,
    Duty,
    LeaderCheck,
    MonthlyReport,
    ReportMeeting,
    Summons,
    TaskAssignment,
    Tour,
    TourFinding,
    Unit,
)
from .policy import is_office, policy
from .selectors import report_board
from .views_common import (
    crumbs,
    error_text,
    files_by,
    form_errors,
    form_page,
    history,
    list_page,
    require,
    step,
    timeline,
)

#: How each action reads in the timelines of this app's pages (core.events reads it too).
EVENT_LABELS = {
    **events.EVENT_LABELS,
    "updated": gettext_lazy("Details changed"),
}

UNIT_PERM = "steering.change_unit"
REPORT_PERM = "steering.change_monthlyreport"


# --- overview ---------------------------------------------------------------------------------------------

@login_required
def home(request):
    """The office's desk: what waits in the user's jurisdiction, and the way to each tool."""
    user = request.user
    today = timezone.localdate()
    reports = scoped_list(user, MonthlyReport).aggregate(
        pending=Count("pk", filter=Q(state=ReportState.PENDING)),
        overdue=Count("pk", filter=Q(state=ReportState.PENDING, due_on__lt=today)),
        to_review=Count("pk", filter=Q(state=ReportState.SUBMITTED)))
    findings = scoped_list(user, TourFinding).exclude(tour__state=TourState.PLANNED).aggregate(
        open=Count("pk", filter=Q(state=FindingState.OPEN)),
        overdue=Count("pk", filter=Q(state=FindingState.OPEN, deadline__lt=today)),
        to_verify=Count("pk", filter=Q(state=FindingState.REPORTED)))
    tours = scoped_list(user, Tour).exclude(state=TourState.COMPLETED).count()
    duties = scoped_list(user, Duty).aggregate(total=Count("pk"), unlinked=Count(
        "pk", filter=Q(task__isnull=True, indicator_code="")))
    # A unit's parts in tasks carry its scope: a lower government counts the city's tasks it owes.
    tasks = scoped_list(user, TaskAssignment).filter(task__is_voided=False, task__state=TaskState.OPEN).aggregate(
        open=Count("task", distinct=True), overdue=Count("task", distinct=True, filter=Q(task__deadline__lt=today)))
    campaigns = scoped_list(user, Campaign).aggregate(
        running=Count("pk", filter=Q(state=CampaignState.RUNNING)),
        planned=Count("pk", filter=Q(state=CampaignState.PLANNED)))
    summonses = scoped_list(user, Summons).aggregate(
        open=Count("pk", filter=Q(state__in=[SummonsState.PLANNED, SummonsState.HELD, SummonsState.REPORTED])),
        overdue=Count("pk", filter=Q(state=SummonsState.HELD, report_due__lt=today)),
        to_verify=Count("pk", filter=Q(state=SummonsState.REPORTED)))
    sections = [
        {"title": _("Special campaigns"), "url": reverse("steering:campaigns"),
         "figures": [(campaigns["running"], _("campaigns under way")), (campaigns["planned"], _("planned"))]},
        {"title": _("Inspection tours"), "url": reverse("steering:tours"),
         "figures": [(tours, _("tours under way")), (findings["open"], _("rectifications open")),
                     (findings["overdue"], _("overdue")), (findings["to_verify"], _("to verify"))],
         "link": (reverse("steering:findings") + "?overdue=true", _("Overdue rectifications"))},
        {"title": _("Summonses"), "url": reverse("steering:summonses"),
         "figures": [(summonses["open"], _("summonses under way")), (summonses["overdue"], _("reports overdue")),
                     (summonses["to_verify"], _("to follow up"))],
         "link": (reverse("steering:summonses") + "?overdue=true", _("Overdue reports after summonses"))},
        {"title": _("Action plans"), "url": reverse("steering:plans"),
         "figures": [(tasks["open"], _("tasks in progress")), (tasks["overdue"], _("overdue"))],
         "link": (reverse("steering:assignments") + "?overdue=true", _("Overdue tasks by unit"))},
        {"title": _("Duty lists"), "url": reverse("steering:duties"),
         "figures": [(duties["total"], _("duties")), (duties["unlinked"], _("not yet linked to a task or indicator"))]},
    ]
    return render(request, "steering/home.html", {
        "reports": reports, "sections": sections, "is_office": is_office(user, None) or user.is_system_admin,
        "crumbs": crumbs(),
    })


# --- units ------------------------------------------------------------------------------------------------

def _unit(user, pk: int) -> Unit:
    return scoped_object_or_404(user, Unit.objects.select_related("committee_region", "region", "department",
                                                                  "enterprise_unit"), pk=pk)


@login_required
def unit_list(request):
    """成员单位: the responsible units of the committees in the user's jurisdiction."""
    return list_page(
        request, scoped_list(request.user, Unit).select_related("committee_region", "region", "department"),
        UnitListFilter, "steering/unit_list.html", order=("committee_region__path", "sort", "kind", "name", "pk"),
        can_add=request.user.has_perm("steering.add_unit"), crumbs=crumbs((_("Responsible units"), "")),
        title=_("Responsible units"),
        sub=_("The units of each safety committee: lower governments and departments file the monthly report; "
              "every unit may carry duties and tasks."))


@login_required
def unit_detail(request, pk: int):
    user = request.user
    unit = _unit(user, pk)
    reports = scoped_list(user, MonthlyReport).filter(unit=unit).order_by("-period")[:12]
    return render(request, "steering/unit_detail.html", {
        "unit": unit, "reports": reports, "can_manage": policy.can(user, "update_unit", unit),
        "today": timezone.localdate(),
        "events": timeline(unit), "history": history(unit), "void_form": ReasonForm(initial={"version": unit.version}),
        "crumbs": crumbs((_("Responsible units"), reverse("steering:units")), (unit.name, "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request):
    require(request.user, "steering.add_unit")
    form = UnitForm(request.POST or None, user=request.user)

    def save(form):
        unit = services.create_unit(actor=request.user, committee_region=form.fields["committee"].region(
            form.cleaned_data["committee"]), data=form.service_data())
        messages.success(request, _("Unit %(name)s added.") % {"name": unit.name})
        return redirect("steering:unit_detail", pk=unit.pk)

    return form_page(request, form, save, "steering/form.html", {
        "title": _("Add a responsible unit"), "cancel": reverse("steering:units"),
        "crumbs": crumbs((_("Responsible units"), reverse("steering:units")), (_("Add"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk: int):
    require(request.user, UNIT_PERM)
    unit = _unit(request.user, pk)
    form = UnitForm(request.POST or None, instance=unit, user=request.user)

    def save(form):
        services.update_unit(unit, actor=request.user, data=form.service_data(),
                             version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:unit_detail", pk=unit.pk)

    return form_page(request, form, save, "steering/form.html", {
        "title": _("Edit the unit"), "record": unit, "cancel": reverse("steering:unit_detail", args=[unit.pk]),
        "crumbs": crumbs((_("Responsible units"), reverse("steering:units")),
                         (unit.name, reverse("steering:unit_detail", args=[unit.pk])), (_("Edit"), ""))})


@login_required
@require_POST
def unit_void(request, pk: int):
    require(request.user, "steering.delete_unit")
    unit = _unit(request.user, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise form_errors(form)
        services.void_unit(unit, actor=request.user, reason=form.cleaned_data["reason"],
                           version=form.cleaned_data.get("version"))
    except (ValidationError, ConflictError) as exc:
        messages.error(request, error_text(exc))
        return redirect("steering:unit_detail", pk=pk)
    messages.success(request, _("Voided."))
    return redirect("steering:units")


# --- monthly reports ----------------------------------------------------------------------------------------

def _report(user, pk: int) -> MonthlyReport:
    return scoped_object_or_404(user, MonthlyReport.objects.select_related(
        "unit__department", "committee_region", "submitted_by", "reviewed_by"), pk=pk)


@login_required
def report_list(request):
    """两议一报: the monthly reports of the units in the user's jurisdiction."""
    return list_page(
        request, scoped_list(request.user, MonthlyReport).select_related("unit", "committee_region"),
        ReportListFilter, "steering/report_list.html", today=timezone.localdate(),
        crumbs=crumbs((_("Monthly reports"), "")), title=_("Monthly reports"),
        sub=_("Each lower government and department reports its month (两议一报): at least two meetings on work "
              "safety, the checks led by officials, and its hazard work."))


@login_required
def report_board_page(request):
    """The year's board: every filing unit × its twelve months, late and missing reports flagged."""
    user = request.user
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    units = scoped_list(user, Unit).filter(files_monthly_report=True)
    rows = report_board(scoped_list(user, MonthlyReport), units, year)
    return render(request, "steering/report_board.html", {
        "rows": rows, "year": year, "months": range(1, 13), "today": timezone.localdate(),
        "crumbs": crumbs((_("Monthly reports"), reverse("steering:reports")), (_("Board of the year"), "")),
    })


@login_required
def report_detail(request, pk: int):
    user = request.user
    report = _report(user, pk)
    meetings = list(ReportMeeting.objects.filter(report=report, is_voided=False))
    checks = list(LeaderCheck.objects.filter(report=report, is_voided=False))
    minutes, photos = files_by(ReportMeeting, meetings), files_by(LeaderCheck, checks)
    for m in meetings:
        m.files = minutes.get(m.pk, [])
    for c in checks:
        c.files = photos.get(c.pk, [])
    actions = set(services.available_report_actions(user, report))
    live = report.state in (ReportState.PENDING, ReportState.RETURNED)
    return render(request, "steering/report_detail.html", {
        "report": report, "meetings": meetings, "checks": checks, "files": attachments_for(report),
        "figures": services.report_figures(report) if live else None, "actions": actions,
        "meeting_form": MeetingForm(), "check_form": CheckForm(), "review_form": ReviewForm(),
        "events": timeline(report), "history": history(report), "today": timezone.localdate(),
        "steps": {a: REPORT_MACHINE[a].label for a in actions},
        "crumbs": crumbs((_("Monthly reports"), reverse("steering:reports")), (str(report), "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    require(request.user, REPORT_PERM)
    report = _report(request.user, pk)
    form = ReportEditForm(request.POST or None, request.FILES or None, instance=report)

    def save(form):
        services.edit_report(report, actor=request.user, data=form.service_data(), files=form.cleaned_data["files"],
                             version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:report_detail", pk=report.pk)

    back = reverse("steering:report_detail", args=[report.pk])
    return form_page(request, form, save, "steering/form.html", {
        "title": _("Monthly report of %(unit)s, %(month)s") % {"unit": report.unit.name, "month": report.period_label},
        "record": report, "cancel": back, "multipart": True,
        "crumbs": crumbs((_("Monthly reports"), reverse("steering:reports")), (str(report), back), (_("Edit"), ""))})


def _report_step(request, pk: int, do) -> object:
    require(request.user, REPORT_PERM)
    report = _report(request.user, pk)
    return step(request, lambda: do(report), reverse("steering:report_detail", args=[pk]))


def _add_row(request, pk: int, form_class, files: str, service, done: str):
    def do(report):
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            raise form_errors(form)
        service(report, actor=request.user, data=form.service_data(), version=request.POST.get("version") or None,
                **{files: form.cleaned_data[files]})
        return done
    return _report_step(request, pk, do)


def _remove_row(request, pk: int, model, row_pk: int, service, done: str):
    def do(report):
        row = get_object_or_404(model.objects.filter(report=report, is_voided=False), pk=row_pk)
        service(row, actor=request.user, reason=request.POST.get("reason") or _("Removed"),
                version=request.POST.get("version") or None)
        return done
    return _report_step(request, pk, do)


@login_required
@require_POST
def meeting_add(request, pk: int):
    return _add_row(request, pk, MeetingForm, "minutes", services.add_meeting, _("Meeting recorded."))


@login_required
@require_POST
def meeting_remove(request, pk: int, meeting_pk: int):
    return _remove_row(request, pk, ReportMeeting, meeting_pk, services.remove_meeting, _("Meeting removed."))


@login_required
@require_POST
def check_add(request, pk: int):
    return _add_row(request, pk, CheckForm, "photos", services.add_check, _("Check recorded."))


@login_required
@require_POST
def check_remove(request, pk: int, check_pk: int):
    return _remove_row(request, pk, LeaderCheck, check_pk, services.remove_check, _("Check removed."))


@login_required
@require_POST
def report_submit(request, pk: int):
    def do(report):
        form = StepForm(request.POST)
        form.is_valid()
        services.submit_report(report, actor=request.user, version=form.cleaned_data.get("version"))
        return _("Report submitted.")
    return _report_step(request, pk, do)


@login_required
@require_POST
def report_review(request, pk: int):
    require(request.user, "steering.review_monthlyreport")

    def do(report):
        form = ReviewForm(request.POST)
        if not form.is_valid():
            raise form_errors(form)
        accept = form.cleaned_data["decision"] == "accept"
        services.review_report(report, actor=request.user, accept=accept, comment=form.cleaned_data["comment"],
                               version=form.cleaned_data.get("version"))
        return _("Report accepted.") if accept else _("Report returned for correction.")
    return _report_step(request, pk, do)


@login_required
@require_POST
def report_void(request, pk: int):
    require(request.user, "steering.delete_monthlyreport")

    def do(report):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.void_report(report, actor=request.user, reason=form.cleaned_data["reason"],
                             version=form.cleaned_data.get("version"))
        return _("Voided.")
    return _report_step(request, pk, do)

"""Pages of the action plans (三年行动, 工作要点): the plans with their phases and tasks, one task
with its units and their progress reports, and each unit's parts in tasks (how a lower government
reads the city's task it owes work on). Reads through ``core.pages``; writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.workflow import available_steps

from . import services
from .choices import TASK_MACHINE
from .forms import (
    AssignForm,
    AssignmentListFilter,
    PhaseForm,
    PlanForm,
    PlanListFilter,
    ProgressForm,
    ReasonForm,
    TaskForm,
    TaskListFilter,
    TaskStepForm,
)
from .models import Plan, PlanPhase, PlanTask, ProgressReport, TaskAssignment, Unit
from .policy import policy
from .views_common import (
    crumbs,
    files_by,
    form_page,
    history,
    list_page,
    posted,
    record_step,
    require,
    step,
    timeline,
    void_page,
)

PLAN_PERM = "steering.change_plan"
TASK_PERM = "steering.change_plantask"


def _plans_crumb():
    return (_("Action plans"), reverse("steering:plans"))


def _plan(user, pk: int) -> Plan:
    return scoped_object_or_404(user, Plan.objects.select_related("committee_region"), pk=pk)


def _task(user, pk: int) -> PlanTask:
    return scoped_object_or_404(user, PlanTask.objects.select_related("plan", "phase", "committee_region"), pk=pk)


def _assignment(user, pk: int) -> TaskAssignment:
    return scoped_object_or_404(user, TaskAssignment.objects.select_related("task__plan", "task__phase", "unit"),
                                pk=pk)


def _progress(user, pk: int) -> ProgressReport:
    return scoped_object_or_404(user, ProgressReport.objects.select_related("assignment"), pk=pk)


# --- plans -------------------------------------------------------------------------------------------------

@login_required
def plan_list(request):
    """三年行动、工作要点: the plans of the committees in the user's jurisdiction."""
    return list_page(
        request, scoped_list(request.user, Plan).select_related("committee_region"), PlanListFilter,
        "steering/plan_list.html", order=("-year_from", "-pk"), can_add=request.user.has_perm("steering.add_plan"),
        crumbs=crumbs((_("Action plans"), "")), title=_("Action plans"),
        sub=_("Three-year actions and the year's work points: numbered tasks with their lead and cooperating units, "
              "deadlines and progress reports."))


@login_required
def plan_detail(request, pk: int):
    user = request.user
    plan = _plan(user, pk)
    tasks = list(scoped_list(user, PlanTask).filter(plan=plan).select_related("phase").prefetch_related(
        Prefetch("assignments", queryset=TaskAssignment.objects.filter(is_voided=False).select_related("unit")))
        .order_by("sort", "pk"))
    can_manage = policy.can(user, "update_plan", plan)
    return render(request, "steering/plan_detail.html", {
        "plan": plan, "tasks": tasks, "phases": plan.phases.filter(is_voided=False).order_by("seq"),
        "can_manage": can_manage, "phase_form": PhaseForm(),
        "task_form": TaskForm(user=user, plan=plan) if can_manage else None,
        "events": timeline(plan), "history": history(plan), "today": timezone.localdate(),
        "crumbs": crumbs(_plans_crumb(), (plan.title, "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    require(request.user, "steering.add_plan")
    form = PlanForm(request.POST or None, user=request.user)

    def save(form):
        plan = services.create_plan(actor=request.user, committee_region=form.fields["committee"].region(
            form.cleaned_data["committee"]), data=form.service_data())
        messages.success(request, _("Plan issued; now add its phases and tasks."))
        return redirect("steering:plan_detail", pk=plan.pk)

    return form_page(request, form, save, "steering/form.html", {
        "title": _("Issue a plan"), "cancel": reverse("steering:plans"),
        "crumbs": crumbs(_plans_crumb(), (_("Issue"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    require(request.user, PLAN_PERM)
    plan = _plan(request.user, pk)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)

    def save(form):
        services.update_plan(plan, actor=request.user, data=form.service_data(),
                             version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:plan_detail", pk=plan.pk)

    back = reverse("steering:plan_detail", args=[plan.pk])
    return form_page(request, form, save, "steering/form.html", {
        "title": _("Edit the plan"), "record": plan, "cancel": back,
        "crumbs": crumbs(_plans_crumb(), (plan.title, back), (_("Edit"), ""))})


@login_required
@require_POST
def phase_add(request, pk: int):
    def do(plan):
        form = posted(PhaseForm, request)
        services.add_phase(plan, actor=request.user, data=form.cleaned_data, version=request.POST.get("version") or None)
        return _("Phase added.")
    return record_step(request, PLAN_PERM, _plan, pk, do, "steering:plan_detail")


@login_required
@require_POST
def phase_remove(request, pk: int, phase_pk: int):
    def do(plan):
        phase = get_object_or_404(PlanPhase.objects.filter(plan=plan, is_voided=False), pk=phase_pk)
        services.remove_phase(phase, actor=request.user, reason=request.POST.get("reason") or _("Removed"),
                              version=request.POST.get("version") or None)
        return _("Phase removed.")
    return record_step(request, PLAN_PERM, _plan, pk, do, "steering:plan_detail")


@login_required
@require_POST
def task_add(request, pk: int):
    def do(plan):
        form = posted(TaskForm, request, user=request.user, plan=plan)
        services.create_task(actor=request.user, plan=plan, data=form.service_data(), units=form.units())
        return _("Task added.")
    return record_step(request, "steering.add_plantask", _plan, pk, do, "steering:plan_detail")


@login_required
@require_POST
def plan_void(request, pk: int):
    return void_page(request, pk, "steering.delete_plan", _plan, services.void_plan, "steering:plan_detail",
                     "steering:plans")


# --- tasks -------------------------------------------------------------------------------------------------

@login_required
def task_list(request):
    """The tasks of the plans in the user's jurisdiction, with their deadlines and states."""
    return list_page(
        request, scoped_list(request.user, PlanTask).select_related("plan", "phase"), TaskListFilter,
        "steering/task_list.html", order=("deadline", "plan_id", "sort", "pk"), today=timezone.localdate(),
        crumbs=crumbs(_plans_crumb(), (_("Tasks"), "")), title=_("Plan tasks"),
        sub=_("Every task of the committees' plans: its deadline, its state, overdue ones flagged."))


@login_required
def task_detail(request, pk: int):
    user = request.user
    task = _task(user, pk)
    assignments = list(scoped_list(user, TaskAssignment).filter(task=task).select_related("unit")
                       .order_by("role", "unit__sort", "pk"))
    reports = list(scoped_list(user, ProgressReport).filter(task=task).select_related("unit", "created_by"))
    files = files_by(ProgressReport, reports)
    for r in reports:
        r.files = files.get(r.pk, [])
    actions = set(available_steps(TASK_MACHINE, policy, user, task))
    return render(request, "steering/task_detail.html", {
        "task": task, "assignments": assignments, "reports": reports, "actions": actions,
        "steps": {a: TASK_MACHINE[a].label for a in actions},
        "assign_form": AssignForm(user=user, task=task, initial={"version": task.version}),
        "step_form": TaskStepForm(initial={"version": task.version}),
        "events": timeline(task), "history": history(task), "today": timezone.localdate(),
        "crumbs": crumbs(_plans_crumb(), (task.plan.title, reverse("steering:plan_detail", args=[task.plan_id])),
                         (str(task), "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int):
    require(request.user, TASK_PERM)
    task = _task(request.user, pk)
    form = TaskForm(request.POST or None, instance=task, user=request.user, plan=task.plan)

    def save(form):
        services.update_task(task, actor=request.user, data=form.service_data(),
                             version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:task_detail", pk=task.pk)

    back = reverse("steering:task_detail", args=[task.pk])
    return form_page(request, form, save, "steering/form.html", {
        "title": _("Edit the task"), "record": task, "cancel": back,
        "crumbs": crumbs(_plans_crumb(), (str(task), back), (_("Edit"), ""))})


@login_required
@require_POST
def task_assign(request, pk: int):
    def do(task):
        form = posted(AssignForm, request, user=request.user, task=task)
        unit = scoped_object_or_404(request.user, Unit, pk=form.cleaned_data["unit"])
        services.assign_unit(task, actor=request.user, unit=unit, role=form.cleaned_data["role"],
                             version=form.cleaned_data["version"])
        return _("Unit assigned.")
    return record_step(request, TASK_PERM, _task, pk, do, "steering:task_detail")


@login_required
@require_POST
def task_unassign(request, pk: int, assignment_pk: int):
    def do(task):
        assignment = get_object_or_404(TaskAssignment.objects.filter(task=task, is_voided=False), pk=assignment_pk)
        services.unassign_unit(assignment, actor=request.user, reason=request.POST.get("reason") or _("Removed"),
                               version=request.POST.get("version") or None)
        return _("Unit removed from the task.")
    return record_step(request, TASK_PERM, _task, pk, do, "steering:task_detail")


def _task_step(request, pk: int, run, done: str):
    def do(task):
        run(task, posted(TaskStepForm, request).cleaned_data)
        return done
    return record_step(request, TASK_PERM, _task, pk, do, "steering:task_detail")


@login_required
@require_POST
def task_complete(request, pk: int):
    return _task_step(request, pk, lambda task, data: services.complete_task(
        task, actor=request.user, on=data["completed_on"], comment=data["comment"], version=data["version"]),
        _("Task completed."))


@login_required
@require_POST
def task_cancel(request, pk: int):
    return _task_step(request, pk, lambda task, data: services.cancel_task(
        task, actor=request.user, reason=data["comment"], version=data["version"]), _("Task cancelled."))


@login_required
@require_POST
def task_reopen(request, pk: int):
    return _task_step(request, pk, lambda task, data: services.reopen_task(
        task, actor=request.user, comment=data["comment"], version=data["version"]), _("Task reopened."))


@login_required
@require_POST
def task_void(request, pk: int):
    return void_page(request, pk, "steering.delete_plantask", _task, services.void_task, "steering:task_detail",
                     "steering:tasks")


# --- a unit's parts in tasks, and its progress reports ------------------------------------------------------

@login_required
def assignment_list(request):
    """Each unit's parts in the committees' tasks: what a lower government or department owes."""
    return list_page(
        request, scoped_list(request.user, TaskAssignment).select_related("task__plan", "unit"), AssignmentListFilter,
        "steering/assignment_list.html", order=("task__deadline", "pk"), today=timezone.localdate(),
        crumbs=crumbs(_plans_crumb(), (_("Units' tasks"), "")), title=_("Units' tasks"),
        sub=_("The tasks each unit leads or cooperates in, with its progress reports (half-year and year-end)."))


@login_required
def assignment_detail(request, pk: int):
    user = request.user
    assignment = _assignment(user, pk)
    reports = list(scoped_list(user, ProgressReport).filter(assignment=assignment).select_related("created_by"))
    files = files_by(ProgressReport, reports)
    for r in reports:
        r.files = files.get(r.pk, [])
    task = assignment.task
    can_report = (policy.can(user, "file", assignment) and user.has_perm("steering.add_progressreport")
                  and not task.is_voided and task.state != "cancelled")
    return render(request, "steering/assignment_detail.html", {
        "assignment": assignment, "task": task, "reports": reports, "can_report": can_report,
        "can_void": user.has_perm("steering.delete_progressreport") and policy.can(user, "void", assignment),
        "progress_form": ProgressForm(initial={"year": timezone.localdate().year}),
        "events": timeline(assignment), "today": timezone.localdate(),
        "crumbs": crumbs(_plans_crumb(), (_("Units' tasks"), reverse("steering:assignments")), (str(assignment), "")),
    })


@login_required
@require_POST
def progress_add(request, pk: int):
    def do(assignment):
        form = posted(ProgressForm, request)
        services.report_progress(assignment, actor=request.user, data=form.service_data(),
                                 files=form.cleaned_data["files"], version=request.POST.get("version") or None)
        return _("Progress report filed.")
    return record_step(request, "steering.add_progressreport", _assignment, pk, do, "steering:assignment_detail")


@login_required
@require_POST
def progress_void(request, pk: int):
    require(request.user, "steering.delete_progressreport")
    report = _progress(request.user, pk)

    def do():
        form = posted(ReasonForm, request)
        services.void_progress(report, actor=request.user, reason=form.cleaned_data["reason"],
                               version=form.cleaned_data["version"])
        return _("Voided.")

    return step(request, do, reverse("steering:assignment_detail", args=[report.assignment_id]))

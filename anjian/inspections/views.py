"""Pages of the inspections app: my tasks, the record list, duties per enterprise, starting a
record, the record page where a person walks through the checklist items (pass / hazard
found / not applicable, note, photos) and raises a found item as a hazard in one click, and
submitting.

Reads go through ``for_user`` (an out-of-scope record, task, duty or enterprise answers 404);
writes go through ``anjian.inspections.services``, which check the app policy (403). The
buttons are those of ``core.workflow.available_steps`` over the record's state machine, plus
the other actions the policy allows; forms post the version of the record they showed, so a
step taken on a stale page shows the conflict and changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.events import event_label
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, events_for
from anjian.core.workflow import available_steps
from anjian.enterprises.models import Enterprise

from . import events, selectors, services
from .choices import RECORD_MACHINE, InspectionKind, ItemResult, RecordState, TaskState
from .forms import (
    AddItemForm,
    DutyForm,
    DutyListFilter,
    RaiseHazardForm,
    RecordHeaderForm,
    RecordListFilter,
    RecordStartForm,
    TaskListFilter,
    VoidForm,
    validate_photo,
)
from .models import InspectionDuty, InspectionItemResult, InspectionRecord, InspectionTask
from .policy import policy

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)
# How many enterprises the "choose an enterprise" step of a new inspection lists.
ENTERPRISE_PICK_LIMIT = 20

STATE_LABELS = {**dict(RecordState.choices), **dict(TaskState.choices)}


def _posted(request):
    return request.POST if request.method == "POST" else None


def _posted_version(request) -> int | None:
    """The version of the record (or duty) the page showed, posted in a hidden field; None when
    the form did not send one (then the copy loaded for this request is the one changed)."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _hazard_url(pk: int) -> str:
    """The hazard page, once the hazard pages exist (they are built alongside this app)."""
    try:
        return reverse("hazards:detail", args=[pk])
    except NoReverseMatch:
        return ""


def _scoped_enterprise(user, pk) -> Enterprise:
    return scoped_object_or_404(user, Enterprise.objects.select_related("region__parent", "industry"), pk=pk)


def _scoped_record(user, pk) -> InspectionRecord:
    return get_object_or_404(selectors.record_detail_queryset(user), pk=pk)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- tasks -------------------------------------------------------------------------------

@login_required
def task_list(request):
    """My tasks: the scheduled inspections in the user's scope — open by default, with the
    figures (open, due soon, overdue, missed and done lately) on top."""
    user = request.user
    today = timezone.localdate()
    params = request.GET.copy()
    if "state" not in params:
        params["state"] = TaskState.OPEN  # "my tasks" opens on what is still to do
    filterset = TaskListFilter(params, queryset=selectors.task_list(user), user=user, request=request)
    state = filterset.form.cleaned_data.get("state") if filterset.form.is_valid() else ""
    order = ("due_date", "id") if state in ("", TaskState.OPEN) else ("-due_date", "-id")
    page_obj = Paginator(filterset.qs.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = selectors.drafts_by_task(page_obj.object_list)
    rows = []
    for task in page_obj.object_list:
        can_do = task.state == TaskState.OPEN and policy.can(user, "start_task", task)
        rows.append({"task": task, "draft": drafts.get(task.pk), "can_start": can_do,
                     "overdue": task.state == TaskState.OPEN and task.due_date < today,
                     "due_soon": task.state == TaskState.OPEN and today <= task.due_date <= today + timedelta(
                         days=selectors.DUE_SOON_DAYS)})
    return render(request, "inspections/tasks.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "rows": rows,
        "counts": selectors.task_counts(user, today), "today": today,
        "due_soon_until": today + timedelta(days=selectors.DUE_SOON_DAYS),
        "recent_days": selectors.RECENT_DAYS, "since": today - timedelta(days=selectors.RECENT_DAYS),
        "can_manage_duties": policy.can(user, "add_duty"),
    })


@login_required
def task_detail(request, pk: int):
    """One task: its duty, period, state, the record that fulfilled it, and the duty's recent
    periods (the page a "missed self-inspection" warning links to)."""
    user = request.user
    task = get_object_or_404(selectors.task_list(user).select_related("duty__checklist"), pk=pk)
    recent = list(InspectionTask.objects.filter(duty_id=task.duty_id).order_by("-period_start")[:12])
    draft = selectors.draft_for_task(task) if task.state == TaskState.OPEN else None
    return render(request, "inspections/task_detail.html", {
        "task": task, "recent": recent, "draft": draft,
        "can_start": task.state == TaskState.OPEN and policy.can(user, "start_task", task),
        "crumbs": [(_("Inspection tasks"), reverse("inspections:tasks")), (task.duty.name, "")],
    })


@login_required
@require_POST
def task_start(request, pk: int):
    """Start (or continue) the self-inspection of an open task."""
    user = request.user
    task = get_object_or_404(selectors.task_list(user), pk=pk)
    draft = selectors.draft_for_task(task)
    if draft is not None:
        return redirect("inspections:detail", pk=draft.pk)
    try:
        record = services.start_record(actor=user, task=task)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("inspections:tasks")
    messages.success(request, _("Inspection started: go through the items below."))
    return redirect("inspections:detail", pk=record.pk)


# --- records -----------------------------------------------------------------------------

@login_required
def record_list(request):
    """Inspection records in the user's scope: filters by kind, state, enterprise, date and
    region; newest first, 50 per page."""
    user = request.user
    filterset = RecordListFilter(request.GET or None, queryset=selectors.record_list(user), user=user,
                                 request=request)
    page_obj = Paginator(filterset.qs.order_by("-inspected_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.item_counts([r.pk for r in page_obj.object_list])
    empty = {"items": 0, "found": 0, "raised": 0, "checked": 0}
    rows = []
    for r in page_obj.object_list:
        c = counts.get(r.pk, empty)
        # Found items not yet raised as hazards: the inspector still owes the ledger an entry.
        rows.append({"record": r, "counts": c, "unraised": c["found"] - c["raised"]})
    return render(request, "inspections/list.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "rows": rows,
        "can_add": policy.can(user, "inspect"),
        "show_filters": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request):
    """Start an inspection: choose the enterprise (regional users search by name), then its
    kind, checklist, place and time."""
    user = request.user
    if not policy.can(user, "inspect"):
        raise PermissionDenied
    scope_ent = getattr(user, "scope_enterprise_id", None) if not user.is_system_admin else None
    ent_id = request.POST.get("enterprise") or request.GET.get("enterprise") or scope_ent
    if not ent_id:
        q = (request.GET.get("q") or "").strip()
        found = []
        if q:
            found = list(scoped_list(request, Enterprise).filter(Q(name__contains=q) | Q(credit_code=q.upper()))
                         .select_related("region__parent", "industry").order_by("name")[:ENTERPRISE_PICK_LIMIT])
        return render(request, "inspections/pick_enterprise.html", {
            "q": q, "found": found, "limit": ENTERPRISE_PICK_LIMIT})
    try:
        enterprise = _scoped_enterprise(user, int(ent_id))
    except (TypeError, ValueError):
        raise Http404 from None
    form = RecordStartForm(_posted(request), user=user, enterprise=enterprise)
    if not form.fields["kind"].choices:
        raise PermissionDenied
    done = submit(
        request, form,
        lambda data: services.start_record(actor=user, enterprise=enterprise, kind=form.cleaned_data["kind"],
                                           checklist=form.cleaned_data["checklist"], data=form.service_data()),
        success=_("Inspection started: go through the items below."),
        then=lambda record: reverse("inspections:detail", args=[record.pk]))
    return done or form_page(request, "inspections/start.html", {"form": form, "enterprise": enterprise})


def _timeline(record: InspectionRecord, limit: int = 100) -> list[dict]:
    rows = []
    for event in events_for(record)[:limit]:
        data = event.data or {}
        details = []
        if event.action == "hazard_raised" and data.get("number"):
            details.append((_("Hazard"), data["number"]))
        if event.action == "results_recorded" and data.get("items"):
            details.append((_("Items"), len(data["items"])))
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "inspections"),
                     "to_state": STATE_LABELS.get(event.to_state, event.to_state), "comment": event.comment,
                     "details": details})
    return rows


@login_required
def record_detail(request, pk: int):
    """The record page: header, the walk through the items (editable while a draft, for whoever
    may record it), raise-hazard per found item, submit, and the timeline. What it offers is
    what ``available_steps`` answers for the user on this record."""
    user = request.user
    record = _scoped_record(user, pk)
    items = list(record.items.all())
    photos = selectors.photo_map(items)
    steps = set(available_steps(RECORD_MACHINE, policy, user, record))
    # The walk-through saves the results and, on "save and submit", submits: submitting's own
    # rule (every item has a result) is checked on what was just saved.
    editable = events.RESULTS_RECORDED in steps
    can_raise = events.HAZARD_RAISED in steps
    default_deadline = timezone.localdate() + timedelta(days=services.DEFAULT_RECTIFICATION_DAYS)
    rows = [{"item": item, "photos": photos.get(item.pk, []),
             "hazard_url": _hazard_url(item.hazard_id) if item.hazard_id else "",
             "can_raise": can_raise and item.result == ItemResult.HAZARD_FOUND and not item.hazard_id,
             "major": bool(item.check_item_id and item.check_item.is_major_criterion)}
            for item in items]
    checked = sum(1 for i in items if i.result)
    return render(request, "inspections/detail.html", {
        "record": record, "rows": rows, "editable": editable, "steps": steps,
        "can_edit_details": events.RECORD_UPDATED in steps,
        "checked": checked, "total": len(items), "percent": round(100 * checked / len(items)) if items else 0,
        "found": sum(1 for i in items if i.result == ItemResult.HAZARD_FOUND),
        "results": ItemResult.choices, "default_deadline": default_deadline,
        "add_form": AddItemForm() if events.ITEM_ADDED in steps else None,
        "timeline": _timeline(record),
        "can_void": "void" in steps,
    })


def _refusal(exc: ValidationError | ConflictError) -> str:
    return exc.message if isinstance(exc, ConflictError) else _error_text(exc)


@login_required
@require_POST
def record_results(request, pk: int):
    """Save the results, notes and photos of the walk-through (``result-<id>``, ``note-<id>``,
    ``photos-<id>``); with ``action=submit`` also submit the record."""
    user = request.user
    record = _scoped_record(user, pk)
    if not policy.can(user, "edit"):
        raise PermissionDenied
    version = _posted_version(request)
    entries = []
    try:
        for item in record.items.all():
            key = str(item.pk)
            if f"result-{key}" not in request.POST and f"note-{key}" not in request.POST \
                    and f"photos-{key}" not in request.FILES:
                continue
            files = request.FILES.getlist(f"photos-{key}")
            for f in files:
                validate_photo(f)
            entry = {"item": item.pk, "result": request.POST.get(f"result-{key}", item.result),
                     "note": request.POST.get(f"note-{key}", item.note)}
            if files:
                entry["photos"] = files
            entries.append(entry)
        if entries:
            services.record_results(record, actor=user, results=entries, expected_version=version)
            version = None  # saved: the record's copy follows, and submitting goes on from it
        if request.POST.get("action") == "submit":
            services.submit_record(record, actor=user, expected_version=version)
            messages.success(request, _("Inspection record submitted."))
        else:
            messages.success(request, _("Results saved."))
    except (ValidationError, ConflictError) as exc:
        messages.error(request, _refusal(exc))
    return redirect("inspections:detail", pk=record.pk)


@login_required
@require_POST
def raise_hazard(request, pk: int, item_pk: int):
    """One click: the found item becomes a hazard in the ledger (with its photos)."""
    user = request.user
    record = _scoped_record(user, pk)
    item = get_object_or_404(InspectionItemResult.objects.filter(record=record), pk=item_pk)
    if not policy.can(user, "edit"):
        raise PermissionDenied
    form = RaiseHazardForm(request.POST)
    anchor = f"#item-{item.pk}"
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(reverse("inspections:detail", args=[record.pk]) + anchor)
    try:
        hazard = services.raise_hazard_from_item(item, actor=user, data={"deadline": form.cleaned_data["deadline"]},
                                                 expected_version=_posted_version(request))
    except (ValidationError, ConflictError) as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("Hazard %(number)s entered into the ledger (%(grade)s).")
                         % {"number": hazard.number, "grade": hazard.get_grade_display()})
    return redirect(reverse("inspections:detail", args=[record.pk]) + anchor)


@login_required
@require_POST
def add_item(request, pk: int):
    """Add a check item by hand to a draft."""
    user = request.user
    record = _scoped_record(user, pk)
    if not policy.can(user, "edit"):
        raise PermissionDenied
    form = AddItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.add_item(record, actor=user, content=form.cleaned_data["content"],
                                     item_no=form.cleaned_data["item_no"], expected_version=_posted_version(request))
        except (ValidationError, ConflictError) as exc:
            messages.error(request, _refusal(exc))
        else:
            messages.success(request, _("Item added."))
            return redirect(reverse("inspections:detail", args=[record.pk]) + f"#item-{item.pk}")
    else:
        messages.error(request, _("Describe what was checked."))
    return redirect("inspections:detail", pk=record.pk)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk: int):
    """Correct a draft's place, time, inspectors and summary."""
    user = request.user
    record = _scoped_record(user, pk)
    if not policy.can(user, "edit", record):
        raise PermissionDenied
    initial = {"location": record.location, "inspected_at": timezone.localtime(record.inspected_at),
               "inspector_names": record.inspector_names, "summary": record.summary}
    form = RecordHeaderForm(_posted(request), initial=initial)
    done = submit(
        request, form,
        lambda data: services.update_record(record, actor=user, data=form.cleaned_data,
                                            expected_version=_posted_version(request)),
        success=_("Changes saved."),
        then=reverse("inspections:detail", args=[record.pk]))
    return done or form_page(request, "inspections/edit.html", {"form": form, "record": record})


@login_required
@require_http_methods(["GET", "POST"])
def record_void(request, pk: int):
    """Void a record with a reason: it leaves every list but is never deleted."""
    user = request.user
    record = _scoped_record(user, pk)
    if not policy.can(user, "void", record):
        raise PermissionDenied
    form = VoidForm(_posted(request))
    done = submit(
        request, form,
        lambda data: services.void_inspection_record(record, actor=user, reason=form.cleaned_data["reason"],
                                                     expected_version=_posted_version(request)),
        success=_("Inspection record voided."),
        then="inspections:list")
    return done or form_page(request, "inspections/void.html", {"form": form, "record": record, "duty": None})


# --- duties ------------------------------------------------------------------------------

@login_required
def duty_list(request):
    """Self-inspection duties in the user's scope (an enterprise user: their own)."""
    user = request.user
    filterset = DutyListFilter(request.GET or None, queryset=selectors.duty_list(user), user=user, request=request)
    page_obj = Paginator(filterset.qs.order_by("enterprise__name", "cadence__sort", "id"),
                         PAGE_SIZE).get_page(request.GET.get("page"))
    own = getattr(user, "scope_enterprise", None) if user.role == "enterprise" else None
    return render(request, "inspections/duties.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "enterprise": None, "own": own,
        "show_filters": not filterset.is_enterprise_user, "today": timezone.localdate(),
        "can_add": own is not None and policy.can(user, "add_duty", own),
    })


@login_required
def enterprise_duties(request, pk: int):
    """The duties of one enterprise, with the button to add one."""
    user = request.user
    enterprise = _scoped_enterprise(user, pk)
    duties = list(selectors.duty_list(user).filter(enterprise=enterprise).order_by("cadence__sort", "id"))
    return render(request, "inspections/enterprise_duties.html", {
        "enterprise": enterprise, "duties": duties, "today": timezone.localdate(),
        "can_add": policy.can(user, "add_duty", enterprise),
        "can_inspect": policy.can(user, "inspect") and any(policy.records_kind_at(user, enterprise, k)
                                                            for k in InspectionKind.values),
    })


@login_required
@require_http_methods(["GET", "POST"])
def duty_create(request, pk: int):
    """Give an enterprise a self-inspection duty."""
    user = request.user
    enterprise = _scoped_enterprise(user, pk)
    if not policy.can(user, "add_duty", enterprise):
        raise PermissionDenied
    form = DutyForm(_posted(request), enterprise=enterprise, initial={"active_from": timezone.localdate()})
    done = submit(
        request, form,
        lambda data: services.create_duty(actor=user, enterprise=enterprise, data=form.service_data()),
        success=lambda duty: _("Duty “%(name)s” created.") % {"name": duty.name},
        then=reverse("inspections:enterprise_duties", args=[enterprise.pk]))
    return done or form_page(request, "inspections/duty_form.html", {"form": form, "enterprise": enterprise, "duty": None})


def _scoped_duty(user, pk) -> InspectionDuty:
    return get_object_or_404(selectors.duty_list(user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def duty_edit(request, pk: int):
    """Change a duty (the cadence and start are fixed once tasks exist)."""
    user = request.user
    duty = _scoped_duty(user, pk)
    if not policy.can(user, "change_duty", duty):
        raise PermissionDenied
    form = DutyForm(_posted(request), instance=InspectionDuty.objects.get(pk=duty.pk), enterprise=duty.enterprise)
    done = submit(
        request, form,
        lambda data: services.update_duty(
            duty, actor=user, expected_version=_posted_version(request),
            data={k: v for k, v in form.service_data().items() if k not in form.fields or not form.fields[k].disabled}),
        success=_("Changes saved."), then=reverse("inspections:enterprise_duties", args=[duty.enterprise_id]))
    return done or form_page(request, "inspections/duty_form.html",
                             {"form": form, "enterprise": duty.enterprise, "duty": duty})


@login_required
@require_http_methods(["GET", "POST"])
def duty_void(request, pk: int):
    """Void a duty entered in error; its open tasks are cancelled."""
    user = request.user
    duty = _scoped_duty(user, pk)
    if not policy.can(user, "void_duty", duty):
        raise PermissionDenied
    form = VoidForm(_posted(request))
    done = submit(
        request, form,
        lambda data: services.void_duty(duty, actor=user, reason=data["reason"],
                                        expected_version=_posted_version(request)),
        success=_("Duty “%(name)s” voided.") % {"name": duty.name},
        then=reverse("inspections:enterprise_duties", args=[duty.enterprise_id]))
    return done or form_page(request, "inspections/void.html", {"form": form, "record": None, "duty": duty})

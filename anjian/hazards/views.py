"""Pages of the hazard ledger (隐患台账) and its closed loop: the ledger with filters, reporting a
hazard, one hazard with everything about it, one small form per step (rectify, accept, close
out, plan, extension, dual report, listing, progress, delisting, void), listed supervisions
(挂牌督办), rectification notices (整改通知单) with their PDF, and the ledger's Excel export.

Reads go through ``for_user`` (out of scope answers 404, like a missing hazard); every change
goes through ``hazards.services``, which checks state and rights. Step forms post the
hazard's ``version``: a step taken on a stale page shows the conflict and changes nothing.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.events import event_label
from anjian.core.exports import export_response
from anjian.core.forms import add_service_errors
from anjian.core.history import history_rows
from anjian.core.models import Attachment
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, attachments_for, events_for
from anjian.enterprises.models import Enterprise

from . import services
from .choices import (
    HAZARD_MACHINE,
    OPEN_STATES,
    RESULT_REPORT_STATES,
    DualReportRecipient,
    DualReportStage,
    ExtensionState,
    HazardGrade,
    HazardState,
    ListingLevel,
    ListingState,
    MajorDefinitionCondition,
    RecheckOutcome,
    TimeLimitCode,
)
from .documents import notice_pdf as render_notice
from .documents import record_pdf
from .events import EVENT_LABELS
from .exports import export_filename, export_hazards, filtered_hazards
from .forms_filters import LISTING_SORT_ORDERS, SORT_ORDERS, LedgerFilter, ListingFilter
from .forms_report import HazardReportForm
from .forms_steps import (
    AcceptForm,
    CommentStepForm,
    CorrectForm,
    DowngradeMajorForm,
    DualReportForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ListForm,
    NoticeEnterpriseForm,
    NoticeForm,
    PlanForm,
    ProgressForm,
    RecheckForm,
    RefuseAcceptanceForm,
    SubmitRectificationForm,
    VoidForm,
)
from .models import (
    PLAN_FIELDS,
    DeadlineExtension,
    DualReport,
    Hazard,
    ListedSupervision,
    Recheck,
    RectificationNotice,
)
from .policy import policy
from .selectors import deadline_mismatches

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)

PLAN_LABELS = {name: Hazard._meta.get_field(name).verbose_name for name in PLAN_FIELDS}
CONDITIONS = dict(MajorDefinitionCondition.choices)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _hazards_in_scope(user, *, include_voided: bool = False):
    return scoped_list(user, Hazard, include_voided=include_voided)


def _scoped_hazard(user, pk: int, *, include_voided: bool = False) -> Hazard:
    """The hazard if it is in the user's scope, else 404 (the same as a missing one)."""
    return scoped_object_or_404(user, Hazard.objects.select_related(
        "enterprise__region__parent", "industry", "grid", "criterion__document", "check_item__checklist",
        "finder", "created_by", "accepted_by"), include_voided=include_voided, pk=pk)


# --- the ledger ------------------------------------------------------------------------------

@login_required
def hazard_list(request):
    """隐患台账: the hazards in the user's jurisdiction with filters, state counts, sort and pages."""
    user = request.user
    base = _hazards_in_scope(user).select_related("enterprise__region", "industry")
    filterset = LedgerFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs
    sort = filterset.sort
    page_obj = Paginator(qs.order_by(*SORT_ORDERS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    # Counts per state over the same filters except the state itself (the chips switch it).
    without_state = filterset.qs_without("state").select_related(None)
    today = timezone.localdate()
    counts = without_state.order_by().aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(state__in=OPEN_STATES, deadline__lt=today)),
        **{s.value: Count("id", filter=Q(state=s.value)) for s in HazardState},
    )
    current_state = request.GET.get("state", "")
    chips = [{"value": "", "label": _("All"), "count": counts["total"], "active": not current_state}]
    chips += [{"value": s.value, "label": s.label, "count": counts[s.value], "active": current_state == s.value}
              for s in HazardState]
    enterprise_id = filterset.enterprise_id
    return render(request, "hazards/list.html", {
        "filter": filterset,
        "form": filterset.form,
        "page_obj": page_obj,
        "sort": sort,
        "chips": chips,
        "overdue_count": counts["overdue"],
        "today": today,
        "can_report": user.has_perm("hazards.add_hazard"),
        "can_notice": user.has_perm("hazards.issue_notice_hazard") and enterprise_id is not None,
        "notice_enterprise": enterprise_id,
        "show_filters": True,
    })


# --- reporting ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def hazard_create(request):
    """隐患上报 through services.report_hazard; photos are attached to the report."""
    user = request.user
    if not user.has_perm("hazards.add_hazard"):
        raise PermissionDenied
    preset = None
    if request.GET.get("enterprise", "").isdigit():
        preset = scoped_list(request, Enterprise, pk=int(request.GET["enterprise"])).first()
    form = HazardReportForm(_posted(request), request.FILES or None, user=user, enterprise=preset)
    done = submit(
        request, form,
        lambda data: services.report_hazard(actor=user, enterprise=form.cleaned_data["enterprise"],
                                            data=form.service_data(), photos=form.cleaned_data["photos"],
                                            source=form.cleaned_data.get("source") or None),
        success=lambda hazard: _("Hazard %(number)s entered in the ledger.") % {"number": hazard.number},
        then=lambda hazard: reverse("hazards:detail", args=[hazard.pk]))
    return done or form_page(request, "hazards/form.html", {"form": form})


# --- one hazard --------------------------------------------------------------------------------

# Raster images are shown inline (thumbnails); anything else, SVG included, is a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})


def _is_image(att: Attachment) -> bool:
    return mimetypes.guess_type(att.name)[0] in INLINE_TYPES


def _timeline(hazard: Hazard, attachments: list[Attachment], notices: dict[int, RectificationNotice],
              limit: int = 200) -> list[dict]:
    """Event rows as the template shows them: translated action and state names, details, files."""
    states = dict(HazardState.choices)
    levels = dict(ListingLevel.choices)
    by_event: dict[int, list] = {}
    for att in attachments:
        if att.event_id:
            by_event.setdefault(att.event_id, []).append(att)
    rows = []
    for event in events_for(hazard)[:limit]:
        data = event.data or {}
        details = []
        link = None
        if event.action == "extension_requested" and data.get("requested_deadline"):
            details.append((_("Requested deadline"), data["requested_deadline"]))
        elif event.action == "extension_approved":
            details.append((_("Deadline"), f"{data.get('previous_deadline', '')} → {data.get('deadline', '')}"))
        elif event.action == "listed":
            details += [(pgettext("hazard listing", "Level"), levels.get(data.get("level"), data.get("level", ""))),
                        (_("Supervision deadline"), data.get("deadline", ""))]
        elif event.action in ("dual_report_recorded", "rechecked"):
            details, link = report_event_details(event.action, data)
        elif event.action == "notice_issued":
            details.append((_("Notice number"), data.get("number", "")))
            if data.get("notice") in notices:
                link = reverse("hazards:notice_detail", args=[data["notice"]])
        elif event.action in ("plan_updated", "updated") and data.get("fields"):
            names = [str(_field_label(n)) for n in data["fields"]]
            details.append((_("Fields"), pgettext("list separator", ", ").join(names)))
        elif event.action == "reported" and data.get("grade"):
            details.append((_("Grade"), dict(HazardGrade.choices).get(data["grade"], data["grade"])))
            if data.get("definition_condition"):
                details.append((_("Condition of the general definition"),
                                CONDITIONS.get(data["definition_condition"], data["definition_condition"])))
        elif event.action in ("major_confirmed", "major_downgraded") and data.get("definition_condition"):
            details.append((_("Condition of the general definition"),
                            CONDITIONS.get(data["definition_condition"], data["definition_condition"])))
        rows.append({
            "at": event.at, "actor": event.actor, "action": event.action,
            "label": event_label(event.action, "hazards"),
            # A state change shows "from → to"; the report itself only names its grade.
            "from_state": states.get(event.from_state, event.from_state),
            "to_state": states.get(event.to_state, event.to_state) if event.from_state else "",
            "comment": event.comment, "details": [d for d in details if d[1]], "link": link,
            "files": by_event.get(event.pk, []),
        })
    return rows


def _history(hazard: Hazard) -> list:
    """Field history rows, with the services' change reasons (action codes) named like the
    timeline's, and without the number's switch from its placeholder to the real one."""
    rows = history_rows(hazard, limit=100)
    for row in rows:
        row.changes = [c for c in row.changes if c["field"] != "number"]
        for change in row.changes:
            if change["field"] in DATETIME_FIELDS:
                change["old"], change["new"] = _local_time(change["old"]), _local_time(change["new"])
        if row.history_change_reason in EVENT_LABELS:  # the events' names (hazards.events)
            row.history_change_reason = str(EVENT_LABELS[row.history_change_reason])
    return rows


DATETIME_FIELDS = {f.name for f in Hazard._meta.get_fields() if isinstance(f, models.DateTimeField)}


def _local_time(value: str) -> str:
    """A stored datetime as the history shows it ("2026-11-23 08:52"), in local time."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return f"{parsed:%Y-%m-%d %H:%M}"


def _field_label(name: str):
    try:
        return Hazard._meta.get_field(name).verbose_name
    except Exception:  # noqa: BLE001 - an old event may name a field that is gone
        return name


def _action_buttons(user, hazard: Hazard) -> list[dict]:
    """The steps the user may take now (services.available_actions, as the API answers them),
    labelled as the machine declares them."""
    buttons = [{"name": n, "label": ACTIONS[n].button, "style": ACTIONS[n].style,
                "url": reverse("hazards:action", args=[hazard.pk, n])}
               for n in services.available_actions(user, hazard) if n in ACTIONS]
    # The next step of the loop first, the corrective and destructive ones last.
    return sorted(buttons, key=lambda b: {"primary": 0, "": 1, "danger": 2}[b["style"]])


@login_required
def hazard_detail(request, pk: int):
    """Everything about one hazard: facts, photos and evidence, the 五落实 plan, the dual report,
    listed supervision with progress, extensions, notices, the timeline and the field history."""
    user = request.user
    hazard = _scoped_hazard(user, pk, include_voided=True)
    attachments = list(attachments_for(hazard).select_related("uploaded_by"))
    for att in attachments:
        att.is_image = _is_image(att)
    photos = [a for a in attachments if a.kind == Attachment.Kind.PHOTO]
    evidence = [a for a in attachments if a.kind != Attachment.Kind.PHOTO]
    listings = list(hazard.listings.select_related("department", "listed_by", "delisted_by").prefetch_related(
        Prefetch("progress", to_attr="progress_rows")))
    notices = {n.pk: n for n in scoped_list(request, RectificationNotice, hazards=hazard)
               .select_related("department")}
    # issue #10: whether this person is kept from the acceptance (they rectified it).
    acceptance_by_other = (hazard.state == HazardState.RECTIFIED and policy.accepts(user, hazard)
                           and policy.rectifier_may_not_accept(user, hazard))
    extensions = list(hazard.extensions.select_related("requested_by", "decided_by"))
    plan = [{"name": n, "label": PLAN_LABELS[n], "value": getattr(hazard, n),
             "missing": n in hazard.missing_plan_fields()} for n in PLAN_FIELDS]
    show_plan = hazard.is_major or any(p["value"] not in (None, "") for p in plan)
    buttons = _action_buttons(user, hazard)
    notice_url = None
    if user.has_perm("hazards.issue_notice_hazard") and hazard.state != HazardState.CLOSED and not hazard.is_voided:
        notice_url = f"{reverse('hazards:notice_create')}?enterprise={hazard.enterprise_id}&hazards={hazard.pk}"
    return render(request, "hazards/detail.html", {
        "hazard": hazard,
        "photos": photos,
        "evidence": evidence,
        "plan": plan,
        "show_plan": show_plan,
        "plan_missing": hazard.is_major and any(p["missing"] for p in plan),
        "dual_missing": hazard.missing_dual_reports(),
        "listings": listings,
        "extensions": extensions,
        "notices": list(notices.values()),
        "timeline": _timeline(hazard, attachments + report_files(hazard), notices),
        "history": _history(hazard),
        "buttons": buttons,
        "notice_url": notice_url,
        "today": timezone.localdate(),
        # issue #10 (h/loop1)
        "acceptance_by_other": acceptance_by_other,
        "deadline_mismatches": deadline_mismatches(hazard, notices=list(notices.values()), listings=listings),
        **report_context(hazard),
    })


@login_required
@require_GET
def attachment(request, pk: int, att: int):
    """A file of a hazard in the user's scope (photos inline, other files as downloads)."""
    hazard = _scoped_hazard(request.user, pk, include_voided=True)
    item = attachments_for(hazard).filter(pk=att).first() or report_file(hazard, att)
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline = _is_image(item) and request.GET.get("download") is None
    response = FileResponse(handle, as_attachment=not inline, filename=item.name)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the steps ---------------------------------------------------------------------------------

def _pending_extension(hazard: Hazard) -> DeadlineExtension | None:
    return hazard.extensions.filter(state=ExtensionState.PENDING).first()


def _active_listing(hazard: Hazard) -> ListedSupervision | None:
    return hazard.listings.filter(state=ListingState.LISTED).first()


def _run_start(request, hazard, data, version):
    services.start_rectification(hazard, actor=request.user, expected_version=version, comment=data["comment"])
    return _("Rectification started.")


def _run_submit(request, hazard, data, version):
    services.submit_rectification(hazard, actor=request.user, note=data["note"], files=data["files"],
                                  expected_version=version)
    return _("Rectification submitted for acceptance.")


def _run_accept(request, hazard, data, version):
    services.accept_rectification(hazard, actor=request.user, comment=data["comment"], files=data["files"],
                                  expected_version=version)
    return _("Rectification accepted.")


def _run_refuse(request, hazard, data, version):
    services.refuse_acceptance(hazard, actor=request.user, reason=data["reason"], expected_version=version)
    return _("Acceptance refused; the hazard is back in rectification.")


def _run_close(request, hazard, data, version):
    services.close_hazard(hazard, actor=request.user, comment=data["comment"], expected_version=version)
    return _("Hazard closed out.")


def _run_plan(request, hazard, data, version):
    plan = {n: data.get(n) for n in PLAN_FIELDS}
    for name in ("plan_responsible", "plan_measures", "plan_contingency"):
        plan[name] = (plan[name] or "").strip()
    services.update_plan(hazard, actor=request.user, plan=plan, expected_version=version)
    return _("五落实 plan saved.")


def _run_extension(request, hazard, data, version):
    services.request_extension(hazard, actor=request.user, new_deadline=data["new_deadline"], reason=data["reason"],
                               expected_version=version)
    return _("Extension requested.")


def _decide(approve: bool):
    def run(request, hazard, data, version):
        ext = _pending_extension(hazard)
        if ext is None:
            raise ConflictError(_("This extension request has already been decided."), current_state=hazard.state,
                                current_version=hazard.version)
        services.decide_extension(ext, actor=request.user, approve=approve, comment=data["comment"],
                                  expected_version=version)
        return _("Extension approved.") if approve else _("Extension refused.")
    return run


def _run_dual(request, hazard, data, version):
    data = dict(data)
    data.pop("version", None)
    services.record_dual_report(hazard, actor=request.user, expected_version=version, **data)
    return _("Dual report recorded.")


def _run_list(request, hazard, data, version):
    services.list_for_supervision(hazard, actor=request.user, level=data["level"] or None,
                                  department=data["department"],
                                  deadline=data["deadline"], document_number=data["document_number"],
                                  requirements=data["requirements"], expected_version=version)
    return _("Hazard listed for supervision.")


def _run_progress(request, hazard, data, version):
    listing = _active_listing(hazard)
    if listing is None:
        raise ValidationError({"content": _("This listing has been delisted.")})
    services.report_listing_progress(listing, actor=request.user, content=data["content"], expected_version=version)
    return _("Progress reported.")


def _run_delist(request, hazard, data, version):
    listing = _active_listing(hazard)
    if listing is None:
        raise ConflictError(_("This listing has already been delisted."), current_state=hazard.state,
                            current_version=hazard.version)
    services.delist(listing, actor=request.user, comment=data["comment"], expected_version=version)
    return _("Hazard delisted.")


def _run_correct(request, hazard, data, version):
    changes = data["changes"]
    if not changes:
        raise ValidationError({"reason": _("Nothing was changed.")})
    services.update_hazard(hazard, actor=request.user, data=changes, expected_version=version,
                           comment=data["reason"])
    return _("Hazard %(number)s corrected.") % {"number": hazard.number}


def _run_confirm_major(request, hazard, data, version):
    services.confirm_major(hazard, actor=request.user, comment=data["comment"], expected_version=version)
    return _("The major grade is confirmed.")


def _run_downgrade_major(request, hazard, data, version):
    services.downgrade_major(hazard, actor=request.user, reason=data["reason"], expected_version=version)
    return _("The hazard is now a general hazard.")


def _run_recheck(request, hazard, data, version):
    recheck = services.record_recheck(
        hazard, actor=request.user, outcome=data["outcome"], opinion=data["opinion"], checked_on=data["checked_on"],
        new_deadline=data.get("new_deadline"), department=data.get("department"), inspectors=data["inspectors"],
        files=data["files"], expected_version=version)
    if recheck.passed:
        return _("Re-check recorded: passed. Re-check opinion %(number)s.") % {"number": recheck.number}
    return _("Re-check recorded: not passed, new deadline %(deadline)s. Re-check opinion %(number)s.") % {
        "deadline": recheck.new_deadline, "number": recheck.number}


def _run_void(request, hazard, data, version):
    services.void_hazard(hazard, actor=request.user, reason=data["reason"], expected_version=version)
    return _("Hazard %(number)s voided.") % {"number": hazard.number}


@dataclass(frozen=True)
class Action:
    """The page of one step (its ``name`` in HAZARD_MACHINE): title, form, the service call that
    takes it, and how it looks. Its button reads as the machine labels the step."""

    name: str
    title: object
    form: type
    run: Callable
    style: str = ""
    intro: object = ""
    aliases: dict | None = None
    confirm: object = ""
    template: str = "hazards/action.html"

    @property
    def button(self):
        return HAZARD_MACHINE[self.name].label


ACTIONS: dict[str, Action] = {
    "correct": Action("correct", gettext_lazy("Correct the report"), CorrectForm, _run_correct,
                      intro=gettext_lazy("A hazard can be corrected only while it is reported, before "
                                         "rectification starts; every correction is kept in its history.")),
    "update_plan": Action("update_plan", gettext_lazy("五落实 plan"), PlanForm, _run_plan,
                          intro=gettext_lazy("A major hazard's rectification starts only when responsibility, "
                                             "measures, funds, time limit and contingency plan are all in place.")),
    "start_rectification": Action("start_rectification", gettext_lazy("Start rectification"),
                                  CommentStepForm, _run_start, style="primary"),
    "submit_rectification": Action("submit_rectification", gettext_lazy("Submit rectification"),
                                   SubmitRectificationForm, _run_submit, style="primary",
                                   intro=gettext_lazy("Describe what was done and attach the evidence; the "
                                                      "hazard then waits for acceptance.")),
    "accept": Action("accept", gettext_lazy("Accept the rectification"), AcceptForm, _run_accept,
                     style="primary"),
    "refuse_acceptance": Action("refuse_acceptance", gettext_lazy("Refuse acceptance"),
                                RefuseAcceptanceForm, _run_refuse, style="danger",
                                intro=gettext_lazy("The hazard goes back to rectification.")),
    "close": Action("close", gettext_lazy("Close out"), CommentStepForm, _run_close,
                    style="primary", intro=gettext_lazy("A closed-out hazard leaves the open ledger for good.")),
    "request_extension": Action("request_extension", gettext_lazy("Request an extension"),
                                ExtensionRequestForm, _run_extension),
    "approve_extension": Action("approve_extension", gettext_lazy("Approve the extension"),
                                ExtensionDecisionForm, _decide(True), style="primary"),
    "refuse_extension": Action("refuse_extension", gettext_lazy("Refuse the extension"),
                               ExtensionDecisionForm, _decide(False), style="danger"),
    "record_dual_report": Action("record_dual_report", gettext_lazy("Dual report"), DualReportForm,
                                 _run_dual, template="hazards/action_dual_report.html", intro=gettext_lazy(
                                     "A major hazard is reported both to the supervising department and to the "
                                     "workers' congress: when found, its present state and cause, how serious it "
                                     "is and how hard to remove, and the treatment plan; once treated, the "
                                     "result.")),
    "list": Action("list", gettext_lazy("List for supervision"), ListForm,
                   _run_list, style="primary"),
    "report_progress": Action("report_progress", gettext_lazy("Report supervision progress"),
                              ProgressForm, _run_progress),
    "delist": Action("delist", gettext_lazy("Delist"), CommentStepForm, _run_delist, style="primary",
                     intro=gettext_lazy("Delisting ends the listed supervision of this closed-out hazard.")),
    # issue #10 (h/loop1): a major grade by the general definition is confirmed or downgraded.
    "confirm_major": Action("confirm_major", gettext_lazy("Confirm the major grade"),
                            CommentStepForm, _run_confirm_major, style="primary",
                            intro=gettext_lazy("No listed criterion names this hazard; it was graded major by the "
                                               "general definition (国家安全生产监督管理总局令第16号 Article 3). "
                                               "Confirmed, it is a major hazard for good.")),
    "downgrade_major": Action("downgrade_major", gettext_lazy("Downgrade to a general hazard"),
                              DowngradeMajorForm, _run_downgrade_major, style="danger",
                              intro=gettext_lazy("The general definition is not met: the hazard becomes a general "
                                                 "hazard. The reason is kept in its timeline.")),
    "void": Action("void", gettext_lazy("Void hazard"), VoidForm, _run_void, style="danger",
                   confirm=gettext_lazy("Void this hazard? It will disappear from the ledger."),
                   intro=gettext_lazy("A voided hazard is not deleted: it and its history are kept, but it no "
                                      "longer appears in the ledger, counts or exports. Use this for hazards "
                                      "reported twice or by mistake.")),
    "recheck": Action(
        "recheck", gettext_lazy("Re-check"), RecheckForm, _run_recheck, style="primary",
        template="hazards/action_recheck.html",
        intro=gettext_lazy("The side that found the hazard or ordered it fixed re-checks the rectification on site. "
                           "If it passed, the hazard can be closed out; if not, it goes back to rectification with "
                           "a new deadline.")),
}


def _make_form(action: Action, request, hazard: Hazard):
    kwargs = {"hazard": hazard, "user": request.user}
    if request.method == "POST":
        return action.form(request.POST, request.FILES or None, **kwargs)
    return action.form(**kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def hazard_action(request, pk: int, action: str):
    """One step on one hazard: GET shows its small form, POST runs the service.

    On a conflict (someone acted first, or the page was stale) the message is shown on the
    hazard's page as it is now; on a validation error the form comes back with the errors."""
    user = request.user
    if action not in ACTIONS:
        raise Http404
    spec = ACTIONS[action]
    hazard = _scoped_hazard(user, pk)
    if request.method == "GET" and action not in services.available_actions(user, hazard):
        messages.warning(request, _("“%(step)s” is not possible on this hazard now.") % {"step": spec.title})
        return redirect("hazards:detail", pk=hazard.pk)
    form = _make_form(spec, request, hazard)
    if request.method == "POST" and form.is_valid():
        try:
            done = spec.run(request, hazard, form.cleaned_data, form.cleaned_data["version"])
        except ConflictError as exc:
            messages.error(request, exc.message)
            return redirect("hazards:detail", pk=hazard.pk)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"void_reason": "reason", **(spec.aliases or {})})
        else:
            messages.success(request, done)
            if action == "void":
                return redirect("hazards:list")
            return redirect("hazards:detail", pk=hazard.pk)
    elif request.method == "POST" and "version" in form.errors:
        messages.error(request, _("The form was incomplete; please try again."))
        return redirect("hazards:detail", pk=hazard.pk)
    context = {
        "hazard": hazard, "form": form, "action": action, "spec": spec,
        "pending_extension": _pending_extension(hazard) if action in ("approve_extension", "refuse_extension")
        else None,
        "listing": _active_listing(hazard) if action in ("report_progress", "delist") else None,
        "evidence": [a for a in attachments_for(hazard) if a.kind == Attachment.Kind.EVIDENCE]
        if action in ("accept", "refuse_acceptance") else [],
        "today": timezone.localdate(),
        **step_context(action, hazard),
    }
    return render(request, spec.template, context, status=400 if form.errors else 200)


# --- listed supervision --------------------------------------------------------------------------

@login_required
def listing_list(request):
    """挂牌督办: the listed supervisions in the user's jurisdiction (active ones by default)."""
    user = request.user
    params = request.GET.copy()
    params.setdefault("state", ListingState.LISTED)
    qs = scoped_list(request, ListedSupervision).select_related("hazard", "enterprise__region", "department")
    filterset = ListingFilter(params, queryset=qs, user=user)
    page_obj = Paginator(filterset.qs.order_by(*LISTING_SORT_ORDERS[filterset.sort]), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    return render(request, "hazards/listings.html", {
        "form": filterset.form, "page_obj": page_obj, "today": timezone.localdate(), "sort": filterset.sort,
    })


# --- rectification notices -----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request):
    """整改通知单: choose unclosed hazards of one enterprise, the issuing unit, deadline and
    requirements, then services.issue_notice."""
    user = request.user
    if not user.has_perm("hazards.issue_notice_hazard"):
        raise PermissionDenied
    raw = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
    enterprise = scoped_list(request, Enterprise, pk=int(raw)).first() if raw.isdigit() else None
    if enterprise is None:
        # Step one: which enterprise (by code or exact name).
        pick = NoticeEnterpriseForm(request.GET if "enterprise" in request.GET else None, user=user)
        if pick.is_bound and pick.is_valid():
            return redirect(f"{reverse('hazards:notice_create')}?enterprise={pick.cleaned_data['enterprise'].pk}")
        return render(request, "hazards/notice_form.html", {"pick": pick, "enterprise": None},
                      status=400 if pick.errors else 200)
    initial = {"hazards": [int(v) for v in request.GET.getlist("hazards") if v.isdigit()]}
    form = NoticeForm(_posted(request), user=user, enterprise=enterprise, initial=initial)
    done = submit(
        request, form,
        lambda data: services.issue_notice(actor=user, department=data["department"], hazards=list(data["hazards"]),
                                           deadline=data["deadline"], requirements=data["requirements"]),
        success=lambda notice: _("Rectification notice %(number)s issued.") % {"number": notice.number},
        then=lambda notice: reverse("hazards:notice_detail", args=[notice.pk]))
    return done or form_page(request, "hazards/notice_form.html", {
        "form": form, "enterprise": enterprise, "today": timezone.localdate(),
        "no_departments": not form.fields["department"].queryset.exists(),
    })


def _scoped_notice(user, pk: int) -> RectificationNotice:
    return scoped_object_or_404(user, RectificationNotice.objects.select_related(
        "enterprise__region", "department__region", "issued_by"), pk=pk)


@login_required
def notice_detail(request, pk: int):
    notice = _scoped_notice(request.user, pk)
    hazards = list(notice.hazards.order_by("id"))
    return render(request, "hazards/notice_detail.html", {
        "notice": notice, "hazards": hazards, "today": timezone.localdate(),
    })


@login_required
@require_GET
def notice_pdf(request, pk: int):
    """The notice as an inline PDF (A4, printable, with the official wording)."""
    notice = _scoped_notice(request.user, pk)
    pdf = render_notice(notice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.number}.pdf"'
    return response


# --- export ----------------------------------------------------------------------------------------


@login_required
@require_GET
def export_xlsx(request):
    """The ledger's filtered hazards (same query string as the page) as an xlsx attachment."""
    return export_response(lambda: export_hazards(filtered_hazards(request.user, request.GET)), export_filename())



# --- dual report records and re-checks (issue #10) ----------------------------------------------

def _report_attachments(hazard: Hazard):
    """The files of the hazard's dual reports and re-checks (attached to those records)."""
    report_ct = ContentType.objects.get_for_model(DualReport)
    recheck_ct = ContentType.objects.get_for_model(Recheck)
    reports = [str(pk) for pk in hazard.dual_reports.values_list("pk", flat=True)]
    rechecks = [str(pk) for pk in hazard.rechecks.values_list("pk", flat=True)]
    return Attachment.objects.filter(Q(content_type=report_ct, object_id__in=reports)
                                     | Q(content_type=recheck_ct, object_id__in=rechecks))


def report_files(hazard: Hazard) -> list[Attachment]:
    """The report and re-check files, marked for the templates (images inline)."""
    files = list(_report_attachments(hazard).select_related("uploaded_by"))
    for att in files:
        att.is_image = _is_image(att)
    return files


def report_file(hazard: Hazard, pk: int) -> Attachment | None:
    return _report_attachments(hazard).filter(pk=pk).first()


def report_event_details(action: str, data: dict) -> tuple[list, str | None]:
    """The timeline's details of a dual-report or re-check event, and the link to its record."""
    if action == "dual_report_recorded":
        if "report" not in data:  # recorded before reports were records: two dates
            return [(_("Reported to the regulator on"), data.get("regulator_on") or ""),
                    (_("Reported to the workers' congress on"), data.get("congress_on") or "")], None
        details = [(_("Report type"), dict(DualReportStage.choices).get(data.get("stage"), "")),
                   (_("Reported to"), dict(DualReportRecipient.choices).get(data.get("recipient"), "")),
                   (_("Reported on"), data.get("reported_on", ""))]
        return details, reverse("hazards:dual_report", args=[data["report"]])
    details = [(_("Re-check opinion number"), data.get("number", "")),
               (_("Outcome"), dict(RecheckOutcome.choices).get(data.get("outcome"), "")),
               (_("Re-checked on"), data.get("checked_on", ""))]
    if data.get("deadline"):
        details.append((_("New rectification deadline"), data["deadline"]))
    link = reverse("hazards:recheck", args=[data["recheck"]]) if data.get("recheck") else None
    return details, link


def report_context(hazard: Hazard) -> dict:
    """What the hazard page shows of its dual reports and re-checks."""
    reports = list(hazard.dual_reports.select_related("department", "reported_by"))
    rechecks = list(hazard.rechecks.select_related("department", "checked_by", "notice"))
    missing_results = []
    if hazard.is_major and hazard.state in RESULT_REPORT_STATES:
        done = {r.recipient for r in reports if r.stage == DualReportStage.RESULT}
        missing_results = [label for value, label in DualReportRecipient.choices if value not in done]
    rule = services.time_limit(TimeLimitCode.RECHECK)
    due = services.recheck_due_on(hazard, days=rule.days)
    return {
        "dual_reports": reports,
        "missing_results": missing_results,
        "rechecks": rechecks,
        "recheck_pending": services.needs_recheck(hazard) and hazard.state != HazardState.CLOSED,
        "recheck_due": due,
        "recheck_overdue": due is not None and due < timezone.localdate(),
        "recheck_rule": rule,
    }


def step_context(action: str, hazard: Hazard) -> dict:
    """Extra context of the dual-report and re-check step pages."""
    if action == "recheck":
        rule = services.time_limit(TimeLimitCode.RECHECK)
        return {"recheck_due": services.recheck_due_on(hazard, days=rule.days), "recheck_rule": rule,
                "notices": list(hazard.notices.select_related("department").order_by("-issued_on", "-id"))}
    if action == "record_dual_report":
        return {"dual_reports": list(hazard.dual_reports.select_related("department"))}
    return {}


@dataclass(frozen=True)
class RecordPage:
    """The print view of one kind of record kept on hazards (a dual report, a re-check)."""

    model: type
    related: tuple[str, ...]
    template: str
    name: str  # the record's name in the template


RECORD_PAGES = {
    "dual_report": RecordPage(DualReport, ("department", "reported_by"), "hazards/dual_report_detail.html",
                              "report"),
    "recheck": RecordPage(Recheck, ("department", "checked_by", "notice__department"),
                          "hazards/recheck_detail.html", "recheck"),
}


def _scoped_record(kind: str, user, pk: int):
    page = RECORD_PAGES[kind]
    return scoped_object_or_404(user, page.model.objects.select_related(
        "hazard__enterprise__region", "hazard__criterion", *page.related), pk=pk)


def _record_views(kind: str) -> tuple[Callable, Callable]:
    """The print view (laid out as the document, with its files) and the PDF of a ``kind`` record."""
    page = RECORD_PAGES[kind]

    @login_required
    @require_GET
    def detail(request, pk: int):
        record = _scoped_record(kind, request.user, pk)
        files = list(attachments_for(record))
        for att in files:
            att.is_image = _is_image(att)
        return render(request, page.template, {page.name: record, "hazard": record.hazard, "files": files})

    @login_required
    @require_GET
    def pdf(request, pk: int):
        content, filename = record_pdf(_scoped_record(kind, request.user, pk))
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response

    return detail, pdf


dual_report_detail, dual_report_pdf = _record_views("dual_report")
recheck_detail, recheck_pdf = _record_views("recheck")

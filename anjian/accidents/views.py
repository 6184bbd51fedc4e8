"""Pages of the accident ledger (事故台账): the ledger with filters and grade colours, reporting
and correcting an accident, one accident with everything about it (figures and grade with the
per-criterion explanation, the reporting chain with 迟报 marks, follow-up reports (续报) with
what is owed, casualty history, flags, investigation with the report and approval deadlines,
rectifications, accountability, timeline, attachments), one small form per action, the xlsx
import and the ledger export.

Reads go through ``for_user`` (out of scope is 404, like a missing accident); every change goes
through ``accidents.services``. Action forms post the accident's ``version``: a stale page shows
the conflict and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.downloads import xlsx_response
from anjian.core.events import event_label
from anjian.core.exports import export_response
from anjian.core.models import Attachment
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import attachments_for, events_for
from anjian.core.views_imports import import_upload_page

from . import forms as f
from . import services
from .choices import ACCIDENT_MACHINE, FLAG_DEFINITIONS, AccidentGrade, FlagKind, FlagState
from .exports import export_accidents, export_filename, filtered_accidents
from .grading import grade_for
from .imports import COLUMNS as IMPORT_COLUMNS
from .imports import import_accidents, template_file
from .models import Accident, AccidentRectification, Investigation, ReportingFlag
from .policy import available_actions, policy
from .regulations import counted_deaths, counting_source, missing_counted_as_deaths
from .selectors import casualty_phrase, followup_status, report_deadline, reporting_chain, update_window_end

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)

def _posted(request):
    return request.POST if request.method == "POST" else None


def _scoped(user, pk: int, *, include_voided: bool = False) -> Accident:
    return scoped_object_or_404(user, Accident.objects.select_related(
        "region__parent", "enterprise", "industry", "accident_type", "created_by"), include_voided=include_voided, pk=pk)


def _can_report(user) -> bool:
    return policy.can(user, "report")


# --- the ledger ------------------------------------------------------------------------------

SORTS = {"-occurred_at": ("-occurred_at", "-id"), "occurred_at": ("occurred_at", "id"),
         "-deaths": ("-deaths", "-occurred_at"), "-direct_loss_yuan": ("-direct_loss_yuan", "-occurred_at")}


@login_required
def accident_list(request):
    """事故台账: the accidents in the user's jurisdiction, filtered, with counts per grade."""
    user = request.user
    base = scoped_list(request, Accident)
    filterset = f.LedgerFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound else base
    sort = request.GET.get("sort", "-occurred_at")
    sort = sort if sort in SORTS else "-occurred_at"
    page_obj = Paginator(qs.select_related("region", "enterprise", "industry", "accident_type")
                         .order_by(*SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = qs.order_by().aggregate(
        total=Count("id"), deaths=Count("id", filter=Q(deaths__gt=0)),
        **{g.value: Count("id", filter=Q(grade=g.value)) for g in AccidentGrade})
    late_ids = set(ReportingFlag.objects.filter(accident_id__in=[a.pk for a in page_obj], kind=FlagKind.LATE)
                   .exclude(state=FlagState.RETRACTED).values_list("accident_id", flat=True))
    return render(request, "accidents/list.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "sort": sort, "counts": counts,
        "grades": [(g.value, g.label, counts[g.value]) for g in AccidentGrade], "late_ids": late_ids,
        "can_report": _can_report(user), "can_import": _can_report(user) and user.has_perm(
            "accidents.change_accident"), "with_missing": missing_counted_as_deaths(),
    })


@login_required
@require_GET
def accident_export(request):
    """The ledger (same filters) as an xlsx file."""
    return export_response(lambda: export_accidents(filtered_accidents(request.user, request.GET)),
                           export_filename())


# --- reporting and correcting ------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def accident_create(request):
    """生产安全事故报告."""
    if not _can_report(request.user):
        raise PermissionDenied
    form = f.AccidentForm(_posted(request), request.FILES or None, user=request.user)
    done = submit(
        request, form,
        lambda data: services.report_accident(actor=request.user, data=form.service_data(),
                                              files=data.get("files") or []),
        success=lambda accident: _("Accident %(number)s reported: %(grade)s.")
        % {"number": accident.number, "grade": accident.get_grade_display()},
        then=lambda accident: reverse("accidents:detail", args=[accident.pk]), denied_on_form=True)
    return done or form_page(request, "accidents/form.html", {"form": form, "title": _("Report an accident")})


@login_required
@require_http_methods(["GET", "POST"])
def accident_edit(request, pk: int):
    """Correct an accident (with the reason); the grade is computed again."""
    accident = _scoped(request.user, pk)
    if "update" not in available_actions(request.user, accident):
        raise PermissionDenied
    form = f.AccidentForm(_posted(request), user=request.user, accident=accident)
    done = submit(
        request, form,
        lambda data: services.update_accident(accident, actor=request.user, data=form.service_data(),
                                              reason=form.cleaned_data["reason"],
                                              expected_version=form.cleaned_data.get("version")),
        success=_("The accident was corrected."),
        then=reverse("accidents:detail", args=[accident.pk]))
    return done or form_page(request, "accidents/form.html", {"form": form, "accident": accident,
                                                              "title": _("Correct the accident")})


# --- one accident ------------------------------------------------------------------------------

PRIMARY = {"casualty_update", "start_investigation", "submit_report", "approve_report"}


@login_required
def accident_detail(request, pk: int):
    """One accident with everything about it."""
    accident = _scoped(request.user, pk, include_voided=True)
    user = request.user
    actions = available_actions(user, accident)
    buttons = []
    for name in actions:
        url = (reverse("accidents:edit", args=[pk]) if name == "update"
               else reverse("accidents:action", args=[pk, name]))
        buttons.append({"name": name, "label": ACCIDENT_MACHINE[name].label, "url": url,
                        "style": "danger" if name == "void" else ("primary" if name in PRIMARY else "")})
    grade, by = grade_for(deaths=accident.deaths, missing=accident.missing, serious_injuries=accident.serious_injuries,
                          direct_loss_yuan=accident.direct_loss_yuan, on=services._local_date(accident.occurred_at))
    with_missing = missing_counted_as_deaths()
    by_rows = [(_("Deaths (incl. missing)") if with_missing else _("Deaths"),
                counted_deaths(accident.deaths, accident.missing, with_missing=with_missing), by["deaths"]),
               (_("Serious injuries"), accident.serious_injuries, by["serious_injuries"]),
               (_("Direct economic loss (yuan)"), accident.direct_loss_yuan, by["direct_loss"])]
    labels = dict(AccidentGrade.choices)
    chain = reporting_chain(accident)
    investigation = Investigation.objects.filter(accident=accident).first()
    followups = list(accident.followups.select_related("recorded_by", "casualty_update"))
    flags = list(accident.flags.select_related("recorded_by", "decided_by"))
    rectifications = list(accident.rectifications.filter(is_voided=False).select_related("verified_by"))
    timeline = [{"label": event_label(e.action, "accidents"), "event": e} for e in events_for(accident)]
    # Evidence of the flags and rectifications: one query each, grouped by their record.
    for rows, model in ((flags, ReportingFlag), (rectifications, AccidentRectification)):
        files: dict[str, list] = {}
        if rows:
            ct = ContentType.objects.get_for_model(model)
            for att in Attachment.objects.filter(content_type=ct, object_id__in=[str(r.pk) for r in rows]):
                files.setdefault(att.object_id, []).append(att)
        for r in rows:
            r.evidence = files.get(str(r.pk), [])
            r.actions = available_actions(user, r)  # the row's buttons (decide; done, verify)
    return render(request, "accidents/detail.html", {
        "accident": accident, "buttons": buttons,
        "by_rows": [(name, value, g, labels[g]) for name, value, g in by_rows], "computed_grade": grade,
        "chain": chain, "top_label": dict(f.ReportingLevel.choices)[chain.required_top_level],
        "updates": list(accident.casualty_updates.select_related("recorded_by")),
        "followups": followups, "followup": followup_status(accident, followups),
        "deadline": report_deadline(accident, investigation), "with_missing": with_missing,
        "counted_deaths": counted_deaths(accident.deaths, accident.missing, with_missing=with_missing),
        "casualties": casualty_phrase(accident.deaths, accident.missing, with_missing=with_missing),
        "counting_source": counting_source(),
        "window_end": update_window_end(accident), "flags": flags, "investigation": investigation,
        "rectifications": rectifications, "accountabilities": list(accident.accountabilities.filter(is_voided=False)),
        "timeline": timeline, "attachments": list(attachments_for(accident)),
        "flag_definitions": [(FlagKind(k).label, v) for k, v in FLAG_DEFINITIONS.items()],
    })


@dataclass
class ActionSpec:
    form: type
    title: object
    button: object
    style: str = ""


ACTIONS = {
    "casualty_update": ActionSpec(f.CasualtyUpdateForm, gettext_lazy("Casualty update (补报)"),
                                  gettext_lazy("Record the update")),
    "record_followup": ActionSpec(f.FollowUpForm, gettext_lazy("Record a follow-up report (续报)"),
                                  gettext_lazy("Record")),
    "declare_stable": ActionSpec(f.SituationStableForm, gettext_lazy("Declare the situation stable"),
                                 gettext_lazy("Declare")),
    "record_step": ActionSpec(f.ReportingStepForm, gettext_lazy("Record a reporting step"), gettext_lazy("Save")),
    "record_flag": ActionSpec(f.FlagForm, gettext_lazy("Record a reporting flag"), gettext_lazy("Record")),
    "decide_flag": ActionSpec(f.FlagDecisionForm, gettext_lazy("Decide a reporting flag"), gettext_lazy("Save")),
    "start_investigation": ActionSpec(f.InvestigationForm, gettext_lazy("Start the investigation"),
                                      gettext_lazy("Start")),
    "update_investigation": ActionSpec(f.InvestigationForm, gettext_lazy("Edit the investigation"),
                                       gettext_lazy("Save")),
    "submit_report": ActionSpec(f.SubmitReportForm, gettext_lazy("Submit the investigation report"),
                                gettext_lazy("Submit")),
    "extend_report": ActionSpec(f.ExtendReportForm, gettext_lazy("Extend the report deadline"),
                                gettext_lazy("Extend")),
    "extend_approval": ActionSpec(f.ExtendApprovalForm, gettext_lazy("Extend the approval"),
                                  gettext_lazy("Extend")),
    "approve_report": ActionSpec(f.ApproveReportForm, gettext_lazy("Approve the report"), gettext_lazy("Approve")),
    "add_rectification": ActionSpec(f.RectificationForm, gettext_lazy("Add a rectification"), gettext_lazy("Add")),
    "rectify": ActionSpec(f.RectifyForm, gettext_lazy("Report the rectification done"), gettext_lazy("Save")),
    "verify": ActionSpec(f.VerifyForm, gettext_lazy("Verify the rectification"), gettext_lazy("Verify")),
    "add_accountability": ActionSpec(f.AccountabilityForm, gettext_lazy("Record accountability"),
                                     gettext_lazy("Record")),
    "void": ActionSpec(f.VoidForm, gettext_lazy("Void the accident"), gettext_lazy("Void"), "danger"),
}


def _run(name: str, accident: Accident, user, data: dict, request):
    version = data.pop("version", None)
    if name == "casualty_update":
        as_of, note = data.pop("as_of"), data.pop("note", "")
        return services.record_casualty_update(accident, actor=user, as_of=as_of, figures=data, note=note,
                                               expected_version=version)
    if name == "record_followup":
        figures = {n: data.pop(n) for n in services.HEAD_COUNTS}
        return services.record_followup(accident, actor=user, reported_at=data["reported_at"], text=data["text"],
                                        reported_by=data["reported_by"], figures=figures,
                                        expected_version=version)
    if name == "declare_stable":
        return services.declare_situation_stable(accident, actor=user, stable_at=data["stable_at"],
                                                 note=data["note"], expected_version=version)
    if name == "record_step":
        return services.record_reporting_step(accident, actor=user, expected_version=version, **data)
    if name == "record_flag":
        return services.record_flag(accident, actor=user, kind=data["kind"], note=data["note"],
                                    files=data.get("files") or [], expected_version=version)
    if name == "decide_flag":
        flag = get_object_or_404(ReportingFlag, pk=request.GET.get("flag") or 0, accident=accident)
        return services.decide_flag(flag, actor=user, confirm=data["decision"] == "confirm", comment=data["comment"],
                                    expected_version=version)
    if name == "start_investigation":
        data = {k: v for k, v in data.items() if v not in (None, "")}
        return services.start_investigation(accident, actor=user, data=data, expected_version=version)
    if name == "update_investigation":
        data = {k: v for k, v in data.items() if v is not None}
        return services.update_investigation(accident, actor=user, data=data, expected_version=version)
    if name == "submit_report":
        submitted_on, files = data.pop("submitted_on"), data.pop("files", None) or []
        return services.submit_investigation_report(accident, actor=user, submitted_on=submitted_on,
                                                    data={k: v for k, v in data.items() if v},
                                                    files=files, expected_version=version)
    if name == "extend_report":
        return services.extend_report_deadline(accident, actor=user, days=data["days"], reason=data["reason"],
                                               expected_version=version)
    if name == "extend_approval":
        return services.extend_approval(accident, actor=user, days=data["days"], reason=data["reason"],
                                        expected_version=version)
    if name == "approve_report":
        return services.approve_investigation_report(accident, actor=user, approved_on=data["approved_on"],
                                                     comment=data["comment"], expected_version=version)
    if name == "add_rectification":
        return services.add_rectification(accident, actor=user, data=data, expected_version=version)
    if name in ("rectify", "verify"):
        # The form's version is the accident's; the rectification is read now (its own version).
        rect = get_object_or_404(AccidentRectification, pk=data.pop("rectification"), accident=accident,
                                 is_voided=False)
        if name == "rectify":
            return services.rectify(rect, actor=user, note=data["note"], files=data.get("files") or [])
        return services.verify_rectification(rect, actor=user, comment=data["comment"])
    if name == "add_accountability":
        data = {k: v for k, v in data.items() if v is not None}
        return services.add_accountability(accident, actor=user, data=data, expected_version=version)
    if name == "void":
        return services.void_accident(accident, actor=user, reason=data["reason"], expected_version=version)
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def accident_action(request, pk: int, action: str):
    """One action on one accident, through its small form."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    accident = _scoped(request.user, pk)
    initial = {}
    if action in ("rectify", "verify"):
        initial["rectification"] = request.GET.get("rectification")
    form = spec.form(_posted(request), request.FILES or None, accident=accident, initial=initial)
    done = submit(
        request, form, lambda data: _run(action, accident, request.user, dict(data), request),
        success=_("Saved: %(action)s.") % {"action": spec.title},
        then=reverse("accidents:list") if action == "void" else reverse("accidents:detail", args=[accident.pk]),
        denied_on_form=True)
    return done or form_page(request, "accidents/action.html", {
        "accident": accident, "form": form, "spec": spec, "action": action,
        "window_end": update_window_end(accident) if action in ("casualty_update", "record_followup") else None,
        "followup": followup_status(accident) if action in ("record_followup", "declare_stable") else None,
        "deadline": report_deadline(accident) if action == "extend_report" else None,
        "flag_definitions": [(FlagKind(k).label, v) for k, v in FLAG_DEFINITIONS.items()]
        if action == "record_flag" else [],
    })


# --- import ------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def accident_import(request):
    """Import historical accidents from xlsx (all-or-nothing, row-by-row report)."""
    if not (_can_report(request.user) and request.user.has_perm("accidents.change_accident")):
        raise PermissionDenied
    return import_upload_page(request, template="accidents/import.html", columns=IMPORT_COLUMNS,
                              run_import=import_accidents)


@login_required
@require_GET
def accident_import_template(request):
    return xlsx_response(template_file(), "accidents-template.xlsx")

"""Pages of the on-site enforcement inspections (执法检查): the list with its filters and xlsx
export, preparing an inspection (from a plan entry or a drawn enterprise too), an inspection's
page (team, findings, documents as PDF, measures, steps, timeline), the phone flow on site (the
checklist item by item with photos, each finding in one step a hazard or a violation, both
signatures drawn on the screen, finish), the step forms, and the month's leader rotations.

Reads go through ``core.pages`` (out of scope is 404); every change through
``enforcement.services``. Posts carry the inspection's ``version``: a stale page is a conflict."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.exports import export_response
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import ConflictError
from anjian.core.workflow import available_steps

from . import forms as f
from . import forms_inspections as fi
from . import services
from .choices import INSPECTION_MACHINE, InspectionMode, InspectionState, MeasureKind
from .models import (
    DrawEntry,
    EnforcementDocument,
    EnforcementInspection,
    InspectionFinding,
    LeaderRotation,
    PlanEntry,
)
from .policy import policy
from .views import StepSpec, buttons, create_page, crumbs, paginate, posted, step_page, timeline

LIST_RELATED = ("department", "enterprise")


def _crumb():
    return (_("Enforcement inspections"), reverse("enforcement:inspections"))


def _version(request) -> int | None:
    value = request.POST.get("version")
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@login_required
def inspection_list(request):
    """执法检查: the inspections of the jurisdiction, filtered; ``?export=xlsx`` downloads them."""
    base = scoped_list(request, EnforcementInspection)
    filterset = fi.InspectionListFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    if request.GET.get("export") == "xlsx":
        from .exports_inspections import export_filename, export_inspections

        return export_response(lambda: export_inspections(qs), export_filename())
    counts = qs.order_by().aggregate(total=Count("id"), **{
        s.value: Count("id", filter=Q(state=s.value)) for s in InspectionState})
    page_obj = paginate(request, qs.select_related(*LIST_RELATED).order_by("-planned_on", "-id"))
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    return render(request, "enforcement/inspections/list.html", {
        "crumbs": crumbs((_("Enforcement inspections"), "")), "form": filterset.form, "page_obj": page_obj,
        "counts": counts,
        "state_counts": [(v, label, counts[v]) for v, label in InspectionState.choices], "export_query": params.urlencode(),
        "can_add": policy.can(request.user, "add_inspection")})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request):
    """Prepare an inspection; ``?plan_entry=`` or ``?draw_entry=`` starts from the plan or the draw."""
    plan_entry = draw_entry = enterprise = None
    fixed_kind = None
    if request.GET.get("plan_entry", "").isdigit():
        plan_entry = scoped_object_or_404(request, PlanEntry.objects.select_related("enterprise"),
                                          pk=request.GET["plan_entry"])
        enterprise, fixed_kind = plan_entry.enterprise, InspectionMode.PLANNED
    elif request.GET.get("draw_entry", "").isdigit():
        draw_entry = scoped_object_or_404(request, DrawEntry.objects.select_related("enterprise"),
                                          pk=request.GET["draw_entry"])
        enterprise, fixed_kind = draw_entry.enterprise, InspectionMode.RANDOM
    form = fi.InspectionForm(posted(request), user=request.user, enterprise=enterprise, fixed_kind=fixed_kind)

    def run(form):
        d = form.cleaned_data
        data = {k: d[k] for k in ("kind", "planned_on", "checklist", "location", "leader_name")}
        return services.create_inspection(
            actor=request.user, department=d["department"], enterprise=enterprise or d.get("enterprise"), data=data,
            plan_entry=plan_entry, draw_entry=draw_entry, officers=list(d["officers"]) or None,
            experts=list(d["experts"]), joint_departments=list(d["joint_departments"]))

    extra = {"notes": [_("Enterprise: %(name)s") % {"name": enterprise.name}]} if enterprise else {}
    return create_page(request, form=form, title=_("Prepare an enforcement inspection"),
                       back=reverse("enforcement:inspections"), allowed=policy.can(request.user, "add_inspection"),
                       run=run, done=lambda i: reverse("enforcement:inspection", args=[i.pk]), extra=extra)


def _inspection(request, pk: int, **kw) -> EnforcementInspection:
    return scoped_object_or_404(request, EnforcementInspection.objects.select_related(
        "department", "enterprise", "record", "plan_entry__plan", "draw_entry__draw", "rotation", "checklist",
        "officer_signature", "enterprise_signature"), pk=pk, **kw)


@login_required
def inspection_detail(request, pk: int):
    insp = _inspection(request, pk, include_voided=True)
    findings = list(InspectionFinding.objects.filter(inspection=insp).select_related("item", "hazard", "case")
                    .order_by("id"))
    labels = {"open_recheck": _("Re-check due"), "start": pgettext_lazy("enforcement inspection", "Start on site")}
    step_buttons = buttons(INSPECTION_MACHINE, request.user, insp,
                           lambda a: reverse("enforcement:inspection_step", args=[pk, a]),
                           skip=("record_results", "raise_hazard", "note_violation", "add_signature", "open_case"),
                           primary=("start", "sign", "issue", "recheck"), labels=labels)
    steps_now = available_steps(INSPECTION_MACHINE, policy, request.user, insp)
    can_walk = "record_results" in steps_now
    can_open_case = "open_case" in steps_now and any(x.for_case and not x.case_id for x in findings)
    return render(request, "enforcement/inspections/detail.html", {
        "crumbs": crumbs(_crumb(), (insp.number, "")), "insp": insp, "findings": findings,
        "documents": list(insp.documents.select_related("department").order_by("issued_on", "id")),
        "measures": list(insp.measures.order_by("id")), "officers": list(insp.officers.all()),
        "experts": list(insp.experts.all()), "joint": list(insp.joint_departments.all()),
        "buttons": step_buttons, "can_walk": can_walk, "events": timeline(insp), "can_open_case": can_open_case,
        "catalogue": _catalogue() if can_open_case else []})


def _catalogue():
    from .models import Violation

    return list(Violation.objects.filter(is_active=True).order_by("order", "code").only("pk", "code", "name"))


@login_required
@require_POST
def inspection_open_case(request, pk: int, finding_pk: int):
    """立案 in one step from a violation noted on the inspection; the new case's page follows."""
    insp = _inspection(request, pk)
    if "open_case" not in available_steps(INSPECTION_MACHINE, policy, request.user, insp):
        raise PermissionDenied
    from .models import Violation

    code = (request.POST.get("violation") or "").strip()[:32]
    violation = Violation.objects.filter(is_active=True, code=code).first() if code else None
    back = reverse("enforcement:inspection", args=[pk])
    try:
        case = services.open_case_from_finding(insp, finding_pk, actor=request.user, violation=violation,
                                               version=_version(request))
    except ValidationError as exc:
        for _field, errs in getattr(exc, "message_dict", {"": exc.messages}).items():
            for err in errs:
                messages.error(request, err)
        return redirect(back)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("Case %(number)s opened and filed.") % {"number": case.number})
    return redirect("enforcement:case", pk=case.pk)


def _walk_rows(insp):
    from anjian.inspections import selectors as inspection_selectors

    if not insp.record_id:
        return []
    items = list(insp.record.items.select_related("check_item", "hazard").order_by("sort", "id"))
    photos = inspection_selectors.photo_map(items)
    findings = {x.item_id: x for x in InspectionFinding.objects.filter(inspection=insp)}
    return [{"item": it, "photos": photos.get(it.pk, []), "finding": findings.get(it.pk),
             "open": it.result == "hazard_found" and it.pk not in findings} for it in items]


@login_required
@require_GET
def inspection_walk(request, pk: int):
    """On site, on a phone: the checklist item by item (result, note, photos), each item found
    wanting turned into a hazard or a violation, both signatures, then finish and sign."""
    insp = _inspection(request, pk)
    if "record_results" not in available_steps(INSPECTION_MACHINE, policy, request.user, insp):
        raise PermissionDenied
    from anjian.inspections.choices import ItemResult

    rows = _walk_rows(insp)
    return render(request, "enforcement/inspections/walk.html", {
        "crumbs": crumbs(_crumb(), (insp.number, reverse("enforcement:inspection", args=[pk])), (_("On site"), "")),
        "insp": insp, "rows": rows, "results": ItemResult.choices,
        "checked": sum(1 for r in rows if r["item"].result), "total": len(rows),
        "default_deadline": timezone.localdate() + timezone.timedelta(days=15),
        "can_sign": INSPECTION_MACHINE.possible(insp, "sign"),
        "sign_slots": [("officer", _("Officer's signature"), insp.officer_signature),
                       ("enterprise", _("Enterprise representative's signature"), insp.enterprise_signature)]})


def _run(request, insp, run, *, anchor: str = ""):
    """Run a posted on-site action; refusals and conflicts come back as a message on the walk."""
    try:
        run()
    except ValidationError as exc:
        for _field, errs in getattr(exc, "message_dict", {"": exc.messages}).items():
            for err in errs:
                messages.error(request, err)
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("enforcement:inspection_walk", args=[insp.pk]) + anchor)


@login_required
@require_POST
def inspection_results(request, pk: int):
    insp = _inspection(request, pk)
    if "record_results" not in available_steps(INSPECTION_MACHINE, policy, request.user, insp):
        raise PermissionDenied
    results = []
    for item in insp.record.items.all() if insp.record_id else []:
        key = str(item.pk)
        entry = {"item": item.pk}
        if f"result-{key}" in request.POST:
            entry["result"] = request.POST[f"result-{key}"]
        if f"note-{key}" in request.POST:
            entry["note"] = request.POST[f"note-{key}"][:1000]
        photos = request.FILES.getlist(f"photos-{key}")
        if photos:
            entry["photos"] = photos
        if len(entry) > 1:
            results.append(entry)
    return _run(request, insp, lambda: services.record_inspection_results(insp, actor=request.user, results=results,
                                                                          version=_version(request)))


@login_required
@require_POST
def inspection_finding(request, pk: int, item_pk: int, disposition: str):
    """One found item becomes a hazard (with its deadline) or a violation (with its text)."""
    insp = _inspection(request, pk)
    if not policy.can(request.user, "inspect", insp):
        raise PermissionDenied
    if disposition not in ("hazard", "violation"):
        raise Http404
    action = "raise_hazard" if disposition == "hazard" else "note_violation"
    if action not in available_steps(INSPECTION_MACHINE, policy, request.user, insp):
        raise PermissionDenied
    if disposition == "hazard":
        from datetime import date

        deadline = request.POST.get("deadline") or None
        try:
            data = {"deadline": date.fromisoformat(deadline)} if deadline else {}
        except ValueError:
            messages.error(request, _("Enter a valid date."))
            return redirect("enforcement:inspection_walk", pk=pk)
        run = lambda: services.raise_finding_hazard(insp, item_pk, actor=request.user, data=data,  # noqa: E731
                                                    version=_version(request))
    else:
        text = request.POST.get("violation", "")[:2000]
        basis = request.POST.get("legal_basis", "")[:200]
        run = lambda: services.note_finding_violation(insp, item_pk, actor=request.user, violation=text,  # noqa: E731
                                                      legal_basis=basis, version=_version(request))
    return _run(request, insp, run, anchor=f"#item-{item_pk}")


@login_required
@require_POST
def inspection_signature(request, pk: int):
    """A signature drawn on the phone (a PNG data URL posted by the signature pad)."""
    insp = _inspection(request, pk)
    if "add_signature" not in available_steps(INSPECTION_MACHINE, policy, request.user, insp):
        raise PermissionDenied
    signer = request.POST.get("signer", "")
    png = request.POST.get("signature", "")
    if len(png) > 800_000:
        messages.error(request, _("The signature is empty or too large."))
        return redirect("enforcement:inspection_walk", pk=pk)
    return _run(request, insp, lambda: services.add_signature(
        insp, actor=request.user, signer=signer, png=png, name=request.POST.get("name", "")[:50],
        title=request.POST.get("title", "")[:50], version=_version(request)), anchor="#signatures")


def _measure_run(o, u, d, v):
    return services.decide_measure(o, actor=u, kind=d["kind"], reason=d["reason"], scope=d["scope"],
                                   starts_on=d["starts_on"], ends_on=d["ends_on"],
                                   approved_by_name=d["approved_by_name"], version=v)


INSPECTION_STEPS = {
    "update": StepSpec(fi.InspectionEditForm, pgettext_lazy("enforcement", "Correct"),
                       pgettext_lazy("enforcement", "Save"),
                       lambda o, u, d, v: services.update_inspection(o, actor=u, data=d, version=v)),
    "start": StepSpec(f.ConfirmForm, pgettext_lazy("enforcement inspection", "Start on site"),
                      pgettext_lazy("enforcement inspection", "Start on site"),
                      lambda o, u, d, v: services.start_inspection(o, actor=u, version=v)),
    "sign": StepSpec(fi.SignForm, pgettext_lazy("enforcement inspection", "Finish and sign the record"),
                     pgettext_lazy("enforcement inspection", "Finish and sign the record"),
                     lambda o, u, d, v: services.sign_inspection(o, actor=u, summary=d["summary"], version=v)),
    "issue": StepSpec(f.ConfirmForm, pgettext_lazy("enforcement inspection", "Issue the documents"),
                      pgettext_lazy("enforcement inspection", "Issue the documents"),
                      lambda o, u, d, v: services.issue_documents(o, actor=u, version=v)),
    "decide_measure": StepSpec(fi.MeasureForm, pgettext_lazy("enforcement inspection", "Decide a compulsory measure"),
                               pgettext_lazy("enforcement inspection", "Decide"), _measure_run, "danger"),
    "lift_measure": StepSpec(fi.LiftMeasureForm, pgettext_lazy("enforcement inspection", "Lift a compulsory measure"),
                             pgettext_lazy("enforcement inspection", "Lift"),
                             lambda o, u, d, v: services.lift_measure(o, d["measure"], actor=u, reason=d["reason"],
                                                                      version=v)),
    "open_recheck": StepSpec(f.ConfirmForm, pgettext_lazy("enforcement inspection", "Re-check due"),
                             pgettext_lazy("enforcement inspection", "Open the re-check"),
                             lambda o, u, d, v: services.open_recheck(o, actor=u, version=v)),
    "recheck": StepSpec(fi.RecheckForm, pgettext_lazy("enforcement inspection", "Record the re-check"),
                        pgettext_lazy("enforcement", "Save"),
                        lambda o, u, d, v: services.recheck_inspection(
                            o, actor=u, passed=d["passed"], opinion=d["opinion"], new_deadline=d["new_deadline"],
                            inspectors=d["inspectors"], version=v)),
    "close": StepSpec(f.CommentForm, pgettext_lazy("enforcement inspection", "Close"),
                      pgettext_lazy("enforcement inspection", "Close"),
                      lambda o, u, d, v: services.close_inspection(o, actor=u, comment=d["comment"], version=v)),
    "void": StepSpec(f.ReasonForm, pgettext_lazy("enforcement", "Void"), pgettext_lazy("enforcement", "Void"),
                     lambda o, u, d, v: services.void_inspection(o, actor=u, reason=d["reason"], version=v), "danger"),
}


@login_required
@require_http_methods(["GET", "POST"])
def inspection_step(request, pk: int, action: str):
    insp = _inspection(request, pk)
    back = reverse("enforcement:inspection", args=[pk])
    done = {"void": reverse("enforcement:inspections"),
            "start": reverse("enforcement:inspection_walk", args=[pk])}.get(action, back)
    notes = []
    if action == "decide_measure":
        from .data.measures import MEASURES

        notes = [f"{MeasureKind(k).label}：{v['basis']}" for k, v in MEASURES.items()]
    return step_page(request, insp, action, INSPECTION_STEPS, INSPECTION_MACHINE, back=back, done=done,
                     title_object=insp.number, extra={"notes": notes})


@login_required
@require_GET
def document_pdf(request, pk: int):
    """An enforcement document as PDF (the inspection must be in the user's jurisdiction)."""
    from .documents_inspections import document_pdf as build

    doc = scoped_object_or_404(request, EnforcementDocument.objects.select_related(
        "department", "inspection__enterprise", "inspection__record", "measure"), pk=pk)
    content, name = build(doc)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- leader rotation (包县/包乡) -------------------------------------------------------------------

@login_required
def rotation_list(request):
    qs = scoped_list(request, LeaderRotation).select_related("region", "leader").order_by("-month", "region__path")
    return render(request, "enforcement/inspections/rotations.html", {
        "crumbs": crumbs(_crumb(), (_("Leader rotation"), "")), "page_obj": paginate(request, qs),
        "can_add": policy.can(request.user, "rotation")})


@login_required
@require_http_methods(["GET", "POST"])
def rotation_create(request):
    form = fi.RotationForm(posted(request), user=request.user)
    return create_page(request, form=form, title=_("Record a leader rotation"),
                       back=reverse("enforcement:rotations"), allowed=policy.can(request.user, "rotation"),
                       run=lambda form: services.record_rotation(actor=request.user, data=form.cleaned_data),
                       done=lambda r: reverse("enforcement:rotations"))


ROTATION_STEPS = {
    "void": StepSpec(f.ReasonForm, pgettext_lazy("enforcement", "Void"), pgettext_lazy("enforcement", "Void"),
                     lambda o, u, d, v: services.void_rotation(o, actor=u, reason=d["reason"], version=v), "danger"),
}


@login_required
@require_http_methods(["GET", "POST"])
def rotation_step(request, pk: int, action: str):
    rotation = scoped_object_or_404(request, LeaderRotation, pk=pk)
    back = reverse("enforcement:rotations")
    return step_page(request, rotation, action, ROTATION_STEPS, None, back=back,
                     allowed=policy.can(request.user, "rotation", rotation))

"""Pages of the occupational-health app: one list, record, form and step view per kind of record,
declared once as a ``Registry`` (its columns, panels and steps) — hazard exposures, declarations,
detections and evaluations (with their results and the raise of an exceedance as a hazard), health
examinations (with the import), training and protective equipment. Reads go through the scoped
helpers (``core.pages``); writes through ``occupational.services``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.downloads import xlsx_response
from anjian.core.events import event_label, event_state_labels
from anjian.core.history import history_rows
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, events_for
from anjian.core.views_imports import import_upload_page
from anjian.core.workflow import available_steps

from . import imports, selectors, services
from .choices import (
    DECLARATION_MACHINE,
    DETECTION_MACHINE,
    EXAMINATION_MACHINE,
    EXPOSURE_MACHINE,
    PROTECTION_MACHINE,
    TRAINING_MACHINE,
    PointResult,
)
from .forms import (
    DeclarationForm,
    DeclarationListFilter,
    DetectionForm,
    DetectionListFilter,
    ExaminationForm,
    ExaminationListFilter,
    ExposureForm,
    ExposureListFilter,
    ProtectionForm,
    ProtectionListFilter,
    ResultForm,
    StepForm,
    TrainingForm,
    TrainingListFilter,
)
from .models import Declaration, Detection, DetectionResult, Examination, Exposure, ProtectiveIssue, Training
from .policy import policy

PAGE_SIZE = 30
#: Steps that need a text from the user, and the field it goes in.
NEEDS_TEXT = {"return": "reason", "void": "reason", "complete_follow_up": "follow_up", "accept": "receipt_number"}


def _day(d) -> str:
    return f"{d:%Y-%m-%d}" if d else ""


def _ent(obj) -> dict:
    return {"text": obj.enterprise.name, "url": reverse("enterprises:detail", args=[obj.enterprise_id])}


@dataclass
class Registry:
    """One kind of record's pages: list columns, detail panels, form, steps."""

    key: str  # url names: <key>s, <key>, <key>_create, <key>_edit, <key>_step
    prefix: str  # url path
    model: type[models.Model]
    machine: Any
    form: type
    filter: type
    title: Any
    add_label: Any
    intro: Any
    headers: list
    row: Callable[[Any], list[dict]]
    panels: Callable[[Any], list]
    steps: dict[str, Callable] = field(default_factory=dict)
    related: tuple[str, ...] = ("enterprise",)

    def crumbs(self, *extra):
        return [(str(self.title), reverse(f"occupational:{self.key}s")), *extra]


COMMON_STEPS = {
    "void": lambda obj, user, d: services.void_record(obj, actor=user, reason=d["reason"], version=d["version"]),
}


def _state_cell(obj) -> dict:
    if obj.is_voided:
        return {"badge": pgettext("occupational", "Voided"), "tone": "muted", "cls": "nowrap"}
    tone = {"accepted": "operating", "returned": "danger", "submitted": "suspended", "follow_up": "risk",
            "closed": "operating"}.get(obj.state, "muted")
    return {"badge": obj.get_state_display(), "tone": tone, "cls": "nowrap"}


EXPOSURES = Registry(
    key="exposure", prefix="exposures", model=Exposure, machine=EXPOSURE_MACHINE, form=ExposureForm,
    filter=ExposureListFilter, title=gettext_lazy("Hazard exposures"), add_label=gettext_lazy("Record a hazard exposure"),
    intro=gettext_lazy("The occupational hazard factors at each workplace and post of the enterprises, with the number "
                       "of workers exposed (the catalogue follows 《职业病危害因素分类目录》)."),
    headers=[gettext_lazy("workplace"), pgettext_lazy("occupational", "post"), gettext_lazy("hazard factor"),
             gettext_lazy("exposed workers"), pgettext_lazy("occupational", "Enterprise")],
    related=("enterprise", "factor"),
    row=lambda o: [{"text": o.workplace, "url": reverse("occupational:exposure", args=[o.pk])}, {"text": o.post},
                   {"text": o.factor.name, "sub": o.factor.get_category_display()},
                   {"text": o.exposed_workers, "cls": "nowrap"}, _ent(o)],
    panels=lambda o: [(gettext_lazy("Hazard exposure"), [
        (gettext_lazy("workplace"), o.workplace), (pgettext_lazy("occupational", "post"), o.post),
        (gettext_lazy("hazard factor"), f"{o.factor.name}（{o.factor.get_category_display()}）"),
        (gettext_lazy("exposed workers"), o.exposed_workers), (pgettext_lazy("occupational", "note"), o.note)])],
    steps=COMMON_STEPS,
)

DECLARATIONS = Registry(
    key="declaration", prefix="declarations", model=Declaration, machine=DECLARATION_MACHINE, form=DeclarationForm,
    filter=DeclarationListFilter, title=gettext_lazy("Hazard declarations"),
    add_label=gettext_lazy("Submit a declaration"),
    intro=gettext_lazy("The declarations of occupational hazard items and their changes (《职业病危害项目申报办法》): "
                       "submitted by the enterprise, accepted or returned by the responsible department."),
    headers=[pgettext_lazy("declaration", "Kind"), pgettext_lazy("occupational", "Enterprise"),
             gettext_lazy("hazard level"), pgettext_lazy("declaration", "declared on"), pgettext_lazy("declaration", "State")],
    row=lambda o: [{"text": o.get_kind_display(), "url": reverse("occupational:declaration", args=[o.pk]),
                    "sub": o.receipt_number}, _ent(o), {"text": o.get_hazard_level_display()},
                   {"text": _day(o.declared_on), "cls": "nowrap"}, _state_cell(o)],
    panels=lambda o: [
        (gettext_lazy("The declaration"), [
            (pgettext_lazy("declaration", "Kind"), o.get_kind_display()),
            (gettext_lazy("reason for the change"), o.get_change_reason_display() if o.change_reason else ""),
            (gettext_lazy("hazard level"), o.get_hazard_level_display()),
            (pgettext_lazy("declaration", "declared on"), _day(o.declared_on)),
            (pgettext_lazy("occupational", "principal"), o.principal),
            (gettext_lazy("exposed workers (total)"), o.exposed_workers),
            (gettext_lazy("declared items"), o.content)]),
        (pgettext_lazy("declaration", "Acceptance"), [
            (gettext_lazy("responsible department"), str(selectors.responsible() or "")),
            (pgettext_lazy("declaration", "State"), o.get_state_display()),
            (gettext_lazy("receipt number"), o.receipt_number),
            (gettext_lazy("reason for returning"), o.return_reason),
            (pgettext_lazy("declaration", "decided by"), str(o.decided_by or "")),
            (pgettext_lazy("declaration", "decided at"), f"{timezone.localtime(o.decided_at):%Y-%m-%d %H:%M}" if o.decided_at else "")]),
    ],
    steps={
        "accept": lambda obj, user, d: services.accept_declaration(obj, actor=user, receipt_number=d["receipt_number"],
                                                                   version=d["version"]),
        "return": lambda obj, user, d: services.return_declaration(obj, actor=user, reason=d["reason"],
                                                                   version=d["version"]),
        "resubmit": lambda obj, user, d: services.resubmit_declaration(obj, actor=user, version=d["version"]),
        **COMMON_STEPS,
    },
)

DETECTIONS = Registry(
    key="detection", prefix="detections", model=Detection, machine=DETECTION_MACHINE, form=DetectionForm,
    filter=DetectionListFilter, title=gettext_lazy("Detections and evaluations"),
    add_label=gettext_lazy("Record a detection or evaluation"),
    intro=gettext_lazy("Periodic detection of the hazard factors and current-status evaluation by a qualified service "
                       "body: where the hazard is serious, detection every year and evaluation every three years; "
                       "otherwise detection every three years (《工作场所职业卫生管理规定》第二十条)."),
    headers=[pgettext_lazy("detection", "Kind"), pgettext_lazy("occupational", "Enterprise"), gettext_lazy("service body"),
             gettext_lazy("performed on"), gettext_lazy("report number")],
    row=lambda o: [{"text": o.get_kind_display(), "url": reverse("occupational:detection", args=[o.pk])}, _ent(o),
                   {"text": o.service_body, "sub": o.qualification}, {"text": _day(o.performed_on), "cls": "nowrap"},
                   {"text": o.report_number}],
    panels=lambda o: [(gettext_lazy("The report"), [
        (pgettext_lazy("detection", "Kind"), o.get_kind_display()), (gettext_lazy("performed on"), _day(o.performed_on)),
        (gettext_lazy("service body"), o.service_body), (gettext_lazy("qualification number"), o.qualification),
        (gettext_lazy("report number"), o.report_number), (pgettext_lazy("detection", "conclusion"), o.conclusion)])],
    steps=COMMON_STEPS,
)

EXAMINATIONS = Registry(
    key="examination", prefix="examinations", model=Examination, machine=EXAMINATION_MACHINE, form=ExaminationForm,
    filter=ExaminationListFilter, title=gettext_lazy("Health examinations"),
    add_label=gettext_lazy("Record an examination"),
    intro=gettext_lazy("Workers' occupational health examinations before the post, during it and on leaving, with the "
                       "result; a suspected occupational disease or a contraindication needs its follow-up."),
    headers=[pgettext_lazy("occupational", "worker"), pgettext_lazy("examination", "Kind"), pgettext_lazy("examination", "Result"),
             gettext_lazy("examined on"), pgettext_lazy("occupational", "Enterprise"), pgettext_lazy("examination", "State")],
    row=lambda o: [{"text": o.worker, "url": reverse("occupational:examination", args=[o.pk]), "sub": o.post},
                   {"text": o.get_kind_display()}, {"text": o.get_result_display()},
                   {"text": _day(o.examined_on), "cls": "nowrap"}, _ent(o), _state_cell(o)],
    panels=lambda o: [(gettext_lazy("The examination"), [
        (pgettext_lazy("occupational", "worker"), o.worker), (gettext_lazy("ID card number"), o.id_number),
        (pgettext_lazy("occupational", "post"), o.post), (gettext_lazy("factors exposed to"), o.factors),
        (pgettext_lazy("examination", "Kind"), o.get_kind_display()), (gettext_lazy("examined on"), _day(o.examined_on)),
        (gettext_lazy("examining institution"), o.institution),
        (pgettext_lazy("examination", "Result"), o.get_result_display()),
        (gettext_lazy("follow-up"), o.follow_up), (pgettext_lazy("examination", "State"), o.get_state_display())])],
    steps={"complete_follow_up": lambda obj, user, d: services.complete_follow_up(
        obj, actor=user, follow_up=d["follow_up"], version=d["version"]), **COMMON_STEPS},
)

TRAININGS = Registry(
    key="training", prefix="trainings", model=Training, machine=TRAINING_MACHINE, form=TrainingForm,
    filter=TrainingListFilter, title=gettext_lazy("Occupational health training"), add_label=gettext_lazy("Record a training"),
    intro=gettext_lazy("Training of the principal, the occupational health managers and the exposed workers."),
    headers=[pgettext_lazy("training", "topic"), gettext_lazy("trainees"), gettext_lazy("trained on"), gettext_lazy("people trained"),
             pgettext_lazy("occupational", "Enterprise")],
    row=lambda o: [{"text": o.topic, "url": reverse("occupational:training", args=[o.pk])},
                   {"text": o.get_role_display()}, {"text": _day(o.trained_on), "cls": "nowrap"},
                   {"text": o.trainees, "cls": "nowrap"}, _ent(o)],
    panels=lambda o: [(gettext_lazy("The training"), [
        (pgettext_lazy("training", "topic"), o.topic), (gettext_lazy("trainees"), o.get_role_display()),
        (gettext_lazy("trained on"), _day(o.trained_on)), (gettext_lazy("hours"), o.hours),
        (gettext_lazy("people trained"), o.trainees), (gettext_lazy("given by"), o.provider)])],
    steps=COMMON_STEPS,
)

PROTECTION = Registry(
    key="protection", prefix="protection", model=ProtectiveIssue, machine=PROTECTION_MACHINE, form=ProtectionForm,
    filter=ProtectionListFilter, title=gettext_lazy("Protective equipment issued"),
    add_label=gettext_lazy("Record equipment issued"),
    intro=gettext_lazy("Personal protective equipment issued to the workers of each post."),
    headers=[gettext_lazy("protective equipment"), pgettext_lazy("occupational", "post"),
             pgettext_lazy("occupational", "quantity"), pgettext_lazy("protection", "issued on"), pgettext_lazy("occupational", "Enterprise")],
    row=lambda o: [{"text": o.item, "url": reverse("occupational:protection", args=[o.pk])}, {"text": o.post},
                   {"text": o.quantity, "cls": "nowrap"}, {"text": _day(o.issued_on), "cls": "nowrap"}, _ent(o)],
    panels=lambda o: [(gettext_lazy("Protective equipment issued"), [
        (gettext_lazy("protective equipment"), o.item), (pgettext_lazy("occupational", "post"), o.post),
        (pgettext_lazy("occupational", "quantity"), o.quantity), (pgettext_lazy("protection", "issued on"), _day(o.issued_on)),
        (gettext_lazy("issued to"), o.recipients)])],
    steps=COMMON_STEPS,
)

REGISTRIES = [EXPOSURES, DECLARATIONS, DETECTIONS, EXAMINATIONS, TRAININGS, PROTECTION]


# --- the generic pages ----------------------------------------------------------------------------------

def _can_add(user, reg: Registry) -> bool:
    return user.has_perm(f"occupational.add_{reg.model._meta.model_name}") and policy.can(user, "edit", None)


def _timeline(obj) -> list[dict]:
    rows = []
    for event in events_for(obj)[:100]:
        from_state, to_state = event_state_labels(event)
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "occupational"),
                     "from_state": from_state, "to_state": to_state, "comment": event.comment})
    return rows


def _steps(reg: Registry, user, obj) -> list[dict]:
    """The buttons of a record: the steps the user may take now (edit is a page of its own; a
    result's hazard is raised from its row)."""
    return [{"action": a, "label": reg.machine[a].label, "field": NEEDS_TEXT.get(a, "")}
            for a in available_steps(reg.machine, policy, user, obj) if a in reg.steps]


def _object(reg: Registry, user, pk: int):
    return scoped_object_or_404(user, reg.model.objects.select_related(*reg.related), pk=pk)


def list_view(reg: Registry):
    @login_required
    @require_GET
    def view(request):
        user = request.user
        filterset = reg.filter(request.GET or None, queryset=scoped_list(user, reg.model).select_related(*reg.related),
                               user=user)
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        actions = [(reg.add_label, reverse(f"occupational:{reg.key}_create"))] if _can_add(user, reg) else []
        if reg is EXAMINATIONS and _can_add(user, reg):
            actions.append((_("Import examinations"), reverse("occupational:examination_import")))
        return render(request, "occupational/record_list.html", {
            "title": reg.title, "intro": reg.intro, "crumbs": reg.crumbs(), "filter": filterset, "form": filterset.form,
            "page_obj": page_obj, "headers": reg.headers, "table": [reg.row(o) for o in page_obj.object_list],
            "actions": actions, "empty": _("No record matches these filters."), "menu": _menu()})

    return view


def detail_view(reg: Registry):
    @login_required
    @require_GET
    def view(request, pk: int):
        user = request.user
        obj = _object(reg, user, pk)
        context = {
            "record": obj, "title": str(obj), "subtitle": reg.model._meta.verbose_name, "crumbs": reg.crumbs(
                (str(obj), "")), "panels": reg.panels(obj), "enterprise": obj.enterprise,
            "steps": [] if obj.is_voided else _steps(reg, user, obj),
            "action_url": reverse(f"occupational:{reg.key}_step", args=[obj.pk]),
            "edit_url": reverse(f"occupational:{reg.key}_edit", args=[obj.pk]) if (
                not obj.is_voided and reg.machine.possible(obj, "update") and policy.can(user, "update", obj)) else None,
            "events": _timeline(obj), "history": history_rows(obj), "results": None}
        if reg is DETECTIONS:
            rows = list(scoped_list(user, DetectionResult).filter(detection=obj).select_related("factor", "hazard"))
            may_raise = not obj.is_voided and policy.can(user, "raise_hazard", obj)
            for r in rows:
                r.can_raise = may_raise and r.result == PointResult.EXCEED and r.hazard_id is None
            context["results"] = rows
            may_add = not obj.is_voided and policy.can(user, "add_result", obj)
            context["result_form"] = ResultForm() if may_add else None
        return render(request, "occupational/record_detail.html", context)

    return view


def _form_page(request, reg: Registry, form, title, cancel, crumbs):
    instance = getattr(form, "instance", None)
    return form_page(request, "occupational/form.html", {
        "form": form, "record": instance if getattr(instance, "pk", None) else None, "title": title,
        "cancel": cancel, "crumbs": crumbs})


def create_view(reg: Registry):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request):
        if not _can_add(request.user, reg):
            raise PermissionDenied
        form = reg.form(request.POST or None, user=request.user,
                        initial={k: v for k, v in request.GET.items() if k in ("enterprise",)})
        done = submit(request, form, lambda data: services.record_entry(
            reg.model, actor=request.user, enterprise=data["enterprise"], data=form.service_data()),
            success=_("Recorded."), then=lambda o: reverse(f"occupational:{reg.key}", args=[o.pk]))
        return done or _form_page(request, reg, form, reg.add_label, reverse(f"occupational:{reg.key}s"),
                                  reg.crumbs((reg.add_label, "")))

    return view


def edit_view(reg: Registry):
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        obj = _object(reg, request.user, pk)
        if not policy.can(request.user, "update", obj):
            raise PermissionDenied
        form = reg.form(request.POST or None, instance=obj, user=request.user)
        url = reverse(f"occupational:{reg.key}", args=[obj.pk])
        done = submit(request, form, lambda data: services.correct(
            obj, actor=request.user, data=form.service_data(), version=request.POST.get("version") or None),
            success=_("Saved."), then=url)
        return done or _form_page(request, reg, form, pgettext("occupational", "Correct"), url,
                                  reg.crumbs((str(obj), url), (pgettext("occupational", "Correct"), "")))

    return view


def step_view(reg: Registry):
    @login_required
    @require_POST
    def view(request, pk: int):
        """Run the posted step: the right is the policy's (403 when the user may take no step on
        the record at all); a refusal (state, guard, missing text, stale version) comes back as a
        message on the record's page."""
        obj = _object(reg, request.user, pk)
        table = dict(reg.steps)
        if reg is DETECTIONS:
            table["raise_hazard"] = _raise
        if not any(policy.can(request.user, reg.machine[a].policy_action, obj) for a in table):
            raise PermissionDenied
        form = StepForm(request.POST, actions=[(a, a) for a in table])
        url = reverse(f"occupational:{reg.key}", args=[obj.pk])
        if not form.is_valid():
            messages.error(request, "; ".join(m for errs in form.errors.values() for m in errs))
            return redirect(url)
        action = form.cleaned_data["action"]
        if not policy.can(request.user, reg.machine[action].policy_action, obj):
            raise PermissionDenied
        try:
            done = table[action](obj, request.user, form.cleaned_data)
        except ConflictError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": reg.machine[action].label})
            if action == "void":
                return redirect(f"occupational:{reg.key}s")
            if action == "raise_hazard":
                return redirect("hazards:detail", pk=done.pk)
        return redirect(url)

    return view


def _raise(detection, user, data):
    result = scoped_object_or_404(user, DetectionResult, pk=data.get("result") or 0, detection=detection)
    return services.raise_hazard(result, actor=user, version=data["version"])


@login_required
@require_POST
def add_result(request, pk: int):
    detection = _object(DETECTIONS, request.user, pk)
    if not policy.can(request.user, "add_result", detection):
        raise PermissionDenied
    form = ResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{form.fields[k].label if k in form.fields else ''} {m}".strip()
                                          for k, errs in form.errors.items() for m in errs))
    else:
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.add_result(detection, actor=request.user, data=data, version=form.cleaned_data["version"])
        except ConflictError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Result recorded."))
    return redirect("occupational:detection", pk=detection.pk)


@login_required
@require_http_methods(["GET", "POST"])
def examination_import(request):
    if not _can_add(request.user, EXAMINATIONS):
        raise PermissionDenied
    return import_upload_page(request, template="occupational/examination_import.html", columns=imports.COLUMNS,
                              run_import=imports.import_examinations)


@login_required
@require_GET
def examination_import_template(request):
    return xlsx_response(imports.template_file(), "health-examinations-template.xlsx")


def _menu() -> list[tuple[str, str]]:
    """The app's own tabs above every list (the side menu names the main ones)."""
    return [(str(r.title), reverse(f"occupational:{r.key}s")) for r in REGISTRIES]


def routes() -> list:
    """The URL patterns of every registry (mounted by ``urls.py``)."""
    out = []
    for r in REGISTRIES:
        out += [path(f"{r.prefix}/", list_view(r), name=f"{r.key}s"),
                path(f"{r.prefix}/new/", create_view(r), name=f"{r.key}_create"),
                path(f"{r.prefix}/<int:pk>/", detail_view(r), name=r.key),
                path(f"{r.prefix}/<int:pk>/edit/", edit_view(r), name=f"{r.key}_edit"),
                path(f"{r.prefix}/<int:pk>/step/", step_view(r), name=f"{r.key}_step")]
    return out


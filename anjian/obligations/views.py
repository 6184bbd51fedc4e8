"""Pages of the obligations registries: licences and permits, the people who must be certified and
their certificates — lists with filters and xlsx export, one record with its steps, history and
timeline, the forms, and the import of people and certificates. Reads go through the scoped helpers
(``core.pages``); writes through ``obligations.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.downloads import xlsx_response
from anjian.core.events import event_label, event_state_labels
from anjian.core.exports import export_response
from anjian.core.history import history_rows
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, events_for
from anjian.core.views_imports import import_upload_page
from anjian.core.workflow import available_steps

from . import exports, imports, selectors, services
from .choices import CERTIFICATE_MACHINE, LICENCE_MACHINE, PERSON_MACHINE, REQUIRED_CERTIFICATE, PersonRole
from .forms import (
    CertificateForm,
    KeyPersonForm,
    KeyPersonListFilter,
    LicenceForm,
    LicenceListFilter,
    StepForm,
)
from .models import KeyPerson, Licence, PersonCertificate
from .policy import policy

PAGE_SIZE = 30
#: Steps that need a reason from the user.
NEEDS_REASON = {"suspend", "revoke", "void"}


def _crumbs(title: str, url_name: str, *extra):
    return [(title, reverse(url_name)), *extra]


def _licence_crumbs(*extra):
    return _crumbs(_("Licences and permits"), "obligations:licences", *extra)


def _person_crumbs(*extra):
    return _crumbs(_("Training and certificates"), "obligations:persons", *extra)


def _timeline(obj) -> list[dict]:
    rows = []
    for event in events_for(obj)[:100]:
        from_state, to_state = event_state_labels(event)
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "obligations"),
                     "from_state": from_state, "to_state": to_state, "comment": event.comment})
    return rows


def _steps(machine, user, obj) -> list[dict]:
    """The buttons of a record: the steps the user may take now (edit is a page of its own)."""
    return [{"action": a, "label": machine[a].label, "reason": a in NEEDS_REASON}
            for a in available_steps(machine, policy, user, obj) if a != "update"]


def _can_add(user, model: str) -> bool:
    return user.has_perm(f"obligations.add_{model}") and policy.can(user, "edit", None)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# --- licences ----------------------------------------------------------------------------------------

@login_required
def licence_list(request):
    """许可证台账: the licences in the user's jurisdiction, soonest to end first."""
    user = request.user
    filterset = LicenceListFilter(request.GET or None, queryset=scoped_list(user, Licence).select_related(
        "enterprise", "kind", "verified_by"), user=user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    today = timezone.localdate()
    from .models import valid_licence_q

    counts = qs.order_by().aggregate(total=Count("pk"), valid=Count("pk", filter=valid_licence_q(today)),
                                     verified=Count("pk", filter=Q(verified_at__isnull=False)))
    page_obj = _page(request, qs.order_by("valid_until", "id"))
    rows = list(page_obj.object_list)
    for lic in rows:
        lic.valid_today = lic.is_valid_on(today)
        lic.left = lic.days_left(today)
    return render(request, "obligations/licence_list.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "rows": rows, "counts": counts,
        "can_add": _can_add(user, "licence"), "crumbs": _licence_crumbs()})


@login_required
@require_GET
def licence_export(request):
    return export_response(lambda: exports.export_licences(request.user, request.GET), exports.filename("licences"))


def _licence(user, pk: int) -> Licence:
    return scoped_object_or_404(user, Licence.objects.select_related("enterprise__region", "kind", "industry",
                                                                     "verified_by"), pk=pk)


@login_required
def licence_detail(request, pk: int):
    user = request.user
    licence = _licence(user, pk)
    today = timezone.localdate()
    return render(request, "obligations/licence_detail.html", {
        "licence": licence, "valid_today": licence.is_valid_on(today), "left": licence.days_left(today),
        "steps": _steps(LICENCE_MACHINE, user, licence), "can_edit": policy.can(user, "update", licence)
        and LICENCE_MACHINE.possible(licence, "update"),
        "events": _timeline(licence), "history": history_rows(licence),
        "crumbs": _licence_crumbs((licence.number, ""))})


@login_required
@require_http_methods(["GET", "POST"])
def licence_create(request):
    if not _can_add(request.user, "licence"):
        raise PermissionDenied
    form = LicenceForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: services.record_licence(
        actor=request.user, enterprise=data["enterprise"], data=form.service_data()),
        success=_("Licence recorded."), then=lambda lic: reverse("obligations:licence", args=[lic.pk]))
    return done or form_page(request, "obligations/form.html", {
        "form": form, "title": _("Record a licence"), "cancel": reverse("obligations:licences"),
        "crumbs": _licence_crumbs((_("Record"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def licence_edit(request, pk: int):
    licence = _licence(request.user, pk)
    if not policy.can(request.user, "update", licence):
        raise PermissionDenied
    form = LicenceForm(request.POST or None, instance=licence, user=request.user)
    done = submit(request, form, lambda data: services.update_licence(
        licence, actor=request.user, data=form.service_data(), version=request.POST.get("version") or None),
        success=_("Saved."), then=reverse("obligations:licence", args=[licence.pk]))
    return done or form_page(request, "obligations/form.html", {
        "form": form, "record": licence, "title": _("Correct the licence"),
        "cancel": reverse("obligations:licence", args=[licence.pk]),
        "crumbs": _licence_crumbs((licence.number, reverse("obligations:licence", args=[licence.pk])),
                                  (_("Correct"), ""))})


LICENCE_STEPS = {
    "verify": lambda obj, user, d: services.verify(obj, actor=user, version=d["version"]),
    "suspend": lambda obj, user, d: services.suspend_licence(obj, actor=user, reason=d["reason"],
                                                             version=d["version"]),
    "reinstate": lambda obj, user, d: services.reinstate_licence(obj, actor=user, reason=d["reason"],
                                                                 version=d["version"]),
    "revoke": lambda obj, user, d: services.revoke_licence(obj, actor=user, reason=d["reason"],
                                                           version=d["version"]),
    "void": lambda obj, user, d: services.void_record(obj, actor=user, reason=d["reason"], version=d["version"]),
}


def _run_step(request, obj, machine, table: dict, url_name: str, after_void: str):
    """Run the posted step on ``obj``: the right is the policy's (403 when the user may not take
    it at all); a refusal of the step (its state, a guard, a missing reason, a stale version) comes
    back as a message on the record's page."""
    if not any(policy.can(request.user, machine[a].policy_action, obj) for a in table):
        raise PermissionDenied  # a role with no step on this record at all
    form = StepForm(request.POST, actions=[(a, a) for a in table])
    if not form.is_valid():
        messages.error(request, "; ".join(m for errs in form.errors.values() for m in errs))
        return redirect(url_name, pk=obj.pk)
    action = form.cleaned_data["action"]
    if not policy.can(request.user, machine[action].policy_action, obj):
        raise PermissionDenied
    try:
        table[action](obj, request.user, form.cleaned_data)
    except ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": machine[action].label})
        if action == "void":
            return redirect(after_void)
    return redirect(url_name, pk=obj.pk)


@login_required
@require_POST
def licence_step(request, pk: int):
    return _run_step(request, _licence(request.user, pk), LICENCE_MACHINE, LICENCE_STEPS, "obligations:licence",
                     "obligations:licences")


# --- people and certificates -----------------------------------------------------------------------------

@login_required
def person_list(request):
    """持证情况: principals, safety managers and special operators with their certification."""
    user = request.user
    filterset = KeyPersonListFilter(request.GET or None, queryset=scoped_list(user, KeyPerson).select_related(
        "enterprise"), user=user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    today = timezone.localdate()
    cert = selectors.certified(today)
    counts = qs.order_by().aggregate(total=Count("pk"), certified=Count("pk", filter=cert))
    page_obj = _page(request, qs.annotate(is_certified=ExpressionWrapper(cert, output_field=BooleanField()))
                     .order_by("enterprise_id", "role", "name", "id"))
    rows = list(page_obj.object_list)
    return render(request, "obligations/person_list.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "rows": rows, "counts": counts,
        "can_add": _can_add(user, "keyperson"), "crumbs": _person_crumbs()})


@login_required
@require_GET
def person_export(request):
    return export_response(lambda: exports.export_persons(request.user, request.GET), exports.filename("persons"))


def _person(user, pk: int) -> KeyPerson:
    return scoped_object_or_404(user, KeyPerson.objects.select_related("enterprise__region", "industry",
                                                                       "verified_by"), pk=pk)


@login_required
def person_detail(request, pk: int):
    user = request.user
    person = _person(user, pk)
    today = timezone.localdate()
    certificates = list(scoped_list(user, PersonCertificate, include_voided=False).filter(person=person)
                        .select_related("verified_by").order_by("-valid_until", "-id"))
    for c in certificates:
        c.valid_today = c.is_valid_on(today)
        c.steps = _steps(CERTIFICATE_MACHINE, user, c)
    can_edit = policy.can(user, "update", person) and PERSON_MACHINE.possible(person, "update")
    return render(request, "obligations/person_detail.html", {
        "person": person, "certificates": certificates,
        "certified": any(c.valid_today and c.kind == REQUIRED_CERTIFICATE[PersonRole(person.role)]
                         for c in certificates),
        "certify_by": person.certify_by, "steps": _steps(PERSON_MACHINE, user, person), "can_edit": can_edit,
        "certificate_form": CertificateForm(person=person) if can_edit else None,
        "events": _timeline(person), "history": history_rows(person),
        "crumbs": _person_crumbs((person.name, ""))})


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    if not _can_add(request.user, "keyperson"):
        raise PermissionDenied
    form = KeyPersonForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: services.record_person(
        actor=request.user, enterprise=data["enterprise"], data=form.service_data()),
        success=_("Person recorded; now add their certificate."),
        then=lambda p: reverse("obligations:person", args=[p.pk]))
    return done or form_page(request, "obligations/form.html", {
        "form": form, "title": _("Record a person"), "cancel": reverse("obligations:persons"),
        "crumbs": _person_crumbs((_("Record"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = _person(request.user, pk)
    if not policy.can(request.user, "update", person):
        raise PermissionDenied
    form = KeyPersonForm(request.POST or None, instance=person, user=request.user)
    done = submit(request, form, lambda data: services.update_person(
        person, actor=request.user, data=form.service_data(), version=request.POST.get("version") or None),
        success=_("Saved."), then=reverse("obligations:person", args=[person.pk]))
    return done or form_page(request, "obligations/form.html", {
        "form": form, "record": person, "title": _("Correct the person's record"),
        "cancel": reverse("obligations:person", args=[person.pk]),
        "crumbs": _person_crumbs((person.name, reverse("obligations:person", args=[person.pk])), (_("Correct"), ""))})


PERSON_STEPS = {
    "verify": lambda obj, user, d: services.verify(obj, actor=user, version=d["version"]),
    "leave": lambda obj, user, d: services.person_left(obj, actor=user, left_on=d["left_on"], version=d["version"]),
    "void": lambda obj, user, d: services.void_record(obj, actor=user, reason=d["reason"], version=d["version"]),
}


@login_required
@require_POST
def person_step(request, pk: int):
    return _run_step(request, _person(request.user, pk), PERSON_MACHINE, PERSON_STEPS, "obligations:person",
                     "obligations:persons")


@login_required
@require_http_methods(["GET", "POST"])
def certificate_add(request, pk: int):
    person = _person(request.user, pk)
    if not policy.can(request.user, "update", person):
        raise PermissionDenied
    form = CertificateForm(request.POST or None, person=person)
    done = submit(request, form, lambda data: services.record_certificate(
        actor=request.user, person=person, data=dict(data)),
        success=_("Certificate recorded."), then=reverse("obligations:person", args=[person.pk]))
    return done or form_page(request, "obligations/form.html", {
        "form": form, "title": _("Record a certificate of %(name)s") % {"name": person.name},
        "cancel": reverse("obligations:person", args=[person.pk]),
        "crumbs": _person_crumbs((person.name, reverse("obligations:person", args=[person.pk])),
                                 (pgettext("obligations", "Record a certificate"), ""))})


def _certificate(user, pk: int) -> PersonCertificate:
    return scoped_object_or_404(user, PersonCertificate.objects.select_related("person"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request, pk: int):
    cert = _certificate(request.user, pk)
    if not policy.can(request.user, "update", cert):
        raise PermissionDenied
    form = CertificateForm(request.POST or None, instance=cert, person=cert.person)
    done = submit(request, form, lambda data: services.update_certificate(
        cert, actor=request.user, data=dict(data), version=request.POST.get("version") or None),
        success=_("Saved."), then=reverse("obligations:person", args=[cert.person_id]))
    return done or form_page(request, "obligations/form.html", {
        "form": form, "record": cert, "title": _("Correct the certificate"),
        "cancel": reverse("obligations:person", args=[cert.person_id]),
        "crumbs": _person_crumbs((cert.person.name, reverse("obligations:person", args=[cert.person_id])),
                                 (_("Correct"), ""))})


CERTIFICATE_STEPS = {
    "verify": lambda obj, user, d: services.verify(obj, actor=user, version=d["version"]),
    "revoke": lambda obj, user, d: services.revoke_certificate(obj, actor=user, reason=d["reason"],
                                                               version=d["version"]),
    "void": lambda obj, user, d: services.void_record(obj, actor=user, reason=d["reason"], version=d["version"]),
}


@login_required
@require_POST
def certificate_step(request, pk: int):
    cert = _certificate(request.user, pk)
    response = _run_step(request, cert, CERTIFICATE_MACHINE, CERTIFICATE_STEPS, "obligations:person",
                         "obligations:persons")
    # The certificate's page is its person's.
    return redirect("obligations:person", pk=cert.person_id) if response.status_code == 302 else response


# --- import ------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def person_import(request):
    if not request.user.has_perm("obligations.add_keyperson"):
        raise PermissionDenied
    return import_upload_page(request, template="obligations/person_import.html", columns=imports.COLUMNS,
                              run_import=imports.import_persons)


@login_required
@require_GET
def person_import_template(request):
    return xlsx_response(imports.template_file(), "people-and-certificates-template.xlsx")

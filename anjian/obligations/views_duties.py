"""Pages of the registries added to the obligations with the standardisation: standardisation
grades (安全生产标准化) and the yearly spot check (抽查), the safety organisation (安全管理机构、
安全总监) and the safety commitments (安全承诺) — lists with filters, counts and xlsx export, one
record with its steps, timeline and history, the forms. Reads go through the scoped helpers
(``core.pages``); writes through ``obligations.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.exports import export_response
from anjian.core.history import history_rows
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, attachments_for

from . import exports, selectors, services
from .choices import (
    COMMITMENT_MACHINE,
    ORGANISATION_MACHINE,
    SPOT_CHECK_MACHINE,
    STANDARDISATION_MACHINE,
    RequirementKind,
    SpotResult,
    StandardisationState,
)
from .forms import (
    CommitmentForm,
    CommitmentListFilter,
    OrganisationForm,
    OrganisationListFilter,
    SpotCheckForm,
    SpotResultForm,
    StandardisationForm,
    StandardisationListFilter,
)
from .models import Commitment, SafetyOrganisation, SpotCheck, SpotCheckEntry, Standardisation, valid_grade_q
from .policy import policy
from .views import _can_add, _page, _run_step, _steps, _timeline


def _yes(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def _verified_cell(obj) -> dict:
    if obj.verified_at:
        return {"badge": pgettext("obligations", "Verified"), "tone": "operating", "cls": "nowrap"}
    return {"badge": pgettext("obligations", "Not verified"), "tone": "muted", "cls": "nowrap"}


def _filtered(request, filter_class, model, *related):
    user = request.user
    filterset = filter_class(request.GET or None, queryset=scoped_list(user, model).select_related(*related), user=user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, qs


def _list(request, *, title, intro, crumbs, filterset, page_obj, headers, table, counts, actions, export_url, empty):
    return render(request, "obligations/record_list.html", {
        "title": title, "intro": intro, "crumbs": crumbs, "filter": filterset, "form": filterset.form if filterset
        else None, "page_obj": page_obj, "headers": headers, "table": table, "counts": counts, "actions": actions,
        "export_url": export_url, "empty": empty})


def _detail(request, record, *, title, subtitle, crumbs, panels, machine, step_url, edit_url=None, links=(),
            enterprise=None, show_verified=True, **extra):
    return render(request, "obligations/record_detail.html", {
        "record": record, "title": title, "subtitle": subtitle, "crumbs": crumbs, "panels": panels,
        "steps": _steps(machine, request.user, record) if not record.is_voided else [], "action_url": step_url,
        "edit_url": edit_url, "links": list(links), "enterprise": enterprise, "show_verified": show_verified,
        "events": _timeline(record), "history": history_rows(record), "files": None, "entries": None, **extra})


def _who_when(obj) -> str:
    if not obj.verified_at:
        return pgettext("obligations", "Not verified")
    return f"{obj.verified_by or '—'} · {timezone.localtime(obj.verified_at):%Y-%m-%d %H:%M}"


def _form(request, form, *, title, cancel, crumbs, intro=""):
    instance = getattr(form, "instance", None)
    return form_page(request, "obligations/form.html", {"form": form, "record": instance if getattr(
        instance, "pk", None) else None, "title": title, "cancel": cancel, "crumbs": crumbs, "intro": intro})


def _can_edit(user, obj, machine) -> bool:
    return not obj.is_voided and policy.can(user, "update", obj) and machine.possible(obj, "update")


# --- standardisation -------------------------------------------------------------------------------------------

def _std_crumbs(*extra):
    return [(_("Safety standardisation"), reverse("obligations:standardisations")), *extra]


def _grade_badge(std, today) -> tuple[str, str]:
    if std.is_voided:
        return pgettext("obligations", "Voided"), "muted"
    if std.state == StandardisationState.WITHDRAWN:
        return std.get_state_display(), "danger"
    if std.is_expired_on(today):
        return _("Expired"), "danger"
    if std.state == StandardisationState.PROPOSED:
        return std.get_state_display(), "risk"
    left = std.days_left(today)
    if left <= 90:
        return _("%(n)s days left") % {"n": left}, "risk" if left <= 30 else "suspended"
    return pgettext("standardisation", "Held"), "operating"


@login_required
def standardisation_list(request):
    """安全生产标准化台账: the grades in the user's jurisdiction, soonest to end first."""
    user = request.user
    filterset, qs = _filtered(request, StandardisationListFilter, Standardisation, "enterprise", "verified_by")
    today = timezone.localdate()
    counts = qs.order_by().aggregate(total=Count("pk"), valid=Count("pk", filter=valid_grade_q(today)),
                                     proposed=Count("pk", filter=Q(state=StandardisationState.PROPOSED,
                                                                   is_voided=False)),
                                     verified=Count("pk", filter=Q(verified_at__isnull=False)))
    page_obj = _page(request, qs.order_by("valid_until", "id"))
    table = []
    for s in page_obj.object_list:
        badge, tone = _grade_badge(s, today)
        table.append([
            {"text": s.get_grade_display(), "url": reverse("obligations:standardisation", args=[s.pk]), "sub": s.number},
            {"text": s.enterprise.name, "url": reverse("enterprises:detail", args=[s.enterprise_id])},
            {"text": s.issuer},
            {"text": f"{s.issued_on:%Y-%m-%d} – {s.valid_until:%Y-%m-%d}", "cls": "nowrap"},
            {"text": "", "badge": badge, "tone": tone, "cls": "nowrap"},
            _verified_cell(s)])
    actions = [(_("Record a grade"), reverse("obligations:standardisation_create"))] if _can_add(
        user, "standardisation") else []
    if policy.can(user, "draw", None):
        actions.append((_("Spot checks"), reverse("obligations:spot_checks")))
    return _list(request, title=_("Safety standardisation"), intro=_(
        "The standardisation grades of the enterprises (一级, 二级, 三级, 小微), kept by the enterprise and verified by "
        "the regulator. A grade ending within 90 days raises a warning; a failed spot check proposes its withdrawal."),
        crumbs=_std_crumbs(), filterset=filterset, page_obj=page_obj,
        headers=[pgettext("standardisation", "Grade"), pgettext("obligations", "Enterprise"),
                 pgettext("standardisation", "Graded by"), _("Validity"), pgettext("standardisation", "State"),
                 pgettext("obligations", "Verification")],
        table=table, counts=[(pgettext("standardisation", "Grades"), counts["total"]), (_("Valid today"), counts["valid"]),
                             (_("Withdrawal proposed"), counts["proposed"]),
                             (pgettext("obligations", "Verified"), counts["verified"])],
        actions=actions, export_url=reverse("obligations:standardisation_export"),
        empty=_("No grade matches these filters."))


@login_required
@require_GET
def standardisation_export(request):
    return export_response(lambda: exports.export_standardisations(request.user, request.GET),
                           exports.filename("standardisation"))


def _std(user, pk: int) -> Standardisation:
    return scoped_object_or_404(user, Standardisation.objects.select_related("enterprise", "industry", "verified_by"),
                                pk=pk)


@login_required
def standardisation_detail(request, pk: int):
    user = request.user
    std = _std(user, pk)
    today = timezone.localdate()
    badge, _tone = _grade_badge(std, today)
    # the spot checks are the regulators' working records: read through the user's scope
    spot = list(scoped_list(user, SpotCheckEntry).filter(standardisation=std).select_related("check_run")
                .order_by("-check_run__year"))
    panels = [
        (_("The grade"), [
            (pgettext("standardisation", "Grade"), std.get_grade_display()),
            (pgettext("standardisation", "Certificate number"), std.number),
            (pgettext("standardisation", "Graded by"), std.issuer),
            (pgettext("standardisation", "Graded on"), f"{std.issued_on:%Y-%m-%d}"),
            (pgettext("standardisation", "Valid until"), f"{std.valid_until:%Y-%m-%d}"),
            (_("Review cycle (years)"), std.review_years),
            (pgettext("standardisation", "Note"), std.note)]),
        (_("State and verification"), [
            (pgettext("standardisation", "State"), badge),
            (_("Withdrawn on"), f"{std.withdrawn_on:%Y-%m-%d}" if std.withdrawn_on else ""),
            (_("Reason for the withdrawal"), std.withdrawal_reason),
            (_("Spot checks"), "；".join(f"{e.check_run.year}: {e.get_result_display()}" for e in spot)),
            (pgettext("obligations", "Industry"), std.industry.name),
            (pgettext("obligations", "Verification"), _who_when(std))]),
    ]
    return _detail(request, std, title=f"{std.get_grade_display()} {std.number}", subtitle=badge,
                   crumbs=_std_crumbs((std.number, "")), panels=panels, machine=STANDARDISATION_MACHINE,
                   step_url=reverse("obligations:standardisation_step", args=[std.pk]),
                   edit_url=reverse("obligations:standardisation_edit", args=[std.pk])
                   if _can_edit(user, std, STANDARDISATION_MACHINE) else None, enterprise=std.enterprise)


@login_required
@require_http_methods(["GET", "POST"])
def standardisation_create(request):
    if not _can_add(request.user, "standardisation"):
        raise PermissionDenied
    form = StandardisationForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: services.record_standardisation(
        actor=request.user, enterprise=data["enterprise"], data=form.service_data()),
        success=_("Grade recorded."), then=lambda s: reverse("obligations:standardisation", args=[s.pk]))
    return done or _form(request, form, title=_("Record a standardisation grade"),
                         cancel=reverse("obligations:standardisations"), crumbs=_std_crumbs((_("Record"), "")))


@login_required
@require_http_methods(["GET", "POST"])
def standardisation_edit(request, pk: int):
    std = _std(request.user, pk)
    if not policy.can(request.user, "update", std):
        raise PermissionDenied
    form = StandardisationForm(request.POST or None, instance=std, user=request.user)
    url = reverse("obligations:standardisation", args=[std.pk])
    done = submit(request, form, lambda data: services.update_standardisation(
        std, actor=request.user, data=form.service_data(), version=request.POST.get("version") or None),
        success=_("Saved."), then=url)
    return done or _form(request, form, title=_("Correct the grade"), cancel=url,
                         crumbs=_std_crumbs((std.number, url), (pgettext("obligations", "Correct"), "")))


STANDARDISATION_STEPS = {
    "verify": lambda obj, user, d: services.verify(obj, actor=user, version=d["version"]),
    "propose_withdrawal": lambda obj, user, d: services.propose_withdrawal(obj, actor=user, reason=d["reason"],
                                                                           version=d["version"]),
    "keep": lambda obj, user, d: services.keep_grade(obj, actor=user, reason=d["reason"], version=d["version"]),
    "withdraw": lambda obj, user, d: services.withdraw_grade(obj, actor=user, reason=d["reason"],
                                                             version=d["version"]),
    "void": lambda obj, user, d: services.void_record(obj, actor=user, reason=d["reason"], version=d["version"]),
}


@login_required
@require_POST
def standardisation_step(request, pk: int):
    return _run_step(request, _std(request.user, pk), STANDARDISATION_MACHINE, STANDARDISATION_STEPS,
                     "obligations:standardisation", "obligations:standardisations")


# --- spot checks ----------------------------------------------------------------------------------------------

def _spot_crumbs(*extra):
    return _std_crumbs((_("Spot checks"), reverse("obligations:spot_checks")), *extra)


@login_required
def spot_check_list(request):
    """The yearly spot checks of the regions in the user's jurisdiction."""
    user = request.user
    qs = scoped_list(user, SpotCheck).select_related("region", "drawn_by").order_by("-year", "-id")
    page_obj = _page(request, qs)
    table = [[{"text": f"{c.year} · {c.region.name}", "url": reverse("obligations:spot_check", args=[c.pk])},
              {"text": f"{c.share}%", "cls": "nowrap"},
              {"text": f"{c.n} / {c.pool_size}", "cls": "nowrap"},
              {"text": str(c.drawn_by or "—"), "sub": f"{timezone.localtime(c.drawn_at):%Y-%m-%d %H:%M}"},
              {"text": "", "badge": pgettext("obligations", "Voided") if c.is_voided else c.get_state_display(),
               "tone": "muted" if c.is_voided else "operating", "cls": "nowrap"}]
             for c in page_obj.object_list]
    actions = [(_("Draw a spot check"), reverse("obligations:spot_check_create"))] if policy.can(
        user, "draw", None) else []
    return _list(request, title=_("Standardisation spot checks"), intro=_(
        "Each year a share of the graded enterprises of a region is drawn for a check (抽查), reproducibly from a "
        "stored seed. A drawn enterprise that fails has the withdrawal of its grade proposed."),
        crumbs=_spot_crumbs(), filterset=None, page_obj=page_obj,
        headers=[_("Year and region"), _("Share"), _("Drawn / pool"), _("Drawn by"), pgettext("spot check", "State")],
        table=table, counts=[], actions=actions, export_url="", empty=_("No spot check yet."))


def _spot(user, pk: int) -> SpotCheck:
    return scoped_object_or_404(user, SpotCheck.objects.select_related("region", "drawn_by", "replaces"), pk=pk)


@login_required
def spot_check_detail(request, pk: int):
    user = request.user
    check = _spot(user, pk)
    entries = list(check.entries.select_related("enterprise", "standardisation").order_by("order"))
    may = not check.is_voided and check.state == "drawn" and policy.can(user, "draw", check)
    for e in entries:
        e.can_decide = may and e.result == SpotResult.PENDING
    verification = services.verify_spot_check(check) if request.GET.get("verify") else None
    panels = [
        (_("The draw"), [
            (pgettext("spot check", "Region"), check.region.name), (pgettext("spot check", "Year"), check.year),
            (_("Share drawn (%)"), check.share), (_("Source of the share"), check.share_source),
            (_("Grades held on"), f"{check.day:%Y-%m-%d}"), (_("Drawn / pool"), f"{check.n} / {check.pool_size}")]),
        (_("Reproducibility"), [
            (_("Seed"), check.seed), (_("Result digest"), check.digest),
            (_("Drawn by"), f"{check.drawn_by or '—'} · {timezone.localtime(check.drawn_at):%Y-%m-%d %H:%M}"),
            (_("Replaces"), str(check.replaces.pk) if check.replaces else ""),
            (_("Reason for the redraw"), check.redraw_reason),
            (_("Re-run from the stored inputs"), "" if verification is None else (
                _("Same result") if verification["same"] else _("DIFFERENT result")))]),
    ]
    links = [(_("Re-run the draw"), reverse("obligations:spot_check", args=[check.pk]) + "?verify=1")]
    return _detail(request, check, title=_("Spot check %(year)s · %(region)s") % {"year": check.year,
                                                                                  "region": check.region.name},
                   subtitle=check.get_state_display(), crumbs=_spot_crumbs((str(check.year), "")), panels=panels,
                   machine=SPOT_CHECK_MACHINE, step_url=reverse("obligations:spot_check_step", args=[check.pk]),
                   links=links, show_verified=False, entries=entries)


@login_required
@require_http_methods(["GET", "POST"])
def spot_check_create(request):
    if not policy.can(request.user, "draw", None):
        raise PermissionDenied
    form = SpotCheckForm(request.POST or None, user=request.user,
                         initial={"year": timezone.localdate().year})
    done = submit(request, form, lambda d: services.draw_spot_check(
        actor=request.user, region=d["region"], year=d["year"], share=d.get("share"), seed=d.get("seed") or ""),
        success=_("Spot check drawn."), then=lambda c: reverse("obligations:spot_check", args=[c.pk]))
    return done or _form(request, form, title=_("Draw a spot check"), cancel=reverse("obligations:spot_checks"),
                         crumbs=_spot_crumbs((pgettext("spot check", "Draw"), "")), intro=_(
                             "The pool is every grade held today by the enterprises of the region and below; the "
                             "share is rounded up. The seed and the pool are stored: anyone can re-run the draw."))


SPOT_CHECK_STEPS = {
    "close": lambda obj, user, d: services.close_spot_check(obj, actor=user, version=d["version"]),
    "void": lambda obj, user, d: services.redraw_spot_check(obj, actor=user, reason=d["reason"], version=d["version"]),
}


@login_required
@require_POST
def spot_check_step(request, pk: int):
    """Close the check, or void it and draw again (a redraw: never silent, with the reason)."""
    check = _spot(request.user, pk)
    if request.POST.get("action") == "void":
        if not policy.can(request.user, "draw", check):
            raise PermissionDenied
        try:
            new = services.redraw_spot_check(check, actor=request.user, reason=request.POST.get("reason", ""),
                                             version=request.POST.get("version") or None)
        except (ValidationError, ConflictError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [getattr(exc, "message", str(exc))])))
            return redirect("obligations:spot_check", pk=check.pk)
        messages.success(request, _("Voided and drawn again."))
        return redirect("obligations:spot_check", pk=new.pk)
    return _run_step(request, check, SPOT_CHECK_MACHINE, {"close": SPOT_CHECK_STEPS["close"]},
                     "obligations:spot_check", "obligations:spot_checks")


@login_required
@require_POST
def spot_result(request, pk: int):
    entry = scoped_object_or_404(request.user, SpotCheckEntry.objects.select_related("check_run"), pk=pk)
    if not policy.can(request.user, "draw", entry):
        raise PermissionDenied
    form = SpotResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(m for errs in form.errors.values() for m in errs))
    else:
        try:
            services.record_spot_result(entry, actor=request.user, passed=form.cleaned_data["passed"],
                                        note=form.cleaned_data["note"], version=form.cleaned_data["version"])
        except ConflictError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Result recorded."))
    return redirect("obligations:spot_check", pk=entry.check_run_id)


# --- safety organisation --------------------------------------------------------------------------------------

def _org_crumbs(*extra):
    return [(_("Safety organisation"), reverse("obligations:organisations")), *extra]


@login_required
def organisation_list(request):
    """安全管理机构与安全总监: each enterprise's body, full-time staff and safety director."""
    user = request.user
    filterset, qs = _filtered(request, OrganisationListFilter, SafetyOrganisation, "enterprise", "verified_by")
    counts = qs.order_by().aggregate(total=Count("pk"), body=Count("pk", filter=Q(has_body=True)),
                                     director=Count("pk", filter=~Q(director_name="")),
                                     verified=Count("pk", filter=Q(verified_at__isnull=False)))
    page_obj = _page(request, qs.order_by("enterprise__name", "id"))
    table = [[{"text": o.enterprise.name, "url": reverse("obligations:organisation", args=[o.pk])},
              {"text": o.body_name if o.has_body else _("No body")},
              {"text": f"{o.full_time_staff} / {o.part_time_staff}", "cls": "nowrap"},
              {"text": o.director_name or "—"}, _verified_cell(o)] for o in page_obj.object_list]
    actions = [(_("Record a safety organisation"), reverse("obligations:organisation_create"))] if _can_add(
        user, "safetyorganisation") else []
    return _list(request, title=_("Safety organisation"), intro=_(
        "The safety management body or full-time safety staff of each enterprise and its safety director. The sectors "
        "of the Work Safety Law art. 24 (and any other enterprise with more than 100 employees) must have a body or "
        "full-time staff; the sectors listed in the reference data must have a safety director."),
        crumbs=_org_crumbs(), filterset=filterset, page_obj=page_obj,
        headers=[pgettext("obligations", "Enterprise"), _("Safety management body"),
                 _("Full-time / part-time staff"), _("Safety director"), pgettext("obligations", "Verification")],
        table=table, counts=[(_("Recorded"), counts["total"]), (_("With a body"), counts["body"]),
                             (_("With a safety director"), counts["director"]),
                             (pgettext("obligations", "Verified"), counts["verified"])],
        actions=actions, export_url=reverse("obligations:organisation_export"),
        empty=_("No safety organisation matches these filters."))


@login_required
@require_GET
def organisation_export(request):
    return export_response(lambda: exports.export_organisations(request.user, request.GET),
                           exports.filename("safety-organisation"))


def _org(user, pk: int) -> SafetyOrganisation:
    return scoped_object_or_404(user, SafetyOrganisation.objects.select_related("enterprise", "industry",
                                                                                "verified_by"), pk=pk)


@login_required
def organisation_detail(request, pk: int):
    user = request.user
    org = _org(user, pk)
    from anjian.enterprises.models import Enterprise

    flags = Enterprise.objects.filter(pk=org.enterprise_id).aggregate(
        body=Count("pk", filter=selectors.required_q(RequirementKind.BODY)),
        director=Count("pk", filter=selectors.required_q(RequirementKind.DIRECTOR)))
    panels = [
        (_("Body and staff"), [
            (_("Has a safety management body"), _yes(org.has_body)), (_("Name of the body"), org.body_name),
            (_("Full-time safety staff"), org.full_time_staff), (_("Part-time safety staff"), org.part_time_staff),
            (_("Required of this enterprise"), _yes(bool(flags["body"])))]),
        (_("Safety director"), [
            (_("Safety director"), org.director_name), (_("Safety director's phone"), org.director_phone),
            (_("Safety director appointed on"), f"{org.director_appointed_on:%Y-%m-%d}"
             if org.director_appointed_on else ""),
            (_("Required of this enterprise"), _yes(bool(flags["director"]))),
            (pgettext("safety organisation", "Note"), org.note),
            (pgettext("obligations", "Verification"), _who_when(org))]),
    ]
    return _detail(request, org, title=_("Safety organisation of %(name)s") % {"name": org.enterprise.name},
                   subtitle=org.industry.name, crumbs=_org_crumbs((org.enterprise.name, "")), panels=panels,
                   machine=ORGANISATION_MACHINE, step_url=reverse("obligations:organisation_step", args=[org.pk]),
                   edit_url=reverse("obligations:organisation_edit", args=[org.pk])
                   if _can_edit(user, org, ORGANISATION_MACHINE) else None, enterprise=org.enterprise)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    if not _can_add(request.user, "safetyorganisation"):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: services.record_organisation(
        actor=request.user, enterprise=data["enterprise"], data=form.service_data()),
        success=_("Safety organisation recorded."), then=lambda o: reverse("obligations:organisation", args=[o.pk]))
    return done or _form(request, form, title=_("Record a safety organisation"),
                         cancel=reverse("obligations:organisations"), crumbs=_org_crumbs((_("Record"), "")))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk: int):
    org = _org(request.user, pk)
    if not policy.can(request.user, "update", org):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None, instance=org, user=request.user)
    url = reverse("obligations:organisation", args=[org.pk])
    done = submit(request, form, lambda data: services.update_organisation(
        org, actor=request.user, data=form.service_data(), version=request.POST.get("version") or None),
        success=_("Saved."), then=url)
    return done or _form(request, form, title=_("Correct the safety organisation"), cancel=url,
                         crumbs=_org_crumbs((org.enterprise.name, url), (pgettext("obligations", "Correct"), "")))


COMMON_STEPS = {
    "verify": lambda obj, user, d: services.verify(obj, actor=user, version=d["version"]),
    "void": lambda obj, user, d: services.void_record(obj, actor=user, reason=d["reason"], version=d["version"]),
}


@login_required
@require_POST
def organisation_step(request, pk: int):
    return _run_step(request, _org(request.user, pk), ORGANISATION_MACHINE, COMMON_STEPS,
                     "obligations:organisation", "obligations:organisations")


# --- commitments -------------------------------------------------------------------------------------------------

def _commit_crumbs(*extra):
    return [(_("Safety commitments"), reverse("obligations:commitments")), *extra]


@login_required
def commitment_list(request):
    """安全承诺: the principals' signed commitments, with the signed document."""
    user = request.user
    filterset, qs = _filtered(request, CommitmentListFilter, Commitment, "enterprise", "verified_by")
    year = timezone.localdate().year
    counts = qs.order_by().aggregate(total=Count("pk"), this_year=Count("pk", filter=Q(year=year)),
                                     verified=Count("pk", filter=Q(verified_at__isnull=False)))
    page_obj = _page(request, qs.order_by("-year", "-signed_on", "id"))
    table = [[{"text": c.title, "url": reverse("obligations:commitment", args=[c.pk]),
               "sub": f"{c.year} · {c.get_period_display()}"},
              {"text": c.enterprise.name, "url": reverse("enterprises:detail", args=[c.enterprise_id])},
              {"text": c.signed_by}, {"text": f"{c.signed_on:%Y-%m-%d}", "cls": "nowrap"}, _verified_cell(c)]
             for c in page_obj.object_list]
    actions = [(_("Record a commitment"), reverse("obligations:commitment_create"))] if _can_add(
        user, "commitment") else []
    return _list(request, title=_("Safety commitments"), intro=_(
        "The commitments the principals sign each year or period, with the signed document. An operating enterprise "
        "without a commitment of the current year raises a notice from 1 February."),
        crumbs=_commit_crumbs(), filterset=filterset, page_obj=page_obj,
        headers=[pgettext("commitment", "Title"), pgettext("obligations", "Enterprise"), _("Signed by (principal)"),
                 pgettext("commitment", "Signed on"), pgettext("obligations", "Verification")],
        table=table, counts=[(_("Commitments"), counts["total"]), (_("This year"), counts["this_year"]),
                             (pgettext("obligations", "Verified"), counts["verified"])],
        actions=actions, export_url=reverse("obligations:commitment_export"),
        empty=_("No commitment matches these filters."))


@login_required
@require_GET
def commitment_export(request):
    return export_response(lambda: exports.export_commitments(request.user, request.GET),
                           exports.filename("commitments"))


def _commitment(user, pk: int) -> Commitment:
    return scoped_object_or_404(user, Commitment.objects.select_related("enterprise", "verified_by"), pk=pk)


@login_required
def commitment_detail(request, pk: int):
    user = request.user
    c = _commitment(user, pk)
    panels = [(_("The commitment"), [
        (pgettext("commitment", "Year"), c.year), (pgettext("commitment", "Period"), c.get_period_display()),
        (_("Signed by (principal)"), c.signed_by), (pgettext("commitment", "Signed on"), f"{c.signed_on:%Y-%m-%d}"),
        (pgettext("commitment", "Note"), c.note), (pgettext("obligations", "Verification"), _who_when(c))])]
    return _detail(request, c, title=c.title, subtitle=f"{c.year} · {c.get_period_display()}",
                   crumbs=_commit_crumbs((c.title, "")), panels=panels, machine=COMMITMENT_MACHINE,
                   step_url=reverse("obligations:commitment_step", args=[c.pk]),
                   edit_url=reverse("obligations:commitment_edit", args=[c.pk])
                   if _can_edit(user, c, COMMITMENT_MACHINE) else None, enterprise=c.enterprise,
                   files=list(attachments_for(c)))


@login_required
@require_http_methods(["GET", "POST"])
def commitment_create(request):
    if not _can_add(request.user, "commitment"):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None, request.FILES or None, user=request.user,
                          initial={"year": timezone.localdate().year})
    done = submit(request, form, lambda data: services.record_commitment(
        actor=request.user, enterprise=data["enterprise"], data=form.service_data(), files=data.get("files") or []),
        success=_("Commitment recorded."), then=lambda c: reverse("obligations:commitment", args=[c.pk]))
    return done or _form(request, form, title=_("Record a safety commitment"), cancel=reverse(
        "obligations:commitments"), crumbs=_commit_crumbs((_("Record"), "")))


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request, pk: int):
    c = _commitment(request.user, pk)
    if not policy.can(request.user, "update", c):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None, request.FILES or None, instance=c, user=request.user)
    url = reverse("obligations:commitment", args=[c.pk])
    done = submit(request, form, lambda data: services.update_commitment(
        c, actor=request.user, data=form.service_data(), files=data.get("files") or [],
        version=request.POST.get("version") or None), success=_("Saved."), then=url)
    return done or _form(request, form, title=_("Correct the commitment"), cancel=url,
                         crumbs=_commit_crumbs((c.title, url), (pgettext("obligations", "Correct"), "")))


@login_required
@require_POST
def commitment_step(request, pk: int):
    return _run_step(request, _commitment(request.user, pk), COMMITMENT_MACHINE, COMMON_STEPS,
                     "obligations:commitment", "obligations:commitments")

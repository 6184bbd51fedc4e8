"""Pages of the credit app: the enterprises' grades, credit records, the list of seriously
untrustworthy entities with its joint punishment notices, and the scheme — lists with filters and
xlsx export, one record with its steps, timeline and history, the forms. Reads go through the scoped
helpers (``core.pages``); writes through ``credit.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.events import event_label, event_state_labels
from anjian.core.exports import export_response
from anjian.core.history import history_rows
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, events_for
from anjian.core.workflow import available_steps

from . import exports, selectors, services
from .choices import LISTING_MACHINE, NOTICE_MACHINE, RECORD_MACHINE, CreditGrade, RecordState
from .forms import (
    DEFAULT_MEASURES,
    BlacklistingForm,
    BlacklistingListFilter,
    CreditRecordForm,
    CreditRecordListFilter,
    EnterpriseCreditListFilter,
    JointNoticeForm,
    StepForm,
)
from .models import (
    Blacklisting,
    CreditParameter,
    CreditRecord,
    CreditRecordKind,
    EnterpriseCredit,
    GradeBand,
    JointNotice,
)
from .policy import policy

PAGE_SIZE = 30
#: What each step needs from the user besides the version.
NEEDS = {"void": "reason", "repair": "reason", "withdraw": "reason", "decide": "decision_number",
         "publish": "publication"}


def _crumbs(*extra):
    return [(_("Safety credit"), reverse("credit:enterprises")), *extra]


def _timeline(obj) -> list[dict]:
    rows = []
    for event in events_for(obj)[:100]:
        from_state, to_state = event_state_labels(event)
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "credit"),
                     "from_state": from_state, "to_state": to_state, "comment": event.comment})
    return rows


def _steps(machine, user, obj) -> list[dict]:
    return [{"action": a, "label": machine[a].label, "needs": NEEDS.get(a, "")}
            for a in available_steps(machine, policy, user, obj)]


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _filtered(request, filter_class, qs):
    filterset = filter_class(request.GET or None, queryset=qs, user=request.user)
    return filterset, (filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset)


# --- the enterprises' grades ------------------------------------------------------------------------

@login_required
def enterprise_list(request):
    """诚信等级: the enterprises' credit now, with the count per grade."""
    user = request.user
    filterset, qs = _filtered(request, EnterpriseCreditListFilter,
                              scoped_list(user, EnterpriseCredit).select_related("enterprise"))
    counts = selectors.grade_counts(qs)
    page_obj = _page(request, qs.order_by("score", "enterprise_id"))
    return render(request, "credit/enterprise_list.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "rows": list(page_obj.object_list),
        "grades": [(g, label, counts[g]) for g, label in CreditGrade.choices], "crumbs": _crumbs()})


@login_required
@require_GET
def enterprise_export(request):
    return export_response(lambda: exports.export_grades(request.user, request.GET), exports.filename("credit-grades"))


@login_required
def scheme(request):
    """The scheme: points per kind, grade bands and parameters, each with its source."""
    return render(request, "credit/scheme.html", {
        "kinds": CreditRecordKind.objects.order_by("sort", "code"), "bands": GradeBand.objects.order_by("grade"),
        "parameters": CreditParameter.objects.order_by("code"),
        "crumbs": _crumbs((_("Credit scheme"), ""))})


# --- credit records -----------------------------------------------------------------------------------

def _can(user, perm: str, action: str) -> bool:
    return user.has_perm(perm) and policy.can(user, action, None)


@login_required
def record_list(request):
    user = request.user
    filterset, qs = _filtered(request, CreditRecordListFilter,
                              scoped_list(user, CreditRecord).select_related("enterprise", "kind"))
    counts = qs.order_by().aggregate(total=Count("pk"), pending=Count("pk", filter=Q(state=RecordState.PENDING)),
                                     bad=Count("pk", filter=Q(kind__polarity="bad")))
    page_obj = _page(request, qs.order_by("-occurred_on", "-id"))
    return render(request, "credit/record_list.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "rows": list(page_obj.object_list),
        "counts": counts, "can_add": _can(user, "credit.add_creditrecord", "manage"),
        "crumbs": _crumbs((_("Credit records"), ""))})


@login_required
@require_GET
def record_export(request):
    return export_response(lambda: exports.export_records(request.user, request.GET),
                           exports.filename("credit-records"))


def _record(user, pk: int) -> CreditRecord:
    return scoped_object_or_404(user, CreditRecord.objects.select_related("enterprise__region", "kind", "industry",
                                                                          "confirmed_by"), pk=pk)


def _source_url(record: CreditRecord) -> str:
    names = {"case": "enforcement:case", "accident": "accidents:detail"}
    name = names.get(record.source_type)
    if record.source_type == "listed_hazard":
        return reverse("hazards:listings")
    return reverse(name, args=[record.source_id]) if name and record.source_id else ""


@login_required
def record_detail(request, pk: int):
    user = request.user
    record = _record(user, pk)
    return render(request, "credit/record_detail.html", {
        "record": record, "source_url": _source_url(record), "steps": _steps(RECORD_MACHINE, user, record),
        "action_url": reverse("credit:record_step", args=[pk]), "events": _timeline(record),
        "history": history_rows(record),
        "crumbs": _crumbs((_("Credit records"), reverse("credit:records")), (record.kind.name, ""))})


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request):
    if not _can(request.user, "credit.add_creditrecord", "manage"):
        raise PermissionDenied
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise", "").isdigit() else {}
    form = CreditRecordForm(request.POST or None, user=request.user, initial=initial)
    done = submit(request, form, lambda data: services.record_credit(
        actor=request.user, enterprise=data["enterprise"], data=form.service_data()),
        success=_("Credit record entered; it counts once confirmed."),
        then=lambda rec: reverse("credit:record", args=[rec.pk]))
    return done or form_page(request, "credit/form.html", {
        "form": form, "title": _("Enter a credit record"), "cancel": reverse("credit:records"),
        "crumbs": _crumbs((_("Credit records"), reverse("credit:records")), (_("Enter"), ""))})


RECORD_STEPS = {
    "confirm": lambda obj, user, d: services.confirm_record(obj, actor=user, version=d["version"]),
    "void": lambda obj, user, d: services.void_record(obj, actor=user, reason=d["reason"], version=d["version"]),
}


def _run_step(request, obj, machine, table: dict, back: str, after_void: str = ""):
    """Run the posted step on ``obj``: the right is the policy's (403 when the user may take no
    step at all); a refusal comes back as a message on the record's page."""
    if not any(policy.can(request.user, machine[a].policy_action, obj) for a in table):
        raise PermissionDenied
    form = StepForm(request.POST, actions=[(a, a) for a in table])
    if not form.is_valid():
        messages.error(request, "; ".join(m for errs in form.errors.values() for m in errs))
        return redirect(back)
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
        if action == "void" and after_void:
            return redirect(after_void)
    return redirect(back)


@login_required
@require_POST
def record_step(request, pk: int):
    return _run_step(request, _record(request.user, pk), RECORD_MACHINE, RECORD_STEPS,
                     reverse("credit:record", args=[pk]), reverse("credit:records"))


# --- the list of seriously untrustworthy entities ----------------------------------------------------------

@login_required
def listing_list(request):
    user = request.user
    filterset, qs = _filtered(request, BlacklistingListFilter,
                              scoped_list(user, Blacklisting).select_related("enterprise", "department"))
    counts = qs.order_by().aggregate(total=Count("pk"), listed=Count("pk", filter=Q(state="listed")),
                                     proposed=Count("pk", filter=Q(state="proposed")))
    page_obj = _page(request, qs.order_by("-id"))
    return render(request, "credit/listing_list.html", {
        "filter": filterset, "form": filterset.form, "page_obj": page_obj, "rows": list(page_obj.object_list),
        "counts": counts, "can_add": _can(user, "credit.decide_blacklisting", "decide"),
        "crumbs": _crumbs((_("List of seriously untrustworthy entities"), ""))})


@login_required
@require_GET
def listing_export(request):
    return export_response(lambda: exports.export_listings(request.user, request.GET),
                           exports.filename("credit-listings"))


def _listing(user, pk: int) -> Blacklisting:
    return scoped_object_or_404(user, Blacklisting.objects.select_related("enterprise__region", "department",
                                                                          "industry"), pk=pk)


@login_required
def listing_detail(request, pk: int):
    user = request.user
    listing = _listing(user, pk)
    notices = list(scoped_list(user, JointNotice).filter(listing=listing).order_by("-id"))
    for n in notices:
        n.steps = _steps(NOTICE_MACHINE, user, n)
    can_notify = (listing.state == "listed" and policy.can(user, "decide", listing)
                  and user.has_perm("credit.add_jointnotice"))
    return render(request, "credit/listing_detail.html", {
        "listing": listing, "steps": _steps(LISTING_MACHINE, user, listing), "notices": notices,
        "action_url": reverse("credit:listing_step", args=[pk]), "can_notify": can_notify,
        "events": _timeline(listing), "history": history_rows(listing),
        "crumbs": _crumbs((_("List of seriously untrustworthy entities"), reverse("credit:listings")),
                          (listing.enterprise.name, ""))})


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request):
    if not _can(request.user, "credit.decide_blacklisting", "decide"):
        raise PermissionDenied
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise", "").isdigit() else {}
    form = BlacklistingForm(request.POST or None, user=request.user, initial=initial)
    done = submit(request, form, lambda data: services.propose_listing(
        actor=request.user, enterprise=data["enterprise"], data=form.service_data()),
        success=_("Listing proposed; tell the party before deciding."),
        then=lambda found: reverse("credit:listing", args=[found.pk]))
    return done or form_page(request, "credit/form.html", {
        "form": form, "title": _("Propose a listing"), "cancel": reverse("credit:listings"),
        "crumbs": _crumbs((_("List of seriously untrustworthy entities"), reverse("credit:listings")),
                          (_("Propose"), ""))})


LISTING_STEPS = {
    "decide": lambda obj, user, d: services.decide_listing(obj, actor=user, decision_number=d["decision_number"],
                                                           decided_on=d["day"], version=d["version"]),
    "publish": lambda obj, user, d: services.publish_listing(obj, actor=user, publication=d["publication"],
                                                             published_on=d["day"], version=d["version"]),
    "repair": lambda obj, user, d: services.repair_listing(obj, actor=user, reason=d["reason"], version=d["version"]),
    "expire": lambda obj, user, d: services.expire_listing(obj, actor=user, version=d["version"]),
    "withdraw": lambda obj, user, d: services.withdraw_listing(obj, actor=user, reason=d["reason"],
                                                               version=d["version"]),
}


@login_required
@require_POST
def listing_step(request, pk: int):
    return _run_step(request, _listing(request.user, pk), LISTING_MACHINE, LISTING_STEPS,
                     reverse("credit:listing", args=[pk]))


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request, pk: int):
    listing = _listing(request.user, pk)
    if not (request.user.has_perm("credit.add_jointnotice") and policy.can(request.user, "decide", listing)):
        raise PermissionDenied
    form = JointNoticeForm(request.POST or None, initial={"measures": DEFAULT_MEASURES})
    back = reverse("credit:listing", args=[pk])
    done = submit(request, form, lambda data: services.draft_notice(actor=request.user, listing=listing, data=data),
                  success=_("Notice drafted; issue it when ready."), then=back)
    return done or form_page(request, "credit/form.html", {
        "form": form, "title": _("Draft a joint punishment notice"), "cancel": back,
        "crumbs": _crumbs((_("List of seriously untrustworthy entities"), reverse("credit:listings")),
                          (listing.enterprise.name, back), (_("Joint punishment notice"), ""))})


def _notice(user, pk: int) -> JointNotice:
    return scoped_object_or_404(user, JointNotice.objects.select_related("listing__department", "enterprise"), pk=pk)


NOTICE_STEPS = {
    "issue": lambda obj, user, d: services.issue_notice(obj, actor=user, version=d["version"]),
    "void": lambda obj, user, d: services.void_record(obj, actor=user, reason=d["reason"], version=d["version"]),
}


@login_required
@require_POST
def notice_step(request, pk: int):
    notice = _notice(request.user, pk)
    return _run_step(request, notice, NOTICE_MACHINE, NOTICE_STEPS, reverse("credit:listing", args=[notice.listing_id]))


@login_required
@require_GET
def notice_pdf(request, pk: int):
    from .documents import notice_pdf as build

    notice = _notice(request.user, pk)
    response = HttpResponse(build(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="joint-notice-{notice.pk}.pdf"'
    return response

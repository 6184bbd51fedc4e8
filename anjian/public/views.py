"""Pages of the public app.

The public side (no log-in, zh by default, no JavaScript): the index of everything disclosed, the
tip form, the tracking page and the disclosure pages. Every posted request is refused by the rate
limits and the captcha BEFORE a form or a service touches it, so nothing of a refused request is
stored; answers to strangers never echo anything but their own escaped input.

The handlers' side (log-in): the tips of the jurisdiction, one tip with its steps, the
submitter's identity on its own audited page, rewards, and the publication of listed hazards.
Reads go through the scoped helpers (``core.pages``); writes through ``public.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.events import event_label, event_state_labels
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import ConflictError, attachments_for, events_for
from anjian.core.workflow import available_steps

from . import guard, selectors, services
from .choices import PUBLICATION_MACHINE, REWARD_MACHINE, TIP_FINISHED, TIP_MACHINE, AccessChannel, TipState
from .forms import (
    MAX_PUBLIC_FILE_MB,
    MAX_PUBLIC_FILES,
    AddInformationForm,
    RewardForm,
    StepForm,
    TipForm,
    TrackForm,
)
from .models import ListingPublication, Reward, Tip
from .policy import policy

PAGE_SIZE = 30
PUBLIC_MAX_AGE = 300  # seconds a disclosure page may be cached by browsers and proxies


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _too_many(request) -> HttpResponse:
    return _no_store(render(request, "public/too_many.html", status=429))


#: The largest body a public POST may announce: the files allowed plus room for the fields. A larger
#: one is refused before a byte of it is read (Django would stream the files to disk first).
MAX_BODY = (MAX_PUBLIC_FILES * MAX_PUBLIC_FILE_MB + 1) * 1024 * 1024


def _oversized(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY
    except ValueError:
        return True


# --- the public side ------------------------------------------------------------------------------

@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def index(request):
    """The public index: file a tip, follow it, and every page of published records."""
    return render(request, "public/index.html", {})


@never_cache
@require_GET
def captcha(request, token: str):
    png = guard.captcha_png(token)
    if png is None:
        raise Http404
    return HttpResponse(png, content_type="image/png")


def _with_captcha(form) -> str:
    token = guard.new_captcha()
    form.data = form.data.copy() if form.is_bound else form.data
    if form.is_bound:
        form.data["captcha_token"] = token
        form.data["captcha"] = ""
    else:
        form.initial["captcha_token"] = token
    return token


#: Never in an error report (Django's 500 mail and log include the POST data otherwise).
SENSITIVE = ("reporter_name", "reporter_phone", "reporter_email", "reporter_id_number", "secret")


@sensitive_post_parameters(*SENSITIVE)
@require_http_methods(["GET", "POST"])
def tip_new(request):
    """The public tip form. A POST passes the rate limits, then the captcha, then the form and the
    service; the answer to a filed tip shows its tracking code and secret once."""
    if request.method == "POST":
        if _oversized(request):
            return _no_store(HttpResponse(status=413))
        if not guard.allow(request, "tip"):
            return _too_many(request)
        form = TipForm(request.POST, request.FILES)
        captcha_ok = guard.check_captcha(request.POST.get("captcha_token", ""), request.POST.get("captcha", ""))
        if not captcha_ok:
            form.is_valid()
            form.add_error("captcha", _("The sum is not right; try the new picture."))
        elif form.is_valid():
            try:
                tip, secret = services.submit_tip(data=form.service_data(), files=form.cleaned_data["files"])
            except ValidationError as exc:
                from anjian.core.forms import add_service_errors

                add_service_errors(form, exc)
            else:
                return _no_store(render(request, "public/tip_done.html", {"tip": tip, "secret": secret}))
    else:
        form = TipForm()
    token = _with_captcha(form)
    response = render(request, "public/tip_form.html", {"form": form, "captcha_token": token},
                      status=400 if form.errors else 200)
    if not guard.device_of(request):
        response.set_cookie(guard.DEVICE_COOKIE, guard.new_device(), max_age=guard.DEVICE_MAX_AGE, httponly=True,
                            samesite="Lax", secure=request.is_secure())
    return _no_store(response)


def _public_view(tip: Tip) -> dict:
    """What the submitter reads of their tip: its state and dates, the reason or outcome, what
    they added — no officer's name, no internal note."""
    return {"tip": tip, "finished": tip.state in TIP_FINISHED, "open": tip.state in (TipState.RECEIVED,
                                                                                       TipState.ACCEPTED),
            "additions": list(tip.additions.order_by("added_at").values("text", "added_at")),
            "files": attachments_for(tip).count()}


@sensitive_post_parameters(*SENSITIVE)
@require_http_methods(["GET", "POST"])
def track(request):
    """Follow a tip with its tracking code and secret (POST: they never appear in a URL or a log)."""
    if request.method == "GET":
        return _no_store(render(request, "public/track.html", {"form": TrackForm()}))
    if not guard.allow(request, "lookup"):
        return _too_many(request)
    form = TrackForm(request.POST)
    tip = services.find_tip(request.POST.get("code", ""), request.POST.get("secret", "")) if form.is_valid() else None
    if tip is None:
        if form.is_valid():
            form.add_error(None, _("No tip matches this tracking code and secret."))
        return _no_store(render(request, "public/track.html", {"form": form}, status=400))
    add = AddInformationForm(initial={"code": tip.tracking_code, "secret": form.cleaned_data["secret"]})
    token = _with_captcha(add)
    return _no_store(render(request, "public/track_status.html",
                            {**_public_view(tip), "add": add, "captcha_token": token}))


@sensitive_post_parameters(*SENSITIVE)
@require_POST
def track_add(request):
    """Add information to an open tip (code, secret and captcha again)."""
    if _oversized(request):
        return _no_store(HttpResponse(status=413))
    if not guard.allow(request, "lookup"):
        return _too_many(request)
    form = AddInformationForm(request.POST, request.FILES)
    captcha_ok = guard.check_captcha(request.POST.get("captcha_token", ""), request.POST.get("captcha", ""))
    tip = services.find_tip(request.POST.get("code", ""), request.POST.get("secret", ""))
    if tip is None:
        form.is_valid()
        return _no_store(render(request, "public/track.html", {
            "form": TrackForm(), "error": _("No tip matches this tracking code and secret.")}, status=400))
    if not captcha_ok:
        form.is_valid()
        form.add_error("captcha", _("The sum is not right; try the new picture."))
    elif form.is_valid():
        try:
            services.add_information(tip, text=form.cleaned_data["text"], files=form.cleaned_data["files"])
        except ValidationError as exc:
            form.add_error("text", exc.messages)
        else:
            tip.refresh_from_db()
            add = AddInformationForm(initial={"code": tip.tracking_code, "secret": form.cleaned_data["secret"]})
            token = _with_captcha(add)
            return _no_store(render(request, "public/track_status.html", {
                **_public_view(tip), "add": add, "captcha_token": token, "added": True}))
    token = _with_captcha(form)
    return _no_store(render(request, "public/track_status.html",
                            {**_public_view(tip), "add": form, "captcha_token": token}, status=400))


def _public_page(request, template: str, rows, **extra) -> HttpResponse:
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(request, template, {"page_obj": page_obj, **extra})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_hazards(request):
    """挂牌督办: the published hazards under listed supervision (unit, level, department, deadline, state)."""
    from anjian.hazards.choices import HazardState, ListingLevel, ListingState

    levels, states, listing_states = dict(ListingLevel.choices), dict(HazardState.choices), dict(ListingState.choices)
    page_obj = Paginator(selectors.public_listed_hazards(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{**r, "level": levels.get(r["listing__level"], ""),
             "state": (states.get(r["listing__hazard__state"], "") if r["listing__state"] == ListingState.LISTED
                       else listing_states.get(r["listing__state"], ""))} for r in page_obj.object_list]
    response = render(request, "public/public_hazards.html", {"page_obj": page_obj, "rows": rows})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_blacklist(request):
    """The published list of seriously untrustworthy entities (name, code, department, decision, term)."""
    return _public_page(request, "public/public_blacklist.html", selectors.public_blacklist())


@require_GET
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_rankings(request):
    """The assessment rankings the committee office published."""
    response = render(request, "public/public_rankings.html", {"rounds": selectors.public_rankings()})
    response["X-Robots-Tag"] = "noindex"
    return response


# --- the handlers' side ---------------------------------------------------------------------------

def _crumbs(*extra):
    return [(_("Tips"), reverse("public:tips")), *extra]


def _timeline(obj) -> list[dict]:
    rows = []
    for event in events_for(obj)[:100]:
        from_state, to_state = event_state_labels(event)
        rows.append({"at": event.at, "actor": event.actor, "label": event_label(event.action, "public"),
                     "from_state": from_state, "to_state": to_state, "comment": event.comment})
    return rows


@login_required
@require_GET
def tip_list(request):
    qs = scoped_list(request.user, Tip).select_related("region", "department")
    state = request.GET.get("state", "")
    if state in TipState.values:
        qs = qs.filter(state=state)
    page_obj = Paginator(qs.order_by("-received_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/tip_list.html", {
        "page_obj": page_obj, "states": TipState.choices, "state": state, "crumbs": _crumbs()})


def _labelled(machine, actions) -> list[dict]:
    return [{"action": a, "label": machine[a].label} for a in actions]


def _tip(user, pk: int) -> Tip:
    return scoped_object_or_404(user, Tip.objects.select_related("region", "department", "enterprise", "hazard",
                                                                 "case", "duplicate_of"), include_voided=True, pk=pk)


@login_required
@require_GET
def tip_detail(request, pk: int):
    user = request.user
    tip = _tip(user, pk)
    rewards = list(scoped_list(user, Reward).filter(tip=tip).select_related("scale"))
    for r in rewards:
        r.steps = _labelled(REWARD_MACHINE, available_steps(REWARD_MACHINE, policy, user, r))
    from anjian.orgs.models import Department

    return render(request, "public/tip_detail.html", {
        "tip": tip, "steps": _labelled(TIP_MACHINE, available_steps(TIP_MACHINE, policy, user, tip)), "events": _timeline(tip),
        "additions": list(tip.additions.all()), "files": list(attachments_for(tip)),
        "rewards": rewards, "can_identity": not tip.is_anonymous and policy.can(user, "see_identity", tip),
        "can_reward": (tip.state == TipState.CONFIRMED and not tip.is_anonymous and not tip.duplicate_of_id
                       and not any(not r.is_voided for r in rewards) and policy.can(user, "handle", tip)),
        "departments": list(scoped_list(user, Department).order_by("name")[:200]),
        "step_form": StepForm(), "crumbs": _crumbs((tip.tracking_code, ""))})


@login_required
@require_GET
def tip_identity(request, pk: int):
    """The submitter's identity and contact, for handlers with ``view_tip_identity`` only; every
    opening of this page is written to the identity log."""
    tip = _tip(request.user, pk)
    identity = services.read_identity(tip, actor=request.user, channel=AccessChannel.PAGE, request=request)
    if identity is None:
        raise PermissionDenied
    return _no_store(render(request, "public/tip_identity.html", {
        "tip": tip, "identity": identity,
        "crumbs": _crumbs((tip.tracking_code, reverse("public:tip", args=[pk])), (_("Submitter"), ""))}))


def _tip_step(tip: Tip, actor, action: str, d: dict, post) -> None:
    version = d["version"]
    if action == "route":
        from anjian.orgs.models import Department

        dept = Department.objects.filter(pk=post.get("department") or 0).first() if str(
            post.get("department", "")).isdigit() else None
        services.route_tip(tip, actor=actor, department=dept, version=version, comment=d.get("reason") or "")
    elif action == "accept":
        services.accept_tip(tip, actor=actor, version=version, comment=d.get("reason") or "")
    elif action == "reject":
        services.reject_tip(tip, actor=actor, reason=d.get("reason") or "", version=version)
    elif action == "extend":
        services.extend_tip(tip, actor=actor, days=d.get("days"), reason=d.get("reason") or "", version=version)
    elif action in ("confirm", "unfound"):
        services.verify_tip(tip, actor=actor, confirmed=action == "confirm", outcome=d.get("reason") or "",
                            version=version)
    elif action == "to_hazard":
        if not d.get("deadline") or not d.get("grade"):
            raise ValidationError({"deadline": _("Give the grade and the rectification deadline.")})
        services.raise_hazard(tip, actor=actor, grade=d["grade"], deadline=d["deadline"], version=version)
    elif action == "to_case":
        services.open_case(tip, actor=actor, version=version)
    elif action == "void":
        services.void_tip(tip, actor=actor, reason=d.get("reason") or "", version=version)


@login_required
@require_POST
def tip_step(request, pk: int):
    """Run the posted step on a tip: 403 when the user may take no step at all; a refusal comes back
    as a message on the tip's page."""
    tip = _tip(request.user, pk)
    back = reverse("public:tip", args=[pk])
    if not policy.can(request.user, "handle", tip):
        raise PermissionDenied
    action = request.POST.get("action", "")
    form = StepForm(request.POST)
    if action not in TIP_MACHINE or not form.is_valid():
        messages.error(request, "; ".join(m for errs in form.errors.values() for m in errs) or _("Unknown step."))
        return redirect(back)
    try:
        _tip_step(tip, request.user, action, form.cleaned_data, request.POST)
    except ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": TIP_MACHINE[action].label})
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def reward_create(request, pk: int):
    tip = _tip(request.user, pk)
    if not policy.can(request.user, "handle", tip):
        raise PermissionDenied
    form = RewardForm(request.POST or None, kind=tip.kind)
    done = submit(request, form, lambda d: services.propose_reward(
        tip, actor=request.user, scale=d["scale"], fine_yuan=d.get("fine_yuan"), deaths=d.get("deaths"),
        note=d.get("note") or ""), success=_("Reward proposed."), then=reverse("public:tip", args=[pk]))
    return done or form_page(request, "public/form.html", {
        "form": form, "title": _("Propose a reward"), "cancel": reverse("public:tip", args=[pk]),
        "crumbs": _crumbs((tip.tracking_code, reverse("public:tip", args=[pk])), (_("Reward"), ""))})


@login_required
@require_POST
def reward_step(request, pk: int):
    reward = scoped_object_or_404(request.user, Reward.objects.select_related("tip"), pk=pk)
    back = reverse("public:tip", args=[reward.tip_id])
    if not any(policy.can(request.user, s.policy_action, reward) for s in REWARD_MACHINE.steps):
        raise PermissionDenied
    action = request.POST.get("action", "")
    form = StepForm(request.POST)
    if action not in REWARD_MACHINE or not form.is_valid():
        messages.error(request, _("Unknown step."))
        return redirect(back)
    if not policy.can(request.user, REWARD_MACHINE[action].policy_action, reward):
        raise PermissionDenied
    d = form.cleaned_data
    try:
        if action == "approve":
            services.approve_reward(reward, actor=request.user, version=d["version"], comment=d.get("reason") or "")
        elif action == "decline":
            services.decline_reward(reward, actor=request.user, reason=d.get("reason") or "", version=d["version"])
        else:
            services.pay_reward(reward, actor=request.user, paid_on=d.get("paid_on"),
                                reference=d.get("reference") or "", version=d["version"])
    except ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": REWARD_MACHINE[action].label})
    return redirect(back)


@login_required
@require_GET
def publication_list(request):
    """The hazards under listed supervision of the jurisdiction, with their publication."""
    from anjian.hazards.choices import ListingState
    from anjian.hazards.models import ListedSupervision

    user = request.user
    listings = (scoped_list(user, ListedSupervision).filter(state=ListingState.LISTED)
                .select_related("enterprise", "department", "hazard").order_by("-listed_at"))
    page_obj = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    pubs = {p.listing_id: p for p in scoped_list(user, ListingPublication).filter(
        listing_id__in=[x.pk for x in page_obj.object_list])}
    rows = [{"listing": x, "pub": pubs.get(x.pk)} for x in page_obj.object_list]
    return render(request, "public/publications.html", {
        "page_obj": page_obj, "rows": rows, "can_publish": policy.can(user, "publish", None),
        "crumbs": _crumbs((_("Publication of listed hazards"), ""))})


@login_required
@require_POST
def publication_publish(request, pk: int):
    from anjian.hazards.models import ListedSupervision

    listing = scoped_object_or_404(request.user, ListedSupervision, pk=pk)
    if not policy.can(request.user, "publish", None):
        raise PermissionDenied
    try:
        services.publish_listing(listing, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Published on the public pages."))
    return redirect("public:publications")


@login_required
@require_POST
def publication_withdraw(request, pk: int):
    pub = scoped_object_or_404(request.user, ListingPublication, pk=pk)
    if not policy.can(request.user, "publish", pub):
        raise PermissionDenied
    try:
        services.withdraw_publication(pub, actor=request.user, reason=request.POST.get("reason", "")[:200],
                                      version=request.POST.get("version") or None)
    except ConflictError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": PUBLICATION_MACHINE["withdraw"].label})
    return redirect("public:publications")

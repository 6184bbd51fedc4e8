"""Pages of the random draws (双随机): the draws, a new draw, one draw with its parameters, seed,
stored pool and every enterprise drawn with its officers and experts; re-running it from the
stored seed; publishing, redrawing (a new, reasoned record) and voiding."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.pages import scoped_list, scoped_object_or_404

from . import forms as f
from . import selectors, services
from .choices import DRAW_MACHINE
from .models import DrawEntry, RandomDraw
from .policy import policy
from .views import StepSpec, buttons, create_page, crumbs, paginate, posted, step_page, timeline


def _crumb():
    return (_("Random draws"), reverse("enforcement:draws"))


@login_required
def draw_list(request):
    """双随机抽查: the draws of the departments in the user's jurisdiction, newest first."""
    qs = scoped_list(request, RandomDraw).select_related("department", "drawn_by", "replaces")
    return render(request, "enforcement/draws.html", {
        "crumbs": crumbs((_("Random draws"), "")), "page_obj": paginate(request, qs.order_by("-drawn_at", "-id")),
        "can_draw": policy.can(request.user, "draw")})


@login_required
@require_http_methods(["GET", "POST"])
def draw_create(request):
    form = f.DrawForm(posted(request), user=request.user)

    def run(form):
        data, criteria = form.split()
        return services.make_draw(actor=request.user, department=form.cleaned_data["department"], data=data,
                                  criteria=criteria, seed=form.cleaned_data["seed"])

    return create_page(request, form=form, title=_("New random draw"), back=reverse("enforcement:draws"),
                       allowed=policy.can(request.user, "draw"), run=run,
                       done=lambda d: reverse("enforcement:draw", args=[d.pk]))


@login_required
def draw_detail(request, pk: int):
    draw = scoped_object_or_404(request, RandomDraw.objects.select_related("department", "drawn_by", "plan",
                                                                          "replaces"), include_voided=True, pk=pk)
    entries = (scoped_list(request, DrawEntry).filter(draw=draw).select_related("enterprise")
               .prefetch_related("officer_links__officer", "expert_links__expert", "inspections").order_by("order"))
    replaced_by = RandomDraw.objects.filter(replaces=draw).first()
    return render(request, "enforcement/draw_detail.html", {
        "crumbs": crumbs(_crumb(), (draw.number, "")), "draw": draw, "page_obj": paginate(request, entries),
        "replaced_by": replaced_by, "criteria": selectors.describe_criteria(draw.criteria),
        "buttons": buttons(DRAW_MACHINE, request.user, draw, lambda a: reverse("enforcement:draw_step", args=[pk, a]),
                           primary=("publish",)),
        "events": timeline(draw), "can_inspect": policy.can(request.user, "add_inspection")})


@login_required
@require_GET
def draw_verify(request, pk: int):
    """Re-run the draw from its stored inputs and seed, and compare."""
    draw = scoped_object_or_404(request, RandomDraw, include_voided=True, pk=pk)
    return render(request, "enforcement/draw_verify.html", {
        "crumbs": crumbs(_crumb(), (draw.number, reverse("enforcement:draw", args=[pk])), (_("Re-run the draw"), "")),
        "draw": draw, "check": services.verify_draw(draw)})


DRAW_STEPS = {
    "publish": StepSpec(f.ConfirmForm, pgettext_lazy("draw", "Publish"), pgettext_lazy("draw", "Publish"),
                        lambda o, u, d, v: services.publish_draw(o, actor=u, version=v)),
    "redraw": StepSpec(f.RedrawForm, pgettext_lazy("draw", "Redraw"), pgettext_lazy("draw", "Redraw"),
                       lambda o, u, d, v: services.redraw(o, actor=u, reason=d["reason"], seed=d["seed"],
                                                          version=v)),
    "void": StepSpec(f.ReasonForm, pgettext_lazy("enforcement", "Void"), pgettext_lazy("enforcement", "Void"),
                     lambda o, u, d, v: services.void_draw(o, actor=u, reason=d["reason"], version=v), "danger"),
}


@login_required
@require_http_methods(["GET", "POST"])
def draw_step(request, pk: int, action: str):
    draw = scoped_object_or_404(request, RandomDraw, pk=pk)
    back = reverse("enforcement:draw", args=[pk])
    done = {"void": reverse("enforcement:draws"),
            "redraw": lambda new: reverse("enforcement:draw", args=[new.pk])}.get(action, back)
    notes = [_("A redraw is a new draw with the same filters and numbers and a new seed; this draw stays on "
               "record as superseded, with your reason.")] if action == "redraw" else []
    return step_page(request, draw, action, DRAW_STEPS, DRAW_MACHINE, back=back, done=done,
                     extra={"notes": notes})


@require_GET
@cache_control(public=True, max_age=300)
def public_draws(request):
    """一公开: the results of the published random draws — the enterprise, the draw, the date of the
    inspection, its inspectors (officers' names) and its outcome. Public by design: no log-in, no
    script, nothing of the viewer on the page (so a shared cache may keep it for five minutes);
    never a person of the enterprise."""
    from .choices import InspectionOutcome

    page = paginate(request, selectors.public_draw_entries(DrawEntry.objects.all()))
    rows = selectors.public_draw_results(list(page.object_list))
    labels = dict(InspectionOutcome.choices)
    for row in rows:
        row["outcome_label"] = labels.get(row["outcome"], "")
    response = render(request, "enforcement/public_draws.html", {"page_obj": page, "rows": rows})
    response["X-Robots-Tag"] = "noindex"
    return response

"""Pages of the inspection tours (巡查督导): the tours, one tour with its findings and their
rectifications, the follow-up list of rectifications. Reads through ``core.pages``; writes
through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import attachments_for
from anjian.core.workflow import available_steps

from . import services
from .choices import FINDING_MACHINE, TOUR_MACHINE
from .forms import (
    FeedbackForm,
    FindingForm,
    FindingListFilter,
    RectificationReportForm,
    StepForm,
    TourForm,
    TourListFilter,
    VerifyForm,
)
from .models import Tour, TourFinding
from .policy import policy
from .views_common import (
    crumbs,
    form_page,
    history,
    list_page,
    posted,
    record_step,
    require,
    timeline,
    void_page,
)

TOUR_PERM = "steering.change_tour"
FINDING_PERM = "steering.change_tourfinding"


def _tours_crumb():
    return (_("Inspection tours"), reverse("steering:tours"))


def _tour(user, pk: int) -> Tour:
    return scoped_object_or_404(user, Tour.objects.select_related("unit", "committee_region"), pk=pk)


def _finding(user, pk: int) -> TourFinding:
    return scoped_object_or_404(user, TourFinding.objects.select_related(
        "tour", "unit", "hazard", "reported_by", "closed_by"), pk=pk)


@login_required
def tour_list(request):
    """巡查督导: the tours of lower governments and departments in the user's jurisdiction."""
    return list_page(
        request, scoped_list(request.user, Tour).select_related("unit", "committee_region"), TourListFilter,
        "steering/tour_list.html", order=("-starts_on", "-pk"), can_add=request.user.has_perm("steering.add_tour"),
        crumbs=crumbs((_("Inspection tours"), "")), title=_("Inspection tours"),
        sub=_("Tours of lower governments and departments by the committee office: findings, the rectifications "
              "they require, and their follow-up to closure."))


@login_required
def tour_detail(request, pk: int):
    user = request.user
    tour = _tour(user, pk)
    findings = list(scoped_list(user, TourFinding).filter(tour=tour).select_related("hazard").order_by("seq"))
    actions = set(available_steps(TOUR_MACHINE, policy, user, tour))
    for f in findings:
        f.actions = set(available_steps(FINDING_MACHINE, policy, user, f))
    return render(request, "steering/tour_detail.html", {
        "tour": tour, "findings": findings, "actions": actions,
        "steps": {a: TOUR_MACHINE[a].label for a in actions},
        "finding_form": FindingForm(user=user), "feedback_form": FeedbackForm(initial={"version": tour.version}),
        "events": timeline(tour), "history": history(tour), "today": timezone.localdate(),
        "crumbs": crumbs(_tours_crumb(), (tour.number, "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def tour_create(request):
    require(request.user, "steering.add_tour")
    form = TourForm(request.POST or None, user=request.user)

    def save(form):
        try:
            unit = form.fields["unit"].unit(form.cleaned_data["unit"])
        except (TypeError, ValueError) as exc:
            raise ValidationError({"unit": _("Choose the toured unit.")}) from exc
        tour = services.create_tour(actor=request.user, committee_region=form.fields["committee"].region(
            form.cleaned_data["committee"]), unit=unit, data=form.service_data())
        messages.success(request, _("Tour %(number)s planned.") % {"number": tour.number})
        return redirect("steering:tour_detail", pk=tour.pk)

    return form_page(request, form, save, "steering/form.html", {
        "title": _("Plan an inspection tour"), "cancel": reverse("steering:tours"),
        "crumbs": crumbs(_tours_crumb(), (_("Plan"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def tour_edit(request, pk: int):
    require(request.user, TOUR_PERM)
    tour = _tour(request.user, pk)
    form = TourForm(request.POST or None, instance=tour, user=request.user)

    def save(form):
        services.update_tour(tour, actor=request.user, data=form.service_data(),
                             version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:tour_detail", pk=tour.pk)

    back = reverse("steering:tour_detail", args=[tour.pk])
    return form_page(request, form, save, "steering/form.html", {
        "title": _("Edit the tour"), "record": tour, "cancel": back,
        "crumbs": crumbs(_tours_crumb(), (tour.number, back), (_("Edit"), ""))})


@login_required
@require_POST
def finding_add(request, pk: int):
    def do(tour):
        form = posted(FindingForm, request, user=request.user)
        services.add_finding(tour, actor=request.user, data=form.service_data(), files=form.cleaned_data["files"],
                             version=request.POST.get("version") or None)
        return _("Finding recorded.")
    return record_step(request, "steering.add_tourfinding", _tour, pk, do, "steering:tour_detail")


@login_required
@require_POST
def tour_feedback(request, pk: int):
    def do(tour):
        form = posted(FeedbackForm, request)
        services.give_feedback(tour, actor=request.user, on=form.cleaned_data["feedback_on"],
                               comment=form.cleaned_data["comment"], version=form.cleaned_data["version"])
        return _("Feedback given: the unit now owes the rectifications.")
    return record_step(request, TOUR_PERM, _tour, pk, do, "steering:tour_detail")


@login_required
@require_POST
def tour_complete(request, pk: int):
    def do(tour):
        form = posted(StepForm, request)
        services.complete_tour(tour, actor=request.user, version=form.cleaned_data["version"])
        return _("Tour completed.")
    return record_step(request, TOUR_PERM, _tour, pk, do, "steering:tour_detail")


@login_required
@require_POST
def tour_void(request, pk: int):
    return void_page(request, pk, "steering.delete_tour", _tour, services.void_tour, "steering:tour_detail",
                 "steering:tours")


# --- findings and their rectification ----------------------------------------------------------------------

@login_required
def finding_list(request):
    """巡查问题整改: every finding that requires a rectification, with its deadline and state."""
    return list_page(
        request, scoped_list(request.user, TourFinding).select_related("tour", "unit"), FindingListFilter,
        "steering/finding_list.html", order=("deadline", "pk"), today=timezone.localdate(),
        crumbs=crumbs(_tours_crumb(), (_("Rectifications"), "")), title=_("Rectifications required by tours"),
        sub=_("What each tour found and asked to rectify, by when, and how far each rectification is."))


@login_required
def finding_detail(request, pk: int):
    user = request.user
    finding = _finding(user, pk)
    actions = set(available_steps(FINDING_MACHINE, policy, user, finding))
    return render(request, "steering/finding_detail.html", {
        "finding": finding, "actions": actions, "steps": {a: FINDING_MACHINE[a].label for a in actions},
        "files": attachments_for(finding), "report_form": RectificationReportForm(initial={"version": finding.version}),
        "verify_form": VerifyForm(initial={"version": finding.version}),
        "events": timeline(finding), "history": history(finding), "today": timezone.localdate(),
        "crumbs": crumbs(_tours_crumb(), (finding.tour.number, reverse("steering:tour_detail", args=[finding.tour_id])),
                         (str(finding), "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk: int):
    require(request.user, FINDING_PERM)
    finding = _finding(request.user, pk)
    form = FindingForm(request.POST or None, instance=finding, user=request.user, with_files=False)

    def save(form):
        services.update_finding(finding, actor=request.user, data=form.service_data(),
                                version=request.POST.get("version") or None)
        messages.success(request, _("Saved."))
        return redirect("steering:finding_detail", pk=finding.pk)

    back = reverse("steering:finding_detail", args=[finding.pk])
    return form_page(request, form, save, "steering/form.html", {
        "title": _("Edit the finding"), "record": finding, "cancel": back,
        "crumbs": crumbs(_tours_crumb(), (str(finding), back), (_("Edit"), ""))})


@login_required
@require_POST
def finding_report(request, pk: int):
    def do(finding):
        form = posted(RectificationReportForm, request)
        services.report_rectification(finding, actor=request.user, note=form.cleaned_data["note"],
                                      files=form.cleaned_data["files"], version=form.cleaned_data["version"])
        return _("Rectification reported.")
    return record_step(request, FINDING_PERM, _finding, pk, do, "steering:finding_detail")


@login_required
@require_POST
def finding_verify(request, pk: int):
    def do(finding):
        form = posted(VerifyForm, request)
        accept = form.cleaned_data["decision"] == "close"
        services.verify_rectification(finding, actor=request.user, accept=accept, comment=form.cleaned_data["comment"],
                                      version=form.cleaned_data["version"])
        return _("Rectification closed.") if accept else _("Rectification returned.")
    return record_step(request, "steering.close_tourfinding", _finding, pk, do, "steering:finding_detail")


@login_required
@require_POST
def finding_void(request, pk: int):
    return void_page(request, pk, "steering.delete_tourfinding", _finding, services.void_finding,
                 "steering:finding_detail", "steering:findings")

"""Pages of the assessment app, mounted under /assessment/ by the project URLconf:

- the indicators of a unit and a period (``indicator_list``), one indicator with how it is
  computed, its breakdown by the regions below (a click drills down) and the records behind it
  (``indicator_detail``), and the dashboard (``dashboard``: headline figures against targets,
  trends, distribution by region and industry);
- target-responsibility agreements (目标责任书) with their progress;
- assessment schemes, their rounds with the ranking and its circular (通报, PDF), and each
  unit's assessment (self-assessment, organised assessment, deductions and bonuses).

Every record is read through ``core.pages`` (scoped), every figure through ``core.indicators``
with the viewer; a write needs the role's right first (403), then a record in scope (404).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core import indicators
from anjian.core.events import timeline_rows
from anjian.core.forms import add_service_errors
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import ConflictError
from anjian.orgs.models import Department
from anjian.regions.models import Region

from . import dashboard as dash
from . import forms, selectors, services
from .choices import AssessmentState, Method, Stage
from .models import Adjustment, Assessment, AssessmentRound, AssessmentScheme, ScoreLine, TargetAgreement
from .policy import policy

PAGE_SIZE = getattr(settings, "ANJIAN_PAGE_SIZE", 50)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ConflictError):
        return exc.message
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else _("You may not do this.")


def _require(user, action: str) -> None:
    """The role may take ``action`` on some record at all (else 403, before any record is read)."""
    if not policy.can(user, action, None):
        raise PermissionDenied(_("You may not do this."))


# --- the unit and period of the indicator pages ----------------------------------------------------


def _unit(request):
    """(subject, region row or None, department row or None, period, filter form) of a request;
    a unit outside the jurisdiction is 404, a bad year or month a form error (the page shows the
    current year)."""
    user = request.user
    try:
        subject, row = selectors.resolve_unit(user, region=request.GET.get("region"),
                                              department=request.GET.get("department"))
    except Http404:
        raise
    region = row if isinstance(row, Region) else row.region
    department = row if isinstance(row, Department) else None
    children = selectors.child_regions(user, region)
    regions = [region, *children]
    departments = list(scoped_list(user, Department).filter(region=region).order_by("kind", "name"))
    form = forms.UnitFilterForm(request.GET or None, regions=regions, departments=departments)
    year = month = None
    if form.is_bound and form.is_valid():
        year, month = form.cleaned_data.get("year"), form.cleaned_data.get("month")
    try:
        period = indicators.parse_period(year=year, month=month)
    except ValidationError as exc:  # pragma: no cover - the form bounds both already
        add_service_errors(form, exc)
        period = indicators.parse_period()
    request.unit_children = children  # the breakdown reads them again
    return subject, region, department, period, form


def _ancestors(user, region: Region) -> list[Region]:
    """The regions above ``region`` in the user's jurisdiction (the breadcrumbs drill back up)."""
    return selectors.ancestors(user, region)


@login_required
@require_GET
def indicator_list(request):
    """Every indicator of a unit over a period, grouped by the app that declares it, against the
    unit's targets."""
    subject, region, department, period, form = _unit(request)
    rows = selectors.indicator_table(request.user, subject, period)
    return render(request, "assessment/indicators.html", {
        "subject": subject, "region": region, "department": department, "period": period, "form": form,
        "groups": selectors.grouped(rows), "ancestors": _ancestors(request.user, region),
        "query": request.GET.urlencode()})


@login_required
@require_GET
def indicator_detail(request):
    """One indicator (``?indicator=<code>``): how it is computed and on what basis, the unit's
    figure against its target, the regions below (each a link that drills down), and the records
    behind the figure."""
    indicator = indicators.get(request.GET.get("indicator", ""))
    if indicator is None:
        raise Http404(_("No such indicator."))
    user = request.user
    subject, region, department, period, form = _unit(request)
    lines = selectors.breakdown(user, indicator, subject, None if department else region, period,
                                children=request.unit_children)
    drill = indicator.drill
    parts, part, page_obj, rows = [], None, None, []
    if drill is not None:
        parts = drill.parts
        part = drill.part(request.GET.get("part") or "") or parts[0]
        qs = indicators.records(indicator, part.code, user, subject, period)
        values = qs.values("pk", *[c.lookup for c in drill.columns])
        page_obj = Paginator(values, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [{"pk": r["pk"], "url": _record_url(drill.url_name, r["pk"]),
                 "cells": [(c, c.display(r[c.lookup])) for c in drill.columns]} for r in page_obj.object_list]
    return render(request, "assessment/indicator.html", {
        "indicator": indicator, "subject": subject, "region": region, "department": department, "period": period,
        "form": form, "total": lines[0], "lines": lines[1:], "parts": parts, "part": part, "page_obj": page_obj,
        "rows": rows, "drill": drill, "ancestors": _ancestors(user, region),
        "indicator_keep": [("indicator", indicator.code)]})


def _record_url(url_name: str, pk) -> str:
    if not url_name:
        return ""
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def dashboard(request):
    """The regulator's dashboard: the headline indicators against their targets, their monthly
    trend this year, and the distribution by region below and by industry."""
    subject, region, department, period, form = _unit(request)
    data = dash.dashboard_data(request.user, subject, None if department else region, period)
    return render(request, "assessment/dashboard.html", {
        "subject": subject, "region": region, "department": department, "period": period, "form": form,
        "data": data, "charts": dash.charts(data), "ancestors": _ancestors(request.user, region)})


WALL_REFRESH_SECONDS = getattr(settings, "ANJIAN_WALL_REFRESH_SECONDS", 300)


@login_required
@require_GET
def wall(request):
    """The dashboard full screen (大屏) for the command centre: the headline figures against their
    targets and the charts, without the menu, reloading itself every few minutes
    (``ANJIAN_WALL_REFRESH_SECONDS``, 300 by default)."""
    subject, region, department, period, _form = _unit(request)
    rows = dash.headline(request.user, subject, period)
    query = request.GET.urlencode()
    return render(request, "assessment/wall.html", {
        "subject": subject, "period": period, "rows": rows, "refresh": WALL_REFRESH_SECONDS,
        "data_url": f"{reverse('api-indicator-dashboard')}{'?' + query if query else ''}",
        "now": timezone.localtime()})


# --- target-responsibility agreements --------------------------------------------------------------


def _units_below(user) -> tuple[list[Region], list[Department]]:
    """The regions and departments a user's office may sign agreements with: below the top of the
    jurisdiction (its children) and its own region's departments."""
    top = selectors.top_region(user)
    if top is None:
        regions = list(scoped_list(user, Region).filter(parent__parent__isnull=True, parent__isnull=False)
                       .order_by("path")[:200])
        return regions, []
    regions = selectors.child_regions(user, top)
    departments = list(scoped_list(user, Department).filter(region=top).order_by("kind", "name"))
    return regions, departments


@login_required
@require_http_methods(["GET", "POST"])
def agreement_list(request):
    """The agreements in the jurisdiction, newest year first; the office draws up new ones here."""
    user = request.user
    qs = selectors.agreements_with_items(scoped_list(user, TargetAgreement)).order_by("-year", "region_path", "id")
    year = request.GET.get("year", "").strip()
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = policy.can(user, "draw_up", None)
    form = None
    if can_create:
        regions, departments = _units_below(user)
        form = forms.AgreementForm(request.POST or None, regions=regions, departments=departments)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            region = scoped_list(user, Region).filter(code=data["region"]).first() if data["region"] else None
            department = (scoped_list(user, Department).filter(pk=int(data["department"])).first()
                          if data["department"] else None)
            try:
                agreement = services.create_agreement(actor=user, year=data["year"], region=region,
                                                      department=department, title=data["title"], note=data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Agreement drawn up: set its targets, then sign it."))
                return redirect("assessment:agreement", pk=agreement.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("You may not do this."))
    return render(request, "assessment/agreements.html", {"page_obj": page_obj, "form": form, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def agreement_detail(request, pk: int):
    """One agreement: its targets against the unit's figures of the year to date; while it is a
    draft the office sets the targets and signs it."""
    user = request.user
    if request.method == "POST":
        _require(user, "draw_up")
    agreement = scoped_object_or_404(request, selectors.agreements_with_items(TargetAgreement.objects.all()), pk=pk)
    current = {i.indicator: i.target for i in agreement.items.all()}
    form = forms.TargetsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_targets(agreement, actor=user, targets=form.targets(),
                                 expected_version=request.POST.get("version") or None)
        except (ValidationError, ConflictError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                add_service_errors(form, exc)
            else:
                messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Targets saved."))
            return redirect("assessment:agreement", pk=pk)
    return render(request, "assessment/agreement.html", {
        "agreement": agreement, "rows": selectors.agreement_progress(user, agreement), "form": form,
        "actions": services.available_actions(user, agreement),
        "can_edit": agreement.state == "draft" and policy.can(user, "update_targets", agreement),
        "timeline": timeline_rows(agreement)})


def _step(request, obj, do, success: str, target: str):
    try:
        do(obj)
    except (ValidationError, ConflictError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)
    return redirect(target, pk=obj.pk)


@login_required
@require_POST
def agreement_sign(request, pk: int):
    _require(request.user, "draw_up")
    agreement = scoped_object_or_404(request, TargetAgreement, pk=pk)
    return _step(request, agreement, lambda a: services.sign_agreement(
        a, actor=request.user, expected_version=request.POST.get("version") or None),
        _("Agreement signed."), "assessment:agreement")


@login_required
@require_POST
def agreement_void(request, pk: int):
    _require(request.user, "draw_up")
    agreement = scoped_object_or_404(request, TargetAgreement, pk=pk)
    return _step(request, agreement, lambda a: services.void_agreement(
        a, actor=request.user, reason=request.POST.get("reason", ""),
        expected_version=request.POST.get("version") or None), _("Agreement voided."), "assessment:agreement")


# --- schemes and rounds ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scheme_list(request):
    user = request.user
    qs = scoped_list(user, AssessmentScheme.objects.select_related("region")).order_by("-year", "region_path", "id")
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    form = None
    if policy.can(user, "keep_scheme", None):
        top = selectors.top_region(user)
        regions = [top] if top is not None else list(scoped_list(user, Region).filter(parent__isnull=True))
        form = forms.SchemeForm(request.POST or None, regions=regions)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            region = scoped_list(user, Region).filter(code=data.pop("region")).first()
            try:
                scheme = services.create_scheme(actor=user, region=region, data=data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Scheme created: add its items."))
                return redirect("assessment:scheme", pk=scheme.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("You may not do this."))
    return render(request, "assessment/schemes.html", {"page_obj": page_obj, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def scheme_detail(request, pk: int):
    """A scheme: its items by part, and its rounds; the office adds items (until a round is
    opened) and opens rounds."""
    user = request.user
    if request.method == "POST":
        _require(user, "keep_scheme")
    scheme = scoped_object_or_404(request, AssessmentScheme.objects.select_related("region"), pk=pk)
    can_keep = policy.can(user, "keep_scheme", scheme)
    item_form = forms.SchemeItemForm(request.POST if request.POST.get("form") == "item" else None, prefix="item")
    round_form = forms.RoundForm(request.POST if request.POST.get("form") == "round" else None, prefix="round")
    if request.method == "POST":
        version = request.POST.get("version") or None
        if request.POST.get("form") == "item" and item_form.is_valid():
            data = {k: v for k, v in item_form.cleaned_data.items() if v not in (None, "") or k == "indicator"}
            try:
                services.add_item(scheme, actor=user, data=data, expected_version=version)
            except (ValidationError, ConflictError) as exc:
                if isinstance(exc, ValidationError):
                    add_service_errors(item_form, exc)
                else:
                    messages.error(request, _error_text(exc))
            else:
                messages.success(request, pgettext("assessment", "Item added."))
                return redirect("assessment:scheme", pk=pk)
        elif request.POST.get("form") == "round" and round_form.is_valid():
            try:
                rnd = services.open_round(scheme, actor=user, month=round_form.cleaned_data.get("month"),
                                          expected_version=version)
            except (ValidationError, ConflictError) as exc:
                if isinstance(exc, ValidationError):
                    add_service_errors(round_form, exc)
                else:
                    messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("Round opened: each unit can now assess itself."))
                return redirect("assessment:round", pk=rnd.pk)
    items = list(scheme.items.order_by("part", "sort", "id"))
    rounds = list(scheme.rounds.filter(is_voided=False).order_by("-period_start"))
    return render(request, "assessment/scheme.html", {
        "scheme": scheme, "items": items, "rounds": rounds, "can_keep": can_keep, "item_form": item_form,
        "round_form": round_form, "total_points": sum((i.points for i in items), Decimal(0)),
        "locked": bool(rounds), "timeline": timeline_rows(scheme)})


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request, pk: int):
    """A round: each unit's assessment with its scores and rank (provisional until published);
    the office publishes the ranking here."""
    user = request.user
    if request.method == "POST":
        _require(user, "publish_round")
    rnd = scoped_object_or_404(request, AssessmentRound.objects.select_related("scheme__region"), pk=pk)
    form = forms.PublishForm(request.POST or None, initial={"remarks": rnd.remarks,
                                                            "document_number": rnd.document_number})
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_round(rnd, actor=user, expected_version=request.POST.get("version") or None,
                                   **form.cleaned_data)
        except (ValidationError, ConflictError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Ranking published."))
            return redirect("assessment:round", pk=pk)
    assessments = list(rnd.assessments.filter(is_voided=False).select_related("region", "department"))
    provisional = selectors.competition_ranks([(a.pk, a.score) for a in assessments])
    for a in assessments:
        a.shown_rank = a.rank if rnd.is_published else provisional.get(a.pk)
    assessments.sort(key=lambda a: (a.shown_rank is None, a.shown_rank or 0, a.region_path, a.pk))
    return render(request, "assessment/round.html", {
        "round": rnd, "assessments": assessments, "form": form,
        "actions": services.available_actions(user, rnd), "timeline": timeline_rows(rnd)})


@login_required
@require_GET
def round_circular(request, pk: int):
    """The circular (通报) of a ranking, as a PDF: the published one, or before publication a
    draft marked as such with the provisional ranks (for the office to read it first)."""
    from .documents import circular_pdf

    rnd = scoped_object_or_404(request, AssessmentRound.objects.select_related("scheme__region"), pk=pk)
    response = HttpResponse(circular_pdf(rnd), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="circular-{rnd.pk}.pdf"'
    return response


# --- assessments ----------------------------------------------------------------------------------


@login_required
@require_GET
def assessment_list(request):
    """The assessments in the jurisdiction (a county's office: its own), newest round first."""
    qs = (scoped_list(request, Assessment.objects.select_related("round__scheme", "region", "department"))
          .filter(round__is_voided=False).order_by("-round__period_start", "round_id", "region_path", "id"))
    state = request.GET.get("state", "")
    if state in AssessmentState.values:
        qs = qs.filter(state=state)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/assessments.html", {"page_obj": page_obj, "state": state,
                                                           "states": AssessmentState.choices})


ASSESSMENT_ACTIONS = ("submit_self", "assess", "return", "adjust")


def _assessment(request, pk: int) -> Assessment:
    return scoped_object_or_404(
        request, Assessment.objects.select_related("round__scheme__region", "region", "department__region"), pk=pk)


@login_required
@require_GET
def assessment_detail(request, pk: int):
    """One unit's assessment: the items with the live figures and the points of each stage, the
    deductions and bonuses, and the steps the user may take now."""
    user = request.user
    assessment = _assessment(request, pk)
    items = list(assessment.round.scheme.items.order_by("part", "sort", "id"))
    stored = {(line.item_id, line.stage): line for line in ScoreLine.objects.filter(assessment=assessment)}
    live = {}
    if assessment.state != AssessmentState.ASSESSED and not assessment.round.is_published:
        try:
            live = {line["item"].pk: line for line in services.score_items(
                assessment, viewer=user, manual={i.pk: (0, "") for i in items if i.method == Method.MANUAL})}
        except ValidationError:  # pragma: no cover - manual items given 0 above
            live = {}
    lines = [{"item": i, "live": live.get(i.pk), "self": stored.get((i.pk, Stage.SELF)),
              "final": stored.get((i.pk, Stage.ORGANISED)),
              "unit": indicators.get(i.indicator).unit if indicators.get(i.indicator) else ""} for i in items]
    adjustments = list(assessment.adjustments.filter(is_voided=False).select_related("entered_by"))
    actions = services.available_actions(user, assessment)
    return render(request, "assessment/assessment.html", {
        "assessment": assessment, "lines": lines, "adjustments": adjustments, "actions": actions,
        "score_form": forms.ScoreForm(items=items), "adjust_form": forms.AdjustmentForm(),
        "reason_form": forms.ReasonForm(), "timeline": timeline_rows(assessment),
        "adjust_stage": services.adjustment_stage(user, assessment) if "adjust" in actions else ""})


@login_required
@require_POST
def assessment_action(request, pk: int, action: str):
    """One step on an assessment (submit the self-assessment, assess, return, enter a deduction or
    bonus); a refusal comes back as a message on the assessment's page."""
    if action not in ASSESSMENT_ACTIONS:
        raise Http404
    user = request.user
    _require(user, {"submit_self": "submit_self", "assess": "assess", "return": "return", "adjust": "adjust"}[action])
    assessment = _assessment(request, pk)
    version = request.POST.get("version") or None
    items = list(assessment.round.scheme.items.all())

    def do(a):
        if action in ("submit_self", "assess"):
            form = forms.ScoreForm(request.POST, items=items)
            if not form.is_valid():
                raise ValidationError([f"{form.fields[k].label}: {m}" if k in form.fields else m
                                       for k, ms in form.errors.items() for m in ms])
            step = services.submit_self if action == "submit_self" else services.assess
            return step(a, actor=user, manual=form.manual(), comment=form.cleaned_data["comment"],
                        expected_version=version)
        if action == "return":
            return services.return_assessment(a, actor=user, reason=request.POST.get("reason", ""),
                                              expected_version=version)
        return services.add_adjustment(a, actor=user, kind=request.POST.get("kind", ""),
                                       points=request.POST.get("points", ""), reason=request.POST.get("reason", ""),
                                       expected_version=version)

    labels = {"submit_self": _("Self-assessment submitted."), "assess": _("Assessment recorded."),
              "return": _("Returned for correction."), "adjust": _("Deduction or bonus entered.")}
    return _step(request, assessment, do, labels[action], "assessment:assessment")


@login_required
@require_POST
def adjustment_remove(request, pk: int, adjustment_pk: int):
    _require(request.user, "adjust")
    assessment = _assessment(request, pk)
    adjustment = scoped_object_or_404(request, Adjustment.objects.filter(assessment=assessment), pk=adjustment_pk)
    return _step(request, assessment, lambda a: services.remove_adjustment(
        adjustment, actor=request.user, reason=request.POST.get("reason", ""),
        expected_version=request.POST.get("version") or None), _("Deduction or bonus removed."),
        "assessment:assessment")


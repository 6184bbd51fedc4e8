"""Pages of the risks app: the risk-point ledger, a risk point (assessments that explain its
level, control measures, card), forms, the enterprise's risk page (grade, supervision
frequency, "生成排查任务"), the grades list, the profiles (administrators choose the default),
the four-colour map, the export and the public card page (no login, unguessable token)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.events import event_label, state_label
from anjian.core.exports import export_response
from anjian.core.pages import form_page, scoped_list, scoped_object_or_404, submit
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise

from . import selectors, services
from .api import card_response
from .choices import LEVEL_HEX, LEVEL_ORDER, RiskLevel
from .documents import card_content
from .exports import export_filename, export_risk_points, filtered_points
from .forms import AssessForm, MeasureForm, RiskPointForm, RiskPointPageFilter, VoidForm
from .models import ControlMeasure, EnterpriseRiskGrade, RiskPoint, RiskProfile, SupervisionFrequency
from .policy import policy

PAGE_SIZE = 30
LEVEL_LABELS = dict(RiskLevel.choices)


def _band_rows(bands: list[dict]) -> list[dict]:
    """A band snapshot (an assessment's, as stored) with the level names of the page's language."""
    return [{"level": b["level"], "label": LEVEL_LABELS.get(b["level"], b["level"]),
             "op": "≥" if b.get("lower_inclusive") else ">", "bound": b.get("lower_bound")} for b in bands]




def _crumbs(*items):
    return [(_("Risk points"), reverse("risks:list")), *items]


def _point(user, pk: int, *, include_voided: bool = False) -> RiskPoint:
    try:
        return selectors.scoped_point(user, pk, include_voided=include_voided)
    except RiskPoint.DoesNotExist:
        raise Http404 from None


# --- the ledger -----------------------------------------------------------------------------

@login_required
def point_list(request):
    """风险点台账: risk points in scope with level chips, filters and pages."""
    user = request.user
    base = selectors.risk_points(user).select_related("enterprise__region", "industry")
    filterset = RiskPointPageFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound else base
    page_obj = Paginator(qs.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = qs.order_by().aggregate(total=Count("id"), **{lvl.value: Count("id", filter=Q(level=lvl.value))
                                                          for lvl in LEVEL_ORDER})
    chips = [{"level": lvl.value, "label": lvl.label, "count": counts[lvl.value], "hex": LEVEL_HEX[lvl.value]}
             for lvl in LEVEL_ORDER]
    return render(request, "risks/list.html", {
        "form": filterset.form, "page_obj": page_obj, "chips": chips, "total": counts["total"],
        "can_add": user.has_perm("risks.add_riskpoint"),
    })


@login_required
@require_GET
def export_xlsx(request):
    return export_response(lambda: export_risk_points(filtered_points(request.user, request.GET)),
                           export_filename())


# --- one risk point ---------------------------------------------------------------------------

@login_required
def point_detail(request, pk: int):
    user = request.user
    point = _point(user, pk, include_voided=True)
    assessments = list(point.assessments.select_related("assessed_by").order_by("-assessed_at", "-id")[:50])
    # Profiles by their names (the code is the API's key, not a reader's word); one small query.
    profile_names = dict(RiskProfile.objects.values_list("code", "name")) if assessments else {}
    for a in assessments:
        a.band_rows = _band_rows(a.bands)
        a.profile_name = profile_names.get(a.profile_code, a.profile_code)
    events = list(events_for(point)[:50])
    for e in events:
        e.label = event_label(e.action, "risks")
        e.to_label = state_label(RiskPoint, e.to_state)
    measures = list(point.measures.filter(is_voided=False).select_related("check_item__checklist")
                    .order_by("control_level", "id"))
    # The buttons: what the policy allows on a live point (a voided one takes no step).
    live = not point.is_voided
    return render(request, "risks/detail.html", {
        "point": point, "assessments": assessments, "measures": measures,
        "events": events,
        "can_manage": live and policy.can(user, "update", point),
        "can_assess": live and policy.can(user, "assess", point),
        "can_void": live and policy.can(user, "void", point),
        "public_url": request.build_absolute_uri(reverse("risks:card_public", args=[point.card_token])),
        "level_hex": LEVEL_HEX.get(point.level, "#9E9E9E"),
        "crumbs": _crumbs((point.name, "")),
    })


@login_required
@require_http_methods(["GET", "POST"])
def point_create(request):
    user = request.user
    if not user.has_perm("risks.add_riskpoint"):
        raise PermissionDenied
    initial = {}
    ents = scoped_list(request, Enterprise)
    if request.GET.get("enterprise"):
        initial["enterprise"] = request.GET["enterprise"]
    elif ents.count() == 1:
        initial["enterprise"] = ents.first()
    form = RiskPointForm(request.POST or None, user=user, initial=initial)
    done = submit(
        request, form,
        lambda data: services.create_risk_point(actor=user, enterprise=form.cleaned_data["enterprise"],
                                                data=form.service_data()),
        success=_("Risk point registered. Assess it to give it a level."),
        then=lambda point: reverse("risks:detail", args=[point.pk]), denied_on_form=True)
    return done or form_page(request, "risks/form.html", {"form": form, "title": _("New risk point"),
                                                          "crumbs": _crumbs((_("New risk point"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def point_edit(request, pk: int):
    user = request.user
    point = _point(user, pk)
    if not policy.can(user, "update", point):
        raise PermissionDenied
    form = RiskPointForm(request.POST or None, instance=point, user=user)
    done = submit(
        request, form,
        lambda data: services.update_risk_point(point, actor=user, data=form.service_data(),
                                                version=request.POST.get("version") or None),
        success=_("Risk point saved."),
        then=reverse("risks:detail", args=[point.pk]))
    return done or form_page(request, "risks/form.html", {"form": form, "point": point, "title": _("Edit risk point"),
                                                          "crumbs": _crumbs((point.name, reverse("risks:detail", args=[pk])),
                                                                            (_("Edit"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def point_void(request, pk: int):
    user = request.user
    point = _point(user, pk)
    if not policy.can(user, "void", point):
        raise PermissionDenied
    form = VoidForm(request.POST or None)
    done = submit(
        request, form,
        lambda data: services.void_risk_point(point, actor=user, reason=form.cleaned_data["reason"],
                                              version=request.POST.get("version") or None),
        success=_("Risk point voided."),
        then="risks:list")
    return done or form_page(request, "risks/confirm.html", {"form": form, "title": _("Void risk point"), "object": point,
                                                             "crumbs": _crumbs((point.name, reverse("risks:detail", args=[pk])),
                                                                               (_("Void"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def point_assess(request, pk: int):
    user = request.user
    point = _point(user, pk)
    if not policy.can(user, "assess", point):
        raise PermissionDenied
    form = AssessForm(request.POST or None)
    method = form.data.get("method", "") if form.is_bound else ""
    done = submit(
        request, form,
        lambda data: services.assess_risk_point(point, actor=user, method=data["method"], inputs=form.inputs(),
                                                profile_code=data["profile"] or None, note=data["note"],
                                                version=request.POST.get("version") or None),
        success=lambda a: _("Assessed: %(level)s (score %(score)s, profile %(profile)s).") % {
            "level": a.get_level_display(), "score": a.score.normalize(),
            "profile": a.profile.name if a.profile_id else a.profile_code},
        then=reverse("risks:detail", args=[point.pk]),
        aliases={f: f"{method}_{f}" for f in ("l", "e", "c", "s")})
    if done:
        return done
    profiles = RiskProfile.objects.filter(is_active=True).prefetch_related("bands").order_by("method", "sort")
    return form_page(request, "risks/assess.html", {
        "form": form, "point": point, "profiles": profiles,
        "crumbs": _crumbs((point.name, reverse("risks:detail", args=[pk])), (_("Assess"), ""))})


@login_required
def card_pdf_view(request, pk: int):
    return card_response(request, _point(request.user, pk))


@login_required
@require_POST
def card_regenerate(request, pk: int):
    point = _point(request.user, pk)
    services.regenerate_card_token(point, actor=request.user)
    messages.success(request, _("The card has a new public address; the old QR code no longer works."))
    return redirect("risks:detail", pk=pk)


@require_GET
def card_public(request, token: str):
    """The public read-only page of a risk notification card (no login): only the card."""
    point = get_object_or_404(RiskPoint.objects.select_related("enterprise").prefetch_related(
        "hazard_factors", "accident_types"), card_token=token, is_voided=False)
    measures = point.measures.filter(is_voided=False, is_active=True).order_by("control_level", "id")
    response = render(request, "risks/card_public.html", {"card": card_content(point, measures)})
    response["X-Robots-Tag"] = "noindex"
    return response


# --- control measures ---------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request, pk: int):
    user = request.user
    point = _point(user, pk)
    if not policy.can(user, "add_measure", point):
        raise PermissionDenied
    form = MeasureForm(request.POST or None)
    done = submit(
        request, form,
        lambda data: services.create_measure(point, actor=user, data=form.cleaned_data),
        success=_("Control measure added."),
        then=reverse("risks:detail", args=[pk]))
    return done or form_page(request, "risks/form.html", {
        "form": form, "point": point, "title": _("New control measure"),
        "crumbs": _crumbs((point.name, reverse("risks:detail", args=[pk])), (_("New control measure"), ""))})


def _measure(user, pk: int) -> ControlMeasure:
    return scoped_object_or_404(user, ControlMeasure.objects.filter(risk_point__is_voided=False)
                             .select_related("risk_point__enterprise"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk: int):
    user = request.user
    measure = _measure(user, pk)
    point = measure.risk_point
    if not policy.can(user, "update_measure", measure):
        raise PermissionDenied
    form = MeasureForm(request.POST or None, instance=measure)
    done = submit(
        request, form,
        lambda data: services.update_measure(measure, actor=user, data=form.cleaned_data,
                                             version=request.POST.get("version") or None),
        success=_("Control measure saved."),
        then=reverse("risks:detail", args=[point.pk]))
    return done or form_page(request, "risks/form.html", {
        "form": form, "point": point, "measure": measure, "title": _("Edit control measure"),
        "crumbs": _crumbs((point.name, reverse("risks:detail", args=[point.pk])), (_("Edit control measure"), ""))})


@login_required
@require_http_methods(["GET", "POST"])
def measure_void(request, pk: int):
    user = request.user
    measure = _measure(user, pk)
    point = measure.risk_point
    if not policy.can(user, "void_measure", measure):
        raise PermissionDenied
    form = VoidForm(request.POST or None)
    done = submit(
        request, form,
        lambda data: services.void_measure(measure, actor=user, reason=form.cleaned_data["reason"],
                                           version=request.POST.get("version") or None),
        success=_("Control measure voided."),
        then=reverse("risks:detail", args=[point.pk]))
    return done or form_page(request, "risks/confirm.html", {
        "form": form, "title": _("Void control measure"), "object": measure,
        "crumbs": _crumbs((point.name, reverse("risks:detail", args=[point.pk])), (_("Void"), ""))})


# --- the enterprise -------------------------------------------------------------------------------

@login_required
def enterprise_risk(request, pk: int):
    """An enterprise's risk page: overall grade with its explanation, the planned supervision
    frequency, its risk points by level, its generated checklists and the generate action."""
    user = request.user
    enterprise = scoped_object_or_404(request, Enterprise.objects.select_related("region", "industry"), pk=pk)
    grade = EnterpriseRiskGrade.objects.filter(enterprise=enterprise).first()
    explained = None
    if grade is not None:
        x = grade.explanation or {}
        explained = {
            "points": [(LEVEL_LABELS[k], v) for k, v in (x.get("risk_points") or {}).items() if k in LEVEL_LABELS],
            "gravest": LEVEL_LABELS.get(x.get("gravest_point_level") or "", ""),
            "source_grade": x.get("major_source_grade"),
            "source_level": LEVEL_LABELS.get(x.get("source_level") or "", ""),
        }
    freq = selectors.planned_frequencies(user, [enterprise.pk]).get(enterprise.pk)
    points = list(scoped_list(request, RiskPoint, enterprise=enterprise)
                  .annotate(n_measures=Count("measures", filter=Q(measures__is_voided=False, measures__is_active=True)))
                  .order_by("name")[:500])
    from anjian.standards.models import Checklist

    checklists = list(Checklist.objects.filter(enterprise=enterprise, is_active=True)
                      .annotate(n=Count("items", filter=Q(items__is_active=True))).order_by("code"))
    from anjian.inspections.models import InspectionDuty

    duties = list(scoped_list(request, InspectionDuty).filter(enterprise=enterprise, is_voided=False,
                                                               checklist__enterprise=enterprise)
                  .select_related("cadence", "checklist"))
    return render(request, "risks/enterprise.html", {
        "enterprise": enterprise, "grade": grade, "explained": explained, "freq": freq, "points": points, "checklists": checklists,
        "duties": duties, "can_manage": policy.can(user, "generate_checks", enterprise),
        "level_hex": LEVEL_HEX.get(grade.level if grade else "", "#9E9E9E"),
        "crumbs": _crumbs((enterprise.name, "")),
    })


@login_required
@require_POST
def generate_checks(request, pk: int):
    user = request.user
    enterprise = scoped_object_or_404(request, Enterprise, pk=pk)
    try:
        s = services.generate_check_items(enterprise, actor=user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Check items generated: %(items)s items in %(lists)s checklists "
                                    "(%(created)s new, %(versioned)s new versions, %(unchanged)s unchanged); "
                                    "%(duties)s inspection duties created.") % {
            "items": s["items"], "lists": len(s["checklists"]), "created": s["created"],
            "versioned": s["versioned"], "unchanged": s["unchanged"], "duties": s["duties_created"]})
    return redirect("risks:enterprise", pk=pk)


@login_required
def grade_list(request):
    """Enterprises' overall risk grades in scope with the planned inspections a year."""
    user = request.user
    qs = scoped_list(user, EnterpriseRiskGrade).select_related("enterprise__region")
    level = request.GET.get("level", "")
    if level in RiskLevel.values:
        qs = qs.filter(level=level)
    page_obj = Paginator(qs.order_by("enterprise__name"), PAGE_SIZE).get_page(request.GET.get("page"))
    freq = dict(SupervisionFrequency.objects.values_list("level", "per_year"))
    for g in page_obj:
        g.per_year = freq.get(g.level or "low")
        g.hex = LEVEL_HEX.get(g.level, "#9E9E9E")
    return render(request, "risks/grades.html", {
        "page_obj": page_obj, "frequencies": SupervisionFrequency.objects.all(), "level": level,
        "levels": RiskLevel.choices, "crumbs": _crumbs((_("Enterprise risk grades"), ""))})


# --- profiles -------------------------------------------------------------------------------------

@login_required
def profile_list(request):
    profiles = RiskProfile.objects.prefetch_related("bands").order_by("method", "sort", "code")
    return render(request, "risks/profiles.html", {
        "profiles": profiles, "is_admin": request.user.is_system_admin,
        "crumbs": _crumbs((_("Evaluation profiles"), ""))})


@login_required
@require_POST
def profile_set_default(request, pk: int):
    profile = get_object_or_404(RiskProfile, pk=pk)
    services.set_default_profile(profile, actor=request.user)
    messages.success(request, _("%(name)s is now the default.") % {"name": profile.name})
    return redirect("risks:profiles")


# --- the map ------------------------------------------------------------------------------------

@login_required
def risk_map(request):
    """安全风险空间分布图: the page; the data comes from /api/risk-map/ (same query string)."""
    from anjian.regions.models import Region

    scope_path = selectors._base_path(request.user)
    regions = scoped_list(request, Region, level__in=["province", "city", "county"]).order_by(
        "path").values_list("code", "name", "level")[:300] if scope_path or request.user.is_system_admin else []
    from anjian.enterprises.models import Industry

    industries = Industry.objects.filter(parent__isnull=True).order_by("code").values_list("code", "name")
    return render(request, "risks/map.html", {
        "regions": list(regions), "industries": list(industries), "levels": LEVEL_ORDER,
        "params": {k: request.GET.get(k, "") for k in ("region", "industry", "level")},
        "api_url": reverse("risk-map"),
        "colours": LEVEL_HEX,
        "crumbs": _crumbs((_("Risk map"), "")),
    })

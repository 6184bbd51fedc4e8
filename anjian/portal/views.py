"""The UI shell: the home page, which speaks to the user's role.

An enterprise user sees its own unit (its open hazards, inspection tasks due, risk grade); a
grid officer sees its grid; regional users (regulators, industry officers, experts, the
committee office, administrators) see their jurisdiction. Every figure is read through the
user's scope, and the actions offered are only those the user's role may take: each is checked
with ``navigation.allowed``, the same test as the side menu."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.alerts.engine import level_badge, warning_summary
from anjian.core.filters import day_start
from anjian.core.home import build_panels
from anjian.core.pages import scoped_list
from anjian.core.scoping import ENTERPRISE, GRID, scope_of

from .navigation import allowed


def _url(name: str, *args) -> str | None:
    """A page's URL, or None while the page does not exist (apps are built in parallel)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# What the home page offers to do: (label, url name, permission, audience, for whom). "for
# whom" narrows an action to the scopes it makes sense for ("enterprise", "grid", "regional");
# None offers it to every scope. The permission and audience are checked like the menu's.
ACTIONS = [
    (_("Report a hazard"), "hazards:create", "hazards.add_hazard", None, None),
    (_("Record an inspection"), "inspections:create", "inspections.add_inspectionrecord", None, None),
    (_("Self-inspection tasks to do"), "inspections:tasks", None, None, ("enterprise",)),
    (_("Register a risk point"), "risks:create", "risks.add_riskpoint", None, None),
    (_("Register a major hazard source"), "majorhazards:create", "majorhazards.add_majorhazardsource", None, None),
    (_("Report an accident"), "accidents:create", "accidents.add_accident", None, None),
    (_("Issue a rectification notice"), "hazards:notice_create", "hazards.issue_notice_hazard", "regional",
     ("regional",)),
    (_("Register a new enterprise"), "enterprises:create", "enterprises.add_enterprise", "regional", None),
    (_("Import enterprises from a spreadsheet"), "enterprises:import", "enterprises.import_enterprise", "regional",
     None),
    (_("Assign supervision to blind spots"), "enterprises:blind_spots", "enterprises.add_supervision", "regional",
     None),
    (_("Enter regional yearly figures"), "accidents:figures", "regions.add_regionyearfigure", "regional", None),
]

# Pages to read, per scope (all readable by everyone of that scope; the menu lists them too).
READING = {
    "regional": [
        (_("Hazard statistics: rectification rates by region, industry and month"), "hazards:statistics", "regional"),
        (_("Accident statistics"), "accidents:statistics", "regional"),
        (_("Risk map"), "risks:map", None),
        (_("Major hazard sources"), "majorhazards:list", None),
        (_("Regions and grids of your jurisdiction"), "regions:list", "regional"),
        (_("Departments and what they supervise"), "orgs:departments", "regional"),
    ],
    "grid": [
        (_("Enterprises of your grid"), "enterprises:list", None),
        (_("Supervision blind spots"), "enterprises:blind_spots", "regional"),
        (_("Hazard statistics: rectification rates by region, industry and month"), "hazards:statistics", "regional"),
    ],
    "enterprise": [
        (_("Risk points"), "risks:list", None),
        (_("Major hazard sources"), "majorhazards:list", None),
        (_("Hazard statistics"), "hazards:statistics", None),
    ],
}


def _kind(user) -> str:
    kind = scope_of(user).kind
    return "enterprise" if kind == ENTERPRISE else "grid" if kind == GRID else "regional"


def _actions(user, kind: str) -> list[dict]:
    rows = []
    for label, name, perm, audience, scopes in ACTIONS:
        if scopes and kind not in scopes:
            continue
        if not allowed(user, perm, audience):
            continue
        url = _url(name)
        if url:
            rows.append({"label": label, "url": url})
    return rows


def _reading(user, kind: str) -> list[dict]:
    rows = []
    for label, name, audience in READING[kind]:
        url = _url(name) if allowed(user, None, audience) else None
        if url:
            rows.append({"label": label, "url": url})
    return rows


def _enterprise_figures(user) -> dict:
    """The unit's own figures: its record, inspection tasks, risk grade and major sources."""
    from anjian.enterprises.models import Enterprise
    from anjian.inspections.selectors import task_counts
    from anjian.majorhazards.selectors import major_source_counts_by_enterprise
    from anjian.risks.models import EnterpriseRiskGrade

    enterprise = (scoped_list(user, Enterprise.objects.select_related("industry", "region__parent", "grid"))
                  .filter(pk=user.scope_enterprise_id).first())
    if enterprise is None:
        return {"enterprise": None}
    grade = EnterpriseRiskGrade.objects.filter(enterprise=enterprise).only("level").first()
    return {
        "enterprise": enterprise,
        "tasks": task_counts(user),
        "risk_grade": grade,
        "major_sources": major_source_counts_by_enterprise([enterprise.pk]).get(enterprise.pk, 0),
        "enterprise_url": _url("enterprises:detail", enterprise.pk),
        "risk_url": _url("risks:enterprise", enterprise.pk),
    }


def _accident_figures(user) -> dict:
    """This year's accidents and deaths in scope (the committee office's overview)."""
    from django.db.models import Count, Sum

    from anjian.accidents.models import Accident

    today = timezone.localdate()
    start = day_start(today.replace(month=1, day=1))
    figures = scoped_list(user, Accident, occurred_at__gte=start).aggregate(
        count=Count("pk"), deaths=Sum("deaths"))
    return {"year": today.year, "count": figures["count"], "deaths": figures["deaths"] or 0}


@login_required
def home(request):
    """The home page of the user's role: their unit, grid or jurisdiction, and what they can do."""
    from anjian.enterprises.selectors import home_counts
    from anjian.hazards.selectors import hazard_summary
    from anjian.orgs.choices import Role

    user = request.user
    kind = _kind(user)
    warnings = warning_summary(user)
    for item in warnings:
        item["badge"] = level_badge(item["level"])
    context = {
        "kind": kind,
        "hazards": hazard_summary(user),
        "warnings": warnings,
        "warnings_open": sum(item["count"] for item in warnings),
        "hazard_list_url": _url("hazards:list"),
        "actions": _actions(user, kind),
        "reading": _reading(user, kind),
        # Panels of the apps above the portal (core.home), e.g. headline indicators against targets.
        "panels": build_panels(user),
    }
    if kind == "enterprise":
        context.update(_enterprise_figures(user))
    else:
        context["counts"] = home_counts(user)
        context["blind_spots_url"] = _url("enterprises:blind_spots")
        if kind == "grid":
            from anjian.regions.models import Grid

            context["grid"] = Grid.objects.select_related("township").filter(pk=user.scope_grid_id).first()
        if user.role == Role.COMMITTEE_OFFICE or user.is_system_admin:
            context["accidents"] = _accident_figures(user)
            context["accident_statistics_url"] = _url("accidents:statistics")
    return render(request, "portal/home.html", context)

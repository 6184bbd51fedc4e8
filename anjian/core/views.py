"""The UI shell: home page (the user's dashboard of counts)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from .warnings import level_badge, warning_summary


def _url(name: str) -> str | None:
    """A page's URL, or None while the page does not exist (apps are built in parallel)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@login_required
def home(request):
    """The dashboard: enterprises, hazards and the warnings of the user's jurisdiction."""
    from anjian.enterprises.selectors import home_counts
    from anjian.hazards.selectors import hazard_summary

    warnings = warning_summary(request.user)
    for item in warnings:
        item["badge"] = level_badge(item["level"])
    return render(request, "core/home.html", {
        "counts": home_counts(request.user),
        "hazards": hazard_summary(request.user),
        "warnings": warnings,
        "warnings_open": sum(item["count"] for item in warnings),
        "hazard_list_url": _url("hazards:list"),
        "hazard_listings_url": _url("hazards:listings"),
        "hazard_statistics_url": _url("hazards:statistics"),
    })

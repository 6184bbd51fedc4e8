"""The home page's panel of this app (core.home): the regulator's headline indicators for the
top of the jurisdiction, this year to date, against their targets, with the charts of the
dashboard (trend, regions below, industries) drawn from its API. Regional users only: an
enterprise or a grid has its own home."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from anjian.core.home import HomePanel, register_panel
from anjian.core.indicators import Period
from anjian.core.scoping import ALL, REGION, scope_of

from . import dashboard, selectors


def build(user) -> dict | None:
    if scope_of(user).kind not in (ALL, REGION):
        return None
    subject, row = selectors.resolve_unit(user)
    period = Period.year(timezone.localdate().year)
    return {"rows": dashboard.headline(user, subject, period), "subject": subject, "period": period,
            "dashboard_url": reverse("assessment:dashboard"), "indicators_url": reverse("assessment:indicators"),
            "data_url": f"{reverse('api-indicator-dashboard')}?region={subject.key}"}


register_panel(HomePanel("assessment.headline", 10, "assessment/_home_panel.html", build))

"""The hazard statistics page (隐患统计): a table by the chosen dimension (region, industry, grade,
source, state, month found) with the rates, charts (ECharts, vendored), and its xlsx export.

The filters are the ledger's (``LedgerFilter``: the same query string as the ledger, its API
and its export); the numbers come from ``selectors.hazard_statistics`` — one grouped query.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from anjian.core.pages import scoped_list

from .api_stats import statistics_filename, statistics_xlsx, xlsx_response
from .choices import HazardState
from .forms_filters import LedgerFilter
from .models import Hazard
from .selectors import COUNT_COLUMNS, DIMENSIONS, RATE_COLUMNS, StatisticsTable, hazard_statistics

DEFAULT_GROUP_BY = "region"


def _group_by(request: HttpRequest) -> str:
    value = request.GET.get("group_by") or DEFAULT_GROUP_BY
    return value if value in DIMENSIONS else DEFAULT_GROUP_BY


def _table(request: HttpRequest) -> tuple[StatisticsTable, LedgerFilter]:
    """The statistics of the ledger's filters as the page shows them (an invalid filter is
    shown next to its field and ignored, as on the ledger)."""
    user = request.user
    filterset = LedgerFilter(request.GET or None, queryset=scoped_list(request, Hazard), user=user,
                             with_sort=False)
    region = ""
    if filterset.is_bound:
        filterset.form.is_valid()
        region = filterset.form.cleaned_data.get("region") or ""
    table = hazard_statistics(user, group_by=_group_by(request), filters={"region": region}, queryset=filterset.qs)
    return table, filterset


def _chart_data(table: StatisticsTable) -> dict[str, Any]:
    """What the charts draw: per group, the counts by state (stacked bars) and the rates (%)."""
    return {
        "labels": [r.label for r in table.rows],
        "states": [{"key": s.value, "name": str(s.label), "data": [r.counts[s.value] for r in table.rows]}
                   for s in HazardState],
        "rates": [{"key": name, "name": str(heading),
                   "data": [None if r.rates[name] is None else round(r.rates[name] * 100, 1) for r in table.rows]}
                  for name, (_n, _d, heading) in RATE_COLUMNS.items()],
        "axis": {"count": _("Hazards"), "rate": _("Rate (%)")},
    }


COUNTS_SHOWN = ("total", "reported", "rectifying", "rectified", "accepted", "closed", "overdue", "major", "listed")
"""The count columns of the page's table (the numerators of the rates are in the rate cards)."""


def _row_view(row, count_keys: tuple[str, ...]) -> dict[str, Any]:
    return {"label": row.label, "code": row.code, "counts": [row.counts[k] for k in count_keys],
            "rates": [None if row.rates[k] is None else row.rates[k] * 100 for k in RATE_COLUMNS]}


def _rate_cards(table: StatisticsTable) -> list[dict[str, Any]]:
    """The total row's rates, each with the two numbers it is made of."""
    c = table.total.counts
    parts = {"rectification_rate": (c["done"], c["total"]), "on_time_rate": (c["on_time"], c["done"]),
             "major_rate": (c["major_done"], c["major"]), "listing_rate": (c["delisted_on_time"], c["listed"])}
    styles = {"rectification_rate": "ok", "on_time_rate": "", "major_rate": "danger", "listing_rate": "warn"}
    return [{"key": k, "heading": heading, "value": None if table.total.rates[k] is None
             else table.total.rates[k] * 100, "num": parts[k][0], "den": parts[k][1], "style": styles[k]}
            for k, (_n, _d, heading) in RATE_COLUMNS.items()]


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Counts and rates of the hazards in the user's jurisdiction by one dimension."""
    table, filterset = _table(request)
    group_by = table.group_by
    # Drill down: a region row links to the same statistics one level below.
    drill = group_by == "region" and any(r.code for r in table.rows)
    return render(request, "hazards/statistics.html", {
        "table": table,
        "form": filterset.form,
        "group_by": group_by,
        "keep_params": [("group_by", group_by)],
        "dimensions": list(DIMENSIONS.items()),
        "count_columns": [COUNT_COLUMNS[k] for k in COUNTS_SHOWN],
        "rate_columns": [heading for _n, _d, heading in RATE_COLUMNS.values()],
        "rows": [_row_view(r, COUNTS_SHOWN) for r in table.rows],
        "total": _row_view(table.total, COUNTS_SHOWN),
        "total_counts": table.total.counts,
        "rate_cards": _rate_cards(table),
        "drill": drill,
        "chart": _chart_data(table),
    })


@login_required
def statistics_export(request: HttpRequest) -> HttpResponse:
    """The page's statistics table (same query string) as an xlsx file."""
    try:
        table, _filterset = _table(request)
    except ValidationError as exc:  # pragma: no cover - the page's filters ignore invalid values
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    return xlsx_response(statistics_xlsx(table), statistics_filename(table.group_by))

"""执法统计: the enforcement statistics table (by region, department or month; a year or a month),
its xlsx export, and the records behind each figure. The figures are the declared indicators,
evaluated for the viewer (``enforcement.statistics``); a unit outside the jurisdiction is 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.core import indicators
from anjian.core.exports import export_response
from anjian.core.indicators import parse_period
from anjian.orgs.choices import REGULATOR_ROLES, Role

from . import statistics as st
from .views import crumbs, paginate

#: Who reads the statistics: the officers, the committee office and the administrators.
READERS = frozenset({*REGULATOR_ROLES, Role.COMMITTEE_OFFICE, Role.ADMIN})


def _reader(request) -> None:
    if getattr(request.user, "role", None) not in READERS and not request.user.is_superuser:
        raise PermissionDenied


def _period(request):
    try:
        return parse_period(year=request.GET.get("year"), month=request.GET.get("month"),
                            today=timezone.localdate()), None
    except ValidationError as exc:
        return parse_period(today=timezone.localdate()), "; ".join(exc.messages)


def _cells(lines, cols):
    """Each line's figures with the link to the records behind them."""
    url = reverse("enforcement:statistics_records")
    out = []
    for line in lines:
        cells = []
        for ind in cols:
            value = line.values[ind.code]
            part = st.first_part(ind)
            link = f"{url}?{urlencode({'indicator': ind.code, 'part': part, **line.params})}" if part else ""
            cells.append({"value": value, "unit": ind.unit, "link": link})
        out.append({"line": line, "cells": cells})
    return out


@login_required
@require_GET
def statistics(request):
    _reader(request)
    by = request.GET.get("by") or "region"
    if by not in dict(st.BREAKDOWNS):
        by = "region"
    period, error = _period(request)
    region = st.resolve_region(request.user, request.GET.get("region"))
    lines = st.table(request.user, by=by, region=region, period=period, today=timezone.localdate())
    if request.GET.get("export") == "xlsx":
        return export_response(lambda: st.xlsx(lines), f"enforcement-statistics-{region.code}-{period.label}.xlsx")
    cols = st.columns()
    children = [] if by != "region" else [line for line in lines if not line.is_total]
    query = request.GET.copy()
    query["export"] = "xlsx"
    return render(request, "enforcement/statistics.html", {
        "crumbs": crumbs((_("Enforcement statistics"), "")), "columns": cols, "rows": _cells(lines, cols),
        "by": by, "breakdowns": st.BREAKDOWNS, "region": region, "period": period, "error": error,
        "year": period.start.year, "month": period.start.month if period.is_month else "",
        "months": range(1, 13), "export_url": f"?{query.urlencode()}", "children": children,
        "yoy": indicators.get(st.YOY)})


@login_required
@require_GET
def statistics_records(request):
    """The records behind one figure: one drill-down part of one indicator for one unit and period."""
    _reader(request)
    indicator = indicators.get(request.GET.get("indicator") or "")
    if indicator is None or indicator.code not in st.CODES or indicator.drill is None:
        raise Http404
    period, _error = _period(request)
    if request.GET.get("department"):
        department = st.resolve_department(request.user, request.GET["department"])
        subject, unit_label = st.department_subject(department), department.name
        unit = {"department": department.pk}
    else:
        region = st.resolve_region(request.user, request.GET.get("region"))
        subject, unit_label, unit = st.region_subject(region), region.name, {"region": region.code}
    part = request.GET.get("part") or st.first_part(indicator)
    if indicator.drill.part(part) is None:
        raise Http404
    today = timezone.localdate()
    value = indicators.evaluate([indicator], request.user, [subject], period, today=today)[indicator.code][subject.key]
    base = {"indicator": indicator.code, **unit, "year": period.start.year}
    if period.is_month:
        base["month"] = period.start.month
    parts = [{"code": p.code, "label": p.label, "active": p.code == part,
              "url": "?" + urlencode({**base, "part": p.code})} for p in indicator.drill.parts]
    qs = indicators.records(indicator, part, request.user, subject, period, today=today)
    lookups = [c.lookup for c in indicator.drill.columns]
    page = paginate(request, qs.values("pk", *lookups))
    rows = []
    for rec in page.object_list:
        link = ""
        if indicator.drill.url_name:
            try:
                link = reverse(indicator.drill.url_name, args=[rec["pk"]])
            except NoReverseMatch:
                link = ""
        rows.append({"link": link, "cells": [c.display(rec[c.lookup]) for c in indicator.drill.columns]})
    back = reverse("enforcement:statistics") + "?" + urlencode({**unit, "year": period.start.year}
                                                               if "region" in unit else {"year": period.start.year})
    return render(request, "enforcement/statistics_records.html", {
        "crumbs": crumbs((_("Enforcement statistics"), back), (str(indicator.name), "")), "indicator": indicator,
        "value": value, "unit_label": unit_label, "period": period, "parts": parts, "page": page, "rows": rows,
        "columns": indicator.drill.columns, "page_query": urlencode({**base, "part": part})})

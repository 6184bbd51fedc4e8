"""Accident statistics API (GET /api/accident-statistics/ and …/export/): every breakdown with
its year-on-year comparison, the 双下降 verdicts and the rates as JSON, and the same as an xlsx
workbook. Parameters: ``region`` (division code; default the top of your jurisdiction),
``year`` or ``from``/``to`` (YYYY-MM), ``target`` (%, e.g. -20)."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from rest_framework import permissions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core.api import XlsxRenderer
from anjian.core.downloads import XLSX, xlsx_response
from anjian.orgs.choices import Role

from .statistics import MEASURES, AccidentStatistics, Verdict, accident_statistics


class IsRegionalUser(permissions.BasePermission):
    """Accident statistics are for the regional side: enterprise users are refused."""

    message = gettext_lazy("Accident statistics are for regulators and the committee office.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "role", None) != Role.ENTERPRISE)


def statistics_for_request(user, params) -> AccidentStatistics:
    """The statistics for a request's query parameters (``from``/``to`` are the period's months)."""
    return accident_statistics(user, region=params.get("region") or None, year=params.get("year"),
                               start=params.get("from"), end=params.get("to"), target=params.get("target"))


# --- xlsx ---------------------------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else (_("yes") if value else _("no"))


def _verdict_cell(verdict: Verdict) -> str:
    """零事故 for a region without accidents in either period, else whether 双下降 was achieved."""
    return _("Zero accidents") if verdict.zero_accidents else _yes_no(verdict.double_decline)


def statistics_xlsx(stats: AccidentStatistics) -> bytes:
    """The statistics as a workbook: one sheet per breakdown (period, previous year, change %),
    the 双下降 verdicts with the rates, and the ten-year trend."""
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, header: list[str]):
        ws = wb.create_sheet(title=title[:31])
        cells = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            cells.append(c)
        ws.append(cells)
        return ws

    region = stats.region.name if stats.region is not None else _("All provinces")
    cur, prev = stats.period.label, stats.previous.label
    measures = list(stats.headings.values())
    for b in stats.breakdowns.values():
        ws = sheet(str(b.heading), [str(b.heading)] + [f"{m} {cur}" for m in measures]
                   + [f"{m} {prev}" for m in measures] + [f"{m} %" for m in measures])
        for row in [*b.rows, b.total]:
            values: list[Any] = [row.label]
            values += [float(row.current[k]) if k == "direct_loss_yuan" else row.current[k] for k in MEASURES]
            values += [float(row.previous[k]) if k == "direct_loss_yuan" else row.previous[k] for k in MEASURES]
            values += [None if (p := row.pct(k)) is None else round(p / 100, 4) for k in MEASURES]
            cells = [WriteOnlyCell(ws, value=v) for v in values]
            for c in cells[-len(MEASURES):]:
                c.number_format = "0.0%"
            if row is b.total:
                for c in cells:
                    c.font = bold
            ws.append(cells)

    ws = sheet(_("Double decline"), [
        _("Region"), _("Accidents"), _("Previous year"), _("Change %"), stats.headings["deaths"], _("Previous year"),
        _("Change %"), _("Double decline"), _("Count target %"), _("Deaths target %"), _("Target met"),
        _("GDP (100 million yuan)"), _("Deaths per 100 million yuan GDP"), _("Industrial employment"),
        _("Industrial deaths"), _("Industrial deaths per 100,000 workers")])
    for line in [*stats.regions, stats.root]:
        v: Verdict = line.verdict
        d = v.as_dict()
        r = line.rates
        ws.append([line.label, v.count, v.previous_count, d["count_change_pct"], v.deaths, v.previous_deaths,
                   d["deaths_change_pct"], _verdict_cell(v), d["count_target"], d["deaths_target"],
                   _yes_no(v.target_met), r.as_dict()["gdp_100m_yuan"], r.deaths_per_100m_gdp,
                   r.industrial_employment, r.industrial_deaths, r.industrial_deaths_per_100k])

    ws = sheet(_("Ten-year trend"), [_("Year"), *measures, _("Double decline"),
                                     _("Deaths per 100 million yuan GDP"),
                                     _("Industrial deaths per 100,000 workers")])
    for y in stats.trend:
        ws.append([y.year, *[float(y.totals[k]) if k == "direct_loss_yuan" else y.totals[k] for k in MEASURES],
                   _verdict_cell(y.verdict), y.rates.deaths_per_100m_gdp,
                   y.rates.industrial_deaths_per_100k])
    ws = sheet(_("About"), [pgettext("accident statistics", "Item"), _("Value")])
    ws.append([_("Region"), region])
    ws.append([_("Period"), cur])
    ws.append([_("Compared with"), prev])
    ws.append([_("Missing persons"), _("counted with the deaths") if stats.missing_with_deaths
               else _("counted apart from the deaths")])
    ws.append([_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def statistics_filename(stats: AccidentStatistics) -> str:
    code = stats.region.code if stats.region is not None else "all"
    return f"accident-statistics-{code}-{stats.period.label.replace(' ', '')}.xlsx"



# --- views --------------------------------------------------------------------------------------

PARAMETERS = [
    OpenApiParameter("region", str, description="Division code of the region (default: the top of your "
                                                "jurisdiction); 404 outside it."),
    OpenApiParameter("year", int, description="Calendar year (default: this year)."),
    OpenApiParameter("from", str, description="First month YYYY-MM (with `to`, instead of `year`; ≤ 12 months)."),
    OpenApiParameter("to", str, description="Last month YYYY-MM, included."),
    OpenApiParameter("target", float, description="双下降 target in % (e.g. -20) for regions whose yearly "
                                                  "figures name none."),
]


class AccidentStatisticsView(APIView):
    """Accident statistics of a region and period: totals and breakdowns by child region,
    industry (top level), accident type, grade, category and month, each with the previous
    year's same months, change and change %; the 双下降 verdict of the region and of each child
    region (count and deaths strictly down; targets met); the rates per 亿元 GDP and per
    100,000 工矿商贸 workers (whole years, when the regional figures are entered); and the
    ten-year trend. Read through your jurisdiction."""

    permission_classes = [permissions.IsAuthenticated, IsRegionalUser]

    @extend_schema(operation_id="accident_statistics", parameters=PARAMETERS,
                   responses={200: OpenApiTypes.OBJECT, 400: OpenApiResponse(description="Invalid parameter."),
                              404: OpenApiResponse(description="Region outside your jurisdiction.")},
                   tags=["accidents"])
    def get(self, request):
        try:
            stats = statistics_for_request(request.user, request.query_params)
        except ValidationError as exc:
            return Response(exc.message_dict, status=400)
        return Response(stats.as_dict())


class AccidentStatisticsExportView(APIView):
    """The same statistics (same parameters) as an xlsx workbook."""

    permission_classes = [permissions.IsAuthenticated, IsRegionalUser]
    renderer_classes = [XlsxRenderer, JSONRenderer]

    @extend_schema(operation_id="accident_statistics_export", parameters=PARAMETERS,
                   responses={(200, XLSX): OpenApiTypes.BINARY,
                              400: OpenApiResponse(description="Invalid parameter.")},
                   tags=["accidents"])
    def get(self, request):
        try:
            stats = statistics_for_request(request.user, request.query_params)
        except ValidationError as exc:
            return Response(exc.message_dict, status=400)
        return xlsx_response(statistics_xlsx(stats), statistics_filename(stats))

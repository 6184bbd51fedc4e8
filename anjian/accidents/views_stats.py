"""The accident statistics page (事故统计) and the regional yearly figures pages (GDP, 工矿商贸
employment, 双下降 targets: list, entry, correction, void, xlsx import).

The numbers come from ``statistics.accident_statistics`` (scoped, one grouped query per
breakdown); the figures are written only through ``anjian.regions.figures`` services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.core.downloads import xlsx_response
from anjian.core.forms import Form, ModelForm, add_service_errors
from anjian.core.imports import template_workbook
from anjian.core.pages import scoped_list, scoped_object_or_404
from anjian.core.services import ConflictError
from anjian.core.views_imports import import_upload_page
from anjian.core.workflow import void
from anjian.orgs.choices import Role
from anjian.regions.choices import LEVEL_DEPTH, RegionLevel
from anjian.regions.fields import RegionCodeField
from anjian.regions.figures import (
    FIGURE_COLUMNS,
    can_enter_figures,
    import_region_figures,
    save_region_figures,
)
from anjian.regions.models import Region, RegionYearFigure
from anjian.regions.policy import policy as regions_policy

from .api_stats import statistics_filename, statistics_xlsx
from .choices import AccidentGrade
from .statistics import MEASURES, AccidentStatistics, StatRow, accident_statistics, root_region

LEVELS_BY_DEPTH = {depth: level for level, depth in LEVEL_DEPTH.items()}


def _refuse_enterprise_users(user) -> None:
    if getattr(user, "role", None) == Role.ENTERPRISE:
        raise PermissionDenied(_("Accident statistics are for regulators and the committee office."))


def _deepest_level(user) -> str:
    """Region pickers offer the user's top region and two levels below it (a province's 113
    cities and counties, not its 1,500 townships); deeper regions are reached by drilling down."""
    root = root_region(user)
    depth = (root.depth if root is not None else -1) + 2
    return LEVELS_BY_DEPTH.get(min(depth, LEVEL_DEPTH[RegionLevel.VILLAGE]), RegionLevel.VILLAGE)


class MonthInput(forms.TextInput):
    input_type = "month"


class StatisticsForm(Form):
    """The filter bar: region, year or months, and the 双下降 target."""

    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=1990, max_value=2100)
    start = forms.CharField(label=gettext_lazy("From month"), required=False, widget=MonthInput)
    end = forms.CharField(label=gettext_lazy("To month"), required=False, widget=MonthInput)
    target = forms.DecimalField(label=gettext_lazy("Target (%)"), required=False, max_digits=5, decimal_places=1,
                                min_value=-100, max_value=100,
                                help_text=gettext_lazy("e.g. -20; used where the regional figures name none"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"region": RegionCodeField(user, deepest=_deepest_level(user)), **self.fields}
        self.fields["year"].widget.attrs["placeholder"] = str(timezone.localdate().year)


def _params(request: HttpRequest, form: StatisticsForm) -> dict[str, Any]:
    if not form.is_bound or not form.is_valid():
        return {"region": request.GET.get("region") or None}
    d = form.cleaned_data
    return {"region": d.get("region") or None, "year": d.get("year"), "start": d.get("start") or None,
            "end": d.get("end") or None, "target": d.get("target")}


def _read(request: HttpRequest, form: StatisticsForm) -> AccidentStatistics:
    """The statistics of the form's parameters; a parameter the selector refuses is shown on its
    field and the default period is used instead."""
    params = _params(request, form)
    try:
        return accident_statistics(request.user, **params)
    except ValidationError as exc:
        add_service_errors(form, exc, aliases={"from": "start", "to": "end"})
        return accident_statistics(request.user, region=params["region"])


def _arrow(row: StatRow, name: str) -> dict[str, Any]:
    change = row.change(name)
    return {"change": change, "pct": row.pct(name), "dir": "up" if change > 0 else "down" if change < 0 else "flat"}


def _cards(stats: AccidentStatistics) -> list[dict[str, Any]]:
    t = stats.total
    labels = {**stats.headings, "direct_loss_yuan": _("Direct loss (10,000 yuan)")}  # the card shows 万元
    cards = [{"key": k, "label": labels[k], "value": t.current[k], "previous": t.previous[k], **_arrow(t, k)}
             for k in ("count", "deaths", "serious_injuries", "direct_loss_yuan")]
    if stats.missing_with_deaths:  # 死亡 3 人（含失踪 1 人）: both figures on the deaths card
        cards[1]["missing"] = t.current["missing"]
    return cards


def _table_rows(rows: list[StatRow]) -> list[dict[str, Any]]:
    """Rows as the tables show them: each measure now, a year before and the change %."""
    return [{"label": r.label, "code": r.code, "key": r.key,
             "cells": [{"cur": r.current[k], "prev": r.previous[k], "pct": r.pct(k), "change": r.change(k)}
                       for k in MEASURES]} for r in rows]


def _chart(stats: AccidentStatistics) -> dict[str, Any]:
    b = stats.breakdowns
    months = b["month"].rows
    grade_colors = {AccidentGrade.PARTICULARLY_SERIOUS: "#7a1c16", AccidentGrade.SERIOUS: "#c8372d",
                    AccidentGrade.RELATIVELY_SERIOUS: "#e08e0b", AccidentGrade.ORDINARY: "#3b82c4"}
    return {
        "months": [r.label[-2:] for r in months],
        "current": stats.period.label, "previous": stats.previous.label,
        "monthly": {"count": [r.current["count"] for r in months], "count_prev": [r.previous["count"] for r in months],
                    "deaths": [r.current["deaths"] for r in months],
                    "deaths_prev": [r.previous["deaths"] for r in months]},
        "years": [y.year for y in stats.trend],
        "trend": {"count": [y.totals["count"] for y in stats.trend], "deaths": [y.totals["deaths"] for y in stats.trend]},
        "types": [{"name": r.label, "value": r.current["count"]} for r in b["accident_type"].rows if r.current["count"]],
        "grades": [{"name": r.label, "value": r.current["count"], "itemStyle": {"color": grade_colors.get(r.key)}}
                   for r in b["grade"].rows if r.current["count"]],
        "industries": {"labels": [r.label for r in b["industry"].rows if r.current["count"] or r.previous["count"]],
                       "count": [r.current["count"] for r in b["industry"].rows
                                 if r.current["count"] or r.previous["count"]],
                       "count_prev": [r.previous["count"] for r in b["industry"].rows
                                      if r.current["count"] or r.previous["count"]]},
        "names": {"count": _("Accidents"), "deaths": stats.headings["deaths"]},
    }


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Accident statistics of a region and period in the user's jurisdiction (regional users)."""
    _refuse_enterprise_users(request.user)
    form = StatisticsForm(request.GET or None, user=request.user)
    stats = _read(request, form)
    keep = [(k, v) for k, v in request.GET.items() if k in ("region", "year", "start", "end", "target")]
    breakdowns = [{"name": b.name, "heading": b.heading,
                   "lines": _table_rows(b.rows) + [{**_table_rows([b.total])[0], "is_total": True}],
                   "drill": b.name == "region"}
                  for b in (stats.breakdowns[k] for k in ("region", "industry", "accident_type", "grade", "category",
                                                            "month"))]
    return render(request, "accidents/statistics.html", {
        "stats": stats, "form": form, "cards": _cards(stats), "chart": _chart(stats),
        "breakdowns": breakdowns, "region_lines": [*stats.regions, stats.root],
        "measures": list(stats.headings.values()), "measure_keys": list(MEASURES), "headings": stats.headings,
        "keep": keep, "export_query": request.GET.urlencode(),
        "can_enter_figures": can_enter_figures(request.user),
    })


@login_required
def statistics_export(request: HttpRequest) -> HttpResponse:
    """The page's statistics (same query string) as an xlsx workbook."""
    _refuse_enterprise_users(request.user)
    form = StatisticsForm(request.GET or None, user=request.user)
    stats = _read(request, form)
    return xlsx_response(statistics_xlsx(stats), statistics_filename(stats))


# --- regional yearly figures ------------------------------------------------------------------------


class FigureForm(ModelForm):
    """Entry (or correction) of one region's figures for one year."""

    region = forms.ChoiceField(label=gettext_lazy("Region"))

    class Meta:
        model = RegionYearFigure
        fields = ["year", "gdp_100m_yuan", "industrial_employment", "count_target_pct", "deaths_target_pct",
                  "source", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = RegionCodeField(user, deepest=_deepest_level(user)).choices[1:]
        self.fields["region"].choices = choices
        self.order_fields(["region", "year"])
        self.fields["year"].initial = timezone.localdate().year - 1

    def _post_clean(self):  # the service validates the row (and upserts): no model validation here
        pass


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    """The figures in the user's jurisdiction (newest year first), with the entry form for those
    who may enter them. Entering figures for a region and year that has them corrects them."""
    _refuse_enterprise_users(request.user)
    user = request.user
    can_enter = can_enter_figures(user)
    form = FigureForm(request.POST or None, user=user) if can_enter else None
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied(_("You may not enter regional figures."))
        if form.is_valid():
            d = form.cleaned_data
            region = scoped_object_or_404(request, Region, code=d["region"])
            data = {k: d[k] for k in ("gdp_100m_yuan", "industrial_employment", "count_target_pct",
                                      "deaths_target_pct", "source", "note")}
            try:
                _figure, created = save_region_figures(actor=user, region=region, year=d["year"], data=data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except ConflictError as exc:  # pragma: no cover - the form sends no version
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Figures of %(region)s for %(year)s entered.") % {
                    "region": region.name, "year": d["year"]} if created else
                    _("Figures of %(region)s for %(year)s corrected.") % {"region": region.name, "year": d["year"]})
                return redirect("accidents:figures")
    qs = scoped_list(request, RegionYearFigure.objects.select_related("region", "entered_by")).order_by(
        "-year", "region_path")
    year = request.GET.get("year", "").strip()
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page_obj = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accidents/figures.html", {
        "form": form, "page_obj": page_obj, "rows": page_obj.object_list, "can_enter": can_enter, "year": year,
    }, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def figures_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void one figures row (with a reason); it stays in the history. The regions policy decides
    who may (the row's region in the actor's jurisdiction), through the write path."""
    regions_policy.require(request.user, "void", message=_("You may not enter regional figures."))
    figure = scoped_object_or_404(request, RegionYearFigure, pk=pk)
    try:
        void(figure, actor=request.user, policy=regions_policy, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Figures of %(region)s for %(year)s voided.") % {
            "region": figure.region.name, "year": figure.year})
    return redirect("accidents:figures")


@login_required
def figures_import(request: HttpRequest) -> HttpResponse:
    """Import figures from xlsx/CSV: all rows or none, with a row-by-row report."""
    if not can_enter_figures(request.user):
        raise PermissionDenied(_("You may not enter regional figures."))
    return import_upload_page(request, template="accidents/figures_import.html", columns=FIGURE_COLUMNS,
                              run_import=import_region_figures)


@login_required
def figures_template(request: HttpRequest) -> HttpResponse:
    """The import template (headers, notes, one example row)."""
    _refuse_enterprise_users(request.user)
    example = [[root.code if (root := root_region(request.user)) is not None else "110000000000",
                timezone.localdate().year - 1, 12345.67, 250000, -20, -20, "统计年鉴", ""]]
    content = template_workbook(FIGURE_COLUMNS, "地区年度数据", example)
    return xlsx_response(content, "region-figures-template.xlsx")

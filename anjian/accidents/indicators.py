"""The accidents' indicators (core.indicators): accidents and deaths against the same months a
year before — overall and for the sectors that local plans name (construction, road traffic) —,
the 双下降 and 双杜绝 verdicts, and the deaths per 100 million yuan of GDP and per 100,000
industrial workers.

The counting is the accident statistics' (``statistics``): accidents that occurred in the period
(local time), voided ones never counted, missing persons with the deaths unless the
``CasualtyCounting`` setting counts them apart; the rates divide by the region's yearly figures
(``regions.RegionYearFigure``), never by a guess. Every figure of one evaluation comes from ONE
grouped query over the period and the same months a year before (``_counts``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.indicators import (
    HIGHER,
    LOWER,
    REGION,
    Column,
    Context,
    Drill,
    DrillPart,
    Indicator,
    Unit,
    Value,
    change,
    quantize,
    register,
)
from anjian.core.scoping import industry_subtree_ids

from .choices import AccidentCategory, AccidentGrade
from .models import Accident
from .regulations import missing_counted_as_deaths

GROUP = "accidents"
ORDER = 300

#: 较大及以上事故: the grades 双杜绝 must see none of (杜绝重特大事故、较大事故).
GRAVE_GRADES = (AccidentGrade.PARTICULARLY_SERIOUS, AccidentGrade.SERIOUS, AccidentGrade.RELATIVELY_SERIOUS)

SEED_TARGETS = ("“全口径生产安全事故起数、死亡人数同比减少20%以上。其中建筑施工事故起数、死亡人数同比减少20%以上；道路交通"
                "事故起数、死亡人数同比减少20%以上；杜绝重特大事故、较大事故”: the 2017 work points of Suzhou "
                "Industrial Park, part 二(一) (seed document; a local plan).")


@dataclass(frozen=True)
class Sector:
    """A slice of the accidents that has its own year-on-year figures: ``code`` ("" for all),
    its name, and which accidents it holds."""

    code: str
    name: Any
    q: Callable[[], Q]


SECTORS = (
    Sector("", gettext_lazy("all accidents"), lambda: Q()),
    # Construction: the accidents of enterprises of industry 06 建筑施工 and its sub-sectors.
    Sector("construction", gettext_lazy("construction"), lambda: Q(industry__in=sorted(industry_subtree_ids(["06"])))),
    Sector("road", gettext_lazy("road traffic"), lambda: Q(category=AccidentCategory.ROAD_TRAFFIC)),
)


def _window(ctx: Context):
    period, previous = ctx.period, ctx.period.previous_year()
    return ctx.scoped(Accident).filter(period.q("occurred_at") | previous.q("occurred_at"))


def _counts(ctx: Context) -> dict[str, dict[str, int]]:
    """Per subject, for the period (``c_``) and a year before (``p_``): per sector the accidents
    and the deaths and missing; the 较大及以上 accidents of the period; the deaths and missing of
    the period's 工矿商贸 accidents. One grouped query."""
    def build():
        cur, prev = ctx.period.q("occurred_at"), ctx.period.previous_year().q("occurred_at")
        aggs: dict[str, Any] = {}
        for sector in SECTORS:
            sq = sector.q()
            for tag, when in (("c", cur), ("p", prev)):
                aggs[f"{tag}_{sector.code}_n"] = Count("pk", filter=when & sq)
                aggs[f"{tag}_{sector.code}_deaths"] = Sum("deaths", filter=when & sq)
                aggs[f"{tag}_{sector.code}_missing"] = Sum("missing", filter=when & sq)
        aggs["c_grave"] = Count("pk", filter=cur & Q(grade__in=GRAVE_GRADES))
        industrial = cur & Q(category=AccidentCategory.INDUSTRIAL)
        aggs["c_ind_deaths"] = Sum("deaths", filter=industrial)
        aggs["c_ind_missing"] = Sum("missing", filter=industrial)
        rows = ctx.by_subject(_window(ctx), **aggs)
        with_missing = missing_counted_as_deaths()
        for row in rows.values():
            # 死亡（含失踪）: one place for the setting, before any figure is made of the deaths.
            for key in [k for k in row if k.endswith("_deaths")]:
                row[key] += row[key.replace("_deaths", "_missing")] if with_missing else 0
        return rows

    return ctx.memo("accidents.counts", build)


def _period_accidents(ctx: Context, extra: Q | None = None):
    return ctx.scoped(Accident).filter(ctx.period.q("occurred_at")).filter(extra or Q())


ACCIDENT_COLUMNS = (
    Column("number", gettext_lazy("Number")),
    Column("occurred_at", gettext_lazy("Occurred at"), kind="datetime"),
    Column("address", gettext_lazy("Address")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("category", gettext_lazy("Category"), choices=AccidentCategory.choices),
    Column("grade", pgettext_lazy("accident", "Grade"), choices=AccidentGrade.choices),
    Column("deaths", gettext_lazy("Deaths"), kind="number"),
    Column("missing", pgettext_lazy("accident", "Missing"), kind="number"),
)


def _accident_drill(extra: Callable[[], Q], label, counts: str = "numerator") -> Drill:
    """The accidents of the period (narrowed by ``extra``): the records a count counts, or whose
    deaths a sum adds up (``counts`` "")."""
    return Drill("accidents.Accident", (DrillPart("counted", label, counts),),
                 lambda ctx, part: _period_accidents(ctx, extra()), ACCIDENT_COLUMNS, url_name="accidents:detail",
                 ordering=("-occurred_at", "-pk"))


def _change_indicator(sector: Sector, measure: str, order: int) -> Indicator:
    counted = "n" if measure == "count" else "deaths"
    what = gettext_lazy("Accidents") if measure == "count" else gettext_lazy("Deaths")
    return Indicator(
        code=f"{sector.code + '_' if sector.code else ''}{'accidents' if measure == 'count' else 'deaths'}_change",
        name=format_lazy(gettext_lazy("{what} year on year ({sector})"), what=what, sector=sector.name),
        unit=Unit.CHANGE, direction=LOWER, group=GROUP, order=order,
        computation=format_lazy(gettext_lazy(
            "({what} in the period − the same months a year before) ÷ the same months a year before × 100 ({sector}; "
            "deaths include the missing unless the casualty-counting setting counts them apart). None when there "
            "were none a year before."), what=what, sector=sector.name),
        basis=SEED_TARGETS,
        numerator_label=gettext_lazy("this period"), denominator_label=gettext_lazy("a year before"),
        evaluate=lambda ctx: {k: change(c[f"c_{sector.code}_{counted}"], c[f"p_{sector.code}_{counted}"])
                              for k, c in _counts(ctx).items()},
        drill=_accident_drill(sector.q, gettext_lazy("Accidents of the period"),
                              "numerator" if measure == "count" else ""),
    )


_order = ORDER
for _sector in SECTORS:
    for _measure in ("count", "deaths"):
        _order += 1
        register(_change_indicator(_sector, _measure, _order))


# --- verdicts ---------------------------------------------------------------------------------------

ACHIEVED, NOT_ACHIEVED, ZERO = "achieved", "not_achieved", "zero_accidents"


def _verdict(ok: bool, numerator, denominator=None, *, verdict: str | None = None, note: str = "") -> Value:
    return Value(Decimal(1 if ok else 0), numerator, denominator, note=note,
                 verdict=verdict or (ACHIEVED if ok else NOT_ACHIEVED))


def _double_decline(c: dict[str, int]) -> Value:
    n, pn, d, pd = c["c__n"], c["p__n"], c["c__deaths"], c["p__deaths"]
    if n == 0 and pn == 0:
        # 零事故: nothing could decline and nothing failed to (as the accident statistics say).
        return _verdict(True, n, pn, verdict=ZERO, note=_("No accidents in the period nor a year before."))
    note = _("Accidents %(pn)s → %(n)s, deaths %(pd)s → %(d)s.") % {"pn": pn, "n": n, "pd": pd, "d": d}
    return _verdict(n < pn and d < pd, n, pn, note=note)


register(Indicator(
    code="double_decline", name=gettext_lazy("Double decline (双下降)"), unit=Unit.VERDICT, direction=HIGHER,
    group=GROUP, order=ORDER + 10,
    computation=gettext_lazy("Achieved when both the accidents and the deaths of the period are strictly lower than "
                             "in the same months a year before (an equal figure is not a decline); a region with no "
                             "accident in either period is 零事故 and counts as achieved."),
    basis=gettext_lazy("“努力实现事故起数、死亡人数‘双下降’”: the 2017 work points of Suzhou Industrial Park (seed "
                       "document)."),
    numerator_label=gettext_lazy("accidents this period"), denominator_label=gettext_lazy("a year before"),
    evaluate=lambda ctx: {k: _double_decline(c) for k, c in _counts(ctx).items()},
    drill=_accident_drill(lambda: Q(), gettext_lazy("Accidents of the period")),
))


def _double_elimination(c: dict[str, int]) -> Value:
    grave = c["c_grave"]
    return _verdict(grave == 0, grave, note="" if grave == 0 else
                    _("%(n)s relatively serious or graver accident(s) in the period.") % {"n": grave})


register(Indicator(
    code="double_elimination", name=gettext_lazy("Double elimination (双杜绝)"), unit=Unit.VERDICT,
    direction=HIGHER, group=GROUP, order=ORDER + 11,
    computation=gettext_lazy("Achieved when no accident of the period is graded relatively serious (较大) or graver "
                             "(重大, 特别重大) — grades by 条例 Art. 3."),
    basis=gettext_lazy("“重特大事故、较大事故‘双杜绝’”: the 2017 work points of Suzhou Industrial Park (seed "
                       "document)."),
    numerator_label=gettext_lazy("relatively serious or graver accidents"),
    evaluate=lambda ctx: {k: _double_elimination(c) for k, c in _counts(ctx).items()},
    drill=_accident_drill(lambda: Q(grade__in=GRAVE_GRADES), gettext_lazy("Relatively serious or graver accidents")),
))


# --- rates over the regional yearly figures (REGULATIONS.md §7) -------------------------------------

def _figures(ctx: Context) -> dict[int, dict[str, Any]]:
    """region id → its live yearly figures of the period's year, read through the viewer's
    scope (one query)."""
    from anjian.regions.models import RegionYearFigure

    def build():
        ids = [s.region_id for s in ctx.subjects if s.kind == REGION and s.region_id]
        year = ctx.period.last_day.year
        rows = (RegionYearFigure.objects.for_user(ctx.viewer).filter(region_id__in=ids, year=year)
                .values("region_id", "gdp_100m_yuan", "industrial_employment"))
        return {r["region_id"]: r for r in rows}

    return ctx.memo("accidents.figures", build)


def _per(ctx: Context, deaths_key: str, figure_key: str, factor: int, unit: str, missing_note: str):
    if ctx.period.start.month != 1:
        note = _("Only for a calendar year or the year to date.")
        return {s.key: Value(None, note=note) for s in ctx.subjects}
    counts, figures = _counts(ctx), _figures(ctx)
    out = {}
    for s in ctx.subjects:
        deaths = counts[s.key][deaths_key]
        base = (figures.get(s.region_id) or {}).get(figure_key)
        if not base:
            out[s.key] = Value(None, deaths, None, note=missing_note)
            continue
        value = quantize(Decimal(deaths) * factor / Decimal(base), unit)
        note = "" if ctx.period.is_whole_year else _("Year to date, over the whole year's figure.")
        out[s.key] = Value(value, deaths, Decimal(base), note=note)
    return out


register(Indicator(
    code="deaths_per_100m_gdp", name=gettext_lazy("Deaths per 100 million yuan of GDP"), unit=Unit.PER_100M_YUAN,
    direction=LOWER, group=GROUP, order=ORDER + 12, subjects=(REGION,),
    computation=gettext_lazy("Deaths of all the production-safety accidents of the region in the period (with the "
                             "missing, as counted) ÷ the region's GDP of the year in 亿元 (regional yearly figures). "
                             "Not available when the GDP has not been entered."),
    basis=gettext_lazy("亿元国内生产总值生产安全事故死亡率: REGULATIONS.md §7 (the form confirmed by the national "
                       "bulletins; the exact GDP basis unconfirmed)."),
    numerator_label=gettext_lazy("deaths"), denominator_label=gettext_lazy("GDP (100 million yuan)"),
    evaluate=lambda ctx: _per(ctx, "c__deaths", "gdp_100m_yuan", 1, Unit.PER_100M_YUAN,
                              _("No GDP entered for this region and year.")),
    drill=_accident_drill(lambda: Q(), gettext_lazy("Accidents of the period"), ""),
))

register(Indicator(
    code="deaths_per_100k_workers", name=gettext_lazy("Deaths per 100,000 industrial workers"), unit=Unit.PER_100K,
    direction=LOWER, group=GROUP, order=ORDER + 13, subjects=(REGION,),
    computation=gettext_lazy("Deaths of the region's industry, mining and commerce (工矿商贸) accidents in the period "
                             "(with the missing, as counted) ÷ the region's 工矿商贸 employment × 100,000 (regional "
                             "yearly figures). Not available when the employment has not been entered."),
    basis=gettext_lazy("工矿商贸就业人员十万人生产安全事故死亡率: REGULATIONS.md §7 (name and use confirmed; the scope "
                       "of numerator and denominator unconfirmed)."),
    numerator_label=gettext_lazy("deaths"), denominator_label=gettext_lazy("workers"),
    evaluate=lambda ctx: _per(ctx, "c_ind_deaths", "industrial_employment", 100_000, Unit.PER_100K,
                              _("No employment figure entered for this region and year.")),
    drill=_accident_drill(lambda: Q(category=AccidentCategory.INDUSTRIAL),
                          gettext_lazy("Industry, mining and commerce accidents of the period"), ""),
))

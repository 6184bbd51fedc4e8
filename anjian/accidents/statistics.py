"""Accident statistics (事故统计): counts, deaths, injuries and losses of a region over a period,
broken down by child region, industry, accident type, grade, category and month, each beside
the same period of the previous year; the 双下降 verdict (count down and deaths down) per child
region; the rates per 亿元 GDP and per 100,000 工矿商贸 workers (REGULATIONS.md §7) from the
regional yearly figures; and a ten-year trend.

Everything is read through ``Accident.objects.for_user`` (scoping) narrowed to the region's
subtree. Three grouped queries over the accident table serve the six breakdowns (by region
path; by industry × accident type; by grade × category × month, folded apart in Python), each
covering both the period and the previous year's same months (a flag column tells them apart),
plus one for the ten-year trend: the cost does not grow with the number of groups. Voided accidents are never counted (``for_user``).

Definitions (shown in the UI too):

- a row counts accidents (``count``) and sums ``deaths``, ``missing``, ``serious_injuries``
  (including acute industrial poisoning), ``minor_injuries`` and ``direct_loss_yuan`` of the
  accidents that occurred (``occurred_at``, in the project's time zone) in the period;
- missing persons count with the deaths (死亡（含失踪）, the statistical practice) unless the
  ``CasualtyCounting`` setting counts them apart: ``deaths`` is then deaths + missing, and
  ``missing`` says how many of them are missing (``missing_counted_as_deaths`` in the answer).
  Every figure made of deaths (verdicts, rates, trend) follows;
- year on year: the same months one year earlier; ``change`` = current − previous,
  ``change_pct`` = change ÷ previous × 100 (None when previous is 0);
- 双下降 (double decline): the count AND the deaths both strictly lower than the previous
  year's same period (an equal figure is not a decline); a target (e.g. −20 %) is met when the
  change % is at or below it (−20 % exactly meets −20 %); with a previous figure of 0 the
  change % is undefined and the target is "not assessable" (None). A region with no accident in
  the period nor in the previous year's is "zero accidents" (零事故), not a failed decline;
- 亿元GDP生产安全事故死亡率 = deaths of all the accidents of the region in the year ÷ the
  region's GDP of the year in 亿元; 工矿商贸就业人员十万人死亡率 = deaths of the accidents of
  category "industry, mining and commerce" ÷ the region's 工矿商贸 employment × 100,000. Both
  only for a whole calendar year and only when the figure is entered (never guessed). The exact
  official scope of the numerators is unconfirmed (REGULATIONS.md §7): these are the
  definitions used here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.filters import day_start
from anjian.core.paths import CODE_LENGTH, subtree_q
from anjian.core.scoping import ALL, ENTERPRISE, GRID, NONE, REGION, scope_of

from .choices import AccidentCategory, AccidentGrade
from .models import Accident
from .regulations import missing_counted_as_deaths

#: The measures of a statistics row, in table order, with their headings.
MEASURES: dict[str, Any] = {
    "count": gettext_lazy("Accidents"),
    "deaths": gettext_lazy("Deaths"),
    "missing": pgettext_lazy("accident", "Missing"),
    "serious_injuries": gettext_lazy("Serious injuries"),
    "minor_injuries": gettext_lazy("Minor injuries"),
    "direct_loss_yuan": gettext_lazy("Direct loss (yuan)"),
}
#: The headings of ``deaths`` and ``missing`` when missing persons count with the deaths.
DEATHS_WITH_MISSING = gettext_lazy("Deaths (incl. missing)")
OF_WHICH_MISSING = gettext_lazy("of which missing")


def measure_headings(with_missing: bool) -> dict[str, str]:
    """The measures' headings: "死亡（含失踪）" and "其中失踪" when missing persons count with the deaths."""
    out = {k: str(v) for k, v in MEASURES.items()}
    if with_missing:
        out["deaths"], out["missing"] = str(DEATHS_WITH_MISSING), str(OF_WHICH_MISSING)
    return out


#: The breakdowns, in page order, with their headings.
BREAKDOWNS: dict[str, Any] = {
    "region": gettext_lazy("Region"),
    "industry": gettext_lazy("Industry"),
    "accident_type": gettext_lazy("Accident type"),
    "grade": pgettext_lazy("accident", "Grade"),
    "category": gettext_lazy("Category"),
    "month": gettext_lazy("Month"),
}
TREND_YEARS = 10
MAX_PERIOD_MONTHS = 12  # a longer period would overlap its own previous year

_AGGREGATES = {
    "n": Count("pk"),
    "s_deaths": Sum("deaths"),
    "s_missing": Sum("missing"),
    "s_serious": Sum("serious_injuries"),
    "s_minor": Sum("minor_injuries"),
    "s_loss": Sum("direct_loss_yuan"),
    "s_industrial_deaths": Sum("deaths", filter=Q(category=AccidentCategory.INDUSTRIAL)),
    "s_industrial_missing": Sum("missing", filter=Q(category=AccidentCategory.INDUSTRIAL)),
}


def _missing_as_deaths(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Grouped rows with the missing persons added to the deaths (死亡（含失踪）), in place: one
    place for the setting, before any row is folded into a breakdown, a verdict or a rate."""
    for row in rows:
        row["s_deaths"] = (row["s_deaths"] or 0) + (row["s_missing"] or 0)
        row["s_industrial_deaths"] = (row["s_industrial_deaths"] or 0) + (row.get("s_industrial_missing") or 0)
    return rows


def _zero() -> dict[str, Any]:
    return {"count": 0, "deaths": 0, "missing": 0, "serious_injuries": 0, "minor_injuries": 0,
            "direct_loss_yuan": Decimal("0"), "industrial_deaths": 0}


def _add(into: dict[str, Any], row: dict[str, Any]) -> None:
    into["count"] += row["n"]
    into["deaths"] += row["s_deaths"] or 0
    into["missing"] += row["s_missing"] or 0
    into["serious_injuries"] += row["s_serious"] or 0
    into["minor_injuries"] += row["s_minor"] or 0
    into["direct_loss_yuan"] += Decimal(row["s_loss"] or 0)
    into["industrial_deaths"] += row["s_industrial_deaths"] or 0


# --- the period ---------------------------------------------------------------------------------


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months [start, end): ``start`` is the first day of the first month, ``end`` the
    first day after the last month."""

    start: date
    end: date
    # The day the period is read on (None: today). Not part of equality: the same months are the
    # same period, whenever they are read.
    today: date | None = field(default=None, compare=False)

    @property
    def months(self) -> list[tuple[int, int]]:
        out, d = [], self.start
        while d < self.end:
            out.append((d.year, d.month))
            d = _add_months(d, 1)
        return out

    @property
    def is_whole_year(self) -> bool:
        """A calendar year that has ended: January to December of the current year, in December,
        is still a year to date (its yearly rates are not due yet)."""
        return (self.start.month == 1 and self.end == date(self.start.year + 1, 1, 1)
                and self.end <= (self.today or timezone.localdate()))

    @property
    def year(self) -> int:
        """The year the period belongs to (of its last month): the year of its figures and targets."""
        return _add_months(self.end, -1).year

    @property
    def label(self) -> str:
        if self.is_whole_year:
            return str(self.start.year)
        last = _add_months(self.end, -1)
        return f"{self.start:%Y-%m}" if last == self.start else f"{self.start:%Y-%m} – {last:%Y-%m}"

    def previous(self) -> Period:
        """The same months one year earlier."""
        return Period(_add_months(self.start, -12), _add_months(self.end, -12), self.today)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes (local midnight), for ``occurred_at`` ranges."""
        return day_start(self.start), day_start(self.end)

    def q(self) -> Q:
        start, end = self.bounds()
        return Q(occurred_at__gte=start, occurred_at__lt=end)


def _month(text: str, name: str) -> date:
    try:
        y, m = (int(p) for p in text.strip().split("-"))
        return date(y, m, 1)
    except (ValueError, TypeError) as exc:
        raise ValidationError({name: _("Enter a month as YYYY-MM.")}) from exc


def parse_period(*, year: Any = None, start: Any = None, end: Any = None, today: date | None = None) -> Period:
    """The period of a request: a calendar year (``year``), or whole months ``start``…``end``
    (``YYYY-MM``, both included, at most 12 months); by default the current year. The current
    year runs to the end of the current month (year to date). Raises ValidationError naming the
    parameter."""
    today = today or timezone.localdate()
    if start or end:
        if not (start and end):
            raise ValidationError({"from" if not start else "to": _("Give both the first and the last month.")})
        first, last = _month(str(start), "from"), _month(str(end), "to")
        if last < first:
            raise ValidationError({"to": _("The last month is before the first month.")})
        period = Period(first, _add_months(last, 1), today)
        if len(period.months) > MAX_PERIOD_MONTHS:
            raise ValidationError({"to": _("A period is at most 12 months (it is compared with the year before).")})
        return period
    if year in (None, ""):
        y = today.year
    else:
        try:
            y = int(str(year))
        except ValueError as exc:
            raise ValidationError({"year": _("Enter a year such as 2025.")}) from exc
        if not 1990 <= y <= 2100:
            raise ValidationError({"year": _("Enter a year between 1990 and 2100.")})
    end = date(y + 1, 1, 1)
    this_month = date(today.year, today.month, 1)
    if date(y, 1, 1) <= this_month < end:
        # The current year is compared to date (1月至本月 against the same months a year earlier),
        # not as a whole year against a whole one: its later months have no accidents yet.
        end = _add_months(this_month, 1)
    return Period(date(y, 1, 1), end, today)


def parse_target(value: Any) -> Decimal | None:
    """The target percentage of a request (e.g. ``-20``), None when absent."""
    if value in (None, ""):
        return None
    try:
        target = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation as exc:
        raise ValidationError({"target": _("Enter the target as a percentage such as -20.")}) from exc
    if not target.is_finite() or not Decimal(-100) <= target <= Decimal(100):
        raise ValidationError({"target": _("The target must be between -100 and 100 (%).")})
    return target


# --- comparisons --------------------------------------------------------------------------------


def change_pct(current: int | Decimal, previous: int | Decimal) -> float | None:
    """(current − previous) ÷ previous × 100, None when previous is 0."""
    if not previous:
        return None
    return float((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous))


def meets_target(current: int, previous: int, target: Decimal | None) -> bool | None:
    """Whether the change from ``previous`` to ``current`` is at or below ``target`` % (exact
    arithmetic: −20 % meets −20 %). None without a target or when previous is 0."""
    if target is None or not previous:
        return None
    return (Decimal(current) - Decimal(previous)) * 100 <= target * Decimal(previous)


@dataclass
class StatRow:
    """One group of a breakdown: the measures in the period and in the previous year's same
    months, their change and change %."""

    key: Any
    label: str
    current: dict[str, Any]
    previous: dict[str, Any]
    code: str = ""

    def change(self, name: str) -> Any:
        return self.current[name] - self.previous[name]

    def pct(self, name: str) -> float | None:
        return change_pct(self.current[name], self.previous[name])

    def as_dict(self) -> dict[str, Any]:
        def plain(values: dict[str, Any]) -> dict[str, Any]:
            return {k: float(values[k]) if k == "direct_loss_yuan" else values[k] for k in MEASURES}

        out: dict[str, Any] = {"key": self.key, "label": self.label}
        if self.code:
            out["code"] = self.code
        out["current"] = plain(self.current)
        out["previous"] = plain(self.previous)
        out["change"] = {k: float(self.change(k)) if k == "direct_loss_yuan" else self.change(k) for k in MEASURES}
        out["change_pct"] = {k: None if (p := self.pct(k)) is None else round(p, 2) for k in MEASURES}
        return out


@dataclass
class Breakdown:
    name: str
    heading: str
    rows: list[StatRow]
    total: StatRow

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "heading": self.heading, "rows": [r.as_dict() for r in self.rows],
                "total": self.total.as_dict()}


@dataclass
class Verdict:
    """双下降 of one region: count and deaths strictly down year on year, and each against
    its target (from the region's yearly figures, else the request's ``target``)."""

    count: int
    previous_count: int
    deaths: int
    previous_deaths: int
    count_target: Decimal | None = None
    deaths_target: Decimal | None = None
    target_source: str = ""  # "figures", "request" or ""

    @property
    def count_down(self) -> bool:
        return self.count < self.previous_count

    @property
    def deaths_down(self) -> bool:
        return self.deaths < self.previous_deaths

    @property
    def double_decline(self) -> bool:
        return self.count_down and self.deaths_down

    @property
    def zero_accidents(self) -> bool:
        """No accident in the period nor in the previous year's same months (零事故): nothing could
        decline, and nothing failed to."""
        return self.count == 0 and self.previous_count == 0

    @property
    def status(self) -> str:
        """``zero_accidents``, ``achieved`` or ``not_achieved``."""
        if self.zero_accidents:
            return "zero_accidents"
        return "achieved" if self.double_decline else "not_achieved"

    @property
    def count_target_met(self) -> bool | None:
        return meets_target(self.count, self.previous_count, self.count_target)

    @property
    def deaths_target_met(self) -> bool | None:
        return meets_target(self.deaths, self.previous_deaths, self.deaths_target)

    @property
    def target_met(self) -> bool | None:
        """Both targets met (False if either is missed; None if either cannot be judged)."""
        met = (self.count_target_met, self.deaths_target_met)
        if False in met:
            return False
        return None if None in met else True

    def as_dict(self) -> dict[str, Any]:
        def pct(v: float | None) -> float | None:
            return None if v is None else round(v, 2)

        return {
            "count": self.count, "previous_count": self.previous_count,
            "count_change_pct": pct(change_pct(self.count, self.previous_count)),
            "deaths": self.deaths, "previous_deaths": self.previous_deaths,
            "deaths_change_pct": pct(change_pct(self.deaths, self.previous_deaths)),
            "count_down": self.count_down, "deaths_down": self.deaths_down, "double_decline": self.double_decline,
            "zero_accidents": self.zero_accidents, "status": self.status,
            "count_target": None if self.count_target is None else float(self.count_target),
            "deaths_target": None if self.deaths_target is None else float(self.deaths_target),
            "target_source": self.target_source,
            "count_target_met": self.count_target_met, "deaths_target_met": self.deaths_target_met,
            "target_met": self.target_met,
        }


@dataclass
class Rates:
    """The two rates of one region and year, with what they are made of. A rate is None when
    the period is not a whole year or the figure is missing (``*_missing`` says which)."""

    year: int
    deaths: int
    industrial_deaths: int
    gdp_100m_yuan: Decimal | None
    industrial_employment: int | None
    whole_year: bool = True

    @property
    def deaths_per_100m_gdp(self) -> float | None:
        if not self.whole_year or not self.gdp_100m_yuan:
            return None
        return round(float(Decimal(self.deaths) / self.gdp_100m_yuan), 4)

    @property
    def industrial_deaths_per_100k(self) -> float | None:
        if not self.whole_year or not self.industrial_employment:
            return None
        return round(float(Decimal(self.industrial_deaths) * 100_000 / Decimal(self.industrial_employment)), 4)

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "deaths": self.deaths, "industrial_deaths": self.industrial_deaths,
                "gdp_100m_yuan": None if self.gdp_100m_yuan is None else float(self.gdp_100m_yuan),
                "industrial_employment": self.industrial_employment, "whole_year": self.whole_year,
                "deaths_per_100m_gdp": self.deaths_per_100m_gdp,
                "industrial_deaths_per_100k": self.industrial_deaths_per_100k}


@dataclass
class RegionVerdict:
    """One region's line of the verdict and rates tables."""

    code: str
    label: str
    verdict: Verdict
    rates: Rates
    is_root: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "is_root": self.is_root, **self.verdict.as_dict(),
                "rates": self.rates.as_dict()}


@dataclass
class YearRow:
    """One year of the ten-year trend of the region: its figures, verdict and rates."""

    year: int
    totals: dict[str, Any]
    verdict: Verdict
    rates: Rates

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, **{k: float(self.totals[k]) if k == "direct_loss_yuan" else self.totals[k]
                                      for k in MEASURES},
                "industrial_deaths": self.totals["industrial_deaths"],
                "double_decline": self.verdict.double_decline, "zero_accidents": self.verdict.zero_accidents,
                "count_down": self.verdict.count_down,
                "deaths_down": self.verdict.deaths_down,
                "deaths_per_100m_gdp": self.rates.deaths_per_100m_gdp,
                "industrial_deaths_per_100k": self.rates.industrial_deaths_per_100k}


@dataclass
class AccidentStatistics:
    """The result of ``accident_statistics``."""

    region: Any  # the root Region, None for "every province" (system administrators)
    period: Period
    previous: Period
    target: Decimal | None
    breakdowns: dict[str, Breakdown]
    regions: list[RegionVerdict]
    root: RegionVerdict
    trend: list[YearRow]
    partial_scope: bool = False
    missing_with_deaths: bool = True

    @property
    def total(self) -> StatRow:
        return self.breakdowns["region"].total

    @property
    def headings(self) -> dict[str, str]:
        return measure_headings(self.missing_with_deaths)

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": {"code": self.region.code, "name": self.region.name, "level": self.region.level}
            if self.region is not None else None,
            "period": {"label": self.period.label, "from": f"{self.period.start:%Y-%m}",
                       "to": f"{_add_months(self.period.end, -1):%Y-%m}", "year": self.period.year,
                       "whole_year": self.period.is_whole_year},
            "previous_period": {"label": self.previous.label, "from": f"{self.previous.start:%Y-%m}",
                                "to": f"{_add_months(self.previous.end, -1):%Y-%m}"},
            "target": None if self.target is None else float(self.target),
            "partial_scope": self.partial_scope,
            "missing_counted_as_deaths": self.missing_with_deaths,
            "total": self.total.as_dict(),
            "breakdowns": {name: b.as_dict() for name, b in self.breakdowns.items()},
            "verdict": self.root.as_dict(),
            "regions": [r.as_dict() for r in self.regions],
            "trend": [y.as_dict() for y in self.trend],
        }


# --- reading --------------------------------------------------------------------------------------


def root_region(user, code: str | None = None):
    """The region the statistics are about: the region ``code`` if the user can see it (else
    Http404, as for any record outside the jurisdiction), by default the top of the user's
    scope; None for a system administrator without a region (every province)."""
    from anjian.regions.models import Region

    if code:
        region = Region.objects.for_user(user).filter(code=str(code).strip()).first()
        if region is None:
            raise Http404(_("No such region in your jurisdiction."))
        return region
    scope = scope_of(user)
    if scope.kind == ALL:
        return None
    if scope.kind == NONE:
        raise Http404(_("Your jurisdiction is not configured."))
    path = scope.path if scope.kind == REGION else scope.fallback_path
    region = Region.objects.filter(path=path).first()
    if region is None:  # pragma: no cover - a scope always names an existing region
        raise Http404(_("Your jurisdiction is not configured."))
    return region


def _bucket(bounds: list[tuple[date, int]]) -> Case:
    """The bucket (year or month number) of ``occurred_at`` by comparing it with the buckets'
    ends, ascending ``(first day after the bucket, key)``: a few timestamp comparisons per row,
    where EXTRACT(… AT TIME ZONE …) converted every row's time (measured: 4× the whole scan on
    PostgreSQL at 200,000 accidents, bench/README.md)."""
    return Case(*[When(occurred_at__lt=day_start(end), then=Value(key)) for end, key in bounds],
                default=Value(None), output_field=IntegerField())


def _month_bucket(period: Period, previous: Period) -> Case:
    ends = sorted({(_add_months(date(y, m, 1), 1), m) for y, m in previous.months + period.months})
    return _bucket(ends)


def _window(period: Period, previous: Period) -> Q:
    """The period and the previous year's same months: one range when they touch (a year, or
    twelve months), so the time index serves it as one range."""
    if previous.end == period.start:
        return Period(previous.start, period.end).q()
    return period.q() | previous.q()


def _current(period: Period) -> Case:
    start, _end = period.bounds()
    return Case(When(occurred_at__gte=start, then=Value(True)), default=Value(False), output_field=BooleanField())


def _grouped(qs: QuerySet, keys: dict[str, Any], period: Period, previous: Period) -> list[dict[str, Any]]:
    """ONE grouped query: the accidents of ``qs`` in ``period`` or ``previous`` summed per
    (``keys``…, in period). Several breakdowns share a query (industry × type, grade × category
    × month: at most a few thousand groups), each folded out of its rows by ``_fold``."""
    names = {f"k_{n}": (F(e) if isinstance(e, str) else e) for n, e in keys.items()}
    return list(qs.filter(_window(period, previous)).order_by()
                .annotate(**names, stat_current=_current(period))
                .values(*names, "stat_current").annotate(**_AGGREGATES))


def _period_sets(period: Period, previous: Period) -> dict[str, dict[str, Any]]:
    """The key sets of the period's breakdowns: region path; industry × accident type; grade ×
    category × month."""
    return {"region": {"path": "region_path"},
            "industry_type": {"industry": "industry_id", "type": "accident_type_id"},
            "grade_category_month": {"grade": "grade", "category": "category",
                                     "month": _month_bucket(period, previous)}}


def _grouped_sets(qs: QuerySet, period: Period, previous: Period) -> dict[str, list[dict[str, Any]]]:
    """The rows of every key set of ``_period_sets``. On PostgreSQL ONE scan of the period's
    accidents with GROUPING SETS (a province's year against the last: 3× fewer reads than a
    query per set, bench/README.md); elsewhere (SQLite) one grouped query per set. Both give the
    same rows (``_grouped``'s shape): the tests run on both."""
    sets = _period_sets(period, previous)
    if connection.vendor != "postgresql":
        return {name: _grouped(qs, keys, period, previous) for name, keys in sets.items()}
    keys = {f"k_{n}": (F(e) if isinstance(e, str) else e) for ks in sets.values() for n, e in ks.items()}
    inner = (qs.filter(_window(period, previous)).order_by().annotate(**keys, stat_current=_current(period))
             .values(*keys, "stat_current", "deaths", "missing", "serious_injuries", "minor_injuries",
                     "direct_loss_yuan", "category"))
    sql, params = inner.query.sql_with_params()
    key_names = {name: [f"k_{n}" for n in ks] for name, ks in sets.items()}
    firsts = [names[0] for names in key_names.values()]  # GROUPING() of these tells the sets apart
    grouping_sets = ", ".join("(" + ", ".join(f"s.{k}" for k in [*names, "stat_current"]) + ")"
                              for names in key_names.values())
    columns = [k for names in key_names.values() for k in names]
    outer = (f"SELECT {', '.join(f's.{k}' for k in columns)}, s.stat_current, "  # noqa: S608 - names are ours
             f"GROUPING({', '.join(f's.{k}' for k in firsts)}) AS stat_set, COUNT(*) AS n, "
             "SUM(s.deaths) AS s_deaths, SUM(s.missing) AS s_missing, SUM(s.serious_injuries) AS s_serious, "
             "SUM(s.minor_injuries) AS s_minor, SUM(s.direct_loss_yuan) AS s_loss, "
             "SUM(s.deaths) FILTER (WHERE s.category = %s) AS s_industrial_deaths, "
             "SUM(s.missing) FILTER (WHERE s.category = %s) AS s_industrial_missing "
             f"FROM ({sql}) s GROUP BY GROUPING SETS ({grouping_sets})")
    # Enough memory to hash all three sets at once (a province's year: ≈5,000 groups, a few MB;
    # the planner over-estimates them tenfold): with the default 4 MB it sorts the accidents for
    # a set instead — on disk — which took longer than the scan (bench/README.md). LOCAL: this
    # statement's transaction only.
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        cur.execute("SET LOCAL work_mem = '32MB'")
        cur.execute(outer, [AccidentCategory.INDUSTRIAL.value, AccidentCategory.INDUSTRIAL.value, *params])
        names = [c[0] for c in cur.description]
        fetched = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    # GROUPING(a, b, c) has a bit per argument, set when it is NOT grouped: the set that groups
    # the i-th first key has every bit but the i-th set.
    n = len(firsts)
    set_of = {((1 << n) - 1) ^ (1 << (n - 1 - i)): name for i, name in enumerate(sets)}
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in sets}
    for row in fetched:
        out[set_of[row["stat_set"]]].append(row)
    return out


def _fold(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> dict[Any, dict[str, dict[str, Any]]]:
    """Sum grouped rows into groups (``key`` maps a row to its group), period and previous apart."""
    groups: dict[Any, dict[str, dict[str, Any]]] = {}
    for row in rows:
        k = key(row)
        g = groups.get(k)
        if g is None:
            g = groups[k] = {"current": _zero(), "previous": _zero()}
        _add(g["current" if row["stat_current"] else "previous"], row)
    return groups


def _total(rows: Iterable[StatRow]) -> StatRow:
    cur, prev = _zero(), _zero()
    for r in rows:
        for k in cur:
            cur[k] += r.current[k]
            prev[k] += r.previous[k]
    return StatRow(key="total", label=_("Total"), current=cur, previous=prev)


def _rows(groups: dict[Any, dict[str, dict[str, Any]]], labels: dict[Any, tuple[str, str]],
          order: list[Any] | None = None) -> list[StatRow]:
    rows = [StatRow(key=k, label=labels.get(k, (str(k), ""))[0], code=labels.get(k, ("", ""))[1],
                    current=g["current"], previous=g["previous"]) for k, g in groups.items()]
    if order is not None:
        rank = {k: i for i, k in enumerate(order)}
        rows.sort(key=lambda r: (rank.get(r.key, len(rank)), str(r.label)))
    else:
        rows.sort(key=lambda r: (-r.current["count"], -r.previous["count"], str(r.label)))
    return rows


def _industry_roots() -> dict[int, tuple[int, str, str]]:
    """industry id → (top-level id, name, code): one query on the small taxonomy table."""
    from anjian.enterprises.models import Industry

    table = {pk: (parent, name, code) for pk, parent, name, code in
             Industry.objects.values_list("pk", "parent_id", "name", "code")}
    out = {}
    for pk in table:
        top = pk
        while table[top][0] is not None and table[top][0] in table:
            top = table[top][0]
        out[pk] = (top, table[top][1], table[top][2])
    return out


def _breakdown_region(rows: list[dict[str, Any]], root, children) -> Breakdown:
    base = root.path if root is not None else ""
    width = len(base) + CODE_LENGTH
    # Grouped by the accident's own path (a province's few thousand), cut to the child's in Python.
    groups = _fold(rows, lambda r: r["k_path"][:width])
    labels = {c.path: (c.name, c.code) for c in children}
    if root is not None:
        # Accidents registered on the region itself (not in one of its children).
        labels[root.path] = (_("%(name)s (itself)") % {"name": root.name}, "")
    missing = [k for k in groups if k not in labels]
    if missing:  # a voided child region still holding accidents
        from anjian.regions.models import Region

        labels.update({p: (n, c) for p, n, c in Region.objects.filter(path__in=missing)
                       .values_list("path", "name", "code")})
    for c in children:  # every child region is a row, with zeros when it had no accident
        groups.setdefault(c.path, {"current": _zero(), "previous": _zero()})
    rows = _rows(groups, labels, order=[c.path for c in children] + ([root.path] if root is not None else []))
    return Breakdown("region", str(BREAKDOWNS["region"]), rows, _total(rows))


def _breakdown(name: str, groups: dict[Any, dict[str, dict[str, Any]]], labels: dict[Any, tuple[str, str]],
               order: list[Any] | None = None) -> Breakdown:
    rows = _rows(groups, labels, order)
    return Breakdown(name, str(BREAKDOWNS[name]), rows, _total(rows))


def _other_breakdowns(sets: dict[str, list[dict[str, Any]]], period: Period) -> dict[str, Breakdown]:
    """Industry and accident type from one key set, grade, category and month from another."""
    from anjian.standards.models import AccidentType

    out: dict[str, Breakdown] = {}
    rows = sets["industry_type"]
    roots = _industry_roots()
    groups = _fold(rows, lambda r: roots[r["k_industry"]][0] if r["k_industry"] in roots else r["k_industry"])
    labels = {top: (n, c) for top, n, c in roots.values()}
    labels[None] = (_("No industry (e.g. road traffic)"), "")
    out["industry"] = _breakdown("industry", groups, labels, order=sorted(labels, key=lambda k: labels[k][1] or "~"))
    names = dict(AccidentType.objects.filter(pk__in={r["k_type"] for r in rows}).values_list("pk", "name"))
    # The 1986 and 2025 lists share most names: one row per name, so the years compare.
    groups = _fold(rows, lambda r: names.get(r["k_type"], str(r["k_type"])))
    out["accident_type"] = _breakdown("accident_type", groups, {k: (k, "") for k in groups})

    rows = sets["grade_category_month"]
    for name, choices in (("grade", AccidentGrade), ("category", AccidentCategory)):
        groups = _fold(rows, lambda r, n=name: r[f"k_{n}"])
        out[name] = _breakdown(name, groups, {v: (str(label), "") for v, label in choices.choices},
                               order=list(choices.values))
    groups = _fold(rows, lambda r: r["k_month"])
    months = period.months
    for _y, m in months:
        groups.setdefault(m, {"current": _zero(), "previous": _zero()})
    out["month"] = _breakdown("month", groups, {m: (f"{y}-{m:02d}", "") for y, m in months},
                              order=[m for _y, m in months])
    return out


FIGURE_COLUMNS = ("region_id", "year", "gdp_100m_yuan", "industrial_employment", "count_target_pct",
                  "deaths_target_pct")


def _figures(regions: list, years: Iterable[int], user) -> dict[tuple[int, int], SimpleNamespace]:
    """(region id, year) → the live yearly figures (the columns the rates and targets read), in
    one query."""
    from anjian.regions.models import RegionYearFigure

    ids = [r.pk for r in regions if r is not None]
    if not ids:
        return {}
    rows = (RegionYearFigure.objects.for_user(user).filter(region_id__in=ids, year__in=list(years))
            .order_by().values(*FIGURE_COLUMNS))
    return {(f["region_id"], f["year"]): SimpleNamespace(**f) for f in rows}


def _rates(totals: dict[str, Any], figure, year: int, whole_year: bool) -> Rates:
    return Rates(year=year, deaths=totals["deaths"], industrial_deaths=totals["industrial_deaths"],
                 gdp_100m_yuan=getattr(figure, "gdp_100m_yuan", None),
                 industrial_employment=getattr(figure, "industrial_employment", None), whole_year=whole_year)


def _verdict(row_current: dict, row_previous: dict, figure, target: Decimal | None) -> Verdict:
    v = Verdict(count=row_current["count"], previous_count=row_previous["count"],
                deaths=row_current["deaths"], previous_deaths=row_previous["deaths"])
    count_t = getattr(figure, "count_target_pct", None)
    deaths_t = getattr(figure, "deaths_target_pct", None)
    if count_t is not None or deaths_t is not None:
        v.count_target, v.deaths_target, v.target_source = count_t, deaths_t, "figures"
    elif target is not None:
        v.count_target = v.deaths_target = target
        v.target_source = "request"
    return v


def _trend(qs, period: Period, root, figures, target, with_missing: bool) -> list[YearRow]:
    """The region's totals per calendar year over the ten years ending with the period's year
    (one grouped query), each with its verdict against the year before and its rates."""
    last = period.year
    first = last - TREND_YEARS  # one more year, for the first year's comparison
    span = Period(date(first, 1, 1), date(last + 1, 1, 1))
    years = _bucket([(date(y + 1, 1, 1), y) for y in range(first, last + 1)])
    rows = list(qs.filter(span.q()).order_by().annotate(stat_year=years).values("stat_year").annotate(**_AGGREGATES))
    if with_missing:
        _missing_as_deaths(rows)
    by_year = {y: _zero() for y in range(first, last + 1)}
    today = period.today or timezone.localdate()
    for row in rows:
        _add(by_year.setdefault(row["stat_year"], _zero()), row)
    out = []
    for y in range(first + 1, last + 1):
        figure = figures.get((root.pk, y)) if root is not None else None
        out.append(YearRow(year=y, totals=by_year[y], verdict=_verdict(by_year[y], by_year[y - 1], figure, target),
                           rates=_rates(by_year[y], figure, y, whole_year=date(y + 1, 1, 1) <= today)))
    return out


def scoped_accidents(user, root) -> QuerySet:
    """``user``'s accidents (scoped, not voided) in the subtree of ``root`` (all when None)."""
    qs = Accident.objects.for_user(user)
    scope = scope_of(user)
    if root is None or (scope.kind == REGION and scope.path == root.path):
        return qs  # the scope is that subtree already: the same range twice costs a comparison per row
    return qs.filter(subtree_q("region_path", root.path))


def accident_statistics(user, *, region: str | None = None, year: Any = None, start: Any = None,
                        end: Any = None, target: Any = None, today: date | None = None) -> AccidentStatistics:
    """The accident statistics of ``region`` (a division code; default the top of the user's
    jurisdiction) over a period (``year``, or months ``start``…``end``; default this year),
    with every breakdown beside the previous year's same months, the 双下降 verdict and rates
    per child region, and the ten-year trend of the region. ``target`` (%) is the 双下降 target
    for regions whose yearly figures name none. Raises ValidationError naming a bad parameter,
    Http404 for a region outside the jurisdiction.

    Queries: the region, its children, the figures, three grouped queries over the period and
    the previous year's (by region path; by industry × accident type; by grade × category ×
    month), the ten-year trend, and the industry and accident-type names — whatever the number
    of groups."""
    from anjian.regions.models import Region

    period = parse_period(year=year, start=start, end=end, today=today)
    previous = period.previous()
    target_pct = parse_target(target)
    root = root_region(user, region)
    children = list(Region.objects.for_user(user).filter(parent=root).order_by("path")) if root is not None else \
        list(Region.objects.for_user(user).filter(parent__isnull=True).order_by("path"))
    qs = scoped_accidents(user, root)
    figures = _figures([root, *children], range(period.year - TREND_YEARS + 1, period.year + 1), user)

    sets = _grouped_sets(qs, period, previous)
    with_missing = missing_counted_as_deaths()
    if with_missing:
        for rows in sets.values():
            _missing_as_deaths(rows)
    breakdowns = {"region": _breakdown_region(sets["region"], root, children), **_other_breakdowns(sets, period)}

    y = period.year
    by_path = {r.key: r for r in breakdowns["region"].rows}
    regions = []
    for child in children:
        r = by_path[child.path]
        figure = figures.get((child.pk, y))
        regions.append(RegionVerdict(code=child.code, label=child.name,
                                     verdict=_verdict(r.current, r.previous, figure, target_pct),
                                     rates=_rates(r.current, figure, y, period.is_whole_year)))
    total = breakdowns["region"].total
    root_figure = figures.get((root.pk, y)) if root is not None else None
    root_line = RegionVerdict(code=root.code if root is not None else "",
                              label=root.name if root is not None else _("All provinces"),
                              verdict=_verdict(total.current, total.previous, root_figure, target_pct),
                              rates=_rates(total.current, root_figure, y, period.is_whole_year), is_root=True)
    scope = scope_of(user)
    partial = bool(scope.kind == REGION and scope.industry_ids) or scope.kind in (GRID, ENTERPRISE)
    return AccidentStatistics(region=root, period=period, previous=previous, target=target_pct,
                              breakdowns=breakdowns, regions=regions, root=root_line,
                              trend=_trend(qs, period, root, figures, target_pct, with_missing),
                              partial_scope=partial, missing_with_deaths=with_missing)

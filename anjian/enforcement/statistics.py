"""Enforcement statistics (执法统计): the enforcement indicators (``indicators.py``,
``indicators_inspections.py``) as one table, by region (a unit and the regions directly below
it), by department (a region's departments, each narrowed to the industries it supervises) or by
month (a unit's twelve months), for a year or a month; every figure drills down to the records
behind it (``core.indicators.records``).

Nothing here counts by hand: each row is a ``core.indicators.Subject`` and every figure comes from
``core.indicators.evaluate`` with the viewer, so a figure counts only what the viewer may see and a
unit outside the viewer's jurisdiction is 404. One evaluation answers every row of a region or
department table (each table one grouped query, whatever the number of rows); a month table is one
evaluation per month (at most twelve)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import indicators
from anjian.core.indicators import Indicator, Period, Subject, Value
from anjian.core.scoping import ALL, NONE, REGION, industry_subtree_ids, scope_of
from anjian.orgs.models import Department
from anjian.regions.models import Region

#: The table's columns, in order: the declared indicators (their names head the columns).
CODES = (
    "enforcement_inspections", "enforcement_plan_done", "enforcement_key_coverage", "enforcement_findings",
    "enforcement_hazards_raised", "enforcement_cases_filed", "pre_accident_case_rate", "case_on_time_rate",
    "penalty_count", "penalty_amount", "enforcement_measures", "summons_count", "circular_count",
    "exposure_count", "non_accident_penalty_share",
)
#: The indicator also shown a year before (同比).
YOY = "non_accident_penalty_share"
BREAKDOWNS = (("region", gettext_lazy("By region")), ("department", gettext_lazy("By department")),
              ("month", gettext_lazy("By month")))


def columns() -> list[Indicator]:
    return [i for i in (indicators.get(c) for c in CODES) if i is not None]


def region_subject(region: Region) -> Subject:
    return Subject.for_region(code=region.code, name=region.name, path=region.path, pk=region.pk,
                              level=region.level)


def department_subject(department: Department) -> Subject:
    """A department: its region, narrowed to the industries it supervises (prefetched)."""
    codes = [i.code for i in department.industries.all()]
    return Subject.for_department(pk=department.pk, name=department.name, path=department.region.path,
                                  region_id=department.region_id, industry_ids=industry_subtree_ids(codes),
                                  level=department.region.level)


def top_region(user) -> Region:
    scope = scope_of(user)
    if scope.kind == NONE:
        raise Http404(_("Your jurisdiction is not configured."))
    if scope.kind == ALL:
        row = Region.objects.filter(parent__isnull=True, is_voided=False).order_by("path").first()
    else:
        path = scope.path if scope.kind == REGION else scope.fallback_path
        row = Region.objects.filter(path=path).first()
    if row is None:
        raise Http404(_("No region has been set up yet."))
    return row


def resolve_region(user, code: str | None) -> Region:
    """The region asked for (by code), else the top of the viewer's jurisdiction; 404 outside it."""
    if code:
        row = Region.objects.for_user(user).filter(code=str(code).strip()[:12]).first()
        if row is None:
            raise Http404(_("No such region in your jurisdiction."))
        return row
    return top_region(user)


def resolve_department(user, pk: Any) -> Department:
    try:
        key = int(str(pk))
    except ValueError:
        raise Http404(_("No such department in your jurisdiction.")) from None
    row = (Department.objects.for_user(user).select_related("region").prefetch_related("industries")
           .filter(pk=key).first())
    if row is None:
        raise Http404(_("No such department in your jurisdiction."))
    return row


@dataclass
class Line:
    """One row of the table: its label, the unit a drill-down is about (``params``), the period
    and the figures by indicator code (plus the year-before figure of ``YOY``)."""

    label: str
    params: dict[str, Any]
    period: Period
    values: dict[str, Value]
    previous: Value | None = None
    is_total: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def change(self) -> Decimal | None:
        """The year-on-year change of ``YOY`` in percentage points."""
        now, before = self.values.get(YOY), self.previous
        if now is None or before is None or now.value is None or before.value is None:
            return None
        return now.value - before.value


def _period_params(period: Period) -> dict[str, Any]:
    params: dict[str, Any] = {"year": period.start.year}
    if period.is_month:
        params["month"] = period.start.month
    return params


def table(user, *, by: str, region: Region, period: Period, today: date | None = None) -> list[Line]:
    """The lines of the table: the unit first (the total), then its regions, departments or months."""
    codes = [i.code for i in columns()]
    if by == "month":
        subject = region_subject(region)
        year = period.start.year
        today = today or date.today()
        last = 12 if year < today.year else (today.month if year == today.year else 0)
        months = [Period.month(year, m) for m in range(1, last + 1)]
        lines = []
        whole = Period.year(year, today)
        for p, is_total in ((whole, True), *((m, False) for m in months)):
            values = indicators.evaluate(codes, user, [subject], p, today=today)
            previous = indicators.evaluate([YOY], user, [subject], p.previous_year(), today=today)[YOY]
            label = region.name if is_total else f"{p.start:%Y-%m}"
            lines.append(Line(label, {"region": region.code, **_period_params(p)}, p,
                              {c: values[c][subject.key] for c in codes}, previous[subject.key], is_total))
        return lines
    total = region_subject(region)
    units: list[tuple[Subject, dict[str, Any]]] = [(total, {"region": region.code})]
    if by == "department":
        rows = list(Department.objects.for_user(user).filter(region=region, is_voided=False)
                    .select_related("region").prefetch_related("industries").order_by("name", "pk"))
        units += [(department_subject(d), {"department": d.pk}) for d in rows]
    else:
        rows = list(Region.objects.for_user(user).filter(parent=region, is_voided=False).order_by("path"))
        units += [(region_subject(r), {"region": r.code}) for r in rows]
    subjects = [s for s, _p in units]
    values = indicators.evaluate(codes, user, subjects, period, today=today)
    previous = indicators.evaluate([YOY], user, subjects, period.previous_year(), today=today)[YOY]
    return [Line(s.label, {**params, **_period_params(period)}, period, {c: values[c][s.key] for c in codes},
                 previous[s.key], n == 0) for n, (s, params) in enumerate(units)]


def first_part(indicator: Indicator) -> str:
    """The drill-down part a figure links to: the one it counts (its numerator)."""
    parts = indicator.drill.parts if indicator.drill else ()
    for part in parts:
        if part.counts == "numerator":
            return part.code
    return parts[0].code if parts else ""


def plain(value: Value | None) -> Any:
    return None if value is None or value.value is None else value.value


def xlsx(lines: list[Line]) -> bytes:
    from anjian.core.exports import write_xlsx

    cols = columns()
    header = [str(_("Unit")), *[f"{i.name}（{i.unit_label}）" for i in cols],
              str(_("A year before: share of penalties not following an accident (%)")),
              str(_("Change (percentage points)"))]
    rows = [[line.label, *[plain(line.values.get(i.code)) for i in cols], plain(line.previous), line.change]
            for line in lines]
    out = io.BytesIO()
    write_xlsx(out, str(_("Enforcement statistics")), header, rows)
    return out.getvalue()

"""Indicators (指标): the figures the committee office steers with, each declared once by the app
that owns its data and evaluated for any region (with everything below it) or department over
any period.

An app declares its indicators in its own ``indicators`` module (``anjian/hazards/indicators.py``,
…), imported at start-up by ``CoreConfig.ready`` as the enterprise's file imports ``profile`` and
alerts imports ``rules``; core names no app. A declaration (``Indicator``) says:

- ``code``, ``name``, ``unit`` and ``direction`` (whether a higher or a lower figure is better);
- ``computation``: how it is computed, in words the user reads beside the figure, and ``basis``:
  the document and article its definition rests on, or that it is unconfirmed;
- ``evaluate(ctx)``: the figure of every subject of a ``Context`` (a viewer, a period and one or
  more subjects) as a ``Value``, keyed by ``Subject.key``;
- ``drill``: the records behind the figure (``Drill``): for a rate of 93 %, the 7 % missing
  (one part) and the 93 % counted (another), each a queryset of the owning app's records.

Rules every indicator keeps (tested in each app's tests/test_indicators.py):

- it reads through the one scoping mechanism: ``ctx.scoped(Model)`` is ``Model.objects.for_user(
  viewer)`` narrowed to the subjects through the model's own ``Scoping`` declaration (its path
  and industry lookups), so a viewer counts only what they may see and another county's viewer
  counts zero;
- it is set-based: one aggregate query per table for all the subjects at once
  (``Context.by_subject`` groups by the model's region path and folds the rows into the subjects
  in Python), never a loop over enterprises or records; indicators of one table share their
  query through ``Context.memo``;
- each drill-down part lists exactly the records its figure counts (numerator, or denominator
  minus numerator).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filters import day_start
from .paths import CODE_LENGTH, subtree_q

HIGHER = "higher"
LOWER = "lower"
DIRECTIONS = {HIGHER: gettext_lazy("Higher is better"), LOWER: gettext_lazy("Lower is better")}


class Unit(models.TextChoices):
    """How a figure reads. ``CHANGE`` is a change on the same months a year before, in %;
    ``VERDICT`` a yes/no judgement (1 achieved, 0 not)."""

    PERCENT = "percent", gettext_lazy("%")
    COUNT = "count", gettext_lazy("items")
    PERSONS = "persons", gettext_lazy("persons")
    CHANGE = "change", gettext_lazy("% year on year")
    PER_100M_YUAN = "per_100m_yuan", gettext_lazy("deaths per 100 million yuan")
    PER_100K = "per_100k", gettext_lazy("deaths per 100,000 workers")
    VERDICT = "verdict", gettext_lazy("verdict")
    YUAN = "yuan", gettext_lazy("yuan")


REGION = "region"
DEPARTMENT = "department"

#: Decimal places a figure is kept with (rates in %: 2; the accident rates per 亿元 and per 100,000: 4).
PLACES = {Unit.PERCENT: 2, Unit.CHANGE: 2, Unit.PER_100M_YUAN: 4, Unit.PER_100K: 4}


def quantize(value: Decimal | float | int | None, unit: str) -> Decimal | None:
    """``value`` rounded half up to the unit's places (whole numbers for counts)."""
    if value is None:
        return None
    places = PLACES.get(unit, 0)
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- subjects and periods ---------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What a figure is about: a region with everything below it, or a department (the region it
    belongs to, narrowed to the industries it supervises, with their sub-sectors, when it names
    any). Built by the caller from its rows (core knows no region nor department model)."""

    kind: str
    key: str  # the region's division code, or "d<department id>"
    label: str
    path: str
    industry_ids: frozenset[int] | None = None
    region_id: int | None = None  # the region (a department's own region): yearly figures
    level: str = ""  # the region's level (province … township)

    @classmethod
    def for_region(cls, *, code: str, name: str, path: str, pk: int | None = None, level: str = "") -> Subject:
        return cls(REGION, code, name, path, None, pk, level)

    @classmethod
    def for_department(cls, *, pk: int, name: str, path: str, region_id: int | None = None,
                       industry_ids: Iterable[int] = (), level: str = "") -> Subject:
        ids = frozenset(industry_ids)
        return cls(DEPARTMENT, f"d{pk}", name, path, ids or None, region_id, level)

    def q(self, model: type[models.Model]) -> Q:
        """The rows of ``model`` that belong to this subject, by the lookups of the model's
        ``Scoping`` declaration (the same lookups the viewer's scope is applied by)."""
        spec = getattr(model, "Scoping", None)
        path_field = getattr(spec, "path", None)
        if not path_field:
            raise TypeError(f"{model.__name__} declares no Scoping path; it cannot be counted by subject")
        q = subtree_q(path_field, self.path)
        industry_field = getattr(spec, "industry", None)
        if self.industry_ids and industry_field:
            q &= Q(**{f"{industry_field}__in": sorted(self.industry_ids)})
        return q


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months [start, end): ``start`` is the first day of the first month, ``end`` the
    first day after the last one."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int, today: date | None = None) -> Period:
        """A calendar year; the current year runs to the end of the current month (year to date),
        so a comparison with the year before compares the same months."""
        today = today or timezone.localdate()
        end = date(year + 1, 1, 1)
        this_month = date(today.year, today.month, 1)
        if date(year, 1, 1) <= this_month < end:
            end = _add_months(this_month, 1)
        return cls(date(year, 1, 1), end)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return cls(start, _add_months(start, 1))

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    @property
    def is_month(self) -> bool:
        return self.months == 1

    @property
    def is_whole_year(self) -> bool:
        return self.start.month == 1 and self.end == date(self.start.year + 1, 1, 1)

    @property
    def label(self) -> str:
        last = _add_months(self.end, -1)
        if self.is_whole_year:
            return f"{self.start.year}"
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m} – {last:%Y-%m}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes (local midnights), for timestamp ranges."""
        return day_start(self.start), day_start(self.end)

    def q(self, field_name: str) -> Q:
        """``field_name`` (a timestamp) within the period."""
        start, end = self.bounds()
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})

    def previous_year(self) -> Period:
        """The same months one year earlier."""
        return Period(_add_months(self.start, -12), _add_months(self.end, -12))

    def as_of(self, now: datetime | None = None) -> datetime:
        """The moment a "state at the end of the period" is read at: the period's end, or now
        when the period has not ended yet."""
        now = now or timezone.now()
        return min(self.bounds()[1], now)


def parse_period(*, year: Any = None, month: Any = None, today: date | None = None) -> Period:
    """The period of a request: ``year`` (default this year) and optionally ``month`` (1–12).
    Raises ValidationError naming the parameter."""
    today = today or timezone.localdate()
    if year in (None, ""):
        y = today.year
    else:
        try:
            y = int(str(year).strip())
        except ValueError:
            raise ValidationError({"year": _("Enter a year such as 2026.")}) from None
        if not 1990 <= y <= 2100:
            raise ValidationError({"year": _("Enter a year between 1990 and 2100.")})
    if month in (None, ""):
        return Period.year(y, today)
    try:
        m = int(str(month).strip())
    except ValueError:
        raise ValidationError({"month": _("Enter a month from 1 to 12.")}) from None
    if not 1 <= m <= 12:
        raise ValidationError({"month": _("Enter a month from 1 to 12.")})
    return Period.month(y, m)


# --- figures -------------------------------------------------------------------------------


@dataclass
class Value:
    """One figure of one subject: ``value`` (None when it cannot be computed: ``note`` says
    why), what it is made of (``numerator`` ÷ ``denominator`` for a rate, current and previous
    for a change) and, for a verdict, ``verdict`` ("achieved", "not_achieved" or
    "zero_accidents")."""

    value: Decimal | None
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    note: str = ""
    verdict: str = ""

    @property
    def available(self) -> bool:
        return self.value is not None

    def as_dict(self) -> dict[str, Any]:
        def plain(v):
            return None if v is None else (float(v) if isinstance(v, Decimal) else v)

        return {"value": plain(self.value), "numerator": plain(self.numerator),
                "denominator": plain(self.denominator), "note": self.note, "verdict": self.verdict}


def rate(numerator: int, denominator: int, *, empty_note: str = "") -> Value:
    """numerator ÷ denominator in %, None (with ``empty_note``) when there is nothing to count."""
    if not denominator:
        return Value(None, numerator, denominator, note=str(empty_note or _("Nothing to count in this period.")))
    return Value(quantize(Decimal(numerator) * 100 / Decimal(denominator), Unit.PERCENT), numerator, denominator)


def count(n: int) -> Value:
    return Value(Decimal(n or 0), n or 0)


def change(current: int, previous: int) -> Value:
    """(current − previous) ÷ previous × 100; None when previous is 0 (the note says so)."""
    if not previous:
        note = (_("Nothing in either period.") if not current
                else _("Nothing a year before: no year-on-year change can be computed."))
        return Value(None, current, previous, note=note)
    return Value(quantize(Decimal(current - previous) * 100 / Decimal(previous), Unit.CHANGE), current, previous)


# --- the records behind a figure ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a drill-down list: a ``values()`` lookup of the record, its heading, and how
    it reads (``choices``: the model's choices for a code; ``kind``: "text", "date", "datetime",
    "number")."""

    lookup: str
    label: Any
    kind: str = "text"
    choices: Any = None  # (value, label) pairs, or a callable answering them (read when shown)

    def display(self, value: Any) -> Any:
        """``value`` as the list shows it: a code by its label (never the code itself)."""
        if self.choices is None or value in (None, ""):
            return value
        pairs = self.choices() if callable(self.choices) else self.choices
        return dict(pairs).get(value, value)


@dataclass(frozen=True)
class DrillPart:
    """One list of records behind a figure: ``code`` ("missing", "counted", …) and its heading.
    ``counts`` names the part of the figure it equals: "numerator", "rest" (denominator minus
    numerator) or "denominator"; the tests hold every part to it."""

    code: str
    label: Any
    counts: str = "numerator"


def missing_and_counted(missing_label, counted_label) -> tuple[DrillPart, DrillPart]:
    """The two lists behind a rate: the records it misses (denominator minus numerator) and
    those it counts (the numerator)."""
    return DrillPart("missing", missing_label, "rest"), DrillPart("counted", counted_label, "numerator")


@dataclass(frozen=True)
class Drill:
    """The records behind a figure: ``records(ctx, part)`` answers the queryset of one part for
    the context's single subject (read through ``ctx.scoped``), shown with ``columns`` and linked
    to ``url_name`` (reversed with the record's key)."""

    model: str  # "app_label.ModelName"
    parts: tuple[DrillPart, ...]
    records: Callable[[Context, str], models.QuerySet]
    columns: tuple[Column, ...]
    url_name: str = ""
    ordering: tuple[str, ...] = ("-pk",)

    def part(self, code: str) -> DrillPart | None:
        return next((p for p in self.parts if p.code == code), None)


# --- declarations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One declared indicator (see the module docstring)."""

    code: str
    name: Any
    unit: str
    direction: str
    computation: Any
    evaluate: Callable[[Context], dict[str, Value]]
    drill: Drill | None = None
    basis: Any = ""
    group: str = ""  # the owning app's label, to group indicators on a page
    order: int = 0
    #: The kinds of subject it can be evaluated for (a rate per 亿元 GDP needs a region's figures).
    subjects: tuple[str, ...] = (REGION, DEPARTMENT)
    numerator_label: Any = ""
    denominator_label: Any = ""

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(f"indicator {self.code}: direction must be {HIGHER!r} or {LOWER!r}")
        if self.unit not in Unit.values:
            raise ValueError(f"indicator {self.code}: unknown unit {self.unit!r}")

    @property
    def unit_label(self) -> str:
        return str(Unit(self.unit).label)

    def better(self, a: Decimal, b: Decimal) -> bool:
        """Whether figure ``a`` is better than ``b``."""
        return a > b if self.direction == HIGHER else a < b

    def meets(self, value: Decimal | None, target: Decimal | None) -> bool | None:
        """Whether ``value`` reaches ``target`` (at or above it when higher is better, at or
        below it when lower is better); None when either is missing."""
        if value is None or target is None:
            return None
        return value >= target if self.direction == HIGHER else value <= target


_REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add ``indicator`` (re-registering a code replaces it: module reloads)."""
    _REGISTRY[indicator.code] = indicator
    return indicator


def unregister(code: str) -> None:
    """Remove an indicator (tests)."""
    _REGISTRY.pop(code, None)


def get(code: str) -> Indicator | None:
    return _REGISTRY.get(code)


def all_indicators() -> list[Indicator]:
    """Every registered indicator, by group order then declaration order."""
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.code))


def choices() -> list[tuple[str, str]]:
    """(code, name) of every indicator, for forms and filters."""
    return [(i.code, str(i.name)) for i in all_indicators()]


# --- evaluation --------------------------------------------------------------------------------


class Context:
    """One evaluation: who looks (``viewer``: every read goes through their scope), over which
    ``period``, about which ``subjects``; ``today`` is the day it is read on. Indicators of one
    table share their grouped query through ``memo``."""

    def __init__(self, viewer, period: Period, subjects: Sequence[Subject], *, today: date | None = None,
                 now: datetime | None = None):
        self.viewer = viewer
        self.period = period
        self.subjects = list(subjects)
        self.now = now or timezone.now()
        self.today = today or timezone.localdate(self.now)
        self._memo: dict[Any, Any] = {}

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def subject(self) -> Subject:
        """The single subject of a drill-down context."""
        if len(self.subjects) != 1:
            raise ValueError("this context has more than one subject")
        return self.subjects[0]

    def scoped(self, model_or_qs: type[models.Model] | models.QuerySet, *, include_voided: bool = False
               ) -> models.QuerySet:
        """The viewer's rows of ``model_or_qs`` (``for_user``) that belong to any subject."""
        qs = model_or_qs._default_manager.all() if isinstance(model_or_qs, type) else model_or_qs
        qs = qs.for_user(self.viewer, include_voided=include_voided)
        return qs.filter(self._subjects_q(qs.model))

    def _subjects_q(self, model: type[models.Model]) -> Q:
        if len(self.subjects) == 1:
            return self.subjects[0].q(model)
        if self._foldable():
            return Subject.for_region(code="", name="", path=self._common_path()).q(model)
        q = Q()
        for s in self.subjects:
            q |= s.q(model)
        return q

    def _foldable(self) -> bool:
        """Whether the subjects can be counted in one query grouped by region path: all regions
        (no industries), so a row belongs to a subject by its path's prefix."""
        return all(s.kind == REGION and not s.industry_ids for s in self.subjects)

    def _common_path(self) -> str:
        paths = [s.path for s in self.subjects]
        first, last = min(paths), max(paths)
        n = 0
        while n < len(first) and n < len(last) and first[n] == last[n]:
            n += 1
        return first[: n - n % CODE_LENGTH]

    def by_subject(self, qs: models.QuerySet, **aggregates: Any) -> dict[str, dict[str, Any]]:
        """``aggregates`` (additive ones: counts and sums) of ``qs`` — a queryset already read
        through ``scoped`` — per subject: {subject key: {name: value}}.

        Every subject is counted in ONE query grouped by the model's region path (a city's
        townships: a few hundred rows) — and by its industry when a subject is a department
        narrowed to industries — folded into the subjects by path prefix (and industry) in Python;
        a row counts for every subject whose subtree holds it (a region and its child may both be
        subjects, a department and its region too). The query count does not grow with the number
        of subjects."""
        model = qs.model
        names = list(aggregates)
        out = {s.key: dict.fromkeys(names, 0) for s in self.subjects}
        if not self.subjects:
            return out
        if len(self.subjects) == 1:
            row = qs.aggregate(**aggregates)
            out[self.subjects[0].key] = {k: row[k] or 0 for k in names}
            return out
        path_field = model.Scoping.path
        industry_field = getattr(model.Scoping, "industry", None)
        by_industry = bool(industry_field) and any(s.industry_ids for s in self.subjects)
        by_path: dict[str, list[Subject]] = {}
        for s in self.subjects:
            by_path.setdefault(s.path, []).append(s)
        lengths = sorted({len(p) for p in by_path}, reverse=True)
        group = [path_field, industry_field] if by_industry else [path_field]
        rows = qs.order_by().values(*group).annotate(**aggregates)
        for row in rows:
            path = row[path_field] or ""
            industry = row[industry_field] if by_industry else None
            for n in lengths:
                for s in by_path.get(path[:n], ()):
                    if by_industry and s.industry_ids and industry not in s.industry_ids:
                        continue
                    target = out[s.key]
                    for k in names:
                        target[k] += row[k] or 0
        return out


def evaluate(indicators: Iterable[Indicator | str], viewer, subjects: Sequence[Subject], period: Period, *,
             today: date | None = None, now: datetime | None = None) -> dict[str, dict[str, Value]]:
    """The figures of ``indicators`` for every subject: {indicator code: {subject key: Value}}.
    One context for all of them, so indicators of one table share a query. A subject of a kind
    an indicator cannot be evaluated for gets a Value of None saying so."""
    ctx = Context(viewer, period, subjects, today=today, now=now)
    out: dict[str, dict[str, Value]] = {}
    for item in indicators:
        indicator = get(item) if isinstance(item, str) else item
        if indicator is None:
            continue
        fit = [s for s in subjects if s.kind in indicator.subjects]
        values: dict[str, Value] = {}
        if fit:
            sub = ctx if len(fit) == len(subjects) else _narrowed(ctx, fit)
            values = indicator.evaluate(sub)
        for s in subjects:
            if s.key not in values:
                values[s.key] = Value(None, note=_("Not available for this kind of unit."))
        out[indicator.code] = values
    return out


def _narrowed(ctx: Context, subjects: Sequence[Subject]) -> Context:
    sub = Context(ctx.viewer, ctx.period, subjects, today=ctx.today, now=ctx.now)
    return sub


def records(indicator: Indicator, part: str, viewer, subject: Subject, period: Period, *,
            today: date | None = None, now: datetime | None = None) -> models.QuerySet:
    """The records of one drill-down ``part`` of ``indicator`` for one subject, ordered.
    Raises ValidationError naming ``part`` when the indicator has no such list."""
    drill = indicator.drill
    if drill is None or drill.part(part) is None:
        raise ValidationError({"part": _("This figure has no such list of records.")})
    ctx = Context(viewer, period, [subject], today=today, now=now)
    return drill.records(ctx, part).order_by(*drill.ordering)

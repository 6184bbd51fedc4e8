"""Reads of the hazard ledger shared by pages, the API and exports: the dashboard summary and
the statistics (隐患统计) by region, industry, grade, source, state and month found.

Everything is read through ``Hazard.objects.for_user`` and is one grouped query over the
hazard table (plus a lookup of the groups' names on small reference tables), so a city's
statistics by county cost the same whether it has ten hazards or a million.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.paths import CODE_LENGTH
from anjian.core.scoping import ENTERPRISE, GRID, region_path, scope_of

from .choices import OPEN_STATES, UNCLOSED_STATES, HazardGrade, HazardSource, HazardState, ListingState
from .models import Hazard, ListedSupervision

# --- dashboard ----------------------------------------------------------------------------------


def hazard_summary(user, today: date | None = None) -> dict[str, int]:
    """The home page's hazard figures in ``user``'s scope:

    - ``open``: not yet closed out (reported, rectifying, rectified or accepted);
    - ``overdue``: reported or rectifying past the rectification deadline;
    - ``major_open``: major hazards not yet closed out;
    - ``listed``: under listed supervision (挂牌督办) now.

    Two small queries: one aggregate over the unclosed hazards only (every figure but the last
    is among them, so the closed history — nine in ten rows — is never read; the (state, grade,
    region path) index finds them), and a count of the active listings on their own table (a
    closed-out hazard stays listed until it is delisted)."""
    today = today or timezone.localdate()
    counts = (Hazard.objects.for_user(user).filter(state__in=UNCLOSED_STATES)
              .aggregate(open=Count("pk"),
                         overdue=Count("pk", filter=Q(state__in=OPEN_STATES, deadline__lt=today)),
                         major_open=Count("pk", filter=Q(grade=HazardGrade.MAJOR))))
    counts["listed"] = ListedSupervision.objects.for_user(user).filter(state=ListingState.LISTED).count()
    return counts


# --- one enterprise, and a page of enterprises (the enterprise's file and list) --------------------


def enterprise_hazard_summary(user, enterprise_id: int, today: date | None = None) -> dict[str, int]:
    """One enterprise's hazard figures in ``user``'s scope, as ``hazard_summary`` counts them
    (``open`` = not yet closed out), plus ``rectified`` (awaiting acceptance) and ``total``
    (ever reported, closed ones included). One aggregate over the enterprise's hazards on the
    (enterprise, state) index."""
    today = today or timezone.localdate()
    return (Hazard.objects.for_user(user).filter(enterprise_id=enterprise_id)
            .aggregate(total=Count("pk"),
                       open=Count("pk", filter=Q(state__in=UNCLOSED_STATES)),
                       overdue=Count("pk", filter=Q(state__in=OPEN_STATES, deadline__lt=today)),
                       major_open=Count("pk", filter=Q(state__in=UNCLOSED_STATES, grade=HazardGrade.MAJOR)),
                       rectified=Count("pk", filter=Q(state=HazardState.RECTIFIED)),
                       listed=Count("pk", filter=Q(is_listed=True))))


def open_hazards(user, enterprise_id: int, limit: int = 5) -> list[Hazard]:
    """The enterprise's hazards not yet closed out in ``user``'s scope, major first, then the
    earliest deadline: the ones to look at first. One query."""
    return list(Hazard.objects.for_user(user).filter(enterprise_id=enterprise_id, state__in=UNCLOSED_STATES)
                .order_by("-grade", "deadline", "id")[:limit])


def open_hazard_counts(user, enterprise_ids: Sequence[int]) -> dict[int, int]:
    """For a page of enterprises (ids read through ``for_user``): how many hazards each has
    not yet closed out, in ``user``'s scope. Enterprises without one are absent. One grouped
    query on the (enterprise, state) index."""
    rows = (Hazard.objects.for_user(user).filter(enterprise_id__in=list(enterprise_ids), state__in=UNCLOSED_STATES)
            .order_by().values("enterprise_id").annotate(n=Count("pk")).values_list("enterprise_id", "n"))
    return dict(rows)


# --- one area and one period (the committee office's monthly report, h/steer) --------------------


def area_period_counts(path: str, start: date, end: date, *, industry_ids: Sequence[int] | None = None,
                       today: date | None = None) -> dict[str, int]:
    """The hazard work of an area in a period, for a report the area's own unit files (so it
    is not narrowed to a user: the caller names the area it answers for). The area is the
    region with path ``path`` and below it, narrowed to ``industry_ids`` when given (a
    department's industries). Voided hazards are never counted.

    - ``found`` / ``found_major``: hazards found (``found_at``) from ``start`` to ``end`` inclusive;
    - ``rectified`` / ``rectified_major``: hazards whose rectification was accepted (``accepted_at``)
      in the period, whenever they were found;
    - ``overdue``: hazards still open (reported, rectifying) past their deadline on ``today``.

    Two aggregates on the (region path …) indexes; the period's bounds are local midnights."""
    from anjian.core.filters import day_start
    from anjian.core.paths import subtree_q

    today = today or timezone.localdate()
    since, until = day_start(start), day_start(end + timedelta(days=1))
    area = Hazard.objects.filter(subtree_q("region_path", path), is_voided=False)
    if industry_ids:
        area = area.filter(industry_id__in=sorted(industry_ids))
    found = area.filter(found_at__gte=since, found_at__lt=until).aggregate(
        found=Count("pk"), found_major=Count("pk", filter=Q(grade=HazardGrade.MAJOR)))
    done = area.filter(accepted_at__gte=since, accepted_at__lt=until).aggregate(
        rectified=Count("pk"), rectified_major=Count("pk", filter=Q(grade=HazardGrade.MAJOR)))
    overdue = area.filter(state__in=OPEN_STATES, deadline__lt=today).count()
    return {**found, **done, "overdue": overdue}


# --- the ledger ---------------------------------------------------------------------------------


def hazard_rows(pks: Sequence[int], columns: Sequence[str]) -> list[dict[str, Any]]:
    """``values(*columns)`` rows of the hazards ``pks``, in that order, in one query.

    The keys come from the scoped, filtered ledger (a page of them), so the rows are read by
    primary key alone: 50 primary-key lookups whatever the ledger's filters, with only the
    columns the list shows (and their joins: enterprise, its township, industry, grid,
    criterion)."""
    if not pks:
        return []
    rows = Hazard._base_manager.filter(pk__in=pks).values(*columns).order_by()  # in the keys' order below
    by_pk = {row["id"]: row for row in rows}
    return [by_pk[pk] for pk in pks if pk in by_pk]


# --- statistics ---------------------------------------------------------------------------------

DIMENSIONS: dict[str, Any] = {
    "region": _("Region"),
    "industry": _("Industry"),
    "grade": _("Grade"),
    "source": pgettext_lazy("hazard", "Source"),
    "state": _("State"),
    "month": _("Month found"),
}
"""The dimensions statistics are grouped by (``group_by``), with their column headings."""

#: The counted columns of a statistics row, in table order, with their headings.
COUNT_COLUMNS: dict[str, Any] = {
    "total": _("Hazards"),
    "reported": HazardState.REPORTED.label,
    "rectifying": HazardState.RECTIFYING.label,
    "rectified": _("Awaiting acceptance"),
    "accepted": HazardState.ACCEPTED.label,
    "closed": HazardState.CLOSED.label,
    "overdue": _("Overdue"),
    "done": _("Rectified and accepted"),
    "on_time": _("Rectified on time"),
    "major": _("Major hazards"),
    "major_done": _("Major hazards rectified"),
    "listed": _("Listed for supervision"),
    "delisted": _("Delisted"),
    "delisted_on_time": _("Delisted within the deadline"),
}
#: The rates of a statistics row: (numerator, denominator, heading).
RATE_COLUMNS: dict[str, tuple[str, str, Any]] = {
    "rectification_rate": ("done", "total", _("Rectification rate")),
    "on_time_rate": ("on_time", "done", _("On-time rectification rate")),
    "major_rate": ("major_done", "major", _("Major-hazard rectification rate")),
    # Only a delisting within the listing's deadline completes a listed supervision (issue #10; the
    # rule of the issue, no official definition of the rate found — unconfirmed).
    "listing_rate": ("delisted_on_time", "listed", _("Listed-supervision completion rate")),
}

TOWNSHIP_PATH_LENGTH = 4 * CODE_LENGTH  # province, city, county, township: enterprises sit at townships

#: The counted measures of a statistics row (see ``hazard_statistics``), in table order; StatRow
#: adds ``done``.
MEASURES = ("total", *HazardState.values, "overdue", "on_time", "major", "major_done", "listed", "delisted",
            "delisted_on_time")
DONE_STATES = (HazardState.ACCEPTED, HazardState.CLOSED)

ON_TIME = ExpressionWrapper(Q(rectified_at__date__lte=F("deadline")), output_field=BooleanField())
"""Whether the rectification was submitted on time: ``rectified_at`` as a date in the project's
time zone, on or before the deadline in force (with approved extensions); NULL when it was not
submitted. The same expression is a key of the index ``hz_stats_idx`` (``Hazard.Meta.indexes``,
PostgreSQL), so the statistics read it from the index instead of converting every row's time to
the local date (the tests check both are the same expression)."""


def _grouped_counts(qs: QuerySet, key, today: date) -> QuerySet:
    """The one grouped query of the statistics: the hazards of ``qs`` counted per (``key``,
    state, grade, on time), with how many of each are past their deadline, ever listed, and
    delisted. ``hazard_statistics`` sums these few rows into the measures.

    Grouped by plain columns and the on-time flag, a region's statistics are an index-only scan
    of ``hz_stats_idx`` in its own order (no sort, no hash, no join). Thirteen filtered counts
    per row, a joined listing and a cut path cost the database four times the scan itself
    (measured at 10M hazards, a city's million through the same index: about 0.6 s, against
    0.15 s like this; bench/README.md).

    Listings: ``listed`` counts major hazards that have a listed-supervision row, ``delisted``
    those whose listing was delisted and that are not listed again. Each is a membership test in
    the listings' hazard ids (hashed once per query: a province's 10,000 listings take under
    1 MB), made only for major hazards — three in a hundred — after the grade test: tested on
    every hazard they cost a third of the query."""
    listings = ListedSupervision.objects.values("hazard_id")
    major = Q(grade=HazardGrade.MAJOR)
    ever_listed = major & Q(pk__in=listings)
    delisted = (major & Q(pk__in=listings.filter(state=ListingState.DELISTED))
                & ~Q(pk__in=listings.filter(state=ListingState.LISTED)))
    # Delisted on or before the listing's deadline (the local date of the delisting).
    on_time = listings.filter(state=ListingState.DELISTED, delisted_at__date__lte=F("deadline"))
    delisted_on_time = delisted & Q(pk__in=on_time)
    return (qs.order_by().annotate(group_key=key, stat_on_time=ON_TIME)
            .values("group_key", "state", "grade", "stat_on_time")
            .annotate(n=Count("*"), past_deadline=Count("pk", filter=Q(deadline__lt=today)),
                      n_listed=Count("pk", filter=ever_listed), n_delisted=Count("pk", filter=delisted),
                      n_delisted_on_time=Count("pk", filter=delisted_on_time))
            .order_by("group_key"))


def _sum_groups(rows, fold=None) -> dict[Any, dict[str, int]]:
    """The measures per group key from ``_grouped_counts`` rows (``fold`` maps a row's key to its
    group's), in the order the keys first appear."""
    groups: dict[Any, dict[str, int]] = {}
    states = set(HazardState.values)
    for row in rows:
        key = row["group_key"] if fold is None else fold(row["group_key"])
        counts = groups.get(key)
        if counts is None:
            counts = groups[key] = dict.fromkeys(MEASURES, 0)
        n, state = row["n"], row["state"]
        counts["total"] += n
        if state in states:
            counts[state] += n
        if state in OPEN_STATES:
            counts["overdue"] += row["past_deadline"]
        done = state in DONE_STATES
        if done and row["stat_on_time"]:
            counts["on_time"] += n
        if row["grade"] == HazardGrade.MAJOR:
            counts["major"] += n
            if done:
                counts["major_done"] += n
        counts["listed"] += row["n_listed"]
        counts["delisted"] += row["n_delisted"]
        counts["delisted_on_time"] += row["n_delisted_on_time"]
    return groups


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class StatRow:
    """One group of a statistics table: its key, label, counts and rates (rates are fractions
    0…1, None when the denominator is 0). ``code`` is the region code of a region group."""

    key: Any
    label: str
    counts: dict[str, int]
    code: str = ""
    rates: dict[str, float | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.counts["done"] = self.counts.get("accepted", 0) + self.counts.get("closed", 0)
        self.rates = {name: _rate(self.counts[num], self.counts[den]) for name, (num, den, _h) in RATE_COLUMNS.items()}

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key if not isinstance(self.key, datetime | date) else self.label,
                               "label": self.label}
        if self.code:
            out["code"] = self.code
        out.update({name: self.counts[name] for name in COUNT_COLUMNS})
        out.update({name: None if v is None else round(v, 4) for name, v in self.rates.items()})
        return out


@dataclass
class StatisticsTable:
    """The result of ``hazard_statistics``: rows by the dimension, and the total row."""

    group_by: str
    dimension: str
    rows: list[StatRow]
    total: StatRow
    parent_code: str = ""  # region grouping: the region whose children the rows are ("" for the scope's)

    def as_dict(self) -> dict[str, Any]:
        return {"group_by": self.group_by, "dimension": self.dimension,
                "rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict()}


def filtered_hazards(user, filters: Mapping[str, Any] | None = None) -> QuerySet:
    """``user``'s hazards narrowed by the ledger's filters (``HazardFilter``, same query string);
    raises ValidationError naming the invalid filters."""
    from .filters import HazardFilter

    qs = Hazard.objects.for_user(user)
    if not filters:
        return qs
    filterset = HazardFilter(filters, queryset=qs)
    if not filterset.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs


def _region_depth_path(user, filters: Mapping[str, Any] | None) -> str:
    """The path whose children a region grouping shows: the deeper of the user's scope region
    and the region filter (a region outside the scope matches nothing anyway)."""
    scope = scope_of(user)
    base = scope.fallback_path if scope.kind in (GRID, ENTERPRISE) else scope.path
    code = (filters or {}).get("region") or ""
    within = region_path(str(code).strip()) if code else None
    if within and len(within) > len(base) and within.startswith(base):
        base = within
    return base


def _group_expression(group_by: str, parent: str):
    if group_by == "region":
        if len(parent) >= TOWNSHIP_PATH_LENGTH:
            # A township's hazards all carry its path: below it, group by grid instead.
            return F("grid_id")
        # Grouped by the hazard's own (township) path, summed up to the child region in Python
        # (_child_region): a few thousand rows per city, where cutting the path in SQL made a
        # string per hazard (0.1 s for a city's million) and kept the index's order from use.
        return F("region_path")
    if group_by == "industry":
        return F("industry_id")
    if group_by in ("grade", "source", "state"):
        return F(group_by)
    if group_by == "month":
        return TruncMonth("found_at")
    raise ValidationError({"group_by": _("Choose one of: %(choices)s.") % {"choices": ", ".join(DIMENSIONS)}})


def _child_region(parent: str):
    """key → the child region's path of ``parent`` it lies in (the first 12·d digits at depth d)."""
    width = len(parent) + CODE_LENGTH
    return lambda path: path if path is None else path[:width]


def _labels(group_by: str, keys: list[Any], parent: str) -> dict[Any, tuple[str, str]]:
    """key → (label, code) for the groups found; names come from the small reference tables."""
    if group_by == "region" and len(parent) >= TOWNSHIP_PATH_LENGTH:
        from anjian.regions.models import Grid

        names = dict(Grid.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
        return {k: (names.get(k, str(_("No grid"))) if k else str(_("No grid")), "") for k in keys}
    if group_by == "region":
        from anjian.regions.models import Region

        names = dict(Region.objects.filter(path__in=keys).values_list("path", "name"))
        return {k: (names.get(k, k[-CODE_LENGTH:]), k[-CODE_LENGTH:]) for k in keys}
    if group_by == "industry":
        from anjian.enterprises.models import Industry

        rows = Industry.objects.filter(pk__in=keys).values_list("pk", "name", "code")
        found = {pk: (name, code) for pk, name, code in rows}
        return {k: found.get(k, (str(k), "")) for k in keys}
    choices = {"grade": HazardGrade, "source": HazardSource, "state": HazardState}.get(group_by)
    if choices is not None:
        labels = dict(choices.choices)
        return {k: (str(labels.get(k, k)), "") for k in keys}
    # month: the key is the first moment of the month (aware) or a date.
    return {k: (timezone.localtime(k).strftime("%Y-%m") if isinstance(k, datetime) and timezone.is_aware(k)
                else k.strftime("%Y-%m") if k else "—", "") for k in keys}


def _order(group_by: str) -> list[str]:
    """The order of the rows: the choice order for choice dimensions, else by key."""
    order = {"grade": HazardGrade.values, "source": HazardSource.values, "state": HazardState.values}
    return order.get(group_by, [])


def hazard_statistics(user, *, group_by: str = "region", filters: Mapping[str, Any] | None = None,
                      queryset: QuerySet | None = None, today: date | None = None) -> StatisticsTable:
    """Hazard statistics in ``user``'s scope, narrowed by the ledger's filters, grouped by one
    dimension — one grouped query over the hazards (``_grouped_counts``: per group, state, grade
    and on-time flag; the measures below are summed from its rows).

    Dimensions (``group_by``):

    - ``region``: the child regions of the user's scope region (or of the region filter, when
      it is deeper): the child at depth d is ``substr(region_path, 1, 12·d)`` (paths are
      concatenated 12-digit codes). A province's users see cities, a city's counties, a
      county's townships; below a township (hazards carry their township's path) the rows are
      the township's grids. A system administrator sees provinces.
    - ``industry`` (the enterprise's industry), ``grade``, ``source``, ``state``, and ``month``
      (month found, in the project's time zone).

    Counts per row (voided hazards are never counted):

    - ``total``; per state ``reported``, ``rectifying``, ``rectified`` (awaiting acceptance),
      ``accepted``, ``closed``; ``overdue`` (reported or rectifying past the deadline today);
    - ``done`` = accepted + closed (the rectification was accepted);
    - ``on_time`` = done hazards whose rectification was submitted (``rectified_at``, as a
      local date) on or before the deadline — the deadline in force, i.e. with approved
      extensions;
    - ``major``, ``major_done`` (major and done);
    - ``listed`` = major hazards ever put under listed supervision; ``delisted`` = those of
      them no longer listed (摘牌 after close-out; a re-listed hazard counts as not delisted);
      ``delisted_on_time`` = those delisted on or before a listing's deadline.

    Rates (fractions, None when the denominator is 0):

    - 整改率 ``rectification_rate`` = (accepted + closed) / total;
    - 按期整改率 ``on_time_rate`` = on_time / (accepted + closed);
    - 重大隐患整改率 ``major_rate`` = major_done / major;
    - 挂牌督办完成率 ``listing_rate`` = delisted_on_time / listed (a delisting after the deadline
      does not complete the supervision).

    The total row sums the groups (every hazard is in exactly one group).

    ``filters`` are the ledger's query parameters (``HazardFilter``); a page whose own filter
    form already narrowed the hazards passes that ``queryset`` instead (it must come from
    ``Hazard.objects.for_user(user)``), with ``filters`` still naming the region filter.
    """
    if group_by not in DIMENSIONS:
        raise ValidationError({"group_by": _("Choose one of: %(choices)s.") % {"choices": ", ".join(DIMENSIONS)}})
    today = today or timezone.localdate()
    qs = queryset if queryset is not None else filtered_hazards(user, filters)
    parent = _region_depth_path(user, filters) if group_by == "region" else ""
    fold = _child_region(parent) if group_by == "region" and len(parent) < TOWNSHIP_PATH_LENGTH else None
    groups = _sum_groups(_grouped_counts(qs, _group_expression(group_by, parent), today), fold)
    labels = _labels(group_by, list(groups), parent)
    rows = []
    for key, counts in groups.items():
        label, code = labels[key]
        rows.append(StatRow(key=key, label=label, code=code, counts=counts))
    order = _order(group_by)
    if order:
        rows.sort(key=lambda r: order.index(r.key) if r.key in order else len(order))
    totals = {name: sum(r.counts[name] for r in rows) for name in MEASURES}
    dimension = str(DIMENSIONS[group_by])
    if group_by == "region" and len(parent) >= TOWNSHIP_PATH_LENGTH:
        dimension = str(_("Grid"))
    return StatisticsTable(group_by=group_by, dimension=dimension, rows=rows,
                           total=StatRow(key="total", label=str(_("Total")), counts=totals),
                           parent_code=parent[-CODE_LENGTH:] if parent else "")


# --- issue #10 (h/loop1): the four deadlines of one hazard ---------------------------------------

def deadline_mismatches(hazard: Hazard, *, notices=None, listings=None) -> list[str]:
    """Where the four deadlines of one hazard disagree, each as a sentence for the hazard's page
    and the API (in the active language): the rectification deadline, the 五落实 plan's time limit,
    the deadline of each rectification notice and that of the active listed supervision.

    The rules (the enterprise's dates lie within the government's, and the government's agree):
    - the plan's time limit is the rectification's own (the plan of a major hazard states 治理的
      时限: 《安全生产事故隐患排查治理暂行规定》(国家安监总局令第16号) on the governance plan; article
      number unconfirmed), so it is not later than the rectification deadline;
    - neither is later than a rectification notice's deadline nor the listing's deadline, which
      the government set for the enterprise;
    - the listing's deadline is the notice's: 福建省's 2011 rules on major hazards (第七条; title
      unconfirmed) say a government listing's deadline agrees with the deadline of the notice
      ordering the rectification — a provincial example, no national article found.

    Only the latest notice counts (an earlier one was superseded by it). A closed-out hazard is
    past all of them: no sentences. ``notices`` (RectificationNotice rows)
    and ``listings`` (ListedSupervision rows) may be passed when already read; else two queries."""
    from django.utils.formats import date_format

    if hazard.state == HazardState.CLOSED:
        return []
    if notices is None:
        notices = list(hazard.notices.order_by("issued_on", "id"))
    if listings is None:
        listings = list(hazard.listings.all())
    active = next((listing for listing in listings if listing.state == ListingState.LISTED), None)
    # The latest notice is the one in force: an earlier one was superseded by it.
    notice = max(notices, key=lambda n: (n.issued_on, n.pk), default=None)

    def d(value) -> str:
        return date_format(value, "Y-m-d")

    out: list[str] = []
    deadline, plan = hazard.deadline, hazard.plan_deadline
    if plan and plan > deadline:
        out.append(str(_("The 五落实 plan's time limit (%(plan)s) is later than the rectification deadline "
                         "(%(deadline)s).") % {"plan": d(plan), "deadline": d(deadline)}))
    if notice is not None:
        if deadline > notice.deadline:
            out.append(str(_("The rectification deadline (%(deadline)s) is later than the deadline of rectification "
                             "notice %(number)s (%(notice)s).")
                           % {"deadline": d(deadline), "number": notice.number, "notice": d(notice.deadline)}))
        if plan and plan > notice.deadline:
            out.append(str(_("The 五落实 plan's time limit (%(plan)s) is later than the deadline of rectification "
                             "notice %(number)s (%(notice)s).")
                           % {"plan": d(plan), "number": notice.number, "notice": d(notice.deadline)}))
    if active is not None:
        if deadline > active.deadline:
            out.append(str(_("The rectification deadline (%(deadline)s) is later than the listed supervision's "
                             "deadline (%(listing)s).") % {"deadline": d(deadline), "listing": d(active.deadline)}))
        if plan and plan > active.deadline:
            out.append(str(_("The 五落实 plan's time limit (%(plan)s) is later than the listed supervision's "
                             "deadline (%(listing)s).") % {"plan": d(plan), "listing": d(active.deadline)}))
        if notice is not None and notice.deadline != active.deadline:
            out.append(str(_("The listed supervision's deadline (%(listing)s) differs from the deadline of "
                             "rectification notice %(number)s (%(notice)s).")
                           % {"listing": d(active.deadline), "number": notice.number, "notice": d(notice.deadline)}))
    return out

"""The hazard loop's indicators (core.indicators): rectification rates, stock-hazard clearance,
listed supervision completed within the deadline per level, and the enterprises whose own
systems push data (联网).

Cohort: a rate of a period counts the hazards FOUND in the period (``found_at``), each in its
state today — the same counts as the hazard statistics (``selectors.hazard_statistics``) of the
hazards found in those months, so the two pages never disagree. All the hazard figures of one
evaluation come from one grouped query (``_cohort``), the stock from one more, the listings
from one on their own table.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.core.indicators import (
    HIGHER,
    Column,
    Context,
    Drill,
    Indicator,
    Unit,
    count,
    missing_and_counted,
    rate,
    register,
)
from anjian.enterprises.indicators import enterprise_drill, enterprise_rate

from .choices import HazardGrade, HazardState, ListingLevel, ListingState
from .models import EnterpriseApiKey, Hazard, ListedSupervision
from .selectors import DONE_STATES

GROUP = "hazards"
ORDER = 100

DONE = Q(state__in=DONE_STATES)
MAJOR = Q(grade=HazardGrade.MAJOR)
# As selectors.ON_TIME: submitted (local date) on or before the deadline in force.
ON_TIME = Q(rectified_at__date__lte=F("deadline"))


def _found(ctx: Context):
    return ctx.scoped(Hazard).filter(ctx.period.q("found_at"))


def _cohort(ctx: Context) -> dict[str, dict[str, int]]:
    """The hazards found in the period, per subject: total, done (accepted or closed), done on
    time, major, major done. One grouped query, shared by three indicators."""
    return ctx.memo("hazards.cohort", lambda: ctx.by_subject(
        _found(ctx), total=Count("pk"), done=Count("pk", filter=DONE), on_time=Count("pk", filter=DONE & ON_TIME),
        major=Count("pk", filter=MAJOR), major_done=Count("pk", filter=MAJOR & DONE)))


HAZARD_COLUMNS = (
    Column("number", pgettext_lazy("hazard", "Number")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("description", pgettext_lazy("hazard", "Description")),
    Column("grade", gettext_lazy("Grade"), choices=HazardGrade.choices),
    Column("state", gettext_lazy("State"), choices=HazardState.choices),
    Column("found_at", gettext_lazy("Found at"), kind="datetime"),
    Column("deadline", gettext_lazy("Rectification deadline"), kind="date"),
)


def _hazard_drill(counted: Q, base: Q | None = None, *, counted_label, missing_label) -> Drill:
    def records(ctx: Context, part: str):
        qs = _found(ctx).filter(base or Q())
        return qs.filter(counted) if part == "counted" else qs.exclude(counted)

    return Drill("hazards.Hazard", missing_and_counted(missing_label, counted_label),
                 records, HAZARD_COLUMNS, url_name="hazards:detail")


def _rate_of(key_num: str, key_den: str, empty: str):
    def evaluate(ctx: Context):
        return {k: rate(c[key_num], c[key_den], empty_note=empty) for k, c in _cohort(ctx).items()}
    return evaluate


register(Indicator(
    code="hazard_rectification_rate", name=gettext_lazy("Hazard rectification rate"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 1,
    computation=gettext_lazy("Hazards found in the period whose rectification has been accepted (accepted or "
                             "closed out) ÷ all hazards found in the period (voided ones not counted), in their "
                             "state today."),
    basis=gettext_lazy("隐患整改率: the rule of the hazard statistics (no official formula found — unconfirmed); "
                       "the 100% target of local plans, e.g. the 2017 work points of Suzhou Industrial Park "
                       "(seed document)."),
    numerator_label=gettext_lazy("rectified"), denominator_label=gettext_lazy("found"),
    evaluate=_rate_of("done", "total", gettext_lazy("No hazard was found in this period.")),
    drill=_hazard_drill(DONE, counted_label=gettext_lazy("Rectified"),
                        missing_label=gettext_lazy("Not yet rectified")),
))

register(Indicator(
    code="hazard_on_time_rate", name=gettext_lazy("On-time rectification rate"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 2,
    computation=gettext_lazy("Of the hazards found in the period and rectified (accepted or closed out), those "
                             "whose rectification was submitted on or before the deadline in force (with approved "
                             "extensions) ÷ all of them."),
    basis=gettext_lazy("按期整改率: the rule of the hazard statistics (no official formula found — unconfirmed)."),
    numerator_label=gettext_lazy("on time"), denominator_label=gettext_lazy("rectified"),
    evaluate=_rate_of("on_time", "done", gettext_lazy("No hazard found in this period has been rectified yet.")),
    drill=_hazard_drill(ON_TIME, DONE, counted_label=gettext_lazy("Rectified on time"),
                        missing_label=gettext_lazy("Rectified late")),
))

register(Indicator(
    code="major_hazard_rectification_rate", name=gettext_lazy("Major-hazard rectification rate"),
    unit=Unit.PERCENT, direction=HIGHER, group=GROUP, order=ORDER + 3,
    computation=gettext_lazy("Major hazards found in the period whose rectification has been accepted ÷ all major "
                             "hazards found in the period."),
    basis=gettext_lazy("重大隐患整改率: the rule of the hazard statistics (unconfirmed formula); the 100% target of "
                       "local plans (seed documents)."),
    numerator_label=gettext_lazy("rectified"), denominator_label=gettext_lazy("found"),
    evaluate=_rate_of("major_done", "major", gettext_lazy("No major hazard was found in this period.")),
    drill=_hazard_drill(DONE, MAJOR, counted_label=gettext_lazy("Rectified"),
                        missing_label=gettext_lazy("Not yet rectified")),
))


# --- stock hazards (存量隐患) ---------------------------------------------------------------------

def _stock(ctx: Context):
    """Hazards found before the period that were not rectified when it began: not accepted or
    closed, or accepted only later (a hazard accepted before and sent back to rectification by a
    failed re-check is in the stock again, by its state)."""
    start = ctx.period.bounds()[0]
    done_before = DONE & (Q(accepted_at__lt=start) | Q(accepted_at__isnull=True))
    return ctx.scoped(Hazard).filter(found_at__lt=start).exclude(done_before)


def _stock_drill_records(ctx: Context, part: str):
    qs = _stock(ctx)
    return qs.filter(DONE) if part == "counted" else qs.exclude(DONE)


def _stock_evaluate(ctx: Context):
    counts = ctx.by_subject(_stock(ctx), stock=Count("pk"), cleared=Count("pk", filter=DONE))
    return {k: rate(c["cleared"], c["stock"], empty_note=_("No hazard was left open when the period began."))
            for k, c in counts.items()}


register(Indicator(
    code="stock_hazard_clearance", name=gettext_lazy("Stock-hazard clearance rate"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 4,
    computation=gettext_lazy("Hazards found before the period and not yet rectified when it began (the stock) whose "
                             "rectification has since been accepted ÷ the stock."),
    basis=gettext_lazy("存量隐患整改“清零”, 存量隐患整改率达到100%: a city emergency bureau's 2020 work report "
                       "(seed document, \"四是打好存量隐患整改‘清零’攻坚战\"); the formula is our reading — "
                       "unconfirmed."),
    numerator_label=gettext_lazy("cleared"), denominator_label=gettext_lazy("stock"),
    evaluate=_stock_evaluate,
    drill=Drill("hazards.Hazard", missing_and_counted(gettext_lazy("Still open"), gettext_lazy("Cleared")),
                _stock_drill_records, HAZARD_COLUMNS, url_name="hazards:detail"),
))


# --- listed supervision (挂牌督办) ----------------------------------------------------------------

LISTING_ON_TIME = Q(state=ListingState.DELISTED, delisted_at__date__lte=F("deadline"))


def _listed(ctx: Context):
    return ctx.scoped(ListedSupervision).filter(ctx.period.q("listed_at"))


def _listings(ctx: Context) -> dict[str, dict[str, int]]:
    """Listings made in the period per subject: all and completed on time, per level. One query."""
    aggs = {"all": Count("pk"), "all_done": Count("pk", filter=LISTING_ON_TIME)}
    for level in ListingLevel.values:
        aggs[level] = Count("pk", filter=Q(level=level))
        aggs[f"{level}_done"] = Count("pk", filter=Q(level=level) & LISTING_ON_TIME)
    return ctx.memo("hazards.listings", lambda: ctx.by_subject(_listed(ctx), **aggs))


LISTING_COLUMNS = (
    Column("hazard__number", pgettext_lazy("hazard", "Number")),
    Column("enterprise__name", gettext_lazy("Enterprise")),
    Column("level", pgettext_lazy("hazard listing", "Level"), choices=ListingLevel.choices),
    Column("department__name", gettext_lazy("Supervising unit")),
    Column("listed_at", gettext_lazy("Listed at"), kind="datetime"),
    Column("deadline", gettext_lazy("Deadline"), kind="date"),
    Column("state", gettext_lazy("State"), choices=ListingState.choices),
    Column("delisted_at", gettext_lazy("Delisted at"), kind="datetime"),
)


def _listing_drill(level: str | None) -> Drill:
    def records(ctx: Context, part: str):
        qs = _listed(ctx)
        if level:
            qs = qs.filter(level=level)
        return qs.filter(LISTING_ON_TIME) if part == "counted" else qs.exclude(LISTING_ON_TIME)

    return Drill("hazards.ListedSupervision",
                 missing_and_counted(gettext_lazy("Not completed within the deadline"),
                                     gettext_lazy("Completed within the deadline")),
                 records, LISTING_COLUMNS, url_name="")


register(Indicator(
    code="listing_on_time_rate", name=gettext_lazy("Listed-supervision completion rate"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 5,
    computation=gettext_lazy("Hazards listed for supervision in the period (every level) that were delisted after "
                             "close-out on or before the listing's deadline ÷ all listed in the period."),
    basis=gettext_lazy("“在规定期限内，完成重大隐患挂牌整改率100%”: the 2017 work points of Suzhou Industrial Park, "
                       "part 二(二) (seed document; a local plan)."),
    numerator_label=gettext_lazy("completed on time"), denominator_label=gettext_lazy("listed"),
    evaluate=lambda ctx: {k: rate(c["all_done"], c["all"], empty_note=_("No hazard was listed in this period."))
                          for k, c in _listings(ctx).items()},
    drill=_listing_drill(None),
))


def _listing_level_indicator(level: str, order: int) -> Indicator:
    label = ListingLevel(level).label
    return Indicator(
        code=f"listing_done_{level}",
        name=format_lazy(gettext_lazy("Listed supervision completed on time ({level})"), level=label),
        unit=Unit.COUNT, direction=HIGHER, group=GROUP, order=order,
        computation=gettext_lazy("Hazards listed for supervision at this level in the period and delisted after "
                                 "close-out on or before the listing's deadline. Its target is the yearly number to "
                                 "list at this level (目标责任书, or the default of the indicator standards)."),
        basis=gettext_lazy("三级政府挂牌督办: 10 city-level, 15 district-level and 25 street-level major hazards a "
                           "year, completed within the deadline — the 2017 work points of Suzhou Industrial Park, "
                           "part 二(二) (seed document; a local plan, not a national number)."),
        numerator_label=gettext_lazy("completed on time"), denominator_label=gettext_lazy("listed"),
        evaluate=lambda ctx: {k: _with_listed(c[f"{level}_done"], c[level]) for k, c in _listings(ctx).items()},
        drill=_listing_drill(level),
    )


def _with_listed(done: int, listed: int):
    v = count(done)
    v.denominator = listed
    return v


for _n, _level in enumerate((ListingLevel.CITY, ListingLevel.COUNTY, ListingLevel.TOWNSHIP)):
    register(_listing_level_indicator(_level, ORDER + 6 + _n))


# --- enterprises connected (联网) -----------------------------------------------------------------

def _connected_q(ctx: Context) -> Q:
    """An enterprise whose own system pushes data: a key issued before the moment the period is
    read at, not revoked by then, and used at least once."""
    moment = ctx.period.as_of(ctx.now)
    keys = EnterpriseApiKey.objects.filter(enterprise=OuterRef("pk"), created_at__lte=moment,
                                           last_used_at__isnull=False).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gte=moment))
    return Q(Exists(keys))


register(Indicator(
    code="enterprises_connected", name=gettext_lazy("Enterprises connected"), unit=Unit.PERCENT,
    direction=HIGHER, group=GROUP, order=ORDER + 9,
    computation=gettext_lazy("Enterprises (not closed) whose own hazard system pushes data to the platform — an "
                             "enterprise-system API key issued, not revoked and used at least once by the end of the "
                             "period — ÷ all enterprises not closed."),
    basis=gettext_lazy("“建立与企业隐患排查治理系统联网的信息平台”: the district three-year action plan and a city's "
                       "work points (seed documents); no rate is fixed there — the formula is ours, unconfirmed."),
    numerator_label=gettext_lazy("connected"), denominator_label=gettext_lazy("enterprises"),
    evaluate=lambda ctx: enterprise_rate(ctx, _connected_q),
    drill=enterprise_drill(_connected_q, counted_label=gettext_lazy("Connected"),
                           missing_label=gettext_lazy("Not connected")),
))

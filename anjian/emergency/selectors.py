"""Reads of the emergency app shared by the services, pages, API, rules, indicators and the
enterprise's file: the regulatory numbers, working days, each plan's due dates and the cadence
cut-offs of a day, and the summary of an enterprise."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from anjian.core.dates import add_months

from .choices import IN_FORCE, MAIN_KINDS, DrillState, Parameter, PlanKind, PlanState

DEFAULTS = {Parameter.FILING_WORKING_DAYS: 20, Parameter.REVIEW_WORKING_DAYS: 5, Parameter.EVALUATION_YEARS: 3,
            Parameter.MAIN_DRILL_MONTHS: 12, Parameter.ONSITE_DRILL_MONTHS: 6, Parameter.REVISION_DAYS: 90,
            Parameter.SUPPLY_WARN_DAYS: 30}


def parameters() -> dict[str, int]:
    """The numbers in force: the reference rows, the defaults where a row is missing."""
    from .models import EmergencyParameter

    found = dict(EmergencyParameter.objects.values_list("code", "value"))
    return {code: found.get(code, default) for code, default in DEFAULTS.items()}


def add_working_days(day: date, n: int) -> date:
    """``day`` moved by ``n`` working days (Monday–Friday; n may be negative). Public holidays are
    not modelled (the parameter's note says so)."""
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        day += timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


def drill_months(kind: str, params: dict[str, int]) -> int:
    return params[Parameter.ONSITE_DRILL_MONTHS if kind == PlanKind.ONSITE else Parameter.MAIN_DRILL_MONTHS]


def due_dates(plan, params: dict[str, int] | None = None, *, high_risk: bool | None = None) -> dict[str, date | None]:
    """When each obligation of ``plan`` falls due: filing (after publication), the regulator's
    check (after submission), the evaluation (high-risk enterprises only), the next drill and the
    revision."""
    params = params or parameters()
    high_risk = plan.enterprise.high_risk if high_risk is None else high_risk
    in_force = plan.state in IN_FORCE and plan.published_on is not None
    since = plan.last_drill_on or plan.published_on
    return {
        "filing": add_working_days(plan.published_on, params[Parameter.FILING_WORKING_DAYS])
        if in_force and plan.state in (PlanState.PUBLISHED, PlanState.RETURNED) else None,
        "review": add_working_days(plan.submitted_on, params[Parameter.REVIEW_WORKING_DAYS])
        if plan.state == PlanState.SUBMITTED and plan.submitted_on else None,
        "evaluation": add_months(plan.evaluated_on or plan.published_on, 12 * params[Parameter.EVALUATION_YEARS])
        if in_force and high_risk else None,
        "drill": add_months(since, drill_months(plan.kind, params)) if in_force and since else None,
        "revision": plan.revision_required_on + timedelta(days=params[Parameter.REVISION_DAYS])
        if plan.revision_required_on else None,
    }


# --- the cadence scans: which records are overdue on ``day`` ------------------------------------------
# Each is one range on the plan's own date column against a cut-off computed here, so the
# parameters stay live (an administrator's edit applies at the next scan) and the scan stays one
# indexed query per rule (bench/emergency_scan.py).

def live_plans(qs: QuerySet) -> QuerySet:
    return qs.filter(is_voided=False, enterprise__is_voided=False)


def filing_q(day: date, params: dict[str, int]) -> Q:
    """Published (or returned) plans not filed within the filing period of their publication."""
    cutoff = add_working_days(day, -params[Parameter.FILING_WORKING_DAYS])
    return Q(state__in=[PlanState.PUBLISHED, PlanState.RETURNED], published_on__lt=cutoff)


def review_q(day: date, params: dict[str, int]) -> Q:
    """Submitted plans the regulator has not checked within its period."""
    cutoff = add_working_days(day, -params[Parameter.REVIEW_WORKING_DAYS])
    return Q(state=PlanState.SUBMITTED, submitted_on__lt=cutoff)


def evaluation_q(day: date, params: dict[str, int]) -> Q:
    """Plans in force of high-risk enterprises not evaluated within the cycle (from the last
    evaluation, else from publication)."""
    cutoff = add_months(day, -12 * params[Parameter.EVALUATION_YEARS])
    return Q(state__in=IN_FORCE, enterprise__high_risk=True) & (
        Q(evaluated_on__lt=cutoff) | Q(evaluated_on__isnull=True, published_on__lt=cutoff))


def drill_q(day: date, params: dict[str, int]) -> Q:
    """Plans in force not drilled within their cadence (from the last drill, else from
    publication): comprehensive and special plans yearly, on-site plans every half year."""
    q = Q()
    for kinds, months in ((MAIN_KINDS, params[Parameter.MAIN_DRILL_MONTHS]),
                          ((PlanKind.ONSITE,), params[Parameter.ONSITE_DRILL_MONTHS])):
        cutoff = add_months(day, -months)
        q |= Q(kind__in=kinds) & (Q(last_drill_on__lt=cutoff) | Q(last_drill_on__isnull=True, published_on__lt=cutoff))
    return Q(state__in=IN_FORCE) & q


def revision_q(day: date, params: dict[str, int]) -> Q:
    """Plans whose required revision is older than the revision period."""
    cutoff = day - timedelta(days=params[Parameter.REVISION_DAYS])
    return Q(state__in=IN_FORCE, revision_required_on__lt=cutoff)


OVERDUE = {"filing": filing_q, "review": review_q, "evaluation": evaluation_q, "drill": drill_q,
           "revision": revision_q}


def filing_overdue(qs: QuerySet, day: date, params: dict[str, int]) -> QuerySet:
    return live_plans(qs).filter(filing_q(day, params))


def review_overdue(qs: QuerySet, day: date, params: dict[str, int]) -> QuerySet:
    return live_plans(qs).filter(review_q(day, params))


def evaluation_overdue(qs: QuerySet, day: date, params: dict[str, int]) -> QuerySet:
    return live_plans(qs).filter(evaluation_q(day, params))


def drill_overdue(qs: QuerySet, day: date, params: dict[str, int]) -> QuerySet:
    return live_plans(qs).filter(drill_q(day, params))


def revision_overdue(qs: QuerySet, day: date, params: dict[str, int]) -> QuerySet:
    return live_plans(qs).filter(revision_q(day, params))


def supplies_expired(qs: QuerySet, day: date) -> QuerySet:
    return qs.filter(is_voided=False, expires_on__lt=day)


def supplies_short(qs: QuerySet) -> QuerySet:
    from django.db.models import F

    return qs.filter(is_voided=False, quantity__lt=F("minimum_quantity"))


def held_drills(qs: QuerySet) -> QuerySet:
    return qs.filter(is_voided=False, state=DrillState.HELD)


def enterprise_summary(user, enterprise, day: date) -> dict:
    """What the enterprise's file shows, in four queries: the numbers, the plans by state with the
    overdue ones (the same conditions as the rules and the list's filter), the drills of the year,
    the supplies expired or short."""
    from django.db.models import F

    from .models import Drill, EmergencyPlan, Supply

    params = parameters()
    plans = EmergencyPlan.objects.for_user(user).filter(enterprise=enterprise)
    found = plans.aggregate(total=Count("pk"), filed=Count("pk", filter=Q(state=PlanState.FILED)),
                            **{name: Count("pk", filter=q(day, params)) for name, q in OVERDUE.items()})
    drills = Drill.objects.for_user(user).filter(enterprise=enterprise).aggregate(
        held=Count("pk", filter=Q(state=DrillState.HELD, held_on__year=day.year)),
        planned=Count("pk", filter=Q(state=DrillState.PLANNED, planned_on__year=day.year)))
    supplies = Supply.objects.for_user(user).filter(enterprise=enterprise).aggregate(
        total=Count("pk"), expired=Count("pk", filter=Q(expires_on__lt=day)),
        short=Count("pk", filter=Q(quantity__lt=F("minimum_quantity"))))
    return {"plans": found, "drills": drills, "supplies": supplies}


def accident_for(user, pk: int | None):
    """The accident ``pk`` if it lies in ``user``'s jurisdiction, else None (an entry links only
    to an accident its officer can read)."""
    from anjian.accidents.models import Accident

    return Accident.objects.for_user(user).filter(pk=pk).first() if pk else None

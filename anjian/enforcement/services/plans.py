"""Annual enforcement plans (年度执法计划): the enterprises they cover and their planned visits
(``frequency``), approval, revision, progress."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, F, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.paths import subtree_q
from anjian.core.workflow import Unchanged, create, void
from anjian.enterprises.choices import OperatingStatus

from .. import events
from ..choices import PLAN_MACHINE, PlanState
from ..frequency import factors_for, tables, visits
from ..models import EnforcementPlan, PlanEntry
from ..policy import policy
from .common import check_fields, step, who

__all__ = ["PLAN_FIELDS", "create_plan", "update_plan", "add_enterprises", "refresh_plan", "set_visits",
           "remove_entries", "approve_plan", "revise_plan", "close_plan", "void_plan", "record_visit",
           "plan_entry_for", "MAX_ADD"]

PLAN_FIELDS = frozenset({"title", "random_share", "coverage_target", "note", "is_demo"})
MAX_ADD = 50_000
BATCH = 2000


@transaction.atomic
def create_plan(*, actor, department, year: int, data: dict[str, Any]) -> EnforcementPlan:
    """Start the annual plan of a department of the actor's jurisdiction (a draft)."""
    check_fields(data, PLAN_FIELDS)
    plan = EnforcementPlan(department=department, year=year, created_by=who(actor), **data)
    policy.require(actor, "add_plan", plan, _("You may not make plans for this department."))
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    if EnforcementPlan.objects.filter(department=department, year=year, is_voided=False).exists():
        raise ValidationError({"year": _("This department already has a plan for this year.")})
    plan.region_path = department.region.path
    if not (plan.title or "").strip():
        plan.title = _("%(department)s %(year)s annual enforcement plan") % {"department": department.name,
                                                                              "year": year}
    plan.full_clean()
    return create(plan, actor=actor, policy=None, action=events.CREATED, clean=False,
                  data={"department": department.pk, "year": year})


def update_plan(plan: EnforcementPlan, *, actor, data: dict[str, Any], version: int | None = None) -> EnforcementPlan:
    written: dict[str, Any] = {}

    def change(locked: EnforcementPlan) -> None:
        check_fields(data, PLAN_FIELDS - {"is_demo"})
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        if not changed:
            raise Unchanged
        for name in changed:
            setattr(locked, name, data[name])
        locked.full_clean()
        written["fields"] = changed

    return step(plan, "update", PLAN_MACHINE, actor=actor, change=change, version=version, data=written) or plan


def _entry_rows(plan: EnforcementPlan, enterprises: list[tuple], is_key: bool) -> list[PlanEntry]:
    base, uplifts = tables()
    factors = factors_for([e[0] for e in enterprises], plan.year)
    rows = []
    for pk, region_path, industry_id, grid_id in enterprises:
        fac = factors[pk]
        first, planned = visits(fac, base, uplifts)
        rows.append(PlanEntry(plan=plan, enterprise_id=pk, region_path=region_path, industry_id=industry_id,
                              grid_id=grid_id, is_key=is_key, risk_level=fac.risk_level,
                              open_major_hazards=fac.open_major_hazards, accident_last_year=fac.accident_last_year,
                              case_last_year=fac.case_last_year, base_visits=first, computed_visits=planned,
                              planned_visits=planned))
    return rows


def add_enterprises(plan: EnforcementPlan, *, actor, enterprises: QuerySet, is_key: bool = True,
                    version: int | None = None) -> int:
    """Add the enterprises of ``enterprises`` (a queryset, e.g. the enterprise list's filters) that
    lie in both the department's region and the actor's jurisdiction, are not closed and not in the
    plan yet; each gets its factors and planned visits. Answers how many were added."""
    written: dict[str, Any] = {}

    def change(locked: EnforcementPlan) -> int:
        qs = (enterprises.model.objects.for_user(actor).filter(pk__in=enterprises.values("pk"))
              .filter(subtree_q("region_path", locked.region_path))
              .exclude(status=OperatingStatus.CLOSED)
              .exclude(pk__in=PlanEntry.objects.filter(plan=locked, is_voided=False).values("enterprise_id")))
        found = list(qs.order_by("pk").values_list("pk", "region_path", "industry_id", "grid_id")[:MAX_ADD + 1])
        if len(found) > MAX_ADD:
            raise ValidationError({"enterprises": _("At most %(n)s enterprises can be added at once; narrow the "
                                                    "filters.") % {"n": MAX_ADD}})
        if not found:
            raise ValidationError({"enterprises": _("No enterprise to add: they are outside the department's "
                                                    "region, closed, or already in the plan.")})
        for i in range(0, len(found), BATCH):
            PlanEntry.objects.bulk_create(_entry_rows(locked, found[i:i + BATCH], is_key))
        written.update(added=len(found), key=is_key)
        return len(found)

    return step(plan, "add_enterprises", PLAN_MACHINE, actor=actor, change=change, version=version, data=written,
                outcome=True).result


def refresh_plan(plan: EnforcementPlan, *, actor, version: int | None = None) -> int:
    """Recompute every entry's factors and visits from the data now (a visit count set by hand,
    with its reason, is kept). Answers how many entries changed."""
    written: dict[str, Any] = {}

    def change(locked: EnforcementPlan) -> int:
        base, uplifts = tables()
        changed = 0
        entries = list(PlanEntry.objects.filter(plan=locked, is_voided=False).order_by("pk"))
        for i in range(0, len(entries), BATCH):
            chunk = entries[i:i + BATCH]
            factors = factors_for([e.enterprise_id for e in chunk], locked.year)
            dirty = []
            for e in chunk:
                fac = factors[e.enterprise_id]
                first, planned = visits(fac, base, uplifts)
                new = (fac.risk_level, fac.open_major_hazards, fac.accident_last_year, fac.case_last_year, first,
                       planned, planned if not e.override_reason else e.planned_visits)
                old = (e.risk_level, e.open_major_hazards, e.accident_last_year, e.case_last_year, e.base_visits,
                       e.computed_visits, e.planned_visits)
                if new != old:
                    (e.risk_level, e.open_major_hazards, e.accident_last_year, e.case_last_year, e.base_visits,
                     e.computed_visits, e.planned_visits) = new
                    dirty.append(e)
            PlanEntry.objects.bulk_update(dirty, ["risk_level", "open_major_hazards", "accident_last_year",
                                                  "case_last_year", "base_visits", "computed_visits",
                                                  "planned_visits"])
            changed += len(dirty)
        written["changed"] = changed
        return changed

    return step(plan, "refresh", PLAN_MACHINE, actor=actor, change=change, version=version, data=written,
                outcome=True).result


def set_visits(entry: PlanEntry, *, actor, planned_visits: int, reason: str, is_key: bool | None = None,
               version: int | None = None) -> PlanEntry:
    """Set one entry's planned visits by hand (the reason is kept on the entry); the computed
    value stays beside it. Its version is the plan's (an entry is a part of its plan)."""
    reason = (reason or "").strip()
    if planned_visits < 0 or planned_visits > 366:
        raise ValidationError({"planned_visits": _("Give a number of visits from 0 to 366.")})
    if planned_visits != entry.computed_visits and not reason:
        raise ValidationError({"reason": _("Say why the visits differ from the computed ones.")})

    def change(locked: EnforcementPlan) -> None:
        row = PlanEntry.objects.select_for_update().get(pk=entry.pk, plan=locked, is_voided=False)
        row.planned_visits = planned_visits
        row.override_reason = reason[:200] if planned_visits != row.computed_visits else ""
        if is_key is not None:
            row.is_key = is_key
        row.save(update_fields=["planned_visits", "override_reason", "is_key"])

    step(entry.plan, "set_visits", PLAN_MACHINE, actor=actor, change=change, version=version, comment=reason,
         data={"entry": entry.pk, "enterprise": entry.enterprise_id, "planned_visits": planned_visits})
    entry.refresh_from_db()
    return entry


def remove_entries(plan: EnforcementPlan, *, actor, entry_ids: Iterable[int], reason: str,
                   version: int | None = None) -> int:
    """Take enterprises out of a draft plan (entries without visits done; the event lists them)."""
    ids = sorted({int(i) for i in entry_ids})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why.")})

    def change(locked: EnforcementPlan) -> int:
        rows = PlanEntry.objects.filter(plan=locked, pk__in=ids, is_voided=False)
        if rows.filter(done_visits__gt=0).exists():
            raise ValidationError({"entries": _("An enterprise already inspected under the plan stays in it.")})
        gone = list(rows.values_list("enterprise_id", flat=True))
        if not gone:
            raise ValidationError({"entries": _("Choose the enterprises to remove.")})
        rows.update(is_voided=True, voided_at=timezone.now(), void_reason=reason.strip()[:200])
        return len(gone)

    done = step(plan, "remove_entries", PLAN_MACHINE, actor=actor, change=change, version=version, comment=reason,
                data={"entries": ids}, outcome=True)
    return done.result


def approve_plan(plan: EnforcementPlan, *, actor, comment: str = "", version: int | None = None) -> EnforcementPlan:
    def change(locked: EnforcementPlan) -> None:
        locked.approved_at, locked.approved_by = timezone.now(), who(actor)

    return step(plan, "approve", PLAN_MACHINE, actor=actor, change=change, version=version, comment=comment)


def revise_plan(plan: EnforcementPlan, *, actor, reason: str, version: int | None = None) -> EnforcementPlan:
    """Open an approved plan for revision (调整): back to draft, with the reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why.")})
    return step(plan, "revise", PLAN_MACHINE, actor=actor, version=version, comment=reason.strip())


def close_plan(plan: EnforcementPlan, *, actor, comment: str = "", version: int | None = None) -> EnforcementPlan:
    return step(plan, "close", PLAN_MACHINE, actor=actor, version=version, comment=comment)


def void_plan(plan: EnforcementPlan, *, actor, reason: str, version: int | None = None) -> EnforcementPlan:
    return void(plan, actor=actor, policy=policy, reason=reason, expected_version=version, right="plan",
                machine=PLAN_MACHINE)


# --- progress (called by the inspection services) ------------------------------------------------

def plan_entry_for(department_id: int, enterprise_id: int, day: date) -> PlanEntry | None:
    """The entry of the department's approved plan of ``day``'s year covering the enterprise, if any."""
    return (PlanEntry.objects.filter(is_voided=False, plan__department_id=department_id, plan__year=day.year,
                                     plan__state=PlanState.APPROVED, plan__is_voided=False,
                                     enterprise_id=enterprise_id).select_related("plan").first())


def record_visit(entry_id: int, day: date) -> None:
    """One more visit done at the entry's enterprise (an inspection completed on ``day``): a
    counter updated in the same transaction as the inspection's step."""
    PlanEntry.objects.filter(pk=entry_id).update(
        done_visits=F("done_visits") + 1,
        last_inspected_on=Greatest(Coalesce("last_inspected_on", Value(day, output_field=DateField())),
                                   Value(day, output_field=DateField())))

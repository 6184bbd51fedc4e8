"""Random draws (双随机): the pool, the eligible officers and experts with their exclusions, the
draw itself (``enforcement.draw``, a pure function of what is stored), publication, redraws."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.services import record_event
from anjian.core.workflow import create, void

from .. import draw as algorithm
from .. import events, selectors
from ..choices import DRAW_MACHINE
from ..models import DrawEntry, DrawExpert, DrawOfficer, RandomDraw
from ..policy import policy
from .common import check_fields, step, who

__all__ = ["DRAW_FIELDS", "CRITERIA", "make_draw", "redraw", "publish_draw", "void_draw", "verify_draw",
           "MAX_POOL"]

DRAW_FIELDS = frozenset({"title", "plan", "n_enterprises", "officers_per_enterprise", "experts_per_enterprise",
                         "max_per_officer", "inspect_from", "inspect_to", "is_demo"})
CRITERIA = frozenset({"region", "industry", "tag", "risk_level", "high_risk", "not_inspected_since", "plan",
                      "key_only", "officers_from_department"})
MAX_POOL = 1_000_000
BATCH = 2000


def _clean_criteria(criteria: dict[str, Any]) -> dict[str, Any]:
    check_fields(criteria, CRITERIA)
    out = {k: v for k, v in criteria.items() if v not in (None, "", [], False)}
    if isinstance(out.get("not_inspected_since"), date):
        out["not_inspected_since"] = out["not_inspected_since"].isoformat()
    if "plan" in out:
        out["plan"] = getattr(out["plan"], "pk", out["plan"])
    out.setdefault("officers_from_department", criteria.get("officers_from_department", True))
    return out


def _check_numbers(draw: RandomDraw) -> None:
    if draw.n_enterprises < 1:
        raise ValidationError({"n_enterprises": _("Draw at least one enterprise.")})
    if draw.officers_per_enterprise < 1:
        raise ValidationError({"officers_per_enterprise": _("Each enterprise needs at least one officer.")})
    if draw.inspect_from and draw.inspect_to and draw.inspect_to < draw.inspect_from:
        raise ValidationError({"inspect_to": _("The end date cannot be before the start date.")})
    if draw.plan_id and draw.plan.department_id != draw.department_id:
        raise ValidationError({"plan": _("The plan belongs to another department.")})


def _inputs(draw: RandomDraw, actor, criteria: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read everything the draw depends on and run it: (stored inputs, result)."""
    day = draw.inspect_from or timezone.localdate()
    pool = selectors.draw_pool(actor, draw.department, criteria, day)
    ids = list(pool.order_by("pk").values_list("pk", flat=True)[:MAX_POOL + 1])
    if len(ids) > MAX_POOL:
        raise ValidationError({"n_enterprises": _("The pool is larger than %(n)s enterprises; narrow the filters.")
                               % {"n": MAX_POOL}})
    if not ids:
        raise ValidationError({"n_enterprises": _("No enterprise matches these filters.")})
    if draw.n_enterprises > len(ids):
        raise ValidationError({"n_enterprises": _("Only %(n)s enterprises match these filters.") % {"n": len(ids)}})
    drawn = algorithm.draw_enterprises(ids, draw.n_enterprises, draw.seed)
    keys = selectors.enterprise_keys(drawn)
    officers = selectors.eligible_officers(actor, draw.department, day, criteria.get("officers_from_department", True))
    experts = selectors.eligible_experts(actor, day) if draw.experts_per_enterprise else []
    inputs = {
        "algorithm": algorithm.ALGORITHM, "pool": ids, "n": draw.n_enterprises, "day": day.isoformat(),
        "officers_per_enterprise": draw.officers_per_enterprise,
        "experts_per_enterprise": draw.experts_per_enterprise, "max_per_officer": draw.max_per_officer,
        "enterprise_keys": {str(k): v for k, v in keys.items()},
        "officers": officers,
        "officer_exclusions": {str(k): sorted(v) for k, v in selectors.officer_exclusions(drawn, day).items()},
        "experts": experts,
        "expert_exclusions": {str(k): sorted(v) for k, v in selectors.expert_exclusions(drawn, day).items()},
    }
    return inputs, algorithm.run(inputs, draw.seed)


def _write_entries(draw: RandomDraw, result: list[dict[str, Any]]) -> int:
    keys = draw.inputs["enterprise_keys"]
    short = 0
    entries = []
    for order, row in enumerate(result, start=1):
        k = keys[str(row["enterprise"])]
        lacking = len(row["officers"]) < draw.officers_per_enterprise
        short += lacking
        entries.append(DrawEntry(draw=draw, order=order, enterprise_id=row["enterprise"], region_path=k["path"],
                                 industry_id=k["industry"], grid_id=k.get("grid"), short=lacking))
    for i in range(0, len(entries), BATCH):
        DrawEntry.objects.bulk_create(entries[i:i + BATCH])
    saved = dict(DrawEntry.objects.filter(draw=draw).values_list("order", "pk"))
    officer_links, expert_links = [], []
    for order, row in enumerate(result, start=1):
        officer_links += [DrawOfficer(entry_id=saved[order], officer_id=pk, order=n)
                          for n, pk in enumerate(row["officers"], start=1)]
        expert_links += [DrawExpert(entry_id=saved[order], expert_id=pk, order=n)
                         for n, pk in enumerate(row["experts"], start=1)]
    DrawOfficer.objects.bulk_create(officer_links, batch_size=BATCH)
    DrawExpert.objects.bulk_create(expert_links, batch_size=BATCH)
    return short


@transaction.atomic
def make_draw(*, actor, department, data: dict[str, Any], criteria: dict[str, Any] | None = None,
              seed: str = "", replaces: RandomDraw | None = None, reason: str = "") -> RandomDraw:
    """Draw ``n_enterprises`` from the pool the criteria give (in the department's region and the
    actor's jurisdiction) and officers (and experts) for each; store everything it depended on."""
    check_fields(data, DRAW_FIELDS)
    criteria = _clean_criteria(dict(criteria or {}))
    draw = RandomDraw(department=department, drawn_by=who(actor), drawn_at=timezone.now(), **data)
    policy.require(actor, "draw", draw, _("You may not make draws for this department."))
    draw.region_path = department.region.path
    draw.seed = (seed or "").strip()[:64] or secrets.token_hex(16)
    draw.criteria = criteria
    draw.replaces, draw.redraw_reason = replaces, (reason or "")[:200]
    if not (draw.title or "").strip():
        draw.title = _("%(department)s random draw of %(day)s") % {
            "department": department.name, "day": timezone.localdate().isoformat()}
    _check_numbers(draw)
    draw.inputs, result = _inputs(draw, actor, criteria)
    draw.pool_size = len(draw.inputs["pool"])
    draw.digest = algorithm.digest(result)
    draw.number = f"TMP{secrets.token_hex(8)}"
    draw.full_clean(exclude=["number"])

    def prepare(saved: RandomDraw) -> None:
        saved.number = f"SJ{saved.drawn_at:%Y}{saved.pk:06d}"
        saved.short_entries = _write_entries(saved, result)
        RandomDraw.objects.filter(pk=saved.pk).update(number=saved.number, short_entries=saved.short_entries)

    created = create(draw, actor=actor, policy=None, action=events.DRAW_MADE, prepare=prepare, clean=False,
                     event=False)
    record_event(created, events.DRAW_MADE, actor=actor, to_state=created.state, comment=draw.redraw_reason, data={
        "pool": created.pool_size, "drawn": len(result), "seed": created.seed, "digest": created.digest,
        "short": created.short_entries, "replaces": replaces.pk if replaces else None})
    return created


@transaction.atomic
def redraw(draw: RandomDraw, *, actor, reason: str, seed: str = "", version: int | None = None) -> RandomDraw:
    """A new draw with the same department, filters and numbers, replacing ``draw`` (which is
    marked superseded, never changed otherwise): a redraw is recorded, with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the draw is made again.")})
    old = step(draw, "redraw", DRAW_MACHINE, actor=actor, version=version, comment=reason)
    data = {"title": old.title, "plan": old.plan, "n_enterprises": old.n_enterprises,
            "officers_per_enterprise": old.officers_per_enterprise,
            "experts_per_enterprise": old.experts_per_enterprise, "max_per_officer": old.max_per_officer,
            "inspect_from": old.inspect_from, "inspect_to": old.inspect_to, "is_demo": old.is_demo}
    criteria = dict(old.criteria)
    if criteria.get("not_inspected_since"):
        criteria["not_inspected_since"] = date.fromisoformat(criteria["not_inspected_since"])
    return make_draw(actor=actor, department=old.department, data=data, criteria=criteria, seed=seed,
                     replaces=old, reason=reason)


def publish_draw(draw: RandomDraw, *, actor, version: int | None = None) -> RandomDraw:
    """一公开: the draw's inspections appear on the public page as they are completed."""
    def change(locked: RandomDraw) -> None:
        locked.published_at = timezone.now()

    return step(draw, "publish", DRAW_MACHINE, actor=actor, change=change, version=version)


def void_draw(draw: RandomDraw, *, actor, reason: str, version: int | None = None) -> RandomDraw:
    return void(draw, actor=actor, policy=policy, reason=reason, expected_version=version, right="draw",
                machine=DRAW_MACHINE)


def verify_draw(draw: RandomDraw) -> dict[str, Any]:
    """Re-run the draw from its stored inputs and seed: the same result (same digest) as stored,
    and the same as the entries written. Reads only; anyone who sees the draw may ask."""
    result = algorithm.run(draw.inputs, draw.seed)
    recomputed = algorithm.digest(result)
    officers: dict[int, list[int]] = {}
    for entry_id, officer_id in (DrawOfficer.objects.filter(entry__draw=draw).order_by("entry__order", "order")
                                 .values_list("entry__enterprise_id", "officer_id")):
        officers.setdefault(entry_id, []).append(officer_id)
    experts: dict[int, list[int]] = {}
    for ent, expert in (DrawExpert.objects.filter(entry__draw=draw).order_by("entry__order", "order")
                        .values_list("entry__enterprise_id", "expert_id")):
        experts.setdefault(ent, []).append(expert)
    stored = [{"enterprise": ent, "officers": officers.get(ent, []), "experts": experts.get(ent, [])}
              for ent in draw.entries.order_by("order").values_list("enterprise_id", flat=True)]
    return {"same": recomputed == draw.digest and algorithm.digest(stored) == draw.digest,
            "digest": draw.digest, "recomputed": recomputed, "entries_digest": algorithm.digest(stored),
            "seed": draw.seed, "pool_size": draw.pool_size}

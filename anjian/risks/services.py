"""Services of the risks app: every change to risk points, assessments, control measures,
profiles and grades goes through here, and every one of them through the one write path
(``core.workflow``: row lock, version check — always, 409 on a stale copy —, the right from
``policy``, history and event in one transaction).

- ``create_risk_point`` / ``update_risk_point`` / ``void_risk_point`` / ``regenerate_card_token``
- ``assess_risk_point``: evaluates with a profile, keeps the assessment (inputs + band
  snapshot), copies the level onto the point and refreshes the enterprise's overall grade
- ``create_measure`` / ``update_measure`` / ``void_measure``
- ``generate_check_items``: control measures → the enterprise's own checklists → its
  self-inspection duties (风险管控措施 → 隐患排查任务)
- ``refresh_enterprise_grades``: the enterprise's overall grade from its risk points and
  major hazard sources
- ``set_default_profile``: the administrator's choice of the default profile of a method
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.services import record_event
from anjian.core.workflow import create, perform, void
from anjian.enterprises.models import Enterprise

from . import evaluation
from .choices import LEVEL_ORDER, LEVEL_ZH, ControlLevel, gravest
from .events import (
    ASSESSED,
    CARD_TOKEN_REGENERATED,
    CHECKLIST_DEACTIVATED,
    CHECKLIST_GENERATED,
    CHECKLIST_SUPERSEDED,
    CREATED,
    MEASURE_ADDED,
    PROFILE_MADE_DEFAULT,
    RISK_CHECKS_GENERATED,
    UPDATED,
)
from .models import (
    ControlMeasure,
    EnterpriseRiskGrade,
    RiskAssessment,
    RiskPoint,
    RiskProfile,
    SourceGradeLevel,
    new_card_token,
)
from .policy import policy

POINT_FIELDS = frozenset({"name", "kind", "department", "location", "longitude", "latitude", "responsible_name",
                          "responsible_phone", "responsible_user", "emergency_measures", "description", "is_demo"})
POINT_M2M = frozenset({"hazard_factors", "accident_types"})
MEASURE_FIELDS = frozenset({"content", "control_level", "measure_type", "owner_name", "owner_user", "is_active"})

# Which self-inspection cadence (anjian.inspections InspectionCadence.code) checks the
# measures of each control level: team and post measures daily by the team (班组日查),
# workshop measures weekly (车间周查), company measures quarterly (公司季查).
CONTROL_LEVEL_CADENCE = {
    ControlLevel.TEAM: "team_daily",
    ControlLevel.POST: "team_daily",
    ControlLevel.WORKSHOP: "workshop_weekly",
    ControlLevel.COMPANY: "company_quarterly",
}
CHECKLIST_NAME = "风险管控措施排查清单"
# The generated items are Chinese whatever the language of the request that generated them
# (otherwise generating from an English page would look like a change and make a new version).
CONTROL_LEVEL_ZH = {"company": "公司级", "workshop": "车间级", "team": "班组级", "post": "岗位级"}
MEASURE_TYPE_ZH = {"engineering": "工程技术", "management": "管理", "training": "培训教育", "ppe": "个体防护",
                   "emergency": "应急处置"}


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


# --- risk points -------------------------------------------------------------------------

def _copy_enterprise_keys(point: RiskPoint, enterprise: Enterprise) -> None:
    point.region_path = enterprise.region_path
    point.industry_id = enterprise.industry_id
    point.grid_id = enterprise.grid_id


def _check_point(point: RiskPoint) -> None:
    point.name = (point.name or "").strip()
    point.responsible_name = (point.responsible_name or "").strip()
    user = point.responsible_user
    if user is not None and not point.responsible_name:
        point.responsible_name = (user.name or user.get_username())[:50]
    if (point.longitude is None) != (point.latitude is None):
        field = "latitude" if point.latitude is None else "longitude"
        raise ValidationError({field: _("Give both longitude and latitude, or neither.")})
    point.full_clean(exclude=["enterprise", "industry", "grid", "profile", "created_by", "responsible_user"])


def _set_m2m(point: RiskPoint, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in POINT_M2M:
        if name in data:
            getattr(point, name).set(list(data[name] or []))
            changed.append(name)
    return changed


@transaction.atomic
def create_risk_point(*, actor, enterprise: Enterprise, data: Mapping[str, Any]) -> RiskPoint:
    """Register a risk point of ``enterprise`` (not yet assessed: no level until
    ``assess_risk_point``)."""
    # The right first, before the input is looked at (create() is then told it is decided).
    policy.require(actor, "create", enterprise, _("You may not manage the risk points of this enterprise."))
    unknown = set(data) - POINT_FIELDS - POINT_M2M
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    if enterprise.is_voided:
        raise ValidationError({"enterprise": _("This enterprise is voided.")})
    point = RiskPoint(enterprise=enterprise, created_by=_user_or_none(actor),
                      **{k: v for k, v in data.items() if k in POINT_FIELDS})
    _copy_enterprise_keys(point, enterprise)
    _check_point(point)
    return create(point, actor=actor, policy=None, action=CREATED, clean=False,
                  prepare=lambda p: _set_m2m(p, data), data={"enterprise": enterprise.pk})


def update_risk_point(point: RiskPoint, *, actor, data: Mapping[str, Any], version: int | None = None) -> RiskPoint:
    """Correct a risk point's description, place, factors, accident types or responsible person.
    ``version``: the one the caller saw (else the copy's); a different current one is a 409."""
    # Filled by the change, read by the event written after it.
    event_data: dict[str, Any] = {}

    def change(locked: RiskPoint) -> None:
        changed = []
        for name, value in data.items():
            if name in POINT_M2M:
                continue
            if name not in POINT_FIELDS - {"is_demo"}:
                raise ValidationError({name: _("This field cannot be changed here.")})
            field = RiskPoint._meta.get_field(name)
            if getattr(locked, field.attname) != (value.pk if hasattr(value, "pk") else value):
                changed.append(name)
            setattr(locked, name, value)
        _check_point(locked)
        changed += _set_m2m(locked, data)
        event_data["fields"] = sorted(changed)

    return perform(point, UPDATED, actor=actor, policy=policy, right="update", change=change,
                   expected_version=version, data=event_data)


@transaction.atomic
def void_risk_point(point: RiskPoint, *, actor, reason: str, version: int | None = None) -> RiskPoint:
    """Void a risk point entered in error (kept, never deleted); its public card stops working
    and the enterprise's grade is derived again without it."""
    point = void(point, actor=actor, policy=policy, reason=reason, expected_version=version)
    refresh_enterprise_grades([point.enterprise_id])
    return point


def regenerate_card_token(point: RiskPoint, *, actor, version: int | None = None) -> RiskPoint:
    """Give the risk point's public card page a new address: the old QR code stops working."""
    def change(locked: RiskPoint) -> None:
        locked.card_token = new_card_token()

    return perform(point, CARD_TOKEN_REGENERATED, actor=actor, policy=policy, right="regenerate_card",
                   change=change, expected_version=version)


# --- assessment --------------------------------------------------------------------------

@transaction.atomic
def assess_risk_point(point: RiskPoint, *, actor, method: str, inputs: Mapping[str, Any],
                      profile_code: str | None = None, note: str = "", version: int | None = None) -> RiskAssessment:
    """Assess a risk point by LEC or LS with a profile (the method's default if none is named).

    The assessment keeps the inputs, the score, the level, the profile and a snapshot of its
    bands, so the level stays explainable after a profile is edited. The point takes the new
    level (its ``version`` is bumped) and the enterprise's overall grade is derived again."""
    def change(locked: RiskPoint) -> tuple[RiskAssessment, str]:
        # What is stored must match the profiles as they are now, not this process's copy.
        result = evaluation.evaluate(method, inputs, profile_code, fresh=True)
        profile = RiskProfile.objects.get(code=result.profile.code)
        now = timezone.now()
        assessment = RiskAssessment.objects.create(
            risk_point=locked, method=method,
            inputs={k: evaluation.format_number(v) for k, v in result.inputs.items()},
            score=result.score, level=result.level, profile=profile, profile_code=profile.code,
            bands=result.profile.snapshot(), assessed_by=_user_or_none(actor), assessed_at=now,
            note=(note or "").strip())
        from_level = locked.level
        locked.level, locked.score, locked.method, locked.profile = result.level, result.score, method, profile
        locked.last_assessed_at = now
        return assessment, from_level

    done = perform(point, ASSESSED, actor=actor, policy=policy, right="assess", change=change,
                   expected_version=version, event=False, outcome=True)
    assessment, from_level = done.result
    # The level is not a workflow state, but the timeline shows it moving: from and to levels.
    record_event(done.obj, ASSESSED, actor=actor, from_state=from_level, to_state=assessment.level,
                 data={"assessment": assessment.pk, "method": method, "inputs": assessment.inputs,
                       "score": evaluation.format_number(assessment.score), "profile": assessment.profile_code})
    refresh_enterprise_grades([done.obj.enterprise_id])
    return assessment


# --- control measures --------------------------------------------------------------------

def _check_measure(measure: ControlMeasure) -> None:
    measure.content = (measure.content or "").strip()
    if not measure.content:
        raise ValidationError({"content": _("Describe the measure.")})
    user = measure.owner_user
    if user is not None and not (measure.owner_name or "").strip():
        measure.owner_name = (user.name or user.get_username())[:50]
    measure.full_clean(exclude=["risk_point", "owner_user", "check_item", "created_by"])


@transaction.atomic
def create_measure(point: RiskPoint, *, actor, data: Mapping[str, Any]) -> ControlMeasure:
    """Add a control measure to a risk point (a record of its own: the point itself does not
    change, so its version stays; it is only locked against a concurrent void)."""
    point = RiskPoint.objects.select_for_update().get(pk=point.pk)
    policy.require(actor, "add_measure", point, _("You may not change this risk point."))
    if point.is_voided:
        raise ValidationError({"risk_point": _("This risk point is voided.")})
    unknown = set(data) - MEASURE_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    measure = ControlMeasure(risk_point=point, created_by=_user_or_none(actor), **data)
    _check_measure(measure)
    create(measure, actor=actor, policy=None, action=CREATED, clean=False, data={"risk_point": point.pk})
    record_event(point, MEASURE_ADDED, actor=actor, data={"measure": measure.pk})
    return measure


def update_measure(measure: ControlMeasure, *, actor, data: Mapping[str, Any],
                   version: int | None = None) -> ControlMeasure:
    """Change a control measure (content, level, type, owner, active). ``version``: the one the
    caller saw (else the copy's); a different current one is a 409."""
    def change(locked: ControlMeasure) -> None:
        for name, value in data.items():
            if name not in MEASURE_FIELDS:
                raise ValidationError({name: _("This field cannot be changed here.")})
            setattr(locked, name, value)
        _check_measure(locked)

    return perform(measure, UPDATED, actor=actor, policy=policy, right="update_measure", change=change,
                   expected_version=version, data={"fields": sorted(data)})


def void_measure(measure: ControlMeasure, *, actor, reason: str, version: int | None = None) -> ControlMeasure:
    """Void a control measure (kept); the next generation of check items leaves it out."""
    return void(measure, actor=actor, policy=policy, reason=reason, expected_version=version,
                right="void_measure")


# --- control measures → check items → inspection duties -----------------------------------

def checklist_code(enterprise: Enterprise, cadence_code: str) -> str:
    """The code of an enterprise's own risk-control checklist for one cadence."""
    return f"RISK-{enterprise.pk}-{cadence_code}"[:32]


def _item_rows(measures: list[ControlMeasure]) -> list[dict[str, Any]]:
    from anjian.standards.choices import HazardFactor

    rows = []
    for i, m in enumerate(measures, start=1):
        point = m.risk_point
        tops = sorted({f.top for f in point.hazard_factors.all()})
        level = LEVEL_ZH.get(point.level, "未评价")
        rows.append({
            "measure": m,
            "item_no": str(i),
            "content": f"【{point.name}】{m.content}"[:2000],
            "basis": f"风险管控措施（{CONTROL_LEVEL_ZH.get(m.control_level, m.control_level)}，"
                     f"{MEASURE_TYPE_ZH.get(m.measure_type, m.measure_type)}）；"
                     f"风险点：{point.name}（{level}）；责任人：{m.owner_name or point.responsible_name}",
            "hazard_factor": tops[0] if len(tops) == 1 else (tops[0] if tops else HazardFactor.MANAGEMENT),
            "sort": i * 10,
        })
    return rows


@transaction.atomic
def generate_check_items(enterprise: Enterprise, *, actor) -> dict[str, Any]:
    """Turn the enterprise's active control measures into inspection tasks.

    For each cadence (team/post measures → 班组日查, workshop → 车间周查, company → 公司季查)
    the enterprise gets its own checklist "风险管控措施排查清单（…）" with one check item per
    active measure, and a self-inspection duty of that cadence pointing at it; the duty's task
    of the current period is made at once and the nightly scheduler makes the later ones.

    Idempotent: when the measures did not change, nothing is written. When they did, a new
    version of the checklist replaces the old one (kept, deactivated) and the duty is pointed
    at it. A cadence left without measures has its checklist deactivated and its duty voided."""
    from anjian.enterprises.choices import OperatingStatus
    from anjian.inspections import services as inspections
    from anjian.inspections.models import InspectionCadence, InspectionDuty
    from anjian.standards.models import CheckItem, Checklist

    # The right is decided once here; the checklist steps below are taken under it (policy=None).
    policy.require(actor, "generate_checks", enterprise, _("You may not manage the risk points of this enterprise."))
    enterprise = Enterprise.objects.select_for_update(of=("self",)).get(pk=enterprise.pk)  # one run at a time
    if enterprise.status == OperatingStatus.CLOSED:
        raise ValidationError({"enterprise": _("A closed enterprise gets no inspection tasks.")})
    measures = list(ControlMeasure.objects.filter(risk_point__enterprise=enterprise, risk_point__is_voided=False,
                                                  is_voided=False, is_active=True)
                    .select_related("risk_point").prefetch_related("risk_point__hazard_factors")
                    .order_by("risk_point__name", "risk_point_id", "control_level", "id"))
    groups: dict[str, list[ControlMeasure]] = defaultdict(list)
    for m in measures:
        groups[CONTROL_LEVEL_CADENCE[m.control_level]].append(m)
    cadences = {c.code: c for c in InspectionCadence.objects.filter(code__in=set(CONTROL_LEVEL_CADENCE.values()))}
    today = timezone.localdate()
    summary: dict[str, Any] = {"checklists": [], "created": 0, "versioned": 0, "unchanged": 0, "retired": 0,
                               "items": 0, "duties_created": 0, "duties_updated": 0}
    for cadence_code in dict.fromkeys(CONTROL_LEVEL_CADENCE.values()):
        cadence = cadences.get(cadence_code)
        code = checklist_code(enterprise, cadence_code)
        current = (Checklist.objects.filter(code=code, enterprise=enterprise, is_active=True)
                   .order_by("-id").first())
        duty = (InspectionDuty.objects.filter(enterprise=enterprise, checklist__code=code, is_voided=False)
                .order_by("-id").first())
        rows = _item_rows(groups.get(cadence_code, []))
        if not rows or cadence is None:
            if current is not None:
                _retire(current, CHECKLIST_DEACTIVATED, actor=actor, today=today, comment="no active control measures")
                summary["retired"] += 1
            if duty is not None:
                inspections.void_duty(duty, actor=actor, reason="风险管控措施已无此级别的有效措施")
            continue
        wanted = [(r["content"], r["basis"], r["hazard_factor"]) for r in rows]
        have = (list(current.items.filter(is_active=True).order_by("sort", "id")
                     .values_list("content", "basis", "hazard_factor")) if current else None)
        checklist = current
        if have is not None and [tuple(h) for h in have] == wanted:
            summary["unchanged"] += 1
            items = list(current.items.filter(is_active=True).order_by("sort", "id"))
        else:
            version = "1"
            if current is not None:
                numbers = [int(v) for v in Checklist.objects.filter(code=code).values_list("version", flat=True)
                           if v.isdigit()]
                version = str(max(numbers, default=0) + 1)
                _retire(current, CHECKLIST_SUPERSEDED, actor=actor, today=today, data={"new_version": version})
                summary["versioned"] += 1
            else:
                summary["created"] += 1
            label = cadence.name
            checklist = Checklist(
                code=code, version=version, name=f"{CHECKLIST_NAME}（{label}）", industry=enterprise.industry,
                enterprise=enterprise, effective_from=today,
                description=f"{enterprise.name}：由风险分级管控措施生成（{label}）",
                source_note="anjian.risks.services.generate_check_items")
            items = []

            def add_items(new: Checklist, rows=rows, items=items) -> None:
                items += CheckItem.objects.bulk_create([
                    CheckItem(checklist=new, item_no=r["item_no"], content=r["content"], basis=r["basis"],
                              hazard_factor=r["hazard_factor"], sort=r["sort"]) for r in rows])

            create(checklist, actor=actor, policy=None, action=CHECKLIST_GENERATED, clean=False, prepare=add_items,
                   data={"items": len(rows), "measures": [r["measure"].pk for r in rows]})
        for r, item in zip(rows, items, strict=True):
            # A derived link (which item checks the measure), not a change of the measure by
            # anyone: written directly, so it bumps no version and conflicts with no edit.
            if r["measure"].check_item_id != item.pk:
                ControlMeasure.objects.filter(pk=r["measure"].pk).update(check_item=item)
        summary["items"] += len(items)
        summary["checklists"].append(checklist.pk)
        responsible = (enterprise.safety_manager_name or enterprise.principal_name or "")[:50]
        if duty is None:
            inspections.create_duty(actor=actor, enterprise=enterprise, data={
                "name": f"{CHECKLIST_NAME}（{cadence.name}）"[:100], "cadence": cadence, "checklist": checklist,
                "responsible_name": responsible, "active_from": today})
            summary["duties_created"] += 1
        elif duty.checklist_id != checklist.pk:
            inspections.update_duty(duty, actor=actor, data={"checklist": checklist})
            summary["duties_updated"] += 1
    record_event(enterprise, RISK_CHECKS_GENERATED, actor=actor,
                 data={k: v for k, v in summary.items() if k != "checklists"})
    return summary


def _retire(checklist, action: str, *, actor, today, comment: str = "", data: dict | None = None) -> None:
    """Deactivate one of the enterprise's generated checklists (kept, with its end date); the
    caller decided the right (generating the enterprise's checks)."""
    def change(locked) -> None:
        locked.is_active = False
        locked.effective_to = today

    perform(checklist, action, actor=actor, policy=None, change=change, comment=comment, data=data)


# --- the enterprise's overall grade --------------------------------------------------------

def _source_grades(enterprise_ids: list[int]) -> dict[int, int]:
    from anjian.majorhazards.selectors import best_grade_by_enterprise

    return best_grade_by_enterprise(enterprise_ids)


@transaction.atomic
def refresh_enterprise_grades(enterprise_ids: Iterable[int]) -> int:
    """Derive again the overall risk grade of these enterprises: the gravest of (a) the levels
    of their assessed, non-voided risk points and (b) the level their gravest major hazard
    source makes them at least (SourceGradeLevel, our editable rule). Answers the rows written."""
    ids = sorted({int(i) for i in enterprise_ids})
    if not ids:
        return 0
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for ent, level, n in (RiskPoint.objects.filter(enterprise_id__in=ids, is_voided=False).exclude(level="")
                          .order_by().values_list("enterprise_id", "level").annotate(n=Count("id"))):
        counts[ent][level] = n
    sources = _source_grades(ids)
    rule = dict(SourceGradeLevel.objects.values_list("grade", "level"))
    enterprises = {e.pk: e for e in Enterprise.objects.filter(pk__in=ids).only("pk", "region_path", "industry_id")}
    existing = {g.enterprise_id: g for g in EnterpriseRiskGrade.objects.select_for_update().filter(enterprise_id__in=ids)}
    now = timezone.now()
    written = 0
    for pk in ids:
        ent = enterprises.get(pk)
        if ent is None:
            continue
        point_level = gravest(counts.get(pk, {}))
        grade = sources.get(pk)
        source_level = rule.get(grade, "") if grade else ""
        level = gravest([point_level, source_level])
        explanation = {
            "risk_points": {lvl.value: counts.get(pk, {}).get(lvl.value, 0) for lvl in LEVEL_ORDER},
            "gravest_point_level": point_level,
            "major_source_grade": grade,
            "source_level": source_level,
            "rule": "gravest of the risk points' levels and the level the gravest major hazard source "
                    "makes the enterprise at least (SourceGradeLevel)",
        }
        row = existing.get(pk)
        if row is None:
            EnterpriseRiskGrade.objects.create(enterprise_id=pk, level=level, derived_at=now, explanation=explanation,
                                               region_path=ent.region_path, industry_id=ent.industry_id)
        else:
            row.level, row.derived_at, row.explanation = level, now, explanation
            row.region_path, row.industry_id = ent.region_path, ent.industry_id
            row.save(update_fields=["level", "derived_at", "explanation", "region_path", "industry"])
        written += 1
    return written


def refresh_all_enterprise_grades(batch: int = 2000) -> int:
    """Nightly: every enterprise's grade, in batches (each its own transaction)."""
    total = 0
    last = 0
    while True:
        ids = list(Enterprise.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return total
        total += refresh_enterprise_grades(ids)
        last = ids[-1]


# --- profiles ------------------------------------------------------------------------------

@transaction.atomic
def set_default_profile(profile: RiskProfile, *, actor) -> RiskProfile:
    """Make ``profile`` the default of its method (administrators only); the previous default
    stops being one. Exactly one default per method holds before and after."""
    policy.require(actor, "set_default_profile", profile, _("Only system administrators choose the default."))
    current = RiskProfile.objects.select_for_update().get(pk=profile.pk)
    if not current.is_active:
        raise ValidationError({"profile": _("This profile is not active.")})
    if current.is_default:
        return current
    event_data: dict[str, Any] = {"method": current.method}

    def change(locked: RiskProfile) -> None:
        previous = list(RiskProfile.objects.select_for_update().filter(method=locked.method, is_default=True))
        RiskProfile.objects.filter(pk__in=[p.pk for p in previous]).update(is_default=False)
        locked.is_default = True  # saved by perform; post_save clears the evaluation cache
        event_data["previous"] = [p.code for p in previous]

    profile = perform(current, PROFILE_MADE_DEFAULT, actor=actor, policy=policy, right="set_default_profile",
                      change=change, data=event_data)
    evaluation.clear_cache()
    return profile

"""Every change in the assessment app: target agreements, schemes and their items, rounds,
self-assessments, organised assessments, deductions and bonuses, and the published ranking.

Each goes through core.workflow (``create``/``perform``/``void``): one transaction, the row
locked, the version checked (409 when someone changed it meanwhile), the actor's right
(``policy``), the machine's state and guards (``choices``), history and an event.

Scoring (``score_items``): an indicator item is judged on the unit's figure of the round's period
(``core.indicators``, read with the actor's scope) against the target that applies — the
item's own, else the unit's signed agreement for the year, else the indicator standard:

- ``proportional`` (higher is better): points × figure ÷ target, at most the points;
- ``pass_fail``: the points when the figure reaches the target, else 0;
- a figure that cannot be computed earns the points or none (``SchemeItem.when_unavailable``);
- a manual item earns what the assessor gives (0 … its points, with a note).

The stage's total = the items' points + bonuses (at most the scheme's cap) − deductions, never
below 0, rounded to 2 places. Ranks are standard competition ranks over the organised scores:
equal scores share a rank (``selectors.competition_ranks``).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import indicators
from anjian.core.workflow import available_steps, create, perform, void
from anjian.orgs.choices import DepartmentKind
from anjian.orgs.models import Department
from anjian.regions.models import Region

from . import events
from .choices import (
    AGREEMENT_MACHINE,
    ASSESSMENT_MACHINE,
    ROUND_MACHINE,
    AdjustmentKind,
    AgreementState,
    AssessmentState,
    Method,
    PeriodKind,
    Stage,
    SubjectKind,
    Unavailable,
)
from .models import (
    Adjustment,
    Assessment,
    AssessmentRound,
    AssessmentScheme,
    SchemeItem,
    ScoreLine,
    TargetAgreement,
    TargetItem,
)
from .policy import is_assessed_side, policy
from .selectors import competition_ranks, subject_of, targets_for

TWO = Decimal("0.01")


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number


def _check_indicator(code: str, field: str = "indicator") -> indicators.Indicator:
    indicator = indicators.get(code)
    if indicator is None:
        raise ValidationError({field: _("No such indicator.")})
    return indicator


# --- target agreements (目标责任书) -------------------------------------------------------------------


def create_agreement(*, actor, year: int, region: Region | None = None, department: Department | None = None,
                     title: str = "", note: str = "") -> TargetAgreement:
    """Draw up a draft agreement of ``year`` with a region (issued by the region above it) or a
    department (issued by its own region's office). The unit must be in the actor's jurisdiction
    (the caller reads it through ``for_user``) and the actor must be the issuing office."""
    if (region is None) == (department is None):
        raise ValidationError({"region": _("Choose a region or a department.")})
    if region is not None:
        if region.parent_id is None:
            raise ValidationError({"region": _("A top-level region has no office above it to sign with.")})
        issuer = region.parent
    else:
        issuer = department.region
    agreement = TargetAgreement(year=year, region=region, department=department, issuer=issuer,
                                title=(title or "").strip(), note=note or "",
                                created_by=actor if getattr(actor, "pk", None) else None)
    if not agreement.title:
        agreement.title = _("%(year)s work-safety target-responsibility agreement: %(unit)s") % {
            "year": year, "unit": agreement.subject_label}
    agreement.copy_path()
    if not policy.can(actor, "create", agreement):
        raise ValidationError({"region": _("Only the office of the region above the unit draws up its agreement.")})
    if TargetAgreement.objects.filter(year=year, is_voided=False, region=region, department=department).exists():
        raise ValidationError({"year": _("This unit already has an agreement for this year.")})
    return create(agreement, actor=actor, policy=policy, right="create", clean=False)


def set_targets(agreement: TargetAgreement, *, actor, targets: dict[str, Any], expected_version: int | None = None
                ) -> TargetAgreement:
    """Set the targets of a draft agreement ({indicator code: figure}); an empty figure leaves an
    indicator's target as it is. Targets are never removed: a wrong agreement is voided."""
    cleaned: dict[str, Decimal] = {}
    for code, value in targets.items():
        if value in (None, ""):
            continue
        _check_indicator(code, f"target_{code}")
        cleaned[code] = _decimal(value, f"target_{code}")
    if not cleaned:
        raise ValidationError({"targets": _("Enter at least one target.")})

    def change(locked: TargetAgreement) -> dict:
        if locked.state != AgreementState.DRAFT:
            raise ValidationError({"state": _("A signed agreement is no longer changed.")})
        changes = {}
        existing = {i.indicator: i for i in locked.items.all()}
        for code, value in cleaned.items():
            item = existing.get(code)
            if item is None:
                TargetItem.objects.create(agreement=locked, indicator=code, target=value)
                changes[code] = [None, str(value)]
            elif item.target != value:
                changes[code] = [str(item.target), str(value)]
                item.target = value
                item.save(update_fields=["target"])
        return changes

    return perform(agreement, events.TARGETS_CHANGED, actor=actor, policy=policy, change=change, right="update_targets",
                   expected_version=expected_version, save=False)


def sign_agreement(agreement: TargetAgreement, *, actor, signed_on: date | None = None,
                   expected_version: int | None = None) -> TargetAgreement:
    def change(locked: TargetAgreement) -> None:
        locked.signed_on = signed_on or timezone.localdate()

    return perform(agreement, "sign", actor=actor, policy=policy, machine=AGREEMENT_MACHINE, change=change,
                   expected_version=expected_version)


def void_agreement(agreement: TargetAgreement, *, actor, reason: str, expected_version: int | None = None):
    return void(agreement, actor=actor, policy=policy, reason=reason, expected_version=expected_version,
                machine=AGREEMENT_MACHINE)


# --- schemes and rounds ----------------------------------------------------------------------------


SCHEME_FIELDS = ("name", "year", "period_kind", "subject_kind", "self_assessment", "bonus_cap", "basis")


def create_scheme(*, actor, region: Region, data: dict[str, Any]) -> AssessmentScheme:
    """A new scheme of ``region``'s office (the region must be in the actor's jurisdiction; the
    caller reads it through ``for_user``)."""
    unknown = set(data) - set(SCHEME_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Unknown field.")})
    scheme = AssessmentScheme(region=region, region_path=region.path,
                              created_by=actor if getattr(actor, "pk", None) else None, **data)
    if not policy.can(actor, "create", scheme):
        raise ValidationError({"region": _("Only the region's committee office keeps its assessment schemes.")})
    return create(scheme, actor=actor, policy=policy, right="create")


ITEM_FIELDS = ("part", "indicator", "title", "points", "method", "target", "when_unavailable", "sort")


def add_item(scheme: AssessmentScheme, *, actor, data: dict[str, Any], expected_version: int | None = None
             ) -> SchemeItem:
    """Add an item to a scheme that has no round yet (the items of an opened round are fixed)."""
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Unknown field.")})
    item = SchemeItem(**data)
    if item.method == Method.MANUAL:
        if item.indicator:
            raise ValidationError({"indicator": _("An item the assessor scores names no indicator.")})
        if not (item.title or "").strip():
            raise ValidationError({"title": _("Say what the assessor scores.")})
    else:
        indicator = _check_indicator(item.indicator or "")
        if item.method == Method.PROPORTIONAL and indicator.direction != indicators.HIGHER:
            raise ValidationError({"method": _("Proportional scoring needs an indicator where higher is better; "
                                               "use all or nothing.")})

    def change(locked: AssessmentScheme) -> SchemeItem:
        if locked.rounds.filter(is_voided=False).exists():
            raise ValidationError({"items": _("The items are fixed once a round has been opened.")})
        item.scheme = locked
        item.full_clean()
        item.save()
        return item

    done = perform(scheme, events.ITEMS_CHANGED, actor=actor, policy=policy, change=change, right="update_items",
                   expected_version=expected_version, save=False, outcome=True, data={"added": item.label},
                   comment=item.label)
    return done.result


def scheme_subjects(scheme: AssessmentScheme) -> list[Region | Department]:
    """The units a scheme assesses: the live regions directly below its region, or the live
    departments of its region other than the committee office itself."""
    if scheme.subject_kind == SubjectKind.REGIONS:
        return list(Region.objects.filter(parent=scheme.region, is_voided=False).order_by("path"))
    return list(Department.objects.filter(region=scheme.region, is_voided=False)
                .exclude(kind=DepartmentKind.COMMITTEE_OFFICE).select_related("region").order_by("kind", "name"))


def period_for(scheme: AssessmentScheme, month: int | None) -> indicators.Period:
    if scheme.period_kind == PeriodKind.MONTH:
        if not month or not 1 <= int(month) <= 12:
            raise ValidationError({"month": _("Choose the month of this round.")})
        return indicators.Period.month(scheme.year, int(month))
    return indicators.Period(date(scheme.year, 1, 1), date(scheme.year + 1, 1, 1))


def open_round(scheme: AssessmentScheme, *, actor, month: int | None = None,
               expected_version: int | None = None) -> AssessmentRound:
    """Open the round of one period (a month of a monthly scheme, the year of a yearly one): one
    assessment, in draft, per unit the scheme assesses."""
    period = period_for(scheme, month)

    def change(locked: AssessmentScheme) -> AssessmentRound:
        if not locked.items.exists():
            raise ValidationError({"items": _("Add the scheme's items before opening a round.")})
        if locked.rounds.filter(is_voided=False, period_start=period.start).exists():
            raise ValidationError({"month": _("This period already has a round.")})
        subjects = scheme_subjects(locked)
        if not subjects:
            raise ValidationError({"subject_kind": _("There is no unit to assess.")})
        rnd = AssessmentRound.objects.create(scheme=locked, region_path=locked.region_path, period_start=period.start,
                                             period_end=period.end, is_demo=locked.is_demo)
        for unit in subjects:
            a = Assessment(round=rnd, is_demo=locked.is_demo,
                           **({"department": unit} if isinstance(unit, Department) else {"region": unit}))
            a.copy_path()
            a._history_user = actor if getattr(actor, "pk", None) else None
            a.save()
        return rnd

    done = perform(scheme, events.ROUND_OPENED, actor=actor, policy=policy, change=change, right="open_round",
                   expected_version=expected_version, save=False, outcome=True, data={"period": period.label})
    return done.result


# --- scoring -------------------------------------------------------------------------------------


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def item_points(item: SchemeItem, value: indicators.Value | None, target: Decimal | None) -> tuple[Decimal, str]:
    """The points an indicator item earns on ``value`` against ``target``, and why."""
    indicator = indicators.get(item.indicator)
    if indicator is None:
        return Decimal(0), _("The indicator is no longer declared.")
    figure = value.value if value is not None else None
    if figure is None or target is None:
        why = _("The figure is not available.") if figure is None else _("No target applies.")
        return (item.points if item.when_unavailable == Unavailable.FULL else Decimal(0)), why
    if item.method == Method.PROPORTIONAL:
        if target <= 0:
            return (item.points if figure >= target else Decimal(0)), ""
        share = max(Decimal(0), min(Decimal(1), figure / target))
        return _quantize(item.points * share), ""
    return (item.points if indicator.meets(figure, target) else Decimal(0)), ""


def score_items(assessment: Assessment, *, viewer, manual: dict[int, tuple[Any, str]] | None = None,
                today: date | None = None) -> list[dict[str, Any]]:
    """The lines of an assessment: each scheme item with the figure, target and points (manual
    items from ``manual``: {item id: (points, note)}). One evaluation for all the indicators."""
    manual = manual or {}
    rnd = assessment.round
    items = list(rnd.scheme.items.order_by("part", "sort", "id"))
    subject = subject_of(assessment)
    codes = sorted({i.indicator for i in items if i.indicator and indicators.get(i.indicator)})
    values = indicators.evaluate(codes, viewer, [subject], rnd.period, today=today) if codes else {}
    targets = targets_for(viewer, [subject], rnd.period.last_day.year)[subject.key]
    lines = []
    for item in items:
        if item.method == Method.MANUAL:
            raw, note = manual.get(item.pk, (None, ""))
            if raw in (None, ""):
                raise ValidationError({f"item_{item.pk}": _("Give the points of this item.")})
            points = _decimal(raw, f"item_{item.pk}")
            if not Decimal(0) <= points <= item.points:
                raise ValidationError({f"item_{item.pk}": _("Between 0 and %(max)s points.") % {"max": item.points}})
            lines.append({"item": item, "value": None, "target": None, "points": _quantize(points), "note": note})
            continue
        value = values.get(item.indicator, {}).get(subject.key)
        target = item.target if item.target is not None else (
            targets[item.indicator].value if item.indicator in targets else None)
        points, why = item_points(item, value, target)
        note = "; ".join(x for x in (value.note if value else "", why) if x)
        lines.append({"item": item, "value": value.value if value else None, "target": target,
                      "points": _quantize(points), "note": note})
    return lines


def stage_total(lines: list[dict[str, Any]], adjustments: list[Adjustment], bonus_cap: Decimal | None) -> Decimal:
    """Items + bonuses (at most the cap) − deductions, never below 0."""
    base = sum((line["points"] for line in lines), Decimal(0))
    bonus = sum((a.points for a in adjustments if a.kind == AdjustmentKind.BONUS), Decimal(0))
    if bonus_cap is not None:
        bonus = min(bonus, bonus_cap)
    deduction = sum((a.points for a in adjustments if a.kind == AdjustmentKind.DEDUCTION), Decimal(0))
    return _quantize(max(Decimal(0), base + bonus - deduction))


def _write_lines(assessment: Assessment, stage: str, lines: list[dict[str, Any]]) -> None:
    for line in lines:
        ScoreLine.objects.update_or_create(
            assessment=assessment, item=line["item"], stage=stage,
            defaults={"value": line["value"], "target": line["target"], "points": line["points"],
                      "note": line["note"][:1000]})


def _adjustments(assessment: Assessment, stage: str) -> list[Adjustment]:
    return list(assessment.adjustments.filter(stage=stage, is_voided=False))


def _score_stage(locked: Assessment, *, actor, stage: str, manual, today) -> Decimal:
    """Score the items at ``stage`` (lines written) and answer the stage's total."""
    lines = score_items(locked, viewer=actor, manual=manual, today=today)
    _write_lines(locked, stage, lines)
    return stage_total(lines, _adjustments(locked, stage), locked.round.scheme.bonus_cap)


def submit_self(assessment: Assessment, *, actor, manual: dict[int, tuple[Any, str]] | None = None,
                comment: str = "", expected_version: int | None = None, today: date | None = None) -> Assessment:
    """The unit's self-assessment: the lines at the self stage and the self-assessed score."""
    def change(locked: Assessment) -> None:
        locked.self_score = _score_stage(locked, actor=actor, stage=Stage.SELF, manual=manual, today=today)
        locked.self_comment = comment or ""
        locked.self_submitted_at = timezone.now()

    return perform(assessment, "submit_self", actor=actor, policy=policy, machine=ASSESSMENT_MACHINE, change=change,
                   expected_version=expected_version, comment=comment)


def assess(assessment: Assessment, *, actor, manual: dict[int, tuple[Any, str]] | None = None, comment: str = "",
           expected_version: int | None = None, today: date | None = None) -> Assessment:
    """The organised assessment: the lines at the organised stage and the score that counts."""
    def change(locked: Assessment) -> None:
        locked.score = _score_stage(locked, actor=actor, stage=Stage.ORGANISED, manual=manual, today=today)
        locked.comment = comment or ""
        locked.assessed_at = timezone.now()
        locked.assessed_by = actor if getattr(actor, "pk", None) else None

    return perform(assessment, "assess", actor=actor, policy=policy, machine=ASSESSMENT_MACHINE, change=change,
                   expected_version=expected_version, comment=comment)


def return_assessment(assessment: Assessment, *, actor, reason: str, expected_version: int | None = None
                      ) -> Assessment:
    """Send an assessment back to the unit (it drafts and submits its self-assessment again)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what must be corrected.")})

    def change(locked: Assessment) -> None:
        locked.score = None
        locked.assessed_at = None

    return perform(assessment, "return", actor=actor, policy=policy, machine=ASSESSMENT_MACHINE, change=change,
                   expected_version=expected_version, comment=reason)


def adjustment_stage(actor, assessment: Assessment) -> str:
    """The stage a deduction or bonus of ``actor`` belongs to: the unit's own while it drafts its
    self-assessment, else the organised assessment's."""
    if assessment.state == AssessmentState.DRAFT and assessment.round.scheme.self_assessment and \
            is_assessed_side(actor, assessment):
        return Stage.SELF
    return Stage.ORGANISED


def add_adjustment(assessment: Assessment, *, actor, kind: str, points: Any, reason: str,
                   expected_version: int | None = None) -> Adjustment:
    """A deduction or a bonus with its reason, at the actor's stage."""
    if kind not in AdjustmentKind.values:
        raise ValidationError({"kind": _("Choose a deduction or a bonus.")})
    amount = _decimal(points, "points")
    if amount <= 0:
        raise ValidationError({"points": _("Enter a number of points above 0.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason (the finding, the accident, the award).")})

    def change(locked: Assessment) -> Adjustment:
        return Adjustment.objects.create(assessment=locked, stage=adjustment_stage(actor, locked), kind=kind,
                                         points=_quantize(amount), reason=reason.strip(),
                                         entered_by=actor if getattr(actor, "pk", None) else None)

    done = perform(assessment, "adjust", actor=actor, policy=policy, machine=ASSESSMENT_MACHINE, change=change,
                   expected_version=expected_version, outcome=True, save=False,
                   data={"kind": kind, "points": str(_quantize(amount)), "reason": reason.strip()})
    return done.result


def remove_adjustment(adjustment: Adjustment, *, actor, reason: str, expected_version: int | None = None
                      ) -> Adjustment:
    """Void a deduction or bonus (a step on its assessment)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for removing it.")})

    def change(locked: Assessment) -> None:
        row = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if row.is_voided:
            raise ValidationError({"adjustment": _("It is already removed.")})
        if row.stage != adjustment_stage(actor, locked):
            raise ValidationError({"adjustment": _("It belongs to the other stage of the assessment.")})
        row.is_voided, row.voided_at, row.void_reason = True, timezone.now(), reason.strip()[:200]
        row.save(update_fields=["is_voided", "voided_at", "void_reason"])

    perform(adjustment.assessment, "adjust", actor=actor, policy=policy, machine=ASSESSMENT_MACHINE, change=change,
            expected_version=expected_version, save=False, event=events.ADJUSTMENT_REMOVED, comment=reason,
            data={"adjustment": adjustment.pk})
    adjustment.refresh_from_db()
    return adjustment


def publish_round(rnd: AssessmentRound, *, actor, document_number: str = "", remarks: str = "",
                  expected_version: int | None = None) -> AssessmentRound:
    """Publish the ranking of a round whose units are all assessed: each assessment gets its
    rank among them (equal scores share a rank) and the number of units ranked."""
    def change(locked: AssessmentRound) -> None:
        rows = list(Assessment.objects.select_for_update().filter(round=locked, is_voided=False))
        ranks = competition_ranks([(a.pk, a.score) for a in rows])
        for a in rows:
            a.rank, a.rank_of = ranks[a.pk], len(rows)
        Assessment.objects.bulk_update(rows, ["rank", "rank_of"])
        locked.document_number = (document_number or "").strip()[:60]
        locked.remarks = remarks or ""
        locked.published_at = timezone.now()
        locked.published_by = actor if getattr(actor, "pk", None) else None

    return perform(rnd, "publish", actor=actor, policy=policy, machine=ROUND_MACHINE, change=change,
                   expected_version=expected_version)


def void_round(rnd: AssessmentRound, *, actor, reason: str, expected_version: int | None = None) -> AssessmentRound:
    return void(rnd, actor=actor, policy=policy, reason=reason, expected_version=expected_version,
                machine=ROUND_MACHINE)


def void_scheme(scheme: AssessmentScheme, *, actor, reason: str, expected_version: int | None = None):
    if scheme.rounds.filter(is_voided=False).exists():
        raise ValidationError({"rounds": _("Void its rounds first.")})
    return void(scheme, actor=actor, policy=policy, reason=reason, expected_version=expected_version)


def available_actions(actor, obj) -> list[str]:
    """The steps ``actor`` may take on an agreement, a round or an assessment now."""
    machine = {TargetAgreement: AGREEMENT_MACHINE, AssessmentRound: ROUND_MACHINE,
               Assessment: ASSESSMENT_MACHINE}[type(obj)]
    return available_steps(machine, policy, actor, obj)

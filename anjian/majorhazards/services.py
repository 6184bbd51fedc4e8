"""Every change to the major hazard source registry goes through here.

Each change locks the source row, checks the actor's right, saves, bumps ``version``, writes an
event and — when substances or the population changed — re-evaluates the source (S, R, grade,
with the current table version) in the same transaction. A stale ``version`` from the caller is
a ``ConflictError`` (HTTP 409) and nothing is written.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.services import ConflictError, record_event, void_record
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import Role

from .calculation import EvaluationError, SubstanceInput, current_table, evaluate, parse_classes
from .choices import TRANSITIONS, PersonRole, SourceState
from .models import (
    AlphaBand,
    CriticalQuantityTable,
    GradeBand,
    HazardClassThreshold,
    MajorHazardSource,
    NamedChemical,
    ResponsibleCheck,
    ResponsiblePerson,
    SourceEvaluation,
    SourceSubstance,
)

REGULATOR_ROLES = frozenset({Role.REGULATOR, Role.INDUSTRY_OFFICER})
SOURCE_FIELDS = ("name", "unit_kind", "address", "longitude", "latitude", "population_500m", "description")
SUBSTANCE_FIELDS = ("chemical", "hazard_class", "name", "cas", "quantity_t")
PERSON_FIELDS = ("role", "name", "position", "phone", "user", "appointed_on")
SIX = Decimal("0.000001")


# --- rights -----------------------------------------------------------------------------------

def can_manage(actor, source: MajorHazardSource) -> bool:
    """The enterprise's own users, regulators whose jurisdiction holds it, administrators."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if getattr(actor, "is_system_admin", False):
        return True
    scope = scope_of(actor)
    if scope.kind == ENTERPRISE:
        return scope.enterprise_id == source.enterprise_id
    return (getattr(actor, "role", None) in REGULATOR_ROLES
            and MajorHazardSource.objects.for_user(actor).filter(pk=source.pk).exists())


def _require_manage(actor, source: MajorHazardSource) -> None:
    if not can_manage(actor, source):
        raise PermissionDenied(_("You may not change this major hazard source."))


def _lock(source: MajorHazardSource, version: int | None) -> MajorHazardSource:
    locked = MajorHazardSource.objects.select_for_update(of=("self",)).get(pk=source.pk)
    if version is not None and int(version) != locked.version:
        raise ConflictError(_("This major hazard source was changed by someone else; reload it."),
                            current_state=locked.state, current_version=locked.version)
    if locked.is_voided:
        raise ValidationError({"is_voided": _("This major hazard source is voided.")})
    return locked


def _bump(source: MajorHazardSource) -> None:
    MajorHazardSource.objects.filter(pk=source.pk).update(version=F("version") + 1)
    source.version += 1


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _dec(value: Fraction, places: Decimal = SIX) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


# --- evaluation -------------------------------------------------------------------------------

def substance_inputs(source: MajorHazardSource) -> list[tuple[SourceSubstance, SubstanceInput]]:
    rows = source.substances.filter(is_voided=False).select_related("chemical").order_by("id")
    return [(s, SubstanceInput(quantity=Fraction(s.quantity_t), name=s.name, cas=s.cas,
                               hazard_classes=parse_classes(s.hazard_class),
                               chemical_seq=s.chemical.seq if s.chemical_id else None)) for s in rows]


def reevaluate(source: MajorHazardSource, *, actor=None, reason: str = "") -> SourceEvaluation | None:
    """Evaluate the source's current substances and population with the current table version,
    store the evaluation (inputs, items, table version) and copy S, α, R, grade onto the source.
    Call inside the transaction that changed the source (the row is locked by the caller).
    A source without substances gets S = R = 0, not major."""
    pairs = substance_inputs(source)
    table = current_table()
    try:
        result = evaluate(source.population_500m, [p[1] for p in pairs], table)
    except EvaluationError as exc:
        # A stored substance the current table cannot place (e.g. an admin removed a class).
        raise ValidationError({"substances": [str(exc.errors)]}) from exc
    inputs = {"population_500m": source.population_500m,
              "substances": [dict(s.as_input(), id=s.pk) for s, _sub in pairs]}
    evaluation = SourceEvaluation.objects.create(
        source=source, table_id=table.id, inputs=inputs, items=[i.as_dict() for i in result.items],
        s_value=_dec(result.s), alpha=_dec(result.alpha, Decimal("0.01")), r_value=_dec(result.r),
        grade=result.grade, is_major=result.is_major, reason=reason[:60], evaluated_by=_actor(actor))
    before = (source.is_major, source.grade)
    source.s_value, source.r_value, source.alpha = evaluation.s_value, evaluation.r_value, evaluation.alpha
    source.grade, source.is_major, source.evaluated_at = result.grade, result.is_major, evaluation.evaluated_at
    MajorHazardSource.objects.filter(pk=source.pk).update(
        s_value=source.s_value, r_value=source.r_value, alpha=source.alpha, grade=source.grade,
        is_major=source.is_major, evaluated_at=source.evaluated_at)
    record_event(source, "evaluated", actor=actor, comment=reason, data={
        "evaluation": evaluation.pk, "table": table.label, "S": float(result.s), "R": float(result.r),
        "grade": result.grade, "is_major": result.is_major,
        "previous": {"is_major": before[0], "grade": before[1]}})
    return evaluation


# --- sources ----------------------------------------------------------------------------------

def source_number(source: MajorHazardSource) -> str:
    """重大危险源编号: ZDWXY + year registered + the row id, zero-padded (unique, stable)."""
    return f"ZDWXY{timezone.localdate():%Y}{source.pk:07d}"


def _copy_enterprise_keys(source: MajorHazardSource, enterprise: Enterprise) -> None:
    source.region_path = enterprise.region_path
    source.industry_id = enterprise.industry_id
    source.grid_id = enterprise.grid_id


@transaction.atomic
def create_source(*, actor, enterprise: Enterprise, data: dict[str, Any],
                  substances: list[dict[str, Any]] | None = None) -> MajorHazardSource:
    """Register a unit of ``enterprise`` (in the actor's scope) and evaluate it."""
    if not Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
    scope = scope_of(actor)
    if not (getattr(actor, "is_system_admin", False) or getattr(actor, "role", None) in REGULATOR_ROLES
            or (scope.kind == ENTERPRISE and scope.enterprise_id == enterprise.pk)):
        raise PermissionDenied(_("You may not register major hazard sources."))
    unknown = set(data) - set(SOURCE_FIELDS) - {"is_demo"}
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    source = MajorHazardSource(enterprise=enterprise, created_by=_actor(actor), **data)
    _copy_enterprise_keys(source, enterprise)
    source.number = f"TMP{timezone.now().timestamp():.6f}"[:32]
    source.full_clean(exclude=["number"])
    source.save()
    source.number = source_number(source)
    MajorHazardSource.objects.filter(pk=source.pk).update(number=source.number)
    record_event(source, "created", actor=actor, to_state=source.state)
    for i, spec in enumerate(substances or []):
        try:
            _add_substance(source, dict(spec))
        except ValidationError as exc:
            raise ValidationError({"substances": [f"{i}: {m}" for m in exc.messages]}) from exc
    reevaluate(source, actor=actor, reason="created")
    return source


@transaction.atomic
def update_source(source: MajorHazardSource, *, actor, data: dict[str, Any],
                  version: int | None = None) -> MajorHazardSource:
    """Correct a source's details; a changed population re-evaluates it."""
    _require_manage(actor, source)
    source = _lock(source, version)
    unknown = set(data) - set(SOURCE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    changed = [k for k, v in data.items() if getattr(source, k) != v]
    for k, v in data.items():
        setattr(source, k, v)
    source.full_clean()
    source.save()
    _bump(source)
    record_event(source, "updated", actor=actor, data={"fields": changed})
    if "population_500m" in changed:
        reevaluate(source, actor=actor, reason="population changed")
    return source


@transaction.atomic
def change_state(source: MajorHazardSource, *, actor, to_state: str, comment: str = "",
                 version: int | None = None) -> MajorHazardSource:
    """Suspend, resume or decommission a source (decommissioned is final)."""
    _require_manage(actor, source)
    source = _lock(source, version)
    if to_state not in TRANSITIONS.get(source.state, set()):
        raise ValidationError({"state": _("A source cannot go from %(from)s to %(to)s.")
                               % {"from": source.get_state_display(),
                                  "to": dict(SourceState.choices).get(to_state, to_state)}})
    if to_state == SourceState.DECOMMISSIONED and not comment.strip():
        raise ValidationError({"comment": _("Give a reason for decommissioning.")})
    before = source.state
    source.state = to_state
    source.save(update_fields=["state", "updated_at"])
    _bump(source)
    record_event(source, "state_changed", actor=actor, from_state=before, to_state=to_state, comment=comment)
    return source


def void_source(source: MajorHazardSource, *, actor, reason: str) -> MajorHazardSource:
    """Void a source entered by mistake (never deleted)."""
    _require_manage(actor, source)
    return void_record(source, actor=actor, reason=reason)


# --- substances --------------------------------------------------------------------------------

def _add_substance(source: MajorHazardSource, spec: dict[str, Any]) -> SourceSubstance:
    unknown = set(spec) - set(SUBSTANCE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    sub = SourceSubstance(source=source, **spec)
    _fill_substance(sub)
    sub.full_clean()
    sub.save()
    return sub


def _fill_substance(sub: SourceSubstance) -> None:
    """Link a named chemical from CAS/name when not given, fill name and CAS from it, and check the
    substance can be placed in the current table (so a bad one is refused, naming the field)."""
    table = current_table()
    sub.hazard_class = ",".join(parse_classes(sub.hazard_class))
    if sub.chemical_id and sub.chemical.table_id != table.id:
        # A link into an older table version: follow the same row number in the current one.
        sub.chemical = NamedChemical.objects.filter(table_id=table.id, seq=sub.chemical.seq).first()
    probe = SubstanceInput(quantity=Fraction(Decimal(sub.quantity_t or 0)), name=sub.name, cas=sub.cas,
                           hazard_classes=parse_classes(sub.hazard_class),
                           chemical_seq=sub.chemical.seq if sub.chemical_id else None)
    if not (probe.name or probe.cas or probe.hazard_classes or probe.chemical_seq):
        raise ValidationError({"name": _("Give the CAS number, the name or the hazard class of the substance.")})
    try:
        result = evaluate(0, [probe], table)
    except EvaluationError as exc:
        fields = exc.errors.get("substances", {}).get("0", {})
        raise ValidationError(dict(fields.items()) or {"name": [str(exc.errors)]}) from exc
    item = result.items[0]
    if item.chemical_seq is not None and not sub.chemical_id:
        sub.chemical = NamedChemical.objects.get(table_id=table.id, seq=item.chemical_seq)
    if not sub.name:
        sub.name = item.chemical_name or item.hazard_class


@transaction.atomic
def add_substance(source: MajorHazardSource, *, actor, data: dict[str, Any],
                  version: int | None = None) -> SourceSubstance:
    """Add a chemical to a source and re-evaluate it."""
    _require_manage(actor, source)
    source = _lock(source, version)
    sub = _add_substance(source, data)
    _bump(source)
    record_event(source, "substance_added", actor=actor, data={"substance": sub.pk, "name": sub.name,
                                                               "quantity_t": str(sub.quantity_t)})
    reevaluate(source, actor=actor, reason="substance added")
    return sub


@transaction.atomic
def update_substance(sub: SourceSubstance, *, actor, data: dict[str, Any],
                     version: int | None = None) -> SourceSubstance:
    """Correct a substance (quantity, class, …) and re-evaluate its source."""
    _require_manage(actor, sub.source)
    source = _lock(sub.source, version)
    sub = SourceSubstance.objects.select_for_update(of=("self",)).get(pk=sub.pk)
    if sub.is_voided:
        raise ValidationError({"is_voided": _("This substance is voided.")})
    unknown = set(data) - set(SUBSTANCE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    if ("name" in data or "cas" in data) and "chemical" not in data:
        sub.chemical = None  # a renamed substance is looked up again
    for k, v in data.items():
        setattr(sub, k, v)
    _fill_substance(sub)
    sub.full_clean()
    sub.save()
    _bump(source)
    record_event(source, "substance_updated", actor=actor, data={"substance": sub.pk, "fields": sorted(data)})
    reevaluate(source, actor=actor, reason="substance changed")
    return sub


@transaction.atomic
def void_substance(sub: SourceSubstance, *, actor, reason: str) -> SourceSubstance:
    """Remove a substance from its source (voided, kept) and re-evaluate the source."""
    _require_manage(actor, sub.source)
    source = _lock(sub.source, None)
    sub = void_record(sub, actor=actor, reason=reason)
    _bump(source)
    record_event(source, "substance_removed", actor=actor, comment=reason, data={"substance": sub.pk})
    reevaluate(source, actor=actor, reason="substance removed")
    return sub


# --- responsible persons and their checks ------------------------------------------------------

@transaction.atomic
def appoint_person(source: MajorHazardSource, *, actor, data: dict[str, Any]) -> ResponsiblePerson:
    """Appoint the principal, technical or operational responsible person; the current one in
    that role (if any) is ended the day before the appointment (kept, with ``ended_on``)."""
    _require_manage(actor, source)
    source = _lock(source, None)
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    person = ResponsiblePerson(source=source, created_by=_actor(actor), **data)
    if person.appointed_on is None:
        person.appointed_on = timezone.localdate()
    person.full_clean(validate_constraints=False)
    previous = (ResponsiblePerson.objects.select_for_update(of=("self",))
                .filter(source=source, role=person.role, ended_on__isnull=True).first())
    if previous is not None:
        if person.appointed_on < previous.appointed_on:
            raise ValidationError({"appointed_on": _("The appointment cannot be before the current person's "
                                                     "(%(date)s).") % {"date": previous.appointed_on}})
        previous.ended_on = max(previous.appointed_on, person.appointed_on - datetime.timedelta(days=1))
        previous.save(update_fields=["ended_on"])
    person.save()
    _bump(source)
    record_event(source, "person_appointed", actor=actor, data={
        "role": person.role, "name": person.name, "person": person.pk,
        "replaced": previous.pk if previous is not None else None})
    return person


@transaction.atomic
def end_person(person: ResponsiblePerson, *, actor, ended_on: datetime.date | None = None) -> ResponsiblePerson:
    """End a responsible person's appointment without a successor (the role becomes vacant)."""
    _require_manage(actor, person.source)
    source = _lock(person.source, None)
    person = ResponsiblePerson.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if person.ended_on is not None:
        raise ValidationError({"ended_on": _("This appointment has already ended.")})
    person.ended_on = ended_on or timezone.localdate()
    if person.ended_on < person.appointed_on:
        raise ValidationError({"ended_on": _("The end cannot be before the appointment.")})
    person.save(update_fields=["ended_on"])
    _bump(source)
    record_event(source, "person_ended", actor=actor, data={"role": person.role, "name": person.name,
                                                            "person": person.pk})
    return person


@transaction.atomic
def record_check(source: MajorHazardSource, *, actor, data: dict[str, Any], hazards=()) -> ResponsibleCheck:
    """Record a responsible person's check (e.g. the technical person's quarterly check). The
    person defaults to the current holder of the role; the hazards must be the source's
    enterprise's."""
    _require_manage(actor, source)
    source = _lock(source, None)
    role = data.get("role")
    if role not in PersonRole.values:
        raise ValidationError({"role": _("Choose the role of the person who checked.")})
    person = data.get("person") or ResponsiblePerson.objects.filter(source=source, role=role,
                                                                    ended_on__isnull=True).first()
    if person is None:
        raise ValidationError({"person": _("No current responsible person in this role; appoint one first.")})
    if person.source_id != source.pk or person.role != role:
        raise ValidationError({"person": _("This person is not this source's responsible person in this role.")})
    checked_on = data.get("checked_on") or timezone.localdate()
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("The check date cannot be in the future.")})
    hazards = list(hazards or [])
    if any(h.enterprise_id != source.enterprise_id for h in hazards):
        raise ValidationError({"hazards": _("Only hazards of this source's enterprise can be linked.")})
    check = ResponsibleCheck(source=source, role=role, person=person, checked_on=checked_on,
                             findings=data.get("findings", ""), created_by=_actor(actor))
    check.full_clean()
    check.save()
    if hazards:
        check.hazards.set(hazards)
    _bump(source)
    record_event(source, "check_recorded", actor=actor, data={"check": check.pk, "role": role,
                                                              "checked_on": str(checked_on)})
    return check


# --- table versions ---------------------------------------------------------------------------

@transaction.atomic
def new_table_version(table: CriticalQuantityTable, *, actor, title: str = "") -> CriticalQuantityTable:
    """Copy a table version with all its rows into a new (not yet current) version to edit."""
    table = CriticalQuantityTable.objects.select_for_update().get(pk=table.pk)
    latest = CriticalQuantityTable.objects.filter(code=table.code).order_by("-version").first()
    new = CriticalQuantityTable.objects.create(
        code=table.code, version=latest.version + 1, title=title or table.title, effective_from=table.effective_from,
        is_current=False, source_note=table.source_note, based_on=table)
    for model in (NamedChemical, HazardClassThreshold, AlphaBand, GradeBand):
        rows = list(model.objects.filter(table=table))
        for row in rows:
            row.pk = None
            row.table = new
        model.objects.bulk_create(rows)
    record_event(new, "table_version_created", actor=actor, data={"copied_from": table.pk})
    return new


@transaction.atomic
def make_table_current(table: CriticalQuantityTable, *, actor) -> CriticalQuantityTable:
    """Make ``table`` the version new evaluations use (old evaluations keep theirs). Checks the
    bands cover every population and every R first."""
    check_table(table)
    previous = CriticalQuantityTable.objects.select_for_update().filter(is_current=True).exclude(pk=table.pk)
    ids = list(previous.values_list("pk", flat=True))
    CriticalQuantityTable.objects.filter(pk__in=ids).update(is_current=False)
    table.is_current = True
    table.save(update_fields=["is_current"])
    record_event(table, "table_made_current", actor=actor, data={"previous": ids})
    return table


def check_table(table: CriticalQuantityTable) -> None:
    """The α bands must cover 0…∞ without gaps or overlaps, the grade bands every R, once."""
    bands = list(AlphaBand.objects.filter(table=table).order_by("min_population"))
    expect = 0
    for band in bands:
        if band.min_population != expect or expect is None:
            raise ValidationError({"alpha_bands": _("The α bands must cover every population from 0 without gaps "
                                                    "or overlaps.")})
        expect = None if band.max_population is None else band.max_population + 1
    if not bands or expect is not None:
        raise ValidationError({"alpha_bands": _("The last α band must have no upper bound.")})
    grades = sorted(GradeBand.objects.filter(table=table), key=lambda g: (g.min_r is not None, g.min_r or 0))
    lower = None
    for band in grades:
        if band.min_r != lower:
            raise ValidationError({"grade_bands": _("The grade bands must cover every R without gaps or overlaps.")})
        lower = band.max_r
        if lower is None:
            break
    if not grades or lower is not None or band is not grades[-1]:
        raise ValidationError({"grade_bands": _("The grade bands must cover every R without gaps or overlaps.")})

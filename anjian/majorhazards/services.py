"""Every change to the major hazard source registry goes through here, and through the one write
path (``core.workflow``).

Each change of a source (its details, its state, its chemicals, its responsible persons and
their checks) is a step on the source: the row is locked, its version checked (the one the
caller sends, else the one of the copy the caller loaded: a stale one is a ``ConflictError``,
HTTP 409, and nothing is written), the actor's right asked of ``policy``, the change made, the
version bumped and the event written — and when substances or the population changed, the
source is re-evaluated (S, R, grade, with the current table version) — in one transaction.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.services import record_event
from anjian.core.workflow import create, perform, void
from anjian.enterprises.models import Enterprise

from .calculation import EvaluationError, SubstanceInput, current_table, evaluate, parse_classes
from .choices import SOURCE_MACHINE, PersonRole, SourceState, step_to
from .events import (
    CHECK_RECORDED,
    ON_REGISTRATION,
    ON_SUBSTANCE_ADDED,
    ON_SUBSTANCE_CHANGED,
    ON_SUBSTANCE_REMOVED,
    PERSON_APPOINTED,
    PERSON_ENDED,
    POPULATION_CHANGED,
    SOURCE_EVALUATED,
    SOURCE_REGISTERED,
    SOURCE_UPDATED,
    STATE_CHANGED,
    SUBSTANCE_ADDED,
    SUBSTANCE_REMOVED,
    SUBSTANCE_UPDATED,
    TABLE_MADE_CURRENT,
    TABLE_VERSION_CREATED,
)
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
from .policy import policy

SOURCE_FIELDS = ("name", "unit_kind", "address", "longitude", "latitude", "population_500m", "description")
SUBSTANCE_FIELDS = ("chemical", "hazard_class", "name", "cas", "quantity_t")
PERSON_FIELDS = ("role", "name", "position", "phone", "user", "appointed_on")
SIX = Decimal("0.000001")


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _dec(value: Fraction, places: Decimal = SIX) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


def _check_fields(data: dict[str, Any], allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})


def _source_step(source: MajorHazardSource, action: str, change, *, actor, right: str,
                 version: int | None = None) -> Any:
    """Take one step on ``source`` through the write path and answer what ``change`` answered.

    ``change(locked)`` makes the change (child rows included) and writes the step's event itself,
    before any re-evaluation it triggers, so a timeline reads "chemical added", then "evaluated"."""
    return perform(source, action, actor=actor, policy=policy, right=right, change=change,
                   expected_version=version, event=False, outcome=True).result


# --- evaluation -------------------------------------------------------------------------------

def substance_inputs(source: MajorHazardSource) -> list[tuple[SourceSubstance, SubstanceInput]]:
    rows = source.substances.filter(is_voided=False).select_related("chemical").order_by("id")
    return [(s, SubstanceInput(quantity=Fraction(s.quantity_t), name=s.name, cas=s.cas,
                               hazard_classes=parse_classes(s.hazard_class),
                               chemical_seq=s.chemical.seq if s.chemical_id else None)) for s in rows]


def reevaluate(source: MajorHazardSource, *, actor=None, reason: str = "") -> SourceEvaluation | None:
    """Evaluate the source's current substances and population with the current table version,
    store the evaluation (inputs, items, table version) and copy S, α, R, grade onto the source.

    A helper of the steps above: call it inside the step that changed the source (its ``change``,
    with the locked row), never on its own. A source without substances gets S = R = 0, not major."""
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
    # Also stored at once: the step saves the whole row after its change, but registration
    # evaluates after its save.
    MajorHazardSource.objects.filter(pk=source.pk).update(
        s_value=source.s_value, r_value=source.r_value, alpha=source.alpha, grade=source.grade,
        is_major=source.is_major, evaluated_at=source.evaluated_at)
    record_event(source, SOURCE_EVALUATED, actor=actor, comment=reason, data={
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
    source = MajorHazardSource(enterprise=enterprise, created_by=_actor(actor))
    # The right first, before the input is looked at (create() is then told it is decided).
    policy.require(actor, "register", source, _("You may not register major hazard sources."))
    _check_fields(data, (*SOURCE_FIELDS, "is_demo"))
    for name, value in data.items():
        setattr(source, name, value)
    _copy_enterprise_keys(source, enterprise)
    source.number = f"TMP{timezone.now().timestamp():.6f}"[:32]
    source.full_clean(exclude=["number"])

    def prepare(new: MajorHazardSource) -> None:
        new.number = source_number(new)
        MajorHazardSource.objects.filter(pk=new.pk).update(number=new.number)
        record_event(new, SOURCE_REGISTERED, actor=actor, to_state=new.state)
        for i, spec in enumerate(substances or []):
            try:
                _add_substance(new, dict(spec))
            except ValidationError as exc:
                raise ValidationError({"substances": [f"{i}: {m}" for m in exc.messages]}) from exc
        reevaluate(new, actor=actor, reason=ON_REGISTRATION)

    return create(source, actor=actor, policy=None, action=SOURCE_REGISTERED, clean=False, prepare=prepare,
                  event=False)


def update_source(source: MajorHazardSource, *, actor, data: dict[str, Any],
                  version: int | None = None) -> MajorHazardSource:
    """Correct a source's details; a changed population re-evaluates it."""
    def change(locked: MajorHazardSource) -> MajorHazardSource:
        _check_fields(data, SOURCE_FIELDS)
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        for k, v in data.items():
            setattr(locked, k, v)
        locked.full_clean()
        record_event(locked, SOURCE_UPDATED, actor=actor, data={"fields": changed})
        if "population_500m" in changed:
            reevaluate(locked, actor=actor, reason=POPULATION_CHANGED)
        return locked

    return _source_step(source, SOURCE_UPDATED, change, actor=actor, right="update", version=version)


def change_state(source: MajorHazardSource, *, actor, to_state: str, comment: str = "",
                 version: int | None = None) -> MajorHazardSource:
    """Suspend, resume or decommission a source (decommissioned is final): the step of
    ``SOURCE_MACHINE`` that leads to ``to_state``, with its source states."""
    step = step_to(to_state)
    if step is None:
        raise ValidationError({"state": _("A source cannot go from %(from)s to %(to)s.")
                               % {"from": source.get_state_display(), "to": to_state}})

    def change(locked: MajorHazardSource) -> None:
        if step.target == SourceState.DECOMMISSIONED and not comment.strip():
            raise ValidationError({"comment": _("Give a reason for decommissioning.")})
        # perform sets the target state after this change: the event names both states here.
        record_event(locked, STATE_CHANGED, actor=actor, from_state=locked.state, to_state=step.target,
                     comment=comment)

    return perform(source, step.action, actor=actor, policy=policy, machine=SOURCE_MACHINE, change=change,
                   expected_version=version, event=False)


def void_source(source: MajorHazardSource, *, actor, reason: str, version: int | None = None) -> MajorHazardSource:
    """Void a source entered by mistake (never deleted)."""
    return void(source, actor=actor, policy=policy, reason=reason, expected_version=version)


# --- substances --------------------------------------------------------------------------------

def _add_substance(source: MajorHazardSource, spec: dict[str, Any]) -> SourceSubstance:
    _check_fields(spec, SUBSTANCE_FIELDS)
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


def add_substance(source: MajorHazardSource, *, actor, data: dict[str, Any],
                  version: int | None = None) -> SourceSubstance:
    """Add a chemical to a source and re-evaluate it."""
    def change(locked: MajorHazardSource) -> SourceSubstance:
        sub = _add_substance(locked, data)
        record_event(locked, SUBSTANCE_ADDED, actor=actor, data={"substance": sub.pk, "name": sub.name,
                                                                 "quantity_t": str(sub.quantity_t)})
        reevaluate(locked, actor=actor, reason=ON_SUBSTANCE_ADDED)
        return sub

    return _source_step(source, SUBSTANCE_ADDED, change, actor=actor, right="add_substance", version=version)


def update_substance(sub: SourceSubstance, *, actor, data: dict[str, Any],
                     version: int | None = None) -> SourceSubstance:
    """Correct a substance (quantity, class, …) and re-evaluate its source. ``version`` is the
    source's."""
    def change(locked: MajorHazardSource) -> SourceSubstance:
        row = SourceSubstance.objects.select_for_update(of=("self",)).get(pk=sub.pk)
        if row.is_voided:
            raise ValidationError({"is_voided": _("This substance is voided.")})
        _check_fields(data, SUBSTANCE_FIELDS)
        if ("name" in data or "cas" in data) and "chemical" not in data:
            row.chemical = None  # a renamed substance is looked up again
        for k, v in data.items():
            setattr(row, k, v)
        _fill_substance(row)
        row.full_clean()
        row.save()
        record_event(locked, SUBSTANCE_UPDATED, actor=actor, data={"substance": row.pk, "fields": sorted(data)})
        reevaluate(locked, actor=actor, reason=ON_SUBSTANCE_CHANGED)
        return row

    return _source_step(sub.source, SUBSTANCE_UPDATED, change, actor=actor, right="update_substance",
                        version=version)


def void_substance(sub: SourceSubstance, *, actor, reason: str, version: int | None = None) -> SourceSubstance:
    """Remove a substance from its source (voided, kept) and re-evaluate the source. ``version``
    is the source's."""
    def change(locked: MajorHazardSource) -> SourceSubstance:
        # The right was decided on the source (this step's, under its lock).
        row = void(sub, actor=actor, policy=None, reason=reason)
        record_event(locked, SUBSTANCE_REMOVED, actor=actor, comment=reason, data={"substance": row.pk})
        reevaluate(locked, actor=actor, reason=ON_SUBSTANCE_REMOVED)
        return row

    return _source_step(sub.source, SUBSTANCE_REMOVED, change, actor=actor, right="remove_substance",
                        version=version)


# --- responsible persons and their checks ------------------------------------------------------

def appoint_person(source: MajorHazardSource, *, actor, data: dict[str, Any],
                   version: int | None = None) -> ResponsiblePerson:
    """Appoint the principal, technical or operational responsible person; the current one in
    that role (if any) is ended the day before the appointment (kept, with ``ended_on``)."""
    def change(locked: MajorHazardSource) -> ResponsiblePerson:
        _check_fields(data, PERSON_FIELDS)
        person = ResponsiblePerson(source=locked, created_by=_actor(actor), **data)
        if person.appointed_on is None:
            person.appointed_on = timezone.localdate()
        person.full_clean(validate_constraints=False)
        previous = (ResponsiblePerson.objects.select_for_update(of=("self",))
                    .filter(source=locked, role=person.role, ended_on__isnull=True).first())
        if previous is not None:
            if person.appointed_on < previous.appointed_on:
                raise ValidationError({"appointed_on": _("The appointment cannot be before the current person's "
                                                         "(%(date)s).") % {"date": previous.appointed_on}})
            previous.ended_on = max(previous.appointed_on, person.appointed_on - datetime.timedelta(days=1))
            previous.save(update_fields=["ended_on"])
        person.save()
        record_event(locked, PERSON_APPOINTED, actor=actor, data={
            "role": person.role, "name": person.name, "person": person.pk,
            "replaced": previous.pk if previous is not None else None})
        return person

    return _source_step(source, PERSON_APPOINTED, change, actor=actor, right="appoint_person", version=version)


def end_person(person: ResponsiblePerson, *, actor, ended_on: datetime.date | None = None,
               version: int | None = None) -> ResponsiblePerson:
    """End a responsible person's appointment without a successor (the role becomes vacant).
    ``version`` is the source's."""
    def change(locked: MajorHazardSource) -> ResponsiblePerson:
        row = ResponsiblePerson.objects.select_for_update(of=("self",)).get(pk=person.pk)
        if row.ended_on is not None:
            raise ValidationError({"ended_on": _("This appointment has already ended.")})
        row.ended_on = ended_on or timezone.localdate()
        if row.ended_on < row.appointed_on:
            raise ValidationError({"ended_on": _("The end cannot be before the appointment.")})
        row.save(update_fields=["ended_on"])
        record_event(locked, PERSON_ENDED, actor=actor, data={"role": row.role, "name": row.name,
                                                               "person": row.pk})
        return row

    return _source_step(person.source, PERSON_ENDED, change, actor=actor, right="end_person", version=version)


def record_check(source: MajorHazardSource, *, actor, data: dict[str, Any], hazards=(),
                 version: int | None = None) -> ResponsibleCheck:
    """Record a responsible person's check (e.g. the technical person's quarterly check). The
    person defaults to the current holder of the role; the hazards must be the source's
    enterprise's."""
    def change(locked: MajorHazardSource) -> ResponsibleCheck:
        role = data.get("role")
        if role not in PersonRole.values:
            raise ValidationError({"role": _("Choose the role of the person who checked.")})
        person = data.get("person") or ResponsiblePerson.objects.filter(source=locked, role=role,
                                                                        ended_on__isnull=True).first()
        if person is None:
            raise ValidationError({"person": _("No current responsible person in this role; appoint one first.")})
        if person.source_id != locked.pk or person.role != role:
            raise ValidationError({"person": _("This person is not this source's responsible person in this role.")})
        checked_on = data.get("checked_on") or timezone.localdate()
        if checked_on > timezone.localdate():
            raise ValidationError({"checked_on": _("The check date cannot be in the future.")})
        found = list(hazards or [])
        if any(h.enterprise_id != locked.enterprise_id for h in found):
            raise ValidationError({"hazards": _("Only hazards of this source's enterprise can be linked.")})
        check = ResponsibleCheck(source=locked, role=role, person=person, checked_on=checked_on,
                                 findings=data.get("findings", ""), created_by=_actor(actor))
        check.full_clean()
        check.save()
        if found:
            check.hazards.set(found)
        record_event(locked, CHECK_RECORDED, actor=actor, data={"check": check.pk, "role": role,
                                                                 "checked_on": str(checked_on)})
        return check

    return _source_step(source, CHECK_RECORDED, change, actor=actor, right="record_check", version=version)


# --- table versions ---------------------------------------------------------------------------

@transaction.atomic
def new_table_version(table: CriticalQuantityTable, *, actor, title: str = "") -> CriticalQuantityTable:
    """Copy a table version with all its rows into a new (not yet current) version to edit."""
    policy.require(actor, "new_table_version", table, _("You may not edit the GB 18218 tables."))
    table = CriticalQuantityTable.objects.select_for_update().get(pk=table.pk)
    latest = CriticalQuantityTable.objects.filter(code=table.code).order_by("-version").first()
    new = CriticalQuantityTable(
        code=table.code, version=latest.version + 1, title=title or table.title, effective_from=table.effective_from,
        is_current=False, source_note=table.source_note, based_on=table)

    def copy_rows(copy: CriticalQuantityTable) -> None:
        for model in (NamedChemical, HazardClassThreshold, AlphaBand, GradeBand):
            rows = list(model.objects.filter(table=table))
            for row in rows:
                row.pk = None
                row.table = copy
            model.objects.bulk_create(rows)

    # (``version`` here is the table's edition number, not an optimistic-lock counter.)
    return create(new, actor=actor, policy=None, action=TABLE_VERSION_CREATED, clean=False, prepare=copy_rows,
                  data={"copied_from": table.pk})


def make_table_current(table: CriticalQuantityTable, *, actor) -> CriticalQuantityTable:
    """Make ``table`` the version new evaluations use (old evaluations keep theirs). Checks the
    bands cover every population and every R first."""
    event_data: dict[str, Any] = {}

    def change(locked: CriticalQuantityTable) -> None:
        check_table(locked)
        previous = CriticalQuantityTable.objects.select_for_update().filter(is_current=True).exclude(pk=locked.pk)
        ids = list(previous.values_list("pk", flat=True))
        CriticalQuantityTable.objects.filter(pk__in=ids).update(is_current=False)
        locked.is_current = True
        event_data["previous"] = ids  # read by the event written after this change

    return perform(table, TABLE_MADE_CURRENT, actor=actor, policy=policy, right="make_table_current",
                   change=change, data=event_data)


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

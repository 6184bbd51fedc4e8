"""Every change in the obligations app goes through these services, and through the one write
path (``core.workflow``): lock, version (409 on a stale copy), the actor's right (``policy``), the
state machine's step and guards (``choices``), the change, field history and the event, in one
transaction. Pages, the API, the import, the admin and the demo call them; nothing else sets a
state or the verification.

A correction by anyone clears the verification: the regulator verified what it saw, not what
was written since."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.workflow import StateMachine, Unchanged, create, perform_step, void

from . import events
from .choices import (
    CERTIFICATE_MACHINE,
    COMMITMENT_MACHINE,
    LICENCE_MACHINE,
    ORGANISATION_MACHINE,
    PERSON_MACHINE,
    REQUIRED_CERTIFICATE,
    SPOT_CHECK_MACHINE,
    SPOT_ENTRY_MACHINE,
    STANDARDISATION_MACHINE,
    CertificateKind,
    PersonRole,
    PersonState,
    SpotResult,
    StandardisationState,
)
from .models import (
    Commitment,
    KeyPerson,
    Licence,
    LicenceKind,
    PersonCertificate,
    SafetyOrganisation,
    SpotCheck,
    SpotCheckEntry,
    Standardisation,
)
from .policy import policy

__all__ = [
    "LICENCE_FIELDS", "PERSON_FIELDS", "CERTIFICATE_FIELDS", "record_licence", "update_licence", "suspend_licence",
    "reinstate_licence", "revoke_licence", "record_person", "update_person", "person_left", "record_certificate",
    "update_certificate", "revoke_certificate", "verify", "void_record", "machine_of",
    "STANDARDISATION_FIELDS", "record_standardisation", "update_standardisation", "propose_withdrawal",
    "keep_grade", "withdraw_grade", "draw_spot_check", "redraw_spot_check", "verify_spot_check",
    "record_spot_result", "close_spot_check", "void_spot_check", "ORGANISATION_FIELDS", "record_organisation",
    "update_organisation", "COMMITMENT_FIELDS", "record_commitment", "update_commitment",
]

LICENCE_FIELDS = frozenset({"kind", "number", "issuer", "scope", "issued_on", "valid_from", "valid_until", "note",
                            "is_demo"})
PERSON_FIELDS = frozenset({"name", "id_number", "role", "operation_type", "position", "phone", "appointed_on",
                           "is_demo"})
CERTIFICATE_FIELDS = frozenset({"kind", "operation_type", "number", "issuer", "issued_on", "valid_until",
                                "is_demo"})
#: Fields a correction may not change (what the record is about stays).
FIXED = frozenset({"is_demo"})


def machine_of(obj: models.Model) -> StateMachine:
    """The state machine of a record of this app."""
    return {Licence: LICENCE_MACHINE, KeyPerson: PERSON_MACHINE, PersonCertificate: CERTIFICATE_MACHINE,
            Standardisation: STANDARDISATION_MACHINE, SafetyOrganisation: ORGANISATION_MACHINE,
            Commitment: COMMITMENT_MACHINE, SpotCheck: SPOT_CHECK_MACHINE,
            SpotCheckEntry: SPOT_ENTRY_MACHINE}[type(obj)]


def _check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})


def _copy_keys(row: models.Model, enterprise) -> None:
    row.enterprise = enterprise
    row.region_path = enterprise.region_path
    row.industry_id = enterprise.industry_id
    row.grid_id = enterprise.grid_id


def _step(obj, action: str, *, actor, change: Callable | None = None, version: int | None = None,
          comment: str = "", data: dict | None = None):
    done = perform_step(obj, action, actor=actor, policy=policy, machine=machine_of(obj), change=change,
                        expected_version=version, comment=comment, data=data)
    return done if done is not None else obj


def _edit(allowed: Iterable[str], data: Mapping[str, Any], check: Callable[[Any], None]) -> Callable:
    """A ``change`` that sets ``data`` on the locked row, checks it, and clears the verification."""
    def change(locked):
        _check_fields(data, set(allowed) - FIXED)
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        if not changed:
            raise Unchanged
        for name in changed:
            setattr(locked, name, data[name])
        check(locked)
        locked.full_clean()
        locked.verified_at, locked.verified_by = None, None
        return changed

    return change


# --- licences ---------------------------------------------------------------------------------------

def _check_licence(licence: Licence) -> None:
    if licence.valid_from and licence.valid_until and licence.valid_until < licence.valid_from:
        raise ValidationError({"valid_until": _("The end of validity cannot be before its start.")})
    if licence.issued_on and licence.valid_until and licence.issued_on > licence.valid_until:
        raise ValidationError({"issued_on": _("A licence cannot be issued after it expires.")})
    if licence.kind_id and not LicenceKind.objects.filter(pk=licence.kind_id, is_active=True).exists():
        raise ValidationError({"kind": _("This kind of licence is no longer in use.")})
    if Licence.objects.filter(kind_id=licence.kind_id, number=licence.number, is_voided=False).exclude(
            pk=licence.pk).exists():
        raise ValidationError({"number": _("A licence of this kind with this number is already recorded.")})


def record_licence(*, actor, enterprise, data: dict[str, Any]) -> Licence:
    """Record a licence the enterprise holds (the enterprise itself, or an officer of its
    jurisdiction)."""
    _check_fields(data, LICENCE_FIELDS)
    licence = Licence(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_keys(licence, enterprise)
    _check_licence(licence)
    return create(licence, actor=actor, policy=policy, action=events.CREATED, right="edit")


def update_licence(licence: Licence, *, actor, data: dict[str, Any], version: int | None = None) -> Licence:
    """Correct a licence's details (clears its verification)."""
    return _step(licence, "update", actor=actor, version=version,
                 change=_edit(LICENCE_FIELDS, data, _check_licence))


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Give the reason.")})
    return reason[:200]


def suspend_licence(licence: Licence, *, actor, reason: str, version: int | None = None) -> Licence:
    """暂扣: the regulator suspends a licence (a decision with its reason)."""
    return _step(licence, "suspend", actor=actor, version=version, comment=_reason(reason))


def reinstate_licence(licence: Licence, *, actor, reason: str = "", version: int | None = None) -> Licence:
    return _step(licence, "reinstate", actor=actor, version=version, comment=(reason or "").strip()[:200])


def revoke_licence(licence: Licence, *, actor, reason: str, version: int | None = None) -> Licence:
    """吊销 or 注销: the licence is no longer held (a decision with its reason)."""
    return _step(licence, "revoke", actor=actor, version=version, comment=_reason(reason))


# --- people and certificates -------------------------------------------------------------------------

def _check_person(person: KeyPerson) -> None:
    if person.role == PersonRole.SPECIAL_OPERATOR and not person.operation_type:
        raise ValidationError({"operation_type": _("Name the special operation this person performs.")})
    if person.role != PersonRole.SPECIAL_OPERATOR and person.operation_type:
        raise ValidationError({"operation_type": _("Only special operators have an operation type.")})
    if person.id_number and KeyPerson.objects.filter(
            enterprise_id=person.enterprise_id, id_number=person.id_number, role=person.role,
            operation_type=person.operation_type, is_voided=False, state=PersonState.IN_POST).exclude(
            pk=person.pk).exists():
        raise ValidationError({"id_number": _("This person is already recorded in this role.")})
    if person.appointed_on and person.appointed_on > timezone.localdate():
        raise ValidationError({"appointed_on": _("The appointment cannot be in the future.")})


def record_person(*, actor, enterprise, data: dict[str, Any]) -> KeyPerson:
    """Record a principal, safety manager or special operator of the enterprise."""
    _check_fields(data, PERSON_FIELDS)
    person = KeyPerson(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_keys(person, enterprise)
    _check_person(person)
    return create(person, actor=actor, policy=policy, action=events.CREATED, right="edit")


def update_person(person: KeyPerson, *, actor, data: dict[str, Any], version: int | None = None) -> KeyPerson:
    return _step(person, "update", actor=actor, version=version, change=_edit(PERSON_FIELDS, data, _check_person))


def person_left(person: KeyPerson, *, actor, left_on: date | None = None, version: int | None = None) -> KeyPerson:
    """The person left the post (kept, with the day): they no longer count nor warn."""
    day = left_on or timezone.localdate()

    def change(locked: KeyPerson) -> None:
        if day < locked.appointed_on:
            raise ValidationError({"left_on": _("A person cannot leave before being appointed.")})
        if day > timezone.localdate():
            raise ValidationError({"left_on": _("The day cannot be in the future.")})
        locked.left_on = day

    return _step(person, "leave", actor=actor, version=version, change=change, data={"left_on": day.isoformat()})


def _check_certificate(cert: PersonCertificate) -> None:
    person = cert.person
    needed = REQUIRED_CERTIFICATE[PersonRole(person.role)]
    if cert.kind != needed:
        raise ValidationError({"kind": _("A %(role)s needs a certificate of the kind “%(kind)s”.")
                               % {"role": person.get_role_display(), "kind": CertificateKind(needed).label}})
    if cert.kind == CertificateKind.SPECIAL_OPERATION:
        if not cert.operation_type:
            cert.operation_type = person.operation_type
        if not cert.operation_type:
            raise ValidationError({"operation_type": _("Name the special operation the certificate covers.")})
    elif cert.operation_type:
        raise ValidationError({"operation_type": _("Only a special operation certificate has an operation type.")})
    if cert.issued_on and cert.valid_until and cert.valid_until < cert.issued_on:
        raise ValidationError({"valid_until": _("The end of validity cannot be before the day of issue.")})
    if PersonCertificate.objects.filter(kind=cert.kind, number=cert.number, is_voided=False).exclude(
            pk=cert.pk).exists():
        raise ValidationError({"number": _("A certificate with this number is already recorded.")})
    if cert.issued_on and cert.issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The day of issue cannot be in the future.")})


def record_certificate(*, actor, person: KeyPerson, data: dict[str, Any]) -> PersonCertificate:
    """Record a certificate of a key person (its kind follows the person's role)."""
    _check_fields(data, CERTIFICATE_FIELDS)
    if person.is_voided:
        raise ValidationError({"person": _("This person's record is voided.")})
    data = dict(data)
    data.setdefault("kind", REQUIRED_CERTIFICATE[PersonRole(person.role)])
    cert = PersonCertificate(**data, person=person, created_by=actor if getattr(actor, "pk", None) else None)
    cert.enterprise_id, cert.region_path = person.enterprise_id, person.region_path
    cert.industry_id, cert.grid_id = person.industry_id, person.grid_id
    _check_certificate(cert)
    return create(cert, actor=actor, policy=policy, action=events.CREATED, right="edit")


def update_certificate(cert: PersonCertificate, *, actor, data: dict[str, Any],
                       version: int | None = None) -> PersonCertificate:
    return _step(cert, "update", actor=actor, version=version,
                 change=_edit(CERTIFICATE_FIELDS, data, _check_certificate))


def revoke_certificate(cert: PersonCertificate, *, actor, reason: str, version: int | None = None) -> PersonCertificate:
    return _step(cert, "revoke", actor=actor, version=version, comment=_reason(reason))


# --- every registry ----------------------------------------------------------------------------------

def verify(obj: Licence | KeyPerson | PersonCertificate | Standardisation | SafetyOrganisation | Commitment, *, actor, version: int | None = None,
           comment: str = "") -> Any:
    """核实: the regulator confirms the record as it stands (who and when)."""
    def change(locked) -> None:
        locked.verified_at = timezone.now()
        locked.verified_by = actor if getattr(actor, "pk", None) else None

    return _step(obj, "verify", actor=actor, version=version, change=change, comment=(comment or "")[:200])


def void_record(obj: Licence | KeyPerson | PersonCertificate, *, actor, reason: str,
                version: int | None = None) -> Any:
    """Void a record entered in error (never deleted); a person's certificates stay as they are."""
    return void(obj, actor=actor, policy=policy, reason=reason, expected_version=version, right="edit",
                machine=machine_of(obj))



# --- safety standardisation (安全生产标准化) ------------------------------------------------------------

STANDARDISATION_FIELDS = frozenset({"grade", "issuer", "number", "issued_on", "valid_until", "review_years", "note",
                                    "is_demo"})


def _check_standardisation(std: Standardisation) -> None:
    if std.issued_on and std.valid_until and std.valid_until < std.issued_on:
        raise ValidationError({"valid_until": _("The end of validity cannot be before the day of grading.")})
    if std.issued_on and std.issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The day of grading cannot be in the future.")})
    if std.review_years is not None and not 1 <= std.review_years <= 10:
        raise ValidationError({"review_years": _("The review cycle is between 1 and 10 years.")})
    if Standardisation.objects.filter(number=std.number, is_voided=False).exclude(pk=std.pk).exists():
        raise ValidationError({"number": _("A grade with this certificate number is already recorded.")})


def record_standardisation(*, actor, enterprise, data: dict[str, Any]) -> Standardisation:
    """Record the standardisation grade an enterprise was given (the enterprise or an officer)."""
    _check_fields(data, STANDARDISATION_FIELDS)
    std = Standardisation(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_keys(std, enterprise)
    _check_standardisation(std)
    return create(std, actor=actor, policy=policy, action=events.CREATED, right="edit")


def update_standardisation(std: Standardisation, *, actor, data: dict[str, Any],
                           version: int | None = None) -> Standardisation:
    """Correct a grade's details (clears its verification)."""
    return _step(std, "update", actor=actor, version=version,
                 change=_edit(STANDARDISATION_FIELDS, data, _check_standardisation))


def propose_withdrawal(std: Standardisation, *, actor, reason: str, version: int | None = None) -> Standardisation:
    """The regulator proposes withdrawing the grade (a failed spot check does it too)."""
    return _step(std, "propose_withdrawal", actor=actor, version=version, comment=_reason(reason))


def keep_grade(std: Standardisation, *, actor, reason: str = "", version: int | None = None) -> Standardisation:
    """The proposal is dropped: the grade stays."""
    return _step(std, "keep", actor=actor, version=version, comment=(reason or "").strip()[:200])


def withdraw_grade(std: Standardisation, *, actor, reason: str, version: int | None = None) -> Standardisation:
    """摘牌: the grade is withdrawn, with the reason and the day (kept, never deleted)."""
    reason = _reason(reason)

    def change(locked: Standardisation) -> None:
        locked.withdrawn_on = timezone.localdate()
        locked.withdrawal_reason = reason

    return _step(std, "withdraw", actor=actor, version=version, change=change, comment=reason)


# --- the yearly spot check (抽查) ------------------------------------------------------------------------

def _spot_result(pool: list[int], n: int, seed: str) -> list[int]:
    from anjian.core import sampling

    return sampling.sample(pool, n, seed, "standardisation")


def _spot_n(pool_size: int, share) -> int:
    """The number to draw: the share of the pool, rounded up (30 % of 7 → 3); at least one when the
    pool holds any."""
    from decimal import ROUND_CEILING, Decimal

    if not pool_size:
        return 0
    return max(1, int((Decimal(pool_size) * Decimal(share) / 100).to_integral_value(rounding=ROUND_CEILING)))


def _default_share():
    from .models import ObligationParameter

    row = ObligationParameter.objects.filter(code="std_spot_check_share").first()
    if row is None:
        raise ValidationError({"share": _("Give the share to draw: the reference value is missing.")})
    return row.value, f"{row.source} [{row.get_certainty_display()}]"


@transaction.atomic
def draw_spot_check(*, actor, region, year: int, share=None, seed: str = "", is_demo: bool = False,
                    replaces: SpotCheck | None = None, reason: str = "") -> SpotCheck:
    """Draw the year's spot check of ``region``: the grades held today by the enterprises (not
    closed) of the region and below, the share of them (the reference value unless given, rounded
    up) drawn from the seed. Everything it depended on is stored; a second live check of the same
    region and year is refused (void it with a reason and draw again: ``redraw_spot_check``)."""
    import secrets

    from anjian.core import sampling
    from anjian.core.services import record_event
    from anjian.enterprises.choices import OperatingStatus

    from .models import valid_grade_q

    today = timezone.localdate()
    source = ""
    if share is None:
        share, source = _default_share()
    check = SpotCheck(region=region, region_path=region.path, year=int(year), share=share, share_source=source[:2000],
                      day=today, drawn_by=actor if getattr(actor, "pk", None) else None, drawn_at=timezone.now(),
                      replaces=replaces, redraw_reason=(reason or "")[:200], is_demo=is_demo)
    policy.require(actor, "draw", check, _("You may not draw spot checks for this region."))
    if not 0 < check.share <= 100:
        raise ValidationError({"share": _("The share is more than 0 and at most 100 %.")})
    if not 2000 <= check.year <= today.year + 1:
        raise ValidationError({"year": _("Give a year from 2000 to next year.")})
    if SpotCheck.objects.select_for_update().filter(region=region, year=check.year, is_voided=False).exists():
        raise ValidationError({"year": _("This region already has a spot check of this year; void it with a reason "
                                         "to draw again.")})
    pool = list(Standardisation.objects.filter(valid_grade_q(today), region_path__startswith=region.path,
                                               enterprise__is_voided=False)
                .exclude(enterprise__status=OperatingStatus.CLOSED).order_by("pk").values_list("pk", flat=True))
    if not pool:
        raise ValidationError({"region": _("No enterprise of this region holds a standardisation grade today.")})
    check.seed = (seed or "").strip()[:64] or secrets.token_hex(16)
    check.pool, check.pool_size = pool, len(pool)
    check.n = _spot_n(len(pool), check.share)
    drawn = _spot_result(pool, check.n, check.seed)
    check.digest = sampling.digest(drawn)
    grades = {g.pk: g for g in Standardisation.objects.filter(pk__in=drawn)}

    def prepare(saved: SpotCheck) -> None:
        SpotCheckEntry.objects.bulk_create([
            SpotCheckEntry(check_run=saved, order=i, standardisation_id=pk, enterprise_id=grades[pk].enterprise_id,
                           region_path=grades[pk].region_path, industry_id=grades[pk].industry_id,
                           grid_id=grades[pk].grid_id)
            for i, pk in enumerate(drawn, start=1)])

    created = create(check, actor=actor, policy=None, prepare=prepare, event=False)
    record_event(created, events.SPOT_CHECK_DRAWN, actor=actor, to_state=created.state, comment=check.redraw_reason,
                 data={"pool": created.pool_size, "drawn": created.n, "share": str(created.share),
                       "seed": created.seed, "digest": created.digest,
                       "replaces": replaces.pk if replaces else None})
    return created


@transaction.atomic
def redraw_spot_check(check: SpotCheck, *, actor, reason: str, seed: str = "", version: int | None = None) -> SpotCheck:
    """Draw again (recorded, never silent): ``check`` is voided with the reason — only while no
    result is recorded — and a new check of the same region, year and share replaces it."""
    reason = _reason(reason)
    if check.entries.exclude(result=SpotResult.PENDING).exists():
        raise ValidationError({"reason": _("Results are recorded: this spot check can no longer be drawn again.")})
    void(check, actor=actor, policy=policy, reason=reason, expected_version=version, right="draw",
         machine=SPOT_CHECK_MACHINE)
    return draw_spot_check(actor=actor, region=check.region, year=check.year, share=check.share, seed=seed,
                           is_demo=check.is_demo, replaces=check, reason=reason)


def verify_spot_check(check: SpotCheck) -> dict[str, Any]:
    """Re-run the draw from its stored pool, share and seed: the same enterprises (digest) as stored
    and as the entries written. Reads only."""
    from anjian.core import sampling

    recomputed = sampling.digest(_spot_result(check.pool, _spot_n(len(check.pool), check.share), check.seed))
    stored = list(check.entries.order_by("order").values_list("standardisation_id", flat=True))
    entries = sampling.digest(stored)
    return {"same": recomputed == check.digest == entries, "digest": check.digest, "recomputed": recomputed,
            "entries_digest": entries, "seed": check.seed, "pool_size": check.pool_size}


@transaction.atomic
def record_spot_result(entry: SpotCheckEntry, *, actor, passed: bool, note: str = "",
                       version: int | None = None) -> SpotCheckEntry:
    """The finding on one drawn enterprise: passed, or failed — which proposes withdrawing its grade
    (the withdrawal itself is the regulator's next step, ``withdraw_grade``)."""
    note = (note or "").strip()[:200]
    if not passed and not note:
        raise ValidationError({"note": _("Say what the check found.")})
    if entry.check_run.is_voided or entry.check_run.state != "drawn":
        raise ValidationError({"result": _("This spot check is closed or voided.")})

    def change(locked: SpotCheckEntry) -> None:
        locked.result_note = note
        locked.decided_by = actor if getattr(actor, "pk", None) else None
        locked.decided_at = timezone.now()

    done = perform_step(entry, "pass" if passed else "fail", actor=actor, policy=policy, machine=SPOT_ENTRY_MACHINE,
                        change=change, expected_version=version, comment=note)
    done = done if done is not None else entry
    std = Standardisation.objects.get(pk=entry.standardisation_id)
    if not passed and std.state == StandardisationState.VALID and not std.is_voided:
        propose_withdrawal(std, actor=actor, reason=_("Spot check %(year)s failed: %(note)s")
                           % {"year": entry.check_run.year, "note": note})
    return done


def close_spot_check(check: SpotCheck, *, actor, version: int | None = None) -> SpotCheck:
    """Close the year's check once every drawn enterprise has its result."""
    def change(locked: SpotCheck) -> None:
        if locked.entries.filter(result=SpotResult.PENDING).exists():
            raise ValidationError({"state": _("Record the result of every drawn enterprise first.")})

    return _step(check, "close", actor=actor, version=version, change=change)


def void_spot_check(check: SpotCheck, *, actor, reason: str, version: int | None = None) -> SpotCheck:
    """Void a check drawn in error, before any result is recorded (a redraw does this itself)."""
    if check.entries.exclude(result=SpotResult.PENDING).exists():
        raise ValidationError({"reason": _("Results are recorded: this spot check can no longer be voided.")})
    return void(check, actor=actor, policy=policy, reason=reason, expected_version=version, right="draw",
                machine=SPOT_CHECK_MACHINE)


# --- safety organisation ----------------------------------------------------------------------------------

ORGANISATION_FIELDS = frozenset({"has_body", "body_name", "full_time_staff", "part_time_staff", "director_name",
                                 "director_phone", "director_appointed_on", "note", "is_demo"})


def _check_organisation(org: SafetyOrganisation) -> None:
    if org.has_body and not (org.body_name or "").strip():
        raise ValidationError({"body_name": _("Name the safety management body.")})
    if org.director_appointed_on and not (org.director_name or "").strip():
        raise ValidationError({"director_name": _("Name the safety director.")})
    if org.director_appointed_on and org.director_appointed_on > timezone.localdate():
        raise ValidationError({"director_appointed_on": _("The appointment cannot be in the future.")})
    if SafetyOrganisation.objects.filter(enterprise_id=org.enterprise_id, is_voided=False).exclude(
            pk=org.pk).exists():
        raise ValidationError({"enterprise": _("This enterprise's safety organisation is already recorded; "
                                               "correct it instead.")})


def record_organisation(*, actor, enterprise, data: dict[str, Any]) -> SafetyOrganisation:
    """Record how the enterprise organises safety (one live record per enterprise)."""
    _check_fields(data, ORGANISATION_FIELDS)
    org = SafetyOrganisation(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_keys(org, enterprise)
    _check_organisation(org)
    return create(org, actor=actor, policy=policy, action=events.CREATED, right="edit")


def update_organisation(org: SafetyOrganisation, *, actor, data: dict[str, Any],
                        version: int | None = None) -> SafetyOrganisation:
    """Correct it as it changes (a new director, more staff): field history keeps the past."""
    return _step(org, "update", actor=actor, version=version,
                 change=_edit(ORGANISATION_FIELDS, data, _check_organisation))


# --- commitments ------------------------------------------------------------------------------------------

COMMITMENT_FIELDS = frozenset({"year", "period", "title", "signed_by", "signed_on", "note", "is_demo"})


def _check_commitment(c: Commitment) -> None:
    today = timezone.localdate()
    if c.signed_on and c.signed_on > today:
        raise ValidationError({"signed_on": _("The day of signing cannot be in the future.")})
    if c.year and not 2000 <= c.year <= today.year + 1:
        raise ValidationError({"year": _("Give a year from 2000 to next year.")})


def record_commitment(*, actor, enterprise, data: dict[str, Any], files=()) -> Commitment:
    """Record the principal's signed commitment with the signed document (at least one file)."""
    _check_fields(data, COMMITMENT_FIELDS)
    files = list(files or [])
    if not files:
        raise ValidationError({"files": _("Attach the signed commitment.")})
    from anjian.core.models import Attachment

    c = Commitment(**data, created_by=actor if getattr(actor, "pk", None) else None)
    _copy_keys(c, enterprise)
    _check_commitment(c)
    return create(c, actor=actor, policy=policy, action=events.CREATED, right="edit", files=files,
                  file_kind=Attachment.Kind.DOCUMENT)


def update_commitment(c: Commitment, *, actor, data: dict[str, Any], files=(),
                      version: int | None = None) -> Commitment:
    """Correct a commitment's details, or add a document (clears its verification)."""
    from anjian.core.models import Attachment

    files = list(files or [])
    edit = _edit(COMMITMENT_FIELDS, data, _check_commitment)

    def change(locked: Commitment):
        try:
            return edit(locked)
        except Unchanged:
            if not files:
                raise
            locked.verified_at, locked.verified_by = None, None
            return []

    done = perform_step(c, "update", actor=actor, policy=policy, machine=COMMITMENT_MACHINE, change=change,
                        expected_version=version, files=files, file_kind=Attachment.Kind.DOCUMENT)
    return done if done is not None else c

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
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.workflow import StateMachine, Unchanged, create, perform_step, void

from . import events
from .choices import (
    CERTIFICATE_MACHINE,
    LICENCE_MACHINE,
    PERSON_MACHINE,
    REQUIRED_CERTIFICATE,
    CertificateKind,
    PersonRole,
    PersonState,
)
from .models import KeyPerson, Licence, LicenceKind, PersonCertificate
from .policy import policy

__all__ = [
    "LICENCE_FIELDS", "PERSON_FIELDS", "CERTIFICATE_FIELDS", "record_licence", "update_licence", "suspend_licence",
    "reinstate_licence", "revoke_licence", "record_person", "update_person", "person_left", "record_certificate",
    "update_certificate", "revoke_certificate", "verify", "void_record", "machine_of",
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
    return {Licence: LICENCE_MACHINE, KeyPerson: PERSON_MACHINE, PersonCertificate: CERTIFICATE_MACHINE}[type(obj)]


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

def verify(obj: Licence | KeyPerson | PersonCertificate, *, actor, version: int | None = None,
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


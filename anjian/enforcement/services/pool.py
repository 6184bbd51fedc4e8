"""The expert pool, officers' enforcement certificates and declared conflicts of interest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.workflow import Unchanged, create, void
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import REGULATOR_ROLES, Role

from .. import events
from ..choices import CERTIFICATE_MACHINE, CONFLICT_MACHINE, EXPERT_MACHINE
from ..models import ConflictDeclaration, EnforcementCertificate, Expert
from ..policy import policy
from .common import check_fields, copy_enterprise_keys, step, who

__all__ = [
    "EXPERT_FIELDS", "create_expert", "update_expert", "mark_expert_unavailable", "mark_expert_available",
    "retire_expert", "void_expert", "CERTIFICATE_FIELDS", "record_certificate", "certificate_step",
    "void_certificate", "declare_conflict", "end_conflict", "void_conflict",
]

EXPERT_FIELDS = frozenset({"name", "title", "employer_name", "employer", "specialties", "qualifications", "phone",
                           "region", "user", "note", "is_demo"})
EXPERT_EDITABLE = EXPERT_FIELDS - {"is_demo", "region"}


def _check_expert(expert: Expert, actor) -> None:
    if expert.employer_id and not Enterprise.objects.for_user(actor).filter(pk=expert.employer_id).exists():
        raise ValidationError({"employer": _("This enterprise is outside your jurisdiction.")})
    if expert.employer_id and not expert.employer_name.strip():
        expert.employer_name = expert.employer.name[:200]
    user = expert.user
    if user is not None:
        if user.role != Role.EXPERT or not user.is_active:
            raise ValidationError({"user": _("The log-in account must be an active expert account.")})
        if Expert.objects.filter(user=user).exclude(pk=expert.pk).exists():
            raise ValidationError({"user": _("This account already belongs to another expert.")})


@transaction.atomic
def create_expert(*, actor, data: dict[str, Any], fields: Iterable = ()) -> Expert:
    """Add an expert to the pool of a region in the actor's jurisdiction (专家入库)."""
    check_fields(data, EXPERT_FIELDS)
    expert = Expert(created_by=who(actor), **data)
    if expert.region_id is None:
        raise ValidationError({"region": _("Choose the region whose pool the expert joins.")})
    policy.require(actor, "add_expert", expert, _("You may not add experts to this pool."))
    expert.region_path = expert.region.path
    _check_expert(expert, actor)
    expert.full_clean()

    def prepare(saved: Expert) -> None:
        saved.fields.set(list(fields))

    return create(expert, actor=actor, policy=None, action=events.CREATED, prepare=prepare, clean=False,
                  data={"region": expert.region.code})


def update_expert(expert: Expert, *, actor, data: dict[str, Any], fields: Iterable | None = None,
                  version: int | None = None) -> Expert:
    """Correct an expert's details (and their fields of expertise). Nothing changed, nothing written."""
    written: dict[str, Any] = {}

    def change(locked: Expert) -> None:
        check_fields(data, EXPERT_EDITABLE)
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        for name in changed:
            setattr(locked, name, data[name])
        new_fields = None if fields is None else sorted(f.pk for f in fields)
        if new_fields is not None and new_fields != sorted(locked.fields.values_list("pk", flat=True)):
            locked.fields.set(new_fields)
            changed.append("fields")
        if not changed:
            raise Unchanged
        _check_expert(locked, actor)
        locked.full_clean()
        written["fields"] = changed

    return step(expert, "update", EXPERT_MACHINE, actor=actor, change=change, version=version, data=written) or expert


def mark_expert_unavailable(expert: Expert, *, actor, until: date | None, reason: str,
                            version: int | None = None) -> Expert:
    """The expert cannot be drawn (illness, a long assignment) until ``until`` (inclusive; empty:
    until marked available again)."""
    if until is not None and until < timezone.localdate():
        raise ValidationError({"until": _("The date cannot be in the past.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why.")})

    def change(locked: Expert) -> None:
        locked.unavailable_until = until

    return step(expert, "mark_unavailable", EXPERT_MACHINE, actor=actor, change=change, version=version,
                comment=reason.strip(), data={"until": until.isoformat() if until else None})


def mark_expert_available(expert: Expert, *, actor, version: int | None = None) -> Expert:
    def change(locked: Expert) -> None:
        locked.unavailable_until = None

    return step(expert, "mark_available", EXPERT_MACHINE, actor=actor, change=change, version=version)


def retire_expert(expert: Expert, *, actor, reason: str, version: int | None = None) -> Expert:
    """Take an expert out of the pool for good (出库); their past work stays."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why.")})
    return step(expert, "retire", EXPERT_MACHINE, actor=actor, version=version, comment=reason.strip())


def void_expert(expert: Expert, *, actor, reason: str, version: int | None = None) -> Expert:
    """Void an expert entered in error (never deleted)."""
    return void(expert, actor=actor, policy=policy, reason=reason, expected_version=version, right="manage",
                machine=EXPERT_MACHINE)


# --- certificates -----------------------------------------------------------------------------

CERTIFICATE_FIELDS = frozenset({"number", "issuer", "issued_on", "valid_until", "is_demo"})


@transaction.atomic
def record_certificate(*, actor, officer, data: dict[str, Any]) -> EnforcementCertificate:
    """Record an officer's enforcement certificate (行政执法证). The officer is a regulator or
    industry-department officer the actor may name, with a jurisdiction."""
    check_fields(data, CERTIFICATE_FIELDS)
    cert = EnforcementCertificate(officer=officer, created_by=who(actor), **data)
    policy.require(actor, "add_certificate", cert, _("You may not record certificates for this officer."))
    if officer.role not in REGULATOR_ROLES or officer.scope_region_id is None:
        raise ValidationError({"officer": _("Only regulator and industry-department officers hold enforcement "
                                            "certificates here.")})
    cert.region_path = officer.scope_region.path
    number = (cert.number or "").strip()
    if number and EnforcementCertificate.objects.filter(number=number, is_voided=False).exists():
        raise ValidationError({"number": _("A certificate with this number is already recorded.")})
    cert.number = number
    cert.full_clean()
    return create(cert, actor=actor, policy=None, action=events.CREATED, clean=False,
                  data={"officer": officer.pk, "number": cert.number})


def certificate_step(cert: EnforcementCertificate, action: str, *, actor, comment: str = "",
                     version: int | None = None) -> EnforcementCertificate:
    """Suspend, reinstate or revoke a certificate (a reason is required)."""
    if action not in ("suspend", "reinstate", "revoke"):
        raise ValidationError({"action": _("Unknown step.")})
    if action != "reinstate" and not (comment or "").strip():
        raise ValidationError({"comment": _("Say why.")})
    return step(cert, action, CERTIFICATE_MACHINE, actor=actor, version=version, comment=(comment or "").strip())


def void_certificate(cert: EnforcementCertificate, *, actor, reason: str,
                     version: int | None = None) -> EnforcementCertificate:
    return void(cert, actor=actor, policy=policy, reason=reason, expected_version=version,
                right="manage_certificates", machine=CERTIFICATE_MACHINE)


# --- conflicts --------------------------------------------------------------------------------

CONFLICT_FIELDS = frozenset({"kind", "reason", "declared_on", "valid_until", "is_demo"})


@transaction.atomic
def declare_conflict(*, actor, enterprise: Enterprise, officer=None, expert: Expert | None = None,
                     data: dict[str, Any]) -> ConflictDeclaration:
    """Declare that an officer (by default the actor) or an expert must not inspect ``enterprise``."""
    check_fields(data, CONFLICT_FIELDS)
    if expert is None and officer is None:
        officer = actor
    if expert is not None and officer is not None:
        raise ValidationError({"officer": _("A declaration is about an officer or an expert, not both.")})
    decl = ConflictDeclaration(enterprise=enterprise, officer=officer, expert=expert, created_by=who(actor), **data)
    if not Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
    policy.require(actor, "declare_conflict", decl, _("You may not record this declaration."))
    if officer is not None and officer.role not in REGULATOR_ROLES:
        raise ValidationError({"officer": _("Only regulator and industry-department officers declare conflicts "
                                            "here.")})
    if expert is not None and not Expert.objects.for_user(actor).filter(pk=expert.pk).exists():
        raise ValidationError({"expert": _("This expert is outside your jurisdiction.")})
    if not (decl.reason or "").strip():
        raise ValidationError({"reason": _("Say why.")})
    copy_enterprise_keys(decl, enterprise)
    decl.full_clean()
    if decl.valid_until is not None and decl.valid_until < decl.declared_on:
        raise ValidationError({"valid_until": _("The end date cannot be before the declaration.")})
    return create(decl, actor=actor, policy=None, action=events.CREATED, clean=False,
                  data={"enterprise": enterprise.pk, "officer": getattr(officer, "pk", None),
                        "expert": getattr(expert, "pk", None)})


def end_conflict(decl: ConflictDeclaration, *, actor, comment: str = "",
                 version: int | None = None) -> ConflictDeclaration:
    """The conflict no longer holds (the relative left, the service contract ended)."""
    def change(locked: ConflictDeclaration) -> None:
        locked.valid_until = min(locked.valid_until or timezone.localdate(), timezone.localdate())
        locked.valid_until = max(locked.valid_until, locked.declared_on)

    return step(decl, "end", CONFLICT_MACHINE, actor=actor, change=change, version=version, comment=comment)


def void_conflict(decl: ConflictDeclaration, *, actor, reason: str, version: int | None = None) -> ConflictDeclaration:
    return void(decl, actor=actor, policy=policy, reason=reason, expected_version=version, right="manage_conflict",
                machine=CONFLICT_MACHINE)

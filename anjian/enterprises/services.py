"""Every change to the enterprise registry and the supervision plate goes through here."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.scoping import ENTERPRISE, GRID, REGION, scope_of
from anjian.core.services import record_event, void_record
from anjian.orgs.choices import DepartmentKind, Role
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Grid, Region

from .choices import STATUS_TRANSITIONS, OperatingStatus
from .models import Enterprise, Supervision


def check_placement(actor, region: Region | None, grid: Grid | None) -> None:
    """An enterprise sits in a township inside the actor's scope; its grid is in that township."""
    if region is None:
        raise ValidationError({"region": _("Choose the township the enterprise is in.")})
    if region.level != RegionLevel.TOWNSHIP:
        raise ValidationError({"region": _("An enterprise must be placed in a township-level region.")})
    if grid is not None and grid.township_id != region.pk:
        raise ValidationError({"grid": _("The grid must belong to the chosen township.")})
    if actor is not None and not Region.objects.for_user(actor).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("This township is outside your jurisdiction.")})


def check_stays_in_scope(actor, enterprise: Enterprise) -> None:
    """A user cannot register or move an enterprise to where they could no longer see it:
    a grid officer keeps to their grid, an industry officer to their industries."""
    if actor is None:
        return
    scope = scope_of(actor)
    if scope.kind == GRID and enterprise.grid_id != scope.grid_id:
        raise ValidationError({"grid": _("Enterprises you register must be in your own grid.")})
    if scope.kind == REGION and scope.industry_ids and enterprise.industry_id not in scope.industry_ids:
        raise ValidationError({"industry": _("This industry is outside the industries you supervise.")})
    if scope.kind == ENTERPRISE and enterprise.pk != scope.enterprise_id:
        raise ValidationError({"region": _("This enterprise is outside your jurisdiction.")})


@transaction.atomic
def create_enterprise(*, actor, data: dict[str, Any]) -> Enterprise:
    """Register a new enterprise; records a 'created' event."""
    enterprise = Enterprise(**data)
    check_placement(actor, enterprise.region if enterprise.region_id else None, enterprise.grid)
    check_stays_in_scope(actor, enterprise)
    enterprise.full_clean()
    enterprise._history_user = actor
    enterprise.save()
    record_event(enterprise, "created", actor=actor, to_state=enterprise.status)
    return enterprise


# What an enterprise's own users may keep up to date. Identity and classification (name,
# credit code, place, industry, high-risk, size) are the regulator's record.
SELF_SERVICE_FIELDS = frozenset({
    "legal_representative", "principal_name", "principal_phone", "safety_manager_name", "safety_manager_phone",
    "address", "latitude", "longitude", "employees",
})


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, actor, data: dict[str, Any]) -> Enterprise:
    """Change registry fields (field-level history is kept by simple-history)."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    self_service = getattr(actor, "role", None) == Role.ENTERPRISE and not actor.is_superuser
    for name, value in data.items():
        if name in {"status", "region_path", "is_voided"}:
            raise ValidationError({name: _("This field cannot be changed here.")})
        if self_service and name not in SELF_SERVICE_FIELDS and getattr(enterprise, name) != value:
            raise ValidationError({name: _("Only the supervising department can change this field.")})
        setattr(enterprise, name, value)
    check_placement(actor, enterprise.region if enterprise.region_id else None, enterprise.grid)
    check_stays_in_scope(actor, enterprise)
    enterprise.full_clean()
    enterprise._history_user = actor
    enterprise.save()
    return enterprise


@transaction.atomic
def change_operating_status(
    enterprise: Enterprise, *, actor, status: str, on: date | None = None, reason: str = ""
) -> Enterprise:
    """Move an enterprise between operating / suspended / closed, checking the transition.

    Closing an enterprise ends its current supervision assignment: a closed unit is no
    longer supervised and must not count as covered."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if status not in OperatingStatus.values:
        raise ValidationError({"status": _("Unknown operating status.")})
    if status not in STATUS_TRANSITIONS[enterprise.status]:
        raise ValidationError(
            {"status": _("Cannot change the status from “%(from)s” to “%(to)s”.")
             % {"from": enterprise.get_status_display(), "to": OperatingStatus(status).label}}
        )
    on = on or timezone.localdate()
    old = enterprise.status
    enterprise.status = status
    enterprise.status_changed_on = on
    if status == OperatingStatus.SUSPENDED:
        enterprise.suspended_on = on
    elif status == OperatingStatus.CLOSED:
        enterprise.closed_on = on
        current = enterprise.supervisions.filter(is_current=True).first()
        if current:
            _end(current, on)
    enterprise._history_user = actor
    enterprise._change_reason = reason[:100]
    enterprise.save()
    record_event(enterprise, "status_changed", actor=actor, from_state=old, to_state=status, comment=reason,
                 data={"on": on.isoformat()})
    return enterprise


def _end(supervision: Supervision, on: date) -> None:
    supervision.is_current = False
    supervision.ended_on = on
    supervision.save(update_fields=["is_current", "ended_on"])


# The committee office coordinates and assesses; it does not supervise enterprises itself.
SUPERVISING_KINDS = {DepartmentKind.REGULATOR, DepartmentKind.INDUSTRY, DepartmentKind.TOWNSHIP_STATION}


@transaction.atomic
def void_enterprise(enterprise: Enterprise, *, actor, reason: str) -> Enterprise:
    """Void a registry record entered in error; its current plate ends the same day, so the
    voided record no longer counts as supervised anywhere."""
    enterprise = void_record(enterprise, actor=actor, reason=reason)
    current = enterprise.supervisions.filter(is_current=True).first()
    if current:
        _end(current, timezone.localdate())
    return enterprise


@transaction.atomic
def assign_supervision(
    enterprise: Enterprise,
    *,
    actor,
    department,
    leader_name: str,
    officer_name: str,
    leader_phone: str = "",
    officer_phone: str = "",
    officer=None,
    started_on: date | None = None,
    note: str = "",
) -> Supervision:
    """Hang the supervision plate: the new assignment becomes current, the previous one is
    ended the same day and kept as history. Writes a 'supervision_assigned' event."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.status == OperatingStatus.CLOSED:
        raise ValidationError({"enterprise": _("A closed enterprise cannot be assigned for supervision.")})
    if department is None:
        raise ValidationError({"department": _("Choose the supervising department.")})
    if department.is_voided or department.kind not in SUPERVISING_KINDS:
        raise ValidationError({"department": _("Only a regulator, an industry department or a township safety "
                                               "station can supervise an enterprise.")})
    if not department.region.path or not enterprise.region_path.startswith(department.region.path):
        raise ValidationError({"department": _("The department's region does not cover this enterprise.")})
    if not (leader_name or "").strip():
        raise ValidationError({"leader_name": _("Name the responsible leader.")})
    if not (officer_name or "").strip() and officer is not None:
        officer_name = officer.name or officer.username
    if not (officer_name or "").strip():
        raise ValidationError({"officer_name": _("Name the supervising officer.")})
    if actor is not None and not actor.has_perm("enterprises.add_supervision"):
        raise PermissionDenied(_("You may not assign supervision."))
    started_on = started_on or timezone.localdate()
    previous = enterprise.supervisions.select_for_update().filter(is_current=True).first()
    if previous:
        if started_on < previous.started_on:
            raise ValidationError({"started_on": _("The new assignment cannot start before the current one.")})
        _end(previous, started_on)
    supervision = Supervision(
        enterprise=enterprise, department=department, leader_name=leader_name.strip(), leader_phone=leader_phone,
        officer=officer, officer_name=officer_name.strip(), officer_phone=officer_phone, started_on=started_on,
        note=note, created_by=actor if getattr(actor, "pk", None) else None,
    )
    supervision.full_clean(exclude=["enterprise"])
    supervision._history_user = actor
    supervision.save()
    record_event(
        enterprise, "supervision_assigned", actor=actor,
        data={"supervision": supervision.pk, "department": department.name, "leader": supervision.leader_name,
              "officer": supervision.officer_name, "previous": previous.pk if previous else None},
    )
    return supervision

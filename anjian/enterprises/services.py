"""Every change to the enterprise registry and the supervision plate goes through here.

Each change of an enterprise is a step of the one write path (``core.workflow``): the row is
locked, a stale copy is a conflict (409), the actor's right is the app policy's (``policy.py``;
a change without an actor is the system's and asks none), the operating status moves only
along ``choices.OPERATING_STATUS_MACHINE``, and the version is bumped with the history and the
event in the same transaction. The caller's copy follows its own steps
(``core.workflow.follow``).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.scoping import ENTERPRISE, GRID, REGION, scope_of
from anjian.core.services import record_event
from anjian.core.workflow import Policy, Unchanged, create, follow, perform_step, void
from anjian.orgs.choices import DepartmentKind, Role
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Grid, Region

from . import events
from .choices import OPERATING_STATUS_MACHINE, STATUS_STEPS, HighRiskBasis, OperatingStatus
from .models import Enterprise, FeatureTag, Industry, Supervision
from .policy import policy


def _policy(actor) -> Policy | None:
    """The policy that decides ``actor``'s rights; none for a change without an actor (the
    system's: imports, the demo data, data fixes)."""
    return None if actor is None else policy


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


def _apply_high_risk(enterprise: Enterprise, data: dict[str, Any]) -> None:
    """Set the high-risk flag and its basis from ``data`` (``high_risk``, ``high_risk_basis``).

    The basis decides: "from the industry" makes the flag the industry's (``Enterprise.save``
    keeps it so; a flag sent along is ignored), "set by hand" keeps the flag given. A flag sent
    without a basis that differs from the current one is a person's decision: set by hand."""
    has_flag, flag = "high_risk" in data, data.get("high_risk")
    basis = data.get("high_risk_basis")
    if basis is not None:
        if basis not in HighRiskBasis.values:
            raise ValidationError({"high_risk_basis": _("Unknown high-risk basis.")})
        enterprise.high_risk_basis = basis
        if basis == HighRiskBasis.MANUAL and has_flag:
            enterprise.high_risk = bool(flag)
    elif has_flag and bool(flag) != enterprise.high_risk:
        enterprise.high_risk_basis = HighRiskBasis.MANUAL
        enterprise.high_risk = bool(flag)


def _check_tags(enterprise: Enterprise, tags: Iterable[FeatureTag]) -> list[FeatureTag]:
    """The tags to give, checked: a retired tag may stay on an enterprise that has it but not
    be newly given."""
    tags = list(dict.fromkeys(tags))  # without repeats, in the order given
    current = set(enterprise.tags.values_list("pk", flat=True)) if enterprise.pk else set()
    retired = [t.name for t in tags if not t.is_active and t.pk not in current]
    if retired:
        raise ValidationError({"tags": _("These feature tags are retired and cannot be given: %(names)s.")
                               % {"names": "、".join(retired)}})
    return tags


def _set_tags(enterprise: Enterprise, tags: Iterable[FeatureTag], *, actor) -> bool:
    """Give the (locked or new) enterprise exactly ``tags``; a change writes a ``tags_changed``
    event naming the tags added and removed (the removed links themselves are deleted)."""
    tags = _check_tags(enterprise, tags)
    before = {t.pk: t for t in enterprise.tags.all()}
    after = {t.pk: t for t in tags}
    added = [after[pk] for pk in after if pk not in before]
    removed = [before[pk] for pk in before if pk not in after]
    if not added and not removed:
        return False
    if removed:
        enterprise.tag_links.filter(tag__in=[t.pk for t in removed]).delete()
    if added:
        enterprise.tags.add(*added, through_defaults={"created_by": actor if getattr(actor, "pk", None) else None})
    record_event(enterprise, events.TAGS_CHANGED, actor=actor, data={
        "added": [t.name for t in added], "removed": [t.name for t in removed],
        "tags": sorted(t.code for t in tags)})
    return True


def set_tags(enterprise: Enterprise, tags: Iterable[FeatureTag], *, actor,
             expected_version: int | None = None) -> bool:
    """Give the enterprise exactly ``tags`` (a step of editing it: its version moves on, its
    field history does not, as no field changed). True if the tags changed."""
    def change(locked: Enterprise) -> None:
        if not _set_tags(locked, tags, actor=actor):
            raise Unchanged

    done = perform_step(enterprise, events.TAGS_CHANGED, actor=actor, policy=_policy(actor), right="edit",
                        change=change, expected_version=expected_version, save=False, event=False)
    return done is not None


@transaction.atomic
def create_enterprise(*, actor, data: dict[str, Any]) -> Enterprise:
    """Register a new enterprise; records a 'created' event (and 'tags_changed' for its tags).

    ``data`` holds model fields, plus ``tags`` (feature tags) and ``high_risk`` /
    ``high_risk_basis`` as ``_apply_high_risk`` reads them (no basis, no flag: from the industry)."""
    if actor is not None:
        policy.require(actor, "register")
    data = dict(data)
    tags = data.pop("tags", None) or []
    high_risk = {k: data.pop(k) for k in ("high_risk", "high_risk_basis") if k in data}
    enterprise = Enterprise(**data)
    if "high_risk_basis" not in high_risk and "high_risk" in high_risk and enterprise.industry_id:
        # A flag given on registration that differs from the industry's is a person's decision.
        differs = bool(high_risk["high_risk"]) != enterprise.industry.high_risk
        high_risk["high_risk_basis"] = HighRiskBasis.MANUAL if differs else HighRiskBasis.INDUSTRY
    _apply_high_risk(enterprise, dict(high_risk))
    check_placement(actor, enterprise.region if enterprise.region_id else None, enterprise.grid)
    check_stays_in_scope(actor, enterprise)
    tags = _check_tags(enterprise, tags)
    # The right was asked above, before the placement rules.
    create(enterprise, actor=actor, policy=None, action=events.ENTERPRISE_CREATED, event=False)
    # The event names the status the enterprise starts in (core.workflow.create writes none).
    record_event(enterprise, events.ENTERPRISE_CREATED, actor=actor, to_state=enterprise.status)
    if tags:
        _set_tags(enterprise, tags, actor=actor)
    return enterprise


# What an enterprise's own users may keep up to date. Identity and classification (name,
# credit code, place, industry, high-risk, size) are the regulator's record.
SELF_SERVICE_FIELDS = frozenset({
    "legal_representative", "principal_name", "principal_phone", "safety_manager_name", "safety_manager_phone",
    "address", "latitude", "longitude", "employees",
})


def update_enterprise(enterprise: Enterprise, *, actor, data: dict[str, Any],
                      expected_version: int | None = None) -> Enterprise:
    """Change registry fields (field-level history is kept by simple-history) and, with
    ``tags`` in ``data``, the feature tags (a ``tags_changed`` event). ``high_risk`` and
    ``high_risk_basis`` are read as ``_apply_high_risk`` says. ``expected_version`` is the
    version the user edited (a conflict if the record changed since); nothing asked to
    change, nothing is written."""
    self_service = getattr(actor, "role", None) == Role.ENTERPRISE and not actor.is_superuser
    data = dict(data)
    tags = data.pop("tags", None)
    high_risk = {k: data.pop(k) for k in ("high_risk", "high_risk_basis") if k in data}

    def change(locked: Enterprise) -> None:
        for name, value in data.items():
            if name in {"status", "region_path", "is_voided", "version"}:
                raise ValidationError({name: _("This field cannot be changed here.")})
            if self_service and name not in SELF_SERVICE_FIELDS and getattr(locked, name) != value:
                raise ValidationError({name: _("Only the supervising department can change this field.")})
            setattr(locked, name, value)
        before = (locked.high_risk, locked.high_risk_basis)
        _apply_high_risk(locked, dict(high_risk))
        if locked.high_risk_basis == HighRiskBasis.INDUSTRY and locked.industry_id:
            locked.high_risk = locked.industry.high_risk  # as save() will: compare like with like
        if self_service and (locked.high_risk, locked.high_risk_basis) != before:
            field = "high_risk" if locked.high_risk != before[0] else "high_risk_basis"
            raise ValidationError({field: _("Only the supervising department can change this field.")})
        new_tags = None if tags is None else list(tags)
        if new_tags is not None and self_service and \
                {t.pk for t in new_tags} != set(locked.tags.values_list("pk", flat=True)):
            raise ValidationError({"tags": _("Only the supervising department can change this field.")})
        check_placement(actor, locked.region if locked.region_id else None, locked.grid)
        check_stays_in_scope(actor, locked)
        locked.full_clean()
        tags_changed = new_tags is not None and _set_tags(locked, new_tags, actor=actor)
        if not (data or high_risk or tags_changed):
            raise Unchanged

    # The registry fields are saved (a field-history row) when any was sent, as a form sends
    # them; the tags alone write their event and move the version on, but no history row.
    return perform_step(enterprise, events.ENTERPRISE_UPDATED, actor=actor, policy=_policy(actor),
                        machine=OPERATING_STATUS_MACHINE, change=change, expected_version=expected_version,
                        save=bool(data or high_risk), event=False) or enterprise


@transaction.atomic
def follow_industry_high_risk(industry: Industry, *, actor) -> int:
    """After an industry's high-risk flag changed: the enterprises whose flag comes from the
    industry take the new flag (each gets a field-history row naming the reason and a new
    version; the count is recorded as an ``enterprises_high_risk_followed`` event on the
    industry). Enterprises set by hand keep their flag. Returns how many changed."""
    from simple_history.utils import bulk_update_with_history

    if actor is not None:
        policy.require(actor, "follow_industry_high_risk", industry)
    flag = Industry.objects.values_list("high_risk", flat=True).get(pk=industry.pk)
    following = (Enterprise.objects.select_for_update(of=("self",))
                 .filter(industry=industry, high_risk_basis=HighRiskBasis.INDUSTRY, high_risk=not flag)
                 .order_by("pk"))
    reason = str(_("The industry's high-risk flag changed"))[:100]
    user = actor if getattr(actor, "pk", None) else None
    changed = 0
    last = 0
    # Set-based, under the rows' locks: each row's version moves on as a step would move it, so
    # a page opened before the change is refused (409) rather than writing the old flag back.
    while batch := list(following.filter(pk__gt=last)[:2000]):
        for enterprise in batch:
            enterprise.high_risk = flag
        bulk_update_with_history(batch, Enterprise, ["high_risk"], default_user=user, default_change_reason=reason)
        Enterprise.objects.filter(pk__in=[e.pk for e in batch]).update(version=F("version") + 1)
        changed += len(batch)
        last = batch[-1].pk
    record_event(industry, events.HIGH_RISK_FOLLOWED, actor=actor, to_state="1" if flag else "0",
                 data={"high_risk": flag, "enterprises": changed})
    return changed


@transaction.atomic
def change_operating_status(
    enterprise: Enterprise, *, actor, status: str, on: date | None = None, reason: str = "",
    expected_version: int | None = None,
) -> Enterprise:
    """Move an enterprise between operating / suspended / closed: the step of
    ``OPERATING_STATUS_MACHINE`` that leads to ``status`` (from its current status, else it is
    refused naming the status). ``on`` is the effective date (today by default, never later);
    the status's own date is set with it.

    Closing an enterprise ends its current supervision assignment: a closed unit is no
    longer supervised and must not count as covered."""
    if status not in OperatingStatus.values:
        raise ValidationError({"status": _("Unknown operating status.")})
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"on": _("The date cannot be in the future.")})
    step = STATUS_STEPS[status]
    before: dict[str, str] = {}

    def change(locked: Enterprise) -> None:
        before["status"] = locked.status
        locked.status_changed_on = on
        if status == OperatingStatus.SUSPENDED:
            locked.suspended_on = on
        elif status == OperatingStatus.CLOSED:
            locked.closed_on = on
            current = locked.supervisions.filter(is_current=True).first()
            if current:
                _end(current, on)

    # The step's event is "status_changed" (from → to, the reason, the date), whichever step.
    changed = perform_step(enterprise, step.action, actor=actor, policy=_policy(actor),
                           machine=OPERATING_STATUS_MACHINE, change=change, expected_version=expected_version,
                           event=False)
    record_event(changed, events.STATUS_CHANGED, actor=actor, from_state=before["status"], to_state=status,
                 comment=reason, data={"on": on.isoformat()})
    return changed


def _end(supervision: Supervision, on: date) -> None:
    supervision.is_current = False
    supervision.ended_on = on
    supervision.save(update_fields=["is_current", "ended_on"])


# The committee office coordinates and assesses; it does not supervise enterprises itself.
SUPERVISING_KINDS = {DepartmentKind.REGULATOR, DepartmentKind.INDUSTRY, DepartmentKind.TOWNSHIP_STATION}


@transaction.atomic
def void_enterprise(enterprise: Enterprise, *, actor, reason: str, expected_version: int | None = None
                    ) -> Enterprise:
    """Void a registry record entered in error; its current plate ends the same day, so the
    voided record no longer counts as supervised anywhere."""
    voided = void(enterprise, actor=actor, policy=_policy(actor), reason=reason, expected_version=expected_version,
                  machine=OPERATING_STATUS_MACHINE)
    follow(enterprise, voided)
    current = voided.supervisions.filter(is_current=True).first()
    if current:
        _end(current, timezone.localdate())
    return voided


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
    expected_version: int | None = None,
) -> Supervision:
    """Hang the supervision plate (a step of ``OPERATING_STATUS_MACHINE``: not on a closed
    enterprise): the new assignment becomes current, the previous one is ended the same day and
    kept as history. Writes a 'supervision_assigned' event."""
    written: dict[str, Any] = {}

    def change(locked: Enterprise) -> Supervision:
        name = officer_name
        if department is None:
            raise ValidationError({"department": _("Choose the supervising department.")})
        if department.is_voided or department.kind not in SUPERVISING_KINDS:
            raise ValidationError({"department": _("Only a regulator, an industry department or a township "
                                                   "safety station can supervise an enterprise.")})
        if not department.region.path or not locked.region_path.startswith(department.region.path):
            raise ValidationError({"department": _("The department's region does not cover this enterprise.")})
        if not (leader_name or "").strip():
            raise ValidationError({"leader_name": _("Name the responsible leader.")})
        if not (name or "").strip() and officer is not None:
            name = officer.name or officer.username
        if not (name or "").strip():
            raise ValidationError({"officer_name": _("Name the supervising officer.")})
        start = started_on or timezone.localdate()
        previous = locked.supervisions.select_for_update().filter(is_current=True).first()
        if previous:
            if start < previous.started_on:
                raise ValidationError({"started_on": _("The new assignment cannot start before the current one.")})
            _end(previous, start)
        supervision = Supervision(
            enterprise=locked, department=department, leader_name=leader_name.strip(), leader_phone=leader_phone,
            officer=officer, officer_name=name.strip(), officer_phone=officer_phone, started_on=start,
            note=note, created_by=actor if getattr(actor, "pk", None) else None,
        )
        supervision.full_clean(exclude=["enterprise"])
        supervision._history_user = actor
        supervision.save()
        written.update({"supervision": supervision.pk, "department": department.name,
                        "leader": supervision.leader_name, "officer": supervision.officer_name,
                        "previous": previous.pk if previous else None})
        return supervision

    # The plate is the enterprise's step: its version moves on (no field of its own changes).
    return perform_step(enterprise, events.SUPERVISION_ASSIGNED, actor=actor, policy=_policy(actor),
                        machine=OPERATING_STATUS_MACHINE, change=change, expected_version=expected_version,
                        save=False, data=written, outcome=True).result

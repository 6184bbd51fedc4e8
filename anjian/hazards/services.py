"""Every change to a hazard goes through here: the closed loop 排查 → 台账 → 整改 → 验收 → 销号,
deadline extensions, the 五落实 plan and dual report of major hazards, listed supervision and
rectification notices.

Each transition locks the hazard row, checks the state and the actor's right, saves, bumps
``version`` and writes an event (with the files it brought) in one transaction. If the row
changed since the caller loaded it (another person acted first), a ``ConflictError`` is
raised and nothing is written; the API answers 409.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import Attachment, Event
from anjian.core.scoping import ENTERPRISE, scope_of
from anjian.core.services import ConflictError, attach_files, check_uploads, record_event, void_record
from anjian.enterprises.models import Enterprise, Supervision
from anjian.orgs.choices import Role
from anjian.orgs.models import Department
from anjian.regions.choices import RegionLevel
from anjian.standards.models import CheckItem

from .choices import (
    OPEN_STATES,
    RECHECK_SOURCES,
    RECHECK_STATES,
    RESULT_REPORT_STATES,
    UNCLOSED_STATES,
    DualReportRecipient,
    DualReportStage,
    ExtensionState,
    HazardGrade,
    HazardSource,
    HazardState,
    ListingLevel,
    ListingState,
    MajorConfirmation,
    MajorDefinitionCondition,
    RecheckOutcome,
    TimeLimitCode,
)
from .models import (
    PLAN_FIELDS,
    DeadlineExtension,
    DualReport,
    Hazard,
    ListedSupervision,
    ListingProgress,
    Recheck,
    RectificationNotice,
    TimeLimit,
)

S = HazardState

# Who may act for each side of the loop.
REGULATOR_ROLES = frozenset({Role.REGULATOR, Role.INDUSTRY_OFFICER})
# The source a hazard gets when its finder's role implies it.
SOURCE_BY_ROLE = {
    Role.ENTERPRISE: HazardSource.SELF_INSPECTION,
    Role.GRID_OFFICER: HazardSource.GRID_PATROL,
    Role.EXPERT: HazardSource.EXPERT,
    Role.REGULATOR: HazardSource.GOVERNMENT,
    Role.INDUSTRY_OFFICER: HazardSource.GOVERNMENT,
}
ENTERPRISE_SOURCES = frozenset({HazardSource.SELF_INSPECTION, HazardSource.ENTERPRISE_SYSTEM})


# --- rights ------------------------------------------------------------------------------

def _is_admin(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_system_admin", False))


def _can_see(actor, hazard: Hazard) -> bool:
    return Hazard.objects.for_user(actor).filter(pk=hazard.pk).exists()


def is_enterprise_side(actor, hazard: Hazard) -> bool:
    """The enterprise's own users (self-inspect, self-report, self-rectify)."""
    scope = scope_of(actor)
    return scope.kind == ENTERPRISE and scope.enterprise_id == hazard.enterprise_id


def is_regulator_side(actor, hazard: Hazard) -> bool:
    """A regulator or industry-department officer whose jurisdiction holds the hazard."""
    return getattr(actor, "role", None) in REGULATOR_ROLES and _can_see(actor, hazard)


def can_rectify(actor, hazard: Hazard) -> bool:
    return _is_admin(actor) or is_enterprise_side(actor, hazard)


def can_accept(actor, hazard: Hazard) -> bool:
    """General hazards are accepted by the enterprise, major hazards only by the regulator."""
    if _is_admin(actor):
        return True
    if hazard.grade == HazardGrade.MAJOR:
        return is_regulator_side(actor, hazard)
    return is_enterprise_side(actor, hazard)


def can_list(actor, hazard: Hazard) -> bool:
    return _is_admin(actor) or (is_regulator_side(actor, hazard) and actor.has_perm("hazards.list_hazard"))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def available_actions(actor, hazard: Hazard) -> list[str]:
    """The transitions ``actor`` may take on ``hazard`` now (drives the buttons on the page)."""
    if hazard.is_voided:
        return []
    out = []
    rect, acc = can_rectify(actor, hazard), can_accept(actor, hazard)
    regulator = is_regulator_side(actor, hazard)
    # The regulator may fill in a major hazard's plan too (e.g. from its own listed supervision).
    if (rect or (regulator and hazard.is_major)) and hazard.state in OPEN_STATES:
        out.append("update_plan")
    if rect and hazard.state == S.REPORTED:
        out.append("start_rectification")
    if hazard.state == S.REPORTED and can_correct(actor, hazard):
        out.append("correct")
    if rect and hazard.state == S.RECTIFYING:
        out.append("submit_rectification")
    if acc and hazard.state == S.RECTIFIED and not rectifier_may_not_accept(actor, hazard):
        # The rectifier does not decide on their own rectification (issue #10), and a major
        # grade awaiting confirmation is decided before the acceptance.
        out += ["refuse_acceptance"] if hazard.is_major_pending else ["accept", "refuse_acceptance"]
    if acc and hazard.state == S.ACCEPTED:
        out.append("close")
    if rect and hazard.state in OPEN_STATES and not hazard.extensions.filter(state=ExtensionState.PENDING).exists():
        out.append("request_extension")
    if acc and hazard.extensions.filter(state=ExtensionState.PENDING).exists():
        out += ["approve_extension", "refuse_extension"]
    out += report_actions(actor, hazard)  # 双报告 and 复查 (see the block at the end)
    if hazard.is_listed and (rect or regulator):
        # The enterprise reports its own progress on a listed supervision, as the regulator may.
        out.append("report_progress")
    if hazard.is_major_pending and hazard.state != S.CLOSED and can_confirm_major(actor, hazard):
        out += ["confirm_major", "downgrade_major"]
    if hazard.is_major and can_list(actor, hazard):
        if not hazard.is_listed and hazard.state != S.CLOSED and not hazard.is_major_pending:
            out.append("list")
        if hazard.is_listed and hazard.state == S.CLOSED:
            out.append("delist")
    return out


# --- creation ----------------------------------------------------------------------------

def _validate_grade(hazard: Hazard) -> None:
    if hazard.grade == HazardGrade.GENERAL and hazard.criterion_id is not None:
        raise ValidationError({"criterion": _("Only a major hazard names a major-hazard criterion.")})
    _validate_major_basis(hazard)  # a listed criterion or the general definition (issue #10)


def _validate_check_item(hazard: Hazard) -> None:
    """A check item comes from the public library or from this enterprise's own checklists
    (e.g. those generated from its risk control measures), never from another enterprise's."""
    if hazard.check_item_id is None:
        return
    owner = (CheckItem.objects.filter(pk=hazard.check_item_id)
             .values_list("checklist__enterprise_id", flat=True).first())
    if owner is not None and owner != hazard.enterprise_id:
        raise ValidationError({"check_item": _("This check item belongs to another enterprise's checklist.")})


def _copy_enterprise_keys(hazard: Hazard, enterprise: Enterprise) -> None:
    hazard.region_path = enterprise.region_path
    hazard.industry_id = enterprise.industry_id
    hazard.grid_id = enterprise.grid_id


def hazard_number(hazard: Hazard) -> str:
    """隐患编号: YH + year found + the row id, zero-padded (unique, sortable, stable)."""
    return f"YH{hazard.found_at:%Y}{hazard.pk:09d}"


@transaction.atomic
def report_hazard(*, actor, enterprise: Enterprise, data: dict[str, Any], photos: Iterable = (),
                  source: str | None = None) -> Hazard:
    """Enter a found hazard into the ledger (state ``reported``).

    The enterprise must be in the actor's scope. The source follows from the finder's role
    unless given; an enterprise user can only self-report (or push from its own system).
    """
    if not Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
    role = getattr(actor, "role", None)
    source = source or data.pop("source", None) or SOURCE_BY_ROLE.get(role, HazardSource.GOVERNMENT)
    data.pop("source", None)
    if role == Role.ENTERPRISE and not _is_admin(actor) and source not in ENTERPRISE_SOURCES:
        raise ValidationError({"source": _("An enterprise can only report hazards from its own inspections.")})
    if source not in HazardSource.values:
        raise ValidationError({"source": _("Unknown hazard source.")})
    for name in ("state", "version", "number", "region_path", "is_listed", "is_voided", *SERVICE_SET_FIELDS):
        if name in data:
            raise ValidationError({name: _("This field cannot be set here.")})
    hazard = Hazard(enterprise=enterprise, source=source, created_by=actor if getattr(actor, "pk", None) else None,
                    **data)
    if hazard.finder_id is None and not hazard.finder_name and getattr(actor, "pk", None):
        hazard.finder = actor
        hazard.finder_name = (getattr(actor, "name", "") or actor.get_username())[:50]
    _copy_enterprise_keys(hazard, enterprise)
    if hazard.deadline is None:
        raise ValidationError({"deadline": _("Set the rectification deadline.")})
    found_on = timezone.localdate(hazard.found_at) if timezone.is_aware(hazard.found_at) else hazard.found_at.date()
    if hazard.deadline < found_on:
        raise ValidationError({"deadline": _("The rectification deadline cannot be before the day it was found.")})
    if hazard.found_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"found_at": _("The time found cannot be in the future.")})
    hazard.original_deadline = hazard.deadline
    hazard.recheck_required = source in RECHECK_SOURCES
    _validate_grade(hazard)
    _validate_criterion_applies(hazard)
    _validate_check_item(hazard)
    _set_major_confirmation(hazard, actor, changed=True)
    hazard.number = f"TMP{uuid.uuid4().hex[:28]}"
    hazard.full_clean(exclude=["number", "original_deadline"])
    hazard._history_user = actor
    hazard.save()
    hazard.number = hazard_number(hazard)
    Hazard.objects.filter(pk=hazard.pk).update(number=hazard.number)
    data = {"source": source, "grade": hazard.grade}
    if hazard.is_major_by_definition:
        data.update(definition_condition=hazard.definition_condition, major_confirmation=hazard.major_confirmation)
    event = record_event(hazard, "reported", actor=actor, to_state=S.REPORTED, data=data)
    attach_files(hazard, photos, actor=actor, kind=Attachment.Kind.PHOTO, event=event)
    return hazard


EDITABLE_FIELDS = frozenset({"location", "description", "category", "grade", "criterion", "check_item",
                             "finder_name", "found_at", "deadline",
                             "definition_condition", "definition_justification"})


def can_correct(actor, hazard: Hazard) -> bool:
    """Who may correct a hazard's report: whoever may rectify or supervise it, or its reporter."""
    return bool(can_rectify(actor, hazard) or is_regulator_side(actor, hazard)
                or (hazard.created_by_id is not None and hazard.created_by_id == getattr(actor, "pk", None)))


@transaction.atomic
def update_hazard(hazard: Hazard, *, actor, data: dict[str, Any], expected_version: int | None = None,
                  comment: str = "") -> Hazard:
    """Correct a reported hazard's description (only before rectification starts, by whoever
    may act on it); the deadline moves only through an extension once rectification runs."""
    h = _lock(hazard, expected_version)
    _require(can_correct(actor, h), _("You may not change this hazard."))
    if h.state != S.REPORTED:
        raise ValidationError({"state": _("A hazard can be corrected only while it is reported.")})
    basis_before = _major_basis(h)
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationError({name: _("This field cannot be changed here.")})
        setattr(h, name, value)
    if "deadline" in data:
        h.original_deadline = h.deadline
    if h.is_listed and h.grade != HazardGrade.MAJOR:
        raise ValidationError({"grade": _("A hazard under listed supervision stays a major hazard; delist it first.")})
    _validate_grade(h)
    if {"criterion", "grade", "found_at"} & set(data):
        _validate_criterion_applies(h)
    _validate_check_item(h)
    _set_major_confirmation(h, actor, changed=_major_basis(h) != basis_before)
    h.full_clean(exclude=["number"])
    return _save(h, actor, "updated", comment=comment, data={"fields": sorted(data)})


# --- the state machine -------------------------------------------------------------------

def _lock(hazard: Hazard, expected_version: int | None, *, check_version: bool = True) -> Hazard:
    """Re-read the hazard under a row lock; refuse if someone changed it since the caller read it.

    ``check_version=False`` is for steps whose own record (an extension, a listing) carries the
    conflict check, where the hazard object at hand may be an older copy."""
    h = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if h.is_voided:
        raise ValidationError({"is_voided": _("This hazard is voided.")})
    seen = expected_version if expected_version is not None else hazard.version
    if (check_version or expected_version is not None) and h.version != seen:
        raise ConflictError(
            _("This hazard was changed by someone else meanwhile (now: %(state)s). Reload it and try again.")
            % {"state": h.get_state_display()},
            current_state=h.state, current_version=h.version,
        )
    return h


def _save(h: Hazard, actor, action: str, *, from_state: str = "", comment: str = "", data: dict | None = None,
          files: Iterable = (), file_kind: str = Attachment.Kind.EVIDENCE) -> Hazard:
    h.version = F("version") + 1
    h._history_user = actor
    h._change_reason = action
    h.save()
    h.refresh_from_db(fields=["version"])
    event = record_event(h, action, actor=actor, from_state=from_state, to_state=h.state if from_state else "",
                         comment=comment, data=data)
    attach_files(h, files, actor=actor, kind=file_kind, event=event)
    return h


def _transition(hazard: Hazard, *, actor, expected_version: int | None, allowed_from: tuple[str, ...], to: str,
                action: str, right: Callable[[Any, Hazard], bool], comment: str = "",
                mutate: Callable[[Hazard], None] | None = None, data: dict | None = None,
                files: Iterable = ()) -> Hazard:
    h = _lock(hazard, expected_version)
    _require(right(actor, h), _("You may not take this step on this hazard."))
    if h.state not in allowed_from:
        raise ValidationError({"state": _("This step is not possible while the hazard is %(state)s.")
                               % {"state": h.get_state_display()}})
    from_state = h.state
    if mutate:
        mutate(h)
    h.state = to
    return _save(h, actor, action, from_state=from_state, comment=comment, data=data, files=files)


def _check_plan(h: Hazard) -> None:
    if h.grade != HazardGrade.MAJOR:
        return
    missing = h.missing_plan_fields()
    if missing:
        raise ValidationError({
            n: _("%(item)s is missing from the 五落实 plan; a major hazard cannot start rectification without it.")
            % {"item": Hazard._meta.get_field(n).verbose_name}
            for n in missing
        })


@transaction.atomic
def update_plan(hazard: Hazard, *, actor, plan: dict[str, Any], expected_version: int | None = None) -> Hazard:
    """Record or change the 五落实 plan (responsibility, measures, funds, time limit, contingency)."""
    h = _lock(hazard, expected_version)
    _require(can_rectify(actor, h) or is_regulator_side(actor, h), _("You may not change this hazard's plan."))
    if h.state not in OPEN_STATES:
        raise ValidationError({"state": _("The plan can be changed only before the rectification is submitted.")})
    for name, value in plan.items():
        if name not in PLAN_FIELDS:
            raise ValidationError({name: _("This field is not part of the rectification plan.")})
        setattr(h, name, value)
    if h.plan_funds is not None and Decimal(h.plan_funds) < 0:
        raise ValidationError({"plan_funds": _("Funds cannot be negative.")})
    h.full_clean(exclude=["number"])
    return _save(h, actor, "plan_updated", data={"fields": sorted(plan)})


@transaction.atomic
def start_rectification(hazard: Hazard, *, actor, expected_version: int | None = None, comment: str = "") -> Hazard:
    """reported → rectifying. A major hazard needs its complete 五落实 plan first."""
    return _transition(hazard, actor=actor, expected_version=expected_version, allowed_from=(S.REPORTED,),
                       to=S.RECTIFYING, action="rectification_started", right=can_rectify, comment=comment,
                       mutate=_check_plan)


@transaction.atomic
def submit_rectification(hazard: Hazard, *, actor, note: str, files: Iterable = (),
                         expected_version: int | None = None) -> Hazard:
    """rectifying → rectified: the enterprise submits what it did, with evidence."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Describe what was done to rectify the hazard.")})

    def mutate(h: Hazard) -> None:
        h.rectification_note = note
        h.rectified_at = timezone.now()
        h.rectified_by = actor if getattr(actor, "pk", None) else None

    return _transition(hazard, actor=actor, expected_version=expected_version, allowed_from=(S.RECTIFYING,),
                       to=S.RECTIFIED, action="rectification_submitted", right=can_rectify, comment=note,
                       mutate=mutate, files=files)


@transaction.atomic
def accept_rectification(hazard: Hazard, *, actor, comment: str = "", files: Iterable = (),
                         expected_version: int | None = None) -> Hazard:
    """rectified → accepted (验收). General: the enterprise; major: the regulator."""

    def mutate(h: Hazard) -> None:
        _require_major_decided(h)
        h.accepted_at = timezone.now()
        h.accepted_by = actor if getattr(actor, "pk", None) else None

    return _transition(hazard, actor=actor, expected_version=expected_version, allowed_from=(S.RECTIFIED,),
                       to=S.ACCEPTED, action="accepted", right=_acceptance_right, comment=comment, mutate=mutate,
                       files=files)


@transaction.atomic
def refuse_acceptance(hazard: Hazard, *, actor, reason: str, expected_version: int | None = None) -> Hazard:
    """rectified → rectifying: the fix is not good enough; the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the rectification is not accepted.")})
    return _transition(hazard, actor=actor, expected_version=expected_version, allowed_from=(S.RECTIFIED,),
                       to=S.RECTIFYING, action="acceptance_refused", right=_acceptance_right, comment=reason)


@transaction.atomic
def close_hazard(hazard: Hazard, *, actor, comment: str = "", expected_version: int | None = None) -> Hazard:
    """accepted → closed (销号)."""

    def mutate(h: Hazard) -> None:
        _check_rechecked(h)
        h.closed_at = timezone.now()

    return _transition(hazard, actor=actor, expected_version=expected_version, allowed_from=(S.ACCEPTED,),
                       to=S.CLOSED, action="closed", right=can_accept, comment=comment, mutate=mutate)


# --- deadline extensions ---------------------------------------------------------------------

@transaction.atomic
def request_extension(hazard: Hazard, *, actor, new_deadline: date, reason: str,
                      expected_version: int | None = None) -> DeadlineExtension:
    """Ask to move the rectification deadline; one pending request at a time."""
    h = _lock(hazard, expected_version)
    _require(can_rectify(actor, h), _("You may not request an extension for this hazard."))
    if h.state not in OPEN_STATES:
        raise ValidationError({"state": _("An extension can be requested only before the rectification is "
                                          "submitted.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    if new_deadline is None or new_deadline <= h.deadline:
        raise ValidationError({"new_deadline": _("The new deadline must be later than the current one.")})
    if h.extensions.filter(state=ExtensionState.PENDING).exists():
        raise ValidationError({"new_deadline": _("An extension request is already waiting for a decision.")})
    ext = DeadlineExtension.objects.create(hazard=h, requested_deadline=new_deadline, previous_deadline=h.deadline,
                                           reason=reason, requested_by=actor if getattr(actor, "pk", None) else None)
    _save(h, actor, "extension_requested", comment=reason, data={"extension": ext.pk,
                                                                 "requested_deadline": new_deadline.isoformat()})
    return ext


@transaction.atomic
def decide_extension(extension: DeadlineExtension, *, actor, approve: bool, comment: str = "",
                     expected_version: int | None = None) -> DeadlineExtension:
    """Approve (the deadline moves) or refuse a pending extension request."""
    h = _lock(extension.hazard, expected_version, check_version=False)
    ext = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    _require(can_accept(actor, h), _("You may not decide on this extension."))
    if ext.state != ExtensionState.PENDING:
        raise ConflictError(_("This extension request has already been decided."), current_state=h.state,
                            current_version=h.version)
    if not approve and not (comment or "").strip():
        raise ValidationError({"comment": _("Give the reason for refusing the extension.")})
    ext.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    ext.decided_by = actor if getattr(actor, "pk", None) else None
    ext.decided_at = timezone.now()
    ext.decision_comment = comment
    ext.save()
    data = {"extension": ext.pk, "previous_deadline": h.deadline.isoformat()}
    if approve:
        h.deadline = ext.requested_deadline
        data["deadline"] = h.deadline.isoformat()
    _save(h, actor, "extension_approved" if approve else "extension_refused", comment=comment, data=data)
    return ext


# --- major hazards: dual report and listed supervision ------------------------------------------

@transaction.atomic
def list_for_supervision(hazard: Hazard, *, actor, deadline: date, level: str | None = None,
                         department: Department | None = None, document_number: str = "", requirements: str = "",
                         expected_version: int | None = None) -> ListedSupervision:
    """挂牌督办: list an unclosed major hazard for supervision at province, city, county or
    township level. The supervising unit is the actor's own department unless another one of
    their jurisdiction is named; the level is that unit's region level (given or not: a given
    level that differs is refused, so a county's officer cannot list at city level)."""
    h = _lock(hazard, expected_version)
    _require(can_list(actor, h), _("You may not list this hazard for supervision."))
    if h.grade != HazardGrade.MAJOR:
        raise ValidationError({"grade": _("Only a major hazard can be listed for supervision.")})
    if h.is_major_pending:
        raise ValidationError({"grade": _("This hazard's major grade awaits a regulator's confirmation; confirm it "
                                          "before listing it.")})
    if h.state not in UNCLOSED_STATES:
        raise ValidationError({"state": _("A closed hazard cannot be listed.")})
    if h.is_listed:
        raise ValidationError({"level": _("This hazard is already listed for supervision.")})
    if level and level not in ListingLevel.values:
        raise ValidationError({"level": _("Choose province, city, county or township level.")})
    if department is None and getattr(actor, "department_id", None):
        department = actor.department
    if department is None:
        raise ValidationError({"department": _("Your account has no department: choose the supervising unit.")})
    if not Department.objects.for_user(actor).filter(pk=department.pk).exists() and not _is_admin(actor):
        raise ValidationError({"department": _("Choose a supervising unit in your jurisdiction.")})
    level = _listing_level(department, level)
    if deadline is None or deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The supervision deadline cannot be in the past.")})
    listing = ListedSupervision.objects.create(
        hazard=h, level=level, department=department, deadline=deadline, document_number=document_number,
        requirements=requirements, listed_by=actor if getattr(actor, "pk", None) else None,
        region_path=h.region_path, enterprise_id=h.enterprise_id, industry_id=h.industry_id,
    )
    h.is_listed = True
    _save(h, actor, "listed", comment=requirements, data={"listing": listing.pk, "level": level,
                                                          "deadline": deadline.isoformat()})
    return listing


@transaction.atomic
def report_listing_progress(listing: ListedSupervision, *, actor, content: str) -> ListingProgress:
    """Add a progress report to an active listed supervision."""
    h = Hazard.objects.select_for_update().get(pk=listing.hazard_id)
    listing = ListedSupervision.objects.select_for_update().get(pk=listing.pk)
    _require(can_rectify(actor, h) or is_regulator_side(actor, h), _("You may not report on this listing."))
    if listing.state != ListingState.LISTED:
        raise ValidationError({"state": _("This listing has been delisted.")})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("Describe the progress.")})
    progress = ListingProgress.objects.create(listing=listing, content=content,
                                              reported_by=actor if getattr(actor, "pk", None) else None)
    record_event(h, "listing_progress", actor=actor, comment=content, data={"listing": listing.pk})
    return progress


@transaction.atomic
def delist(listing: ListedSupervision, *, actor, comment: str = "", expected_version: int | None = None
           ) -> ListedSupervision:
    """摘牌: end a listed supervision; only after the hazard was accepted by the regulator and closed out."""
    h = _lock(listing.hazard, expected_version, check_version=False)
    listing = ListedSupervision.objects.select_for_update().get(pk=listing.pk)
    _require(can_list(actor, h), _("You may not delist this hazard."))
    if listing.state != ListingState.LISTED:
        raise ConflictError(_("This listing has already been delisted."), current_state=h.state,
                            current_version=h.version)
    if h.state != S.CLOSED:
        raise ValidationError({"state": _("A listed hazard can be delisted only after it is closed out.")})
    if h.accepted_by is None or getattr(h.accepted_by, "role", None) not in REGULATOR_ROLES \
            and not getattr(h.accepted_by, "is_system_admin", False):
        raise ValidationError({"state": _("A listed hazard can be delisted only after the regulator accepted it.")})
    listing.state = ListingState.DELISTED
    listing.delisted_by = actor if getattr(actor, "pk", None) else None
    listing.delisted_at = timezone.now()
    listing.delist_comment = comment
    listing._history_user = actor
    listing.save()
    h.is_listed = False
    _save(h, actor, "delisted", comment=comment, data={"listing": listing.pk})
    return listing


# --- notices and voiding ---------------------------------------------------------------------

def notice_number(department: Department, issued_on: date) -> str:
    """整改通知单 number: <region code>-<year>-<sequence in that department's year>."""
    seq = RectificationNotice.objects.filter(department=department, issued_on__year=issued_on.year).count() + 1
    return f"ZG{department.region.code[:6]}-{issued_on:%Y}-{seq:05d}-{department.pk}"


@transaction.atomic
def issue_notice(*, actor, department: Department, hazards: list[Hazard], deadline: date,
                 requirements: str = "") -> RectificationNotice:
    """Issue a rectification notice for unclosed hazards of one enterprise."""
    _require(_is_admin(actor) or actor.has_perm("hazards.issue_notice_hazard"),
             _("You may not issue rectification notices."))
    if not hazards:
        raise ValidationError({"hazards": _("Choose the hazards the notice orders to rectify.")})
    visible = set(Hazard.objects.for_user(actor).filter(pk__in=[h.pk for h in hazards]).values_list("pk", flat=True))
    if len(visible) != len({h.pk for h in hazards}):
        raise ValidationError({"hazards": _("Some of these hazards are outside your jurisdiction.")})
    enterprises = {h.enterprise_id for h in hazards}
    if len(enterprises) != 1:
        raise ValidationError({"hazards": _("A notice covers the hazards of one enterprise.")})
    if any(h.state == S.CLOSED or h.is_voided for h in hazards):
        raise ValidationError({"hazards": _("Closed or voided hazards cannot be put on a notice.")})
    if not _is_admin(actor) and not Department.objects.for_user(actor).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("Choose an issuing unit in your jurisdiction.")})
    if deadline is None or deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    issued_on = timezone.localdate()
    Department.objects.select_for_update().get(pk=department.pk)  # serialises numbering per department
    notice = RectificationNotice.objects.create(
        number=notice_number(department, issued_on), enterprise_id=enterprises.pop(), department=department,
        deadline=deadline, requirements=requirements, issued_by=actor if getattr(actor, "pk", None) else None,
        issued_on=issued_on, region_path=hazards[0].region_path,
    )
    notice.hazards.set(hazards)
    # A hazard under a notice is closed out only after the issuing side re-checked it (复查).
    Hazard.objects.filter(pk__in=[h.pk for h in hazards], rechecked_at__isnull=True).update(recheck_required=True)
    for h in hazards:
        record_event(h, "notice_issued", actor=actor, data={"notice": notice.pk, "number": notice.number})
    return notice


def void_hazard(hazard: Hazard, *, actor, reason: str) -> Hazard:
    """Void a hazard entered in error (never delete it). Listed hazards must be delisted first."""
    with transaction.atomic():
        h = Hazard.objects.select_for_update().get(pk=hazard.pk)
        _require(_is_admin(actor) or is_regulator_side(actor, h) or h.created_by_id == getattr(actor, "pk", None),
                 _("You may not void this hazard."))
        if h.is_listed:
            raise ValidationError({"is_voided": _("Delist the hazard before voiding it.")})
        return void_record(h, actor=actor, reason=reason)


# --- issue #10 (h/loop1): criteria by industry, major by the general definition, acceptance by
# someone else, listing level by the listing department ---------------------------------------

#: Fields only the services set (never from a report's data).
SERVICE_SET_FIELDS = ("rectified_by", "major_confirmation", "major_confirmed_by", "major_confirmed_at")


def _found_on(hazard: Hazard) -> date:
    found = hazard.found_at or timezone.now()
    return timezone.localdate(found) if timezone.is_aware(found) else found.date()


def _validate_criterion_applies(hazard: Hazard) -> None:
    """The criterion must be one that applies to the enterprise's industry on the day the hazard
    was found (standards.selectors.criteria_for_industries): a coal-mine item cannot make a
    fireworks company's hazard major. Criteria documents name the industries they apply to
    (e.g. 《煤矿重大事故隐患判定标准》 应急管理部令第4号 applies to coal mines only)."""
    if hazard.criterion_id is None:
        return
    from anjian.enterprises.models import Industry
    from anjian.standards.selectors import criteria_for_industries

    code = Industry.objects.filter(pk=hazard.industry_id).values_list("code", flat=True).first()
    if not criteria_for_industries([code] if code else [], on=_found_on(hazard)).filter(
            pk=hazard.criterion_id).exists():
        name = Industry.objects.filter(pk=hazard.industry_id).values_list("name", flat=True).first() or ""
        raise ValidationError({"criterion": _(
            "This criterion does not apply to the enterprise's industry (%(industry)s) on the day the hazard was "
            "found: choose a criterion of its industry's standard, or of a standard that applies to every "
            "industry.") % {"industry": name}})


def _major_basis(hazard: Hazard) -> tuple:
    """What a major grade rests on: compared before and after a correction."""
    return (hazard.grade, hazard.criterion_id, hazard.definition_condition,
            (hazard.definition_justification or "").strip())


def _validate_major_basis(hazard: Hazard) -> None:
    """A major hazard names the listed criterion it meets, or — when no listed item names it —
    the condition of the general definition it meets, with the reason (国家安监总局令第16号
    第三条: hard to rectify, needing full or partial suspension and time; or external factors the
    enterprise cannot remove by itself). A general hazard names neither."""
    hazard.definition_justification = (hazard.definition_justification or "").strip()
    if hazard.grade != HazardGrade.MAJOR:
        if hazard.definition_condition:
            raise ValidationError({"definition_condition": _(
                "Only a major hazard names a condition of the general definition.")})
        if hazard.definition_justification:
            raise ValidationError({"definition_justification": _(
                "Only a major hazard graded by the general definition has this justification.")})
        return
    if hazard.criterion_id is not None:
        if hazard.definition_condition or hazard.definition_justification:
            raise ValidationError({"definition_condition": _(
                "A major hazard rests on a listed criterion or on the general definition, not both: clear one.")})
        return
    if not hazard.definition_condition:
        raise ValidationError({"criterion": _(
            "A major hazard must name the major-hazard criterion it meets; if no listed item names it, choose the "
            "condition of the general definition it meets and say why.")})
    if hazard.definition_condition not in MajorDefinitionCondition.values:
        raise ValidationError({"definition_condition": _("Choose one of the two conditions of the general "
                                                         "definition.")})
    if len(hazard.definition_justification) < DEFINITION_JUSTIFICATION_MIN:
        raise ValidationError({"definition_justification": _(
            "Say why the hazard meets this condition (at least %(n)d characters): what must be stopped and for how "
            "long, or which outside factor keeps the enterprise from removing it.")
            % {"n": DEFINITION_JUSTIFICATION_MIN}})


#: The shortest justification taken for a major grade by the general definition (a platform rule:
#: a few words cannot say which production must stop, or which outside factor is in the way).
DEFINITION_JUSTIFICATION_MIN = 10


def _set_major_confirmation(hazard: Hazard, actor, *, changed: bool) -> None:
    """A major grade by the general definition holds once a regulator confirms it: given by a
    regulator of the hazard's jurisdiction, it is confirmed at once (their own judgement); given
    by anyone else (the enterprise, a grid officer, an expert), it waits for one. A grade by a
    listed criterion, or a general hazard, needs no confirmation. ``changed``: the basis of the
    grade changed now (a report, or a correction of grade, criterion, condition or reason)."""
    if not hazard.is_major_by_definition:
        hazard.major_confirmation = ""
        hazard.major_confirmed_by = None
        hazard.major_confirmed_at = None
        return
    if not changed and hazard.major_confirmation:
        return
    if _regulator_confirms(actor, hazard):
        hazard.major_confirmation = MajorConfirmation.CONFIRMED
        hazard.major_confirmed_by = actor
        hazard.major_confirmed_at = timezone.now()
    else:
        hazard.major_confirmation = MajorConfirmation.PENDING
        hazard.major_confirmed_by = None
        hazard.major_confirmed_at = None


def _regulator_confirms(actor, hazard: Hazard) -> bool:
    """A regulator or industry officer whose jurisdiction holds the hazard's enterprise (the
    hazard may not be saved yet, so the enterprise is what is tested)."""
    if getattr(actor, "role", None) not in REGULATOR_ROLES:
        return False
    return Enterprise.objects.for_user(actor).filter(pk=hazard.enterprise_id).exists()


def can_confirm_major(actor, hazard: Hazard) -> bool:
    """Who confirms or downgrades a major grade given by the general definition: a regulator of
    the hazard's jurisdiction (or a system administrator)."""
    return _is_admin(actor) or is_regulator_side(actor, hazard)


def _require_major_decided(h: Hazard) -> None:
    if h.is_major_pending:
        raise ValidationError({"grade": _(
            "This hazard's major grade awaits a regulator's confirmation: confirm it or downgrade it to general "
            "before the acceptance.")})


def rectifier_may_not_accept(actor, hazard: Hazard) -> bool:
    """Whether ``actor`` submitted this hazard's rectification and so may not decide on its
    acceptance (accept or refuse): the person who accepts is not the person who rectified
    (a separation of duties the platform applies per deployment: settings
    ANJIAN_HAZARD_ACCEPTOR_DIFFERS, on by default; no national article found that requires it)."""
    if not getattr(settings, "ANJIAN_HAZARD_ACCEPTOR_DIFFERS", True):
        return False
    if _is_admin(actor):
        # System administrators operate the platform and pass every right of this module (data
        # repairs, the demo); the separation binds the enterprise's and the regulator's people.
        return False
    pk = getattr(actor, "pk", None)
    return pk is not None and hazard.rectified_by_id == pk


def _acceptance_right(actor, h: Hazard) -> bool:
    if not can_accept(actor, h):
        return False
    _require(not rectifier_may_not_accept(actor, h), _(
        "You submitted this hazard's rectification, so you may not decide on its acceptance: another person "
        "accepts it."))
    return True


@transaction.atomic
def confirm_major(hazard: Hazard, *, actor, comment: str = "", expected_version: int | None = None) -> Hazard:
    """A regulator confirms a major grade given by the general definition (待确认 → 重大隐患)."""
    h = _lock(hazard, expected_version)
    _require(can_confirm_major(actor, h), _("You may not confirm this hazard's grade."))
    if not h.is_major_pending:
        raise ValidationError({"grade": _("This hazard has no major grade awaiting confirmation.")})
    if h.state == S.CLOSED:
        raise ValidationError({"state": _("A closed-out hazard's grade cannot be changed.")})
    h.major_confirmation = MajorConfirmation.CONFIRMED
    h.major_confirmed_by = actor if getattr(actor, "pk", None) else None
    h.major_confirmed_at = timezone.now()
    return _save(h, actor, "major_confirmed", comment=(comment or "").strip(),
                 data={"definition_condition": h.definition_condition})


@transaction.atomic
def downgrade_major(hazard: Hazard, *, actor, reason: str, expected_version: int | None = None) -> Hazard:
    """A regulator does not confirm a major grade given by the general definition: the hazard
    becomes general (its condition and justification are kept in the history and the event)."""
    reason = (reason or "").strip()
    h = _lock(hazard, expected_version)
    _require(can_confirm_major(actor, h), _("You may not change this hazard's grade."))
    if not h.is_major_pending:
        raise ValidationError({"grade": _("This hazard has no major grade awaiting confirmation.")})
    if h.state == S.CLOSED:
        raise ValidationError({"state": _("A closed-out hazard's grade cannot be changed.")})
    if not reason:
        raise ValidationError({"reason": _("Give the reason the hazard is not a major hazard.")})
    data = {"definition_condition": h.definition_condition, "definition_justification": h.definition_justification}
    h.grade = HazardGrade.GENERAL
    h.definition_condition = ""
    h.definition_justification = ""
    h.major_confirmation = ""
    h.major_confirmed_by = None
    h.major_confirmed_at = None
    return _save(h, actor, "major_downgraded", comment=reason, data=data)


#: The listing level of a department's region. A province's, city's, county's or township's
#: government lists at its own level: e.g. 《湖北省重大安全生产事故隐患排查治理和挂牌督办办法》
#: (2011) 第二条 has county, city and province committees list by grade (a provincial example;
#: no national article on listing levels found — unconfirmed).
LISTING_LEVEL_BY_REGION = {
    RegionLevel.PROVINCE: ListingLevel.PROVINCE,
    RegionLevel.CITY: ListingLevel.CITY,
    RegionLevel.COUNTY: ListingLevel.COUNTY,
    RegionLevel.TOWNSHIP: ListingLevel.TOWNSHIP,
}


def listing_level_for(department: Department | None) -> str | None:
    """The level a department lists at (its region's level), None if it cannot list (a village)."""
    if department is None:
        return None
    return LISTING_LEVEL_BY_REGION.get(department.region.level)


def _listing_level(department: Department, level: str | None) -> str:
    expected = listing_level_for(department)
    if expected is None:
        raise ValidationError({"department": _("%(unit)s is not a province, city, county or township unit and "
                                               "cannot list hazards for supervision.") % {"unit": department.name}})
    if level and level != expected:
        raise ValidationError({"level": _(
            "The level follows the supervising unit: %(unit)s lists at %(level)s, not at %(asked)s.")
            % {"unit": department.name, "level": ListingLevel(expected).label, "asked": ListingLevel(level).label}})
    return expected
# --- dual report records and re-checks (issue #10) ----------------------------------------------
#
# 双报告: a major hazard is reported, with content, to the supervising department and to the
# workers' congress (《安全生产法》第四十一条): when found, its present state and cause, how
# serious it is and how hard to remove, and the treatment plan (《安全生产事故隐患排查治理暂行
# 规定》第十四条); once treated, the result. Each report is a DualReport record; the hazard keeps
# the date of the first hazard report to each recipient (the warning scan and the ledger read it).
#
# 复查: a hazard found by a government, grid or expert inspection, or put on a rectification
# notice, is re-checked by that side within the time limit (TimeLimit "recheck", 10 days from the
# deadline or from the enterprise's report of completion) and closed out only after a re-check
# passed. A passed re-check also accepts a hazard that was not yet accepted; a re-check that did
# not pass sends it back to rectification with a new deadline.

def recipient_departments(hazard: Hazard):
    """The departments a report of ``hazard`` can go to: those of the enterprise's township and
    of every region above it (the supervising department is one of them)."""
    path = hazard.region_path or ""
    prefixes = [path[:i] for i in range(12, len(path) + 1, 12)]
    return (Department.objects.filter(region__path__in=prefixes, is_voided=False)
            .select_related("region").order_by("-region__path", "kind", "name"))


def supervising_department(hazard: Hazard) -> Department | None:
    """The department on the enterprise's current supervision plate (一企一牌), if any."""
    current = (Supervision.objects.filter(enterprise_id=hazard.enterprise_id, is_current=True)
               .select_related("department").first())
    return current.department if current is not None else None


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def _refresh_dual_report_dates(h: Hazard) -> None:
    """Set the hazard's two dual-report dates from its hazard reports (the earliest to each)."""
    dates = dict(h.dual_reports.filter(stage=DualReportStage.INITIAL).values_list("recipient")
                 .annotate(first=Min("reported_on")).values_list("recipient", "first"))
    h.reported_to_regulator_on = dates.get(DualReportRecipient.REGULATOR)
    h.reported_to_congress_on = dates.get(DualReportRecipient.CONGRESS)


def _save_step(h: Hazard, actor, action: str, *, from_state: str = "", comment: str = "",
               data: dict | None = None) -> Event:
    """Like ``_save`` (version bump, history, event) but answers the event, so the caller can
    attach the step's files to the record the step created."""
    h.version = F("version") + 1
    h._history_user = actor
    h._change_reason = action
    h.save()
    h.refresh_from_db(fields=["version"])
    return record_event(h, action, actor=actor, from_state=from_state, to_state=h.state if from_state else "",
                        comment=comment, data=data)


@transaction.atomic
def record_dual_report(hazard: Hazard, *, actor, recipient: str, reported_on: date | None,
                       stage: str = DualReportStage.INITIAL, department: Department | None = None,
                       recipient_name: str = "", situation: str = "", severity_analysis: str = "",
                       treatment_plan: str = "", treatment_result: str = "", files: Iterable = (),
                       expected_version: int | None = None) -> DualReport:
    """File one report of a major hazard (双报告) to the supervising department or the workers'
    congress: the hazard report (state and cause, seriousness and difficulty, treatment plan) or,
    once rectified, the treatment result. Documents come as ``files``."""
    h = _lock(hazard, expected_version)
    _require(can_rectify(actor, h) or is_regulator_side(actor, h), _("You may not record reports for this hazard."))
    if h.grade != HazardGrade.MAJOR:
        raise ValidationError({"grade": _("Only a major hazard has a dual report.")})
    if stage not in DualReportStage.values:
        raise ValidationError({"stage": _("Choose the hazard report or the treatment result report.")})
    if recipient not in DualReportRecipient.values:
        raise ValidationError({"recipient": _("Choose the supervising department or the workers' congress.")})
    if reported_on is None:
        raise ValidationError({"reported_on": _("Give the date of the report.")})
    found_on = timezone.localdate(h.found_at)
    if reported_on < found_on or reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("The report date must be between the day found and today.")})
    texts = {"situation": _clean_text(situation), "severity_analysis": _clean_text(severity_analysis),
             "treatment_plan": _clean_text(treatment_plan), "treatment_result": _clean_text(treatment_result)}
    if stage == DualReportStage.INITIAL:
        if h.state == S.CLOSED:
            raise ValidationError({"stage": _("A closed-out hazard can only have its treatment result reported.")})
        required = {
            "situation": _("Describe the hazard's present state and its cause."),
            "severity_analysis": _("Analyse how serious the hazard is and how hard it is to remove."),
            "treatment_plan": _("Give the treatment plan."),
        }
        texts["treatment_result"] = ""
    else:
        if h.state not in RESULT_REPORT_STATES:
            raise ValidationError({"stage": _("The treatment result can be reported once the rectification is "
                                              "done.")})
        if h.rectified_at is not None and reported_on < timezone.localdate(h.rectified_at):
            raise ValidationError({"reported_on": _("The result cannot be reported before the rectification was "
                                                    "done.")})
        required = {"treatment_result": _("Describe the result of the treatment.")}
    errors = {name: message for name, message in required.items() if not texts[name]}
    if errors:
        raise ValidationError(errors)
    recipient_name = _clean_text(recipient_name)[:100]
    if recipient == DualReportRecipient.REGULATOR:
        if department is None:
            department = supervising_department(h)
        if department is None or not recipient_departments(h).filter(pk=department.pk).exists():
            raise ValidationError({"department": _("Choose a department of the enterprise's township or of a "
                                                   "region above it.")})
    else:
        department = None
    check_uploads(list(files or []))
    files = list(files or [])
    report = DualReport.objects.create(
        hazard=h, stage=stage, recipient=recipient, department=department, recipient_name=recipient_name,
        reported_on=reported_on, reported_by=actor if getattr(actor, "pk", None) else None, **texts)
    _refresh_dual_report_dates(h)
    event = _save_step(h, actor, "dual_report_recorded", data={
        "report": report.pk, "stage": stage, "recipient": recipient, "reported_on": reported_on.isoformat(),
        "department": department.pk if department else None,
    })
    attach_files(report, files, actor=actor, kind=Attachment.Kind.DOCUMENT, event=event)
    return report


def time_limit(code: str):
    """The time limit ``code`` as the administrator keeps it (a TimeLimit row), or the shipped
    default (same fields, unsaved) if the row is missing."""
    from .data.time_limits import DEFAULTS

    row = TimeLimit.objects.filter(code=code).first()
    return row if row is not None else TimeLimit(**DEFAULTS[code])


def recheck_days() -> int:
    return time_limit(TimeLimitCode.RECHECK).days


def needs_recheck(hazard: Hazard) -> bool:
    """The hazard must pass a re-check by the side that found it before it is closed out."""
    return bool(hazard.recheck_required) and hazard.rechecked_at is None


def recheck_due_on(hazard: Hazard, *, days: int | None = None) -> date | None:
    """The day by which the re-check is due: ``days`` (the time limit) after the rectification
    deadline, or after the enterprise's report of completion if that came first. None when no
    re-check is pending (not required, already passed, closed)."""
    if not needs_recheck(hazard) or hazard.state == S.CLOSED:
        return None
    days = recheck_days() if days is None else days
    start = hazard.deadline
    if hazard.state in RECHECK_STATES and hazard.rectified_at is not None:
        start = min(start, timezone.localdate(hazard.rectified_at))
    return start + timezone.timedelta(days=days)


def recheck_possible(hazard: Hazard, today: date | None = None) -> bool:
    """A re-check can be recorded once the enterprise reported completion, or once the
    rectification deadline has passed without it (整改期满)."""
    if not needs_recheck(hazard) or hazard.is_voided:
        return False
    if hazard.state in RECHECK_STATES:
        return True
    return hazard.state in OPEN_STATES and hazard.deadline < (today or timezone.localdate())


def can_recheck(actor, hazard: Hazard) -> bool:
    """The side that found the hazard or ordered it fixed re-checks it: the regulator side always
    (it issued the notice, or its officers inspected); for a general hazard also the grid officer
    who patrols its grid (grid patrols) and the experts of its region (expert inspections). A major
    hazard is accepted only by the regulator, so only the regulator side re-checks it."""
    if _is_admin(actor):
        return True
    if is_regulator_side(actor, hazard):
        return True
    if hazard.is_major:
        return False
    role = getattr(actor, "role", None)
    if role == Role.GRID_OFFICER and hazard.source == HazardSource.GRID_PATROL:
        return _can_see(actor, hazard)
    if role == Role.EXPERT and hazard.source == HazardSource.EXPERT:
        return _can_see(actor, hazard)
    return False


def recheck_number(recheck: Recheck) -> str:
    """整改复查意见书 number: FC + year re-checked + the row id, zero-padded."""
    return f"FC{recheck.checked_on:%Y}{recheck.pk:09d}"


@transaction.atomic
def record_recheck(hazard: Hazard, *, actor, outcome: str, opinion: str, checked_on: date | None = None,
                   new_deadline: date | None = None, department: Department | None = None, inspectors: str = "",
                   files: Iterable = (), expected_version: int | None = None) -> Recheck:
    """复查: record the outcome of re-checking a hazard's rectification.

    Passed: the hazard may be closed out; a hazard not yet accepted is accepted by the
    re-checker (rectified_at is set if the enterprise never reported completion). Not passed: a
    new deadline later than today is required; the hazard goes back to rectification (a reported
    one stays reported: its 五落实 check still applies), its acceptance is withdrawn."""
    h = _lock(hazard, expected_version)
    _require(can_recheck(actor, h), _("You may not re-check this hazard."))
    if not h.recheck_required:
        raise ValidationError({"state": _("This hazard needs no re-check.")})
    if h.rechecked_at is not None:
        raise ValidationError({"state": _("This hazard has already passed its re-check.")})
    today = timezone.localdate()
    if not recheck_possible(h, today):
        raise ValidationError({"state": _("A re-check is possible once the enterprise has reported the "
                                          "rectification done, or once the deadline has passed.")})
    if outcome not in RecheckOutcome.values:
        raise ValidationError({"outcome": _("Choose whether the re-check passed.")})
    opinion = _clean_text(opinion)
    if not opinion:
        raise ValidationError({"opinion": _("Write the re-check opinion.")})
    checked_on = checked_on or today
    if checked_on > today or checked_on < timezone.localdate(h.found_at):
        raise ValidationError({"checked_on": _("The re-check date must be between the day found and today.")})
    if outcome == RecheckOutcome.FAILED:
        if new_deadline is None or new_deadline <= today:
            raise ValidationError({"new_deadline": _("A re-check that did not pass sets a new deadline later than "
                                                     "today.")})
    else:
        new_deadline = None
    if department is not None and not _is_admin(actor) \
            and not Department.objects.for_user(actor).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("Choose a unit in your jurisdiction.")})
    if department is None and getattr(actor, "department_id", None):
        department = actor.department
    files = list(files or [])
    check_uploads(files)
    days = recheck_days()
    due_on = recheck_due_on(h, days=days)
    notice = h.notices.order_by("-issued_on", "-id").first()
    recheck = Recheck.objects.create(
        number=f"TMP{uuid.uuid4().hex[:28]}", hazard=h, notice=notice, outcome=outcome, checked_on=checked_on,
        opinion=opinion, previous_deadline=h.deadline, new_deadline=new_deadline, due_on=due_on, limit_days=days,
        department=department, inspectors=_clean_text(inspectors)[:100],
        checked_by=actor if getattr(actor, "pk", None) else None)
    recheck.number = recheck_number(recheck)
    Recheck.objects.filter(pk=recheck.pk).update(number=recheck.number)
    from_state = h.state
    now = timezone.now()
    if outcome == RecheckOutcome.PASSED:
        h.rechecked_at = now
        if h.state != S.ACCEPTED:
            if h.rectified_at is None:
                h.rectified_at = now
            h.accepted_at = now
            h.accepted_by = actor if getattr(actor, "pk", None) else None
            h.state = S.ACCEPTED
    else:
        h.deadline = new_deadline
        if h.state in RECHECK_STATES:
            h.state = S.RECTIFYING
            h.accepted_at = None
            h.accepted_by = None
    data = {"recheck": recheck.pk, "number": recheck.number, "outcome": outcome,
            "checked_on": checked_on.isoformat(), "previous_deadline": recheck.previous_deadline.isoformat()}
    if new_deadline is not None:
        data["deadline"] = new_deadline.isoformat()
    event = _save_step(h, actor, "rechecked", from_state=from_state if h.state != from_state else "",
                       comment=opinion, data=data)
    attach_files(recheck, files, actor=actor, kind=Attachment.Kind.DOCUMENT, event=event)
    return recheck


def _check_rechecked(h: Hazard) -> None:
    """Close-out waits for a passed re-check where one is required."""
    if needs_recheck(h):
        raise ValidationError({"state": _("This hazard is closed out only after the side that found it (or "
                                          "issued the rectification notice) has re-checked it and it passed.")})


def report_actions(actor, hazard: Hazard) -> list[str]:
    """The dual-report and re-check steps ``actor`` may take now (part of available_actions)."""
    out = []
    if hazard.is_major and (can_rectify(actor, hazard) or is_regulator_side(actor, hazard)) \
            and (hazard.state != S.CLOSED or _result_reports_missing(hazard)):
        out.append("record_dual_report")
    if recheck_possible(hazard) and can_recheck(actor, hazard):
        out.append("recheck")
    return out


def _result_reports_missing(hazard: Hazard) -> list[str]:
    """The recipients that have not yet had the treatment result of this major hazard."""
    done = set(hazard.dual_reports.filter(stage=DualReportStage.RESULT).values_list("recipient", flat=True))
    return [r for r in DualReportRecipient.values if r not in done]

"""Every change to a hazard goes through here: the closed loop 排查 → 台账 → 整改 → 验收 → 销号,
deadline extensions, the 五落实 plan and dual report of major hazards, listed supervision,
rectification notices and re-checks.

Each service takes one step of ``choices.HAZARD_MACHINE`` through the one write path
(``core.workflow.perform``; ``create`` for a new hazard, ``void`` for voiding): the hazard row is
locked, its version checked (a stale copy or version is a ``ConflictError``, 409), the actor's
right decided by ``policy`` (hazards.policy), the step's source states and guards checked, the
change applied, the version bumped and the event written with its files — in one transaction, or
nothing at all. What a service checks itself is the input of its step (a reason, a date, a
department in the actor's jurisdiction).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import Attachment
from anjian.core.services import ConflictError, attach_files, check_uploads, record_event
from anjian.core.workflow import available_steps, create, perform, void
from anjian.enterprises.models import Enterprise, Supervision
from anjian.orgs.choices import Role
from anjian.orgs.models import Department
from anjian.regions.choices import RegionLevel
from anjian.standards.models import CheckItem

from . import events
from .choices import (
    HAZARD_MACHINE,
    RECHECK_SOURCES,
    RECHECK_STATES,
    RESULT_REPORT_STATES,
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
from .policy import policy

S = HazardState

# The source a hazard gets when its finder's role implies it.
SOURCE_BY_ROLE = {
    Role.ENTERPRISE: HazardSource.SELF_INSPECTION,
    Role.GRID_OFFICER: HazardSource.GRID_PATROL,
    Role.EXPERT: HazardSource.EXPERT,
    Role.REGULATOR: HazardSource.GOVERNMENT,
    Role.INDUSTRY_OFFICER: HazardSource.GOVERNMENT,
}
ENTERPRISE_SOURCES = frozenset({HazardSource.SELF_INSPECTION, HazardSource.ENTERPRISE_SYSTEM})
#: Fields only the services set (never from a report's data).
SERVICE_SET_FIELDS = ("rectified_by", "major_confirmation", "major_confirmed_by", "major_confirmed_at")


def available_actions(actor, hazard: Hazard) -> list[str]:
    """The steps ``actor`` may take on ``hazard`` now: the page's buttons and the API's
    ``available_actions`` (the machine's steps possible from the hazard's state, guards holding,
    the policy allowing)."""
    return available_steps(HAZARD_MACHINE, policy, actor, hazard)


def _step(hazard: Hazard, action: str, *, actor, expected_version: int | None = None, **kwargs):
    """One step of the loop on ``hazard`` through the write path."""
    return perform(hazard, action, actor=actor, policy=policy, machine=HAZARD_MACHINE,
                   expected_version=expected_version, **kwargs)


def _who(actor):
    return actor if getattr(actor, "pk", None) else None


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


def _number(hazard: Hazard) -> None:
    hazard.number = hazard_number(hazard)
    Hazard.objects.filter(pk=hazard.pk).update(number=hazard.number)


def report_hazard(*, actor, enterprise: Enterprise, data: dict[str, Any], photos: Iterable = (),
                  source: str | None = None) -> Hazard:
    """Enter a found hazard into the ledger (state ``reported``).

    The enterprise must be in the actor's scope. The source follows from the finder's role
    unless given; an enterprise user can only self-report (or push from its own system).
    """
    if not policy.can(actor, "report", Hazard(enterprise=enterprise)):
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
    role = getattr(actor, "role", None)
    source = source or data.pop("source", None) or SOURCE_BY_ROLE.get(role, HazardSource.GOVERNMENT)
    data.pop("source", None)
    if role == Role.ENTERPRISE and not policy.is_admin(actor) and source not in ENTERPRISE_SOURCES:
        raise ValidationError({"source": _("An enterprise can only report hazards from its own inspections.")})
    if source not in HazardSource.values:
        raise ValidationError({"source": _("Unknown hazard source.")})
    for name in ("state", "version", "number", "region_path", "is_listed", "is_voided", *SERVICE_SET_FIELDS):
        if name in data:
            raise ValidationError({name: _("This field cannot be set here.")})
    hazard = Hazard(enterprise=enterprise, source=source, created_by=_who(actor), **data)
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
    hazard.number = f"TMP{uuid.uuid4().hex[:28]}"  # the real number needs the row id (_number)
    hazard.full_clean(exclude=["number", "original_deadline"])
    event_data = {"source": source, "grade": hazard.grade}
    if hazard.is_major_by_definition:
        event_data.update(definition_condition=hazard.definition_condition,
                          major_confirmation=hazard.major_confirmation)
    with transaction.atomic():
        # The right was decided above (naming the enterprise); the event names the state reached.
        create(hazard, actor=actor, policy=None, action=events.HAZARD_REPORTED, prepare=_number, clean=False,
               event=False)
        event = record_event(hazard, events.HAZARD_REPORTED, actor=actor, to_state=S.REPORTED, data=event_data)
        attach_files(hazard, photos, actor=actor, kind=Attachment.Kind.PHOTO, event=event)
    return hazard


EDITABLE_FIELDS = frozenset({"location", "description", "category", "grade", "criterion", "check_item",
                             "finder_name", "found_at", "deadline",
                             "definition_condition", "definition_justification"})


def update_hazard(hazard: Hazard, *, actor, data: dict[str, Any], expected_version: int | None = None,
                  comment: str = "") -> Hazard:
    """Correct a reported hazard's description (only before rectification starts, by whoever
    may act on it); the deadline moves only through an extension once rectification runs."""

    def change(h: Hazard) -> None:
        basis_before = _major_basis(h)
        for name, value in data.items():
            if name not in EDITABLE_FIELDS:
                raise ValidationError({name: _("This field cannot be changed here.")})
            setattr(h, name, value)
        if "deadline" in data:
            h.original_deadline = h.deadline
        if h.is_listed and h.grade != HazardGrade.MAJOR:
            raise ValidationError({"grade": _("A hazard under listed supervision stays a major hazard; delist it "
                                              "first.")})
        _validate_grade(h)
        if {"criterion", "grade", "found_at"} & set(data):
            _validate_criterion_applies(h)
        _validate_check_item(h)
        _set_major_confirmation(h, actor, changed=_major_basis(h) != basis_before)
        h.full_clean(exclude=["number"])

    return _step(hazard, "correct", actor=actor, expected_version=expected_version, change=change, comment=comment,
                 data={"fields": sorted(data)})


# --- the loop --------------------------------------------------------------------------------

def update_plan(hazard: Hazard, *, actor, plan: dict[str, Any], expected_version: int | None = None) -> Hazard:
    """Record or change the 五落实 plan (responsibility, measures, funds, time limit, contingency)."""

    def change(h: Hazard) -> None:
        for name, value in plan.items():
            if name not in PLAN_FIELDS:
                raise ValidationError({name: _("This field is not part of the rectification plan.")})
            setattr(h, name, value)
        if h.plan_funds is not None and Decimal(h.plan_funds) < 0:
            raise ValidationError({"plan_funds": _("Funds cannot be negative.")})
        h.full_clean(exclude=["number"])

    return _step(hazard, "update_plan", actor=actor, expected_version=expected_version, change=change,
                 data={"fields": sorted(plan)})


def start_rectification(hazard: Hazard, *, actor, expected_version: int | None = None, comment: str = "") -> Hazard:
    """reported → rectifying. A major hazard needs its complete 五落实 plan first."""
    return _step(hazard, "start_rectification", actor=actor, expected_version=expected_version, comment=comment)


def submit_rectification(hazard: Hazard, *, actor, note: str, files: Iterable = (),
                         expected_version: int | None = None) -> Hazard:
    """rectifying → rectified: the enterprise submits what it did, with evidence."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Describe what was done to rectify the hazard.")})

    def change(h: Hazard) -> None:
        h.rectification_note = note
        h.rectified_at = timezone.now()
        h.rectified_by = _who(actor)

    return _step(hazard, "submit_rectification", actor=actor, expected_version=expected_version, change=change,
                 comment=note, files=files)


def accept_rectification(hazard: Hazard, *, actor, comment: str = "", files: Iterable = (),
                         expected_version: int | None = None) -> Hazard:
    """rectified → accepted (验收). General: the enterprise; major: the regulator; never the
    person who submitted the rectification (policy)."""

    def change(h: Hazard) -> None:
        h.accepted_at = timezone.now()
        h.accepted_by = _who(actor)

    return _step(hazard, "accept", actor=actor, expected_version=expected_version, change=change, comment=comment,
                 files=files)


def refuse_acceptance(hazard: Hazard, *, actor, reason: str, expected_version: int | None = None) -> Hazard:
    """rectified → rectifying: the fix is not good enough; the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the rectification is not accepted.")})
    return _step(hazard, "refuse_acceptance", actor=actor, expected_version=expected_version, comment=reason)


def close_hazard(hazard: Hazard, *, actor, comment: str = "", expected_version: int | None = None) -> Hazard:
    """accepted → closed (销号), after a passed re-check where one is required."""

    def change(h: Hazard) -> None:
        h.closed_at = timezone.now()

    return _step(hazard, "close", actor=actor, expected_version=expected_version, change=change, comment=comment)


# --- deadline extensions ---------------------------------------------------------------------

def request_extension(hazard: Hazard, *, actor, new_deadline: date, reason: str,
                      expected_version: int | None = None) -> DeadlineExtension:
    """Ask to move the rectification deadline; one pending request at a time."""
    reason = (reason or "").strip()
    data: dict[str, Any] = {}

    def change(h: Hazard) -> DeadlineExtension:
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the extension.")})
        if new_deadline is None or new_deadline <= h.deadline:
            raise ValidationError({"new_deadline": _("The new deadline must be later than the current one.")})
        ext = DeadlineExtension.objects.create(hazard=h, requested_deadline=new_deadline, previous_deadline=h.deadline,
                                               reason=reason, requested_by=_who(actor))
        data.update(extension=ext.pk, requested_deadline=new_deadline.isoformat())
        return ext

    return _step(hazard, "request_extension", actor=actor, expected_version=expected_version, change=change,
                 comment=reason, data=data, outcome=True).result


def decide_extension(extension: DeadlineExtension, *, actor, approve: bool, comment: str = "",
                     expected_version: int | None = None) -> DeadlineExtension:
    """Approve (the deadline moves) or refuse a pending extension request.

    The request is locked first (the one lock order of a hazard's records: the record, then the
    hazard): a request someone else decided meanwhile is a conflict."""
    action = "approve_extension" if approve else "refuse_extension"
    data: dict[str, Any] = {}
    with transaction.atomic():
        ext = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
        hazard = Hazard.objects.get(pk=ext.hazard_id)
        policy.require(actor, action, hazard)
        if ext.state != ExtensionState.PENDING:
            raise ConflictError(_("This extension request has already been decided."), current_state=hazard.state,
                                current_version=hazard.version)

        def change(h: Hazard) -> None:
            if not approve and not (comment or "").strip():
                raise ValidationError({"comment": _("Give the reason for refusing the extension.")})
            ext.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
            ext.decided_by = _who(actor)
            ext.decided_at = timezone.now()
            ext.decision_comment = comment
            ext.save()
            data.update(extension=ext.pk, previous_deadline=h.deadline.isoformat())
            if approve:
                h.deadline = ext.requested_deadline
                data["deadline"] = h.deadline.isoformat()

        _step(hazard, action, actor=actor, expected_version=expected_version, change=change, comment=comment,
              data=data)
    return ext


# --- listed supervision -----------------------------------------------------------------------

def list_for_supervision(hazard: Hazard, *, actor, deadline: date, level: str | None = None,
                         department: Department | None = None, document_number: str = "", requirements: str = "",
                         expected_version: int | None = None) -> ListedSupervision:
    """挂牌督办: list an unclosed major hazard for supervision at province, city, county or
    township level. The supervising unit is the actor's own department unless another one of
    their jurisdiction is named; the level is that unit's region level (given or not: a given
    level that differs is refused, so a county's officer cannot list at city level)."""
    data: dict[str, Any] = {}

    def change(h: Hazard) -> ListedSupervision:
        unit = department
        if level and level not in ListingLevel.values:
            raise ValidationError({"level": _("Choose province, city, county or township level.")})
        if unit is None and getattr(actor, "department_id", None):
            unit = actor.department
        if unit is None:
            raise ValidationError({"department": _("Your account has no department: choose the supervising unit.")})
        if not policy.is_admin(actor) and not Department.objects.for_user(actor).filter(pk=unit.pk).exists():
            raise ValidationError({"department": _("Choose a supervising unit in your jurisdiction.")})
        listed_level = _listing_level(unit, level)
        if deadline is None or deadline < timezone.localdate():
            raise ValidationError({"deadline": _("The supervision deadline cannot be in the past.")})
        listing = ListedSupervision.objects.create(
            hazard=h, level=listed_level, department=unit, deadline=deadline, document_number=document_number,
            requirements=requirements, listed_by=_who(actor),
            region_path=h.region_path, enterprise_id=h.enterprise_id, industry_id=h.industry_id,
        )
        h.is_listed = True
        data.update(listing=listing.pk, level=listed_level, deadline=deadline.isoformat())
        return listing

    return _step(hazard, "list", actor=actor, expected_version=expected_version, change=change,
                 comment=requirements, data=data, outcome=True).result


def _locked_listing(listing: ListedSupervision) -> tuple[ListedSupervision, Hazard]:
    """Lock a listing and read its hazard (inside a transaction). A step taken from a listing
    locks the listing first, then its hazard (``perform``): the one lock order of a hazard's
    records, so two such steps never wait on each other crosswise."""
    locked = ListedSupervision.objects.select_for_update().get(pk=listing.pk)
    return locked, Hazard.objects.get(pk=locked.hazard_id)


def report_listing_progress(listing: ListedSupervision, *, actor, content: str,
                            expected_version: int | None = None) -> ListingProgress:
    """Add a progress report to an active listed supervision (a step on its hazard: the
    hazard's version moves, its record is not rewritten)."""
    content = (content or "").strip()
    with transaction.atomic():
        locked, hazard = _locked_listing(listing)

        def change(h: Hazard) -> ListingProgress:
            if locked.state != ListingState.LISTED:
                raise ValidationError({"state": _("This listing has been delisted.")})
            if not content:
                raise ValidationError({"content": _("Describe the progress.")})
            return ListingProgress.objects.create(listing=locked, content=content, reported_by=_who(actor))

        return _step(hazard, "report_progress", actor=actor, expected_version=expected_version, change=change,
                     comment=content, data={"listing": locked.pk}, save=False, outcome=True).result


def delist(listing: ListedSupervision, *, actor, comment: str = "", expected_version: int | None = None
           ) -> ListedSupervision:
    """摘牌: end a listed supervision; only after the hazard was accepted by the regulator and
    closed out. A listing someone else delisted meanwhile is a conflict."""
    with transaction.atomic():
        locked, hazard = _locked_listing(listing)
        if locked.state != ListingState.LISTED:
            policy.require(actor, "delist", hazard)
            raise ConflictError(_("This listing has already been delisted."), current_state=hazard.state,
                                current_version=hazard.version)

        def change(h: Hazard) -> None:
            locked.state = ListingState.DELISTED
            locked.delisted_by = _who(actor)
            locked.delisted_at = timezone.now()
            locked.delist_comment = comment
            locked._history_user = _who(actor)
            locked.save()
            h.is_listed = False

        _step(hazard, "delist", actor=actor, expected_version=expected_version, change=change, comment=comment,
              data={"listing": locked.pk})
    return locked


# --- notices and voiding ---------------------------------------------------------------------

def notice_number(department: Department, issued_on: date) -> str:
    """整改通知单 number: <region code>-<year>-<sequence in that department's year>."""
    seq = RectificationNotice.objects.filter(department=department, issued_on__year=issued_on.year).count() + 1
    return f"ZG{department.region.code[:6]}-{issued_on:%Y}-{seq:05d}-{department.pk}"


def issue_notice(*, actor, department: Department, hazards: list[Hazard], deadline: date,
                 requirements: str = "") -> RectificationNotice:
    """Issue a rectification notice for unclosed hazards of one enterprise. Each hazard takes the
    step ``notice_issued``: it is closed out only after the issuing side re-checked it (复查)."""
    policy.require(actor, "issue_notice")
    if not hazards:
        raise ValidationError({"hazards": _("Choose the hazards the notice orders to rectify.")})
    pks = sorted({h.pk for h in hazards})
    visible = set(Hazard.objects.for_user(actor).filter(pk__in=pks).values_list("pk", flat=True))
    if len(visible) != len(pks):
        raise ValidationError({"hazards": _("Some of these hazards are outside your jurisdiction.")})
    enterprises = {h.enterprise_id for h in hazards}
    if len(enterprises) != 1:
        raise ValidationError({"hazards": _("A notice covers the hazards of one enterprise.")})
    if any(h.state == S.CLOSED or h.is_voided for h in hazards):
        raise ValidationError({"hazards": _("Closed or voided hazards cannot be put on a notice.")})
    if not policy.is_admin(actor) and not Department.objects.for_user(actor).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("Choose an issuing unit in your jurisdiction.")})
    if deadline is None or deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    issued_on = timezone.localdate()

    def on_notice(h: Hazard) -> None:
        if h.state == S.CLOSED:
            raise ValidationError({"hazards": _("Closed or voided hazards cannot be put on a notice.")})
        if h.rechecked_at is None:
            h.recheck_required = True

    with transaction.atomic():
        Department.objects.select_for_update().get(pk=department.pk)  # serialises numbering per department
        notice = RectificationNotice(
            number=notice_number(department, issued_on), enterprise_id=enterprises.pop(), department=department,
            deadline=deadline, requirements=requirements, issued_by=_who(actor), issued_on=issued_on,
            region_path=hazards[0].region_path)
        # The right was decided above; the notice's events are on its hazards.
        create(notice, actor=actor, policy=None, action=events.NOTICE_ISSUED, clean=False, event=False,
               prepare=lambda n: n.hazards.set(pks))
        # The notice is issued on the hazards as they are now (a step someone took on one meanwhile
        # does not make the notice stale); each is locked and takes its step.
        for h in Hazard.objects.filter(pk__in=pks).order_by("pk"):
            perform(h, events.NOTICE_ISSUED, actor=actor, policy=None, change=on_notice,
                    data={"notice": notice.pk, "number": notice.number})
    return notice


def void_hazard(hazard: Hazard, *, actor, reason: str, expected_version: int | None = None) -> Hazard:
    """Void a hazard entered in error (never delete it). A closed-out hazard is not voided (its
    loop is complete and counted); a listed one is delisted first (the machine's ``void`` step)."""
    return void(hazard, actor=actor, policy=policy, reason=reason, expected_version=expected_version,
                machine=HAZARD_MACHINE)


# --- major hazards: criteria by industry, major by the general definition (issue #10) ----------

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
    grade changed now (a report, or a correction of grade, criterion, condition or reason). A
    regulator of the jurisdiction of a hazard not saved yet is one of its enterprise's."""
    if not hazard.is_major_by_definition:
        hazard.major_confirmation = ""
        hazard.major_confirmed_by = None
        hazard.major_confirmed_at = None
        return
    if not changed and hazard.major_confirmation:
        return
    if policy.is_regulator_side(actor, hazard):
        hazard.major_confirmation = MajorConfirmation.CONFIRMED
        hazard.major_confirmed_by = actor
        hazard.major_confirmed_at = timezone.now()
    else:
        hazard.major_confirmation = MajorConfirmation.PENDING
        hazard.major_confirmed_by = None
        hazard.major_confirmed_at = None


def confirm_major(hazard: Hazard, *, actor, comment: str = "", expected_version: int | None = None) -> Hazard:
    """A regulator confirms a major grade given by the general definition (待确认 → 重大隐患)."""
    data: dict[str, Any] = {}

    def change(h: Hazard) -> None:
        h.major_confirmation = MajorConfirmation.CONFIRMED
        h.major_confirmed_by = _who(actor)
        h.major_confirmed_at = timezone.now()
        data["definition_condition"] = h.definition_condition

    return _step(hazard, "confirm_major", actor=actor, expected_version=expected_version, change=change,
                 comment=(comment or "").strip(), data=data)


def downgrade_major(hazard: Hazard, *, actor, reason: str, expected_version: int | None = None) -> Hazard:
    """A regulator does not confirm a major grade given by the general definition: the hazard
    becomes general (its condition and justification are kept in the history and the event)."""
    reason = (reason or "").strip()
    data: dict[str, Any] = {}

    def change(h: Hazard) -> None:
        if not reason:
            raise ValidationError({"reason": _("Give the reason the hazard is not a major hazard.")})
        data.update(definition_condition=h.definition_condition,
                    definition_justification=h.definition_justification)
        h.grade = HazardGrade.GENERAL
        h.definition_condition = ""
        h.definition_justification = ""
        h.major_confirmation = ""
        h.major_confirmed_by = None
        h.major_confirmed_at = None

    return _step(hazard, "downgrade_major", actor=actor, expected_version=expected_version, change=change,
                 comment=reason, data=data)


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


@transaction.atomic
def record_dual_report(hazard: Hazard, *, actor, recipient: str, reported_on: date | None,
                       stage: str = DualReportStage.INITIAL, department: Department | None = None,
                       recipient_name: str = "", situation: str = "", severity_analysis: str = "",
                       treatment_plan: str = "", treatment_result: str = "", files: Iterable = (),
                       expected_version: int | None = None) -> DualReport:
    """File one report of a major hazard (双报告) to the supervising department or the workers'
    congress: the hazard report (state and cause, seriousness and difficulty, treatment plan) or,
    once rectified, the treatment result. Documents come as ``files`` (attached to the report,
    with the step's event)."""
    files = list(files or [])
    texts = {"situation": _clean_text(situation), "severity_analysis": _clean_text(severity_analysis),
             "treatment_plan": _clean_text(treatment_plan), "treatment_result": _clean_text(treatment_result)}
    data: dict[str, Any] = {}

    def change(h: Hazard) -> DualReport:
        unit = department
        if stage not in DualReportStage.values:
            raise ValidationError({"stage": _("Choose the hazard report or the treatment result report.")})
        if recipient not in DualReportRecipient.values:
            raise ValidationError({"recipient": _("Choose the supervising department or the workers' congress.")})
        if reported_on is None:
            raise ValidationError({"reported_on": _("Give the date of the report.")})
        if reported_on < timezone.localdate(h.found_at) or reported_on > timezone.localdate():
            raise ValidationError({"reported_on": _("The report date must be between the day found and today.")})
        if stage == DualReportStage.INITIAL:
            if h.state == S.CLOSED:
                raise ValidationError({"stage": _("A closed-out hazard can only have its treatment result "
                                                  "reported.")})
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
                raise ValidationError({"reported_on": _("The result cannot be reported before the rectification "
                                                        "was done.")})
            required = {"treatment_result": _("Describe the result of the treatment.")}
        errors = {name: message for name, message in required.items() if not texts[name]}
        if errors:
            raise ValidationError(errors)
        if recipient == DualReportRecipient.REGULATOR:
            if unit is None:
                unit = supervising_department(h)
            if unit is None or not recipient_departments(h).filter(pk=unit.pk).exists():
                raise ValidationError({"department": _("Choose a department of the enterprise's township or of a "
                                                       "region above it.")})
        else:
            unit = None
        check_uploads(files)
        report = DualReport.objects.create(
            hazard=h, stage=stage, recipient=recipient, department=unit,
            recipient_name=_clean_text(recipient_name)[:100], reported_on=reported_on, reported_by=_who(actor),
            **texts)
        _refresh_dual_report_dates(h)
        data.update(report=report.pk, stage=stage, recipient=recipient, reported_on=reported_on.isoformat(),
                    department=unit.pk if unit else None)
        return report

    out = _step(hazard, "record_dual_report", actor=actor, expected_version=expected_version, change=change,
                data=data, outcome=True)
    # The documents belong to the report (with the step's event), in the step's transaction.
    attach_files(out.result, files, actor=actor, kind=Attachment.Kind.DOCUMENT, event=out.event)
    return out.result


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
    return hazard.needs_recheck


def recheck_due_on(hazard: Hazard, *, days: int | None = None) -> date | None:
    """The day by which the re-check is due: ``days`` (the time limit) after the rectification
    deadline, or after the enterprise's report of completion if that came first. None when no
    re-check is pending (not required, already passed, closed)."""
    if not hazard.needs_recheck or hazard.state == S.CLOSED:
        return None
    days = recheck_days() if days is None else days
    start = hazard.deadline
    if hazard.state in RECHECK_STATES and hazard.rectified_at is not None:
        start = min(start, timezone.localdate(hazard.rectified_at))
    return start + timezone.timedelta(days=days)


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
    files = list(files or [])
    opinion = _clean_text(opinion)
    data: dict[str, Any] = {}

    def change(h: Hazard) -> Recheck:
        today = timezone.localdate()
        unit, on, deadline = department, checked_on or today, new_deadline
        if outcome not in RecheckOutcome.values:
            raise ValidationError({"outcome": _("Choose whether the re-check passed.")})
        if not opinion:
            raise ValidationError({"opinion": _("Write the re-check opinion.")})
        if on > today or on < timezone.localdate(h.found_at):
            raise ValidationError({"checked_on": _("The re-check date must be between the day found and today.")})
        if outcome == RecheckOutcome.FAILED:
            if deadline is None or deadline <= today:
                raise ValidationError({"new_deadline": _("A re-check that did not pass sets a new deadline later "
                                                         "than today.")})
        else:
            deadline = None
        if unit is not None and not policy.is_admin(actor) \
                and not Department.objects.for_user(actor).filter(pk=unit.pk).exists():
            raise ValidationError({"department": _("Choose a unit in your jurisdiction.")})
        if unit is None and getattr(actor, "department_id", None):
            unit = actor.department
        check_uploads(files)
        days = recheck_days()
        recheck = Recheck.objects.create(
            number=f"TMP{uuid.uuid4().hex[:28]}", hazard=h, notice=h.notices.order_by("-issued_on", "-id").first(),
            outcome=outcome, checked_on=on, opinion=opinion, previous_deadline=h.deadline, new_deadline=deadline,
            due_on=recheck_due_on(h, days=days), limit_days=days, department=unit,
            inspectors=_clean_text(inspectors)[:100], checked_by=_who(actor))
        recheck.number = recheck_number(recheck)
        Recheck.objects.filter(pk=recheck.pk).update(number=recheck.number)
        now = timezone.now()
        if outcome == RecheckOutcome.PASSED:
            h.rechecked_at = now
            if h.state != S.ACCEPTED:
                if h.rectified_at is None:
                    h.rectified_at = now
                h.accepted_at = now
                h.accepted_by = _who(actor)
                h.state = S.ACCEPTED
        else:
            h.deadline = deadline
            if h.state in RECHECK_STATES:
                h.state = S.RECTIFYING
                h.accepted_at = None
                h.accepted_by = None
        data.update(recheck=recheck.pk, number=recheck.number, outcome=outcome, checked_on=on.isoformat(),
                    previous_deadline=recheck.previous_deadline.isoformat())
        if deadline is not None:
            data["deadline"] = deadline.isoformat()
        return recheck

    out = _step(hazard, "recheck", actor=actor, expected_version=expected_version, change=change, comment=opinion,
                data=data, outcome=True)
    # The documents belong to the re-check (with the step's event), in the step's transaction.
    attach_files(out.result, files, actor=actor, kind=Attachment.Kind.DOCUMENT, event=out.event)
    return out.result

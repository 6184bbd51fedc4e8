"""On-site enforcement inspections (执法检查): prepare, start on site, walk the checklist item by
item, turn each finding in one step into a hazard (the hazard loop, re-checked by the issuing
side) or a violation noted for a case, both signatures, the documents with their numbers (文号),
compulsory measures, the re-check and closing; the plan's progress and the draw's outcome follow.

The checklist walk is an ``inspections.InspectionRecord`` (kind government, or expert for an
expert consultation) made when the team arrives: its items, results, photos and "a found item
becomes a hazard" are the inspections app's services, called inside this app's steps (one
transaction, the inspection locked first). The hazards' re-check is the hazards app's
``record_recheck``: the inspection's re-check takes it on each of its hazards."""

from __future__ import annotations

import base64
import binascii
import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import Attachment
from anjian.core.services import record_event
from anjian.core.uploads import UploadRefused, checked_upload
from anjian.core.workflow import create, void

from .. import events
from ..choices import (
    INSPECTION_MACHINE,
    DocumentKind,
    DrawState,
    FindingDisposition,
    InspectionMode,
    InspectionOutcome,
    InspectionState,
    MeasureKind,
    PlanState,
)
from ..data.measures import MEASURES, SEAL_MAX_DAYS
from ..models import (
    CompulsoryMeasure,
    DocumentCounter,
    DrawEntry,
    EnforcementDocument,
    EnforcementInspection,
    InspectionFinding,
    LeaderRotation,
    PlanEntry,
)
from ..policy import policy
from .common import check_fields, display_name, edit_fields, step, who
from .plans import plan_entry_for, record_visit

__all__ = [
    "INSPECTION_FIELDS", "create_inspection", "update_inspection", "start_inspection", "record_inspection_results",
    "raise_finding_hazard", "note_finding_violation", "open_case_from_finding", "add_signature", "sign_inspection", "issue_documents",
    "open_recheck", "recheck_inspection", "close_inspection", "decide_measure", "lift_measure", "void_inspection",
    "next_document_number", "document_number", "rotation_for", "record_rotation", "update_rotation",
    "void_rotation", "decode_png", "month_start", "next_month_start",
]

INSPECTION_FIELDS = frozenset({"kind", "planned_on", "location", "summary", "checklist", "leader", "leader_name",
                               "enterprise_rep_name", "enterprise_rep_title", "is_demo"})
INSPECTION_EDITABLE = INSPECTION_FIELDS - {"kind", "is_demo"}
ROTATION_FIELDS = frozenset({"month", "region", "leader", "leader_name", "leader_title", "note", "is_demo"})
#: The word of each document's number (文号): 〔department〕<word>〔year〕<n>号.
DOCUMENT_WORDS = {DocumentKind.RECORD: "检记", DocumentKind.ORDER: "责改", DocumentKind.RECHECK: "复查",
                  DocumentKind.MEASURE: "强措"}
#: A signature drawn on the phone is a small PNG; a larger one is not a signature.
MAX_SIGNATURE_BYTES = 512 * 1024


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month_start(day: date) -> date:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=last) + timedelta(days=1)


def _step(insp: EnforcementInspection, action: str, **kwargs):
    return step(insp, action, INSPECTION_MACHINE, **kwargs)


# --- document numbers (文号) ------------------------------------------------------------------------

@transaction.atomic
def next_document_number(department, kind: str, day: date) -> tuple[int, str]:
    """The next number of ``kind`` in the department's year, locked (two officers issuing at once
    get two numbers): (sequence, 文号). Atomic itself: the counter's lock holds until the caller's
    transaction ends (the document is saved under it), or until this one does when called alone."""
    try:
        with transaction.atomic():
            DocumentCounter.objects.get_or_create(department=department, year=day.year, kind=kind)
    except IntegrityError:  # created meanwhile by another transaction: lock it below
        pass
    counter = DocumentCounter.objects.select_for_update().get(department=department, year=day.year, kind=kind)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, document_number(department, kind, day.year, counter.last)


def document_number(department, kind: str, year: int, seq: int) -> str:
    return f"{department.name}{DOCUMENT_WORDS[kind]}〔{year}〕{seq}号"


def _issue(insp: EnforcementInspection, kind: str, actor, content: dict[str, Any],
           measure: CompulsoryMeasure | None = None) -> EnforcementDocument:
    day = timezone.localdate()
    seq, number = next_document_number(insp.department, kind, day)
    return EnforcementDocument.objects.create(inspection=insp, kind=kind, number=number, department=insp.department,
                                              year=day.year, seq=seq, issued_on=day, measure=measure,
                                              content=content, issued_by=who(actor))


# --- leader rotation (包县/包乡) ---------------------------------------------------------------------

def rotation_for(enterprise, day: date) -> LeaderRotation | None:
    """The rotation of ``day``'s month whose county or township holds the enterprise (the nearest)."""
    path = enterprise.region_path or ""
    paths = [path[:i] for i in range(12, len(path) + 1, 12)]  # 12-digit codes, province first
    return (LeaderRotation.objects.filter(is_voided=False, month=month_start(day), region_path__in=paths)
            .order_by("-region_path").select_related("leader").first())


def _check_rotation(rotation: LeaderRotation) -> None:
    if rotation.month is None:
        raise ValidationError({"month": _("Choose the month.")})
    rotation.month = month_start(rotation.month)
    if rotation.leader_id and not (rotation.leader_name or "").strip():
        rotation.leader_name = display_name(rotation.leader)
    if not (rotation.leader_name or "").strip():
        raise ValidationError({"leader_name": _("Name the leading official.")})
    rotation.region_path = rotation.region.path


@transaction.atomic
def record_rotation(*, actor, data: Mapping[str, Any]) -> LeaderRotation:
    """Record which official is in charge of a county or township (包县/包乡) for a month."""
    check_fields(data, ROTATION_FIELDS)
    rotation = LeaderRotation(created_by=who(actor), **data)
    policy.require(actor, "rotation", rotation, _("You may not record leader rotations here."))
    _check_rotation(rotation)
    if LeaderRotation.objects.filter(region=rotation.region, month=rotation.month, is_voided=False).exists():
        raise ValidationError({"month": _("This county or township already has a leader for that month.")})
    return create(rotation, actor=actor, policy=None, action=events.ROTATION_RECORDED)


def update_rotation(rotation: LeaderRotation, *, actor, data: Mapping[str, Any],
                    version: int | None = None) -> LeaderRotation:
    allowed = ROTATION_FIELDS - {"is_demo", "region", "month"}
    change = edit_fields(allowed, data, clean=False)

    def apply(locked: LeaderRotation):
        changed = change(locked)
        _check_rotation(locked)
        return changed

    from anjian.core.workflow import perform_step

    return perform_step(rotation, events.UPDATED, actor=actor, policy=policy, right="rotation", change=apply,
                        expected_version=version) or rotation


def void_rotation(rotation: LeaderRotation, *, actor, reason: str, version: int | None = None) -> LeaderRotation:
    return void(rotation, actor=actor, policy=policy, reason=reason, expected_version=version, right="rotation")


# --- preparing ------------------------------------------------------------------------------------

def _team_names(officers: Iterable, experts: Iterable) -> str:
    names = [display_name(o) for o in officers] + [e.name for e in experts]
    return "、".join(n for n in names if n)[:200]


@transaction.atomic
def create_inspection(*, actor, department, enterprise=None, data: Mapping[str, Any],
                      plan_entry: PlanEntry | None = None, draw_entry: DrawEntry | None = None,
                      officers: Iterable | None = None, experts: Iterable = (),
                      joint_departments: Iterable = ()) -> EnforcementInspection:
    """Prepare an inspection (draft): the department, the enterprise (from the plan entry or the
    draw entry when one is given), the kind and what it needs — a random inspection comes from a
    draw entry (its officers and experts by default), a night check names its leading official (the
    month's rotation when none is named), an expert consultation its experts, a joint inspection
    the other departments."""
    data = dict(data)
    check_fields(data, INSPECTION_FIELDS)
    kind = data.get("kind") or (InspectionMode.RANDOM if draw_entry else InspectionMode.PLANNED if plan_entry
                                else "")
    data["kind"] = kind
    if kind not in InspectionMode.values:
        raise ValidationError({"kind": _("Choose the kind of inspection.")})
    officers = list(officers) if officers is not None else []
    experts = list(experts)
    joint = [d for d in joint_departments if d.pk != department.pk]
    if draw_entry is not None:
        draw_entry = DrawEntry.objects.select_related("draw", "enterprise").get(pk=draw_entry.pk)
        if kind != InspectionMode.RANDOM:
            raise ValidationError({"kind": _("An inspection from a draw is a random inspection.")})
        if draw_entry.draw.is_voided or draw_entry.draw.state == DrawState.SUPERSEDED:
            raise ValidationError({"draw_entry": _("This draw was voided or redrawn.")})
        if draw_entry.draw.department_id != department.pk:
            raise ValidationError({"draw_entry": _("The draw belongs to another department.")})
        if draw_entry.inspections.filter(is_voided=False).exists():
            raise ValidationError({"draw_entry": _("An inspection was already prepared for this drawn enterprise.")})
        enterprise = draw_entry.enterprise
        officers = officers or [link.officer for link in draw_entry.officer_links.select_related("officer")]
        experts = experts or [link.expert for link in draw_entry.expert_links.select_related("expert")]
    elif kind == InspectionMode.RANDOM:
        raise ValidationError({"draw_entry": _("A random inspection starts from an enterprise drawn.")})
    if plan_entry is not None:
        plan_entry = PlanEntry.objects.select_related("plan", "enterprise").get(pk=plan_entry.pk)
        if plan_entry.is_voided or plan_entry.plan.is_voided or plan_entry.plan.state != PlanState.APPROVED:
            raise ValidationError({"plan_entry": _("Only an entry of an approved plan can be inspected.")})
        if plan_entry.plan.department_id != department.pk:
            raise ValidationError({"plan_entry": _("The plan belongs to another department.")})
        if enterprise is not None and enterprise.pk != plan_entry.enterprise_id:
            raise ValidationError({"plan_entry": _("The plan entry is about another enterprise.")})
        enterprise = plan_entry.enterprise
    if enterprise is None:
        raise ValidationError({"enterprise": _("Choose the enterprise inspected.")})
    insp = EnforcementInspection(department=department, enterprise=enterprise, plan_entry=plan_entry,
                                 draw_entry=draw_entry, created_by=who(actor), **data)
    policy.require(actor, "add_inspection", insp, _("You may not prepare inspections of this enterprise."))
    from anjian.orgs.models import Department

    if not policy.is_admin(actor) and not Department.objects.for_user(actor).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("Choose a department of your jurisdiction.")})
    if not insp.planned_on:
        insp.planned_on = timezone.localdate()
    if insp.plan_entry is None and kind in (InspectionMode.PLANNED, InspectionMode.RANDOM):
        insp.plan_entry = plan_entry_for(department.pk, enterprise.pk, insp.planned_on)
    if kind == InspectionMode.PLANNED and insp.plan_entry is None:
        raise ValidationError({"plan_entry": _("The enterprise is not in the department's approved plan of that "
                                               "year: choose another kind.")})
    if kind == InspectionMode.NIGHT:
        insp.rotation = rotation_for(enterprise, insp.planned_on)
        if insp.leader_id is None and not insp.leader_name and insp.rotation is not None:
            insp.leader_id, insp.leader_name = insp.rotation.leader_id, insp.rotation.leader_name
        if insp.leader_id and not insp.leader_name:
            insp.leader_name = display_name(insp.leader)
        if not insp.leader_name.strip():
            raise ValidationError({"leader_name": _("A night or surprise check is led by an official: name them.")})
    if kind == InspectionMode.EXPERT and not experts:
        raise ValidationError({"experts": _("An expert consultation needs at least one expert.")})
    if kind == InspectionMode.JOINT and not joint:
        raise ValidationError({"joint_departments": _("A joint inspection names the other departments taking part.")})
    if insp.checklist_id:
        from anjian.inspections.selectors import checklist_queryset

        if not checklist_queryset(enterprise).filter(pk=insp.checklist_id).exists():
            raise ValidationError({"checklist": _("This checklist cannot be used for this enterprise.")})
    if not officers and getattr(actor, "pk", None) and not policy.is_admin(actor):
        officers = [actor]
    copy_keys(insp, enterprise)
    insp.number = f"TMP{timezone.now():%H%M%S%f}"

    def prepare(saved: EnforcementInspection) -> None:
        saved.number = f"JC{saved.planned_on:%Y}{saved.pk:07d}"
        EnforcementInspection.objects.filter(pk=saved.pk).update(number=saved.number)
        saved.officers.set(officers)
        saved.experts.set(experts)
        saved.joint_departments.set(joint)

    created = create(insp, actor=actor, policy=None, action=events.INSPECTION_CREATED, prepare=prepare, event=False,
                     clean=False)
    record_event(created, events.INSPECTION_CREATED, actor=actor, to_state=created.state, data={
        "kind": kind, "plan_entry": getattr(plan_entry or created.plan_entry, "pk", None),
        "draw_entry": getattr(draw_entry, "pk", None), "officers": [o.pk for o in officers]})
    return created


def copy_keys(insp: EnforcementInspection, enterprise) -> None:
    insp.region_path = enterprise.region_path
    insp.industry_id = enterprise.industry_id
    insp.grid_id = enterprise.grid_id


def update_inspection(insp: EnforcementInspection, *, actor, data: Mapping[str, Any],
                      version: int | None = None) -> EnforcementInspection:
    """Correct a prepared or running inspection's details (place, date, checklist before it started,
    the leading official, the enterprise's representative, the summary)."""
    change = edit_fields(INSPECTION_EDITABLE, data, clean=False)

    def apply(locked: EnforcementInspection):
        changed = change(locked)
        if "checklist" in changed and locked.state != InspectionState.DRAFT:
            raise ValidationError({"checklist": _("The checklist is fixed once the inspection started.")})
        return changed

    return _step(insp, "update", actor=actor, change=apply, version=version) or insp


# --- on site ----------------------------------------------------------------------------------------

def start_inspection(insp: EnforcementInspection, *, actor, version: int | None = None) -> EnforcementInspection:
    """The team is on site: the checklist walk starts (an inspection record of the inspections
    app, its items copied from the checklist)."""
    from anjian.inspections import services as inspection_services
    from anjian.inspections.choices import InspectionKind

    def change(locked: EnforcementInspection) -> None:
        # A government inspection even for an expert consultation: the officers lead it and record
        # it (the experts are named among the inspectors); its hazards are re-checked by them.
        names = _team_names(locked.officers.all(), locked.experts.all())
        record = inspection_services.start_record(
            actor=actor, enterprise=locked.enterprise, kind=InspectionKind.GOVERNMENT,
            checklist=locked.checklist, data={"location": locked.location, "inspector_names": names,
                                              "is_demo": locked.is_demo})
        locked.record = record
        locked.started_at = timezone.now()

    return _step(insp, "start", actor=actor, change=change, version=version)


def _record(locked: EnforcementInspection):
    from anjian.inspections.models import InspectionRecord

    return InspectionRecord.objects.get(pk=locked.record_id)


def record_inspection_results(insp: EnforcementInspection, *, actor, results: Iterable[Mapping[str, Any]],
                              version: int | None = None) -> EnforcementInspection:
    """Save the results of some items (result, note, photos), as the inspections app records them."""
    from anjian.inspections import services as inspection_services

    entries = list(results)

    def change(locked: EnforcementInspection) -> None:
        inspection_services.record_results(_record(locked), actor=actor, results=entries)

    return _step(insp, "record_results", actor=actor, change=change, version=version,
                 data={"items": len(entries)})


def _item_of(locked: EnforcementInspection, item):
    from anjian.inspections.models import InspectionItemResult

    pk = getattr(item, "pk", item)
    found = InspectionItemResult.objects.filter(pk=pk, record_id=locked.record_id).select_related("check_item").first()
    if found is None:
        raise ValidationError({"item": _("This item is not part of the inspection.")})
    return found


def _check_found(item) -> None:
    from anjian.inspections.choices import ItemResult

    if item.result != ItemResult.HAZARD_FOUND:
        raise ValidationError({"item": _("Only an item found wanting becomes a finding: mark it so first.")})
    if item.hazard_id or InspectionFinding.objects.filter(item=item).exists():
        from anjian.core.services import ConflictError

        raise ConflictError(_("This item has already become a finding."))


def raise_finding_hazard(insp: EnforcementInspection, item, *, actor, data: Mapping[str, Any] | None = None,
                         version: int | None = None):
    """A found item becomes, in one step, a hazard in the hazard loop (through the inspections
    app's ``raise_hazard_from_item``: the item's text, photos, factor class and criterion, source
    "government inspection", so the issuing side re-checks it before close-out). Answers the hazard."""
    from anjian.inspections import services as inspection_services

    written: dict[str, Any] = {}

    def change(locked: EnforcementInspection):
        found = _item_of(locked, item)
        _check_found(found)
        hazard = inspection_services.raise_hazard_from_item(found, actor=actor, data=dict(data or {}))
        InspectionFinding.objects.create(inspection=locked, item=found, disposition=FindingDisposition.HAZARD,
                                         hazard=hazard, created_by=who(actor))
        written.update(item=found.pk, hazard=hazard.pk, number=hazard.number)
        return hazard

    return _step(insp, "raise_hazard", actor=actor, change=change, version=version, data=written, outcome=True).result


def note_finding_violation(insp: EnforcementInspection, item, *, actor, violation: str, legal_basis: str = "",
                           version: int | None = None) -> InspectionFinding:
    """A found item is, in one step, noted as a violation to be dealt with by an enforcement case
    (立案): what was violated and its basis. The case itself is filed in the cases part, which
    writes its number back on the finding."""
    violation = (violation or "").strip()
    written: dict[str, Any] = {}

    def change(locked: EnforcementInspection) -> InspectionFinding:
        found = _item_of(locked, item)
        _check_found(found)
        if not violation:
            raise ValidationError({"violation": _("Describe the violation.")})
        finding = InspectionFinding.objects.create(
            inspection=locked, item=found, disposition=FindingDisposition.VIOLATION, violation=violation[:2000],
            legal_basis=(legal_basis or "").strip()[:200], for_case=True, created_by=who(actor))
        written.update(item=found.pk, finding=finding.pk)
        return finding

    return _step(insp, "note_violation", actor=actor, change=change, version=version, data=written,
                 outcome=True).result


def open_case_from_finding(insp: EnforcementInspection, finding, *, actor, violation=None, tier: str = "",
                           fine=None, version: int | None = None):
    """立案 in one step from a violation noted on the inspection: the case is registered
    (``open_case``: the inspection's department and enterprise, source "inspection", the facts
    from the finding, discovered on the inspection's day, 事前立案 since it names no accident) and
    filed at once (``file_case``); the inspection's record and the item's photos become the case's
    first evidence (the stored files are shared, not copied); with a catalogue ``violation`` the
    case's violation is set too (``tier``, general by default; ``fine``, by default the lower end
    of the tier's range, to be corrected before the notice). The finding names its case. A
    finding already made a case is a conflict. Answers the case."""
    from anjian.core.services import ConflictError, attachments_for
    from anjian.inspections.models import InspectionItemResult

    from ..choices import CaseSource, DiscretionTierCode
    from . import cases as case_services

    written: dict[str, Any] = {}

    def change(locked: EnforcementInspection):
        pk = getattr(finding, "pk", finding)
        found = (InspectionFinding.objects.select_for_update(of=("self",)).select_related("item")
                 .filter(pk=pk, inspection=locked).first())
        if found is None:
            raise ValidationError({"finding": _("This finding is not part of the inspection.")})
        if found.disposition != FindingDisposition.VIOLATION or not found.for_case:
            raise ValidationError({"finding": _("Only a finding noted as a violation becomes a case.")})
        if found.case_id is not None:
            raise ConflictError(_("A case was already opened from this violation: %(number)s.")
                                % {"number": found.case_number})
        day = timezone.localdate(locked.started_at) if locked.started_at else locked.planned_on
        item = found.item
        facts = _("On-site inspection %(number)s on %(day)s, check item: %(item)s. Violation: %(violation)s.") % {
            "number": locked.number, "day": day.isoformat(), "item": item.content, "violation": found.violation}
        if found.legal_basis:
            facts += " " + _("Legal basis: %(basis)s.") % {"basis": found.legal_basis}
        if item.note:
            facts += " " + item.note
        title = (violation.name if violation is not None else found.violation).strip().splitlines()[0]
        case = case_services.open_case(actor=actor, department=locked.department, enterprise=locked.enterprise,
                                       data={"title": title[:200], "source": CaseSource.INSPECTION,
                                             "facts": facts[:4000], "discovered_on": day})
        case = case_services.file_case(case, actor=actor, filed_on=max(day, case.discovered_on))
        photos = list(attachments_for(InspectionItemResult(pk=item.pk)).filter(kind=Attachment.Kind.PHOTO))

        def share(locked_case) -> None:
            written["photos"] = len(photos)

        done = step(case, "add_evidence", case_services.CASE_MACHINE, actor=actor, change=share, outcome=True,
                    comment=_("On-site inspection record %(number)s and the photos of the check item.")
                    % {"number": locked.number},
                    data={"inspection": locked.pk, "inspection_number": locked.number, "finding": found.pk})
        if photos:
            from django.contrib.contenttypes.models import ContentType

            ct = ContentType.objects.get_for_model(type(case))
            Attachment.objects.bulk_create([Attachment(
                content_type=ct, object_id=str(case.pk), event=done.event, kind=Attachment.Kind.EVIDENCE,
                file=photo.file.name, name=photo.name, size=photo.size,
                uploaded_by_id=photo.uploaded_by_id) for photo in photos])
        if violation is not None:
            from ..models import DiscretionTier

            chosen = tier or DiscretionTierCode.GENERAL
            amount = fine
            if amount is None:
                row = DiscretionTier.objects.filter(violation=violation, tier=chosen).first()
                amount = row.min_fine if row is not None else violation.min_fine
            case_services.set_violations(case, actor=actor, items=[{"violation": violation, "tier": chosen,
                                                                     "fine": amount}])
        found.case = case
        found.case_number = case.number
        found.save(update_fields=["case", "case_number"])
        written.update(finding=found.pk, case=case.pk, number=case.number)
        return case

    return _step(insp, "open_case", actor=actor, change=change, version=version, data=written,
                 outcome=True).result


def decode_png(value: str | bytes) -> bytes:
    """A signature pad's PNG: raw bytes, or a ``data:image/png;base64,…`` URL."""
    if isinstance(value, bytes):
        return value
    text = (value or "").strip()
    if text.startswith("data:"):
        head, _sep, text = text.partition(",")
        if "image/png" not in head or ";base64" not in head:
            raise ValidationError({"signature": _("The signature must be a PNG image.")})
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature": _("The signature could not be read.")}) from None


@transaction.atomic
def add_signature(insp: EnforcementInspection, *, actor, signer: str, png: str | bytes, name: str = "",
                  title: str = "", version: int | None = None) -> EnforcementInspection:
    """The officer's or the enterprise representative's signature, drawn on the phone: a PNG kept
    as an attachment of the inspection (checked by ``core.uploads`` like every upload). Signing
    again replaces the signature on the record (the earlier file stays, with its event). The step,
    the attachment and the record's link to it are one transaction (no signed step without its
    file)."""
    if signer not in ("officer", "enterprise"):
        raise ValidationError({"signer": _("Say who signs.")})
    raw = decode_png(png)
    if not raw or len(raw) > MAX_SIGNATURE_BYTES:
        raise ValidationError({"signature": _("The signature is empty or too large.")})
    try:
        upload = checked_upload(ContentFile(raw, name=f"signature-{signer}.png"), "signature", images_only=True)
    except UploadRefused as exc:
        raise ValidationError({"signature": exc.message}) from None
    name = (name or "").strip()[:50]
    title = (title or "").strip()[:50]

    def change(locked: EnforcementInspection) -> None:
        if signer == "enterprise":
            locked.enterprise_rep_name = name or locked.enterprise_rep_name
            locked.enterprise_rep_title = title or locked.enterprise_rep_title
            if not locked.enterprise_rep_name:
                raise ValidationError({"name": _("Name the enterprise's representative who signs.")})

    done = _step(insp, "add_signature", actor=actor, change=change, version=version, outcome=True,
                 data={"signer": signer})
    from anjian.core.services import attach_files

    attachment = attach_files(done.obj, [upload], actor=actor, kind=Attachment.Kind.DOCUMENT, event=done.event)[0]
    field = "officer_signature" if signer == "officer" else "enterprise_signature"
    EnforcementInspection.objects.filter(pk=done.obj.pk).update(**{field: attachment})
    setattr(insp, field, attachment)
    return done.obj


def _outcome(locked: EnforcementInspection) -> str:
    findings = InspectionFinding.objects.filter(inspection=locked)
    if locked.measures.filter(lifted_on__isnull=True).exists():
        return InspectionOutcome.MEASURES
    if findings.filter(disposition=FindingDisposition.VIOLATION).exists():
        return InspectionOutcome.VIOLATION
    if findings.exists():
        return InspectionOutcome.RECTIFICATION
    return InspectionOutcome.NO_PROBLEM


def sign_inspection(insp: EnforcementInspection, *, actor, summary: str | None = None,
                    version: int | None = None) -> EnforcementInspection:
    """Finish on site: every item has a result, every item found wanting became a finding and
    both signatures are there (the machine's guards). The checklist walk is submitted, the
    outcome set, and a visit counted on the plan entry (the department's approved plan of the
    year when none was linked)."""
    from anjian.inspections import services as inspection_services

    written: dict[str, Any] = {}

    def change(locked: EnforcementInspection) -> None:
        record = _record(locked)
        if summary is not None and summary.strip() != locked.summary:
            locked.summary = summary.strip()
        if locked.summary and record.summary != locked.summary:
            inspection_services.update_record(record, actor=actor, data={"summary": locked.summary})
            record.refresh_from_db()
        if record.state == "draft":
            inspection_services.submit_record(record, actor=actor)
        now = timezone.now()
        locked.signed_at = now
        locked.outcome = _outcome(locked)
        day = timezone.localdate(now)
        entry = locked.plan_entry or plan_entry_for(locked.department_id, locked.enterprise_id, day)
        if entry is not None and not locked.counted_on_plan:
            locked.plan_entry = entry
            record_visit(entry.pk, day)
            locked.counted_on_plan = True
        written.update(outcome=locked.outcome, plan_entry=getattr(entry, "pk", None))

    return _step(insp, "sign", actor=actor, change=change, version=version, data=written)


def issue_documents(insp: EnforcementInspection, *, actor, version: int | None = None) -> EnforcementInspection:
    """Issue the on-site inspection record (现场检查记录) and, when hazards were entered, the order to
    rectify them within the time limit (责令限期整改指令书): its deadline is the latest of the
    hazards' deadlines. A night check's findings are re-checked from the first day of next month."""
    written: dict[str, Any] = {}

    def change(locked: EnforcementInspection) -> None:
        hazards = list(locked.hazards().filter(is_voided=False).order_by("id"))
        docs = [_issue(locked, DocumentKind.RECORD, actor, {"outcome": locked.outcome})]
        if hazards:
            deadline = max(h.deadline for h in hazards)
            locked.rectification_deadline = deadline
            docs.append(_issue(locked, DocumentKind.ORDER, actor, {
                "deadline": deadline.isoformat(), "hazards": [h.pk for h in hazards]}))
        if locked.kind == InspectionMode.NIGHT:
            locked.recheck_from = next_month_start(timezone.localdate())
        locked.issued_at = timezone.now()
        written["documents"] = [d.number for d in docs]

    return _step(insp, "issue", actor=actor, change=change, version=version, data=written)


def decide_measure(insp: EnforcementInspection, *, actor, kind: str, reason: str, scope: str = "",
                   starts_on: date | None = None, ends_on: date | None = None, approved_by_name: str = "",
                   version: int | None = None) -> CompulsoryMeasure:
    """Decide a compulsory measure (强制措施决定书, numbered): 停产停业, 停止施工, 停止供电 (approved
    by the head of the department), 查封扣押 (for a period of at most 30 days). Its legal basis comes
    from ``data/measures.py``."""
    reason = (reason or "").strip()
    written: dict[str, Any] = {}

    def change(locked: EnforcementInspection) -> CompulsoryMeasure:
        if kind not in MeasureKind.values:
            raise ValidationError({"kind": _("Choose the measure.")})
        if not reason:
            raise ValidationError({"reason": _("Give the facts and reason for the measure.")})
        start = starts_on or timezone.localdate()
        if ends_on is not None and ends_on < start:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
        if kind == MeasureKind.STOP_POWER and not (approved_by_name or "").strip():
            raise ValidationError({"approved_by_name": _("Stopping the power supply needs the approval of the "
                                                         "department's head: name them.")})
        if kind == MeasureKind.SEAL_SEIZE:
            if ends_on is None:
                raise ValidationError({"ends_on": _("Sealing up or seizure has a period: set its end.")})
            if (ends_on - start).days + 1 > SEAL_MAX_DAYS:
                raise ValidationError({"ends_on": _("Sealing up or seizure lasts at most %(n)s days.")
                                       % {"n": SEAL_MAX_DAYS}})
        measure = CompulsoryMeasure.objects.create(
            inspection=locked, kind=kind, reason=reason[:4000], legal_basis=MEASURES[kind]["basis"][:200],
            scope=(scope or "").strip()[:4000], starts_on=start, ends_on=ends_on,
            approved_by_name=(approved_by_name or "").strip()[:50], decided_by=who(actor))
        doc = _issue(locked, DocumentKind.MEASURE, actor, {"kind": kind}, measure=measure)
        locked.outcome = InspectionOutcome.MEASURES
        written.update(measure=measure.pk, kind=kind, number=doc.number)
        return measure

    return _step(insp, "decide_measure", actor=actor, change=change, version=version, data=written,
                 outcome=True).result


def lift_measure(insp: EnforcementInspection, measure: CompulsoryMeasure, *, actor, reason: str,
                 version: int | None = None) -> CompulsoryMeasure:
    """Lift a measure once the enterprise complied (《安全生产法》第七十条第二款: lifted in time)."""
    reason = (reason or "").strip()

    def change(locked: EnforcementInspection) -> CompulsoryMeasure:
        row = CompulsoryMeasure.objects.select_for_update().filter(pk=measure.pk, inspection=locked).first()
        if row is None:
            raise ValidationError({"measure": _("This measure is not part of the inspection.")})
        if row.lifted_on is not None:
            raise ValidationError({"measure": _("This measure was already lifted.")})
        if not reason:
            raise ValidationError({"reason": _("Say why the measure is lifted.")})
        row.lifted_on, row.lift_reason = timezone.localdate(), reason[:200]
        row.save(update_fields=["lifted_on", "lift_reason"])
        if locked.outcome == InspectionOutcome.MEASURES:
            locked.outcome = _outcome(locked)
        return row

    return _step(insp, "lift_measure", actor=actor, change=change, version=version, comment=reason,
                 data={"measure": measure.pk}, outcome=True).result


# --- re-check and closing ----------------------------------------------------------------------------

def open_recheck(insp: EnforcementInspection, *, actor, version: int | None = None) -> EnforcementInspection:
    """The re-check is due: the deadline passed, or the enterprise reported every hazard rectified
    (a night check: from next month). Taken by an officer, or by the daily job."""
    return _step(insp, "open_recheck", actor=actor, version=version)


@transaction.atomic
def recheck_inspection(insp: EnforcementInspection, *, actor, passed: bool, opinion: str,
                       new_deadline: date | None = None, inspectors: str = "",
                       version: int | None = None) -> EnforcementInspection:
    """整改复查: re-check every hazard of the inspection that awaits it (the hazards app's
    ``record_recheck``, by this department) and issue the re-check opinion (整改复查意见书). Passed:
    the inspection is closed. Not passed: a new deadline later than today; the hazards go back to
    rectification and the inspection back to "documents issued" until the next re-check."""
    from anjian.hazards import services as hazard_services
    from anjian.hazards.choices import RecheckOutcome

    opinion = (opinion or "").strip()
    written: dict[str, Any] = {}

    def change(locked: EnforcementInspection) -> None:
        if not opinion:
            raise ValidationError({"opinion": _("Write the re-check opinion.")})
        today = timezone.localdate()
        if not passed and (new_deadline is None or new_deadline <= today):
            raise ValidationError({"new_deadline": _("A re-check that did not pass sets a new deadline later than "
                                                     "today.")})
        outcome = RecheckOutcome.PASSED if passed else RecheckOutcome.FAILED
        rows = []
        for hazard in locked.hazards_awaiting_recheck().order_by("id"):
            recheck = hazard_services.record_recheck(
                hazard, actor=actor, outcome=outcome, opinion=opinion, new_deadline=None if passed else new_deadline,
                department=locked.department, inspectors=inspectors)
            rows.append({"hazard": hazard.pk, "number": hazard.number, "recheck": recheck.number})
        now = timezone.now()
        doc = _issue(locked, DocumentKind.RECHECK, actor, {
            "passed": passed, "opinion": opinion, "new_deadline": new_deadline.isoformat() if new_deadline and not passed
            else None, "hazards": rows, "inspectors": inspectors[:100]})
        if passed:
            locked.rechecked_at = now
            locked.closed_at = now
            locked.state = InspectionState.CLOSED
            if locked.outcome == InspectionOutcome.RECTIFICATION:
                locked.outcome = InspectionOutcome.RECTIFIED
        else:
            locked.rectification_deadline = new_deadline
            locked.state = InspectionState.ISSUED
        written.update(passed=passed, hazards=len(rows), number=doc.number)

    return _step(insp, "recheck", actor=actor, change=change, version=version, comment=opinion, data=written)


def close_inspection(insp: EnforcementInspection, *, actor, comment: str = "",
                     version: int | None = None) -> EnforcementInspection:
    """Close an inspection with nothing left to re-check (nothing found, or only violations that
    go on in a case)."""
    def change(locked: EnforcementInspection) -> None:
        locked.closed_at = timezone.now()

    return _step(insp, "close", actor=actor, change=change, version=version, comment=comment)


@transaction.atomic
def void_inspection(insp: EnforcementInspection, *, actor, reason: str,
                    version: int | None = None) -> EnforcementInspection:
    """Void an inspection entered in error before it was signed (never delete it); its checklist
    walk is voided with it (hazards already entered stay in the ledger)."""
    from anjian.inspections import services as inspection_services

    voided = void(insp, actor=actor, policy=policy, reason=reason, expected_version=version, right="inspect",
                  machine=INSPECTION_MACHINE)
    if voided.record_id:
        record = _record(voided)
        if not record.is_voided:
            inspection_services.void_inspection_record(record, actor=actor, reason=reason)
    return voided

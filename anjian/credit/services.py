"""Every change in the credit app goes through these services and the one write path
(``core.workflow``): lock, version (409 on a stale copy), the actor's right (``policy``), the state
machine's step and guards (``choices``), the change, field history and the event, in one
transaction. Pages, the API, the periodic tasks and the demo call them.

After every change that can move a score (a record confirmed or voided, a listing decided or
ended) the enterprise's credit is computed again in the same transaction (``refresh_grades``), so
its grade — and enforcement's planned visits read from it — never lags behind the records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.dates import add_months
from anjian.core.workflow import StateMachine, create, perform_step, void

from . import events, selectors
from .choices import (
    LISTING_MACHINE,
    NOTICE_MACHINE,
    RECORD_MACHINE,
    ListingState,
    Parameter,
    RecordSource,
)
from .models import Blacklisting, CreditRecord, CreditRecordKind, EnterpriseCredit, JointNotice
from .policy import policy

__all__ = [
    "RECORD_FIELDS", "LISTING_FIELDS", "NOTICE_FIELDS", "machine_of", "record_credit", "confirm_record",
    "void_record", "collect_records", "refresh_grades", "propose_listing", "decide_listing", "publish_listing",
    "repair_listing", "expire_listing", "withdraw_listing", "end_terms", "draft_notice", "issue_notice",
]

RECORD_FIELDS = frozenset({"kind", "occurred_on", "points", "source_type", "document", "summary", "is_demo"})
LISTING_FIELDS = frozenset({"reason", "case_number", "is_demo"})
NOTICE_FIELDS = frozenset({"number", "recipients", "measures", "is_demo"})


def machine_of(obj: models.Model) -> StateMachine:
    """The state machine of a record of this app."""
    return {CreditRecord: RECORD_MACHINE, Blacklisting: LISTING_MACHINE, JointNotice: NOTICE_MACHINE}[type(obj)]


def _check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})


def _copy_keys(row: models.Model, enterprise) -> None:
    row.enterprise = enterprise
    row.region_path = enterprise.region_path
    row.industry_id = enterprise.industry_id
    row.grid_id = enterprise.grid_id


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Give the reason.")})
    return reason[:200]


def _step(obj, action: str, *, actor, change=None, version: int | None = None, comment: str = "",
          data: dict | None = None):
    done = perform_step(obj, action, actor=actor, policy=policy, machine=machine_of(obj), change=change,
                        expected_version=version, comment=comment, data=data)
    return done if done is not None else obj


def _who(actor):
    return actor if getattr(actor, "pk", None) else None


# --- the grade -------------------------------------------------------------------------------------

@transaction.atomic
def refresh_grades(enterprise_ids: Iterable[int] | None = None, *, day: date | None = None) -> int:
    """Compute the credit (score, grade, blacklisted, green channel) of the enterprises named, or of
    every enterprise not voided, on ``day`` (today); answers how many rows changed. Idempotent."""
    from anjian.enterprises.models import Enterprise

    day = day or timezone.localdate()
    params, bands_ = selectors.parameters(), selectors.bands()
    qs = Enterprise.objects.filter(is_voided=False)
    if enterprise_ids is not None:
        qs = qs.filter(pk__in=list(enterprise_ids))
    rows = list(qs.order_by("pk").values_list("pk", "region_path", "industry_id", "grid_id", "is_demo"))
    written = 0
    for i in range(0, len(rows), selectors.CHUNK):
        chunk = rows[i:i + selectors.CHUNK]
        found = selectors.scores([r[0] for r in chunk], day, params)
        existing = {c.enterprise_id: c for c in EnterpriseCredit.objects.filter(enterprise_id__in=[r[0] for r in chunk])}
        new, dirty = [], []
        for pk, path, industry, grid, demo in chunk:
            score, black = found[pk]
            band = selectors.band_for(score, black, bands_)
            values = {"score": max(-32768, min(32767, score)), "grade": band.grade if band else "",
                      "blacklisted": black, "green_channel": bool(band and band.green_channel and not black),
                      "more_inspections": bool(band and band.more_inspections), "region_path": path,
                      "industry_id": industry, "grid_id": grid}
            row = existing.get(pk)
            if row is None:
                new.append(EnterpriseCredit(enterprise_id=pk, computed_on=day, is_demo=demo, **values))
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.computed_on = day
                dirty.append(row)
        EnterpriseCredit.objects.bulk_create(new)
        EnterpriseCredit.objects.bulk_update(dirty, ["score", "grade", "blacklisted", "green_channel",
                                                     "more_inspections", "region_path", "industry_id", "grid_id",
                                                     "computed_on"])
        written += len(new) + len(dirty)
    return written


# --- credit records --------------------------------------------------------------------------------

def _check_record(record: CreditRecord) -> None:
    if record.kind_id and not CreditRecordKind.objects.filter(pk=record.kind_id, is_active=True).exists():
        raise ValidationError({"kind": _("This kind of record is no longer in use.")})
    if record.occurred_on and record.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The day cannot be in the future.")})
    if record.source_type not in (RecordSource.MANUAL, RecordSource.STANDARDISATION):
        raise ValidationError({"source_type": _("Records of this source are derived from their decisions; "
                                                "they are not entered by hand.")})
    if not (record.document or "").strip():
        raise ValidationError({"document": _("Cite the document the record rests on.")})


def record_credit(*, actor, enterprise, data: dict[str, Any]) -> CreditRecord:
    """Enter a good or bad credit record by hand, citing its source document; it awaits confirmation."""
    _check_fields(data, RECORD_FIELDS)
    record = CreditRecord(**data, created_by=_who(actor))
    _copy_keys(record, enterprise)
    _check_record(record)
    return create(record, actor=actor, policy=policy, action=events.CREATED, right="manage")


def confirm_record(record: CreditRecord, *, actor, version: int | None = None, comment: str = "") -> CreditRecord:
    """确认: the record counts towards the enterprise's grade from now on."""
    def change(locked: CreditRecord) -> None:
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = _who(actor)

    with transaction.atomic():
        done = _step(record, "confirm", actor=actor, version=version, change=change, comment=(comment or "")[:200])
        refresh_grades([record.enterprise_id])
    return done


def void_record(obj: CreditRecord | JointNotice, *, actor, reason: str, version: int | None = None) -> Any:
    """Void a record entered in error or whose decision was overturned, or a draft notice (never
    deleted). A voided derived record is not derived again."""
    with transaction.atomic():
        done = void(obj, actor=actor, policy=policy, reason=reason, expected_version=version,
                    right="manage" if isinstance(obj, CreditRecord) else "decide", machine=machine_of(obj))
        if isinstance(obj, CreditRecord):
            refresh_grades([obj.enterprise_id])
    return done


def _kinds() -> dict[str, CreditRecordKind]:
    return {k.code: k for k in CreditRecordKind.objects.filter(is_active=True)}


def _derived_cases(kinds):
    from anjian.enforcement.choices import CaseState
    from anjian.enforcement.models import Case

    kind = kinds.get("case_penalty")
    if kind is None:
        return
    qs = (Case.objects.filter(is_voided=False, state__in=[CaseState.DECIDED, CaseState.EXECUTED, CaseState.CLOSED],
                              decided_on__isnull=False)
          .exclude(pk__in=CreditRecord.objects.filter(source_type=RecordSource.CASE, source_id__isnull=False).values("source_id"))
          .select_related("enterprise", "department").order_by("pk"))
    for case in qs.iterator(chunk_size=500):
        yield case.pk, case.enterprise, kind, case.decided_on, \
            f"{case.department.name} {case.decision_number}".strip(), case.title, case.is_demo


def _derived_accidents(kinds):
    from anjian.accidents.choices import AccidentGrade
    from anjian.accidents.models import Accident

    grave = {AccidentGrade.RELATIVELY_SERIOUS, AccidentGrade.SERIOUS, AccidentGrade.PARTICULARLY_SERIOUS}
    qs = (Accident.objects.filter(is_voided=False, enterprise__isnull=False)
          .exclude(pk__in=CreditRecord.objects.filter(source_type=RecordSource.ACCIDENT, source_id__isnull=False).values("source_id"))
          .select_related("enterprise").order_by("pk"))
    for acc in qs.iterator(chunk_size=500):
        kind = kinds.get("accident_grave" if acc.grade in grave else "accident_ordinary")
        if kind is not None:
            yield acc.pk, acc.enterprise, kind, timezone.localdate(acc.occurred_at), acc.number, \
                acc.summary[:300], getattr(acc, "is_demo", False)


def _derived_listings(kinds):
    from anjian.hazards.models import ListedSupervision

    kind = kinds.get("listed_hazard")
    if kind is None:
        return
    qs = (ListedSupervision.objects.exclude(
        pk__in=CreditRecord.objects.filter(source_type=RecordSource.LISTED_HAZARD, source_id__isnull=False).values("source_id"))
          .select_related("enterprise", "department", "hazard").order_by("pk"))
    for listing in qs.iterator(chunk_size=500):
        yield listing.pk, listing.enterprise, kind, timezone.localdate(listing.listed_at), \
            f"{listing.department.name} {listing.document_number}".strip(), listing.hazard.description[:300], \
            listing.enterprise.is_demo


def _derived_spot_checks(kinds):
    """Enterprises whose standardisation grade failed the yearly spot check (抽查不合格), one record
    per failed entry of a check not voided."""
    from anjian.obligations.choices import SpotResult
    from anjian.obligations.models import SpotCheckEntry

    kind = kinds.get("standardisation_failed")
    if kind is None:
        return
    qs = (SpotCheckEntry.objects.filter(result=SpotResult.FAILED, check_run__is_voided=False)
          .exclude(pk__in=CreditRecord.objects.filter(source_type=RecordSource.STANDARDISATION,
                                                       source_id__isnull=False).values("source_id"))
          .select_related("enterprise", "check_run__region").order_by("pk"))
    for entry in qs.iterator(chunk_size=500):
        day = timezone.localdate(entry.decided_at) if entry.decided_at else entry.check_run.day
        yield entry.pk, entry.enterprise, kind, day, \
            f"{entry.check_run.region.name} {entry.check_run.year}", entry.result_note[:300] or str(kind), \
            entry.check_run.is_demo


#: The sources ``collect_records`` derives from.
DERIVERS = {
    RecordSource.CASE: _derived_cases,
    RecordSource.ACCIDENT: _derived_accidents,
    RecordSource.LISTED_HAZARD: _derived_listings,
    RecordSource.STANDARDISATION: _derived_spot_checks,
}


@transaction.atomic
def collect_records(*, day: date | None = None) -> dict[str, int]:
    """Derive the bad credit records of decided enforcement cases, accidents of an enterprise,
    major hazards under listed supervision and failed standardisation spot checks that have none yet (pending, for a regulator to
    confirm). Idempotent and safe to re-run or to run twice at once: a source record gives at most
    one credit record (a unique constraint), even after that record was voided. Answers the counts."""
    day = day or timezone.localdate()
    kinds = _kinds()
    made = {str(source): 0 for source in DERIVERS}
    for source, derive in DERIVERS.items():
        for source_id, enterprise, kind, occurred_on, document, summary, demo in derive(kinds):
            if enterprise.is_voided:
                continue
            record = CreditRecord(kind=kind, occurred_on=min(occurred_on, day), source_type=source,
                                  source_id=source_id, document=document[:200], summary=summary or str(kind),
                                  is_demo=demo)
            _copy_keys(record, enterprise)
            try:
                create(record, actor=None, policy=None, action=events.RECORD_COLLECTED, clean=False)
            except IntegrityError:  # derived meanwhile by a concurrent run
                continue
            made[str(source)] += 1
    return made


# --- the list of seriously untrustworthy entities ------------------------------------------------

def propose_listing(*, actor, enterprise, data: dict[str, Any]) -> Blacklisting:
    """Propose to list an enterprise (拟列入: the party is told before the decision)."""
    _check_fields(data, LISTING_FIELDS)
    if not (data.get("reason") or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    if selectors.open_listing(enterprise.pk) is not None:
        raise ValidationError({"enterprise": _("This enterprise is already proposed or listed.")})
    listing = Blacklisting(**data, created_by=_who(actor), department=getattr(actor, "department", None))
    _copy_keys(listing, enterprise)
    return create(listing, actor=actor, policy=policy, action=events.LISTING_PROPOSED, right="decide")


def decide_listing(listing: Blacklisting, *, actor, decision_number: str, decided_on: date | None = None,
                   version: int | None = None) -> Blacklisting:
    """列入: the decision with its document number; the term and the earliest early removal run
    from its day (``listing_term_months``, ``repair_after_months``)."""
    number = (decision_number or "").strip()
    day = decided_on or timezone.localdate()
    if not number:
        raise ValidationError({"decision_number": _("Give the number of the decision document.")})
    if day > timezone.localdate():
        raise ValidationError({"decided_on": _("The day cannot be in the future.")})
    params = selectors.parameters()

    def change(locked: Blacklisting) -> None:
        locked.decision_number = number[:60]
        locked.decided_on = day
        locked.term_ends_on = add_months(day, params[Parameter.LISTING_TERM_MONTHS])
        locked.repair_from = add_months(day, params[Parameter.REPAIR_AFTER_MONTHS])
        if locked.department_id is None and getattr(actor, "department_id", None):
            locked.department_id = actor.department_id

    with transaction.atomic():
        done = _step(listing, "decide", actor=actor, version=version, change=change,
                     data={"decision_number": number, "decided_on": day.isoformat()})
        refresh_grades([listing.enterprise_id])
    return done


def publish_listing(listing: Blacklisting, *, actor, publication: str, published_on: date | None = None,
                    version: int | None = None) -> Blacklisting:
    """公示: where and when the listing was made public."""
    where = (publication or "").strip()
    if not where:
        raise ValidationError({"publication": _("Say where the listing was published.")})
    day = published_on or timezone.localdate()

    def change(locked: Blacklisting) -> None:
        if locked.decided_on and day < locked.decided_on:
            raise ValidationError({"published_on": _("A listing cannot be published before its decision.")})
        locked.published_on, locked.publication = day, where[:200]

    return _step(listing, "publish", actor=actor, version=version, change=change, comment=where[:200])


def _end(listing: Blacklisting, action: str, *, actor, reason: str, version: int | None) -> Blacklisting:
    def change(locked: Blacklisting) -> None:
        locked.removed_on = timezone.localdate()
        locked.removal_reason = reason

    with transaction.atomic():
        done = _step(listing, action, actor=actor, version=version, change=change, comment=reason[:200])
        refresh_grades([listing.enterprise_id])
    return done


def repair_listing(listing: Blacklisting, *, actor, reason: str, version: int | None = None) -> Blacklisting:
    """信用修复: remove early (after the minimum time on the list), with the reason."""
    return _end(listing, "repair", actor=actor, reason=_reason(reason), version=version)


def expire_listing(listing: Blacklisting, *, actor, version: int | None = None) -> Blacklisting:
    """期满移出: the term has ended."""
    return _end(listing, "expire", actor=actor, reason=_("The term on the list has ended."), version=version)


def withdraw_listing(listing: Blacklisting, *, actor, reason: str, version: int | None = None) -> Blacklisting:
    """A proposal not followed by a decision (the party's statement was accepted, …)."""
    reason = _reason(reason)

    def change(locked: Blacklisting) -> None:
        locked.removal_reason = reason

    return _step(listing, "withdraw", actor=actor, version=version, change=change, comment=reason)


@transaction.atomic
def end_terms(*, day: date | None = None) -> int:
    """Daily: every listing whose term has ended leaves the list (the system acts; idempotent)."""
    day = day or timezone.localdate()
    ended = 0
    for listing in Blacklisting.objects.filter(is_voided=False, state=ListingState.LISTED, term_ends_on__lte=day):
        reason = _("The term on the list has ended.")

        def change(locked: Blacklisting, reason=reason) -> None:
            locked.removed_on = day
            locked.removal_reason = reason

        perform_step(listing, "expire", actor=None, policy=None, machine=LISTING_MACHINE, change=change,
                     comment=reason)
        refresh_grades([listing.enterprise_id], day=day)
        ended += 1
    return ended


# --- joint punishment notices ---------------------------------------------------------------------

def draft_notice(*, actor, listing: Blacklisting, data: dict[str, Any]) -> JointNotice:
    """Draft a joint punishment notice of a listed enterprise to the departments named."""
    _check_fields(data, NOTICE_FIELDS)
    if listing.state != ListingState.LISTED or listing.is_voided:
        raise ValidationError({"listing": _("Only a listed enterprise is the object of a joint punishment.")})
    for name in ("number", "recipients", "measures"):
        if not (data.get(name) or "").strip():
            raise ValidationError({name: _("This field is required.")})
    notice = JointNotice(**data, listing=listing, created_by=_who(actor))
    _copy_keys(notice, listing.enterprise)
    return create(notice, actor=actor, policy=policy, action=events.CREATED, right="decide")


def issue_notice(notice: JointNotice, *, actor, version: int | None = None) -> JointNotice:
    """Issue the notice (its PDF is printed from what it records)."""
    def change(locked: JointNotice) -> None:
        locked.issued_on = timezone.localdate()

    return _step(notice, "issue", actor=actor, version=version, change=change)

"""Administrative cases (行政执法案件) and summons, circulars and exposure (约谈、通报、曝光).

Every step goes through ``core.workflow`` (``CASE_MACHINE``, ``ADMONITION_MACHINE``): lock, version
(409), the actor's right (``policy``), the step's source states and guards, the change, history and
the event, in one transaction. The dates a deadline runs from are the steps' own (discovered,
filed, notified, decided); each due date is computed from the editable time limits when its step
is taken (``selectors_cases``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.workflow import Unchanged, create, void
from anjian.enterprises.models import Enterprise

from .. import events
from .. import selectors_cases as sel
from ..choices import ADMONITION_MACHINE, CASE_MACHINE, CaseMeasure, PartyKind
from ..models import Admonition, Case, CaseParty, CaseViolation, DiscretionTier, Violation
from ..policy import policy
from .common import check_fields, copy_enterprise_keys, step, who

__all__ = [
    "CASE_FIELDS", "open_case", "update_case", "file_case", "decline_case", "set_violations", "add_party",
    "add_evidence", "extend_case", "notify_case", "record_statement", "submit_review", "review_case",
    "decide_case", "publish_case", "record_execution", "close_case", "revoke_case", "transfer_case", "void_case",
    "ADMONITION_FIELDS", "create_admonition", "issue_admonition", "void_admonition",
]

CASE_FIELDS = frozenset({"title", "source", "facts", "discovered_on", "accident", "handler", "is_demo"})
CASE_EDITABLE = CASE_FIELDS - {"is_demo"}


def _today() -> datetime.date:
    return timezone.localdate()


def _said(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("Say why.")})
    return text


def _day(value: datetime.date | None, field: str, *, not_before: datetime.date | None = None) -> datetime.date:
    """A step's date: today by default, never in the future, never before ``not_before``."""
    day = value or _today()
    if day > _today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError({field: _("The date cannot be before %(day)s.") % {"day": not_before.isoformat()}})
    return day


def _check_case(case: Case, actor) -> None:
    if case.discovered_on and case.discovered_on > _today():
        raise ValidationError({"discovered_on": _("The date cannot be in the future.")})
    if case.accident_id is not None:
        from anjian.accidents.models import Accident

        accident = Accident.objects.for_user(actor).filter(pk=case.accident_id).first()
        if accident is None:
            raise ValidationError({"accident": _("This accident is outside your jurisdiction.")})
        if accident.enterprise_id and accident.enterprise_id != case.enterprise_id:
            raise ValidationError({"accident": _("The accident is not of this enterprise.")})
    if case.handler_id is not None and not policy.can(case.handler, "handle_case", case):
        raise ValidationError({"handler": _("The case handler must be an officer of this jurisdiction.")})


@transaction.atomic
def open_case(*, actor, department, enterprise: Enterprise, data: dict[str, Any]) -> Case:
    """Register a case about ``enterprise`` (a clue awaiting filing): it is a pre-accident case
    (事前立案) unless it names an accident; the filing deadline runs from its discovery."""
    check_fields(data, CASE_FIELDS)
    case = Case(department=department, enterprise=enterprise, created_by=who(actor), **data)
    if not Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
    policy.require(actor, "add_case", case, _("You may not open cases about this enterprise."))
    from anjian.orgs.models import Department

    if not Department.objects.for_user(actor).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("This department is outside your jurisdiction.")})
    copy_enterprise_keys(case, enterprise)
    if case.handler_id is None and getattr(actor, "pk", None) and policy.can(actor, "handle_case", case):
        case.handler = actor
    case.pre_accident = case.accident_id is None
    if case.discovered_on is None:
        case.discovered_on = _today()
    _check_case(case, actor)
    case.file_due = sel.due_date("file", case.discovered_on)
    case.full_clean()

    def prepare(saved: Case) -> None:
        saved.number = f"AJ{saved.discovered_on.year}-{saved.pk:06d}"
        Case.objects.filter(pk=saved.pk).update(number=saved.number)

    return create(case, actor=actor, policy=None, action=events.CREATED, prepare=prepare, clean=False,
                  data={"enterprise": enterprise.pk, "department": department.pk})


def update_case(case: Case, *, actor, data: dict[str, Any], version: int | None = None) -> Case:
    """Correct a case before its notice (title, facts, source, discovery, accident, handler)."""
    written: dict[str, Any] = {}

    def change(locked: Case) -> None:
        check_fields(data, CASE_EDITABLE)
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        if not changed:
            raise Unchanged
        for name in changed:
            setattr(locked, name, data[name])
        locked.pre_accident = locked.accident_id is None
        _check_case(locked, actor)
        if "discovered_on" in changed and locked.filed_on is None:
            locked.file_due = sel.due_date("file", locked.discovered_on)
        locked.full_clean()
        written["fields"] = changed

    return step(case, "update", CASE_MACHINE, actor=actor, change=change, version=version, data=written) or case


def file_case(case: Case, *, actor, filed_on: datetime.date | None = None, comment: str = "",
              version: int | None = None) -> Case:
    """立案: the decision deadline (《行政处罚法》第六十条) runs from the filing day."""
    def change(locked: Case) -> None:
        locked.filed_on = _day(filed_on, "filed_on", not_before=locked.discovered_on)
        locked.decide_due = sel.due_date("decide", locked.filed_on)

    return step(case, "file", CASE_MACHINE, actor=actor, change=change, version=version, comment=comment)


def decline_case(case: Case, *, actor, reason: str, version: int | None = None) -> Case:
    """不予立案, with the reason (a recorded outcome)."""
    reason = _said(reason)

    def change(locked: Case) -> None:
        locked.outcome_on, locked.outcome_reason = _today(), reason

    return step(case, "decline", CASE_MACHINE, actor=actor, change=change, version=version, comment=reason)


def set_violations(case: Case, *, actor, items: Iterable[dict[str, Any]], version: int | None = None) -> Case:
    """The case's violations as a whole: each a catalogue entry (active), its tier and its fine;
    a fine outside the tier's range needs a reason (the guard of the notice and the decision
    refuses it otherwise; here it is refused at once, naming the row)."""
    rows = list(items)
    if not rows:
        raise ValidationError({"violations": _("Record at least one violation.")})
    seen: set[int] = set()
    for n, item in enumerate(rows, start=1):
        violation: Violation = item["violation"]
        if not violation.is_active:
            raise ValidationError({"violations": _("Row %(n)s: this violation is no longer in the catalogue.")
                                   % {"n": n}})
        if violation.pk in seen:
            raise ValidationError({"violations": _("Row %(n)s: the violation is listed twice.") % {"n": n}})
        seen.add(violation.pk)
        fine = Decimal(item.get("fine") or 0)
        if fine < 0:
            raise ValidationError({"violations": _("Row %(n)s: the fine cannot be negative.") % {"n": n}})
        has_tiers = DiscretionTier.objects.filter(violation=violation).exists()
        if has_tiers and not DiscretionTier.objects.filter(violation=violation, tier=item["tier"]).exists():
            raise ValidationError({"violations": _("Row %(n)s: this violation has no such tier.") % {"n": n}})
        if not sel.in_range(violation.pk, item["tier"], fine) and not (item.get("deviation_reason") or "").strip():
            low, high = sel.tier_range(violation.pk, item["tier"])
            raise ValidationError({"violations": _(
                "Row %(n)s: the fine %(fine)s is outside the range of its tier (%(low)s–%(high)s yuan); record the "
                "reason.") % {"n": n, "fine": fine, "low": low, "high": high}})

    def change(locked: Case) -> None:
        CaseViolation.objects.filter(case=locked, is_voided=False).update(is_voided=True)
        CaseViolation.objects.bulk_create([CaseViolation(
            case=locked, violation=item["violation"], tier=item["tier"], fine=Decimal(item.get("fine") or 0),
            deviation_reason=(item.get("deviation_reason") or "").strip()[:300]) for item in rows])
        sel.forget(locked)
        locked.fine_amount = sel.total_fine(locked)

    data = {"violations": [{"code": i["violation"].code, "tier": i["tier"], "fine": str(i.get("fine") or 0),
                            "reason": (i.get("deviation_reason") or "").strip()} for i in rows]}
    done = step(case, "set_violations", CASE_MACHINE, actor=actor, change=change, version=version, data=data)
    sel.forget(case)
    return done


def add_party(case: Case, *, actor, kind: str, name: str, post: str = "", fine: Decimal | int = 0,
              version: int | None = None) -> CaseParty:
    """A party of the case: the unit, or a responsible person (with the fine on them, if any)."""
    if kind not in PartyKind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    name = _said(name, "name")
    if Decimal(fine or 0) < 0:
        raise ValidationError({"fine": _("The fine cannot be negative.")})

    def change(locked: Case) -> CaseParty:
        return CaseParty.objects.create(case=locked, kind=kind, name=name[:100], post=(post or "")[:100],
                                        fine=Decimal(fine or 0))

    done = step(case, "add_party", CASE_MACHINE, actor=actor, change=change, version=version, outcome=True,
                data={"kind": kind})
    return done.result


def add_evidence(case: Case, *, actor, description: str, files: Iterable = (), version: int | None = None) -> Case:
    """Evidence (调查取证): a description and its files (photos, records, documents)."""
    description = _said(description, "description")
    return step(case, "add_evidence", CASE_MACHINE, actor=actor, version=version, comment=description,
                files=list(files), file_kind="evidence")


def extend_case(case: Case, *, actor, days: int, reason: str, version: int | None = None) -> Case:
    """Extend the decision time limit (经负责人批准延期), within the extension the limit allows."""
    reason = _said(reason)
    if int(days) < 1:
        raise ValidationError({"days": _("Extend by at least one day.")})

    def change(locked: Case) -> None:
        _days, _kind, allowed = sel.time_limit("decide")
        if locked.extended_days + int(days) > allowed:
            raise ValidationError({"days": _("The time limit may be extended by %(n)s days at most in all.")
                                   % {"n": allowed}})
        locked.extended_days += int(days)
        locked.decide_due = locked.decide_due + datetime.timedelta(days=int(days))

    return step(case, "extend", CASE_MACHINE, actor=actor, change=change, version=version, comment=reason,
                data={"days": int(days)})


def notify_case(case: Case, *, actor, notified_on: datetime.date | None = None, comment: str = "",
                version: int | None = None) -> Case:
    """告知: the party is told of the facts, the grounds and the intended penalty, and of its right to
    state its case; a major decision also offers a hearing (《行政处罚法》第四十四条、第六十三条)."""
    def change(locked: Case) -> None:
        locked.notified_on = _day(notified_on, "notified_on", not_before=locked.filed_on)
        locked.hearing_offered = sel.review_required(locked)

    return step(case, "notify", CASE_MACHINE, actor=actor, change=change, version=version, comment=comment)


def record_statement(case: Case, *, actor, statement: str, on: datetime.date | None = None, files: Iterable = (),
                     version: int | None = None) -> Case:
    """The party's statement and defence (陈述申辩) or the hearing record (听证笔录), or that it waived them."""
    statement = _said(statement, "statement")

    def change(locked: Case) -> None:
        locked.statement = statement
        locked.statement_on = _day(on, "on", not_before=locked.notified_on)

    return step(case, "record_statement", CASE_MACHINE, actor=actor, change=change, version=version,
                comment=statement[:500], files=list(files), file_kind="document")


def submit_review(case: Case, *, actor, comment: str = "", version: int | None = None) -> Case:
    return step(case, "submit_review", CASE_MACHINE, actor=actor, version=version, comment=comment)


def review_case(case: Case, *, actor, opinion: str, version: int | None = None) -> Case:
    """法制审核: the reviewer's opinion (by someone other than the handler)."""
    opinion = _said(opinion, "opinion")

    def change(locked: Case) -> None:
        locked.review_opinion, locked.reviewed_at, locked.reviewed_by = opinion, timezone.now(), who(actor)

    return step(case, "review", CASE_MACHINE, actor=actor, change=change, version=version, comment=opinion[:500])


def decide_case(case: Case, *, actor, decision_text: str, public_summary: str, measure: str = "",
                decided_on: datetime.date | None = None, version: int | None = None) -> Case:
    """决定: the fine is the sum of the violations' fines; a major measure or a large fine needs the
    legal review first; the decision number is given here. The public summary is what the public
    page shows (no person's data)."""
    decision_text = _said(decision_text, "decision_text")
    public_summary = _said(public_summary, "public_summary")
    if measure not in CaseMeasure.values:
        raise ValidationError({"measure": _("Unknown measure.")})

    def change(locked: Case) -> None:
        if locked.reviewed_at is None and sel.review_required(locked, measure=measure):
            raise ValidationError({"measure": _("This decision needs a legal review (法制审核) first.")})
        locked.decided_on = _day(decided_on, "decided_on", not_before=locked.notified_on)
        locked.fine_amount = sel.total_fine(locked)
        locked.measure = measure
        locked.decision_text, locked.public_summary = decision_text, public_summary
        locked.decision_number = f"{locked.department.name[:20]}罚〔{locked.decided_on.year}〕{locked.pk}号"

    return step(case, "decide", CASE_MACHINE, actor=actor, change=change, version=version,
                data={"measure": measure})


def publish_case(case: Case, *, actor, version: int | None = None) -> Case:
    """公示: the decision appears on the public page (its public fields only)."""
    def change(locked: Case) -> None:
        if locked.published_at is not None:
            raise ValidationError({"published_at": _("The decision is already published.")})
        locked.published_at = timezone.now()

    return step(case, "publish", CASE_MACHINE, actor=actor, change=change, version=version)


def record_execution(case: Case, *, actor, paid_amount: Decimal | int, paid_on: datetime.date | None,
                     note: str = "", files: Iterable = (), version: int | None = None) -> Case:
    """执行: the fine paid (with the receipt) and the measures carried out."""
    paid = Decimal(paid_amount or 0)

    def change(locked: Case) -> None:
        if paid < 0 or paid > locked.fine_amount:
            raise ValidationError({"paid_amount": _("The amount paid must lie between 0 and the fine.")})
        if paid < locked.fine_amount and not (note or "").strip():
            raise ValidationError({"note": _("Say why the fine is not paid in full (instalments, enforcement by "
                                             "the court).")})
        locked.paid_amount = paid
        locked.paid_on = _day(paid_on, "paid_on", not_before=locked.decided_on) if paid else None
        locked.execution_note = (note or "").strip()

    return step(case, "record_execution", CASE_MACHINE, actor=actor, change=change, version=version,
                comment=note, files=list(files), file_kind="document", data={"paid": str(paid)})


def close_case(case: Case, *, actor, comment: str = "", version: int | None = None) -> Case:
    """结案 (立卷归档)."""
    def change(locked: Case) -> None:
        locked.closed_on = _today()

    return step(case, "close", CASE_MACHINE, actor=actor, change=change, version=version, comment=comment)


def revoke_case(case: Case, *, actor, reason: str, version: int | None = None) -> Case:
    """撤销立案 (the facts do not hold, the party is not liable), with the reason."""
    reason = _said(reason)

    def change(locked: Case) -> None:
        locked.outcome_on, locked.outcome_reason = _today(), reason

    return step(case, "revoke", CASE_MACHINE, actor=actor, change=change, version=version, comment=reason)


def transfer_case(case: Case, *, actor, to: str, reason: str, version: int | None = None) -> Case:
    """移送: the matter is a suspected crime, transferred to the public security organ (a recorded outcome)."""
    reason, to = _said(reason), _said(to, "to")

    def change(locked: Case) -> None:
        locked.outcome_on, locked.outcome_reason, locked.transferred_to = _today(), reason, to[:200]

    return step(case, "transfer", CASE_MACHINE, actor=actor, change=change, version=version, comment=reason,
                data={"to": to[:200]})


def void_case(case: Case, *, actor, reason: str, version: int | None = None) -> Case:
    """Void a case entered in error (before filing only; never deleted)."""
    return void(case, actor=actor, policy=policy, reason=reason, expected_version=version, right="handle_case",
                machine=CASE_MACHINE)


# --- summons, circulars, exposure ---------------------------------------------------------------

ADMONITION_FIELDS = frozenset({"kind", "enterprise", "target_region", "case", "title", "held_on", "summary",
                               "is_demo"})


@transaction.atomic
def create_admonition(*, actor, department, data: dict[str, Any], files: Iterable = ()) -> Admonition:
    """Record a summons, circular or exposure of ``department`` about an enterprise or a region,
    with its document (a draft until issued)."""
    check_fields(data, ADMONITION_FIELDS)
    adm = Admonition(department=department, created_by=who(actor), **data)
    if adm.enterprise_id is None and adm.target_region_id is None:
        raise ValidationError({"enterprise": _("Name the enterprise or the region concerned.")})
    from anjian.orgs.models import Department
    from anjian.regions.models import Region

    if not Department.objects.for_user(actor).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("This department is outside your jurisdiction.")})
    if adm.enterprise_id is not None:
        ent = Enterprise.objects.for_user(actor).filter(pk=adm.enterprise_id).first()
        if ent is None:
            raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
        adm.region_path, adm.industry_id = ent.region_path, ent.industry_id
    else:
        region = Region.objects.for_user(actor).filter(pk=adm.target_region_id).first()
        if region is None:
            raise ValidationError({"target_region": _("This region is outside your jurisdiction.")})
        adm.region_path = region.path
    if adm.case_id is not None and not Case.objects.for_user(actor).filter(pk=adm.case_id,
                                                                           enterprise_id=adm.enterprise_id).exists():
        raise ValidationError({"case": _("The case is not of this enterprise or is outside your jurisdiction.")})
    if adm.held_on and adm.held_on > _today():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    policy.require(actor, "add_admonition", adm, _("You may not record this."))
    adm.full_clean()
    return create(adm, actor=actor, policy=None, action=events.CREATED, clean=False, files=list(files),
                  file_kind="document", data={"kind": adm.kind})


def issue_admonition(adm: Admonition, *, actor, version: int | None = None) -> Admonition:
    def change(locked: Admonition) -> None:
        locked.issued_at = timezone.now()

    return step(adm, "issue", ADMONITION_MACHINE, actor=actor, change=change, version=version)


def void_admonition(adm: Admonition, *, actor, reason: str, version: int | None = None) -> Admonition:
    return void(adm, actor=actor, policy=policy, reason=reason, expected_version=version, right="admonish",
                machine=ADMONITION_MACHINE)

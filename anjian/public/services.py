"""Every change in the public app goes through these services and the one write path
(``core.workflow``): lock, version (409 on a stale copy), the actor's right (``policy``), the state
machine's step and guards (``choices``), the change, field history and the event, in one
transaction.

A tip is filed and followed by a stranger (``actor=None``): ``submit_tip`` and ``add_information``
decide nothing about rights — the public views have checked the captcha and the rate limits before
calling them — and their events carry no identity. Every other step is an officer's."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.services import attach_files, record_event
from anjian.core.workflow import create, perform_step, void

from . import events, selectors
from .choices import (
    PUBLICATION_MACHINE,
    REWARD_MACHINE,
    TIP_MACHINE,
    AccessChannel,
    Parameter,
    PublicationState,
    RewardBasis,
    TipState,
)
from .models import IdentityAccess, ListingPublication, Reward, RewardScale, Tip, TipAddition
from .policy import policy

__all__ = [
    "TIP_FIELDS", "submit_tip", "find_tip", "add_information", "route_tip", "accept_tip", "reject_tip",
    "extend_tip", "verify_tip", "raise_hazard", "open_case", "void_tip", "reward_amount", "propose_reward",
    "approve_reward", "decline_reward", "pay_reward", "read_identity", "publish_listing", "withdraw_publication",
    "route_department",
]

TIP_FIELDS = frozenset({"kind", "description", "region", "address", "unit_name", "enterprise", "is_anonymous",
                        "reporter_name", "reporter_phone", "reporter_email", "reporter_id_number", "is_employee"})
# No 0/O/1/I: a code read aloud over the phone (12350) or copied by hand stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PHONE = re.compile(r"^[0-9+\- ]{5,20}$")
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")


def _who(actor):
    return actor if getattr(actor, "pk", None) else None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _step(obj, action: str, machine, *, actor, change=None, version: int | None = None, comment: str = "",
          data: dict | None = None, outcome: bool = False):
    done = perform_step(obj, action, actor=actor, policy=policy, machine=machine, change=change,
                        expected_version=version, comment=comment, data=data, outcome=outcome)
    return done if done is not None else obj


def _reason(text: str, field: str = "reason", limit: int = 2000) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: _("Give the reason.")})
    return text[:limit]


# --- filing and following a tip (the public) ------------------------------------------------------

def fingerprint(region_path: str, unit: str, description: str) -> str:
    """The same tip filed again (by the same or another person) has the same fingerprint: the
    region, the unit and the text with every space and punctuation mark removed."""
    def norm(s: str) -> str:
        return re.sub(r"[\W_]+", "", (s or "").lower())
    return hashlib.sha256(f"{region_path}|{norm(unit)}|{norm(description)[:500]}".encode()).hexdigest()


def route_department(region, industry=None):
    """The department that handles a tip: in the tip's region or the nearest region above it, the
    industry department supervising the tip's industry when there is one, else the regulator
    (emergency-management bureau). None when no department is found (an administrator routes it)."""
    from anjian.orgs.choices import DepartmentKind
    from anjian.orgs.models import Department

    path = region.path
    candidates = list(Department.objects.filter(is_voided=False, kind__in=[DepartmentKind.REGULATOR,
                                                                           DepartmentKind.INDUSTRY])
                      .select_related("region").prefetch_related("industries"))
    best, best_rank = None, None
    for dept in candidates:
        dpath = dept.region.path
        if not path.startswith(dpath):
            continue
        serves = industry is not None and dept.kind == DepartmentKind.INDUSTRY and any(
            i.pk == industry.pk or (industry.code or "").startswith(i.code) for i in dept.industries.all())
        if dept.kind == DepartmentKind.INDUSTRY and not serves:
            continue
        rank = (len(dpath), 1 if serves else 0)
        if best_rank is None or rank > best_rank:
            best, best_rank = dept, rank
    return best


def _new_code() -> str:
    while True:
        code = "JB" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        if not Tip.objects.filter(tracking_code=code).exists():
            return code


def _check_reporter(tip: Tip) -> None:
    if tip.is_anonymous:
        # Anonymous means nothing identifying is kept, even what was typed before ticking the box.
        tip.reporter_name = tip.reporter_phone = tip.reporter_email = tip.reporter_id_number = ""
        return
    if not tip.reporter_name.strip():
        raise ValidationError({"reporter_name": _("Give your name, or file the tip anonymously.")})
    if not (tip.reporter_phone.strip() or tip.reporter_email.strip()):
        raise ValidationError({"reporter_phone": _("Give a phone number or an e-mail address to be contacted.")})
    if tip.reporter_phone and not PHONE.match(tip.reporter_phone):
        raise ValidationError({"reporter_phone": _("Give a phone number of digits only.")})
    if tip.reporter_id_number and not ID_NUMBER.match(tip.reporter_id_number):
        raise ValidationError({"reporter_id_number": _("Give the 18-character ID number.")})


def submit_tip(*, data: dict[str, Any], files: Iterable = ()) -> tuple[Tip, str]:
    """File a tip from the public form (no account): validate, find a duplicate, route it, number
    it. Answers the tip and its secret (shown once; only its SHA-256 is kept)."""
    unknown = set(data) - TIP_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
    region = data.get("region")
    if region is None:
        raise ValidationError({"region": _("Choose the region.")})
    enterprise = data.get("enterprise")
    if enterprise is not None and not enterprise.region_path.startswith(region.path):
        raise ValidationError({"enterprise": _("This enterprise is not in the region chosen.")})
    secret = secrets.token_urlsafe(12)
    tip = Tip(**data, region_path=enterprise.region_path if enterprise else region.path,
              industry=enterprise.industry if enterprise else None, received_at=timezone.now(),
              secret_hash=_hash(secret), tracking_code=_new_code())
    if enterprise is not None and not tip.unit_name:
        tip.unit_name = enterprise.name[:100]
    _check_reporter(tip)
    tip.fingerprint = fingerprint(tip.region_path, tip.unit_name, tip.description)
    window = timezone.now() - timedelta(days=selectors.parameter(Parameter.DUPLICATE_DAYS))
    tip.duplicate_of = (Tip.objects.filter(fingerprint=tip.fingerprint, received_at__gte=window, is_voided=False,
                                           duplicate_of__isnull=True).order_by("received_at").first())
    tip.department = route_department(region, tip.industry)
    tip.full_clean(exclude=["secret_hash", "fingerprint", "tracking_code"])
    with transaction.atomic():
        create(tip, actor=None, policy=None, action=events.TIP_RECEIVED, clean=False, files=files,
               data={"kind": tip.kind, "anonymous": tip.is_anonymous, "duplicate": bool(tip.duplicate_of_id)})
    return tip, secret


def find_tip(code: str, secret: str) -> Tip | None:
    """The tip of this tracking code when the secret matches (compared in constant time); None
    otherwise — a wrong code and a wrong secret answer alike."""
    code = (code or "").strip().upper()[:16]
    tip = Tip.objects.filter(tracking_code=code, is_voided=False).first() if code else None
    expected = tip.secret_hash if tip else _hash("-")
    ok = hmac.compare_digest(expected, _hash((secret or "").strip()[:64]))
    return tip if tip is not None and ok else None


def add_information(tip: Tip, *, text: str, files: Iterable = ()) -> TipAddition:
    """The submitter adds information (and files) to an open tip, with its code and secret."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what you want to add.")})
    if tip.state not in (TipState.RECEIVED, TipState.ACCEPTED):
        raise ValidationError({"text": _("This tip is closed: file a new tip instead.")})
    with transaction.atomic():
        addition = TipAddition.objects.create(tip=tip, text=text[:2000])
        event = record_event(tip, events.TIP_ADDED, actor=None, data={"addition": addition.pk})
        attach_files(tip, files, actor=None, event=event)
    return addition


# --- handling (officers) --------------------------------------------------------------------------

def _department_in_scope(actor, department) -> None:
    from anjian.orgs.models import Department

    if department is None:
        raise ValidationError({"department": _("Choose the department.")})
    if not policy.is_admin(actor) and not Department.objects.for_user(actor).filter(pk=department.pk).exists():
        raise ValidationError({"department": _("Choose a department in your jurisdiction.")})


def route_tip(tip: Tip, *, actor, department, version: int | None = None, comment: str = "") -> Tip:
    """Hand the tip to another department of the actor's jurisdiction."""
    _department_in_scope(actor, department)

    def change(locked: Tip) -> None:
        locked.department = department

    return _step(tip, "route", TIP_MACHINE, actor=actor, change=change, version=version,
                 comment=(comment or "")[:200], data={"department": department.pk})


def accept_tip(tip: Tip, *, actor, version: int | None = None, comment: str = "") -> Tip:
    """受理: the verification deadline runs from today (``verify_days``)."""
    def change(locked: Tip) -> None:
        today = timezone.localdate()
        locked.accepted_on = today
        locked.verify_due = today + timedelta(days=selectors.parameter(Parameter.VERIFY_DAYS))
        if locked.department_id is None and getattr(actor, "department_id", None):
            locked.department_id = actor.department_id

    return _step(tip, "accept", TIP_MACHINE, actor=actor, change=change, version=version,
                 comment=(comment or "")[:200])


def reject_tip(tip: Tip, *, actor, reason: str, version: int | None = None) -> Tip:
    """不予受理 with the reason the submitter reads."""
    reason = _reason(reason)

    def change(locked: Tip) -> None:
        locked.decision_reason = reason

    return _step(tip, "reject", TIP_MACHINE, actor=actor, change=change, version=version, comment=reason[:200])


def extend_tip(tip: Tip, *, actor, days: int, reason: str, version: int | None = None) -> Tip:
    """Extend the verification once, by at most ``extension_days``, with the reason."""
    reason = _reason(reason)
    most = selectors.parameter(Parameter.EXTENSION_DAYS)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Give a whole number of days.")}) from None
    if not 1 <= days <= most:
        raise ValidationError({"days": _("Extend by 1 to %(most)s days.") % {"most": most}})

    def change(locked: Tip) -> None:
        locked.verify_due = locked.verify_due + timedelta(days=days)
        locked.extended = True

    return _step(tip, "extend", TIP_MACHINE, actor=actor, change=change, version=version, comment=reason[:200],
                 data={"days": days})


def verify_tip(tip: Tip, *, actor, confirmed: bool, outcome: str, enterprise=None,
               version: int | None = None) -> Tip:
    """核查: the tip is true (``confirmed``) or unfounded; the outcome is what the submitter reads.
    The enterprise the tip is about may be named here (a confirmed tip needs one to become a
    hazard or a case)."""
    outcome = _reason(outcome, "outcome")
    if enterprise is not None:
        from anjian.enterprises.models import Enterprise

        if not Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists():
            raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})

    def change(locked: Tip) -> None:
        locked.verified_on = timezone.localdate()
        locked.decision_reason = outcome
        if enterprise is not None:
            locked.enterprise = enterprise
            locked.industry_id = enterprise.industry_id
            locked.region_path = enterprise.region_path

    return _step(tip, "confirm" if confirmed else "unfound", TIP_MACHINE, actor=actor, change=change,
                 version=version, comment=outcome[:200])


def raise_hazard(tip: Tip, *, actor, grade: str, deadline: date, version: int | None = None):
    """A confirmed tip becomes a hazard of its enterprise in one step (source: public tip), through
    the hazards app's own service; the tip names the hazard. Answers the hazard."""
    from anjian.hazards import services as hazards
    from anjian.hazards.choices import HazardSource

    def change(locked: Tip):
        hazard = hazards.report_hazard(actor=actor, enterprise=locked.enterprise, source=HazardSource.PUBLIC_TIP, data={
            "location": locked.address[:200], "description": f"{locked.description}\n({locked.tracking_code})"[:4000],
            "grade": grade, "deadline": deadline, "finder_name": _("Public tip")[:50]})
        locked.hazard = hazard
        return hazard

    with transaction.atomic():
        done = _step(tip, "to_hazard", TIP_MACHINE, actor=actor, change=change, version=version, outcome=True)
        record = done.result
        # The event names the hazard (its number exists only once the hazard is saved).
        done.event.data = {**(done.event.data or {}), "hazard": record.pk, "number": record.number}
        done.event.save(update_fields=["data"])
    return record


def open_case(tip: Tip, *, actor, department=None, version: int | None = None):
    """A confirmed tip becomes an enforcement case in one step (source: tip-off), registered by the
    enforcement app's own service with the tip's facts; the tip names the case. Answers the case."""
    from anjian.enforcement.choices import CaseSource
    from anjian.enforcement.services import cases

    def change(locked: Tip):
        unit = department or locked.department or getattr(actor, "department", None)
        if unit is None:
            raise ValidationError({"department": _("Choose the department.")})
        facts = _("Tip %(code)s received on %(day)s: %(text)s Verification: %(outcome)s") % {
            "code": locked.tracking_code, "day": timezone.localdate(locked.received_at).isoformat(),
            "text": locked.description, "outcome": locked.decision_reason}
        case = cases.open_case(actor=actor, department=unit, enterprise=locked.enterprise, data={
            "title": (locked.unit_name or locked.enterprise.name)[:60] + " " + str(_("tip-off")),
            "source": CaseSource.TIP, "facts": facts[:4000],
            "discovered_on": locked.verified_on or timezone.localdate()})
        locked.case = case
        return case

    return _step(tip, "to_case", TIP_MACHINE, actor=actor, change=change, version=version, outcome=True).result


def void_tip(tip: Tip, *, actor, reason: str, version: int | None = None) -> Tip:
    """Void a tip filed in error or as abuse (never deleted)."""
    return void(tip, actor=actor, policy=policy, reason=reason, expected_version=version, right="handle",
                machine=TIP_MACHINE)


# --- rewards --------------------------------------------------------------------------------------

def reward_amount(scale: RewardScale, *, fine_yuan: Decimal | None = None, deaths: int | None = None) -> Decimal:
    """The reward of a scale: the share of the fine, or the amount per concealed death, or the
    fixed amount, kept between the scale's lowest and highest reward (rounded to the yuan)."""
    if scale.basis == RewardBasis.PENALTY_SHARE:
        if fine_yuan is None or fine_yuan <= 0:
            raise ValidationError({"fine_yuan": _("Give the administrative fine the reward is computed from.")})
        raw = Decimal(fine_yuan) * (scale.percent or 0) / 100
    elif scale.basis == RewardBasis.PER_DEATH:
        if not deaths or deaths < 1:
            raise ValidationError({"deaths": _("Give the number of concealed deaths verified.")})
        raw = Decimal(scale.amount_yuan or 0) * deaths
    else:
        raw = Decimal(scale.amount_yuan or 0)
    raw = max(Decimal(scale.min_yuan), min(Decimal(scale.max_yuan), raw))
    return raw.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def propose_reward(tip: Tip, *, actor, scale: RewardScale, fine_yuan: Decimal | None = None,
                   deaths: int | None = None, note: str = "") -> Reward:
    """Propose the reward of a confirmed tip: only a real-name tip that was first (not a duplicate)
    earns one (安监总财〔2018〕19号: 实名, 最先举报)."""
    if tip.state != TipState.CONFIRMED:
        raise ValidationError({"tip": _("Only a tip verified as true earns a reward.")})
    if tip.is_anonymous:
        raise ValidationError({"tip": _("Only a real-name tip earns a reward.")})
    if tip.duplicate_of_id:
        raise ValidationError({"tip": _("Only the first tip of the same matter earns a reward.")})
    if not scale.is_active:
        raise ValidationError({"scale": _("This reward scale is no longer in use.")})
    if scale.kind != tip.kind:
        raise ValidationError({"scale": _("Choose a scale for this kind of tip.")})
    if Reward.objects.filter(tip=tip, is_voided=False).exists():
        raise ValidationError({"tip": _("This tip already has a reward.")})
    amount = reward_amount(scale, fine_yuan=fine_yuan, deaths=deaths)
    reward = Reward(tip=tip, region_path=tip.region_path, industry_id=tip.industry_id, scale=scale,
                    fine_yuan=fine_yuan, deaths=deaths, amount_yuan=amount, note=(note or "")[:2000],
                    created_by=_who(actor), is_demo=tip.is_demo)
    return create(reward, actor=actor, policy=policy, action=events.REWARD_PROPOSED, right="handle",
                  data={"amount": str(amount), "scale": scale.code})


def approve_reward(reward: Reward, *, actor, version: int | None = None, comment: str = "") -> Reward:
    def change(locked: Reward) -> None:
        locked.approved_by = _who(actor)
        locked.approved_on = timezone.localdate()

    return _step(reward, "approve", REWARD_MACHINE, actor=actor, change=change, version=version,
                 comment=(comment or "")[:200])


def decline_reward(reward: Reward, *, actor, reason: str, version: int | None = None) -> Reward:
    reason = _reason(reason)
    return _step(reward, "decline", REWARD_MACHINE, actor=actor, version=version, comment=reason[:200])


def pay_reward(reward: Reward, *, actor, paid_on: date, reference: str, version: int | None = None) -> Reward:
    """The payment record: the day and the voucher or transfer reference."""
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"payment_reference": _("Give the voucher or transfer reference.")})
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The day cannot be in the future.")})

    def change(locked: Reward) -> None:
        if locked.approved_on and paid_on < locked.approved_on:
            raise ValidationError({"paid_on": _("The payment cannot be before the approval.")})
        locked.paid_on = paid_on
        locked.payment_reference = reference[:60]

    return _step(reward, "pay", REWARD_MACHINE, actor=actor, change=change, version=version)


# --- the submitter's identity ---------------------------------------------------------------------

def read_identity(tip: Tip, *, actor, channel: str = AccessChannel.PAGE, request=None) -> dict[str, Any] | None:
    """The submitter's identity and contact for a handler with ``view_tip_identity`` (None for
    anyone else, and for an anonymous tip); each read is written to ``IdentityAccess``."""
    if tip.is_anonymous or not policy.can(actor, "see_identity", tip):
        return None
    ip = (getattr(request, "META", {}) or {}).get("REMOTE_ADDR") if request is not None else None
    IdentityAccess.objects.create(tip=tip, user=actor, channel=channel, ip_address=ip or None)
    return {"reporter_name": tip.reporter_name, "reporter_phone": tip.reporter_phone,
            "reporter_email": tip.reporter_email, "reporter_id_number": tip.reporter_id_number,
            "is_employee": tip.is_employee}


# --- publication of listed hazards ----------------------------------------------------------------

def publish_listing(listing, *, actor, expires_on: date | None = None) -> ListingPublication:
    """Publish a hazard under listed supervision on the public pages until ``expires_on`` (by
    default ``publication_days`` from today). A listing is published once."""
    from anjian.hazards.choices import ListingState
    from anjian.hazards.models import ListedSupervision

    if not ListedSupervision.objects.for_user(actor).filter(pk=listing.pk).exists():
        raise ValidationError({"listing": _("This listing is outside your jurisdiction.")})
    if listing.state != ListingState.LISTED:
        raise ValidationError({"listing": _("Only a hazard under listed supervision is published.")})
    if ListingPublication.objects.filter(listing=listing).exists():
        raise ValidationError({"listing": _("This listing is already published.")})
    today = timezone.localdate()
    expires_on = expires_on or today + timedelta(days=selectors.parameter(Parameter.PUBLICATION_DAYS))
    if expires_on < today:
        raise ValidationError({"expires_on": _("The day cannot be in the past.")})
    pub = ListingPublication(listing=listing, region_path=listing.region_path, published_on=today,
                             expires_on=expires_on, state=PublicationState.PUBLISHED, created_by=_who(actor))
    return create(pub, actor=actor, policy=policy, action=events.LISTING_PUBLISHED, right="publish")


def withdraw_publication(pub: ListingPublication, *, actor, reason: str, version: int | None = None):
    reason = _reason(reason)
    return _step(pub, "withdraw", PUBLICATION_MACHINE, actor=actor, version=version, comment=reason[:200])

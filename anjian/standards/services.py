"""Every change to the standards library goes through here: criteria documents and their
criteria, checklists, their versions and their check items.

Each change goes through the one write path (``core.workflow``): the row is locked, the
actor's right is the app policy's (``policy.py``: system administrators; a change without an
actor is the system's), the change is validated (a ValidationError naming the field), saved
with its field history (simple-history, the actor as history user) and one event row, in one
transaction. Nothing is hard-deleted: records are deactivated (``is_active=False``, the steps
of ``choices.ACTIVITY_MACHINE``) and stay readable, because hazards and inspection records
made under them keep pointing at them.

Versions: a checklist revision is a new ``Checklist`` row with the same ``code``; the
versions of one code do not overlap in time, so "the checklist in force on a date" is a
single row (``checklist_in_force``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.utils import bulk_create_with_history

from anjian.core.services import record_event
from anjian.core.workflow import Policy, Unchanged, create, perform, perform_step
from anjian.enterprises.models import Industry

from . import events
from .choices import ACTIVITY_MACHINE
from .models import CheckItem, Checklist, CriteriaDocument, MajorHazardCriterion
from .policy import policy

# Fields the generic update services may change, per model (the rest is bookkeeping or goes
# through a dedicated service: is_active through set_*_active, versions through
# new_checklist_version).
CHECKLIST_FIELDS = ("code", "version", "name", "industry", "description", "source_note", "effective_from",
                    "effective_to")
CHECK_ITEM_FIELDS = ("item_no", "content", "basis", "hazard_factor", "is_major_criterion", "criterion", "sort")
DOCUMENT_FIELDS = ("code", "title", "document_number", "issuer", "effective_from", "effective_to", "certainty",
                   "source_note", "provenance", "cross_industry", "items_complete", "superseded_by")
CRITERION_FIELDS = ("document", "code", "section", "item_no", "article", "text", "industry", "is_confirmed", "sort")

# Which fields copy over into a new version of a checklist / of its items.
ITEM_COPY_FIELDS = ("item_no", "content", "basis", "hazard_factor", "is_major_criterion", "criterion_id", "sort")


# --- reads ---------------------------------------------------------------------------------

def in_force_q(on_date: datetime.date, prefix: str = "") -> Q:
    """Rows whose [effective_from, effective_to] holds ``on_date`` (an empty bound is open)."""
    return (
        (Q(**{f"{prefix}effective_from__isnull": True}) | Q(**{f"{prefix}effective_from__lte": on_date}))
        & (Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": on_date}))
    )


def checklists_in_force(on_date: datetime.date | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """The active checklist versions in force on ``on_date`` (today by default)."""
    # Library checklists only: an enterprise's own checklist never applies to an industry.
    queryset = Checklist.objects.filter(enterprise__isnull=True) if queryset is None else queryset
    return queryset.filter(in_force_q(on_date or timezone.localdate()), is_active=True)


def industry_and_ancestor_codes(code: str) -> list[str]:
    """``code`` and every proper prefix of it, longest first. A sub-sector's code starts with
    its parent's code (see Industry), so these are the codes of the industry and its parents."""
    return [code[:n] for n in range(len(code), 0, -1)]


def checklist_in_force(industry: Industry | None, on_date: datetime.date | None = None) -> Checklist | None:
    """The checklist version in force on ``on_date`` for ``industry``: the industry's own, else
    its parent's (and so on up), else a general one (industry empty). None if there is none.

    One query: every candidate along the chain is read at once and ranked here. Among
    several checklists of the same industry the one that started last wins."""
    codes = industry_and_ancestor_codes(industry.code) if industry is not None else []
    candidates = list(
        checklists_in_force(on_date).filter(Q(industry__code__in=codes) | Q(industry__isnull=True))
        .select_related("industry")
    )
    if not candidates:
        return None
    rank = {code: i for i, code in enumerate(codes)}
    minimum = datetime.date.min

    def key(c: Checklist) -> tuple:
        level = rank.get(c.industry.code, len(codes)) if c.industry_id else len(codes) + 1
        return (level, -(c.effective_from or minimum).toordinal(), -c.pk)

    return min(candidates, key=key)


def checklist_versions(checklist: Checklist) -> QuerySet:
    """Every version of the checklist's code (active or not), oldest first."""
    return Checklist.objects.filter(code=checklist.code).select_related("industry").order_by(
        models.F("effective_from").asc(nulls_first=True), "id")


def version_status(checklist: Checklist, on_date: datetime.date | None = None) -> str:
    """"inactive", "upcoming", "superseded" or "in_force" on ``on_date`` (today by default)."""
    on_date = on_date or timezone.localdate()
    if not checklist.is_active:
        return "inactive"
    if checklist.effective_from and checklist.effective_from > on_date:
        return "upcoming"
    if checklist.effective_to and checklist.effective_to < on_date:
        return "superseded"
    return "in_force"


def next_version_label(code: str) -> str:
    """One more than the highest numeric version of ``code`` ("1" when there is none)."""
    numbers = [int(v) for v in Checklist.objects.filter(code=code).values_list("version", flat=True) if v.isdigit()]
    return str(max(numbers, default=0) + 1)


# --- helpers -------------------------------------------------------------------------------

def _policy(actor) -> Policy | None:
    """The policy that decides ``actor``'s rights; none for a change without an actor (the
    system's: data migrations, imports run by a command)."""
    return None if actor is None else policy


def _require(actor) -> None:
    if actor is not None:
        policy.require(actor, "manage")


def _update(obj: models.Model, *, actor, data: dict[str, Any], allowed: Iterable[str],
            check: Callable[[models.Model, dict[str, Any]], None]) -> models.Model:
    """The "updated" step of a library record: the allowed fields of ``data`` set on the locked
    row, ``check(locked, changes)`` (validation, and what else goes with the change) and an
    event naming what changed; nothing changed, nothing is written."""
    written: dict[str, Any] = {}

    def change(locked: models.Model) -> None:
        changes = _apply(locked, data, allowed)
        check(locked, changes)
        if not changes:
            raise Unchanged
        written.update(_describe(changes))  # the event's data (perform writes it after this)

    return perform_step(obj, events.UPDATED, actor=actor, policy=_policy(actor), right="manage", change=change,
                        data=written) or obj


def _apply(obj: models.Model, data: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """Set the allowed fields of ``data`` on ``obj``; returns {field: (old, new)} of real changes."""
    allowed = set(allowed)
    changes = {}
    for name, value in data.items():
        if name not in allowed:
            raise ValidationError({name: _("This field cannot be changed here.")})
        try:
            old = getattr(obj, name)
        except ObjectDoesNotExist:  # a required relation not set yet on a new row
            old = None
        if old != value:
            changes[name] = (old, value)
            setattr(obj, name, value)
    return changes


def _describe(changes: dict[str, Any]) -> dict[str, list[str]]:
    """Event data for changed fields: {field: [old, new]} as text."""
    return {name: [_text(old), _text(new)] for name, (old, new) in changes.items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(getattr(value, "code", None) or value.pk)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _check_dates(obj: models.Model) -> None:
    if obj.effective_from and obj.effective_to and obj.effective_to < obj.effective_from:
        raise ValidationError({"effective_to": pgettext("validity period", "The end date cannot be before the start date.")})


def _check_no_overlap(checklist: Checklist) -> None:
    """Two active versions of one checklist code may not be in force on the same day."""
    if not checklist.is_active:
        return
    start = checklist.effective_from or datetime.date.min
    end = checklist.effective_to or datetime.date.max
    others = Checklist.objects.filter(code=checklist.code, is_active=True).exclude(pk=checklist.pk)
    for other in others:
        if (other.effective_from or datetime.date.min) <= end and start <= (other.effective_to or datetime.date.max):
            raise ValidationError({"effective_from": _(
                "Version %(version)s of this checklist is in force in the same period; versions may not overlap."
            ) % {"version": other.version}})


def _check_item(item: CheckItem, *, linking: bool) -> None:
    """A linked criterion makes the item a major-hazard item; a new link must be to an active criterion."""
    if item.criterion_id and not item.is_major_criterion:
        raise ValidationError({"is_major_criterion": _(
            "An item linked to a major-hazard criterion is a major-hazard item; tick it or remove the criterion.")})
    # Read from the database: the caller's criterion object may be stale.
    if linking and item.criterion_id and not MajorHazardCriterion.objects.filter(pk=item.criterion_id,
                                                                                 is_active=True).exists():
        raise ValidationError({"criterion": _("This major-hazard criterion is no longer active.")})


def check_checklist_rules(checklist: Checklist) -> None:
    """The rules a checklist version must keep however it is edited (services, admin): its end
    is not before its start, and it does not overlap another active version of its code."""
    _check_dates(checklist)
    _check_no_overlap(checklist)


def check_item_rules(item: CheckItem, *, linking: bool) -> None:
    """The rules a check item must keep however it is edited (services, admin)."""
    _check_item(item, linking=linking)


def _full_clean(obj: models.Model, exclude: Iterable[str] = ()) -> None:
    # validate_unique catches duplicate codes with a message naming the field.
    obj.full_clean(exclude=list(exclude))


def _set_active(obj: models.Model, *, actor, active: bool, reason: str = "") -> models.Model:
    """Deactivate (never delete) or reactivate a record (a step of ``ACTIVITY_MACHINE``); either
    way an event names who and why."""
    reason = (reason or "").strip()

    def change(locked: models.Model) -> None:
        if not active and not reason:
            raise ValidationError({"reason": _("Give a reason for deactivating this record.")})
        if isinstance(locked, Checklist) and active:
            locked.is_active = True
            _check_no_overlap(locked)

    return perform_step(obj, events.REACTIVATED if active else events.DEACTIVATED, actor=actor,
                        policy=_policy(actor), machine=ACTIVITY_MACHINE, change=change, comment=reason)


# --- checklists ----------------------------------------------------------------------------

@transaction.atomic
def create_checklist(*, actor, data: dict[str, Any], items: Iterable[dict[str, Any]] = (),
                     action: str = events.CREATED, event_data: dict[str, Any] | None = None) -> Checklist:
    """Create a checklist (version ``data['version']``, the next number by default) with its items.

    It must not overlap an active version of the same code: to revise a checklist that is
    in force use ``new_checklist_version`` (or ``close_open_versions`` first, as imports do)."""
    _require(actor)
    data = dict(data)
    if not data.get("version"):
        data["version"] = next_version_label(data.get("code", ""))
    checklist = Checklist()
    _apply(checklist, data, CHECKLIST_FIELDS)
    _check_dates(checklist)
    _full_clean(checklist, exclude=["created_at"])
    _check_no_overlap(checklist)
    created: list[CheckItem] = []

    def add_items(saved: Checklist) -> None:
        created.extend(_new_item(saved, item_data) for item_data in items)
        if created:
            bulk_create_with_history(created, CheckItem, default_user=_user(actor))

    # The right was asked above, before the checks; the event names the version created.
    create(checklist, actor=actor, policy=None, action=action, clean=False, prepare=add_items, event=False)
    record_event(checklist, action, actor=actor, to_state=checklist.version,
                 data={"items": len(created), **(event_data or {})})
    return checklist


def _user(actor: Any) -> Any:
    """The actor as a history user (None for a system change without a user)."""
    return actor if getattr(actor, "pk", None) else None


def _new_item(checklist: Checklist, data: dict[str, Any]) -> CheckItem:
    data = dict(data)
    if data.get("criterion") is not None and "is_major_criterion" not in data:
        data["is_major_criterion"] = True
    item = CheckItem(checklist=checklist)
    _apply(item, data, CHECK_ITEM_FIELDS)
    _full_clean(item)
    _check_item(item, linking=True)
    return item


def update_checklist(checklist: Checklist, *, actor, data: dict[str, Any]) -> Checklist:
    """Change a checklist version's own fields (its items change through the item services)."""
    def check(locked: Checklist, changes: dict[str, Any]) -> None:
        if changes:
            _check_dates(locked)
            _full_clean(locked, exclude=["created_at"])
            _check_no_overlap(locked)

    return _update(checklist, actor=actor, data=data, allowed=CHECKLIST_FIELDS, check=check)


def set_checklist_active(checklist: Checklist, *, actor, active: bool, reason: str = "") -> Checklist:
    """Deactivate a checklist version (it leaves the lists and stops being in force) or bring it back."""
    return _set_active(checklist, actor=actor, active=active, reason=reason)


@transaction.atomic
def new_checklist_version(
    checklist: Checklist,
    *,
    actor,
    effective_from: datetime.date,
    version: str = "",
    name: str = "",
    description: str | None = None,
    note: str = "",
) -> Checklist:
    """Start a new version of ``checklist`` on ``effective_from``: copy its active items into a
    new row with the same code, and end every version still open on that day the day before.

    The new version must start after every active version of the code started, so versions
    stay ordered and never overlap. ``version`` defaults to the next number."""
    _require(actor)
    if not isinstance(effective_from, datetime.date):
        raise ValidationError({"effective_from": _("Give the date the new version takes effect.")})
    # Lock every version of the code: two administrators revising at once must not both close it.
    versions = list(Checklist.objects.select_for_update().filter(code=checklist.code).order_by("id"))
    source = next(v for v in versions if v.pk == checklist.pk)
    version = (version or "").strip() or next_version_label(checklist.code)
    if any(v.version == version for v in versions):
        raise ValidationError({"version": _("Version %(version)s of this checklist already exists.")
                               % {"version": version}})
    starts = [v.effective_from for v in versions if v.is_active and v.effective_from]
    if starts and effective_from <= max(starts):
        raise ValidationError({"effective_from": _(
            "The new version must take effect after %(date)s, when the latest version took effect."
        ) % {"date": max(starts).isoformat()}})

    new = Checklist(
        code=source.code, version=version, name=(name or "").strip() or source.name, industry_id=source.industry_id,
        description=source.description if description is None else description, source_note=source.source_note,
        effective_from=effective_from,
    )
    _full_clean(new, exclude=["created_at", "industry"])
    closed = _close(versions, effective_from, actor=actor, new_version=version, note=note)
    copied: list[CheckItem] = []

    def copy_items(saved: Checklist) -> None:
        copied.extend(CheckItem(checklist=saved, **{f: getattr(item, f) for f in ITEM_COPY_FIELDS})
                      for item in source.items.filter(is_active=True).order_by("sort", "id"))
        if copied:
            bulk_create_with_history(
                copied, CheckItem, default_user=_user(actor),
                default_change_reason=_("Copied from version %(version)s") % {"version": source.version})

    create(new, actor=actor, policy=None, action=events.VERSION_CREATED, clean=False, prepare=copy_items, event=False)
    # The event names the version it follows and the new one (core.workflow.create names no states).
    record_event(new, events.VERSION_CREATED, actor=actor, from_state=source.version, to_state=version,
                 comment=note, data={"copied_from": source.pk, "items": len(copied),
                                     "effective_from": effective_from.isoformat(), "closed_versions": closed})
    return new


def _close(versions: list[Checklist], effective_from: datetime.date, *, actor, new_version: str,
           note: str = "") -> list[str]:
    """End, the day before ``effective_from``, every active version still open on that day;
    returns their version labels. Each closure is a step on the closed version (its right is
    the revision's, asked by the caller) with an event naming the new version."""
    day_before = effective_from - datetime.timedelta(days=1)
    closed = []
    for old in versions:
        if old.is_active and (old.effective_to is None or old.effective_to >= effective_from):
            previous_end = old.effective_to

            def end(locked: Checklist) -> None:
                locked.effective_to = day_before

            perform(old, events.VERSION_CLOSED, actor=actor, policy=None, change=end, event=False)
            old.effective_to = day_before
            record_event(old, events.VERSION_CLOSED, actor=actor, to_state=new_version, comment=note,
                         data={"effective_to": [_text(previous_end), day_before.isoformat()],
                               "new_version": new_version})
            closed.append(old.version)
    return closed


@transaction.atomic
def close_open_versions(code: str, effective_from: datetime.date, *, actor, new_version: str,
                        note: str = "") -> list[str]:
    """Make room for a new version of checklist ``code`` starting on ``effective_from`` (used by
    the import, which creates the new version itself): ends the versions open on that day."""
    _require(actor)
    versions = list(Checklist.objects.select_for_update().filter(code=code).order_by("id"))
    return _close(versions, effective_from, actor=actor, new_version=new_version, note=note)


# --- check items ---------------------------------------------------------------------------

@transaction.atomic
def add_check_item(checklist: Checklist, *, actor, data: dict[str, Any]) -> CheckItem:
    """Add one item to a checklist version (at the end unless ``sort`` is given)."""
    _require(actor)
    # Locked: two items added at once do not get the same place at the end.
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    data = dict(data)
    if data.get("sort") in (None, ""):
        last = checklist.items.aggregate(m=models.Max("sort"))["m"] or 0
        data["sort"] = last + 10
    item = _new_item(checklist, data)
    return create(item, actor=actor, policy=None, action=events.CREATED, clean=False,
                  data={"checklist": checklist.pk, "version": checklist.version})


def update_check_item(item: CheckItem, *, actor, data: dict[str, Any]) -> CheckItem:
    """Change one check item; linking it to a criterion makes it a major-hazard item."""
    data = dict(data)
    if data.get("criterion") is not None and "is_major_criterion" not in data:
        data["is_major_criterion"] = True

    def check(locked: CheckItem, changes: dict[str, Any]) -> None:
        if changes:
            _full_clean(locked)
            # A new link must be to an active criterion; a link kept as it was stays valid.
            _check_item(locked, linking="criterion" in changes)

    return _update(item, actor=actor, data=data, allowed=CHECK_ITEM_FIELDS, check=check)


def set_check_item_active(item: CheckItem, *, actor, active: bool, reason: str = "") -> CheckItem:
    """Deactivate a check item (it is no longer offered, past records keep it) or bring it back."""
    return _set_active(item, actor=actor, active=active, reason=reason)


# --- criteria documents and criteria -------------------------------------------------------

@transaction.atomic
def create_criteria_document(*, actor, data: dict[str, Any],
                             industries: Iterable[Industry] | None = None) -> CriteriaDocument:
    """Add a criteria document (with the industries it applies to)."""
    _require(actor)
    document = CriteriaDocument()
    _apply(document, data, DOCUMENT_FIELDS)
    _check_dates(document)
    _full_clean(document)

    def set_industries(saved: CriteriaDocument) -> None:
        if industries is not None:
            saved.industries.set(industries)

    return create(document, actor=actor, policy=None, action=events.CREATED, clean=False, prepare=set_industries)


def update_criteria_document(document: CriteriaDocument, *, actor, data: dict[str, Any],
                             industries: Iterable[Industry] | None = None) -> CriteriaDocument:
    """Change a criteria document; ``industries`` (if given) replaces the industries it applies to."""
    industries = None if industries is None else list(industries)

    def check(locked: CriteriaDocument, changes: dict[str, Any]) -> None:
        if industries is not None:
            old = sorted(locked.industries.values_list("code", flat=True))
            new = sorted(i.code for i in industries)
            if old != new:
                changes["industries"] = (",".join(old), ",".join(new))
        if changes:
            _check_dates(locked)
            _full_clean(locked)
        if "industries" in changes:
            locked.industries.set(industries)

    return _update(document, actor=actor, data=data, allowed=DOCUMENT_FIELDS, check=check)


def set_criteria_document_active(document: CriteriaDocument, *, actor, active: bool,
                                 reason: str = "") -> CriteriaDocument:
    """Deactivate a criteria document (e.g. repealed and no longer shown) or bring it back."""
    return _set_active(document, actor=actor, active=active, reason=reason)


@transaction.atomic
def create_criterion(*, actor, data: dict[str, Any]) -> MajorHazardCriterion:
    """Add a criterion to a document (at the end of it unless ``sort`` is given)."""
    _require(actor)
    data = dict(data)
    criterion = MajorHazardCriterion()
    if data.get("sort") in (None, "") and data.get("document") is not None:
        last = MajorHazardCriterion.objects.filter(document=data["document"]).aggregate(m=models.Max("sort"))["m"]
        data["sort"] = (last or 0) + 10
    _apply(criterion, data, CRITERION_FIELDS)
    _full_clean(criterion)
    return create(criterion, actor=actor, policy=None, action=events.CREATED, clean=False,
                  data={"document": criterion.document.code})


def update_criterion(criterion: MajorHazardCriterion, *, actor, data: dict[str, Any]) -> MajorHazardCriterion:
    """Change a criterion (its text, section, certainty, ...)."""
    def check(locked: MajorHazardCriterion, changes: dict[str, Any]) -> None:
        if changes:
            _full_clean(locked)

    return _update(criterion, actor=actor, data=data, allowed=CRITERION_FIELDS, check=check)


def set_criterion_active(criterion: MajorHazardCriterion, *, actor, active: bool,
                         reason: str = "") -> MajorHazardCriterion:
    """Deactivate a criterion (no new items or hazards may cite it; old ones keep it) or bring it back."""
    return _set_active(criterion, actor=actor, active=active, reason=reason)


def record_admin_change(obj: models.Model, *, actor, created: bool, changed_fields: Iterable[str]) -> None:
    """The event of a change made in the Django admin (which saves the form itself, with its
    own permission checks; the form runs this app's rules, ``check_*_rules``)."""
    record_event(obj, events.CREATED if created else events.UPDATED, actor=actor,
                 data={"via": "admin", "fields": sorted(changed_fields)})

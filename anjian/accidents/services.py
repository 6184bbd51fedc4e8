"""Every change to an accident goes through here: reporting it, correcting it, casualty updates
(补报), follow-up reports (续报) and the end of the follow-up (situation stable), the reporting
chain, reporting flags (迟报/漏报/谎报/瞒报), the investigation with its report (and the report
deadline's extension) and approval, the rectification of the problems exposed, accountability,
and voiding.

Each change is a step of a state machine declared in ``choices.py`` (the accident's, a
rectification's, a flag's), taken through ``core.workflow.perform``: the row is locked, the
version of the caller's copy (or the one sent) is checked — a stale copy is a ``ConflictError``
(HTTP 409) and nothing is written —, the actor's right is asked of ``policy.py``, the step's
source states and guards are checked, then the change, the version bump, the history, the event
(codes in ``events.py``) and the files, in one transaction. The grade is never typed in: it is
computed by ``grading.grade_for`` from the figures.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import Attachment
from anjian.core.scoping import scope_of
from anjian.core.services import ConflictError, attach_files, record_event
from anjian.core.workflow import create, perform, void
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import REGULATOR_ROLES, Role
from anjian.regions.models import Region
from anjian.standards.selectors import accident_type_scheme_for

from . import events as ev
from .choices import (
    ACCIDENT_MACHINE,
    DECIDE_FLAG,
    FLAG_MACHINE,
    FLAG_RAISED_AGAIN,
    INVESTIGATING_LEVEL_BY_GRADE,
    RECTIFICATION_MACHINE,
    AccidentGrade,
    FlagKind,
    FlagState,
    ReportingLevel,
)
from .grading import grade_for
from .models import (
    Accident,
    AccidentRectification,
    Accountability,
    CasualtyUpdate,
    FollowUpReport,
    Investigation,
    ReportingFlag,
    ReportingStep,
)
from .policy import is_enterprise_side, policy
from .regulations import time_limit_on
from .selectors import count_late_updates, reporting_chain, update_window_end

M = ACCIDENT_MACHINE
FIGURES = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss_yuan")
HEAD_COUNTS = ("deaths", "missing", "serious_injuries", "minor_injuries")
MAX_APPROVAL_EXTENSION_DAYS = 30


def _stale() -> ConflictError:
    return ConflictError(_("This accident was changed by someone else meanwhile. Reload it and try again."))


def _refuse_unknown(data: dict[str, Any], allowed: frozenset[str]) -> None:
    """A field this step does not set is refused, named."""
    for name in data:
        if name not in allowed:
            raise ValidationError({name: _("This field cannot be set here.")})


def _save_child(row, actor) -> None:
    """Validate and save a record of the accident (inside the accident's step, under its lock)."""
    row.full_clean(exclude=["accident"])
    row._history_user = actor
    row.save()


# --- helpers -----------------------------------------------------------------------------

def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _validate_type(accident: Accident) -> None:
    """The accident type must belong to the list in force on the accident's date (GB 6441-1986
    before 2026-07-01, GB 6441-2025 from then)."""
    if accident.accident_type_id is None or accident.occurred_at is None:
        return
    scheme = accident_type_scheme_for(_local_date(accident.occurred_at))
    if accident.accident_type.scheme != scheme or not accident.accident_type.is_active:
        raise ValidationError({"accident_type": _(
            "This accident type is from %(have)s; an accident on %(day)s is classified with %(want)s.")
            % {"have": accident.accident_type.scheme, "day": _local_date(accident.occurred_at), "want": scheme}})


def _validate_figures(accident: Accident) -> None:
    for name in FIGURES:
        value = getattr(accident, name)
        if value is None or Decimal(value) < 0:
            raise ValidationError({name: _("This figure cannot be negative.")})


def _validate_times(accident: Accident) -> None:
    now = timezone.now() + timedelta(minutes=5)
    if accident.occurred_at and accident.occurred_at > now:
        raise ValidationError({"occurred_at": _("The accident cannot be in the future.")})
    if accident.learned_at and accident.occurred_at and accident.learned_at < accident.occurred_at:
        raise ValidationError({"learned_at": _("The unit head cannot learn of the accident before it occurred.")})
    if accident.reported_to_government_at:
        if accident.learned_at is None:
            raise ValidationError({"learned_at": _("Give the time the unit head learned of the accident.")})
        if accident.reported_to_government_at < accident.learned_at:
            raise ValidationError({"reported_to_government_at": _(
                "The report to the government cannot precede the time the unit head learned of the accident.")})


def _regrade(accident: Accident) -> dict[str, str]:
    grade, by = grade_for(deaths=accident.deaths, missing=accident.missing, serious_injuries=accident.serious_injuries,
                          direct_loss_yuan=accident.direct_loss_yuan, on=_local_date(accident.occurred_at))
    accident.grade = grade
    return by


def _copy_place_keys(accident: Accident) -> None:
    accident.region_path = accident.region.path
    if accident.enterprise_id:
        accident.industry_id = accident.industry_id or accident.enterprise.industry_id
        accident.grid_id = accident.enterprise.grid_id
    else:
        accident.grid_id = None


def accident_number(accident: Accident) -> str:
    """事故编号: SG + year of the accident + the row id, zero-padded (unique and stable)."""
    return f"SG{timezone.localtime(accident.occurred_at):%Y}{accident.pk:06d}"


def _sync_late_flag(a: Accident, actor) -> None:
    """Keep the automatic 迟报 flag in step with the reporting chain: raised when a link was
    passed on after its limit, retracted (with an event) when a correction removes the lateness,
    raised again when a later correction makes it late again. Runs inside the step that changed
    the chain, under the accident's lock; the flag's events are the accident's."""
    chain = reporting_chain(a)
    flag = ReportingFlag.objects.filter(accident=a, kind=FlagKind.LATE, is_automatic=True).first()
    if chain.is_late:
        note = "; ".join(f"{link.label}: {link.elapsed_minutes} min > {int(link.limit.total_seconds() // 60)} min"
                         for link in chain.late_links)
        if flag is None:
            flag = ReportingFlag.objects.create(accident=a, kind=FlagKind.LATE, is_automatic=True, note=note)
            record_event(a, ev.FLAG_RECORDED, actor=None, data={"flag": flag.pk, "kind": FlagKind.LATE,
                                                                  "automatic": True}, comment=note)
        elif flag.state == FlagState.RETRACTED:
            def raise_again(f: ReportingFlag) -> None:
                f.note, f.decided_at, f.decided_by = note, None, None

            perform(flag, FLAG_RAISED_AGAIN, actor=None, policy=None, machine=FLAG_MACHINE, change=raise_again,
                    event=False)
            record_event(a, ev.FLAG_RECORDED, actor=None, data={"flag": flag.pk, "kind": FlagKind.LATE,
                                                                  "automatic": True}, comment=note)
        elif flag.note != note:
            flag.note = note
            flag.save()
    elif flag is not None and flag.state == FlagState.RECORDED:
        def retract(f: ReportingFlag) -> None:
            f.decided_at = timezone.now()
            f.decision_comment = _("The corrected reporting chain is on time.")

        # The system retracts it (no right to ask: the step that corrected the chain had it).
        perform(flag, "retract", actor=actor, policy=None, machine=FLAG_MACHINE, change=retract, event=False)
        record_event(a, ev.FLAG_RETRACTED, actor=actor, data={"flag": flag.pk, "kind": FlagKind.LATE,
                                                               "automatic": True})


# --- reporting and correcting ---------------------------------------------------------------

def _require_visible(accident: Accident, actor) -> None:
    """The saved accident must lie in the actor's own jurisdiction (an industry officer's accident
    needs an enterprise of their industries; nobody files an accident they could not read back).
    Raised inside the caller's transaction, so nothing is written."""
    if not Accident.objects.for_user(actor).filter(pk=accident.pk).exists():
        field = "enterprise" if scope_of(actor).industry_ids else "region"
        raise ValidationError({field: _("This accident would lie outside your jurisdiction.")})


PROTECTED_FIELDS = ("state", "version", "number", "region_path", "grade", "grid", "is_voided", "created_by")


@transaction.atomic
def report_accident(*, actor, data: dict[str, Any], files: Iterable = ()) -> Accident:
    """Enter a newly reported accident (state ``reported``).

    ``data`` holds the Accident fields (region, address, enterprise, accident_type, figures,
    summary, learned_at, reported_to_government_at, …). The place's region must be in the
    actor's jurisdiction; an enterprise user reports only accidents of their own enterprise.
    The region path (and the enterprise's industry and grid) are copied onto the accident, the
    accident type is checked against the list in force on its date and the grade is computed.
    """
    data = dict(data)
    for name in PROTECTED_FIELDS:
        if name in data:
            raise ValidationError({name: _("This field cannot be set here.")})
    policy.require(actor, "report", message=_("You may not report accidents."))
    enterprise: Enterprise | None = data.get("enterprise")
    region: Region | None = data.get("region")
    if not policy.is_admin(actor):
        if actor.role == Role.ENTERPRISE:
            if enterprise is None or enterprise.pk != scope_of(actor).enterprise_id:
                raise ValidationError({"enterprise": _("An enterprise reports only its own accidents.")})
        else:
            if region is not None and not Region.objects.for_user(actor).filter(pk=region.pk).exists():
                raise ValidationError({"region": _("This place is outside your jurisdiction.")})
            if enterprise is not None and not Enterprise.objects.for_user(actor).filter(pk=enterprise.pk).exists():
                raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})
    if region is None and enterprise is not None:
        data["region"] = region = enterprise.region
    if region is None:
        raise ValidationError({"region": _("Give the region where the accident happened.")})
    accident = Accident(created_by=actor if getattr(actor, "pk", None) else None, **data)
    if accident.occurred_at is None:
        raise ValidationError({"occurred_at": _("Give the time the accident occurred.")})
    _copy_place_keys(accident)
    _validate_figures(accident)
    _validate_times(accident)
    _validate_type(accident)
    by = _regrade(accident)
    accident.number = f"TMP{uuid.uuid4().hex[:28]}"
    accident.full_clean(exclude=["number", "region_path"])

    def number(saved: Accident) -> None:
        # The number holds the row id, so it is known only once the row is saved.
        saved.number = accident_number(saved)
        Accident.objects.filter(pk=saved.pk).update(number=saved.number)
        _require_visible(saved, actor)

    # The event is written here, not by create(): it names the state the accident starts in.
    create(accident, actor=actor, policy=policy, action=ev.REPORTED, right="report", prepare=number, clean=False,
           event=False)
    event = record_event(accident, ev.REPORTED, actor=actor, to_state=accident.state,
                         data={"grade": accident.grade, "by": by})
    attach_files(accident, files, actor=actor, kind=Attachment.Kind.DOCUMENT, event=event)
    _sync_late_flag(accident, actor)
    return accident


EDITABLE_FIELDS = frozenset({
    "occurred_at", "region", "address", "longitude", "latitude", "enterprise", "industry", "category",
    "accident_type", *FIGURES, "summary", "preliminary_cause", "learned_at", "reported_to_government_at",
    "reported_to_department", "reporter_name",
})
FOREIGN_KEYS = ("region", "enterprise", "industry", "accident_type")


@transaction.atomic
def update_accident(accident: Accident, *, actor, data: dict[str, Any], reason: str,
                    expected_version: int | None = None) -> Accident:
    """Correct what was entered (a data-entry correction, not a 补报: casualty changes after the
    accident go through ``record_casualty_update``). A reason is required; the grade is computed
    again from the corrected figures and the reporting chain is checked again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    data = dict(data)
    event_data: dict[str, Any] = {}  # filled by the change, from the locked row

    def change(a: Accident) -> None:
        before = {name: str(getattr(a, f"{name}_id" if name in FOREIGN_KEYS else name)) for name in data}
        own_enterprise = is_enterprise_side(actor, a)
        enterprise_before = a.enterprise_id
        for name, value in data.items():
            if name not in EDITABLE_FIELDS:
                raise ValidationError({name: _("This field cannot be changed here.")})
            setattr(a, name, value)
        if "enterprise" in data and own_enterprise and a.enterprise_id != enterprise_before:
            raise ValidationError({"enterprise": _("An enterprise reports only its own accidents.")})
        if ("region" in data and not policy.is_admin(actor) and getattr(actor, "role", None) in REGULATOR_ROLES
                and not Region.objects.for_user(actor).filter(pk=a.region_id).exists()):
            raise ValidationError({"region": _("This place is outside your jurisdiction.")})
        if "enterprise" in data and a.enterprise_id and "industry" not in data:
            a.industry_id = a.enterprise.industry_id
        _copy_place_keys(a)
        _validate_figures(a)
        _validate_times(a)
        _validate_type(a)
        old_grade = a.grade
        by = _regrade(a)
        a.full_clean(exclude=["number", "region_path"])
        event_data.update(fields=sorted(data), before=before, grade_before=old_grade, grade=a.grade, by=by)

    a = perform(accident, "update", actor=actor, policy=policy, machine=M, change=change,
                expected_version=expected_version, comment=reason, data=event_data)
    _require_visible(a, actor)
    _sync_investigating_level(a, actor)
    _sync_late_flag(a, actor)
    return a


def _counted(accident: Accident, as_of: datetime) -> bool:
    """Whether an update as of ``as_of`` changes the counted figures (inside the window, or the
    setting counts late updates too)."""
    return as_of <= update_window_end(accident) or count_late_updates()


def _apply_casualty_update(a: Accident, *, actor, as_of: datetime, figures: dict[str, Any],
                           note: str) -> tuple[CasualtyUpdate, dict[str, Any]]:
    """Record the casualty update on the locked accident ``a`` (and, when counted, give it the
    new figures and grade); answers the update and its event's data."""
    if as_of is None:
        raise ValidationError({"as_of": _("Give the time of the update.")})
    if as_of < a.occurred_at:
        raise ValidationError({"as_of": _("An update cannot precede the accident.")})
    if as_of > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"as_of": _("An update cannot be in the future.")})
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed here.")})
    new = {name: figures.get(name, getattr(a, name)) for name in FIGURES}
    for name, value in new.items():
        if value is None or Decimal(value) < 0:
            raise ValidationError({name: _("This figure cannot be negative.")})
    if all(Decimal(new[n]) == Decimal(getattr(a, n)) for n in FIGURES):
        raise ValidationError({"deaths": _("The update changes none of the figures.")})
    within = as_of <= update_window_end(a)
    counted = _counted(a, as_of)
    old_grade = a.grade
    grade_after, by = grade_for(deaths=new["deaths"], missing=new["missing"], serious_injuries=new["serious_injuries"],
                                direct_loss_yuan=new["direct_loss_yuan"], on=_local_date(a.occurred_at))
    update = CasualtyUpdate(
        accident=a, as_of=as_of, note=note, within_window=within, counted=counted,
        recorded_by=actor if getattr(actor, "pk", None) else None, grade_before=old_grade,
        grade_after=grade_after if counted else old_grade,
        **{f"{n}_before": getattr(a, n) for n in FIGURES}, **new)
    update.full_clean(exclude=["accident"])
    update.save()
    if counted:
        for name, value in new.items():
            setattr(a, name, value)
        a.grade = grade_after
    return update, {"update": update.pk, "within_window": within, "counted": counted,
                    "before": {n: str(getattr(update, f"{n}_before")) for n in FIGURES},
                    "after": {n: str(new[n]) for n in FIGURES}, "grade_before": old_grade,
                    "grade": a.grade, "by": by if counted else {}}


def _casualty_event(update: CasualtyUpdate) -> str:
    return ev.CASUALTY_UPDATE if update.counted else ev.CASUALTY_UPDATE_LATE


@transaction.atomic
def record_casualty_update(accident: Accident, *, actor, as_of: datetime, figures: dict[str, Any], note: str = "",
                           expected_version: int | None = None) -> CasualtyUpdate:
    """补报: record new casualty and loss figures as of ``as_of`` (条例 Art. 13).

    Inside the update window — 30 days from ``occurred_at``, 7 days for road-traffic and fire
    accidents — the new figures become the accident's and it is graded again. After the window
    the update is kept (a late update, with the numbers before and after) but does NOT change
    the counted figures or the grade. That is the common reading of Art. 13, which the fact sheet
    marks unconfirmed; set ``ANJIAN_ACCIDENT_COUNT_LATE_UPDATES = True`` to count late updates too.
    Figures left out of ``figures`` keep their current values."""
    note = (note or "").strip()
    # The step (counted or late) is read from the caller's copy; the version check guarantees the
    # locked row is that copy, and the change makes sure.
    code = ev.CASUALTY_UPDATE if as_of is None or _counted(accident, as_of) else ev.CASUALTY_UPDATE_LATE
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> CasualtyUpdate:
        update, data = _apply_casualty_update(a, actor=actor, as_of=as_of, figures=figures, note=note)
        if _casualty_event(update) != code:
            raise _stale()
        event_data.update(data)
        return update

    out = perform(accident, "casualty_update", actor=actor, policy=policy, machine=M, change=change, event=code,
                  expected_version=expected_version, comment=note, data=event_data, outcome=True)
    if out.result.counted:
        _sync_investigating_level(out.obj, actor)
        _sync_late_flag(out.obj, actor)
    return out.result


# --- follow-up reports (续报) ----------------------------------------------------------------

def _check_moment(a: Accident, moment: datetime | None, field: str, missing_message: str) -> None:
    if moment is None:
        raise ValidationError({field: missing_message})
    if moment < a.occurred_at:
        raise ValidationError({field: _("This time cannot precede the accident.")})
    if moment > timezone.now() + timedelta(minutes=5):
        raise ValidationError({field: _("This time cannot be in the future.")})


@transaction.atomic
def record_followup(accident: Accident, *, actor, reported_at: datetime, text: str, reported_by: str = "",
                    figures: dict[str, Any] | None = None, expected_version: int | None = None) -> FollowUpReport:
    """续报: record a follow-up report on the accident (when, by whom, the situation, the
    casualties as reported then). Figures left out keep the accident's current values; figures
    that differ from them are recorded in the same step as a casualty update (补报, as
    ``record_casualty_update`` does, with its own event: counted and re-graded inside the update
    window), so the accident's figures follow its latest report. The enterprise of the accident
    and regulators in scope may record follow-ups (the same right as casualty updates)."""
    text = (text or "").strip()
    figures = dict(figures or {})
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> tuple[FollowUpReport, CasualtyUpdate | None]:
        _check_moment(a, reported_at, "reported_at", _("Give the time of the follow-up report."))
        if not text:
            raise ValidationError({"text": _("Describe the situation reported.")})
        unknown = set(figures) - set(HEAD_COUNTS)
        if unknown:
            raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})
        new = {name: figures[name] if figures.get(name) is not None else getattr(a, name) for name in HEAD_COUNTS}
        for name, value in new.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError({name: _("Give a whole number of persons (0 or more).")})
        update = None
        changed = {n: v for n, v in new.items() if v != getattr(a, n)}
        if changed:
            update, data = _apply_casualty_update(
                a, actor=actor, as_of=reported_at, figures=changed,
                note=_("Follow-up report: %(text)s") % {"text": text[:200]})
            record_event(a, _casualty_event(update), actor=actor, comment=update.note, data=data)
        report = FollowUpReport(accident=a, reported_at=reported_at, reported_by=(reported_by or "").strip()[:100],
                                text=text, casualty_update=update,
                                recorded_by=actor if getattr(actor, "pk", None) else None, **new)
        report.full_clean(exclude=["accident", "casualty_update"])
        report._history_user = actor
        report.save()
        event_data.update(followup=report.pk, reported_at=reported_at.isoformat(),
                          casualty_update=update.pk if update else None, **new)
        return report, update

    out = perform(accident, "record_followup", actor=actor, policy=policy, machine=M, change=change,
                  expected_version=expected_version, comment=text[:300], data=event_data, outcome=True)
    report, update = out.result
    if update is not None and update.counted:
        _sync_investigating_level(out.obj, actor)
        _sync_late_flag(out.obj, actor)
    return report


def declare_situation_stable(accident: Accident, *, actor, stable_at: datetime, note: str = "",
                             expected_version: int | None = None) -> Accident:
    """The situation is stable (rescue over, no new developments): the follow-up reports
    (续报) owed since the first report end here, and so does the missed-follow-up warning.
    Declared once, by a regulator in scope, on an accident that owes follow-ups."""
    note = (note or "").strip()
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> None:
        _check_moment(a, stable_at, "stable_at", _("Give the time from which the situation is stable."))
        a.situation_stable_at, a.situation_stable_note = stable_at, note
        event_data["stable_at"] = stable_at.isoformat()

    return perform(accident, "declare_stable", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, comment=note, data=event_data)


# --- reporting chain ------------------------------------------------------------------------

@transaction.atomic
def record_reporting_step(accident: Accident, *, actor, level: str, received_at: datetime,
                          passed_on_at: datetime | None = None, department: str = "", handled_by: str = "",
                          note: str = "", expected_version: int | None = None) -> ReportingStep:
    """Record (or correct) when a government level received the report and passed it on. One step
    per level; recording a level again corrects it. The automatic 迟报 flag follows."""
    corrects = ReportingStep.objects.filter(accident_id=accident.pk, level=level, is_voided=False).exists()
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> ReportingStep:
        if level not in ReportingLevel.values or level == ReportingLevel.UNIT_HEAD:
            raise ValidationError({"level": _("Choose a government level (the unit's own report is on the accident).")})
        if received_at is None:
            raise ValidationError({"received_at": _("Give the time this level received the report.")})
        if received_at < a.occurred_at:
            raise ValidationError({"received_at": _("A report cannot be received before the accident occurred.")})
        if passed_on_at is not None and passed_on_at < received_at:
            raise ValidationError({"passed_on_at": _("The report cannot be passed on before it was received.")})
        step = ReportingStep.objects.filter(accident=a, level=level, is_voided=False).first()
        if (step is not None) != corrects:  # another request recorded this level meanwhile
            raise _stale()
        step = step or ReportingStep(accident=a, level=level)
        step.received_at, step.passed_on_at = received_at, passed_on_at
        step.department, step.handled_by, step.note = department[:100], handled_by[:50], note[:300]
        step.recorded_by = actor if getattr(actor, "pk", None) else None
        step._history_user = actor
        step.save()
        event_data.update(step=step.pk, level=level, received_at=received_at.isoformat(),
                          passed_on_at=passed_on_at.isoformat() if passed_on_at else None)
        return step

    out = perform(accident, "record_step", actor=actor, policy=policy, machine=M, change=change,
                  event=ev.STEP_CORRECTED if corrects else ev.STEP_RECORDED, expected_version=expected_version,
                  data=event_data, outcome=True)
    _sync_late_flag(out.obj, actor)
    return out.result


# --- flags ----------------------------------------------------------------------------------

def record_flag(accident: Accident, *, actor, kind: str, note: str = "", files: Iterable = (),
                expected_version: int | None = None) -> ReportingFlag:
    """Record a reporting violation. 漏报, 谎报 and 瞒报 are recorded only by investigators
    (the ``investigate_accident`` permission) in whose jurisdiction the accident is; a 迟报
    may also be recorded by hand (by them) when the chain on file does not show it."""
    note = (note or "").strip()
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> ReportingFlag:
        if kind not in FlagKind.values:
            raise ValidationError({"kind": _("Unknown kind of flag.")})
        if not note:
            raise ValidationError({"note": _("Describe what was found.")})
        flag = ReportingFlag(accident=a, kind=kind, note=note,
                             recorded_by=actor if getattr(actor, "pk", None) else None)
        flag._history_user = actor
        flag.save()
        attach_files(flag, files, actor=actor, kind=Attachment.Kind.EVIDENCE)
        event_data.update(flag=flag.pk, kind=kind)
        return flag

    return perform(accident, "record_flag", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, comment=note, data=event_data, outcome=True).result


def decide_flag(flag: ReportingFlag, *, actor, confirm: bool, comment: str = "",
                expected_version: int | None = None) -> ReportingFlag:
    """Confirm (e.g. 瞒报 verified by investigation) or retract a recorded flag: a step of the
    flag's machine, taken within a step on its accident (locked, version checked against
    ``expected_version`` when given, bumped, with the event)."""
    step = FLAG_MACHINE["confirm" if confirm else "retract"]
    comment = (comment or "").strip()
    event_data: dict[str, Any] = {}

    def decide(f: ReportingFlag) -> None:
        if not confirm and not comment:
            raise ValidationError({"comment": _("Give the reason for retracting the flag.")})
        f.decided_by = actor if getattr(actor, "pk", None) else None
        f.decided_at = timezone.now()
        f.decision_comment = comment

    def change(a: Accident) -> ReportingFlag:
        # The accident's lock serialises the decisions; the right was asked on the accident.
        f = perform(flag, step.action, actor=actor, policy=None, machine=FLAG_MACHINE, change=decide, event=False)
        event_data.update(flag=f.pk, kind=f.kind)
        return f

    # The caller holds the flag, not the accident: its copy is read now.
    accident = Accident.objects.get(pk=flag.accident_id)
    # The accident's event is the flag step's (confirmed or retracted).
    return perform(accident, DECIDE_FLAG, actor=actor, policy=policy, right="investigate", change=change,
                   event=step.event, expected_version=expected_version, comment=comment, data=event_data,
                   outcome=True).result


# --- investigation ---------------------------------------------------------------------------

def _sync_investigating_level(a: Accident, actor) -> None:
    """A re-grade may move the investigation to another government level (条例 Art. 20); a
    corrected time or grade moves the report and approval deadlines (saved again)."""
    inv = Investigation.objects.filter(accident=a).select_related("accident").first()
    if inv is None:
        return
    inv.accident = a
    want = INVESTIGATING_LEVEL_BY_GRADE[AccidentGrade(a.grade)]
    if inv.approved_on is None and inv.responsible_level != want:
        before = inv.responsible_level
        inv.responsible_level = want
        inv._history_user = actor
        inv.save(update_fields=["responsible_level"])
        record_event(a, ev.INVESTIGATING_LEVEL_CHANGED, actor=actor, data={"before": before, "after": want})
    elif (inv.compute_report_due_on(), inv.compute_approval_deadline()) != (inv.report_due_on, inv.approval_deadline):
        inv._history_user = actor
        inv.save(update_fields=["report_due_on", "approval_deadline"])


INVESTIGATION_FIELDS = frozenset({"leader", "members", "departments", "started_on", "cause", "nature",
                                  "conclusion"})


def _set_investigation_fields(inv: Investigation, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if name not in INVESTIGATION_FIELDS:
            raise ValidationError({name: _("This field cannot be changed here.")})
        setattr(inv, name, value)


def _locked_investigation(a: Accident) -> Investigation:
    inv = Investigation.objects.select_for_update(of=("self",)).get(accident=a)
    inv.accident = a
    return inv


def start_investigation(accident: Accident, *, actor, data: dict[str, Any],
                        expected_version: int | None = None) -> Investigation:
    """reported → investigating: form the investigation team. The responsible government level
    follows from the grade (条例 Art. 19)."""
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> Investigation:
        _refuse_unknown(data, INVESTIGATION_FIELDS)
        inv = Investigation(accident=a, responsible_level=INVESTIGATING_LEVEL_BY_GRADE[AccidentGrade(a.grade)],
                            **{"started_on": timezone.localdate(), **data})
        if inv.started_on < _local_date(a.occurred_at):
            raise ValidationError({"started_on": _("The investigation cannot start before the accident.")})
        _save_child(inv, actor)
        event_data["level"] = inv.responsible_level
        return inv

    return perform(accident, "start_investigation", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, data=event_data, outcome=True).result


def update_investigation(accident: Accident, *, actor, data: dict[str, Any],
                         expected_version: int | None = None) -> Investigation:
    """Change the team, causes, nature or conclusion while the investigation runs."""

    def change(a: Accident) -> Investigation:
        inv = _locked_investigation(a)
        _set_investigation_fields(inv, data)
        _save_child(inv, actor)
        return inv

    return perform(accident, "update_investigation", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, data={"fields": sorted(data)}, outcome=True).result


def submit_investigation_report(accident: Accident, *, actor, submitted_on: date, data: dict[str, Any] | None = None,
                                files: Iterable = (), expected_version: int | None = None) -> Investigation:
    """investigating → report_submitted: the team's report reaches the government, which must
    approve it within 15 days (30 for 特别重大, 条例 Art. 32)."""
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> Investigation:
        inv = _locked_investigation(a)
        if submitted_on is None or submitted_on < inv.started_on:
            raise ValidationError({"submitted_on": _("The report cannot be submitted before the investigation "
                                                     "started.")})
        if submitted_on > timezone.localdate():
            raise ValidationError({"submitted_on": _("This date cannot be in the future.")})
        _set_investigation_fields(inv, data or {})
        inv.report_submitted_on = submitted_on
        inv._history_user = actor
        inv.save()
        event_data.update(submitted_on=submitted_on.isoformat(), approval_deadline=inv.approval_deadline.isoformat(),
                          report_due_on=inv.report_due_on.isoformat(), late=inv.report_submitted_late)
        return inv

    return perform(accident, "submit_report", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, data=event_data, files=files,
                   file_kind=Attachment.Kind.DOCUMENT, outcome=True).result


def extend_report_deadline(accident: Accident, *, actor, days: int, reason: str,
                           expected_version: int | None = None) -> Investigation:
    """Extend the investigation report's deadline (条例 Art. 29: approved by the government in
    charge of the investigation, in special cases): once, while the report is not submitted, by
    at most the days the ``InvestigationTimeLimit`` in force on the accident's day allows (60)."""
    reason = (reason or "").strip()
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> Investigation:
        inv = _locked_investigation(a)
        limit = time_limit_on(_local_date(a.occurred_at))
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit.max_extension_days:
            raise ValidationError({"days": _("Extend by 1 to %(max)s days.") % {"max": limit.max_extension_days}})
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the extension and who approved it.")})
        before = inv.report_due_on
        inv.report_extension_days, inv.report_extension_reason = days, reason[:200]
        inv._history_user = actor
        inv.save()
        event_data.update(days=days, before=before.isoformat() if before else None,
                          report_due_on=inv.report_due_on.isoformat())
        return inv

    return perform(accident, "extend_report", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, comment=reason, data=event_data, outcome=True).result


def extend_approval(accident: Accident, *, actor, days: int, reason: str,
                    expected_version: int | None = None) -> Investigation:
    """Extend the approval deadline of a 特别重大 accident's report, once, by at most 30 days."""
    reason = (reason or "").strip()
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> Investigation:
        inv = _locked_investigation(a)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_APPROVAL_EXTENSION_DAYS:
            raise ValidationError({"days": _("Extend by 1 to 30 days.")})
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the extension.")})
        inv.extension_days, inv.extension_reason = days, reason[:200]
        inv._history_user = actor
        inv.save()
        event_data.update(days=days, approval_deadline=inv.approval_deadline.isoformat())
        return inv

    return perform(accident, "extend_approval", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, comment=reason, data=event_data, outcome=True).result


def approve_investigation_report(accident: Accident, *, actor, approved_on: date, comment: str = "",
                                 expected_version: int | None = None) -> Investigation:
    """report_submitted → closed: the government approved (批复) the report."""
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> Investigation:
        inv = _locked_investigation(a)
        if approved_on is None or approved_on < inv.report_submitted_on:
            raise ValidationError({"approved_on": _("The approval cannot precede the report's submission.")})
        if approved_on > timezone.localdate():
            raise ValidationError({"approved_on": _("This date cannot be in the future.")})
        inv.approved_on = approved_on
        inv._history_user = actor
        inv.save()
        event_data.update(approved_on=approved_on.isoformat(), late=approved_on > inv.approval_deadline)
        return inv

    return perform(accident, "approve_report", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, comment=comment, data=event_data, outcome=True).result


# --- rectification and accountability ------------------------------------------------------

RECTIFICATION_FIELDS = frozenset({"problem", "measures", "responsible_unit", "deadline", "listing_level",
                                  "listing_unit"})


def add_rectification(accident: Accident, *, actor, data: dict[str, Any],
                      expected_version: int | None = None) -> AccidentRectification:
    """Record a problem the accident exposed and its required rectification (optionally listed
    for supervision at a government level)."""
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> AccidentRectification:
        _refuse_unknown(data, RECTIFICATION_FIELDS)
        rect = AccidentRectification(accident=a, created_by=actor if getattr(actor, "pk", None) else None, **data)
        if rect.listing_level:
            rect.listed_at = timezone.now()
            if not rect.listing_unit:
                raise ValidationError({"listing_unit": _("Name the supervising unit of a listed rectification.")})
        _save_child(rect, actor)
        event_data.update(rectification=rect.pk, listed=rect.listing_level)
        return rect

    return perform(accident, "add_rectification", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, data=event_data, outcome=True).result


@transaction.atomic
def rectify(rect: AccidentRectification, *, actor, note: str, files: Iterable = (),
            expected_version: int | None = None) -> AccidentRectification:
    """open → rectified: the responsible unit's rectification is done (by the enterprise of the
    accident or the regulator), with evidence. The event is the accident's (its timeline); the
    evidence is the rectification's."""
    note = (note or "").strip()

    def change(r: AccidentRectification) -> None:
        if not note:
            raise ValidationError({"note": _("Describe what was done.")})
        r.rectified_note, r.rectified_at = note, timezone.now()

    r = perform(rect, "rectify", actor=actor, policy=policy, machine=RECTIFICATION_MACHINE,
                change=change, expected_version=expected_version, event=False)
    event = record_event(r.accident, ev.RECTIFICATION_DONE, actor=actor, comment=note, data={"rectification": r.pk})
    attach_files(r, files, actor=actor, kind=Attachment.Kind.EVIDENCE, event=event)
    return r


@transaction.atomic
def verify_rectification(rect: AccidentRectification, *, actor, comment: str = "",
                         expected_version: int | None = None) -> AccidentRectification:
    """rectified → verified by the investigating side (the event is the accident's)."""

    def change(r: AccidentRectification) -> None:
        r.verified_by, r.verified_at = actor, timezone.now()

    r = perform(rect, "verify", actor=actor, policy=policy, machine=RECTIFICATION_MACHINE,
                change=change, expected_version=expected_version, event=False)
    record_event(r.accident, ev.RECTIFICATION_VERIFIED, actor=actor, comment=comment, data={"rectification": r.pk})
    return r


ACCOUNTABILITY_FIELDS = frozenset({"person_name", "position", "unit", "measure", "detail", "fine_yuan",
                                   "decided_on", "decided_by_unit"})


def add_accountability(accident: Accident, *, actor, data: dict[str, Any],
                       expected_version: int | None = None) -> Accountability:
    """Record a measure of accountability (who, what measure, decided when and by whom)."""
    event_data: dict[str, Any] = {}

    def change(a: Accident) -> Accountability:
        _refuse_unknown(data, ACCOUNTABILITY_FIELDS)
        rec = Accountability(accident=a, recorded_by=actor if getattr(actor, "pk", None) else None, **data)
        if rec.fine_yuan is not None and rec.fine_yuan < 0:
            raise ValidationError({"fine_yuan": _("A fine cannot be negative.")})
        _save_child(rec, actor)
        event_data.update(accountability=rec.pk, measure=rec.measure)
        return rec

    return perform(accident, "add_accountability", actor=actor, policy=policy, machine=M, change=change,
                   expected_version=expected_version, data=event_data, outcome=True).result


# --- voiding --------------------------------------------------------------------------------

def void_accident(accident: Accident, *, actor, reason: str, expected_version: int | None = None) -> Accident:
    """Void an accident entered in error (kept, marked, with an event); regulators in scope only."""
    return void(accident, actor=actor, policy=policy, reason=reason, expected_version=expected_version, machine=M)

"""The one write path: every state change of every app goes through ``perform`` (or ``create``).

A change of a record that users entered is always the same sequence, in one transaction:

1. lock the row (``SELECT … FOR UPDATE``) and re-read it;
2. refuse a voided record (unless the step is the void itself);
3. check the expected version: the one the caller sends, else the one of the copy the caller
   loaded. A mismatch is a ``ConflictError`` (409) — always, for every versioned model;
4. check the actor's right through the app's policy: ``policy.can(actor, action, obj)``;
5. if the model has a state machine, check that the step is possible from the current state
   and that its guards (business rules declared with the machine) hold;
6. apply the change (a callable the service passes), set the step's target state;
7. bump the version, save (django-simple-history writes the field history with the actor and
   the action as the reason), write the event, attach the files the step brought.

Anything raised on the way rolls the whole step back: nothing is half-written.

State machines are declared as data (``StateMachine`` of ``Step``s) in each app's
``choices.py``; the services, the page buttons (``available_steps``), the API's available actions
and the documentation's state tables (``StateMachine.table``) all read the same declaration, so
they cannot disagree.

Usage in a service::

    def start_rectification(hazard, *, actor, expected_version=None, comment=""):
        return perform(hazard, "start_rectification", actor=actor, policy=policy,
                       machine=HAZARD_MACHINE, expected_version=expected_version, comment=comment)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Attachment, Event
from .services import ConflictError

M = TypeVar("M", bound=models.Model)


# --- rights -------------------------------------------------------------------------------------

class Policy:
    """Answers ``can(actor, action, obj)`` for one app: may this person take this action on this
    record? Each app subclasses it once (in ``policy.py``) with a method ``may_<action>`` per action
    (or a shared method named in ``aliases``). A system administrator may do anything a rule
    allows in principle; the state machine's guards still apply to them.

    An action without a rule is refused (and ``strict`` tests find it), never silently allowed."""

    #: action → name of the method that decides it, for actions decided by the same rule.
    aliases: dict[str, str] = {}

    def is_admin(self, actor) -> bool:
        return bool(actor is not None and getattr(actor, "is_system_admin", False))

    def rule(self, action: str) -> Callable[[Any, Any], bool] | None:
        return getattr(self, f"may_{self.aliases.get(action, action)}", None)

    def can(self, actor, action: str, obj: Any = None) -> bool:
        if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
            return False
        rule = self.rule(action)
        if rule is None:
            return False
        if self.is_admin(actor):
            return True
        return bool(rule(actor, obj))

    def require(self, actor, action: str, obj: Any = None, message: str | None = None) -> None:
        if not self.can(actor, action, obj):
            raise PermissionDenied(message or _("You may not take this step on this record."))


# --- state machines as data ---------------------------------------------------------------------

@dataclass(frozen=True)
class Guard:
    """A business rule a step needs besides its source state, e.g. "a closed hazard cannot be
    voided". ``check(obj)`` answers True when the step may go on; else the step is refused with
    ``message`` under ``field`` (a 400 naming the field)."""

    check: Callable[[Any], bool]
    message: Any  # a lazy translation
    field: str = "state"
    #: When given, the refusal names the fields this answers ({field: message}) instead of
    #: ``message`` under ``field`` (e.g. each missing item of a plan).
    errors: Callable[[Any], dict] | None = None


@dataclass(frozen=True)
class Step:
    """One step of a state machine: its action code (also the event's action and the policy's
    action), a label for buttons and docs, the states it may start from (empty: any state), the
    state it leads to (None: the state stays), and its guards. ``event`` is the event's action
    code when it differs from the step's (codes already in the database keep their meaning)."""

    action: str
    label: Any
    sources: tuple[str, ...] = ()
    target: str | None = None
    guards: tuple[Guard, ...] = ()
    #: The policy action that decides who may take this step, when it differs from ``action``.
    right: str | None = None
    event: str | None = None

    @property
    def policy_action(self) -> str:
        return self.right or self.action

    def refusal(self, obj, state_field: str) -> ValidationError | None:
        """Why this step cannot be taken on ``obj`` now (None when it can)."""
        state = getattr(obj, state_field)
        if self.sources and state not in self.sources:
            display = getattr(obj, f"get_{state_field}_display", lambda: state)()
            return ValidationError({state_field: _("This step is not possible while the record is %(state)s.")
                                    % {"state": display}})
        for guard in self.guards:
            if not guard.check(obj):
                return ValidationError(guard.errors(obj) if guard.errors else {guard.field: str(guard.message)})
        return None


VOID_STEP = "void"
"""The action of a machine's void step, which ``void`` takes when the machine declares one."""
VOIDED_EVENT = "voided"
"""The event code of every void (the void step's ``event``)."""


@dataclass(frozen=True)
class StateMachine:
    """The states of a model's ``state_field`` and the steps between them, declared once."""

    model: str  # "app_label.ModelName", for the docs
    states: type[models.TextChoices]
    steps: Sequence[Step]
    state_field: str = "state"
    _index: dict[str, Step] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        for s in self.steps:
            if s.action in self._index:
                raise ValueError(f"{self.model}: step {s.action!r} declared twice")
            for state in (*s.sources, *([s.target] if s.target else [])):
                if state not in self.states.values:
                    raise ValueError(f"{self.model}: step {s.action!r} names unknown state {state!r}")
            if s.action == VOID_STEP and s.event != VOIDED_EVENT:
                # ``void`` takes this step: a voided record's event is ``voided`` in every app.
                raise ValueError(f"{self.model}: the {VOID_STEP!r} step must declare event={VOIDED_EVENT!r}")
            self._index[s.action] = s

    def __getitem__(self, action: str) -> Step:
        return self._index[action]

    def __contains__(self, action: str) -> bool:
        return action in self._index

    def possible(self, obj, action: str) -> bool:
        """The step exists and its state and guards allow it on ``obj`` (rights aside)."""
        step = self._index.get(action)
        return step is not None and step.refusal(obj, self.state_field) is None

    def table(self) -> list[dict[str, Any]]:
        """One row per step (for the docs and the admin): action, label, from, to, rules."""
        labels = dict(self.states.choices)
        return [{"action": s.action, "label": str(s.label),
                 "from": [str(labels[x]) for x in s.sources] or [str(gettext_lazy("any state"))],
                 "to": str(labels[s.target]) if s.target else "",
                 "rules": [str(g.message) for g in s.guards]} for s in self.steps]


def available_steps(machine: StateMachine, policy: Policy, actor, obj) -> list[str]:
    """The steps of ``machine`` that ``actor`` may take on ``obj`` now: possible from its state,
    guards holding, and the policy allowing. Buttons and the API's ``available_actions`` read this."""
    if getattr(obj, "is_voided", False):
        return []
    return [s.action for s in machine.steps
            if s.refusal(obj, machine.state_field) is None and policy.can(actor, s.policy_action, obj)]


# --- the write path -----------------------------------------------------------------------------

def is_versioned(model: type[models.Model]) -> bool:
    """Versioned models carry an optimistic-lock counter (``core.models.VersionedModel``)."""
    from .models import VersionedModel

    return issubclass(model, VersionedModel)


def check_version(locked: models.Model, expected: int | None, *, label: str | None = None) -> None:
    """Refuse with a ``ConflictError`` when ``locked`` (re-read under the lock) is not at the
    ``expected`` version."""
    if expected is None or not is_versioned(type(locked)):
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise ValidationError({"version": _("The version must be a whole number.")}) from None
    if locked.version != expected:
        state = getattr(locked, "state", "")
        display = getattr(locked, "get_state_display", lambda: "")()
        raise ConflictError(
            _("This %(record)s was changed by someone else meanwhile (now: %(state)s). Reload it and try again.")
            % {"record": label or locked._meta.verbose_name, "state": display or _("changed")},
            current_state=state, current_version=locked.version,
        )


def lock(obj: M, *, expected_version: int | None = None, allow_voided: bool = False) -> M:
    """Re-read ``obj`` under a row lock and check its version (the one given, else the one of the
    copy at hand). Must run inside a transaction; ``perform`` is the usual way in."""
    model = type(obj)
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    if not allow_voided and getattr(locked, "is_voided", False):
        raise ValidationError({"is_voided": _("This record is voided.")})
    if is_versioned(model):
        check_version(locked, expected_version if expected_version is not None else getattr(obj, "version", None))
    return locked


@dataclass
class Outcome:
    """What ``perform`` wrote: the locked and saved record, its event, and whatever ``change``
    answered (e.g. a created child record)."""

    obj: Any
    event: Event | None
    result: Any = None


def perform(
    obj: M,
    action: str,
    *,
    actor,
    policy: Policy | None,
    change: Callable[[M], Any] | None = None,
    machine: StateMachine | None = None,
    expected_version: int | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
    files: Iterable = (),
    file_kind: str = Attachment.Kind.EVIDENCE,
    right: str | None = None,
    event: bool | str = True,
    save: bool = True,
    allow_voided: bool = False,
    outcome: bool = False,
) -> M | Outcome:
    """Take the step ``action`` on ``obj`` for ``actor``: lock, version, right, state and guards,
    change, version bump, history, event and files, in one transaction (see the module docstring).

    ``change(locked)`` edits the locked copy (and may write child rows); what it answers is in the
    ``Outcome`` when ``outcome=True``. ``right`` names the policy action when it differs from
    ``action``; ``policy=None`` is only for steps whose right the caller has already decided in the
    same transaction (e.g. a step taken on each hazard of a notice). ``save=False`` skips saving the
    record itself (a step that writes only child rows still bumps the version and writes the event).
    ``event=False`` writes no event; a string is the event's code when the input decides it rather
    than the step (a casualty update counted or late: one step, two codes).
    """
    files = list(files or [])
    with transaction.atomic():
        locked = lock(obj, expected_version=expected_version, allow_voided=allow_voided)
        step = machine[action] if machine is not None and action in machine else None
        policy_action = right or (step.policy_action if step else action)
        if policy is not None:
            policy.require(actor, policy_action, locked)
        from_state = ""
        if step is not None:
            refusal = step.refusal(locked, machine.state_field)
            if refusal is not None:
                raise refusal
            from_state = getattr(locked, machine.state_field)
        result = change(locked) if change is not None else None
        if step is not None and step.target:
            setattr(locked, machine.state_field, step.target)
        # The event's code: the caller's (when the input decides it), else the step's (when it names
        # one), else the action's.
        code = step.event if step is not None and step.event else action
        code = event if isinstance(event, str) else code
        versioned = is_versioned(type(locked))
        if versioned:
            # A plain increment is safe: the row is locked. (An F() expression would also reach
            # the history row, which is inserted, not updated.)
            locked.version += 1
        if save:
            locked._history_user = actor if getattr(actor, "pk", None) else None
            locked._change_reason = code[:100]
            locked.save()
        elif versioned:
            type(locked)._default_manager.filter(pk=locked.pk).update(version=locked.version)
        written = None
        if event:
            # A step with a target records from → to; so does one whose change moved the state
            # (a target that depends on the input, e.g. a re-check that did not pass).
            moved = step is not None and (step.target or getattr(locked, machine.state_field) != from_state)
            to_state = getattr(locked, machine.state_field) if moved else ""
            written = services.record_event(locked, code, actor=actor, from_state=from_state if to_state else "",
                                            to_state=to_state, comment=comment, data=data)
        if files:
            services.attach_files(locked, files, actor=actor, kind=file_kind, event=written)
    if outcome:
        return Outcome(locked, written, result)
    return locked


def create(
    obj: M,
    *,
    actor,
    policy: Policy | None,
    action: str = "created",
    right: str | None = None,
    prepare: Callable[[M], Any] | None = None,
    clean: bool = True,
    comment: str = "",
    data: dict[str, Any] | None = None,
    files: Iterable = (),
    file_kind: str = Attachment.Kind.PHOTO,
    event: bool = True,
) -> M:
    """Save a new record for ``actor``: right (the policy decides ``right`` or ``action`` on the
    unsaved object), ``prepare(obj)`` (numbering, copied keys; may run after a first save when it
    needs the id), validation, save with history, the event and the files, in one transaction."""
    files = list(files or [])
    with transaction.atomic():
        if policy is not None:
            policy.require(actor, right or action, obj)
        if clean:
            obj.full_clean()
        obj._history_user = actor if getattr(actor, "pk", None) else None
        obj._change_reason = action[:100]
        obj.save()
        if prepare is not None:
            prepare(obj)
        written = services.record_event(obj, action, actor=actor, comment=comment, data=data) if event else None
        if files:
            services.attach_files(obj, files, actor=actor, kind=file_kind, event=written)
    return obj


def void(obj: M, *, actor, policy: Policy | None, reason: str, expected_version: int | None = None,
         right: str = "void", machine: StateMachine | None = None) -> M:
    """Void a user-entered record (never delete it) through the write path; the reason is the event's
    comment and the event's code is ``voided``. A machine's ``void`` step (with its sources and
    guards, e.g. "a closed hazard cannot be voided") applies when the machine declares one."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"void_reason": _("Give a reason for voiding this record.")})

    def change(locked):
        if locked.is_voided:
            raise ValidationError({"is_voided": _("This record is already voided.")})
        locked.is_voided = True
        locked.voided_at = timezone.now()
        locked.void_reason = reason[:200]

    # A machine's ``void`` step declares the event ``voided`` (``StateMachine`` checks it), so the
    # record's history reads the same whether or not its model has a machine.
    if machine is not None and VOID_STEP in machine:
        return perform(obj, VOID_STEP, actor=actor, policy=policy, change=change, machine=machine,
                       expected_version=expected_version, right=right, comment=reason, allow_voided=True)
    return perform(obj, VOIDED_EVENT, actor=actor, policy=policy, change=change, expected_version=expected_version,
                   right=right, comment=reason, allow_voided=True)


# --- for services whose caller goes on with its copy ---------------------------------------------

class Unchanged(Exception):
    """Raised by a step's ``change`` that finds nothing to change (an edit that sets every field
    to its value): ``perform_step`` then writes nothing — no version bump, no event — after the
    lock, the version, the right and the machine were checked all the same."""


def follow(copy: models.Model, written: models.Model) -> None:
    """Bring the caller's ``copy`` to the version the step wrote, so that the same caller's next
    step on it (a page that saves then submits, a test) is not taken for someone else's change.
    Only the caller's own write moves its copy on: a change by anyone else still finds it stale.
    (The copy's other fields stay as they were: reload it to read them.)"""
    if copy is not written and is_versioned(type(written)) and isinstance(copy, type(written)):
        copy.version = written.version


def perform_step(obj: M, action: str, **kwargs) -> M | Outcome | None:
    """``perform`` for a service whose caller keeps working with ``obj``: the copy follows the
    step (``follow``), and a ``change`` raising ``Unchanged`` answers None, writing nothing."""
    try:
        done = perform(obj, action, **kwargs)
    except Unchanged:
        return None
    follow(obj, done.obj if isinstance(done, Outcome) else done)
    return done

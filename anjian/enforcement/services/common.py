"""Helpers the enforcement services share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from anjian.core.workflow import StateMachine, perform_step

from ..policy import policy


def who(actor):
    """The actor as a stored user (None for a system step)."""
    return actor if getattr(actor, "pk", None) else None


def display_name(user) -> str:
    return (getattr(user, "name", "") or user.get_username())[:50] if user is not None else ""


def check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse a field the caller may not set here, naming it."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be set here.")})


def copy_enterprise_keys(row: models.Model, enterprise) -> None:
    """The enterprise's scoping keys, copied onto the row (as hazards do)."""
    row.region_path = enterprise.region_path
    row.industry_id = enterprise.industry_id
    if hasattr(row, "grid_id"):
        row.grid_id = enterprise.grid_id


def step(obj: models.Model, action: str, machine: StateMachine, *, actor, change: Callable | None = None,
         version: int | None = None, comment: str = "", data: dict | None = None, files: Iterable = (),
         file_kind: str | None = None, outcome: bool = False, event: bool | str = True):
    """Take ``action`` (a step of ``machine``) on ``obj`` for ``actor`` through the write path; the
    caller's copy follows (``core.workflow.perform_step``)."""
    kwargs: dict[str, Any] = {}
    if file_kind:
        kwargs["file_kind"] = file_kind
    return perform_step(obj, action, actor=actor, policy=policy, machine=machine, change=change,
                        expected_version=version, comment=comment, data=data, files=files, outcome=outcome,
                        event=event, **kwargs)


def edit_fields(allowed: Iterable[str], data: Mapping[str, Any], *, clean: bool = True) -> Callable:
    """A ``change`` that sets ``data`` (only ``allowed`` fields) on the locked row and records which
    fields changed in the event's data (``changed``)."""
    from anjian.core.workflow import Unchanged

    def change(locked: models.Model) -> list[str]:
        check_fields(data, allowed)
        changed = [k for k, v in data.items() if getattr(locked, k) != v]
        if not changed:
            raise Unchanged
        for name in changed:
            setattr(locked, name, data[name])
        if clean:
            locked.full_clean()
        return changed

    return change

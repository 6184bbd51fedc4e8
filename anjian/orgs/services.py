"""Changes to departments and user accounts that are steps of their own (the account and
department forms of the API save the fields themselves, for administrators only).

Each goes through the one write path (``core.workflow``): the row is locked, the right is
the app policy's (``policy.py``: system administrators), and the change and its event are
written in one transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from anjian.core.workflow import perform, void

from . import events
from .models import Department, User
from .policy import policy


def deactivate_user(user: User, *, actor) -> User:
    """Deactivate an account (never delete it: its name stays on what it did); it can no longer
    log in. A deactivated account is not deactivated twice, and nobody deactivates their own
    (an administrator would lock themselves out mid-session)."""
    def change(locked: User) -> None:
        if actor is not None and locked.pk == actor.pk:
            raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
        if not locked.is_active:
            raise ValidationError({"is_active": _("This account is already deactivated.")})
        locked.is_active = False

    return perform(user, events.USER_DEACTIVATED, actor=actor, policy=policy, right="manage_users", change=change)


def void_department(department: Department, *, actor, reason: str) -> Department:
    """Void a department entered in error (never delete it: records name it)."""
    return void(department, actor=actor, policy=policy, right="manage_departments", reason=reason)

"""Test helpers for the one write path (core.workflow)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from anjian.core.services import ConflictError


def succeeds(step: Callable[[], object]) -> bool:
    """Whether ``step()`` (a service call) is taken rather than refused (a ValidationError, a
    PermissionDenied or a ConflictError); whatever it wrote is rolled back either way, so one
    record can be tried with every step of its machine."""
    with transaction.atomic():
        try:
            step()
        except (ValidationError, PermissionDenied, ConflictError):
            return False
        finally:
            transaction.set_rollback(True)
    return True

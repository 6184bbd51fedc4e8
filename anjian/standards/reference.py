"""Reloads this app's reference data when a transactional test's flush emptied it (see
anjian/conftest.py); the migrations load the same data on a real database."""

from django.apps import apps


def ensure() -> None:
    """Load the classifications again if they are missing (idempotent, one query when present)."""
    from .data.classifications import load
    from .models import AccidentType

    if not AccidentType.objects.exists():
        load(apps)

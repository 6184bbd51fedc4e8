"""Reloads this app's reference data (the four self-inspection cadences) after a transactional
test's flush (anjian/conftest.py); the migration loads the same rows on a real database."""

import importlib

from django.apps import apps


def ensure() -> None:
    """Create the shipped cadences again when they are missing (one query when present)."""
    from .models import InspectionCadence

    if not InspectionCadence.objects.exists():
        importlib.import_module("anjian.inspections.migrations.0002_load_cadences").load(apps, None)

"""Reloads this app's reference data when a transactional test's flush emptied it (see
anjian/conftest.py); the migrations load the same data on a real database."""

from django.apps import apps


def ensure() -> None:
    """Load the classifications, the criteria catalogue and the starter checklists again if
    they are missing (idempotent, one query each when present)."""
    from .data.classifications import load
    from .data.load import create_starter_checklists, load_criteria
    from .models import AccidentType, MajorHazardCriterion

    if not AccidentType.objects.exists():
        load(apps)
    if not MajorHazardCriterion.objects.exists():
        create_starter_checklists(apps, load_criteria(apps))

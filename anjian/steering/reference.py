"""Reload this app's reference data after a transactional test's flush (see anjian/conftest.py)."""

from django.apps import apps


def ensure() -> None:
    """Create the shipped reporting rules if the table is empty (idempotent, cheap otherwise)."""
    from .data.reporting_rules import load
    from .models import ReportingRule

    if not ReportingRule.objects.exists():
        load(apps)

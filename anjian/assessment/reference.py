"""Reloads this app's reference data after a transactional test's flush (anjian/conftest.py)."""


def ensure() -> None:
    """Load the indicator standards again if there are none (idempotent; one query when present)."""
    from .data.standards import load
    from .models import IndicatorStandard

    if not IndicatorStandard.objects.exists():
        load()

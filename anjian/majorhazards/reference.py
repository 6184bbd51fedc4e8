"""Reloads this app's reference data after a transactional test's flush (anjian/conftest.py)."""

from django.apps import apps


def ensure() -> None:
    """Load the GB 18218-2018 tables again if they are missing (one query when present)."""
    from .calculation import clear_table_cache
    from .data.loader import load
    from .models import CriticalQuantityTable

    if not CriticalQuantityTable.objects.filter(is_current=True).exists():
        load(apps)
        clear_table_cache()

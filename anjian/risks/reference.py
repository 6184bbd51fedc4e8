"""Reloads this app's reference data after a transactional test's flush (anjian/conftest.py)."""


def ensure() -> None:
    """Load the profiles, factor values and rules when they are missing (cheap when present)."""
    from django.apps import apps

    from .evaluation import clear_cache
    from .models import RiskProfile, SupervisionFrequency

    if RiskProfile.objects.exists() and SupervisionFrequency.objects.exists():
        return
    from .data.reference import load

    load(apps)
    clear_cache()

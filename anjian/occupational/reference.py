"""Reload this app's reference data after a transactional test flushed it (see anjian/conftest.py)."""


def ensure() -> None:
    from django.apps import apps

    from .data import factors, parameters
    from .models import HazardFactor, OccupationalParameter, OccupationalSetting

    if not HazardFactor.objects.exists():
        factors.load(apps)
    if not OccupationalParameter.objects.exists() or not OccupationalSetting.objects.exists():
        parameters.load(apps)

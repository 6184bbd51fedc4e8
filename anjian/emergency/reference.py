"""Reload this app's reference data after a transactional test flushed it (see anjian/conftest.py)."""


def ensure() -> None:
    from django.apps import apps

    from .data import reference
    from .models import EmergencyParameter

    if not EmergencyParameter.objects.exists():
        reference.load(apps)

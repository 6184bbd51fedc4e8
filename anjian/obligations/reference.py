"""Reload this app's reference data after a transactional test flushed it (see anjian/conftest.py)."""


def ensure() -> None:
    from django.apps import apps

    from .data import licence_kinds
    from .models import LicenceKind

    if not LicenceKind.objects.exists():
        licence_kinds.load(apps)

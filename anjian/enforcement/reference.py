"""Reload this app's reference data after a transactional test flushed it (see anjian/conftest.py)."""


def ensure() -> None:
    from django.apps import apps

    from .data import cases, reference
    from .models import CaseTimeLimit, FrequencyUplift

    if not FrequencyUplift.objects.exists():
        reference.load(apps)
    if not CaseTimeLimit.objects.exists():
        cases.load(apps)

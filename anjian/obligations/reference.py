"""Reload this app's reference data after a transactional test flushed it (see anjian/conftest.py)."""


def ensure() -> None:
    from django.apps import apps

    from .data import licence_kinds, parameters, safety_org
    from .models import LicenceKind, ObligationParameter, SafetyOrgRequirement

    if not LicenceKind.objects.exists():
        licence_kinds.load(apps)
    if not ObligationParameter.objects.exists():
        parameters.load(apps)
    if not SafetyOrgRequirement.objects.exists():
        safety_org.load(apps)

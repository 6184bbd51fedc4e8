"""Reload the reference data of migration 0002 (required sensor kinds, parameters) after a
transactional test's flush emptied it (anjian/conftest.py ``ensure_reference_data``)."""


def ensure() -> None:
    from django.apps import apps

    from .models import MonitoringParameter, SensorRequirement
    from .parameters import clear_parameter_cache

    if SensorRequirement.objects.exists() and MonitoringParameter.objects.exists():
        return
    from importlib import import_module

    import_module("anjian.monitoring.migrations.0002_reference_and_partitions").load(apps, None)
    clear_parameter_cache()

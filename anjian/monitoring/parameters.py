"""The monitoring parameters (``MonitoringParameter`` rows: escalation times, offline periods, the
accepted time window of readings), read through a per-process cache that a saved row clears
(``MonitoringConfig.ready``) and that lives at most ``CACHE_SECONDS`` in other processes (the
ingest is long-running: an administrator's change reaches it within that time)."""

from __future__ import annotations

import time
from decimal import Decimal

from .data.parameters import DEFAULTS

CACHE_SECONDS = 60.0
_cache: dict[str, Decimal] = {}
_loaded_at = 0.0


def clear_parameter_cache(**_kwargs) -> None:
    global _loaded_at
    _cache.clear()
    _loaded_at = 0.0


def _load() -> None:
    global _loaded_at
    from .models import MonitoringParameter

    values = {code: Decimal(str(spec["value"])) for code, spec in DEFAULTS.items()}
    values.update(dict(MonitoringParameter.objects.values_list("code", "value")))
    _cache.clear()
    _cache.update(values)
    _loaded_at = time.monotonic()


def parameter(code: str) -> Decimal:
    """The value of the parameter ``code`` (the shipped default when its row is missing)."""
    if not _cache or time.monotonic() - _loaded_at > CACHE_SECONDS:
        _load()
    return _cache[code]


def minutes(code: str) -> float:
    return float(parameter(code))

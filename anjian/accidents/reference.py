"""Reloads this app's reference data after a transactional test's flush (anjian/conftest.py)."""


def ensure() -> None:
    """Load the grading thresholds and the reporting rules again if there are none (idempotent;
    two queries when present)."""
    from .data.regulations import load as load_rules
    from .data.thresholds import load
    from .grading import clear_cache
    from .models import GradingThreshold, InvestigationTimeLimit
    from .regulations import clear_cache as clear_rules

    if not GradingThreshold.objects.exists():
        load()
        clear_cache()
    if not InvestigationTimeLimit.objects.exists():
        load_rules()
        clear_rules()

"""Reloads this app's reference data after a transactional test's flush (anjian/conftest.py)."""


def ensure() -> None:
    """Nothing to reload yet."""

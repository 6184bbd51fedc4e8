import pytest


@pytest.fixture(autouse=True)
def _fresh_table_cache():
    """The current GB 18218 table is cached per process; a rolled-back test's version must not
    be seen by the next test (a rollback sends no signals)."""
    from anjian.majorhazards.calculation import clear_table_cache

    clear_table_cache()
    yield
    clear_table_cache()

import pytest

from anjian.risks.evaluation import clear_cache


@pytest.fixture(autouse=True)
def _fresh_evaluation_cache():
    """The profiles are cached per process; a test's rolled-back edits must not leak."""
    clear_cache()
    yield
    clear_cache()

"""The registry's change history is shared plumbing; see ``anjian.core.history``."""

from anjian.core.history import history_rows

__all__ = ["history_rows"]

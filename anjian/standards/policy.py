"""Who may change the standards library: ``policy.can(actor, action, obj)``.

The library (criteria documents, criteria, checklists and their items) is reference data:
every logged-in user reads it, only system administrators change it — through the API, the
pages, the imports and the Django admin alike. A change without an actor is the system's
(the data migrations, imports run by a command): the services ask no right then.
"""

from __future__ import annotations

from anjian.core.workflow import Policy


class StandardsPolicy(Policy):
    """Only system administrators (allowed by ``Policy`` itself) change the library."""

    def may_manage(self, actor, obj=None) -> bool:
        """Create, change, revise, deactivate or bring back a library record."""
        return False


policy = StandardsPolicy()

"""Who may change departments and user accounts: ``policy.can(actor, action, obj)``.

Departments and accounts are the platform's own configuration: system administrators (allowed
by ``Policy`` itself) manage them; nobody else does, whatever their role. Reading departments
is decided by scoping; the user list is the administrators' alone.
"""

from __future__ import annotations

from anjian.core.workflow import Policy


class OrgsPolicy(Policy):
    """Only system administrators (the base class) manage departments and accounts."""

    def may_administer(self, actor, obj=None) -> bool:
        """The work of a system administrator (user accounts, imports of reference data)."""
        return False

    def may_manage_users(self, actor, obj=None) -> bool:
        """Create, change and deactivate user accounts."""
        return False

    def may_manage_departments(self, actor, obj=None) -> bool:
        """Create, change and void departments."""
        return False


policy = OrgsPolicy()

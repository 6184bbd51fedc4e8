"""The API permission class of this app and ``role_may``, the one permission check its pages use.

Which role holds which inspections permission is declared with every other role's in
``anjian.orgs.roles.ROLE_PERMISSIONS``.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from anjian.core.api import RoleModelPermissions


def role_may(user, perm: str) -> bool:
    """``user.has_perm(perm)`` for an active, logged-in user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.has_perm(perm)


class InspectionPermissions(RoleModelPermissions):
    """RoleModelPermissions with ``role_may``; actions on an existing record (set results,
    add an item, photos, raise a hazard, submit) need the change permission, not the add one."""

    message = _("You do not have permission to perform this action.")
    change_actions = frozenset({"results", "add_item", "item_photos", "raise_hazard", "submit"})

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        action = getattr(view, "action", None)
        if request.method in permissions.SAFE_METHODS and action not in self.change_actions:
            return True
        model = self._queryset(view).model
        if action == "void":
            codes = self.get_required_permissions("DELETE", model)
        elif action in self.change_actions:
            codes = self.get_required_permissions("PATCH", model)
        else:
            codes = self.get_required_permissions(request.method, model)
        return all(role_may(user, code) for code in codes)

"""The API permission class of this app: the app policy's rules, asked with no record (may this
caller take this action at all?). The record itself is then checked by the services, with the
same policy, once it is found in the caller's scope (an out-of-scope record is a 404 first)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .policy import policy


class InspectionPermissions(permissions.BasePermission):
    """Reads are open to any authenticated user (scoping decides what they see); a write needs
    the policy action the viewset's ``policy_actions`` names for the view action (``create``,
    ``update``, ``results``, ``void`` …); an action not named there is refused."""

    message = _("You do not have permission to perform this action.")

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        action = getattr(view, "action", None)
        actions = getattr(view, "policy_actions", {})
        if request.method in permissions.SAFE_METHODS and action not in actions:
            return True
        name = actions.get("update" if action == "partial_update" else "void" if action == "destroy" else action)
        return name is not None and policy.can(user, name)

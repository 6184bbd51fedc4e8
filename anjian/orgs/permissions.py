from rest_framework import permissions

from .policy import policy


class IsSystemAdmin(permissions.BasePermission):
    """Only system administrators (the orgs policy's ``administer``): user accounts, imports of
    reference data."""

    def has_permission(self, request, view):
        return policy.can(request.user, "administer")

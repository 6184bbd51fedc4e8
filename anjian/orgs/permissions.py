from rest_framework import permissions


class IsSystemAdmin(permissions.BasePermission):
    """Only system administrators manage users."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_system_admin)

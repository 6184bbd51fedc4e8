from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from anjian.core.admin import NoDeleteHistoryAdmin

from .models import Department, User
from .roles import apply_role_group


@admin.register(Department)
class DepartmentAdmin(NoDeleteHistoryAdmin):
    list_display = ["name", "kind", "region", "phone", "is_voided"]
    list_filter = ["kind", "is_voided"]
    search_fields = ["name"]
    raw_id_fields = ["region"]
    filter_horizontal = ["industries"]
    list_select_related = ["region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts with their role and scope. Saving puts the user in its role's group."""

    list_display = ["username", "name", "role", "department", "scope_region", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "name", "phone"]
    raw_id_fields = ["department", "scope_region", "scope_grid", "scope_enterprise"]
    filter_horizontal = ["scope_industries", "groups", "user_permissions"]
    list_select_related = ["department", "scope_region"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["name", "phone", "email", "department"]}),
        (_("Role and scope"), {"fields": ["role", "scope_region", "scope_industries", "scope_grid",
                                          "scope_enterprise"]}),
        (_("Status"), {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2", "name", "role",
                                                  "scope_region", "scope_grid", "scope_enterprise"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the user's actions stay attributable

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        apply_role_group(form.instance)

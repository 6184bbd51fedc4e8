"""Admin plumbing shared by the apps: records users entered are voided, never deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Event


class NoDeleteHistoryAdmin(SimpleHistoryAdmin):
    """Admin with field history and no hard delete (void through the app or the API instead)."""

    # Voiding is a service with a reason and an event, not a checkbox.
    readonly_fields = ("is_voided", "voided_at", "void_reason", "is_demo")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user, include_voided=True)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "content_type", "object_id", "actor", "from_state", "to_state"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_id", "comment"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Admin of the hazards app: the loop's time limits (TimeLimit, e.g. the 10 days of the re-check)
are regulatory data edited here, with history; nothing else of the ledger is edited in the admin
(every change goes through the services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import TimeLimit


@admin.register(TimeLimit)
class TimeLimitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "days", "basis", "certainty"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        # The codes are the ones the services read; they ship with the migration.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

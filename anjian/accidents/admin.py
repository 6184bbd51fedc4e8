"""Admin of the accidents app: the grading thresholds are reference data edited here (with
history; a save drops the per-process grading cache). Accidents are read here but changed
only through the pages and the API (services: grade, chain, events)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Accident, GradingThreshold


@admin.register(GradingThreshold)
class GradingThresholdAdmin(SimpleHistoryAdmin):
    list_display = ["criterion", "grade", "lower_bound", "effective_from", "source_note"]
    list_filter = ["criterion", "grade"]
    ordering = ["criterion", "-lower_bound"]

    def has_delete_permission(self, request, obj=None):
        # A superseded bound stays as history of how past accidents were graded: add a row with a
        # later effective date instead.
        return False


@admin.register(Accident)
class AccidentAdmin(SimpleHistoryAdmin):
    list_display = ["number", "occurred_at", "grade", "state", "deaths", "serious_injuries", "direct_loss_yuan",
                    "is_voided"]
    list_filter = ["grade", "state", "category", "is_demo"]
    search_fields = ["number", "summary"]
    date_hierarchy = "occurred_at"
    list_select_related = ["region"]

    def get_queryset(self, request):
        return Accident.objects.for_user(request.user, include_voided=True)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

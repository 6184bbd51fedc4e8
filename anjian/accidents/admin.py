"""Admin of the accidents app: the grading thresholds, the investigation report's time limit,
the follow-up report cadences and the counting of missing persons are reference data edited
here (with history; a save drops the per-process caches). Accidents are read here but changed
only through the pages and the API (services: grade, chain, events)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Accident, CasualtyCounting, FollowUpCadence, GradingThreshold, InvestigationTimeLimit


@admin.register(GradingThreshold)
class GradingThresholdAdmin(SimpleHistoryAdmin):
    list_display = ["criterion", "grade", "lower_bound", "effective_from", "source_note"]
    list_filter = ["criterion", "grade"]
    ordering = ["criterion", "-lower_bound"]

    def has_delete_permission(self, request, obj=None):
        # A superseded bound stays as history of how past accidents were graded: add a row with a
        # later effective date instead.
        return False


class ReferenceRuleAdmin(SimpleHistoryAdmin):
    """A rule row stays as the history of how past accidents were judged: no delete (add a row
    with a later effective date instead)."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InvestigationTimeLimit)
class InvestigationTimeLimitAdmin(ReferenceRuleAdmin):
    list_display = ["effective_from", "report_days", "max_extension_days", "source_note"]


@admin.register(FollowUpCadence)
class FollowUpCadenceAdmin(ReferenceRuleAdmin):
    list_display = ["grade", "per_day", "effective_from", "source_note"]
    list_filter = ["grade"]


@admin.register(CasualtyCounting)
class CasualtyCountingAdmin(ReferenceRuleAdmin):
    list_display = ["missing_counted_as_deaths", "source_note"]

    def has_add_permission(self, request):
        # One setting: edit the row there is.
        return not CasualtyCounting.objects.exists()


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

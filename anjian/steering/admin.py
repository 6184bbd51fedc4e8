"""Admin of the committee office's app: the reporting rules are reference data edited here (with
history; a change of rule is a new row with a later effective date, so no delete). The records
(units, reports, …) are read here but changed only through the pages and the API (the services:
the write path, its checks and events)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, Duty, MonthlyReport, Plan, ReportingRule, Summons, Tour, Unit


@admin.register(ReportingRule)
class ReportingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "effective_from", "due_month", "due_day", "min_meetings", "is_confirmed"]
    list_filter = ["code", "is_confirmed"]

    def has_delete_permission(self, request, obj=None):
        # A past row explains the due days of past reports: add a row with a later date instead.
        return False


class ReadOnlyRecordAdmin(SimpleHistoryAdmin):
    """A record the services write: readable here (in the administrator's scope), never added,
    changed or deleted here."""

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user, include_voided=True)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyRecordAdmin):
    list_display = ["name", "kind", "committee_region", "files_monthly_report", "is_member", "is_voided"]
    list_filter = ["kind", "files_monthly_report", "is_voided"]
    search_fields = ["name"]
    list_select_related = ["committee_region"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyRecordAdmin):
    list_display = ["unit", "period", "state", "due_on", "late", "meetings_held", "is_voided"]
    list_filter = ["state", "late", "is_voided"]
    date_hierarchy = "period"
    list_select_related = ["unit"]


@admin.register(Tour)
class TourAdmin(ReadOnlyRecordAdmin):
    list_display = ["number", "title", "unit", "starts_on", "state", "is_voided"]
    list_filter = ["state", "is_voided"]
    list_select_related = ["unit"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyRecordAdmin):
    list_display = ["title", "kind", "year_from", "year_to", "committee_region", "is_voided"]
    list_filter = ["kind", "is_voided"]
    list_select_related = ["committee_region"]


@admin.register(Duty)
class DutyAdmin(ReadOnlyRecordAdmin):
    list_display = ["seq", "holder", "unit", "leader_position", "category", "committee_region", "is_voided"]
    list_filter = ["holder", "leader_role", "is_voided"]
    search_fields = ["content"]
    list_select_related = ["unit", "committee_region"]


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyRecordAdmin):
    list_display = ["number", "title", "region", "starts_on", "ends_on", "state", "is_voided"]
    list_filter = ["state", "is_voided"]
    search_fields = ["number", "title"]
    list_select_related = ["region"]


@admin.register(Summons)
class SummonsAdmin(ReadOnlyRecordAdmin):
    list_display = ["number", "unit", "ground", "scheduled_on", "report_due", "state", "is_voided"]
    list_filter = ["state", "ground", "is_voided"]
    search_fields = ["number"]
    list_select_related = ["unit"]

"""Admin of the inspections app. Cadences are reference data administrators edit here (the
"configurable" cadences); duties, tasks and records change only through the services, so
the admin shows them read-only."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import InspectionCadence, InspectionDuty, InspectionRecord, InspectionTask


@admin.register(InspectionCadence)
class InspectionCadenceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code_tag", "english_name", "unit", "every", "sort", "is_active"]
    list_editable = ["sort", "is_active"]
    list_filter = ["unit", "is_active"]
    search_fields = ["code", "name"]

    @admin.display(description=_("code"), ordering="code")
    def code_tag(self, obj):
        return format_html("<code>{}</code>", obj.code)

    @admin.display(description=_("English name"), ordering="name_en")
    def english_name(self, obj):
        return format_html('<span lang="en">{}</span>', obj.name_en)

    def has_delete_permission(self, request, obj=None):
        return False  # duties refer to cadences; retire one with "active" instead


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scoped, read-only: state changes are the services' (events, task completion)."""

    show_full_result_count = False

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user, include_voided=True)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InspectionDuty)
class InspectionDutyAdmin(ReadOnlyAdmin):
    list_display = ["name", "enterprise", "cadence", "checklist", "active_from", "active_to", "is_voided"]
    list_filter = ["cadence", "is_voided"]
    list_select_related = ["enterprise", "cadence", "checklist"]
    raw_id_fields = ["enterprise", "checklist", "responsible_user", "created_by"]


@admin.register(InspectionTask)
class InspectionTaskAdmin(ReadOnlyAdmin):
    list_display = ["duty", "enterprise", "cadence", "period_start", "due_date", "state"]
    list_filter = ["state", "cadence"]
    list_select_related = ["duty", "enterprise", "cadence"]
    raw_id_fields = ["duty", "enterprise", "record"]

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user)


@admin.register(InspectionRecord)
class InspectionRecordAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "kind", "inspected_at", "inspector_names", "state", "is_voided"]
    list_filter = ["kind", "state", "is_voided"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "task", "checklist", "inspector", "created_by"]

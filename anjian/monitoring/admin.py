"""Administration of online monitoring: the reference data (required sensor kinds, monitoring
parameters) is edited here, with field history and an event per save; sensors, alarms and
sources are shown read-only (they change through the services and the ingest). Nothing can be
deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.services import record_event

from .models import Alarm, BadInputCount, MonitoredSource, MonitoringParameter, Sensor, SensorRequirement


class NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceAdmin(NoDelete, SimpleHistoryAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(obj, "updated" if change else "created", actor=request.user,
                     data={"via": "admin", "fields": sorted(form.changed_data)})


@admin.register(SensorRequirement)
class SensorRequirementAdmin(ReferenceAdmin):
    list_display = ["facility_type", "kind", "source_document", "article", "confirmed", "is_active"]
    list_filter = ["facility_type", "confirmed", "is_active"]


@admin.register(MonitoringParameter)
class MonitoringParameterAdmin(ReferenceAdmin):
    # The code is what the program reads (not shown: the name says it); the rows are shipped, only
    # their values and sources are edited.
    list_display = ["name", "value", "unit", "confirmed"]
    exclude = ["code"]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(NoDelete, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The admin reads through the same scoping as every page.
        return self.model.objects.for_user(request.user, include_voided=True)


@admin.register(MonitoredSource)
class MonitoredSourceAdmin(ReadOnlyAdmin):
    list_display = ["source", "facility_type", "connection", "last_reading_at"]
    list_filter = ["connection", "facility_type"]
    list_select_related = ["source"]


@admin.register(Sensor)
class SensorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "unit", "source", "is_offline", "is_voided"]
    list_filter = ["kind", "is_offline", "is_voided"]
    list_select_related = ["source"]
    search_fields = ["code", "name", "tag"]


@admin.register(Alarm)
class AlarmAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "limit", "state", "opened_at", "source"]
    list_filter = ["kind", "state"]
    list_select_related = ["source"]


@admin.register(BadInputCount)
class BadInputCountAdmin(ReadOnlyAdmin):
    list_display = ["day", "enterprise", "reason", "channel", "count"]
    list_filter = ["reason", "channel"]

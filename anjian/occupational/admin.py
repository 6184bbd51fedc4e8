"""Administration: the hazard-factor catalogue, the sourced parameters (cadences, cycles) and the
responsible-department setting (reference data with their sources; field history, an event per
save, never deleted — retire a factor by unticking "in use"). The records themselves are read here
only: every change goes through the services (the pages and the API)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.services import record_event

from .models import (
    Declaration,
    Detection,
    Examination,
    Exposure,
    HazardFactor,
    OccupationalParameter,
    OccupationalSetting,
    ProtectiveIssue,
    Training,
)


class ReferenceAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(obj, "updated" if change else "created", actor=request.user,
                     data={"via": "admin", "fields": sorted(form.changed_data)})


@admin.register(HazardFactor)
class HazardFactorAdmin(ReferenceAdmin):
    list_display = ("code", "name", "category", "cas_number", "certainty", "is_active")
    list_filter = ("category", "certainty", "is_active")
    search_fields = ("code", "name", "cas_number")


@admin.register(OccupationalParameter)
class OccupationalParameterAdmin(ReferenceAdmin):
    list_display = ("name", "value", "unit", "certainty")
    list_filter = ("certainty",)
    readonly_fields = ("code",)


@admin.register(OccupationalSetting)
class OccupationalSettingAdmin(ReferenceAdmin):
    list_display = ("responsible", "note")

    def has_add_permission(self, request):
        return not OccupationalSetting.objects.exists()  # one row


class ReadOnlyAdmin(admin.ModelAdmin):
    list_select_related = ("enterprise",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model, _columns in ((Exposure, ("workplace", "post", "factor", "exposed_workers")),
                         (Declaration, ("kind", "hazard_level", "declared_on", "state")),
                         (Detection, ("kind", "performed_on", "service_body", "report_number")),
                         (Examination, ("worker", "kind", "examined_on", "result", "state")),
                         (Training, ("topic", "role", "trained_on", "trainees")),
                         (ProtectiveIssue, ("item", "post", "quantity", "issued_on"))):
    admin.site.register(_model, type(f"{_model.__name__}Admin", (ReadOnlyAdmin,), {
        "list_display": (*_columns, "enterprise", "is_voided"), "search_fields": ("enterprise__name",)}))

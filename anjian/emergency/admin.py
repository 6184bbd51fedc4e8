"""Administration: the regulatory numbers of emergency preparedness (reference data with their
sources; field history, an event per save, never deleted). The plans, drills, ledgers, cards and
duty records are read here only: every change goes through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.services import record_event

from .models import (
    DisposalCard,
    Drill,
    DutyLogEntry,
    DutyShift,
    EmergencyParameter,
    EmergencyPlan,
    RescueTeam,
    Supply,
)


@admin.register(EmergencyParameter)
class EmergencyParameterAdmin(SimpleHistoryAdmin):
    list_display = ("code", "value", "document", "article", "certainty")
    list_filter = ("certainty",)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False  # looked up by code

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(obj, "updated" if change else "created", actor=request.user,
                     data={"via": "admin", "fields": sorted(form.changed_data)})


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model, _fields in ((EmergencyPlan, ("title", "enterprise", "kind", "revision", "state")),
                        (Drill, ("enterprise", "kind", "planned_on", "held_on", "state")),
                        (RescueTeam, ("name", "region", "enterprise", "kind")),
                        (Supply, ("name", "region", "enterprise", "quantity", "expires_on")),
                        (DisposalCard, ("post", "enterprise")),
                        (DutyShift, ("starts_at", "ends_at", "officer", "state")),
                        (DutyLogEntry, ("received_at", "category", "reporter", "state"))):
    admin.site.register(_model, type(f"{_model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": _fields}))

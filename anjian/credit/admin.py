"""Administration: the credit scheme (record kinds with their points, grade bands, parameters —
reference data with their sources; field history, an event per save, never deleted). The records,
listings, notices and computed credit are read here only: every change goes through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.services import record_event

from .models import (
    Blacklisting,
    CreditParameter,
    CreditRecord,
    CreditRecordKind,
    EnterpriseCredit,
    GradeBand,
    JointNotice,
)


class ReferenceAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(obj, "updated" if change else "created", actor=request.user,
                     data={"via": "admin", "fields": sorted(form.changed_data)})


@admin.register(CreditRecordKind)
class CreditRecordKindAdmin(ReferenceAdmin):
    list_display = ("name", "polarity", "points", "certainty", "is_active", "sort")
    list_filter = ("polarity", "certainty", "is_active")
    search_fields = ("name", "code")


@admin.register(GradeBand)
class GradeBandAdmin(ReferenceAdmin):
    list_display = ("grade", "min_score", "green_channel", "more_inspections", "certainty")

    def has_add_permission(self, request):
        return False  # the services read the four grades


@admin.register(CreditParameter)
class CreditParameterAdmin(ReferenceAdmin):
    list_display = ("code", "value", "certainty")

    def has_add_permission(self, request):
        return False  # looked up by code

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "kind", "occurred_on", "source_type", "state", "is_voided")
    list_filter = ("source_type", "state", "is_voided")
    search_fields = ("enterprise__name", "document")
    list_select_related = ("enterprise", "kind")


@admin.register(EnterpriseCredit)
class EnterpriseCreditAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "score", "grade", "blacklisted", "green_channel", "computed_on")
    list_filter = ("grade", "blacklisted", "green_channel")
    search_fields = ("enterprise__name",)
    list_select_related = ("enterprise",)


@admin.register(Blacklisting)
class BlacklistingAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "decision_number", "decided_on", "term_ends_on", "state", "is_voided")
    list_filter = ("state", "is_voided")
    search_fields = ("enterprise__name", "decision_number")
    list_select_related = ("enterprise",)


@admin.register(JointNotice)
class JointNoticeAdmin(ReadOnlyAdmin):
    list_display = ("number", "enterprise", "issued_on", "state", "is_voided")
    list_filter = ("state", "is_voided")
    search_fields = ("number", "enterprise__name")
    list_select_related = ("enterprise",)

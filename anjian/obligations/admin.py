"""Administration: the licence kinds (reference data with their industries and sources; field
history, an event per save, never deleted — retire a kind by unticking "in use"). The registries
themselves are read here only: every change goes through the services (the pages and the API)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.services import record_event

from .models import KeyPerson, Licence, LicenceKind, PersonCertificate


@admin.register(LicenceKind)
class LicenceKindAdmin(SimpleHistoryAdmin):
    list_display = ("name", "validity_years", "certainty", "is_active", "sort")
    list_filter = ("certainty", "is_active")
    filter_horizontal = ("industries",)
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        return False

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


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "enterprise", "valid_until", "state", "verified_at", "is_voided")
    list_filter = ("kind", "state", "is_voided")
    search_fields = ("number", "enterprise__name")
    list_select_related = ("kind", "enterprise")


@admin.register(KeyPerson)
class KeyPersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "role", "operation_type", "enterprise", "appointed_on", "state", "is_voided")
    list_filter = ("role", "state", "is_voided")
    search_fields = ("name", "enterprise__name")
    list_select_related = ("enterprise",)


@admin.register(PersonCertificate)
class PersonCertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "person", "valid_until", "state", "is_voided")
    list_filter = ("kind", "state", "is_voided")
    search_fields = ("number", "person__name")
    list_select_related = ("person",)

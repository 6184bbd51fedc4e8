"""Administration: the licence kinds, the sourced parameters (the spot-check share) and the safety
organisation requirements (reference data with their industries and sources; field
history, an event per save, never deleted — retire a kind by unticking "in use"). The registries
themselves are read here only: every change goes through the services (the pages and the API)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.services import record_event

from .models import (
    Commitment,
    KeyPerson,
    Licence,
    LicenceKind,
    ObligationParameter,
    PersonCertificate,
    SafetyOrganisation,
    SafetyOrgRequirement,
    SpotCheck,
    Standardisation,
)


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


class _ReferenceAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(obj, "updated" if change else "created", actor=request.user,
                     data={"via": "admin", "fields": sorted(form.changed_data)})


@admin.register(ObligationParameter)
class ObligationParameterAdmin(_ReferenceAdmin):
    list_display = ("name", "value", "unit", "certainty")
    list_filter = ("certainty",)


@admin.register(SafetyOrgRequirement)
class SafetyOrgRequirementAdmin(_ReferenceAdmin):
    list_display = ("name", "kind", "min_employees", "certainty", "is_active", "sort")
    list_filter = ("kind", "certainty", "is_active")
    filter_horizontal = ("industries", "tags")


@admin.register(Standardisation)
class StandardisationAdmin(ReadOnlyAdmin):
    list_display = ("number", "grade", "enterprise", "valid_until", "state", "verified_at", "is_voided")
    list_filter = ("grade", "state", "is_voided")
    search_fields = ("number", "enterprise__name")
    list_select_related = ("enterprise",)


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ("year", "region", "share", "n", "pool_size", "state", "is_voided")
    list_filter = ("year", "state", "is_voided")
    list_select_related = ("region",)


@admin.register(SafetyOrganisation)
class SafetyOrganisationAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "has_body", "full_time_staff", "director_name", "is_voided")
    search_fields = ("enterprise__name", "director_name")
    list_select_related = ("enterprise",)


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("title", "enterprise", "year", "signed_by", "signed_on", "is_voided")
    list_filter = ("year", "is_voided")
    search_fields = ("title", "enterprise__name")
    list_select_related = ("enterprise",)

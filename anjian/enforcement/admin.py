"""The enforcement app in the Django admin: reference data editable by administrators (with their
sources), records read-only (they change through the services, never by hand), nothing deleted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ConflictDeclaration, EnforcementCertificate, Expert


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Records users enter through the pages and the API: shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Expert)
class ExpertAdmin(ReadOnlyRecordAdmin, SimpleHistoryAdmin):
    list_display = ("name", "title", "employer_name", "region", "state", "is_voided")
    list_filter = ("state", "is_voided")
    search_fields = ("name", "employer_name", "specialties")


@admin.register(EnforcementCertificate)
class CertificateAdmin(ReadOnlyRecordAdmin, SimpleHistoryAdmin):
    list_display = ("number", "officer", "issuer", "issued_on", "valid_until", "state", "is_voided")
    list_filter = ("state", "is_voided")
    search_fields = ("number",)


@admin.register(ConflictDeclaration)
class ConflictAdmin(ReadOnlyRecordAdmin):
    list_display = ("officer", "expert", "enterprise", "kind", "declared_on", "state", "is_voided")
    list_filter = ("kind", "state", "is_voided")

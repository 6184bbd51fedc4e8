"""Administration: the tip scheme (parameters and reward scales — reference data with their
sources; field history, an event per save, never deleted). Tips are listed here without the
submitter's identity; rewards, publications and the identity log are read-only: every change goes
through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.services import record_event

from .models import (
    IDENTITY_FIELDS,
    IdentityAccess,
    ListingPublication,
    Reward,
    RewardScale,
    Tip,
    TipParameter,
)


class ReferenceAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(obj, "updated" if change else "created", actor=request.user,
                     data={"via": "admin", "fields": sorted(form.changed_data)})


@admin.register(TipParameter)
class TipParameterAdmin(ReferenceAdmin):
    list_display = ("code", "value", "certainty")

    def has_add_permission(self, request):
        return False  # looked up by code

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()


@admin.register(RewardScale)
class RewardScaleAdmin(ReferenceAdmin):
    list_display = ("name", "kind", "basis", "percent", "amount_yuan", "min_yuan", "max_yuan", "certainty",
                    "is_active")
    list_filter = ("kind", "certainty", "is_active")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin):
    list_display = ("tracking_code", "kind", "state", "received_at", "department")
    list_filter = ("state", "kind")
    exclude = (*IDENTITY_FIELDS, "secret_hash")  # the identity is read on the audited page only


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ("tip", "scale", "amount_yuan", "state")


@admin.register(ListingPublication)
class ListingPublicationAdmin(ReadOnlyAdmin):
    list_display = ("listing", "published_on", "expires_on", "state")


@admin.register(IdentityAccess)
class IdentityAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "tip", "channel", "ip_address")
    list_filter = ("channel",)

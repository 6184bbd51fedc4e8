from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.core.admin import NoDeleteHistoryAdmin

from .models import Enterprise, Industry, Supervision


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    """The industry taxonomy is reference data that administrators may extend."""

    list_display = ["code", "name", "english_name", "parent", "high_risk"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]

    @admin.display(description=_("English name"), ordering="name_en")
    def english_name(self, obj):
        # Data in English next to the Chinese name: marked as such for screen readers and checks.
        return format_html('<span lang="en">{}</span>', obj.name_en)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(NoDeleteHistoryAdmin):
    list_display = ["name", "credit_code", "region", "industry", "status", "is_voided"]
    list_filter = ["status", "is_voided", "high_risk", "above_scale"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["region", "grid"]
    list_select_related = ["region", "industry"]
    show_full_result_count = False


@admin.register(Supervision)
class SupervisionAdmin(NoDeleteHistoryAdmin):
    list_display = ["enterprise", "department", "leader_name", "officer_name", "started_on", "ended_on",
                    "is_current"]
    list_filter = ["is_current"]
    readonly_fields = ()
    raw_id_fields = ["enterprise", "department", "officer", "created_by"]
    list_select_related = ["enterprise", "department"]

    def has_add_permission(self, request):
        return False  # assignments go through the supervision service (it ends the previous one)

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user)

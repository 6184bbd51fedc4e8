from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.core.admin import NoDeleteHistoryAdmin

from . import services
from .models import Enterprise, FeatureTag, Industry, Supervision


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    """The industry taxonomy is reference data that administrators may extend. Changing a
    high-risk flag brings along the enterprises whose flag comes from the industry."""

    list_display = ["code", "name", "english_name", "parent", "high_risk"]
    list_filter = ["high_risk"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]

    @admin.display(description=_("English name"), ordering="name_en")
    def english_name(self, obj):
        # Data in English next to the Chinese name: marked as such for screen readers and checks.
        return format_html('<span lang="en">{}</span>', obj.name_en)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "high_risk" in form.changed_data:
            n = services.follow_industry_high_risk(obj, actor=request.user)
            self.message_user(request, _("%(n)s enterprises whose high-risk flag comes from this industry were "
                                         "updated.") % {"n": n}, messages.INFO)


@admin.register(FeatureTag)
class FeatureTagAdmin(admin.ModelAdmin):
    """The feature tags (特征标签): reference data administrators edit, add and retire."""

    list_display = ["name", "code_display", "is_active", "source_confirmed", "sort"]
    list_display_links = ["name"]
    list_filter = ["is_active", "source_confirmed"]
    search_fields = ["code", "name"]

    @admin.display(description=_("Code"), ordering="code")
    def code_display(self, obj):
        # an internal key: shown as code, for those who use the API's ?tag=
        return format_html("<code>{}</code>", obj.code)

    def has_delete_permission(self, request, obj=None):
        return False  # tags on enterprises keep their meaning: retire a tag instead


@admin.register(Enterprise)
class EnterpriseAdmin(NoDeleteHistoryAdmin):
    list_display = ["name", "credit_code", "region", "industry", "status", "is_voided"]
    list_filter = ["status", "is_voided", "high_risk", "high_risk_basis", "above_scale"]
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

"""Admin of the risks app: the evaluation profiles with their bands (administrators choose the
default of each method here or on the profiles page), the factor value tables, the
major-source grade rule and the supervision frequencies — all editable reference data.
Risk points, assessments and measures change only through the services (pages and API)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import FactorValue, RiskBand, RiskProfile, SourceGradeLevel, SupervisionFrequency


class RiskBandInline(admin.TabularInline):
    model = RiskBand
    extra = 0


@admin.register(RiskProfile)
class RiskProfileAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "method", "is_default", "is_active", "sort"]
    list_filter = ["method", "is_default", "is_active"]
    readonly_fields = ["is_default"]  # changed only by the action below: one default per method
    inlines = [RiskBandInline]
    actions = ["make_default"]

    @admin.action(description=_("Make the selected profile the default of its method"))
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one profile."), messages.ERROR)
            return
        services.set_default_profile(queryset.get(), actor=request.user)
        self.message_user(request, _("Default changed."))

    def has_delete_permission(self, request, obj=None):
        return False  # assessments refer to profiles; retire one with "active" instead


@admin.register(FactorValue)
class FactorValueAdmin(admin.ModelAdmin):
    list_display = ["method", "factor", "value", "meaning", "is_active"]
    list_filter = ["method", "factor", "is_active"]


@admin.register(SourceGradeLevel)
class SourceGradeLevelAdmin(admin.ModelAdmin):
    list_display = ["grade", "level", "note"]


@admin.register(SupervisionFrequency)
class SupervisionFrequencyAdmin(SimpleHistoryAdmin):
    list_display = ["level", "per_year", "note"]
    list_editable = ["per_year"]

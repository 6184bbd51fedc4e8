"""Administration of the GB 18218 tables. Field history is kept (simple-history), every save
records an event, nothing can be deleted. Versioning: "Make a new version" copies a version with
all its rows (then edit the copy); "Make current" switches new evaluations to it after checking
its α and grade bands; old evaluations keep pointing at the version they used. The rows of the
current version can be edited too (each save is in its history), but a new version is the way
to record a revised standard."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.services import record_event

from . import services
from .models import AlphaBand, CriticalQuantityTable, GradeBand, HazardClassThreshold, NamedChemical


class NoDeleteHistoryAdmin(SimpleHistoryAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(obj, "updated" if change else "created", actor=request.user,
                     data={"via": "admin", "fields": sorted(form.changed_data)})


class RowInline(admin.TabularInline):
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


class AlphaInline(RowInline):
    model = AlphaBand


class GradeInline(RowInline):
    model = GradeBand


@admin.register(CriticalQuantityTable)
class CriticalQuantityTableAdmin(NoDeleteHistoryAdmin):
    list_display = ["code", "version", "title", "effective_from", "is_current", "created_at"]
    readonly_fields = ["is_current", "based_on", "created_at"]
    inlines = [AlphaInline, GradeInline]
    actions = ["make_new_version", "make_current"]

    @admin.action(description=_("Make a new version (copy with all rows)"))
    def make_new_version(self, request, queryset):
        for table in queryset:
            new = services.new_table_version(table, actor=request.user)
            self.message_user(request, _("Created %(t)s; edit it, then make it current.") % {"t": new})

    @admin.action(description=_("Make current (used by new evaluations)"))
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), messages.ERROR)
            return
        try:
            services.make_table_current(queryset.get(), actor=request.user)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)


@admin.register(NamedChemical)
class NamedChemicalAdmin(NoDeleteHistoryAdmin):
    list_display = ["seq", "name", "cas_numbers", "critical_quantity", "beta", "default_class", "table"]
    list_filter = ["table"]
    search_fields = ["name", "aliases", "cas_numbers"]
    list_select_related = ["table"]


@admin.register(HazardClassThreshold)
class HazardClassThresholdAdmin(NoDeleteHistoryAdmin):
    list_display = ["symbol", "hazard_class", "description", "critical_quantity", "beta", "table"]
    list_filter = ["table"]
    list_select_related = ["table"]


@admin.register(AlphaBand)
class AlphaBandAdmin(NoDeleteHistoryAdmin):
    list_display = ["table", "min_population", "max_population", "alpha"]
    list_filter = ["table"]


@admin.register(GradeBand)
class GradeBandAdmin(NoDeleteHistoryAdmin):
    list_display = ["table", "grade", "min_r", "max_r"]
    list_filter = ["table"]

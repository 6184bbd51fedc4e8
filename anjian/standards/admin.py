"""Administration of the standards library: administrators edit the criteria catalogue and
the checklists here. Field history is kept (simple-history), every save records an event,
and nothing can be deleted: untick "active" to deactivate a record instead (past hazards and
inspections keep pointing at it). The same rules as the services apply (dates, overlapping
versions, criterion links); a new version is made on the checklist page or through the API,
which copy the items and close the old version."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from anjian.core.forms import ModelForm

from . import services
from .models import (
    AccidentType,
    CheckItem,
    Checklist,
    CriteriaDocument,
    HazardFactorClass,
    MajorHazardCriterion,
)


class NoDeleteMixin:
    """Records of the library are deactivated, never deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


class StandardsAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """History admin without delete, which records an event for each save."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.record_admin_change(obj, actor=request.user, created=not change, changed_fields=form.changed_data)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            services.record_admin_change(obj, actor=request.user, created=True, changed_fields=[])
        for obj, fields in formset.changed_objects:
            services.record_admin_change(obj, actor=request.user, created=False, changed_fields=fields)


class RuleCheckedForm(ModelForm):
    """Runs the service rules on the edited instance, so the admin cannot break them."""

    def check_rules(self, instance) -> None:
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        try:
            self.check_rules(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class ChecklistForm(RuleCheckedForm):
    class Meta:
        model = Checklist
        fields = list(services.CHECKLIST_FIELDS) + ["is_active"]

    def check_rules(self, instance):
        services.check_checklist_rules(instance)


class CheckItemForm(RuleCheckedForm):
    class Meta:
        model = CheckItem
        fields = ["checklist", *services.CHECK_ITEM_FIELDS, "is_active"]

    def check_rules(self, instance):
        if instance.criterion_id and not instance.is_major_criterion:
            instance.is_major_criterion = True  # a linked criterion makes it a major-hazard item
        services.check_item_rules(instance, linking="criterion" in self.changed_data)


class CheckItemInline(NoDeleteMixin, admin.TabularInline):
    model = CheckItem
    form = CheckItemForm
    extra = 0
    fields = ["sort", "item_no", "content", "basis", "hazard_factor", "is_major_criterion", "criterion", "is_active"]
    raw_id_fields = ["criterion"]
    formfield_overrides = {
        CheckItem._meta.get_field("content").__class__: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }


@admin.register(Checklist)
class ChecklistAdmin(StandardsAdmin):
    form = ChecklistForm
    list_display = ["code", "version", "name", "industry", "effective_from", "effective_to", "is_active"]
    list_filter = ["is_active", "industry"]
    search_fields = ["code", "name"]
    list_select_related = ["industry"]
    readonly_fields = ["created_at"]
    inlines = [CheckItemInline]


@admin.register(CheckItem)
class CheckItemAdmin(StandardsAdmin):
    form = CheckItemForm
    list_display = ["__str__", "checklist", "item_no", "hazard_factor", "is_major_criterion", "criterion",
                    "is_active"]
    list_filter = ["is_active", "hazard_factor", "is_major_criterion"]
    search_fields = ["content", "basis", "checklist__code", "checklist__name"]
    list_select_related = ["checklist", "criterion"]
    raw_id_fields = ["checklist", "criterion"]


class CriterionInline(NoDeleteMixin, admin.TabularInline):
    model = MajorHazardCriterion
    extra = 0
    fields = ["sort", "code", "section", "item_no", "article", "text", "industry", "is_confirmed", "is_active"]
    formfield_overrides = {
        MajorHazardCriterion._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 50})},
    }


@admin.register(CriteriaDocument)
class CriteriaDocumentAdmin(StandardsAdmin):
    list_display = ["code", "title", "document_number", "issuer", "effective_from", "effective_to", "certainty",
                    "cross_industry", "items_complete", "is_active"]
    list_filter = ["is_active", "certainty", "cross_industry", "items_complete"]
    search_fields = ["code", "title", "document_number"]
    filter_horizontal = ["industries"]
    inlines = [CriterionInline]


@admin.register(MajorHazardCriterion)
class MajorHazardCriterionAdmin(StandardsAdmin):
    list_display = ["code", "document", "section", "item_no", "article", "is_confirmed", "is_active"]
    list_filter = ["is_active", "is_confirmed", "document"]
    search_fields = ["code", "text", "section"]
    list_select_related = ["document"]


@admin.register(AccidentType)
class AccidentTypeAdmin(StandardsAdmin):
    list_display = ["scheme", "code", "name", "is_code_confirmed", "sort", "is_active"]
    list_filter = ["scheme", "is_active"]
    search_fields = ["code", "name"]


@admin.register(HazardFactorClass)
class HazardFactorClassAdmin(StandardsAdmin):
    list_display = ["code", "name", "parent", "top", "certainty", "is_active"]
    list_filter = ["top", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]

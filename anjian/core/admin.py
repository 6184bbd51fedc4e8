"""Admin plumbing shared by the apps: records users entered are voided, never deleted."""

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .events import event_label, event_state_labels, known_actions
from .forms import BoundedFormMixin
from .models import Event


def _bounded(form_class):
    if issubclass(form_class, BoundedFormMixin):
        return form_class
    return type(form_class.__name__, (BoundedFormMixin, form_class), {"__module__": form_class.__module__})


def bound_admin_forms(site: admin.AdminSite = admin.site) -> None:
    """Every admin page of the project's models bounds its input as the pages do
    (``core.forms.BoundedFormMixin``): the form of each registered admin (its add form and
    inlines too) becomes a bounded subclass of itself; and the demo label (``is_demo``, set by
    the demo generator only) is read-only there. Called once the admin modules are loaded
    (``CoreConfig.ready``), so an app's new admin is covered without declaring anything."""
    for model, model_admin in site._registry.items():
        if not model.__module__.startswith("anjian."):
            continue
        if any(f.name == "is_demo" for f in model._meta.get_fields()) and "is_demo" not in model_admin.readonly_fields:
            model_admin.readonly_fields = (*model_admin.readonly_fields, "is_demo")
        model_admin.form = _bounded(model_admin.form)
        if getattr(model_admin, "add_form", None) is not None:
            model_admin.add_form = _bounded(model_admin.add_form)
        for inline in model_admin.inlines:
            inline.form = _bounded(inline.form)


class NoDeleteHistoryAdmin(SimpleHistoryAdmin):
    """Admin with field history and no hard delete (void through the app or the API instead)."""

    # Voiding is a service with a reason and an event, not a checkbox.
    readonly_fields = ("is_voided", "voided_at", "void_reason", "is_demo")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return self.model.objects.for_user(request.user, include_voided=True)


class ActionFilter(admin.SimpleListFilter):
    """The event actions by name (not their codes), from the labels the apps declare."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(((code, event_label(code)) for code in known_actions()), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class RecordTypeFilter(admin.SimpleListFilter):
    """The kinds of record of Anjian's own apps (events are only written on those), by their
    translated names: no third-party or historical models in the list."""

    title = _("record type")
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        models = [m for m in apps.get_models() if m.__module__.startswith("anjian.")
                  and not m.__name__.startswith("Historical")]
        types = ContentType.objects.get_for_models(*models)
        return sorted(((types[m].pk, f"{m._meta.app_config.verbose_name} · {m._meta.verbose_name}") for m in models),
                      key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["at", "action_name", "record_type", "object_id", "actor", "from_name", "to_name"]
    list_filter = [ActionFilter, RecordTypeFilter]
    search_fields = ["object_id", "comment"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, obj):
        return event_label(obj.action, obj.content_type.app_label)

    @admin.display(description=_("record type"), ordering="content_type")
    def record_type(self, obj):
        model = obj.content_type.model_class()
        return model._meta.verbose_name if model is not None else obj.content_type.model

    @admin.display(description=_("from state"))
    def from_name(self, obj):
        return event_state_labels(obj)[0]

    @admin.display(description=_("to state"))
    def to_name(self, obj):
        return event_state_labels(obj)[1]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

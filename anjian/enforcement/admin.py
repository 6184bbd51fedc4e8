"""The enforcement app in the Django admin: reference data editable by administrators (with their
sources: the violation catalogue, its discretion tiers, the cases' time limits and review
thresholds), records read-only (experts, certificates, cases, summons/circulars/exposure: they
change through the services, never by hand), nothing deleted."""

from django.contrib import admin
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Admonition,
    Case,
    CaseParty,
    CaseThreshold,
    CaseTimeLimit,
    CaseViolation,
    ConflictDeclaration,
    DiscretionTier,
    EnforcementCertificate,
    Expert,
    Violation,
)


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


# --- administrative cases (行政执法案件) ------------------------------------------------------------

class ReferenceDataAdmin(SimpleHistoryAdmin):
    """Reference data of the cases (the catalogue, its tiers, the time limits and thresholds):
    edited here with field history, each row showing the document and article it comes from and
    whether that was confirmed in the text. Never deleted: past cases point at the rows (a
    catalogue entry is retired by unticking "active")."""

    def has_delete_permission(self, request, obj=None):
        return False


class DiscretionTierInline(admin.TabularInline):
    model = DiscretionTier
    extra = 0
    fields = ("tier", "min_fine", "max_fine", "circumstances", "source", "certainty")
    can_delete = False


@admin.register(Violation)
class ViolationAdmin(ReferenceDataAdmin):
    list_display = ("code", "name", "article", "min_fine", "max_fine", "measure", "certainty", "is_active")
    list_filter = ("certainty", "is_active", "measure")
    search_fields = ("code", "name", "article", "penalty")
    fields = ("code", "name", "law", "article", "penalty", "min_fine", "max_fine", "measure", "source", "certainty",
              "is_active", "order")
    inlines = [DiscretionTierInline]

    def get_readonly_fields(self, request, obj=None):
        # past cases and their documents name the entry by its code
        return ("code",) if obj is not None else ()


@admin.register(DiscretionTier)
class DiscretionTierAdmin(ReferenceDataAdmin):
    list_display = ("violation", "tier", "min_fine", "max_fine", "certainty")
    list_filter = ("tier", "certainty")
    search_fields = ("violation__code", "violation__name")
    list_select_related = ("violation",)
    autocomplete_fields = ("violation",)


class FixedCodesAdmin(ReferenceDataAdmin):
    """Rows the services look up by code: their values are edited, no row is added (a new code
    would mean nothing to the services) and the code stays as it is."""

    readonly_fields = ("label",)

    def has_add_permission(self, request):
        return False

    @admin.display(description=pgettext_lazy("case", "item"))
    def label(self, obj) -> str:
        return obj.label


@admin.register(CaseTimeLimit)
class CaseTimeLimitAdmin(FixedCodesAdmin):
    list_display = ("label", "days", "day_kind", "extension_days", "certainty")
    list_filter = ("certainty",)
    fields = ("label", "days", "day_kind", "extension_days", "source", "certainty")


@admin.register(CaseThreshold)
class CaseThresholdAdmin(FixedCodesAdmin):
    list_display = ("label", "amount", "certainty")
    list_filter = ("certainty",)
    fields = ("label", "amount", "source", "certainty")


class CaseViolationInline(admin.TabularInline):
    model = CaseViolation
    fields = ("violation", "tier", "fine", "deviation_reason", "is_voided")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CasePartyInline(admin.TabularInline):
    model = CaseParty
    fields = ("kind", "name", "post", "fine")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyRecordAdmin, SimpleHistoryAdmin):
    """Read only: a case changes through its steps on the case pages and the API (services)."""

    list_display = ("number", "title", "enterprise", "department", "state", "filed_on", "decide_due", "decided_on",
                    "fine_amount", "is_voided")
    list_filter = ("state", "source", "pre_accident", "is_voided", "is_demo")
    search_fields = ("number", "title", "decision_number", "enterprise__name")
    date_hierarchy = "discovered_on"
    list_select_related = ("enterprise", "department")
    inlines = [CaseViolationInline, CasePartyInline]

    def get_queryset(self, request):
        return Case.objects.for_user(request.user, include_voided=True)


@admin.register(Admonition)
class AdmonitionAdmin(ReadOnlyRecordAdmin, SimpleHistoryAdmin):
    """Read only: summons, circulars and exposure are recorded and issued on their pages (services)."""

    list_display = ("title", "kind", "enterprise", "target_region", "department", "held_on", "state", "is_voided")
    list_filter = ("kind", "state", "is_voided", "is_demo")
    search_fields = ("title", "summary", "enterprise__name")
    date_hierarchy = "held_on"
    list_select_related = ("enterprise", "target_region", "department")

    def get_queryset(self, request):
        return Admonition.objects.for_user(request.user, include_voided=True)

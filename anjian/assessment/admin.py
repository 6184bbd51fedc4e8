"""Administration of the assessment app: the indicator standards (default targets with their
basis and certainty) are edited here, with field history and an event per save; agreements,
schemes, rounds and assessments are read here (they change through the pages and the API, which
keep the state machines), never deleted."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from anjian.core import indicators
from anjian.core.admin import NoDeleteHistoryAdmin
from anjian.core.forms import ModelForm
from anjian.core.services import record_event

from .models import (
    Assessment,
    AssessmentRound,
    AssessmentScheme,
    IndicatorStandard,
    TargetAgreement,
    indicator_name,
)


class IndicatorStandardForm(ModelForm):
    """The indicator is chosen by its name (the declared indicators), never typed as a code."""

    indicator = forms.ChoiceField(label=_("indicator"), choices=indicators.choices)

    class Meta:
        model = IndicatorStandard
        fields = ["indicator", "target", "basis", "certainty", "note"]


@admin.register(IndicatorStandard)
class IndicatorStandardAdmin(SimpleHistoryAdmin):
    form = IndicatorStandardForm
    list_display = ["indicator_label", "target", "certainty", "basis"]
    list_filter = ["certainty"]
    search_fields = ["indicator", "basis"]

    @admin.display(description=_("indicator"), ordering="indicator")
    def indicator_label(self, obj) -> str:
        return indicator_name(obj.indicator)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_event(obj, "updated" if change else "created", actor=request.user,
                     data={"via": "admin", "fields": sorted(form.changed_data)})


class ReadOnlyAdmin(NoDeleteHistoryAdmin):
    """Read in the admin; changed through the services (pages and API)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TargetAgreement)
class TargetAgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "state", "is_voided"]
    list_filter = ["year", "state"]


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(ReadOnlyAdmin):
    list_display = ["name", "year", "period_kind", "subject_kind", "is_voided"]
    list_filter = ["year", "period_kind"]


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyAdmin):
    list_display = ["scheme", "period_start", "state", "is_voided"]
    list_filter = ["state"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["round", "region", "department", "state", "score", "rank", "is_voided"]
    list_filter = ["state"]

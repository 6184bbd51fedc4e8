"""Page forms of online monitoring; they validate, then call a service."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core.forms import DateInput, Form, ModelForm

from .choices import ConnectionState, FacilityType
from .models import Sensor


class SensorForm(ModelForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Sensor
        fields = ["code", "name", "kind", "unit", "range_min", "range_max", "system", "tag", "period_seconds",
                  "high_high", "high", "low", "low_low", "hysteresis", "min_duration_seconds", "risk_point"]

    def __init__(self, *args, user=None, enterprise_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        from anjian.risks.models import RiskPoint

        # Only the enterprise's own risk points, read through the caller's scope.
        self.fields["risk_point"].queryset = RiskPoint.objects.for_user(user).filter(enterprise_id=enterprise_id)
        self.fields["risk_point"].required = False

    def _post_clean(self):
        # The model's checks run in the service (with the copied keys set); the form checks fields only.
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class FacilityTypeForm(Form):
    facility_type = forms.ChoiceField(label=_("facility type"), choices=FacilityType.choices)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AlarmStepForm(Form):
    action = forms.ChoiceField(choices=[("acknowledge", ""), ("dispose", ""), ("raise_hazard", "")])
    comment = forms.CharField(label=pgettext_lazy("alarm", "comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("rectification deadline"), required=False, widget=DateInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class WallFilter(Form):
    connection = forms.ChoiceField(label=_("connection"), required=False,
                                   choices=[("", pgettext_lazy("monitoring", "All")), *ConnectionState.choices])

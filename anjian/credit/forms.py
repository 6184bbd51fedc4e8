"""Forms of the credit pages (server-side; writes go through the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.core import bounds
from anjian.core.forms import DateInput, Form, ModelForm
from anjian.core.scoping import ENTERPRISE as ENTERPRISE_SCOPE
from anjian.core.scoping import scope_of
from anjian.enterprises.fields import region_industry_fields
from anjian.enterprises.models import Enterprise

from .choices import RecordSource
from .filters import BlacklistingFilter, CreditRecordFilter, EnterpriseCreditFilter
from .models import Blacklisting, CreditRecord, CreditRecordKind, JointNotice


def _shape_filter(filterset, user, selects: dict) -> None:
    """The list pages' filter bars: the region and industry pickers of the user's jurisdiction
    (hidden for an enterprise user), the enterprise key hidden, "all …" as the empty choice."""
    form = filterset.form
    region_industry_fields(form.fields, user)
    if scope_of(user).kind == ENTERPRISE_SCOPE:
        form.fields["region"].widget = forms.HiddenInput()
        form.fields["industry"].widget = forms.HiddenInput()
    form.fields["enterprise"].widget = forms.HiddenInput()
    yes_no = [("", pgettext_lazy("credit", "All")), ("true", _("Yes")), ("false", _("No"))]
    for name in ("blacklisted", "green_channel"):
        if name in form.fields:
            form.fields[name].widget = forms.Select(choices=yes_no)
    for name, empty in selects.items():
        field = form.fields[name]
        if hasattr(field, "empty_label"):
            field.empty_label = empty
        field.choices = [("", empty), *[c for c in field.choices if c[0] != ""]]
    form.fields = {"q": form.fields.pop("q"), **form.fields}


class EnterpriseCreditListFilter(EnterpriseCreditFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _shape_filter(self, user, {"grade": _("All grades")})


class CreditRecordListFilter(CreditRecordFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["kind"].empty_label = _("All kinds")
        _shape_filter(self, user, {"polarity": _("Good and bad"), "source_type": _("All sources"),
                                   "state": _("All states")})


class BlacklistingListFilter(BlacklistingFilter):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _shape_filter(self, user, {"state": _("All states")})


class _EnterpriseForm(ModelForm):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=pgettext_lazy("credit", "Enterprise"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).filter(is_voided=False).order_by("name")

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("enterprise", "version")}


class CreditRecordForm(_EnterpriseForm):
    wide_fields = ("summary",)

    class Meta:
        model = CreditRecord
        fields = ["enterprise", "kind", "occurred_on", "source_type", "document", "points", "summary"]
        widgets = {"occurred_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = CreditRecordKind.objects.filter(is_active=True).order_by("sort", "code")
        self.fields["source_type"].choices = [c for c in RecordSource.choices
                                              if c[0] in (RecordSource.MANUAL, RecordSource.STANDARDISATION)]
        self.fields["document"].required = True
        self.fields["points"].widget.attrs.update(min=-1000, max=1000)


class BlacklistingForm(_EnterpriseForm):
    wide_fields = ("reason",)

    class Meta:
        model = Blacklisting
        fields = ["enterprise", "case_number", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}


class JointNoticeForm(ModelForm):
    wide_fields = ("recipients", "measures")

    class Meta:
        model = JointNotice
        fields = ["number", "recipients", "measures"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 2}), "measures": forms.Textarea(attrs={"rows": 4})}


DEFAULT_MEASURES = ("1. 加大执法检查频次，列为重点监管监察对象；\n2. 暂停其安全生产标准化评审，已取得证书的依法撤销；\n"
                    "3. 在行政审批、政府采购、评优评先、融资信贷等方面依法依规予以限制。")


class StepForm(Form):
    """One step on a record: its action, the reason or the document where it needs one, the version."""

    action = forms.ChoiceField(choices=[])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=bounds.REASON_MAX)
    decision_number = forms.CharField(label=_("Decision document number"), required=False, max_length=60)
    publication = forms.CharField(label=_("Where published"), required=False, max_length=200)
    day = forms.DateField(label=pgettext_lazy("credit", "Date"), required=False, widget=DateInput())
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())

    def __init__(self, *args, actions: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(actions)

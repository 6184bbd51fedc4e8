"""Forms of the region pages (the region pickers every app shares are in ``fields.py``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.forms import Form

from .fields import (  # noqa: F401 -- the region pages take them from here
    INDENT,
    RegionCodeField,
    region_choices,
    township_label,
    township_queryset,
)


class RegionImportForm(Form):
    """Upload of a region list (xlsx or csv)."""

    file = forms.FileField(
        label=_("Region list"),
        help_text=_("An .xlsx or .csv file with the columns: division code, name, level, parent code."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload

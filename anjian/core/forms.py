"""Form plumbing every app's pages share: date and time pickers, a multi-file input under the
upload rules (``core.uploads``), putting a service's ValidationError back next to the fields,
and the filter bar over an API FilterSet.

Forms only collect and check input; the services decide. A service names the field it refuses
(``ValidationError({"deadline": …})``) and ``add_service_errors`` shows it there.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import bounds, uploads

YES_NO = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class BoundedFormMixin:
    """Form mixin: every field gets the bounds it lacks (``core.bounds``): a free text at most
    ``TEXT_MAX`` characters, a number within a range, stated on the widget (``maxlength``,
    ``min``, ``max``) and checked on submit (a form error on the field). Fields a form adds in
    its own ``__init__`` after this one runs are bounded before cleaning."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bounds.bound_form_fields(self.fields)

    def full_clean(self):
        bounds.bound_form_fields(self.fields)
        super().full_clean()


class Form(BoundedFormMixin, forms.Form):
    """The base of every page form of the project (bounded input, ``BoundedFormMixin``)."""


DJANGO_BLANK = "---------"
BLANK = "—"


def _no_dashes(field: forms.Field) -> None:
    """The empty choice reads "—" like the platform's other selects, not Django's "---------"."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = BLANK
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if choices and choices[0] == ("", DJANGO_BLANK):
            field.choices = [("", BLANK), *choices[1:]]


class ModelForm(BoundedFormMixin, forms.ModelForm):
    """The base of every model form of the project, the admin's included (``BoundedFormMixin``).
    The empty choice of the selects Django makes from the model reads "—"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _no_dashes(field)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def add_service_errors(form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service-layer ValidationError onto the form: each message next to its field
    (``aliases`` maps service field names to form field names), the rest above the form."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = aliases.get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- file uploads ---------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each of a type and size the platform keeps, recognised by its
    content (``core.uploads``); ``images_only`` also requires each to be an image Pillow decodes.
    Cleaning gives the files to store: images re-encoded, without metadata."""

    def __init__(self, *args, images_only: bool = False, max_files: int = uploads.MAX_FILES, **kwargs):
        self.images_only = images_only
        self.max_files = max_files
        attrs = {"accept": "image/*"} if images_only else {"accept": uploads.ACCEPT_ATTRIBUTE}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        items = [f for f in items if f]
        if self.required and not items:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(items) > self.max_files:
            raise forms.ValidationError(_("Upload at most %(n)s files at a time.") % {"n": self.max_files})
        single = forms.FileField(required=False)
        out = []
        for f in items:
            cleaned = single.clean(f)
            try:
                out.append(uploads.checked_upload(cleaned, str(self.label or ""), images_only=self.images_only))
            except uploads.UploadRefused as exc:
                raise forms.ValidationError(exc.message, code="upload") from exc
        return out


# --- filter bars ------------------------------------------------------------------------------

class FilterBarMixin:
    """A page's filter bar over an API FilterSet: the same filters and values (one query string
    drives the page, the API and the exports), the page's widgets (``_shape(form)``, per page),
    filtering with the valid fields only (an invalid one is shown next to its field and
    ignored), and a sort field (``sort_choices`` / ``sort_orders``)."""

    sort_choices: list = []
    sort_orders: dict = {}

    def __init__(self, data=None, queryset=None, *, user, with_sort=True, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.with_sort = with_sort and bool(self.sort_orders)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._shape(super().form)
        return self._form

    def _shape(self, form) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def qs_without(self, *names: str):
        """The queryset filtered by every valid filter except ``names`` (e.g. state chips count
        per state over the other filters), reusing this form instead of building another."""
        if not self.is_bound:
            return self.queryset.all()
        self.form.is_valid()
        queryset = self.queryset.all()
        for name, value in getattr(self.form, "cleaned_data", {}).items():
            if name in self.filters and name not in names:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def sort(self) -> str:
        default = next(iter(self.sort_orders), "")
        if not self.with_sort or not self.is_bound:
            return default
        self.form.is_valid()
        value = getattr(self.form, "cleaned_data", {}).get("sort") or default
        return value if value in self.sort_orders else default

    def _sort_field(self, fields) -> None:
        if self.with_sort:
            fields["sort"] = forms.ChoiceField(label=_("Sort by"), required=False, choices=self.sort_choices)

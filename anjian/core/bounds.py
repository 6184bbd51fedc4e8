"""Input bounds, in one place: how long a text, how large a number, how many items or files a
client may send. Every serializer (``core.api_fields.Serializer`` / ``ModelSerializer``) and every
form (``core.forms.Form`` / ``ModelForm``) passes its fields through ``bound_serializer_fields`` /
``bound_form_fields``, which give a field without its own bound the default below, so a value
beyond it is a 400 (a form error) naming the field, and the OpenAPI document states the bound.

A field declares a tighter bound where the domain has one (a name's ``max_length`` from its model
column, ``deaths`` from 0, a page size up to 500); these defaults only close what was left open:
model ``TextField``s, free-text serializer fields, integers without a range, lists without a
length. ``portal/tests/test_input_bounds.py`` walks every serializer and form of the project and
every request body of the schema, so a new endpoint or page gets the rule without a test of its
own, and fails when a class bypasses these bases.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

#: A free text without a bound of its own (a description, an opinion, a plan's measures):
#: about five pages of Chinese text. A 2 MB description is refused.
TEXT_MAX = 5000
#: A reason (voiding, correcting, refusing) and a note beside a step.
REASON_MAX = 200
NOTE_MAX = 300
#: The name of an uploaded file, as stored (``core.models.Attachment.name``).
FILE_NAME_MAX = 200
#: Files in one field of one step (a report's photos, a rectification's evidence).
MAX_FILES = 20
#: Items in one list a client sends (ids, codes, result rows) without a bound of its own.
LIST_MAX = 1000
#: An integer without a range of its own: that of a PostgreSQL ``integer`` column, which every
#: integer column of the project can hold.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
#: A decimal or float without a range (or digits) of its own.
NUMBER_MAX = 10**15
#: A database key (references sent as ids): that of a PostgreSQL ``bigint``.
KEY_MAX = 2**63 - 1

NOT_FINITE = _("Give a finite number.")


def _finite(value) -> None:
    """A float or Decimal that is a number: NaN passes every comparison (so every range) and
    infinity overflows the columns."""
    if isinstance(value, float | Decimal) and not (math.isfinite(value) if isinstance(value, float)
                                                   else value.is_finite()):
        raise validators.ValidationError(NOT_FINITE, code="invalid")


# --- serializers --------------------------------------------------------------------------------

class BoundedManyRelatedField(ManyRelatedField):
    """DRF's list of references, refused by its length before the (one query per item) lookups."""

    def to_internal_value(self, data):
        limit = getattr(self, "max_length", None)
        if limit is not None and isinstance(data, list | tuple) and len(data) > limit:
            raise serializers.ValidationError(
                _("Ensure this field has no more than {max_length} elements.").format(max_length=limit),
                code="max_length")
        return super().to_internal_value(data)


def _add_validator(field, validator) -> None:
    field.validators = [*field.validators, validator]


def _bound_range(field, low, high) -> None:
    """Give a number field (DRF or Django) the range it lacks, enforced and documented."""
    if field.min_value is None:
        field.min_value = low
        _add_validator(field, validators.MinValueValidator(low))
    if field.max_value is None:
        field.max_value = high
        _add_validator(field, validators.MaxValueValidator(high))


def bound_serializer_field(field) -> None:
    """Give one writable serializer field the bounds it lacks (in place; idempotent)."""
    if field.read_only or isinstance(field, serializers.HiddenField):
        return
    if getattr(field, "_anjian_bounded", False):
        return
    field._anjian_bounded = True
    if isinstance(field, serializers.ListSerializer):
        if field.max_length is None:
            field.max_length = LIST_MAX
        bound_serializer_fields(field.child.fields)
    elif isinstance(field, serializers.BaseSerializer):
        bound_serializer_fields(field.fields)
    elif isinstance(field, ManyRelatedField):
        if type(field) is ManyRelatedField:
            # DRF builds this class itself (``many=True``): the bounded one checks the length
            # before it looks each item up.
            field.__class__ = BoundedManyRelatedField
        if getattr(field, "max_length", None) is None:
            field.max_length = LIST_MAX
            _add_validator(field, validators.MaxLengthValidator(LIST_MAX))  # documents maxItems
        _bound_reference(field.child_relation)
    elif isinstance(field, serializers.RelatedField):
        _bound_reference(field)
    elif isinstance(field, serializers.ListField):
        if field.max_length is None:
            field.max_length = MAX_FILES if isinstance(field.child, serializers.FileField) else LIST_MAX
            _add_validator(field, validators.MaxLengthValidator(field.max_length))
        bound_serializer_field(field.child)
    elif isinstance(field, serializers.DictField):
        bound_serializer_field(field.child)
    elif isinstance(field, serializers.FileField):
        if field.max_length is None:
            field.max_length = FILE_NAME_MAX  # the file's name (DRF checks it)
    elif isinstance(field, serializers.CharField):
        if field.max_length is None:
            field.max_length = TEXT_MAX
            message = field.error_messages["max_length"].format(max_length=TEXT_MAX)
            _add_validator(field, validators.MaxLengthValidator(TEXT_MAX, message=message))
    elif isinstance(field, serializers.IntegerField):
        _bound_range(field, INT_MIN, INT_MAX)
    elif isinstance(field, serializers.FloatField | serializers.DecimalField):
        if isinstance(field, serializers.DecimalField) and field.max_digits is not None:
            # DRF refuses more digits than the column holds: document that range.
            top = Decimal(10) ** (field.max_digits - (field.decimal_places or 0))
            _bound_range(field, -top, top)
        else:
            _bound_range(field, -NUMBER_MAX, NUMBER_MAX)
        _add_validator(field, _finite)


class _Documented:
    """A validator that only states a reference's range in the schema: a reference is checked by
    its lookup (an unknown or out-of-range key or code is a 400 "does not exist"), and by then
    the value is the object, not the key."""

    def __call__(self, value):
        return None


class _KeyMin(_Documented, validators.MinValueValidator):
    pass


class _KeyMax(_Documented, validators.MaxValueValidator):
    pass


class _CodeLength(_Documented, validators.MaxLengthValidator):
    pass


def _bound_reference(field) -> None:
    """Document the range of the keys or codes a reference accepts."""
    if isinstance(field, serializers.SlugRelatedField):
        _add_validator(field, _CodeLength(_slug_length(field)))
    elif isinstance(field, serializers.PrimaryKeyRelatedField):
        _add_validator(field, _KeyMin(1))
        _add_validator(field, _KeyMax(KEY_MAX))


def _slug_length(field) -> int:
    queryset = field.queryset
    try:
        return queryset.model._meta.get_field(field.slug_field).max_length or TEXT_MAX
    except Exception:  # noqa: BLE001 (a slug over a property or a lookup path: the generic bound)
        return TEXT_MAX


def bound_serializer_fields(fields) -> None:
    """Give every writable field of a serializer's ``fields`` (nested serializers included)
    the bounds it lacks."""
    for field in fields.values():
        bound_serializer_field(field)


def serializer_field_is_bounded(field) -> bool:
    """Whether a serializer field passed through ``bound_serializer_field`` (or needs not)."""
    return field.read_only or isinstance(field, serializers.HiddenField) or getattr(field, "_anjian_bounded", False)


# --- forms --------------------------------------------------------------------------------------

def bound_form_field(field: forms.Field) -> None:
    """Give one form field the bounds it lacks (in place; idempotent); the widget states them
    (``maxlength``, ``min``, ``max``) so the browser enforces them too."""
    if getattr(field, "_anjian_bounded", False) or field.disabled:
        return
    field._anjian_bounded = True
    changed = False
    if isinstance(field, forms.CharField):
        if field.max_length is None:
            field.max_length = TEXT_MAX
            field.validators.append(validators.MaxLengthValidator(TEXT_MAX))
            changed = True
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        if field.min_value is None or field.max_value is None:
            _bound_range(field, INT_MIN, INT_MAX)
            changed = True
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        if field.min_value is None or field.max_value is None:
            digits = getattr(field, "max_digits", None)
            if digits is not None:
                top = Decimal(10) ** (digits - (field.decimal_places or 0))
                _bound_range(field, -top, top)
            else:
                _bound_range(field, -NUMBER_MAX, NUMBER_MAX)
            changed = True
        field.validators.append(_finite)
    elif isinstance(field, forms.FileField) and field.max_length is None:
        field.max_length = FILE_NAME_MAX
    if changed:
        field.widget.attrs.update(field.widget_attrs(field.widget))


def bound_form_fields(fields) -> None:
    """Give every field of a form's ``fields`` the bounds it lacks."""
    for field in fields.values():
        bound_form_field(field)


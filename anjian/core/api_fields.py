"""API fields and permissions every app's API shares: choices documented as named enums, a user
as their name, uploaded files under the upload rules (``core.uploads``), the version a client
saw (bounded, so a huge number is a 400 naming it, not a 500), and the per-action model
permissions of a viewset."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers

from . import bounds, uploads

#: The largest version a client may send: that of a PostgreSQL integer (a version never gets near).
VERSION_MAX = 2**31 - 1


class BoundedFieldsMixin:
    """Serializer mixin: every writable field gets the bounds it lacks (``core.bounds``): a
    free text at most ``TEXT_MAX`` characters, an integer in ``INT_MIN..INT_MAX``, a list at most
    ``LIST_MAX`` items, nested serializers included. Enforced (400 naming the field) and
    documented in the OpenAPI schema, since the schema is built from the same fields. The
    answers agree with the schema too: read-only fields that can be null say so
    (``document_nulls``), and a PATCH answers the whole record."""

    def get_fields(self):
        fields = super().get_fields()
        bounds.bound_serializer_fields(fields)
        document_nulls(getattr(getattr(self, "Meta", None), "model", None), fields)
        return fields

    def to_representation(self, instance):
        # DRF leaves out a field whose value is its default while the root serializer is partial:
        # the answer to a PATCH would then lack fields its schema requires. Answer the whole record.
        if self.root is self and getattr(self, "partial", False):
            self.partial = False
            try:
                return super().to_representation(instance)
            finally:
                self.partial = True
        return super().to_representation(instance)


def _may_answer_null(model, name: str, field) -> bool:
    """Whether a read-only field can answer null: its default is None, or its source passes
    through a nullable column or relation of ``model``."""
    if field.default is None:
        return True
    source = field.source or name  # the fields are not bound yet
    if model is None or source == "*":
        return False
    current = model
    for attr in source.split("."):
        try:
            column = current._meta.get_field(attr)
        except FieldDoesNotExist:
            return False  # a property or method: its own type hint documents it
        if getattr(column, "null", False):
            return True
        if not column.is_relation or column.related_model is None:
            return False
        current = column.related_model
    return False


def document_nulls(model, fields) -> None:
    """Mark the read-only fields that can answer null as nullable, so the OpenAPI document says
    so (a value read through an empty relation, ``default=None``)."""
    for name, field in fields.items():
        if field.read_only and not field.allow_null and not isinstance(field, serializers.SerializerMethodField) \
                and _may_answer_null(model, name, field):
            field.allow_null = True


class Serializer(BoundedFieldsMixin, serializers.Serializer):
    """The base of every serializer of the project (bounded input, ``BoundedFieldsMixin``)."""


class ModelSerializer(BoundedFieldsMixin, serializers.ModelSerializer):
    """The base of every model serializer of the project (bounded input, ``BoundedFieldsMixin``)."""


class EnumField(serializers.ChoiceField):
    """A choice field documented in the OpenAPI schema as the enum component ``enum_name``
    (``<Choices class>Enum``), so choice sets of different apps that share a field name
    ("level", "state", "kind") neither collide nor rename each other's components."""

    def __init__(self, choices_class, *, enum_name: str = "", **kwargs):
        self.choices_class = choices_class
        self.enum_name = enum_name or f"{choices_class.__name__}Enum"
        super().__init__(choices=choices_class.choices, **kwargs)


class EnumFieldSchema(OpenApiSerializerFieldExtension):
    target_class = EnumField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {
            "type": "string",
            "enum": list(field.choices_class.values),
            "description": "\n".join(f"* `{value}` - {label}" for value, label in field.choices_class.choices),
        }
        component = ResolvedComponent(name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name,
                                      schema=schema)
        auto_schema.registry.register_on_missing(component)
        # "" (none chosen) and null are answers of their own, not values of the enum.
        others = ([{"type": "string", "enum": [""]}] if field.allow_blank else []) + (
            [{"enum": [None]}] if field.allow_null else [])
        return {"oneOf": [component.ref, *others]} if others else component.ref


class BlankEmailSchema(OpenApiSerializerFieldExtension):
    """An e-mail address that may be left empty: "" is not an e-mail address to a schema
    validator, so the document says "an address, or empty"."""

    target_class = serializers.EmailField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if not self.target.allow_blank:
            return schema
        address = {k: v for k, v in schema.items() if k in ("type", "format")}
        auto_schema._insert_field_validators(self.target, address)
        meta = {k: v for k, v in schema.items() if k not in ("type", "format", "maxLength", "minLength")}
        return {"oneOf": [address, {"type": "string", "enum": [""]}], **meta}


class BoundedManyRelatedFieldSchema(OpenApiSerializerFieldExtension):
    """A list of references as DRF documents it, plus the bounds of its items (drf-spectacular
    leaves the item's validators out) and, in requests, the number of items."""

    target_class = bounds.BoundedManyRelatedField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = auto_schema._map_serializer_field(field, direction, bypass_extensions=True)
        if isinstance(schema.get("items"), dict):
            auto_schema._insert_field_validators(field.child_relation, schema["items"])
        return schema


class NestedListSchema(OpenApiSerializerFieldExtension):
    """A nested list of objects (``many=True``) as drf-spectacular documents it, with its number
    of items in requests (``ListSerializer.max_length``; answers are not limited by it)."""

    target_class = serializers.ListSerializer
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and schema and self.target.max_length is not None:
            schema["maxItems"] = self.target.max_length
        return schema


def user_name(user) -> str | None:
    return None if user is None else (user.name or user.get_username())


class UserNameField(serializers.CharField):
    """A user as the name people know them by (read-only)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return user_name(value)


class UploadField(serializers.FileField):
    """One uploaded file of a type and size the platform keeps, recognised by its content
    (``core.uploads``); its value is the file to store (an image re-encoded, without metadata)."""

    def to_internal_value(self, data):
        f = super().to_internal_value(data)
        # A list's child has no name of its own: the list's is the one the client sent.
        field = self.field_name or getattr(self.parent, "field_name", "") or ""
        try:
            return uploads.checked_upload(f, field)
        except uploads.UploadRefused as exc:
            raise serializers.ValidationError(exc.message, code="upload") from exc


def files_field(help_text: str) -> serializers.ListField:
    """Several uploaded files in one field (multipart/form-data), at most ``uploads.MAX_FILES``."""
    return serializers.ListField(child=UploadField(max_length=bounds.FILE_NAME_MAX), required=False,
                                 max_length=bounds.MAX_FILES,
                                 help_text=help_text)


class VersionSerializer(Serializer):
    """The version of the record the client saw: a step taken on a record changed since answers
    409 (``core.workflow``)."""

    version = serializers.IntegerField(
        required=False, min_value=0, max_value=VERSION_MAX,
        help_text="The version of the record the client saw; if the record changed since, the step answers 409.")


def is_key_request(request) -> bool:
    """Whether the request was authenticated by a key limited to its view's ``key_actions`` (an
    enterprise system's key: its credential says so with ``limited_to_key_actions``)."""
    return bool(getattr(getattr(request, "auth", None), "limited_to_key_actions", False))


class ActionPermission(permissions.BasePermission):
    """Authenticated; reads open (scoping decides what is seen); each write action needs the
    model permissions the view's ``action_permissions`` names (an action not named is refused).
    A request authenticated by a limited key (``is_key_request``) reaches only the view's
    ``key_actions``."""

    message = gettext_lazy("You may not do this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        name = getattr(view, "action", None)
        if name is None:
            return True  # no handler for this method: DRF answers 405
        if is_key_request(request) and name not in getattr(view, "key_actions", ()):
            self.message = _("An enterprise-system API key cannot be used for this.")
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        perms = getattr(view, "action_permissions", {}).get(name)
        return perms is not None and user.has_perms(perms)

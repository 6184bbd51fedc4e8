"""API plumbing shared by every app: pagination, error format, the scoped viewset base."""

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .history import history_rows
from .services import ConflictError, void_record


def django_error_to_drf(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


def exception_handler(exc, context):
    """Service-layer ValidationErrors become 400s naming the field; conflicts become 409."""
    if isinstance(exc, ConflictError):
        body = {"detail": exc.message, "code": "conflict"}
        if exc.current_state:
            body["current_state"] = exc.current_state
        if exc.current_version is not None:
            body["current_version"] = exc.current_version
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = django_error_to_drf(exc)
    elif isinstance(exc, IntegrityError):
        exc = ValidationError({"non_field_errors": [str(exc)]})
    return drf_exception_handler(exc, context)


class RoleModelPermissions(permissions.DjangoModelPermissions):
    """Reads are open to any authenticated user (scoping decides what they see);
    writes need the role's model permission. The ``void`` action counts as a delete."""

    def has_permission(self, request, view):
        if getattr(view, "action", None) == "void":
            if not request.user or not request.user.is_authenticated:
                return False
            return request.user.has_perms(self.get_required_permissions("DELETE", self._queryset(view).model))
        if request.method in permissions.SAFE_METHODS:
            # Reads need no model permission, so answer here: DjangoModelPermissions would
            # build the view's (scoped) queryset a second time only to find its model.
            if getattr(view, "_ignore_model_permissions", False):
                return True
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


class EventSerializer(serializers.Serializer):
    """One row of a record's timeline (core.Event), as the ``…/events/`` actions answer it."""

    action = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    comment = serializers.CharField()
    data = serializers.JSONField()


class HistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="history_date")
    user = serializers.CharField(source="history_user", allow_null=True)
    type = serializers.CharField(source="history_type")
    changes = serializers.ListField()


class HistoryActionMixin:
    """Adds GET …/{id}/history/: the record's field-level change history (who, when, what)."""

    @action(detail=True, methods=["get"], serializer_class=HistorySerializer, pagination_class=None,
            filter_backends=[])
    def history(self, request, *args, **kwargs):
        return Response(HistorySerializer(history_rows(self.get_object()), many=True).data)


class ScopedRelatedFieldsMixin:
    """Serializer mixin: the related fields named in ``scoped_fields`` accept only objects the
    caller can see, so an out-of-scope key gets the same "does not exist" error as a missing one."""

    scoped_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            for name in self.scoped_fields:
                field = fields.get(name)
                if field is None or field.read_only:
                    continue
                target = getattr(field, "child_relation", field)
                target.queryset = target.queryset.for_user(user)
        return fields


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ScopedViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """CRUD over ``model.objects.for_user(request.user)``. DELETE voids instead of deleting."""

    permission_classes = [permissions.IsAuthenticated, RoleModelPermissions]
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    # The service that voids one record; a domain may need more than the generic void.
    void_service = staticmethod(void_record)

    def get_queryset(self):
        qs = self.queryset.model.objects.for_user(self.request.user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        ser = VoidSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
        ser.is_valid(raise_exception=True)
        self.void_service(obj, actor=request.user, reason=ser.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], serializer_class=VoidSerializer)
    def void(self, request, *args, **kwargs):
        return self.destroy(request, *args, **kwargs)


class ValuesRepresentation:
    """What a ModelSerializer gives for a model instance, built from a ``values()`` row instead.

    A list endpoint spends most of its time turning rows into model instances (and their
    related instances) and walking DRF's fields over them. For a read-only list page this
    builds the same dicts — same keys, same order, values formatted by the serializer's own
    field objects, so the JSON is byte for byte the same — from ``values(*columns)`` rows.
    The plan is derived from the serializer's fields (once, on first use), so a field added
    to the serializer appears here too, or fails loudly when it cannot be read from values().

    Supported fields: model fields and dotted sources over non-null relations
    (``region.name``), SlugRelatedField, PrimaryKeyRelatedField, and nested serializers named
    in ``nested`` with the values() prefix of the relation they read (e.g. a FilteredRelation
    alias); a nested object whose primary key is NULL is represented as None, as the
    serializer does for a missing related object. Fields named in ``supplied`` (a list, or a
    callable answering one when the plan is built) are not read from values(): the caller puts
    their representation in the row under the field's name (e.g. a many-to-many's codes, read
    for the whole page in one query). Anything else (SerializerMethodField, source="*",
    many=True, dotted sources over nullable relations) raises ImproperlyConfigured.
    """

    # Fields whose to_representation returns the database value unchanged (str, int, bool).
    _IDENTITY = (serializers.CharField, serializers.IntegerField, serializers.BooleanField)

    def __init__(self, serializer_class: type[serializers.ModelSerializer], *,
                 nested: dict[str, str] | None = None, prefix: str = "",
                 supplied: Any = ()):
        self.serializer_class = serializer_class
        self.nested = nested or {}
        self.prefix = prefix
        self.supplied = supplied
        self._plan: list[tuple[str, str, Any]] | None = None
        self._columns: list[str] = []

    @property
    def columns(self) -> list[str]:
        """The values() columns ``represent`` reads."""
        self._compiled()
        return self._columns

    def represent(self, row: dict[str, Any]) -> dict[str, Any]:
        """The serializer's representation of the object whose values() row is ``row``."""
        out = {}
        for name, column, fmt in self._compiled():
            value = row[column]
            if value is None:
                out[name] = None
            elif fmt is None:
                out[name] = value
            elif isinstance(fmt, ValuesRepresentation):
                out[name] = fmt.represent(row)
            else:
                out[name] = fmt(value)
        return out

    def _compiled(self) -> list[tuple[str, str, Any]]:
        if self._plan is None:
            plan, columns = self._compile()
            self._columns = columns  # columns first: another thread may see the plan set
            self._plan = plan
        return self._plan

    def _compile(self) -> tuple[list[tuple[str, str, Any]], list[str]]:
        model = self.serializer_class.Meta.model
        serializer = self.serializer_class()  # no request: the fields as declared
        pk_column = self.prefix + model._meta.pk.attname
        plan: list[tuple[str, str, Any]] = []
        columns: list[str] = [pk_column]
        supplied = set(self.supplied() if callable(self.supplied) else self.supplied)

        def unsupported(field, why: str) -> ImproperlyConfigured:
            return ImproperlyConfigured(f"{self.serializer_class.__name__}.{field.field_name}: {why}; "
                                        "ValuesRepresentation cannot build it from values()")

        for field in serializer._readable_fields:
            name = field.field_name
            if name in supplied:
                plan.append((name, name, None))  # the caller's value, as it is
                continue
            if isinstance(field, serializers.BaseSerializer):
                if name not in self.nested or isinstance(field, serializers.ListSerializer):
                    raise unsupported(field, "a nested serializer not named in `nested`")
                sub = ValuesRepresentation(type(field), nested={}, prefix=f"{self.prefix}{self.nested[name]}__")
                columns += [c for c in sub.columns if c not in columns]
                plan.append((name, sub.columns[0], sub))  # its primary key: NULL means no object
                continue
            if field.source == "*" or isinstance(field, (serializers.SerializerMethodField,
                                                         serializers.ManyRelatedField)):
                raise unsupported(field, "not a column")
            attrs = field.source_attrs
            related = model
            for attr in attrs[:-1]:  # DRF omits or nulls a field whose relation is missing: not emulated
                rel = related._meta.get_field(attr)
                if not rel.is_relation or rel.null or rel.many_to_many or rel.one_to_many:
                    raise unsupported(field, f"source through the nullable or multi-valued relation {attr}")
                related = rel.related_model
            column = self.prefix + "__".join(attrs)
            fmt = field.to_representation
            if isinstance(field, serializers.SlugRelatedField):
                column, fmt = f"{column}__{field.slug_field}", None
            elif isinstance(field, serializers.PrimaryKeyRelatedField):
                fmt = field.pk_field.to_representation if field.pk_field is not None else None
            elif isinstance(field, serializers.RelatedField):
                raise unsupported(field, f"{type(field).__name__} is not supported")
            elif type(field) in self._IDENTITY:
                fmt = None
            if column not in columns:
                columns.append(column)
            plan.append((name, column, fmt))
        return plan, columns


class BinaryFileRenderer(BaseRenderer):
    """Lets clients ask for a file's media type (set ``media_type`` and ``format`` in a subclass):
    the view returns the file's bytes itself, and an error (a dict) is still sent as JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | bytearray):
            return data
        if renderer_context and renderer_context.get("response") is not None:
            renderer_context["response"]["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class AvailableActionsField(serializers.Field):
    """The steps of a state machine the caller may take on the object now: what
    ``core.workflow.available_steps`` answers (plus the actions ``also(user, obj)`` names, for
    those outside the machine that the policy allows). Read-only; needs the request in the
    serializer's context."""

    def __init__(self, machine, policy, *, also=None, **kwargs):
        self.machine, self.policy, self.also = machine, policy, also
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, obj) -> list[str]:
        from .workflow import available_steps

        user = getattr(self.context.get("request"), "user", None)
        steps = available_steps(self.machine, self.policy, user, obj)
        return steps + [a for a in (self.also(user, obj) if self.also else []) if a not in steps]

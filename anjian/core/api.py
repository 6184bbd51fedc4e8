"""API plumbing shared by every app: error format, permissions, the scoped viewset bases and the
scoping of related fields a client sends."""

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import bounds
from .api_fields import Serializer
from .downloads import XLSX
from .history import history_rows
from .scoping import scope_of, users_visible_to
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


class EventSerializer(Serializer):
    """One row of a record's timeline (core.Event), as the ``…/events/`` actions answer it."""

    action = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    comment = serializers.CharField()
    data = serializers.JSONField()


class HistorySerializer(Serializer):
    at = serializers.DateTimeField(source="history_date")
    user = serializers.CharField(source="history_user", allow_null=True)
    type = serializers.CharField(source="history_type")
    changes = serializers.ListField()


class HistoryActionMixin:
    """Adds GET …/{id}/history/: the record's field-level change history (who, when, what)."""

    @extend_schema(responses={200: HistorySerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=HistorySerializer, pagination_class=None,
            filter_backends=[])
    def history(self, request, *args, **kwargs):
        return Response(HistorySerializer(history_rows(self.get_object()), many=True).data)


def scoped_choices(user, queryset: QuerySet, field: str = "") -> QuerySet:
    """The rows of a related field's ``queryset`` that ``user`` may name: an account visible to
    them (core.scoping.users_visible_to), a scoped record through ``for_user``, reference data
    (a model without ``Scoping``) as it is. A scoped model that cannot be read through
    ``for_user`` must be named in the serializer's ``unscoped_fields`` with the reason."""
    model = queryset.model
    if model is get_user_model():
        return users_visible_to(user, queryset)
    if hasattr(queryset, "for_user"):
        return queryset.for_user(user)
    if hasattr(model, "Scoping"):
        raise ImproperlyConfigured(f"{field or model.__name__}: {model.__name__} is scoped but has no for_user; "
                                   "name the field in unscoped_fields with the reason (who checks it)")
    return queryset


def scope_related_fields(fields, user, unscoped: Mapping[str, str] = MappingProxyType({})) -> None:
    """Narrow every writable related field of ``fields`` (a serializer's bound fields, nested
    serializers included) to what ``user`` may name, except those in ``unscoped``."""
    for name, field in fields.items():
        if field.read_only or name in unscoped:
            continue
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(nested, serializers.BaseSerializer):
            if not isinstance(nested, ScopedRelatedFieldsMixin):  # the mixin scopes its own fields
                scope_related_fields(nested.fields, user, getattr(nested, "unscoped_fields", {}))
            continue
        target = getattr(field, "child_relation", field)
        if isinstance(target, serializers.RelatedField) and target.queryset is not None:
            target.queryset = scoped_choices(user, target.queryset, f"{type(field.parent).__name__}.{name}")


def scope_serializer(serializer, user) -> None:
    """Scope the related fields of a serializer instance (the API base does this for every
    serializer it builds; a serializer with ScopedRelatedFieldsMixin does it itself)."""
    target = serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer
    if user is None or isinstance(target, ScopedRelatedFieldsMixin) or not hasattr(target, "fields"):
        return
    scope_related_fields(target.fields, user, getattr(target, "unscoped_fields", {}))


class ScopedRelatedFieldsMixin:
    """Serializer mixin: every writable related field accepts only objects the caller may name
    (``scoped_choices``): a record out of scope gets the same "does not exist" error as a
    missing one, and an account must be one the caller may see. A field that must reach beyond
    the caller's scope is named in ``unscoped_fields`` with the reason (the service checks it).

    Serializers an action builds itself (``X(data=…, context=…)``) need the mixin; the ones the
    viewset builds (``get_serializer``) are scoped by the base either way."""

    unscoped_fields: Mapping[str, str] = MappingProxyType({})

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            scope_related_fields(fields, user, self.unscoped_fields)
        return fields


class VoidSerializer(Serializer):
    reason = serializers.CharField(max_length=bounds.REASON_MAX)


# Set on the query of a viewset's restricted queryset (a Query's clones keep their attributes),
# so the base can tell a queryset built on it from one built beside it.
_SCOPE_MARK = "anjian_scope_token"


class ScopedAPIMixin:
    """The caller's scope applied before any subclass code sees a queryset (as NetBox restricts
    in ``initial()``): ``queryset`` is narrowed to the caller's rows once the request is
    authenticated and permitted, and ``get_queryset()`` starts from that. Subclasses declare
    ``queryset``, ``select_related``/``prefetch_related`` and filters; a ``get_queryset``
    override builds on ``super().get_queryset()`` — a queryset not built on it is refused
    (ImproperlyConfigured), so scoping cannot be skipped.

    The rows: ``Model.objects.for_user(user)`` (voided rows only with ``include_voided``);
    with ``public_rows`` (a Q), those rows for every caller plus the scoped rest (a library
    with enterprise-owned entries). A model without ``Scoping`` is reference data: the viewset
    says so in ``scope_exempt`` (why every logged-in user reads every row), else it is refused.
    Every serializer the view builds has its related fields scoped (ScopedRelatedFieldsMixin)."""

    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    include_voided = False
    public_rows: Q | None = None
    scope_exempt = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The rule is the model's Scoping (with the switches above), not a viewset's own.
        if "restrict" in vars(cls):
            raise TypeError(f"{cls.__name__} may not override restrict(): declare public_rows, include_voided "
                            "or scope_exempt instead")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._scope_token = object()
        queryset = self.restrict(self.queryset, request.user).all()
        setattr(queryset.query, _SCOPE_MARK, self._scope_token)
        self.queryset = queryset

    def restrict(self, queryset: QuerySet, user) -> QuerySet:
        """``queryset`` narrowed to the rows ``user`` may read through this view."""
        model = queryset.model
        if not hasattr(model, "Scoping"):
            if not self.scope_exempt:
                raise ImproperlyConfigured(f"{type(self).__name__}: {model.__name__} declares no Scoping; "
                                           "say why it is not scoped (scope_exempt) or scope it")
            return queryset
        if self.scope_exempt:
            raise ImproperlyConfigured(f"{type(self).__name__}: {model.__name__} is scoped; it cannot be exempt")
        if self.public_rows is not None:
            scope = scope_of(user)
            if scope.is_all:
                return queryset
            own = scope.apply(model._default_manager.exclude(self.public_rows)).values("pk")
            return queryset.filter(self.public_rows | Q(pk__in=own))
        return queryset.for_user(user, include_voided=self.include_voided)

    def is_restricted(self, queryset: QuerySet) -> bool:
        token = getattr(self, "_scope_token", None)
        return token is not None and getattr(queryset.query, _SCOPE_MARK, None) is token

    def get_queryset(self):
        # Before initial() (DRF's model-permission check, schema generation) only the model is
        # wanted: no rows until the queryset is restricted.
        qs = self.queryset.all() if self.is_restricted(self.queryset) else self.queryset.none()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def filter_queryset(self, queryset):
        # Only a dispatched request is checked: a view built by hand (a test, the schema) has
        # no caller to scope for.
        dispatched = getattr(self, "_scope_token", None) is not None
        if dispatched and not (self.scope_exempt or self.is_restricted(queryset)):
            raise ImproperlyConfigured(f"{type(self).__name__}.get_queryset() must build on super().get_queryset(): "
                                       "the caller's scope is applied there")
        return super().filter_queryset(queryset)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        scope_serializer(serializer, getattr(self.request, "user", None))
        return serializer


class ScopedGenericViewSet(ScopedAPIMixin, viewsets.GenericViewSet):
    """The base of every viewset: the caller's rows only (see ScopedAPIMixin); no actions."""


class ScopedReadOnlyViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, ScopedGenericViewSet):
    """List and detail of the caller's rows; no writes."""


class ScopedViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    ScopedGenericViewSet,
):
    """CRUD over the caller's rows (see ScopedAPIMixin). DELETE voids instead of deleting."""

    permission_classes = [permissions.IsAuthenticated, RoleModelPermissions]
    # The service that voids one record; a domain may need more than the generic void.
    void_service = staticmethod(void_record)

    @extend_schema(parameters=[OpenApiParameter("reason", str, description="why (when not in the body)",
                                                required=False)],
                   request=VoidSerializer, responses={204: None})
    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        ser = VoidSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
        ser.is_valid(raise_exception=True)
        self.void_service(obj, actor=request.user, reason=ser.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={204: None})
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


class XlsxRenderer(BinaryFileRenderer):
    """Lets clients ask for xlsx (``Accept`` or ``?format=xlsx``) on an export endpoint."""

    media_type = XLSX
    format = "xlsx"


class ImportErrorSerializer(Serializer):
    """One error of a refused import: where it is and what is wrong."""

    row = serializers.IntegerField(help_text="Spreadsheet row number (the header is row 1); 0 for the whole file.")
    field = serializers.CharField(help_text="The field (or 'file').")
    column = serializers.CharField(help_text="The column header in the template.")
    message = serializers.CharField()


class ImportReportSerializer(Serializer):
    """The answer of an import (core.imports.run_import): written, or refused with every error."""

    ok = serializers.BooleanField()
    total_rows = serializers.IntegerField()
    created = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)


class ImportUploadSerializer(Serializer):
    """The body of an import endpoint: one file."""

    file = serializers.FileField(help_text="An .xlsx or .csv file laid out like the import template.")


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

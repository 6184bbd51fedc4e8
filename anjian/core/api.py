"""API plumbing shared by every app: pagination, error format, the scoped viewset base."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
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
        return super().has_permission(request, view)


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

"""The enforcement API: the expert pool, officers' certificates and declared conflicts (and, in
``api_*.py``, plans, draws, inspections and cases), on the scoped viewset bases of ``core.api``.

Every write goes through ``enforcement.services``; each state step of a record is one route
``POST /api/<records>/{id}/<step>/`` (named after the step of its machine in ``choices.py``) with
an optional ``version`` (409 when the record changed since). A service's ValidationError is a 400
naming the field; a refused right a 403; a record outside the caller's jurisdiction a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.core.api import (
    AvailableActionsField,
    EventSerializer,
    HistoryActionMixin,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
)
from anjian.core.api_fields import (
    ActionPermission,
    EnumField,
    ModelSerializer,
    Serializer,
    UserNameField,
    user_name,
)
from anjian.core.filters import StableOrderingFilter
from anjian.core.pagination import StandardPagination
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise, Industry
from anjian.orgs.models import User
from anjian.regions.models import Region

from . import services
from .choices import (
    CERTIFICATE_MACHINE,
    CONFLICT_MACHINE,
    EXPERT_MACHINE,
    CertificateState,
    ConflictKind,
    ConflictState,
    ExpertState,
)
from .filters import CertificateFilter, ConflictFilter, ExpertFilter
from .models import ConflictDeclaration, EnforcementCertificate, Expert
from .policy import policy

# --- the step routes, declared from a table ----------------------------------------------------


class VersionField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault("help_text", "the version of the record the client saw (409 if it changed since)")
        super().__init__(**kwargs)


class StepInput(Serializer):
    version = VersionField()


class ReasonInput(StepInput):
    reason = serializers.CharField(max_length=200)


class CommentInput(StepInput):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def with_steps(steps: dict[str, tuple[type[serializers.Serializer], Callable[..., Any], tuple[str, ...]]]):
    """A class decorator giving a viewset one POST route per step: ``steps`` maps the step's name
    to (input serializer, ``run(obj, user, data, version)``, model permissions). The route is
    ``{id}/<name with dashes>/`` and answers the record as it is after the step."""

    def decorate(cls):
        perms = dict(getattr(cls, "action_permissions", {}))
        for name, (serializer, run, needed) in steps.items():
            def handler(self, request, pk=None, _serializer=serializer, _run=run):
                obj = self.get_object()
                ser = _serializer(data=request.data, context=self.get_serializer_context())
                ser.is_valid(raise_exception=True)
                data = dict(ser.validated_data)
                version = data.pop("version", None)
                _run(obj, request.user, data, version)
                return self.detail_response(obj)

            handler.__name__ = name
            handler.__doc__ = f"Take the step {name!r} (see the record's available_actions)."
            decorated = extend_schema(request=serializer, responses=cls.detail_serializer,
                                      operation_id=f"{cls.basename_for_schema}_{name}")(
                action(detail=True, methods=["post"], url_path=name.replace("_", "-"),
                       url_name=name.replace("_", "-"))(handler))
            setattr(cls, name, decorated)
            perms[name] = needed
        cls.action_permissions = perms
        return cls

    return decorate


class RecordViewSet(HistoryActionMixin, ScopedViewSet):
    """The shared shape of the enforcement viewsets: model permissions per action, filters and
    ordering, pages, the timeline, and answers that are the record's detail after a write."""

    permission_classes = [ActionPermission]
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    detail_serializer: type[serializers.Serializer]
    write_serializer: type[serializers.Serializer] | None = None
    basename_for_schema = ""

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.write_serializer is not None:
            return self.write_serializer
        if self.action in ("history", "void"):
            return super().get_serializer_class()
        return self.detail_serializer if self.action not in ("list",) else self.serializer_class

    def detail_response(self, obj, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().model._default_manager.filter(pk=obj.pk)
        fresh = fresh.select_related(*self.select_related) if self.select_related else fresh
        return Response(self.detail_serializer(fresh.get(), context=self.get_serializer_context()).data,
                        status=status_code)

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self.detail_response(ser.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        ser = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.pop("partial", False))
        ser.is_valid(raise_exception=True)
        return self.detail_response(ser.save())

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        """The record's timeline, newest first."""
        obj = self.get_object()
        rows = [{"action": e.action, "at": e.at, "actor": user_name(e.actor), "from_state": e.from_state,
                 "to_state": e.to_state, "comment": e.comment, "data": e.data} for e in events_for(obj)]
        return Response(EventSerializer(rows, many=True).data)


def perms(model: str, *verbs: str) -> tuple[str, ...]:
    return tuple(f"enforcement.{verb}_{model}" for verb in verbs)


# --- experts ---------------------------------------------------------------------------------------

class ExpertSerializer(ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    state = EnumField(ExpertState, enum_name="EnforcementExpertStateEnum", read_only=True)
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True,
                                          help_text="industry codes of the expert's fields")
    available_today = serializers.SerializerMethodField()

    class Meta:
        model = Expert
        fields = ["id", "name", "title", "region", "region_name", "employer_name", "employer", "fields",
                  "specialties", "qualifications", "phone", "user", "state", "unavailable_until",
                  "available_today", "note", "version", "is_voided", "created_at"]
        read_only_fields = fields

    def get_available_today(self, obj) -> bool:
        return obj.is_available_on(timezone.localdate())


class ExpertDetailSerializer(ExpertSerializer):
    available_actions = AvailableActionsField(EXPERT_MACHINE, policy)

    class Meta(ExpertSerializer.Meta):
        fields = [*ExpertSerializer.Meta.fields, "available_actions"]
        read_only_fields = fields


class ExpertWriteSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(),
                                          help_text="division code of the pool's region (on create only)")
    employer = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    fields = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all(), many=True,
                                          required=False)
    version = VersionField()

    class Meta:
        model = Expert
        fields = ["name", "title", "region", "employer_name", "employer", "fields", "specialties", "qualifications",
                  "phone", "user", "note", "version"]

    def create(self, validated):
        validated.pop("version", None)
        fields = validated.pop("fields", [])
        return services.create_expert(actor=self.context["request"].user, data=validated, fields=fields)

    def update(self, instance, validated):
        version = validated.pop("version", None)
        fields = validated.pop("fields", None)
        validated.pop("region", None)  # the pool never changes
        return services.update_expert(instance, actor=self.context["request"].user, data=validated, fields=fields,
                                      version=version)


class UnavailableInput(ReasonInput):
    until = serializers.DateField(required=False, allow_null=True, default=None)


EXPERT = "expert"


@with_steps({
    "mark_unavailable": (UnavailableInput, lambda o, u, d, v: services.mark_expert_unavailable(
        o, actor=u, until=d["until"], reason=d["reason"], version=v), perms(EXPERT, "change")),
    "mark_available": (StepInput, lambda o, u, d, v: services.mark_expert_available(o, actor=u, version=v),
                       perms(EXPERT, "change")),
    "retire": (ReasonInput, lambda o, u, d, v: services.retire_expert(o, actor=u, reason=d["reason"], version=v),
               perms(EXPERT, "change")),
})
class ExpertViewSet(RecordViewSet):
    """The expert pools of the caller's jurisdiction (专家库). DELETE (or POST …/void/) voids."""

    queryset = Expert.objects.all()
    serializer_class = ExpertSerializer
    detail_serializer = ExpertDetailSerializer
    write_serializer = ExpertWriteSerializer
    basename_for_schema = "enforcement_experts"
    filterset_class = ExpertFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]
    select_related = ("region",)
    prefetch_related = ("fields",)
    void_service = staticmethod(services.void_expert)
    action_permissions = {"create": perms(EXPERT, "add"), "update": perms(EXPERT, "change"),
                          "partial_update": perms(EXPERT, "change"), "destroy": perms(EXPERT, "delete"),
                          "void": perms(EXPERT, "delete")}


# --- certificates -------------------------------------------------------------------------------------

class CertificateSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    officer_name = UserNameField(source="officer")
    state = EnumField(CertificateState, enum_name="EnforcementCertificateStateEnum", read_only=True)
    valid_today = serializers.SerializerMethodField()

    class Meta:
        model = EnforcementCertificate
        fields = ["id", "officer", "officer_name", "number", "issuer", "issued_on", "valid_until", "state",
                  "valid_today", "version", "is_voided", "created_at"]
        read_only_fields = ["id", "state", "version", "is_voided", "created_at"]

    def get_valid_today(self, obj) -> bool:
        return obj.is_valid_on(timezone.localdate())

    def create(self, validated):
        officer = validated.pop("officer")
        return services.record_certificate(actor=self.context["request"].user, officer=officer, data=validated)


class CertificateDetailSerializer(CertificateSerializer):
    available_actions = AvailableActionsField(CERTIFICATE_MACHINE, policy)

    class Meta(CertificateSerializer.Meta):
        fields = [*CertificateSerializer.Meta.fields, "available_actions"]
        read_only_fields = fields


CERT = "enforcementcertificate"


def _cert_step(name: str):
    return lambda o, u, d, v: services.certificate_step(o, name, actor=u, comment=d.get("reason") or d.get(
        "comment", ""), version=v)


@with_steps({
    "suspend": (ReasonInput, _cert_step("suspend"), perms(CERT, "change")),
    "reinstate": (CommentInput, _cert_step("reinstate"), perms(CERT, "change")),
    "revoke": (ReasonInput, _cert_step("revoke"), perms(CERT, "change")),
})
class CertificateViewSet(RecordViewSet):
    """Officers' enforcement certificates (行政执法证) in the caller's jurisdiction. Certificates are
    recorded, suspended, reinstated, revoked or voided — never edited."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = EnforcementCertificate.objects.all()
    serializer_class = CertificateSerializer
    detail_serializer = CertificateDetailSerializer
    write_serializer = CertificateSerializer
    basename_for_schema = "enforcement_certificates"
    filterset_class = CertificateFilter
    ordering_fields = ["issued_on", "valid_until", "id"]
    ordering = ["-issued_on", "-id"]
    select_related = ("officer",)
    void_service = staticmethod(services.void_certificate)
    action_permissions = {"create": perms(CERT, "add"), "destroy": perms(CERT, "delete"),
                          "void": perms(CERT, "delete")}


# --- conflicts -------------------------------------------------------------------------------------

class DeclaredConflictSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    officer = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True,
                                                 help_text="the officer (default: the caller, unless an expert "
                                                           "is named)")
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all(), required=False, allow_null=True)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    officer_name = UserNameField(source="officer")
    kind = EnumField(ConflictKind, enum_name="EnforcementConflictKindEnum")
    state = EnumField(ConflictState, enum_name="EnforcementConflictStateEnum", read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = ["id", "officer", "officer_name", "expert", "enterprise", "enterprise_name", "kind", "reason",
                  "declared_on", "valid_until", "state", "version", "is_voided", "created_at"]
        read_only_fields = ["id", "state", "version", "is_voided", "created_at"]

    def create(self, validated):
        enterprise, officer, expert = validated.pop("enterprise"), validated.pop("officer", None), validated.pop(
            "expert", None)
        return services.declare_conflict(actor=self.context["request"].user, enterprise=enterprise, officer=officer,
                                         expert=expert, data=validated)


class DeclaredConflictDetailSerializer(DeclaredConflictSerializer):
    available_actions = AvailableActionsField(CONFLICT_MACHINE, policy)

    class Meta(DeclaredConflictSerializer.Meta):
        fields = [*DeclaredConflictSerializer.Meta.fields, "available_actions"]
        read_only_fields = fields


CONFLICT = "conflictdeclaration"


@with_steps({
    "end": (CommentInput, lambda o, u, d, v: services.end_conflict(o, actor=u, comment=d["comment"], version=v),
            perms(CONFLICT, "change")),
})
class ConflictViewSet(RecordViewSet):
    """Declared conflicts of interest (回避) of officers and experts in the caller's jurisdiction."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = ConflictDeclaration.objects.all()
    serializer_class = DeclaredConflictSerializer
    detail_serializer = DeclaredConflictDetailSerializer
    write_serializer = DeclaredConflictSerializer
    basename_for_schema = "enforcement_conflicts"
    filterset_class = ConflictFilter
    ordering_fields = ["declared_on", "id"]
    ordering = ["-declared_on", "-id"]
    select_related = ("officer", "enterprise")
    void_service = staticmethod(services.void_conflict)
    action_permissions = {"create": perms(CONFLICT, "add"), "destroy": perms(CONFLICT, "delete"),
                          "void": perms(CONFLICT, "delete")}

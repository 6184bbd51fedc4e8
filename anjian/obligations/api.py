"""The obligations API: licence kinds (reference data), licences, the people to be certified and
their certificates — list with filters, detail, create, correct (PATCH/PUT, with ``version``: 409 on
a stale copy), void (DELETE), the steps (verify, suspend, reinstate, revoke, leave), events, history,
xlsx export and the import of people and certificates.

Every write goes through ``anjian.obligations.services``; records outside the caller's
jurisdiction are not found (404)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from anjian.core import bounds
from anjian.core.api import (
    AvailableActionsField,
    EventSerializer,
    HistoryActionMixin,
    ImportReportSerializer,
    ImportUploadSerializer,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
    XlsxRenderer,
)
from anjian.core.api_fields import EnumField, ModelSerializer, Serializer
from anjian.core.downloads import xlsx_response
from anjian.core.exports import api_export_response
from anjian.core.filters import StableOrderingFilter
from anjian.core.imports import import_upload
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise

from . import exports, imports, services
from .choices import (
    CERTIFICATE_MACHINE,
    LICENCE_MACHINE,
    PERSON_MACHINE,
    Certainty,
    CertificateKind,
    CertificateState,
    LicenceState,
    OperationType,
    PersonRole,
    PersonState,
)
from .filters import CertificateFilter, KeyPersonFilter, LicenceFilter
from .models import KeyPerson, Licence, LicenceKind, PersonCertificate
from .policy import policy

# --- serializers ----------------------------------------------------------------------------------


class LicenceKindSerializer(ModelSerializer):
    industries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    certainty = EnumField(Certainty, enum_name="ObligationCertaintyEnum", read_only=True)

    class Meta:
        model = LicenceKind
        fields = ["id", "code", "name", "issuer", "validity_years", "industries", "source", "certainty", "is_active"]
        read_only_fields = fields


class _Record(ScopedRelatedFieldsMixin, ModelSerializer):
    """What the three registries share: the enterprise (set once), the verification, the version."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    verified_by = serializers.CharField(source="verified_by.__str__", read_only=True, default=None, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)

    COMMON = ["id", "enterprise", "enterprise_name", "verified_at", "verified_by", "version", "is_voided",
              "created_at"]
    READ_ONLY = ["verified_at", "is_voided", "created_at"]


class LicenceSerializer(_Record):
    kind = serializers.PrimaryKeyRelatedField(queryset=LicenceKind.objects.filter(is_active=True))
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    state = EnumField(LicenceState, enum_name="LicenceStateEnum", read_only=True)
    available_actions = AvailableActionsField(LICENCE_MACHINE, policy)

    class Meta:
        model = Licence
        fields = [*_Record.COMMON, "kind", "kind_name", "number", "issuer", "scope", "issued_on", "valid_from",
                  "valid_until", "state", "note", "available_actions"]
        read_only_fields = _Record.READ_ONLY
        validators: list = []  # the services check uniqueness, naming the field


class KeyPersonSerializer(_Record):
    role = EnumField(PersonRole, enum_name="KeyPersonRoleEnum")
    operation_type = EnumField(OperationType, enum_name="OperationTypeEnum", required=False, allow_blank=True)
    state = EnumField(PersonState, enum_name="KeyPersonStateEnum", read_only=True)
    certify_by = serializers.DateField(read_only=True, allow_null=True)
    available_actions = AvailableActionsField(PERSON_MACHINE, policy)

    class Meta:
        model = KeyPerson
        fields = [*_Record.COMMON, "name", "id_number", "role", "operation_type", "position", "phone",
                  "appointed_on", "certify_by", "left_on", "state", "available_actions"]
        read_only_fields = [*_Record.READ_ONLY, "left_on"]
        validators: list = []  # the services check uniqueness, naming the field


class PersonCertificateSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=KeyPerson.objects.all())
    person_name = serializers.CharField(source="person.name", read_only=True)
    kind = EnumField(CertificateKind, enum_name="PersonCertificateKindEnum", required=False)
    operation_type = EnumField(OperationType, enum_name="OperationTypeEnum", required=False, allow_blank=True)
    state = EnumField(CertificateState, enum_name="PersonCertificateStateEnum", read_only=True)
    verified_by = serializers.CharField(source="verified_by.__str__", read_only=True, default=None, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)
    available_actions = AvailableActionsField(CERTIFICATE_MACHINE, policy)

    class Meta:
        model = PersonCertificate
        fields = ["id", "person", "person_name", "enterprise", "kind", "operation_type", "number", "issuer",
                  "issued_on", "valid_until", "state", "verified_at", "verified_by", "version", "is_voided",
                  "created_at", "available_actions"]
        read_only_fields = ["enterprise", "verified_at", "is_voided", "created_at"]
        validators: list = []  # the services check uniqueness, naming the field


class ObligationStepSerializer(Serializer):
    """The body of a step: the version the caller saw, and the reason where the step needs one."""

    version = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.REASON_MAX)


class PersonLeftSerializer(ObligationStepSerializer):
    left_on = serializers.DateField(required=False, allow_null=True)


# --- viewsets ---------------------------------------------------------------------------------------


def _data(serializer, fields) -> tuple[dict, int | None]:
    data = {k: v for k, v in serializer.validated_data.items() if k in fields}
    return data, serializer.validated_data.get("version")


class _RegistryViewSet(HistoryActionMixin, ScopedViewSet):
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    void_service = staticmethod(services.void_record)

    def _seen(self, objs):
        """Rows read through the caller's scoped queryset lie in their jurisdiction: the policy need
        not ask again per row (``policy.in_jurisdiction`` reads the mark)."""
        key = getattr(self.request.user, "pk", None)
        for obj in objs:
            obj.__dict__.setdefault("_obl_seen_by", {})[key] = True
        return objs

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return self._seen(page) if page is not None else None

    def get_object(self):
        return self._seen([super().get_object()])[0]

    def _fresh(self, obj):
        return self.get_serializer(self.get_queryset().get(pk=obj.pk)).data

    def _step(self, request, do, serializer_class=ObligationStepSerializer):
        obj = self.get_object()
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        do(obj, ser.validated_data)
        return Response(self._fresh(obj))

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        ser = ObligationStepSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
        ser.is_valid(raise_exception=True)
        services.void_record(obj, actor=request.user, reason=ser.validated_data["reason"],
                             version=ser.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        rows = [{"action": e.action, "at": e.at, "actor": (e.actor.name or e.actor.get_username()) if e.actor else None,
                 "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment, "data": e.data}
                for e in events_for(self.get_object())]
        return Response(EventSerializer(rows, many=True).data)

    @extend_schema(request=ObligationStepSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._step(request, lambda obj, d: services.verify(obj, actor=request.user, version=d.get("version"),
                                                                  comment=d["reason"]))


class LicenceKindViewSet(ScopedReadOnlyViewSet):
    """The kinds of licences and permits, with the industries that must hold each and the source."""

    queryset = LicenceKind.objects.all()
    serializer_class = LicenceKindSerializer
    prefetch_related = ("industries",)
    pagination_class = None
    scope_exempt = "reference data: the licence kinds and their sources are the same for everyone"


class LicenceViewSet(_RegistryViewSet):
    """Licences and permits the enterprises hold."""

    queryset = Licence.objects.all()
    serializer_class = LicenceSerializer
    filterset_class = LicenceFilter
    ordering_fields = ["id", "valid_until", "number"]
    select_related = ("enterprise", "kind", "verified_by")

    def perform_create(self, serializer):
        data, _v = _data(serializer, services.LICENCE_FIELDS)
        serializer.instance = services.record_licence(actor=self.request.user,
                                                      enterprise=serializer.validated_data["enterprise"], data=data)

    def perform_update(self, serializer):
        if "enterprise" in serializer.validated_data and (
                serializer.validated_data["enterprise"].pk != serializer.instance.enterprise_id):
            raise serializers.ValidationError({"enterprise": [_("The enterprise of a record cannot change.")]})
        data, version = _data(serializer, services.LICENCE_FIELDS)
        serializer.instance = services.update_licence(serializer.instance, actor=self.request.user, data=data,
                                                      version=version)

    @extend_schema(request=ObligationStepSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._step(request, lambda obj, d: services.suspend_licence(obj, actor=request.user, reason=d["reason"],
                                                                           version=d.get("version")))

    @extend_schema(request=ObligationStepSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._step(request, lambda obj, d: services.reinstate_licence(
            obj, actor=request.user, reason=d["reason"], version=d.get("version")))

    @extend_schema(request=ObligationStepSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._step(request, lambda obj, d: services.revoke_licence(obj, actor=request.user, reason=d["reason"],
                                                                          version=d.get("version")))

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[XlsxRenderer])
    def export(self, request):
        return api_export_response(lambda: exports.export_licences(request.user, request.query_params),
                                   exports.filename("licences"))


class KeyPersonViewSet(_RegistryViewSet):
    """Principals, safety managers and special operators of the enterprises."""

    queryset = KeyPerson.objects.all()
    serializer_class = KeyPersonSerializer
    filterset_class = KeyPersonFilter
    ordering_fields = ["id", "name", "appointed_on"]
    select_related = ("enterprise", "verified_by")

    def perform_create(self, serializer):
        data, _v = _data(serializer, services.PERSON_FIELDS)
        serializer.instance = services.record_person(actor=self.request.user,
                                                     enterprise=serializer.validated_data["enterprise"], data=data)

    def perform_update(self, serializer):
        if "enterprise" in serializer.validated_data and (
                serializer.validated_data["enterprise"].pk != serializer.instance.enterprise_id):
            raise serializers.ValidationError({"enterprise": [_("The enterprise of a record cannot change.")]})
        data, version = _data(serializer, services.PERSON_FIELDS)
        serializer.instance = services.update_person(serializer.instance, actor=self.request.user, data=data,
                                                     version=version)

    @extend_schema(request=PersonLeftSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        return self._step(request, lambda obj, d: services.person_left(
            obj, actor=request.user, left_on=d.get("left_on"), version=d.get("version")), PersonLeftSerializer)

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[XlsxRenderer])
    def export(self, request):
        return api_export_response(lambda: exports.export_persons(request.user, request.query_params),
                                   exports.filename("persons"))

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer},
                   responses={201: ImportReportSerializer, 400: ImportReportSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser],
            serializer_class=ImportUploadSerializer, filter_backends=[], pagination_class=None)
    def import_file(self, request):
        report = import_upload(request, imports.import_persons)
        return Response(report.as_dict() | {"certificates": getattr(report, "certificates", 0)},
                        status=status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST)

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], url_path="import-template", pagination_class=None, filter_backends=[],
            renderer_classes=[XlsxRenderer])
    def import_template(self, request):
        return xlsx_response(imports.template_file(), "people-and-certificates-template.xlsx")


class PersonCertificateViewSet(_RegistryViewSet):
    """Certificates of the key persons (management assessment, special operation certificates)."""

    queryset = PersonCertificate.objects.all()
    serializer_class = PersonCertificateSerializer
    filterset_class = CertificateFilter
    ordering_fields = ["id", "valid_until"]
    select_related = ("person", "verified_by")

    def perform_create(self, serializer):
        data, _v = _data(serializer, services.CERTIFICATE_FIELDS)
        serializer.instance = services.record_certificate(actor=self.request.user,
                                                          person=serializer.validated_data["person"], data=data)

    def perform_update(self, serializer):
        if "person" in serializer.validated_data and serializer.validated_data["person"].pk != serializer.instance.person_id:
            raise serializers.ValidationError({"person": [_("A certificate cannot move to another person.")]})
        data, version = _data(serializer, services.CERTIFICATE_FIELDS)
        serializer.instance = services.update_certificate(serializer.instance, actor=self.request.user, data=data,
                                                          version=version)

    @extend_schema(request=ObligationStepSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._step(request, lambda obj, d: services.revoke_certificate(
            obj, actor=request.user, reason=d["reason"], version=d.get("version")))

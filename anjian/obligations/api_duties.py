"""The API of the registries added with the standardisation: standardisation grades (with the
steps propose-withdrawal, keep, withdraw), the yearly spot checks (draw, redraw, re-run, close,
results), the safety organisations and the commitments (with the signed document) — list with
filters, detail, create, correct (PATCH/PUT with ``version``: 409 on a stale copy), void (DELETE),
verify, events, history and xlsx export. Every write goes through ``obligations.services``;
records outside the caller's jurisdiction are not found (404)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from anjian.core import bounds
from anjian.core.api import (
    AvailableActionsField,
    HistoryActionMixin,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
    XlsxRenderer,
)
from anjian.core.api_fields import ActionPermission, EnumField, ModelSerializer, Serializer, files_field
from anjian.core.exports import api_export_response
from anjian.core.filters import StableOrderingFilter
from anjian.regions.models import Region

from . import exports, services
from .api import ObligationStepSerializer, _data, _Record, _RegistryViewSet
from .choices import (
    COMMITMENT_MACHINE,
    ORGANISATION_MACHINE,
    STANDARDISATION_MACHINE,
    CommitmentPeriod,
    SpotCheckState,
    SpotResult,
    StandardisationGrade,
    StandardisationState,
)
from .filters import (
    CommitmentFilter,
    OrganisationFilter,
    SpotCheckFilter,
    SpotEntryFilter,
    StandardisationFilter,
)
from .models import Commitment, SafetyOrganisation, SpotCheck, SpotCheckEntry, Standardisation
from .policy import policy

# --- serializers ----------------------------------------------------------------------------------------


class StandardisationSerializer(_Record):
    grade = EnumField(StandardisationGrade, enum_name="StandardisationGradeEnum")
    state = EnumField(StandardisationState, enum_name="StandardisationStateEnum", read_only=True)
    available_actions = AvailableActionsField(STANDARDISATION_MACHINE, policy)

    class Meta:
        model = Standardisation
        fields = [*_Record.COMMON, "grade", "issuer", "number", "issued_on", "valid_until", "review_years", "state",
                  "withdrawn_on", "withdrawal_reason", "note", "available_actions"]
        read_only_fields = [*_Record.READ_ONLY, "withdrawn_on", "withdrawal_reason"]
        validators: list = []  # the services check uniqueness, naming the field


class SafetyOrganisationSerializer(_Record):
    available_actions = AvailableActionsField(ORGANISATION_MACHINE, policy)

    class Meta:
        model = SafetyOrganisation
        fields = [*_Record.COMMON, "has_body", "body_name", "full_time_staff", "part_time_staff", "director_name",
                  "director_phone", "director_appointed_on", "note", "available_actions"]
        read_only_fields = _Record.READ_ONLY
        validators: list = []


class CommitmentSerializer(_Record):
    period = EnumField(CommitmentPeriod, enum_name="CommitmentPeriodEnum", required=False)
    files = files_field("the signed commitment (scan or PDF); at least one when it is recorded")
    documents = serializers.SerializerMethodField()
    available_actions = AvailableActionsField(COMMITMENT_MACHINE, policy)

    class Meta:
        model = Commitment
        fields = [*_Record.COMMON, "year", "period", "title", "signed_by", "signed_on", "note", "files", "documents",
                  "available_actions"]
        read_only_fields = _Record.READ_ONLY

    def get_documents(self, obj) -> list[str]:
        """The download links of the attached documents (scoped)."""
        from anjian.core.services import attachments_for

        return [a.get_absolute_url() for a in attachments_for(obj)]


class SpotCheckSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    state = EnumField(SpotCheckState, enum_name="SpotCheckStateEnum", read_only=True)
    share = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True,
                                     min_value=Decimal("0.01"), max_value=Decimal("100"))
    seed = serializers.CharField(required=False, allow_blank=True, max_length=64)
    drawn_by = serializers.CharField(source="drawn_by.__str__", read_only=True, default=None, allow_null=True)

    class Meta:
        model = SpotCheck
        fields = ["id", "region", "region_name", "year", "share", "share_source", "day", "seed", "pool_size", "n",
                  "digest", "replaces", "redraw_reason", "state", "drawn_by", "drawn_at", "is_voided", "void_reason",
                  "version"]
        read_only_fields = ["share_source", "day", "pool_size", "n", "digest", "replaces", "redraw_reason",
                            "drawn_at", "is_voided", "void_reason", "version"]
        validators: list = []


class SpotCheckEntrySerializer(ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    grade = serializers.CharField(source="standardisation.grade", read_only=True)
    result = EnumField(SpotResult, enum_name="SpotCheckResultEnum", read_only=True)

    class Meta:
        model = SpotCheckEntry
        fields = ["id", "check_run", "order", "enterprise", "enterprise_name", "standardisation", "grade", "result",
                  "result_note", "decided_at", "version"]
        read_only_fields = fields


class SpotRedrawSerializer(Serializer):
    reason = serializers.CharField(max_length=bounds.REASON_MAX)
    seed = serializers.CharField(required=False, allow_blank=True, max_length=64)
    version = serializers.IntegerField(required=False, min_value=1)


class SpotVerifySerializer(Serializer):
    same = serializers.BooleanField(help_text="the draw re-run from its stored pool, share and seed gives the result "
                                              "on record")
    digest = serializers.CharField()
    recomputed = serializers.CharField()
    entries_digest = serializers.CharField()
    seed = serializers.CharField()
    pool_size = serializers.IntegerField()


class SpotResultSerializer(Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.REASON_MAX)
    version = serializers.IntegerField(required=False, min_value=1)


# --- viewsets -------------------------------------------------------------------------------------------


def _same_enterprise(serializer) -> None:
    if "enterprise" in serializer.validated_data and (
            serializer.validated_data["enterprise"].pk != serializer.instance.enterprise_id):
        raise serializers.ValidationError({"enterprise": [_("The enterprise of a record cannot change.")]})


class StandardisationViewSet(_RegistryViewSet):
    """Standardisation grades (安全生产标准化) of the enterprises."""

    queryset = Standardisation.objects.all()
    serializer_class = StandardisationSerializer
    filterset_class = StandardisationFilter
    ordering_fields = ["id", "valid_until", "issued_on", "number"]
    select_related = ("enterprise", "verified_by")

    def perform_create(self, serializer):
        data, _v = _data(serializer, services.STANDARDISATION_FIELDS)
        serializer.instance = services.record_standardisation(
            actor=self.request.user, enterprise=serializer.validated_data["enterprise"], data=data)

    def perform_update(self, serializer):
        _same_enterprise(serializer)
        data, version = _data(serializer, services.STANDARDISATION_FIELDS)
        serializer.instance = services.update_standardisation(serializer.instance, actor=self.request.user,
                                                              data=data, version=version)

    @extend_schema(request=ObligationStepSerializer)
    @action(detail=True, methods=["post"], url_path="propose-withdrawal")
    def propose_withdrawal(self, request, pk=None):
        return self._step(request, lambda obj, d: services.propose_withdrawal(
            obj, actor=request.user, reason=d["reason"], version=d.get("version")))

    @extend_schema(request=ObligationStepSerializer)
    @action(detail=True, methods=["post"])
    def keep(self, request, pk=None):
        return self._step(request, lambda obj, d: services.keep_grade(obj, actor=request.user, reason=d["reason"],
                                                                      version=d.get("version")))

    @extend_schema(request=ObligationStepSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, lambda obj, d: services.withdraw_grade(obj, actor=request.user, reason=d["reason"],
                                                                          version=d.get("version")))

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[XlsxRenderer])
    def export(self, request):
        return api_export_response(lambda: exports.export_standardisations(request.user, request.query_params),
                                   exports.filename("standardisation"))


class SafetyOrganisationViewSet(_RegistryViewSet):
    """Safety management bodies, full-time staff and safety directors of the enterprises."""

    queryset = SafetyOrganisation.objects.all()
    serializer_class = SafetyOrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["id"]
    select_related = ("enterprise", "verified_by")

    def perform_create(self, serializer):
        data, _v = _data(serializer, services.ORGANISATION_FIELDS)
        serializer.instance = services.record_organisation(
            actor=self.request.user, enterprise=serializer.validated_data["enterprise"], data=data)

    def perform_update(self, serializer):
        _same_enterprise(serializer)
        data, version = _data(serializer, services.ORGANISATION_FIELDS)
        serializer.instance = services.update_organisation(serializer.instance, actor=self.request.user, data=data,
                                                           version=version)

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[XlsxRenderer])
    def export(self, request):
        return api_export_response(lambda: exports.export_organisations(request.user, request.query_params),
                                   exports.filename("safety-organisation"))


class CommitmentViewSet(_RegistryViewSet):
    """The principals' signed safety commitments (POST as multipart/form-data with ``files``)."""

    queryset = Commitment.objects.all()
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    ordering_fields = ["id", "year", "signed_on"]
    select_related = ("enterprise", "verified_by")

    def get_serializer(self, *args, **kwargs):
        ser = super().get_serializer(*args, **kwargs)
        if self.action == "list":
            # The documents of a list are links of one query each: only the detail carries them.
            # (the schema generator asks for the serializer of the list without many=True)
            getattr(ser, "child", ser).fields.pop("documents", None)
        return ser

    def perform_create(self, serializer):
        data, _v = _data(serializer, services.COMMITMENT_FIELDS)
        serializer.instance = services.record_commitment(
            actor=self.request.user, enterprise=serializer.validated_data["enterprise"], data=data,
            files=serializer.validated_data.get("files") or [])

    def perform_update(self, serializer):
        _same_enterprise(serializer)
        data, version = _data(serializer, services.COMMITMENT_FIELDS)
        serializer.instance = services.update_commitment(serializer.instance, actor=self.request.user, data=data,
                                                         files=serializer.validated_data.get("files") or [],
                                                         version=version)

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[XlsxRenderer])
    def export(self, request):
        return api_export_response(lambda: exports.export_commitments(request.user, request.query_params),
                                   exports.filename("commitments"))


class SpotCheckViewSet(HistoryActionMixin, ScopedViewSet):
    """The yearly standardisation spot checks (抽查) of the regions in the caller's jurisdiction.
    POST draws one (the share: the reference value unless given); ``…/redraw/`` voids it with a
    reason and draws again; ``…/verify/`` re-runs it from the stored pool and seed; DELETE voids one
    without results. The services decide who may (regulators of the region)."""

    queryset = SpotCheck.objects.all()
    serializer_class = SpotCheckSerializer
    filterset_class = SpotCheckFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["id", "year"]
    select_related = ("region", "drawn_by")
    permission_classes = [ActionPermission]
    action_permissions = {"create": ["obligations.draw_spotcheck"], "redraw": ["obligations.draw_spotcheck"], "close": ["obligations.draw_spotcheck"], "destroy": ["obligations.draw_spotcheck"]}
    http_method_names = ["get", "post", "delete", "head", "options"]
    void_service = staticmethod(services.void_spot_check)

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.draw_spot_check(actor=self.request.user, region=d["region"], year=d["year"],
                                                       share=d.get("share"), seed=d.get("seed") or "")

    @extend_schema(request=SpotRedrawSerializer, responses={201: SpotCheckSerializer})
    @action(detail=True, methods=["post"])
    def redraw(self, request, pk=None):
        """Void this check (with the reason) and draw again: a new check replacing it."""
        check = self.get_object()
        ser = SpotRedrawSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        new = services.redraw_spot_check(check, actor=request.user, reason=ser.validated_data["reason"],
                                         seed=ser.validated_data.get("seed", ""),
                                         version=ser.validated_data.get("version"))
        return Response(self.get_serializer(self.get_queryset().get(pk=new.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SpotVerifySerializer})
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        """Re-run the draw from its stored inputs and compare with the record."""
        return Response(SpotVerifySerializer(services.verify_spot_check(self.get_object())).data)

    @extend_schema(request=ObligationStepSerializer, responses={200: SpotCheckSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        check = self.get_object()
        ser = ObligationStepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.close_spot_check(check, actor=request.user, version=ser.validated_data.get("version"))
        return Response(self.get_serializer(self.get_queryset().get(pk=check.pk)).data)


class SpotCheckEntryViewSet(HistoryActionMixin, ScopedReadOnlyViewSet):
    """The enterprises drawn (``?check_run=``), in draw order, with their results; ``…/result/``
    records one (a failure proposes withdrawing the grade)."""

    queryset = SpotCheckEntry.objects.all()
    serializer_class = SpotCheckEntrySerializer
    filterset_class = SpotEntryFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["check_run", "order"]
    ordering = ["check_run", "order"]
    select_related = ("enterprise", "standardisation")
    permission_classes = [ActionPermission]
    action_permissions = {"result": ["obligations.draw_spotcheck"]}

    @extend_schema(request=SpotResultSerializer, responses={200: SpotCheckEntrySerializer})
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        entry = self.get_object()
        ser = SpotResultSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        services.record_spot_result(entry, actor=request.user, passed=d["passed"], note=d["note"],
                                    version=d.get("version"))
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data)

"""The REST API of occupational health, under /api/occupational/: the hazard-factor catalogue
(read-only reference data), exposures, declarations (``accept/``, ``return/``, ``resubmit/``),
detections and evaluations (``results/`` adds a point's result), their results (``raise-hazard/``
turns an exceedance into a hazard), examinations (``follow-up/``, ``import/``,
``import-template/``), training and protective equipment — list with filters, detail, create,
correct (PATCH/PUT with ``version``: 409 on a stale copy), void (DELETE), events and history. Every
write goes through ``occupational.services``; records outside the caller's jurisdiction are not
found (404)."""

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
from anjian.core.api_fields import ActionPermission, EnumField, ModelSerializer, Serializer
from anjian.core.downloads import xlsx_response
from anjian.core.filters import StableOrderingFilter
from anjian.core.imports import import_upload
from anjian.core.pages import scoped_object_or_404
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise

from . import imports, services
from .choices import (
    DECLARATION_MACHINE,
    DETECTION_MACHINE,
    EXAMINATION_MACHINE,
    EXPOSURE_MACHINE,
    PROTECTION_MACHINE,
    TRAINING_MACHINE,
    ChangeReason,
    DeclarationKind,
    DeclarationState,
    DetectionKind,
    ExamKind,
    ExamResult,
    ExamState,
    FactorCategory,
    HazardLevel,
    PointResult,
    TraineeRole,
)
from .filters import (
    DeclarationFilter,
    DetectionFilter,
    ExaminationFilter,
    ExposureFilter,
    ProtectionFilter,
    ResultFilter,
    TrainingFilter,
)
from .models import (
    Declaration,
    Detection,
    DetectionResult,
    Examination,
    Exposure,
    HazardFactor,
    ProtectiveIssue,
    Training,
)
from .policy import policy

# --- serializers ---------------------------------------------------------------------------------------


class OccHazardFactorSerializer(ModelSerializer):
    category = EnumField(FactorCategory, enum_name="OccFactorCategoryEnum", read_only=True)

    class Meta:
        model = HazardFactor
        fields = ["id", "code", "name", "category", "cas_number", "source", "certainty", "is_active"]
        read_only_fields = fields


class _OccRecord(ScopedRelatedFieldsMixin, ModelSerializer):
    """What every record shares: the enterprise (set once), the version, voiding."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    version = serializers.IntegerField(required=False, min_value=1)

    COMMON = ["id", "enterprise", "enterprise_name", "version", "is_voided", "created_at"]
    READ_ONLY = ["is_voided", "created_at"]


class OccExposureSerializer(_OccRecord):
    factor = serializers.PrimaryKeyRelatedField(queryset=HazardFactor.objects.filter(is_active=True))
    factor_name = serializers.CharField(source="factor.name", read_only=True)
    available_actions = AvailableActionsField(EXPOSURE_MACHINE, policy)

    class Meta:
        model = Exposure
        fields = [*_OccRecord.COMMON, "workplace", "post", "factor", "factor_name", "exposed_workers", "note",
                  "available_actions"]
        read_only_fields = _OccRecord.READ_ONLY


class OccDeclarationSerializer(_OccRecord):
    kind = EnumField(DeclarationKind, enum_name="OccDeclarationKindEnum", required=False)
    change_reason = EnumField(ChangeReason, enum_name="OccChangeReasonEnum", required=False, allow_blank=True)
    hazard_level = EnumField(HazardLevel, enum_name="OccHazardLevelEnum", required=False)
    state = EnumField(DeclarationState, enum_name="OccDeclarationStateEnum", read_only=True)
    available_actions = AvailableActionsField(DECLARATION_MACHINE, policy)

    class Meta:
        model = Declaration
        fields = [*_OccRecord.COMMON, "kind", "change_reason", "hazard_level", "declared_on", "principal",
                  "exposed_workers", "content", "state", "receipt_number", "return_reason", "decided_at",
                  "available_actions"]
        read_only_fields = [*_OccRecord.READ_ONLY, "receipt_number", "return_reason", "decided_at"]


class OccResultSerializer(ModelSerializer):
    factor_name = serializers.CharField(source="factor.name", read_only=True)
    result = EnumField(PointResult, enum_name="OccPointResultEnum", read_only=True)

    class Meta:
        model = DetectionResult
        fields = ["id", "detection", "enterprise", "point", "factor", "factor_name", "measured", "limit", "unit",
                  "result", "hazard"]
        read_only_fields = fields


class OccResultInputSerializer(ScopedRelatedFieldsMixin, Serializer):
    point = serializers.CharField(max_length=100)
    factor = serializers.PrimaryKeyRelatedField(queryset=HazardFactor.objects.filter(is_active=True))
    measured = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    limit = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class OccDetectionSerializer(_OccRecord):
    kind = EnumField(DetectionKind, enum_name="OccDetectionKindEnum", required=False)
    results = OccResultSerializer(many=True, read_only=True)
    available_actions = AvailableActionsField(DETECTION_MACHINE, policy)

    class Meta:
        model = Detection
        fields = [*_OccRecord.COMMON, "kind", "performed_on", "service_body", "qualification", "report_number",
                  "conclusion", "results", "available_actions"]
        read_only_fields = _OccRecord.READ_ONLY


class OccExaminationSerializer(_OccRecord):
    kind = EnumField(ExamKind, enum_name="OccExamKindEnum")
    result = EnumField(ExamResult, enum_name="OccExamResultEnum")
    state = EnumField(ExamState, enum_name="OccExamStateEnum", read_only=True)
    available_actions = AvailableActionsField(EXAMINATION_MACHINE, policy)

    class Meta:
        model = Examination
        fields = [*_OccRecord.COMMON, "worker", "id_number", "post", "factors", "kind", "examined_on", "institution",
                  "result", "follow_up", "state", "available_actions"]
        read_only_fields = _OccRecord.READ_ONLY


class OccTrainingSerializer(_OccRecord):
    role = EnumField(TraineeRole, enum_name="OccTraineeRoleEnum")
    available_actions = AvailableActionsField(TRAINING_MACHINE, policy)

    class Meta:
        model = Training
        fields = [*_OccRecord.COMMON, "role", "topic", "trained_on", "hours", "trainees", "provider",
                  "available_actions"]
        read_only_fields = _OccRecord.READ_ONLY


class OccProtectionSerializer(_OccRecord):
    available_actions = AvailableActionsField(PROTECTION_MACHINE, policy)

    class Meta:
        model = ProtectiveIssue
        fields = [*_OccRecord.COMMON, "item", "post", "quantity", "issued_on", "recipients", "available_actions"]
        read_only_fields = _OccRecord.READ_ONLY


class OccStepSerializer(Serializer):
    """The body of a step: the version the caller saw, and the text the step needs (a reason, a
    receipt number, the follow-up)."""

    version = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.REASON_MAX)
    receipt_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    follow_up = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class OccRaiseHazardSerializer(Serializer):
    deadline = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text="the detection's version")


# --- viewsets ----------------------------------------------------------------------------------------------


def _perms(model: str, **extra: list[str]) -> dict[str, list[str]]:
    """The model permission each write action needs (read-only roles get 403, not 400)."""
    return {"create": [f"occupational.add_{model}"], "update": [f"occupational.change_{model}"],
            "partial_update": [f"occupational.change_{model}"], "destroy": [f"occupational.delete_{model}"],
            "void": [f"occupational.delete_{model}"], **extra}


class HazardFactorViewSet(ScopedReadOnlyViewSet):
    """The catalogue of occupational hazard factors (《职业病危害因素分类目录》), with the sources."""

    queryset = HazardFactor.objects.all()
    serializer_class = OccHazardFactorSerializer
    permission_classes = [ActionPermission]
    pagination_class = None
    scope_exempt = "reference data: the hazard-factor catalogue is the same for everyone"


class _OccViewSet(HistoryActionMixin, ScopedViewSet):
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    permission_classes = [ActionPermission]
    ordering_fields = ["id"]
    select_related: tuple[str, ...] = ("enterprise",)

    def _fresh(self, obj):
        return self.get_serializer(self.get_queryset().get(pk=obj.pk)).data

    def _step(self, request, do, serializer_class=OccStepSerializer):
        obj = self.get_object()
        ser = serializer_class(data=request.data)
        ser.is_valid(raise_exception=True)
        do(obj, ser.validated_data)
        return Response(self._fresh(obj))

    def perform_create(self, serializer):
        model = self.queryset.model
        data = {k: v for k, v in serializer.validated_data.items() if k in services.FIELDS[model]}
        serializer.instance = services.record_entry(model, actor=self.request.user,
                                                    enterprise=serializer.validated_data["enterprise"], data=data)

    def perform_update(self, serializer):
        if "enterprise" in serializer.validated_data and (
                serializer.validated_data["enterprise"].pk != serializer.instance.enterprise_id):
            raise serializers.ValidationError({"enterprise": [_("The enterprise of a record cannot change.")]})
        data = {k: v for k, v in serializer.validated_data.items() if k in services.FIELDS[self.queryset.model]}
        serializer.instance = services.correct(serializer.instance, actor=self.request.user, data=data,
                                               version=serializer.validated_data.get("version"))

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        ser = OccStepSerializer(data=request.data or {"reason": request.query_params.get("reason", "")})
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


class ExposureViewSet(_OccViewSet):
    """Hazard factors at the workplaces and posts of the enterprises, with the exposed workers."""

    queryset = Exposure.objects.all()
    serializer_class = OccExposureSerializer
    filterset_class = ExposureFilter
    select_related = ("enterprise", "factor")
    action_permissions = _perms("exposure")


class DeclarationViewSet(_OccViewSet):
    """Declarations of occupational hazard items (职业病危害项目申报) and their changes."""

    queryset = Declaration.objects.all()
    serializer_class = OccDeclarationSerializer
    filterset_class = DeclarationFilter
    ordering_fields = ["id", "declared_on"]
    action_permissions = _perms("declaration", accept=["occupational.accept_declaration"],
                                return_declaration=["occupational.accept_declaration"],
                                resubmit=["occupational.change_declaration"])

    @extend_schema(request=OccStepSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(request, lambda obj, d: services.accept_declaration(
            obj, actor=request.user, receipt_number=d["receipt_number"], version=d.get("version")))

    @extend_schema(request=OccStepSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_declaration(self, request, pk=None):
        return self._step(request, lambda obj, d: services.return_declaration(
            obj, actor=request.user, reason=d["reason"], version=d.get("version")))

    @extend_schema(request=OccStepSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._step(request, lambda obj, d: services.resubmit_declaration(
            obj, actor=request.user, version=d.get("version")))


class DetectionViewSet(_OccViewSet):
    """Periodic detections and current-status evaluations, with their results per point."""

    queryset = Detection.objects.all()
    serializer_class = OccDetectionSerializer
    filterset_class = DetectionFilter
    ordering_fields = ["id", "performed_on"]
    prefetch_related = ("results__factor",)
    action_permissions = _perms("detection", results=["occupational.change_detection"])

    @extend_schema(request=OccResultInputSerializer, responses={201: OccResultSerializer})
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        detection = self.get_object()
        ser = OccResultInputSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        data = {k: v for k, v in ser.validated_data.items() if k != "version"}
        row = services.add_result(detection, actor=request.user, data=data, version=ser.validated_data.get("version"))
        return Response(OccResultSerializer(row).data, status=status.HTTP_201_CREATED)


class DetectionResultViewSet(ScopedReadOnlyViewSet):
    """The results per detection point; ``raise-hazard/`` turns an exceedance into a hazard."""

    queryset = DetectionResult.objects.filter(detection__is_voided=False)
    serializer_class = OccResultSerializer
    filterset_class = ResultFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["id"]
    select_related = ("factor",)
    permission_classes = [ActionPermission]
    action_permissions = {"raise_hazard": ["occupational.change_detection", "hazards.add_hazard"]}

    @extend_schema(request=OccRaiseHazardSerializer, responses={201: OccResultSerializer})
    @action(detail=True, methods=["post"], url_path="raise-hazard")
    def raise_hazard(self, request, pk=None):
        row = self.get_object()
        ser = OccRaiseHazardSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        detection = scoped_object_or_404(request, Detection, pk=row.detection_id)
        row.detection = detection
        data = {"deadline": ser.validated_data["deadline"]} if ser.validated_data.get("deadline") else None
        services.raise_hazard(row, actor=request.user, data=data, version=ser.validated_data.get("version"))
        return Response(OccResultSerializer(DetectionResult.objects.get(pk=row.pk)).data,
                        status=status.HTTP_201_CREATED)


class ExaminationViewSet(_OccViewSet):
    """Workers' occupational health examinations (POST ``import/`` as multipart with ``file``)."""

    queryset = Examination.objects.all()
    serializer_class = OccExaminationSerializer
    filterset_class = ExaminationFilter
    ordering_fields = ["id", "examined_on"]
    action_permissions = _perms("examination", follow_up=["occupational.change_examination"],
                                import_file=["occupational.add_examination"])

    @extend_schema(request=OccStepSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        return self._step(request, lambda obj, d: services.complete_follow_up(
            obj, actor=request.user, follow_up=d["follow_up"], version=d.get("version")))

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer},
                   responses={201: ImportReportSerializer, 400: ImportReportSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser],
            serializer_class=ImportUploadSerializer, filter_backends=[], pagination_class=None)
    def import_file(self, request):
        report = import_upload(request, imports.import_examinations)
        return Response(report.as_dict(), status=status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST)

    @extend_schema(responses={(200, XlsxRenderer.media_type): bytes})
    @action(detail=False, methods=["get"], url_path="import-template", pagination_class=None, filter_backends=[],
            renderer_classes=[XlsxRenderer])
    def import_template(self, request):
        return xlsx_response(imports.template_file(), "health-examinations-template.xlsx")


class TrainingViewSet(_OccViewSet):
    """Occupational health training of the principal, the managers and the exposed workers."""

    queryset = Training.objects.all()
    serializer_class = OccTrainingSerializer
    filterset_class = TrainingFilter
    ordering_fields = ["id", "trained_on"]
    action_permissions = _perms("training")


class ProtectiveIssueViewSet(_OccViewSet):
    """Protective equipment issued to the workers of each post."""

    queryset = ProtectiveIssue.objects.all()
    serializer_class = OccProtectionSerializer
    filterset_class = ProtectionFilter
    ordering_fields = ["id", "issued_on"]
    action_permissions = _perms("protectiveissue")

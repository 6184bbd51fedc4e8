"""The risks API: risk points (CRUD, scoped), their assessments and control measures, the
evaluate calculator, the generation of check items, enterprise grades with the planned
supervision frequency, profiles (administrators choose the default), the risk map and the
xlsx export of the ledger. Writes go through ``anjian.risks.services``."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from anjian.core import bounds
from anjian.core.api import (
    EventSerializer,
    HistoryActionMixin,
    RoleModelPermissions,
    ScopedReadOnlyViewSet,
    ScopedRelatedFieldsMixin,
    ScopedViewSet,
)
from anjian.core.api_fields import EnumField, ModelSerializer, Serializer
from anjian.core.downloads import XLSX
from anjian.core.exports import api_export_response
from anjian.core.pages import scoped_object_or_404
from anjian.core.services import events_for
from anjian.enterprises.models import Enterprise
from anjian.security.auth import CachedApiTokenAuthentication
from anjian.standards.models import AccidentType, HazardFactorClass

from . import evaluation, selectors, services
from .choices import LEVEL_COLOUR, METHOD_FACTORS, ControlLevel, MeasureType, Method, PointKind, RiskLevel
from .documents import card_pdf
from .exports import export_filename, export_risk_points, filtered_points
from .filters import ControlMeasureFilter, RiskAssessmentFilter, RiskPointFilter
from .models import (
    ControlMeasure,
    EnterpriseRiskGrade,
    FactorValue,
    RiskAssessment,
    RiskPoint,
    RiskProfile,
    SupervisionFrequency,
)

# --- evaluate ----------------------------------------------------------------------------------

class EvaluateView(APIView):
    """POST {"method": "lec", "l": 3, "e": 6, "c": 15, "profile": "<optional code>"} or
    {"method": "ls", "l": 4, "s": 5} → {"score", "level", "colour", "profile"}. Values not in the
    method's tables are a 400 naming the field. No query beyond authentication (cached profiles)."""

    authentication_classes = [CachedApiTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["risks"],
        auth=[{"cachedTokenAuth": []}, {"cookieAuth": []}],
        request=inline_serializer("RiskEvaluateRequest", {
            "method": EnumField(Method, enum_name="RiskMethodEnum"), "l": serializers.DecimalField(6, 2),
            "e": serializers.DecimalField(6, 2, required=False), "c": serializers.DecimalField(6, 2, required=False),
            "s": serializers.DecimalField(6, 2, required=False), "profile": serializers.CharField(required=False, max_length=32)}),
        responses={200: inline_serializer("RiskEvaluateResponse", {
            "score": serializers.FloatField(), "level": serializers.CharField(), "colour": serializers.CharField(),
            "profile": serializers.CharField()})},
    )
    def post(self, request):
        data = request.data if hasattr(request.data, "get") else {}
        result = evaluation.evaluate(str(data.get("method") or ""), data, data.get("profile") or None)
        return Response(result.as_response())


# --- serializers --------------------------------------------------------------------------------

class RiskPointSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    hazard_factors = serializers.SlugRelatedField(slug_field="code", many=True, required=False,
                                                  queryset=HazardFactorClass.objects.filter(is_active=True))
    accident_types = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                        queryset=AccidentType.objects.filter(is_active=True))
    # Named enum components: "level", "kind" and "method" are field names of other apps too.
    kind = EnumField(PointKind, enum_name="RiskPointKindEnum", required=False)
    level = EnumField(RiskLevel, read_only=True)
    method = EnumField(Method, enum_name="RiskMethodEnum", read_only=True)
    colour = serializers.SerializerMethodField()
    profile = serializers.SlugRelatedField(slug_field="code", read_only=True)
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="On update: the version the client saw (409 if it changed).")

    class Meta:
        model = RiskPoint
        fields = ["id", "enterprise", "enterprise_name", "name", "kind", "department", "location", "longitude",
                  "latitude", "hazard_factors", "accident_types", "responsible_name", "responsible_phone",
                  "responsible_user", "emergency_measures", "description", "level", "colour", "score", "method",
                  "profile", "last_assessed_at", "version", "is_demo", "created_at"]
        read_only_fields = ["level", "score", "method", "last_assessed_at", "is_demo", "created_at"]

    def get_colour(self, obj) -> str:
        return LEVEL_COLOUR.get(obj.level, "")

    def create(self, validated_data):
        validated_data.pop("version", None)
        enterprise = validated_data.pop("enterprise")
        return services.create_risk_point(actor=self.context["request"].user, enterprise=enterprise,
                                          data=validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        enterprise = validated_data.pop("enterprise", None)
        if enterprise is not None and enterprise.pk != instance.enterprise_id:
            raise ValidationError({"enterprise": ["A risk point cannot move to another enterprise."]})
        validated_data.pop("is_demo", None)
        return services.update_risk_point(instance, actor=self.context["request"].user, data=validated_data,
                                          version=version)


class AssessInputSerializer(Serializer):
    method = EnumField(Method, enum_name="RiskMethodEnum")
    l = serializers.CharField()  # noqa: E741  (the method's own letter)
    e = serializers.CharField(required=False)
    c = serializers.CharField(required=False)
    s = serializers.CharField(required=False)
    profile = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class RiskAssessmentSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    level = EnumField(RiskLevel, read_only=True)
    method = EnumField(Method, enum_name="RiskMethodEnum", read_only=True)
    assessed_by = serializers.SerializerMethodField()
    colour = serializers.SerializerMethodField()

    class Meta:
        model = RiskAssessment
        fields = ["id", "risk_point", "method", "inputs", "score", "level", "colour", "profile_code", "bands",
                  "assessed_by", "assessed_at", "note"]

    def get_assessed_by(self, obj) -> str | None:
        u = obj.assessed_by
        return None if u is None else (u.name or u.get_username())

    def get_colour(self, obj) -> str:
        return LEVEL_COLOUR.get(obj.level, "")


class AssessmentCreateSerializer(AssessInputSerializer):
    risk_point = serializers.IntegerField()


class ControlMeasureSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    risk_point = serializers.PrimaryKeyRelatedField(queryset=RiskPoint.objects.all())
    control_level = EnumField(ControlLevel, required=False)
    measure_type = EnumField(MeasureType, required=False)
    version = serializers.IntegerField(required=False, min_value=1)

    class Meta:
        model = ControlMeasure
        fields = ["id", "risk_point", "content", "control_level", "measure_type", "owner_name", "owner_user",
                  "is_active", "check_item", "version", "is_voided", "created_at"]
        read_only_fields = ["check_item", "is_voided", "created_at"]

    def create(self, validated_data):
        validated_data.pop("version", None)
        point = validated_data.pop("risk_point")
        return services.create_measure(point, actor=self.context["request"].user, data=validated_data)

    def update(self, instance, validated_data):
        version = validated_data.pop("version", None)
        point = validated_data.pop("risk_point", None)
        if point is not None and point.pk != instance.risk_point_id:
            raise ValidationError({"risk_point": ["A measure cannot move to another risk point."]})
        return services.update_measure(instance, actor=self.context["request"].user, data=validated_data,
                                       version=version)


# --- viewsets -----------------------------------------------------------------------------------

@extend_schema(tags=["risks"])
class RiskPointViewSet(HistoryActionMixin, ScopedViewSet):
    """Risk points (风险点) in the caller's jurisdiction. DELETE voids (with a reason)."""

    queryset = RiskPoint.objects.all()
    serializer_class = RiskPointSerializer
    filterset_class = RiskPointFilter
    search_fields = []
    ordering_fields = ["id", "name", "last_assessed_at", "score"]
    ordering = ["-id"]
    select_related = ("enterprise", "profile")
    prefetch_related = ("hazard_factors", "accident_types")
    void_service = staticmethod(services.void_risk_point)

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=EventSerializer, pagination_class=None,
            filter_backends=[])
    def events(self, request, *args, **kwargs):
        """What was done to the risk point (created, changed, assessed, measures, voided)."""
        return Response(EventSerializer(events_for(self.get_object())[:200], many=True).data)

    @extend_schema(request=AssessInputSerializer, responses={201: RiskAssessmentSerializer})
    @action(detail=True, methods=["post"], serializer_class=AssessInputSerializer)
    def assess(self, request, *args, **kwargs):
        """Assess by LEC or LS (the profile: the method's default unless named)."""
        point = self.get_object()
        ser = AssessInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        assessment = services.assess_risk_point(
            point, actor=request.user, method=d["method"], inputs={k: d.get(k) for k in METHOD_FACTORS[d["method"]]},
            profile_code=d.get("profile") or None, note=d.get("note", ""), version=d.get("version"))
        return Response(RiskAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def card(self, request, *args, **kwargs):
        """The risk notification card (风险告知卡) as PDF."""
        point = self.get_object()
        return card_response(request, point)

    @extend_schema(filters=True, responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request, *args, **kwargs):
        """The filtered ledger as xlsx (same filters as the list)."""
        return api_export_response(
            lambda: export_risk_points(filtered_points(request.user, request.query_params)), export_filename())

    @extend_schema(request=inline_serializer("GenerateChecksRequest", {
        "enterprise": serializers.IntegerField(min_value=1, max_value=bounds.KEY_MAX)}),
                   responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"], url_path="generate-check-items", serializer_class=None)
    def generate_check_items(self, request, *args, **kwargs):
        """生成排查任务: the enterprise's control measures → its own checklists → its duties."""
        pk = request.data.get("enterprise")
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise ValidationError({"enterprise": ["Give the enterprise id."]}) from None
        enterprise = scoped_object_or_404(request, Enterprise, pk=pk)
        return Response(services.generate_check_items(enterprise, actor=request.user))


def card_response(request, point: RiskPoint) -> HttpResponse:
    measures = list(point.measures.filter(is_voided=False, is_active=True).order_by("control_level", "id"))
    url = request.build_absolute_uri(reverse("risks:card_public", args=[point.card_token]))
    response = HttpResponse(card_pdf(point, measures, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="risk-card-{point.pk}.pdf"'
    return response


@extend_schema(tags=["risks"])
class RiskAssessmentViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Assessments (kept forever): read them to explain a level; POST assesses a risk point."""

    permission_classes = [permissions.IsAuthenticated, RoleModelPermissions]
    queryset = RiskAssessment.objects.all()
    serializer_class = RiskAssessmentSerializer
    filterset_class = RiskAssessmentFilter
    search_fields = []
    ordering_fields = ["assessed_at", "id"]
    ordering = ["-assessed_at", "-id"]

    select_related = ("assessed_by",)

    def get_queryset(self):
        return super().get_queryset().filter(risk_point__is_voided=False)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: RiskAssessmentSerializer})
    def create(self, request, *args, **kwargs):
        ser = AssessmentCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        point = scoped_object_or_404(request, RiskPoint, pk=d["risk_point"])
        assessment = services.assess_risk_point(
            point, actor=request.user, method=d["method"], inputs={k: d.get(k) for k in METHOD_FACTORS[d["method"]]},
            profile_code=d.get("profile") or None, note=d.get("note", ""), version=d.get("version"))
        return Response(RiskAssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["risks"])
class ControlMeasureViewSet(HistoryActionMixin, ScopedViewSet):
    """Control measures (管控措施) of risk points in the caller's jurisdiction. DELETE voids."""

    queryset = ControlMeasure.objects.all()
    serializer_class = ControlMeasureSerializer
    filterset_class = ControlMeasureFilter
    search_fields = []
    ordering_fields = ["id"]
    ordering = ["risk_point", "control_level", "id"]
    void_service = staticmethod(services.void_measure)

    def get_queryset(self):
        return super().get_queryset().filter(risk_point__is_voided=False)


class GradeSerializer(ScopedRelatedFieldsMixin, ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    level = EnumField(RiskLevel, read_only=True)
    colour = serializers.SerializerMethodField()
    inspections_per_year = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseRiskGrade
        fields = ["enterprise", "enterprise_name", "level", "colour", "derived_at", "explanation",
                  "inspections_per_year"]

    def get_colour(self, obj) -> str:
        return LEVEL_COLOUR.get(obj.level, "")

    def get_inspections_per_year(self, obj) -> int | None:
        return self.context.get("frequencies", {}).get(obj.level or "low")


@extend_schema(tags=["risks"])
class EnterpriseRiskGradeViewSet(ScopedReadOnlyViewSet):
    """Enterprises' overall risk grades with the planned regulator inspections a year
    (differentiated supervision). ``lookup`` is the enterprise id."""

    permission_classes = [permissions.IsAuthenticated]
    queryset = EnterpriseRiskGrade.objects.all()
    serializer_class = GradeSerializer
    lookup_field = "enterprise"
    filterset_fields = ["level"]
    search_fields = []
    ordering_fields = ["enterprise"]
    ordering = ["enterprise"]

    select_related = ("enterprise",)

    def get_serializer_context(self):
        return {**super().get_serializer_context(),
                "frequencies": dict(SupervisionFrequency.objects.values_list("level", "per_year"))}


class BandSerializer(Serializer):
    level = serializers.CharField()
    lower_bound = serializers.DecimalField(8, 2)
    lower_inclusive = serializers.BooleanField()


class ProfileSerializer(ModelSerializer):
    bands = BandSerializer(many=True, read_only=True)
    method = EnumField(Method, enum_name="RiskMethodEnum", read_only=True)

    class Meta:
        model = RiskProfile
        fields = ["id", "code", "name", "method", "is_default", "note", "is_active", "bands"]
        read_only_fields = fields


@extend_schema(tags=["risks"])
class RiskProfileViewSet(ScopedReadOnlyViewSet):
    """Evaluation profiles with their bands; administrators choose the default of a method."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ProfileSerializer
    pagination_class = None
    filter_backends = []
    queryset = RiskProfile.objects.prefetch_related("bands").order_by("method", "sort", "code")
    scope_exempt = "reference data: every logged-in user reads the evaluation profiles"

    @extend_schema(request=None, responses={200: ProfileSerializer})
    @action(detail=True, methods=["post"], url_path="set-default")
    def set_default(self, request, *args, **kwargs):
        profile = services.set_default_profile(self.get_object(), actor=request.user)
        return Response(ProfileSerializer(RiskProfile.objects.prefetch_related("bands").get(pk=profile.pk)).data)


class FactorValuesView(APIView):
    """The allowed L/E/C (LEC) and L/S (LS) values with their meanings (for forms)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=["risks"], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        out: dict = {}
        for v in FactorValue.objects.filter(is_active=True).order_by("method", "factor", "-value"):
            out.setdefault(v.method, {}).setdefault(v.factor, []).append(
                {"value": evaluation.format_number(v.value), "meaning": v.meaning, "meaning_en": v.meaning_en})
        return Response(out)


class RiskMapView(APIView):
    """The four-colour risk map of a region as compact arrays: ``points`` rows are
    [id, longitude, latitude, level index, name] (level index into ``levels``), the gravest
    first, at most ``cap`` of ``located_points``; ``enterprises`` the same for enterprises by
    overall grade; ``counts``, ``by_region`` and ``by_industry`` the distribution."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=["risks"], parameters=[
        OpenApiParameter("region", str, description="region code (with the regions below it)"),
        OpenApiParameter("industry", str, description="industry code (with its sub-sectors)"),
        OpenApiParameter("level", str, description="comma-separated: major,high,moderate,low,unassessed"),
    ], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(selectors.risk_map(request.user, request.query_params))


class SupervisionFrequencyView(APIView):
    """Differentiated supervision: the planned regulator inspections a year per enterprise in
    the caller's jurisdiction (``?enterprise=`` for one), from its overall risk grade."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(tags=["risks"], parameters=[OpenApiParameter("enterprise", int)],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        ent = request.query_params.get("enterprise")
        ids = None
        if ent:
            try:
                ids = [int(ent)]
            except ValueError:
                raise ValidationError({"enterprise": ["Give the enterprise id."]}) from None
        table = dict(SupervisionFrequency.objects.values_list("level", "per_year"))
        rows = selectors.planned_frequencies(request.user, ids)
        if ent and not rows:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response({"frequencies": table,
                         "enterprises": [{"enterprise": pk, **row} for pk, row in rows.items()][:5000]})
